"""EventBridge buses, rules and schedules: targets from connections, scoped permissions, the scheduler's role."""

from __future__ import annotations

from typing import Any

import pytest

from archc.compiler.context import CompileError
from tests.compiler.helpers import (
    ACCOUNT_ID,
    BASE,
    all_resources,
    cfn_lint_findings,
    compile_texts,
    compile_yaml,
    model_text,
    of_type,
    statements,
)

RESOURCES = """\
  key: {type: kms_key}
  role: {type: iam_role}
  fn: {type: lambda_function, role: role}
  logs: {type: log_group, retention_days: 365, kms_key: key}
  alarm: {type: alarm, monitors: [fn]}
  jobs: {type: sqs_queue, kms_key: key}
  fifo: {type: sqs_queue, fifo: true}
  dlq: {type: sqs_queue, retention_days: 14}
  bus: {type: eventbridge_bus, bus_name: shop-events, kms_key: key, archive_days: 30, description: shop events}
  placed:
    type: eventbridge_rule
    bus: bus
    event_pattern: {source: [shop], detail-type: [OrderPlaced]}
    dead_letter_queue: dlq
    retry_attempts: 10
    max_event_age_seconds: 3600
    description: order placed
  default_bus_rule: {type: eventbridge_rule, event_pattern: {source: [aws.s3]}, enabled: false}
  nightly:
    type: eventbridge_schedule
    expression: cron(0 3 * * ? *)
    timezone: Europe/Paris
    flexible_window_minutes: 15
    kms_key: key
    dead_letter_queue: dlq
    retry_attempts: 3
    max_event_age_seconds: 600
    description: nightly run
  hourly: {type: eventbridge_schedule, expression: rate(1 hour), enabled: false}
  once: {type: eventbridge_schedule, expression: at(2027-01-01T00:00:00)}
"""
CONNECTIONS = """\
  - {from: fn, to: bus, verb: publish}
  - {from: fn, to: logs, verb: logs}
  - {from: placed, to: fn, verb: invoke}
  - {from: placed, to: jobs, verb: trigger}
  - {from: default_bus_rule, to: fifo, verb: trigger}
  - {from: nightly, to: fn, verb: trigger}
  - {from: hourly, to: jobs, verb: trigger}
  - {from: once, to: fifo, verb: trigger}
"""
SOURCE = {"StringEquals": {"aws:SourceAccount": ACCOUNT_ID}}


def _res() -> dict[str, Any]:
    return all_resources(compile_yaml(RESOURCES, CONNECTIONS))


def test_every_field_lints_clean_and_builds_cfn_lint_clean() -> None:
    from archc.model.loader import load_texts
    from archc.rules.engine import run_rules

    loaded = load_texts([("model.yaml", BASE), ("main.yaml", model_text(RESOURCES, CONNECTIONS))])
    assert [d.code for d in run_rules(loaded.architecture) if d.severity == "error"] == []
    build = compile_yaml(RESOURCES, CONNECTIONS)
    found = cfn_lint_findings(build)
    assert found == []


def test_the_bus_is_encrypted_archived_and_its_key_lets_eventbridge_in() -> None:
    res = _res()
    bus = res["Bus"]["Properties"]
    assert bus == {"Name": "shop-events", "KmsKeyIdentifier": {"Fn::GetAtt": ["Key", "Arn"]}, "Description": "shop events"}
    archive = res["BusArchive"]["Properties"]
    assert (archive["SourceArn"], archive["RetentionDays"]) == ({"Fn::GetAtt": ["Bus", "Arn"]}, 30)
    key_stmts = {s["Sid"]: s for s in res["Key"]["Properties"]["KeyPolicy"]["Statement"]}
    assert key_stmts["EventBridgeBuses"]["Principal"] == {"Service": "events.amazonaws.com"}
    assert key_stmts["EventBridgeBuses"]["Condition"] == SOURCE


def test_a_rule_targets_its_connections_with_scoped_permissions() -> None:
    res = _res()
    rule = res["Placed"]["Properties"]
    assert rule["EventBusName"] == {"Ref": "Bus"}
    assert rule["EventPattern"] == {"source": ["shop"], "detail-type": ["OrderPlaced"]}
    assert [t["Id"] for t in rule["Targets"]] == ["Fn", "Jobs"]
    for t in rule["Targets"]:
        assert t["RetryPolicy"] == {"MaximumRetryAttempts": 10, "MaximumEventAgeInSeconds": 3600}
        assert t["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": ["Dlq", "Arn"]}}
    perm = res["FnPlacedPermission"]["Properties"]
    assert (perm["Principal"], perm["SourceArn"]) == ("events.amazonaws.com", {"Fn::GetAtt": ["Placed", "Arn"]})
    jobs_policy = {s["Sid"]: s for s in res["JobsPolicy"]["Properties"]["PolicyDocument"]["Statement"]}
    assert jobs_policy["FromPlaced"]["Condition"] == {"ArnEquals": {"aws:SourceArn": {"Fn::GetAtt": ["Placed", "Arn"]}}}
    assert jobs_policy["FromPlaced"]["Action"] == "sqs:SendMessage"
    dlq_policy = {s["Sid"] for s in res["DlqPolicy"]["Properties"]["PolicyDocument"]["Statement"]}
    assert "DeadLettersOfPlaced" in dlq_policy
    other = res["DefaultBusRule"]["Properties"]
    assert "EventBusName" not in other and other["State"] == "DISABLED"
    assert other["Targets"][0]["SqsParameters"] == {"MessageGroupId": "default_bus_rule"}


def test_a_schedule_runs_its_one_target_with_a_role_allowed_exactly_that() -> None:
    res = _res()
    sched = res["Nightly"]["Properties"]
    assert sched["ScheduleExpression"] == "cron(0 3 * * ? *)" and sched["ScheduleExpressionTimezone"] == "Europe/Paris"
    assert sched["FlexibleTimeWindow"] == {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15}
    assert sched["KmsKeyArn"] == {"Fn::GetAtt": ["Key", "Arn"]}
    assert sched["Target"]["Arn"] == {"Fn::GetAtt": ["Fn", "Arn"]}
    assert sched["Target"]["RoleArn"] == {"Fn::GetAtt": ["NightlyRole", "Arn"]}
    role = res["NightlyRole"]["Properties"]
    trust = role["AssumeRolePolicyDocument"]["Statement"][0]
    assert (trust["Principal"], trust["Condition"]) == ({"Service": "scheduler.amazonaws.com"}, SOURCE)
    st = {s["Sid"]: s for p in role["Policies"] for s in p["PolicyDocument"]["Statement"]}
    assert st["Target"] == {"Sid": "Target", "Effect": "Allow", "Action": ["lambda:InvokeFunction"], "Resource": {"Fn::GetAtt": ["Fn", "Arn"]}}
    assert st["DeadLetters"]["Action"] == ["sqs:SendMessage"] and st["DeadLetters"]["Resource"] == {"Fn::GetAtt": ["Dlq", "Arn"]}
    assert st["ScheduleKey"]["Action"] == ["kms:Decrypt"]
    hourly = res["HourlyRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    assert [s["Action"] for s in hourly] == [["sqs:SendMessage"], ["kms:Decrypt", "kms:GenerateDataKey"]]
    assert res["Hourly"]["Properties"]["State"] == "DISABLED" and res["Hourly"]["Properties"]["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert res["Once"]["Properties"]["Target"]["SqsParameters"] == {"MessageGroupId": "once"}


def test_publishing_to_a_bus_is_put_events_on_that_bus() -> None:
    build = compile_yaml(RESOURCES, CONNECTIONS)
    assert statements(build, "Role")["BusPublish"] == {"Sid": "BusPublish", "Effect": "Allow", "Action": ["events:PutEvents"],
                                                       "Resource": {"Fn::GetAtt": ["Bus", "Arn"]}}
    assert all_resources(build)["Fn"]["Properties"]["Environment"]["Variables"]["BUS_EVENT_BUS"] == "shop-events"


@pytest.mark.parametrize(("resources", "connections", "code", "message"), [
    ("  s: {type: eventbridge_schedule, expression: rate(1 day)}\n", "", "ARC117", "schedule 's' has 0 targets"),
    ("  q: {type: sqs_queue}\n  q2: {type: sqs_queue}\n", "  - {from: q, to: q2, verb: trigger}\n",
     "ARC116", "'trigger' from sqs_queue 'q' goes to lambda_function, not to sqs_queue 'q2'"),
    ("  q: {type: sqs_queue, region: us-east-1}\n  r: {type: eventbridge_rule, event_pattern: {source: [x]}}\n",
     "  - {from: r, to: q, verb: trigger}\n", "ARC120", "'r' triggers 'q' in another account or region"),
])
def test_what_cannot_be_built_is_refused_in_the_models_words(resources: str, connections: str, code: str, message: str) -> None:
    """Refused before anything is built, by the rule lint reports it with (`archc.rules.buildable.BUILD_CODES`)."""
    with pytest.raises(CompileError) as err:
        compile_texts(("main.yaml", model_text(resources, connections)))
    assert [(d.code, d.message) for d in err.value.diagnostics] == [(code, message)]


def test_no_schedule_role_statement_is_a_wildcard() -> None:
    for lid, role in of_type(compile_yaml(RESOURCES, CONNECTIONS), "AWS::IAM::Role").items():
        for policy in role["Properties"].get("Policies", []):
            for s in policy["PolicyDocument"]["Statement"]:
                assert s["Resource"] != "*" and not any(a.endswith("*") for a in s["Action"]), (lid, s)
