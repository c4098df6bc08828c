"""A `View` as a Mermaid ``architecture-beta`` diagram (`archc diagram -f mermaid-architecture`).

Groups (accounts, regions, VPCs, subnets, presentation groups) become ``group``s, nodes become
``service``s with an icon from the catalogue (`archc.catalog.arch_icon`: mermaid's built-in
cloud, database, disk, internet and server, so the diagram renders without icon packs), edges
become edges with sides (leaving from the bottom and arriving on top in a top-to-bottom view,
right to left in a left-to-right one) and arrow heads as the view draws them.

What architecture-beta cannot say is said another way, never dropped:

* ids are written with :func:`archc.mermaid.architecture.encode_id` (``LAMBDA_API`` as
  ``_LAMBDA_API``: mermaid-js reads a leading L, R, T or B as a side);
* an edge to a group that stands for a resource (a VPC) ends at a junction ``<group>__edge``
  drawn inside that group (mermaid-js draws edges between services and junctions only);
* labels are titles: Mermaid markdown backticks are dropped, blanks around a label trimmed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from archc.catalog import ARCH_GROUP_ICONS, arch_icon
from archc.emitters.views import View, ViewGroup
from archc.mermaid.architecture import (
    ArchAlign,
    ArchEdge,
    ArchGroup,
    ArchitectureDiagram,
    ArchJunction,
    ArchService,
    Side,
    encode_id,
    parse_edge,
    write,
)
from archc.model.architecture import Architecture

JUNCTION_SUFFIX = "__edge"
_SIDES: dict[str, tuple[Side, Side]] = {"TB": ("B", "T"), "TD": ("B", "T"), "BT": ("T", "B"), "LR": ("R", "L"), "RL": ("L", "R")}


def _title(text: str | None) -> str | None:
    if text is None:
        return None
    if len(text) >= 2 and text.startswith("`") and text.endswith("`"):
        text = text[1:-1]
    text = re.sub(r"\s+", " ", text).strip()
    return text or None


def _ordered(groups: Sequence[ViewGroup]) -> list[ViewGroup]:
    """Parents before their children (mermaid-js places a group only in a group declared before)."""
    by_id = {g.id: g for g in groups}
    out: list[ViewGroup] = []
    done: set[str] = set()

    def visit(g: ViewGroup) -> None:
        if g.id in done:
            return
        done.add(g.id)
        if g.parent is not None and g.parent in by_id:
            visit(by_id[g.parent])
        out.append(g)

    for g in groups:
        visit(g)
    return out


def to_architecture(view: View, arch: Architecture | None = None) -> ArchitectureDiagram:
    """The architecture-beta diagram of *view*; with *arch* (the model drawn), its kept
    architecture-beta presentation too (icons, sides, junctions, alignments)."""
    settings = arch.diagram.architecture if arch is not None else None
    icons = settings.icons if settings is not None else {}
    untitled = set(settings.untitled) if settings is not None else set()
    parent: dict[str, str] = {}
    for g in view.groups:
        for m in g.members:
            parent.setdefault(m, g.id)
    group_ids = {g.id for g in view.groups}
    groups = [
        ArchGroup(encode_id(g.id), icons[g.id] or None if g.id in icons else ARCH_GROUP_ICONS.get(g.kind), _title(g.title) if g.id not in untitled else None,
                  encode_id(g.parent) if g.parent is not None else None)
        for g in _ordered(view.groups)
    ]
    services = []
    for n in view.nodes:
        icon = icons.get(n.id, arch_icon(n.type))
        text = icon[1:-1] if icon.startswith('"') else None
        services.append(ArchService(encode_id(n.id), None if text is not None else icon or None,
                                    _title(n.label) if n.labelled else None, encode_id(parent[n.id]) if n.id in parent else None,
                                    icon_text=text))
    junctions: list[ArchJunction] = []
    ends: set[str] = set()

    def end(x: str) -> str:
        if x in group_ids:  # an edge to a group that stands for a resource: a junction inside it
            jid = x + JUNCTION_SUFFIX
            if jid not in ends:
                ends.add(jid)
                junctions.append(ArchJunction(encode_id(jid), encode_id(x)))
            return encode_id(jid)
        return encode_id(x)

    default = _SIDES.get(view.direction, ("B", "T"))
    edges = []
    for e in view.edges:
        sides = _kept_sides(arch, e.origin)
        src_side, dst_side, src_group, dst_group = sides if sides is not None else (*default, False, False)
        edges.append(ArchEdge(end(e.src), src_side, end(e.dst), dst_side, src_into=e.head_start != "none", dst_into=e.head_end != "none",
                              src_group=src_group, dst_group=dst_group, title=_title(e.label)))
    aligns: list[ArchAlign] = []
    if settings is not None:
        drawn = {s.id for s in services}
        for jid, jparent in settings.junctions.items():
            if not jparent or jparent in group_ids:
                junctions.append(ArchJunction(encode_id(jid), encode_id(jparent) if jparent else None))
                drawn.add(encode_id(jid))
        for text in settings.junction_edges:
            edge = parse_edge(text)
            if edge.src in drawn and edge.dst in drawn:
                edges.append(edge)
        for text in settings.aligns:
            direction, *members = text.split()
            if set(members) <= drawn:
                aligns.append(ArchAlign(direction, tuple(members)))  # type: ignore[arg-type]
    front = None
    if view.front_matter is not None:
        front = (f"title: {view.title}\n" if view.title is not None else "") + view.front_matter
    return ArchitectureDiagram(
        groups=tuple(groups), services=tuple(services), junctions=tuple(junctions), edges=tuple(edges), aligns=tuple(aligns),
        title=_title(view.title), front_matter=front, directives=view.directives,
    )


def _kept_sides(arch: Architecture | None, origin: tuple[object, ...]) -> tuple[Side, Side, bool, bool] | None:
    """The sides an imported diagram drew a connection with ('{group}R:L'), if any."""
    if arch is None or len(origin) != 2 or origin[0] != "connections" or not isinstance(origin[1], int):
        return None
    style = arch.connections[origin[1]].style
    if style is None or style.sides is None:
        return None
    a, _, b = style.sides.partition(":")
    return a[-1], b[0], a.startswith("{group}"), b.endswith("{group}")  # type: ignore[return-value]


def render(view: View, arch: Architecture | None = None) -> str:
    """Mermaid architecture-beta text for *view* (ends with a newline)."""
    return write(to_architecture(view, arch))
