"""What the commands share: loading a model or exiting 2, atomic writes, option bundles."""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import click

from archc.diagnostics import Diagnostic, ModelError

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

    if path == "-":  # one model file on stdin
        from archc.cli.models import load_models

        return load_models([path])
    if not os.path.exists(path):
        fail(f"{path}: no such file or directory")
    try:
        return load(path)
    except ModelError as exc:
        n = len(exc.diagnostics)
        fail(f"{path}: {n} error{'s' if n != 1 else ''} in the model; nothing was done", exc.diagnostics)


def write_atomic(path: str, data: str | bytes) -> None:
    """Write *data* to *path* through a temporary file in the same directory and a rename."""
    import tempfile  # not on `archc lint`'s path unless it writes a file

    directory = os.path.dirname(os.path.abspath(path))
    tmp = None
    try:
        if not os.path.isdir(directory):
            if os.path.lexists(directory):  # a file where a directory should be
                raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), directory)
            os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".archc-", suffix=".tmp", dir=directory)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as exc:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        if isinstance(exc, OSError):  # name the file the user asked for, not the temporary one
            raise OSError(exc.errno, exc.strerror, path) from exc
        raise


def model_argument(func: F) -> F:
    """The MODEL argument: a YAML file, a directory of YAML files, or ``-`` for a file on stdin."""
    return click.argument("model", metavar="MODEL", type=click.Path(dir_okay=True, file_okay=True, allow_dash=True))(func)
