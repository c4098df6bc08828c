"""An `Architecture` as the text of a new model file (what `archc import` writes).

Deterministic: keys in the model's own order, defaults left out, one connection per line.
"""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from archc.model.architecture import Account, Architecture, Connection


def _flow(data: dict[str, Any]) -> CommentedMap:
    m = CommentedMap(data)
    m.fa.set_flow_style()
    for k, v in data.items():
        if isinstance(v, dict):
            m[k] = _flow(v)
        elif isinstance(v, list):
            seq = CommentedSeq(v)
            seq.fa.set_flow_style()
            m[k] = seq
    return m


def connection_data(conn: Connection) -> dict[str, Any]:
    return conn.model_dump(by_alias=True, exclude_defaults=True, exclude_none=True, mode="json")


def resource_data(res: Any) -> dict[str, Any]:
    data: dict[str, Any] = res.model_dump(exclude_defaults=True, exclude_none=True, mode="json")
    return {"type": res.type, **{k: v for k, v in data.items() if k != "type"}}


def account_data(acct: Account) -> dict[str, Any]:
    """An account's fields; a missing id is written `id: null`, so the file shows what to fill in."""
    data: dict[str, Any] = acct.model_dump(exclude_defaults=True, exclude_none=True, mode="json")
    return data if acct.id is not None else {"id": None, **data}


def model_document(arch: Architecture, header: str | None = None) -> CommentedMap:
    doc = CommentedMap()
    doc["archc"] = 1
    doc["name"] = arch.name
    doc["accounts"] = CommentedMap((k, _flow(account_data(a))) for k, a in arch.accounts.items())
    if arch.groups:
        doc["groups"] = CommentedMap(
            (k, _flow(g.model_dump(exclude_defaults=True, exclude_none=True, mode="json"))) for k, g in arch.groups.items()
        )
    diagram = arch.diagram.model_dump(exclude_defaults=True, exclude_none=True, mode="json")
    if diagram:
        dm = CommentedMap()
        for k, v in diagram.items():
            dm[k] = _flow(v) if isinstance(v, dict) and k == "account_ids" else v
        doc["diagram"] = dm
    doc["resources"] = CommentedMap((rid, _flow(resource_data(res))) for rid, res in arch.resources.items())
    if arch.connections:
        doc["connections"] = CommentedSeq(_flow(connection_data(c)) for c in arch.connections)
    if header:
        doc.yaml_set_start_comment(header)
    return doc


def yaml_writer() -> YAML:
    y = YAML()
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    y.preserve_quotes = True
    return y


def dump(doc: Any) -> str:
    buf = io.StringIO()
    yaml_writer().dump(doc, buf)
    return buf.getvalue()


def model_yaml(arch: Architecture, header: str | None = None) -> str:
    """YAML text of a model file holding all of *arch*."""
    return dump(model_document(arch, header))
