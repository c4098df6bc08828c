"""The escape hatch: a `CfnResource` becomes exactly the CloudFormation resource it names.

Its ``properties`` are copied as written, except that a reference to another model resource —
``{Ref: model_id}`` or ``{Fn::GetAtt: [model_id, Attribute]}`` — becomes a reference to that
resource's generated main resource, so it works across stacks like every other reference.
"""

from __future__ import annotations

from typing import Any, ClassVar

from troposphere import AWSObject

from archc.compiler.context import Context
from archc.model.resources import CfnResource


class _Resource(AWSObject):  # type: ignore[misc]
    """A troposphere object for any CloudFormation type: properties are taken as given."""

    props: ClassVar[dict[str, Any]] = {}

    def __init__(self, title: str, resource_type: str, properties: dict[str, Any]) -> None:
        self.resource_type = resource_type
        super().__init__(title)
        self.properties = properties  # troposphere has no schema for an arbitrary type: no validation here

    def to_dict(self, validation: bool = True) -> dict[str, Any]:
        return {"Type": self.resource_type, "Properties": _encode(self.properties)} if self.properties else {"Type": self.resource_type}


def _encode(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return value


def translate(ctx: Context, value: Any) -> Any:
    """*value* with references to model resources turned into cross-stack-aware references."""
    if isinstance(value, dict):
        if len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref" and isinstance(arg, str) and arg in ctx.arch.resources:
                return ctx.ref(arg)
            if (key == "Fn::GetAtt" and isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str)
                    and arg[0] in ctx.arch.resources and isinstance(arg[1], str)):
                return ctx.ref(arg[0], arg[1])
        return {k: translate(ctx, v) for k, v in value.items()}
    if isinstance(value, list):
        return [translate(ctx, v) for v in value]
    return value


def compile_cloudformation(ctx: Context, rid: str, res: CfnResource) -> None:
    ctx.add(_Resource(ctx.main[rid], res.type, translate(ctx, res.properties)), rid)
