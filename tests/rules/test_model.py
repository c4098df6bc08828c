"""Model rules firing on broken copies of the Sagebrush example."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from archc.rules.model import fitting_verbs
from tests.rules.support import both, connection_count, connection_index, lint, load_example, resource, set_field, summary

NEW = connection_count()


def _retype_connection(source: str, target: str, verb: str) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        for doc in data.values():
            for conn in doc.get("connections") or []:
                if conn["from"] == source and conn["to"] == target:
                    conn["verb"] = verb

    return mutate


def _add_generic(data: dict[str, Any]) -> None:
    data["production.yaml"]["resources"]["MAINFRAME"] = {"type": "generic", "kind": "mainframe"}
    data["production.yaml"]["connections"].append({"from": "MAINFRAME", "to": "S3_UPLOADS", "verb": "relates"})


def _nat_in_2c(data: dict[str, Any]) -> None:
    data["production.yaml"]["resources"]["NAT_C"] = {"type": "nat_gateway", "subnet": "PUB_1C"}
    resource(data, "PRIV_1C")["default_route"] = "NAT_C"


def _spare_key(data: dict[str, Any]) -> None:
    data["production.yaml"]["resources"]["SPARE_KEY"] = {"type": "kms_key"}


def _blank_reason(data: dict[str, Any]) -> None:
    resource(data, "S3_ASSETS")["lint"]["ignore"]["ARC402"] = ""


BROKEN: list[tuple[str, str, Callable[[dict[str, Any]], None], list[tuple[str, str]]]] = [
    ("ARC110", "the task invokes the assets bucket", _retype_connection("ECS_TASK", "S3_ASSETS", "invoke"),
     [("ARC110", f"connections[{connection_index('ECS_TASK', 'S3_ASSETS')}].verb")]),
    ("ARC111", "a box the importer could not type", _add_generic, [("ARC111", f"connections[{NEW}].verb"), ("ARC111", "resources.MAINFRAME.type")]),
    ("ARC112", "a third NAT gateway makes PRIV_1C's suppression stale", _nat_in_2c, [("ARC112", "resources.PRIV_1C.lint.ignore.ARC202")]),
    ("ARC113", "a key nobody uses", _spare_key, [("ARC113", "resources.SPARE_KEY")]),
    ("ARC114", "the public bucket's reason erased", _blank_reason, [("ARC114", "resources.S3_ASSETS.lint.ignore.ARC402")]),
    ("ARC115", "the scheduler loses its role and the database its engine version",
     both(set_field("LAMBDA_SCHEDULER", "role", None), set_field("RDS", "engine_version", None)),
     [("ARC115", "resources.LAMBDA_SCHEDULER"), ("ARC115", "resources.RDS")]),
]


def test_the_example_passes_every_model_rule() -> None:
    assert summary(lint(load_example(), {"ARC1"})) == []


@pytest.mark.parametrize(("code", "mutate", "expected"), [pytest.param(c, m, e, id=f"{c}-{n}") for c, n, m, e in BROKEN])
def test_rule_fires_on_a_broken_example(code: str, mutate: Callable[[dict[str, Any]], None], expected: list[tuple[str, str]]) -> None:
    # ARC112 judges suppressions of the rules that ran, so run everything and keep this code's findings
    found = lint(load_example(mutate))
    assert [f for f in summary(found) if f[0] == code] == expected


def test_a_blank_reason_does_not_suppress() -> None:
    assert summary(lint(load_example(_blank_reason), {"ARC402", "ARC114"})) == [
        ("ARC114", "resources.S3_ASSETS.lint.ignore.ARC402"), ("ARC402", "resources.S3_ASSETS.public"),
    ]


def test_fitting_verbs_suggests_what_fits() -> None:
    assert fitting_verbs("lambda_function", "s3_bucket") == ["read", "write", "read_write"]
    assert fitting_verbs("alarm", "sns_topic") == ["publish", "notify"]


# --- ARC140: a dynamic reference in any text field of any resource type -----------------------

REF = "{{resolve:secretsmanager:prod/db:SecretString:password}}"


def _text_fields(cls: type, prefix: tuple[Any, ...] = (), depth: int = 0) -> list[tuple[tuple[Any, ...], Any]]:
    """(path of YAML keys, the value to put there) for every free-text field of *cls*, found by
    walking the class: plain `str` fields (no pattern, no reference, no validator), `dict[str, str]`
    and `list[str]` fields, and the same inside nested models (one level down)."""
    import types
    import typing

    from pydantic import BaseModel

    from archc.model.fields import RefTo

    out: list[tuple[tuple[Any, ...], Any]] = []
    for name, info in cls.model_fields.items():  # type: ignore[attr-defined]
        if name in ("type", "properties") and prefix == ():
            continue
        key = (*prefix, info.alias or name)
        ann = info.annotation
        args = [a for a in typing.get_args(ann) if a is not type(None)] if typing.get_origin(ann) in (typing.Union, types.UnionType) else [ann]
        if len(args) != 1:
            continue
        ann = args[0]
        constrained = any(isinstance(m, RefTo) or hasattr(m, "pattern") or hasattr(m, "func") for m in info.metadata)
        origin, params = typing.get_origin(ann), typing.get_args(ann)
        if ann is str and not constrained:
            out.append((key, REF))
        elif origin is dict and params == (str, str):
            out.append(((*key, "k"), REF))
        elif origin is list and params == (str,) and not constrained:
            out.append(((*key, 0), REF))
        elif depth == 0 and isinstance(ann, type) and issubclass(ann, BaseModel):
            out += [((*key, *p[len(key):]), v) for p, v in _text_fields(ann, key, depth + 1)]
        elif depth == 0 and origin is list and len(params) == 1 and isinstance(params[0], type) and issubclass(params[0], BaseModel):
            out += [((*key, 0, *p[len(key):]), v) for p, v in _text_fields(params[0], key, depth + 1)]
    return out


def _put(raw: dict[str, Any], cls: type, path: tuple[Any, ...], value: Any) -> None:
    """Set *value* at *path* in the raw resource, creating nested example objects on the way."""
    import typing

    from archc.model.reference import example_object

    node: Any = raw
    owner: Any = cls
    for i, key in enumerate(path[:-1]):
        nxt = path[i + 1]
        if isinstance(node, dict) and key not in node:
            field = next((f for n, f in owner.model_fields.items() if (f.alias or n) == key), None)
            ann = field.annotation if field is not None else None
            inner = [a for a in typing.get_args(ann) if a is not type(None)] or [ann]
            target = inner[0]
            if typing.get_origin(target) is list:
                target = typing.get_args(target)[0]
            sub = example_object(target) if isinstance(target, type) and hasattr(target, "model_fields") else {}
            node[key] = [sub] if isinstance(nxt, int) else sub if not isinstance(nxt, str) or sub else {}
            owner = target
        node = node[key]
    node[path[-1]] = value


def test_arc140_flags_a_dynamic_reference_in_every_text_field_of_every_resource_type() -> None:
    from pydantic import ValidationError

    from archc.model.architecture import Architecture
    from archc.model.reference import example_object
    from archc.model.resources import RESOURCE_CLASSES
    from archc.rules.base import RuleContext
    from archc.rules.model import dynamic_reference

    checked = 0
    skipped: list[tuple[str, tuple[Any, ...]]] = []
    for rtype, cls in sorted(RESOURCE_CLASSES.items()):
        for path, value in _text_fields(cls):
            raw = {**example_object(cls), "type": "AWS::SSM::Parameter" if rtype == "cloudformation" else rtype}
            _put(raw, cls, path, value)
            try:
                res = cls.model_validate(raw)
            except ValidationError:  # the type's example needs more than this walk makes (ecs_task_definition)
                skipped.append((rtype, path))
                continue
            arch = Architecture.model_construct(resources={"r": res}, accounts={}, connections=[], groups={})
            found = [f.path for f in dynamic_reference(RuleContext(arch=arch))]
            assert ("resources", "r", *path) in found, (rtype, path, found)
            checked += 1
    assert checked >= 200, skipped  # every type's description, label, tags, ... (232 when written)


def test_arc140_leaves_escape_hatch_properties_alone() -> None:
    from archc.model.architecture import Architecture
    from archc.model.resources import CfnResource
    from archc.rules.base import RuleContext
    from archc.rules.model import dynamic_reference

    res = CfnResource.model_validate({"type": "AWS::SSM::Parameter", "properties": {"Value": REF, "Nested": [{"X": REF}]}})
    arch = Architecture.model_construct(resources={"r": res}, accounts={}, connections=[], groups={})
    assert list(dynamic_reference(RuleContext(arch=arch))) == []
