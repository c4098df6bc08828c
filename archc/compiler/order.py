"""The order stacks deploy in: every stack after the stacks it depends on, ties broken by name."""

from __future__ import annotations

import networkx as nx

from archc.compiler.stacks import Stack


def deploy_order(stacks: list[Stack]) -> list[str]:
    """Stack names in an order that deploys every stack after the stacks it depends on (lexicographic among the ready ones).

    Partitioning never makes a cycle between stacks; if one appeared, its stacks deploy together
    (in name order) where the cycle as a whole fits, rather than the build looping or failing.
    """
    graph: nx.DiGraph = nx.DiGraph()
    graph.add_nodes_from(st.name for st in stacks)
    graph.add_edges_from((dep, st.name) for st in stacks for dep in st.depends_on if dep in graph)
    if nx.is_directed_acyclic_graph(graph):
        return list(nx.lexicographical_topological_sort(graph))
    dag = nx.condensation(graph)
    first = {c: min(dag.nodes[c]["members"]) for c in dag}
    return [n for c in nx.lexicographical_topological_sort(dag, key=first.__getitem__) for n in sorted(dag.nodes[c]["members"])]
