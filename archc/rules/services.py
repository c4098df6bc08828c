"""Rules for the service families beyond the seed's (DynamoDB, …): backups and protection of their
data stores. Codes continue the areas' numbering (ARC4xx data protection)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from archc.catalog import PAIRS, RUNTIME_ENDPOINTS, SERVICE_ENDPOINTS
from archc.model.placement import endpoint_placement_problems
from archc.rules.base import Finding, R, Rule, RuleContext, describe, resource_path


def _each(ctx: RuleContext, cls: type[R], bad: Callable[[R], bool], field: str, message: str, help: str) -> Iterator[Finding]:
    """A finding at *field* of each resource of *cls* that is *bad* (the shape of the rules on one
    setting of one type); *message* and *help* name the resource as ``{rid}`` and the field's value
    as ``{value}``."""
    for rid, res in ctx.of_type(cls):
        if bad(res):
            value = getattr(res, field)
            yield Finding(message.format(rid=rid, value=value), resource_path(rid, field), help.format(rid=rid, value=value))


def connection_pair(ctx: RuleContext) -> Iterator[Finding]:
    """A trigger, invoke or publish connection joins a pair of types that work together.

    What it checks:
        Connections whose verb means something only between certain pairs of types (the
        catalogue's `PAIRS`): a queue, bucket, topic or table stream triggers a function; an
        EventBridge rule or schedule triggers (or invokes) a function or a queue; metrics
        trigger an alarm; an alarm publishes to an SNS topic. ARC110 checks each end alone;
        this rule checks the two together.

    Why it matters:
        Each end can be right while the pair is not: a queue "triggering" another queue or an
        alarm has no AWS mechanism behind it, so the build has nothing to make of it.

    Example:
        resources:
          jobs: {type: sqs_queue}
          more: {type: sqs_queue}
        connections:
          - {from: jobs, to: more, verb: trigger}

    Fix:
        Point the connection at a type the finding lists, or put the missing piece between
        them (a function that reads one queue and sends to the other).
    """
    res = ctx.resources
    for i, conn in enumerate(ctx.arch.connections):
        allowed = PAIRS.get(conn.verb, {}).get(res[conn.source].type)
        target_type = res[conn.target].type
        if allowed is None or target_type in allowed or target_type == "generic":
            continue
        yield Finding(f"'{conn.verb}' from {res[conn.source].type} '{conn.source}' goes to {' or '.join(allowed)}, not to {target_type} "
                      f"'{conn.target}'", ("connections", i, "verb"), f"connect '{conn.source}' to a {' or '.join(allowed)}",
                      (resource_path(conn.source), ("connections", i), resource_path(conn.target)))


def schedule_target(ctx: RuleContext) -> Iterator[Finding]:
    """An EventBridge schedule has exactly one target.

    What it checks:
        Each `eventbridge_schedule` has one `trigger` or `invoke` connection to a function, a
        queue or a state machine.

    Why it matters:
        EventBridge Scheduler runs one target per schedule. With none the schedule does nothing;
        with several only one could be built, and the diagram would promise the others.

    Example:
        resources:
          nightly: {type: eventbridge_schedule, expression: "cron(0 3 * * ? *)"}

    Fix:
        Connect the schedule to its one target (`verb: trigger`); to fan out, trigger a queue or
        a function that fans out, or use an `eventbridge_rule` with several targets.
    """
    from archc.model.resources import EventBridgeSchedule

    allowed = PAIRS["trigger"]["eventbridge_schedule"]
    for rid, _schedule in ctx.of_type(EventBridgeSchedule):
        found = [c.target for _, c in ctx.connections_from.get(rid, []) if c.verb in ("trigger", "invoke")
                 and ctx.resources[c.target].type in allowed]
        if len(found) != 1:
            yield Finding(f"schedule '{rid}' has {len(found)} targets" + (f" ({', '.join(found)})" if found else ""), resource_path(rid),
                          "connect it to exactly one function, queue or state machine with verb: trigger")


def state_machine_definition(ctx: RuleContext) -> Iterator[Finding]:
    """A state machine has a definition.

    What it checks:
        Each `state_machine` has `definition` (inline Amazon States Language) or
        `definition_file` (a file uploaded at deploy time).

    Why it matters:
        A state machine is its definition; without one there is nothing to build. A sketch
        imported from a diagram often lacks it.

    Example:
        resources:
          checkout: {type: state_machine}

    Fix:
        Add `definition: {StartAt: ..., States: {...}}` or `definition_file: workflows/checkout.asl.json`.
    """
    from archc.model.resources import StateMachine

    for rid, machine in ctx.of_type(StateMachine):
        if machine.definition is None and machine.definition_file is None:
            yield Finding(f"state machine '{rid}' has no definition", resource_path(rid),
                          "give it definition: {StartAt: ..., States: {...}} or definition_file: PATH")


def table_point_in_time_recovery(ctx: RuleContext) -> Iterator[Finding]:
    """DynamoDB tables keep point-in-time recovery on.

    What it checks:
        Every `dynamodb_table` with `point_in_time_recovery: false`.

    Why it matters:
        Point-in-time recovery is DynamoDB's continuous backup: a table can be restored to any
        second of the last 35 days. Without it, an overwrite or a bad deploy that rewrites items
        is unrecoverable unless someone took an on-demand backup just before.

    Example:
        resources:
          orders: {type: dynamodb_table, partition_key: {name: pk}, point_in_time_recovery: false}

    Fix:
        Remove `point_in_time_recovery: false` (recovery is on by default), or suppress ARC408 on
        a table that only holds data rebuilt from elsewhere (a cache, a projection), saying so.
    """
    from archc.model.resources import DynamoDbTable

    yield from _each(ctx, DynamoDbTable, lambda t: not t.point_in_time_recovery, "point_in_time_recovery",
                     "table '{rid}' has no point-in-time recovery", "set `point_in_time_recovery: true`")


def table_deletion_protection(ctx: RuleContext) -> Iterator[Finding]:
    """DynamoDB tables keep deletion protection on.

    What it checks:
        Every `dynamodb_table` with `deletion_protection: false`.

    Why it matters:
        A deleted table takes its items with it, and with them the point-in-time recovery
        window's continuity. Deletion protection makes `DeleteTable` fail until someone turns it
        off on purpose, so a console slip or a script cannot do it.

    Example:
        resources:
          orders: {type: dynamodb_table, partition_key: {name: pk}, deletion_protection: false}

    Fix:
        Remove `deletion_protection: false` (it is on by default), or suppress ARC409 on a
        scratch table with the reason.
    """
    from archc.model.resources import DynamoDbTable

    yield from _each(ctx, DynamoDbTable, lambda t: not t.deletion_protection, "deletion_protection",
                     "table '{rid}' has no deletion protection", "set `deletion_protection: true`")


def _needs(ctx: RuleContext, rid: str) -> set[str]:
    """The AWS services compute *rid* calls from its subnets (endpoint names)."""
    node = ctx.resources[rid]
    actors = [rid]
    if node.type == "ecs_service" and node.task_definition:
        actors.append(node.task_definition)
    out = set(RUNTIME_ENDPOINTS.get(node.type, ()))
    for actor in actors:
        for _, conn in ctx.connections_from.get(actor, []):
            if conn.verb in ("trigger", "relates") or (conn.verb == "logs" and node.type == "lambda_function"):
                continue  # driven by the service, or written by Lambda itself
            service = SERVICE_ENDPOINTS.get(ctx.resources[conn.target].type)
            if service:
                out.add(service)
    return out


def _served(ctx: RuleContext, subnet: str) -> set[str]:
    """The services VPC endpoints serve in *subnet*: gateway endpoints routed there, interface endpoints of its VPC."""
    from archc.model.resources import Subnet, VpcEndpoint

    vpc = ctx.get(subnet, Subnet).vpc
    out: set[str] = set()
    for _, ep in ctx.of_type(VpcEndpoint):
        if ep.vpc != vpc or ep.service is None:
            continue
        if (ep.endpoint_kind == "gateway" and subnet in ep.subnets) or (ep.endpoint_kind == "interface" and ep.private_dns):
            out.add(ep.service)
    return out


def endpoint_reachability(ctx: RuleContext) -> Iterator[Finding]:
    """Code in an isolated subnet reaches the AWS services it uses through VPC endpoints.

    What it checks:
        For each function or ECS service with a subnet of `tier: isolated` (no route to the
        internet), the AWS services it calls — from its connections (a table → dynamodb, a
        queue → sqs, a secret → secretsmanager, a role it assumes → sts, …) and, for ECS,
        from running at all (ecr.api, ecr.dkr, s3 for image layers, logs) — each have a VPC
        endpoint serving that subnet: a gateway endpoint listing it, or an interface endpoint
        of its VPC with private DNS.

    Why it matters:
        A subnet with neither a NAT gateway nor the right endpoint gives the code no path to
        the service: calls time out at run time, and an ECS task never starts because it
        cannot pull its image. A private subnet whose needs are all served by endpoints needs
        no NAT gateway at all: model it `tier: isolated` and let this rule check it.

    Example:
        resources:
          vpc: {type: vpc, cidr: 10.0.0.0/16}
          iso_a: {type: subnet, vpc: vpc, tier: isolated, cidr: 10.0.10.0/24, az: us-west-2a}
          role: {type: iam_role}
          fn: {type: lambda_function, role: role, subnets: [iso_a]}
          orders: {type: dynamodb_table, partition_key: {name: pk}}
        connections:
          - {from: fn, to: orders, verb: read}

    Fix:
        Add the missing endpoints (`{type: vpc_endpoint, vpc: vpc, service: dynamodb, subnets:
        [iso_a]}`), or give the subnet `tier: private` with a NAT gateway route.
    """
    from archc.model.resources import EcsService, LambdaFunction, Subnet

    for rid, node in ctx.of_type(LambdaFunction, EcsService):
        isolated = [s for s in node.subnets if ctx.resources[s].type == "subnet" and ctx.get(s, Subnet).tier == "isolated"]
        if not isolated:
            continue
        needs = _needs(ctx, rid)
        for subnet in isolated:
            missing = sorted(needs - _served(ctx, subnet))
            if missing:
                yield Finding(f"'{rid}' runs in isolated subnet '{subnet}', where no VPC endpoint serves {', '.join(missing)}",
                              resource_path(rid, "subnets", node.subnets.index(subnet)),
                              f"add a vpc_endpoint for {', '.join(missing)} serving '{subnet}', or route the subnet through a NAT gateway",
                              (resource_path(rid), resource_path(subnet)))


def endpoint_placement(ctx: RuleContext) -> Iterator[Finding]:
    """A VPC endpoint's subnets are in its VPC, and an interface endpoint's in distinct zones.

    What it checks:
        Every subnet a `vpc_endpoint` lists belongs to the endpoint's `vpc`; an interface
        endpoint lists at most one subnet per availability zone.

    Why it matters:
        AWS refuses both at deploy time: an endpoint lives in one VPC, and an interface
        endpoint places one network interface per zone.

    Example:
        resources:
          vpc: {type: vpc, cidr: 10.0.0.0/16}
          a1: {type: subnet, vpc: vpc, tier: isolated, cidr: 10.0.10.0/24, az: us-west-2a}
          a2: {type: subnet, vpc: vpc, tier: isolated, cidr: 10.0.11.0/24, az: us-west-2a}
          sqs: {type: vpc_endpoint, vpc: vpc, service: sqs, subnets: [a1, a2]}

    Fix:
        List one subnet per zone, all in the endpoint's VPC.
    """
    from archc.model.resources import Subnet, VpcEndpoint

    res = ctx.resources
    for rid, ep in ctx.of_type(VpcEndpoint):
        if ep.vpc is None or ep.service is None:
            continue
        subnets = [(s, ctx.get(s, Subnet).vpc, ctx.get(s, Subnet).az) for s in ep.subnets if res[s].type == "subnet"]
        for problem in endpoint_placement_problems(ep.endpoint_kind, ep.vpc, subnets):
            yield Finding(f"endpoint '{rid}': {problem}", resource_path(rid, "subnets"), "list one subnet per zone, in the endpoint's VPC")


def endpoint_policy(ctx: RuleContext) -> Iterator[Finding]:
    """VPC endpoints keep a policy that admits only their own account.

    What it checks:
        Every `vpc_endpoint` with `policy: open`.

    Why it matters:
        An open endpoint lets any credentials — another account's, stolen ones — use the
        private path out of the VPC, which is how data leaves a network that has no internet
        route. The default policy admits only principals of the endpoint's own account.

    Example:
        resources:
          vpc: {type: vpc, cidr: 10.0.0.0/16}
          a: {type: subnet, vpc: vpc, tier: isolated, cidr: 10.0.10.0/24, az: us-west-2a}
          s3: {type: vpc_endpoint, vpc: vpc, service: s3, subnets: [a], policy: open}

    Fix:
        Remove `policy: open`, or suppress ARC306 on the endpoint with the reason other
        accounts' principals must use it.
    """
    from archc.model.resources import VpcEndpoint

    yield from _each(ctx, VpcEndpoint, lambda ep: ep.policy == "open", "policy", "endpoint '{rid}' admits any principal",
                     "remove `policy: open`")


def api_authorizer_pool(ctx: RuleContext) -> Iterator[Finding]:
    """An HTTP API accepts tokens of one user pool.

    What it checks:
        For each `api_gateway` with `kind: http`, the `cognito_user_pool_client`s naming it in
        `apis` all belong to one user pool.

    Why it matters:
        An HTTP API's JWT authorizer trusts one issuer (one pool); tokens from a client of
        another pool would all be refused. (A REST API's Cognito authorizer takes several pools.)

    Example:
        resources:
          role: {type: iam_role}
          fn: {type: lambda_function, role: role}
          api: {type: api_gateway, kind: http}
          staff: {type: cognito_user_pool}
          customers: {type: cognito_user_pool}
          staff_app: {type: cognito_user_pool_client, user_pool: staff, apis: [api]}
          shop_app: {type: cognito_user_pool_client, user_pool: customers, apis: [api]}
        connections:
          - {from: api, to: fn, verb: invoke}

    Fix:
        Give each pool its own HTTP API, or use `kind: rest`.
    """
    from archc.model.resources import ApiGateway, CognitoUserPoolClient

    res = ctx.resources
    pools: dict[str, set[str]] = {}
    for _cid, client in ctx.of_type(CognitoUserPoolClient):
        for api in client.apis:
            if res[api].type == "api_gateway" and ctx.get(api, ApiGateway).kind == "http" and client.user_pool:
                pools.setdefault(api, set()).add(client.user_pool)
    for api, found in sorted(pools.items()):
        if len(found) > 1:
            yield Finding(f"HTTP API '{api}' is named by clients of {len(found)} user pools ({', '.join(sorted(found))})", resource_path(api),
                          "an HTTP API's JWT authorizer trusts one pool: split the API or use kind: rest")


def user_pool_mfa(ctx: RuleContext) -> Iterator[Finding]:
    """User pools require multi-factor authentication.

    What it checks:
        Every `cognito_user_pool` whose `mfa` is `off` or `optional`.

    Why it matters:
        Passwords leak and get reused; a second factor is what stops a stolen password from
        becoming a stolen account. Optional MFA protects only the users who opt in.

    Example:
        resources:
          users: {type: cognito_user_pool, mfa: "off"}

    Fix:
        Remove `mfa:` (required is the default), or suppress ARC307 with the reason (e.g. MFA is
        enforced by a federated identity provider).
    """
    from archc.model.resources import CognitoUserPool

    yield from _each(ctx, CognitoUserPool, lambda pool: pool.mfa != "required", "mfa", "user pool '{rid}' does not require MFA (mfa: {value})",
                     "set `mfa: required`")


def trigger_placement(ctx: RuleContext) -> Iterator[Finding]:
    """A stream, rule or schedule triggers targets of its own account and region.

    What it checks:
        Each `trigger` or `invoke` connection out of a `dynamodb_table`, `kinesis_stream`,
        `eventbridge_rule` or `eventbridge_schedule` ends at a resource of the same account and
        region.

    Why it matters:
        A Lambda event source mapping reads a stream of its own region and account, and archc
        builds rule and schedule targets beside them: the build cannot make these connections
        across accounts or regions.

    Example:
        resources:
          role: {type: iam_role}
          fn: {type: lambda_function, role: role, region: us-east-1}
          orders: {type: dynamodb_table, partition_key: {name: pk}}
        connections:
          - {from: orders, to: fn, verb: trigger}

    Fix:
        Move the target beside its source, or put an event bus between the two accounts.
    """
    from archc.model.resources import DynamoDbTable, EventBridgeRule, EventBridgeSchedule, KinesisStream

    res = ctx.resources
    for rid, _source in ctx.of_type(DynamoDbTable, KinesisStream, EventBridgeRule, EventBridgeSchedule):
        for i, conn in ctx.connections_from.get(rid, []):
            if conn.verb not in ("trigger", "invoke") or res[conn.target].type in ("generic", "external"):
                continue
            if res[conn.target].account != res[rid].account or ctx.arch.region_of(conn.target) != ctx.arch.region_of(rid):
                yield Finding(f"'{rid}' triggers '{conn.target}' in another account or region", ("connections", i),
                              f"put '{conn.target}' in the account and region of '{rid}'",
                              (resource_path(rid), ("connections", i), resource_path(conn.target)))


def instance_encryption(ctx: RuleContext) -> Iterator[Finding]:
    """RDS instances are encrypted at rest.

    What it checks:
        Every `rds_instance` with `storage_encrypted: false`.

    Why it matters:
        Unencrypted storage exposes data in snapshots, backups and retired disks, and an RDS
        instance cannot be encrypted after it is created (only restored, encrypted, from a copy).

    Example:
        resources:
          db: {type: rds_instance, engine_version: "16", storage_encrypted: false}

    Fix:
        Remove `storage_encrypted: false` (encryption is the default), ideally with a `kms_key`.
    """
    from archc.model.resources import RdsInstance

    yield from _each(ctx, RdsInstance, lambda db: not db.storage_encrypted, "storage_encrypted", "database '{rid}' is not encrypted at rest",
                     "set `storage_encrypted: true` (it cannot be turned on after the instance exists)")


def instance_resilience(ctx: RuleContext) -> Iterator[Finding]:
    """RDS instances keep a week of backups, deletion protection and a standby.

    What it checks:
        Every `rds_instance` with `backup_retention_days` under 7, `deletion_protection: false`
        or `multi_az: false` (one finding for each).

    Why it matters:
        Corruption is often noticed days later; a deleted instance takes its automated backups
        with it; a single-AZ instance is down for the length of an AZ outage or a host failure.

    Example:
        resources:
          db: {type: rds_instance, engine_version: "16", backup_retention_days: 1, multi_az: false}

    Fix:
        Keep the defaults (7 days, protected, Multi-AZ), or suppress ARC411 on a scratch
        database with the reason.
    """
    from archc.model.resources import RdsInstance

    yield from _each(ctx, RdsInstance, lambda db: db.backup_retention_days < 7, "backup_retention_days",
                     "database '{rid}' keeps backups {value} days", "set `backup_retention_days: 7` or more")
    yield from _each(ctx, RdsInstance, lambda db: not db.deletion_protection, "deletion_protection",
                     "database '{rid}' has no deletion protection", "set `deletion_protection: true`")
    yield from _each(ctx, RdsInstance, lambda db: not db.multi_az, "multi_az",
                     "database '{rid}' has no standby in another availability zone", "set `multi_az: true`")


def file_system_encryption(ctx: RuleContext) -> Iterator[Finding]:
    """EFS file systems are encrypted at rest.

    What it checks:
        Every `efs_file_system` with `encrypted: false`.

    Why it matters:
        Files on an unencrypted file system are readable in its backups and on retired disks,
        and encryption at rest cannot be turned on for an existing file system: the data has to
        be copied to a new one.

    Example:
        resources:
          shared: {type: efs_file_system, encrypted: false}

    Fix:
        Remove `encrypted: false` (encryption is the default), ideally with a `kms_key`.
    """
    from archc.model.resources import EfsFileSystem

    yield from _each(ctx, EfsFileSystem, lambda fs: not fs.encrypted, "encrypted", "file system '{rid}' is not encrypted at rest",
                     "set `encrypted: true` (it cannot be turned on after the file system exists)")


def file_system_backup(ctx: RuleContext) -> Iterator[Finding]:
    """EFS file systems are backed up.

    What it checks:
        Every `efs_file_system` with `backup: false`.

    Why it matters:
        A deleted or overwritten file on EFS is gone: there is no recycle bin and no snapshot
        unless AWS Backup copies the file system. The automatic backup keeps daily copies for
        35 days.

    Example:
        resources:
          shared: {type: efs_file_system, backup: false}

    Fix:
        Remove `backup: false` (backups are on by default), or suppress ARC414 on a file system
        that only holds data rebuilt from elsewhere (a cache), saying so.
    """
    from archc.model.resources import EfsFileSystem

    yield from _each(ctx, EfsFileSystem, lambda fs: not fs.backup, "backup", "file system '{rid}' is not backed up", "set `backup: true`")


def cache_search_encryption(ctx: RuleContext) -> Iterator[Finding]:
    """Caches and search domains are encrypted at rest and in transit.

    What it checks:
        Every `elasticache` replication group with `encryption_at_rest: false` or
        `encryption_in_transit: false`, and every `opensearch_domain` with
        `encryption_at_rest: false`, `node_to_node_encryption: false` or `enforce_https: false`
        (one finding for each). A serverless cache is always encrypted: the model refuses
        turning it off.

    Why it matters:
        A cache holds sessions, tokens and copies of database rows; a search index holds copies
        of the documents it indexes. Without TLS anyone on the network path reads them (and the
        credentials that sign in); without encryption at rest they are in every snapshot in the
        clear. Neither can be turned on for an existing replication group or domain without
        replacing or migrating it.

    Example:
        resources:
          sessions: {type: elasticache, mode: replication_group, encryption_in_transit: false, iam_auth: false}
          search: {type: opensearch_domain, enforce_https: false}

    Fix:
        Remove the `false` settings (encryption is the default everywhere), ideally with a
        `kms_key`.
    """
    from archc.model.resources import ElastiCache, OpenSearchDomain

    for rid, cache in ctx.of_type(ElastiCache):
        if not cache.encryption_at_rest:
            yield Finding(f"cache '{rid}' is not encrypted at rest", resource_path(rid, "encryption_at_rest"),
                          "set `encryption_at_rest: true` (a replication group cannot turn it on later)")
        if not cache.encryption_in_transit:
            yield Finding(f"cache '{rid}' accepts connections without TLS", resource_path(rid, "encryption_in_transit"),
                          "set `encryption_in_transit: true`")
    for rid, domain in ctx.of_type(OpenSearchDomain):
        for field, what in (("encryption_at_rest", "is not encrypted at rest"), ("node_to_node_encryption", "sends data between its nodes without TLS"),
                            ("enforce_https", "accepts plain HTTP")):
            if not getattr(domain, field):
                yield Finding(f"search domain '{rid}' {what}", resource_path(rid, field), f"set `{field}: true`")


def cache_resilience(ctx: RuleContext) -> Iterator[Finding]:
    """ElastiCache caches keep snapshots, and a replication group a standby in another zone.

    What it checks:
        Every `elasticache` with `snapshot_retention_days: 0`, and every replication group with
        `multi_az: false` (one finding for each).

    Why it matters:
        A cache that is the only copy of its data (sessions, rate-limit counters, queues kept in
        Redis) loses it all on a node failure or a bad `FLUSHALL` without a snapshot to restore.
        A replication group without Multi-AZ has no replica to fail over to when the primary's
        zone fails.

    Example:
        resources:
          sessions: {type: elasticache, snapshot_retention_days: 0}

    Fix:
        Keep the defaults (7 days of snapshots, Multi-AZ with one replica), or suppress ARC418
        on a cache that only holds data rebuilt from elsewhere, saying so.
    """
    from archc.model.resources import ElastiCache

    for rid, cache in ctx.of_type(ElastiCache):
        if cache.snapshot_retention_days == 0:
            yield Finding(f"cache '{rid}' keeps no snapshots", resource_path(rid, "snapshot_retention_days"),
                          "set `snapshot_retention_days: 1` or more")
        if cache.mode == "replication_group" and not cache.multi_az:
            yield Finding(f"cache '{rid}' has no replica in another availability zone to fail over to", resource_path(rid, "multi_az"),
                          "set `multi_az: true` (with `replicas: 1` or more)")


def cache_subnets(ctx: RuleContext) -> Iterator[Finding]:
    """A cache's subnets are in one VPC and span the availability zones it needs.

    What it checks:
        The `subnets` of an `elasticache` belong to one VPC, and span two availability zones or
        more for a serverless cache and for a replication group with `multi_az`.

    Why it matters:
        ElastiCache refuses a serverless cache in fewer than two zones and a Multi-AZ
        replication group whose subnet group has no second zone to put the replica in; subnets
        of two VPCs cannot share the cache's security group. The stack would fail to deploy.

    Example:
        resources:
          vpc: {type: vpc, cidr: 10.0.0.0/16}
          a: {type: subnet, vpc: vpc, tier: isolated, cidr: 10.0.10.0/24, az: us-west-2a}
          sessions: {type: elasticache, subnets: [a]}

    Fix:
        List a subnet of the same VPC in a second availability zone.
    """
    from archc.model.resources import ElastiCache, Subnet

    for rid, cache in ctx.of_type(ElastiCache):
        subnets = [ctx.get(s, Subnet) for s in cache.subnets]
        vpcs = sorted({s.vpc for s in subnets if s.vpc})
        if len(vpcs) > 1:
            yield Finding(f"cache '{rid}' has subnets in {len(vpcs)} VPCs ({', '.join(vpcs)})", resource_path(rid, "subnets"),
                          "list subnets of one VPC")
            continue
        zones = sorted({s.az for s in subnets if s.az})
        if subnets and len(zones) < 2 and (cache.mode == "serverless" or cache.multi_az):
            what = "a serverless cache" if cache.mode == "serverless" else "a Multi-AZ replication group"
            yield Finding(f"cache '{rid}' spans one availability zone ({', '.join(zones) or 'none given'}); {what} needs two",
                          resource_path(rid, "subnets"), "list subnets in at least two availability zones")


def search_domain_subnets(ctx: RuleContext) -> Iterator[Finding]:
    """A search domain's subnets are in one VPC, each in a zone of its own.

    What it checks:
        The `subnets` of an `opensearch_domain` belong to one VPC and name different availability
        zones (the domain puts one zone's share of its nodes in each).

    Why it matters:
        OpenSearch Service refuses a VPC domain whose subnets share a zone or span VPCs: zone
        awareness counts one subnet per zone. The stack would fail to deploy.

    Example:
        resources:
          vpc: {type: vpc, cidr: 10.0.0.0/16}
          a: {type: subnet, vpc: vpc, tier: isolated, cidr: 10.0.10.0/24, az: us-west-2a}
          a2: {type: subnet, vpc: vpc, tier: isolated, cidr: 10.0.12.0/24, az: us-west-2a}
          search: {type: opensearch_domain, subnets: [a, a2]}

    Fix:
        List one subnet per availability zone, all of one VPC.
    """
    from archc.model.resources import OpenSearchDomain, Subnet

    for rid, domain in ctx.of_type(OpenSearchDomain):
        subnets = [ctx.get(s, Subnet) for s in domain.subnets]
        vpcs = sorted({s.vpc for s in subnets if s.vpc})
        if len(vpcs) > 1:
            yield Finding(f"search domain '{rid}' has subnets in {len(vpcs)} VPCs ({', '.join(vpcs)})", resource_path(rid, "subnets"),
                          "list subnets of one VPC")
            continue
        zones = [s.az for s in subnets if s.az]
        shared = sorted({z for z in zones if zones.count(z) > 1})
        if shared:
            yield Finding(f"search domain '{rid}' has two subnets in {', '.join(shared)}", resource_path(rid, "subnets"),
                          "list one subnet per availability zone")


def private_service(ctx: RuleContext) -> Iterator[Finding]:
    """Caches and search domains are never placed where the internet reaches them.

    What it checks:
        The `subnets` of every `elasticache` and `opensearch_domain` are private or isolated,
        never public, and none of its `security_groups` admits an internet address range
        (`0.0.0.0/0` or `::/0`). An external actor reaching one through connections is ARC301's
        finding.

    Why it matters:
        Redis and Valkey were built for trusted networks: one open port in a public subnet is a
        cache anyone can read, flush, or use to run commands; a search domain's API reads and
        deletes whole indexes. The compiler only opens them to their callers' security groups;
        a public subnet or an open group undoes that.

    Example:
        resources:
          vpc: {type: vpc, cidr: 10.0.0.0/16}
          igw: {type: internet_gateway, vpc: vpc}
          pub_a: {type: subnet, vpc: vpc, tier: public, cidr: 10.0.0.0/24, az: us-west-2a, default_route: igw}
          pub_b: {type: subnet, vpc: vpc, tier: public, cidr: 10.0.1.0/24, az: us-west-2b, default_route: igw}
          sessions: {type: elasticache, subnets: [pub_a, pub_b]}

    Fix:
        Use private or isolated subnets, and let connections open the security group to the
        code that uses the cache.
    """
    from archc.model.resources import ElastiCache, OpenSearchDomain, SecurityGroup, Subnet

    for rid, res in ctx.of_type(ElastiCache, OpenSearchDomain):
        for i, sid in enumerate(res.subnets):
            if ctx.get(sid, Subnet).tier == "public":
                yield Finding(f"{describe(ctx, rid)} is placed in public subnet '{sid}'", resource_path(rid, "subnets", i),
                              "place it in private or isolated subnets")
        for i, gid in enumerate(res.security_groups):
            group = ctx.get(gid, SecurityGroup)
            for rule in group.ingress:
                if rule.cidr is not None and str(rule.cidr) in ("0.0.0.0/0", "::/0"):
                    yield Finding(f"{describe(ctx, rid)} is behind security group '{gid}', which admits {rule.cidr} on port {rule.port}",
                                  resource_path(rid, "security_groups", i),
                                  f"remove the internet range from '{gid}' and connect the code that uses it instead")


def ses_identity_zone(ctx: RuleContext) -> Iterator[Finding]:
    """An SES domain's DKIM records go into the hosted zone of that domain, in its account.

    What it checks:
        The `zone` of an `ses_identity` is the zone of its domain or of a parent domain
        (`mail.example.com` in `example.com`), and belongs to the identity's account.

    Why it matters:
        The DKIM records verify the domain and let receivers check its signatures. In a zone of
        another domain they answer for a name nobody asks about, and the identity stays
        unverified; a record cannot be created in a zone of another account from the identity's
        stack.

    Example:
        resources:
          zone: {type: route53_zone, domain: example.org}
          mailer: {type: ses_identity, identity: example.com, zone: zone}

    Fix:
        Point `zone` at the hosted zone of the identity's domain, in the same account (delegate a
        subdomain to that account when the parent zone lives elsewhere).
    """
    from archc.model.resources import Route53Zone, SesIdentity

    for rid, ident in ctx.of_type(SesIdentity):
        if ident.zone is None or not ident.identity or "@" in ident.identity:
            continue
        zone = ctx.get(ident.zone, Route53Zone)
        apex = zone.domain.rstrip(".").lower()
        if ident.identity != apex and not ident.identity.endswith("." + apex):
            yield Finding(f"SES identity '{rid}' ({ident.identity}) publishes its DKIM records in zone '{ident.zone}' of {apex}",
                          resource_path(rid, "zone"), f"use the hosted zone of {ident.identity} or of a parent domain")
        elif zone.account != ident.account:
            yield Finding(f"SES identity '{rid}' is in account '{ident.account}', its zone '{ident.zone}' in '{zone.account}'",
                          resource_path(rid, "zone"), "use a hosted zone of the identity's account (delegate a subdomain to it)")


def ses_identity_records(ctx: RuleContext) -> Iterator[Finding]:
    """An SES domain identity has a zone for its DKIM records.

    What it checks:
        Every `ses_identity` whose identity is a domain and that names no `zone`.

    Why it matters:
        SES verifies a domain, and starts sending from it, only once its three DKIM CNAME records
        resolve. Without a zone archc cannot publish them: someone has to copy them into DNS by
        hand after the deploy, and until then every send fails.

    Example:
        resources:
          mailer: {type: ses_identity, identity: example.com}

    Fix:
        Give the identity `zone: <the route53_zone of its domain>`, or suppress ARC126 with the
        reason when the domain's DNS lives outside Route 53.
    """
    from archc.model.resources import SesIdentity

    for rid, ident in ctx.of_type(SesIdentity):
        if ident.identity and "@" not in ident.identity and ident.zone is None:
            yield Finding(f"SES identity '{rid}' ({ident.identity}) has no zone for its DKIM records: it stays unverified until they are "
                          "published by hand", resource_path(rid), "set `zone:` to the hosted zone of its domain")


RULES: list[Rule] = [
    Rule("ARC116", "model.connection-pair", "error", connection_pair, suppressible=False),
    Rule("ARC117", "model.schedule-target", "error", schedule_target, suppressible=False),
    Rule("ARC118", "model.state-machine-definition", "error", state_machine_definition, suppressible=False),
    Rule("ARC119", "model.api-authorizer-pool", "error", api_authorizer_pool, suppressible=False),
    Rule("ARC120", "model.trigger-placement", "error", trigger_placement, suppressible=False),
    Rule("ARC209", "network.endpoint-reachability", "error", endpoint_reachability),
    Rule("ARC210", "network.endpoint-placement", "error", endpoint_placement, suppressible=False),
    Rule("ARC306", "access.endpoint-policy", "warning", endpoint_policy),
    Rule("ARC307", "access.user-pool-mfa", "warning", user_pool_mfa),
    Rule("ARC408", "data.table-point-in-time-recovery", "warning", table_point_in_time_recovery),
    Rule("ARC409", "data.table-deletion-protection", "warning", table_deletion_protection),
    Rule("ARC410", "data.instance-encryption", "error", instance_encryption),
    Rule("ARC411", "data.instance-resilience", "warning", instance_resilience),
    # ARC412 stays free: a mistyped ARC4O2 would be as near to it as to ARC402 (the suggestion would change)
    Rule("ARC413", "data.file-system-encryption", "error", file_system_encryption),
    Rule("ARC414", "data.file-system-backup", "warning", file_system_backup),
    Rule("ARC123", "model.cache-subnets", "error", cache_subnets, suppressible=False),  # AWS refuses it: a build check
    Rule("ARC124", "model.search-domain-subnets", "error", search_domain_subnets, suppressible=False),  # AWS refuses it: a build check
    Rule("ARC125", "model.ses-identity-zone", "error", ses_identity_zone, suppressible=False),  # a record in another account's zone: a build check
    Rule("ARC126", "model.ses-identity-records", "warning", ses_identity_records),
    Rule("ARC417", "data.cache-search-encryption", "error", cache_search_encryption),
    Rule("ARC418", "data.cache-resilience", "warning", cache_resilience),
    Rule("ARC419", "data.private-service", "error", private_service),
    # ARC420 stays free: a mistyped ARC4O2 would be as near to it as to ARC402 (the suggestion would change)
]
