"""The Lambda runtime table (archc/runtimes.py) and the ARC142 rule's judgement by date."""

from __future__ import annotations

from datetime import date

import pytest

from archc.model.loader import load_texts
from archc.rules.engine import run_rules
from archc.runtimes import RUNTIMES, status, supported

MODEL = """archc: 1
name: r
accounts:
  x: {id: "111111111111", name: X, region: us-west-2}
resources:
  fn: {type: lambda_function, role: fn_role, runtime: nodejs20.x, handler: app.handler}
  fn_role: {type: iam_role}
"""


def test_dates_are_in_order_and_successors_exist() -> None:
    for rt in RUNTIMES.values():
        assert rt.successor is None or rt.successor in RUNTIMES, rt
        assert rt.successor is None or status(rt.successor, date(2026, 11, 30)) == "supported", rt
        if rt.create_block and rt.update_block:
            assert rt.create_block <= rt.update_block, rt


@pytest.mark.parametrize(("on", "expected"), [
    (date(2026, 4, 29), "supported"), (date(2026, 4, 30), "deprecated"), (date(2027, 2, 1), "create_blocked"),
    (date(2027, 3, 3), "update_blocked"),
])
def test_status_follows_the_dates(on: date, expected: str) -> None:
    assert status("nodejs20.x", on) == expected


def test_supported_on_a_day() -> None:
    assert "nodejs20.x" not in supported(date(2026, 11, 30)) and "nodejs22.x" in supported(date(2026, 11, 30))
    assert "nodejs22.x" not in supported(date(2027, 5, 1))


@pytest.mark.parametrize(("on", "severity", "words"), [
    (date(2026, 1, 1), None, ""),
    (date(2026, 11, 30), "warning", "runtime nodejs20.x is deprecated since 2026-04-30; AWS blocks creating functions with it from 2027-02-01"),
    (date(2027, 2, 1), "error", "runtime nodejs20.x is retired: AWS blocks creating functions with it since 2027-02-01"),
    (date(2027, 3, 3), "error", "runtime nodejs20.x is retired: AWS blocks creating and updating functions with it since 2027-03-03"),
])
def test_arc142_judges_the_runtime_on_the_day(monkeypatch: pytest.MonkeyPatch, on: date, severity: str | None, words: str) -> None:
    monkeypatch.setattr("archc.runtimes.today", lambda: on)
    loaded = load_texts([("model.yaml", MODEL)])
    found = [d.locate(loaded.source) for d in run_rules(loaded.architecture, select={"ARC142"})]
    if severity is None:
        assert found == []
        return
    [d] = found
    assert (d.severity, d.help) == (severity, "move it to nodejs24.x")
    assert d.message == f"'fn' (lambda_function): {words}"
    assert d.position is not None and (d.position.line, d.position.col) == (6, 55)  # the runtime's value
