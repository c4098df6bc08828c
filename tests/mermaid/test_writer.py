"""Writer tests: corpus round trips through mermaid-js, AST round trips, format."""

from __future__ import annotations

import re
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import mermaidjs

from archc.mermaid.parser import parse
from archc.mermaid.syntax import (
    BRACKET_SHAPES,
    DATA_SHAPES,
    ClassDef,
    Click,
    Edge,
    Flowchart,
    LinkStyle,
    Node,
    Style,
    Subgraph,
    canonical_shape,
)
from archc.mermaid.writer import plain_node_label, write

CORPUS = sorted((Path(__file__).resolve().parents[1] / "corpus" / "mermaid").glob("*.mmd"))


# ---------------------------------------------------------------- AST strategy
_KEYWORDS = {"subgraph", "end", "classDef", "class", "style", "linkStyle", "click", "direction", "accTitle", "accDescr"}
ids = st.from_regex(r"[A-Za-zé][A-Za-z0-9_]{0,5}(-[a-z0-9]{1,2})?(\.[a-z]{1,2})?", fullmatch=True).filter(lambda s: s not in _KEYWORDS and not re.match(r"end(?!\w)", s))
label_text = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 .,:/+?!'_()\[\]{}|-]{0,14}[A-Za-z0-9]|#35;|x<br/>y|Heartbeat<br/>\(60s\)", fullmatch=True)
plain_edge_text = st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9 ()\[\]{}/]{0,10}[A-Za-z0-9])?", fullmatch=True)
class_names = st.sampled_from(["hot", "cold", "c-1", "db", "default_x"])
styles_txt = st.sampled_from(["fill:#f9f,stroke:#333", "stroke:red", "color:#fff,stroke-width:2px", "fill:none"])
all_shapes = sorted(set(BRACKET_SHAPES) | {canonical_shape(s) for s in DATA_SHAPES})


_NAMES_OF: dict[str, list[str]] = {}
for _short, _aliases in DATA_SHAPES.items():
    _NAMES_OF.setdefault(canonical_shape(_short), []).extend((_short, *_aliases))
data_pairs = st.lists(
    st.sampled_from([("icon", '"fa:user"'), ("pos", '"t"'), ("h", "60"), ("img", '"https://example.com/a.png"'), ("constraint", '"on"'), ("form", '"square"')]),
    max_size=2, unique_by=lambda kv: kv[0],
)


@st.composite
def nodes_st(draw, nid):
    shape = draw(st.one_of(st.none(), st.sampled_from(all_shapes)))
    label = draw(st.one_of(st.none(), label_text, st.just("two\nlines"), st.just('say #quot;hi#quot; \\ there')))
    if shape == "ellipse":  # no `@{ shape }` name: only the bracket form exists
        label = label or "e"
    bracket = shape in BRACKET_SHAPES and label is not None and (shape == "ellipse" or draw(st.booleans()))
    shape_name = None if shape is None or bracket else draw(st.sampled_from(sorted(set(_NAMES_OF.get(shape, [])))))
    if label is None:
        kind = "plain"
    elif bracket:
        kind = draw(st.sampled_from(["plain", "quoted", "markdown"]))
    elif shape is not None and draw(st.booleans()):
        kind = draw(st.sampled_from(["plain", "quoted"]))  # `a[X]@{ shape: cyl }`, `a["X"]@{ shape: cyl }`
    else:
        kind = "markdown"
    if kind != "markdown" and label is not None and "\n" in label + "\\":
        label = label.replace("\n", " ").replace("\\", "/")
    classes = tuple(draw(st.lists(class_names, max_size=2, unique=True)))
    return Node(nid, label, kind, shape, classes, shape_name=shape_name, data=tuple(draw(data_pairs)))


@st.composite
def flowcharts(draw):
    all_ids = draw(st.lists(ids, min_size=1, max_size=12, unique=True))
    n_sg = draw(st.integers(0, min(4, len(all_ids) - 1)))
    sg_ids = all_ids[:n_sg]
    node_ids = all_ids[n_sg:]
    nodes = [draw(nodes_st(n)) for n in node_ids]
    # subgraph tree: parent chosen among earlier subgraphs
    parents = {s: (draw(st.sampled_from([None] + sg_ids[:k])) if k else None) for k, s in enumerate(sg_ids)}
    container = {n: draw(st.sampled_from([None] + sg_ids)) for n in node_ids}
    members: dict[str | None, list[str]] = {None: [], **{s: [] for s in sg_ids}}
    for item in sg_ids + node_ids:
        where = parents[item] if item in parents else container[item]
        lst = members[where]
        lst.insert(draw(st.integers(0, len(lst))), item)
    # subgraphs in closing (post-)order, children in member order
    order: list[str] = []

    def post(s):
        for m in members[s]:
            if m in parents:
                post(m)
        order.append(s)

    for m in members[None]:
        if m in parents:
            post(m)
    subgraphs = []
    for s in order:
        kind = draw(st.sampled_from(["plain", "quoted", "markdown"]))
        title = s if kind == "plain" else draw(st.one_of(label_text, st.just("")))
        if not title:
            kind = "plain"
        subgraphs.append(
            Subgraph(
                s,
                title,
                kind,
                draw(st.one_of(st.none(), st.sampled_from(["TB", "LR", "RL", "BT"]))),
                tuple(members[s]),
                parents[s],
                tuple(draw(st.lists(class_names, max_size=1))),
            )
        )
    edges = []
    for k in range(draw(st.integers(0, 10))):
        stroke = draw(st.sampled_from(["solid", "dotted", "thick", "invisible"]))
        if stroke == "invisible":
            hs, he = "none", "none"
        else:
            he = draw(st.sampled_from(["none", "arrow", "circle", "cross"]))
            hs = draw(st.sampled_from(["none", he])) if he != "none" else "none"
        lk = draw(st.sampled_from(["plain", "quoted", "markdown"]))
        label = draw(st.one_of(st.none(), plain_edge_text if lk == "plain" else label_text))
        edges.append(
            Edge(
                draw(st.sampled_from(node_ids)),
                draw(st.sampled_from(node_ids)),
                label,
                lk if label is not None else "plain",
                stroke,
                hs,
                he,
                draw(st.integers(1, 3)),
                eid := draw(st.one_of(st.none(), st.just(f"edge{k}"))),
                data=(("animate", "true"),) if eid and draw(st.booleans()) else (),
            )
        )
    class_defs = tuple(ClassDef(c, draw(styles_txt)) for c in draw(st.lists(class_names, max_size=3, unique=True)))
    styles = tuple(Style(draw(st.sampled_from(node_ids)), draw(styles_txt)) for _ in range(draw(st.integers(0, 2))))
    link_styles = ()
    if edges and draw(st.booleans()):
        link_styles = (
            LinkStyle(tuple(sorted(set(draw(st.lists(st.integers(0, len(edges) - 1), min_size=1, max_size=3))))), "stroke:red"),
            LinkStyle("default", "stroke:#999"),
        )
    title = draw(st.one_of(st.none(), st.from_regex(r"[A-Za-z][A-Za-z ]{0,10}[a-z]", fullmatch=True)))
    return Flowchart(
        direction=draw(st.sampled_from(["TB", "TD", "BT", "RL", "LR"])),
        nodes=tuple(nodes),
        edges=tuple(edges),
        subgraphs=tuple(subgraphs),
        class_defs=class_defs,
        styles=styles,
        link_styles=link_styles,
        front_matter=f"title: {title}" if title else None,
        title=title,
        keyword=draw(st.sampled_from(["graph", "flowchart"])),
        directives=draw(st.sampled_from([(), ('%%{init: {"theme": "dark"}}%%',)])),
        clicks=tuple(Click(n, draw(st.sampled_from(['"https://example.com" "tip"', "call fn()", 'href "https://x.org" _blank']))) for n in draw(st.lists(st.sampled_from(node_ids), max_size=2, unique=True))),
        accessibility=draw(st.sampled_from([(), ("accTitle: A title",)])),
    )


def _pipe_quoted(edges):
    """A plain edge label that mermaid-js would not read between pipes unquoted is written quoted."""
    return tuple(
        replace(e, label_kind="quoted") if e.label_kind == "plain" and e.label is not None and re.search(r'[\[\](){}|"]', e.label) else e
        for e in edges
    )


def _node_quoted(nodes):
    """A plain node label that mermaid-js would not read back unquoted is written quoted."""
    return tuple(replace(n, label_kind="quoted") if n.label_kind == "plain" and n.label is not None and not plain_node_label(n.label) else n for n in nodes)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(flowcharts())
def test_generated_ast_round_trips(fc):
    text = write(fc)
    # a plain label that mermaid-js would not read unquoted is written quoted
    assert parse(text) == replace(fc, nodes=_node_quoted(fc.nodes), edges=_pipe_quoted(fc.edges)), text
    assert write(parse(text)) == text


def test_generated_asts_are_read_identically_by_mermaidjs():
    mermaidjs.require_harness()
    samples: list[Flowchart] = []

    @settings(max_examples=40, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])  # fmt: skip
    @given(flowcharts())
    def collect(fc):
        samples.append(fc)

    collect()
    texts = [write(fc) for fc in samples]
    graphs = mermaidjs.mermaid_graphs(texts)
    for fc, text, g in zip(samples, texts, graphs, strict=True):
        assert "error" not in g, (text, g)
        ours = mermaidjs.ast_view(fc)
        theirs = mermaidjs.strip_edge_styles(mermaidjs.normalise_mermaid(g))
        for key in ours:
            assert ours[key] == theirs[key], (key, text)
        # the label kind as mermaid-js tells them apart: text (plain), string (quoted), markdown
        kinds = {"plain": "text", "quoted": "string", "markdown": "markdown"}
        assert [v["labelType"] for v in g["vertices"]] == [
            "text" if n.label is None else kinds[n.label_kind] for n in _node_quoted(fc.nodes)
        ], text


# ---------------------------------------------------------------- corpus
@pytest.fixture(scope="module")
def corpus_graphs():
    mermaidjs.require_harness()
    originals = [p.read_text(encoding="utf-8") for p in CORPUS]
    rewritten = [write(parse(t)) for t in originals]
    graphs = mermaidjs.mermaid_graphs(originals + rewritten)
    n = len(originals)
    return {p.name: (graphs[i], graphs[n + i], rewritten[i]) for i, p in enumerate(CORPUS)}


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_corpus_rewrite_is_same_graph_for_mermaidjs(path, corpus_graphs):
    original, rewritten, text = corpus_graphs[path.name]
    assert "error" not in original, original
    assert "error" not in rewritten, (rewritten, text)
    a = mermaidjs.normalise_mermaid(original)
    b = mermaidjs.normalise_mermaid(rewritten)
    for key in a:
        assert a[key] == b[key], key


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_corpus_ast_round_trip(path):
    fc = parse(path.read_text(encoding="utf-8"))
    text = write(fc)
    again = parse(text)
    # plain node labels are written quoted (documented normalisation)
    norm = lambda f: [(n.id, n.label, n.shape, n.classes) for n in f.nodes]
    assert norm(again) == norm(fc)
    assert again.edges == _pipe_quoted(fc.edges)
    assert [(s.id, s.title, s.members, s.parent, s.direction, s.classes) for s in again.subgraphs] == [
        (s.id, s.title, s.members, s.parent, s.direction, s.classes) for s in fc.subgraphs
    ]
    assert (again.class_defs, again.styles, again.link_styles) == (fc.class_defs, fc.styles, fc.link_styles)
    assert (again.title, again.front_matter, again.directives) == (fc.title, fc.front_matter, fc.directives)
    assert write(again) == text  # idempotent


# ---------------------------------------------------------------- format
def test_canonical_format():
    fc = parse(
        "graph LR\n"
        "A[Client] -- calls --> B{{Gateway}}\n"
        "subgraph backend [Back end]\n direction TB\n B --> C[(DB)]\n subgraph inner\n D@{ shape: doc }\n end\nend\n"
        "A -.->|async| D\n"
        "classDef db fill:#f9f\nclass C db\nstyle A stroke:#333\nlinkStyle 0 stroke:red\n"
    )
    assert write(fc) == (
        "graph LR\n"
        "    A[Client]\n"
        "    subgraph backend[Back end]\n"
        "        direction TB\n"
        "        B{{Gateway}}\n"
        "        C[(DB)]\n"
        "        subgraph inner\n"
        "            D@{ shape: doc }\n"
        "        end\n"
        "    end\n"
        "\n"
        "    A -->|calls| B\n"
        "    B --> C\n"
        "    A -.->|async| D\n"
        "\n"
        "    classDef db fill:#f9f\n"
        "    class C db\n"
        "    style A stroke:#333\n"
        "    linkStyle 0 stroke:red\n"
    )


def test_order_preserving_fallback():
    # B is first mentioned outside the subgraph that owns it: node order must survive
    fc = parse("flowchart TB\n A --> B\n subgraph S\n C --> B\n end\n")
    text = write(fc)
    assert [n.id for n in parse(text).nodes] == ["A", "B", "C"]
    assert parse(text).subgraphs == fc.subgraphs


def test_edge_forms_written():
    cases = {
        Edge("a", "b"): "a --> b",
        Edge("a", "b", head_end="none"): "a --- b",
        Edge("a", "b", stroke="dotted", length=2): "a -..-> b",
        Edge("a", "b", stroke="thick", head_end="none", length=2): "a ==== b",
        Edge("a", "b", stroke="invisible", head_end="none"): "a ~~~ b",
        Edge("a", "b", head_start="circle", head_end="circle"): "a o--o b",
        Edge("a", "b", head_start="arrow", head_end="arrow", stroke="dotted"): "a <-.-> b",
        Edge("a", "b", label="x y", id="e1"): "a e1@-->|x y| b",
        Edge("a", "b", label="a|b", label_kind="quoted"): 'a -->|"a|b"| b',
        Edge("a", "b", label="**m**", label_kind="markdown"): 'a -->|"`**m**`"| b',
    }
    for edge, expected in cases.items():
        fc = Flowchart(nodes=(Node("a"), Node("b")), edges=(edge,))
        assert write(fc).splitlines()[-1] == "    " + expected
        assert parse(write(fc)).edges == (edge,)


def test_unwritable_ids_rejected():
    with pytest.raises(ValueError):
        write(Flowchart(nodes=(Node("end"),)))
    with pytest.raises(ValueError):
        write(Flowchart(nodes=(Node("a b"),)))


# --- escaping: label text is data (#10 §4) -------------------------------------------------------

_NASTY = st.lists(
    st.sampled_from(["\n", "\r", "\u2028", "\x00", '"', "`", "```", "~~~", "%%", "%%{init: {}}%%", '\nclick A "javascript:x"\n',
                     "\nend\n", "-->", "|", "[]{}()", ";", "#quot;"]) | st.text(max_size=4),
    min_size=1, max_size=6,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_NASTY, _NASTY, _NASTY, st.sampled_from(["quoted", "markdown"]))
def test_hostile_label_text_stays_inside_its_string(node: str, edge: str, title: str, kind: str) -> None:
    from archc.mermaid.writer import escape_text

    fc = Flowchart(
        direction="TB",
        nodes=(Node(id="A", label=node, label_kind=kind, shape="rect"), Node(id="B", label=node, label_kind=kind)),
        edges=(Edge(src="A", dst="B", label=edge, label_kind="plain" if kind == "quoted" else kind),),
        subgraphs=(Subgraph(id="G", title=title, title_kind=kind, members=("A",)),),
        title=title,
    )
    text = write(fc)
    # mermaid-js takes the front matter (the title) off before it looks for directives
    assert "%%" not in text.split("\n---\n", 1)[1]
    assert not re.search(r"^\s*(```|~~~)", text, re.MULTILINE)  # a Markdown fence around it stays closed
    back = parse(text)
    assert [n.id for n in back.nodes] == ["A", "B"] and [(e.src, e.dst) for e in back.edges] == [("A", "B")]
    assert [s.id for s in back.subgraphs] == ["G"] and not back.clicks and not back.directives and not back.class_defs
    assert "%%" not in escape_text(node) and '"' not in escape_text(node)
