"""EventBridge schedules and Step Functions state machines: what the model refuses, and why."""

from __future__ import annotations

import pytest

from archc.diagnostics import ModelError
from archc.model.loader import load_text

HEAD = """archc: 1
accounts:
  main: {id: "111111111111", name: Main, region: us-west-2}
resources:
"""


@pytest.mark.parametrize("resource", [
    "{type: eventbridge_schedule, expression: 'rate(5 minutes)'}",
    "{type: eventbridge_schedule, expression: 'at(2027-01-01T00:00:00)', timezone: Europe/Paris}",
    "{type: eventbridge_rule, event_pattern: {source: [shop]}, retry_attempts: 0}",
    "{type: eventbridge_bus, archive_days: 0}",
    "{type: state_machine, definition: {StartAt: A, States: {A: {Type: Succeed}}}}",
    "{type: state_machine, kind: express, definition_file: a.json, log_level: FATAL}",
])
def test_accepted(resource: str) -> None:
    load_text(HEAD + "  r: " + resource + "\n", "m.yaml")


@pytest.mark.parametrize(("resource", "message"), [
    ("{type: eventbridge_schedule, expression: 'every day'}", "expression must be 'cron(...)', 'rate(...)' or 'at(...)'"),
    ("{type: eventbridge_schedule, expression: 'rate(1 day)', flexible_window_minutes: 0}", "flexible_window_minutes"),
    ("{type: eventbridge_rule, event_pattern: {source: [x]}, retry_attempts: 200}", "retry_attempts"),
    ("{type: state_machine, definition: {StartAt: A, States: {}}, definition_file: a.json}", "give definition or definition_file, not both"),
    ("{type: state_machine, definition: {Comment: nothing}}", "definition must be Amazon States Language"),
    ("{type: state_machine, kind: batch, definition_file: a.json}", "kind"),
])
def test_refused_with_the_reason(resource: str, message: str) -> None:
    with pytest.raises(ModelError) as err:
        load_text(HEAD + "  r: " + resource + "\n", "m.yaml")
    assert message in str(err.value) + " ".join(f"{d.message} {d.path}" for d in err.value.diagnostics)
