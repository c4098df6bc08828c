"""`archc schema`: print or write the model's JSON Schema."""

from __future__ import annotations

import click

from archc.cli.common import write_output


@click.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), help="write to this file instead of stdout ('-': stdout)")
def schema(output: str | None) -> None:
    """Print the JSON Schema of a model file, for editor completion and validation.

    \b
    Point yaml-language-server at it from the top of a model file:
      # yaml-language-server: $schema=docs/schema.json
    Example:
      archc schema -o docs/schema.json
    """
    from archc.model.schema import json_schema

    text = json_schema()
    if output:
        write_output(output, text)
    else:
        click.echo(text, nl=False)
