"""Monitoring: log groups, CloudWatch alarms on each monitored resource's health signals, X-Ray sampling.

The signals are data in the catalogue (`archc.catalog.ALARM_METRICS`: monitored type → signal → the
AWS metric, statistic and threshold), which lint reads too. Thresholds are archc's defaults and are
written into each alarm's description; this module adds the metric dimensions of each resource.
"""

from __future__ import annotations

from typing import Any

from troposphere import cloudwatch, logs, xray

from archc.catalog import ALARM_METRICS, TARGET_GROUP_METRICS, AlarmMetric
from archc.compiler.context import AsksBuilder, Context, need
from archc.compiler.data import key_service_statement
from archc.compiler.naming import camel
from archc.model.resources import Alarm, ApiGateway, AuroraCluster, EcsService, LambdaFunction, LoadBalancer, LogGroup, SqsQueue, Tracing

RETAIN = {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}
LOGS_KEY_ACTIONS = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext",
                    "kms:ReEncryptFrom", "kms:ReEncryptTo"]


def contribute_log_group(ctx: Context, ask: AsksBuilder, rid: str, res: LogGroup) -> None:
    """An encrypted log group: its key lets CloudWatch Logs of this account and region use it."""
    if res.kms_key:
        p = ctx.placement(rid)
        key_service_statement(ask, res.kms_key, "CloudWatchLogsEncrypt", f"logs.{p.region}.amazonaws.com", LOGS_KEY_ACTIONS, {
            "ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{p.region}:{p.account_id}:log-group:*"}})


def compile_log_group(ctx: Context, rid: str, res: LogGroup) -> None:
    props: dict[str, Any] = dict(RETAIN)
    retention = res.retention_days if res.retention_days is not None else ctx.stated_log_retention(rid)
    if retention is not None:
        props["RetentionInDays"] = retention
    if res.kms_key:
        props["KmsKeyId"] = ctx.ref(res.kms_key, "Arn")
    unit = ctx.add(logs.LogGroup(ctx.main[rid], **props), rid)
    if not res.kms_key:
        unit.skip("CKV_AWS_158", "encrypted with the CloudWatch Logs service key; the model names no KMS key for this log group")


def compile_xray(ctx: Context, rid: str, res: Tracing) -> None:
    rule = xray.SamplingRuleProperty(RuleName=f"{ctx.arch.name}-{rid}"[:32], Priority=1000, FixedRate=res.sampling_percent / 100,
                                     ReservoirSize=1, ServiceName="*", ServiceType="*", Host="*", HTTPMethod="*", URLPath="*",
                                     ResourceARN="*", Version=1)
    ctx.add(xray.SamplingRule(ctx.main[rid], SamplingRule=rule), rid)


# --- alarms ------------------------------------------------------------------------------------


def _lb_of_target_group(ctx: Context, tg: str) -> str | None:
    lbs = ctx.index.lbs_of_tg.get(tg, [])
    return lbs[0] if lbs else None


def _signals(ctx: Context, rid: str) -> tuple[dict[str, AlarmMetric], dict[str, dict[str, Any]]]:
    """The signals *rid* offers, and the metric dimensions per namespace."""
    res = ctx.arch.resources[rid]
    offered = ALARM_METRICS.get(res.type, {})
    if isinstance(res, LambdaFunction):
        return offered, {"AWS/Lambda": {"FunctionName": ctx.ref(rid)}}
    if isinstance(res, EcsService):
        dims: dict[str, dict[str, Any]] = {"AWS/ECS": {"ClusterName": ctx.ref(need(res.cluster)), "ServiceName": ctx.ref(rid, "Name")}}
        out = dict(offered)
        lb = _lb_of_target_group(ctx, res.target_group) if res.target_group else None
        if lb is not None and res.target_group:
            out.update(TARGET_GROUP_METRICS)
            dims["AWS/ApplicationELB"] = {"LoadBalancer": ctx.ref(lb, "LoadBalancerFullName"), "TargetGroup": ctx.ref(res.target_group, "TargetGroupFullName")}
        return out, dims
    if isinstance(res, LoadBalancer):
        return offered, {"AWS/ApplicationELB": {"LoadBalancer": ctx.ref(rid, "LoadBalancerFullName")}}
    if isinstance(res, ApiGateway):
        if res.kind == "http":
            return offered, {"AWS/ApiGateway": {"ApiId": ctx.ref(rid), "Stage": "$default"}}
        return offered, {"AWS/ApiGateway": {"ApiName": f"{ctx.arch.name}-{rid}", "Stage": res.stage}}
    if isinstance(res, AuroraCluster):
        return offered, {"AWS/RDS": {"DBClusterIdentifier": ctx.ref(rid)}}
    if isinstance(res, SqsQueue):
        return offered, {"AWS/SQS": {"QueueName": ctx.ref(rid, "QueueName")}}
    return {}, {}


def compile_alarm(ctx: Context, rid: str, res: Alarm) -> None:
    actions = ctx.asks.alarm_actions.get(rid, ())
    for i, target in enumerate(res.monitors):
        offered, dims = _signals(ctx, target)
        if not offered or ctx.placement(target).group != ctx.placement(rid).group:
            continue  # ARC530 (archc.rules.buildable.alarm_metrics) refuses this before compiling
        for signal in res.signals:
            sig = offered.get(signal)
            if sig is None:
                continue
            threshold = sig.threshold * getattr(ctx.arch.resources[target], sig.per) if sig.per else sig.threshold
            below = sig.below
            props: dict[str, Any] = {
                "AlarmDescription": f"{target} {signal}: {sig.what} {'<' if below else '≥'} {threshold:g} for {sig.periods} of {sig.periods} minutes (archc default)",
                "Namespace": sig.namespace, "MetricName": sig.metric, "Period": sig.period, "EvaluationPeriods": sig.periods,
                "DatapointsToAlarm": sig.periods, "Threshold": threshold, "TreatMissingData": "notBreaching",
                "ComparisonOperator": "LessThanThreshold" if below else "GreaterThanOrEqualToThreshold",
                "Dimensions": [cloudwatch.MetricDimension(Name=k, Value=v) for k, v in sorted(dims[sig.namespace].items())],
            }
            if sig.statistic.startswith("p"):
                props["ExtendedStatistic"] = sig.statistic
            else:
                props["Statistic"] = sig.statistic
            if actions:
                props["AlarmActions"] = list(actions)
                props["OKActions"] = list(actions)
            ctx.add(cloudwatch.Alarm(ctx.new_id(rid, f"{camel(target)}{camel(signal)}"), **props), rid)
