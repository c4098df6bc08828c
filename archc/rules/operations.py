"""Operations rules (ARC5xx): logs, alarms and who hears them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from archc.catalog import TYPES
from archc.rules.base import Finding, Rule, RuleContext, resource_path

if TYPE_CHECKING:
    from archc.model.resources import ResourceBase


def _compute(ctx: RuleContext) -> Iterator[tuple[str, ResourceBase]]:
    """Every resource of the catalogue's `compute` types, in catalogue order per type."""
    from archc.model.resources import RESOURCE_CLASSES

    for rtype, info in TYPES.items():
        if info.compute:
            yield from ctx.of_type(RESOURCE_CLASSES[rtype])


def _keeps_forever(ctx: RuleContext, group: str) -> bool:
    """A log group with no retention of its own, in an account that states no default."""
    from archc.model.resources import LogGroup

    if ctx.get(group, LogGroup).retention_days is not None:
        return False
    account = ctx.arch.accounts.get(ctx.account(group) or "")
    return account is None or account.log_retention_days is None


def compute_logs(ctx: RuleContext) -> Iterator[Finding]:
    """Every compute resource writes logs to a log group with a retention.

    What it checks:
        Each Lambda function, ECS task definition and ECS service has a `logs` connection to a
        `log_group` whose `retention_days` is set. An ECS service is covered by its task
        definition's logs.

    Why it matters:
        Code without logs cannot be debugged in production; a log group without retention keeps
        (and bills) everything forever.

    Example:
        resources:
          role: {type: iam_role}
          fn: {type: lambda_function, role: role}

    Fix:
        Add a `log_group` with `retention_days` and a connection
        `{from: <compute>, to: <log group>, verb: logs}`.
    """
    from archc.model.resources import EcsService

    res = ctx.resources

    def log_groups(rid: str) -> list[str]:
        return [c.target for _, c in ctx.connections_from.get(rid, []) if c.verb == "logs" and res[c.target].type == "log_group"]

    for rid, node in _compute(ctx):
        groups = log_groups(rid)
        if not groups and isinstance(node, EcsService) and node.task_definition:
            groups = log_groups(node.task_definition)
        if not groups:
            yield Finding(f"compute resource '{rid}' writes no logs", resource_path(rid),
                          "connect it to a log group with `verb: logs`")
        elif all(_keeps_forever(ctx, g) for g in groups):
            yield Finding(f"compute resource '{rid}' logs only to log groups without retention ({', '.join(groups)})",
                          resource_path(rid), "set `retention_days` on the log group",
                          tuple(resource_path(g) for g in groups))


def compute_alarms(ctx: RuleContext) -> Iterator[Finding]:
    """Every compute resource has an alarm.

    What it checks:
        Each Lambda function, ECS service and ECS task definition is listed in some alarm's
        `monitors`. A task definition is covered when a service running it is.

    Why it matters:
        Failures nobody is alerted to are found by customers.

    Example:
        resources:
          role: {type: iam_role}
          fn: {type: lambda_function, role: role}

    Fix:
        Add the resource to an alarm's `monitors` (`{type: alarm, monitors: [...]}`).
    """
    from archc.model.resources import Alarm, EcsService

    monitored = {m for _, alarm in ctx.of_type(Alarm) for m in alarm.monitors}
    for sid, svc in ctx.of_type(EcsService):
        if sid in monitored and svc.task_definition:
            monitored.add(svc.task_definition)
    for rid, _node in _compute(ctx):
        if rid not in monitored:
            yield Finding(f"compute resource '{rid}' is monitored by no alarm", resource_path(rid),
                          "list it in the `monitors` of an alarm")


def alarm_notifies(ctx: RuleContext) -> Iterator[Finding]:
    """Every alarm notifies an SNS topic that notifies someone.

    What it checks:
        Each `alarm` has a `notify` (or `publish`) connection to an `sns_topic`, and that
        topic has a `notify` connection onwards (a person, a pager, a function, a queue).

    Why it matters:
        An alarm that changes state in silence is a dashboard, not an alert.

    Example:
        resources:
          role: {type: iam_role}
          fn: {type: lambda_function, role: role}
          errors: {type: alarm, monitors: [fn]}

    Fix:
        Connect the alarm to a topic (`verb: notify`) and the topic to whoever is on call.
    """
    from archc.model.resources import Alarm

    res = ctx.resources
    for rid, _alarm in ctx.of_type(Alarm):
        topics = [(i, c.target) for i, c in ctx.connections_from.get(rid, [])
                  if c.verb in ("notify", "publish") and res[c.target].type == "sns_topic"]
        if not topics:
            yield Finding(f"alarm '{rid}' notifies no SNS topic", resource_path(rid),
                          "connect it to an SNS topic with `verb: notify`")
            continue
        heard = [t for _, t in topics if any(c.verb == "notify" for _, c in ctx.connections_from.get(t, []))]
        if not heard:
            i, topic = topics[0]
            yield Finding(f"alarm '{rid}' notifies topic '{topic}', which notifies no one", ("connections", i),
                          f"connect '{topic}' to a subscriber (an external pager, a function, a queue) with `verb: notify`",
                          (resource_path(rid), ("connections", i), resource_path(topic)))


def log_retention(ctx: RuleContext) -> Iterator[Finding]:
    """Log groups have a retention period.

    What it checks:
        `retention_days` is set on every `log_group`, or its account sets a default
        (`log_retention_days`).

    Why it matters:
        CloudWatch keeps logs forever by default, and charges for them forever.

    Example:
        resources:
          logs: {type: log_group}

    Fix:
        Set `retention_days` (for example 30), or `log_retention_days: 30` on the account.
    """
    from archc.model.resources import LogGroup

    for rid, _group in ctx.of_type(LogGroup):
        if _keeps_forever(ctx, rid):
            yield Finding(f"log group '{rid}' keeps logs forever", resource_path(rid), "set `retention_days`, for example 30")


RULES: list[Rule] = [
    Rule("ARC501", "operations.compute-logs", "error", compute_logs),
    Rule("ARC502", "operations.compute-alarms", "warning", compute_alarms),
    Rule("ARC503", "operations.alarm-notifies", "warning", alarm_notifies),
    Rule("ARC504", "operations.log-retention", "warning", log_retention),
]
