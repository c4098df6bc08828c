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

from archc.cli.common import EXIT_FINDINGS, EXIT_OK, fail, read_settings, shown_path, write_output
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


def config_options(func: F) -> F:
    """``--config`` / ``--quiet`` / ``--verbose``: where settings come from and how much is said."""
    func = click.option("--verbose", "-v", is_flag=True, help="Also say which configuration file and model files were read.")(func)
    func = click.option("--quiet", "-q", is_flag=True, help="Print the findings and nothing else (no summary line).")(func)
    func = click.option("--config", "config_path", type=click.Path(dir_okay=False, exists=True),
                        help="Read settings from this file instead of the .archc.yaml or pyproject.toml [tool.archc] "
                             "found by walking up from the working directory.")(func)
    return func


@click.command(context_settings={"max_content_width": 100})
@click.argument("model", nargs=-1, metavar="[MODEL]...", type=click.Path(allow_dash=True))
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json", "sarif"]), default=None,
              help="text for people (default), json for scripts, sarif for GitHub code scanning.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default=None,
              help="Exit 1 when a finding has this severity or a higher one (default: error).")
@rule_selection_options
@click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write the report to this file instead of stdout ('-': stdout). With json or sarif it is written even when the model does not load.")
@config_options
def lint(model: tuple[str, ...], fmt: str | None, fail_on: str | None, select_spec: str | None, ignore_spec: str | None,
         output: str | None, config_path: str | None, quiet: bool, verbose: bool) -> None:
    """Check MODEL against the architecture rules. MODEL is a YAML file, a directory of them, a glob,
    or `-` for a file on stdin; several make one model. Without MODEL, the configured `model`.

    \b
    Examples:
      archc lint examples/sagebrush
      archc lint examples/sagebrush --select ARC2,ARC301 --fail-on warning
      archc lint examples/sagebrush -f sarif -o archc.sarif   # for github/codeql-action/upload-sarif
      archc lint 'accounts/*.yaml' shared.yaml                # the files make one model
      cat model.yaml | archc lint -

    \b
    Settings come from `.archc.yaml` or `[tool.archc]` in pyproject.toml (model, select, ignore,
    fail-on, format), the first found walking up from here; options given here win.
    Findings print as `file:line:col: CODE [severity] message` with a help line. Suppress one on
    a resource or connection with `lint: {ignore: {CODE: "reason"}}`.
    Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 bad usage or model.
    """
    config = read_settings(config_path, verbose)
    fmt = fmt or (config and config.format) or "text"
    fail_on = fail_on or (config and config.fail_on) or "error"
    select = _expand(select_spec if select_spec is not None else (config and config.select), "--select")
    ignore = _expand(ignore_spec if ignore_spec is not None else (config and config.ignore), "--ignore")

    from archc.cli.models import expand, load_models

    if output is not None and not output.strip():
        fail("-o: an empty name is not a file; name the report file, or '-' for stdout")
    paths = expand(model or [shown_path(p) for p in (config.model if config else ())], keep_missing=fmt != "text")
    if not paths:
        fail("no MODEL given, and no `model` in a configuration file (.archc.yaml or [tool.archc] in pyproject.toml)")
    loaded = load_models(paths, keep_errors=fmt != "text")
    cwd = os.getcwd()

    from archc.rules import report

    if isinstance(loaded, list):  # json/sarif: the load errors are the report, so CI always has its file
        from archc.diagnostics import SourceMap

        text = report.format_json(loaded, cwd) if fmt == "json" else report.format_sarif(loaded, _rules(), SourceMap(), cwd)
        _emit(text, output)
        n = len(loaded)
        fail(f"{' '.join(paths)}: {n} error{'s' if n != 1 else ''} in the model; the report lists them")
    if verbose:
        click.echo(f"archc: model: {len(loaded.files)} file(s) from {' '.join(paths)}", err=True)

    from archc.rules.engine import run_rules

    diagnostics = [d.locate(loaded.source) for d in run_rules(loaded.architecture, select=select, ignore=ignore)]
    diagnostics.sort(key=lambda d: d.sort_key())

    if fmt == "json":
        text = report.format_json(diagnostics, cwd)
    elif fmt == "sarif":
        suppressed = suppressed_findings(loaded, diagnostics, select, ignore)
        text = report.format_sarif(diagnostics, _rules(), loaded.source, cwd, arch=loaded.architecture, suppressed=suppressed)
    else:
        text = report.format_text(diagnostics, cwd)
        if quiet:  # the findings, without the summary line
            text = text[: text.rstrip("\n").rfind("\n") + 1]
    if output:
        write_output(output, text)
        if not quiet and output != "-":
            click.echo(f"{report.summary(diagnostics)} Report written to {output}.", err=True)
    elif fmt == "text" and text:
        from archc.cli.style import colour_report, use_colour

        colour = use_colour(sys.stdout)
        click.echo(colour_report(text) if colour else text, nl=False, color=colour)
    else:
        click.echo(text, nl=False)
    threshold = SEVERITY_RANK[fail_on]
    failed = any(SEVERITY_RANK[d.severity] >= threshold for d in diagnostics)
    sys.exit(EXIT_FINDINGS if failed else EXIT_OK)


def _rules() -> list[Any]:
    from archc.rules.registry import RULES

    return list(RULES)


def _emit(text: str, output: str | None) -> None:
    if output:
        write_output(output, text)
    else:
        click.echo(text, nl=False)


def suppressed_findings(loaded: Any, shown: list[Any], select: set[str] | None, ignore: set[str] | None) -> list[tuple[Any, str]]:
    """(finding, reason) for every finding a `lint: {ignore: ...}` with a reason hides (for SARIF).

    The rules run once more on a copy of the model without suppressions; what that run finds in
    addition, on an element that suppresses its code, is what the suppressions hid.
    """
    from archc.rules.engine import owner_of, run_rules

    arch = loaded.architecture
    reasons: dict[tuple[Any, str], str] = {}
    resources = dict(arch.resources)
    for rid, res in arch.resources.items():
        if res.lint.ignore:
            reasons.update({(("resources", rid), code): why for code, why in res.lint.ignore.items() if why.strip()})
            resources[rid] = res.model_copy(update={"lint": type(res.lint)()})
    connections = list(arch.connections)
    for i, conn in enumerate(arch.connections):
        if conn.lint.ignore:
            reasons.update({(("connections", i), code): why for code, why in conn.lint.ignore.items() if why.strip()})
            connections[i] = conn.model_copy(update={"lint": type(conn.lint)()})
    if not reasons:
        return []
    bare = arch.model_copy(update={"resources": resources, "connections": connections})
    already = {(d.code, d.path, d.message) for d in shown}
    out = []
    for d in run_rules(bare, select=select, ignore=ignore):
        owner = owner_of(d.path)
        reason = reasons.get((owner, d.code)) if owner is not None else None
        if reason is not None and (d.code, d.path, d.message) not in already:
            out.append((d.locate(loaded.source), reason))
    return sorted(out, key=lambda pair: pair[0].sort_key())


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
    from archc.codes import BY_CODE, CODES
    from archc.rules.registry import RULES, UnknownRule, lookup

    if code is None:
        width = max(max(len(r.name) for r in RULES), max(len(c.name) for c in CODES))
        for r in RULES:
            click.echo(f"{r.code}  {r.name:<{width}}  {r.severity:<7}  {r.summary}")
        click.echo("\nNot rules: codes of a model that does not load or compile (never suppressed):")
        for c in CODES:
            click.echo(f"{c.code}  {c.name:<{width}}  {c.severity:<7}  {c.summary}")
        return
    by_name = {c.name: c for c in CODES}
    known = BY_CODE.get(code.strip().upper()) or by_name.get(code.strip().lower())
    if known is not None:
        click.echo(f"{known.code} {known.name} [{known.severity}]\n")
        click.echo(f"**{known.summary}**\n\n*What it reports*\n\n{known.what}\n")
        if known.example:
            click.echo(f"*Example*\n\n```yaml\n{known.example}\n```\n")
        click.echo(f"*Fix*\n\n{known.fix}")
        return
    try:
        rule = lookup(code)
    except UnknownRule as exc:
        fail(f"{exc}; `archc rules` lists them")
    from archc.rules.docs import rule_markdown

    click.echo(f"{rule.code} {rule.name} [{rule.severity}]\n")
    click.echo(rule_markdown(rule, heading_level=0), nl=False)
