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
