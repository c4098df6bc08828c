"""What the commands share: loading a model or exiting 2, atomic writes, option bundles."""

from __future__ import annotations

import functools
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
    """The MODEL arguments: YAML files, directories of them, globs, or ``-`` for a file on stdin; several
    make one model; none: the configured `model` (`model_paths`)."""
    return click.argument("model", nargs=-1, metavar="[MODEL]...",
                          type=click.Path(dir_okay=True, file_okay=True, allow_dash=True))(func)


# -- configuration ------------------------------------------------------------------------------

_CONFIG_KEY = "archc.config"


def config_option(func: F) -> F:
    """``--config FILE``: read the settings from this file instead of the one found walking up."""
    return click.option("--config", "config_path", type=click.Path(dir_okay=False, exists=True),
                        help="Read settings from this file instead of the .archc.yaml or pyproject.toml [tool.archc] "
                             "found by walking up from the working directory.")(func)


def read_settings(config_path: str | None, verbose: bool = False) -> Any:
    """The configuration in force (a `Config`, or None), or exit 2 when it is broken; kept for `current_config`."""
    from archc.config import ConfigError, find_config, load_config

    path = config_path or find_config(os.getcwd())
    config = None
    if path is None:
        if verbose:
            click.echo("archc: no configuration file (.archc.yaml or [tool.archc] in pyproject.toml) applies here", err=True)
    else:
        try:
            config = load_config(path)
        except ConfigError as exc:
            fail(str(exc))
        if verbose:
            click.echo(f"archc: configuration: {path} ({', '.join(config.keys) or 'no settings'})", err=True)
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.meta[_CONFIG_KEY] = config
    return config


def current_config() -> Any:
    """The `Config` the running command read (None: no file, or the command reads none)."""
    ctx = click.get_current_context(silent=True)
    return ctx.meta.get(_CONFIG_KEY) if ctx is not None else None


def configured_selection() -> tuple[set[str] | None, set[str] | None]:
    """The rules to run (select, ignore) by the configuration, for the lint that other commands run."""
    from archc.rules.registry import UnknownRule, expand

    config = current_config()
    if config is None:
        return None, None
    try:
        return expand(config.select), expand(config.ignore)
    except UnknownRule as exc:
        fail(f"{config.path}: select/ignore: {exc}; `archc rules` lists them")


def shown_path(path: str) -> str:
    """A configured (absolute) path as the user would type it: relative to the working directory,
    unless the two share nothing but the root."""
    if path == "-" or not os.path.isabs(path):
        return path
    cwd = os.getcwd()
    return path if os.path.commonpath([path, cwd]) == os.sep else os.path.relpath(path, cwd)


def configured(section: str | None) -> Callable[[F], F]:
    """Read the configuration before the command runs (its ``--config`` option is consumed), and
    give every option of the command that the command line left at its default the value of the
    same name in the configuration's *section*, checked as the option checks it; an invalid value
    exits 2 at its ``file:line:col``."""

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            from click.core import ParameterSource

            config = read_settings(kwargs.pop("config_path", None))
            ctx = click.get_current_context()
            ctx.meta[_FROM_CONFIG_KEY] = applied = set()
            if config is not None and section is not None:
                settings = config.section(section)
                for param in ctx.command.params:
                    if not isinstance(param, click.Option) or param.name is None:
                        continue
                    keys = [o[2:] for o in param.opts if o.startswith("--")]
                    setting = next((settings[k] for k in keys if k in settings), None)
                    if setting is None or ctx.get_parameter_source(param.name) not in (ParameterSource.DEFAULT, None):
                        continue
                    value = setting.value
                    if keys[0] in PATH_SETTINGS and isinstance(value, str):
                        value = shown_path(value)
                    try:
                        kwargs[param.name] = param.type_cast_value(ctx, value)
                    except click.BadParameter as exc:
                        fail(f"{setting.at}: {section}.{keys[0]}: {exc.message}")
                    applied.add(param.name)
            return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


PATH_SETTINGS = frozenset({"output"})
_FROM_CONFIG_KEY = "archc.from_config"


def from_config(name: str) -> bool:
    """Whether the option with parameter name *name* got its value from the configuration (not
    the command line): a configured value that does not apply to what was asked is dropped, where
    the same option given on the command line would be an error."""
    ctx = click.get_current_context(silent=True)
    return ctx is not None and name in ctx.meta.get(_FROM_CONFIG_KEY, set())


def model_paths(given: tuple[str, ...], keep_missing: bool = False) -> list[str]:
    """The MODEL paths of a command: those given, else the configured `model`; globs expanded; exit 2 when none."""
    from archc.cli.models import expand

    config = current_config()
    paths = list(given) or [shown_path(p) for p in (config.model if config is not None else ())]
    if not paths:
        fail("no MODEL given, and no `model` in a configuration file (.archc.yaml or [tool.archc] in pyproject.toml)")
    return expand(paths, keep_missing=keep_missing)


def one_model_path(given: str | None, what: str = "MODEL") -> str:
    """The one MODEL path of a command that reads a single model (sync, diff): given, or the configured one."""
    if given is not None:
        return given
    paths = model_paths(())
    if len(paths) != 1:
        fail(f"{what}: the configured `model` names {len(paths)} paths ({' '.join(paths)}); this command takes one: give {what}")
    return paths[0]
