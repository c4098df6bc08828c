"""Kinesis data streams and ECR repositories: encryption, retention, exact IAM, stream triggers."""

from __future__ import annotations

import json

from tests.compiler.helpers import BASE, all_resources, cfn_lint_findings, compile_yaml, model_text, of_type, statements

RESOURCES = """\
  key: {type: kms_key}
  role: {type: iam_role}
  fn: {type: lambda_function, role: role}
  ci: {type: iam_role}
  builder: {type: lambda_function, role: ci}
  logs: {type: log_group, retention_days: 365}
  alarm: {type: alarm, monitors: [fn, builder]}
  clicks: {type: kinesis_stream, retention_hours: 168, kms_key: key}
  audit: {type: kinesis_stream, mode: provisioned, shards: 2}
  images: {type: ecr_repository, repository_name: shop/api, kms_key: key, keep_images: 20}
  scratch: {type: ecr_repository, immutable_tags: false, scan_on_push: false, keep_images: null}
"""
CONNECTIONS = """\
  - {from: clicks, to: fn, verb: trigger}
  - {from: fn, to: audit, verb: write}
  - {from: builder, to: images, verb: write}
  - {from: fn, to: images, verb: read}
  - {from: fn, to: logs, verb: logs}
  - {from: builder, to: logs, verb: logs}
"""


def test_every_field_lints_clean_and_builds_cfn_lint_clean() -> None:
    from archc.model.loader import load_texts
    from archc.rules.engine import run_rules

    loaded = load_texts([("model.yaml", BASE), ("main.yaml", model_text(RESOURCES, CONNECTIONS))])
    assert [d.code for d in run_rules(loaded.architecture) if d.severity == "error"] == []
    build = compile_yaml(RESOURCES, CONNECTIONS)
    found = cfn_lint_findings(build)
    assert found == []


def test_streams_are_kms_encrypted_and_retained() -> None:
    res = all_resources(compile_yaml(RESOURCES, CONNECTIONS))
    clicks = res["Clicks"]
    assert clicks["Properties"]["StreamEncryption"] == {"EncryptionType": "KMS", "KeyId": {"Fn::GetAtt": ["Key", "Arn"]}}
    assert clicks["Properties"]["StreamModeDetails"] == {"StreamMode": "ON_DEMAND"} and clicks["Properties"]["RetentionPeriodHours"] == 168
    assert (clicks["DeletionPolicy"], clicks["UpdateReplacePolicy"]) == ("Retain", "Retain")
    audit = res["Audit"]["Properties"]
    assert audit["StreamEncryption"] == {"EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"} and audit["ShardCount"] == 2


def test_a_stream_trigger_and_the_verbs_grant_exact_actions() -> None:
    build = compile_yaml(RESOURCES, CONNECTIONS)
    assert of_type(build, "AWS::Lambda::EventSourceMapping")["FnFromClicks"]["Properties"]["EventSourceArn"] == {"Fn::GetAtt": ["Clicks", "Arn"]}
    st = statements(build, "Role")
    assert st["FnFromClicks"]["Action"] == ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords",
                                            "kinesis:GetShardIterator", "kinesis:ListShards"]
    assert st["FnFromClicksKey"]["Action"] == ["kms:Decrypt"]
    assert st["AuditWrite"]["Action"] == ["kinesis:DescribeStreamSummary", "kinesis:PutRecord", "kinesis:PutRecords"]
    assert st["ImagesRead"]["Action"] == ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    assert st["ImagesRead"]["Resource"] == {"Fn::GetAtt": ["Images", "Arn"]}
    assert st["EcrAuth"]["Resource"] == "*"  # ecr:GetAuthorizationToken has no resource-level permissions
    ci = statements(build, "Ci")
    assert ci["ImagesWrite"]["Action"] == ["ecr:BatchCheckLayerAvailability", "ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload",
                                           "ecr:PutImage", "ecr:UploadLayerPart"]


def test_repositories_are_immutable_scanned_encrypted_and_pruned() -> None:
    res = all_resources(compile_yaml(RESOURCES, CONNECTIONS))
    p = res["Images"]["Properties"]
    assert (p["ImageTagMutability"], p["ImageScanningConfiguration"], p["RepositoryName"]) == ("IMMUTABLE", {"ScanOnPush": True}, "shop/api")
    assert p["EncryptionConfiguration"] == {"EncryptionType": "KMS", "KmsKey": {"Fn::GetAtt": ["Key", "Arn"]}}
    assert json.loads(p["LifecyclePolicy"]["LifecyclePolicyText"])["rules"][0]["selection"]["countNumber"] == 20
    s = res["Scratch"]["Properties"]
    assert (s["ImageTagMutability"], "LifecyclePolicy" in s, s["EncryptionConfiguration"]) == ("MUTABLE", False, {"EncryptionType": "KMS"})
