"""A `View` as a Mermaid flowchart: the view becomes a flowchart AST, serialised by the one writer
(`archc.mermaid.writer.write`), so what archc emits is exactly what its parser reads.

`--findings` marks flagged nodes (and subgraphs that stand for a flagged resource, like a VPC)
with a ``finding`` classDef and flagged edges with a ``linkStyle`` (red, thick), and adds a
``legend`` subgraph listing the finding codes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from archc.diagnostics import Diagnostic, Path
from archc.emitters.views import View, ViewEdge, ViewGroup, ViewNode
from archc.mermaid.syntax import (
    BRACKET_SHAPES,
    ClassDef,
    Click,
    Edge,
    Flowchart,
    LabelKind,
    LinkStyle,
    Node,
    Style,
    Subgraph,
    canonical_data_shape,
)
from archc.mermaid.writer import write
from archc.model.presentation import edge_ids, shown_derived

FINDING_CLASS = "finding"
FINDING_NODE_STYLE = "stroke:#d62728,stroke-width:3px"
FINDING_EDGE_STYLE = "stroke:#d62728,stroke-width:3px"
LEGEND_ID = "legend"


def _text(label: str) -> tuple[str, LabelKind]:
    """(text, label kind): a label written in backticks is Mermaid markdown."""
    if len(label) >= 2 and label.startswith("`") and label.endswith("`"):
        return label[1:-1], "markdown"
    return label, "quoted"


def _shape(name: str | None) -> tuple[str | None, str | None]:
    """(AST shape, `@{ shape }` name) of a model shape: a bracket shape's name is drawn with its
    brackets, any other name in `@{ shape: NAME }` as written."""
    if name is None or name in BRACKET_SHAPES:
        return name, None
    return canonical_data_shape(name) or name, name


def _node(n: ViewNode, extra_classes: tuple[str, ...] = ()) -> Node:
    classes = n.classes + tuple(c for c in extra_classes if c not in n.classes)
    shape, shape_name = _shape(n.shape)
    if not n.labelled:  # the id alone: `A`, `A[(A)]` or `A@{ shape: hourglass }`
        if shape_name is None and shape is not None:
            bare: LabelKind = "plain" if n.label_kind == "plain" else "quoted"
            return Node(id=n.id, label=n.id, label_kind=bare, shape=shape, classes=classes)
        return Node(id=n.id, shape=shape, classes=classes, shape_name=shape_name)
    text, kind = _text(shown_derived(n.id, n.label) if n.derived else n.label)
    if n.label_kind == "data" and n.shape is not None and shape_name is None and shape in BRACKET_SHAPES and BRACKET_SHAPES[shape][3]:
        # `id@{ shape: rect, label: "…" }` as the author wrote it, not `id["…"]`
        shape_name = n.shape if canonical_data_shape(n.shape) is not None else BRACKET_SHAPES[shape][3]
    if n.shape is None or n.label_kind == "data" or (n.label_kind is None and shape_name is not None and kind == "quoted"):
        kind = "markdown"  # a label in `@{ label: ... }` is markdown by Mermaid's own rule
    elif n.label_kind == "plain" and kind == "quoted":
        kind = "plain"  # `id[text]` (the writer quotes a text mermaid-js would not read unquoted)
    return Node(id=n.id, label=text, label_kind=kind, shape=shape, classes=classes, shape_name=shape_name)


def _edge(e: ViewEdge, edge_id: str | None = None, data: tuple[tuple[str, str], ...] = ()) -> Edge:
    text: str | None = None
    kind: LabelKind = "plain"
    if e.label is not None:
        text, kind = _text(e.label)
    if kind == "quoted" and e.label_kind != "quoted":
        kind = "plain"  # `|text|` (the writer quotes a text mermaid-js would not read between pipes)
    return Edge(
        src=e.src, dst=e.dst, label=text, label_kind=kind, stroke=e.line,
        head_start=e.head_start, head_end=e.head_end, length=e.length, id=edge_id, data=data if edge_id is not None else (),
    )


def _says(e: ViewEdge) -> bool:
    """Whether the edge's label alone gives its verb back on import (a label that is all the verb's
    words; no label for a verb without words, like `relates`)."""
    from archc.importers.infer import infer_verb

    said = infer_verb(e.label) if e.label is not None and not e.label.startswith("`") else None
    return said == (None if e.verb == "relates" else e.verb)


def verb_ids(view: View) -> list[str | None]:
    """Per edge, the Mermaid edge id written: the connection's own (`style.id`), else one that
    carries its verb (`A write@-->|ship logs| B`) when the label does not say the verb or the edge
    has data, else None (see `archc.model.presentation.edge_ids` for the precedence).

    An import reads a verb from a label only when the whole label is that verb's words, so a
    connection whose label says something else (or says another verb's words) names its verb in
    the edge id: mermaid-js draws no edge id, and the source reads plainly. Ids are unique (a
    repeated id is dropped by mermaid-js): `write`, `write_2`, … skipping node and group ids."""
    taken = [n.id for n in view.nodes] + [g.id for g in view.groups]
    return edge_ids([(e.verb, e.edge_id, e.data is not None or not _says(e)) for e in view.edges], taken)


def _verb_data(e: ViewEdge) -> str | None:
    """`verb: NAME` for an edge whose own id neither names its verb nor leaves the label to say
    it: the import reads the verb from the edge data first."""
    from archc.importers.infer import id_verb

    if e.edge_id is None or e.verb is None:
        return None
    named = id_verb(e.edge_id)
    if named == e.verb or (named is None and _says(e)):
        return None
    return f"verb: {e.verb}"


def _subgraph(g: ViewGroup, extra_classes: tuple[str, ...] = ()) -> Subgraph:
    text, kind = _text(g.title)
    return Subgraph(
        id=g.id, title=text,
        title_kind="plain" if (g.title == g.id and g.title_kind != "quoted") or (g.title_kind == "plain" and kind == "quoted") else kind,
        direction=g.direction, members=g.members, parent=g.parent,
        classes=g.classes + tuple(c for c in extra_classes if c not in g.classes),
    )


def _paths(finding: Diagnostic) -> list[Path]:
    """A finding's path and its related paths (the whole path a path rule found), empty ones left out."""
    return [p for p in (finding.path, *finding.related) if p]


def flagged(view: View, findings: Iterable[Diagnostic]) -> tuple[set[str], set[int], list[tuple[str, str]]]:
    """(flagged node ids, flagged edge indexes, [(code, summary)]) for *findings*.

    A finding flags the node whose model path its ``path`` (or one of its ``related`` paths)
    starts with, and the edge whose origin it names; a path rule's ``related`` paths mark the
    whole path.
    """
    by_origin_node = {n.origin: n.id for n in view.nodes}
    nodes: set[str] = set()
    edges: set[int] = set()
    codes: dict[str, str] = {}
    for f in findings:
        for path in _paths(f):
            for i, e in enumerate(view.edges):
                if e.origin == path or (len(path) > len(e.origin) and path[: len(e.origin)] == e.origin):
                    edges.add(i)
            # a path into a field that is drawn as an edge marks the edge, not the node
            on_node = len(path) >= 2 and path[0] == "resources" and ("resources", path[1]) in by_origin_node
            if on_node and not (len(path) > 2 and any(e.origin == path for e in view.edges)):
                nodes.add(by_origin_node[("resources", path[1])])
        codes.setdefault(f.code, f.name or "")  # every finding is in the legend, drawn or not
    return nodes, edges, sorted(codes.items())


def flagged_groups(view: View, findings: Iterable[Diagnostic]) -> set[str]:
    """Ids of the groups that stand for a resource (a VPC subgraph, a subnet in the network
    view) which a finding's path or related path names, unless the path is a field drawn as an edge."""
    edge_origins = {tuple(e.origin) for e in view.edges}
    paths = [p for f in findings for p in _paths(f)]
    return {
        g.id for g in view.groups
        if g.origin[:1] == ("resources",)
        and any(p[: len(g.origin)] == g.origin and not (len(p) > len(g.origin) and p in edge_origins) for p in paths)
    }


def to_flowchart(view: View, findings: Sequence[Diagnostic] | None = None) -> Flowchart:
    """The flowchart AST of *view* (with *findings* marked, when given)."""
    bad_nodes: set[str] = set()
    bad_groups: set[str] = set()
    bad_edges: set[int] = set()
    codes: list[tuple[str, str]] = []
    if findings:
        bad_nodes, bad_edges, codes = flagged(view, findings)
        bad_groups = flagged_groups(view, findings)
    nodes = [_node(n, (FINDING_CLASS,) if n.id in bad_nodes else ()) for n in view.nodes]
    extra = dict(view.shape_data)
    nodes = [replace(n, data=_pairs(extra[n.id])) if n.id in extra else n for n in nodes]
    subgraphs = [_subgraph(g, (FINDING_CLASS,) if g.id in bad_groups else ()) for g in view.groups]
    class_defs = [ClassDef(name, style) for name, style in view.class_defs]
    link_styles: list[LinkStyle] = []
    by_css: dict[str, list[int]] = {}
    for i, e in enumerate(view.edges):
        if e.css:
            by_css.setdefault(e.css, []).append(i)
    link_styles += [LinkStyle(tuple(ix), css) for css, ix in by_css.items()]
    if view.default_link_style:
        link_styles.append(LinkStyle("default", view.default_link_style))
    if findings is not None and codes:
        if not any(c.name == FINDING_CLASS for c in class_defs):
            class_defs.append(ClassDef(FINDING_CLASS, FINDING_NODE_STYLE))
        legend_text = "<br/>".join(f"{code} {name}".strip() for code, name in codes)
        nodes.append(Node(id=f"{LEGEND_ID}_codes", label=legend_text, label_kind="quoted", shape="rect", classes=(FINDING_CLASS,)))
        subgraphs.append(Subgraph(id=LEGEND_ID, title="Findings", title_kind="quoted", members=(f"{LEGEND_ID}_codes",)))
        if bad_edges:
            link_styles.append(LinkStyle(tuple(sorted(bad_edges)), FINDING_EDGE_STYLE))
    return Flowchart(
        direction=view.direction,
        nodes=tuple(nodes),
        edges=tuple(_edge(e, i, _edge_pairs(e)) for e, i in zip(view.edges, verb_ids(view), strict=True)),
        subgraphs=tuple(subgraphs),
        class_defs=tuple(class_defs),
        styles=tuple(Style(target, style) for target, style in view.styles),
        link_styles=tuple(link_styles),
        keyword=view.keyword,  # type: ignore[arg-type]
        title=view.title,
        front_matter=_front_matter(view.title, view.front_matter),
        directives=view.directives,
        clicks=tuple(Click(c.split(" ", 1)[0], c.split(" ", 1)[1]) for c in view.clicks if " " in c),
    )


def _pairs(text: str) -> tuple[tuple[str, str], ...]:
    """`icon: "fa:user", pos: t` → (("icon", '"fa:user"'), ("pos", "t")) (values as written)."""
    from archc.mermaid.parser import parse

    fc = parse(f"flowchart TB\n  x@{{ {text} }}\n")
    return fc.nodes[0].data


def _edge_pairs(e: ViewEdge) -> tuple[tuple[str, str], ...]:
    """The edge's data (`animate: true`, …) and the verb it names when nothing else does."""
    if e.edge_id is None and e.data is None:
        return ()
    text = ", ".join(x for x in (e.data, _verb_data(e)) if x)
    return _pairs(text) if text else ()


def _front_matter(title: str | None, rest: str | None) -> str | None:
    """The front matter: the title line, then the rest kept from an imported diagram (config: …)."""
    if rest is None:
        return None
    head = f"title: {title}\n" if title is not None else ""
    return head + rest


def render(view: View, findings: Sequence[Diagnostic] | None = None) -> str:
    """Mermaid flowchart text for *view* (ends with a newline)."""
    return write(to_flowchart(view, findings))
