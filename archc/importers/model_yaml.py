"""An `Architecture` as the text of a new model file (what `archc import` writes).

Deterministic: keys in the model's own order, defaults left out, one connection per line.
"""

from __future__ import annotations

import json
import re
from typing import Any

from archc.model.architecture import Account, Architecture, Connection


def connection_data(conn: Connection) -> dict[str, Any]:
    return conn.model_dump(by_alias=True, exclude_defaults=True, exclude_none=True, mode="json")


def resource_data(res: Any) -> dict[str, Any]:
    data: dict[str, Any] = res.model_dump(exclude_defaults=True, exclude_none=True, mode="json")
    return {"type": res.type, **{k: v for k, v in data.items() if k != "type"}}


def account_data(acct: Account) -> dict[str, Any]:
    """An account's fields; a missing id is written `id: null`, so the file shows what to fill in."""
    data: dict[str, Any] = acct.model_dump(exclude_defaults=True, exclude_none=True, mode="json")
    return data if acct.id is not None else {"id": None, **data}


def model_document(arch: Architecture) -> dict[str, Any]:
    """The file's data: top-level sections in a fixed order, defaults left out."""
    doc: dict[str, Any] = {"archc": 1, "name": arch.name}
    doc["accounts"] = {k: account_data(a) for k, a in arch.accounts.items()}
    if arch.parameters:
        doc["parameters"] = {k: p.model_dump(exclude_defaults=True, exclude_none=True, mode="json") for k, p in arch.parameters.items()}
    if arch.conditions:
        doc["conditions"] = dict(arch.conditions)
    if arch.groups:
        doc["groups"] = {k: g.model_dump(exclude_defaults=True, exclude_none=True, mode="json") for k, g in arch.groups.items()}
    diagram = arch.diagram.model_dump(exclude_defaults=True, exclude_none=True, mode="json")
    if diagram:
        doc["diagram"] = diagram
    doc["resources"] = {rid: resource_data(res) for rid, res in arch.resources.items()}
    if arch.connections:
        doc["connections"] = [connection_data(c) for c in arch.connections]
    return doc


# YAML 1.1 and 1.2 words that a plain scalar must not be, so every reader sees a string
_RESERVED = {w for base in ("true", "false", "null", "yes", "no", "on", "off", "y", "n", "~") for w in (base, base.title(), base.upper())}
_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_./-]*$")


def scalar(value: Any) -> str:
    """One scalar as YAML text: plain when that reads back as the same string, else JSON-quoted
    (a JSON string is a valid YAML double-quoted scalar)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if _PLAIN.match(text) and text not in _RESERVED:
        return text
    return json.dumps(text, ensure_ascii=False)


# libyaml (and PyYAML) read a plain `key:` only when the key is at most 1024 characters long;
# a longer key is written in the explicit `? key` form, which has no such limit
_SIMPLE_KEY_MAX = 1000


def _flow_entry(key: Any, value: Any) -> str:
    text = scalar(key)
    return f"? {text}: {flow(value)}" if len(text) > _SIMPLE_KEY_MAX else f"{text}: {flow(value)}"


def block_entry(indent: str, key: Any, value: str) -> list[str]:
    """One `key: value` line of a block mapping (two lines, `? key` / `: value`, for a long key)."""
    text = scalar(key)
    if len(text) > _SIMPLE_KEY_MAX:
        return [f"{indent}? {text}", f"{indent}: {value}"]
    return [f"{indent}{text}: {value}"]


def flow(value: Any) -> str:
    """A value in YAML flow style, on one line."""
    if isinstance(value, dict):
        return "{" + ", ".join(_flow_entry(k, v) for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value)


# sections whose entries are written one per line in flow style
_ONE_LINE_ENTRIES = {"accounts", "groups", "resources", "parameters", "conditions"}


def model_yaml(arch: Architecture, header: str | None = None, comments: dict[str, list[str]] | None = None) -> str:
    """YAML text of a model file holding all of *arch*: one resource, account, group and
    connection per line. Written directly (not through a YAML library's emitter): it is the
    hot path of importing a large diagram, and the shape is fixed. *comments* (resource id →
    lines) are written as YAML comments above the resource."""
    out: list[str] = [f"# {line}".rstrip() for line in (header or "").splitlines()]
    for key, value in model_document(arch).items():
        if key in _ONE_LINE_ENTRIES:
            out.append(f"{key}:" if value else f"{key}: {{}}")
            for k, v in value.items():
                if key == "resources" and comments and k in comments:
                    out.extend(f"  # {' '.join(line.split())}" for line in comments[k])
                out.extend(block_entry("  ", k, flow(v)))
        elif key == "connections":
            out.append("connections:")
            out.extend(f"  - {flow(c)}" for c in value)
        elif key == "diagram":
            out.append("diagram:")
            for k, v in value.items():
                if isinstance(v, dict) and k != "account_ids" and v:
                    out.append(f"  {k}:")
                    out.extend(line for kk, vv in v.items() for line in block_entry("    ", kk, flow(vv)))
                else:
                    out.append(f"  {k}: {flow(v)}")
        else:
            out.append(f"{key}: {flow(value)}")
    return "\n".join(out) + "\n"
