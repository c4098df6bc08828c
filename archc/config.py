"""Project configuration: ``.archc.yaml`` or ``[tool.archc]`` in ``pyproject.toml``.

Found as ruff finds its own: walking up from the working directory, the first directory that has
``.archc.yaml`` (or ``.archc.yml``), or a ``pyproject.toml`` with a ``[tool.archc]`` table, wins
(``.archc.yaml`` before ``pyproject.toml`` in the same directory). Command-line options win over
the file. ``_`` is accepted for ``-`` in every key (``fail_on``). The keys (docs/configuration.md
is the reference)::

    [tool.archc]
    model = "architecture"          # or a list of paths and globs, relative to this file
    select = ["ARC2", "ARC301"]     # lint (and the lint that build, diagram --findings and sync run)
    ignore = ["ARC113"]
    fail-on = "warning"             # lint: error | warning | info
    format = "text"                 # lint: text | json | sarif

    [tool.archc.build]              # the long options of `archc build`
    output = "out/cloudformation"
    format = "json"

    [tool.archc.diagram]            # of `archc diagram`: format, output, view, size, dpi, max-nodes, findings
    [tool.archc.docs]               # of `archc docs`: output
    [tool.archc.deploy-plan]        # of `archc deploy-plan`: format, output; its BUILD_DIR is build.output

A section's keys are its command's long option names; their values are checked by the command
(as its option would be), and reported at the value's ``file:line:col``. Paths (``model`` and
every ``output``) are relative to the configuration file's directory.

Reading it is pure: `find_config` and `load_config` take paths and return a `Config` or raise
`ConfigError`; the CLI decides what to do with either.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

YAML_NAMES = (".archc.yaml", ".archc.yml")
PYPROJECT = "pyproject.toml"
KEYS = ("model", "select", "ignore", "fail-on", "format")
CHOICES = {"fail-on": ("error", "warning", "info"), "format": ("text", "json", "sarif")}
# section → its keys (the long options of the command of that name); `output` is a path
SECTIONS: dict[str, tuple[str, ...]] = {
    "build": ("output", "format"),
    "diagram": ("format", "output", "view", "size", "dpi", "max-nodes", "findings"),
    "docs": ("output",),
    "deploy-plan": ("format", "output"),
}
PATH_KEYS = frozenset({"output"})

Positions = dict[tuple[str, ...], tuple[int, int]]  # key path → (line, column), 1-based


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names the file, the place and the key."""


@dataclass(frozen=True)
class Setting:
    """One value of a command's section, and where it was written (``file:line:col``)."""

    value: Any
    at: str


@dataclass(frozen=True)
class Config:
    path: str  # the file the settings came from
    model: tuple[str, ...] = ()  # paths or globs, resolved against the file's directory
    select: str | None = None  # comma-separated, as `--select` takes it
    ignore: str | None = None
    fail_on: str | None = None
    format: str | None = None
    keys: tuple[str, ...] = field(default=())  # the keys the file set, for `--verbose`
    sections: dict[str, dict[str, Setting]] = field(default_factory=dict)  # command → option → value

    def section(self, name: str) -> dict[str, Setting]:
        """The settings of command *name* (its long option names without ``--``)."""
        return self.sections.get(name, {})


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
        return "archc" in _read_pyproject(path)[0].get("tool", {})
    except ConfigError:
        return True  # a broken pyproject.toml that mentions us is reported, not skipped
    except OSError:
        return False


def _read_pyproject(path: str) -> tuple[dict[str, Any], str]:
    """*path* as TOML, and its text; an unreadable file is an error only when it mentions ``tool.archc``."""
    import tomllib

    with open(path, "rb") as fh:
        raw = fh.read()
    try:
        text = raw.decode("utf-8")
        data: dict[str, Any] = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        if b"tool.archc" in raw:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
        return {}, ""
    return data, text


def load_config(path: str) -> Config:
    """Read and check the configuration file at *path*."""
    try:
        if os.path.basename(path) == PYPROJECT or path.endswith(".toml"):
            data, text = _read_pyproject(path)
            table = data.get("tool", {}).get("archc", {})
            return parse_config(table, path, "[tool.archc]", toml_positions(text))
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the configuration: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text: {exc}") from None
    table, positions = _read_yaml(text, path)
    return parse_config(table, path, None, positions)


def _read_yaml(text: str, path: str) -> tuple[Any, Positions]:
    import yaml

    try:
        table = yaml.safe_load(text) or {}
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else path
        raise ConfigError(f"{at}: not valid YAML: {getattr(exc, 'problem', None) or exc}") from None
    positions: Positions = {}

    def walk(node: Any, prefix: tuple[str, ...]) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                name = (*prefix, str(key.value).replace("_", "-"))
                positions[name] = (key.start_mark.line + 1, key.start_mark.column + 1)
                positions[(*name, "=")] = (value.start_mark.line + 1, value.start_mark.column + 1)
                walk(value, name)

    if root is not None:
        positions[()] = (root.start_mark.line + 1, root.start_mark.column + 1)
        walk(root, ())
    return table, positions


_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")
_KEY = re.compile(r"^(\s*)([A-Za-z0-9_.\-\"' ]+?)\s*=\s*(\S)")


def _toml_key(text: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'").replace("_", "-") for part in text.split("."))


def toml_positions(text: str) -> Positions:
    """Where each key under ``[tool.archc]`` is written, found line by line (tomllib keeps no positions).

    Handles ``[tool.archc]`` and ``[tool.archc.SECTION]`` headers and dotted keys; a key it cannot
    place (an inline table's) is reported at its table's header."""
    positions: Positions = {}
    table: tuple[str, ...] | None = None
    for number, line in enumerate(text.splitlines(), 1):
        header = _HEADER.match(line)
        if header:
            name = _toml_key(header.group(1))
            table = name[2:] if name[:2] == ("tool", "archc") else None
            if table is not None:
                positions.setdefault(table, (number, line.index("[") + 1))
            continue
        key = _KEY.match(line)
        if key is None:
            continue
        name = _toml_key(key.group(2))
        if table is None:  # [tool] with `archc.model = …`, or the top level with `tool.archc.model = …`
            full = name[2:] if name[:2] == ("tool", "archc") else None
            if full is None and len(name) > 1 and name[0] == "archc":
                full = name[1:]
            if full is None:
                continue
        else:
            full = (*table, *name)
        positions.setdefault(full, (number, len(key.group(1)) + 1))
        positions.setdefault((*full, "="), (number, key.start(3) + 1))
    return positions


def parse_config(table: Any, path: str, where: str | None = None, positions: Positions | None = None) -> Config:
    """Check the settings *table* read from *path*; paths in it are relative to *path*'s directory.

    *where* names the table inside the file (``[tool.archc]``); *positions* say where each key and
    value is written, so that a mistake is reported at ``file:line:col``."""
    places = positions or {}

    def at(key: tuple[str, ...], value: bool = False) -> str:
        for k in ((*key, "=") if value else key, key, key[:-1], ()):
            if k in places:
                line, col = places[k]
                return f"{path}:{line}:{col}"
        return path

    def name(key: tuple[str, ...]) -> str:
        return f"{where} {'.'.join(key)}" if where else ".".join(key)

    if not isinstance(table, dict):
        raise ConfigError(f"{at(())}: expected a table of settings, not {type(table).__name__}")
    values: dict[str, Any] = {}
    sections: dict[str, dict[str, Setting]] = {}
    base = os.path.dirname(os.path.abspath(path))
    for raw_key, value in table.items():
        key = str(raw_key).replace("_", "-")
        if key in SECTIONS:
            sections[key] = _section(key, value, base, at)
            continue
        if key not in KEYS:
            raise ConfigError(f"{at((key,))}: unknown key '{raw_key}'{_did_you_mean(key, (*KEYS, *SECTIONS))}; "
                              f"the keys are {', '.join(KEYS)}, and the sections {', '.join(SECTIONS)}")
        values[key] = value
    try:
        model = _strings(values.get("model"), "model")
        select = _codes(values.get("select"), "select")
        ignore = _codes(values.get("ignore"), "ignore")
        fail_on = _choice(values.get("fail-on"), "fail-on")
        fmt = _choice(values.get("format"), "format")
    except _BadValue as exc:
        raise ConfigError(f"{at((exc.key,), value=True)}: {name((exc.key,))}: {exc}") from None
    return Config(
        path=path,
        model=tuple(p if p == "-" else os.path.normpath(os.path.join(base, p)) for p in model),
        select=select,
        ignore=ignore,
        fail_on=fail_on,
        format=fmt,
        keys=tuple(sorted([*values, *sections])),
        sections=sections,
    )


def _section(section: str, table: Any, base: str, at: Any) -> dict[str, Setting]:
    if not isinstance(table, dict):
        raise ConfigError(f"{at((section,), value=True)}: {section}: expected a table of `archc {section}` options, "
                          f"not {type(table).__name__}")
    out: dict[str, Setting] = {}
    allowed = SECTIONS[section]
    for raw_key, value in table.items():
        key = str(raw_key).replace("_", "-")
        if key not in allowed:
            raise ConfigError(f"{at((section, key))}: unknown key '{raw_key}' in {section}{_did_you_mean(key, allowed)}; "
                              f"the keys of {section} are {', '.join(allowed)}")
        if key in PATH_KEYS:
            if not isinstance(value, str) or not value.strip():
                raise ConfigError(f"{at((section, key), value=True)}: {section}.{key}: expected a path, not {value!r}")
            value = value if value == "-" else os.path.normpath(os.path.join(base, value))
        out[key] = Setting(value, at((section, key), value=True))
    return out


def _did_you_mean(key: str, known: tuple[str, ...]) -> str:
    import difflib

    close = difflib.get_close_matches(key, known, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


class _BadValue(Exception):
    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


def _strings(value: Any, key: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise _BadValue(key, f"expected a string or a list of strings, not {value!r}")


def _codes(value: Any, key: str) -> str | None:
    items = _strings(value, key)
    parts = [p.strip() for item in items for p in item.split(",") if p.strip()]
    return ",".join(parts) if parts else None


def _choice(value: Any, key: str) -> str | None:
    if value is None:
        return None
    if value not in CHOICES[key]:
        raise _BadValue(key, f"expected one of {', '.join(CHOICES[key])}, not {value!r}")
    return str(value)
