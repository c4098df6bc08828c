"""`archc lint` and `archc rules`.

Imports stay lean: `archc rules` never loads a model or networkx, and `archc lint` imports the
model and the rules only once its options are known to be valid.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from archc.cli.common import EXIT_FINDINGS, EXIT_OK, fail, load_model, model_argument, write_atomic
from archc.diagnostics import SEVERITY_RANK

F = TypeVar("F", bound=Callable[..., Any])


def rule_selection_options(func: F) -> F:
    """``--select`` / ``--ignore``: shared by every command that runs rules."""
    func = click.option("--ignore", "ignore_spec", metavar="CODES",
                        help="Comma-separated codes, prefixes (ARC2) or names of rules to skip.")(func)
    func = click.option("--select", "select_spec", metavar="CODES",
                        help="Comma-separated codes, prefixes (ARC2 = all network rules) or names of rules to run; default all.")(func)
    return func


def _expand(spec: str | None, option: str) -> set[str] | None:
    from archc.rules.registry import UnknownRule, expand

    try:
        return expand(spec)
    except UnknownRule as exc:
        fail(f"{option}: {exc}; `archc rules` lists them")


@click.command(context_settings={"max_content_width": 100})
@model_argument
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text", show_default=True,
              help="text for people, json for scripts, sarif for GitHub code scanning.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default="error", show_default=True,
              help="Exit 1 when a finding has this severity or a higher one.")
@rule_selection_options
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report to this file instead of stdout.")
def lint(model: str, fmt: str, fail_on: str, select_spec: str | None, ignore_spec: str | None, output: str | None) -> None:
    """Check MODEL (a YAML file or a directory of them) against the architecture rules.

    \b
    Examples:
      archc lint examples/sagebrush
      archc lint examples/sagebrush --select ARC2,ARC301 --fail-on warning
      archc lint examples/sagebrush -f sarif -o archc.sarif   # for github/codeql-action/upload-sarif

    Findings print as `file:line:col: CODE [severity] message` with a help line. Suppress one on
    a resource or connection with `lint: {ignore: {CODE: "reason"}}`.
    Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 bad usage or model.
    """
    select = _expand(select_spec, "--select")
    ignore = _expand(ignore_spec, "--ignore")
    loaded = load_model(model)

    from archc.rules.engine import run_rules

    diagnostics = [d.locate(loaded.source) for d in run_rules(loaded.architecture, select=select, ignore=ignore)]
    diagnostics.sort(key=lambda d: d.sort_key())
    cwd = os.getcwd()

    from archc.rules import report

    if fmt == "json":
        text = report.format_json(diagnostics, cwd)
    elif fmt == "sarif":
        from archc.rules.registry import RULES

        text = report.format_sarif(diagnostics, RULES, loaded.source, cwd)
    else:
        text = report.format_text(diagnostics, cwd)
    if output:
        write_atomic(output, text)
        click.echo(f"{report.summary(diagnostics)} Report written to {output}.", err=True)
    else:
        click.echo(text, nl=False)
    threshold = SEVERITY_RANK[fail_on]
    failed = any(SEVERITY_RANK[d.severity] >= threshold for d in diagnostics)
    sys.exit(EXIT_FINDINGS if failed else EXIT_OK)


@click.command(context_settings={"max_content_width": 100})
@click.argument("code", required=False, metavar="[CODE]")
def rules(code: str | None) -> None:
    """List the lint rules, or explain one (by code or dotted name).

    \b
    Examples:
      archc rules            # code, name, severity and summary of every rule
      archc rules ARC201     # what it checks, why, an example and the fix
      archc rules data.public-bucket
    """
    from archc.rules.registry import RULES, UnknownRule, lookup

    if code is None:
        width = max(len(r.name) for r in RULES)
        for r in RULES:
            click.echo(f"{r.code}  {r.name:<{width}}  {r.severity:<7}  {r.summary}")
        return
    try:
        rule = lookup(code)
    except UnknownRule as exc:
        fail(f"{exc}; `archc rules` lists them")
    from archc.rules.docs import rule_markdown

    click.echo(f"{rule.code} {rule.name} [{rule.severity}]\n")
    click.echo(rule_markdown(rule, heading_level=0), nl=False)
