"""Monitoring: log groups, CloudWatch alarms on each monitored resource's health signals, X-Ray sampling.

`SIGNALS` is data: (monitored type, signal) → the AWS metric, statistic and threshold. Thresholds are
archc's defaults and are written into each alarm's description.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from troposphere import cloudwatch, logs, xray

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


@dataclass(frozen=True, slots=True)
class Signal:
    namespace: str
    metric: str
    statistic: str  # Sum, Average, Maximum or a percentile (p99)
    threshold: float | Callable[[Any], float]
    what: str  # words for the description: "{what} ≥ {threshold}"
    period: int = 60
    periods: int = 5


LAMBDA = {
    "errors": Signal("AWS/Lambda", "Errors", "Sum", 1, "errors per minute"),
    "throttles": Signal("AWS/Lambda", "Throttles", "Sum", 1, "throttled invocations per minute"),
    "latency": Signal("AWS/Lambda", "Duration", "p99", lambda r: r.timeout_seconds * 800, "p99 duration in ms (80% of the timeout)"),
}
ECS = {
    "cpu": Signal("AWS/ECS", "CPUUtilization", "Average", 85, "average CPU %"),
    "memory": Signal("AWS/ECS", "MemoryUtilization", "Average", 85, "average memory %"),
}
TARGETS = {  # an ECS service behind a load balancer
    "errors": Signal("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum", 10, "target 5xx responses per minute"),
    "5xx": Signal("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum", 10, "target 5xx responses per minute"),
    "latency": Signal("AWS/ApplicationELB", "TargetResponseTime", "p99", 2, "p99 target response time in s"),
}
LOAD_BALANCER = {
    "errors": Signal("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "Sum", 10, "load balancer 5xx responses per minute"),
    "5xx": Signal("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "Sum", 10, "load balancer 5xx responses per minute"),
    "latency": Signal("AWS/ApplicationELB", "TargetResponseTime", "p99", 2, "p99 target response time in s"),
}
API = {
    "errors": Signal("AWS/ApiGateway", "5XXError", "Sum", 5, "5xx responses per minute"),
    "5xx": Signal("AWS/ApiGateway", "5XXError", "Sum", 5, "5xx responses per minute"),
    "latency": Signal("AWS/ApiGateway", "Latency", "p99", 2000, "p99 latency in ms"),
}
AURORA = {
    "cpu": Signal("AWS/RDS", "CPUUtilization", "Average", 80, "average CPU %"),
    "memory": Signal("AWS/RDS", "FreeableMemory", "Average", 268435456, "freeable memory below 256 MiB"),
}
QUEUE = {
    "queue_age": Signal("AWS/SQS", "ApproximateAgeOfOldestMessage", "Maximum", 900, "age of the oldest message in s"),
    "errors": Signal("AWS/SQS", "ApproximateNumberOfMessagesVisible", "Maximum", 1, "messages waiting (a dead-letter queue)"),
}


def _lb_of_target_group(ctx: Context, tg: str) -> str | None:
    lbs = ctx.index.lbs_of_tg.get(tg, [])
    return lbs[0] if lbs else None


def _signals(ctx: Context, rid: str) -> tuple[dict[str, Signal], dict[str, dict[str, Any]]]:
    """The signals *rid* offers, and the metric dimensions per namespace."""
    res = ctx.arch.resources[rid]
    if isinstance(res, LambdaFunction):
        return LAMBDA, {"AWS/Lambda": {"FunctionName": ctx.ref(rid)}}
    if isinstance(res, EcsService):
        dims: dict[str, dict[str, Any]] = {"AWS/ECS": {"ClusterName": ctx.ref(need(res.cluster)), "ServiceName": ctx.ref(rid, "Name")}}
        out = dict(ECS)
        lb = _lb_of_target_group(ctx, res.target_group) if res.target_group else None
        if lb is not None and res.target_group:
            out.update(TARGETS)
            dims["AWS/ApplicationELB"] = {"LoadBalancer": ctx.ref(lb, "LoadBalancerFullName"), "TargetGroup": ctx.ref(res.target_group, "TargetGroupFullName")}
        return out, dims
    if isinstance(res, LoadBalancer):
        return LOAD_BALANCER, {"AWS/ApplicationELB": {"LoadBalancer": ctx.ref(rid, "LoadBalancerFullName")}}
    if isinstance(res, ApiGateway):
        if res.kind == "http":
            return API, {"AWS/ApiGateway": {"ApiId": ctx.ref(rid), "Stage": "$default"}}
        return API, {"AWS/ApiGateway": {"ApiName": f"{ctx.arch.name}-{rid}", "Stage": res.stage}}
    if isinstance(res, AuroraCluster):
        return AURORA, {"AWS/RDS": {"DBClusterIdentifier": ctx.ref(rid)}}
    if isinstance(res, SqsQueue):
        return QUEUE, {"AWS/SQS": {"QueueName": ctx.ref(rid, "QueueName")}}
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
            threshold = sig.threshold(ctx.arch.resources[target]) if callable(sig.threshold) else sig.threshold
            below = sig.metric == "FreeableMemory"
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
