"""Read YAML into plain Python data plus a map from model paths to source positions.

Built on libyaml's event stream (PyYAML's C parser) rather than its composer: it is the fastest
way to get positions for every key. Scalars are resolved with the YAML 1.2 core schema
(``yes``/``no``/``on``/``off`` stay strings; only ``true``/``false`` are booleans).
Duplicate keys are reported, never silently overwritten.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from archc.diagnostics import Diagnostic, Path, Position, SourceMap

try:  # pragma: no cover - which loader exists depends on how PyYAML was built
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

_INT = re.compile(r"^[-+]?(0|[1-9][0-9_]*)$|^0x[0-9a-fA-F_]+$|^0o[0-7_]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$|^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$")
_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}


def _resolve_plain(value: str) -> Any:
    if value in _NULL:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    first = value[0]
    if first.isdigit() or first in "+-.":
        if _INT.match(value):
            v = value.replace("_", "")
            if v.startswith("0x"):
                return int(v, 16)
            if v.startswith("0o"):
                return int(v[2:], 8)
            return int(v)
        if _FLOAT.match(value):
            low = value.lower()
            if low.endswith("inf"):
                return float("-inf") if low.startswith("-") else float("inf")
            if low.endswith("nan"):
                return float("nan")
            return float(value.replace("_", ""))
    return value


def _resolve(event: Any) -> Any:
    tag = event.tag
    if tag in (None, "!") and event.implicit[0]:
        return _resolve_plain(event.value)
    if tag in (None, "!", "tag:yaml.org,2002:str"):
        return event.value
    if tag == "tag:yaml.org,2002:int":
        return int(event.value)
    if tag == "tag:yaml.org,2002:float":
        return float(event.value)
    if tag == "tag:yaml.org,2002:bool":
        return event.value in _TRUE
    if tag == "tag:yaml.org,2002:null":
        return None
    raise _Unsupported(event, f"unsupported YAML tag {tag!r}")


class _Unsupported(Exception):
    def __init__(self, event: Any, message: str) -> None:
        self.event = event
        self.message = message


def load_yaml(text: str, file: str) -> tuple[Any, SourceMap, list[Diagnostic]]:
    """Parse *text*; return the data, the positions of every path, and problems found.

    A syntax error returns ``(None, map, [diagnostic])``.
    """
    source = SourceMap(default_file=file)
    problems: list[Diagnostic] = []
    positions = source.positions
    anchors: dict[str, Any] = {}

    def pos(mark: Any) -> Position:
        return Position(file, mark.line + 1, mark.column + 1)

    try:
        events = yaml.parse(text, Loader=_Loader)
        # stack of [container, path, pending_key]; pending_key is _NO_KEY for a sequence
        stack: list[list[Any]] = []
        root: Any = None
        documents = 0

        def attach(value: Any, event: Any, is_scalar: bool) -> Path | None:
            """Place *value* into the current container; return its path."""
            nonlocal root
            if not stack:
                root = value
                positions[()] = pos(event.start_mark)
                return ()
            top = stack[-1]
            container, path = top[0], top[1]
            if isinstance(container, list):
                child = (*path, len(container))
                container.append(value)
                positions[child] = pos(event.start_mark)
                return child
            if top[2] is _NO_KEY:  # this value is a key
                if not is_scalar:
                    raise _Unsupported(event, "mapping keys must be plain scalars")
                key = value if isinstance(value, str) else str(value)
                top[2] = key
                top[3] = event.start_mark
                return None
            key = top[2]
            child = (*path, key)
            if key in container:
                problems.append(
                    Diagnostic(
                        "ARC105",
                        f"duplicate key '{key}' (the first one is at line {positions.get(child, pos(top[3])).line})",
                        child,
                        position=pos(top[3]),
                        help="each key may appear once in a mapping; remove or rename one of them",
                    )
                )
            elif key == "<<" and isinstance(value, dict):
                for k, v in value.items():
                    container.setdefault(k, v)
            else:
                container[key] = value
                # scalars point at the value, collections at their key
                positions[child] = pos(event.start_mark if is_scalar else top[3])
            top[2] = _NO_KEY
            return child

        for event in events:
            kind = type(event).__name__
            if kind == "ScalarEvent":
                value = _resolve(event)
                if event.anchor:
                    anchors[event.anchor] = value
                attach(value, event, True)
            elif kind == "MappingStartEvent":
                mapping: dict[str, Any] = {}
                if event.anchor:
                    anchors[event.anchor] = mapping
                path = attach(mapping, event, False)
                stack.append([mapping, path, _NO_KEY, None])
            elif kind == "SequenceStartEvent":
                seq: list[Any] = []
                if event.anchor:
                    anchors[event.anchor] = seq
                path = attach(seq, event, False)
                stack.append([seq, path, _NO_KEY, None])
            elif kind in ("MappingEndEvent", "SequenceEndEvent"):
                stack.pop()
            elif kind == "AliasEvent":
                if event.anchor not in anchors:
                    raise _Unsupported(event, f"unknown alias *{event.anchor}")
                attach(anchors[event.anchor], event, True)
            elif kind == "DocumentStartEvent":
                documents += 1
                if documents > 1:
                    raise _Unsupported(event, "a model file holds one YAML document; split it into files instead")
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or "invalid YAML"
        if exc.context:
            what = f"{what} ({exc.context})"
        problems.append(
            Diagnostic(
                "ARC101",
                f"YAML syntax error: {what}",
                position=Position(file, line, col),
                help="check indentation and quoting around this point",
            )
        )
        return None, source, problems
    except _Unsupported as exc:
        problems.append(Diagnostic("ARC101", exc.message, position=pos(exc.event.start_mark)))
        return None, source, problems
    return root, source, problems


class _NoKey:
    __slots__ = ()

    def __repr__(self) -> str:  # pragma: no cover
        return "<no key>"


_NO_KEY = _NoKey()
