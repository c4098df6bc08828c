"""Kinesis data streams (on-demand or provisioned, always KMS-encrypted, retained) and ECR
repositories (immutable tags, scan on push, KMS, lifecycle); the IAM of the verbs that reach them;
a stream `trigger` to a function is an event source mapping.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from troposphere import awslambda, ecr, kinesis

from archc.compiler.context import AsksBuilder, Context, Statement
from archc.compiler.naming import camel
from archc.model.resources import EcrRepository, KinesisStream

RETAIN = {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}
STREAM_READ = ("kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator",
               "kinesis:ListShards")
STREAM_WRITE = ("kinesis:DescribeStreamSummary", "kinesis:PutRecord", "kinesis:PutRecords")
ECR_PULL = ("ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")
ECR_PUSH = ("ecr:BatchCheckLayerAvailability", "ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart")
ECR_AUTH_REASON = "ecr:GetAuthorizationToken has no resource-level permissions (it returns a registry login, not access to a repository)"


def _triggers(ctx: Context, rid: str, report: bool = False) -> list[str]:
    """The functions stream *rid* triggers in its own account and region (*report*: say why others are not built)."""
    out = []
    for i, c in ctx.out.get(rid, []):
        if c.verb != "trigger" or ctx.type_of(c.target) != "lambda_function":
            continue
        if ctx.placement(c.target).group != ctx.placement(rid).group:
            if report:
                ctx.error(("connections", i), f"{ctx.who(rid)} triggers '{c.target}' in another account or region",
                          help="a stream triggers functions of its own account and region")
            continue
        out.append(c.target)
    return out


def contribute_kinesis_stream(ctx: Context, ask: AsksBuilder, rid: str, res: KinesisStream) -> None:
    """Each function the stream triggers: the stream-reading statements on its role."""
    from archc.compiler.iam import principal_roles

    for fn in _triggers(ctx, rid, report=True):
        for role in principal_roles(ctx, fn, "trigger") or []:
            for stmt in _stream(STREAM_READ, ("kms:Decrypt",))(ctx, rid, camel(fn) + "From" + camel(rid)):
                ask.grant(role, stmt)


def compile_kinesis_stream(ctx: Context, rid: str, res: KinesisStream) -> None:
    props: dict[str, Any] = {
        "RetentionPeriodHours": res.retention_hours,
        "StreamModeDetails": kinesis.StreamModeDetails(StreamMode="ON_DEMAND" if res.mode == "on_demand" else "PROVISIONED"),
        "StreamEncryption": kinesis.StreamEncryption(EncryptionType="KMS", KeyId=ctx.ref(res.kms_key, "Arn") if res.kms_key else "alias/aws/kinesis"),
        **RETAIN,
    }
    if res.shards is not None:
        props["ShardCount"] = res.shards
    ctx.add(kinesis.Stream(ctx.main[rid], **props), rid)
    for fn in _triggers(ctx, rid):
        _trigger(ctx, rid, fn)


def _trigger(ctx: Context, stream: str, fn: str) -> None:
    """An event source mapping from *stream* to *fn* (its role's permissions: `contribute_kinesis_stream`)."""
    from archc.compiler.compute import invoke_arn

    ctx.add(awslambda.EventSourceMapping(
        ctx.new_id(fn, f"From{camel(stream)}"), EventSourceArn=ctx.ref(stream, "Arn"), FunctionName=invoke_arn(ctx, fn),
        StartingPosition="LATEST", BatchSize=100, MaximumBatchingWindowInSeconds=1, Enabled=True, BisectBatchOnFunctionError=True,
        MaximumRetryAttempts=10, MaximumRecordAgeInSeconds=86400, FunctionResponseTypes=["ReportBatchItemFailures"]), fn)


def compile_ecr_repository(ctx: Context, rid: str, res: EcrRepository) -> None:
    props: dict[str, Any] = {
        "ImageTagMutability": "IMMUTABLE" if res.immutable_tags else "MUTABLE",
        "ImageScanningConfiguration": ecr.ImageScanningConfiguration(ScanOnPush=res.scan_on_push),
        "EncryptionConfiguration": ecr.EncryptionConfiguration(EncryptionType="KMS", **({"KmsKey": ctx.ref(res.kms_key, "Arn")} if res.kms_key else {})),
        **RETAIN,
    }
    if res.repository_name:
        props["RepositoryName"] = res.repository_name
    if res.keep_images is not None:
        policy = {"rules": [{"rulePriority": 1, "description": f"keep the newest {res.keep_images} images",
                             "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": res.keep_images},
                             "action": {"type": "expire"}}]}
        props["LifecyclePolicy"] = ecr.LifecyclePolicy(LifecyclePolicyText=json.dumps(policy, sort_keys=True))
    unit = ctx.add(ecr.Repository(ctx.main[rid], **props), rid)
    if not res.immutable_tags:
        unit.skip("CKV_AWS_51", "the model lets tags move for this repository")


# --- IAM ---------------------------------------------------------------------------------------


def _key(ctx: Context, target: str, sid: str, actions: tuple[str, ...], service: str) -> list[Statement]:
    res = ctx.arch.resources[target]
    key = res.kms_key if isinstance(res, (KinesisStream, EcrRepository)) else None
    if not key:
        return []
    cond = {"StringEquals": {"kms:ViaService": f"{service}.{ctx.placement(target).region}.amazonaws.com"}}
    return [Statement(f"{sid}Key", actions, [ctx.ref(key, "Arn")], cond)]


def _stream(actions: tuple[str, ...], key_actions: tuple[str, ...]) -> Callable[[Context, str, str], list[Statement]]:
    def build(ctx: Context, stream: str, sid: str) -> list[Statement]:
        return [Statement(sid, actions, [ctx.ref(stream, "Arn")])] + _key(ctx, stream, sid, key_actions, "kinesis")
    return build


def _repository(actions: tuple[str, ...], key_actions: tuple[str, ...]) -> Callable[[Context, str, str], list[Statement]]:
    def build(ctx: Context, repo: str, sid: str) -> list[Statement]:
        return [Statement(sid, actions, [ctx.ref(repo, "Arn")]),
                Statement("EcrAuth", ("ecr:GetAuthorizationToken",), ["*"], reason=ECR_AUTH_REASON)] + _key(ctx, repo, sid, key_actions, "ecr")
    return build


ACCESS: dict[tuple[str, str], Callable[[Context, str, str], list[Statement]]] = {
    ("read", "kinesis_stream"): _stream(STREAM_READ, ("kms:Decrypt",)),
    ("write", "kinesis_stream"): _stream(STREAM_WRITE, ("kms:GenerateDataKey",)),
    ("read", "ecr_repository"): _repository(ECR_PULL, ("kms:Decrypt",)),
    ("write", "ecr_repository"): _repository(ECR_PUSH, ("kms:Decrypt", "kms:GenerateDataKey")),
}


def stream_env(ctx: Context, stream: str, name: str) -> dict[str, Any]:
    return {f"{name}_STREAM": ctx.ref(stream)}


def repository_env(ctx: Context, repo: str, name: str) -> dict[str, Any]:
    return {f"{name}_REPOSITORY_URI": ctx.ref(repo, "RepositoryUri")}
