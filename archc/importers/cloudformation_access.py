"""Who may do what, from IAM and security groups: policy statements on roles used by compute →
connections with the verb their actions say; trust policies → ``assumable_by``; security-group
ingress between groups (or from 0.0.0.0/0) → connections between the resources that use them.

Wildcards (``Resource: "*"``, ``Action: "*"``) are findings in the report, never invented edges.
"""

from __future__ import annotations

import re
from typing import Any

from archc.cloudformation.intrinsics import ResourceRef, references
from archc.importers.cloudformation import Context, Item

_ARN_ACCOUNT = re.compile(r"^arn:aws[\w-]*:iam::(\d{12}):(root|role/(?:.*/)?([\w+=,.@-]+))$")
_READ = ("get", "list", "describe", "receive", "query", "scan", "select", "batchget", "head", "download", "lookup", "read")
_WRITE = ("put", "create", "delete", "update", "send", "write", "publish", "batchwrite", "upload", "abort", "restore", "change",
          "modify", "remove", "tag", "untag", "start", "stop")


def _list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else [v] if v is not None else []


def verb_for(actions: list[str], target_type: str | None) -> str | None:
    """The connection verb a statement's *actions* make on a resource of *target_type*."""
    names = [a.lower() for a in actions if isinstance(a, str)]
    ops = [a.partition(":")[2] for a in names]
    if target_type == "iam_role":
        return "assume_role" if any(a.startswith("sts:assumerole") for a in names) else None
    if target_type == "lambda_function" and any(o.startswith("invoke") for o in ops):
        return "invoke"
    if target_type in ("aurora_cluster", "aurora_readers"):
        query = any(a.startswith(("rds-db:", "rds-data:")) or a == "secretsmanager:getsecretvalue" for a in names)
        return "query" if query else "describe"
    if target_type == "log_group":
        return "logs" if any(o in ("putlogevents", "createlogstream", "*") for o in ops) else "read"
    if target_type == "sns_topic" and any(o == "publish" for o in ops):
        return "publish"
    if target_type == "kms_key":
        return None  # a key's use follows the data it encrypts
    if target_type == "sqs_queue":  # a queue is sent to or consumed; its attributes say neither
        sends = any(o.startswith("sendmessage") or o == "*" for o in ops)
        takes = any(o in ("receivemessage", "deletemessage", "deletemessagebatch", "*") for o in ops)
        return "read_write" if sends and takes else "send" if sends else "read" if takes else None
    reads = any(o.startswith(_READ) or o in ("*", "get*") for o in ops)
    writes = any(o.startswith(_WRITE) or o == "*" for o in ops)
    if target_type == "sqs_queue" and writes and not reads:
        return "send"
    if reads and writes:
        return "read_write"
    return "write" if writes else "read" if reads else None


def _role_users(resources: dict[str, Any]) -> dict[str, list[str]]:
    """Role id → the resources that run with it (a function's role, a task's roles)."""
    out: dict[str, list[str]] = {}
    for rid, res in resources.items():
        for f in ("role", "task_role", "execution_role"):
            role = getattr(res, f, None) if f in type(res).model_fields else None
            if isinstance(role, str) and rid not in out.get(role, ()):
                out.setdefault(role, []).append(rid)
    return {k: sorted(v) for k, v in out.items()}


def _statements(item: Item, path: tuple[Any, ...], ctx: Context) -> list[dict[str, Any]]:
    doc = ctx.raw(item, *path)
    if not isinstance(doc, dict):
        return []
    return [s for s in _list(doc.get("Statement")) if isinstance(s, dict)]


TRACING_ACTIONS = frozenset({  # what tracing needs; AWS takes these on resource "*" only
    "xray:puttracesegments", "xray:puttelemetryrecords", "xray:getsamplingrules", "xray:getsamplingtargets"})


def _tracing_of(resources: dict[str, Any], source: str) -> str | None:
    """The one X-Ray resource in *source*'s account and region, if the model has exactly one."""
    res = resources.get(source)
    if res is None:
        return None
    here = [rid for rid, r in resources.items() if r.type == "xray" and r.account == res.account and r.region == res.region]
    return here[0] if len(here) == 1 else None


def apply_policies(ctx: Context, resources: dict[str, Any]) -> None:
    """Connections from what each policy allows. The grant is the role's: a role one compute
    resource runs as gives its connections to that resource; a role several run as (or none) keeps
    them itself, and each user reaches them through its role (the model's `role_use` relation), so
    no user gets an edge the template does not give it alone."""
    users = _role_users(resources)
    for role, who in sorted(users.items()):
        if len(who) > 1 and any(role in roles for _i, _p, roles in ctx.policies):
            ctx.report.notes.append(f"{role}: shared by {', '.join(who)}; its grants are connections from the role, not from each of them")
    for item, path, roles in ctx.policies:
        sources: list[str] = []
        for role in roles:
            who = users.get(role) or []
            sources.extend(who if len(who) == 1 else [role])
        sources = list(dict.fromkeys(sources))
        for i, st in enumerate(_statements(item, path, ctx)):
            if item.resolver.resolve(st.get("Effect")) != "Allow":
                continue
            actions = [a for a in _list(item.resolver.resolve(st.get("Action"))) if isinstance(a, str)]
            raw_res = st.get("Resource")
            targets: list[str] = []
            for lid, _attr, _p in references(raw_res):
                mid = ctx.owner.get((item.stack.name, lid))
                if mid is not None:
                    targets.append(mid)
            resolved = [item.resolver.resolve(r) for r in _list(raw_res)]
            for r in resolved:
                mid = ctx.ref_of(item, r) or ctx.named(r.removesuffix("/*") if isinstance(r, str) else r)
                if mid is not None:
                    targets.append(mid)
            where = item.where("Properties", *path, "Statement", i)
            if resolved == ["*"] and actions and all(a.lower() in TRACING_ACTIONS for a in actions):
                # AWS takes these only on "*": not a wildcard by choice; they reach the account's X-Ray
                for source in sources:
                    ctx.connect(source, _tracing_of(resources, source), "traces", derived=True)
                continue
            if "*" in resolved or any(a == "*" or a.endswith(":*") for a in actions):
                ctx.report.findings.append(
                    f"{where}: {item.decl.logical_id} allows {', '.join(actions) or '?'} on "
                    f"{'*' if '*' in resolved else ', '.join(str(r) for r in resolved)}: a wildcard, not turned into connections")
            for target in dict.fromkeys(targets):
                verb = verb_for(actions, ctx.type_of(target))
                if verb is None:
                    continue
                for source in (roles or sources) if verb == "assume_role" else sources:  # only a role assumes a role
                    ctx.connect(source, target, verb, derived=True)


def trust(ctx: Context, it: Item) -> list[str]:
    """The model roles a role's trust policy names (another account's role by its ARN when the
    import holds it); other accounts are reported."""
    out: list[str] = []
    doc = ctx.raw(it, "AssumeRolePolicyDocument")
    if not isinstance(doc, dict):
        return out
    for i, st in enumerate(_list(doc.get("Statement"))):
        if not isinstance(st, dict) or not isinstance(st.get("Principal"), dict):
            continue
        for raw in _list(st["Principal"].get("AWS")):
            v = it.resolver.resolve(raw)
            mid = ctx.ref_of(it, v)
            if mid is None and isinstance(v, ResourceRef) is False:
                for lid, _a, _p in references(raw):
                    mid = ctx.owner.get((it.stack.name, lid)) or mid
            if mid is not None and ctx.type_of(mid) == "iam_role":
                out.append(mid)
                continue
            m = _ARN_ACCOUNT.match(v) if isinstance(v, str) else None
            if m is None:
                if isinstance(v, str) and v.isdigit():
                    m = _ARN_ACCOUNT.match(f"arn:aws:iam::{v}:root")
                else:
                    continue
            assert m is not None
            account, name = m.group(1), m.group(3)
            found = _role_named(ctx, account, name) if name else None
            if found is not None:
                out.append(found)
            elif account != (it.stack.account_id or ctx.account):
                ctx.report.findings.append(
                    f"{it.where('Properties', 'AssumeRolePolicyDocument', 'Statement', i)}: {it.decl.logical_id} trusts account "
                    f"{account}{' (' + name + ')' if name else ''}, which this import does not hold: a cross-account trust")
    return sorted(set(out))


def _role_named(ctx: Context, account: str, name: str) -> str | None:
    for key, item in ctx.items.items():
        if (item.decl.type == "AWS::IAM::Role" and (item.stack.account_id or ctx.account) == account
                and item.resolver.resolve(item.decl.properties.get("RoleName")) == name):
            return ctx.owner.get(key)
    return None


def apply_ingress(ctx: Context, resources: dict[str, Any]) -> None:
    users: dict[str, list[str]] = {}
    for rid, res in resources.items():
        for sg in getattr(res, "security_groups", None) or []:
            users.setdefault(sg, []).append(rid)
    for source, target, port in ctx.sg_ingress:
        srcs = [ctx.internet(ctx.stack_account[ctx.stacks[0].name])] if source == "\x00internet" else users.get(source) or [source]
        srcs = [_task_of(resources, s) for s in srcs]
        for dst in users.get(target) or [target]:
            t_type = ctx.type_of(dst)
            verb = "https" if port == 443 else "http" if port == 80 else "tcp"
            if verb in ("https", "http") and t_type not in ("load_balancer", "api_gateway", "cloudfront_distribution", "web_acl", "external"):
                verb = "tcp"
            for src in srcs:
                if _behind(resources, src, dst):
                    continue
                ctx.connect(src, dst, verb, label=None if port in (None, 443, 80) else f"TCP {port}", derived=True)


def _task_of(resources: dict[str, Any], rid: str) -> str:
    """A service's traffic is its tasks': the task definition is what the model connects."""
    res = resources.get(rid)
    task = getattr(res, "task_definition", None) if res is not None and res.type == "ecs_service" else None
    return task if isinstance(task, str) else rid


def _behind(resources: dict[str, Any], src: str, dst: str) -> bool:
    """*dst* receives *src*'s traffic through a typed relation already (a load balancer's listener
    → target group ← service), or *src* is a service whose task definition is joined to *dst*."""
    s, d = resources.get(src), resources.get(dst)
    if s is None or d is None:
        return False
    groups = {lst.target_group for lst in getattr(s, "listeners", None) or []}
    return getattr(d, "target_group", None) in groups - {None}
