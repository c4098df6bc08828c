"""The graph view of a model: a networkx ``MultiDiGraph``.

Nodes are resource ids (plus one ``account:<key>`` node per account) and carry ``type``,
``account``, ``region`` and ``category``. Edges run from the element that holds a relation to
its target and carry:

- ``kind``: ``"connection"`` for intent edges, else the relation kind of the typed field
  (``contains``, ``placement``, ``default_route``, ``role_use``, … — see `archc.catalog.RELATIONS`);
- ``verb`` (connections only), ``label``;
- ``path``: where the edge comes from in the model, for findings.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from archc.catalog import FIELD_RELATIONS, TYPES, VERBS
from archc.model.architecture import Architecture
from archc.model.references import iter_refs
from archc.model.resources import Route53Zone

ACCOUNT_PREFIX = "account:"


def account_node(key: str) -> str:
    return ACCOUNT_PREFIX + key


def build_graph(arch: Architecture) -> nx.MultiDiGraph:
    g: nx.MultiDiGraph = nx.MultiDiGraph(name=arch.name)
    for key, acct in arch.accounts.items():
        g.add_node(account_node(key), type="account", account=key, region=acct.region, category="account")
    for rid, res in arch.resources.items():
        info = TYPES[res.type]
        g.add_node(rid, type=res.type, account=res.account, region=arch.region_of(rid), category=info.category)
    for rid, res in arch.resources.items():
        base = ("resources", rid)
        contained = False
        for site in iter_refs(res):
            if site.target not in arch.resources:  # an escape hatch's {Ref: parameter}
                continue
            kind = FIELD_RELATIONS.get((res.type, site.field), "reference")
            if kind == "contains" or (kind == "placement" and res.type != "nat_gateway"):
                contained = True
            attrs: dict[str, Any] = {"kind": kind, "field": site.field, "path": (*base, *site.path)}
            if isinstance(res, Route53Zone) and kind == "dns_record":
                record = res.records[int(site.path[1])]
                attrs["label"] = record.label or (f"{record.type} record" if record.type != "CNAME" else "CNAME")
            g.add_edge(rid, site.target, key=f"{site.field}:{'/'.join(map(str, site.path))}", **attrs)
        if res.type == "nat_gateway":
            contained = True
        if res.account in arch.accounts and not contained:
            g.add_edge(account_node(res.account), rid, key="contains", kind="contains", path=base)
    for i, conn in enumerate(arch.connections):
        g.add_edge(
            conn.source, conn.target, key=f"connection:{i}", kind="connection", verb=conn.verb,
            label=conn.label or VERBS[conn.verb].label, path=("connections", i), index=i,
        )
    return g


def edges_of_kind(g: nx.MultiDiGraph, *kinds: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(source, target, data) of every edge whose ``kind`` is one of *kinds*, in graph order (by node)."""
    return [(u, v, d) for u, v, d in g.edges(data=True) if d["kind"] in kinds]


def flow_view(g: nx.MultiDiGraph) -> nx.DiGraph:
    """Who can send traffic or data to whom: connections only (not identity, not config).

    A connection ``a → b`` means ``a`` initiates towards ``b``; reachability in this view is what
    the exposure rules reason over.
    """
    view: nx.DiGraph = nx.DiGraph()
    view.add_nodes_from(g.nodes(data=True))
    for u, v, d in g.edges(data=True):
        if d["kind"] == "connection" and VERBS[d["verb"]].kind in ("traffic", "data", "identity"):
            view.add_edge(u, v)
    return view
