"""Apply change records to the YAML texts of a model, in ruamel.yaml round-trip mode.

Comments, key order, quoting, anchors, blank lines, the file's indentation and final newline and
every property the diagram cannot show stay; only the keys a change names are written. Pure:
texts in, texts out (the files themselves are `archc.sync.files`' business).
"""

from __future__ import annotations

import io
import re
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

from archc.importers.infer import DRAWN_FIELDS
from archc.importers.model_yaml import account_data, connection_data, resource_data
from archc.model.architecture import Architecture, Connection
from archc.sync.changes import (
    NESTED_DRAWN,
    RESOURCE_DRAWN,
    AccountAdded,
    AccountChanged,
    AccountRemoved,
    Change,
    ConnectionAdded,
    ConnectionChanged,
    ConnectionRemoved,
    DiagramChanged,
    GroupAdded,
    GroupChanged,
    GroupRemoved,
    ResourceAdded,
    ResourceFieldChanged,
    ResourceItemsChanged,
    ResourceRelabelled,
    ResourceRemoved,
    ResourceRetyped,
)
from archc.sync.diff import conn_key

# -- the file's own layout ------------------------------------------------------------------------

_CONTENT = re.compile(r"^( *)(\S.*)$")


def guess_indent(text: str) -> tuple[int, int]:
    """The (mapping indent, dash offset of a block sequence) a YAML text uses; (2, 2) when it does
    not show. The indentation of the first block nested under a ``key:`` line decides."""
    mapping = offset = None
    parent: int | None = None  # indentation of the previous line when it opened a block
    for line in text.split("\n"):
        m = _CONTENT.match(line)
        if m is None or m.group(2).startswith("#"):
            continue
        indent, content = len(m.group(1)), m.group(2)
        if parent is not None:
            if content.startswith("- ") or content == "-":
                if offset is None and indent >= parent:
                    offset = indent - parent
            elif mapping is None and indent > parent:
                mapping = indent - parent
        opens = re.search(r":(\s+(&\S+|!\S+))?(\s+#.*)?$", content) is not None
        parent = indent if opens else None
        if mapping is not None and offset is not None:
            break
    return mapping or 2, 2 if offset is None else offset


def _yaml(text: str) -> YAML:
    y = YAML()  # round-trip
    y.width = 4096
    y.preserve_quotes = True
    mapping, offset = guess_indent(text)
    y.indent(mapping=mapping, sequence=offset + 2, offset=offset)
    return y


_COMMENT_GAP = re.compile(r"(?<=\S)( +)(#[^\n]*)$", re.MULTILINE)
_SPLIT_COMMENT = re.compile(r"^([ \t]*[^\s#][^\n]*?(?::|&[\w.-]+))\n[ \t]+(#[^\n]*)$", re.MULTILINE)


def _rejoin_anchor_comments(text: str, original: str) -> str:
    """ruamel.yaml moves a comment after an anchor (`key: &a  # why`) to a line of its own, and so
    it does when the anchor goes (its last alias removed): put it back at the end of the line, where
    the file had it (when the file has that comment after something, not on a line of its own)."""
    after_content = {m.group(2) for m in _COMMENT_GAP.finditer(original)}

    def repl(m: re.Match[str]) -> str:
        return f"{m.group(1)}  {m.group(2)}" if m.group(2) in after_content else m.group(0)

    return _SPLIT_COMMENT.sub(repl, text)




def _restore_comment_gaps(text: str, original: str) -> str:
    """ruamel.yaml keeps a line's comment at its column: an edited line that grew gets one space
    before it, one that shrank gets many. Give each edited line the gap its comment had in the file
    (``x: 1  # why``), for every comment the file has once (so untouched lines stay as they are)."""
    gaps: dict[str, str | None] = {}
    for m in _COMMENT_GAP.finditer(original):
        gaps[m.group(2)] = None if m.group(2) in gaps else m.group(1)

    def repl(m: re.Match[str]) -> str:
        gap = gaps.get(m.group(2))
        return f"{gap}{m.group(2)}" if gap is not None else m.group(0)

    return _COMMENT_GAP.sub(repl, text)


def _reads_back(text: str, value: str) -> bool:
    """Whether both YAML 1.1 parsers the loader may use (libyaml's and PyYAML's own; they differ
    on ``0?`` in a flow map) read *text* as the probe `_scalar` wrote."""
    import yaml

    loaders = [yaml.SafeLoader, *([yaml.CSafeLoader] if hasattr(yaml, "CSafeLoader") else [])]
    try:
        return all(yaml.load(text, Loader=loader) == {"k": value, "l": [value, value], "m": value} for loader in loaders)
    except yaml.YAMLError:
        return False


_FLOW = YAML()
_FLOW.default_flow_style = True
_FLOW.width = 4096


def _scalar(value: str) -> Any:
    """*value* as a node the model's loader (PyYAML, YAML 1.1) reads back as the same string:
    ruamel.yaml writes YAML 1.2, whose plain scalars are a little wider (``label: :0`` in a
    flow map), so a string the loader would misread is quoted."""
    buf = io.StringIO()
    _FLOW.dump({"k": value, "l": [value, value], "m": value}, buf)  # followed by ',', ']' and '}'
    if _reads_back(buf.getvalue(), value):
        return value
    if value.isprintable():
        return SingleQuotedScalarString(value)
    return DoubleQuotedScalarString(value)


def _node(value: Any) -> Any:
    """A value of the model as the YAML node sync writes: maps and lists in flow style (one line,
    the way the model files write an element), strings the loader reads back as written."""
    if isinstance(value, dict):
        m = CommentedMap((k, _node(v)) for k, v in value.items())
        m.fa.set_flow_style()
        return m
    if isinstance(value, (list, tuple)):
        seq = CommentedSeq(_node(x) for x in value)
        seq.fa.set_flow_style()
        return seq
    if isinstance(value, str):
        return _scalar(value)
    return value


def _flow_map(data: dict[str, Any]) -> CommentedMap:
    m: CommentedMap = _node(data)
    return m


def _set(m: Any, key: str, value: Any) -> None:
    """Set *key* of the map *m*; ``None`` or empty removes it."""
    if value is None or value == [] or value == {}:
        if key in m:
            _delete(m, key)
        return
    old = m.get(key)
    if isinstance(value, (list, tuple)) and isinstance(old, CommentedSeq) and not old.fa.flow_style():
        if old.anchor.value is None:  # a block list: edited item by item, its comments stay
            _edit_list(old, list(value))
            return
        seq = CommentedSeq(_node(x) for x in value)  # the anchored list stays, with the aliases
        seq.fa.set_block_style()
        m[key] = seq
        return
    m[key] = _node(value)


def _edit_list(seq: CommentedSeq, new: list[Any]) -> None:
    """Turn *seq* into *new* with the fewest deletions and insertions (from the end, so that
    the positions of what is still to edit hold)."""
    import difflib

    ops = difflib.SequenceMatcher(a=list(seq), b=new, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in reversed(ops):
        if tag == "equal":
            continue
        for i in reversed(range(i1, i2)):
            _delete(seq, i)
        for offset, x in enumerate(new[j1:j2]):
            seq.insert(i1 + offset, _node(x))


def _end(owner: Any, key: Any) -> tuple[Any, Any]:
    """The (collection, key) of the last line of entry *key* of *owner*: a block collection
    ends with its last entry."""
    value = owner[key]
    if isinstance(value, (CommentedMap, CommentedSeq)) and len(value) and not value.fa.flow_style():
        return _end(value, list(value)[-1] if isinstance(value, CommentedMap) else len(value) - 1)
    return owner, key


def _line_comment(owner: Any, key: Any) -> Any:
    """The comment token after the line of entry *key* (its text, and blank lines that follow)."""
    entry = owner.ca.items.get(key)
    slot = 2 if isinstance(owner, CommentedMap) else 0
    return entry[slot] if entry and entry[slot] is not None else None


def _delete(owner: Any, key: Any) -> None:
    """Delete entry *key* of a map or list. The blank lines after the last entry of a section
    (ruamel.yaml keeps them with that entry's comment) stay, with the entry that is now last."""
    keys = list(owner) if isinstance(owner, CommentedMap) else list(range(len(owner)))
    extra = ""
    if len(keys) > 1 and key == keys[-1]:
        token = _line_comment(*_end(owner, key))
        if token is not None and "\n" in token.value:
            extra = token.value[token.value.index("\n") + 1:]
    prev = _end(owner, keys[-2]) if extra else None
    del owner[key]
    if prev is None:
        return
    token = _line_comment(*prev)
    if token is not None:
        token.value = token.value.rstrip("\n") + "\n" + extra
        return
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    holder, k = prev
    entry = holder.ca.items.setdefault(k, [None, None, None, None])
    entry[2 if isinstance(holder, CommentedMap) else 0] = CommentToken("\n" + extra, CommentMark(0), None)


# -- the documents --------------------------------------------------------------------------------


class _Docs:
    """The files of one model, and which of them a change touched. A file is parsed in round-trip
    mode (slow: pure Python) only when a change edits it; questions about the others (which file
    holds X?) are answered from a fast plain parse."""

    def __init__(self, texts: list[tuple[str, str]]) -> None:
        self.names = [name for name, _ in texts]
        self.originals = dict(texts)
        self.yamls: dict[str, YAML] = {}
        self.docs: dict[str, Any] = {}  # round-trip documents, parsed on first edit
        self.plain: dict[str, Any] = {}
        self.dirty: set[str] = set()

    def doc(self, name: str) -> Any:
        """File *name* in round-trip mode, to edit."""
        if name not in self.docs:
            self.yamls[name] = _yaml(self.originals[name])
            doc = self.yamls[name].load(self.originals[name])
            self.docs[name] = doc if doc is not None else CommentedMap()
        return self.docs[name]

    def view(self, name: str) -> Any:
        """File *name* to read: its round-trip document once edited, else a plain parse."""
        if name in self.docs:
            return self.docs[name]
        if name not in self.plain:
            import yaml

            data = yaml.load(self.originals[name], Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
            self.plain[name] = data if isinstance(data, dict) else {}
        return self.plain[name]

    def section(self, name: str, key: str, kind: type = CommentedMap) -> Any:
        """The top-level *key* of file *name* (made when missing), to edit; the file is now dirty."""
        doc = self.doc(name)
        if doc.get(key) is None:
            doc[key] = kind()
        self.dirty.add(name)
        return doc[key]

    def find(self, key: str, item: str) -> str | None:
        """The file whose top-level *key* map holds *item*."""
        for name in self.names:
            sec = self.view(name).get(key)
            if isinstance(sec, dict) and item in sec:
                return name
        return None

    def default_account(self, name: str) -> str | None:
        d = self.view(name).get("defaults")
        return d.get("account") if isinstance(d, dict) else None

    def file_for_account(self, account: str | None, a: Architecture) -> str:
        """Where a new element of *account* goes: the file with that account's resources, else the
        file whose defaults name it, else the first file with resources, else the first file."""
        for name in self.names:
            sec = self.view(name).get("resources")
            if isinstance(sec, dict) and any(r in a.resources and a.resources[r].account == account for r in sec):
                return name
        for name in self.names:
            if self.default_account(name) == account:
                return name
        return self.file_with("resources")

    def file_with(self, key: str) -> str:
        """The first file with a top-level *key*, else the first file."""
        return next((name for name in self.names if key in self.view(name)), self.names[0])

    def texts(self) -> dict[str, str]:
        out = {}
        for name in sorted(self.dirty):
            buf = io.StringIO()
            self.yamls[name].dump(self.doc(name), buf)
            original = self.originals[name]
            text = _restore_comment_gaps(_rejoin_anchor_comments(buf.getvalue(), original), original)
            if original and not original.endswith("\n"):
                text = text.rstrip("\n")
            out[name] = text
        return out


# -- one function per kind of change --------------------------------------------------------------


def _account_added(docs: _Docs, ch: AccountAdded) -> None:
    docs.section(docs.file_with("accounts"), "accounts")[ch.key] = _flow_map(account_data(ch.account))


def _account_removed(docs: _Docs, ch: AccountRemoved) -> None:
    name = docs.find("accounts", ch.key)
    if name is not None:
        _delete(docs.section(name, "accounts"), ch.key)


def _account_changed(docs: _Docs, ch: AccountChanged) -> None:
    name = docs.find("accounts", ch.key) or docs.file_with("accounts")
    acct = docs.section(name, "accounts")[ch.key]
    if ch.after == ch.default:
        _set(acct, ch.attr, None)
    else:
        acct[ch.attr] = _node(ch.after)


def _group_added(docs: _Docs, ch: GroupAdded) -> None:
    data = ch.group.model_dump(exclude_defaults=True, exclude_none=True, mode="json")
    docs.section(docs.file_with("groups"), "groups")[ch.gid] = _flow_map(data)


def _group_removed(docs: _Docs, ch: GroupRemoved) -> None:
    name = docs.find("groups", ch.gid)
    if name is not None:
        _delete(docs.section(name, "groups"), ch.gid)


def _group_changed(docs: _Docs, ch: GroupChanged) -> None:
    sec = docs.section(docs.find("groups", ch.gid) or docs.file_with("groups"), "groups")
    if sec.get(ch.gid) is None:
        sec[ch.gid] = _flow_map({})
    _set(sec[ch.gid], ch.attr, ch.after)


def _implied_account(docs: _Docs, name: str, account: str | None, a: Architecture) -> bool:
    """Whether a resource of *account* in file *name* need not say its account."""
    return docs.default_account(name) == account or (len(a.accounts) == 1 and account in a.accounts)


def _resource_added(docs: _Docs, ch: ResourceAdded, a: Architecture) -> None:
    res = ch.resource
    name = docs.file_for_account(res.account, a)
    data = resource_data(res)
    if _implied_account(docs, name, res.account, a):
        data.pop("account", None)
    docs.section(name, "resources")[ch.rid] = _flow_map(data)


def _resource_map(docs: _Docs, rid: str) -> tuple[Any, Any]:
    """The resources section holding *rid*, and *rid*'s map in it."""
    sec = docs.section(docs.find("resources", rid) or docs.names[0], "resources")
    return sec, sec[rid]


def _resource_removed(docs: _Docs, ch: ResourceRemoved) -> None:
    sec, _ = _resource_map(docs, ch.rid)
    _delete(sec, ch.rid)


def _resource_retyped(docs: _Docs, ch: ResourceRetyped, a: Architecture) -> None:
    """The entry stays where it is, in its style, with its comments: its type changes, the keys the
    new type does not have go, what the diagram draws of the new type is written, and every other
    key (a name, a key, lint settings …) stays."""
    name = docs.find("resources", ch.rid) or docs.names[0]
    sec, m = _resource_map(docs, ch.rid)
    data = resource_data(ch.after)
    if not isinstance(m, dict):
        sec[ch.rid] = _flow_map(data)
        return
    fields = type(ch.after).model_fields
    drawn = {*DRAWN_FIELDS.get(ch.after.type, ()), *(f for t, f in NESTED_DRAWN if t == ch.after.type), *RESOURCE_DRAWN}
    for key in list(m):
        if key != "type" and (key not in fields or (key in drawn and key not in data)):
            _delete(m, key)
    for key, value in data.items():
        if key == "account" and key not in m and _implied_account(docs, name, ch.after.account, a):
            continue
        if m.get(key) != value:
            _set(m, key, value)


def _resource_relabelled(docs: _Docs, ch: ResourceRelabelled) -> None:
    _, m = _resource_map(docs, ch.rid)
    _set(m, "label", ch.after)


def _resource_field(docs: _Docs, ch: ResourceFieldChanged) -> None:
    _, m = _resource_map(docs, ch.rid)
    _set(m, ch.field, list(ch.after) if isinstance(ch.after, (list, tuple)) else ch.after)


def _resource_items(docs: _Docs, ch: ResourceItemsChanged) -> None:
    """Item by item in place when the count is unchanged (comments and the other keys of each item
    stay), else the whole list."""
    _, m = _resource_map(docs, ch.rid)
    before, after = getattr(ch.before, ch.field), getattr(ch.after, ch.field)
    raw = m.get(ch.field)
    if isinstance(raw, list) and len(raw) == len(before) == len(after):
        for item, x, y in zip(raw, before, after, strict=True):
            for k in ch.keys:
                if getattr(x, k) == getattr(y, k):
                    continue
                if getattr(y, k) == type(y).model_fields[k].default:
                    _set(item, k, None)
                else:
                    item[k] = _node(getattr(y, k))
        return
    if not after:
        _set(m, ch.field, None)
        return
    m[ch.field] = CommentedSeq(_flow_map(x.model_dump(exclude_defaults=True, exclude_none=True, mode="json")) for x in after)


def _matches(raw: Any, c: Connection) -> bool:
    if not isinstance(raw, dict):
        return False
    try:
        parsed = Connection.model_validate(dict(raw))
    except ValidationError:
        return False
    return conn_key(parsed) == conn_key(c)


def _replace_connection(docs: _Docs, old: Connection, new: Connection | None) -> None:
    """Remove the first entry that says *old*, or (with *new*) edit it in place: the keys the
    diagram cannot show (lint settings) and a comment after the entry stay."""
    for name in docs.names:
        seq = docs.view(name).get("connections")
        if not isinstance(seq, list):
            continue
        i = next((i for i, raw in enumerate(seq) if _matches(raw, old)), None)
        if i is None:
            continue
        seq = docs.section(name, "connections", CommentedSeq)
        if new is None:
            _delete(seq, i)
            return
        raw, data = seq[i], connection_data(new)
        for key in ("verb", "label", "style"):
            if key in data:
                raw[key] = _node(data[key])
            else:
                _set(raw, key, None)
        return


def _connection_added(docs: _Docs, ch: ConnectionAdded, a: Architecture) -> None:
    """To the file with its source's resource when that file lists connections, else to the first
    file that does, else beside its source."""
    c = ch.connection
    name = docs.find("resources", c.source) or docs.file_for_account(ch.source_account, a)
    if "connections" not in docs.view(name):
        name = next((n for n in docs.names if "connections" in docs.view(n)), name)
    docs.section(name, "connections", CommentedSeq).append(_flow_map(connection_data(c)))


def _diagram_changed(docs: _Docs, ch: DiagramChanged) -> None:
    dm = docs.section(docs.file_with("diagram"), "diagram")
    if ch.after is None or ch.after == {}:
        _set(dm, ch.attr, None)
    else:
        dm[ch.attr] = CommentedMap((k, _node(v)) for k, v in ch.after.items()) if isinstance(ch.after, dict) else _node(ch.after)


def apply(texts: list[tuple[str, str]], a: Architecture, changes: list[Change]) -> dict[str, str]:
    """New YAML texts (only of the files that change) that make the model *a* (loaded from
    *texts*) say what *changes* say."""
    docs = _Docs(texts)
    for ch in changes:
        match ch:
            case AccountAdded():
                _account_added(docs, ch)
            case AccountRemoved():
                _account_removed(docs, ch)
            case AccountChanged():
                _account_changed(docs, ch)
            case GroupAdded():
                _group_added(docs, ch)
            case GroupRemoved():
                _group_removed(docs, ch)
            case GroupChanged():
                _group_changed(docs, ch)
            case ResourceAdded():
                _resource_added(docs, ch, a)
            case ResourceRemoved():
                _resource_removed(docs, ch)
            case ResourceRetyped():
                _resource_retyped(docs, ch, a)
            case ResourceRelabelled():
                _resource_relabelled(docs, ch)
            case ResourceFieldChanged():
                _resource_field(docs, ch)
            case ResourceItemsChanged():
                _resource_items(docs, ch)
            case ConnectionAdded():
                _connection_added(docs, ch, a)
            case ConnectionRemoved():
                _replace_connection(docs, ch.connection, None)
            case ConnectionChanged():
                _replace_connection(docs, ch.before, ch.after)
            case DiagramChanged():
                _diagram_changed(docs, ch)
    return docs.texts()
