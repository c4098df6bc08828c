"""Knowledge about the model that the compiler, the rules and the loader share, written once.

Pure functions over the model and the catalogue: no networkx, no troposphere, and the model's classes only
for type checking (they sit on the cold `archc lint` and `archc rules` paths). Each answers one question the catalogue already holds the data for:

- `who` / `named`: a resource in the user's words (``resource 'RDS' (aurora_cluster)``);
- `roles_of`: the roles a compute resource runs as (the catalogue's ``role_use`` field relations);
- `verb_fits`: whether a verb may go from one resource type to another (the catalogue's `VerbInfo`);
- `connections_from` / `connections_to`: the connections leaving and reaching each resource.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from archc.catalog import CFN_TYPE_PREFIXES, ESCAPE_HATCH, FIELD_RELATIONS, VERBS, VerbInfo

if TYPE_CHECKING:
    from archc.model.architecture import Connection

ConnectionIndex = dict[str, list[tuple[int, "Connection"]]]


# --- words -------------------------------------------------------------------------------------


def named(rid: str, rtype: str | None = None) -> str:
    """``'RDS' (aurora_cluster)``; ``'RDS'`` when the type is unknown."""
    return f"'{rid}' ({rtype})" if rtype else f"'{rid}'"


def who(rid: str, rtype: str | None = None) -> str:
    """``resource 'RDS' (aurora_cluster)`` — a resource in the user's words (errors name it so)."""
    return f"resource {named(rid, rtype)}"


# --- roles -------------------------------------------------------------------------------------


@cache
def role_fields(rtype: str) -> tuple[str, ...]:
    """The fields of *rtype* that name a role it runs as (the catalogue's ``role_use`` rows, in order)."""
    return tuple(f for (t, f), kind in FIELD_RELATIONS.items() if t == rtype and kind == "role_use")


def roles_of(res: Any) -> list[str]:
    """The roles resource *res* runs as (a function's `role`, a task's execution and task roles).

    A sketch may leave a role out (``archc lint`` reports it as ARC115): unset fields are skipped.
    """
    out: list[str] = []
    for f in role_fields(res.type):
        role = getattr(res, f, None)
        if role and role not in out:
            out.append(role)
    return out


# --- verbs -------------------------------------------------------------------------------------


def verb_fits(verb: str | VerbInfo, source_type: str, target_type: str) -> bool:
    """Whether *verb* may go from a *source_type* to a *target_type* (empty catalogue lists: any)."""
    info = VERBS[verb] if isinstance(verb, str) else verb
    source_type, target_type = _tag(source_type), _tag(target_type)
    return (not info.sources or source_type in info.sources) and (not info.targets or target_type in info.targets)


def _tag(rtype: str) -> str:
    """The catalogue row of a resource type: ``cloudformation`` for any ``AWS::…`` type."""
    return ESCAPE_HATCH if rtype.startswith(CFN_TYPE_PREFIXES) else rtype


def fitting_verbs(source_type: str, target_type: str) -> list[str]:
    """The verbs whose catalogue entry names these endpoint types, in catalogue order."""
    return [verb for verb, info in VERBS.items()
            if info.kind != "other" and (info.sources or info.targets) and verb_fits(info, source_type, target_type)]


# --- connection indexes ------------------------------------------------------------------------


def connections_from(connections: Sequence[Connection]) -> ConnectionIndex:
    """Resource id → its outgoing connections as (index in the model, connection), in model order."""
    out: ConnectionIndex = defaultdict(list)
    for i, conn in enumerate(connections):
        out[conn.source].append((i, conn))
    return out


def connections_to(connections: Sequence[Connection]) -> ConnectionIndex:
    """Resource id → its incoming connections as (index in the model, connection), in model order."""
    out: ConnectionIndex = defaultdict(list)
    for i, conn in enumerate(connections):
        out[conn.target].append((i, conn))
    return out
