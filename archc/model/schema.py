"""The JSON Schema of a model file, for editors (yaml-language-server) and `archc schema`."""

from __future__ import annotations

import json
from typing import Literal

from pydantic import Field

from archc.model.architecture import Account, Connection, Defaults, DiagramSettings, Group
from archc.model.fields import empty_dict, empty_list
from archc.model.resources import Resource, Strict


class ModelFile(Strict):
    """One YAML file of an archc model. A directory of such files is merged into one model."""

    archc: Literal[1] = Field(1, description="model format version")
    name: str | None = Field(None, description="the architecture's name")
    defaults: Defaults = Field(default_factory=Defaults, description="account and region for this file's resources")
    accounts: dict[str, Account] = Field(default_factory=empty_dict)
    resources: dict[str, Resource] = Field(default_factory=empty_dict, description="resource id → resource")
    connections: list[Connection] = Field(default_factory=empty_list, description="intent edges: from, to, verb, label")
    groups: dict[str, Group] = Field(default_factory=empty_dict, description="presentation groups (diagram subgraphs)")
    diagram: DiagramSettings | None = None


def json_schema() -> str:
    """The schema as deterministic JSON text (sorted keys, trailing newline)."""
    schema = ModelFile.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://archc.dev/schema/model-1.json"
    schema["title"] = "archc model file"
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
