"""What a model still lacks before it can be built: fields marked `needed` that are empty.

A model may be a sketch — a diagram just imported, a design under discussion — and still load,
lint and draw. `archc lint` reports these gaps (ARC115) and `archc build` refuses until they are
filled.
"""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel

from archc.model.fields import NEEDED_TO_BUILD


@cache
def needed_fields(cls: type[BaseModel]) -> tuple[str, ...]:
    """The fields of *cls* marked as needed to build, in declaration order."""
    out = []
    for name, info in cls.model_fields.items():
        extra = info.json_schema_extra
        if isinstance(extra, dict) and extra.get(NEEDED_TO_BUILD):
            out.append(name)
    return tuple(out)


def missing_to_build(resource: BaseModel) -> list[str]:
    """Names of the needed fields *resource* leaves empty."""
    return [name for name in needed_fields(type(resource)) if getattr(resource, name) in (None, [])]
