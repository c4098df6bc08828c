"""YAML reading with positions: scalars, duplicates, syntax errors, arbitrary input."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from archc.diagnostics import Position
from archc.model.yaml_source import MAX_ALIAS_NODES, MAX_DEPTH, _resolve_plain, decode, load_yaml


def test_positions_point_at_values_and_keys() -> None:
    text = "resources:\n  vpc:\n    type: vpc\n    cidr: 10.0.0.0/16\nconnections:\n  - {from: a, to: b}\n"
    data, source, problems = load_yaml(text, "m.yaml")
    assert problems == []
    assert data["resources"]["vpc"]["cidr"] == "10.0.0.0/16"
    assert source.locate(("resources", "vpc", "cidr")) == Position("m.yaml", 4, 11)  # the value
    assert source.locate(("resources", "vpc")) == Position("m.yaml", 2, 3)  # a mapping: its key
    assert source.locate(("connections", 0, "to")) == Position("m.yaml", 6, 19)
    assert source.locate(("resources", "vpc", "missing", "deeper")) == Position("m.yaml", 2, 3)


def test_connection_offset_numbers_items_across_files() -> None:
    _, source, _ = load_yaml("connections:\n  - {from: a, to: b}\n", "two.yaml", connection_offset=5)
    assert source.get(("connections", 5)) == Position("two.yaml", 2, 5)
    assert source.get(("connections", 0)) is None


def test_yaml_1_2_core_schema() -> None:
    data, _, _ = load_yaml("a: yes\nb: no\nc: on\nd: true\ne: 010\nf: 0x1F\ng: 1.5\nh: ~\ni: '12'\nj: 978489150794\nk: .inf\n", "x")
    assert data == {"a": "yes", "b": "no", "c": "on", "d": True, "e": 10, "f": 31, "g": 1.5, "h": None, "i": "12", "j": 978489150794, "k": float("inf")}


def test_keys_are_kept_as_written() -> None:
    data, _, _ = load_yaml("1e3: a\n0012: b\ntrue: c\n", "x")
    assert data == {"1e3": "a", "0012": "b", "true": "c"}


def test_anchors_and_aliases() -> None:
    data, _, problems = load_yaml("base: &b [1, 2]\ncopy: *b\n", "x")
    assert problems == [] and data["copy"] == [1, 2]


def test_duplicate_keys_are_reported_with_both_lines() -> None:
    _, _, problems = load_yaml("a: 1\nb: 2\na: 3\n", "d.yaml")
    assert [(p.code, p.position) for p in problems] == [("ARC105", Position("d.yaml", 3, 1))]
    assert "first one is at line 1" in problems[0].message


def test_syntax_error_has_line_and_column() -> None:
    data, _, problems = load_yaml("a:\n  b: [1, 2\nc: 3\n", "bad.yaml")
    assert data is None
    assert len(problems) == 1 and problems[0].code == "ARC101"
    assert problems[0].position is not None and problems[0].position.file == "bad.yaml"
    assert problems[0].position.line == 3


def test_unknown_tag_and_several_documents_are_errors() -> None:
    assert load_yaml("a: !!python/object x\n", "t")[2][0].message.startswith("unsupported YAML tag")
    bad = load_yaml("a: \x1f\n", "ctl.yaml")[2]
    assert [(p.code, p.position) for p in bad] == [("ARC101", Position("ctl.yaml", 1, 4))]
    assert "one YAML document" in load_yaml("a: 1\n---\nb: 2\n", "t")[2][0].message


# YAML cannot carry control characters, and PyYAML writes NEL/LS/PS unescaped as line breaks
printable = st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\x85\u2028\u2029\ufeff")
# strings that YAML 1.2 reads as numbers (PyYAML writes YAML 1.1 and leaves e.g. 0E0 unquoted)
strings = st.text(printable, max_size=20).filter(lambda s: isinstance(_resolve_plain(s.strip()), str) if s.strip() else True)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | strings,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(printable, min_size=1, max_size=8), inner, max_size=4),
    max_leaves=20,
)


@given(json_values)
@settings(max_examples=200, deadline=None)
def test_reads_back_what_pyyaml_writes(value: object) -> None:
    text = yaml.safe_dump({"root": value}, allow_unicode=True)
    data, _, problems = load_yaml(text, "gen")
    assert problems == []
    assert data == {"root": value}


@given(st.text(max_size=200))
@settings(max_examples=300, deadline=None)
def test_arbitrary_text_never_raises(text: str) -> None:
    _, _, problems = load_yaml(text, "fuzz")
    for p in problems:
        assert p.code in ("ARC101", "ARC105") and p.position is not None


def test_merge_keys_fill_in_what_the_mapping_does_not_set_wherever_they_stand() -> None:
    text = "a: &a {n: 1, m: 2}\nb: &b {z: 9, n: 7}\nc:\n  <<: *a\n  n: 3\nd:\n  n: 3\n  <<: [*a, *b]\ne: {<<: {k: 1}, j: 2}\n"
    data, _, problems = load_yaml(text, "m.yaml")
    assert problems == []
    assert data["c"] == {"n": 3, "m": 2}
    assert data["d"] == {"n": 3, "m": 2, "z": 9}  # the first merged mapping wins over the second
    assert data["e"] == {"k": 1, "j": 2}
    assert load_yaml("a: &s 1\nb: {<<: *s}\n", "m")[2][0].message.startswith("a `<<` merge takes a mapping")


def test_a_key_given_twice_is_still_a_duplicate_next_to_a_merge() -> None:
    _, _, problems = load_yaml("a: &a {n: 1}\nb:\n  <<: *a\n  m: 1\n  m: 2\n", "m")
    assert [p.code for p in problems] == ["ARC105"]


def _laughs(levels: int, width: int = 9) -> str:
    lines = ["l0: &l0 [" + ", ".join(["x"] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


@given(st.integers(min_value=2, max_value=12), st.integers(min_value=2, max_value=12))
@settings(max_examples=40, deadline=None)
def test_alias_expansion_is_bounded(levels: int, width: int) -> None:
    data, _, problems = load_yaml(_laughs(levels, width), "bomb.yaml")
    size, expanded = 1 + width, 0  # nodes of l0 (the list and its items); nodes the aliases add
    for _ in range(1, levels):
        expanded += width * size
        size = 1 + width * size
    if expanded > MAX_ALIAS_NODES:
        assert [p.code for p in problems] == ["ARC101"] and data is None
        assert "aliases expand to more than" in problems[0].message
    else:
        assert problems == [] and data is not None


def test_an_alias_inside_its_own_anchor_is_a_cycle_not_a_recursive_value() -> None:
    data, _, problems = load_yaml("a: &x [1, *x]\n", "c.yaml")
    assert data is None and "cycle" in problems[0].message


@given(st.integers(min_value=1, max_value=3 * MAX_DEPTH), st.sampled_from(["[", "{a: "]))
@settings(max_examples=30, deadline=None)
def test_nesting_is_bounded(depth: int, opener: str) -> None:
    closer = "]" if opener == "[" else "}"
    _data, _, problems = load_yaml("v: " + opener * depth + "1" + closer * depth + "\n", "deep.yaml")
    if depth + 1 > MAX_DEPTH:
        assert [p.code for p in problems] == ["ARC101"] and "nest more than" in problems[0].message
    else:
        assert problems == []


def test_bad_utf8_is_reported_at_line_and_column_in_characters() -> None:
    text, problem = decode("name: x\nlabel: \"é\xff\"\n".encode().replace(b"\xc3\xbf", b"\xff"), "b.yaml")
    assert text is None and problem is not None
    assert (problem.code, problem.position) == ("ARC100", Position("b.yaml", 2, 10))  # 'é' is two bytes, one column
    assert decode("\ufeffa: 1\n".encode("utf-8"), "bom.yaml") == ("a: 1\n", None)


@given(st.binary(max_size=60))
@settings(max_examples=200, deadline=None)
def test_any_bytes_decode_or_point_inside_the_file(data: bytes) -> None:
    text, problem = decode(data, "f")
    if problem is None:
        assert text is not None
    else:
        assert problem.position is not None and 1 <= problem.position.line <= data.count(b"\n") + 1


@given(st.text(alphabet="0123456789+-._eExXoO", min_size=1, max_size=6000), st.sampled_from(["", "!!int ", "!!float ", "!!str "]))
@settings(max_examples=200, deadline=None)
def test_any_number_like_scalar_resolves_or_is_reported(text: str, tag: str) -> None:
    data, _, problems = load_yaml(f"a: {tag}{text}\n", "n.yaml")
    assert (data is None) == bool(problems)
    for p in problems:
        assert p.code == "ARC101" and len(p.message) < 200


def test_a_decimal_too_long_for_python_stays_text() -> None:
    assert load_yaml("a: " + "1" * 5000 + "\n", "n")[0] == {"a": "1" * 5000}


def test_cloudformation_short_forms_on_collections_read_as_their_long_forms() -> None:
    text = "v: !If [IsProd, !Join ['-', [a, !Ref B]], {Ref: 'AWS::NoValue'}]\nc: !Equals [!Ref Stage, prod]\nt: !Transform {Name: X}\n"
    data, smap, problems = load_yaml(text, "t.yaml")
    assert problems == []
    assert data == {"v": {"Fn::If": ["IsProd", {"Fn::Join": ["-", ["a", {"Ref": "B"}]]}, {"Ref": "AWS::NoValue"}]},
                    "c": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}, "t": {"Fn::Transform": {"Name": "X"}}}
    assert smap.get(("v", "Fn::If", 1, "Fn::Join", 1, 1)) == Position("t.yaml", 1, 33)  # positions inside the argument
    assert load_yaml("a: !Frob [x]\n", "t")[2][0].message == "unsupported YAML tag '!Frob'"
    assert load_yaml("a: &x !If [c, 1, 2]\nb: *x\n", "t")[0] == {"a": {"Fn::If": ["c", 1, 2]}, "b": {"Fn::If": ["c", 1, 2]}}
