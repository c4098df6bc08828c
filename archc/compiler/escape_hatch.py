"""The escape hatch: a `CfnResource` becomes exactly the CloudFormation resource it names.

Its ``properties`` are copied as written, except that a reference to another model resource —
``{Ref: model_id}`` or ``{Fn::GetAtt: [model_id, Attribute]}`` — becomes a reference to that
resource's generated main resource, so it works across stacks like every other reference.
``deletion_policy`` and ``update_replace_policy`` become the resource's DeletionPolicy and
UpdateReplacePolicy.

Connections (what they mean is decided by `archc.aws.access`, which lint asks too):
``read``/``write``/``read_write``/``list`` into an escape hatch grant the exact IAM actions of the
verb's access levels on its ARN (`statements`); an escape hatch acting on something acts as the
model role its role property names (`acting_roles`), trusted by the type's service (`trusts`).
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from troposphere import AWSObject, Sub

from archc.compiler.context import Context, ParamRef, ParamSpec, Statement
from archc.compiler.naming import camel
from archc.model.references import SUB_VARIABLE
from archc.model.resources import CfnResource, IamRole


class _Resource(AWSObject):  # type: ignore[misc]
    """A troposphere object for any CloudFormation type: properties are taken as given."""

    props: ClassVar[dict[str, Any]] = {}

    def __init__(self, title: str, resource_type: str, properties: dict[str, Any], policies: dict[str, str]) -> None:
        self.resource_type = resource_type
        super().__init__(title)
        self.properties = properties  # troposphere has no schema for an arbitrary type: lint validates them (ARC121)
        object.__setattr__(self, "_policies", policies)  # troposphere's __setattr__ takes only its own attributes

    def to_dict(self, validation: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {"Type": self.resource_type}
        out.update(self._policies)
        if self.properties:
            out["Properties"] = _encode(self.properties)
        return out


def _encode(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return value


def model_parameter(ctx: Context, name: str) -> ParamRef:
    """A reference to model parameter *name*, declared (as the model writes it) in the stack that uses it."""
    if name not in ctx.params:
        p = ctx.arch.parameters[name]
        ctx.params[name] = ParamSpec(name, p.type, p.description or "", cfn=p.to_cfn())
    return ParamRef(name)


def translate(ctx: Context, value: Any) -> Any:
    """*value* with references to model resources turned into cross-stack-aware references, and
    references to model parameters into references to the stack's parameter of that name."""
    if isinstance(value, dict):
        if len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref" and isinstance(arg, str) and arg in ctx.arch.resources:
                return ctx.ref(arg)
            if key == "Ref" and isinstance(arg, str) and arg in ctx.arch.parameters:
                return model_parameter(ctx, arg)
            if key == "Fn::GetAtt" and isinstance(arg, str) and "." in arg:
                arg = arg.split(".", 1)
            if (key == "Fn::GetAtt" and isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str)
                    and arg[0] in ctx.arch.resources and isinstance(arg[1], str)):
                return ctx.ref(arg[0], arg[1])
            if key == "Fn::Sub":
                return _sub(ctx, arg)
        return {k: translate(ctx, v) for k, v in value.items()}
    if isinstance(value, list):
        return [translate(ctx, v) for v in value]
    return value


def _sub(ctx: Context, arg: Any) -> Any:
    """An ``Fn::Sub`` whose ``${id}``/``${id.Attr}`` naming model resources become variables bound to
    cross-stack-aware references (``${raw}`` → ``${Raw}`` with ``Raw: {Ref: Raw}``)."""
    text, local = (arg[0], arg[1]) if isinstance(arg, list) and len(arg) == 2 else (arg, {})
    if not isinstance(text, str) or not isinstance(local, dict):
        return {"Fn::Sub": translate(ctx, arg)}
    bound: dict[str, Any] = {k: translate(ctx, v) for k, v in local.items()}

    def bind(match: re.Match[str]) -> str:
        name = match.group(1)
        rid, _, attr = name.partition(".")
        if name not in local and not attr and name in ctx.arch.parameters and name not in ctx.arch.resources:
            bound[name] = model_parameter(ctx, name)
            return match.group(0)
        if name in local or rid not in ctx.arch.resources:
            return match.group(0)
        var = re.sub(r"[^A-Za-z0-9]", "", camel(rid) + (camel(attr) if attr else ""))
        bound[var] = ctx.ref(rid, attr or None)
        return "${" + var + "}"

    text = SUB_VARIABLE.sub(bind, text)
    return {"Fn::Sub": [text, bound] if bound else text}


def compile_cloudformation(ctx: Context, rid: str, res: CfnResource) -> None:
    policies: dict[str, str] = {k: v for k, v in (("DeletionPolicy", res.deletion_policy), ("UpdateReplacePolicy", res.update_replace_policy),
                                                  ("Condition", res.condition)) if v}
    ctx.add(_Resource(ctx.main[rid], res.type, translate(ctx, res.properties), policies), rid)


def stack_conditions(ctx: Context, bodies: list[dict[str, Any]]) -> dict[str, Any]:
    """The model conditions a stack's resources use (their ``Condition``, ``Fn::If`` in their
    properties, and the conditions those name), each declared with the parameters it names."""
    wanted: list[str] = []
    todo: list[Any] = []
    for body in bodies:
        if isinstance(body.get("Condition"), str):
            wanted.append(body["Condition"])
        todo.append(body.get("Properties"))
    while todo:
        v = todo.pop()
        if isinstance(v, dict):
            if len(v) == 1 and isinstance(v.get("Fn::If"), list) and v["Fn::If"] and isinstance(v["Fn::If"][0], str):
                wanted.append(v["Fn::If"][0])
            todo.extend(v.values())
        elif isinstance(v, list):
            todo.extend(v)
    out: dict[str, Any] = {}
    while wanted:
        name = wanted.pop()
        if name in out or name not in ctx.arch.conditions:
            continue
        out[name] = ctx.arch.conditions[name]
        stack: list[Any] = [out[name]]
        while stack:
            v = stack.pop()
            if isinstance(v, dict):
                if len(v) == 1 and isinstance(v.get("Condition"), str):
                    wanted.append(v["Condition"])
                stack.extend(v.values())
            elif isinstance(v, list):
                stack.extend(v)
    return dict(sorted(out.items()))


def condition_parameters(ctx: Context, conditions: dict[str, Any]) -> list[str]:
    """The model parameters *conditions* name (``{Ref: Name}``), declared in `ctx.params`."""
    names: list[str] = []
    stack: list[Any] = list(conditions.values())
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            if len(v) == 1 and isinstance(v.get("Ref"), str) and v["Ref"] in ctx.arch.parameters:
                names.append(model_parameter(ctx, v["Ref"]).name)
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return sorted(set(names))


# --- connections ------------------------------------------------------------------------------


def arn(ctx: Context, rid: str) -> Any | str:
    """The ARN of escape hatch *rid*, or why archc cannot tell."""
    from archc.aws.access import arn_of

    res = ctx.get(rid, CfnResource)
    p = ctx.placement(rid)
    how = arn_of(res.type, p.region)
    if isinstance(how, str):
        return how
    if how.attribute:
        return ctx.ref(rid, how.attribute)
    assert how.arn_format and how.variable
    fmt = (how.arn_format.replace("${Partition}", "${AWS::Partition}").replace("${Region}", p.region)
           .replace("${Account}", p.account_id))
    return Sub(fmt, **{how.variable: ctx.ref(rid)})


def statements(ctx: Context, verb: str, target: str) -> list[Statement] | str:
    """What *verb* on escape hatch *target* grants: the exact actions on its ARN (and the List
    actions AWS allows only on ``*``, with the reason), or why archc cannot build it."""
    from archc.aws.access import plan

    res = ctx.get(target, CfnResource)
    how = plan(res.type, verb, ctx.placement(target).region)
    if isinstance(how, str):
        return how
    sid = camel(target) + camel(verb)
    out: list[Statement] = []
    if how.actions:
        where = arn(ctx, target)
        assert not isinstance(where, str)  # plan() said it can tell
        out.append(Statement(sid, how.actions, [where]))
    if how.unscoped:
        out.append(Statement(f"{sid}Unscoped", how.unscoped, ["*"], reason=how.unscoped_reason))
    return out


def acting_roles(ctx: Context, rid: str) -> list[str] | str:
    """The model roles escape hatch *rid* acts as, or why archc cannot tell."""
    from archc.aws.access import acting_roles as roles

    res = ctx.get(rid, CfnResource)
    return roles(res.type, res.properties, ctx.placement(rid).region, [r for r, _ in ctx.of_type(IamRole)])


def trusts(ctx: Context) -> None:
    """Phase 1: a model role an escape hatch acts as is trusted by the hatch's service."""
    from archc.aws.access import service_principal

    for rid, res in ctx.of_type(CfnResource):
        principal = service_principal(res.type)
        roles = acting_roles(ctx, rid) if principal else []
        for role in roles if isinstance(roles, list) else []:
            ctx.declared.trust_services[role].add(str(principal))
