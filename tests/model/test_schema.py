"""The JSON Schema: committed copy is fresh, references are marked, the example conforms."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from archc.model import schema as schema_module
from archc.model.fields import AZ_PATTERN, REGION_PATTERN
from archc.model.resources import RESOURCE_CLASSES
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
    assert set(schema["properties"]) == {"archc", "name", "defaults", "accounts", "resources", "connections", "groups", "diagram", "parameters", "conditions"}
    assert "from" in schema["$defs"]["Connection"]["properties"]


def test_deterministic() -> None:
    assert json_schema() == json_schema()


# --- what an editor gets ------------------------------------------------------------------------

SCHEMA = json.loads(json_schema())


def validator() -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    return jsonschema.Draft202012Validator(SCHEMA, format_checker=None)


def errors_for(document: Any) -> list[tuple[str, str]]:
    """(path, message) of the most precise errors, as an editor shows them."""
    jsonschema = pytest.importorskip("jsonschema")
    out = []
    for err in validator().iter_errors(document):
        best = jsonschema.exceptions.best_match([err])
        out.append(("/".join(str(p) for p in best.absolute_path), best.message))
    return sorted(out)


def test_every_property_and_type_has_a_description() -> None:
    missing = [name for name, d in SCHEMA["$defs"].items() if not d.get("description")]
    missing += [f"{name}.{prop}" for name, d in SCHEMA["$defs"].items() for prop, spec in d.get("properties", {}).items()
                if not spec.get("description")]
    missing += [prop for prop, spec in SCHEMA["properties"].items() if not spec.get("description")]
    assert missing == [], "describe them in archc/model/descriptions.py (or with Field(description=...))"


def test_resources_are_chosen_by_if_then_not_a_discriminator() -> None:
    resource = SCHEMA["properties"]["resources"]["additionalProperties"]
    assert "discriminator" not in json.dumps(SCHEMA) and "oneOf" not in json.dumps(resource)
    type_property = resource["properties"]["type"]
    enum = type_property["enum"] if "enum" in type_property else type_property["anyOf"][0]["enum"]
    assert "subnet" in enum and enum == sorted(enum)
    assert len(resource["allOf"]) == len(RESOURCE_CLASSES)
    refs = {b["then"]["$ref"] for b in resource["allOf"]}
    assert refs == {f"#/$defs/{cls.__name__}" for cls in RESOURCE_CLASSES.values()}
    subnet = [b for b in resource["allOf"] if b["if"]["properties"]["type"].get("const") == "subnet"]
    assert subnet[0]["then"]["$ref"] == "#/$defs/Subnet"


def test_every_type_has_a_snippet_that_the_schema_and_the_model_accept() -> None:
    snippets = SCHEMA["properties"]["resources"]["additionalProperties"]["defaultSnippets"]
    assert [s["label"] for s in snippets] == sorted(RESOURCE_CLASSES)
    for snippet in snippets:
        assert errors_for({"resources": {"x": snippet["body"]}}) == [], snippet["label"]
        RESOURCE_CLASSES[snippet["label"]].model_validate(snippet["body"])
        assert errors_for({"resources": {"x": {**snippet["body"], "no_such_field": 1}}}) != [], snippet["label"]


def test_example_files_and_init_templates_validate() -> None:
    files = sorted((ROOT / "examples").rglob("*.yaml")) + sorted((ROOT / "archc" / "templates" / "init").glob("*.yaml"))
    assert len(files) >= 7
    for path in files:
        text = path.read_text(encoding="utf-8").replace("{{name}}", "shop").replace("{{dir}}", "architecture")
        assert errors_for(yaml.safe_load(text)) == [], path


def test_an_unknown_key_in_a_resource_is_named_precisely() -> None:
    errors = errors_for({"resources": {"s1": {"type": "subnet", "vpc": "v", "cidr": "10.0.0.0/24", "az": "us-west-2a", "tier": "private",
                                              "default_rout": "nat"}}})
    assert errors == [("resources/s1", "Additional properties are not allowed ('default_rout' was unexpected)")]
    assert errors_for({"resources": {"s2": {"type": "subnett"}}})[0][0] == "resources/s2/type"


@pytest.mark.parametrize(("value", "kind", "ok"), [
    ("10.0.0.0/16", "cidr", True), ("10.0.0.0/33", "cidr", False), ("256.0.0.0/8", "cidr", False), ("10.0.0/16", "cidr", False),
    ("us-west-2", "region", True), ("eu-central-1", "region", True), ("us-west", "region", False), ("mars-west-1", "region", False),
    ("us-west-2a", "az", True), ("us-west-2", "az", False), ("us-west-2aa", "az", False),
])
def test_patterns_agree_with_the_model(value: str, kind: str, ok: bool) -> None:
    pattern = {"cidr": schema_module.CIDR_PATTERN, "region": schema_module.REGION_PATTERN, "az": schema_module.AZ_PATTERN}[kind]
    assert bool(re.match(pattern, value)) is ok
    if kind == "region":
        assert bool(REGION_PATTERN.match(value)) is ok
    if kind == "az":
        assert bool(AZ_PATTERN.match(value)) is ok and (not ok or bool(REGION_PATTERN.match(value[:-1])))
    subnet = SCHEMA["$defs"]["Subnet"]["properties"]
    assert subnet["cidr"]["pattern"] == schema_module.CIDR_PATTERN and subnet["az"]["pattern"] == schema_module.AZ_PATTERN


def test_enums_for_runtimes_and_log_retention() -> None:
    assert "python3.12" in SCHEMA["$defs"]["LambdaFunction"]["properties"]["runtime"]["enum"]
    assert errors_for({"resources": {"l": {"type": "log_group", "retention_days": 31}}})[0][0] == "resources/l/retention_days"
    assert errors_for({"resources": {"l": {"type": "log_group", "retention_days": 30}}}) == []


def test_every_example_file_carries_the_modeline() -> None:
    for path in sorted((ROOT / "examples").rglob("*.yaml")):
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        relative = Path("../" * (len(path.relative_to(ROOT).parts) - 1)) / "docs" / "schema.json"
        assert first == f"# yaml-language-server: $schema={relative.as_posix()}", path
