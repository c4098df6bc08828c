"""IAM: least-privilege statements from connection verbs, model roles with their trust policies,
and the service roles the compiler generates (flow logs, replication, monitoring).

The table `ACCESS` is data: (verb, target type) → which actions on which of the target's ARNs, for
exactly the pairs the catalogue's `IAM_ACCESS` lists (lint reads that list). No statement names a ``*`` resource unless the service has no resource-level permissions for the
action; then the statement carries a reason that lands in the role's Metadata.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from troposphere import Sub, encode_to_dict, iam

from archc.catalog import IAM_ACCESS
from archc.compiler import services
from archc.compiler.context import Context, Placement, Statement, need
from archc.compiler.naming import bucket_name, bucket_stem, camel
from archc.model.queries import roles_of
from archc.model.resources import (
    AuroraCluster,
    AuroraReaders,
    CfnResource,
    EcsService,
    EcsTaskDefinition,
    IamRole,
    LambdaFunction,
    MetricNamespace,
    S3Bucket,
    Secret,
    SnsTopic,
    SqsQueue,
)

ALL_RESOURCES_REASON = "the service has no resource-level permissions for these actions"
# The AWS service that assumes the roles a compute type runs as (`archc.model.queries.roles_of`).
RUNS_AS = {"lambda_function": "lambda.amazonaws.com", "ecs_task_definition": "ecs-tasks.amazonaws.com"}


def db_cluster(ctx: Context, rid: str) -> str:
    """The Aurora cluster behind *rid*: itself, or the cluster of an `aurora_readers`."""
    if ctx.type_of(rid) == "aurora_readers":
        return need(ctx.get(rid, AuroraReaders).cluster)
    return rid


def bucket_arn(ctx: Context, rid: str, objects: bool = False) -> Any:
    res = ctx.get(rid, S3Bucket)
    p = ctx.placement(rid)
    name = bucket_name(bucket_stem(rid, res.name), p.account_id, p.region)
    return Sub(f"arn:${{AWS::Partition}}:s3:::{name}{'/*' if objects else ''}")


def _key_statement(ctx: Context, sid: str, key: str | None, actions: tuple[str, ...], service: str, region: str) -> list[Statement]:
    if not key:
        return []
    cond = {"StringEquals": {"kms:ViaService": f"{service}.{region}.amazonaws.com"}}
    return [Statement(sid, actions, [ctx.ref(key, "Arn")], cond)]


# --- (verb, target type) → statements ------------------------------------------------------------

Access = Callable[[Context, str, str], list[Statement]]


def _s3(read: bool, write: bool) -> Access:
    def build(ctx: Context, target: str, sid: str) -> list[Statement]:
        res = ctx.get(target, S3Bucket)
        region = ctx.placement(target).region
        actions: tuple[str, ...] = ()
        if read:
            actions += ("s3:GetObject",)
        if write:
            actions += ("s3:PutObject", "s3:AbortMultipartUpload")
        out = [Statement(f"{sid}Objects", actions, [bucket_arn(ctx, target, objects=True)])]
        if read:
            out.append(Statement(f"{sid}List", ("s3:ListBucket",), [bucket_arn(ctx, target)]))
        key_actions = (("kms:Decrypt",) if read or write else ()) + (("kms:GenerateDataKey",) if write else ())
        if res.encryption == "kms":
            out += _key_statement(ctx, f"{sid}Key", res.kms_key, key_actions, "s3", region)
        return out
    return build


def _secret(read: bool, write: bool) -> Access:
    def build(ctx: Context, target: str, sid: str) -> list[Statement]:
        res = ctx.get(target, Secret)
        actions = ("secretsmanager:DescribeSecret",) + (("secretsmanager:GetSecretValue",) if read else ()) + (
            ("secretsmanager:PutSecretValue",) if write else ())
        key_actions = ("kms:Decrypt",) + (("kms:GenerateDataKey",) if write else ())
        return [Statement(sid, actions, [ctx.ref(target)])] + _key_statement(
            ctx, f"{sid}Key", res.kms_key, key_actions, "secretsmanager", ctx.placement(target).region)
    return build


def _logs(read: bool, write: bool) -> Access:
    def build(ctx: Context, target: str, sid: str) -> list[Statement]:
        actions: tuple[str, ...] = ()
        if read:
            actions += ("logs:DescribeLogStreams", "logs:FilterLogEvents", "logs:GetLogEvents")
        if write:
            actions += ("logs:CreateLogStream", "logs:PutLogEvents")
        return [Statement(sid, actions, [ctx.ref(target, "Arn")])]
    return build


def _sqs(read: bool, write: bool) -> Access:
    def build(ctx: Context, target: str, sid: str) -> list[Statement]:
        res = ctx.get(target, SqsQueue)
        actions: tuple[str, ...] = ("sqs:GetQueueAttributes",)
        if read:
            actions += ("sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:ReceiveMessage")
        if write:
            actions += ("sqs:SendMessage",)
        key_actions = ("kms:Decrypt",) + (("kms:GenerateDataKey",) if write else ())
        return [Statement(sid, actions, [ctx.ref(target, "Arn")])] + _key_statement(
            ctx, f"{sid}Key", res.kms_key if res.encrypted else None, key_actions, "sqs", ctx.placement(target).region)
    return build


def _aurora_secret(ctx: Context, target: str, sid: str) -> list[Statement]:
    cluster = db_cluster(ctx, target)
    res = ctx.get(cluster, AuroraCluster)
    out = [Statement(f"{sid}Secret", ("secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"),
                     [ctx.ref(cluster, "MasterUserSecret.SecretArn")])]
    return out + _key_statement(ctx, f"{sid}SecretKey", res.kms_key, ("kms:Decrypt",), "secretsmanager", ctx.placement(cluster).region)


def _describe_aurora(ctx: Context, target: str, sid: str) -> list[Statement]:
    cluster = db_cluster(ctx, target)
    return [Statement(sid, ("rds:DescribeDBClusters",), [ctx.ref(cluster, "DBClusterArn")])]


def _describe_service(ctx: Context, target: str, sid: str) -> list[Statement]:
    return [Statement(sid, ("ecs:DescribeServices",), [ctx.ref(target)])]


def _describe_lambda(ctx: Context, target: str, sid: str) -> list[Statement]:
    return [Statement(sid, ("lambda:GetFunction", "lambda:GetFunctionConfiguration"), [ctx.ref(target, "Arn")])]


def _invoke_lambda(ctx: Context, target: str, sid: str) -> list[Statement]:
    arns: list[Any] = [ctx.ref(target, "Arn")]
    if target in ctx.declared.alias:
        arns.append(ctx.ref(ctx.declared.alias[target]))
    return [Statement(sid, ("lambda:InvokeFunction",), arns)]


def _publish(ctx: Context, target: str, sid: str) -> list[Statement]:
    res = ctx.get(target, SnsTopic)
    return [Statement(sid, ("sns:Publish",), [ctx.ref(target)])] + _key_statement(
        ctx, f"{sid}Key", res.kms_key if res.encrypted else None, ("kms:Decrypt", "kms:GenerateDataKey"), "sns", ctx.placement(target).region)


def _metrics(ctx: Context, target: str, sid: str) -> list[Statement]:
    ns = need(ctx.get(target, MetricNamespace).namespace)
    return [Statement(sid, ("cloudwatch:PutMetricData",), ["*"], {"StringEquals": {"cloudwatch:namespace": ns}},
                      reason="cloudwatch:PutMetricData has no resource-level permissions; limited to the namespace by condition")]


def _traces(ctx: Context, target: str, sid: str) -> list[Statement]:
    return [Statement(sid, ("xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:PutTelemetryRecords", "xray:PutTraceSegments"),
                      ["*"], reason=f"X-Ray: {ALL_RESOURCES_REASON}")]


def _assume(ctx: Context, target: str, sid: str) -> list[Statement]:
    return [Statement(sid, ("sts:AssumeRole",), [ctx.role_arn(target)])]


ACCESS: dict[tuple[str, str], Access] = {
    ("read", "s3_bucket"): _s3(True, False),
    ("write", "s3_bucket"): _s3(False, True),
    ("read_write", "s3_bucket"): _s3(True, True),
    ("read", "secret"): _secret(True, False),
    ("write", "secret"): _secret(False, True),
    ("read_write", "secret"): _secret(True, True),
    ("read", "log_group"): _logs(True, False),
    ("write", "log_group"): _logs(False, True),
    ("logs", "log_group"): _logs(False, True),
    ("read", "sqs_queue"): _sqs(True, False),
    ("write", "sqs_queue"): _sqs(False, True),
    ("send", "sqs_queue"): _sqs(False, True),
    ("read_write", "sqs_queue"): _sqs(True, True),
    ("trigger", "sqs_queue"): _sqs(True, False),  # granted to the triggered function
    ("query", "aurora_cluster"): _aurora_secret,
    ("query", "aurora_readers"): _aurora_secret,
    ("read", "aurora_cluster"): _aurora_secret,
    ("describe", "aurora_cluster"): _describe_aurora,
    ("describe", "aurora_readers"): _describe_aurora,
    ("describe", "ecs_service"): _describe_service,
    ("describe", "lambda_function"): _describe_lambda,
    ("invoke", "lambda_function"): _invoke_lambda,
    ("publish", "sns_topic"): _publish,
    ("metrics", "metric_namespace"): _metrics,
    ("traces", "xray"): _traces,
    ("assume_role", "iam_role"): _assume,
    **services.ACCESS,
}


def access(ctx: Context, verb: str, target: str) -> list[Statement] | None:
    """The statements *verb* on *target* needs, or None when the pair has no IAM meaning (the
    catalogue's `IAM_ACCESS` does not list it)."""
    pair = (verb, ctx.type_of(target))
    if pair not in IAM_ACCESS:
        return None
    return ACCESS[pair](ctx, target, camel(target) + camel(verb))


# --- principals ------------------------------------------------------------------------------


def principal_roles(ctx: Context, rid: str, verb: str) -> list[str] | None:
    """The model roles that act for *rid* when it does *verb*; None when *rid* acts through no role."""
    res = ctx.arch.resources[rid]
    if isinstance(res, IamRole):
        return [rid]
    if isinstance(res, LambdaFunction):
        return roles_of(res)
    if isinstance(res, EcsService):
        return principal_roles(ctx, need(res.task_definition), verb)
    if isinstance(res, EcsTaskDefinition):
        if verb == "logs":  # the awslogs driver writes with the execution role
            return [need(res.execution_role)]
        return [res.task_role] if res.task_role else []
    return None


# --- roles -----------------------------------------------------------------------------------


def _policy_doc(statements: list[Statement]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [s.to_policy() for s in statements]}


def trust_policy(services: list[str], roles: list[Any] | None = None, condition: dict[str, Any] | None = None,
                 service_condition: dict[str, Any] | None = None) -> dict[str, Any]:
    stmts: list[dict[str, Any]] = []
    if services:
        s: dict[str, Any] = {"Effect": "Allow", "Principal": {"Service": sorted(services) if len(services) > 1 else services[0]},
                             "Action": "sts:AssumeRole"}
        if service_condition:
            s["Condition"] = service_condition
        stmts.append(s)
    if roles:
        r: dict[str, Any] = {"Effect": "Allow", "Principal": {"AWS": roles if len(roles) > 1 else roles[0]}, "Action": "sts:AssumeRole"}
        if condition:
            r["Condition"] = condition
        stmts.append(r)
    return {"Version": "2012-10-17", "Statement": stmts}


def _wildcard_notes(statements: list[Statement]) -> list[dict[str, str]]:
    return [{"sid": s.sid, "reason": s.reason} for s in statements if s.reason]


def service_role(ctx: Context, node: str, suffix: str, service: str, statements: list[Statement],
                 placement: Placement | None = None, managed: list[Any] | None = None) -> str:
    """A role the compiler needs for an AWS service (flow logs, replication…), trusted by *service* only."""
    lid = ctx.new_id(node, suffix)
    p = placement or ctx.placement(node)
    kwargs: dict[str, Any] = {
        "AssumeRolePolicyDocument": trust_policy([service], service_condition={"StringEquals": {"aws:SourceAccount": p.account_id}}),
    }
    if statements:
        kwargs["Policies"] = [iam.Policy(PolicyName=f"{lid}Policy", PolicyDocument=_policy_doc(statements))]
    if managed:
        kwargs["ManagedPolicyArns"] = managed
    unit = ctx.add(iam.Role(lid, **kwargs), node, p)
    notes = _wildcard_notes(statements)
    if notes:
        unit.notes["wildcards"] = notes
    return lid


def _trusts(ctx: Context, rid: str) -> dict[str, Any]:
    """The roles *rid* trusts (assume_role connections, then assumable_by) → the model path asking."""
    trusted: dict[str, Any] = dict(ctx.asks.trust_roles.get(rid, {}))
    for i, other in enumerate(ctx.get(rid, IamRole).assumable_by):
        trusted.setdefault(other, ("resources", rid, "assumable_by", i))
    return trusted


def _trusts_back(ctx: Context, start: str, rid: str) -> bool:
    """Whether role *start* trusts *rid*, directly or through roles it trusts (a trust cycle)."""
    seen, todo = {start}, [start]
    while todo:
        for other in _trusts(ctx, todo.pop()):
            if other == rid:
                return True
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return False


_TRUSTED_BY: weakref.WeakKeyDictionary[Context, dict[str, set[str]]] = weakref.WeakKeyDictionary()


def _trusted_by(ctx: Context) -> dict[str, set[str]]:
    """Role → the roles that trust it (computed once per build)."""
    found = _TRUSTED_BY.get(ctx)
    if found is None:
        found = {}
        for rid, _res in ctx.of_type(IamRole):
            for other in _trusts(ctx, rid):
                found.setdefault(other, set()).add(rid)
        _TRUSTED_BY[ctx] = found
    return found


def _trusted_roles(ctx: Context, rid: str, res: IamRole) -> tuple[list[Any], list[tuple[str, Any]], set[str], bool]:
    """The ARNs of the roles *rid* trusts as principals; the fixed ARNs of those that trust *rid*
    back (a cycle: each cannot wait for the other, so they are trusted through their account and
    ``aws:PrincipalArn``, which IAM does not check for existence); the logical ids the principals
    must exist as first; and whether one was rejected."""
    p = ctx.placement(rid)
    role_arns: list[Any] = []
    cyclic: list[tuple[str, Any]] = []
    after: set[str] = set()
    rejected = False
    for other, _path in sorted(_trusts(ctx, rid).items()):
        op = ctx.placement(other)
        if op.account != p.account and not ctx.get(other, IamRole).role_name:
            rejected = True  # ARC330 (archc.rules.buildable.role_trust) refuses this before compiling
            continue
        if ctx.get(other, IamRole).role_name and _trusts_back(ctx, other, rid):
            cyclic.append((op.account_id, ctx.role_arn(other)))
            continue
        role_arns.append(ctx.role_arn(other))
        after.add(ctx.main[other])  # IAM checks that a trusted principal exists
    return role_arns, cyclic, after, rejected


def compile_role(ctx: Context, rid: str, res: IamRole) -> None:
    """A model `iam_role`: its trust (users' services, assumable_by roles) and its granted statements."""
    p = ctx.placement(rid)
    services = sorted(ctx.declared.trust_services.get(rid, set()))
    role_arns, cyclic, after, _rejected = _trusted_roles(ctx, rid, res)
    if not services and not role_arns and not cyclic:
        return  # nothing may assume it: ARC330 refuses this before compiling
    condition: dict[str, Any] = {}
    if res.require_mfa:
        condition["Bool"] = {"aws:MultiFactorAuthPresent": "true"}
    if res.require_external_id:
        ext = ctx.param(f"{ctx.main[rid]}ExternalId", "String",
                        f"sts:ExternalId that callers assuming role {rid} must present (a shared secret, agreed with the caller)",
                        no_echo=True, allowed_pattern=r"[\w+=,.@:/-]{2,1224}")
        condition["StringEquals"] = {"sts:ExternalId": ext}
    trust = trust_policy(services, role_arns, condition or None)
    for account_id, arn in cyclic:
        trust["Statement"].append({"Effect": "Allow", "Principal": {"AWS": Sub(f"arn:${{AWS::Partition}}:iam::{account_id}:root")},
                                   "Action": "sts:AssumeRole", "Condition": {**condition, "ArnEquals": {"aws:PrincipalArn": arn}}})
    kwargs: dict[str, Any] = {
        "AssumeRolePolicyDocument": trust,
        "MaxSessionDuration": res.max_session_hours * 3600,
    }
    if res.role_name:
        kwargs["RoleName"] = res.role_name
    if res.description:
        kwargs["Description"] = res.description[:1000]
    statements = list(ctx.asks.grants.get(rid, ()))
    # Statements naming the role's own users (a function describing or invoking another function of
    # the same role), or a role that trusts this one (and so waits for it), cannot be inline: those
    # depend on the role. They go into a policy of their own. So do statements naming an escape
    # hatch: it may name roles in its properties, and a cycle through them (a role granted on a Glue
    # job whose role is granted on this role's function) is broken only when the grant is not part of the role.
    users = (_users(ctx, rid) | {ctx.main[r] for r in _trusted_by(ctx).get(rid, ()) if r != rid}
             | {ctx.main[h] for h, _ in ctx.of_type(CfnResource)})
    names_user = [_names_any(ctx, st, users) for st in statements]
    inline = [st for st, named in zip(statements, names_user, strict=True) if not named]
    deferred = [st for st, named in zip(statements, names_user, strict=True) if named]
    if inline:
        kwargs["Policies"] = [iam.Policy(PolicyName=f"{ctx.main[rid]}Policy", PolicyDocument=_policy_doc(inline))]
    unit = ctx.add(iam.Role(ctx.main[rid], **kwargs), rid, p)
    unit.after |= after
    if deferred:
        plid = ctx.new_id(rid, "UsersPolicy")
        ctx.add(iam.PolicyType(plid, PolicyName=plid, Roles=[ctx.ref(rid)], PolicyDocument=_policy_doc(deferred)), rid, p)
    notes = _wildcard_notes(statements)
    if notes:
        unit.notes["wildcards"] = notes
    if any(s.resources == ["*"] and any(a.startswith("ec2:") for a in s.actions) for s in statements):
        unit.skip("CKV_AWS_111", "only actions without resource-level permissions use '*': " + "; ".join(n["reason"] for n in notes))


def _users(ctx: Context, role: str) -> set[str]:
    """Logical ids of the compute that runs with *role* (they depend on the role), and of their aliases."""
    nodes: set[str] = set()
    for rid in ctx.index.role_users.get(role, set()):
        nodes.add(rid)
        nodes.update(ctx.index.services_of.get(rid, []))
    for hatch, _ in ctx.of_type(CfnResource):  # an escape hatch that acts as the role names it in its properties
        from archc.compiler.escape_hatch import acting_roles

        acts = acting_roles(ctx, hatch)
        if isinstance(acts, list) and role in acts:
            nodes.add(hatch)
    alias = ctx.declared.alias
    return {ctx.main[n] for n in nodes} | {alias[n] for n in nodes if n in alias}


def _names_any(ctx: Context, stmt: Statement, lids: set[str]) -> bool:
    from archc.compiler.context import XREF_KEY

    def walk(obj: Any) -> bool:
        if isinstance(obj, dict):
            if XREF_KEY in obj:
                return bool(obj[XREF_KEY][0] in lids)
            return any(walk(v) for v in obj.values())
        if isinstance(obj, list):
            return any(walk(v) for v in obj)
        return False

    return bool(lids) and walk(encode_to_dict(stmt.resources))

