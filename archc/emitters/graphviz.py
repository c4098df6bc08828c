"""A `View` drawn with mingrammer `diagrams`: DOT source, PNG or SVG with the AWS icons.

Each resource is a node whose HTML-like label is the icon of the `diagrams` class the catalogue
names (``TYPES[t].icon``, so the icons are mingrammer's) above its text: the node is as big as
its text, and edge labels are placed after the layout (``xlabel``), so the drawing stays compact. The view's groups become clusters (nested as in the view), its edges
keep their labels and line styles. Everything is deterministic: node ids are the view's ids
(mingrammer would use random uuids), clusters are named after the group ids, no timestamps.

Nothing is written to disk: the DOT source is built in memory and piped through Graphviz's
``dot``. The DOT names each icon by absolute path (so ``dot -Tpng`` renders it as it is); the
golden tests replace `icon_root()` with a placeholder. SVG output embeds the icons as data URIs,
so an SVG file shows its icons on any machine.
"""

from __future__ import annotations

import base64
import html
import importlib
import re
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import diagrams
from diagrams import Cluster, Diagram, Edge, Node, getcluster, setcluster, setdiagram

from archc.catalog import TYPES
from archc.diagnostics import ArchcError, Diagnostic

if TYPE_CHECKING:
    from archc.emitters.views import View, ViewEdge, ViewGroup, ViewNode

FORMATS = ("png", "svg", "dot")
DOT_MISSING = "Graphviz 'dot' not found; install it (apt-get install graphviz / brew install graphviz)"

FINDING_COLOR = "#D0021B"
EDGE_COLOR = "#7B8894"
ROW_WIDTH = 5  # unconnected nodes of a cluster are laid out in rows of this many
ICON_PX = 40  # icon size in points: small enough that a 60-resource model reads at 1400 px
NODE_FONT = "12"
EDGE_FONT = "10"
DPI = 96  # Graphviz's own default
MAX_PX = 32000  # cairo clips bitmaps past 32767 px: anything larger is scaled down to fit
MAX_NODES = 400  # a PNG/SVG of more nodes takes minutes in Graphviz and reads as nothing
SUMMARY_SPACING = {"nodesep": "0.15", "ranksep": "0.3"}  # the overview's summary: tighter, to read at 1400 px
SUMMARY_EDGE_FONT = "11"  # and its edge labels a point larger

# cluster look per group kind (AWS architecture-icon colours)
CLUSTER_STYLE: dict[str, dict[str, str]] = {
    "account": {"pencolor": "#E7157B", "bgcolor": "#FFFFFF", "style": "rounded", "penwidth": "2"},
    "region": {"pencolor": "#00A4A6", "bgcolor": "#FFFFFF", "style": "dashed"},
    "vpc": {"pencolor": "#8C4FFF", "bgcolor": "#F7F3FF", "style": "rounded", "penwidth": "1.5"},
    "subnet": {"pencolor": "#7AA116", "bgcolor": "#F2F8EA", "style": "rounded"},
    "internet": {"pencolor": "#7D8B8F", "bgcolor": "#F4F5F6", "style": "rounded"},
    "group": {"pencolor": "#AEB6BE", "bgcolor": "#F8F9FA", "style": "rounded"},
}

# Mermaid edge heads → Graphviz arrow shapes
ARROWS: dict[str, str] = {"none": "none", "arrow": "normal", "circle": "odot", "cross": "tee"}


class GraphvizNotFound(ArchcError):
    """Graphviz's ``dot`` is not on PATH (the CLI prints the message and exits 2)."""

    def __init__(self) -> None:
        super().__init__(DOT_MISSING)


def icon_root() -> str:
    """The directory mingrammer's icons live under (``<site-packages>/resources``'s parent)."""
    return str(Path(diagrams.__file__).resolve().parent.parent)


@cache
def icon_class(type_: str) -> type[Node]:
    """The `diagrams` node class the catalogue names for resource type *type_*."""
    info = TYPES.get(type_) or TYPES["generic"]
    module_name, _, class_name = info.icon.rpartition(".")
    cls = getattr(importlib.import_module(module_name), class_name)
    if not (isinstance(cls, type) and issubclass(cls, Node)):
        raise TypeError(f"catalogue icon {info.icon!r} for {type_} is not a diagrams Node class")
    return cls


def icon_path(type_: str) -> str:
    """Absolute path of the PNG icon for resource type *type_*."""
    cls = icon_class(type_)
    return str(Path(icon_root()) / str(cls._icon_dir) / str(cls._icon))


# --- findings --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Marks:
    nodes: frozenset[str]
    groups: frozenset[str]
    edges: frozenset[int]  # indexes into view.edges
    legend: tuple[tuple[str, str, int], ...]  # (code, name, count)


def mark_findings(view: View, findings: Sequence[Diagnostic]) -> Marks:
    """Which nodes, clusters and edges of *view* the findings flag (path and every related path).

    Nodes and edges are exactly those the Mermaid emitter flags (`archc.emitters.mermaid.flagged`),
    so every drawing of a model agrees; a cluster that stands for a resource (a VPC or subnet in
    the network view) is flagged like a node would be.
    """
    from archc.emitters.mermaid import flagged, flagged_groups

    node_ids, edge_ids, _ = flagged(view, findings)
    groups = frozenset(flagged_groups(view, findings))
    nodes, edges = frozenset(node_ids), frozenset(edge_ids)
    counts: dict[tuple[str, str], int] = {}
    for d in findings:
        key = (d.code, d.name or "")
        counts[key] = counts.get(key, 0) + 1
    legend = tuple((code, name, n) for (code, name), n in sorted(counts.items()))
    return Marks(nodes, groups, edges, legend)


# --- DOT -------------------------------------------------------------------------------------


def _lines(label: str) -> list[str]:
    """A view label's lines: ``<br/>`` breaks, HTML and Mermaid (``#quot;``) entities decoded."""
    if len(label) >= 2 and label.startswith("`") and label.endswith("`"):  # Mermaid markdown: drop the markup
        label = re.sub(r"\*{1,2}([^*]+)\*{1,2}", r"\1", label[1:-1]).replace("\n", "<br/>")
    lines = re.split(r"<br\s*/?>|\r\n|[\n\r\x85\u2028\u2029]", label, flags=re.IGNORECASE)
    return [_CONTROL.sub("\ufffd", html.unescape(re.sub(r"#(\w+);", r"&\1;", line))).strip() for line in lines]


# what neither a DOT string nor an XML (HTML-like) label can carry: shown as U+FFFD
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def _text(label: str) -> str:
    """A view label as a Graphviz string with ``\\n`` line breaks: the one escape for plain DOT
    text (cluster titles, edge labels). Backslashes are doubled (DOT reads ``\\N``, ``\\l``… as
    escapes), the text is never taken for an HTML-like label (``<b>x</b>`` stays text), and a
    text of line breaks alone is a space."""
    import graphviz  # type: ignore[import-untyped]

    lines = _lines(label)
    if not any(lines):
        lines = [" "]  # only line breaks: Graphviz's xlabel placement aborts on a label of empty lines
    text: str = graphviz.nohtml("\\n".join(line.replace("\\", "\\\\") for line in lines))
    return text


def _html(line: str) -> str:
    """One line of text in an HTML-like label (node labels, the legend): the escape for HTML-like DOT."""
    # `]` and `[` as character references too: Graphviz's HTML-label lexer trips over a bare `]`
    return html.escape(_CONTROL.sub("\ufffd", line), quote=True).replace("]", "&#93;").replace("[", "&#91;")


@contextmanager
def _diagram_context(d: Diagram) -> Iterator[Diagram]:
    """Diagram's own context manager renders files on exit; this one only sets the context."""
    setdiagram(d)
    previous_cluster = getcluster()
    setcluster(None)
    try:
        yield d
    finally:
        setcluster(previous_cluster)
        setdiagram(None)


def _rankdir(direction: str | None) -> str:
    d = (direction or "TB").upper()
    return "TB" if d == "TD" else d if d in ("TB", "BT", "LR", "RL") else "TB"


def _node_label(node: ViewNode, flagged: bool) -> str:
    """An HTML-like label: the icon above the text lines; a node with the catalogue's label
    (no label of its own) shows its id first, so two "Lambda Function"s read apart. The border
    is always there (transparent unless flagged), so a flagged node has the plain node's size."""
    lines = [_html(line) for line in _lines(node.label)]
    if node.derived:
        lines.insert(0, f"<B>{_html(node.id)}</B>")
    color = FINDING_COLOR if flagged else "#FFFFFF00"
    text = "<BR/>".join(lines) or " "
    font = f'<FONT COLOR="{FINDING_COLOR}">{text}</FONT>' if flagged else text
    return (
        f'<<TABLE BORDER="2" STYLE="ROUNDED" COLOR="{color}" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">'
        f'<TR><TD FIXEDSIZE="TRUE" WIDTH="{ICON_PX}" HEIGHT="{ICON_PX}"><IMG SRC="{html.escape(icon_path(node.type), quote=True)}" SCALE="TRUE"/></TD></TR>'
        f"<TR><TD>{font}</TD></TR></TABLE>>"
    )


_NODE_ATTRS = {"shape": "plaintext", "fixedsize": "false", "width": "0", "height": "0", "margin": "0", "fontsize": NODE_FONT}


def _edge_attrs(edge: ViewEdge, flagged: bool, groups: dict[str, ViewGroup], anchors: dict[str, str]) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    if edge.label:
        attrs["xlabel"] = _text(edge.label)  # placed after the layout: labels do not widen the ranks
        attrs["fontsize"] = EDGE_FONT
    line = edge.line or "solid"
    if line == "dotted":
        attrs["style"] = "dashed"
    elif line == "thick":
        attrs["penwidth"] = "2.5"
    elif line == "invisible":
        attrs["style"] = "invis"
    head = ARROWS.get(edge.head_end or "arrow", "normal")
    tail = ARROWS.get(edge.head_start or "none", "none")
    if tail != "none":
        attrs["arrowtail"] = tail
    if head not in ("none", "normal"):
        attrs["arrowhead"] = head
    length = int(edge.length or 1)
    if length > 1:
        attrs["minlen"] = str(length)
    if edge.src in groups:
        attrs["ltail"] = f"cluster_{edge.src}"
    if edge.dst in groups:
        attrs["lhead"] = f"cluster_{edge.dst}"
    if flagged:
        attrs.update(color=FINDING_COLOR, fontcolor=FINDING_COLOR, penwidth="2.5")
    forward, reverse = head != "none", tail != "none"
    attrs["dir"] = "both" if forward and reverse else "forward" if forward else "back" if reverse else "none"
    return attrs


def _anchor(group_id: str, groups: dict[str, ViewGroup], node_ids: set[str], seen: frozenset[str] = frozenset()) -> str | None:
    """The first node drawn inside group *group_id* (an edge to a cluster attaches there)."""
    for member in groups[group_id].members:
        if member in node_ids:
            return member
        if member in groups and member not in seen:
            found = _anchor(member, groups, node_ids, seen | {group_id})
            if found:
                return found
    return None


@dataclass(frozen=True, slots=True)
class Size:
    """The picture's largest size in pixels (a drawing is scaled down to fit, never up) and its dpi."""

    width: int = MAX_PX
    height: int = MAX_PX
    dpi: int = DPI

    def __post_init__(self) -> None:
        if not 1 <= self.dpi <= 1200:
            raise ValueError(f"dpi {self.dpi}: expected 1 to 1200")
        for side in (self.width, self.height):
            if not 16 <= side <= MAX_PX:
                raise ValueError(f"size {side} px: expected 16 to {MAX_PX} px")

    def attrs(self) -> dict[str, str]:
        return {"size": f"{self.width / self.dpi:.6g},{self.height / self.dpi:.6g}", "dpi": str(self.dpi)}


def parse_size(text: str) -> tuple[int, int]:
    """``"1400"`` (width) or ``"1400x900"`` (width × height) in pixels; `ValueError` saying what is expected."""
    m = re.fullmatch(r"\s*(\d{1,6})\s*(?:[xX×]\s*(\d{1,6})\s*)?", text)
    if m is None:
        raise ValueError(f"size {text!r}: expected WIDTH or WIDTHxHEIGHT in pixels, e.g. 1400 or 1400x900")
    width = int(m.group(1))
    return width, int(m.group(2)) if m.group(2) else MAX_PX


def build_diagram(view: View, findings: Sequence[Diagnostic] | None = None, size: Size | None = None) -> Diagram:
    """The mingrammer `Diagram` of *view* (nothing rendered, nothing written), at most *size*
    (default: `MAX_PX` square at `DPI`, past which cairo would clip the bitmap).

    The ``overview`` is drawn from its summary (`archc.emitters.views.summarise`: per-AZ repeats
    collapsed, parallel edges merged) so that it reads at wiki width; the findings are marked on
    the full view first and then on the nodes and edges that show them, so the drawing with
    findings keeps the plain drawing's layout. The ``detail`` view draws every resource."""
    marks = mark_findings(view, findings or [])
    spacing, edge_font = {"nodesep": "0.3", "ranksep": "0.45"}, EDGE_FONT
    if view.name == "overview":
        from archc.emitters.views import summarise

        summary = summarise(view)
        view = summary.view
        marks = Marks(frozenset(summary.node_of.get(n, n) for n in marks.nodes), marks.groups,
                      frozenset(summary.edge_of[i] for i in marks.edges if summary.edge_of[i] >= 0), marks.legend)
        spacing, edge_font = SUMMARY_SPACING, SUMMARY_EDGE_FONT
    groups = {g.id: g for g in view.groups}
    nodes = {n.id: n for n in view.nodes}
    d = Diagram(
        view.name,
        filename="archc-diagram",
        direction=_rankdir(view.direction),
        curvestyle="curved",
        outformat="png",
        show=False,
        graph_attr={"splines": "spline", "compound": "true", "pad": "0.3", "newrank": "true", **spacing,
                    "forcelabels": "true", **(size or Size()).attrs()},
        node_attr=_NODE_ATTRS,
        edge_attr={"color": EDGE_COLOR},
    )
    placed: set[str] = set()
    anchors: dict[str, str] = {}
    linked = {e.src for e in view.edges if e.line != "invisible"} | {e.dst for e in view.edges if e.line != "invisible"}

    def _wrap_rows(ids: list[str]) -> None:
        # unconnected nodes would all share one rank: stack them in rows of ROW_WIDTH instead
        for a, b in zip(ids, ids[ROW_WIDTH:]):
            d.dot.edge(a, b, style="invis")
    with _diagram_context(d):

        def draw_node(node_id: str) -> None:
            node = nodes[node_id]
            Node(_node_label(node, node.id in marks.nodes), nodeid=node.id, tooltip=node.id)
            placed.add(node_id)

        def draw_group(group: ViewGroup) -> None:
            style = dict(CLUSTER_STYLE.get(group.kind, CLUSTER_STYLE["group"]))
            if group.id in marks.groups:
                style.update(pencolor=FINDING_COLOR, fontcolor=FINDING_COLOR, penwidth="3")
            cluster = Cluster(_text(group.title or group.id), direction=_rankdir(group.direction), graph_attr=style)
            cluster.name = f"cluster_{group.id}"
            cluster.dot.name = cluster.name
            with cluster:
                for member in group.members:
                    if member in groups:
                        draw_group(groups[member])
                    elif member in nodes and member not in placed:
                        draw_node(member)
                _wrap_rows([m for m in group.members if m in nodes and m not in linked])
                if not any(m in nodes or m in groups for m in group.members):
                    # an empty cluster is not drawn by Graphviz; keep it with an invisible point
                    Node("", nodeid=f"{group.id}__empty", shape="point", style="invis", width="0.01", height="0.01")
                    anchors[group.id] = f"{group.id}__empty"

        for group in view.groups:
            if not group.parent or group.parent not in groups:
                draw_group(group)
        top = [node.id for node in view.nodes if node.id not in placed]
        for node_id in top:
            draw_node(node_id)
        _wrap_rows([n for n in top if n not in linked])

        node_ids = set(nodes)
        for gid in groups:
            anchor = anchors.get(gid) or _anchor(gid, groups, node_ids)
            if anchor:
                anchors[gid] = anchor
        for i, edge in enumerate(view.edges):
            src = edge.src if edge.src in nodes else anchors.get(edge.src)
            dst = edge.dst if edge.dst in nodes else anchors.get(edge.dst)
            if src is None or dst is None:
                continue  # an edge to an empty, unknown group: nothing to attach it to
            attrs = _edge_attrs(edge, i in marks.edges, groups, anchors)
            if "fontsize" in attrs:
                attrs["fontsize"] = edge_font
            d.dot.edge(src, dst, **{**Edge._default_edge_attrs, **attrs})

        if marks.legend:
            _legend(d, marks)
    return d


def _legend(d: Diagram, marks: Marks) -> None:
    """The findings legend as the drawing's label (below it): a label is placed after the layout,
    so the drawing with findings has the plain drawing's layout."""
    rows = "".join(
        f'<TR><TD ALIGN="LEFT"><FONT COLOR="{FINDING_COLOR}">{_html(f"{code} {name}  ×{count}" if name else f"{code}  ×{count}")}</FONT></TD></TR>'
        for code, name, count in marks.legend
    )
    d.dot.graph_attr["label"] = (
        f'<<TABLE BORDER="1" STYLE="ROUNDED" COLOR="{FINDING_COLOR}" BGCOLOR="#FFF5F5" CELLBORDER="0" CELLPADDING="2">'
        f'<TR><TD ALIGN="LEFT"><FONT COLOR="{FINDING_COLOR}"><B>Findings</B></FONT></TD></TR>'
        f"{rows}</TABLE>>"
    )


def dot_source(view: View, findings: Sequence[Diagnostic] | None = None, size: Size | None = None) -> str:
    """The DOT source of *view*: deterministic, icons by absolute path under `icon_root()`."""
    source: str = build_diagram(view, findings, size).dot.source
    return source


def _embed_icons(svg: bytes) -> bytes:
    """Replace the icon file references in Graphviz's SVG with data URIs."""
    root = re.escape(icon_root())

    def inline(match: re.Match[bytes]) -> bytes:
        path = Path(match.group(2).decode("utf-8"))
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return match.group(1) + f"data:image/png;base64,{data}".encode("ascii") + match.group(3)

    return re.sub(rb'(xlink:href=")(' + root.encode("utf-8") + rb'[^"]+\.png)(")', inline, svg)


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) of PNG *data* from its header; (0, 0) for anything else."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return 0, 0
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def scaled_to_fit(data: bytes, size: Size | None = None) -> bool:
    """Whether the PNG *data* fills the size limit on a side (Graphviz scaled the drawing down to fit)."""
    width, height = png_size(data)
    limit = size or Size()
    return width >= limit.width - 3 or height >= limit.height - 3


def render(view: View, fmt: str, *, findings: list[Diagnostic] | None = None, size: Size | None = None) -> bytes:
    """*view* as ``png``, ``svg`` or ``dot`` bytes, at most *size*. Raises `GraphvizNotFound` without ``dot``."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown diagram format {fmt!r}; expected one of {', '.join(FORMATS)}")
    source = dot_source(view, findings, size)
    if fmt == "dot":
        return source.encode("utf-8")
    return render_source(source, fmt)


def render_source(source: str, fmt: str) -> bytes:
    """DOT *source* laid out and drawn by Graphviz as ``png`` or ``svg`` (icons embedded): a
    subprocess, so several can run at once from threads."""
    if fmt not in ("png", "svg"):
        raise ValueError(f"Graphviz draws png or svg here, not {fmt!r}")
    if shutil.which("dot") is None:
        raise GraphvizNotFound()
    import graphviz

    try:
        out: bytes = graphviz.Source(source).pipe(format=fmt, quiet=True)
    except graphviz.ExecutableNotFound as exc:
        raise GraphvizNotFound() from exc
    return _embed_icons(out) if fmt == "svg" else out


__all__ = ["DOT_MISSING", "FORMATS", "MAX_NODES", "MAX_PX", "GraphvizNotFound", "Size", "build_diagram", "dot_source", "icon_class",
           "icon_path", "icon_root", "mark_findings", "parse_size", "png_size", "render", "render_source",
           "scaled_to_fit"]
