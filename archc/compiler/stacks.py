"""Stacks: which template each generated resource lands in, and how stacks refer to each other.

1. One stack per account and region that has resources.
2. When stacks of different accounts/regions depend on each other in a cycle (the us-east-1
   certificate validated in a us-west-2 zone, used by CloudFront in us-west-2), the stacks of the
   cycle are split into phases: each resource goes to the latest phase its dependents allow
   ("as late as possible"), so only what must deploy early does.
3. A stack over 500 resources or about 1 MB is cut, in dependency order, into parts.

The steps live in their own modules: `archc.compiler.partition` (which stack each unit lands in),
`archc.compiler.crossrefs` (references between stacks, rendering) and `archc.compiler.order` (the
order stacks deploy in); this module holds the `Stack` record and `prepare`, which renders each
unit once.

References between stacks: in one account and region an ``Fn::ImportValue`` of an exported output;
across accounts or regions a parameter whose value the manifest says to take from the producing
stack's output. Order-only dependencies (a trusted role must exist first) become ``DependsOn``
inside a stack and a stack dependency across stacks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from archc.compiler.context import PARAM_KEY, XREF_KEY, Context, Unit

MAX_RESOURCES = 500
CHUNK_BYTES = 800_000  # headroom for parameters, outputs and indentation


@dataclass
class Stack:
    name: str
    account: str
    account_id: str
    account_name: str
    region: str
    units: list[Unit] = field(default_factory=list)
    parameters: dict[str, dict[str, Any]] = field(default_factory=dict)
    sources: dict[str, Any] = field(default_factory=dict)  # parameter → "operator" | {"stack", "output"}
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    depends_on: set[str] = field(default_factory=set)
    template: dict[str, Any] = field(default_factory=dict)


# --- preparing units ---------------------------------------------------------------------------


def _collect(obj: Any, refs: list[tuple[str, str | None, bool]], params: list[str]) -> None:
    if isinstance(obj, dict):
        if len(obj) == 1:
            if XREF_KEY in obj:
                t, a, lst = obj[XREF_KEY]
                refs.append((t, a, lst))
                return
            if PARAM_KEY in obj:
                params.append(obj[PARAM_KEY])
                return
        for v in obj.values():
            _collect(v, refs, params)
    elif isinstance(obj, list):
        for v in obj:
            _collect(v, refs, params)


def prepare(ctx: Context) -> None:
    """Render every unit once (troposphere validates it) and note what it refers to."""
    for unit in ctx.units.values():
        try:
            body = unit.resource.to_dict()
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            ctx.error(("resources", unit.node), f"{ctx.who(unit.node)}: cannot generate {unit.logical_id}: {exc}")
            continue
        body.pop("Metadata", None)
        unit.body = body
        refs: list[tuple[str, str | None, bool]] = []
        params: list[str] = []
        _collect(body, refs, params)
        unit.refs = refs
        unit.params = sorted(set(params))
        unit.size = len(json.dumps(body, separators=(",", ":"))) + 200
