"""EventBridge: event buses (KMS, archives), rules (pattern, targets, retries, dead-letter queue) and
EventBridge Scheduler schedules (one target, run by a role of their own).

A rule's or schedule's targets are its `trigger`/`invoke` connections (`catalog.PAIRS` says which
types). A rule reaches a function through a resource-based permission scoped to the rule's ARN
and a queue through a queue-policy statement scoped the same way; a schedule acts through its own
role, trusted by ``scheduler.amazonaws.com`` for this account only and allowed exactly the call
on exactly the target (and on its dead-letter queue).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from troposphere import Sub, awslambda, events, scheduler

from archc.catalog import PAIRS
from archc.compiler.context import AsksBuilder, Context, Statement
from archc.compiler.naming import camel
from archc.model.resources import EventBridgeBus, EventBridgeRule, EventBridgeSchedule, SqsQueue

TARGET_VERBS = ("trigger", "invoke")


def targets(ctx: Context, rid: str) -> list[tuple[int, str]]:
    """(connection index, target) of each connection that makes a target of rule or schedule *rid*."""
    allowed = PAIRS["trigger"][ctx.type_of(rid)]
    return [(i, c.target) for i, c in ctx.out.get(rid, []) if c.verb in TARGET_VERBS and ctx.type_of(c.target) in allowed]


def bus_name(ctx: Context, rid: str) -> str:
    res = ctx.get(rid, EventBridgeBus)
    return str(res.bus_name or re.sub(r"[^A-Za-z0-9._-]+", "-", f"{ctx.arch.name}-{rid}"))[:256]


def bus_arn(ctx: Context, rid: str) -> Any:
    """The bus ARN as a literal (a key policy naming the bus cannot refer to it: the bus refers to the key)."""
    p = ctx.placement(rid)
    return Sub(f"arn:${{AWS::Partition}}:events:{p.region}:{p.account_id}:event-bus/{bus_name(ctx, rid)}")


def _events_may_use_key(ctx: Context, ask: AsksBuilder, key: str, sid: str, owner: str) -> None:
    from archc.compiler.data import key_service_statement

    key_service_statement(ask, key, sid, "events.amazonaws.com", ["kms:Decrypt", "kms:GenerateDataKey"],
                          {"StringEquals": {"aws:SourceAccount": ctx.placement(owner).account_id}})


def contribute_eventbridge_bus(ctx: Context, ask: AsksBuilder, rid: str, res: EventBridgeBus) -> None:
    """EventBridge may use the bus's key."""
    if res.kms_key:
        _events_may_use_key(ctx, ask, res.kms_key, "EventBridgeBuses", rid)


def compile_eventbridge_bus(ctx: Context, rid: str, res: EventBridgeBus) -> None:
    props: dict[str, Any] = {"Name": bus_name(ctx, rid)}
    if res.description:
        props["Description"] = res.description[:512]
    if res.kms_key:
        props["KmsKeyIdentifier"] = ctx.ref(res.kms_key, "Arn")
    ctx.add(events.EventBus(ctx.main[rid], **props), rid)
    if res.archive_days is not None:
        archive: dict[str, Any] = {"SourceArn": ctx.ref(rid, "Arn"), "RetentionDays": res.archive_days,
                                   "Description": f"every event of bus {rid}, for replay"}
        if res.kms_key:
            archive["KmsKeyIdentifier"] = ctx.ref(res.kms_key, "Arn")
        ctx.add(events.Archive(ctx.new_id(rid, "Archive"), **archive), rid)


def _same_place(ctx: Context, i: int, rid: str, target: str, report: bool = True) -> bool:
    if ctx.placement(target).group == ctx.placement(rid).group:
        return True
    if report:
        ctx.error(("connections", i), f"{ctx.who(rid)} targets '{target}' in another account or region",
              help="archc builds targets of the rule's or schedule's own account and region; put an event bus in the other account")
    return False


def _queue_allows(ctx: Context, ask: AsksBuilder, queue: str, sid: str, source_arn: Any) -> None:
    """Let EventBridge (for the rule *source_arn* only) send to *queue*, with its key when it has one."""
    ask.queue_statements[queue].append({"Sid": sid, "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
                                        "Action": "sqs:SendMessage", "Resource": ctx.ref(queue, "Arn"),
                                        "Condition": {"ArnEquals": {"aws:SourceArn": source_arn}}})
    q = ctx.get(queue, SqsQueue)
    if q.encrypted and q.kms_key:
        _events_may_use_key(ctx, ask, q.kms_key, "EventBridgeSendsToQueues", queue)


def contribute_eventbridge_rule(ctx: Context, ask: AsksBuilder, rid: str, res: EventBridgeRule) -> None:
    """The queues among the rule's targets (and its dead-letter queue) let the rule send to them."""
    rule_arn = ctx.ref(rid, "Arn")
    built = False
    for i, target in targets(ctx, rid):
        if not _same_place(ctx, i, rid, target):
            continue
        built = True
        if ctx.type_of(target) == "sqs_queue":
            _queue_allows(ctx, ask, target, f"From{camel(rid)}", rule_arn)
    if res.dead_letter_queue and built:
        _queue_allows(ctx, ask, res.dead_letter_queue, f"DeadLettersOf{camel(rid)}", rule_arn)


def compile_eventbridge_rule(ctx: Context, rid: str, res: EventBridgeRule) -> None:
    from archc.compiler.compute import invoke_arn

    lid = ctx.main[rid]
    rule_arn = ctx.ref(rid, "Arn")
    retry = events.RetryPolicy(MaximumRetryAttempts=res.retry_attempts, MaximumEventAgeInSeconds=res.max_event_age_seconds)
    built: list[events.Target] = []
    machines = [t for _, t in targets(ctx, rid) if ctx.type_of(t) == "state_machine"]
    role = None
    if machines:  # EventBridge starts executions with a role (a state machine has no resource policy)
        from archc.compiler.iam import service_role
        from archc.compiler.stepfunctions import ACCESS as START

        stmts = [s for m in machines for s in START[("invoke", "state_machine")](ctx, m, f"Start{camel(m)}")]
        role = service_role(ctx, rid, "TargetsRole", "events.amazonaws.com", stmts)
    for i, target in targets(ctx, rid):
        if not _same_place(ctx, i, rid, target, report=False):  # contribute_eventbridge_rule said so
            continue
        kwargs: dict[str, Any] = {"Id": camel(target)[:64], "RetryPolicy": retry}
        if res.dead_letter_queue:
            kwargs["DeadLetterConfig"] = events.DeadLetterConfig(Arn=ctx.ref(res.dead_letter_queue, "Arn"))
        if ctx.type_of(target) == "lambda_function":
            kwargs["Arn"] = invoke_arn(ctx, target)
            ctx.add(awslambda.Permission(ctx.new_id(target, f"{camel(rid)}Permission"), Action="lambda:InvokeFunction",
                                         FunctionName=invoke_arn(ctx, target), Principal="events.amazonaws.com", SourceArn=rule_arn), target)
        elif ctx.type_of(target) == "state_machine":
            kwargs["Arn"] = ctx.ref(target)
            kwargs["RoleArn"] = ctx.ref(role, "Arn") if role else None
        else:  # sqs_queue
            kwargs["Arn"] = ctx.ref(target, "Arn")
            if ctx.get(target, SqsQueue).fifo:
                kwargs["SqsParameters"] = events.SqsParameters(MessageGroupId=rid)
        built.append(events.Target(**kwargs))
    props: dict[str, Any] = {"EventPattern": res.event_pattern, "State": "ENABLED" if res.enabled else "DISABLED", "Targets": built}
    if res.bus:
        props["EventBusName"] = ctx.ref(res.bus)
    if res.description:
        props["Description"] = res.description[:512]
    ctx.add(events.Rule(lid, **props), rid)


# --- Scheduler ---------------------------------------------------------------------------------


def _invoke_statements(ctx: Context, target: str, sid: str) -> list[Statement]:
    from archc.compiler.iam import ACCESS

    return ACCESS[("invoke", "lambda_function")](ctx, target, sid)


def _send_statements(ctx: Context, target: str, sid: str) -> list[Statement]:
    q = ctx.get(target, SqsQueue)
    out = [Statement(sid, ("sqs:SendMessage",), [ctx.ref(target, "Arn")])]
    if q.encrypted and q.kms_key:
        out.append(Statement(f"{sid}Key", ("kms:Decrypt", "kms:GenerateDataKey"), [ctx.ref(q.kms_key, "Arn")],
                             {"StringEquals": {"kms:ViaService": f"sqs.{ctx.placement(target).region}.amazonaws.com"}}))
    return out


def _start_statements(ctx: Context, target: str, sid: str) -> list[Statement]:
    from archc.compiler.stepfunctions import ACCESS as START

    return START[("invoke", "state_machine")](ctx, target, sid)


# target type → the statements the schedule's role needs to reach it
SCHEDULE_ACCESS: dict[str, Callable[[Context, str, str], list[Statement]]] = {
    "lambda_function": _invoke_statements,
    "sqs_queue": _send_statements,
    "state_machine": _start_statements,
}


def compile_eventbridge_schedule(ctx: Context, rid: str, res: EventBridgeSchedule) -> None:
    from archc.compiler.compute import invoke_arn
    from archc.compiler.iam import service_role

    found = targets(ctx, rid)
    if len(found) != 1:
        ctx.error(ctx.path(rid), f"{ctx.who(rid)} has {len(found)} targets; a schedule has exactly one",
                  help="connect it to one function or queue with verb: trigger (use an eventbridge_rule to fan out)")
        return
    i, target = found[0]
    if not _same_place(ctx, i, rid, target):
        return
    tt = ctx.type_of(target)
    stmts = SCHEDULE_ACCESS[tt](ctx, target, "Target")
    if res.dead_letter_queue:
        stmts += _send_statements(ctx, res.dead_letter_queue, "DeadLetters")
    if res.kms_key:
        stmts.append(Statement("ScheduleKey", ("kms:Decrypt",), [ctx.ref(res.kms_key, "Arn")]))
    role = service_role(ctx, rid, "Role", "scheduler.amazonaws.com", stmts)
    kwargs: dict[str, Any] = {
        "Arn": invoke_arn(ctx, target) if tt == "lambda_function" else ctx.ref(target) if tt == "state_machine" else ctx.ref(target, "Arn"),
        "RoleArn": ctx.ref(role, "Arn"),
        "RetryPolicy": scheduler.RetryPolicy(MaximumRetryAttempts=res.retry_attempts, MaximumEventAgeInSeconds=res.max_event_age_seconds),
    }
    if res.dead_letter_queue:
        kwargs["DeadLetterConfig"] = scheduler.DeadLetterConfig(Arn=ctx.ref(res.dead_letter_queue, "Arn"))
    if tt == "sqs_queue" and ctx.get(target, SqsQueue).fifo:
        kwargs["SqsParameters"] = scheduler.SqsParameters(MessageGroupId=rid)
    window = (scheduler.FlexibleTimeWindow(Mode="FLEXIBLE", MaximumWindowInMinutes=res.flexible_window_minutes)
              if res.flexible_window_minutes else scheduler.FlexibleTimeWindow(Mode="OFF"))
    props: dict[str, Any] = {"ScheduleExpression": res.expression, "ScheduleExpressionTimezone": res.timezone, "FlexibleTimeWindow": window,
                             "State": "ENABLED" if res.enabled else "DISABLED", "Target": scheduler.Target(**kwargs)}
    if res.kms_key:
        props["KmsKeyArn"] = ctx.ref(res.kms_key, "Arn")
    if res.description:
        props["Description"] = res.description[:512]
    ctx.add(scheduler.Schedule(ctx.main[rid], **props), rid)


# --- IAM ---------------------------------------------------------------------------------------


def _put_events(ctx: Context, bus: str, sid: str) -> list[Statement]:
    # EventBridge encrypts with the bus's key itself (the key policy allows it): the caller needs no KMS permission
    return [Statement(sid, ("events:PutEvents",), [ctx.ref(bus, "Arn")])]


ACCESS: dict[tuple[str, str], Callable[[Context, str, str], list[Statement]]] = {
    ("publish", "eventbridge_bus"): _put_events,
}


def wiring_env(ctx: Context, bus: str, name: str) -> dict[str, Any]:
    """What code publishing to the bus is told: its name."""
    return {f"{name}_EVENT_BUS": bus_name(ctx, bus)}
