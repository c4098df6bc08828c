"""Hand-written, linear-time parser for Mermaid flowcharts.

``parse(text) -> Flowchart`` (see :mod:`archc.mermaid.syntax` for the AST
and the mermaid-js behaviours it pins).  Anything the parser does not accept
raises :class:`MermaidSyntaxError` with a 1-based line/column and the
offending token; no other exception type escapes ``parse``.

Supported: ``graph``/``flowchart`` + direction; YAML front matter (kept raw,
``title:`` extracted); ``%%`` comment lines (dropped) and ``%%{init: ...}%%``
directives (kept verbatim in ``Flowchart.directives``); every bracket shape
plus ``@{ shape: ..., label: ... }``; plain, quoted and markdown labels; all
edge forms (``-->``, ``---``, ``-.->``, ``==>``, ``~~~``, circle/cross heads,
double-ended, longer lengths, ``|label|`` and ``-- label -->`` forms, edge ids
``A e1@--> B``); chains; ``&`` groups; nested subgraphs with ``direction``;
``classDef``/``class``/``:::``/``style``/``linkStyle``; ``;`` separators.

Kept verbatim: ``click`` statements (never executed), one-line ``accTitle:``/``accDescr:``,
shape-data keys other than ``shape``/``label`` (``img``, ``icon``, ``pos`` ...), edge data
(``e1@{ animate: true }``). Ignored like mermaid-js: ``class`` on an id that is not (yet) a node
or closed subgraph, ``direction`` outside a subgraph. Rejected on purpose (see docs/mermaid.md):
the ``accDescr { }`` block, edge heads that mermaid-js
silently ignores (``x-->``, ``<---``), ids made of punctuation only.

Like mermaid-js: unquoted labels may not contain ``"()[]{}|@`` (quote them);
``o``/``x`` directly followed by ``--`` is an edge head, not a node id;
``%%`` comments must be on their own line (mermaid-js 12 rejects one after a node, edge,
``class`` or ``click`` statement), but a trailing ``%% ...`` is part of the style text of
``classDef``/``style``/``linkStyle``, and the rest of a ``direction`` line is dropped;
``;`` is allowed inside brackets.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import replace
from typing import Any, Literal

from archc.mermaid.syntax import (
    ClassDef,
    Click,
    Edge,
    Flowchart,
    LinkStyle,
    MermaidSyntaxError,
    Node,
    Style,
    Subgraph,
    canonical_data_shape,
)

__all__ = ["MermaidSyntaxError", "parse"]

# Node ids: word characters (unicode letters/digits/_), with '-' and '.'
# allowed between word characters (so ``a-b`` is an id but ``a-->b`` is not).
# mermaid-js' idString: NODE_STRING characters (letters, digits, ``!#$%&'*+.`?\/_``, ``-`` unless
# it starts an arrow, ``=`` unless doubled) and the ``,`` ``:`` ``#`` ``&`` ``*`` tokens, with no
# space in between; ``:::`` (the class separator) ends an id.
_ID_CHARS = r"(?:[\w!#$%&'*+.`?\\/,]|:(?!::)|-(?![>\-.])|=(?!=))"
_ID_RE = re.compile(r"(?:[\w!#$%&'*+`?\\/]|\.(?![-.]))" + _ID_CHARS + "*")
_CLASS_RE = re.compile(r"[\w-]+")
_WS_RE = re.compile(r"[ \t]*")
_WS_NL_RE = re.compile(r"[ \t\n]*")
_KW_RE = re.compile(r"[A-Za-z]+")
# what mermaid-js accepts after `click ID`: a link (with tooltip and target), `call fn(args)` or a callback name
_CLICK_REST = re.compile(
    r'(?:href\s+)?"[^"]+"(?:\s+"[^"]+")?(?:\s+_(?:self|blank|parent|top))?'
    r'|call\s+[^(\s]+\([^)]*\)(?:\s+"[^"]+")?'
    r'|(?!(?:call|href)(?:\s|$))[\w.$-]+(?:\s+"[^"]+")?'
)


def _m(pattern: re.Pattern[str], s: str, i: int) -> re.Match[str]:
    """Match a pattern that always matches (possibly empty)."""
    m = pattern.match(s, i)
    assert m is not None
    return m


_TOKEN_RE = re.compile(r"\w+|[-=.~<>ox]+|\S")
_HEADER_RE = re.compile(r"(graph|flowchart-elk|flowchart)(?![\w-])")
_DIR_RE = re.compile(r"(TB|TD|BT|RL|LR)(?!\w)")
_DIRECTION_RE = re.compile(r"(TB|TD|BT|RL|LR)")  # the `direction` statement's: the rest of the line is dropped

_KEYWORDS = frozenset({"subgraph", "end", "classDef", "class", "style", "linkStyle", "click", "direction", "accTitle", "accDescr"})

# Edge tokens, tried in mermaid-js' lexer order.
_LINK_NORMAL = re.compile(r"([xo<]?)(--+)([-xo>])")
_START_NORMAL = re.compile(r"([xo<]?)--")
_LINK_THICK = re.compile(r"([xo<]?)(==+)([=xo>])")
_START_THICK = re.compile(r"([xo<]?)==")
_LINK_DOTTED = re.compile(r"([xo<]?)(-?)(\.+)-([xo>]?)")
_START_DOTTED = re.compile(r"([xo<]?)-\.")
_LINK_INVIS = re.compile(r"~~~+")
_END_NORMAL = re.compile(r"[ \t]*([xo<]?)(--+)([-xo>])")
_END_THICK = re.compile(r"[ \t]*([xo<]?)(==+)([=xo>])")
_END_DOTTED = re.compile(r"[ \t]*([xo<]?)(-?)(\.+)-([xo>]?)")
_EDGE_ID_RE = re.compile(r"([^\s\"@]+)@(?=[-=.~<ox])")
_BARE_VALUE = re.compile(r"[^,}\n]*")
_DATA_KEY = re.compile(r"[A-Za-z_][\w-]*")
_END_PREFIX = re.compile(r"end(?![\w])")
_YAML_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "/": "/", "0": "\0", "r": "\r", " ": " "}


def _odd_backslashes(s: str, end: int) -> bool:
    k = end - 1
    while k >= 0 and s[k] == "\\":
        k -= 1
    return (end - 1 - k) % 2 == 1


def _yaml_unquote(raw: str) -> str:
    """The value of a quoted YAML scalar as mermaid-js reads it (a line break inside the
    quotes is first turned into ``<br/>`` by mermaid's lexer)."""
    q, body = raw[0], raw[1:-1]
    body = re.sub(r"\n\s*", "<br/>", body)
    if q == "'":
        return body.replace("''", "'")
    out: list[str] = []
    k = 0
    while k < len(body):
        ch = body[k]
        if ch == "\\" and k + 1 < len(body):
            nxt = body[k + 1]
            if nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", body[k + 2 : k + 6]):
                out.append(chr(int(body[k + 2 : k + 6], 16)))
                k += 6
                continue
            out.append(_YAML_ESCAPES.get(nxt, "\\" + nxt))
            k += 2
            continue
        out.append(ch)
        k += 1
    return "".join(out)


def _yaml_str(text: str) -> str:
    """A double-quoted YAML scalar for ``text`` (``"`` as mermaid's ``#quot;``)."""
    return '"' + text.replace("\\", "\\\\").replace('"', "#quot;").replace("\n", "\\n").replace("\t", "\\t") + '"'

_LINK_START_CHARS = frozenset("-=.~<ox")
_HEAD_LINK = re.compile(r"[xo](?:--|==|-?\.+-|-\.)")

_HEADS = {">": "arrow", "o": "circle", "x": "cross"}
_START_HEADS = {"<": "arrow", "o": "circle", "x": "cross"}

# Bracket openers, longest first: opener -> ((closer, shape), ...)
_OPENERS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("(((", ((")))", "doublecircle"),)),
    ("((", (("))", "circle"),)),
    ("([", (("])", "stadium"),)),
    ("(-", (("-)", "ellipse"),)),
    ("(", ((")", "round"),)),
    ("[[", (("]]", "subroutine"),)),
    ("[(", ((")]", "cylinder"),)),
    ("[/", (("/]", "lean_right"), ("\\]", "trapezoid"))),
    ("[\\", (("\\]", "lean_left"), ("/]", "inv_trapezoid"))),
    ("[", (("]", "rect"),)),
    ("{{", (("}}", "hexagon"),)),
    ("{", (("}", "diamond"),)),
    (">", (("]", "asymmetric"),)),
)
_OPEN_FIRST = frozenset("([{>")
# characters that mermaid-js does not accept inside an unquoted label
_PLAIN_FORBIDDEN = re.compile(r'["()\[\]{}|]')
_PIPE_FORBIDDEN = re.compile(r'["()\[\]{}]')
_TITLE_RE = re.compile(r"^title:[ \t]*(.*?)[ \t]*$", re.MULTILINE)


def _ws(s: str, i: int) -> int:
    """Index of the first character at or after ``i`` that is not a space/tab."""
    n = len(s)
    while i < n and s[i] in " \t":
        i += 1
    return i


class _Frame:
    __slots__ = ("direction", "id", "mentions", "parent", "pos", "title", "title_kind")

    def __init__(self, sg_id: str | None, title: str, title_kind: Any, pos: int, parent: _Frame | None) -> None:
        self.id = sg_id
        self.title = title
        self.title_kind = title_kind
        self.direction: str | None = None
        self.mentions: dict[str, None] = {}
        self.pos = pos
        self.parent = parent


class _Parser:
    def __init__(self, text: str, source: str, line_offset: int) -> None:
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        self.s = text
        self.n = len(text)
        self.i = 0
        self.source = source
        self.line_offset = line_offset
        self._line_starts: list[int] | None = None
        # node id -> [label, kind, shape, classes(list), pos]
        self.nodes: dict[str, list[Any]] = {}
        self.edges: list[Edge] = []
        self.subgraphs: list[Subgraph] = []
        self.sg_index: dict[str, int] = {}
        self.claimed: set[str] = set()
        self.stack: list[_Frame] = []
        self.class_defs: list[ClassDef] = []
        self.styles: list[Style] = []
        self.link_styles: list[LinkStyle] = []
        self.directives: list[str] = []
        self.clicks: list[Click] = []
        self.accessibility: list[str] = []
        self.sg_count = 0
        self.edge_ids: dict[str, int] = {}
        self.front_matter: str | None = None
        self.title: str | None = None
        self.keyword: Literal["graph", "flowchart", "flowchart-elk"] = "flowchart"
        self.direction = "TB"

    # ------------------------------------------------------------ positions
    def pos(self, i: int) -> tuple[int, int]:
        if self._line_starts is None:
            starts = [0]
            find = self.s.find
            j = find("\n")
            while j != -1:
                starts.append(j + 1)
                j = find("\n", j + 1)
            self._line_starts = starts
        ln = bisect_right(self._line_starts, i)
        return ln + self.line_offset, i - self._line_starts[ln - 1] + 1

    def error(self, message: str, i: int | None = None, token: str | None = None) -> MermaidSyntaxError:
        if i is None:
            i = self.i
        i = max(0, min(i, self.n))
        if token is None:
            if i >= self.n:
                token = "<EOF>"
            elif self.s[i] == "\n":
                token = "<newline>"
            else:
                m = _TOKEN_RE.match(self.s, i)
                token = m.group() if m else self.s[i]
        line, col = self.pos(i)
        return MermaidSyntaxError(message, source=self.source, line=line, col=col, token=token)

    def ch(self, i: int) -> str:
        return self.s[i] if i < self.n else ""

    def skip_ws(self) -> None:
        self.i = _ws(self.s, self.i)

    # ------------------------------------------------------------ top level
    def parse(self) -> Flowchart:
        self.front()
        header = False
        s = self.s
        at_line_start = True
        while True:
            # skip separators, comments and directives
            while self.i < self.n:
                c = s[self.i]
                if c == "\n":
                    at_line_start = True
                    self.i += 1
                elif c in " \t":
                    self.i += 1
                elif c == ";":
                    at_line_start = False
                    self.i += 1
                elif c == "%" and s.startswith("%%", self.i):
                    if s.startswith("%%{", self.i):
                        end = s.find("}%%", self.i + 3)
                        if end == -1:
                            raise self.error("unterminated '%%{' directive (missing '}%%')")
                        self.directives.append(s[self.i : end + 3])
                        self.i = end + 3
                        continue
                    if not at_line_start:
                        raise self.error("'%%' comments must be on their own line")
                    nl = s.find("\n", self.i)
                    self.i = self.n if nl == -1 else nl
                else:
                    break
            if self.i >= self.n:
                break
            at_line_start = False
            if not header:
                self.header()
                header = True
            else:
                self.statement()
        if not header:
            raise self.error("expected 'graph' or 'flowchart' header")
        if self.stack:
            fr = self.stack[-1]
            raise self.error(f"subgraph '{fr.id or fr.title}' is not closed with 'end'", self.n)
        nodes = tuple(
            Node(nid, r[0], r[1], r[2], tuple(r[3]), *self.pos(r[4]), shape_name=r[5], data=tuple(r[6])) for nid, r in self.nodes.items()
        )
        return Flowchart(
            direction=self.direction,
            nodes=nodes,
            edges=tuple(self.edges),
            subgraphs=tuple(self.subgraphs),
            class_defs=tuple(self.class_defs),
            styles=tuple(self.styles),
            link_styles=tuple(self.link_styles),
            front_matter=self.front_matter,
            title=self.title,
            keyword=self.keyword,
            directives=tuple(self.directives),
            clicks=tuple(self.clicks),
            accessibility=tuple(self.accessibility),
        )

    def front(self) -> None:
        s = self.s
        j = 0
        while True:  # skip blank lines
            m = _m(_WS_RE, s, j)
            k = m.end()
            if k < self.n and s[k] == "\n":
                j = k + 1
                continue
            break
        if not s.startswith("---", j):
            return
        eol = s.find("\n", j)
        if eol == -1 or s[j + 3 : eol].strip():
            return
        start = eol + 1
        k = start
        while True:
            nl = s.find("\n", k)
            line_end = self.n if nl == -1 else nl
            if s[k:line_end].rstrip() == "---":
                self.front_matter = s[start : max(start, k - 1)] if k > start else ""
                self.i = line_end
                break
            if nl == -1:
                raise self.error("front matter starting here is not closed with '---'", j)
            k = nl + 1
        mt = _TITLE_RE.search(self.front_matter)
        if mt:
            t = mt.group(1)
            if len(t) >= 2 and t[0] == t[-1] and t[0] in "\"'":  # a quoted YAML scalar: read as YAML reads it
                import yaml

                try:
                    value = yaml.safe_load(t)
                except yaml.YAMLError:
                    value = None
                t = value if isinstance(value, str) else t[1:-1]
            self.title = t

    def header(self) -> None:
        m = _HEADER_RE.match(self.s, self.i)
        if not m:
            raise self.error("expected 'graph' or 'flowchart' header")
        self.keyword = m.group(1)  # type: ignore[assignment]
        self.i = m.end()
        self.skip_ws()
        m = _DIR_RE.match(self.s, self.i)
        if m:
            self.direction = m.group(1)
            self.i = m.end()
        self.end_statement()

    def end_statement(self) -> None:
        self.skip_ws()
        c = self.ch(self.i)
        if c in ("", "\n", ";"):
            return
        if self.s.startswith("%%", self.i):
            raise self.error("'%%' comments must be on their own line")
        raise self.error("unexpected token; expected end of statement")

    def statement(self) -> None:
        s = self.s
        m = _KW_RE.match(s, self.i)
        if m:
            word = m.group()
            if word in _KEYWORDS and self.ch(m.end()) in ("", " ", "\t", "\n", ";", ":"):
                getattr(self, "st_" + word)(m.end())
                return
        self.vertex_statement()

    def keyword_arg_start(self, j: int, what: str) -> int:
        """After a keyword: require whitespace, return index of the argument."""
        m = _m(_WS_RE, self.s, j)
        if m.end() == j or m.end() >= self.n or self.s[m.end()] in "\n;":
            raise self.error(f"'{what}' needs an argument", m.end())
        return m.end()

    def rest_of_statement(self, j: int) -> tuple[str, int]:
        """Raw text up to newline or ';' (exclusive), stripped."""
        s = self.s
        nl = s.find("\n", j)
        if nl == -1:
            nl = self.n
        semi = s.find(";", j, nl)
        end = nl if semi == -1 else semi
        return s[j:end].strip(), end

    # ------------------------------------------------------------ keywords
    def st_subgraph(self, j: int) -> None:
        start = self.i
        j = self.keyword_arg_start(j, "subgraph")
        s = self.s
        if s[j] == '"':
            q = j
            title, kind, j = self.quoted(j)
            if kind == "quoted" and s[q + 1] == '"':
                raise self.error("empty subgraph title", q)
            # mermaid-js: a title with white space (before trimming) gets an automatic id
            sg_id = None if re.search(r"\s", s[q:j]) or not title else title
        else:
            m = _ID_RE.match(s, j)
            if not m:
                raise self.error("expected a subgraph id or title", j)
            sg_id = m.group()
            k = _ws(s, m.end())
            c = self.ch(k)
            if c == "[":
                k = _ws(s, k + 1)
                if self.ch(k) == '"':
                    title, kind, k = self.quoted(k)
                    k = _ws(s, k)
                    if self.ch(k) != "]":
                        raise self.error("expected ']' after subgraph title", k)
                    j = k + 1
                else:
                    close = s.find("]", k)
                    nl = s.find("\n", k)
                    if close == -1 or (nl != -1 and nl < close):
                        raise self.error("unterminated subgraph title, expected ']'", k)
                    title = s[k:close].strip()
                    kind = "plain"
                    bad = _PLAIN_FORBIDDEN.search(title)
                    if bad:
                        raise self.error("character not allowed in an unquoted title", k + s[k:close].find(bad.group()))
                    j = close + 1
            elif c in ("", "\n", ";"):
                title, kind, j = sg_id, "plain", m.end()
                if k > m.end():  # `subgraph gaba ` : the title (with its trailing space) has white space
                    sg_id = None
            else:
                text, end = self.rest_of_statement(j)
                bad = _PLAIN_FORBIDDEN.search(text)
                if bad:
                    raise self.error("character not allowed in an unquoted subgraph title", j + s[j:end].find(bad.group()))
                title, kind, j = text, "plain", end
                sg_id = None if re.search(r"\s", title) else title
        self.i = j
        self.end_statement()
        parent = self.stack[-1] if self.stack else None
        self.stack.append(_Frame(sg_id, title, kind, start, parent))

    def st_end(self, j: int) -> None:
        if not self.stack:
            raise self.error("'end' without an open subgraph")
        self.i = j
        self.end_statement()
        fr = self.stack.pop()
        sg_id = fr.id if fr.id is not None else f"subGraph{self.sg_count}"
        self.sg_count += 1
        members = tuple(m for m in fr.mentions if m not in self.claimed)
        self.claimed.update(members)
        parent = self.stack[-1] if self.stack else None
        line, col = self.pos(fr.pos)
        idx = self.sg_index.get(sg_id)
        if idx is not None:
            # reopened: mermaid-js adds the new members to the first one and keeps its
            # title and direction (a `direction` in the reopened body is ignored)
            old = self.subgraphs[idx]
            self.subgraphs[idx] = _replace_sg(old, members=old.members + members)
        else:
            self.sg_index[sg_id] = len(self.subgraphs)
            self.subgraphs.append(Subgraph(sg_id, fr.title, fr.title_kind, fr.direction, members, parent.id if parent else None, (), line, col))
        if parent is not None:
            parent.mentions[sg_id] = None

    def st_direction(self, j: int) -> None:
        k = self.keyword_arg_start(j, "direction")
        m = _DIRECTION_RE.match(self.s, k)
        if not m:
            raise self.error("expected a direction (TB, TD, BT, RL, LR)", k)
        if self.stack:  # outside a subgraph mermaid-js ignores it (the header sets the direction)
            self.stack[-1].direction = m.group(1)
        # mermaid-js 12 lexes `direction LR` with the rest of its line (`%% a comment`, `; x`) as one token
        nl = self.s.find("\n", m.end())
        self.i = self.n if nl == -1 else nl

    def st_classDef(self, j: int) -> None:
        start = self.i
        k = self.keyword_arg_start(j, "classDef")
        names = []
        while True:
            m = _CLASS_RE.match(self.s, k)
            if not m:
                raise self.error("expected a class name", k)
            names.append(m.group())
            k = m.end()
            if self.ch(k) == ",":
                k += 1
                continue
            break
        style, end = self.style_text(k, "classDef")
        line, col = self.pos(start)
        for name in names:
            self.class_defs.append(ClassDef(name, style, line, col))
        self.i = end

    def style_text(self, k: int, what: str) -> tuple[str, int]:
        m = _m(_WS_RE, self.s, k)
        if m.end() == k:
            raise self.error(f"expected whitespace and styles after the {what} target", k)
        style, end = self.rest_of_statement(m.end())
        if not style:
            raise self.error(f"'{what}' needs styles", m.end())
        return style, end  # a trailing `%% ...` is style text to mermaid-js 12, and so here

    def st_class(self, j: int) -> None:
        k = self.keyword_arg_start(j, "class")
        ids = []
        while True:
            m = _ID_RE.match(self.s, k)
            if not m:
                raise self.error("expected a node id", k)
            for part in m.group().split(","):  # mermaid-js splits the id list on ','
                if part:
                    ids.append((part, k))
            k = m.end()
            if self.ch(k) == ",":
                k += 1
                continue
            break
        m = _m(_WS_RE, self.s, k)
        if m.end() == k:
            raise self.error("expected whitespace and a class name", k)
        k = m.end()
        m = _CLASS_RE.match(self.s, k)
        if not m:
            raise self.error("expected a class name", k)
        name = m.group()
        self.i = m.end()
        self.end_statement()
        for nid, at in ids:
            rec = self.nodes.get(nid)
            if rec is not None and name not in rec[3]:
                rec[3].append(name)
            idx = self.sg_index.get(nid)
            if idx is not None:
                sg = self.subgraphs[idx]
                if name not in sg.classes:
                    self.subgraphs[idx] = _replace_sg(sg, classes=sg.classes + (name,))
            # not (yet) a node or closed subgraph: mermaid-js ignores it, and so do we

    def st_style(self, j: int) -> None:
        start = self.i
        k = self.keyword_arg_start(j, "style")
        m = _ID_RE.match(self.s, k)
        if not m:
            raise self.error("expected a node id", k)
        nid = m.group()
        if nid in _KEYWORDS:
            raise self.error(f"'{nid}' is a reserved word and cannot be a node id", k)
        style, end = self.style_text(m.end(), "style")
        if nid not in self.nodes:  # mermaid-js creates the vertex
            self.nodes[nid] = [None, "plain", None, [], k, None, []]
        self.styles.append(Style(nid, style, *self.pos(start)))
        self.i = end

    def st_linkStyle(self, j: int) -> None:
        start = self.i
        k = self.keyword_arg_start(j, "linkStyle")
        s = self.s
        if s.startswith("default", k) and not (self.ch(k + 7).isalnum() or self.ch(k + 7) == "_"):
            indexes: tuple[int, ...] | Literal["default"] = "default"
            k += 7
        else:
            idx = []
            while True:
                m = re.compile(r"\d+").match(s, k)
                if not m:
                    raise self.error("expected an edge index or 'default'", k)
                v = int(m.group())
                if v >= len(self.edges):
                    raise self.error(f"linkStyle index {v} is out of range ({len(self.edges)} edges defined so far)", k)
                idx.append(v)
                k = m.end()
                if self.ch(k) == ",":
                    k += 1
                    continue
                break
            indexes = tuple(idx)
        style, end = self.style_text(k, "linkStyle")
        self.link_styles.append(LinkStyle(indexes, style, *self.pos(start)))
        self.i = end

    def st_click(self, j: int) -> None:
        """``click ID ...`` is kept verbatim (archc never runs or follows it)."""
        start = self.i
        k = self.keyword_arg_start(j, "click")
        m = re.compile(r"[^\s;]+").match(self.s, k)
        if not m:
            raise self.error("expected a node id after 'click'", k)
        target = m.group()
        k = _ws(self.s, m.end())
        rest, end = self.rest_of_statement(k)
        if not rest:
            raise self.error("'click' needs a link, a callback or 'call'", k)
        if rest.count('"') % 2:
            raise self.error("unterminated string in 'click'", k)
        if not _CLICK_REST.fullmatch(rest):
            raise self.error("expected a link (\"URL\" or href \"URL\"), a callback name or 'call fn()' after the click target", k)
        self.clicks.append(Click(target, rest, *self.pos(start)))
        self.i = end

    def st_accTitle(self, j: int) -> None:
        self.accessibility_line(j, "accTitle")

    def st_accDescr(self, j: int) -> None:
        self.accessibility_line(j, "accDescr")

    def accessibility_line(self, j: int, what: str) -> None:
        """``accTitle: text`` / ``accDescr: text`` kept verbatim; the block form ``accDescr { ... }`` is not supported."""
        k = _ws(self.s, j)
        if self.ch(k) != ":":
            raise self.error(f"'{what}' is supported only as '{what}: text' on one line", self.i, what)
        nl = self.s.find("\n", k)
        end = self.n if nl == -1 else nl
        self.accessibility.append(f"{what}: {self.s[k + 1 : end].strip()}")
        self.i = end

    # ------------------------------------------------------------ vertices & edges
    def vertex_statement(self) -> None:
        group = self.node_group()
        s = self.s
        while True:
            save = self.i
            # mermaid-js' arrow tokens swallow the white space (newlines too) around them
            self.i = _m(_WS_NL_RE, s, self.i).end()
            c = self.ch(self.i)
            if not c or c == ";":
                self.i = save
                break
            link_at = self.i
            link = self.link()
            if link is None:
                self.i = save
                break
            after = _ws(s, self.i)
            self.i = _m(_WS_NL_RE, s, self.i).end()
            if self.ch(self.i) in ("", ";"):
                raise self.error("edge has no target node", after)
            dst = self.node_group()
            edge_id, stroke, hs, he, length, label, kind = link
            if edge_id is not None and (len(group) > 1 or len(dst) > 1):
                raise self.error("an edge id cannot be used with '&' groups", link_at)
            line, col = self.pos(link_at)
            if edge_id is not None:
                self.edge_ids[edge_id] = len(self.edges)
            for a in group:
                for b in dst:
                    self.edges.append(Edge(a, b, label, kind, stroke, hs, he, length, edge_id, line, col))
            group = dst
        _ = s
        self.end_statement()

    def node_group(self) -> list[str]:
        ids = [self.node()]
        s = self.s
        while True:
            k = _ws(s, self.i)
            if self.ch(k) != "&":
                return ids
            k = _ws(s, k + 1)
            self.i = k
            ids.append(self.node())

    def node(self) -> str:
        s = self.s
        start = self.i
        m = _ID_RE.match(s, start)
        if not m:
            raise self.error("expected a node id")
        nid = m.group()
        if nid in _KEYWORDS:
            raise self.error(f"'{nid}' is a reserved word and cannot be a node id", start)
        i = m.end()
        if nid in ("o", "x") and _HEAD_LINK.match(s, start):
            # mermaid-js lexes e.g. "o--o" / "x-->" here as an edge, not as node "o"
            raise self.error(f"node id '{nid}' directly followed by an edge is read as an edge head; add a space", start)
        if _END_PREFIX.match(nid):
            raise self.error(f"mermaid reads the 'end' at the start of '{nid}' as the keyword 'end'; rename the node", start, nid)
        label = None
        kind = "plain"
        shape = None
        shape_name = None
        c = self.ch(i)
        if c in _OPEN_FIRST:
            label, kind, shape, i = self.bracket(i)
        classes = None
        if s.startswith(":::", i):
            mc = _CLASS_RE.match(s, i + 3)
            if not mc:
                raise self.error("expected a class name after ':::'", i + 3)
            classes = mc.group()
            i = mc.end()
        data: list[tuple[str, str]] = []
        if self.ch(i) == "@" and self.ch(i + 1) == "{":
            dlabel, dshape, shape_name, data, i = self.shape_data(i)
            if dlabel is not None:
                label, kind = dlabel, "markdown"
            if dshape is not None:
                shape = dshape
        self.i = i
        edge_idx = self.edge_ids.get(nid)
        if edge_idx is not None and c not in _OPEN_FIRST and self.ch(m.end()) == "@":
            # ``e1@{ animate: true }``: data for the edge with that id (mermaid-js makes no node)
            e = self.edges[edge_idx]
            extra = tuple(data) + ((("shape", shape_name),) if shape_name else ()) + ((("label", _yaml_str(label)),) if label is not None else ())
            self.edges[edge_idx] = _replace_edge(e, data=e.data + extra)
            return nid
        rec = self.nodes.get(nid)
        if rec is None:
            self.nodes[nid] = [label, kind, shape, [classes] if classes else [], start, shape_name if shape is not None else None, list(data)]
        else:
            if label is not None:
                rec[0] = label
                rec[1] = kind
            if shape is not None:
                rec[2] = shape
                rec[5] = shape_name
            if classes and classes not in rec[3]:
                rec[3].append(classes)
            for k, v in data:
                rec[6] = [kv for kv in rec[6] if kv[0] != k] + [(k, v)]
        if self.stack:
            self.stack[-1].mentions[nid] = None
        return nid

    def quoted(self, j: int) -> tuple[str, str, int]:
        """String starting at s[j] == '"'; returns (text, kind, index after)."""
        s = self.s
        if s.startswith('"`', j):
            end = s.find('`"', j + 2)
            if end == -1:
                raise self.error("unterminated markdown string (missing '`\"')", j)
            return s[j + 2 : end].strip(), "markdown", end + 2
        end = s.find('"', j + 1)
        if end == -1:
            raise self.error("unterminated string (missing '\"')", j)
        return s[j + 1 : end].strip(), "quoted", end + 1

    def bracket(self, i: int) -> tuple[str, str, str, int]:
        s = self.s
        for opener, closers in _OPENERS:
            if s.startswith(opener, i):
                break
        else:  # pragma: no cover - guarded by _OPEN_FIRST
            raise self.error("expected a shape")
        j = i + len(opener)
        k = _ws(s, j)
        if self.ch(k) == '"':
            label, kind, k = self.quoted(k)
            k = _ws(s, k)
            for closer, shape in closers:
                if s.startswith(closer, k):
                    return label, kind, shape, k + len(closer)
            raise self.error(f"expected '{closers[0][0]}' to close the label", k)
        nl = self.n  # an unquoted label may run over several lines (mermaid's text token takes newlines)
        best = -1
        best_shape = ""
        best_closer = ""
        for closer, shape in closers:
            p = s.find(closer, j, nl)
            if p != -1 and (best == -1 or p < best):
                best, best_shape, best_closer = p, shape, closer
        if best == -1:
            raise self.error(f"unterminated label, expected '{closers[0][0]}'", i, opener)
        raw = s[j:best]
        bad = _PLAIN_FORBIDDEN.search(raw)
        if bad:
            raise self.error(
                f"character {bad.group()!r} is not allowed in an unquoted label (quote the label)",
                j + bad.start(),
            )
        return raw.strip(), "plain", best_shape, best + len(best_closer)

    def shape_data(self, i: int) -> tuple[str | None, str | None, str | None, list[tuple[str, str]], int]:
        """``@{ key: value, ... }`` (a YAML mapping, flow or block style): returns
        (label, canonical shape, shape name as written, [(other key, value as written)], index after)."""
        s = self.s
        j = i + 2
        label = None
        shape = None
        shape_name = None
        data: list[tuple[str, str]] = []
        while True:
            while j < self.n and s[j] in " \t\n,":
                j += 1
            if j >= self.n:
                raise self.error("unterminated '@{' shape data (missing '}')", i, "@{")
            if s[j] == "}":
                j += 1
                break
            m = _DATA_KEY.match(s, j)
            if not m:
                raise self.error("expected a key in '@{ ... }'", j)
            key = m.group()
            key_at = j
            j = _ws(s, m.end())
            if self.ch(j) != ":":
                raise self.error("expected ':' after a shape-data key", j)
            j = _ws(s, j + 1)
            c = self.ch(j)
            v_at = j
            if c in ('"', "'"):
                end = s.find(c, j + 1)
                while c == "'" and end != -1 and self.ch(end + 1) == "'":
                    end = s.find(c, end + 2)
                while c == '"' and end != -1 and _odd_backslashes(s, end):
                    end = s.find(c, end + 1)
                if end == -1:
                    raise self.error("unterminated string in '@{ ... }'", j)
                raw = s[j : end + 1]
                value = _yaml_unquote(raw)
                j = end + 1
            else:
                mv = _m(_BARE_VALUE, s, j)
                raw = value = mv.group().strip()
                if value.startswith(("[", "{", "|", ">", "&", "*", "!")):
                    raise self.error(f"shape-data value {value!r} is not a plain YAML scalar (quote it)", v_at, value)
                j = mv.end()
            if key == "shape":
                if value != value.lower() or "_" in value or canonical_data_shape(value) is None:
                    raise self.error(f"unknown shape {value!r} (mermaid-js has no such shape)", key_at, value)
                shape = canonical_data_shape(value)
                shape_name = value
            elif key == "label":
                label = value.strip() if value is not None else None
            else:
                data = [kv for kv in data if kv[0] != key] + [(key, raw)]
        return label, shape, shape_name, data, j

    def link(self) -> tuple[str | None, Any, Any, Any, int, str | None, Any] | None:
        """Parse an edge at self.i. Returns None (position unchanged) if there
        is none; else (id, stroke, head_start, head_end, length, label, kind)."""
        s = self.s
        i = self.i
        edge_id = None
        c = s[i]
        if c not in _LINK_START_CHARS:
            m = _EDGE_ID_RE.match(s, i)
            if not m:
                return None
            edge_id = m.group(1)
            i = m.end()
        at = i
        label = None
        kind = "plain"
        text_form = None
        pre = suf = ""
        length = 1
        if m := _LINK_NORMAL.match(s, i):
            stroke, pre, suf = "solid", m.group(1), m.group(3)
            length = len(m.group(2)) - 1
        elif m := _START_NORMAL.match(s, i):
            stroke, text_form = "solid", _END_NORMAL
        elif m := _LINK_THICK.match(s, i):
            stroke, pre, suf = "thick", m.group(1), m.group(3)
            length = len(m.group(2)) - 1
        elif m := _START_THICK.match(s, i):
            stroke, text_form = "thick", _END_THICK
        elif m := _LINK_DOTTED.match(s, i):
            stroke, pre, suf = "dotted", m.group(1), m.group(4)
            length = len(m.group(3))
        elif m := _START_DOTTED.match(s, i):
            stroke, text_form = "dotted", _END_DOTTED
        elif m := _LINK_INVIS.match(s, i):
            stroke = "invisible"
            length = len(m.group()) - 2
        else:
            if edge_id is not None:
                raise self.error("expected an edge after the edge id", i)
            return None
        i = m.end()
        if text_form is not None:
            # text form: START label END  (e.g. ``-- label -->``)
            pre = m.group(1)
            nl = s.find("\n", i)
            if nl == -1:
                nl = self.n
            me = text_form.search(s, i, nl)
            if not me:
                raise self.error("unterminated edge label (missing the closing arrow)", at)
            raw = s[i : me.start()].strip()
            if not raw:
                raise self.error("empty edge label", i)
            if len(raw) >= 2 and raw[0] == '"' and raw[-1] == '"':
                inner = raw[1:-1]
                if len(inner) >= 2 and inner[0] == "`" and inner[-1] == "`":
                    label, kind = inner[1:-1].strip(), "markdown"
                else:
                    label, kind = inner.strip(), "quoted"
                if '"' in inner:
                    raise self.error("'\"' inside a quoted edge label", i + s[i:].find('"') + 1)
            else:
                for bad in ('"', "|"):
                    if bad in raw:
                        raise self.error("character not allowed in an unquoted edge label", i + s[i:].find(bad))
                label = raw
            if me.group(1):
                raise self.error("an edge head cannot appear at the start of the closing arrow", me.start(1))
            if stroke == "dotted":
                suf = me.group(4)
                length = len(me.group(3))
            else:
                suf = me.group(3)
                length = len(me.group(2)) - 1
            i = me.end()
        head_end = _HEADS.get(suf, "none")
        if pre:
            head_start = _START_HEADS[pre]
            if head_start != head_end:
                raise self.error(f"mismatched edge heads: '{pre}' at the start needs the matching head at the end", at)
        else:
            head_start = "none"
        # pipe label
        if label is None:
            k = _ws(s, i)
            if self.ch(k) == "|":
                k = _ws(s, k + 1)
                if self.ch(k) == '"':
                    label, kind, k = self.quoted(k)
                    k = _ws(s, k)
                    if self.ch(k) != "|":
                        raise self.error("expected '|' to close the edge label", k)
                    i = k + 1
                else:
                    close = s.find("|", k)
                    if close == -1:
                        raise self.error("unterminated edge label (missing '|')", k - 1)
                    label = s[k:close].strip()
                    forbidden = _PIPE_FORBIDDEN.search(s, k, close)
                    if forbidden:
                        raise self.error(
                            f"character {forbidden.group()!r} is not allowed in an unquoted edge label (quote the label: |\"...\"|)",
                            forbidden.start(),
                        )
                    i = close + 1
        self.i = i
        return edge_id, stroke, head_start, head_end, length, label, kind


def _replace_sg(sg: Subgraph, **changes: Any) -> Subgraph:
    return replace(sg, **changes)


def _replace_edge(e: Edge, **changes: Any) -> Edge:
    return replace(e, **changes)


def parse(text: str, *, source: str = "<diagram>", line_offset: int = 0) -> Flowchart:
    """Parse Mermaid flowchart ``text``.

    ``line_offset`` is added to every reported line (use the line number of
    the block body minus one when the text comes from a Markdown file).
    Raises :class:`MermaidSyntaxError` for anything not supported.
    """
    if not isinstance(text, str):
        raise TypeError("parse() expects str")
    try:
        return _Parser(text, source, line_offset).parse()
    except MermaidSyntaxError:
        raise
    except RecursionError as exc:  # pragma: no cover - parser is iterative
        raise MermaidSyntaxError(f"internal parser error: {exc}", source=source, line=1 + line_offset, col=1) from exc
