"""archc.compiler.partition: units in dependency order, ties broken by model id then logical id."""

from __future__ import annotations

import heapq

import networkx as nx
from hypothesis import given
from hypothesis import strategies as st

from archc.compiler.context import Context
from archc.compiler.partition import _topo_order
from archc.model.architecture import Architecture


def _reference(deps: dict[str, set[str]], rank: dict[str, tuple[int, str]]) -> list[str]:
    """Kahn's algorithm with a heap on rank (what the partitioner did before networkx)."""
    indeg = {u: len(ds) for u, ds in deps.items()}
    users: dict[str, list[str]] = {u: [] for u in deps}
    for u, ds in deps.items():
        for d in ds:
            users[d].append(u)
    heap = [(rank[u], u) for u, n in indeg.items() if n == 0]
    heapq.heapify(heap)
    out: list[str] = []
    while heap:
        _, u = heapq.heappop(heap)
        out.append(u)
        for v in users[u]:
            indeg[v] -= 1
            if indeg[v] == 0:
                heapq.heappush(heap, (rank[v], v))
    return out + sorted(u for u, n in indeg.items() if n > 0)


@st.composite
def graphs(draw: st.DrawFn) -> tuple[dict[str, set[str]], dict[str, tuple[int, str]]]:
    names = draw(st.lists(st.text("ABCDE", min_size=1, max_size=3), unique=True, min_size=1, max_size=15))
    deps = {n: set(draw(st.lists(st.sampled_from(names), max_size=3))) - {n} for n in names}
    rank = {n: (draw(st.integers(0, 3)), n) for n in names}
    return deps, rank


@given(graphs())
def test_topological_order_matches_the_heap_definition(case: tuple[dict[str, set[str]], dict[str, tuple[int, str]]]) -> None:
    deps, rank = case
    ctx = Context(Architecture(name="t"))
    ctx.units = {n: _unit(n) for n in deps}
    graph: nx.DiGraph = nx.DiGraph()
    graph.add_nodes_from(deps)
    graph.add_edges_from((d, u) for u, ds in deps.items() for d in ds)
    assert _topo_order(ctx, graph, rank) == _reference(deps, rank)
    assert bool(ctx.errors) == (not nx.is_directed_acyclic_graph(graph))


def _unit(lid: str) -> object:
    class _U:
        node = lid.lower()
    return _U()
