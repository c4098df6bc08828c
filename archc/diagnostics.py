"""Diagnostics: the one shape for every problem archc reports, and where it points.

Loader errors and rule findings are both `Diagnostic`s. A diagnostic carries a *path* into
the model (``("resources", "priv_1c", "cidr")``); a `SourceMap` built by the loader turns that
path into ``file:line:col``. This module imports nothing from the rest of archc.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}

PathPart = str | int
Path = tuple[PathPart, ...]


def format_path(path: Path) -> str:
    """``("connections", 3, "to")`` → ``connections[3].to``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


@dataclass(frozen=True, slots=True)
class Position:
    file: str
    line: int  # 1-based
    col: int  # 1-based


@dataclass(slots=True)
class SourceMap:
    """Maps model paths to the position of the key (or item) in the source YAML.

    The loader stores ``(file, mark)`` pairs straight from the YAML parser (cheap: no object per
    key); they become `Position`s only when asked for.
    """

    positions: dict[Path, Any] = field(default_factory=dict)
    default_file: str = "<model>"
    keys: dict[Path, Any] = field(default_factory=dict)  # where the key of a scalar value stands

    def get_key(self, path: Path) -> Position | None:
        """Where the key of *path* stands (its value may be further right)."""
        raw = self.keys.get(path)
        if raw is None:
            return self.get(path)
        file, mark = raw
        return Position(file, mark.line + 1, mark.column + 1)

    def add(self, path: Path, pos: Position) -> None:
        self.positions[path] = pos

    def get(self, path: Path) -> Position | None:
        """The position of exactly *path*, if the source has it."""
        raw = self.positions.get(path)
        if raw is None or isinstance(raw, Position):
            return raw
        file, mark = raw
        return Position(file, mark.line + 1, mark.column + 1)

    def locate(self, path: Path) -> Position:
        """The position of the longest prefix of *path* that the source knows."""
        p = tuple(path)
        while p:
            pos = self.get(p)
            if pos is not None:
                return pos
            p = p[:-1]
        return self.get(()) or Position(self.default_file, 1, 1)


@dataclass(slots=True)
class Diagnostic:
    """One problem: a load error or a rule finding."""

    code: str
    message: str
    path: Path = ()
    severity: Severity = "error"
    help: str | None = None
    name: str | None = None  # the rule's dotted name, when a rule produced it
    position: Position | None = None
    related: tuple[Path, ...] = ()  # further model elements involved (a whole path, say)
    at_key: bool = False  # point at the key of `path` rather than its value (unknown keys)

    def locate(self, source: SourceMap) -> Diagnostic:
        if self.position is None:
            key = source.get_key(self.path) if self.at_key else None
            self.position = key or source.locate(self.path)
        return self

    def sort_key(self) -> tuple[str, int, int, str, str]:
        pos = self.position or Position("", 0, 0)
        return (pos.file, pos.line, pos.col, self.code, self.message)

    def format_text(self) -> str:
        pos = self.position or Position("<model>", 1, 1)
        text = f"{pos.file}:{pos.line}:{pos.col}: {self.code} [{self.severity}] {self.message}"
        if self.help:
            text += f"\n  help: {self.help}"
        return text


class ArchcError(Exception):
    """A problem the user can act on, found below the command line (a missing tool, say).

    Lower layers raise it with a one-line message in the user's words and never import the CLI;
    the CLI prints ``archc: <message>`` and exits 2.
    """


class ModelError(Exception):
    """Raised by the loader with every problem found in the input, not just the first."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics, key=Diagnostic.sort_key)
        super().__init__("\n".join(d.format_text() for d in self.diagnostics))


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'vpc'?)`` or an empty string when nothing is close."""
    import difflib  # only on the error path

    pool = sorted(set(choices))
    close = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in pool}
        if word.lower() in lowered:
            close = [lowered[word.lower()]]
    return f" (did you mean '{close[0]}'?)" if close else ""
