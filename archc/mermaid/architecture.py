"""The Mermaid ``architecture-beta`` language: syntax tree, parser and writer.

Built to mermaid-js's own grammar (``@mermaid-js/parser``: ``architecture.langium``,
``arch.langium`` and ``common.langium``, as shipped with mermaid 12.3) and to the checks its
``ArchitectureDB`` makes while it fills itself, so that ``parse`` accepts what mermaid-js accepts
and refuses, at ``file:line:col``, what it refuses:

* The lexer tries mermaid-js's tokens in its order (keywords first, a keyword giving way to a
  longer ``ID``; then ``ARROW_DIRECTION``, ``ARROW_GROUP``, ``ARROW_INTO``, ``ACC_DESCR``,
  ``ACC_TITLE``, ``TITLE``, ``STRING``, ``ID``, newline, blanks, front matter, directives,
  ``%%`` comments, ``ARCH_ICON``, ``ARCH_TITLE``), first match wins. So, as in mermaid-js, an id
  that starts with ``L``, ``R``, ``T`` or ``B`` (a side) or with ``title`` is not an id, and the
  keywords (``group``, ``service``, ``junction``, ``in``, ``align``, ``row``, ``column``) are not
  ids either. :func:`encode_id` writes any model id as an id mermaid-js reads; :func:`decode_id`
  reads it back.
* Statements: ``group ID(icon)[title] in PARENT``, ``service ID(icon)[title] in GROUP`` (or
  ``service ID "text"[title]``), ``junction ID in GROUP``, edges ``a:R -- L:b`` with ``<``/``>``
  heads, an ``-[title]-`` label and ``{group}`` on either end, ``align row|column a b …``,
  ``title``, ``accTitle:``, ``accDescr:`` / ``accDescr { … }``, ``%%`` comments, ``%%{…}%%``
  directives (kept verbatim) and front matter (kept verbatim, its ``title:`` read).
* The database's checks: ids unique across groups, services and junctions; a parent is a group
  declared before (groups are registered first, then services, junctions, edges, alignments);
  an edge joins two services or junctions (mermaid-js fails on a group end); ``{group}`` only on
  an edge between two different groups; ``align`` lists distinct services or junctions.

Positions (``line``/``col``) are left out of equality, so ``parse(write(d)) == d``.
This module imports nothing of archc outside this package.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from archc.mermaid.syntax import MermaidSyntaxError

__all__ = [
    "SIDES",
    "ArchAlign",
    "ArchEdge",
    "ArchGroup",
    "ArchJunction",
    "ArchService",
    "ArchitectureDiagram",
    "MermaidSyntaxError",
    "decode_id",
    "encode_id",
    "is_architecture",
    "parse",
    "parse_edge",
    "write",
    "write_edge",
]

Side = Literal["L", "R", "T", "B"]
SIDES: tuple[Side, ...] = ("L", "R", "T", "B")
HEADER = "architecture-beta"


@dataclass(frozen=True, slots=True)
class ArchGroup:
    id: str
    icon: str | None = None
    title: str | None = None
    parent: str | None = None
    line: int = field(default=0, compare=False)
    col: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class ArchService:
    id: str
    icon: str | None = None
    title: str | None = None
    parent: str | None = None
    icon_text: str | None = None  # `service id "text"`: a text drawn in place of an icon
    line: int = field(default=0, compare=False)
    col: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class ArchJunction:
    id: str
    parent: str | None = None
    line: int = field(default=0, compare=False)
    col: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class ArchEdge:
    """``src{group}:src_side <-[title]-> dst_side:dst{group}``; ``*_into``: an arrow head at that end."""

    src: str
    src_side: Side
    dst: str
    dst_side: Side
    src_into: bool = False
    dst_into: bool = False
    src_group: bool = False
    dst_group: bool = False
    title: str | None = None
    line: int = field(default=0, compare=False)
    col: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class ArchAlign:
    direction: Literal["row", "column"]
    members: tuple[str, ...]
    line: int = field(default=0, compare=False)
    col: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class ArchitectureDiagram:
    """What mermaid-js's database holds, in its order (groups, services, junctions, edges and
    alignments each in the order written)."""

    groups: tuple[ArchGroup, ...] = ()
    services: tuple[ArchService, ...] = ()
    junctions: tuple[ArchJunction, ...] = ()
    edges: tuple[ArchEdge, ...] = ()
    aligns: tuple[ArchAlign, ...] = ()
    title: str | None = None  # the effective title: a `title` statement, else the front matter's
    acc_title: str | None = None
    acc_descr: str | None = None
    front_matter: str | None = None  # the YAML between the `---` lines, verbatim
    directives: tuple[str, ...] = ()  # `%%{init: …}%%`, verbatim


# -- tokens (mermaid-js's, in its lexer's order) --------------------------------------------------

_W = "A-Za-z0-9_"  # JavaScript's \w
_ID = re.compile(rf"[{_W}](?:[-{_W}]*[{_W}])?")
_YAML = re.compile(r"---[\t ]*\r?\n(?:[\S\s]*?\r?\n)?---(?:\r?\n|(?!\S))")
_KEYWORDS: tuple[tuple[str, re.Pattern[str] | None], ...] = (  # (keyword, its longer alternative)
    (HEADER, _ID), ("junction", _ID), ("service", _ID), ("column", _ID), ("group", _ID), ("align", _ID),
    ("row", _ID), ("--", _YAML), ("in", _ID), (":", None), ("-", _YAML),
)
_TERMINALS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("SIDE", re.compile(r"L|R|T|B")),
    ("GROUP", re.compile(r"\{group\}")),
    ("INTO", re.compile(r"<|>")),
    ("ACC_DESCR", re.compile(r"[\t ]*accDescr(?:[\t ]*:([^\n\r]*?(?=%%)|[^\n\r]*)|\s*\{([^}]*)\})")),
    ("ACC_TITLE", re.compile(r"[\t ]*accTitle[\t ]*:(?:[^\n\r]*?(?=%%)|[^\n\r]*)")),
    ("TITLE", re.compile(r"[\t ]*title(?:[\t ][^\n\r]*?(?=%%)|[\t ][^\n\r]*|)")),
    ("STRING", re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'', re.DOTALL)),
    ("ID", _ID),
    ("NEWLINE", re.compile(r"\r?\n")),
    ("WS", re.compile(r"[\t ]+")),
    ("YAML", _YAML),
    ("DIRECTIVE", re.compile(r"[\t ]*%%\{[\S\s]*?\}%%(?:\r?\n|(?!\S))")),
    ("COMMENT", re.compile(r"[\t ]*%%[^\n\r]*")),
    ("ICON", re.compile(rf"\([-{_W}:]+\)")),
    ("TITLE_TEXT", re.compile(r'\[(?:"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|[^\[\]\r\n]+)\]', re.DOTALL)),
)
_HIDDEN = frozenset({"WS", "YAML", "DIRECTIVE", "COMMENT"})
_WORDY = frozenset(k for k, alt in _KEYWORDS if alt is _ID)
_NAMES = {
    "SIDE": "a side (L, R, T or B)", "GROUP": "'{group}'", "INTO": "an arrow head", "ACC_DESCR": "accDescr",
    "ACC_TITLE": "accTitle", "TITLE": "title", "STRING": "a quoted text", "ID": "an id", "NEWLINE": "a line break",
    "ICON": "an icon '(name)'", "TITLE_TEXT": "a title '[…]'", "EOF": "the end of the diagram",
}


# every token in one pattern, in the lexer's order: Python's alternation, like mermaid-js's lexer,
# takes the first alternative that matches (group t<i> is token i). mermaid-js's keywords give way
# to a longer id or front matter: here a keyword does not match where an id goes on (the lookahead),
# and front matter comes first (where it matches it is longer than '--').
_ORDER: tuple[str, ...] = ("YAML", *(k for k, _ in _KEYWORDS), *(name for name, _ in _TERMINALS if name != "YAML"))
_ID_GOES_ON = f"(?![-{_W}]*[{_W}])"


def _alternative(kind: str) -> str:
    if kind in _TERMINAL_PATTERNS:
        return _TERMINAL_PATTERNS[kind].pattern
    return re.escape(kind) + (_ID_GOES_ON if kind in _WORDY else "")


_TERMINAL_PATTERNS = dict(_TERMINALS)
_ONE = re.compile("|".join(f"(?P<t{i}>{_alternative(kind)})" for i, kind in enumerate(_ORDER)), re.DOTALL)


class _Tok(NamedTuple):
    kind: str  # a keyword itself, or a terminal's name
    text: str
    at: int


def _lex(s: str, error: _Errors) -> list[_Tok]:
    out: list[_Tok] = []
    append = out.append
    order = _ORDER
    i = 0
    for m in _ONE.finditer(s):
        if m.start() != i:
            break
        kind = order[int(m.lastgroup[1:])]  # type: ignore[index]
        text = m.group()
        if kind not in _HIDDEN:
            append(_Tok(kind, text, i))
        elif kind == "DIRECTIVE":
            append(_Tok("DIRECTIVE", text.strip(), i + len(text) - len(text.lstrip())))
        elif kind == "YAML" and not out:
            append(_Tok(kind, text, i))
        i = m.end()
    if i < len(s):
        raise error.at(i, "mermaid-js has no token that starts with this character", s[i])
    return out


class _Errors:
    def __init__(self, text: str, source: str, line_offset: int) -> None:
        self.text, self.source, self.offset = text, source, line_offset
        self.starts = [0] + [m.end() for m in re.finditer(r"\n", text)]

    def pos(self, i: int) -> tuple[int, int]:
        ln = bisect_right(self.starts, i)
        return ln + self.offset, i - self.starts[ln - 1] + 1

    def at(self, i: int, message: str, token: str) -> MermaidSyntaxError:
        line, col = self.pos(i)
        return MermaidSyntaxError(message, source=self.source, line=line, col=col, token=token)


# -- values (mermaid-js's value converter) -------------------------------------------------------


def _collapse(text: str) -> str:
    return re.sub(r"[\t ]{2,}", " ", text.strip())


def _title_statement(tok: str) -> str:
    m = re.search(r"title([\t ][^\n\r]*|)", tok)
    return _collapse(m.group(1)) if m else ""


def _acc_title(tok: str) -> str:
    m = re.search(r"accTitle[\t ]*:([^\n\r]*)", tok)
    return _collapse(m.group(1)) if m else ""


def _acc_descr(tok: str) -> str:
    m = re.search(r"accDescr(?:[\t ]*:([^\n\r]*)|\s*\{([^}]*)\})", tok)
    if m is None:
        return ""
    if m.group(1) is not None:
        return _collapse(m.group(1))
    text = re.sub(r"(?m)^\s*", "", m.group(2))
    text = re.sub(r"(?m)\s+$", "", text)
    text = re.sub(r"(?m)[\t ]{2,}", " ", text)
    return re.sub(r"(?m)[\n\r]{2,}", "\n", text)


def _title_value(tok: str) -> str:
    """ARCH_TITLE's value: brackets off, trimmed, one pair of outer quotes off (with its escapes)."""
    text = re.sub(r"^\[|\]$", "", tok).strip()
    if text[:1] in ("\"", "'") and text.endswith(text[0]):  # (a lone quote too, as in mermaid-js)
        text = text[1:-1].replace('\\"', '"').replace("\\'", "'")
    return text.strip()


_STRING_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "0": "\0"}


def _string_value(tok: str) -> str:
    out: list[str] = []
    i = 1
    while i < len(tok) - 1:
        c = tok[i]
        if c == "\\":
            i += 1
            c = _STRING_ESCAPES.get(tok[i], tok[i])
        out.append(c)
        i += 1
    return "".join(out)


# -- parser ---------------------------------------------------------------------------------------


_FRONT = re.compile(r"^\s*-{3}\s*[\n\r](.*?)[\n\r]-{3}\s*[\n\r]+", re.DOTALL)
_FRONT_TITLE = re.compile(r"^title:[ \t]*(.*?)[ \t]*$", re.MULTILINE)


def is_architecture(text: str) -> bool:
    """Whether *text* is an architecture diagram (mermaid-js's detector: after front matter,
    directives and comments, the first word starts with ``architecture``)."""
    text = _FRONT.sub("", text.replace("\r\n", "\n"), count=1)
    text = re.sub(r"%%\{[\S\s]*?\}%%", "", text)
    text = re.sub(r"(?m)^\s*%%[^\n]*$", "", text)
    return re.match(r"\s*architecture", text) is not None


class _Parser:
    def __init__(self, text: str, source: str, line_offset: int) -> None:
        self.text = text
        self.err = _Errors(text, source, line_offset)
        self.toks = _lex(text, self.err)
        self.k = 0
        self.directives = [t.text for t in self.toks if t.kind == "DIRECTIVE"]
        self.front: str | None = None
        if self.toks and self.toks[0].kind == "YAML" and _FRONT.match(text) is not None:
            m = _FRONT.match(text)
            assert m is not None
            self.front = m.group(1)
        self.toks = [t for t in self.toks if t.kind not in ("DIRECTIVE", "YAML")]

    # tokens
    def peek(self, ahead: int = 0) -> _Tok:
        k = self.k + ahead
        return self.toks[k] if k < len(self.toks) else _Tok("EOF", "", len(self.text))

    def take(self, kind: str, what: str) -> _Tok:
        tok = self.peek()
        if tok.kind != kind:
            raise self.expected(what, tok)
        self.k += 1
        return tok

    def maybe(self, kind: str) -> _Tok | None:
        if self.peek().kind == kind:
            self.k += 1
            return self.toks[self.k - 1]
        return None

    def expected(self, what: str, tok: _Tok) -> MermaidSyntaxError:
        got = {"EOF": "<EOF>", "NEWLINE": "<newline>"}.get(tok.kind, tok.text.strip())
        hint = ""
        if what.startswith("an id") and tok.kind == "SIDE":
            hint = " (mermaid-js reads a leading L, R, T or B as a side: an id may not start with one)"
        elif what.startswith("an id") and tok.kind == "TITLE":
            hint = " (mermaid-js reads a leading 'title' as a title statement: an id may not start with it)"
        elif what.startswith("an id") and tok.kind in _WORDY:
            hint = f" ('{tok.kind}' is a keyword of architecture-beta, not an id)"
        return self.err.at(tok.at + len(tok.text) - len(tok.text.lstrip()), f"expected {what}{hint}", got)

    def id(self, what: str) -> tuple[str, int]:
        tok = self.take("ID", f"an id ({what})")
        return tok.text, tok.at

    def eol(self) -> None:
        tok = self.peek()
        if tok.kind == "EOF":
            return
        self.take("NEWLINE", "the end of the statement (a line break)")
        while self.maybe("NEWLINE"):
            pass

    def parent(self) -> str | None:
        if self.maybe("in"):
            return self.id("the group it is in")[0]
        return None

    # grammar
    def parse(self) -> ArchitectureDiagram:
        while self.maybe("NEWLINE"):
            pass
        self.take(HEADER, f"'{HEADER}'")
        groups: list[ArchGroup] = []
        services: list[ArchService] = []
        junctions: list[ArchJunction] = []
        edges: list[ArchEdge] = []
        aligns: list[ArchAlign] = []
        title = acc_title = acc_descr = None
        while (tok := self.peek()).kind != "EOF":
            kind = tok.kind
            if kind == "NEWLINE":
                self.k += 1
            elif kind in ("TITLE", "ACC_TITLE", "ACC_DESCR"):
                self.k += 1
                if kind == "TITLE":
                    title = _title_statement(tok.text)
                elif kind == "ACC_TITLE":
                    acc_title = _acc_title(tok.text)
                else:
                    acc_descr = _acc_descr(tok.text)
                self.eol()
            elif kind == "group":
                self.k += 1
                gid, _ = self.id("the group's id")
                icon = self.maybe("ICON")
                ttl = self.maybe("TITLE_TEXT")
                groups.append(ArchGroup(gid, _icon(icon), _title(ttl), self.parent(), *self.err.pos(tok.at)))
                self.eol()
            elif kind == "service":
                self.k += 1
                sid, _ = self.id("the service's id")
                text = self.maybe("STRING")
                icon = None if text is not None else self.maybe("ICON")
                ttl = self.maybe("TITLE_TEXT")
                services.append(ArchService(
                    sid, _icon(icon), _title(ttl), self.parent(), _string_value(text.text) if text else None, *self.err.pos(tok.at),
                ))
                self.eol()
            elif kind == "junction":
                self.k += 1
                jid, _ = self.id("the junction's id")
                junctions.append(ArchJunction(jid, self.parent(), *self.err.pos(tok.at)))
                self.eol()
            elif kind == "align":
                self.k += 1
                d = self.peek()
                if d.kind not in ("row", "column"):
                    raise self.expected("'row' or 'column'", d)
                self.k += 1
                members = [self.id("an aligned service or junction")[0], self.id("an aligned service or junction")[0]]
                while self.peek().kind == "ID":
                    members.append(self.take("ID", "an id").text)
                aligns.append(ArchAlign(d.kind, tuple(members), *self.err.pos(tok.at)))  # type: ignore[arg-type]
                self.eol()
            elif kind == "ID":
                edges.append(self.edge())
                self.eol()
            else:
                raise self.expected("a statement (group, service, junction, an edge, align, title, accTitle or accDescr)", tok)
        if title is None or title == "":
            title = None
            if self.front is not None and (mt := _FRONT_TITLE.search(self.front)):
                title = _yaml_scalar(mt.group(1)) or None
        diagram = ArchitectureDiagram(
            groups=tuple(groups), services=tuple(services), junctions=tuple(junctions), edges=tuple(edges), aligns=tuple(aligns),
            title=title, acc_title=acc_title or None, acc_descr=acc_descr or None, front_matter=self.front,
            directives=tuple(self.directives),
        )
        self.check(diagram)
        return diagram

    def edge(self) -> ArchEdge:
        start = self.peek()
        src = self.take("ID", "an id").text
        src_group = self.maybe("GROUP") is not None
        self.take(":", "':' and the side the edge leaves from")
        src_side = self.take("SIDE", "a side (L, R, T or B)").text
        src_into = self.maybe("INTO") is not None
        title: str | None = None
        if not self.maybe("--"):
            self.take("-", "'--' or '-[title]-'")
            title = _title_value(self.take("TITLE_TEXT", "an edge title '[…]'").text) or None
            self.take("-", "'-' after the edge title")
        dst_into = self.maybe("INTO") is not None
        dst_side = self.take("SIDE", "a side (L, R, T or B)").text
        self.take(":", "':' before the id the edge goes to")
        dst = self.take("ID", "an id (the end of the edge)").text
        dst_group = self.maybe("GROUP") is not None
        return ArchEdge(src, src_side, dst, dst_side, src_into, dst_into, src_group, dst_group, title,  # type: ignore[arg-type]
                        *self.err.pos(start.at))

    # mermaid-js's database
    def check(self, d: ArchitectureDiagram) -> None:
        kinds: dict[str, str] = {}
        parents: dict[str, str | None] = {}

        def place(what: str, x: ArchGroup | ArchService | ArchJunction) -> None:
            if x.id in kinds:
                raise self.fail(x, f"the {what} id [{x.id}] is already in use by another {kinds[x.id]}")
            if x.parent is not None:
                if x.parent == x.id:
                    raise self.fail(x, f"the {what} [{x.id}] cannot be placed within itself")
                if x.parent not in kinds:
                    later = " (groups are placed in the order written: declare the parent group first)" if what == "group" else ""
                    raise self.fail(x, f"the {what} [{x.id}]'s parent [{x.parent}] does not exist{later}")
                if kinds[x.parent] == "node":
                    raise self.fail(x, f"the {what} [{x.id}]'s parent [{x.parent}] is not a group")
            kinds[x.id] = "group" if what == "group" else "node"
            parents[x.id] = x.parent

        for g in d.groups:
            place("group", g)
        for s in d.services:
            place("service", s)
        for j in d.junctions:
            place("junction", j)
        for e in d.edges:
            for end, side in ((e.src, "left-hand"), (e.dst, "right-hand")):
                if end not in kinds:
                    raise self.fail(e, f"the {side} id [{end}] does not exist: declare the service, junction or group before the edge")
                if kinds[end] == "group":
                    raise self.fail(e, f"the {side} id [{end}] is a group: mermaid-js draws an edge between services or junctions "
                                       "only (put {group} on a service in it to reach the group's border)")
            a, b = parents[e.src], parents[e.dst]
            if (e.src_group or e.dst_group) and a and b and a == b:
                end = e.src if e.src_group else e.dst
                raise self.fail(e, f"[{end}] is modified with {{group}} to cross the group boundary, but the edge does not pass "
                                   "through two groups")
        for al in d.aligns:
            seen: set[str] = set()
            for m in al.members:
                if kinds.get(m) != "node":
                    raise self.fail(al, f"align {al.direction} references [{m}], which is not a service or junction")
                if m in seen:
                    raise self.fail(al, f"align {al.direction} lists [{m}] more than once")
                seen.add(m)

    def fail(self, x: ArchGroup | ArchService | ArchJunction | ArchEdge | ArchAlign, message: str) -> MermaidSyntaxError:
        token = x.id if not isinstance(x, (ArchEdge, ArchAlign)) else (x.src if isinstance(x, ArchEdge) else x.direction)
        return MermaidSyntaxError(message, source=self.err.source, line=x.line, col=x.col, token=token)


def _icon(tok: _Tok | None) -> str | None:
    return tok.text[1:-1].strip() if tok is not None else None


def _title(tok: _Tok | None) -> str | None:
    return (_title_value(tok.text) or None) if tok is not None else None


def _yaml_scalar(raw: str) -> str:
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'":
        import yaml

        try:
            value = yaml.safe_load(raw)
        except yaml.YAMLError:
            value = None
        return value if isinstance(value, str) else raw[1:-1]
    return raw


def parse_edge(text: str) -> ArchEdge:
    """One edge statement (``a:R --> L:b``), read without the database's checks (its ends need
    not be declared); `MermaidSyntaxError` if it is not one edge."""
    p = _Parser(text.strip(), "<edge>", 0)
    edge = p.edge()
    if p.peek().kind != "EOF":
        raise p.expected("the end of the edge", p.peek())
    return edge


def parse(text: str, *, source: str = "<diagram>", line_offset: int = 0) -> ArchitectureDiagram:
    """The architecture diagram *text*; `MermaidSyntaxError` at ``source:line:col`` for whatever
    mermaid-js refuses."""
    return _Parser(text.replace("\r\n", "\n"), source, line_offset).parse()


# -- ids ------------------------------------------------------------------------------------------

_NOT_IDS = frozenset(k for k, _ in _KEYWORDS if k[0].isalpha())


def _readable(s: str) -> bool:
    """Whether mermaid-js reads *s* as one id wherever an id goes."""
    return _ID.fullmatch(s) is not None and s[0] not in "LRTB" and not s.startswith(("title", "accTitle", "accDescr")) and s not in _NOT_IDS


def _needs_prefix(s: str) -> bool:
    return not _readable(s) or (s.startswith("_") and _needs_prefix(s[1:]))


def encode_id(name: str) -> str:
    """An id mermaid-js reads as *name* comes back from :func:`decode_id`: ``.`` is written
    ``--``, and a name mermaid-js would read otherwise (``LAMBDA`` starts with a side, ``group``
    is a keyword, ``titles`` starts a title) gets a leading ``_``. ValueError for a name with
    other characters than ASCII letters, digits, ``_``, ``-`` and ``.``."""
    s = name.replace(".", "--")
    if _ID.fullmatch(s) is None:
        raise ValueError(f"{name!r} cannot be an architecture-beta id: it has characters other than ASCII letters, digits, '_', "
                         "'-' and '.' (or starts or ends with '-' or '.')")
    return "_" + s if _needs_prefix(s) else s


def decode_id(mid: str) -> str:
    """The name :func:`encode_id` wrote as *mid*."""
    if mid.startswith("_") and len(mid) > 1 and _needs_prefix(mid[1:]):
        mid = mid[1:]
    return mid.replace("--", ".")


# -- writer ---------------------------------------------------------------------------------------

_IND = "    "


def _check_id(x: str) -> str:
    if not _readable(x):
        raise ValueError(f"{x!r} is not an id mermaid-js reads (see encode_id)")
    return x


def _title_token(text: str) -> str:
    """``[text]`` in the first form mermaid-js reads back as *text*: plain, "double" or 'single' quoted."""
    tokens = [f"[{text}]", '["' + text.replace('"', '\\"') + '"]', "['" + text.replace("'", "\\'") + "']"]
    pattern = dict(_TERMINALS)["TITLE_TEXT"]
    for tok in tokens:
        if pattern.fullmatch(tok) and _title_value(tok) == text:
            return tok
    raise ValueError(f"the title {text!r} cannot be written in architecture-beta (a line break, or surrounding blanks)")


def _icon_token(icon: str) -> str:
    if dict(_TERMINALS)["ICON"].fullmatch(f"({icon})") is None:
        raise ValueError(f"the icon {icon!r} cannot be written in architecture-beta (letters, digits, '_', '-' and ':' only)")
    return f"({icon})"


def _line_value(text: str, what: str) -> str:
    if text != _collapse(text) or "%%" in text or "\n" in text or not text:
        raise ValueError(f"the {what} {text!r} cannot be written in architecture-beta (one line, no '%%', single blanks)")
    return text


def _string_token(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    for raw, esc in (("\b", "\\b"), ("\f", "\\f"), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t"), ("\v", "\\v"), ("\0", "\\0")):
        escaped = escaped.replace(raw, esc)
    return f'"{escaped}"'


def write_edge(e: ArchEdge) -> str:
    """One edge statement: ``a{group}:R <-[title]-> L:b``."""
    line = f"-{_title_token(e.title)}-" if e.title else "--"
    return (
        f"{_check_id(e.src)}{'{group}' if e.src_group else ''}:{e.src_side} "
        f"{'<' if e.src_into else ''}{line}{'>' if e.dst_into else ''} "
        f"{e.dst_side}:{_check_id(e.dst)}{'{group}' if e.dst_group else ''}"
    )


def write(d: ArchitectureDiagram) -> str:
    """Canonical architecture-beta text for *d*: ``parse(write(d)) == d`` for every diagram
    ``parse`` returns. ValueError for a diagram no text can say (an id, icon or title mermaid-js
    cannot read)."""
    out: list[str] = []
    if d.front_matter is not None:
        out += ["---", *([d.front_matter] if d.front_matter else []), "---"]
    out += list(d.directives)
    out.append(HEADER)
    front_title = None
    if d.front_matter is not None and (mt := _FRONT_TITLE.search(d.front_matter)):
        front_title = _yaml_scalar(mt.group(1)) or None
    if d.title is not None and d.title != front_title:
        out.append(f"{_IND}title {_line_value(d.title, 'title')}")
    elif d.title is None and front_title is not None:
        raise ValueError("the front matter names a title the diagram does not have")
    if d.acc_title is not None:
        out.append(f"{_IND}accTitle: {_line_value(d.acc_title, 'accTitle')}")
    if d.acc_descr is not None:
        if "\n" in d.acc_descr:
            if "}" in d.acc_descr or _acc_descr("accDescr {\n" + d.acc_descr + "\n}") != d.acc_descr:
                raise ValueError(f"the accDescr {d.acc_descr!r} cannot be written in architecture-beta")
            out += [f"{_IND}accDescr {{", *(f"{_IND}{_IND}{x}" for x in d.acc_descr.split("\n")), f"{_IND}}}"]
        else:
            out.append(f"{_IND}accDescr: {_line_value(d.acc_descr, 'accDescr')}")

    def tail(x: ArchGroup | ArchService | ArchJunction) -> str:
        return f" in {_check_id(x.parent)}" if x.parent is not None else ""

    for g in d.groups:
        icon = _icon_token(g.icon) if g.icon is not None else ""
        title = _title_token(g.title) if g.title else ""
        out.append(f"{_IND}group {_check_id(g.id)}{icon}{title}{tail(g)}")
    for s in d.services:
        if s.icon_text is not None:
            icon = _string_token(s.icon_text)
        else:
            icon = _icon_token(s.icon) if s.icon is not None else ""
        title = _title_token(s.title) if s.title else ""
        out.append(f"{_IND}service {_check_id(s.id)}{icon}{title}{tail(s)}")
    for j in d.junctions:
        out.append(f"{_IND}junction {_check_id(j.id)}{tail(j)}")
    out += [_IND + write_edge(e) for e in d.edges]
    for a in d.aligns:
        out.append(f"{_IND}align {a.direction} {' '.join(_check_id(m) for m in a.members)}")
    return "\n".join(out) + "\n"
