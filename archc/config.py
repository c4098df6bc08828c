"""Project configuration: ``.archc.yaml`` or ``[tool.archc]`` in ``pyproject.toml``.

Found as ruff finds its own: walking up from the working directory, the first directory that has
``.archc.yaml`` (or ``.archc.yml``), or a ``pyproject.toml`` with a ``[tool.archc]`` table, wins
(``.archc.yaml`` before ``pyproject.toml`` in the same directory). Command-line options win over
the file. Keys (``fail_on`` is accepted for ``fail-on``)::

    [tool.archc]
    model = "architecture"          # or a list of paths and globs, relative to this file
    select = ["ARC2", "ARC301"]     # or "ARC2,ARC301"
    ignore = ["ARC113"]
    fail-on = "warning"             # error | warning | info
    format = "text"                 # text | json | sarif

Reading it is pure: `find_config` and `parse_config` take paths and text and return a `Config`
or raise `ConfigError`; the CLI decides what to do with either.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

YAML_NAMES = (".archc.yaml", ".archc.yml")
PYPROJECT = "pyproject.toml"
KEYS = ("model", "select", "ignore", "fail-on", "format")
CHOICES = {"fail-on": ("error", "warning", "info"), "format": ("text", "json", "sarif")}


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Config:
    path: str  # the file the settings came from
    model: tuple[str, ...] = ()  # paths or globs, resolved against the file's directory
    select: str | None = None  # comma-separated, as `--select` takes it
    ignore: str | None = None
    fail_on: str | None = None
    format: str | None = None
    keys: tuple[str, ...] = field(default=())  # the keys the file set, for `--verbose`


def find_config(start: str) -> str | None:
    """The configuration file that applies in directory *start*, or None."""
    directory = os.path.abspath(start)
    while True:
        for name in YAML_NAMES:
            candidate = os.path.join(directory, name)
            if os.path.isfile(candidate):
                return candidate
        candidate = os.path.join(directory, PYPROJECT)
        if os.path.isfile(candidate) and _has_tool_archc(candidate):
            return candidate
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def _has_tool_archc(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            if b"archc" not in fh.read():  # most pyproject.toml files: no need to parse them
                return False
        return "archc" in _read_pyproject(path).get("tool", {})
    except ConfigError:
        return True  # a broken pyproject.toml that mentions us is reported, not skipped
    except OSError:
        return False


def _read_pyproject(path: str) -> dict[str, Any]:
    """*path* as TOML; an unreadable file is an error only when it mentions ``tool.archc``."""
    import tomllib

    with open(path, "rb") as fh:
        raw = fh.read()
    try:
        data: dict[str, Any] = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        if b"tool.archc" in raw:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
        return {}
    return data


def load_config(path: str) -> Config:
    """Read and check the configuration file at *path*."""
    try:
        if os.path.basename(path) == PYPROJECT or path.endswith(".toml"):
            table = _read_pyproject(path).get("tool", {}).get("archc", {})
            where = f"{path}: [tool.archc]"
        else:
            import yaml

            with open(path, encoding="utf-8") as fh:
                try:
                    table = yaml.safe_load(fh) or {}
                except yaml.YAMLError as exc:
                    raise ConfigError(f"{path}: not valid YAML: {exc}") from None
            where = path
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the configuration: {exc.strerror or exc}") from None
    return parse_config(table, path, where)


def parse_config(table: Any, path: str, where: str | None = None) -> Config:
    """Check the settings *table* read from *path*; paths in it are relative to *path*'s directory."""
    where = where or path
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table of settings, not {type(table).__name__}")
    values: dict[str, Any] = {}
    for raw_key, value in table.items():
        key = str(raw_key).replace("_", "-")
        if key not in KEYS:
            import difflib

            close = difflib.get_close_matches(key, KEYS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ConfigError(f"{where}: unknown key '{raw_key}'{hint}; the keys are {', '.join(KEYS)}")
        values[key] = value
    base = os.path.dirname(os.path.abspath(path))
    model = _strings(values.get("model"), "model", where)
    return Config(
        path=path,
        model=tuple(p if p == "-" else os.path.normpath(os.path.join(base, p)) for p in model),
        select=_codes(values.get("select"), "select", where),
        ignore=_codes(values.get("ignore"), "ignore", where),
        fail_on=_choice(values.get("fail-on"), "fail-on", where),
        format=_choice(values.get("format"), "format", where),
        keys=tuple(sorted(values)),
    )


def _strings(value: Any, key: str, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ConfigError(f"{where}: {key}: expected a string or a list of strings, not {value!r}")


def _codes(value: Any, key: str, where: str) -> str | None:
    items = _strings(value, key, where)
    parts = [p.strip() for item in items for p in item.split(",") if p.strip()]
    return ",".join(parts) if parts else None


def _choice(value: Any, key: str, where: str) -> str | None:
    if value is None:
        return None
    if value not in CHOICES[key]:
        raise ConfigError(f"{where}: {key}: expected one of {', '.join(CHOICES[key])}, not {value!r}")
    return str(value)
