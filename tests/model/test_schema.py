"""The JSON Schema: committed copy is fresh, references are marked, the example conforms."""

from __future__ import annotations

import json

from archc.model.schema import json_schema
from tests.conftest import ROOT


def test_committed_schema_is_fresh() -> None:
    committed = (ROOT / "docs" / "schema.json").read_text(encoding="utf-8")
    assert committed == json_schema(), "docs/schema.json is stale: run `archc schema -o docs/schema.json`"


def test_schema_marks_references_and_forbids_unknown_keys() -> None:
    schema = json.loads(json_schema())
    subnet = schema["$defs"]["Subnet"]
    assert subnet["additionalProperties"] is False
    assert subnet["properties"]["vpc"]["x-archc-ref"] == ["vpc"]
    assert set(schema["properties"]) == {"archc", "name", "defaults", "accounts", "resources", "connections", "groups", "diagram"}
    assert "from" in schema["$defs"]["Connection"]["properties"]


def test_deterministic() -> None:
    assert json_schema() == json_schema()
