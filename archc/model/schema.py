"""The JSON Schema of a model file, for editors (yaml-language-server) and `archc schema`.

pydantic writes the schema of the classes; this module then makes it good in an editor:

- every property and every type has a description (`archc.model.descriptions` fills the gaps);
- a resource is chosen by ``if: {type: X} then: {$ref: X}`` per type instead of OpenAPI's
  ``discriminator`` (which JSON Schema validators ignore), so an unknown key in a resource is
  reported against that type's own properties;
- CIDRs, regions and availability zones get patterns, Lambda runtimes and log retention enums;
- every resource type has a ``defaultSnippets`` entry (yaml-language-server's completion snippets).
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import Field

from archc.model.architecture import Account, Connection, Defaults, DiagramSettings, Group, Parameter
from archc.model.fields import empty_dict, empty_list
from archc.model.resources import Resource, Strict

CIDR_PATTERN = (r"^((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
                r"/(3[0-2]|[12]?[0-9])$")
REGION_PATTERN = r"^(us|eu|ap|sa|ca|me|af|il|mx)(-gov)?-(north|south|east|west|central|northeast|northwest|southeast|southwest)-[1-9]$"
AZ_PATTERN = REGION_PATTERN[:-1] + "[a-z]$"
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)


class ModelFile(Strict):
    """One YAML file of an archc model. A directory of such files is merged into one model."""

    archc: Literal[1] = Field(1, description="model format version")
    name: str | None = Field(None, description="the architecture's name")
    defaults: Defaults = Field(default_factory=Defaults, description="account and region for this file's resources")
    accounts: dict[str, Account] = Field(default_factory=empty_dict, description="account key → AWS account")
    resources: dict[str, Resource] = Field(default_factory=empty_dict, description="resource id → resource")
    connections: list[Connection] = Field(default_factory=empty_list, description="intent edges: from, to, verb, label")
    groups: dict[str, Group] = Field(default_factory=empty_dict, description="presentation groups (diagram subgraphs)")
    diagram: DiagramSettings | None = Field(None, description="how the overview diagram is drawn")
    parameters: dict[str, Parameter] = Field(default_factory=empty_dict, description="CloudFormation parameters the escape hatches and conditions name; build declares each in the stacks that use it")
    conditions: dict[str, dict[str, Any]] = Field(default_factory=empty_dict, description="CloudFormation conditions (Fn::Equals, Fn::And, Fn::Or, Fn::Not over parameters) that escape hatches use (`condition:`, Fn::If)")


def _walk(node: Any) -> Any:
    """Every dict in *node*, depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _patterns(schema: dict[str, Any]) -> None:
    """Patterns for the string types `archc.model.fields` marks by format and example."""
    for node in _walk(schema):
        if node.get("type") != "string":
            continue
        if node.get("format") == "ipv4-cidr":
            node["pattern"] = CIDR_PATTERN
        elif node.get("examples") == ["us-west-2"]:
            node["pattern"] = REGION_PATTERN
        elif node.get("examples") == ["us-west-2a"]:
            node["pattern"] = AZ_PATTERN


def _enums(defs: dict[str, Any]) -> None:
    runtime = defs["LambdaFunction"]["properties"]["runtime"]
    from archc.runtimes import RUNTIMES

    runtime["enum"] = sorted(RUNTIMES)  # retired ones too: the model takes them, lint (ARC142) judges their dates
    retention = defs["LogGroup"]["properties"]["retention_days"]
    retention["anyOf"] = [{"enum": list(LOG_RETENTION_DAYS), "type": "integer"}, {"type": "null"}]


def _descriptions(schema: dict[str, Any], type_of: dict[str, str]) -> None:
    from archc.catalog import TYPES
    from archc.model.descriptions import CLASSES, field_description

    for name, definition in schema["$defs"].items():
        if name in type_of:
            info = TYPES[type_of[name]]
            compiles = ", ".join(info.cfn_types) or "nothing (drawn and checked, not deployed)"
            own = definition.get("description", "")
            own = "" if own.startswith("Fields every resource has") else own
            definition["description"] = f"{info.title} (`{info.type}`). Compiles to {compiles}." + (f" {own}" if own else "")
        elif not definition.get("description"):
            definition["description"] = CLASSES.get(name, "")
        for prop, spec in definition.get("properties", {}).items():
            if prop == "type" and name in type_of and "const" in spec:
                spec["description"] = f"resource type: `{type_of[name]}`"
                continue
            text = field_description(name, prop, spec.get("description"))
            if text:
                spec["description"] = text
    for prop, spec in schema["properties"].items():
        spec.setdefault("description", prop)


def _resource_choice(schema: dict[str, Any]) -> dict[str, str]:
    """Replace pydantic's union of resources (a discriminator or a bare oneOf) by if/then per type.

    Each class's own ``type`` property is the condition: a ``const`` for archc's types, a
    pattern for a type that takes many values. Returns resource class name → union tag.
    """
    from archc.model.reference import resource_example
    from archc.model.resources import RESOURCE_CLASSES

    defs = schema["$defs"]
    branches, names, others = [], [], []
    for tag, cls in sorted(RESOURCE_CLASSES.items()):
        type_schema = defs[cls.__name__]["properties"]["type"]
        condition = {k: v for k, v in type_schema.items() if k in ("const", "pattern", "enum")}
        branches.append({"if": {"properties": {"type": condition}, "required": ["type"]}, "then": {"$ref": f"#/$defs/{cls.__name__}"}})
        if "const" in condition:
            names.append(condition["const"])
        else:
            others.append(condition)
    type_property: dict[str, Any] = {"description": "the resource type; docs/reference/ has one page per type", "enum": names}
    if others:
        type_property = {"description": type_property["description"], "anyOf": [{"enum": names}, *others]}
    schema["properties"]["resources"]["additionalProperties"] = {
        "type": "object",
        "description": "a resource: `type` chooses which fields it has",
        "required": ["type"],
        "properties": {"type": type_property},
        "allOf": branches,
        "defaultSnippets": [{"label": tag, "description": f"a new {tag} resource", "body": resource_example(tag)}
                            for tag in sorted(RESOURCE_CLASSES)],
    }
    return {cls.__name__: tag for tag, cls in RESOURCE_CLASSES.items()}


def json_schema() -> str:
    """The schema as deterministic JSON text (sorted keys, trailing newline)."""
    schema = ModelFile.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://archc.dev/schema/model-1.json"
    schema["title"] = "archc model file"
    type_of = _resource_choice(schema)
    _descriptions(schema, type_of)
    _patterns(schema)
    _enums(schema["$defs"])
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
