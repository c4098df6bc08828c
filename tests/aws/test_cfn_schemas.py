"""CloudFormation resource schemas read from cfn-lint's data, and properties validated against them."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archc.aws import cfn_schemas
from archc.aws.cfn_schemas import PropertyProblem, validate


def test_schemas_are_read_from_cfn_lint_data_without_importing_cfnlint() -> None:
    code = ("import sys; from archc.aws import cfn_schemas as c; "
            "s = c.schema('AWS::Glue::Job', 'us-west-2'); "
            "print(s['typeName'], 'cfnlint' in sys.modules, 'jsonschema' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["AWS::Glue::Job", "False", "False"]


def test_known_types_and_attributes() -> None:
    assert "AWS::Kinesis::Stream" in cfn_schemas.known_types("us-west-2")
    assert "Arn" in cfn_schemas.attributes("AWS::Kinesis::Stream")
    assert "Arn" not in cfn_schemas.attributes("AWS::Glue::Job")  # Ref is its name; the ARN is built from it
    assert {"Role", "Command", "MaxRetries"} <= set(cfn_schemas.property_names("AWS::Glue::Job"))


def test_a_region_archc_has_no_list_for_uses_the_default_region() -> None:
    assert cfn_schemas.schema("AWS::Glue::Job", "xx-nowhere-1") == cfn_schemas.schema("AWS::Glue::Job", "us-east-1")


def test_unknown_type_suggests_the_nearest() -> None:
    assert cfn_schemas.type_problem("AWS::Glue::Jobb") == "unknown CloudFormation resource type AWS::Glue::Jobb (did you mean 'AWS::Glue::Job'?)"
    assert cfn_schemas.type_problem("Custom::Anything") is None
    (problem,) = validate("AWS::Glue::Jobb", {})
    assert problem.path == () and "did you mean 'AWS::Glue::Job'" in problem.message


def test_required_unknown_type_enum_pattern_and_nested_problems_are_each_at_their_key() -> None:
    problems = validate("AWS::Glue::Job", {"Command": {"Name": 5, "Scriptlocation": "s3://b/k"}, "WorkerType": "G.9X", "Rolee": "r"})
    assert [(p.path, p.at_key) for p in problems] == [
        ((), False),  # Role is required: reported at properties
        (("Command", "Name"), False),
        (("Command", "Scriptlocation"), True),
        (("Rolee",), True),
        (("WorkerType",), False),
    ]
    by_path = {p.path: p for p in problems}
    assert by_path[()].message == "properties: missing required property Role"
    assert by_path[("Rolee",)].message == "properties.Rolee: unknown property (did you mean 'Role'?)"
    assert by_path[("Command", "Scriptlocation")].message.endswith("(did you mean 'ScriptLocation'?)")
    assert by_path[("Command", "Name")].message == "properties.Command.Name: 5 is not of type 'string'"
    assert "G.1X" in (by_path[("WorkerType",)].help or "")


def test_patterns_and_lengths() -> None:
    (problem,) = validate("AWS::Glue::Job", {"Role": "r", "Command": {"Name": "glueetl", "PythonVersion": "4"}})
    assert problem.path == ("Command", "PythonVersion") and "does not match" in problem.message


@pytest.mark.parametrize("value", [
    {"Ref": "param"}, {"Fn::GetAtt": ["role", "Arn"]}, {"Fn::Sub": "${AWS::AccountId}"}, {"Fn::ImportValue": "x"},
    {"Fn::If": ["c", 1, 2]}, {"Fn::Join": ["", ["a", "b"]]},
])
def test_intrinsic_functions_are_accepted_where_a_value_is_expected(value: Any) -> None:
    props = {"Role": value, "Command": value, "MaxRetries": value, "WorkerType": value, "DefaultArguments": value}
    assert validate("AWS::Glue::Job", props) == []
    assert validate("AWS::Kinesis::Stream", {"ShardCount": value, "StreamModeDetails": {"StreamMode": value}}) == []


def test_numbers_and_booleans_may_be_strings_as_cloudformation_reads_them() -> None:
    assert validate("AWS::Kinesis::Stream", {"ShardCount": "2"}) == []
    assert validate("AWS::SQS::Queue", {"FifoQueue": "true"}) == []
    assert [p.path for p in validate("AWS::Kinesis::Stream", {"ShardCount": "two"})] == [("ShardCount",)]


def test_custom_types_have_no_schema_and_pass() -> None:
    assert validate("Custom::CertValidator", {"ServiceToken": 1, "Anything": {"at": "all"}}) == []


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["AWS::Glue::Job", "AWS::Kinesis::Stream", "AWS::SSM::Parameter", "AWS::DynamoDB::GlobalTable"]),
       st.dictionaries(st.sampled_from(["Role", "Command", "Name", "Type", "Value", "ShardCount", "KeySchema", "Zzz"]), _json_values, max_size=4))
def test_any_properties_give_problems_never_an_exception(cfn_type: str, props: dict[str, Any]) -> None:
    problems = validate(cfn_type, props)
    assert all(isinstance(p, PropertyProblem) and p.message.startswith("properties") for p in problems)
    assert problems == sorted(problems, key=lambda p: ([str(x) for x in p.path], p.message))
    json.dumps([p.path for p in problems])
