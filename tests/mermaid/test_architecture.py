"""architecture-beta: parser vs mermaid-js on snippets written from its grammar, the writer's
round trip over generated diagrams (each one read by mermaid-js), ids, errors, fuzzing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import mermaidjs

from archc.mermaid.architecture import (
    ArchAlign,
    ArchEdge,
    ArchGroup,
    ArchitectureDiagram,
    ArchJunction,
    ArchService,
    decode_id,
    encode_id,
    is_architecture,
    parse,
    write,
)
from archc.mermaid.syntax import MermaidSyntaxError

H = "architecture-beta\n"
# (name, text): valid and invalid, each construct of the grammar and each check of the database
SNIPPETS: dict[str, str] = {
    "docs_example": H + "    group api(cloud)[API]\n\n    service db(database)[Database] in api\n    service disk1(disk)[Storage] in api\n"
    "    service disk2(disk)[Storage] in api\n    service server(server)[Server] in api\n\n    db:L -- R:server\n"
    "    disk1:T -- B:server\n    disk2:T -- B:db\n",
    "header_only": H,
    "header_no_newline": "architecture-beta",
    "blank_lines_before": "\n\n" + H + "service a\n",
    "statement_on_header_line": "architecture-beta service a\n",
    "header_with_suffix": "architecture-betas\nservice a\n",
    "header_missing": "architecture\nservice a\n",
    "group_bare": H + "group g\n",
    "group_icon_title": H + "group g(cloud)[The Cloud]\n",
    "group_title_only": H + "group g[Only title]\n",
    "group_nested": H + "group a\ngroup b in a\n",
    "group_nested_parent_later": H + "group b in a\ngroup a\n",
    "group_in_itself": H + "group a in a\n",
    "group_dup": H + "group a\ngroup a\n",
    "service_bare": H + "service s\n",
    "service_icon_title_in": H + "group g\nservice s(server)[A server] in g\n",
    "service_in_later_group": H + "service s in g\ngroup g\n",
    "service_in_service": H + "service a\nservice b in a\n",
    "service_icon_iconify": H + "service s(logos:aws-lambda)[Lambda fn]\n",
    "service_icon_text": H + 'service s "Text icon"[T]\n',
    "service_icon_text_escape": H + "service s 'a\\'b\\tc'\n",
    "service_icon_and_text": H + 'service s(server)"x"\n',
    "service_dup_with_group": H + "group a\nservice a\n",
    "service_id_L": H + "service Lambda(server)\n",
    "service_id_B": H + "service Bucket\n",
    "service_id_title_prefix": H + "service titled\n",
    "service_id_keyword": H + "service group\n",
    "service_id_keyword_prefix": H + "service groups\nservice inbox\nservice rows\n",
    "service_id_underscore_L": H + "service _Lambda\n",
    "service_id_dash": H + "service my-svc_1\n",
    "service_id_trailing_dash": H + "service a-\n",
    "service_id_dot": H + "service a.b\n",
    "service_id_digit": H + "service 1a\n",
    "service_id_accTitle": H + "service accTitleX\n",
    "title_with_brackets_quoted": H + 'service s["a [b] c"]\n',
    "title_with_brackets_plain": H + "service s[a [b] c]\n",
    "title_single_quoted": H + "service s['it\\'s']\n",
    "title_spaces_trimmed": H + "service s[   spaced   out  ]\n",
    "title_punctuation": H + "service s[Hello (world)! <br/> & more: 1/2]\n",
    "title_empty_quoted": H + 'service s[""]\n',
    "title_empty": H + "service s[]\n",
    "title_percent": H + "service s[50 %% off]\n",
    "icon_bad_char": H + "service s(a.b)\n",
    "icon_spaces": H + "service s( server )\n",
    "junction": H + "group g\njunction j in g\n",
    "junction_in_junction": H + "junction a\njunction b in a\n",
    "edge_plain": H + "service a\nservice b\na:R -- L:b\n",
    "edge_arrows": H + "service a\nservice b\na:R --> L:b\na:T <-- B:b\na:B <--> T:b\n",
    "edge_no_spaces": H + "service a\nservice b\na:R-->L:b\n",
    "edge_title": H + "service a\nservice b\na:R -[calls]- L:b\na:T <-[reads it]-> B:b\n",
    "edge_title_quoted": H + 'service a\nservice b\na:R -["x [y]"]-> L:b\n',
    "edge_group_modifiers": H + "group g\ngroup h\nservice a in g\nservice b in h\na{group}:R --> L:b{group}\n",
    "edge_group_same_group": H + "group g\nservice a in g\nservice b in g\na{group}:R -- L:b\n",
    "edge_group_one_outside": H + "group g\nservice a in g\nservice b\na{group}:R -- L:b\n",
    "edge_to_group": H + "group g\nservice a in g\na:R -- L:g\n",
    "edge_unknown_end": H + "service a\na:R -- L:b\n",
    "edge_before_services": H + "a:R -- L:b\nservice a\nservice b\n",
    "edge_bad_side": H + "service a\nservice b\na:X -- L:b\n",
    "edge_lowercase_side": H + "service a\nservice b\na:r -- l:b\n",
    "edge_single_dash": H + "service a\nservice b\na:R - L:b\n",
    "edge_three_dashes": H + "service a\nservice b\na:R --- L:b\n",
    "edge_to_junction": H + "service a\njunction j\na:B -- T:j\n",
    "edge_two_on_a_line": H + "service a\nservice b\na:R -- L:b b:T -- B:a\n",
    "align_row": H + "service a\nservice b\nservice c\nalign row a b c\n",
    "align_column_junction": H + "service a\njunction j\nalign column a j\n",
    "align_one": H + "service a\nalign row a\n",
    "align_group": H + "group g\nservice a\nalign row a g\n",
    "align_repeat": H + "service a\nservice b\nalign row a b a\n",
    "title_statement": H + "title My system\nservice a\n",
    "title_with_comment": H + "title A  title   %% comment\n",
    "acc": H + "accTitle: The title\naccDescr: A description\nservice a\n",
    "acc_multiline": H + "accDescr {\n  line one\n\n  line two\n}\nservice a\n",
    "comments": "%% before\n" + H + "%% a comment\n    service a %% after\n  %% indented\n",
    "directive": "%%{init: {'theme': 'dark'}}%%\n" + H + "service a\n",
    "front_matter": "---\ntitle: From front matter\nconfig:\n  theme: dark\n---\n" + H + "service a\n",
    "front_matter_and_title": "---\ntitle: Front\n---\n" + H + "title Statement\n",
    "crlf": "architecture-beta\r\n    service a(server)[A]\r\n",
    "tabs": H + "\tservice\ta(server)[A]\tin\tg\n\tgroup g\n",
    "unknown_statement": H + "node a\n",
    "junk_char": H + "service a;\n",
    "in_without_parent": H + "service a in\n",
    "unicode_title": H + "service a[Café ☕]\n",
    "unicode_id": H + "service café\n",
}


def _ours(text: str) -> dict:
    try:
        return mermaidjs.arch_view(parse(text))
    except MermaidSyntaxError:
        return {"error": True}


def test_at_least_40_snippets_of_each_outcome_kind() -> None:
    assert len(SNIPPETS) >= 40


def test_snippets_agree_with_mermaid_js() -> None:
    mermaidjs.require_harness()
    names = list(SNIPPETS)
    readings = mermaidjs.architecture_readings([SNIPPETS[n] for n in names])
    accepted = refused = 0
    for name, theirs in zip(names, readings, strict=True):
        ours = _ours(SNIPPETS[name])
        if "error" in theirs:
            refused += 1
            assert "error" in ours, f"{name}: mermaid-js refuses ({theirs['error']}), archc accepts"
        else:
            accepted += 1
            assert ours == theirs, f"{name}: readings differ"
    assert accepted >= 20 and refused >= 15


@pytest.mark.parametrize(
    ("name", "where", "says"),
    [
        ("service_id_L", (2, 9), "an id may not start with one"),
        ("service_id_keyword", (2, 9), "keyword"),
        ("edge_to_group", (4, 1), "is a group"),
        ("edge_unknown_end", (3, 1), "right-hand id [b] does not exist"),
        ("group_nested_parent_later", (2, 1), "declare the parent group first"),
        ("junk_char", (2, 10), "no token"),
        ("align_repeat", (4, 1), "more than once"),
    ],
)
def test_errors_say_where_and_what(name: str, where: tuple[int, int], says: str) -> None:
    with pytest.raises(MermaidSyntaxError) as exc:
        parse(SNIPPETS[name], source="d.mmd")
    assert (exc.value.line, exc.value.col) == where
    assert says in exc.value.message
    assert str(exc.value).startswith(f"d.mmd:{where[0]}:{where[1]}: ")


def test_line_offset_for_markdown_blocks() -> None:
    with pytest.raises(MermaidSyntaxError) as exc:
        parse(SNIPPETS["service_id_L"], source="page.md", line_offset=10)
    assert exc.value.line == 12


def test_detects_architecture() -> None:
    assert is_architecture("---\ntitle: x\n---\n%% c\narchitecture-beta\n")
    assert is_architecture("  architecture-beta")
    assert not is_architecture("flowchart TB\n a --> b\n")


# -- ids --------------------------------------------------------------------------------------------

model_ids = st.from_regex(r"\A[A-Za-z0-9_]+(?:[.\-][A-Za-z0-9_]+)*\Z").filter(lambda s: len(s) < 40)


@given(model_ids)
def test_encode_decode_id(name: str) -> None:
    mid = encode_id(name)
    assert decode_id(mid) == name
    assert parse(H + f"service {mid}\n").services[0].id == mid


@pytest.mark.parametrize(("name", "written"), [("LAMBDA_API", "_LAMBDA_API"), ("db", "db"), ("api.v1", "api--v1"),
                                               ("group", "_group"), ("_x", "_x"), ("_RDS", "__RDS"), ("title_a", "_title_a")])
def test_encode_id_examples(name: str, written: str) -> None:
    assert encode_id(name) == written


def test_encode_id_refuses_what_no_id_can_say() -> None:
    with pytest.raises(ValueError, match="cannot be an architecture-beta id"):
        encode_id("café")


# -- the writer -------------------------------------------------------------------------------------

_idtext = model_ids.map(encode_id)
_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20)
_icons = st.sampled_from(["cloud", "database", "disk", "internet", "server", "logos:aws-lambda", "aws:s3"])
_sides = st.sampled_from(["L", "R", "T", "B"])


@st.composite
def diagrams(draw: st.DrawFn) -> ArchitectureDiagram:
    ids = draw(st.lists(_idtext, min_size=1, max_size=9, unique=True))
    n_groups = draw(st.integers(0, min(3, len(ids) - 1)))
    gids, nids = ids[:n_groups], ids[n_groups:]
    groups = []
    for i, g in enumerate(gids):
        parent = draw(st.sampled_from([None, *gids[:i]]))
        groups.append(ArchGroup(g, draw(st.none() | _icons), draw(st.none() | _text), parent))
    n_services = draw(st.integers(1, len(nids)))
    where = st.sampled_from([None, *gids])
    services = [
        ArchService(s, draw(st.none() | _icons), draw(st.none() | _text), draw(where)) for s in nids[:n_services]
    ]
    junctions = [ArchJunction(j, draw(where)) for j in nids[n_services:]]
    parent = {x.id: x.parent for x in (*services, *junctions)}
    edges = []
    for _ in range(draw(st.integers(0, 6))):
        a, b = draw(st.sampled_from(nids)), draw(st.sampled_from(nids))
        crosses = parent[a] is None or parent[b] is None or parent[a] != parent[b]
        edges.append(ArchEdge(
            a, draw(_sides), b, draw(_sides), draw(st.booleans()), draw(st.booleans()),
            crosses and draw(st.booleans()), crosses and draw(st.booleans()), draw(st.none() | _text),
        ))
    aligns = []
    if len(nids) >= 2 and draw(st.booleans()):
        aligns.append(ArchAlign(draw(st.sampled_from(["row", "column"])), tuple(nids[:2])))
    return ArchitectureDiagram(
        groups=tuple(groups), services=tuple(services), junctions=tuple(junctions), edges=tuple(edges), aligns=tuple(aligns),
        title=draw(st.none() | st.from_regex(r"\A[A-Za-z][A-Za-z0-9 ]{0,10}[A-Za-z0-9]\Z")),
    )


def _writable(d: ArchitectureDiagram) -> str | None:
    try:
        return write(d)
    except ValueError:
        return None


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(diagrams())
def test_parse_write_round_trip(d: ArchitectureDiagram) -> None:
    text = _writable(d)
    if text is None:  # a title with surrounding blanks: refused, never written wrong
        return
    assert parse(text) == d
    assert write(parse(text)) == text


def test_written_diagrams_are_read_the_same_by_mermaid_js() -> None:
    mermaidjs.require_harness()
    examples: list[ArchitectureDiagram] = []

    @settings(max_examples=120, suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(diagrams())
    def collect(d: ArchitectureDiagram) -> None:
        examples.append(d)

    collect()
    texts = [t for t in (_writable(d) for d in examples) if t is not None]
    assert len(texts) >= 60
    for text, theirs in zip(texts, mermaidjs.architecture_readings(texts), strict=True):
        assert "error" not in theirs, f"mermaid-js refuses what archc wrote:\n{text}\n{theirs}"
        assert mermaidjs.arch_view(parse(text)) == theirs


def test_titles_that_need_quotes() -> None:
    for title in ['a [b]', 'say "hi"', "it's", '"quoted"', "x]", "back\\slash"]:
        d = ArchitectureDiagram(services=(ArchService("s", title=title),))
        assert parse(write(d)) == d


def test_unwritable_values_are_refused() -> None:
    with pytest.raises(ValueError, match="cannot be written"):
        write(ArchitectureDiagram(services=(ArchService("s", title="  blanks around "),)))
    with pytest.raises(ValueError, match="icon"):
        write(ArchitectureDiagram(services=(ArchService("s", icon="a.b"),)))
    with pytest.raises(ValueError, match="not an id"):
        write(ArchitectureDiagram(services=(ArchService("Lambda"),)))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("architecture-beta servicgoupjn(){}[]<>:-LRTB\"'%\n \tab_x.")), max_size=80))
def test_arbitrary_text_raises_only_syntax_errors(text: str) -> None:
    try:
        parse(text)
    except MermaidSyntaxError:
        pass


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=60))
def test_arbitrary_text_after_header(text: str) -> None:
    try:
        parse(H + text)
    except MermaidSyntaxError:
        pass
