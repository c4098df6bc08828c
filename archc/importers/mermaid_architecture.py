"""Mermaid architecture-beta → `Architecture`, through the flowchart importer's inference.

The diagram is read as the flowchart it draws, then `archc.importers.infer` does what it does for
any flowchart (accounts, VPCs, subnets and regions from group titles; types from titles, icons and
ids; verbs from edge titles; generic, with the reason, when unsure):

- a ``group`` is a subgraph (its title, or its id), holding what is declared ``in`` it;
- a ``service`` is a node labelled with its title; its icon is evidence of its type after the
  title (``logos:aws-lambda``, ``aws:s3``: the words after the icon pack);
- an edge is an edge: ``-->`` an arrow at the target, ``<--`` at the source, ``--`` none; its
  title is the label a verb is read from;
- a junction ``<group>__edge`` inside its group (what `archc diagram -f mermaid-architecture`
  draws for an edge to a group that stands for a resource) is that group's end again.

What is presentation only is kept in the model, so the diagram comes back the same: icons that are
not the catalogue's (``diagram.architecture.icons``), sides that are not the default top-to-bottom
ones (the connection's ``style.sides``), other junctions, the edges that touch them and
``align`` statements (``diagram.architecture``). Nothing is dropped without a line in the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from archc.catalog import ARCH_GROUP_ICONS, VERBS, arch_icon
from archc.importers.infer import DiagramPlaceError, Report, infer, infer_verb, relation_line
from archc.mermaid.architecture import ArchEdge, ArchGroup, ArchitectureDiagram, ArchJunction, ArchService, decode_id, encode_id, write_edge
from archc.mermaid.syntax import Edge, Flowchart, Node, Stroke, Subgraph
from archc.model.architecture import Architecture, ArchitectureSettings, Connection, EdgeStyle
from archc.model.fields import ID_PATTERN
from archc.model.presentation import DEFAULT_SHAPE, account_subgraph_id

JUNCTION_SUFFIX = "__edge"  # archc.emitters.mermaid_architecture.JUNCTION_SUFFIX
DEFAULT_SIDES = "B:T"
_MODEL_ID = re.compile(ID_PATTERN)


@dataclass
class _Kept:
    icons: dict[str, str] = field(default_factory=dict)  # model id → icon as drawn ('"text"' for a text icon)
    sides: list[str | None] = field(default_factory=list)  # per flowchart edge
    junctions: dict[str, str] = field(default_factory=dict)
    junction_edges: list[str] = field(default_factory=list)
    aligns: list[str] = field(default_factory=list)
    untitled: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _sides(e: ArchEdge) -> str:
    return f"{'{group}' if e.src_group else ''}{e.src_side}:{e.dst_side}{'{group}' if e.dst_group else ''}"


def _line(title: str | None) -> Stroke:
    """architecture-beta draws no line styles: an edge is read with the line archc draws its
    title with (a typed relation's, "Used by" dotted; a verb's), so that it means the same."""
    relation = relation_line(title)
    if relation is not None:
        return relation  # type: ignore[return-value]
    verb = infer_verb(title)
    return VERBS[verb].line if verb is not None else "solid"


def to_flowchart(d: ArchitectureDiagram) -> tuple[Flowchart, _Kept]:
    """The flowchart *d* draws, and the presentation a flowchart cannot hold."""
    kept = _Kept()
    placed: list[ArchGroup | ArchService | ArchJunction] = [*d.groups, *d.services, *d.junctions]
    for x in placed:
        if _MODEL_ID.match(decode_id(x.id)) is None:
            raise DiagramPlaceError(
                f"id '{x.id}' reads as '{decode_id(x.id)}', which cannot be a model id (archc writes a model id's '.' as '--' "
                "and reads '--' back as '.'; see docs/mermaid.md)", x.line, x.col)
    gid = {g.id: decode_id(g.id) for g in d.groups}
    stands = {j.id: gid[j.parent] for j in d.junctions  # a junction that is its group's edge end
              if j.parent is not None and j.id == encode_id(gid[j.parent] + JUNCTION_SUFFIX)}
    children: dict[str | None, list[str]] = {}  # group (None: the top) → the model ids in it, groups first
    for g in d.groups:
        children.setdefault(g.parent, []).append(gid[g.id])
        kept.icons[gid[g.id]] = g.icon or ""
        if g.title is None:
            kept.untitled.append(gid[g.id])
    nodes: list[Node] = []
    for s in d.services:
        sid = decode_id(s.id)
        children.setdefault(s.parent, []).append(sid)
        kept.icons[sid] = (s.icon or "") if s.icon_text is None else f'"{s.icon_text}"'  # "": drawn without an icon
        data = (("icon", f'"{s.icon}"'),) if s.icon else ()
        nodes.append(Node(sid, s.title, "quoted" if s.title is not None else "plain", data=data, line=s.line, col=s.col))
    for j in d.junctions:
        if j.id not in stands:
            kept.junctions[decode_id(j.id)] = gid[j.parent] if j.parent is not None else ""
    others = {j.id for j in d.junctions} - set(stands)
    edges: list[Edge] = []
    for e in d.edges:
        if e.src in others or e.dst in others:
            kept.junction_edges.append(write_edge(e))
            continue
        src, dst = (stands[x] if x in stands else decode_id(x) for x in (e.src, e.dst))
        edges.append(Edge(src, dst, e.title, "plain", _line(e.title), "arrow" if e.src_into else "none",
                          "arrow" if e.dst_into else "none", line=e.line, col=e.col))
        kept.sides.append(_sides(e))
    kept.aligns = [" ".join([a.direction, *a.members]) for a in d.aligns]
    subgraphs: list[Subgraph] = []

    def close(g: ArchGroup) -> None:  # children first: a flowchart's subgraphs are in closing order
        for child in d.groups:
            if child.parent == g.id:
                close(child)
        title = g.title if g.title is not None else gid[g.id]
        subgraphs.append(Subgraph(gid[g.id], title, "quoted" if g.title is not None else "plain", members=tuple(children.get(g.id, [])),
                                  parent=gid[g.parent] if g.parent is not None else None, line=g.line, col=g.col))

    for g in d.groups:
        if g.parent is None:
            close(g)
    if d.acc_title is not None or d.acc_descr is not None:
        kept.notes.append("accTitle and accDescr are not kept (a model has no place for them)")
    fc = Flowchart(
        direction="TB", nodes=tuple(nodes), edges=tuple(edges), subgraphs=tuple(subgraphs), title=d.title,
        front_matter=d.front_matter, directives=d.directives,
    )
    return fc, kept


def infer_architecture(d: ArchitectureDiagram, account: str | None = None, base: Architecture | None = None
                       ) -> tuple[Architecture, Report]:
    """The architecture *d* draws, and what was and was not inferred (see `archc.importers.infer.infer`)."""
    fc, kept = to_flowchart(d)
    arch, report = infer(fc, account, base)
    resources: dict[str, Any] = {}
    for rid, res in arch.resources.items():
        if res.shape == DEFAULT_SHAPE:  # architecture-beta draws no shapes
            res = res.model_copy(update={"shape": None})
        if res.label_kind is not None:  # nor a flowchart's kinds of label
            res = res.model_copy(update={"label_kind": None})
        resources[rid] = res
        icon = kept.icons.get(rid)
        if icon in ("database", "server", "disk") and res.type == "generic":
            report.unresolved.append(f"{rid}: the icon '{icon}' says what kind of thing it is, not which service; kept as generic")
    icons: dict[str, str] = {}
    accounts = {account_subgraph_id(arch, k) for k in arch.accounts}
    for xid, icon in kept.icons.items():
        group = arch.groups.get(xid)
        if xid in accounts or group is not None:
            stands = resources.get(group.resource) if group is not None and group.resource else None
            kind = "account" if xid in accounts else (stands.type if stands is not None and stands.type in ("vpc", "subnet") else "group")
            default: str | None = ARCH_GROUP_ICONS.get(kind)
        else:
            default = arch_icon(resources[xid].type) if xid in resources else None
        if icon != (default or ""):
            icons[xid] = icon
    connections = list(arch.connections)
    k = 0
    for e, sides in zip(fc.edges, kept.sides, strict=True):
        if k < len(connections) and (connections[k].source, connections[k].target) == (e.src, e.dst):
            if sides != DEFAULT_SIDES:
                c = connections[k]
                style = c.style.model_dump(exclude_defaults=True) if c.style is not None else {}
                connections[k] = c.model_copy(update={"style": EdgeStyle(**style, sides=sides)})
            k += 1
        elif sides != DEFAULT_SIDES:
            report.unresolved.append(f"edge {e.src} → {e.dst}: its sides ({sides}) are not kept (the edge is a typed field)")
    for i, c in enumerate(connections):  # architecture-beta draws no line styles (the verb's own), edge ids or label kinds
        if c.style is not None and (c.style.line is not None or c.style.label_kind is not None):
            plain = c.style.model_copy(update={"line": None, "label_kind": None})
            connections[i] = c.model_copy(update={"style": None if plain == EdgeStyle() else plain})
    arch = arch.model_copy(update={"groups": {gid: g.model_copy(update={"title_kind": None}) for gid, g in arch.groups.items()}})
    if base is not None:
        resources, connections, arch = _keep_base(arch, base, resources, connections)
    settings = ArchitectureSettings(icons=icons, junctions=kept.junctions, junction_edges=kept.junction_edges, aligns=kept.aligns,
                                    untitled=kept.untitled)
    diagram = arch.diagram.model_copy(update={"architecture": settings, "shape_data": {} if base is None else base.diagram.shape_data})
    for jid in kept.junctions:
        report.inferred.append(f"junction {jid}: kept as presentation (edges through it are drawn, not connections)")
    report.unresolved.extend(kept.notes)
    return arch.model_copy(update={"resources": resources, "connections": connections, "diagram": diagram}), report


def _keep_base(arch: Architecture, base: Architecture, resources: dict[str, Any], connections: list[Connection]
               ) -> tuple[dict[str, Any], list[Connection], Architecture]:
    """What architecture-beta cannot show, from the model it was drawn from (for `archc sync` and
    `archc diff`): shapes, classes and label kinds of resources, directions, classes and title kinds
    of groups and accounts, a connection's line, length, linkStyle, circle or cross heads, edge id,
    edge data and label kind, the flowchart settings."""
    for rid, res in resources.items():
        old = base.resources.get(rid)
        if old is not None:
            resources[rid] = res.model_copy(update={"shape": old.shape, "classes": list(old.classes), "label_kind": old.label_kind})
    groups = {gid: g.model_copy(update={"direction": base.groups[gid].direction, "classes": list(base.groups[gid].classes),
                                        "title_kind": base.groups[gid].title_kind})
              if gid in base.groups else g for gid, g in arch.groups.items()}
    accounts = {k: a.model_copy(update={"direction": base.accounts[k].direction}) if k in base.accounts else a
                for k, a in arch.accounts.items()}
    left = list(base.connections)
    for i, c in enumerate(connections):
        old_c = next((o for o in left if (o.source, o.target, o.verb) == (c.source, c.target, c.verb)), None)
        if old_c is None:
            continue
        left.remove(old_c)
        new = c.style or EdgeStyle()
        was = old_c.style or EdgeStyle()
        heads = {h: getattr(was, h) if (getattr(was, h) != "none") == (getattr(new, h) != "none") else getattr(new, h)
                 for h in ("head_start", "head_end")}
        style = EdgeStyle(line=was.line, length=was.length, css=was.css, sides=new.sides, label_kind=was.label_kind, id=was.id,
                          animate=was.animate, animation=was.animation, curve=was.curve, data=was.data, **heads)
        connections[i] = c.model_copy(update={"style": None if style == EdgeStyle() else style})
    keep = {k: getattr(base.diagram, k) for k in ("direction", "keyword", "class_defs", "styles", "default_link_style", "clicks")}
    arch = arch.model_copy(update={"groups": groups, "accounts": accounts, "diagram": arch.diagram.model_copy(update=keep)})
    return resources, connections, arch
