"""Deployability rules: what a real deploy would refuse or quietly get wrong, and what cfn-lint and
checkov cannot see in the templates (issue #14). Codes follow their area (2 network, 4 data)."""

from __future__ import annotations

from collections.abc import Iterator

from archc.rules.base import Finding, Rule, RuleContext, resource_path

RTC_MINUTES = 15  # S3 Replication Time Control: 99.99% of objects within 15 minutes


def _domain(name: str) -> str:
    return name.rstrip(".").lower()


def dns_delegation_parent(ctx: RuleContext) -> Iterator[Finding]:
    """A DNS delegation writes its NS record where DNS will look for it.

    What it checks:
        A `dns_delegation` with `via: parent_zone` (the default) delegates a strict subdomain of
        its `parent_zone`: not the parent zone's own name (an NS record at the apex of a zone of
        the same name) and not a name outside it. Without a `parent_zone` in the model, the
        delegated domain must not be a registered domain (two labels, `example.com`): its only
        parent is its TLD's registry, reached through the registration (`via: registrar`).

    Why it matters:
        Route 53 refuses a second NS record set at a zone's apex, and a zone rejects names outside
        its domain; an NS record for a registered domain in some other zone is never asked for.
        The delegation then never takes effect, ACM's DNS validation never succeeds and every
        stack with a certificate waits for hours before it fails.

    Example:
        resources:
          zone: {type: route53_zone, domain: example.com}
          parent: {type: route53_zone, domain: example.com}
          delegation: {type: dns_delegation, zone: zone, parent_zone: parent}

    Fix:
        For a registered domain set `via: registrar` (the registration in this account gets the
        zone's name servers); for a subdomain name the parent domain's zone in `parent_zone`.
    """
    from archc.model.resources import DnsDelegation, Route53Zone

    res = ctx.resources
    for rid, deleg in ctx.of_type(DnsDelegation):
        if deleg.via != "parent_zone" or deleg.zone is None or deleg.zone not in res:
            continue
        domain = _domain(ctx.get(deleg.zone, Route53Zone).domain)
        if deleg.parent_zone is not None and deleg.parent_zone in res:
            parent = _domain(ctx.get(deleg.parent_zone, Route53Zone).domain)
            if domain == parent:
                yield Finding(f"delegation '{rid}' puts an NS record for {domain} at the apex of zone '{deleg.parent_zone}', "
                              "which has the same name; Route 53 refuses it", resource_path(rid, "parent_zone"),
                              "a registered domain is delegated by its registration: set `via: registrar`",
                              (resource_path(deleg.zone), resource_path(deleg.parent_zone)))
            elif not domain.endswith("." + parent):
                yield Finding(f"delegation '{rid}' puts an NS record for {domain} into zone '{deleg.parent_zone}' ({parent}), "
                              "which does not contain that name", resource_path(rid, "parent_zone"),
                              f"name the hosted zone of a parent domain of {domain}")
        elif domain.count(".") == 1:
            yield Finding(f"delegation '{rid}' delegates {domain}, a registered domain, through a parent zone; its only "
                          "parent is the TLD's registry", resource_path(rid),
                          "set `via: registrar`: the domain's registration gets the zone's name servers")


def dns_reachable(ctx: RuleContext) -> Iterator[Finding]:
    """A DNS name leads somewhere its callers can reach.

    What it checks:
        A record of a `route53_zone` is a public name: callers on the internet resolve it. When
        it points at a `load_balancer`, some `external` caller connects to that load balancer
        (`https` or `http`): that is what opens its security group to the internet on the
        listener ports. And each of its listeners receives traffic: for an HTTP listener (the
        redirect to HTTPS, say) an `http` connection from the internet, for an HTTPS listener an
        `https` one (or CloudFront's `origin`).

    Why it matters:
        The build admits into a load balancer only the callers the model connects to it. A
        load balancer that is CloudFront's origin admits only CloudFront's addresses: a record
        pointing at it resolves, and every connection to it times out. A redirect listener no
        caller may reach redirects nobody.

    Example:
        resources:
          vpc: {type: vpc, cidr: 10.0.0.0/16}
          igw: {type: internet_gateway, vpc: vpc}
          a: {type: subnet, vpc: vpc, tier: public, cidr: 10.0.0.0/24, az: us-west-2a, default_route: igw}
          b: {type: subnet, vpc: vpc, tier: public, cidr: 10.0.1.0/24, az: us-west-2b, default_route: igw}
          cert: {type: acm_certificate, domain: "*.example.com", zone: zone}
          tg: {type: target_group, vpc: vpc, port: 8080}
          users: {type: external, kind: users}
          lb: {type: load_balancer, subnets: [a, b], listeners: [{port: 443, protocol: HTTPS, certificate: cert, target_group: tg}]}
          cdn: {type: cloudfront_distribution, aliases: [cdn.example.com]}
          zone: {type: route53_zone, domain: example.com, records: [{name: www.example.com, target: lb}]}
        connections:
          - {from: users, to: cdn, verb: https}
          - {from: cdn, to: lb, verb: origin}

    Fix:
        Connect the callers who use the name to the load balancer
        (`{from: users, to: lb, verb: https}`, and `verb: http` for a redirect listener), or
        point the record at what they do connect to (the CloudFront distribution).
    """
    from archc.model.resources import LoadBalancer, Route53Zone

    res = ctx.resources
    for zid, zone in ctx.of_type(Route53Zone):
        reported: set[str] = set()
        for i, rec in enumerate(zone.records):
            lb = res.get(rec.target)
            if not isinstance(lb, LoadBalancer) or lb.scheme != "internet-facing":
                continue
            into = ctx.connections_to.get(rec.target, [])
            public = {c.verb for _, c in into if res[c.source].type == "external" and c.verb in ("http", "https")}
            if not public:
                admitted = sorted({c.source for _, c in into if c.verb in ("http", "https", "origin")})
                who = f"only {', '.join(repr(a) for a in admitted)}" if admitted else "no caller"
                yield Finding(f"record {rec.name} points at load balancer '{rec.target}', which admits {who}: callers on the internet "
                              "who resolve it cannot connect", resource_path(zid, "records", i),
                              f"connect the callers to '{rec.target}' (`{{from: <users>, to: {rec.target}, verb: https}}`) or point "
                              "the record at what they connect to", (resource_path(rec.target),))
                continue
            if rec.target in reported:
                continue
            reported.add(rec.target)
            origin = any(c.verb == "origin" for _, c in into)
            for j, listener in enumerate(lb.listeners):
                verb = listener.protocol.lower()
                if verb not in public and not (verb == "https" and origin):
                    what = "redirect" if listener.action == "redirect_https" else "listener"
                    yield Finding(f"the {listener.protocol} {what} on port {listener.port} of '{rec.target}' (behind {rec.name}) "
                                  f"receives no traffic: no caller on the internet connects with `{verb}`",
                                  resource_path(rec.target, "listeners", j),
                                  f"connect the callers with `verb: {verb}`, or remove the listener", (resource_path(zid, "records", i),))


def transit_encryption(ctx: RuleContext) -> Iterator[Finding]:
    """Databases refuse connections without TLS.

    What it checks:
        Each `aurora_cluster` keeps `require_tls` on (the default), which compiles into a cluster
        parameter group with `rds.force_ssl = 1` (PostgreSQL) or `require_secure_transport = ON`
        (MySQL).

    Why it matters:
        Aurora's default parameter group accepts unencrypted connections (`rds.force_ssl` is 0):
        a client that does not ask for TLS sends credentials and rows in clear text, whatever the
        storage encryption says. Neither cfn-lint nor checkov looks at the parameter group.

    Example:
        resources:
          subnet_a: {type: subnet, vpc: vpc, tier: private, cidr: 10.0.0.0/24, az: us-west-2a}
          subnet_b: {type: subnet, vpc: vpc, tier: private, cidr: 10.0.1.0/24, az: us-west-2b}
          vpc: {type: vpc, cidr: 10.0.0.0/16}
          dbs: {type: db_subnet_group, subnets: [subnet_a, subnet_b]}
          db: {type: aurora_cluster, engine_version: "15", subnet_group: dbs, require_tls: false}

    Fix:
        Remove `require_tls: false` (or set it to true) and connect with `sslmode=verify-full`.
    """
    from archc.model.resources import AuroraCluster

    for rid, db in ctx.of_type(AuroraCluster):
        if not db.require_tls:
            yield Finding(f"database '{rid}' accepts connections without TLS", resource_path(rid, "require_tls"),
                          "remove `require_tls: false`: the build then emits a parameter group that forces TLS")


def replication_rpo(ctx: RuleContext) -> Iterator[Finding]:
    """A bucket's replication RPO is one S3 can keep.

    What it checks:
        A bucket with `replication_rpo_minutes` replicates somewhere (a `replicate` connection),
        and the RPO is at least 15 minutes, the time S3 Replication Time Control guarantees
        (which the build turns on for it).

    Why it matters:
        Plain S3 replication is asynchronous with no time bound: most objects arrive in seconds,
        some in hours. Only Replication Time Control promises a time (99.99% of objects within 15
        minutes) and publishes the metrics to alarm on when it is late. A stated RPO below that is
        a promise nobody can keep; an RPO on a bucket that replicates nowhere protects nothing.

    Example:
        resources:
          data: {type: s3_bucket, replication_rpo_minutes: 5}
          copy: {type: s3_bucket, region: us-east-1}
        connections:
          - {from: data, to: copy, verb: replicate}

    Fix:
        State an RPO of 15 minutes or more (S3's own bound), or protect the data another way
        (AWS Backup, application-level writes to both regions).
    """
    from archc.model.resources import S3Bucket

    for rid, bucket in ctx.of_type(S3Bucket):
        rpo = bucket.replication_rpo_minutes
        if rpo is None:
            continue
        replicates = any(c.verb == "replicate" for _, c in ctx.connections_from.get(rid, []))
        if not replicates:
            yield Finding(f"bucket '{rid}' states a replication RPO of {rpo} minutes but replicates nowhere",
                          resource_path(rid, "replication_rpo_minutes"),
                          f"connect '{rid}' to a bucket in another region with `verb: replicate`, or remove the RPO")
        elif rpo < RTC_MINUTES:
            yield Finding(f"bucket '{rid}' states a replication RPO of {rpo} minutes; S3 guarantees {RTC_MINUTES} at best "
                          "(Replication Time Control)", resource_path(rid, "replication_rpo_minutes"),
                          f"set replication_rpo_minutes to {RTC_MINUTES} or more")


def tracing(ctx: RuleContext) -> Iterator[Finding]:
    """Where the model traces with X-Ray, every function and task traces.

    What it checks:
        In an account with an `xray` resource, each `lambda_function` and `ecs_task_definition`
        has a `traces` connection to it (which turns on Lambda active tracing, or adds the X-Ray
        daemon to the task).

    Why it matters:
        A distributed trace breaks at the first component that does not trace: the request that
        went through API Gateway, a queue and a worker shows only its first hop, and the slow or
        failing part stays invisible exactly where it is needed.

    Example:
        resources:
          traces: {type: xray}
          role: {type: iam_role}
          api_fn: {type: lambda_function, role: role}
          worker: {type: lambda_function, role: role}
        connections:
          - {from: api_fn, to: traces, verb: traces}

    Fix:
        Connect the resource to the account's X-Ray: `{from: <function>, to: <xray>, verb: traces}`.
    """
    from archc.model.resources import EcsTaskDefinition, LambdaFunction, Tracing

    tracers = {ctx.account(rid): rid for rid, _ in ctx.of_type(Tracing)}
    for rid, _res in ctx.of_type(LambdaFunction, EcsTaskDefinition):
        xray = tracers.get(ctx.account(rid))
        if xray is None:
            continue
        if not any(c.verb == "traces" for _, c in ctx.connections_from.get(rid, [])):
            yield Finding(f"'{rid}' does not trace to '{xray}', which its account's other components trace to", resource_path(rid),
                          f"add a connection {{from: {rid}, to: {xray}, verb: traces}}")


RULES: list[Rule] = [
    Rule("ARC211", "network.dns-delegation-parent", "error", dns_delegation_parent, suppressible=False),
    Rule("ARC212", "network.dns-reachable", "error", dns_reachable),
    Rule("ARC415", "data.transit-encryption", "error", transit_encryption),
    Rule("ARC416", "data.replication-rpo", "error", replication_rpo),
    Rule("ARC506", "operations.tracing", "warning", tracing),
]
