"""The template reader: JSON and YAML with a position for every node, short-form tags, one error
with file:line:col for bad input, and nothing but `TemplateError` for any text."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archc.cloudformation.errors import TemplateError
from archc.cloudformation.reader import SHORT_TAGS, read_json, read_template_text, read_yaml

YAML = """\
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "${AWS::StackName}-data"
      Tags:
        - {Key: owner, Value: !Ref Owner}
  Role:
    Type: AWS::IAM::Role
    Properties:
      Arn: !GetAtt Bucket.Arn
      Deep: !GetAtt [Bucket, Nested.Attr]
      Pick: !Select [0, !GetAZs ""]
      Choice: !If [IsProd, !Join ["-", [a, b]], !Ref "AWS::NoValue"]
      Map: !FindInMap [Env, !Ref Stage, Size]
      Import: !ImportValue shared-vpc
      Code: !Base64 "echo hi"
      Cidrs: !Cidr [10.0.0.0/16, 4, 8]
      Parts: !Split [",", "a,b"]
      Cond: !And [!Equals [a, b], !Or [!Not [!Condition C], !Condition D]]
"""


def test_yaml_short_forms_become_long_forms() -> None:
    data, _ = read_yaml(YAML, "t.yaml")
    props = data["Resources"]["Role"]["Properties"]
    assert data["Resources"]["Bucket"]["Properties"]["BucketName"] == {"Fn::Sub": "${AWS::StackName}-data"}
    assert props["Arn"] == {"Fn::GetAtt": ["Bucket", "Arn"]}
    assert props["Deep"] == {"Fn::GetAtt": ["Bucket", "Nested.Attr"]}
    assert props["Pick"] == {"Fn::Select": [0, {"Fn::GetAZs": ""}]}
    assert props["Choice"] == {"Fn::If": ["IsProd", {"Fn::Join": ["-", ["a", "b"]]}, {"Ref": "AWS::NoValue"}]}
    assert props["Map"] == {"Fn::FindInMap": ["Env", {"Ref": "Stage"}, "Size"]}
    assert props["Import"] == {"Fn::ImportValue": "shared-vpc"}
    assert props["Code"] == {"Fn::Base64": "echo hi"}
    assert props["Cidrs"] == {"Fn::Cidr": ["10.0.0.0/16", 4, 8]}
    assert props["Parts"] == {"Fn::Split": [",", "a,b"]}
    assert props["Cond"] == {"Fn::And": [{"Fn::Equals": ["a", "b"]}, {"Fn::Or": [{"Fn::Not": [{"Condition": "C"}]}, {"Condition": "D"}]}]}


def test_yaml_positions_point_at_keys_and_items() -> None:
    _, source = read_yaml(YAML, "t.yaml")
    pos = source.get(("Resources", "Role", "Properties", "Arn"))
    assert (pos.file, pos.line, pos.col) == ("t.yaml", 11, 7)  # type: ignore[union-attr]
    item = source.get(("Resources", "Bucket", "Properties", "Tags", 0))
    assert (item.line, item.col) == (7, 11)  # type: ignore[union-attr]
    inner = source.locate(("Resources", "Role", "Properties", "Choice", "Fn::If", 1, "Fn::Join", 1, 0))
    assert inner.line == 14


def test_json_positions_and_values() -> None:
    text = '{\n  "Resources": {\n    "Q": {"Type": "AWS::SQS::Queue",\n          "Properties": {"N": [1, 2.5, true, null, "x\\u00e9"]}}\n  }\n}\n'
    data, source = read_json(text, "t.json")
    assert data == json.loads(text)
    pos = source.get(("Resources", "Q", "Properties", "N", 4))
    assert (pos.line, pos.col) == (4, 52)  # type: ignore[union-attr]
    assert source.get(("Resources", "Q")).line == 3  # type: ignore[union-attr]


def test_dispatch_on_content() -> None:
    assert read_template_text('  {"Resources": {}}', "x")[0] == {"Resources": {}}
    assert read_template_text("Resources: {}", "x")[0] == {"Resources": {}}


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ('{"Resources": {"A": [1,}}', "t:1:24", "expected a value"),
        ('{"Resources": {"A": 1}', "t:1:23", "JSON ends early"),
        ('{"Resources": {"A": 1, "A": 2}}', "t:1:24", "duplicate key 'A'"),
        ('{"a": "unterminated}', "t:1:7", "invalid JSON string"),
        ("{\"a\": 1} trailing", "t:1:10", "expected the end of the file"),
        ("Resources:\n  A: !Nope x\n", "t:2:6", "unknown tag !Nope"),
        ("Resources:\n  A: [1, 2\n", "t:3:1", "YAML syntax error"),
        ("Resources:\n  A: 1\n  A: 2\n", "t:3:3", "duplicate key 'A'"),
        ("a: 1\n---\nb: 2\n", "t:2:1", "one YAML document"),
        ("a: *missing\n", "t:1:4", "unknown alias *missing"),
    ],
)
def test_bad_input_is_one_error_with_a_position(text: str, where: str, words: str) -> None:
    with pytest.raises(TemplateError) as info:
        read_template_text(text, "t")
    message = str(info.value)
    assert message.startswith(where + ": "), message
    assert words in message


def test_every_short_tag_is_a_long_form_name() -> None:
    assert SHORT_TAGS["!Ref"] == "Ref"
    assert SHORT_TAGS["!Condition"] == "Condition"
    assert all(v.startswith("Fn::") for k, v in SHORT_TAGS.items() if k not in ("!Ref", "!Condition"))


JSONISH = st.text(alphabet='{}[]:,"\\ \n\t0123456789.-+eEtruefalsn!RefGtA', max_size=120)
YAMLISH = st.text(alphabet="Resources: -[]{}!RefGetAtSub&*|>'\"\n #\t0123456789abc.", max_size=160)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=200), JSONISH, JSONISH.map(lambda s: "{" + s), YAMLISH))
def test_any_text_reads_or_raises_template_error(text: str) -> None:
    try:
        read_template_text(text, "f")
    except TemplateError as exc:
        assert exc.position.line >= 1 and exc.position.col >= 1
        assert str(exc).startswith("f:")


@settings(max_examples=300, deadline=None)
@given(st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
))
def test_json_reader_agrees_with_json(value: object) -> None:
    text = json.dumps(value, indent=1)
    if not text.lstrip().startswith(("{", "[")):
        text = json.dumps([value])
    assert read_json(text, "f")[0] == json.loads(text)


def test_json_positions_on_demand_agree_with_the_positional_pass() -> None:
    from archc.cloudformation.reader import _parse_positions
    from archc.diagnostics import SourceMap

    text = '\ufeff{ "A": {"B": [1, {"C": "x"}, [2, 3]], "D": {}},\n\t"E": [ ],\n "F": "\\"}"}\n'
    data, lazy = read_json(text, "f")
    eager = SourceMap(default_file="f")
    assert _parse_positions(text, eager) == data
    for path in list(eager.positions):
        assert lazy.get(path) == eager.get(path), path
    assert lazy.get(("A", "nope")) is None and lazy.get(("F", 0)) is None
