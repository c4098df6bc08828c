"""AST for Mermaid flowcharts (``graph`` / ``flowchart`` diagrams).

The AST carries everything needed to re-emit the same graph with
:func:`archc.mermaid.writer.write`; it is produced by
:func:`archc.mermaid.parser.parse`.

Conventions (pinned against mermaid-js 11, see tests/mermaid):

* Positions (``line``/``col``, 1-based) are excluded from equality
  (``compare=False``), so ``parse(write(ast)) == ast`` compares structure only.
* Node order is first-appearance order, exactly like mermaid-js' vertex map.
  A node defined twice keeps its first position; the *last* label and the
  *last* shape given win (mermaid-js semantics).
* Labels are the text as written between the delimiters, trimmed (mermaid
  trims too).  Entity codes (``#quot;``, ``#35;``, ``&amp;``) and HTML such as
  ``<br/>`` are preserved verbatim, never decoded, so labels round-trip
  byte-for-byte.
* ``label_kind``: ``"plain"`` (``A[text]``), ``"quoted"`` (``A["text"]``) or
  ``"markdown"`` (``A["`text`"]``; also every label given through
  ``@{ label: ... }``, which mermaid-js treats as markdown).
* ``shape`` is ``None`` for a node that never got a shape (mermaid's default
  rectangle), one of :data:`BRACKET_SHAPES` for the bracket syntax, or the
  mermaid short name of a shape that only exists in the ``@{ shape: ... }``
  syntax (``"doc"``, ``"cloud"`` ...).  ``@{ shape: X }`` names (and aliases)
  that render exactly like a bracket shape are normalised to the bracket
  name (``diam``/``decision``/``question`` -> ``"diamond"``).
* Subgraph membership follows mermaid-js: a node (or nested subgraph) belongs
  to the *first subgraph to be closed* (``end``) whose body mentions it; later
  mentions in other subgraphs are ignored.  ``members`` lists them in
  first-mention order inside that subgraph.  ``subgraphs`` is in mermaid-js
  order, i.e. closing order (inner subgraphs before their parent).
* A subgraph written without an id (``subgraph "two words"`` or
  ``subgraph two words``) gets mermaid's automatic id ``subGraph<N>`` (N =
  number of subgraphs closed before it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "BRACKET_SHAPES",
    "DATA_SHAPES",
    "DIRECTIONS",
    "ClassDef",
    "Click",
    "Edge",
    "Flowchart",
    "LinkStyle",
    "MermaidSyntaxError",
    "Node",
    "Style",
    "Subgraph",
    "canonical_shape",
]

LabelKind = Literal["plain", "quoted", "markdown"]
Stroke = Literal["solid", "dotted", "thick", "invisible"]
Head = Literal["none", "arrow", "circle", "cross"]

DIRECTIONS = ("TB", "TD", "BT", "RL", "LR")

# name -> (open, close, mermaid-js vertex type, equivalent @{shape} short name)
BRACKET_SHAPES: dict[str, tuple[str, str, str, str | None]] = {
    "rect": ("[", "]", "square", "rect"),
    "round": ("(", ")", "round", "rounded"),
    "stadium": ("([", "])", "stadium", "stadium"),
    "subroutine": ("[[", "]]", "subroutine", "fr-rect"),
    "cylinder": ("[(", ")]", "cylinder", "cyl"),
    "circle": ("((", "))", "circle", "circle"),
    "doublecircle": ("(((", ")))", "doublecircle", "dbl-circ"),
    "asymmetric": (">", "]", "odd", "odd"),
    "diamond": ("{", "}", "diamond", "diam"),
    "hexagon": ("{{", "}}", "hexagon", "hex"),
    "lean_right": ("[/", "/]", "lean_right", "lean-r"),
    "lean_left": ("[\\", "\\]", "lean_left", "lean-l"),
    "trapezoid": ("[/", "\\]", "trapezoid", "trap-b"),
    "inv_trapezoid": ("[\\", "/]", "inv_trapezoid", "trap-t"),
    "ellipse": ("(-", "-)", "ellipse", None),
}

# mermaid-js 11 `@{ shape: ... }` short names -> aliases (from mermaid's shape registry)
DATA_SHAPES: dict[str, tuple[str, ...]] = {
    "rect": ("proc", "process", "rectangle"),
    "rounded": ("event",),
    "stadium": ("terminal", "pill"),
    "fr-rect": ("subprocess", "subproc", "framed-rectangle", "subroutine"),
    "cyl": ("db", "database", "cylinder"),
    "datastore": ("data-store",),
    "folder": ("directory",),
    "bucket": (),
    "console": (),
    "browser": (),
    "person": (),
    "circle": ("circ",),
    "bang": (),
    "cloud": (),
    "diam": ("decision", "diamond", "question"),
    "hex": ("hexagon", "prepare"),
    "lean-r": ("lean-right", "in-out"),
    "lean-l": ("lean-left", "out-in"),
    "trap-b": ("priority", "trapezoid-bottom", "trapezoid"),
    "trap-t": ("manual", "trapezoid-top", "inv-trapezoid"),
    "dbl-circ": ("double-circle",),
    "text": (),
    "notch-rect": ("card", "notched-rectangle"),
    "lin-rect": ("lined-rectangle", "lined-process", "lin-proc", "shaded-process"),
    "sm-circ": ("start", "small-circle"),
    "fr-circ": ("stop", "framed-circle"),
    "fork": ("join",),
    "hourglass": ("collate",),
    "brace": ("comment", "brace-l"),
    "brace-r": (),
    "braces": (),
    "bolt": ("com-link", "lightning-bolt"),
    "doc": ("document",),
    "delay": ("half-rounded-rectangle",),
    "h-cyl": ("das", "horizontal-cylinder"),
    "lin-cyl": ("disk", "lined-cylinder"),
    "curv-trap": ("curved-trapezoid", "display"),
    "div-rect": ("div-proc", "divided-rectangle", "divided-process"),
    "tri": ("extract", "triangle"),
    "win-pane": ("internal-storage", "window-pane"),
    "f-circ": ("junction", "filled-circle"),
    "notch-pent": ("loop-limit", "notched-pentagon"),
    "flip-tri": ("manual-file", "flipped-triangle"),
    "sl-rect": ("manual-input", "sloped-rectangle"),
    "docs": ("documents", "st-doc", "stacked-document"),
    "st-rect": ("procs", "processes", "stacked-rectangle"),
    "bow-rect": ("stored-data", "bow-tie-rectangle"),
    "cross-circ": ("summary", "crossed-circle"),
    "tag-doc": ("tagged-document",),
    "tag-rect": ("tagged-rectangle", "tag-proc", "tagged-process"),
    "flag": ("paper-tape",),
    "odd": (),
    "lin-doc": ("lined-document",),
}

_ALIAS_TO_SHORT: dict[str, str] = {}
for _short, _aliases in DATA_SHAPES.items():
    _ALIAS_TO_SHORT[_short] = _short
    for _a in _aliases:
        _ALIAS_TO_SHORT.setdefault(_a, _short)
_SHORT_TO_BRACKET = {v[3]: k for k, v in BRACKET_SHAPES.items() if v[3] is not None}
# mermaid-js vertex `type` values produced by the bracket syntax
MERMAID_TYPE_TO_SHAPE = {v[2]: k for k, v in BRACKET_SHAPES.items()}


def canonical_shape(name: str) -> str | None:
    """Canonical AST shape for an ``@{ shape: name }`` value (or a mermaid-js
    vertex type); ``None`` if mermaid does not know the shape."""
    if name in BRACKET_SHAPES:
        return name
    if name in MERMAID_TYPE_TO_SHAPE:
        return MERMAID_TYPE_TO_SHAPE[name]
    short = _ALIAS_TO_SHORT.get(name)
    if short is None:
        return None
    return _SHORT_TO_BRACKET.get(short, short)


def canonical_data_shape(name: str) -> str | None:
    """Canonical AST shape for a name mermaid-js accepts in ``@{ shape: name }`` (None if none)."""
    short = _ALIAS_TO_SHORT.get(name)
    if short is None:
        return None
    return _SHORT_TO_BRACKET.get(short, short)


def data_shape_name(shape: str) -> str:
    """Name to use for ``shape`` inside ``@{ shape: ... }``."""
    if shape in BRACKET_SHAPES:
        short = BRACKET_SHAPES[shape][3]
        return short if short is not None else shape
    return shape


class MermaidSyntaxError(Exception):
    """A construct the parser does not accept, with its position (1-based)."""

    def __init__(self, message: str, *, source: str = "<diagram>", line: int = 0, col: int = 0, token: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.line = line
        self.col = col
        self.token = token

    def __str__(self) -> str:
        return f"{self.source}:{self.line}:{self.col}: {self.message} (got '{self.token}')"

    def __reduce__(self) -> tuple[Any, ...]:  # keep picklable with keyword-only args
        return (_rebuild_error, (self.message, self.source, self.line, self.col, self.token))


def _rebuild_error(message: str, source: str, line: int, col: int, token: str) -> MermaidSyntaxError:
    return MermaidSyntaxError(message, source=source, line=line, col=col, token=token)


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    label: str | None = None
    label_kind: LabelKind = "plain"
    shape: str | None = None
    classes: tuple[str, ...] = ()
    line: int = field(default=0, compare=False)
    col: int = field(default=0, compare=False)
    # the shape name as written in ``@{ shape: NAME }`` (None: bracket syntax or no shape)
    shape_name: str | None = None
    # other ``@{ ... }`` keys (img, icon, form, pos, w, h, constraint, ...): (key, value as written)
    data: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Click:
    """A ``click`` statement, kept verbatim (never executed): ``click TARGET REST``."""

    target: str
    rest: str
    line: int = field(default=0, compare=False)
    col: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Edge:
    """``stroke`` is the line style (the brief's ``line`` field; renamed so it
    does not clash with the position ``line``)."""

    src: str
    dst: str
    label: str | None = None
    label_kind: LabelKind = "plain"
    stroke: Stroke = "solid"
    head_start: Head = "none"
    head_end: Head = "arrow"
    length: int = 1
    id: str | None = None
    line: int = field(default=0, compare=False)
    col: int = field(default=0, compare=False)
    # ``ID@{ animate: true }`` for an edge with an id: (key, value as written)
    data: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Subgraph:
    id: str
    title: str
    title_kind: LabelKind = "plain"
    direction: str | None = None
    members: tuple[str, ...] = ()
    parent: str | None = None
    classes: tuple[str, ...] = ()
    line: int = field(default=0, compare=False)
    col: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class ClassDef:
    name: str
    style: str
    line: int = field(default=0, compare=False)
    col: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Style:
    target: str
    style: str
    line: int = field(default=0, compare=False)
    col: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class LinkStyle:
    indexes: tuple[int, ...] | Literal["default"]
    style: str
    line: int = field(default=0, compare=False)
    col: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Flowchart:
    direction: str = "TB"
    nodes: tuple[Node, ...] = ()
    edges: tuple[Edge, ...] = ()
    subgraphs: tuple[Subgraph, ...] = ()
    class_defs: tuple[ClassDef, ...] = ()
    styles: tuple[Style, ...] = ()
    link_styles: tuple[LinkStyle, ...] = ()
    front_matter: str | None = None
    title: str | None = None
    keyword: Literal["graph", "flowchart", "flowchart-elk"] = "flowchart"
    directives: tuple[str, ...] = ()
    clicks: tuple[Click, ...] = ()
    accessibility: tuple[str, ...] = ()  # ``accTitle: ...`` / ``accDescr: ...`` lines, verbatim

    def node(self, node_id: str) -> Node | None:
        for n in self.nodes:
            if n.id == node_id:
                return n
        return None

    def subgraph(self, sg_id: str) -> Subgraph | None:
        for s in self.subgraphs:
            if s.id == sg_id:
                return s
        return None
