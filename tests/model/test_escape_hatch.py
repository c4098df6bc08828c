"""The escape hatch: any CloudFormation type as a resource, with its properties."""

from __future__ import annotations

import pytest

from archc.catalog import ESCAPE_HATCH, TYPES
from archc.diagnostics import ModelError
from archc.model.loader import load_text
from archc.model.resources import CfnResource, resource_class

HEAD = """archc: 1
accounts:
  prod: {id: "978489150794", name: Production, region: us-west-2}
resources:
"""


def test_a_cloudformation_type_loads_as_the_escape_hatch_and_keeps_its_type_and_properties() -> None:
    arch = load_text(HEAD + "  job:\n    type: AWS::Glue::Job\n    label: Nightly ETL\n    properties:\n"
                     "      Command: {Name: glueetl, ScriptLocation: s3://b/k.py}\n      MaxRetries: 2\n", "m.yaml").architecture
    res = arch.resources["job"]
    assert isinstance(res, CfnResource)
    assert res.type == "AWS::Glue::Job"
    assert res.properties == {"Command": {"Name": "glueetl", "ScriptLocation": "s3://b/k.py"}, "MaxRetries": 2}
    assert res.account == "prod" and res.label == "Nightly ETL"
    assert TYPES[res.type] is TYPES[ESCAPE_HATCH]


@pytest.mark.parametrize("rtype", ["AWS::Glue::Job", "AWS::EC2::VPCEndpoint", "Alexa::ASK::Skill", "Custom::CertValidator"])
def test_every_cloudformation_type_form_is_the_escape_hatch(rtype: str) -> None:
    assert resource_class(rtype) is CfnResource


@pytest.mark.parametrize("rtype", ["cloudformation", "s3", "aws::glue::job", "Glue::Job"])
def test_the_tag_and_near_misses_are_not_types_a_user_writes(rtype: str) -> None:
    assert resource_class(rtype) is None


def test_a_malformed_cloudformation_type_is_an_error_at_the_type_key() -> None:
    with pytest.raises(ModelError) as info:
        load_text(HEAD + "  job:\n    type: AWS::Glue\n", "m.yaml")
    (d,) = info.value.diagnostics
    assert (d.position.line, d.position.col) == (6, 11)  # type: ignore[union-attr]
    assert d.message.startswith("resource 'job' (AWS::Glue): type:"), d.message


def test_the_tag_itself_is_an_unknown_type() -> None:
    with pytest.raises(ModelError) as info:
        load_text(HEAD + "  job:\n    type: cloudformation\n", "m.yaml")
    (d,) = info.value.diagnostics
    assert "unknown resource type 'cloudformation'" in d.message
    assert "AWS::Service::Thing" in (d.help or "")


def test_the_escape_hatch_builds_as_written_with_model_references_resolved() -> None:
    from archc.compiler.build import compile_model

    arch = load_text(HEAD + "  data: {type: s3_bucket}\n  param:\n    type: AWS::SSM::Parameter\n    properties:\n"
                     "      Type: String\n      Value: {Ref: data}\n      Description: {Fn::GetAtt: [data, Arn]}\n"
                     "      Tier: {Ref: AWS::Region}\n", "m.yaml").architecture
    (stack,) = compile_model(arch).stacks
    body = stack.template["Resources"]["Param"]
    assert body["Type"] == "AWS::SSM::Parameter"
    assert body["Metadata"]["archc"]["node"] == "param"
    assert body["Properties"] == {"Type": "String", "Value": {"Ref": "Data"}, "Description": {"Fn::GetAtt": ["Data", "Arn"]},
                                  "Tier": {"Ref": "AWS::Region"}}


def test_short_forms_load_as_intrinsic_functions() -> None:
    arch = load_text(HEAD + "  data: {type: s3_bucket}\n  param:\n    type: AWS::SSM::Parameter\n    properties:\n"
                     "      Type: String\n      Value: !Ref data\n      Description: !GetAtt data.Arn\n"
                     "      Name: !Sub \"/${AWS::StackName}/x\"\n", "m.yaml").architecture
    res = arch.resources["param"]
    assert isinstance(res, CfnResource)
    assert res.properties["Value"] == {"Ref": "data"}
    assert res.properties["Description"] == {"Fn::GetAtt": ["data", "Arn"]}
    assert res.properties["Name"] == {"Fn::Sub": "/${AWS::StackName}/x"}


@pytest.mark.parametrize(("value", "line", "col"), [
    ("{Ref: dta}", 10, 20),
    ("!Ref dta", 10, 14),
    ("{Fn::GetAtt: [dta, Arn]}", 10, 28),
    ("!GetAtt dta.Arn", 10, 14),
    ("{Fn::Sub: \"arn:${dta.Arn}/x\"}", 10, 24),
    ("{Fn::Sub: [\"${dta}-${local}\", {local: {Ref: dta}}]}", 10, 25),
])
def test_a_reference_inside_properties_to_no_resource_is_an_error_at_its_place(value: str, line: int, col: int) -> None:
    with pytest.raises(ModelError) as info:
        load_text(HEAD + "  data: {type: s3_bucket}\n  param:\n    type: AWS::SSM::Parameter\n    properties:\n"
                  f"      Type: String\n      Value: {value}\n", "m.yaml")
    found = {(d.code, d.position.line, d.message) for d in info.value.diagnostics}  # type: ignore[union-attr]
    message = "resource 'param' (AWS::SSM::Parameter): properties.Value refers to 'dta', which is not a resource (did you mean 'data'?)"
    assert any(code == "ARC104" and at == line and m.startswith(message) for code, at, m in found), found
    assert any(d.position.col == col for d in info.value.diagnostics)  # type: ignore[union-attr]


def test_pseudo_parameters_and_sub_variables_are_not_model_references() -> None:
    load_text(HEAD + "  param:\n    type: AWS::SSM::Parameter\n    properties:\n      Type: String\n"
              "      Value: {Fn::Sub: [\"${AWS::Region}-${x}-${!Literal}\", {x: {Ref: AWS::AccountId}}]}\n", "m.yaml")


def test_references_inside_properties_are_graph_edges() -> None:
    from archc.model.graph import build_graph

    arch = load_text(HEAD + "  data: {type: s3_bucket}\n  role: {type: iam_role}\n  param:\n    type: AWS::Glue::Job\n    properties:\n"
                     "      Role: !GetAtt role.Arn\n      Command: {Name: glueetl, ScriptLocation: !Sub \"s3://${data}/k.py\"}\n",
                     "m.yaml").architecture
    edges = sorted((u, v, d["kind"], d["field"]) for u, v, d in build_graph(arch).edges(data=True) if u == "param")
    assert edges == [("param", "data", "reference", "properties.Command.ScriptLocation"), ("param", "role", "reference", "properties.Role")]


def test_deletion_and_update_replace_policies() -> None:
    arch = load_text(HEAD + "  t:\n    type: AWS::Kinesis::Stream\n    deletion_policy: Retain\n    update_replace_policy: Snapshot\n",
                     "m.yaml").architecture
    res = arch.resources["t"]
    assert isinstance(res, CfnResource) and (res.deletion_policy, res.update_replace_policy) == ("Retain", "Snapshot")
    with pytest.raises(ModelError) as info:
        load_text(HEAD + "  t:\n    type: AWS::Kinesis::Stream\n    deletion_policy: Keep\n", "m.yaml")
    (d,) = info.value.diagnostics
    assert (d.position.line, d.position.col) == (7, 22)  # type: ignore[union-attr]
