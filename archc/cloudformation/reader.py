"""Read a CloudFormation template (JSON or YAML) into plain data plus the position of every node.

Positions go into a `SourceMap` keyed by paths (``("Resources", "Bucket", "Properties", "BucketName")``):
a mapping value points at its key, a list item at the item. YAML short-form tags (``!Ref``,
``!GetAtt``, ``!Sub``, …) become their long form (``{"Ref": …}``, ``{"Fn::GetAtt": [...]}``), so
the rest of archc sees one representation. Every syntax problem is one `TemplateError` with
``file:line:col``.
"""

from __future__ import annotations

import bisect
import json
import json.decoder
import re
from typing import Any, cast

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

from archc.cloudformation.errors import TemplateError
from archc.diagnostics import Path, Position, SourceMap
from archc.model.yaml_source import _resolve_plain

try:  # pragma: no cover - depends on how PyYAML was built
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

# short-form tag → long-form key
SHORT_TAGS: dict[str, str] = {
    "!Ref": "Ref",
    "!Condition": "Condition",
    **{
        f"!{name}": f"Fn::{name}"
        for name in (
            "Base64", "Cidr", "FindInMap", "GetAtt", "GetAZs", "ImportValue", "Join", "Select", "Split", "Sub",
            "Transform", "And", "Equals", "If", "Not", "Or", "Length", "ToJsonString", "ForEach",
        )
    },
}


def read_template_text(text: str, file: str) -> tuple[Any, SourceMap]:
    """The data of *text* (JSON when it starts with ``{``, else YAML) and its positions."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("{", "[")):
        return read_json(text, file)
    return read_yaml(text, file)


# -- JSON ---------------------------------------------------------------------------------------

_scanstring: Any = json.decoder.scanstring  # type: ignore[attr-defined]
_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_WORDS = {"true": True, "false": False, "null": None}


class _Mark:
    """Where a JSON node starts: an offset, turned into line and column only when asked
    (`SourceMap` reads ``mark.line`` and ``mark.column``, 0-based, as for a libyaml mark)."""

    __slots__ = ("index", "lines")

    def __init__(self, lines: list[int], index: int) -> None:
        self.lines = lines
        self.index = index

    @property
    def line(self) -> int:
        return bisect.bisect_right(self.lines, self.index)

    @property
    def column(self) -> int:
        line = bisect.bisect_right(self.lines, self.index)
        return self.index - (self.lines[line - 1] if line else 0)


class _Json:
    def __init__(self, text: str, file: str, source: SourceMap) -> None:
        self.text = text
        self.file = file
        self.pmap = source.positions
        self.lines = [m.end() for m in re.finditer("\n", text)]

    def position(self, index: int) -> Position:
        line = bisect.bisect_right(self.lines, index)
        start = self.lines[line - 1] if line else 0
        return Position(self.file, line + 1, index - start + 1)

    def mark(self, index: int) -> tuple[str, _Mark]:
        return (self.file, _Mark(self.lines, index))

    def fail(self, index: int, what: str) -> TemplateError:
        if index >= len(self.text):
            return TemplateError(f"JSON ends early: expected {what}", self.position(len(self.text)))
        return TemplateError(f"invalid JSON: expected {what}, found {self.text[index]!r}", self.position(index))

    def value(self, i: int, path: Path) -> tuple[Any, int]:
        text = self.text
        i = _WS.match(text, i).end()  # type: ignore[union-attr]
        ch = text[i : i + 1]
        self.pmap[path] = self.mark(i)
        if ch == "{":
            return self.obj(i + 1, path)
        if ch == "[":
            return self.array(i + 1, path)
        if ch == '"':
            return self.string(i)
        m = _NUMBER.match(text, i)
        if m:
            s = m.group(0)
            return (float(s) if m.group(1) or m.group(2) else int(s)), m.end()
        for word, val in _WORDS.items():
            if text.startswith(word, i):
                return val, i + len(word)
        raise self.fail(i, "a value")

    def string(self, i: int) -> tuple[str, int]:
        try:
            return cast(tuple[str, int], _scanstring(self.text, i + 1, True))
        except ValueError as exc:
            raise TemplateError(f"invalid JSON string: {exc.args[0].split(':')[0]}", self.position(i)) from None

    def obj(self, i: int, path: Path) -> tuple[dict[str, Any], int]:
        text = self.text
        out: dict[str, Any] = {}
        i = _WS.match(text, i).end()  # type: ignore[union-attr]
        if text[i : i + 1] == "}":
            return out, i + 1
        while True:
            if text[i : i + 1] != '"':
                raise self.fail(i, "a key in double quotes")
            key_at = i
            key, i = self.string(i)
            i = _WS.match(text, i).end()  # type: ignore[union-attr]
            if text[i : i + 1] != ":":
                raise self.fail(i, "':' after the key")
            if key in out:
                raise TemplateError(f"duplicate key {key!r}", self.position(key_at))
            child = (*path, key)
            out[key], i = self.value(i + 1, child)
            self.pmap[child] = self.mark(key_at)  # a mapping value points at its key
            i = _WS.match(text, i).end()  # type: ignore[union-attr]
            ch = text[i : i + 1]
            if ch == "}":
                return out, i + 1
            if ch != ",":
                raise self.fail(i, "',' or '}'")
            i = _WS.match(text, i + 1).end()  # type: ignore[union-attr]

    def array(self, i: int, path: Path) -> tuple[list[Any], int]:
        text = self.text
        out: list[Any] = []
        i = _WS.match(text, i).end()  # type: ignore[union-attr]
        if text[i : i + 1] == "]":
            return out, i + 1
        while True:
            item, i = self.value(i, (*path, len(out)))
            out.append(item)
            i = _WS.match(text, i).end()  # type: ignore[union-attr]
            ch = text[i : i + 1]
            if ch == "]":
                return out, i + 1
            if ch != ",":
                raise self.fail(i, "',' or ']'")
            i += 1


class _Duplicate(Exception):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise _Duplicate
    return out


def _parse_positions(text: str, source: SourceMap) -> Any:
    """The data of *text*, filling *source* with the position of every node; `TemplateError` at
    the first problem."""
    reader = _Json(text, source.default_file, source)
    start = len(text) - len(text.lstrip("\ufeff"))
    data, end = reader.value(start, ())
    end = _WS.match(text, end).end()  # type: ignore[union-attr]
    if end != len(text):
        raise reader.fail(end, "the end of the file")
    return data


class _LazyJsonSource(SourceMap):
    """Positions of a valid JSON template, found on demand: the data comes from the C parser; a
    position is found by walking the text along the path, skipping the siblings with the C
    scanner and remembering where each child of a visited container starts."""

    __slots__ = ("_children", "_decoder", "_lines", "_text")

    def __init__(self, text: str, file: str) -> None:
        super().__init__(default_file=file)
        self._text = text
        self._lines = [m.end() for m in re.finditer("\n", text)]
        self._children: dict[Path, dict[Any, tuple[int, int]]] = {}
        self._decoder = json.JSONDecoder()

    def _ws(self, i: int) -> int:
        return _WS.match(self._text, i).end()  # type: ignore[union-attr]

    def _scan(self, start: int) -> dict[Any, tuple[int, int]]:
        """Child → (where it is pointed at, where its value starts) of the container at *start*."""
        text = self._text
        out: dict[Any, tuple[int, int]] = {}
        is_object = text[start] == "{"
        i, n = self._ws(start + 1), 0
        if text[i] in "}]":
            return out
        while True:
            if is_object:
                key_at = i
                key, i = _scanstring(text, i + 1, True)
                i = self._ws(self._ws(i) + 1)  # past ':'
                out[key] = (key_at, i)
            else:
                out[n] = (i, i)
                n += 1
            i = self._ws(self._decoder.raw_decode(text, i)[1])
            if text[i] in "}]":
                return out
            i = self._ws(i + 1)

    def _offset(self, path: Path) -> int | None:
        node = self._ws(len(self._text) - len(self._text.lstrip("\ufeff")))
        at = node
        for depth, part in enumerate(path):
            if self._text[node] not in "{[":
                return None
            children = self._children.get(path[:depth])
            if children is None:
                children = self._children[path[:depth]] = self._scan(node)
            if part not in children:
                return None
            at, node = children[part]
        return at

    def get(self, path: Path) -> Position | None:
        index = self._offset(tuple(path))
        if index is None:
            return None
        line = bisect.bisect_right(self._lines, index)
        return Position(self.default_file, line + 1, index - (self._lines[line - 1] if line else 0) + 1)

    def get_key(self, path: Path) -> Position | None:
        return self.get(path)


def read_json(text: str, file: str) -> tuple[Any, SourceMap]:
    try:
        data = json.loads(text.lstrip("\ufeff"), object_pairs_hook=_no_duplicates)
    except (ValueError, _Duplicate, RecursionError):  # the positional pass says where and what
        source = SourceMap(default_file=file)
        try:
            return _parse_positions(text, source), source
        except RecursionError:
            raise TemplateError("the JSON is nested too deeply to be a template", Position(file, 1, 1)) from None
    return data, _LazyJsonSource(text, file)


# -- YAML ---------------------------------------------------------------------------------------


def _short_form(tag: str, value: Any, mark: Any, file: str) -> dict[str, Any]:
    name = SHORT_TAGS.get(tag)
    if name is None:
        raise TemplateError(
            f"unknown tag {tag}: CloudFormation's short forms are {', '.join(sorted(SHORT_TAGS))}",
            Position(file, mark.line + 1, mark.column + 1),
        )
    if name == "Fn::GetAtt" and isinstance(value, str):
        resource, _, attribute = value.partition(".")
        value = [resource, attribute]
    return {name: value}


def _scalar(event: Any) -> Any:
    if event.tag is None or event.tag == "!":
        return _resolve_plain(event.value) if event.implicit[0] else event.value
    tag = event.tag
    if tag == "tag:yaml.org,2002:str":
        return event.value
    if tag == "tag:yaml.org,2002:int":
        return int(event.value)
    if tag == "tag:yaml.org,2002:float":
        return float(event.value)
    if tag == "tag:yaml.org,2002:bool":
        return event.value in ("true", "True", "TRUE")
    if tag == "tag:yaml.org,2002:null":
        return None
    return event.value  # a short-form tag: the caller wraps it


def read_yaml(text: str, file: str) -> tuple[Any, SourceMap]:
    source = SourceMap(default_file=file)
    pmap = source.positions
    anchors: dict[str, Any] = {}
    root: Any = None
    have_root = False
    # frames: [container, path, pending key or _NO_KEY, key mark, tag of the container, holder, holder key]
    stack: list[list[Any]] = []

    def pos(mark: Any) -> Position:
        return Position(file, mark.line + 1, mark.column + 1)

    def place(value: Any, mark: Any, collection: bool) -> Path | None:
        nonlocal root, have_root
        if not stack:
            if have_root:
                raise TemplateError("a template holds one YAML document", pos(mark))
            root, have_root = value, True
            pmap[()] = pos(mark)
            return ()
        frame = stack[-1]
        container = frame[0]
        if isinstance(container, list):
            child: Path = (*frame[1], len(container))
            container.append(value)
            pmap[child] = pos(mark)
            return child
        if frame[2] is _NO_KEY:
            if collection or not isinstance(value, (str, int, float, bool)) or value is None:
                raise TemplateError("mapping keys must be plain scalars", pos(mark))
            frame[2] = str(value) if not isinstance(value, bool) else ("true" if value else "false")
            frame[3] = mark
            return None
        key = frame[2]
        frame[2] = _NO_KEY
        child = (*frame[1], key)
        if key in container:
            raise TemplateError(f"duplicate key {key!r}", pos(frame[3]))
        container[key] = value
        pmap[child] = pos(frame[3])
        return child

    try:
        for event in yaml.parse(text, Loader=_Loader):
            cls = event.__class__
            if cls is ScalarEvent:
                value: Any = _scalar(event)
                tag = event.tag
                if tag is not None and tag.startswith("!") and tag != "!":
                    value = _short_form(tag, value, event.start_mark, file)
                if event.anchor:
                    anchors[event.anchor] = value
                place(value, event.start_mark, False)
            elif cls is MappingStartEvent or cls is SequenceStartEvent:
                inner: Any = {} if cls is MappingStartEvent else []
                tag = event.tag
                value = inner
                if tag is not None and tag.startswith("!") and tag not in ("!",):
                    value = _short_form(tag, inner, event.start_mark, file)
                elif tag not in (None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"):
                    raise TemplateError(f"unsupported YAML tag {tag!r}", pos(event.start_mark))
                if event.anchor:
                    anchors[event.anchor] = value
                child = place(value, event.start_mark, True)
                if child is None:
                    raise TemplateError("mapping keys must be plain scalars", pos(event.start_mark))
                if value is not inner:  # positions of the tagged value's contents: under the function name
                    child = (*child, next(iter(value)))
                stack.append([inner, child, _NO_KEY, None])
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                stack.pop()
            elif cls is AliasEvent:
                if event.anchor not in anchors:
                    raise TemplateError(f"unknown alias *{event.anchor}", pos(event.start_mark))
                place(anchors[event.anchor], event.start_mark, False)
            elif cls is DocumentStartEvent and have_root:
                raise TemplateError("a template holds one YAML document", pos(event.start_mark))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Position(file, mark.line + 1, mark.column + 1) if mark else Position(file, 1, 1)
        what = exc.problem or "invalid YAML"
        if exc.context:
            what = f"{what} ({exc.context})"
        raise TemplateError(f"YAML syntax error: {what}", where) from None
    except yaml.reader.ReaderError as exc:
        index = exc.position
        line = text.count("\n", 0, index) + 1
        col = index - (text.rfind("\n", 0, index) + 1) + 1
        raise TemplateError(f"YAML cannot contain the character {exc.character!r}", Position(file, line, col)) from None
    except yaml.YAMLError as exc:  # pragma: no cover - libyaml reports everything above
        raise TemplateError(f"YAML error: {exc}", Position(file, 1, 1)) from None
    return root, source


class _NoKey:
    __slots__ = ()


_NO_KEY = _NoKey()
