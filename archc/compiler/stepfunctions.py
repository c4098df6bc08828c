"""Step Functions state machines: definition (inline or a file uploaded at deploy time), logging to a
log group, X-Ray tracing, KMS encryption, and a role of their own.

The role is trusted by ``states.amazonaws.com`` for this account only. Each connection out of the
state machine (`invoke` a function or another state machine, `send`, `publish`, `read`, `write`,
`read_write`) adds the same least-privilege statements a function's role would get for it
(`archc.compiler.iam.ACCESS`); the definition names those resources through
``DefinitionSubstitutions``: ``${ID}`` is the ARN, URL or name its service integration takes.
`invoke` INTO a state machine is ``states:StartExecution`` (``StartSyncExecution`` too for an
express one) on it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from troposphere import Sub, logs, stepfunctions

from archc.catalog import STATE_MACHINE_VERBS
from archc.compiler.context import Context, Statement
from archc.model.resources import StateMachine

DEFAULT_LOG_RETENTION_DAYS = 365
ACTING_VERBS = STATE_MACHINE_VERBS

# Vended logs: Step Functions delivers execution history through CloudWatch Logs' log-delivery API,
# whose actions have no resource-level permissions (AWS's documented policy uses "*").
LOG_DELIVERY_ACTIONS = ("logs:CreateLogDelivery", "logs:DeleteLogDelivery", "logs:DescribeLogGroups", "logs:DescribeResourcePolicies",
                        "logs:GetLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:UpdateLogDelivery")
LOG_DELIVERY_REASON = "CloudWatch Logs log delivery (how Step Functions writes execution history) has no resource-level permissions"
XRAY_ACTIONS = ("xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:PutTelemetryRecords", "xray:PutTraceSegments")
XRAY_REASON = "X-Ray has no resource-level permissions for these actions"


def machine_name(ctx: Context, rid: str) -> str:
    """A fixed name, '<model name>-<id>', so that policies can name the machine by a literal ARN
    (a role that starts the machine may belong to a function the machine itself invokes)."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", f"{ctx.arch.name}-{rid}")[:80]


def machine_arn(ctx: Context, rid: str) -> Any:
    p = ctx.placement(rid)
    return Sub(f"arn:${{AWS::Partition}}:states:{p.region}:{p.account_id}:stateMachine:{machine_name(ctx, rid)}")


def _log_group(ctx: Context, rid: str) -> str:
    """The log group the machine writes to (declared: its `logs` connection's target, else generated here)."""
    lid = ctx.declared.log_group[rid]
    if rid not in ctx.declared.generated_log_group:
        return lid
    unit = ctx.add(logs.LogGroup(lid, RetentionInDays=DEFAULT_LOG_RETENTION_DAYS, DeletionPolicy="Retain", UpdateReplacePolicy="Retain"), rid)
    unit.skip("CKV_AWS_158", "encrypted with the CloudWatch Logs service key; the model names no KMS key for these logs")
    return lid


def substitution(ctx: Context, target: str) -> Any:
    """What ``${ID}`` stands for in a definition: the identifier the service integration takes."""
    from archc.compiler.compute import invoke_arn

    t = ctx.type_of(target)
    if t == "lambda_function":
        return invoke_arn(ctx, target)
    if t == "sqs_queue":
        return ctx.ref(target)  # the queue URL (sqs:sendMessage takes QueueUrl)
    if t == "dynamodb_table":
        return ctx.ref(target)  # the table name
    if t == "eventbridge_bus":
        return ctx.ref(target)  # the bus name
    if t == "s3_bucket":
        from archc.compiler.data import s3_name
        return s3_name(ctx, target)
    if t in ("sns_topic", "state_machine", "secret"):
        return ctx.ref(target)  # the ARN
    if t == "ses_identity":
        from archc.compiler.ses import identity_of
        return identity_of(ctx, target)  # the domain or address (SendEmail takes it in FromEmailAddress)
    return ctx.ref(target, "Arn")


def compile_state_machine(ctx: Context, rid: str, res: StateMachine) -> None:
    from archc.compiler.iam import access, service_role

    lid = ctx.main[rid]
    region = ctx.placement(rid).region
    group = _log_group(ctx, rid)
    stmts: list[Statement] = []
    subs: dict[str, Any] = {}
    for _, conn in ctx.out.get(rid, []):
        if conn.verb not in ACTING_VERBS:
            continue
        found = access(ctx, conn.verb, conn.target)
        if found is None:
            continue  # refused by the connection check
        stmts += [s for s in found if s.key() not in {x.key() for x in stmts}]
        subs[conn.target] = substitution(ctx, conn.target)
    stmts.append(Statement("LogDelivery", LOG_DELIVERY_ACTIONS, ["*"], reason=LOG_DELIVERY_REASON))
    if res.tracing:
        stmts.append(Statement("XRay", XRAY_ACTIONS, ["*"], reason=XRAY_REASON))
    if res.kms_key:
        stmts.append(Statement("ExecutionDataKey", ("kms:Decrypt", "kms:GenerateDataKey"), [ctx.ref(res.kms_key, "Arn")],
                               {"StringEquals": {"kms:ViaService": f"states.{region}.amazonaws.com"}}))
    role = service_role(ctx, rid, "Role", "states.amazonaws.com", stmts)
    props: dict[str, Any] = {
        "StateMachineName": machine_name(ctx, rid), "StateMachineType": res.kind.upper(), "RoleArn": ctx.ref(role, "Arn"),
        "LoggingConfiguration": stepfunctions.LoggingConfiguration(
            Level=res.log_level, IncludeExecutionData=res.log_execution_data,
            Destinations=[stepfunctions.LogDestination(CloudWatchLogsLogGroup=stepfunctions.CloudWatchLogsLogGroup(
                LogGroupArn=ctx.ref(group, "Arn")))]),
        "TracingConfiguration": stepfunctions.TracingConfiguration(Enabled=res.tracing),
        "EncryptionConfiguration": (stepfunctions.EncryptionConfiguration(Type="CUSTOMER_MANAGED_KMS_KEY", KmsKeyId=ctx.ref(res.kms_key, "Arn"),
                                                                          KmsDataKeyReusePeriodSeconds=300)
                                    if res.kms_key else stepfunctions.EncryptionConfiguration(Type="AWS_OWNED_KEY")),
    }
    if res.definition is not None:
        props["Definition"] = res.definition
    elif res.definition_file is not None:
        bucket = ctx.param("StateMachineDefinitionBucket", "String", "S3 bucket, in this stack's region, that holds the state machine definitions")
        key = ctx.param(f"{lid}DefinitionKey", "String", f"S3 key of the definition (JSON) of state machine {rid}", default=res.definition_file)
        props["DefinitionS3Location"] = stepfunctions.S3Location(Bucket=bucket, Key=key)
    else:
        ctx.error(ctx.path(rid), f"{ctx.who(rid)} has no definition", help="give definition: {StartAt: ..., States: {...}} or definition_file: path")
        return
    if subs:
        props["DefinitionSubstitutions"] = dict(sorted(subs.items()))
    ctx.add(stepfunctions.StateMachine(lid, **props), rid)


# --- IAM ---------------------------------------------------------------------------------------


def _start(ctx: Context, machine: str, sid: str) -> list[Statement]:
    actions: tuple[str, ...] = ("states:StartExecution",)
    if ctx.get(machine, StateMachine).kind == "express":
        actions += ("states:StartSyncExecution",)
    return [Statement(sid, actions, [machine_arn(ctx, machine)])]


ACCESS: dict[tuple[str, str], Callable[[Context, str, str], list[Statement]]] = {
    ("invoke", "state_machine"): _start,
    ("trigger", "state_machine"): _start,
}


def wiring_env(ctx: Context, machine: str, name: str) -> dict[str, Any]:
    """What code starting the state machine is told: its ARN."""
    return {f"{name}_STATE_MACHINE_ARN": ctx.ref(machine)}
