"""The semantic difference of two architectures, and applying it to model files.

`diff(a, b)` lists what a diagram can show that differs: resources added, removed, retyped,
relabelled, regrouped, reshaped, reclassed, moved between accounts or with other drawn typed
fields (a subnet's route, a function's role …); groups; connections added, removed or changed.
The text is deterministic (model order).

`apply(files, a, b)` edits the YAML texts of the model *a* so that they say *b*, in ruamel.yaml
round-trip mode: comments, key order, anchors and every property the diagram cannot show stay.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from archc.catalog import TYPES, VERBS
from archc.importers.infer import DRAWN_FIELDS
from archc.importers.model_yaml import account_data, connection_data, resource_data
from archc.model.architecture import Architecture, Connection
from archc.model.presentation import node_label


@dataclass(frozen=True, slots=True)
class Change:
    op: str  # "add", "remove", "change"
    what: str  # "resource", "connection", "group", "diagram"
    subject: str
    detail: str = ""
    # what to apply: resource id / group id / connection data
    key: Any = None

    def text(self) -> str:
        sign = {"add": "+", "remove": "-", "change": "~"}[self.op]
        return f"{sign} {self.what} {self.subject}" + (f": {self.detail}" if self.detail else "")


def _conn_key(c: Connection) -> tuple[Any, ...]:
    return (c.source, c.target, c.verb, c.label if c.label is not None else VERBS[c.verb].label,
            c.style.model_dump_json() if c.style else "")


def _conn_text(c: Connection) -> str:
    label = c.label if c.label is not None else VERBS[c.verb].label
    style = ""
    if c.style:
        parts = [f"{k}={v}" for k, v in c.style.model_dump(exclude_defaults=True).items()]
        style = f" [{', '.join(parts)}]" if parts else ""
    return f"{c.source} → {c.target} ({c.verb}{', ' + repr(label) if label else ''}){style}"


def _shape(res: Any) -> str:
    return str(res.shape or TYPES[res.type].shape)


# what a diagram shows of an account (its title, the direction inside its subgraph, whether it is drawn)
ACCOUNT_DRAWN = ("label", "direction", "subgraph")
# nested typed fields a diagram draws: (type, field) → the keys of each item the diagram shows
NESTED_DRAWN: dict[tuple[str, str], tuple[str, ...]] = {
    ("load_balancer", "listeners"): ("target_group", "certificate"),
    ("route53_zone", "records"): ("type", "target"),
}


def _fields(res: Any) -> dict[str, Any]:
    out = {f: getattr(res, f, None) for f in DRAWN_FIELDS.get(res.type, ())}
    for (rtype, fld), keys in NESTED_DRAWN.items():
        if rtype == res.type:
            out[fld] = [tuple(getattr(x, k) for k in keys) for x in getattr(res, fld)]
    return out


def _value_text(value: Any) -> str:
    """A drawn field's value for the diff: ids plainly, nested items as ``a/b`` pairs."""
    if isinstance(value, list) and value and isinstance(value[0], tuple):
        return "[" + ", ".join("/".join(str(v) for v in item if v is not None) for item in value) + "]"
    return repr(value)


def diff(a: Architecture, b: Architecture) -> list[Change]:
    """What changes *a* into *b*, as far as a diagram can show it."""
    out: list[Change] = []
    for key, acct in b.accounts.items():
        if key not in a.accounts:
            out.append(Change("add", "account", key, acct.name + (f" ({acct.id})" if acct.id else ""), key))
            continue
        for attr in ACCOUNT_DRAWN:
            before, after = getattr(a.accounts[key], attr), getattr(acct, attr)
            if before != after:
                out.append(Change("change", "account", key, f"{attr} {before!r} → {after!r}", (key, attr)))
    for key in a.accounts:
        if key not in b.accounts:
            out.append(Change("remove", "account", key, "", key))
    for gid, g in b.groups.items():
        if gid not in a.groups:
            out.append(Change("add", "group", gid, repr(g.title or gid), gid))
        else:
            prev_group = a.groups[gid]
            if (prev_group.title or gid) != (g.title or gid):
                out.append(Change("change", "group", gid, f"title {prev_group.title or gid!r} → {g.title or gid!r}", (gid, "title")))
            for attr in ("parent", "account", "direction", "resource", "classes"):
                if getattr(prev_group, attr) != getattr(g, attr):
                    out.append(Change("change", "group", gid, f"{attr} {getattr(prev_group, attr)!r} → {getattr(g, attr)!r}", (gid, attr)))
    for gid in a.groups:
        if gid not in b.groups:
            out.append(Change("remove", "group", gid, "", gid))
    for rid, res in b.resources.items():
        if rid not in a.resources:
            out.append(Change("add", "resource", rid, f"{res.type} {node_label(rid, res)!r}", rid))
            continue
        old = a.resources[rid]
        if old.type != res.type:
            out.append(Change("change", "resource", rid, f"type {old.type} → {res.type}", (rid, "type")))
            continue
        if node_label(rid, old) != node_label(rid, res):
            out.append(Change("change", "resource", rid, f"label {node_label(rid, old)!r} → {node_label(rid, res)!r}", (rid, "label")))
        for attr in ("group", "account"):
            if getattr(old, attr) != getattr(res, attr):
                out.append(Change("change", "resource", rid, f"{attr} {getattr(old, attr)} → {getattr(res, attr)}", (rid, attr)))
        if _shape(old) != _shape(res):
            out.append(Change("change", "resource", rid, f"shape {_shape(old)} → {_shape(res)}", (rid, "shape")))
        if list(old.classes) != list(res.classes):
            out.append(Change("change", "resource", rid, f"classes {list(old.classes)} → {list(res.classes)}", (rid, "classes")))
        fo, fn = _fields(old), _fields(res)
        for f in fo:
            if fo[f] != fn.get(f):
                out.append(Change("change", "resource", rid, f"{f} {_value_text(fo[f])} → {_value_text(fn.get(f))}", (rid, f)))
    for rid in a.resources:
        if rid not in b.resources:
            out.append(Change("remove", "resource", rid, a.resources[rid].type, rid))
    # connections: match equal ones first, then pair what is left by (from, to)
    left = list(a.connections)
    added: list[Connection] = []
    for c in b.connections:
        k = _conn_key(c)
        for i, o in enumerate(left):
            if _conn_key(o) == k:
                del left[i]
                break
        else:
            added.append(c)
    for c in added:
        pair = next((o for o in left if (o.source, o.target) == (c.source, c.target)), None)
        if pair is not None:
            left.remove(pair)
            out.append(Change("change", "connection", f"{c.source} → {c.target}", f"{_conn_text(pair)} ⇒ {_conn_text(c)}", (pair, c)))
        else:
            out.append(Change("add", "connection", _conn_text(c), "", c))
    for o in left:
        out.append(Change("remove", "connection", _conn_text(o), "", o))
    if a.diagram.class_defs != b.diagram.class_defs:
        out.append(Change("change", "diagram", "class_defs", "", "class_defs"))
    if a.diagram.styles != b.diagram.styles:
        out.append(Change("change", "diagram", "styles", "", "styles"))
    if a.diagram.direction != b.diagram.direction:
        out.append(Change("change", "diagram", "direction", f"{a.diagram.direction} → {b.diagram.direction}", "direction"))
    if a.diagram.title != b.diagram.title:
        out.append(Change("change", "diagram", "title", f"{a.diagram.title!r} → {b.diagram.title!r}", "title"))
    return out


def diff_text(changes: list[Change]) -> str:
    return "".join(c.text() + "\n" for c in changes)


# -- applying -----------------------------------------------------------------------------------


def _yaml() -> YAML:
    y = YAML()  # round-trip
    y.width = 4096
    y.preserve_quotes = True
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def _flow_map(data: dict[str, Any]) -> CommentedMap:
    m = CommentedMap()
    for k, v in data.items():
        if isinstance(v, dict):
            m[k] = _flow_map(v)
        elif isinstance(v, list):
            seq = CommentedSeq(_flow_map(x) if isinstance(x, dict) else x for x in v)
            seq.fa.set_flow_style()
            m[k] = seq
        else:
            m[k] = v
    m.fa.set_flow_style()
    return m


class _Docs:
    def __init__(self, texts: list[tuple[str, str]]) -> None:
        self.y = _yaml()
        self.names = [name for name, _ in texts]
        self.originals = dict(texts)
        self.docs: dict[str, Any] = {}
        for name, text in texts:
            doc = self.y.load(text)
            self.docs[name] = doc if doc is not None else CommentedMap()
        self.dirty: set[str] = set()

    def section(self, name: str, key: str, kind: type = CommentedMap) -> Any:
        doc = self.docs[name]
        if doc.get(key) is None:
            doc[key] = kind()
        return doc[key]

    def find(self, key: str, item: str) -> str | None:
        for name, doc in self.docs.items():
            sec = doc.get(key)
            if isinstance(sec, dict) and item in sec:
                return name
        return None

    def default_account(self, name: str) -> str | None:
        d = self.docs[name].get("defaults")
        return d.get("account") if isinstance(d, dict) else None

    def file_for_account(self, account: str | None, a: Architecture) -> str:
        for name, doc in self.docs.items():
            sec = doc.get("resources")
            if isinstance(sec, dict) and any(a.resources.get(r) is not None and a.resources[r].account == account for r in sec):
                return name
        for name in self.names:
            if self.default_account(name) == account:
                return name
        for name in self.names:
            if "resources" in self.docs[name]:
                return name
        return self.names[0]

    def file_with(self, key: str) -> str:
        for name in self.names:
            if key in self.docs[name]:
                return name
        return self.names[0]

    def texts(self) -> dict[str, str]:
        out = {}
        for name in sorted(self.dirty):
            buf = io.StringIO()
            self.y.dump(self.docs[name], buf)
            out[name] = _rejoin_anchor_comments(buf.getvalue(), self.originals.get(name, ""))
        return out


_ANCHOR_COMMENT = re.compile(r"(&[\w.-]+)\n[ \t]+(#[^\n]*)")


def _rejoin_anchor_comments(text: str, original: str) -> str:
    """ruamel.yaml moves a comment after an anchor (`key: &a  # why`) to a line of its own; put
    it back where the original file had it."""

    def repl(m: re.Match[str]) -> str:
        joined = f"{m.group(1)}  {m.group(2)}"
        return joined if joined in original else m.group(0)

    return _ANCHOR_COMMENT.sub(repl, text)


def _set(m: Any, key: str, value: Any) -> None:
    if value is None or value == [] or value == {}:
        if key in m:
            del m[key]
        return
    if isinstance(value, list):
        seq = CommentedSeq(value)
        seq.fa.set_flow_style()
        value = seq
    m[key] = value


def _set_items(m: Any, key: str, old: Any, new: Any, keys: tuple[str, ...]) -> None:
    """Set the nested list *key* (listeners, records) of the resource map *m* from *new*: item by
    item in place when the count is unchanged (comments and the other keys of each item stay),
    else the whole list."""
    before, after = getattr(old, key), getattr(new, key)
    raw = m.get(key)
    if isinstance(raw, list) and len(raw) == len(before) == len(after):
        for item, x, y in zip(raw, before, after, strict=True):
            for k in keys:
                if getattr(x, k) == getattr(y, k):
                    continue
                if getattr(y, k) == type(y).model_fields[k].default:
                    item.pop(k, None)
                else:
                    item[k] = getattr(y, k)
        return
    if not after:
        m.pop(key, None)
        return
    m[key] = CommentedSeq(_flow_map(x.model_dump(exclude_defaults=True, exclude_none=True, mode="json")) for x in after)


def _match_conn(raw: Any, c: Connection) -> bool:
    if not isinstance(raw, dict):
        return False
    try:
        parsed = Connection.model_validate(dict(raw))
    except ValidationError:
        return False
    return _conn_key(parsed) == _conn_key(c)


def apply(texts: list[tuple[str, str]], a: Architecture, b: Architecture, changes: list[Change]) -> dict[str, str]:
    """New YAML texts (only of the files that change) that turn model *a* into *b*."""
    docs = _Docs(texts)
    for ch in changes:
        if ch.what == "account" and ch.op == "add":
            name = docs.file_with("accounts")
            docs.section(name, "accounts")[ch.key] = _flow_map(account_data(b.accounts[ch.key]))
            docs.dirty.add(name)
        elif ch.what == "account" and ch.op == "change":
            key, attr = ch.key
            name = docs.find("accounts", key) or docs.file_with("accounts")
            sec = docs.section(name, "accounts")
            value = getattr(b.accounts[key], attr)
            default = type(b.accounts[key]).model_fields[attr].default
            if value == default:
                if key in sec and attr in sec[key]:
                    del sec[key][attr]
            else:
                sec[key][attr] = value
            docs.dirty.add(name)
        elif ch.what == "group":
            gid = ch.key if ch.op != "change" else ch.key[0]
            name = docs.find("groups", gid) or docs.file_with("groups")
            sec = docs.section(name, "groups")
            if ch.op == "add":
                sec[gid] = _flow_map(b.groups[gid].model_dump(exclude_defaults=True, exclude_none=True, mode="json"))
            elif ch.op == "remove":
                del sec[gid]
            else:
                if sec.get(gid) is None:
                    sec[gid] = _flow_map({})
                _set(sec[gid], ch.key[1], getattr(b.groups[gid], ch.key[1]))
            docs.dirty.add(name)
        elif ch.what == "resource":
            rid = ch.key if ch.op != "change" else ch.key[0]
            if ch.op == "add":
                res = b.resources[rid]
                name = docs.file_for_account(res.account, a)
                data = resource_data(res)
                if docs.default_account(name) == res.account or (len(a.accounts) == 1 and res.account in a.accounts):
                    data.pop("account", None)
                docs.section(name, "resources")[rid] = _flow_map(data)
            else:
                name = docs.find("resources", rid) or docs.names[0]
                sec = docs.section(name, "resources")
                if ch.op == "remove":
                    del sec[rid]
                else:
                    attr = ch.key[1]
                    res = b.resources[rid]
                    if attr == "label":
                        _set(sec[rid], "label", node_label(rid, res))
                    elif attr == "type":
                        sec[rid] = _flow_map(resource_data(res))
                    elif (res.type, attr) in NESTED_DRAWN:
                        _set_items(sec[rid], attr, a.resources[rid], res, NESTED_DRAWN[(res.type, attr)])
                    else:
                        value = getattr(res, attr)
                        _set(sec[rid], attr, list(value) if isinstance(value, (list, tuple)) else value)
            docs.dirty.add(name)
        elif ch.what == "connection":
            if ch.op in ("remove", "change"):
                old = ch.key[0] if ch.op == "change" else ch.key
                for name in docs.names:
                    seq = docs.docs[name].get("connections")
                    if not isinstance(seq, list):
                        continue
                    for i, raw in enumerate(seq):
                        if _match_conn(raw, old):
                            if ch.op == "remove":
                                del seq[i]
                            else:
                                seq[i] = _flow_map(connection_data(ch.key[1]))
                            docs.dirty.add(name)
                            break
                    else:
                        continue
                    break
            else:
                c: Connection = ch.key
                src = a.resources.get(c.source) or b.resources.get(c.source)
                name = docs.find("resources", c.source) or docs.file_for_account(src.account if src else None, a)
                seq = docs.section(name, "connections", CommentedSeq)
                seq.append(_flow_map(connection_data(c)))
                docs.dirty.add(name)
        elif ch.what == "diagram":
            name = docs.file_with("diagram")
            dm = docs.section(name, "diagram")
            value = getattr(b.diagram, ch.key)
            if value is None or value == {}:
                dm.pop(ch.key, None)
            else:
                dm[ch.key] = CommentedMap(value) if isinstance(value, dict) else value
            docs.dirty.add(name)
    return docs.texts()
