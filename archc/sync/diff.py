"""The semantic difference of two architectures, as far as a diagram can show it. Pure: models in,
change records out, in a deterministic order (accounts, groups, resources, connections, diagram;
model order within each)."""

from __future__ import annotations

from typing import Any

from archc.catalog import TYPES
from archc.importers.infer import DRAWN_FIELDS
from archc.mermaid.syntax import canonical_shape
from archc.model.architecture import Architecture, Connection
from archc.model.presentation import node_label
from archc.sync.changes import (
    ACCOUNT_DRAWN,
    GROUP_DRAWN,
    NESTED_DRAWN,
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
    conn_label,
    value_text,
)


def conn_key(c: Connection) -> tuple[Any, ...]:
    """What a diagram shows of an edge: equal keys are the same edge."""
    return (c.source, c.target, c.verb, conn_label(c), c.style.model_dump_json() if c.style else "")


def _shape(res: Any) -> str:
    """The shape as Mermaid draws it: `cyl`, `cylinder` and `[( )]` are one shape, so a diagram
    that writes its name another way (`@{ shape: rounded, label: … }` for a `round` node whose
    label is shape data) changes nothing."""
    name = str(res.shape or TYPES[res.type].shape)
    return canonical_shape(name) or name


def _accounts(a: Architecture, b: Architecture) -> list[Change]:
    out: list[Change] = []
    for key, acct in b.accounts.items():
        if key not in a.accounts:
            out.append(AccountAdded(key, acct))
            continue
        for attr in ACCOUNT_DRAWN:
            before, after = getattr(a.accounts[key], attr), getattr(acct, attr)
            if before != after:
                out.append(AccountChanged(key, attr, before, after, type(acct).model_fields[attr].default))
    out += [AccountRemoved(key) for key in a.accounts if key not in b.accounts]
    return out


def _groups(a: Architecture, b: Architecture) -> list[Change]:
    out: list[Change] = []
    for gid, g in b.groups.items():
        if gid not in a.groups:
            out.append(GroupAdded(gid, g))
            continue
        prev = a.groups[gid]
        if (prev.title or gid) != (g.title or gid):
            out.append(GroupChanged(gid, "title", prev.title, g.title))
        for attr in GROUP_DRAWN:
            if getattr(prev, attr) != getattr(g, attr):
                out.append(GroupChanged(gid, attr, getattr(prev, attr), getattr(g, attr)))
    out += [GroupRemoved(gid) for gid in a.groups if gid not in b.groups]
    return out


def _resource(rid: str, old: Any, new: Any) -> list[Change]:
    if old.type != new.type:
        return [ResourceRetyped(rid, old, new)]
    out: list[Change] = []
    if node_label(rid, old) != node_label(rid, new):
        out.append(ResourceRelabelled(rid, node_label(rid, old), node_label(rid, new)))
    for attr in ("group", "account"):
        before, after = getattr(old, attr), getattr(new, attr)
        if before != after:
            out.append(ResourceFieldChanged(rid, attr, before, after, str(before), str(after)))
    if old.label_kind != new.label_kind:
        out.append(ResourceFieldChanged(rid, "label_kind", old.label_kind, new.label_kind, str(old.label_kind), str(new.label_kind)))
    if _shape(old) != _shape(new):
        out.append(ResourceFieldChanged(rid, "shape", old.shape, new.shape, _shape(old), _shape(new)))
    if list(old.classes) != list(new.classes):
        out.append(ResourceFieldChanged(rid, "classes", list(old.classes), list(new.classes), str(list(old.classes)), str(list(new.classes))))
    for f in DRAWN_FIELDS.get(new.type, ()):
        before, after = getattr(old, f, None), getattr(new, f, None)
        if before != after:
            out.append(ResourceFieldChanged(rid, f, before, after, value_text(before), value_text(after)))
    for (rtype, f), keys in NESTED_DRAWN.items():
        if rtype == new.type:
            change = ResourceItemsChanged(rid, f, keys, old, new)
            if change.items(old) != change.items(new):
                out.append(change)
    return out


def _resources(a: Architecture, b: Architecture) -> list[Change]:
    out: list[Change] = []
    for rid, res in b.resources.items():
        if rid not in a.resources:
            out.append(ResourceAdded(rid, res))
        else:
            out += _resource(rid, a.resources[rid], res)
    out += [ResourceRemoved(rid, res) for rid, res in a.resources.items() if rid not in b.resources]
    return out


def _connections(a: Architecture, b: Architecture) -> list[Change]:
    """Equal edges match first; of what is left, an added and a removed edge between the same two
    nodes are one edge changed in place (its verb, label or style)."""
    left = list(a.connections)
    added: list[Connection] = []
    for c in b.connections:
        k = conn_key(c)
        for i, o in enumerate(left):
            if conn_key(o) == k:
                del left[i]
                break
        else:
            added.append(c)
    out: list[Change] = []
    for c in added:
        pair = next((o for o in left if (o.source, o.target) == (c.source, c.target)), None)
        if pair is not None:
            left.remove(pair)
            out.append(ConnectionChanged(pair, c))
        else:
            src = a.resources.get(c.source) or b.resources.get(c.source)
            out.append(ConnectionAdded(c, src.account if src is not None else None))
    out += [ConnectionRemoved(o) for o in left]
    return out


def _diagram(a: Architecture, b: Architecture) -> list[Change]:
    out: list[Change] = []
    for attr in ("class_defs", "styles", "direction", "title"):
        before, after = getattr(a.diagram, attr), getattr(b.diagram, attr)
        if before != after:
            out.append(DiagramChanged(attr, before, after))
    return out


def diff(a: Architecture, b: Architecture) -> list[Change]:
    """What changes *a* into *b*, as far as a diagram can show it."""
    return _accounts(a, b) + _groups(a, b) + _resources(a, b) + _connections(a, b) + _diagram(a, b)


def diff_text(changes: list[Change]) -> str:
    return "".join(c.text() + "\n" for c in changes)
