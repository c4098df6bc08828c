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
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

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
    first = value[:1]
    if first.isalpha() and first not in "tTfFnN":  # the common case: a plain word
        return value
    if value in _NULL:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    if first.isdigit() or first in "+-.":
        if _INT.match(value):
            v = value.replace("_", "")
            if v.startswith("0x"):
                return int(v, 16)
            if v.startswith("0o"):
                return int(v, 0)
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
    if tag in _SHORT_FORMS:  # CloudFormation's short forms, for an escape hatch's properties
        return _SHORT_FORMS[tag](event.value)
    raise _Unsupported(event, f"unsupported YAML tag {tag!r}")


_SHORT_FORMS: dict[str, Any] = {
    "!Ref": lambda v: {"Ref": v},
    "!GetAtt": lambda v: {"Fn::GetAtt": v.split(".", 1) if "." in v else v},
    "!Sub": lambda v: {"Fn::Sub": v},
    "!ImportValue": lambda v: {"Fn::ImportValue": v},
}


class _Unsupported(Exception):
    def __init__(self, event: Any, message: str) -> None:
        self.event = event
        self.message = message


def load_yaml(
    text: str, file: str, source: SourceMap | None = None, connection_offset: int = 0
) -> tuple[Any, SourceMap, list[Diagnostic]]:
    """Parse *text*; return the data, the positions of every path, and problems found.

    Positions go into *source* when given (several files share one map); items of the
    top-level ``connections`` list are numbered from *connection_offset*. A syntax error returns
    ``(None, map, [diagnostic])``.
    """
    if source is None:
        source = SourceMap(default_file=file)
    problems: list[Diagnostic] = []
    pmap = source.positions
    kmap = source.keys
    anchors: dict[str, Any] = {}
    root: Any = None
    # one frame per open collection: [container, its path, pending key (or _NO_KEY), key's mark]
    stack: list[list[Any]] = []

    def pos(mark: Any) -> Position:
        return Position(file, mark.line + 1, mark.column + 1)

    def raw(mark: Any) -> tuple[str, Any]:  # stored as is; SourceMap turns it into a Position on demand
        return (file, mark)

    try:
        for event in yaml.parse(text, Loader=_Loader):
            cls = event.__class__
            if cls is ScalarEvent:
                if event.tag is None:  # plain scalars resolve; quoted ones are strings
                    value: Any = _resolve_plain(event.value) if event.implicit[0] else event.value
                else:
                    value = _resolve(event)
                if event.anchor:
                    anchors[event.anchor] = value
                is_scalar = True
            elif cls is MappingStartEvent or cls is SequenceStartEvent:
                value = {} if cls is MappingStartEvent else []
                if event.anchor:
                    anchors[event.anchor] = value
                is_scalar = False
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                stack.pop()
                continue
            elif cls is AliasEvent:
                if event.anchor not in anchors:
                    raise _Unsupported(event, f"unknown alias *{event.anchor}")
                value, is_scalar = anchors[event.anchor], True
            elif cls is DocumentStartEvent:
                if root is not None or stack:
                    raise _Unsupported(event, "a model file holds one YAML document; split it into files instead")
                continue
            else:
                continue
            # place the value in its container
            if not stack:
                root = value
                pmap[()] = raw(event.start_mark)
                child: Path = ()
            else:
                frame = stack[-1]
                container = frame[0]
                if container.__class__ is list:
                    index = len(container)
                    if frame[1] == ("connections",):
                        index += connection_offset
                    child = (*frame[1], index)
                    container.append(value)
                    pmap[child] = raw(event.start_mark)
                elif frame[2] is _NO_KEY:  # this value is a key
                    if not is_scalar or isinstance(value, (dict, list)):
                        raise _Unsupported(event, "mapping keys must be plain scalars")
                    # a key is its text as written: ids like 1e3 or 0012 stay what they look like
                    frame[2] = event.value if cls is ScalarEvent else str(value)
                    frame[3] = event.start_mark
                    continue
                else:
                    key = frame[2]
                    frame[2] = _NO_KEY
                    child = (*frame[1], key)
                    if key in container:
                        first = source.get(child)
                        problems.append(
                            Diagnostic(
                                "ARC105",
                                f"duplicate key '{key}'" + (f" (the first one is at line {first.line})" if first else ""),
                                child,
                                position=pos(frame[3]),
                                help="each key may appear once in a mapping; remove or rename one of them",
                            )
                        )
                    elif key == "<<" and isinstance(value, dict):
                        for k, v in value.items():
                            container.setdefault(k, v)
                    else:
                        container[key] = value
                        # scalars point at the value, collections at their key
                        if is_scalar:
                            pmap[child] = raw(event.start_mark)
                            kmap[child] = raw(frame[3])
                        else:
                            pmap[child] = raw(frame[3])
            if not is_scalar:
                stack.append([value, child, _NO_KEY, None])
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
    except yaml.reader.ReaderError as exc:
        line, col = _line_col(text, exc.position)
        problems.append(Diagnostic("ARC101", f"YAML cannot contain the character {exc.character!r}", position=Position(file, line, col),
                                   help="remove it, or write it as an escape inside a double-quoted string"))
        return None, source, problems
    except yaml.YAMLError as exc:  # pragma: no cover - libyaml reports everything above
        problems.append(Diagnostic("ARC101", f"YAML error: {exc}", position=Position(file, 1, 1)))
        return None, source, problems
    except _Unsupported as exc:
        problems.append(Diagnostic("ARC101", exc.message, position=pos(exc.event.start_mark)))
        return None, source, problems
    return root, source, problems


def _line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


class _NoKey:
    __slots__ = ()

    def __repr__(self) -> str:  # pragma: no cover
        return "<no key>"


_NO_KEY = _NoKey()
