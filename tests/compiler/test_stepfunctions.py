"""Step Functions state machines: definition, logging, tracing, KMS, its own role built from its connections."""

from __future__ import annotations

from typing import Any

from tests.compiler.helpers import ACCOUNT_ID, BASE, all_resources, cfn_lint_findings, compile_yaml, model_text, statements

RESOURCES = """\
  key: {type: kms_key}
  role: {type: iam_role}
  fn: {type: lambda_function, role: role}
  worker: {type: lambda_function, role: role, provisioned_concurrency: 1}
  logs: {type: log_group, retention_days: 365, kms_key: key}
  alarm: {type: alarm, monitors: [fn, worker]}
  jobs: {type: sqs_queue, kms_key: key}
  topic: {type: sns_topic}
  orders: {type: dynamodb_table, partition_key: {name: pk}, kms_key: key}
  checkout:
    type: state_machine
    kind: standard
    log_level: ALL
    log_execution_data: true
    kms_key: key
    description: checkout workflow
    definition:
      StartAt: Charge
      States:
        Charge: {Type: Task, Resource: "arn:aws:states:::lambda:invoke", Parameters: {FunctionName: "${worker}"}, Next: Save}
        Save: {Type: Task, Resource: "arn:aws:states:::dynamodb:putItem", Parameters: {TableName: "${orders}", Item: {pk: {S: x}}}, Next: Tell}
        Tell: {Type: Task, Resource: "arn:aws:states:::sqs:sendMessage", Parameters: {QueueUrl: "${jobs}", MessageBody: done}, End: true}
  express: {type: state_machine, kind: express, tracing: false, definition_file: workflows/express.asl.json}
  nightly: {type: eventbridge_schedule, expression: rate(1 day)}
  placed: {type: eventbridge_rule, event_pattern: {source: [shop]}}
"""
CONNECTIONS = """\
  - {from: fn, to: logs, verb: logs}
  - {from: worker, to: logs, verb: logs}
  - {from: checkout, to: logs, verb: logs}
  - {from: checkout, to: worker, verb: invoke}
  - {from: checkout, to: orders, verb: write}
  - {from: checkout, to: jobs, verb: send}
  - {from: checkout, to: topic, verb: publish}
  - {from: checkout, to: express, verb: invoke}
  - {from: fn, to: checkout, verb: invoke}
  - {from: fn, to: express, verb: invoke}
  - {from: nightly, to: express, verb: trigger}
  - {from: placed, to: checkout, verb: trigger}
"""
SOURCE = {"StringEquals": {"aws:SourceAccount": ACCOUNT_ID}}


def _res() -> dict[str, Any]:
    return all_resources(compile_yaml(RESOURCES, CONNECTIONS))


def _role_statements(res: dict[str, Any], lid: str) -> dict[str, Any]:
    return {s["Sid"]: s for p in res[lid]["Properties"]["Policies"] for s in p["PolicyDocument"]["Statement"]}


def test_every_field_lints_clean_and_builds_cfn_lint_clean() -> None:
    from archc.model.loader import load_texts
    from archc.rules.engine import run_rules

    loaded = load_texts([("model.yaml", BASE), ("main.yaml", model_text(RESOURCES, CONNECTIONS))])
    assert [d.code for d in run_rules(loaded.architecture) if d.severity == "error"] == []
    build = compile_yaml(RESOURCES, CONNECTIONS)
    found = cfn_lint_findings(build)
    assert found == []


def test_the_machine_logs_traces_and_encrypts() -> None:
    p = _res()["Checkout"]["Properties"]
    assert p["StateMachineType"] == "STANDARD"
    assert p["LoggingConfiguration"] == {"Level": "ALL", "IncludeExecutionData": True, "Destinations": [
        {"CloudWatchLogsLogGroup": {"LogGroupArn": {"Fn::GetAtt": ["Logs", "Arn"]}}}]}
    assert p["TracingConfiguration"] == {"Enabled": True}
    assert p["EncryptionConfiguration"] == {"Type": "CUSTOMER_MANAGED_KMS_KEY", "KmsKeyId": {"Fn::GetAtt": ["Key", "Arn"]},
                                            "KmsDataKeyReusePeriodSeconds": 300}
    assert p["DefinitionSubstitutions"] == {"express": {"Ref": "Express"}, "jobs": {"Ref": "Jobs"}, "orders": {"Ref": "Orders"},
                                            "topic": {"Ref": "Topic"}, "worker": {"Ref": "WorkerAlias"}}
    assert p["Definition"]["StartAt"] == "Charge"


def test_a_definition_file_is_a_deploy_time_s3_location() -> None:
    build = compile_yaml(RESOURCES, CONNECTIONS)
    p = all_resources(build)["Express"]["Properties"]
    assert p["DefinitionS3Location"] == {"Bucket": {"Ref": "StateMachineDefinitionBucket"}, "Key": {"Ref": "ExpressDefinitionKey"}}
    params = {k: v for st in build.stacks for k, v in st.template.get("Parameters", {}).items()}
    assert params["ExpressDefinitionKey"]["Default"] == "workflows/express.asl.json"
    assert p["EncryptionConfiguration"] == {"Type": "AWS_OWNED_KEY"} and p["TracingConfiguration"] == {"Enabled": False}
    assert "ExpressLogGroup" in all_resources(build)  # no logs connection: one is made for it


def test_its_role_is_its_connections_and_nothing_else() -> None:
    res = _res()
    trust = res["CheckoutRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]
    assert (trust["Principal"], trust["Condition"]) == ({"Service": "states.amazonaws.com"}, SOURCE)
    st = _role_statements(res, "CheckoutRole")
    assert st["WorkerInvoke"]["Action"] == ["lambda:InvokeFunction"]
    assert st["WorkerInvoke"]["Resource"] == [{"Fn::GetAtt": ["Worker", "Arn"]}, {"Ref": "WorkerAlias"}]
    assert st["OrdersWrite"]["Resource"] == {"Fn::GetAtt": ["Orders", "Arn"]}
    assert st["JobsSend"]["Action"] == ["sqs:GetQueueAttributes", "sqs:SendMessage"]
    assert st["TopicPublish"]["Action"] == ["sns:Publish"]
    assert st["ExpressInvoke"] == {"Sid": "ExpressInvoke", "Effect": "Allow", "Action": ["states:StartExecution", "states:StartSyncExecution"],
                                   "Resource": {"Fn::Sub": "arn:${AWS::Partition}:states:us-west-2:111111111111:stateMachine:t-express"}}
    assert st["ExecutionDataKey"]["Condition"] == {"StringEquals": {"kms:ViaService": "states.us-west-2.amazonaws.com"}}
    wild = {sid for sid, s in st.items() if s["Resource"] == "*"}
    assert wild == {"LogDelivery", "XRay"}  # no resource-level permissions (docs/services.md)
    assert "XRay" not in _role_statements(res, "ExpressRole")


def test_invoking_a_machine_is_start_execution_on_it() -> None:
    build = compile_yaml(RESOURCES, CONNECTIONS)
    st = statements(build, "Role")
    assert st["CheckoutInvoke"]["Action"] == ["states:StartExecution"] and st["CheckoutInvoke"]["Resource"] == {"Fn::Sub": "arn:${AWS::Partition}:states:us-west-2:111111111111:stateMachine:t-checkout"}
    assert st["ExpressInvoke"]["Action"] == ["states:StartExecution", "states:StartSyncExecution"]
    env = all_resources(build)["Fn"]["Properties"]["Environment"]["Variables"]
    assert env["CHECKOUT_STATE_MACHINE_ARN"] == {"Ref": "Checkout"}


def test_rules_and_schedules_start_machines_through_a_role() -> None:
    res = _res()
    target = res["Placed"]["Properties"]["Targets"][0]
    assert (target["Arn"], target["RoleArn"]) == ({"Ref": "Checkout"}, {"Fn::GetAtt": ["PlacedTargetsRole", "Arn"]})
    assert _role_statements(res, "PlacedTargetsRole")["StartCheckout"]["Action"] == ["states:StartExecution"]
    assert res["PlacedTargetsRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "events.amazonaws.com"}
    assert res["Nightly"]["Properties"]["Target"]["Arn"] == {"Ref": "Express"}
    assert _role_statements(res, "NightlyRole")["Target"]["Action"] == ["states:StartExecution", "states:StartSyncExecution"]
