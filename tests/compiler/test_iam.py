"""Least privilege: exact actions and exact resource ARNs per verb, trust policies, no stray wildcards."""

from __future__ import annotations

import pytest

from tests.compiler.helpers import ACCOUNT_ID, OTHER_ID, all_resources, compile_texts, compile_yaml, model_text, statements

FN = "  fn: {type: lambda_function, role: role}\n  role: {type: iam_role}\n"
BUCKET_ARN = {"Fn::Sub": f"arn:${{AWS::Partition}}:s3:::data-{ACCOUNT_ID}-us-west-2"}
OBJECTS_ARN = {"Fn::Sub": f"arn:${{AWS::Partition}}:s3:::data-{ACCOUNT_ID}-us-west-2/*"}
KEY_ARN = {"Fn::GetAtt": ["Key", "Arn"]}
S3_VIA = {"StringEquals": {"kms:ViaService": "s3.us-west-2.amazonaws.com"}}


def _s3(verb: str) -> dict[str, dict[str, object]]:
    b = compile_yaml(FN + "  data: {type: s3_bucket, name: data, kms_key: key}\n  key: {type: kms_key}\n",
                     f"  - {{from: fn, to: data, verb: {verb}}}\n")
    return statements(b, "Role")


def test_s3_read_is_get_and_list_on_exactly_the_bucket_and_decrypt_on_its_key() -> None:
    s = _s3("read")
    assert s["DataReadObjects"] == {"Sid": "DataReadObjects", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": OBJECTS_ARN}
    assert s["DataReadList"] == {"Sid": "DataReadList", "Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": BUCKET_ARN}
    assert s["DataReadKey"] == {"Sid": "DataReadKey", "Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": KEY_ARN, "Condition": S3_VIA}


def test_s3_write_is_put_only() -> None:
    s = _s3("write")
    assert s["DataWriteObjects"]["Action"] == ["s3:PutObject", "s3:AbortMultipartUpload"]
    assert s["DataWriteObjects"]["Resource"] == OBJECTS_ARN
    assert "DataWriteList" not in s
    assert s["DataWriteKey"]["Action"] == ["kms:Decrypt", "kms:GenerateDataKey"]


def test_s3_read_write_is_the_union_and_never_delete() -> None:
    s = _s3("read_write")
    assert s["DataReadWriteObjects"]["Action"] == ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"]
    assert s["DataReadWriteList"]["Resource"] == BUCKET_ARN
    assert not any("Delete" in a for st in s.values() for a in st["Action"])


def test_query_grants_the_managed_master_secret_and_opens_the_database_group() -> None:
    b = compile_yaml(
        "  fn: {type: lambda_function, role: role, subnets: [priv_a, priv_b]}\n  role: {type: iam_role}\n"
        "  dbsub: {type: db_subnet_group, subnets: [priv_a, priv_b]}\n"
        "  db: {type: aurora_cluster, engine_version: '15.4', subnet_group: dbsub}\n",
        "  - {from: fn, to: db, verb: query}\n", network=True)
    s = statements(b, "Role")
    assert s["DbQuerySecret"]["Action"] == ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"]
    assert s["DbQuerySecret"]["Resource"] == {"Fn::GetAtt": ["Db", "MasterUserSecret.SecretArn"]}
    res = all_resources(b)
    rule = res["DbFromFnPort5432"]["Properties"]
    assert rule == {"GroupId": {"Fn::GetAtt": ["DbSecurityGroup", "GroupId"]}, "SourceSecurityGroupId": {"Fn::GetAtt": ["FnSecurityGroup", "GroupId"]},
                    "IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "Description": "fn queries db"}
    egress = res["FnSecurityGroup"]["Properties"]["SecurityGroupEgress"]
    assert {"Description": "to db (database)", "IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
            "DestinationSecurityGroupId": {"Fn::GetAtt": ["DbSecurityGroup", "GroupId"]}} in egress


def _cross_account(extra: str = "") -> tuple[dict[str, object], dict[str, object], dict[str, object]]:
    prod = model_text("  reader: {type: iam_role, role_name: Reader, assumable_by: [caller]" + extra + "}\n")
    ops = model_text("  caller: {type: iam_role, role_name: Caller}\n  fn: {type: lambda_function, role: caller}\n",
                     "  - {from: caller, to: reader, verb: assume_role}\n", account="other")
    b = compile_texts(("prod.yaml", prod), ("ops.yaml", ops))
    res = all_resources(b)
    return res["Reader"]["Properties"]["AssumeRolePolicyDocument"], statements(b, "Caller"), {st.name: st for st in b.stacks}


def test_assume_role_across_accounts_names_exactly_the_role_arns() -> None:
    trust, caller, stacks = _cross_account()
    assert trust["Statement"] == [{"Effect": "Allow", "Principal": {"AWS": {"Fn::Sub": f"arn:${{AWS::Partition}}:iam::{OTHER_ID}:role/Caller"}},
                                   "Action": "sts:AssumeRole"}]
    assert caller["ReaderAssumeRole"] == {"Sid": "ReaderAssumeRole", "Effect": "Allow", "Action": ["sts:AssumeRole"],
                                          "Resource": {"Fn::Sub": f"arn:${{AWS::Partition}}:iam::{ACCOUNT_ID}:role/Reader"}}
    # the trusted role must exist first: the trusting stack deploys after the caller's
    assert stacks["t-main-us-west-2"].depends_on == {"t-other-us-west-2"}


def test_trust_with_mfa_and_external_id() -> None:
    trust, _, stacks = _cross_account(", require_mfa: true, require_external_id: true")
    cond = trust["Statement"][0]["Condition"]
    assert cond == {"Bool": {"aws:MultiFactorAuthPresent": "true"}, "StringEquals": {"sts:ExternalId": {"Ref": "ReaderExternalId"}}}
    param = stacks["t-main-us-west-2"].parameters["ReaderExternalId"]
    assert param["NoEcho"] is True and param["Type"] == "String"


def test_service_trust_comes_from_the_roles_users() -> None:
    b = compile_yaml(FN)
    trust = all_resources(b)["Role"]["Properties"]["AssumeRolePolicyDocument"]
    assert trust["Statement"] == [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]


def test_only_services_without_resource_level_permissions_get_a_wildcard_with_a_reason() -> None:
    b = compile_yaml(FN + "  tr: {type: xray}\n  ns: {type: metric_namespace, namespace: App/Prod}\n",
                     "  - {from: fn, to: tr, verb: traces}\n  - {from: fn, to: ns, verb: metrics}\n")
    s = statements(b, "Role")
    wild = {sid for sid, st in s.items() if st["Resource"] == "*"}
    assert wild == {"TrTraces", "NsMetrics"}
    assert s["NsMetrics"]["Condition"] == {"StringEquals": {"cloudwatch:namespace": "App/Prod"}}
    notes = all_resources(b)["Role"]["Metadata"]["archc"]["wildcards"]
    assert sorted(n["sid"] for n in notes) == ["NsMetrics", "TrTraces"]


def test_cross_account_trust_needs_a_role_name() -> None:
    from archc.compiler.context import CompileError

    prod = model_text("  reader: {type: iam_role, assumable_by: [caller]}\n")
    ops = model_text("  caller: {type: iam_role}\n  fn: {type: lambda_function, role: caller}\n", account="other")
    with pytest.raises(CompileError) as exc:
        compile_texts(("prod.yaml", prod), ("ops.yaml", ops))
    assert [d.path for d in exc.value.diagnostics] == [("resources", "reader", "assumable_by", 0)]
    assert "no role_name" in exc.value.diagnostics[0].message
