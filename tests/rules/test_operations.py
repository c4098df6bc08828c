"""Operations rules firing on broken copies of the Sagebrush example."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.rules.support import both, connection_index, lint, load_example, remove_connection, set_field, summary, unsuppress


def no_default_retention(data: dict[str, Any]) -> None:
    """The example states its retention once per account (`log_retention_days`); take that away."""
    for account in data["architecture.yaml"]["accounts"].values():
        account.pop("log_retention_days", None)


MONITORED = ["ECS_SERVICE", "LAMBDA_API", "LAMBDA_WORKER", "LAMBDA_SCHEDULER", "APIGW", "RDS"]

BROKEN: list[tuple[str, str, Callable[[dict[str, Any]], None], list[tuple[str, str]]]] = [
    ("ARC501", "the scheduler stops logging", remove_connection("LAMBDA_SCHEDULER", "CW_LOGS"), [("ARC501", "resources.LAMBDA_SCHEDULER")]),
    ("ARC501", "the task definition stops logging: its service is no longer covered", remove_connection("ECS_TASK", "CW_LOGS"),
     [("ARC501", "resources.ECS_SERVICE"), ("ARC501", "resources.ECS_TASK")]),
    ("ARC501", "the production log group loses its retention", both(set_field("CW_LOGS", "retention_days", None), no_default_retention),
     [("ARC501", f"resources.{rid}") for rid in ("ECS_SERVICE", "ECS_TASK", "LAMBDA_API", "LAMBDA_SCHEDULER", "LAMBDA_WORKER")]),
    ("ARC502", "the worker drops out of the alarm, and a Housekeeping suppression is removed",
     both(set_field("CW_ALARMS", "monitors", [m for m in MONITORED if m != "LAMBDA_WORKER"]), unsuppress("HK_BACKUP", "ARC502")),
     [("ARC502", "resources.HK_BACKUP"), ("ARC502", "resources.LAMBDA_WORKER")]),
    ("ARC502", "the ECS service drops out: its task definition is no longer covered",
     set_field("CW_ALARMS", "monitors", [m for m in MONITORED if m != "ECS_SERVICE"]),
     [("ARC502", "resources.ECS_SERVICE"), ("ARC502", "resources.ECS_TASK")]),
    ("ARC503", "nobody is paged", remove_connection("ALERTS", "PAGERDUTY"), [("ARC503", f"connections[{connection_index('CW_ALARMS', 'ALERTS')}]")]),
    ("ARC503", "the alarm notifies no topic", remove_connection("CW_ALARMS", "ALERTS"), [("ARC503", "resources.CW_ALARMS")]),
    ("ARC504", "the Housekeeping log group keeps everything", both(set_field("HK_LOGS", "retention_days", None), no_default_retention), [("ARC504", "resources.HK_LOGS")]),
]


def test_the_example_passes_every_operations_rule() -> None:
    assert summary(lint(load_example(), {"ARC5"})) == []


@pytest.mark.parametrize(("code", "mutate", "expected"), [pytest.param(c, m, e, id=f"{c}-{n}") for c, n, m, e in BROKEN])
def test_rule_fires_on_a_broken_example(code: str, mutate: Callable[[dict[str, Any]], None], expected: list[tuple[str, str]]) -> None:
    assert summary(lint(load_example(mutate), {code})) == expected
