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


# What this process read: (shown name, real path, is a directory). An output may not be one of
# them, contain one, or lie inside a model directory (it would become part of the model).
_INPUTS: list[tuple[str, str, bool]] = []


def forget_inputs() -> None:
    """A new command starts: nothing is read yet (one process may run several, as tests do)."""
    _INPUTS.clear()


def note_input(path: str) -> None:
    """Remember that this command reads *path*, so that no output of it replaces *path*."""
    _INPUTS.append((path, os.path.realpath(path), os.path.isdir(path)))


def _identity(path: str) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_dev, info.st_ino)


def refuse_inputs(output: str, directory: bool = False, yaml_files: bool | None = None) -> None:
    """Exit 2 when writing *output* (a file, or with *directory* a directory) would destroy an input:
    be one, contain one (a directory), or put YAML files inside a model directory, where the next
    run would read them as part of the model. *yaml_files* says whether a directory output holds
    YAML files; a file's own name says it."""
    if yaml_files is None:
        yaml_files = not directory and output.endswith((".yaml", ".yml"))
    real = os.path.realpath(output)
    ident = _identity(real)
    for shown, inp, _is_dir in _INPUTS:
        if real == inp or (ident is not None and ident == _identity(inp)):
            fail(f"{output}: is also an input of this command ({shown}); writing it would destroy it; choose another output")
    for shown, inp, is_dir in _INPUTS:
        if directory and inp.startswith(real.rstrip(os.sep) + os.sep):
            fail(f"{output}: contains an input of this command ({shown}), and the output directory is replaced as a whole; "
                 "choose another output directory")
        if is_dir and yaml_files and real.startswith(inp.rstrip(os.sep) + os.sep):
            fail(f"{output}: lies inside the model directory {shown}, and its YAML would be read as part of the model; "
                 "choose an output outside it")


def load_model(path: str) -> Any:
    """Load the model at *path* (a `LoadedModel`), or report every problem and exit 2."""
    if path == "-":  # one model file on stdin
        from archc.cli.models import load_models

        return load_models([path])
    if path.strip() and not os.path.lexists(path):
        fail(f"{path}: no such file or directory")
    loaded = load_or_diagnostics(path)
    if isinstance(loaded, list):
        n = len(loaded)
        fail(f"{path}: {n} error{'s' if n != 1 else ''} in the model; nothing was done", loaded)
    return loaded


def load_or_diagnostics(path: str) -> Any:
    """The `LoadedModel` at *path*, or the list of diagnostics saying why it does not load."""
    from archc.diagnostics import Diagnostic, Position
    from archc.model.loader import load

    if not path.strip():
        fail("MODEL: an empty name is not a file or directory")
    if not os.path.exists(path):
        why = "a symbolic link to nothing" if os.path.lexists(path) else "no such file or directory"
        return [Diagnostic("ARC100", why, position=Position(path, 1, 1), help="name a model file or a directory of them")]
    note_input(path)
    try:
        loaded = load(path)
    except ModelError as exc:
        return exc.diagnostics
    for name in loaded.files:
        note_input(name)
    return loaded


def write_output(path: str, data: str | bytes, option: str = "-o") -> None:
    """Write a command's output FILE: ``-`` is stdout; never an input of the command; otherwise `write_atomic`."""
    if path == "-":
        if isinstance(data, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            click.echo(data, nl=False)
        return
    if not path.strip():
        fail(f"{option}: an empty name is not a file; name the output file, or '-' for stdout")
    refuse_inputs(path)
    write_atomic(path, data)


def model_argument(func: F) -> F:
    """The MODEL argument: a YAML file, a directory of YAML files, or ``-`` for a file on stdin."""
    return click.argument("model", metavar="MODEL", type=click.Path(dir_okay=True, file_okay=True, allow_dash=True))(func)
