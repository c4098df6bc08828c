"""Generate ``docs/reference/`` from the model classes and the catalogue: one page per resource type.

    python -m archc.model.reference           # rewrite docs/reference/
    python -m archc.model.reference --check   # exit 1 when docs/reference/ is stale

Each page lists every field (its type, default, whether build needs it, its description), what
the type compiles to (the catalogue's CloudFormation types), the connections it takes part in,
and an example synthesised from the fields (the tests validate every example against its class).
"""

from __future__ import annotations

import os
import sys
import types
import typing
from typing import Any, Literal, get_args, get_origin

from pydantic import AfterValidator, BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from archc.catalog import TYPES, VERBS
from archc.model import fields as F
from archc.model.architecture import EDGE_ID_PATTERN, Connection
from archc.model.descriptions import CLASSES, field_description
from archc.model.resources import RESOURCE_CLASSES, LintSettings, ResourceBase

COMMAND = "python -m archc.model.reference"
DEFAULT_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "docs", "reference")
BASE_FIELDS = set(ResourceBase.model_fields)
GENERATED = f"<!-- Generated from the model classes and the catalogue by `{COMMAND}`; do not edit by hand. -->"

# Example values for plain strings, by field name; anything else is "example".
STRING_EXAMPLES = {"domain": "example.com", "engine_version": "16", "namespace": "MyApp/Production", "name": "www.example.com",
                   "runtime": "python3.12", "handler": "app.handler", "alias": "alias/my-app/data", "identity": "example.com"}
# `type:` values for members whose type is a pattern, not a word.
TYPE_EXAMPLES = {"cloudformation": "AWS::Glue::Job"}
# Fields a validator needs together, which the field list alone cannot tell.
EXAMPLE_EXTRAS: dict[str, dict[str, Any]] = {
    "load_balancer": {"listeners": [{"port": 443, "protocol": "HTTPS", "certificate": "my_certificate", "target_group": "my_target_group"}]},
    "log_group": {"retention_days": 30},
    "lambda_function": {"architecture": "arm64"},
    "ecs_task_definition": {"vcpu": 0.5, "memory_gib": 1},
    "eventbridge_rule": {"event_pattern": {"source": ["my.app"], "detail-type": ["OrderPlaced"]}},
    "eventbridge_schedule": {"expression": "rate(1 hour)"},
}


# --- types as words --------------------------------------------------------------------------


def _validator_names(metadata: list[Any]) -> set[str]:
    return {m.func.__name__ for m in metadata if isinstance(m, AfterValidator)}


def _ref_kinds(metadata: list[Any]) -> tuple[str, ...] | None:
    for m in metadata:
        if isinstance(m, F.RefTo):
            return m.kinds
    return None


def _pattern(metadata: list[Any]) -> str | None:
    for m in metadata:
        pattern = getattr(m, "pattern", None)
        if isinstance(pattern, str):
            return pattern
    return None


def _bounds(metadata: list[Any]) -> str:
    parts = {}
    for m in metadata:
        for attr, sign in (("ge", "≥"), ("gt", ">"), ("le", "≤"), ("lt", "<")):
            value = getattr(m, attr, None)
            if value is not None:
                parts[sign] = value
    if "≥" in parts and "≤" in parts:
        return f" {parts['≥']:g}–{parts['≤']:g}"
    return "".join(f" {sign} {value:g}" for sign, value in parts.items())


def _split(annotation: Any, metadata: list[Any]) -> tuple[Any, list[Any]]:
    """*annotation* without ``Annotated`` and ``| None``, and all the metadata found on the way."""
    metadata = list(metadata)
    while True:
        if get_origin(annotation) is typing.Annotated:
            base, *extra = get_args(annotation)
            annotation, metadata = base, metadata + list(extra)
        elif get_origin(annotation) in (typing.Union, types.UnionType):
            rest = [a for a in get_args(annotation) if a is not type(None)]
            if len(rest) != 1:
                return annotation, metadata
            annotation = rest[0]
        else:
            return annotation, metadata


def type_words(annotation: Any, metadata: list[Any] | None = None) -> str:
    """A field's type in words: ``id of a vpc``, ``list of id of a subnet``, ``IPv4 CIDR``, …"""
    annotation, metadata = _split(annotation, metadata or [])
    kinds = _ref_kinds(metadata)
    if kinds is not None:
        return "id of " + (" or ".join(f"a `{k}`" for k in kinds) if kinds else "any resource")
    validators = _validator_names(metadata)
    if "_cidr" in validators:
        return "IPv4 CIDR, e.g. `10.0.0.0/16`"
    if "_region" in validators:
        return "AWS region, e.g. `us-west-2`"
    if "_az" in validators:
        return "availability zone, e.g. `us-west-2a`"
    pattern = _pattern(metadata)
    if pattern == r"^[0-9]{12}$":
        return "12-digit account id (a string)"
    if pattern == F.ID_PATTERN:
        return "account key"
    if pattern == EDGE_ID_PATTERN:
        return "Mermaid edge id (a word; `-` or `.` between words)"
    origin = get_origin(annotation)
    if origin is Literal:
        return "one of " + ", ".join(f"`{v}`" for v in get_args(annotation))
    if origin is list:
        return f"list of {type_words(get_args(annotation)[0])}"
    if origin is dict:
        key, value = get_args(annotation)
        return f"mapping of {type_words(key)} → {type_words(value)}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[`{annotation.__name__}`](#{annotation.__name__.lower()})"
    if annotation is Any:
        return "any value"
    words = {str: "string", int: "integer", float: "number", bool: "boolean"}.get(annotation, getattr(annotation, "__name__", str(annotation)))
    return words + _bounds(metadata)


def _nested_models(annotation: Any) -> list[type[BaseModel]]:
    annotation, _ = _split(annotation, [])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _nested_models(arg)]


# --- defaults and examples -------------------------------------------------------------------


def needed_to_build(info: FieldInfo) -> bool:
    extra = info.json_schema_extra
    return isinstance(extra, dict) and bool(extra.get(F.NEEDED_TO_BUILD))


def default_words(info: FieldInfo) -> str:
    if needed_to_build(info):
        return "needed to build"
    if info.default is PydanticUndefined and info.default_factory is None:
        return "**required**"
    value = info.default_factory() if info.default_factory is not None else info.default  # type: ignore[call-arg]
    if isinstance(value, BaseModel):
        return "its defaults"
    if value is None:
        return "none"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if value in ([], {}):
        return "empty"
    return f"`{value}`"


def example_value(name: str, annotation: Any, metadata: list[Any]) -> Any:
    """A plausible value for a field, from its type."""
    annotation, metadata = _split(annotation, metadata)
    kinds = _ref_kinds(metadata)
    if kinds is not None:
        return f"my_{kinds[0]}" if kinds else "my_resource"
    validators = _validator_names(metadata)
    if "_cidr" in validators:
        return "10.0.0.0/16"
    if "_region" in validators:
        return "us-west-2"
    if "_az" in validators:
        return "us-west-2a"
    origin = get_origin(annotation)
    if origin is Literal:
        return get_args(annotation)[0]
    if origin is list:
        item = get_args(annotation)[0]
        first = example_value(name, item, [])
        if isinstance(first, str) and first.startswith("my_"):
            return [f"{first}_a", f"{first}_b"]
        return [first]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return example_object(annotation)
    if annotation is bool:
        return True
    if annotation in (int, float):
        for m in metadata:
            for attr in ("ge", "gt"):
                value = getattr(m, attr, None)
                if value is not None:
                    return max(1, value + (1 if attr == "gt" else 0))
        return 1
    return STRING_EXAMPLES.get(name, "example")


def example_object(cls: type[BaseModel], extras: dict[str, Any] | None = None) -> dict[str, Any]:
    """The fields a *cls* needs (to validate, and to build), with example values."""
    out: dict[str, Any] = {}
    for name, info in cls.model_fields.items():
        if name in BASE_FIELDS and cls is not ResourceBase and issubclass(cls, ResourceBase):
            continue
        required = info.default is PydanticUndefined and info.default_factory is None
        if required or needed_to_build(info):
            out[info.alias or name] = example_value(name, info.annotation, list(info.metadata))
    out.update(extras or {})
    return out


def type_value(rtype: str) -> str:
    """What a model writes as ``type:`` for the union member *rtype*: the tag itself, or for a
    member whose ``type`` is not a single word (the CloudFormation escape hatch) an example."""
    annotation, _ = _split(RESOURCE_CLASSES[rtype].model_fields["type"].annotation, [])
    return rtype if get_origin(annotation) is Literal else TYPE_EXAMPLES.get(rtype, rtype)


def resource_example(rtype: str) -> dict[str, Any]:
    cls = RESOURCE_CLASSES[rtype]
    body = example_object(cls, EXAMPLE_EXTRAS.get(rtype))
    return {"type": type_value(rtype), **{k: v for k, v in body.items() if k != "type"}}


def _yaml_scalar(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return f"{value:g}"
    text = str(value)
    if text in ("true", "false", "null", "yes", "no") or text[:1] in "*&!|>'\"%@`{[" or ": " in text or text.replace(".", "").isdigit():
        return '"' + text.replace('"', '\\"') + '"'
    return text


def _yaml_flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_yaml_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_yaml_flow(v) for v in value) + "]"
    return _yaml_scalar(value)


def example_yaml(rtype: str) -> str:
    """The example as it sits in a model file, under ``resources:``."""
    lines = ["resources:", f"  my_{rtype}:"]
    for key, value in resource_example(rtype).items():
        lines.append(f"    {key}: {_yaml_flow(value)}")
    return "\n".join(lines) + "\n"


# --- pages -----------------------------------------------------------------------------------


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def field_table(cls: type[BaseModel], skip: set[str] | None = None) -> list[str]:
    rows = ["| Field | Type | Default | Description |", "| --- | --- | --- | --- |"]
    for name, info in cls.model_fields.items():
        if skip and name in skip:
            continue
        text = field_description(cls.__name__, info.alias or name, info.description)
        rows.append(f"| `{info.alias or name}` | {_cell(type_words(info.annotation, list(info.metadata)))} | {default_words(info)} "
                    f"| {_cell(text)} |")
    return rows


def _nested_sections(cls: type[BaseModel], seen: set[type[BaseModel]], skip: set[str] | None = None) -> list[str]:
    out: list[str] = []
    for name, info in cls.model_fields.items():
        if skip and name in skip:
            continue
        for nested in _nested_models(info.annotation):
            if nested in seen:
                continue
            seen.add(nested)
            doc = (nested.__dict__.get("__doc__") or CLASSES.get(nested.__name__, "")).strip().split("\n")[0]
            out += ["", f"### {nested.__name__}", ""]
            if doc:
                out += [doc, ""]
            out += field_table(nested)
            out += _nested_sections(nested, seen)
    return out


def _verbs(rtype: str) -> tuple[list[str], list[str]]:
    into = [v for v, info in VERBS.items() if rtype in info.targets]
    out = [v for v, info in VERBS.items() if rtype in info.sources]
    return into, out


def type_page(rtype: str) -> str:
    cls = RESOURCE_CLASSES[rtype]
    info = TYPES[rtype]
    lines = [GENERATED, "", f"# `{rtype}`: {info.title}", ""]
    doc = (cls.__dict__.get("__doc__") or "").strip()
    if doc:
        lines += [doc.split("\n\n")[0].replace("\n", " "), ""]
    cfn = ", ".join(f"`{t}`" for t in info.cfn_types) or (
        "the CloudFormation type written as its `type`" if type_value(rtype) != rtype else "nothing: it is drawn and checked, not deployed")
    lines += [f"- **Compiles to:** {cfn}", f"- **Category:** {info.category}"]
    traits = [word for flag, word in ((info.compute, "runs code (needs logs and alarms)"), (info.data_store, "holds data (encryption, no exposure)"),
                                      (info.entry_point, "may receive traffic from outside"), (not info.account_scoped, "lives outside AWS accounts"))
              if flag]
    if traits:
        lines.append(f"- **Rules treat it as:** {'; '.join(traits)}")
    into, out = _verbs(rtype)
    if into:
        lines.append("- **Connections to it:** " + ", ".join(f"`{v}`" for v in into))
    if out:
        lines.append("- **Connections from it:** " + ", ".join(f"`{v}`" for v in out))
    lines += ["", "## Example", "", "```yaml", example_yaml(rtype).rstrip("\n"), "```", "",
              "## Fields", "", f"Besides `type: {type_value(rtype)}` and the [fields every resource has](README.md#fields-every-resource-has):", ""]
    lines += field_table(cls, skip=BASE_FIELDS | {"type"})
    lines += _nested_sections(cls, set(), skip=BASE_FIELDS)
    return "\n".join(lines).rstrip() + "\n"


def index_page() -> str:
    lines = [GENERATED, "", "# Resource types", "",
             "Every resource in a model is `id: {type: TYPE, ...fields}` under `resources:`. This reference is generated",
             "from the model classes; `archc schema` gives the same as a JSON Schema for editors, and `archc init`",
             "writes complete, commented models to start from.", "",
             "| Type | What | Category | Compiles to |", "| --- | --- | --- | --- |"]
    for rtype in sorted(RESOURCE_CLASSES):
        info = TYPES[rtype]
        cfn = ", ".join(f"`{t}`" for t in info.cfn_types) or ("its `type`" if type_value(rtype) != rtype else "—")
        lines.append(f"| [`{rtype}`]({rtype}.md) | {info.title} | {info.category} | {cfn} |")
    lines += ["", "## Fields every resource has", ""]
    lines += field_table(ResourceBase)
    lines += _nested_sections(ResourceBase, set())
    lines += ["", "## Connections", "", "`connections:` is a list of intents: `from` does `verb` to `to`.", ""]
    lines += field_table(Connection)
    lines += _nested_sections(Connection, {LintSettings})  # EdgeStyle (LintSettings is above)
    lines += ["", "| Verb | Kind | From | To |", "| --- | --- | --- | --- |"]
    for verb, vinfo in VERBS.items():
        sources = ", ".join(f"`{s}`" for s in vinfo.sources) or "any"
        targets = ", ".join(f"`{t}`" for t in vinfo.targets) or "any"
        lines.append(f"| `{verb}` | {vinfo.kind} | {sources} | {targets} |")
    return "\n".join(lines).rstrip() + "\n"


def generate() -> dict[str, str]:
    """File name → text, for every file of ``docs/reference/``."""
    pages = {f"{rtype}.md": type_page(rtype) for rtype in sorted(RESOURCE_CLASSES)}
    pages["README.md"] = index_page()
    return pages


def stale(directory: str) -> list[str]:
    """The files of *directory* that differ from what `generate` makes (missing, changed or extra)."""
    pages = generate()
    present = set(os.listdir(directory)) if os.path.isdir(directory) else set()
    out = sorted(name for name in present - set(pages) if name.endswith(".md"))
    for name, text in sorted(pages.items()):
        try:
            with open(os.path.join(directory, name), encoding="utf-8") as fh:
                if fh.read() == text:
                    continue
        except OSError:
            pass
        out.append(name)
    return sorted(out)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    check = "--check" in args
    paths = [a for a in args if a != "--check"]
    directory = paths[0] if paths else DEFAULT_DIR
    if check:
        bad = stale(directory)
        if bad:
            print(f"{directory} is stale ({', '.join(bad)}): run `{COMMAND}`", file=sys.stderr)
            return 1
        print(f"{directory} is up to date")
        return 0
    from archc.files import write_atomic

    pages = generate()
    for name in sorted(set(os.listdir(directory)) - set(pages)) if os.path.isdir(directory) else []:
        if name.endswith(".md"):
            os.unlink(os.path.join(directory, name))
    for name, text in sorted(pages.items()):
        write_atomic(os.path.join(directory, name), text)
    print(f"wrote {len(pages)} files to {directory}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
