"""Partitioning: which stack each generated resource (unit) lands in.

1. Units in dependency order (`networkx.lexicographical_topological_sort`, ties broken by the rank
   of their model id then their logical id, so a model's units stay together).
2. One group per account and region; groups that depend on each other in a cycle (strongly connected
   components of the group graph) are split into phases, each unit in the latest phase its
   dependents allow, then whole phases merged where every dependency still holds.
3. Each (group, phase) is cut, in dependency order, into parts of at most `MAX_RESOURCES` units and
   about `CHUNK_BYTES`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping

import networkx as nx

from archc.compiler.context import Context, Unit
from archc.compiler.naming import stack_name
from archc.compiler.stacks import CHUNK_BYTES, MAX_RESOURCES, Stack

Group = tuple[str, str]  # (account key, region)


def _dependencies(ctx: Context, units: dict[str, Unit]) -> dict[str, set[str]]:
    """Logical id → the logical ids it refers to or must follow (a reference to nothing is an error)."""
    deps: dict[str, set[str]] = {}
    for lid, u in units.items():
        ds = {t for t, _, _ in u.refs if t != lid} | {a for a in u.after if a != lid}
        missing = [d for d in ds if d not in units]
        for d in missing:
            ctx.error(("resources", u.node), f"{ctx.who(u.node)}: {lid} refers to {d}, which was not generated")
        deps[lid] = {d for d in ds if d in units}
    return deps


def _topo_order(ctx: Context, graph: nx.DiGraph, rank: dict[str, tuple[int, str]]) -> list[str]:
    """Units in dependency order; ties broken by (model id rank, logical id) so a model's units stay together."""
    order: list[str] = []
    try:
        order.extend(nx.lexicographical_topological_sort(graph, key=rank.__getitem__))
    except nx.NetworkXUnfeasible:
        placed = set(order)
        stuck = sorted(u for u in graph if u not in placed)
        nodes = sorted({ctx.units[u].node for u in stuck})
        ctx.error(("resources", nodes[0]), "the generated resources of " + ", ".join(f"'{n}'" for n in nodes[:6])
                  + " depend on each other in a cycle", help="look for two resources that reference each other")
        order += stuck
    return order


def _components(groups: list[Group], edges: set[tuple[Group, Group]]) -> tuple[dict[Group, int], set[int]]:
    """Strongly connected component index per group, and the indexes of the components with a cycle."""
    graph: nx.DiGraph = nx.DiGraph()
    graph.add_nodes_from(groups)
    graph.add_edges_from(edges)
    comp: dict[Group, int] = {}
    cyclic: set[int] = set()
    for i, members in enumerate(sorted(sorted(c) for c in nx.strongly_connected_components(graph))):
        comp.update((g, i) for g in members)
        if len(members) > 1:
            cyclic.add(i)
    return comp, cyclic


def _phases(order: list[str], deps: dict[str, set[str]], users: Mapping[str, Iterable[str]], group: dict[str, Group]) -> dict[str, int]:
    """Phase (0, -1, -2…: later is higher) of every unit: as late as possible inside groups that form a cycle."""
    groups = sorted(set(group.values()))
    edges = {(group[d], group[u]) for u, ds in deps.items() for d in ds if group[d] != group[u]}
    comp, cyclic = _components(groups, edges)
    level: dict[str, int] = {}
    for lid in reversed(order):
        lv = 0
        if comp[group[lid]] in cyclic:
            for v in users[lid]:
                if comp[group[v]] == comp[group[lid]]:
                    lv = min(lv, level[v] - (1 if group[v] != group[lid] else 0))
        level[lid] = lv
    _merge_levels(deps, users, group, level)
    return level


def _cut(order: list[str], units: dict[str, Unit], group: dict[str, Group], level: dict[str, int]) -> dict[Group, list[list[str]]]:
    """Per group, its units cut into stacks: by phase, then by size, in dependency order."""
    buckets: dict[tuple[Group, int], list[str]] = {}
    for lid in order:
        buckets.setdefault((group[lid], level[lid]), []).append(lid)
    parts: dict[Group, list[list[str]]] = {}
    for (g, _lv), lids in sorted(buckets.items()):
        chunk: list[str] = []
        size = 0
        for lid in lids:
            if chunk and (len(chunk) >= MAX_RESOURCES or size + units[lid].size > CHUNK_BYTES):
                parts.setdefault(g, []).append(chunk)
                chunk, size = [], 0
            chunk.append(lid)
            size += units[lid].size
        parts.setdefault(g, []).append(chunk)
    return parts


def partition(ctx: Context) -> list[Stack]:
    """The stacks of the build (not yet in deploy order), each with its units in dependency order."""
    units = {lid: u for lid, u in ctx.units.items() if u.body is not None}
    deps = _dependencies(ctx, units)
    graph: nx.DiGraph = nx.DiGraph()
    graph.add_nodes_from(units)
    graph.add_edges_from((d, u) for u, ds in deps.items() for d in ds)
    node_rank = {rid: i for i, rid in enumerate(sorted(ctx.arch.resources))}
    rank = {lid: (node_rank.get(u.node, 0), lid) for lid, u in units.items()}
    order = _topo_order(ctx, graph, rank)
    if ctx.errors:  # a cycle: no phases to compute, `compile_model` reports it
        return []
    position = {lid: i for i, lid in enumerate(order)}
    group = {lid: u.placement.group for lid, u in units.items()}
    level = _phases(order, deps, graph.succ, group)  # a unit's successors in the graph are its users
    stacks: list[Stack] = []
    for (acct, region), chunks in sorted(_cut(order, units, group, level).items()):
        a = ctx.arch.accounts.get(acct)
        for n, chunk in enumerate(chunks):
            name = stack_name(ctx.arch.name, acct, region, n + 1 if len(chunks) > 1 else None)
            st = Stack(name, acct, (a.id if a else None) or "", a.name if a else acct, region)
            st.units = sorted((units[lid] for lid in chunk), key=lambda u: position[u.logical_id])
            stacks.append(st)
    return stacks


def _merge_levels(deps: dict[str, set[str]], users: Mapping[str, Iterable[str]], group: dict[str, Group], level: dict[str, int]) -> None:
    """Fewer phases: move a group's whole phase into its neighbour phase wherever every dependency still holds.

    As-late-as-possible leaves resources nothing depends on (a log group's subscription, say) in the
    last phase; most of the time they can join their group's other phase instead of making a stack.
    """
    def cross(a: str, b: str) -> int:
        return 1 if group[a] != group[b] else 0

    changed = True
    while changed:
        changed = False
        members: dict[Group, dict[int, list[str]]] = {}
        for lid, lv in level.items():
            members.setdefault(group[lid], {}).setdefault(lv, []).append(lid)
        for g in sorted(members):
            levels = sorted(members[g])
            for lo, hi in itertools.pairwise(levels):
                down = members[g][hi]
                moving = set(down)
                if all(d in moving or level[d] + cross(d, u) <= lo for u in down for d in deps[u]):
                    for u in down:
                        level[u] = lo
                    changed = True
                    break
                up = members[g][lo]
                moving = set(up)
                if all(v in moving or hi + cross(u, v) <= level[v] for u in up for v in users[u]):
                    for u in up:
                        level[u] = hi
                    changed = True
                    break
            if changed:
                break
