"""What `archc build` needs of a model, checked once, here: lint runs these rules, and the compiler
runs the same rules (`BUILD_CODES`) before it builds anything (`archc.compiler.build._check`).

A model that lints clean builds: each check the compiler would otherwise make while compiling is a
rule in this module (or ARC111/ARC115 in `archc.rules.model`), so lint and build cannot drift.
These rules cannot be suppressed: a suppression would hide a problem build still refuses.

Everything here reads the model only (no troposphere, no graph): `archc lint` stays cheap.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from archc.catalog import ALARM_SIGNALS, BUILT_BY_SOURCE, IAM_ACCESS, IAM_VERBS, PAIRS, TARGET_GROUP_SIGNALS, TYPES
from archc.model.queries import roles_of
from archc.rules.base import Finding, Rule, RuleContext, describe, resource_path

if TYPE_CHECKING:
    from archc.model.resources import IamRole

# Typed references that may cross accounts, and those that may cross regions (IAM and DNS are global).
CROSS_ACCOUNT = {("iam_role", "assumable_by"), ("dns_delegation", "zone")}
CROSS_REGION = CROSS_ACCOUNT | {
    ("cloudfront_distribution", "certificate"), ("cloudfront_distribution", "web_acl"), ("acm_certificate", "zone"),
    ("route53_zone", "target"), ("lambda_function", "role"), ("ecs_task_definition", "execution_role"),
    ("ecs_task_definition", "task_role"), ("alarm", "monitors"),
}

def _placed(ctx: RuleContext, rid: str) -> bool:
    """Whether *rid* is an AWS resource in a declared account (the other rules can place it)."""
    account = ctx.account(rid)
    return account is not None and account in ctx.arch.accounts


def _account_id(ctx: RuleContext, rid: str) -> str | None:
    """The 12-digit id of *rid*'s account (None: not placed, or the account has no id: ARC130)."""
    account = ctx.account(rid)
    return ctx.arch.accounts[account].id if account is not None and account in ctx.arch.accounts else None


def account_placement(ctx: RuleContext) -> Iterator[Finding]:
    """Every AWS resource belongs to an account with an id.

    What it checks:
        Each resource that lives in AWS (everything but `external` and `generic`) names an
        account (its own `account:`, its file's `defaults.account`, or the only account), and
        that account has its 12-digit `id`.

    Why it matters:
        The compiler writes one template per account and region, and account ids go into ARNs,
        bucket names and trust policies: without them nothing can be built.

    Example:
        accounts:
          prod: {name: Production, region: us-west-2}
        resources:
          uploads: {type: s3_bucket, account: prod}

    Fix:
        Give the account its id (`id: "123456789012"`), or the resource its `account:`.
    """
    reported: set[str] = set()
    for rid, res in ctx.resources.items():
        if not TYPES[res.type].account_scoped:
            continue
        if res.account not in ctx.arch.accounts:
            yield Finding(f"{describe(ctx, rid)} belongs to no account", resource_path(rid),
                          "set account: or defaults.account in its file")
        elif not ctx.arch.accounts[res.account].id and res.account not in reported:
            reported.add(res.account)
            yield Finding(f"account '{res.account}' has no id; archc build needs it (ARNs, bucket names, trust policies)",
                          ("accounts", res.account), "add the 12-digit AWS account id: id: \"123456789012\"")


def cross_placement(ctx: RuleContext) -> Iterator[Finding]:
    """A reference crosses accounts or regions only where AWS allows it.

    What it checks:
        Every typed reference (a bucket's `kms_key`, a function's `subnets`, a queue's
        `dead_letter_queue`, …) names a resource in the same account and region, except where
        AWS allows otherwise: `assumable_by` and DNS delegation cross accounts; IAM roles, DNS,
        CloudFront's certificate and web ACL, and an alarm's `monitors` cross regions (an alarm
        is checked for its own account and region by ARC505).

    Why it matters:
        KMS keys, subnets, security groups, queues and target groups are regional and belong
        to one account; CloudFormation cannot point a resource at one elsewhere.

    Example:
        accounts:
          a: {id: "111111111111", name: A, region: us-east-1}
          b: {id: "222222222222", name: B, region: us-east-1}
        resources:
          key: {type: kms_key, account: b}
          uploads: {type: s3_bucket, account: a, kms_key: key}

    Fix:
        Use a resource of the same account and region (or move one of them).
    """
    from archc.model.references import iter_refs
    from archc.model.resources import CfnResource

    for rid, res in ctx.resources.items():
        if not _placed(ctx, rid) or isinstance(res, CfnResource):
            continue  # an escape hatch's properties hold values: a stack parameter carries them across accounts and regions
        here = (res.account, ctx.arch.region_of(rid))
        for site in iter_refs(res):
            if site.target not in ctx.resources or not _placed(ctx, site.target):
                continue
            there = (ctx.resources[site.target].account, ctx.arch.region_of(site.target))
            key = (res.type, site.field)
            if there[0] != here[0] and key not in CROSS_ACCOUNT:
                yield Finding(f"{describe(ctx, rid)}: {site.field} names '{site.target}' of account '{there[0]}'; "
                              f"it must be in the same account ('{here[0]}')", resource_path(rid, *site.path),
                              f"name a {ctx.resources[site.target].type} of account '{here[0]}'")
            elif there[1] != here[1] and key not in CROSS_REGION:
                yield Finding(f"{describe(ctx, rid)}: {site.field} names '{site.target}' in {there[1]}; "
                              f"it must be in the same region ({here[1]})", resource_path(rid, *site.path),
                              "KMS keys, subnets, security groups and target groups are regional" if site.field == "kms_key"
                              else f"name a {ctx.resources[site.target].type} in {here[1]}")


# --- network and messaging ---------------------------------------------------------------------


def default_route(ctx: RuleContext) -> Iterator[Finding]:
    """A subnet's default route fits its tier.

    What it checks:
        A subnet's `default_route` (0.0.0.0/0) goes where its tier says: a private or isolated
        subnet routing to an internet gateway, and a public one routing to a NAT gateway, are
        reported. (A subnet without a route is built without one; ARC201 and ARC203 report a
        private or public subnet that lacks it.)

    Why it matters:
        The tier is what the other rules and the reader believe; a route that contradicts it
        exposes a private subnet to the internet or leaves a public one unreachable.

    Example:
        resources:
          vpc: {type: vpc, cidr: 10.0.0.0/16}
          igw: {type: internet_gateway, vpc: vpc}
          app: {type: subnet, vpc: vpc, cidr: 10.0.1.0/24, az: us-west-2a, tier: private, default_route: igw}

    Fix:
        Point the route at the gateway the tier calls for, or change the tier.
    """
    from archc.model.resources import Subnet

    for rid, sub in ctx.of_type(Subnet):
        route = sub.default_route
        if route is None:
            continue  # built without a route; ARC201 and ARC203 say what the subnet then lacks
        if route in ctx.resources and ctx.resources[route].type == "internet_gateway":
            if sub.tier != "public":
                yield Finding(f"{describe(ctx, rid)} is {sub.tier} but routes to internet gateway '{route}'", resource_path(rid, "default_route"),
                              "only public subnets route to an internet gateway; private subnets use a NAT gateway")
        elif sub.tier == "public":
            yield Finding(f"{describe(ctx, rid)} is public but routes to NAT gateway '{route}'", resource_path(rid, "default_route"),
                          "a public subnet's default route goes to the internet gateway")


def dead_letter_queue(ctx: RuleContext) -> Iterator[Finding]:
    """A queue's dead-letter queue is of its kind and keeps messages as long.

    What it checks:
        The `dead_letter_queue` of an `sqs_queue` is FIFO exactly when the queue is, and keeps
        messages (`retention_days`) at least as long as the queue does.

    Why it matters:
        SQS refuses a FIFO queue with a standard dead-letter queue (and the other way round);
        a dead-letter queue that forgets sooner loses the messages it is there to keep.

    Example:
        resources:
          dlq: {type: sqs_queue, retention_days: 4}
          jobs: {type: sqs_queue, fifo: true, retention_days: 14, dead_letter_queue: dlq}

    Fix:
        Make both FIFO or both standard, and give the dead-letter queue the longer retention.
    """
    from archc.model.resources import SqsQueue

    for rid, q in ctx.of_type(SqsQueue):
        dlq = ctx.resources.get(q.dead_letter_queue) if q.dead_letter_queue else None
        if dlq is None or dlq.type != "sqs_queue":
            continue
        if dlq.fifo != q.fifo:
            yield Finding(f"{describe(ctx, rid)} and its dead-letter queue '{q.dead_letter_queue}' must both be FIFO or both standard",
                          resource_path(rid, "dead_letter_queue"), "set fifo the same on both")
        if dlq.retention_days < q.retention_days:
            yield Finding(f"{describe(ctx, rid)} keeps messages {q.retention_days} days but its dead-letter queue only {dlq.retention_days}",
                          resource_path(rid, "dead_letter_queue"), "a dead-letter queue should keep messages at least as long as its source queue")


def _in_domain(name: str, domain: str) -> bool:
    name, domain = name.rstrip(".").lower(), domain.rstrip(".").lower()
    return name == domain or name.endswith("." + domain)


def dns_records(ctx: RuleContext) -> Iterator[Finding]:
    """DNS records and certificates name what their zone can answer for.

    What it checks:
        Each record of a `route53_zone` lies inside the zone's domain and points at a load
        balancer, or at a CloudFront distribution that lists the name in its `aliases` (an API
        gateway needs a custom domain, which archc does not model yet). An `acm_certificate`
        validated through a `zone` uses a zone of its own account, and each of its names lies
        inside that zone's domain.

    Why it matters:
        Route 53 refuses a record outside its zone; CloudFront answers only for its aliases;
        ACM validates automatically only through a zone of its own account that holds the name.

    Example:
        resources:
          zone: {type: route53_zone, domain: example.com, records: [{name: www.example.org, target: cdn}]}
          cdn: {type: cloudfront_distribution}

    Fix:
        Keep the names inside the zone, list them in the distribution's aliases, and validate a
        certificate through a zone of its account.
    """
    from archc.model.resources import AcmCertificate, Route53Zone

    for rid, zone in ctx.of_type(Route53Zone):
        for i, rec in enumerate(zone.records):
            path = resource_path(rid, "records", i)
            target = ctx.resources.get(rec.target)
            if not _in_domain(rec.name, zone.domain):
                yield Finding(f"{describe(ctx, rid)}: record {rec.name} is not inside the zone's domain {zone.domain}", (*path, "name"),
                              f"use a name ending in {zone.domain}")
            elif target is None:
                continue
            elif target.type == "cloudfront_distribution":
                if rec.name.lower() not in [a.lower() for a in target.aliases]:
                    yield Finding(f"{describe(ctx, rid)}: record {rec.name} points at CloudFront '{rec.target}', which does not list it in aliases",
                                  (*path, "name"), f"add {rec.name} to the aliases of '{rec.target}': CloudFront only answers for its aliases")
            elif target.type != "load_balancer":
                yield Finding(f"{describe(ctx, rid)}: record {rec.name} points at {describe(ctx, rec.target)}, which needs a custom domain name",
                              (*path, "target"), "archc does not model API Gateway custom domains yet; point the record at a load_balancer or "
                                                 "cloudfront_distribution")
    for rid, cert in ctx.of_type(AcmCertificate):
        if cert.validation != "dns" or not cert.zone or cert.zone not in ctx.resources:
            continue
        zone = ctx.get(cert.zone, Route53Zone)
        if zone.account != cert.account:
            yield Finding(f"{describe(ctx, rid)} is validated through zone '{cert.zone}' of another account", resource_path(rid, "zone"),
                          "ACM validates automatically only through a hosted zone of the certificate's own account")
        for n, name in enumerate([cert.domain, *cert.alternative_names]):
            if not _in_domain(name.removeprefix("*."), zone.domain):
                yield Finding(f"{describe(ctx, rid)}: {name} is not inside zone '{cert.zone}' ({zone.domain}), which validates it",
                              resource_path(rid, "domain") if n == 0 else resource_path(rid, "alternative_names", n - 1),
                              f"validate it through a zone that holds {name}, or drop the name")


def not_yet_supported(ctx: RuleContext) -> Iterator[Finding]:
    """A model asks only for what archc can build yet.

    What it checks:
        A `secret` with `rotation_days` (rotation needs a rotation function archc does not
        model yet), and an `ecs_service` registering with a `target_group` that no load
        balancer listener forwards to (ECS refuses a target group without a load balancer).

    Why it matters:
        `archc build` cannot compile these; saying so at lint time keeps a green pre-commit
        honest.

    Example:
        resources:
          db_password: {type: secret, rotation_days: 30}

    Fix:
        Rotate the secret with a rotation Lambda managed outside the model; add a listener with
        `target_group:` to a load balancer.
    """
    from archc.model.resources import EcsService, LoadBalancer, Secret

    for rid, secret in ctx.of_type(Secret):
        if secret.rotation_days is not None:
            yield Finding(f"{describe(ctx, rid)}: rotation needs a rotation function, which archc does not model yet",
                          resource_path(rid, "rotation_days"),
                          "remove rotation_days and rotate the secret with a rotation Lambda managed outside this model")
    forwarded = {x.target_group for _, lb in ctx.of_type(LoadBalancer) for x in lb.listeners if x.target_group}
    for rid, svc in ctx.of_type(EcsService):
        if svc.target_group and svc.target_group not in forwarded:
            yield Finding(f"{describe(ctx, rid)} registers with target group '{svc.target_group}', which no load balancer listener forwards to",
                          resource_path(rid, "target_group"), f"add a listener with target_group: {svc.target_group} to a load_balancer")


# --- identity --------------------------------------------------------------------------------


def principal_roles(ctx: RuleContext, rid: str, verb: str) -> list[str] | None:
    """The model roles that act for *rid* when it does *verb*; None when *rid* acts through no role."""
    res = ctx.resources[rid]
    if res.type == "iam_role":
        return [rid]
    if res.type == "lambda_function":
        return roles_of(res)
    if res.type == "ecs_service":
        task = res.task_definition
        return principal_roles(ctx, task, verb) if task is not None and task in ctx.resources else []
    if res.type == "ecs_task_definition":
        if verb == "logs":  # the awslogs driver writes with the execution role
            return [res.execution_role] if res.execution_role else []
        return [res.task_role] if res.task_role else []
    return None


def _role(ctx: RuleContext, rid: str) -> IamRole | None:
    """Resource *rid* when it is an `iam_role` of the model (None: absent or of another type)."""
    from archc.model.resources import IamRole

    res = ctx.resources.get(rid)
    return res if isinstance(res, IamRole) else None


def trusted_roles(ctx: RuleContext, rid: str) -> dict[str, tuple[str | int, ...]]:
    """The roles role *rid* trusts → the model path that asks for it (`assumable_by`, then
    `assume_role` connections from something acting with that role)."""
    out: dict[str, tuple[str | int, ...]] = {}
    from archc.model.resources import IamRole

    for i, conn in ctx.connections_to.get(rid, []):
        if conn.verb != "assume_role" or conn.source not in ctx.resources:
            continue
        for role in principal_roles(ctx, conn.source, conn.verb) or []:
            if _role(ctx, role) is not None:
                out.setdefault(role, ("connections", i))
    for i, other in enumerate(ctx.get(rid, IamRole).assumable_by):
        out.setdefault(other, resource_path(rid, "assumable_by", i))
    return out


def _reaches(ctx: RuleContext, start: str, goal: str) -> bool:
    """Whether role *start* trusts *goal* through roles without a role_name (each names the next by
    its generated ARN, so each must be created after the next: a cycle cannot be deployed)."""
    seen, todo = {start}, [start]
    while todo:
        for other in trusted_roles(ctx, todo.pop()):
            role = _role(ctx, other)
            if role is None or role.role_name:
                continue
            if other == goal:
                return True
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return False


def role_trust(ctx: RuleContext) -> Iterator[Finding]:
    """A role can be assumed, and a role of another account it trusts has a fixed `role_name`.

    What it checks:
        Each `iam_role` is used by something (a function's `role`, a task's role), lists roles
        in `assumable_by`, or is the target of an `assume_role` connection. Each role it trusts
        that lives in another account has a `role_name`, and so does a role assumed (an
        `assume_role` connection) from another account. Roles that trust each other (or a role
        that trusts itself) in a cycle of roles without a `role_name` are reported too.

    Why it matters:
        IAM refuses a role whose trust policy names no principal, and another account can only
        name a role by its ARN, which needs a fixed name. A role without a fixed name is known by
        its generated ARN only once it exists, so a cycle of them can never be created.

    Example:
        accounts:
          a: {id: "111111111111", name: A, region: us-east-1}
          b: {id: "222222222222", name: B, region: us-east-1}
        resources:
          analyst: {type: iam_role, account: b}
          data: {type: iam_role, account: a, role_name: data, assumable_by: [analyst]}

    Fix:
        Give the trusted role a `role_name`; delete a role nothing uses, or say who assumes it.
    """
    from archc.model.resources import CfnResource, IamRole

    used: set[str] = {role for roles in ctx.roles_used_by.values() for role in roles}
    hatches = [(hid, h) for hid, h in ctx.resources.items() if isinstance(h, CfnResource)]
    if hatches:  # an escape hatch acts as the role its properties name (its service assumes it)
        from archc.aws.access import acting_roles

        role_ids = [r for r, _ in ctx.of_type(IamRole)]
        for hid, hatch in hatches:
            found = acting_roles(hatch.type, hatch.properties, ctx.arch.region_of(hid) or "us-east-1", role_ids)
            used.update(found if isinstance(found, list) else [])
    for rid, res in ctx.of_type(IamRole):
        if not _placed(ctx, rid):
            continue
        trusted = trusted_roles(ctx, rid)
        rejected = False
        for other, path in sorted(trusted.items()):
            trustee = _role(ctx, other)
            if trustee is not None and _placed(ctx, other) and trustee.account != res.account and not trustee.role_name:
                rejected = True
                yield Finding(f"{describe(ctx, rid)} trusts role '{other}' of account '{trustee.account}', which has no role_name",
                              path, f"give '{other}' a fixed role_name: another account can only name a role by its ARN")
        if not res.role_name:
            for i, conn in ctx.connections_to.get(rid, []):
                actors = principal_roles(ctx, conn.source, conn.verb) if conn.verb == "assume_role" else None
                away = sorted({account for a in actors or [] if _placed(ctx, a) and (account := ctx.account(a))} - {res.account})
                if away:
                    yield Finding(f"{describe(ctx, rid)} is assumed from account '{away[0]}' (connection #{i + 1}), but has no role_name",
                                  ("connections", i), f"give '{rid}' a fixed role_name: another account can only name a role by its ARN")
        for other, path in sorted(trusted.items()):
            trustee = _role(ctx, other)
            if trustee is not None and _placed(ctx, other) and trustee.account == res.account \
                    and not trustee.role_name and _reaches(ctx, other, rid):
                yield Finding(f"{describe(ctx, rid)} trusts itself and has no role_name" if other == rid else
                              f"{describe(ctx, rid)} trusts role '{other}', which trusts it back; neither has a role_name",
                              path, f"give '{other}' a fixed role_name: then it is trusted by name, and neither role waits for the other")
        if rid not in used and not trusted and not rejected:
            yield Finding(f"{describe(ctx, rid)}: nothing may assume this role", resource_path(rid),
                          "use it as a function's role or a task's role, list roles in assumable_by, or connect a role to it with assume_role")


# --- operations ------------------------------------------------------------------------------


def signals_of(ctx: RuleContext, rid: str) -> frozenset[str]:
    """The signals an alarm on *rid* can watch (empty: archc has no metrics for it)."""
    from archc.model.resources import LoadBalancer

    res = ctx.resources[rid]
    offered = frozenset(ALARM_SIGNALS.get(res.type, ()))
    if res.type == "ecs_service" and res.target_group:
        for _lb, lb in ctx.of_type(LoadBalancer):
            if any(listener.target_group == res.target_group for listener in lb.listeners):
                return offered | frozenset(TARGET_GROUP_SIGNALS)
    return offered


def alarm_metrics(ctx: RuleContext) -> Iterator[Finding]:
    """Alarms monitor what archc has metrics for, with signals those resources offer.

    What it checks:
        Each resource an `alarm` monitors is one archc has metrics for (functions, ECS
        services, load balancers, API gateways, Aurora clusters, SQS queues) and lives in the
        alarm's account and region; and each of the alarm's `signals` is offered by at least
        one of them (an SQS queue offers `queue_age`, a function `errors`, `throttles`,
        `latency`, …; an ECS service offers its target group's signals only when a load
        balancer listener forwards to that target group). This rule was also ARC530
        (`operations.alarm-metrics`); both names still select it.

    Why it matters:
        A CloudWatch alarm watches metrics of its own account and region only, and `archc build`
        refuses an alarm on something with no metric behind it; a signal no monitored resource
        has would be an alarm that never fires.

    Example:
        resources:
          orders: {type: dynamodb_table, partition_key: {name: pk}}
          jobs: {type: sqs_queue, region: us-east-1}
          alarm: {type: alarm, monitors: [orders, jobs], signals: [queue_age]}

    Fix:
        Monitor the code that uses the resource (the function reading the table), put the alarm
        beside what it monitors, and keep the signals its targets offer.
    """
    from archc.model.resources import Alarm

    for rid, alarm in ctx.of_type(Alarm):
        if not _placed(ctx, rid):
            continue
        where = (alarm.account, ctx.arch.region_of(rid))
        usable: set[str] = set()
        for i, target in enumerate(alarm.monitors):
            if target not in ctx.resources:
                continue
            offered = signals_of(ctx, target)
            if not offered:
                yield Finding(f"{describe(ctx, rid)} monitors {describe(ctx, target)}, which archc has no metrics for",
                              resource_path(rid, "monitors", i),
                              "monitor lambda_function, ecs_service, load_balancer, api_gateway, aurora_cluster or sqs_queue resources")
            elif (ctx.resources[target].account, ctx.arch.region_of(target)) != where:
                yield Finding(f"{describe(ctx, rid)} monitors '{target}' in another account or region", resource_path(rid, "monitors", i),
                              "CloudWatch alarms watch metrics of their own account and region")
            else:
                usable |= offered
        if alarm.monitors:
            for signal in dict.fromkeys(alarm.signals):
                if signal not in usable:
                    yield Finding(f"{describe(ctx, rid)}: none of the monitored resources has a '{signal}' signal",
                                  resource_path(rid, "signals"), "remove the signal or monitor a resource that offers it")


# --- network ---------------------------------------------------------------------------------


# Types whose traffic always leaves from a security group of their own (or that need none: a role
# querying a database only reads its secret).
NETWORK_POSITION = frozenset({"ecs_service", "load_balancer", "aurora_cluster", "aurora_readers", "iam_role"})


DATABASES = frozenset({"aurora_cluster", "aurora_readers", "rds_instance"})  # reached through their security group
# services in a VPC that data verbs and `tcp` reach through their security group (the compiler's SERVICE_PORTS)
VPC_SERVICES = frozenset({"efs_file_system", "elasticache", "opensearch_domain"})


def _reaches_into_vpc(ctx: RuleContext, verb: str, source_type: str, target_type: str) -> str | None:
    """What a connection does inside the target's VPC ("queries", "mounts"), or None when it does
    nothing there (`archc.compiler.connections` opens the target's security group for these)."""
    if (verb, source_type) in BUILT_BY_SOURCE:
        return None  # a state machine calls the service's API through its role
    if target_type in DATABASES and (verb in ("query", "tcp") or (verb == "read" and target_type != "aurora_readers")):
        return "queries"
    if target_type == "efs_file_system" and ((verb, target_type) in IAM_ACCESS or verb == "tcp"):
        return "mounts"
    if target_type in VPC_SERVICES - {"efs_file_system"} and verb in ("query", "tcp", "read", "write", "read_write"):
        return "connects to"
    return None


def database_reach(ctx: RuleContext) -> Iterator[Finding]:
    """Code that queries a database or mounts a file system in a VPC is in that VPC.

    What it checks:
        A `lambda_function` that queries (or reads, or connects over `tcp` to) an Aurora
        cluster, its readers or an RDS instance, reads or writes an EFS file system, or uses an
        `elasticache` cache or an `opensearch_domain`, is attached to `subnets`; an
        `ecs_task_definition` that does is run by an `ecs_service` (whose subnets carry its
        traffic). A state machine has no place in a VPC: it can use none of them.

    Why it matters:
        A database, an EFS file system, a cache or a search domain is reachable only from inside
        its VPC; the compiler opens its security group to the caller's group, which a function
        outside any VPC does not have.

    Example:
        resources:
          role: {type: iam_role}
          fn: {type: lambda_function, role: role}
          db: {type: aurora_cluster}
        connections:
          - {from: fn, to: db, verb: query}

    Fix:
        Attach the function to the VPC of the database or file system with `subnets: [...]`
        (private subnets), or run the task definition in a service.
    """
    from archc.model.resources import EcsService

    services = {svc.task_definition for _, svc in ctx.of_type(EcsService) if svc.task_definition}
    for i, conn in enumerate(ctx.arch.connections):
        s, t = conn.source, conn.target
        source = ctx.resources[s]
        st = source.type
        does = _reaches_into_vpc(ctx, conn.verb, st, ctx.resources[t].type)
        if does is None:
            continue
        if st in NETWORK_POSITION or (source.type == "lambda_function" and source.subnets) or (st == "ecs_task_definition" and s in services):
            continue
        where = {"lambda_function": "it is attached to no subnets", "ecs_task_definition": "no ecs_service runs it"}.get(
            st, "it has no place in a VPC")
        what = {"queries": "database", "mounts": "file system"}.get(does, "cache or search domain")
        yield Finding(f"{describe(ctx, s)} {does} '{t}', which lives in a VPC, but {where}", ("connections", i),
                      f"attach the function to the {what}'s VPC with subnets: [...] (private subnets)")


# --- connections -----------------------------------------------------------------------------

TCP_HELP = "tcp opens a security group between two resources that have one (a service, a VPC function, a load balancer, a database)"


def has_security_group(ctx: RuleContext, rid: str) -> bool:
    """Whether the compiler gives *rid* a security group of its own (`archc.compiler.declare`)."""
    res = ctx.resources[rid]
    if res.type == "lambda_function":
        return bool(res.subnets)
    if res.type == "aurora_readers":
        return res.cluster in ctx.resources
    return res.type in ("ecs_service", "load_balancer", "aurora_cluster")


def _grant_problem(ctx: RuleContext, i: int, actor: str, target: str, verb: str) -> Finding | None:
    from archc.model.resources import CfnResource

    if isinstance(ctx.resources[actor], CfnResource):
        return None  # the role an escape hatch acts as: ARC122 (archc.rules.escape_hatch) says what build refuses
    roles = principal_roles(ctx, actor, verb)
    if roles is None:
        return _meaningless(ctx, i, "only functions, tasks, services and roles act on other resources")
    if not roles:
        if ctx.resources[actor].type in ("lambda_function", "ecs_service"):
            return None  # its role or task definition is missing: ARC115
        return Finding(f"{describe(ctx, actor)} needs a task_role to {verb} '{target}'", ("connections", i),
                       f"give '{actor}' a task_role: the permissions for its connections go on it")
    if isinstance(ctx.resources[target], CfnResource):
        return None  # the actions on an escape hatch: ARC122
    if (verb, ctx.resources[target].type) not in IAM_ACCESS:
        return _meaningless(ctx, i)
    return None


def _escape_hatch(ctx: RuleContext, rid: str) -> bool:
    from archc.model.resources import CfnResource

    return isinstance(ctx.resources[rid], CfnResource)


def _meaningless(ctx: RuleContext, i: int, help: str | None = None) -> Finding:
    conn = ctx.arch.connections[i]
    return Finding(f"connection #{i + 1} ({conn.source} → {conn.target}): '{conn.verb}' means nothing archc can build from "
                   f"{ctx.resources[conn.source].type} to {ctx.resources[conn.target].type}", ("connections", i, "verb"),
                   help or "use a verb that archc compiles between these types (`archc rules ARC132` says which)")


def _replication_problem(ctx: RuleContext, i: int, s: str, t: str) -> Finding | None:
    from archc.model.resources import S3Bucket

    if s == t:
        return Finding(f"{describe(ctx, s)} replicates into itself", ("connections", i), "replicate into another bucket")
    if ctx.resources[s].account != ctx.resources[t].account:
        return Finding(f"{describe(ctx, s)} replicates into '{t}' of another account", ("connections", i),
                       "archc compiles replication within one account only")
    for who in (s, t):
        if not ctx.get(who, S3Bucket).versioning:
            return Finding(f"replication from '{s}' to '{t}' needs versioning, which {describe(ctx, who)} turns off", ("connections", i),
                           f"set versioning: true on '{who}'")
    return None


def connection_problem(ctx: RuleContext, i: int) -> Finding | None:
    """Why the compiler cannot build connection *i* (None: it can, or another rule says why not)."""
    from archc.model.queries import verb_fits
    from archc.model.resources import EcsService, LambdaFunction, LoadBalancer, SqsQueue

    conn = ctx.arch.connections[i]
    s, t, verb = conn.source, conn.target, conn.verb
    st, tt = ctx.resources[s].type, ctx.resources[t].type
    if verb == "relates" or "generic" in (st, tt) or not verb_fits(verb, st, tt):
        return None  # ARC111, ARC110
    allowed = PAIRS.get(verb, {}).get(st)
    if (allowed is not None and tt not in allowed) or (verb, st) in BUILT_BY_SOURCE:
        return None  # types that do not pair: ARC116; what a stream, rule, schedule or state machine builds itself: ARC117–120
    if verb in IAM_VERBS and not (verb == "publish" and st == "alarm"):
        return _grant_problem(ctx, i, s, t, verb)  # a database's network side: ARC230
    if verb == "invoke":
        if st == "api_gateway":
            return None
        if principal_roles(ctx, s, verb) is None and not _escape_hatch(ctx, s):
            return _meaningless(ctx, i, "only code (a function, a task) or an API gateway invokes a function; "
                                        "put an api_gateway between external callers and the function")
        return _grant_problem(ctx, i, s, t, verb)
    if verb == "trigger":
        if tt == "alarm":
            return None if st == "metric_namespace" else _meaningless(
                ctx, i, "an alarm is triggered by metrics: monitor the resource with the alarm's monitors field")
        if st == "sqs_queue":
            if tt != "lambda_function":
                return None  # which targets a queue may trigger: ARC116 (the catalogue's PAIRS)
            q, fn = ctx.get(s, SqsQueue), ctx.get(t, LambdaFunction)
            if q.visibility_timeout_seconds < fn.timeout_seconds:
                return Finding(f"{describe(ctx, s)} has a visibility timeout of {q.visibility_timeout_seconds} s, shorter than the timeout "
                               f"of '{t}' ({fn.timeout_seconds} s) it triggers", resource_path(s, "visibility_timeout_seconds"),
                               "set visibility_timeout_seconds to at least the function's timeout (AWS recommends six times)")
            return _grant_problem(ctx, i, t, s, "trigger")
        return None
    if verb in ("notify", "publish"):
        if st == "alarm":
            return None if tt == "sns_topic" else _meaningless(ctx, i, "an alarm notifies an sns_topic; subscribe the receiver to the topic")
        return None if tt in ("external", "lambda_function", "sqs_queue") else _meaningless(ctx, i)
    if verb == "tcp":
        if tt in DATABASES or tt in VPC_SERVICES:
            return None  # ARC230
        ports = tt == "ecs_service" or (tt == "load_balancer" and bool(ctx.get(t, LoadBalancer).listeners))
        if st == "ecs_task_definition":
            holders = any(svc.task_definition == s for _, svc in ctx.of_type(EcsService))
        else:
            holders = has_security_group(ctx, s)
        return None if ports and holders and has_security_group(ctx, t) else _meaningless(ctx, i, TCP_HELP)
    if verb in ("https", "http") and tt == "load_balancer":
        listeners = ctx.get(t, LoadBalancer).listeners
        if listeners and not any(x.protocol == verb.upper() for x in listeners):
            return Finding(f"{describe(ctx, t)} has no {verb.upper()} listener for {s} to connect to", ("connections", i),
                           f"add a {verb.upper()} listener to '{t}', or use the verb of one it has")
        return None
    if verb == "route" and tt == "lambda_function":
        return Finding("routing a target group to a Lambda function is not supported by archc yet", ("connections", i),
                       "invoke the function from an api_gateway instead")
    if verb == "run":
        runs = ctx.get(s, EcsService).task_definition
        if runs is not None and runs != t:
            return Finding(f"{describe(ctx, s)} runs '{runs}', not '{t}'", ("connections", i),
                           f"set task_definition: {t} on '{s}' or drop the connection")
        return None
    if verb == "replicate":
        return _replication_problem(ctx, i, s, t)
    if verb in ("origin", "https", "http", "forward", "route"):
        return None
    return _meaningless(ctx, i)


def connection_buildable(ctx: RuleContext) -> Iterator[Finding]:
    """A connection means something archc can build between its two ends.

    What it checks:
        Beyond the verb fitting its ends' types (ARC110): that the source acts through a role
        when the verb is a permission (a task definition needs a `task_role` to read, write or
        send; an external cannot `invoke` a function), that the compiler has permissions for
        the verb on the target type, that a queue triggering a function keeps messages
        invisible at least as long as the function runs, that `tcp` joins two resources with
        security groups, that an `http`/`https` connection reaches a load balancer listener of
        that protocol, that a `run` connection names the service's own task definition, and that
        a bucket replicates into another versioned bucket of its own account.

    Why it matters:
        `archc build` compiles each connection to IAM statements, security-group rules,
        subscriptions or event sources; a connection it cannot compile stops the build.

    Example:
        resources:
          role: {type: iam_role}
          task: {type: ecs_task_definition, vcpu: 0.25, memory_gib: 0.5, execution_role: role}
          bucket: {type: s3_bucket}
        connections:
          - {from: task, to: bucket, verb: read}

    Fix:
        Follow the finding's help: give the task a `task_role`, use a verb archc compiles between
        the two types, or connect through the resource that has the network position or role.
    """
    for i in range(len(ctx.arch.connections)):
        problem = connection_problem(ctx, i)
        if problem is not None:
            yield problem


# --- entry points ----------------------------------------------------------------------------


def entry_points(ctx: RuleContext) -> Iterator[Finding]:
    """An API gateway and a CloudFront distribution have what the compiler needs to build them.

    What it checks:
        An `api_gateway` invokes at least one `lambda_function` (an HTTP API exactly one). A
        `cloudfront_distribution` has an origin (a load balancer, bucket or API connected with
        `origin`); a load balancer it reaches over HTTPS has the `domain` its certificate
        covers; its `certificate` is in us-east-1; it has a certificate when it has `aliases`;
        its `web_acl` has CLOUDFRONT scope.

    Why it matters:
        API Gateway refuses a deployment without an integration, and CloudFront accepts only
        us-east-1 certificates and CLOUDFRONT-scope web ACLs: the stack would fail to create.

    Example:
        resources:
          api: {type: api_gateway}

    Fix:
        Connect the API to its function with `invoke`; connect the distribution to its origin
        with `origin`; move the certificate to us-east-1; use a CLOUDFRONT-scope web ACL.
    """
    from archc.model.resources import ApiGateway, CloudFrontDistribution, WebAcl

    for rid, api in ctx.of_type(ApiGateway):
        targets = [(i, c.target) for i, c in ctx.connections_from.get(rid, [])
                   if c.verb == "invoke" and ctx.resources[c.target].type == "lambda_function"]
        if not targets:
            yield Finding(f"{describe(ctx, rid)} invokes nothing", resource_path(rid),
                          "connect it to a lambda_function with verb invoke: an API needs at least one integration")
        elif api.kind == "http" and len(targets) > 1:
            yield Finding(f"{describe(ctx, rid)} is an HTTP API with more than one Lambda integration", ("connections", targets[1][0]),
                          "archc routes an HTTP API's $default route to one function; use kind: rest for several")
    for rid, cdn in ctx.of_type(CloudFrontDistribution):
        origins = 0
        for _i, conn in ctx.connections_from.get(rid, []):
            target = ctx.resources[conn.target]
            if conn.verb != "origin" or target.type not in ("load_balancer", "s3_bucket", "api_gateway"):
                continue
            if target.type == "load_balancer" and any(x.protocol == "HTTPS" for x in target.listeners) and not target.domain:
                yield Finding(f"{describe(ctx, conn.target)} is a CloudFront origin over HTTPS but has no domain", resource_path(conn.target, "domain"),
                              "give the load balancer the domain its certificate covers: CloudFront checks the origin's certificate against it")
                continue
            if target.type != "load_balancer" or target.listeners:
                origins += 1
        if not origins:
            yield Finding(f"{describe(ctx, rid)} has no origin", resource_path(rid),
                          "connect it to a load_balancer, s3_bucket or api_gateway with verb origin")
        if cdn.certificate and cdn.certificate in ctx.resources and ctx.arch.region_of(cdn.certificate) != "us-east-1":
            yield Finding(f"{describe(ctx, rid)} uses certificate '{cdn.certificate}', which is not in us-east-1", resource_path(rid, "certificate"),
                          "CloudFront only accepts ACM certificates from us-east-1: add `region: us-east-1` to the certificate")
        elif not cdn.certificate and cdn.aliases:
            yield Finding(f"{describe(ctx, rid)} has aliases but no certificate", resource_path(rid, "aliases"),
                          "add a us-east-1 acm_certificate covering the aliases")
        if cdn.web_acl and cdn.web_acl in ctx.resources and ctx.get(cdn.web_acl, WebAcl).scope != "CLOUDFRONT":
            yield Finding(f"{describe(ctx, rid)} uses web ACL '{cdn.web_acl}', whose scope is REGIONAL", resource_path(rid, "web_acl"),
                          "a CloudFront distribution needs a CLOUDFRONT-scope web ACL in us-east-1")


# --- data ------------------------------------------------------------------------------------

BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def bucket_names(ctx: RuleContext) -> Iterator[Finding]:
    """Every bucket gets a valid S3 name of its own.

    What it checks:
        The name archc gives each `s3_bucket` — its `name` (or its id, lower-cased, with
        anything but letters, digits, '.' and '-' made '-') plus the account id and region —
        and the name of the access-log bucket of each account and region (the model's name +
        `-s3-access-logs`) are valid S3 bucket names (3–63 characters, lower case) and differ
        from each other. Ids like `b_1` and `b-1`, or two ids in another script, give the same
        name.

    Why it matters:
        Bucket names are global: the second bucket of one name fails to create, and a name S3
        refuses fails the stack.

    Example:
        resources:
          b_1: {type: s3_bucket}
          b-1: {type: s3_bucket}

    Fix:
        Give one of them a `name:` of its own (a short stem of lower-case letters, digits and
        hyphens).
    """
    from archc.compiler.naming import bucket_name, bucket_stem  # plain string functions
    from archc.model.resources import S3Bucket

    seen: dict[str, str] = {}
    logs: set[tuple[str, str]] = set()
    for rid, res in ctx.of_type(S3Bucket):
        account_id = _account_id(ctx, rid)
        if not account_id:
            continue  # ARC130
        region = ctx.arch.region_of(rid) or ""
        name = bucket_name(bucket_stem(rid, res.name), account_id, region)
        if not BUCKET_NAME.match(name) or ".." in name:
            yield Finding(f"{describe(ctx, rid)}: bucket name {name} (name + account id + region) is not a valid S3 bucket name",
                          resource_path(rid, "name"),
                          "use a shorter stem of lower-case letters, digits and hyphens: the whole name must be 3 to 63 characters")
        elif name in seen:
            yield Finding(f"{describe(ctx, rid)} gets the bucket name {name}, as '{seen[name]}' does", resource_path(rid),
                          f"give '{rid}' a `name:` of its own")
        seen.setdefault(name, rid)
        logs.add((account_id, region))
    for account_id, region in sorted(logs):
        name = bucket_name(bucket_stem(ctx.arch.name, None) + "-s3-access-logs", account_id, region)
        if not BUCKET_NAME.match(name):
            yield Finding(f"the access-log bucket name {name} (model name + account id + region) is not a valid S3 bucket name",
                          ("name",), "use a shorter model name")
        elif name in seen:
            yield Finding(f"{describe(ctx, seen[name])} gets the bucket name {name}, which archc gives the access-log bucket of "
                          f"its account and region", resource_path(seen[name]), f"give '{seen[name]}' another `name:`")


RULES: list[Rule] = [
    Rule("ARC130", "model.account-placement", "error", account_placement, suppressible=False),
    Rule("ARC131", "model.cross-placement", "error", cross_placement, suppressible=False),
    Rule("ARC132", "model.connection-buildable", "error", connection_buildable, suppressible=False),
    Rule("ARC133", "model.entry-points", "error", entry_points, suppressible=False),
    Rule("ARC134", "model.not-yet-supported", "error", not_yet_supported, suppressible=False),
    Rule("ARC230", "network.database-reach", "error", database_reach, suppressible=False),
    Rule("ARC231", "network.default-route", "error", default_route, suppressible=False),
    Rule("ARC232", "network.dns-records", "error", dns_records, suppressible=False),
    Rule("ARC330", "access.role-trust", "error", role_trust, suppressible=False),
    Rule("ARC430", "data.bucket-names", "error", bucket_names, suppressible=False),
    Rule("ARC431", "data.dead-letter-queue", "error", dead_letter_queue, suppressible=False),
    # ARC530 `operations.alarm-metrics` made the same checks as ARC505 (stricter): one rule now, the old code an alias, never reused
    Rule("ARC505", "operations.alarm-monitors", "error", alarm_metrics, suppressible=False, aliases=("ARC530", "operations.alarm-metrics")),
]

# What the compiler runs before building: these rules, and the rules of the other areas on what it
# cannot build (or AWS refuses). Exactly the rules that cannot be suppressed (a test holds them equal):
# a finding lint lets through, build must not refuse.
BUILD_CODES: tuple[str, ...] = (
    "ARC110", "ARC111", "ARC115", "ARC116", "ARC117", "ARC118", "ARC119", "ARC120", "ARC122", "ARC123", "ARC124",
    "ARC125", "ARC127", "ARC128", "ARC129", "ARC140", "ARC206", "ARC207", "ARC210", "ARC211", *(r.code for r in RULES))
