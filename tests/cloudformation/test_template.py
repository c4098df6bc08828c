"""Template checks: one `TemplateError` at the right place for what CloudFormation would refuse."""

from __future__ import annotations

import pytest

from archc.cloudformation.errors import TemplateError
from archc.cloudformation.template import Edge, looks_like_template, read_template

GOOD = """\
Parameters:
  Name: {Type: String, Default: x}
Resources:
  Queue:
    Type: AWS::SQS::Queue
  Fn:
    Type: AWS::Lambda::Function
    DependsOn: Queue
    Properties:
      Environment: {Variables: {Q: !GetAtt Queue.Arn, N: !Ref Name, S: !Sub "${Queue}"}}
Outputs:
  Q: {Value: !Ref Queue, Export: {Name: shared-queue}}
"""


def test_a_template_and_its_graph() -> None:
    tpl = read_template(GOOD, "t.yaml")
    assert set(tpl.resources) == {"Queue", "Fn"}
    assert tpl.resources["Fn"].depends_on == ["Queue"]
    assert {(e.source, e.target, e.attribute) for e in tpl.edges} == {("Fn", "Queue", None), ("Fn", "Queue", "Arn")}
    assert Edge("Fn", "Queue", None, ("DependsOn", 0)) in tpl.edges
    assert tpl.position(tpl.resources["Fn"].path).line == 6


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ("a: 1\n", "t:1:1", "not a CloudFormation template"),
        ("Resources: [1]\n", "t:1:1", "not a CloudFormation template"),
        ("Resources: {}\nResource: {}\n", "t:2:1", "unknown template section 'Resource' (did you mean 'Resources'?)"),
        ("Resources:\n  A: {Properties: {}}\n", "t:2:3", "resource 'A' has no 'Type'"),
        ("Resources:\n  A: {Type: X, Properties: {P: {Fn::Nope: 1}}}\n", "t:2:33", "unknown intrinsic function 'Fn::Nope'"),
        ("Resources:\n  A:\n    Type: X\n    Properties: {P: !Ref B}\n", "t:4:18", "refers to 'B', which is not a resource"),
        ("Resources:\n  A: {Type: X, DependsOn: [B]}\n", "t:2:28", "depends on 'B'"),
        ("Resources:\n  A: {Type: X, Properties: {P: !Ref B}}\n  B: {Type: X, Properties: {P: !GetAtt A.Arn}}\n", "t:2:3",
         "circular reference: A → B → A"),
        ("Resources:\n  A: {Type: X, Properties: {P: !Sub '${A.Arn}'}}\n", "t:2:29", "refers to itself"),
    ],
)
def test_refused_templates(text: str, where: str, words: str) -> None:
    with pytest.raises(TemplateError) as info:
        read_template(text, "t")
    message = str(info.value)
    assert message.startswith(where + ": "), message
    assert words in message


def test_a_transform_may_add_resources() -> None:
    tpl = read_template("Transform: AWS::Serverless-2016-10-31\nResources:\n  A: {Type: X, Properties: {P: !Ref ServerlessRestApi}}\n", "t")
    assert tpl.unknown_refs == [("A", "ServerlessRestApi", ("Properties", "P"))]


def test_looks_like_template() -> None:
    assert looks_like_template({"Resources": {}})
    assert looks_like_template({"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}, "Extra": 1})
    assert not looks_like_template({"Resources": {}, "archc": 1})
    assert not looks_like_template({"resources": {}})
