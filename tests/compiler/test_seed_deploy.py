"""The seed deployed for real (issue #14): what cfn-lint and checkov cannot see, asserted on the built templates."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from archc.compiler.build import Build, compile_model
from archc.model.loader import load
from tests.compiler.helpers import all_resources
from tests.conftest import EXAMPLE
from tests.rules.support import load_example, set_field


@cache
def seed() -> Build:
    return compile_model(load(str(EXAMPLE)).architecture)


def build_of(mutate: Callable[[dict[str, Any]], None]) -> Build:
    return compile_model(load_example(mutate).architecture)


def of_type(build: Build, cfn_type: str) -> dict[str, dict[str, Any]]:
    return {lid: r for lid, r in all_resources(build).items() if r["Type"] == cfn_type}


# --- 3. a new Lambda version for every new code and configuration -------------------------------


def _version(build: Build) -> tuple[str, dict[str, Any]]:
    versions = of_type(build, "AWS::Lambda::Version")
    assert len(versions) == 1, sorted(versions)
    return next(iter(versions.items()))


def test_the_live_alias_points_at_the_version_it_publishes() -> None:
    lid, _ = _version(seed())
    alias = next(iter(of_type(seed(), "AWS::Lambda::Alias").values()))
    assert alias["Properties"]["FunctionVersion"] == {"Fn::GetAtt": [lid, "Version"]}


def test_the_version_is_replaced_when_the_code_key_changes() -> None:
    """The code is a deploy parameter: it reaches the version through a replacement-only property."""
    _, version = _version(seed())
    assert "LambdaApiCodeKey" in str(version["Properties"]["Description"])


def test_the_version_logical_id_changes_with_the_configuration() -> None:
    before, _ = _version(seed())
    after, _ = _version(build_of(set_field("LAMBDA_API", "memory_mb", 2048)))
    assert before != after
    assert before.startswith("LambdaApiVersion") and after.startswith("LambdaApiVersion")
    again, _ = _version(build_of(set_field("LAMBDA_API", "memory_mb", 1024)))
    assert again == before, "the same configuration keeps its id (deterministic)"
