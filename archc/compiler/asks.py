"""Phase 2: what resources and connections ask of other resources, gathered once and frozen.

First each type's `contribute` (in `COMPILERS` order, resources in id order): what a resource's own
fields ask (a function's role gets its log statements, its security group HTTPS egress). Then every
connection in model order (`archc.compiler.connections`), then the load balancers' targets. The
order is the order statements and rules appear in the templates.
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
