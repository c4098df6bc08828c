"""Colour for people at a terminal: findings coloured by severity, never in a pipe or a file.

``NO_COLOR`` (any non-empty value) turns colour off, ``FORCE_COLOR`` (non-empty, not ``0``) turns
it on where it would be off; otherwise colour follows whether the stream is a terminal.
See https://no-color.org and https://force-color.org.
"""

from __future__ import annotations

import os
import re
from typing import IO, Any

import click

SEVERITY_COLOURS = {"error": "red", "warning": "yellow", "info": "blue"}
_FINDING = re.compile(r"^(?P<where>\S.*?:\d+:\d+:) (?P<code>\S+) \[(?P<severity>error|warning|info)\] (?P<message>.*)$")
_HELP = re.compile(r"^(?P<indent>  )help: (?P<text>.*)$")


def use_colour(stream: IO[Any], environ: dict[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR", ""):
        return False
    if env.get("FORCE_COLOR", "") not in ("", "0", "false"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def colour_report(text: str) -> str:
    """The text report with ANSI colours: the place in bold, the code and severity by severity."""
    out = []
    for line in text.split("\n"):
        m = _FINDING.match(line)
        h = _HELP.match(line)
        if m:
            colour = SEVERITY_COLOURS[m["severity"]]
            line = (f"{click.style(m['where'], bold=True)} {click.style(m['code'], fg=colour, bold=True)} "
                    f"{click.style('[' + m['severity'] + ']', fg=colour)} {m['message']}")
        elif h:
            line = f"{h['indent']}{click.style('help:', fg='cyan', bold=True)} {h['text']}"
        elif line.startswith("Found "):
            line = click.style(line, bold=True)
        elif line == "All checks passed.":
            line = click.style(line, fg="green")
        out.append(line)
    return "\n".join(out)
