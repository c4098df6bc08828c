"""What connections to and from an escape hatch mean in IAM, decided from AWS's data alone.

Both `archc lint` (rule ARC122) and `archc build` (`archc.compiler.escape_hatch`) ask these
functions, so lint reports exactly what build would refuse.

- **Into** an escape hatch (``read``, ``write``, ``read_write``, ``list``): the actions of the
  type's IAM service at the verb's access levels that apply to the type's IAM resource type
  (`archc.aws.iam_actions.actions`), on the resource's ARN — ``Fn::GetAtt Arn`` when the schema
  says the type has an ``Arn`` attribute, else the database's ARN format filled with ``Fn::Sub``
  and the resource's ``Ref``. ``list`` adds the List actions AWS allows only on ``*`` (named in
  the statement's reason).
- **From** an escape hatch: it acts as the model role its role property names
  (``Role: {Fn::GetAtt: [etl_role, Arn]}``); that role is trusted by the type's service.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from archc.aws import cfn_schemas, iam_actions
from archc.aws.iam_actions import Level

VERB_LEVELS: dict[str, tuple[Level, ...]] = {
    "read": ("Read",),
    "write": ("Write",),
    "read_write": ("Read", "Write"),
    "list": ("List",),
}
# The verbs by which an escape hatch acts on something through its role (archc.compiler.connections'
# IAM_VERBS and invoke); `tcp` needs a security group, which archc cannot see in an escape hatch.
ACTING_VERBS = frozenset({"read", "write", "read_write", "list", "describe", "query", "publish", "send", "logs", "metrics", "traces",
                          "assume_role", "invoke"})
NO_MEANING = frozenset({"tcp"})
ROLE_PROPERTY = re.compile(r"^(Service|Execution|Task|Job|Data)?Role(Arn|ARN)?$|^ServiceRole(Arn|ARN)?$")


@dataclass(frozen=True, slots=True)
class Arn:
    """How to write the resource's ARN: its ``Arn`` attribute, or a format filled with its ``Ref``."""

    attribute: str | None = None  # "Arn": Fn::GetAtt
    arn_format: str | None = None  # arn:${Partition}:glue:${Region}:${Account}:job/${JobName}
    variable: str | None = None  # the format's variable that is the resource's Ref (JobName)


@dataclass(frozen=True, slots=True)
class Plan:
    """The grant a verb on an escape hatch becomes."""

    service: str
    resource_type: str
    arn: Arn
    actions: tuple[str, ...]  # on the ARN
    unscoped: tuple[str, ...] = ()  # on "*": AWS has no resource-level permissions for them

    @property
    def unscoped_reason(self) -> str:
        return f"{', '.join(self.unscoped)}: AWS allows these List actions only on '*' (no resource-level permissions)"


def arn_of(cfn_type: str, region: str) -> Arn | str:
    """How to write the ARN of a *cfn_type* resource, or why archc cannot tell."""
    if "Arn" in cfn_schemas.attributes(cfn_type, region):
        return Arn(attribute="Arn")
    service, rtype = iam_actions.service_of(cfn_type), iam_actions.resource_type_of(cfn_type)
    if service is None or rtype is None:
        return f"archc cannot tell the ARN of {cfn_type}: it has no Arn attribute and no IAM resource type archc can name"
    fmt = iam_actions.resource_types(service)[rtype]
    variables = iam_actions.arn_variables(fmt)
    if len(variables) != 1:
        return f"archc cannot tell the ARN of {cfn_type}: it has no Arn attribute and its ARN ({fmt}) is not made of its Ref alone"
    return Arn(arn_format=fmt, variable=variables[0])


def plan(cfn_type: str, verb: str, region: str) -> Plan | str:
    """What *verb* on a *cfn_type* resource grants, or why archc cannot build it."""
    levels = VERB_LEVELS.get(verb)
    if levels is None:
        return f"'{verb}' means nothing archc can build on {cfn_type}; use one of: {', '.join(VERB_LEVELS)}"
    service = iam_actions.service_of(cfn_type)
    if service is None:
        return f"archc does not know the IAM service of {cfn_type}"
    rtype = iam_actions.resource_type_of(cfn_type)
    if rtype is None:
        return f"archc cannot tell which IAM resource type of service '{service}' {cfn_type} is"
    arn = arn_of(cfn_type, region)
    if isinstance(arn, str):
        return arn
    scoped = tuple(sorted({a for lv in levels for a in iam_actions.actions(service, lv, rtype)}))
    unscoped = tuple(sorted({a for lv in levels if lv == "List" for a in iam_actions.unscoped_actions(service, lv, rtype)}))
    if not scoped and not unscoped:
        return f"IAM has no {'/'.join(levels)} action of '{service}' on its resource type '{rtype}' ({cfn_type})"
    return Plan(service, rtype, arn, scoped, unscoped)


def has_role_property(cfn_type: str, region: str) -> list[str]:
    """The properties of *cfn_type* that name the role it acts as (``Role``, ``ServiceRoleArn``…)."""
    return [p for p in cfn_schemas.property_names(cfn_type, region) if ROLE_PROPERTY.match(p)]


def named_id(value: Any, ids: Collection[str]) -> str | None:
    """The model id *value* names: ``{Ref: id}``, ``{Fn::GetAtt: [id, Attr]}``, ``{Fn::GetAtt: id.Attr}`` or ``id``."""
    if isinstance(value, str):
        return value if value in ids else None
    if isinstance(value, dict) and len(value) == 1:
        ((key, arg),) = value.items()
        if key == "Ref" and isinstance(arg, str) and arg in ids:
            return arg
        if key == "Fn::GetAtt":
            target = arg[0] if isinstance(arg, list) and arg else arg.split(".", 1)[0] if isinstance(arg, str) else None
            return target if isinstance(target, str) and target in ids else None
    return None


def acting_roles(cfn_type: str, properties: dict[str, Any], region: str, roles: Collection[str]) -> list[str] | str:
    """The model roles (ids in *roles*) a *cfn_type* resource acts as, or why archc cannot tell."""
    props = has_role_property(cfn_type, region)
    found = [rid for p in props if (rid := named_id(properties.get(p), roles)) is not None]
    if found:
        return sorted(set(found))
    where = f"properties.{props[0]}" if props else "properties.Role"
    return f"archc cannot tell which role {cfn_type} acts as; set {where} to a model role"


def service_principal(cfn_type: str) -> str | None:
    """The service principal that assumes a *cfn_type* resource's role (``glue.amazonaws.com``)."""
    service = iam_actions.service_of(cfn_type)
    return f"{service}.amazonaws.com" if service else None
