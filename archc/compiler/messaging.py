"""Messaging: SQS queues (encrypted, TLS-only, with their dead-letter queues) and SNS topics."""

from __future__ import annotations

from typing import Any

from troposphere import sns, sqs

from archc.compiler.context import Context
from archc.model.resources import SnsTopic, SqsQueue

RETAIN = {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}


def compile_sqs_queue(ctx: Context, rid: str, res: SqsQueue) -> None:
    lid = ctx.main[rid]
    props: dict[str, Any] = {"VisibilityTimeout": res.visibility_timeout_seconds, "MessageRetentionPeriod": res.retention_days * 86400, **RETAIN}
    if res.fifo:
        props["FifoQueue"] = True
    if res.encrypted and res.kms_key:
        props["KmsMasterKeyId"] = ctx.ref(res.kms_key, "Arn")
        props["KmsDataKeyReusePeriodSeconds"] = 300
    elif res.encrypted:
        props["SqsManagedSseEnabled"] = True
    if res.dead_letter_queue:
        # of another kind, or keeping messages less long: ARC431 refuses it before compiling
        props["RedrivePolicy"] = sqs.RedrivePolicy(deadLetterTargetArn=ctx.ref(res.dead_letter_queue, "Arn"), maxReceiveCount=res.max_receive_count)
    unit = ctx.add(sqs.Queue(lid, **props), rid)
    if not res.encrypted:
        unit.skip("CKV_AWS_27", "the model turns encryption off for this queue")
    ctx.add(sqs.QueuePolicy(ctx.new_id(rid, "Policy"), Queues=[ctx.ref(rid)], PolicyDocument={"Version": "2012-10-17", "Statement": [{
        "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": ctx.ref(rid, "Arn"),
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}] + list(ctx.asks.queue_statements.get(rid, ()))}), rid)


def compile_sns_topic(ctx: Context, rid: str, res: SnsTopic) -> None:
    lid = ctx.main[rid]
    props: dict[str, Any] = {}
    if res.encrypted:
        props["KmsMasterKeyId"] = ctx.ref(res.kms_key, "Arn") if res.kms_key else "alias/aws/sns"
    unit = ctx.add(sns.Topic(lid, **props), rid)
    if not res.encrypted:
        unit.skip("CKV_AWS_26", "the model turns encryption off for this topic")
    ctx.add(sns.TopicPolicy(ctx.new_id(rid, "Policy"), Topics=[ctx.ref(rid)], PolicyDocument={"Version": "2012-10-17", "Statement": [{
        "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "sns:Publish", "Resource": ctx.ref(rid),
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}), rid)
