"""Phase 1: the logical ids every later phase refers to, decided before anything compiles.

Main resources, the security group that carries each resource's traffic (its first explicit group
or one generated for it), the services that assume each role, and the ids of the generated
resources other resources name: Lambda aliases, compute log groups, listeners, gateway attachments.
"""

from __future__ import annotations

from archc.compiler import efs, escape_hatch
from archc.compiler.context import Context, SgSpec, need
from archc.compiler.data import ENGINES
from archc.compiler.iam import RUNS_AS
from archc.model.queries import roles_of
from archc.model.resources import (
    AuroraCluster,
    AuroraReaders,
    CognitoUserPoolClient,
    DbSubnetGroup,
    EcsService,
    EfsFileSystem,
    ElastiCache,
    InternetGateway,
    LambdaFunction,
    LoadBalancer,
    OpenSearchDomain,
    RdsInstance,
    SecurityGroup,
    Subnet,
)


def declare(ctx: Context) -> None:
    """Fill `ctx.declared` (ids are claimed in a fixed order: main ids, security groups, then the rest)."""
    for rid in sorted(ctx.arch.resources):
        ctx.main[rid] = ctx.ids.claim(rid)
    _security_groups(ctx)
    for rid in sorted(ctx.arch.resources):
        res = ctx.arch.resources[rid]
        for role in roles_of(res):
            ctx.declared.trust_services[role].add(RUNS_AS[res.type])
    escape_hatch.trusts(ctx)
    for rid, gw in ctx.of_type(InternetGateway):
        ctx.declared.attachment[rid] = ctx.declared.igw_attachment[need(gw.vpc)] = ctx.new_id(rid, "Attachment")
    for rid, lb in ctx.of_type(LoadBalancer):
        ids = ctx.declared.listeners[rid] = []
        for listener in lb.listeners:
            llid = ctx.new_id(rid, f"Listener{listener.port}")
            ids.append(llid)
            if listener.action != "redirect_https" and listener.target_group:
                ctx.declared.tg_listeners[listener.target_group].append(llid)
    for rid in sorted(ctx.arch.resources):
        if ctx.type_of(rid) in ("ecs_task_definition", "lambda_function"):
            _log_group(ctx, rid)
    for rid, fn in ctx.of_type(LambdaFunction):
        if fn.provisioned_concurrency:
            ctx.declared.alias[rid] = ctx.new_id(rid, "Alias")
    for rid, db in ctx.of_type(AuroraCluster):
        ctx.declared.writer[rid] = ctx.new_id(rid, "Writer")
        ctx.declared.db_log_groups[rid] = [ctx.new_id(rid, f"{log_type.capitalize()}LogGroup") for log_type in ENGINES[db.engine][3]]
    _breadth(ctx)


def _breadth(ctx: Context) -> None:
    """Ids of the newer types (issue #11) that other compile functions name: a subnet's route table
    (gateway endpoints route in it), an API's Cognito authorizer (its methods or routes name it), a
    state machine's log group."""
    for rid, _ in ctx.of_type(Subnet):
        ctx.declared.route_table[rid] = ctx.new_id(rid, "RouteTable")
    apis = sorted({api for _, client in ctx.of_type(CognitoUserPoolClient) for api in client.apis})
    for api in apis:
        ctx.declared.authorizer[api] = ctx.new_id(api, "Authorizer")
    for rid in sorted(ctx.arch.resources):
        if ctx.type_of(rid) == "state_machine":
            _log_group(ctx, rid)
    efs.declare(ctx)


def _security_groups(ctx: Context) -> None:
    for rid, group in ctx.of_type(SecurityGroup):
        ctx.declared.groups[ctx.main[rid]] = SgSpec(rid, need(group.vpc), group.description or f"{rid} (archc)", list(group.ingress))
    for rid in sorted(ctx.arch.resources):
        t = ctx.type_of(rid)
        if t == "lambda_function":
            fn = ctx.get(rid, LambdaFunction)
            if fn.subnets:
                _group(ctx, rid, ctx.get(fn.subnets[0], Subnet).vpc, f"{rid} (Lambda function)", fn.security_groups)
        elif t == "ecs_service":
            svc = ctx.get(rid, EcsService)
            _group(ctx, rid, ctx.get(svc.subnets[0], Subnet).vpc, f"{rid} (ECS service tasks)", svc.security_groups)
        elif t == "load_balancer":
            lb = ctx.get(rid, LoadBalancer)
            _group(ctx, rid, ctx.get(lb.subnets[0], Subnet).vpc, f"{rid} (load balancer)", lb.security_groups)
        elif t == "aurora_cluster":
            db = ctx.get(rid, AuroraCluster)
            subnets = ctx.get(need(db.subnet_group), DbSubnetGroup).subnets
            _group(ctx, rid, ctx.get(subnets[0], Subnet).vpc, f"{rid} (database)", db.security_groups)
        elif t == "efs_file_system":
            fs = ctx.get(rid, EfsFileSystem)
            if fs.subnets:
                _group(ctx, rid, ctx.get(fs.subnets[0], Subnet).vpc, f"{rid} (EFS mount targets)", fs.security_groups)
        elif t == "elasticache":
            cache = ctx.get(rid, ElastiCache)
            if cache.subnets:
                _group(ctx, rid, ctx.get(cache.subnets[0], Subnet).vpc, f"{rid} (cache)", cache.security_groups)
        elif t == "opensearch_domain":
            domain = ctx.get(rid, OpenSearchDomain)
            if domain.subnets:
                _group(ctx, rid, ctx.get(domain.subnets[0], Subnet).vpc, f"{rid} (search domain)", domain.security_groups)
        elif t == "rds_instance":
            inst = ctx.get(rid, RdsInstance)
            subnets = ctx.get(need(inst.subnet_group), DbSubnetGroup).subnets
            _group(ctx, rid, ctx.get(subnets[0], Subnet).vpc, f"{rid} (database)", inst.security_groups)
    for rid, readers in ctx.of_type(AuroraReaders):
        if readers.cluster in ctx.sg:
            ctx.sg[rid] = ctx.sg[readers.cluster]


def _group(ctx: Context, rid: str, vpc: str, description: str, explicit: list[str]) -> None:
    """The group *rid*'s rules go into: its first explicit group, or a generated one."""
    if explicit:
        ctx.sg[rid] = ctx.main[explicit[0]]
        return
    lid = ctx.new_id(rid, "SecurityGroup")
    ctx.sg[rid] = lid
    ctx.declared.groups[lid] = SgSpec(rid, vpc, description)


def _log_group(ctx: Context, rid: str) -> None:
    """The log group compute *rid* writes to: its `logs` connection's target, else one generated for it."""
    for _, conn in ctx.out.get(rid, []):
        if conn.verb == "logs" and ctx.type_of(conn.target) == "log_group":
            ctx.declared.log_group[rid] = ctx.main[conn.target]
            return
    ctx.declared.log_group[rid] = ctx.new_id(rid, "LogGroup")
    ctx.declared.generated_log_group.add(rid)

