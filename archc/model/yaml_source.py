"""Read YAML into plain Python data plus a map from model paths to source positions.

Built on libyaml's event stream (PyYAML's C parser) rather than its composer: it is the fastest
way to get positions for every key. Scalars are resolved with the YAML 1.2 core schema
(``yes``/``no``/``on``/``off`` stay strings; only ``true``/``false`` are booleans).
Duplicate keys are reported, never silently overwritten. ``<<`` merge keys (one mapping or a list
of them) fill in keys the mapping does not set itself, wherever they stand.

Input is bounded: nesting deeper than `MAX_DEPTH` and aliases that expand to more than
`MAX_ALIAS_NODES` nodes in all (a "billion laughs" document) are errors, as is an alias to a
collection that is still open (a cycle).
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
MAX_DEPTH = 100  # collections inside collections; a real model nests fewer than 10
MAX_INT_DIGITS = 4000  # below Python's limit on converting decimal text to int (4300)
MAX_ALIAS_NODES = 100_000  # nodes that aliases may add in all, counted as expanded
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
            if len(v) > MAX_INT_DIGITS:  # Python refuses to convert it; no model number is this long
                return value
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
    if tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
        number = _resolve_plain(event.value.strip())
        if tag.endswith("int") and isinstance(number, int) and not isinstance(number, bool):
            return number
        if tag.endswith("float") and isinstance(number, (int, float)) and not isinstance(number, bool):
            return float(number)
        raise _Unsupported(event, f"{event.value[:40]!r} is not a{'n integer' if tag.endswith('int') else ' number'}")
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
    "!GetAZs": lambda v: {"Fn::GetAZs": v},
    "!Base64": lambda v: {"Fn::Base64": v},
    "!Condition": lambda v: {"Condition": v},
}

# CloudFormation's short forms on a sequence or a mapping (`!If [Cond, a, b]`): the function they stand for
_COLLECTION_FORMS: dict[str, str] = {
    f"!{name}": f"Fn::{name}" for name in (
        "If", "Join", "Select", "Split", "Sub", "GetAtt", "FindInMap", "Cidr", "Equals", "And", "Or", "Not", "Base64",
        "ImportValue", "GetAZs", "Length", "ToJsonString", "Transform")
}
_PLAIN_COLLECTION_TAGS = (None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


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
    try:
        root = _build(text, file, source, connection_offset, problems)
    except (yaml.YAMLError, _Unsupported) as exc:
        problems.append(_syntax_error(exc, text, file))
        return None, source, problems
    return root, source, problems


def _build(text: str, file: str, source: SourceMap, connection_offset: int, problems: list[Diagnostic]) -> Any:
    """The data of *text*, built from libyaml's events; positions go into *source*, duplicate keys
    into *problems*. Raises a `yaml.YAMLError` or `_Unsupported` for what cannot be read (a syntax
    error, an alias bomb, nesting past `MAX_DEPTH`)."""
    # positions are stored as (file, mark) pairs; SourceMap makes a Position of one on demand
    pmap, kmap = source.positions, source.keys
    anchors: dict[str, Any] = {}
    root: Any = None
    # one frame per open collection:
    # [container, its path, pending key (or _NO_KEY), key's mark, `<<` values to merge, node count]
    stack: list[list[Any]] = []
    sizes: dict[int, int] = {}  # id(anchored collection) → its node count, aliases expanded
    open_ids: set[int] = set()  # collections not yet closed (an alias to one is a cycle)
    expanded = 0

    for event in yaml.parse(text, Loader=_Loader):
        cls = event.__class__
        size = 1
        if cls is ScalarEvent:
            if event.tag is None:  # plain scalars resolve; quoted ones are strings
                value: Any = _resolve_plain(event.value) if event.implicit[0] else event.value
            else:
                value = _resolve(event)
            if event.anchor:
                anchors[event.anchor] = value
            is_scalar = True
        elif cls is MappingStartEvent or cls is SequenceStartEvent:
            inner: Any = {} if cls is MappingStartEvent else []
            value = inner
            fn = None
            if event.tag not in _PLAIN_COLLECTION_TAGS:
                fn = _COLLECTION_FORMS.get(event.tag)
                if fn is None:
                    raise _Unsupported(event, f"unsupported YAML tag {event.tag!r}")
                value = {fn: inner}  # `!If [c, a, b]` is {Fn::If: [c, a, b]}
            if event.anchor:
                anchors[event.anchor] = value
                sizes[id(value)] = 1
            if len(stack) >= MAX_DEPTH:
                raise _Unsupported(event, f"collections nest more than {MAX_DEPTH} deep")
            open_ids.add(id(value))
            is_scalar = False
        elif cls is MappingEndEvent or cls is SequenceEndEvent:
            frame = stack.pop()
            ident = id(frame[6])
            open_ids.discard(ident)
            if frame[4]:
                _merge(frame[0], frame[4], event)
            if ident in sizes:
                sizes[ident] = 1 + frame[5]
            if stack:
                stack[-1][5] += frame[5]
            continue
        elif cls is AliasEvent:
            if event.anchor not in anchors:
                raise _Unsupported(event, f"unknown alias *{event.anchor}")
            value, is_scalar = anchors[event.anchor], True
            if id(value) in open_ids:
                raise _Unsupported(event, f"alias *{event.anchor} refers to a collection that contains it (a cycle)")
            size = sizes.get(id(value), 1) if isinstance(value, (dict, list)) else 1
            expanded += size
            if expanded > MAX_ALIAS_NODES:
                raise _Unsupported(event, f"aliases expand to more than {MAX_ALIAS_NODES:,} values; "
                                          "write the repeated parts out, or repeat less")
        elif cls is DocumentStartEvent:
            if root is not None or stack:
                raise _Unsupported(event, "a model file holds one YAML document; split it into files instead")
            continue
        else:
            continue
        # place the value in its container
        if stack:
            stack[-1][5] += size
        if not stack:
            root = value
            pmap[()] = (file, event.start_mark)
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
                pmap[child] = (file, event.start_mark)
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
                if key == "<<" and event.__class__ is not ScalarEvent:  # a merge: applied when the mapping ends
                    frame[4].append(value)
                elif key in container:
                    problems.append(_duplicate_key(source, child, key, file, frame[3]))
                else:
                    container[key] = value
                    # scalars point at the value, collections at their key
                    if is_scalar:
                        pmap[child] = (file, event.start_mark)
                        kmap[child] = (file, frame[3])
                    else:
                        pmap[child] = (file, frame[3])
        if not is_scalar:
            if value is inner:
                stack.append([value, child, _NO_KEY, None, [], 0, value])
            else:  # a short form: its items go into the function's argument
                stack.append([inner, (*child, fn), _NO_KEY, None, [], 0, value])
    return root


def _duplicate_key(source: SourceMap, child: Path, key: str, file: str, mark: Any) -> Diagnostic:
    first = source.get(child)
    return Diagnostic(
        "ARC105",
        f"duplicate key '{key}'" + (f" (the first one is at line {first.line})" if first else ""),
        child,
        position=Position(file, mark.line + 1, mark.column + 1),
        help="each key may appear once in a mapping; remove or rename one of them",
    )


def _syntax_error(exc: yaml.YAMLError | _Unsupported, text: str, file: str) -> Diagnostic:
    """The ARC101 diagnostic for what stopped `_build`."""
    if isinstance(exc, _Unsupported):
        mark = exc.event.start_mark
        return Diagnostic("ARC101", exc.message, position=Position(file, mark.line + 1, mark.column + 1))
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or "invalid YAML"
        if exc.context:
            what = f"{what} ({exc.context})"
        return Diagnostic("ARC101", f"YAML syntax error: {what}", position=Position(file, line, col),
                          help="check indentation and quoting around this point")
    if isinstance(exc, yaml.reader.ReaderError):
        line, col = _line_col(text, exc.position)
        return Diagnostic("ARC101", f"YAML cannot contain the character {exc.character!r}", position=Position(file, line, col),
                          help="remove it, or write it as an escape inside a double-quoted string")
    return Diagnostic("ARC101", f"YAML error: {exc}", position=Position(file, 1, 1))  # pragma: no cover - libyaml reports everything above


def _merge(container: dict[str, Any], values: list[Any], end: Any) -> None:
    """Apply the ``<<`` values of a mapping that just ended: keys it sets itself win, then earlier merges."""
    for value in values:
        for source in value if isinstance(value, list) else [value]:
            if not isinstance(source, dict):
                raise _Unsupported(end, "a `<<` merge takes a mapping (an alias like *base) or a list of them")
            for k, v in source.items():
                container.setdefault(k, v)


def decode(data: bytes, file: str) -> tuple[str | None, Diagnostic | None]:
    """*data* as UTF-8 text (a BOM is dropped), or a diagnostic at the ``line:col`` of the first bad byte."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        before = data[:exc.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1:].decode("utf-8", errors="replace")) + 1
        return None, Diagnostic("ARC100", f"the file is not UTF-8 text: byte 0x{data[exc.start]:02x} cannot start a character here",
                                position=Position(file, line, col), help="save the file as UTF-8")


def _line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


class _NoKey:
    __slots__ = ()

    def __repr__(self) -> str:  # pragma: no cover
        return "<no key>"


_NO_KEY = _NoKey()
