"""`archc build`: compile a model to CloudFormation templates and a deploy manifest."""

from __future__ import annotations

import json
import os

import click

from archc.cli.common import fail, load_model, model_argument, write_atomic


def _stale_templates(outdir: str, keep: set[str]) -> list[str]:
    """Templates an earlier build listed in OUTDIR/manifest.json that this build no longer produces."""
    path = os.path.join(outdir, "manifest.json")
    try:
        with open(path, encoding="utf-8") as fh:
            old = json.load(fh)
        names = [s["template"] for s in old.get("stacks", []) if isinstance(s, dict) and isinstance(s.get("template"), str)]
    except (OSError, ValueError, AttributeError, TypeError):
        return []
    return [n for n in names if n not in keep and os.path.basename(n) == n]


@click.command(context_settings={"max_content_width": 100})
@model_argument
@click.option("-o", "--output", "outdir", required=True, type=click.Path(file_okay=False, dir_okay=True),
              help="directory for the templates and manifest.json (created if missing)")
@click.option("--format", "fmt", type=click.Choice(["json", "yaml"]), default="json", show_default=True,
              help="template format")
def build(model: str, outdir: str, fmt: str) -> None:
    """Compile MODEL to CloudFormation: one template per account and region, and manifest.json.

    The manifest lists every stack with its account, region, template file, parameters (and where
    each value comes from: another stack's output or the operator), outputs, dependencies and the
    order to deploy in. Nothing is written when the model cannot be compiled (exit 2).

    \b
    Example:
      archc build examples/sagebrush -o out/cfn
      archc build model.yaml -o out/cfn --format yaml
    """
    loaded = load_model(model)
    from archc.compiler.build import compile_model
    from archc.compiler.context import CompileError

    try:
        result = compile_model(loaded.architecture)
    except CompileError as exc:
        diagnostics = sorted((d.locate(loaded.source) for d in exc.diagnostics), key=lambda d: d.sort_key())
        n = len(diagnostics)
        fail(f"{model}: {n} error{'s' if n != 1 else ''}: the model cannot be compiled; nothing was written", diagnostics)
    files = result.files(fmt)
    stale = _stale_templates(outdir, set(files))
    for name in sorted(files):
        if name != "manifest.json":
            write_atomic(os.path.join(outdir, name), files[name])
    write_atomic(os.path.join(outdir, "manifest.json"), files["manifest.json"])  # last: it names the templates
    for name in stale:
        try:
            os.unlink(os.path.join(outdir, name))
        except OSError:
            pass
    manifest = result.manifest(fmt)
    for entry in manifest["stacks"]:
        n = entry['resources']
        click.echo(f"{entry['order']}. {entry['name']}: {n} resource{'' if n == 1 else 's'} → {os.path.join(outdir, entry['template'])}")
