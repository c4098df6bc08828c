"""DynamoDB tables compile with secure defaults, exact IAM for each verb, and stream triggers."""

from __future__ import annotations

from typing import Any

import pytest

from archc.compiler.context import CompileError
from tests.compiler.helpers import all_resources, cfn_lint_findings, compile_texts, compile_yaml, model_text, of_type, statements

RESOURCES = """\
  key: {type: kms_key}
  role: {type: iam_role}
  fn: {type: lambda_function, role: role}
  reader: {type: iam_role}
  fn2: {type: lambda_function, role: reader}
  orders:
    type: dynamodb_table
    table_name: orders
    partition_key: {name: pk}
    sort_key: {name: sk, type: S}
    billing_mode: provisioned
    read_capacity: 5
    write_capacity: 5
    ttl_attribute: expires
    stream: new_image
    kms_key: key
    table_class: standard_infrequent_access
    indexes:
      - {name: by-customer, partition_key: {name: customer}, sort_key: {name: created, type: N}, read_capacity: 2, write_capacity: 2}
      - {name: by-status, partition_key: {name: status}, projection: keys_only, read_capacity: 1, write_capacity: 1}
  sessions: {type: dynamodb_table, partition_key: {name: id}}
  audit: {type: dynamodb_table, partition_key: {name: id}, point_in_time_recovery: false, deletion_protection: false}
"""
CONNECTIONS = """\
  - {from: fn, to: orders, verb: read_write}
  - {from: fn, to: sessions, verb: query}
  - {from: fn, to: audit, verb: write}
  - {from: reader, to: orders, verb: read}
  - {from: sessions, to: fn, verb: trigger}
  - {from: orders, to: fn, verb: trigger}
"""

ORDERS_ARN = {"Fn::GetAtt": ["Orders", "Arn"]}
INDEXES = [{"Fn::Sub": ["${Table}/index/by-customer", {"Table": ORDERS_ARN}]},
           {"Fn::Sub": ["${Table}/index/by-status", {"Table": ORDERS_ARN}]}]
KEY = {"Fn::GetAtt": ["Key", "Arn"]}
VIA = {"StringEquals": {"kms:ViaService": "dynamodb.us-west-2.amazonaws.com"}}


def _props(rid: str) -> dict[str, Any]:
    return all_resources(compile_yaml(RESOURCES, CONNECTIONS))[rid]["Properties"]  # type: ignore[no-any-return]


def test_every_field_compiles_cfn_lint_clean() -> None:
    build = compile_yaml(RESOURCES, CONNECTIONS)
    found = cfn_lint_findings(build)
    assert found == []


def test_tables_are_encrypted_recoverable_protected_and_retained() -> None:
    res = all_resources(compile_yaml(RESOURCES, CONNECTIONS))
    orders, sessions = res["Orders"], res["Sessions"]
    assert orders["Properties"]["SSESpecification"] == {"SSEEnabled": True, "SSEType": "KMS", "KMSMasterKeyId": KEY}
    assert sessions["Properties"]["SSESpecification"] == {"SSEEnabled": True, "SSEType": "KMS"}  # the aws/dynamodb key
    for table in (orders, sessions):
        assert table["Properties"]["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        assert table["Properties"]["DeletionProtectionEnabled"] is True
        assert (table["DeletionPolicy"], table["UpdateReplacePolicy"]) == ("Retain", "Retain")
    audit = res["Audit"]["Properties"]
    assert audit["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": False}
    assert audit["DeletionProtectionEnabled"] is False
    assert {s["id"] for s in res["Audit"]["Metadata"]["checkov"]["skip"]} == {"CKV_AWS_28", "CKV_AWS_119"}


def test_keys_billing_ttl_stream_and_indexes() -> None:
    p = _props("Orders")
    assert p["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]
    assert p["AttributeDefinitions"] == [{"AttributeName": n, "AttributeType": t} for n, t in
                                         [("created", "N"), ("customer", "S"), ("pk", "S"), ("sk", "S"), ("status", "S")]]
    assert (p["BillingMode"], p["ProvisionedThroughput"]) == ("PROVISIONED", {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})
    assert p["TimeToLiveSpecification"] == {"AttributeName": "expires", "Enabled": True}
    assert p["StreamSpecification"] == {"StreamViewType": "NEW_IMAGE"}
    assert p["TableClass"] == "STANDARD_INFREQUENT_ACCESS" and p["TableName"] == "orders"
    assert [(g["IndexName"], g["Projection"]["ProjectionType"]) for g in p["GlobalSecondaryIndexes"]] == [
        ("by-customer", "ALL"), ("by-status", "KEYS_ONLY")]
    sessions = _props("Sessions")
    assert sessions["BillingMode"] == "PAY_PER_REQUEST" and "ProvisionedThroughput" not in sessions
    assert sessions["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}  # turned on by its trigger
    assert "StreamSpecification" not in _props("Audit")


def test_each_verb_grants_exact_actions_on_the_table_its_indexes_and_its_key() -> None:
    build = compile_yaml(RESOURCES, CONNECTIONS)
    st = statements(build, "Role")
    assert st["OrdersReadWrite"]["Action"] == [
        "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:DescribeTable",
        "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:UpdateItem"]
    assert st["OrdersReadWrite"]["Resource"] == ORDERS_ARN
    assert st["OrdersReadWriteIndexes"]["Action"] == ["dynamodb:Query", "dynamodb:Scan"]
    assert st["OrdersReadWriteIndexes"]["Resource"] == INDEXES
    assert st["OrdersReadWriteKey"] == {"Sid": "OrdersReadWriteKey", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                                        "Resource": KEY, "Condition": VIA}
    assert st["SessionsQuery"]["Action"] == ["dynamodb:BatchGetItem", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:Query"]
    assert "SessionsQueryIndexes" not in st and "SessionsQueryKey" not in st  # no indexes, the AWS-managed key
    assert st["AuditWrite"]["Action"] == ["dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem",
                                          "dynamodb:DescribeTable", "dynamodb:PutItem", "dynamodb:UpdateItem"]
    reader = statements(build, "Reader")
    assert reader["OrdersRead"]["Action"] == ["dynamodb:BatchGetItem", "dynamodb:ConditionCheckItem", "dynamodb:DescribeTable",
                                              "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"]
    assert reader["OrdersReadKey"]["Action"] == ["kms:Decrypt"]
    for stmts in (st, reader):
        for s in stmts.values():
            assert not any(a.endswith(":*") for a in s["Action"])
            assert s["Resource"] != "*" or s["Action"] == ["dynamodb:ListStreams"], s


def test_a_stream_trigger_is_an_event_source_mapping_with_the_stream_permissions() -> None:
    build = compile_yaml(RESOURCES, CONNECTIONS)
    mappings = of_type(build, "AWS::Lambda::EventSourceMapping")
    assert sorted(mappings) == ["FnFromOrders", "FnFromSessions"]
    m = mappings["FnFromOrders"]["Properties"]
    assert m["EventSourceArn"] == {"Fn::GetAtt": ["Orders", "StreamArn"]}
    assert (m["StartingPosition"], m["BisectBatchOnFunctionError"], m["FunctionResponseTypes"]) == ("LATEST", True, ["ReportBatchItemFailures"])
    st = statements(build, "Role")
    assert st["FnFromOrdersStream"]["Action"] == ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]
    assert st["FnFromOrdersStream"]["Resource"] == {"Fn::GetAtt": ["Orders", "StreamArn"]}
    assert st["FnFromOrdersStreamKey"]["Action"] == ["kms:Decrypt"]
    assert st["FnFromSessionsStream"]["Resource"] == {"Fn::GetAtt": ["Sessions", "StreamArn"]}
    assert st["FnFromOrdersListStreams"]["Resource"] == "*"  # dynamodb:ListStreams has no resource-level permissions
    assert "FnFromSessionsListStreams" not in st  # granted once


def test_connected_code_is_told_the_table_names() -> None:
    env = _props("Fn")["Environment"]["Variables"]
    assert (env["ORDERS_TABLE"], env["SESSIONS_TABLE"], env["AUDIT_TABLE"]) == ({"Ref": "Orders"}, {"Ref": "Sessions"}, {"Ref": "Audit"})


def test_a_query_from_a_function_outside_any_vpc_needs_no_network() -> None:
    build = compile_yaml("  role: {type: iam_role}\n  fn: {type: lambda_function, role: role}\n  t: {type: dynamodb_table, partition_key: {name: pk}}\n",
                         "  - {from: fn, to: t, verb: query}\n")
    assert not of_type(build, "AWS::EC2::SecurityGroup")


def test_a_trigger_into_another_region_is_refused() -> None:
    text = model_text("  role: {type: iam_role}\n  fn: {type: lambda_function, role: role, region: us-east-1}\n"
                      "  t: {type: dynamodb_table, partition_key: {name: pk}}\n", "  - {from: t, to: fn, verb: trigger}\n")
    with pytest.raises(CompileError) as err:
        compile_texts(("main.yaml", text))
    assert [(d.code, d.message) for d in err.value.diagnostics] == [("ARC120", "'t' triggers 'fn' in another account or region")]


LINT_CLEAN = RESOURCES + """\
  logs: {type: log_group, retention_days: 365, kms_key: key}
  alarm: {type: alarm, monitors: [fn, fn2]}
"""
LINT_CLEAN_CONNECTIONS = CONNECTIONS + """\
  - {from: fn, to: logs, verb: logs}
  - {from: fn2, to: logs, verb: logs}
"""


def test_a_model_lint_passes_builds_cfn_lint_clean() -> None:
    from archc.model.loader import load_texts
    from archc.rules.engine import run_rules
    from tests.compiler.helpers import BASE

    loaded = load_texts([("model.yaml", BASE), ("main.yaml", model_text(LINT_CLEAN, LINT_CLEAN_CONNECTIONS))])
    findings = [(d.code, d.severity) for d in run_rules(loaded.architecture)]
    assert [f for f in findings if f[1] == "error"] == []
    assert ("ARC408", "warning") in findings and ("ARC409", "warning") in findings  # the audit table
    build = compile_texts(("main.yaml", model_text(LINT_CLEAN, LINT_CLEAN_CONNECTIONS)))
    found = cfn_lint_findings(build)
    assert found == []
