"""CloudFormation resource provider schemas, as cfn-lint ships them, and validation of an escape
hatch's ``properties`` against them.

cfn-lint keeps, under ``cfnlint/data/schemas``, one file per region in ``providers/<region>.json``
mapping each resource type to a schema hash, and the schemas as ``resources/<hash>.json`` (with
cfn-lint's own patches applied). They are read as data: no cfnlint module is imported.

Values may be intrinsic functions (``{Ref: …}``, ``{Fn::GetAtt: …}``, ``{Fn::Sub: …}``, …) wherever
a value is expected: the schema cannot say what they resolve to, so they are accepted there.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path as FsPath
from typing import Any

from archc.diagnostics import did_you_mean

DEFAULT_REGION = "us-east-1"
INTRINSICS = frozenset({
    "Ref", "Condition", "Fn::And", "Fn::Base64", "Fn::Cidr", "Fn::Equals", "Fn::FindInMap", "Fn::GetAZs", "Fn::GetAtt",
    "Fn::If", "Fn::ImportValue", "Fn::Join", "Fn::Length", "Fn::Not", "Fn::Or", "Fn::Select", "Fn::Split", "Fn::Sub",
    "Fn::ToJsonString", "Fn::Transform",
})


class SchemaDataMissing(RuntimeError):
    """cfn-lint's schema data is not installed."""


@dataclass(frozen=True, slots=True)
class PropertyProblem:
    """One thing wrong in ``properties``: where (a path inside them) and what."""

    path: tuple[str | int, ...]
    message: str
    help: str | None = None
    at_key: bool = False  # the problem is the key itself (an unknown property), not its value


def is_intrinsic(value: Any) -> bool:
    """``{Ref: x}``, ``{Fn::Sub: …}``…: a one-key mapping whose key is an intrinsic function."""
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)) in INTRINSICS


@cache
def _data_dir() -> FsPath:
    spec = find_spec("cfnlint")  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise SchemaDataMissing("cfn-lint is not installed: archc reads CloudFormation resource schemas from it (pip install cfn-lint)")
    return FsPath(next(iter(spec.submodule_search_locations))) / "data" / "schemas"


@cache
def _provider(region: str) -> dict[str, str]:
    """Resource type → schema hash, for *region* (the default region's list when archc has none for it)."""
    path = _data_dir() / "providers" / f"{region}.json"
    if not path.is_file():
        path = _data_dir() / "providers" / f"{DEFAULT_REGION}.json"
    data: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return data


def known_types(region: str = DEFAULT_REGION) -> list[str]:
    """Every resource type CloudFormation has in *region*, sorted."""
    return sorted(_provider(region))


@cache
def _load(digest: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((_data_dir() / "resources" / f"{digest}.json").read_text(encoding="utf-8"))
    return data


def schema(cfn_type: str, region: str = DEFAULT_REGION) -> dict[str, Any] | None:
    """The resource provider schema of *cfn_type* in *region*, or None when the region has no such type."""
    digest = _provider(region).get(cfn_type)
    return _load(digest) if digest else None


def type_problem(cfn_type: str, region: str = DEFAULT_REGION) -> str | None:
    """Why *cfn_type* is not a resource type of *region*, or None when it is (``Custom::`` types always are)."""
    if cfn_type.startswith("Custom::") or cfn_type in _provider(region):
        return None
    if cfn_type in _provider(DEFAULT_REGION):
        return f"{cfn_type} is not available in {region}"
    return f"unknown CloudFormation resource type {cfn_type}{did_you_mean(cfn_type, _provider(region))}"


def attributes(cfn_type: str, region: str = DEFAULT_REGION) -> list[str]:
    """The ``Fn::GetAtt`` attributes of *cfn_type* (its read-only properties), e.g. ``["Arn"]``."""
    s = schema(cfn_type, region) or {}
    return [p.removeprefix("/properties/").replace("/", ".") for p in s.get("readOnlyProperties", [])]


def property_names(cfn_type: str, region: str = DEFAULT_REGION) -> list[str]:
    """The top-level property names *cfn_type* accepts."""
    return sorted((schema(cfn_type, region) or {}).get("properties", {}))


# --- validation --------------------------------------------------------------------------------


@cache
def _validator_class() -> Any:
    import jsonschema  # heavy: only when a model has escape-hatch resources

    def pattern(validator: Any, patrn: str, instance: Any, _schema: Any) -> Iterator[Any]:
        if not validator.is_type(instance, "string"):
            return
        try:
            found = re.search(patrn, instance)
        except re.error:  # a pattern Python's re cannot read (an ECMA-only construct): not ours to judge
            return
        if not found:
            yield jsonschema.ValidationError(f"{instance!r} does not match {patrn!r}")

    draft7_type = jsonschema.Draft7Validator.VALIDATORS["type"]

    def type_(validator: Any, types: Any, instance: Any, schema_: Any) -> Iterator[Any]:
        # CloudFormation reads "5" as a number and "true" as a boolean (cfn-lint accepts them too)
        wanted = [types] if isinstance(types, str) else list(types)
        if isinstance(instance, str) and (
                ({"integer", "number"} & set(wanted) and re.fullmatch(r"-?\d+(\.\d+)?", instance))
                or ("boolean" in wanted and instance.lower() in ("true", "false"))):
            return
        yield from draft7_type(validator, types, instance, schema_)

    return jsonschema.validators.extend(jsonschema.Draft7Validator, {"pattern": pattern, "type": type_})


@cache
def _validator(cfn_type: str, region: str) -> Any:
    s = schema(cfn_type, region)
    if s is None:
        return None
    body = {k: v for k, v in s.items() if k in ("properties", "required", "additionalProperties", "definitions",
                                                    "patternProperties", "dependencies", "allOf", "anyOf", "oneOf")}
    body["type"] = "object"
    return _validator_class()(body)


def _inside_intrinsic(instance: Any, path: tuple[Any, ...]) -> bool:
    """Whether *path* (into *instance*) is, or goes through, an intrinsic function."""
    value = instance
    for step in path:
        if is_intrinsic(value):
            return True
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            return False
    return is_intrinsic(value)


def _holds(error: Any, root: Any) -> bool:
    """Whether *error* stands once intrinsic functions are accepted where a value is expected."""
    if _inside_intrinsic(root, tuple(error.absolute_path)):
        return False
    if error.validator in ("anyOf", "oneOf") and error.context:
        branches: dict[Any, list[Any]] = {}
        for sub in error.context:
            branches.setdefault(sub.schema_path[0] if sub.schema_path else None, []).append(sub)
        # a branch whose every failure is an intrinsic function would have passed
        if any(not any(_holds(sub, root) for sub in subs) for subs in branches.values()):
            return False
        if len(branches) < len(error.schema[error.validator]):  # some branch had no failures at all
            return False
    return True


def _leaf(error: Any, root: Any) -> Any:
    """The most telling standing error under a composite one (jsonschema's best match among them)."""
    if error.validator in ("anyOf", "oneOf") and error.context:
        import jsonschema

        standing = [sub for sub in error.context if _holds(sub, root)]
        if standing:
            best = jsonschema.exceptions.best_match(standing)
            if best is not None and len(best.absolute_path) > len(error.absolute_path):
                return _leaf(best, root)
    return error


def validate(cfn_type: str, properties: dict[str, Any], region: str = DEFAULT_REGION) -> list[PropertyProblem]:
    """What is wrong with *properties* for *cfn_type*: required and unknown properties, types, enums,
    patterns, lengths — each at the key it concerns, sorted by path. An unknown type is one problem
    at ``()``; ``Custom::`` types have no schema and always pass."""
    if cfn_type.startswith("Custom::"):
        return []
    why = type_problem(cfn_type, region)
    if why:
        return [PropertyProblem((), why, "use a type from the CloudFormation resource reference, e.g. AWS::Glue::Job")]
    validator = _validator(cfn_type, region)
    out: list[PropertyProblem] = []
    for error in validator.iter_errors(properties):
        if not _holds(error, properties):
            continue
        out.extend(_problems(_leaf(error, properties), properties))
    return sorted(set(out), key=lambda p: ([str(x) for x in p.path], p.message))


def _where(path: tuple[Any, ...]) -> str:
    return ".".join(["properties", *(str(p) for p in path)])


def _problems(error: Any, root: Any) -> list[PropertyProblem]:
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = set(error.schema.get("properties", {}))
        patterns = list(error.schema.get("patternProperties", {}))
        extra = [k for k in error.instance if k not in known and not any(re.search(p, k) for p in patterns)]
        return [PropertyProblem((*path, k), f"{_where((*path, k))}: unknown property{did_you_mean(k, known)}",
                                f"{_where(path)} takes: {', '.join(sorted(known))}" if known else None, at_key=True) for k in extra]
    if error.validator == "required":
        missing = re.match(r"'([^']+)'", error.message)
        name = missing.group(1) if missing else "?"
        return [PropertyProblem(path, f"{_where(path)}: missing required property {name}",
                                f"add {name} under {_where(path)}")]
    return [PropertyProblem(path, f"{_where(path)}: {error.message}", _help(error))]


def _help(error: Any) -> str | None:
    if error.validator == "enum":
        return "use one of: " + ", ".join(json.dumps(v) for v in error.validator_value)
    if error.validator == "type":
        return "an intrinsic function ({Ref: id}, {Fn::GetAtt: [id, Attr]}, {Fn::Sub: …}) is accepted where a value is expected"
    return None
