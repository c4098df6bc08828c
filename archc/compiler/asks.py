"""Phase 2: what resources and connections ask of other resources, gathered once and frozen.

First each type's `contribute` (in `COMPILERS` order, resources in id order): what a resource's own
fields ask (a function's role gets its log statements, its security group HTTPS egress). Then every
connection in model order (`archc.compiler.connections`), then the load balancers' targets. The
order is the order statements and rules appear in the templates.

The phase adds no unit: the resources a connection owns (a subscription, an event source mapping,
an invoke permission, an ingress rule) are asked for too (`Asks.owned`), and `add_owned` adds them,
in the order they were asked for, first in phase 3. (It claims their logical ids, as `declare` does
for the ids other resources name.)
"""

from __future__ import annotations

from archc.compiler.connections import compile_connection, wire_load_balancers
from archc.compiler.context import Asks, AsksBuilder, Context
from archc.compiler.registry import COMPILERS, by_type


def gather(ctx: Context) -> Asks:
    ask = AsksBuilder(ctx)
    ids = by_type(ctx)
    for t, tc in COMPILERS.items():
        if tc.contribute is None:
            continue
        for rid in ids.get(t, []):
            tc.contribute(ctx, ask, rid, ctx.get(rid, tc.model))
    for i in range(len(ctx.arch.connections)):
        compile_connection(ctx, ask, i)
    wire_load_balancers(ctx, ask)
    return ask.build()


def add_owned(ctx: Context) -> None:
    """Phase 3 begins: the units the connections own (`Asks.owned`), in the order they were asked for."""
    for owned in ctx.asks.owned:
        unit = ctx.add(owned.resource, owned.node, owned.placement)
        for check, reason in owned.skips:
            unit.skip(check, reason)
