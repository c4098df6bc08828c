"""The verb an IAM statement's actions make on a resource of a given type."""

from __future__ import annotations

import pytest

from archc.importers.cloudformation_access import verb_for


@pytest.mark.parametrize(
    ("actions", "target", "verb"),
    [
        (["s3:GetObject"], "s3_bucket", "read"),
        (["s3:PutObject", "s3:AbortMultipartUpload"], "s3_bucket", "write"),
        (["s3:GetObject", "s3:PutObject"], "s3_bucket", "read_write"),
        (["sqs:SendMessage", "sqs:GetQueueAttributes"], "sqs_queue", "send"),
        (["sqs:ReceiveMessage", "sqs:DeleteMessage"], "sqs_queue", "read"),
        (["sqs:SendMessage", "sqs:ReceiveMessage"], "sqs_queue", "read_write"),
        (["sns:Publish"], "sns_topic", "publish"),
        (["rds-db:connect"], "aurora_cluster", "query"),
        (["secretsmanager:GetSecretValue"], "aurora_cluster", "query"),
        (["rds:DescribeDBClusters"], "aurora_cluster", "describe"),
        (["logs:CreateLogStream", "logs:PutLogEvents"], "log_group", "logs"),
        (["lambda:InvokeFunction"], "lambda_function", "invoke"),
        (["sts:AssumeRole"], "iam_role", "assume_role"),
        (["iam:PassRole"], "iam_role", None),
        (["kms:Decrypt"], "kms_key", None),
        (["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], "secret", "read"),
    ],
)
def test_verb_for(actions: list[str], target: str, verb: str | None) -> None:
    assert verb_for(actions, target) == verb
