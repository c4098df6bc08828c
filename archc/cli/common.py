"""What the commands share: loading a model or exiting 2, atomic writes, option bundles."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import click

from archc.diagnostics import Diagnostic, ModelError
from archc.files import write_atomic as write_atomic  # noqa: PLC0414 (re-exported: every command writes through it)

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def fail(message: str, diagnostics: list[Diagnostic] | None = None) -> NoReturn:
    """Print *message* (and diagnostics) on stderr and exit 2."""
    for d in diagnostics or []:
        click.echo(d.format_text(), err=True)
    if message:
        click.echo(f"archc: {message}", err=True)
    sys.exit(EXIT_ERROR)


def load_model(path: str) -> Any:
    """Load the model at *path* (a `LoadedModel`), or report every problem and exit 2."""
    from archc.model.loader import load

    if not os.path.exists(path):
        fail(f"{path}: no such file or directory")
    try:
        return load(path)
    except ModelError as exc:
        n = len(exc.diagnostics)
        fail(f"{path}: {n} error{'s' if n != 1 else ''} in the model; nothing was done", exc.diagnostics)


def model_argument(func: F) -> F:
    """The MODEL argument: a YAML file or a directory of YAML files."""
    return click.argument("model", metavar="MODEL", type=click.Path(dir_okay=True, file_okay=True))(func)
