"""`archc init`: write a first model (from a template) and the JSON Schema its editor reads."""

from __future__ import annotations

import errno
import os
import re
from importlib import resources

import click

from archc.cli.common import fail

TEMPLATES: dict[str, str] = {
    "minimal": "one Lambda function, a bucket, logs and an alarm that pages on-call",
    "serverless": "API Gateway behind WAF, Lambda functions, S3, SQS with a dead-letter queue",
    "three-tier": "VPC in two AZs, load balancer, ECS Fargate service, Aurora PostgreSQL",
}
MODEL_FILE = "architecture.yaml"
NAME_MAX = 20
SCHEMA_FILE = "schema.json"  # the templates' modeline names it: `$schema=schema.json`


def template_text(template: str) -> str:
    """The raw text of a template (with its ``{{name}}`` and ``{{dir}}`` placeholders)."""
    return (resources.files("archc") / "templates" / "init" / f"{template}.yaml").read_text(encoding="utf-8")


def architecture_name(directory: str) -> str:
    """A name for the model from its directory: lower case, letters, digits and dashes.

    It becomes part of stack names, bucket names and KMS aliases, so it keeps to what all accept:
    a bucket name (name, bucket, account id and region) has at most 63 characters.
    """
    base = os.path.basename(os.path.abspath(directory))
    if base in ("architecture", "arch", "model", "models"):  # say something about the project instead
        base = os.path.basename(os.path.dirname(os.path.abspath(directory)))
    name = re.sub(r"[^a-z0-9]+", "-", base.lower()).strip("-")
    if not name or not name[0].isalpha():
        name = f"app-{name}".rstrip("-") if name else "app"
    return name[:NAME_MAX].rstrip("-")


def create_new(path: str, text: str) -> None:
    """Write *path* whole, failing with `FileExistsError` if it exists, even if it appeared a moment ago.

    The text goes to a temporary file in the same directory that is then hard-linked to *path*:
    the link fails where a file exists, and nobody sees a half-written file.
    """
    import tempfile

    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".archc-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.link(tmp, path)
    except FileExistsError:
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), path) from None
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, path) from exc  # name the file the user asked for
    finally:
        os.unlink(tmp)


def render(template: str, name: str, directory: str) -> str:
    """*template* with its placeholders filled in."""
    return template_text(template).replace("{{name}}", name).replace("{{dir}}", directory)


@click.command(context_settings={"max_content_width": 100})
@click.argument("directory", metavar="[DIR]", default="architecture", type=click.Path(file_okay=False))
@click.option("--template", "-t", type=click.Choice(list(TEMPLATES)), default="minimal", show_default=True,
              help="; ".join(f"{k}: {v}" for k, v in TEMPLATES.items()) + ".")
@click.option("--name", help="The architecture's name (used in stack names); default: from DIR or its parent.")
def init(directory: str, template: str, name: str | None) -> None:
    """Write a first model into DIR (default: ./architecture): a small, commented model that lints
    and builds, and the JSON Schema its first line points editors at.

    \b
    Examples:
      archc init                                  # architecture/architecture.yaml, minimal
      archc init infra/model --template serverless
      archc init --template three-tier && archc lint architecture

    Existing files are never overwritten: init stops, exit 2, and writes nothing.
    """
    if name is not None and not re.fullmatch(rf"[a-z][a-z0-9-]{{0,{NAME_MAX - 1}}}", name):
        fail(f"--name {name!r}: use lower-case letters, digits and dashes, starting with a letter, at most {NAME_MAX} (it becomes part of stack and bucket names)")
    model_path = os.path.join(directory, MODEL_FILE)
    schema_path = os.path.join(directory, SCHEMA_FILE)
    existing = [p for p in (model_path, schema_path) if os.path.lexists(p)]
    if existing:
        fail(f"{', '.join(existing)} already exist{'s' if len(existing) == 1 else ''}; archc init never overwrites a file "
             "(give another DIR, or move it away)")
    if os.path.lexists(directory) and not os.path.isdir(directory):
        fail(f"{directory}: not a directory")

    from archc.model.schema import json_schema

    model_name = name or architecture_name(directory)
    shown = directory.rstrip("/") or "/"
    try:
        create_new(model_path, render(template, model_name, shown))
        create_new(schema_path, json_schema())
    except FileExistsError as exc:  # it appeared after the check above
        fail(f"{exc.filename or 'a file'} already exists; archc init never overwrites a file")
    click.echo(f"wrote {model_path} ({template} template) and {schema_path} (the JSON Schema, for your editor)")
    click.echo("next:")
    click.echo(f"  archc lint {shown}")
    click.echo(f"  archc build {shown} -o out/cloudformation")
    click.echo(f"  archc diagram {shown} -f mermaid -o out/{model_name}.mmd")
