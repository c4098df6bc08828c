"""References between stacks: the one refusal of `archc build` that no lint rule makes (the stack
limits, ARC900; docs/rules.md says why lint cannot see it)."""

from __future__ import annotations

from typing import Any

import pytest

from archc.compiler import crossrefs
from archc.compiler.build import compile_model
from archc.compiler.context import CompileError


def test_the_example_crosses_stacks_within_the_limits(example_model: Any) -> None:
    build = compile_model(example_model.architecture)
    counts = [(len(st.template.get("Outputs", {})), len(st.template.get("Parameters", {}))) for st in build.stacks]
    assert any(o for o, _ in counts)  # values do cross between its stacks
    assert all(o <= crossrefs.MAX_OUTPUTS and p <= crossrefs.MAX_PARAMETERS for o, p in counts)


def test_a_stack_over_the_output_limit_is_refused_as_arc900_naming_the_limit(example_model: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    build = compile_model(example_model.architecture)
    most = max(len(st.template.get("Outputs", {})) for st in build.stacks)
    monkeypatch.setattr(crossrefs, "MAX_OUTPUTS", most - 1)
    with pytest.raises(CompileError) as refused:
        compile_model(example_model.architecture)
    found = refused.value.diagnostics
    assert found and {d.code for d in found} == {"ARC900"}
    assert all(f"CloudFormation allows {most - 1} and 200" in d.message and d.help for d in found)


def test_the_stack_limits_are_explained_where_users_look() -> None:
    from archc.codes import BY_CODE
    from archc.rules.docs import generate

    assert "200 outputs or 200 parameters" in BY_CODE["ARC900"].what
    assert "200 outputs or 200" in generate()
