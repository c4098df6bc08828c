"""The engine: the data-driven rule cases (tests/rules/cases/*.yaml), suppression, ordering, selection."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from archc.diagnostics import format_path
from archc.rules.engine import owner_of, path_key, run_rules, selected
from archc.rules.registry import RULES
from tests.rules.support import CASES, load_snippet, summary


def _cases() -> list[Any]:
    out = []
    for file in sorted(CASES.glob("*.yaml")):
        doc = yaml.safe_load(file.read_text(encoding="utf-8"))
        for i, case in enumerate(doc["cases"]):
            out.append(pytest.param(file.stem, case, id=f"{file.stem}-{i}-{case['name']}"))
    return out


CASE_PARAMS = _cases()


@pytest.mark.parametrize(("code", "case"), CASE_PARAMS)
def test_rule_case(code: str, case: dict[str, Any]) -> None:
    loaded = load_snippet(case["model"])
    select = set(case.get("select", [code]))
    found = run_rules(loaded.architecture, select=select)
    expected = case["expect"]
    assert [(d.code, format_path(d.path)) for d in found] == [(e["code"], e["path"]) for e in expected], \
        "\n".join(f"{d.code} {format_path(d.path)}: {d.message}" for d in found)
    for d, e in zip(found, expected, strict=True):
        assert e.get("message", "") in d.message, (d.message, e.get("message"))
        assert d.severity == e.get("severity", next(r.severity for r in RULES if r.code == d.code))


def test_every_rule_has_a_passing_and_a_failing_case() -> None:
    by_code: dict[str, list[dict[str, Any]]] = {}
    for param in CASE_PARAMS:
        code, case = param.values
        by_code.setdefault(code, []).append(case)
    assert sorted(by_code) == sorted(r.code for r in RULES), "one cases/<CODE>.yaml per rule"
    for code, cases in by_code.items():
        assert any(not c["expect"] for c in cases), f"{code} has no passing case"
        assert any(any(e["code"] == code for e in c["expect"]) for c in cases), f"{code} has no failing case"


def test_suppression_needs_the_right_owner_code_and_a_reason() -> None:
    model = """
resources:
  a: {type: log_group, lint: {ignore: {ARC504: "kept forever for audit"}}}
  b: {type: log_group, lint: {ignore: {ARC503: "wrong code"}}}
  c: {type: log_group, lint: {ignore: {ARC504: "  "}}}
"""
    found = run_rules(load_snippet(model).architecture, select={"ARC504"})
    assert summary(found) == [("ARC504", "resources.b"), ("ARC504", "resources.c")]


def test_connection_suppression() -> None:
    model = """
accounts:
  prod: {id: "111111111111", name: Prod, region: us-west-2}
  tools: {id: "222222222222", name: Tools, region: us-west-2}
resources:
  role: {type: iam_role, account: tools}
  fn: {type: lambda_function, role: role, account: tools}
  bucket: {type: s3_bucket, account: prod}
connections:
  - {from: fn, to: bucket, verb: read, lint: {ignore: {ARC302: "testing the suppression"}}}
  - {from: fn, to: bucket, verb: read}
"""
    found = run_rules(load_snippet(model).architecture, select={"ARC302"})
    assert summary(found) == [("ARC302", "connections[1]")]


def test_what_build_refuses_cannot_be_suppressed() -> None:
    model = """
resources:
  role: {type: iam_role}
  fn: {type: lambda_function, role: role}
  bucket: {type: s3_bucket}
connections:
  - {from: fn, to: bucket, verb: query, lint: {ignore: {ARC110: "build refuses it anyway"}}}
"""
    found = run_rules(load_snippet(model).architecture, select={"ARC110", "ARC112"})
    assert summary(found) == [("ARC110", "connections[0].verb"), ("ARC112", "connections[0].lint.ignore.ARC110")]


def test_findings_are_sorted_by_path_with_numeric_indexes() -> None:
    model = "resources:\n  role: {type: iam_role}\n  fn: {type: lambda_function, role: role}\n  bucket: {type: s3_bucket}\nconnections:\n" + \
        "".join("  - {from: fn, to: bucket, verb: invoke}\n" for _ in range(12))
    found = run_rules(load_snippet(model).architecture, select={"ARC110"})
    assert [format_path(d.path) for d in found] == [f"connections[{i}].verb" for i in range(12)]


def test_selection_by_code_and_prefix() -> None:
    assert [r.code for r in selected({"ARC20"}, {"ARC205"})] == ["ARC201", "ARC202", "ARC203", "ARC204", "ARC206", "ARC207", "ARC208", "ARC209"]
    assert [r.code for r in selected(None, {"ARC1", "ARC2", "ARC3", "ARC4"})] == ["ARC501", "ARC502", "ARC503", "ARC504", "ARC505", "ARC506"]


def test_selection_reads_items_as_select_and_ignore_do() -> None:
    # one reading of an item (registry.matches) for the engine and the command line
    assert [r.code for r in selected({"operations"}, {"operations.log-retention"})] == ["ARC501", "ARC502", "ARC503", "ARC505", "ARC506"]
    assert [r.code for r in selected({"arc40"}, {"data.public-bucket"})] == ["ARC401", "ARC403", "ARC404", "ARC405", "ARC406", "ARC407", "ARC408", "ARC409"]


def test_owner_and_path_key() -> None:
    assert owner_of(("resources", "x", "cidr")) == ("resources", "x")
    assert owner_of(("connections", 3)) == ("connections", 3)
    assert owner_of(("accounts", "a", "may_reach")) is None
    assert sorted([("c", 10), ("c", 9), ("b",)], key=path_key) == [("b",), ("c", 9), ("c", 10)]


def test_run_twice_gives_identical_results(example_model: Any) -> None:
    first = [(d.code, d.path, d.message, d.related) for d in run_rules(example_model.architecture)]
    second = [(d.code, d.path, d.message, d.related) for d in run_rules(example_model.architecture)]
    assert first == second


def test_cases_directory_exists() -> None:
    assert Path(CASES).is_dir()
