"""Parser tests: corpus vs mermaid-js, pinned mermaid-js behaviours, errors, fuzzing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import mermaidjs

from archc.mermaid.markdown import extract_blocks
from archc.mermaid.parser import parse
from archc.mermaid.syntax import Edge, Flowchart, MermaidSyntaxError, Node

CORPUS = sorted((Path(__file__).resolve().parents[1] / "corpus" / "mermaid").glob("*.mmd"))

# Behaviours of mermaid-js that the parser pins; each one is checked against the
# harness (AST view == mermaid-js view) and with explicit assertions below.
PINNED = {
    # mermaid-js 12 rejects `%%` after a node or edge statement, but reads a trailing `%% ...` as
    # style text of classDef/style/linkStyle, and drops the rest of a `direction` line (`; x` too)
    "trailing_comment_in_styles": "graph TD\n A-->B\n style A fill:#f00 %% c\n classDef k fill:#0f0 %% d\n linkStyle 0 stroke:#f00 %% e\n",
    "direction_takes_its_line": "graph TD\n subgraph S\n direction LR %% c; x\n y\n end\n subgraph T\n direction RLz\n end\n",
    # a node mentioned at top level first, then inside a subgraph, belongs to that subgraph;
    # a node mentioned in two subgraphs belongs to the first one *closed*.
    "membership_first_closed": "graph TD\n A\n subgraph S1\n A --> B\n end\n subgraph S2\n B\n C\n end\n",
    # an edge inside an outer subgraph referencing a node already claimed by the inner one
    "membership_nested": "graph TD\n subgraph O\n  subgraph I\n   X\n  end\n  X --> Y\n end\n",
    # inner subgraph mentions a node the outer one mentioned first: inner closes first, wins
    "membership_inner_wins": "graph TD\n subgraph O\n  Z --> W\n  subgraph I\n   Z\n  end\n end\n",
    # an edge inside a subgraph to a node declared outside pulls it into the subgraph
    "membership_edge_pulls": "graph LR\n out[Outside]\n subgraph S\n in1 --> out\n end\n",
    # last label and last shape win; a bare mention keeps them
    "duplicate_definition": "graph TD\n A[one] --> A(two)\n A\n B{b} --> B\n",
    "subgraph_titles": (
        'graph TD\n subgraph "Title"\n a\n end\n subgraph My Title\n b\n end\n'
        ' subgraph x [t x]\n c\n end\n subgraph y["`md`"]\n d\n end\n subgraph z\n e\n end\n'
    ),
    "edge_lengths": "graph TD\n A ---- B -...-> C ====> D --> E ---> F -- t ---> G ~~~~ H\n",
    "style_creates_node": "graph TD\n A --> B\n style C fill:#f00\n",
    "class_on_subgraph": "graph TD\n subgraph S\n a\n end\n class S hot\n classDef hot fill:#f00\n",
    "shape_data_label_is_markdown": 'graph TD\n A@{ shape: diam, label: "x" } --> B@{ label: "y" } --> C@{ shape: doc }\n',
    "entities_kept": 'graph TD\n A["#quot;q#quot; #35; &amp;"] --> B[a #35; b]\n',
    "amp_cross_product": "graph TD\n a & b --> c & d\n",
    "graph_keyword_no_direction": "flowchart\n A --> B\n",
    "upper_end_is_id": "graph TD\n End --> END\n",
    "semicolon_in_plain_label": "graph TD\n A[a;b] --> B\n",
}


@pytest.fixture(scope="module")
def harness():
    mermaidjs.require_harness()
    texts = [p.read_text(encoding="utf-8") for p in CORPUS] + list(PINNED.values())
    graphs = mermaidjs.mermaid_graphs(texts)
    return dict(zip(texts, graphs, strict=True))


def _compare(fc: Flowchart, graph: dict) -> None:
    assert "error" not in graph, graph.get("error")
    ours = mermaidjs.ast_view(fc)
    theirs = mermaidjs.strip_edge_styles(mermaidjs.normalise_mermaid(graph))
    for key in ours:
        assert ours[key] == theirs[key], key


def test_corpus_size():
    assert len(CORPUS) >= 12
    assert any(p.name == "seed.mmd" for p in CORPUS)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_corpus_agrees_with_mermaidjs(path, harness):
    text = path.read_text(encoding="utf-8")
    _compare(parse(text, source=str(path)), harness[text])


@pytest.mark.parametrize("name", sorted(PINNED))
def test_pinned_behaviour_agrees_with_mermaidjs(name, harness):
    text = PINNED[name]
    _compare(parse(text), harness[text])


# ---------------------------------------------------------------- pinned behaviours (no harness needed)
def _members(fc):
    return {s.id: s.members for s in fc.subgraphs}


def test_membership_first_closed_subgraph_wins():
    fc = parse(PINNED["membership_first_closed"])
    assert _members(fc) == {"S1": ("A", "B"), "S2": ("C",)}
    assert [n.id for n in fc.nodes] == ["A", "B", "C"]


def test_membership_nested():
    fc = parse(PINNED["membership_nested"])
    assert [s.id for s in fc.subgraphs] == ["I", "O"]  # closing order
    assert _members(fc) == {"I": ("X",), "O": ("I", "Y")}
    assert fc.subgraph("I").parent == "O"
    fc = parse(PINNED["membership_inner_wins"])
    assert _members(fc) == {"I": ("Z",), "O": ("W", "I")}


def test_membership_edge_pulls_outer_node_in():
    fc = parse(PINNED["membership_edge_pulls"])
    assert _members(fc) == {"S": ("in1", "out")}


def test_duplicate_definition_last_wins():
    fc = parse(PINNED["duplicate_definition"])
    a = fc.node("A")
    assert (a.label, a.shape) == ("two", "round")
    assert fc.node("B").shape == "diamond"
    assert len(fc.nodes) == 2


def test_subgraph_title_forms():
    fc = parse(PINNED["subgraph_titles"])
    got = [(s.id, s.title, s.title_kind) for s in fc.subgraphs]
    assert got == [
        ("Title", "Title", "quoted"),
        ("subGraph1", "My Title", "plain"),
        ("x", "t x", "plain"),
        ("y", "md", "markdown"),
        ("z", "z", "plain"),
    ]


def test_edge_lengths_and_strokes():
    fc = parse(PINNED["edge_lengths"])
    got = [(e.stroke, e.head_end, e.length, e.label) for e in fc.edges]
    assert got == [
        ("solid", "none", 2, None),
        ("dotted", "arrow", 3, None),
        ("thick", "arrow", 3, None),
        ("solid", "arrow", 1, None),
        ("solid", "arrow", 2, None),
        ("solid", "arrow", 2, "t"),
        ("invisible", "none", 2, None),
    ]


def test_all_edge_forms():
    text = (
        "graph LR\n a --o b --x c <--> d o--o e x--x f <-.-> g <==> h -.- i === j\n"
        " a -- x --- b == y ==> c -. z .-> d; a -->|p| b\n a e1@-.->|q| c\n"
    )
    fc = parse(text)
    got = [(e.src, e.dst, e.stroke, e.head_start, e.head_end, e.label, e.id) for e in fc.edges]
    assert got == [
        ("a", "b", "solid", "none", "circle", None, None),
        ("b", "c", "solid", "none", "cross", None, None),
        ("c", "d", "solid", "arrow", "arrow", None, None),
        ("d", "e", "solid", "circle", "circle", None, None),
        ("e", "f", "solid", "cross", "cross", None, None),
        ("f", "g", "dotted", "arrow", "arrow", None, None),
        ("g", "h", "thick", "arrow", "arrow", None, None),
        ("h", "i", "dotted", "none", "none", None, None),
        ("i", "j", "thick", "none", "none", None, None),
        ("a", "b", "solid", "none", "none", "x", None),
        ("b", "c", "thick", "none", "arrow", "y", None),
        ("c", "d", "dotted", "none", "arrow", "z", None),
        ("a", "b", "solid", "none", "arrow", "p", None),
        ("a", "c", "dotted", "none", "arrow", "q", "e1"),
    ]


def test_labels_entities_and_kinds():
    fc = parse(PINNED["entities_kept"])
    assert fc.node("A").label == "#quot;q#quot; #35; &amp;"
    assert fc.node("A").label_kind == "quoted"
    assert fc.node("B").label == "a #35; b"
    assert fc.node("B").label_kind == "plain"
    fc = parse('graph TD\n A["`**b**`"] --> B["x<br/>y"]\n')
    assert (fc.node("A").label, fc.node("A").label_kind) == ("**b**", "markdown")
    assert fc.node("B").label == "x<br/>y"


def test_shape_data():
    fc = parse(PINNED["shape_data_label_is_markdown"])
    assert [(n.id, n.shape, n.label, n.label_kind) for n in fc.nodes] == [
        ("A", "diamond", "x", "markdown"),
        ("B", None, "y", "markdown"),
        ("C", "doc", None, "plain"),
    ]


def test_every_bracket_shape():
    text = (
        "flowchart LR\n a[r] --> b(r) --> c([s]) --> d[[s]] --> e[(c)] --> f((c)) --> g(((d)))\n"
        " h>a] --> i{d} --> j{{h}} --> k[/l/] --> l[\\l\\] --> m[/t\\] --> n[\\i/] --> o(-e-)\n"
    )
    shapes = [n.shape for n in parse(text).nodes]
    assert shapes == [
        "rect", "round", "stadium", "subroutine", "cylinder", "circle", "doublecircle",
        "asymmetric", "diamond", "hexagon", "lean_right", "lean_left", "trapezoid", "inv_trapezoid", "ellipse",
    ]  # fmt: skip


def test_front_matter_directives_comments():
    text = '---\ntitle: "Hello"\nconfig:\n  theme: dark\n---\n%%{init: {"theme": "base"}}%%\n%% c\nflowchart LR\n  %% c2\n  A --> B\n'
    fc = parse(text)
    assert fc.title == "Hello"
    assert fc.front_matter == 'title: "Hello"\nconfig:\n  theme: dark'
    assert fc.directives == ('%%{init: {"theme": "base"}}%%',)
    assert (fc.keyword, fc.direction) == ("flowchart", "LR")
    assert len(fc.edges) == 1


def test_classes_styles_linkstyles():
    text = (
        "graph TD\n A:::hot --> B\n classDef hot,cold fill:#f00,stroke:#0f0\n class A,B cold\n"
        " style B fill:#fff\n linkStyle 0 stroke:red\n linkStyle default stroke:blue\n"
    )
    fc = parse(text)
    assert fc.node("A").classes == ("hot", "cold")
    assert fc.node("B").classes == ("cold",)
    assert [(c.name, c.style) for c in fc.class_defs] == [("hot", "fill:#f00,stroke:#0f0"), ("cold", "fill:#f00,stroke:#0f0")]
    assert [(s.target, s.style) for s in fc.styles] == [("B", "fill:#fff")]
    assert [(ls.indexes, ls.style) for ls in fc.link_styles] == [((0,), "stroke:red"), ("default", "stroke:blue")]


def test_positions():
    fc = parse("graph TD\n  A --> B\n  subgraph S\n    C\n  end\n")
    assert (fc.node("A").line, fc.node("A").col) == (2, 3)
    assert (fc.node("C").line, fc.node("C").col) == (4, 5)
    assert (fc.edges[0].line, fc.edges[0].col) == (2, 5)
    assert (fc.subgraphs[0].line, fc.subgraphs[0].col) == (3, 3)
    # positions are not part of equality
    assert fc.node("A") == Node("A")
    assert fc.edges[0] == Edge("A", "B")


# ---------------------------------------------------------------- errors
ERRORS = [
    # (text, line, col, token, message fragment)
    ("", 1, 1, "<EOF>", "header"),
    ("sequenceDiagram\n A->>B: hi\n", 1, 1, "sequenceDiagram", "header"),
    ("graph TD\n A --> B\n click A\n", 3, 9, "<newline>", "needs a link"),
    ("graph TD\n A -.->|Heartbeat<br/>(60s)| B\n", 2, 23, "(", "quote the label"),
    ("graph TD\n A --> end-x\n", 2, 8, "end-x", "keyword 'end'"),
    ("graph TD\n accDescr {\n x\n }\n", 2, 2, "accDescr", "one line"),
    ("graph TD\n A --> B %% trailing\n", 2, 10, "%", "own line"),
    ("graph TD\n A[unclosed --> B\n", 2, 3, "[", "unterminated"),
    ("graph TD\n A[a (b)] --> B\n", 2, 6, "(", "not allowed"),
    ("graph TD\n A --> \n", 2, 8, "<newline>", "no target"),
    ("graph TD\n A -- no end B\n", 2, 4, "--", "unterminated edge label"),
    ("graph TD\n end\n", 2, 2, "end", "without an open subgraph"),
    ("graph TD\n subgraph S\n A\n", 4, 1, "<EOF>", "not closed"),
    ("graph TD\n A --> end\n", 2, 8, "end", "reserved"),
    ("graph TD\n A x--> B\n", 2, 4, "x", "mismatched"),
    ("graph TD\n A <--- B\n", 2, 4, "<---", "mismatched"),
    ("graph TD\n A --> B\n linkStyle 3 stroke:red\n", 3, 12, "3", "out of range"),
    ("graph TD\n A@{ shape: nope }\n", 2, 6, "nope", "unknown shape"),
    ("graph TD\n A@{ shape: Cyl }\n", 2, 6, "Cyl", "unknown shape"),
    ("graph TD\n A@{ shape: rect\n", 2, 3, "@{", "unterminated"),
    ('graph TD\n A["unterminated] --> B\n', 2, 4, '"', "unterminated string"),
    ("graph TD\n A -->|label B\n", 2, 7, "|", "missing '|'"),
    ("graph TD\n A --> B C\n", 2, 10, "C", "end of statement"),
    ("---\ntitle: x\ngraph TD\n", 1, 1, "---", "front matter"),
    ("graph TD\n %%{init: {}\n", 2, 2, "%", "directive"),
    ("graph TD\n A --> B;%% c\n", 2, 10, "%", "own line"),
    ("graph TD\n ) --> B\n", 2, 2, ")", "node id"),
]


@pytest.mark.parametrize("text,line,col,token,fragment", ERRORS)
def test_errors_have_exact_positions(text, line, col, token, fragment):
    with pytest.raises(MermaidSyntaxError) as ei:
        parse(text, source="doc.md")
    err = ei.value
    assert (err.line, err.col, err.token) == (line, col, token), str(err)
    assert fragment in err.message
    assert str(err) == f"doc.md:{line}:{col}: {err.message} (got '{token}')"


def test_line_offset_and_extract_blocks():
    md = "# Title\n\nSome text\n\n```mermaid\ngraph TD\n  A --> B\n  A --> \n```\n\n~~~mermaid\nflowchart LR\n x\n~~~\n"
    blocks = extract_blocks(md)
    assert [b[0] for b in blocks] == [6, 12]
    assert blocks[1][1] == "flowchart LR\n x\n"
    start, body = blocks[0]
    with pytest.raises(MermaidSyntaxError) as ei:
        parse(body, source="README.md", line_offset=start - 1)
    assert (ei.value.line, ei.value.col) == (8, 9)
    assert md.split("\n")[ei.value.line - 1] == "  A --> "
    fc = parse(blocks[1][1], line_offset=blocks[1][0] - 1)
    assert fc.node("x").line == 13


def test_extract_blocks_seed():
    md = Path(__file__).resolve().parents[2] / "examples" / "sagebrush-page.md"
    blocks = extract_blocks(md.read_text(encoding="utf-8"))
    assert len(blocks) == 1
    seed = next(p for p in CORPUS if p.name == "seed.mmd")
    assert blocks[0][1] == seed.read_text(encoding="utf-8")


# ---------------------------------------------------------------- robustness & speed
MERMAIDISH = st.lists(
    st.sampled_from(
        list("ABCxo_-.=~<>|&;:[](){}/\\\"`@#%, \n\t")
        + ["graph TD\n", "flowchart LR\n", "subgraph ", "end", "-->", "-.->", "==>", "classDef ", "class ",
           "style ", "linkStyle ", "%%", "%%{", "}%%", "@{", "shape:", "label:", ":::", "---\n", "é", "\r"]
    ),
    max_size=60,
).map("".join)  # fmt: skip


def _only_syntax_errors(text: str) -> None:
    try:
        fc = parse(text)
    except MermaidSyntaxError as err:
        assert err.line >= 1 and err.col >= 1
        str(err)
        return
    assert isinstance(fc, Flowchart)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200))
def test_arbitrary_text_only_raises_syntax_errors(text):
    _only_syntax_errors(text)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(MERMAIDISH, MERMAIDISH.map(lambda s: "graph TD\n" + s)))
def test_mermaidish_text_only_raises_syntax_errors(text):
    _only_syntax_errors(text)


def test_a_ten_thousand_edge_chain_parses_whole():
    # how fast: benchmarks/bench_mermaid_parse.py (timings are not assertions here)
    lines = ["flowchart LR"]
    for i in range(10_000):
        lines.append(f'    n{i}["Node {i}"] -->|edge {i}| n{i + 1}(Next)')
    fc = parse("\n".join(lines) + "\n")
    assert len(fc.edges) == 10_000 and len(fc.nodes) == 10_001
    assert (fc.edges[-1].src, fc.edges[-1].dst, fc.edges[-1].label) == ("n9999", "n10000", "edge 9999")


def test_trailing_comments_as_mermaidjs_reads_them():
    fc = parse(PINNED["trailing_comment_in_styles"])
    assert [c.style for c in fc.class_defs] == ["fill:#0f0 %% d"]
    assert [st.style for st in fc.styles] == ["fill:#f00 %% c"]
    fc = parse(PINNED["direction_takes_its_line"])
    assert [(s.id, s.direction, s.members) for s in fc.subgraphs] == [("S", "LR", ("y",)), ("T", "RL", ())]
