"""Canonical Mermaid text for a :class:`~archc.mermaid.syntax.Flowchart`.

``write(fc)`` is deterministic and ``parse(write(fc)) == fc`` for every AST
the parser produces, except for these documented normalisations:

* a ``"plain"`` node label is written unquoted (``A[text]``) when mermaid-js
  reads it back the same: none of ``"()[]{}|@``, a backtick, a line break or
  ``%%`` in it, no space at either end, and no ``/``, backslash, ``-``, ``<`` or
  ``>`` first; any other plain label is written quoted and comes back as
  ``"quoted"`` (mermaid renders both the same);
* ``"`` inside a label is written as ``#quot;`` (mermaid's entity for it);
* a label given to a shape that has no bracket syntax is written with
  ``@{ shape: ..., label: "..." }`` and so comes back as ``"markdown"``
  (that is what mermaid-js does with ``@{ label }``);
* subgraph titles equal to the id with kind ``"plain"`` are written as
  ``subgraph id``; other plain titles as ``subgraph id[Title]`` where a plain
  node label could be, else quoted.

Layout: front matter, directives, the header, then (4-space indented) the
subgraph tree with node declarations inside the subgraph each node belongs
to, top-level nodes, then all edges, then ``classDef``, ``class``, ``style``
and ``linkStyle`` statements.  If declaring nodes inside their subgraphs
would change mermaid's node order (it follows first mention), all nodes are
declared first, in order, and subgraphs list their members by id.
"""

from __future__ import annotations

import re

from archc.mermaid.parser import _END_PREFIX, _ID_RE, _yaml_str
from archc.mermaid.syntax import BRACKET_SHAPES, Edge, Flowchart, Node, Subgraph, data_shape_name

__all__ = ["check_class", "check_style", "escape_text", "plain_edge_label", "plain_node_label", "write"]

_IND = "    "
_RESERVED = frozenset({"subgraph", "end", "classDef", "class", "style", "linkStyle", "click", "direction", "accTitle", "accDescr"})
_END = {"arrow": ">", "circle": "o", "cross": "x", "none": ""}
_START = {"arrow": "<", "circle": "o", "cross": "x", "none": ""}
# what may stand unquoted between pipes (mermaid-js' text token); anything else is quoted
_PIPE_PLAIN = re.compile(r'[^\[\](){}|"\n]+')


def _check_id(i: str) -> str:
    m = _ID_RE.match(i)
    if m is None or m.end() != len(i) or i in _RESERVED or _END_PREFIX.match(i):
        raise ValueError(f"cannot write {i!r} as a Mermaid id")
    return i


def _data(pairs: list[tuple[str, str]]) -> str:
    return "@{ " + ", ".join(f"{k}: {v}" for k, v in pairs) + " }"


_BREAKS = re.compile(r"\r\n|[\n\r\x85\u2028\u2029]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")
_STYLE_BAD = re.compile(r"[;\n\r\x85\u2028\u2029]|%%|[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CLASS_NAME = re.compile(r"[\w-]+")


def escape_text(text: str) -> str:
    """Label text (node and edge labels, subgraph titles) made data for Mermaid: the one
    escape every text written into a diagram goes through.

    ``"`` becomes ``#quot;`` (it would end the string); ``%%`` is broken as ``#37;%``
    (mermaid-js reads ``%%{…}%%`` anywhere in the text as a directive, and a line starting
    with ``%%`` as a comment); a line break (``\\r\\n``, ``\\r``, U+2028, U+2029, U+0085) is
    written as ``\\n``, and a line that would start with a Markdown fence (````` ``` `````,
    ``~~~``) starts with ``#96;``/``#126;`` instead, so the ```` ```mermaid ```` block around the
    diagram stays closed; a leading backtick is ``#96;`` (``"` `` opens a markdown string);
    other control characters become U+FFFD. Markup the label means
    (``<br/>``, ``#quot;``) stays.
    """
    lines = [_escape_line(line) for line in _BREAKS.split(text)]
    out = "\n".join([lines[0], *(_FENCE_START.sub(_fence_entity, line) for line in lines[1:])])
    return "#96;" + out[1:] if out.startswith("`") else out  # `"`` opens a markdown string


_FENCE_START = re.compile(r"^(\s*)([`~])(?=\2\2)")


def _fence_entity(m: re.Match[str]) -> str:
    return m.group(1) + ("#96;" if m.group(2) == "`" else "#126;")


def _escape_line(text: str) -> str:
    text = _CONTROL.sub("\ufffd", text.replace('"', "#quot;"))
    while "%%" in text:
        text = text.replace("%%", "#37;%")
    return text


def check_class(name: str) -> str:
    """A class name as written after ``classDef``/``class``/``:::`` (letters, digits, ``_``, ``-``)."""
    if not _CLASS_NAME.fullmatch(name):
        raise ValueError(f"cannot write {name!r} as a Mermaid class name (letters, digits, '_' and '-' only)")
    return name


def check_style(style: str) -> str:
    """Style text as written after ``classDef``/``style``/``linkStyle``: one statement, no comment."""
    bad = _STYLE_BAD.search(style)
    if bad is not None:
        raise ValueError(f"cannot write {style!r} as a Mermaid style ({bad.group()!r} would end the statement)")
    return style


def _q(text: str) -> str:
    return escape_text(text)


def _label(text: str, kind: str) -> str:
    if kind == "markdown":
        return '"`' + _q(text).replace("`", "#96;") + '`"'
    return f'"{_q(text)}"'


# a plain node label mermaid-js (and the parser) read back as exactly this text: none of the
# characters an unquoted label may not hold, no line break or `%%`, and no start that is part of a
# shape's opener (`[/`, `[\\`, `(-`)
_NODE_PLAIN = re.compile(r'[^\s"()\[\]{}|@`/\\<>-](?:[^"()\[\]{}|@`\n]*[^\s"()\[\]{}|@`])?')


def plain_node_label(text: str) -> bool:
    """Whether a plain node label *text* is written unquoted (`A[text]`)."""
    return _NODE_PLAIN.fullmatch(text) is not None and "%%" not in text and escape_text(text) == text


def plain_edge_label(text: str) -> bool:
    """Whether a plain edge label *text* is written unquoted (`|text|`)."""
    return text == text.strip() and _PIPE_PLAIN.fullmatch(text) is not None and escape_text(text) == text


def _node_label(text: str, kind: str) -> str:
    if kind == "plain" and plain_node_label(text):
        return text
    return _label(text, kind)


def node_decl(n: Node) -> str:
    """The node as written: its bracket shape, or ``@{ shape: NAME }`` with the name the
    author used; other shape-data keys (img, icon, pos, ...) follow in ``@{ ... }``."""
    nid = _check_id(n.id)
    extra = list(n.data)
    if n.shape is not None and n.shape_name is None and n.shape in BRACKET_SHAPES and n.label is not None:
        o, c = BRACKET_SHAPES[n.shape][:2]
        return f"{nid}{o}{_node_label(n.label, n.label_kind)}{c}" + (_data(extra) if extra else "")
    head = nid
    pairs: list[tuple[str, str]] = []
    if n.shape is not None:
        pairs.append(("shape", n.shape_name or data_shape_name(n.shape)))
    if n.label is not None:
        if n.label_kind == "markdown" or n.shape is None or n.shape_name is None:
            pairs.append(("label", _yaml_str(escape_text(n.label))))
        else:  # a bracket label with a named shape: `a["X"]@{ shape: cyl }`
            head = f"{nid}[{_node_label(n.label, n.label_kind)}]"
    pairs += extra
    return head + (_data(pairs) if pairs else "")


def link_text(e: Edge) -> str:
    L = e.length
    if L < 1:
        raise ValueError(f"edge length must be >= 1, got {L}")
    end = _END[e.head_end]
    start = _START[e.head_start]
    if start and e.head_start != e.head_end:
        raise ValueError("mermaid cannot draw an edge whose start head differs from its end head")
    if e.stroke == "solid":
        body = "-" * (L + 1) + (end or "-")
    elif e.stroke == "thick":
        body = "=" * (L + 1) + (end or "=")
    elif e.stroke == "dotted":
        body = "-" + "." * L + "-" + end
    elif e.stroke == "invisible":
        if start or end:
            raise ValueError("invisible edges cannot have heads")
        body = "~" * (L + 2)
    else:
        raise ValueError(f"unknown stroke {e.stroke!r}")
    return start + body


def _edge_label(e: Edge) -> str:
    if e.label is None:
        return ""
    t = e.label
    if not t.strip():
        return "| |"
    if e.label_kind == "plain" and plain_edge_label(t):
        return f"|{t}|"
    return f"|{_label(t, e.label_kind)}|"


def edge_line(e: Edge) -> str:
    eid = f"{_check_id(e.id)}@" if e.id is not None else ""
    return f"{_check_id(e.src)} {eid}{link_text(e)}{_edge_label(e)} {_check_id(e.dst)}"


def _sg_header(sg: Subgraph) -> str:
    sid = _check_id(sg.id)
    if sg.title == sg.id and sg.title_kind == "plain":
        return f"subgraph {sid}"
    if not sg.title.strip():
        return f"subgraph {sid}[ ]"
    return f"subgraph {sid}[{_node_label(sg.title, sg.title_kind)}]"


def _tree(fc: Flowchart, predeclared: bool) -> tuple[list[str], list[str], list[str]]:
    nodes = {n.id: n for n in fc.nodes}
    sgs = {s.id: s for s in fc.subgraphs}
    member_of: set[str] = set()
    for s in fc.subgraphs:
        member_of.update(s.members)
    lines: list[str] = []
    node_order: list[str] = []
    sg_order: list[str] = []
    done: set[str] = set()

    def emit_node(nid: str, depth: int) -> None:
        if predeclared:
            lines.append(_IND * depth + _check_id(nid))
        else:
            lines.append(_IND * depth + node_decl(nodes[nid]))
            node_order.append(nid)

    def emit_sg(sg: Subgraph, depth: int) -> None:
        done.add(sg.id)
        lines.append(_IND * depth + _sg_header(sg))
        if sg.direction:
            lines.append(_IND * (depth + 1) + f"direction {sg.direction}")
        for m in sg.members:
            child = sgs.get(m)
            if child is not None and child.parent == sg.id and m not in done:
                emit_sg(child, depth + 1)
            elif m in nodes:
                emit_node(m, depth + 1)
            else:
                raise ValueError(f"subgraph {sg.id!r} member {m!r} is neither a node nor a child subgraph")
        lines.append(_IND * depth + "end")
        sg_order.append(sg.id)

    def first_index(sg: Subgraph, index: dict[str, int]) -> float:
        best = float("inf")
        for m in sg.members:
            child = sgs.get(m)
            if child is not None and child.parent == sg.id:
                best = min(best, first_index(child, index))
            elif m in index:
                best = min(best, index[m])
        return best

    index = {n.id: i for i, n in enumerate(fc.nodes)}
    items: list[tuple[float, int, str, str]] = []
    if not predeclared:
        for n in fc.nodes:
            if n.id not in member_of:
                items.append((index[n.id], 0, "n", n.id))
    for k, s in enumerate(fc.subgraphs):
        if s.parent is None:
            key = float("inf") if predeclared else first_index(s, index)
            items.append((key, 1, "s", s.id))
    # subgraphs keep their relative (AST) order; nodes slot in by index
    sg_items = [it for it in items if it[2] == "s"]
    node_items = [it for it in items if it[2] == "n"]
    merged: list[tuple[float, int, str, str]] = []
    ni = 0
    for it in sg_items:
        while ni < len(node_items) and node_items[ni][0] < it[0]:
            merged.append(node_items[ni])
            ni += 1
        merged.append(it)
    merged.extend(node_items[ni:])
    for _, _, kind, ident in merged:
        if kind == "n":
            emit_node(ident, 1)
        else:
            emit_sg(sgs[ident], 1)
    return lines, node_order, sg_order


def _class_lines(fc: Flowchart) -> list[str]:
    targets: list[tuple[str, tuple[str, ...]]] = [(n.id, n.classes) for n in fc.nodes if n.classes]
    targets += [(s.id, s.classes) for s in fc.subgraphs if s.classes]
    if not targets:
        return []
    order: list[str] = []
    for _, cls in targets:
        for c in cls:
            if c not in order:
                order.append(c)
    rank = {c: i for i, c in enumerate(order)}
    consistent = all(list(cls) == sorted(cls, key=rank.__getitem__) and len(set(cls)) == len(cls) for _, cls in targets)
    out: list[str] = []
    if consistent:
        for c in order:
            ids = []
            for t, cls in targets:
                if c in cls and t not in ids:
                    ids.append(t)
            out.append(f"{_IND}class {','.join(_check_id(i) for i in ids)} {check_class(c)}")
    else:
        for t, cls in targets:
            for c in cls:
                out.append(f"{_IND}class {_check_id(t)} {check_class(c)}")
    return out


_PLAIN_TITLE = re.compile(r"^[^\s'\"#&*!|>%@`{}\[\],?:-](?:[^\n#:]|:(?! )|(?<! )#)*(?<!\s)$")


def _yaml_scalar(text: str) -> str:
    """*text* as a YAML scalar that reads back as exactly *text*: plain when it safely can be,
    else double-quoted (a JSON string is a YAML double-quoted scalar)."""
    import json

    odd = _BREAKS.search(text) or _CONTROL.search(text)
    if not odd and _PLAIN_TITLE.match(text) and text.lower() not in ("null", "~", "true", "false", "yes", "no", "on", "off"):
        return text
    quoted = json.dumps(text, ensure_ascii=False)  # escapes \n, \r and C0 controls
    return re.sub("[\x7f-\x9f\u2028\u2029]", lambda m: f"\\u{ord(m.group()):04x}", quoted)


def write(fc: Flowchart) -> str:
    """Serialise ``fc`` to canonical Mermaid flowchart text (ends with a newline)."""
    out: list[str] = []
    if fc.front_matter is not None:
        out.append("---")
        if fc.front_matter:
            out.append(fc.front_matter)
        out.append("---")
    elif fc.title is not None:
        out += ["---", f"title: {_yaml_scalar(fc.title)}", "---"]
    out.extend(fc.directives)
    out.append(f"{fc.keyword} {fc.direction}")
    out += [_IND + a for a in fc.accessibility]

    lines, node_order, sg_order = _tree(fc, predeclared=False)
    want_nodes = [n.id for n in fc.nodes]
    want_sgs = [s.id for s in fc.subgraphs]
    if node_order != want_nodes or sg_order != want_sgs:
        lines = [_IND + node_decl(n) for n in fc.nodes]
        tree, _, _ = _tree(fc, predeclared=True)
        if tree:
            lines.append("")
            lines += tree
    out += lines

    if fc.edges:
        if lines:
            out.append("")
        out += [_IND + edge_line(e) for e in fc.edges]
        out += [_IND + _check_id(e.id) + _data(list(e.data)) for e in fc.edges if e.id is not None and e.data]

    tail: list[str] = []
    for cd in fc.class_defs:
        tail.append(f"{_IND}classDef {check_class(cd.name)} {check_style(cd.style)}")
    tail += _class_lines(fc)
    for st in fc.styles:
        tail.append(f"{_IND}style {_check_id(st.target)} {check_style(st.style)}")
    for ls in fc.link_styles:
        idx = "default" if ls.indexes == "default" else ",".join(str(i) for i in ls.indexes)
        tail.append(f"{_IND}linkStyle {idx} {check_style(ls.style)}")
    for ck in fc.clicks:
        tail.append(f"{_IND}click {ck.target} {ck.rest}")
    if tail:
        out.append("")
        out += tail
    return "\n".join(out) + "\n"
