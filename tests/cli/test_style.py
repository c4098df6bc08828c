"""Colour: NO_COLOR and FORCE_COLOR honoured; findings coloured by severity, the text unchanged."""

from __future__ import annotations

import io

import click

from archc.cli.style import colour_report, use_colour

REPORT = """\
a.yaml:1:2: ARC201 [error] private subnet 'p' has no egress path
  help: set `default_route:`
b.yaml:3:4: ARC502 [warning] no alarm
Found 2 problems (1 error, 1 warning).
"""


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_use_colour() -> None:
    assert use_colour(Tty(), {}) is True
    assert use_colour(io.StringIO(), {}) is False
    assert use_colour(Tty(), {"NO_COLOR": "1"}) is False
    assert use_colour(Tty(), {"NO_COLOR": ""}) is True  # empty means unset (no-color.org)
    assert use_colour(io.StringIO(), {"FORCE_COLOR": "1"}) is True
    assert use_colour(io.StringIO(), {"FORCE_COLOR": "0"}) is False
    assert use_colour(io.StringIO(), {"FORCE_COLOR": "1", "NO_COLOR": "1"}) is False


def test_colour_changes_nothing_but_the_escapes() -> None:
    coloured = colour_report(REPORT)
    assert click.unstyle(coloured) == REPORT
    assert click.style("ARC201", fg="red", bold=True) in coloured
    assert click.style("[warning]", fg="yellow") in coloured
    assert click.style("help:", fg="cyan", bold=True) in coloured
    assert colour_report("All checks passed.\n") == click.style("All checks passed.", fg="green") + "\n"
