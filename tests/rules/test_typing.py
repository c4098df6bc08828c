"""Rules and emitters read the model typed: `mypy --strict` catches a misspelt field.

The rules get resources from `RuleContext.of_type` / `get` / `resources`, the emitters take the
`Resource` union. If any of these regressed to `Any`, a typo such as ``subnet.default_rout`` would
type-check and fail only at run time. The first test runs mypy (with the project's configuration)
on a snippet and expects exactly its deliberate mistakes, line by line; the second keeps `Any`
out of the signatures that hand resources around.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SNIPPET = '''\
from collections.abc import Iterator

from archc.model.resources import NatGateway, Resource, Subnet
from archc.model.presentation import node_label
from archc.rules.base import Finding, RuleContext


def rule(ctx: RuleContext) -> Iterator[Finding]:
    for sid, subnet in ctx.of_type(Subnet):
        if subnet.default_route is None and subnet.tier == "private":
            yield Finding(f"{sid} {subnet.cidr}", ("resources", sid))
        if subnet.default_rout is None:  # ERROR: the typo
            yield Finding("", ())
    for rid, res in ctx.resources.items():
        print(rid, res.account, res.type)
        print(res.subnet)  # ERROR: not every resource has a subnet
        if res.type == "nat_gateway":
            print(res.subnet)
    nat = ctx.get("nat", NatGateway)
    print(nat.subnet, nat.subnet_id)  # ERROR: no such field
    for _, holder in ctx.of_type(Subnet, NatGateway):
        print(holder.vpc)  # ERROR: a NAT gateway has no vpc


def label(rid: str, res: Resource) -> str:
    return node_label(rid, res) + res.lable  # ERROR: the typo
'''


def _expected_errors() -> list[int]:
    return [i for i, line in enumerate(SNIPPET.splitlines(), 1) if "# ERROR" in line]


def test_mypy_catches_a_misspelt_field_in_rule_and_emitter_code(tmp_path: Path) -> None:
    api = pytest.importorskip("mypy.api")
    snippet = tmp_path / "snippet.py"
    snippet.write_text(SNIPPET, encoding="utf-8")
    stdout, stderr, _status = api.run([
        "--config-file", str(ROOT / "pyproject.toml"),
        "--cache-dir", str(tmp_path / "cache"),
        "--no-error-summary", "--show-error-codes",
        str(snippet),
    ])
    errors = [line for line in stdout.splitlines() if re.match(r".*snippet\.py:\d+: error:", line)]
    lines = sorted({int(re.match(r".*snippet\.py:(\d+):", e).group(1)) for e in errors})  # type: ignore[union-attr]
    assert lines == _expected_errors(), stdout + stderr
    assert any('"Subnet" has no attribute "default_rout"' in e for e in errors), stdout


# (file, function) → the parameters that carry a model resource
RESOURCE_PARAMETERS = {
    ("archc/model/presentation.py", "derived_label"): ["res"],
    ("archc/model/presentation.py", "node_label"): ["res"],
    ("archc/emitters/views.py", "_node"): ["res"],
    ("archc/emitters/views.py", "relation_label"): ["res"],
    ("archc/emitters/docs.py", "_trust_terms"): ["role"],
}


def _annotations() -> dict[tuple[str, str, str], str]:
    out: dict[tuple[str, str, str], str] = {}
    for path in sorted({p for p, _ in RESOURCE_PARAMETERS}):
        tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and (path, node.name) in RESOURCE_PARAMETERS:
                for arg in node.args.args:
                    if arg.annotation is not None:
                        out[(path, node.name, arg.arg)] = ast.unparse(arg.annotation)
    return out


def test_resources_are_never_handed_around_as_any() -> None:
    found = _annotations()
    for (path, func), params in RESOURCE_PARAMETERS.items():
        for param in params:
            assert (path, func, param) in found, f"{path}: {func}({param}) is gone or unannotated: update this test"
            assert "Any" not in found[(path, func, param)], f"{path}: {func}({param}: {found[(path, func, param)]})"
    base = (ROOT / "archc/rules/base.py").read_text(encoding="utf-8")
    assert not re.search(r"def (resources|of_type|get)\([^)]*\)[^:]*Any", base), "RuleContext's resource access returns Any"
