"""Sketch models: every consumer copes with each needed field left out of the example."""

from __future__ import annotations

import pytest

from archc.compiler.build import compile_model
from archc.compiler.context import CompileError
from archc.emitters import graphviz, mermaid
from archc.emitters.docs import render_docs
from archc.emitters.views import VIEWS, build_view
from archc.model.architecture import Architecture
from archc.model.completeness import missing_to_build, needed_fields
from archc.model.loader import load
from archc.rules.engine import run_rules
from tests.conftest import EXAMPLE

EXAMPLE_ARCH = load(str(EXAMPLE)).architecture
CASES = [(rid, name) for rid, res in EXAMPLE_ARCH.resources.items() for name in needed_fields(type(res))]


def without(rid: str, name: str) -> Architecture:
    arch = EXAMPLE_ARCH.model_copy(deep=True)
    res = arch.resources[rid]
    setattr(res, name, [] if isinstance(getattr(res, name), list) else None)
    return arch


def test_the_example_is_complete_and_has_needed_fields_to_drop() -> None:
    assert all(missing_to_build(res) == [] for res in EXAMPLE_ARCH.resources.values())
    assert len(CASES) >= 25


@pytest.mark.parametrize(("rid", "name"), CASES, ids=[f"{r}.{n}" for r, n in CASES])
def test_a_sketch_lints_draws_and_is_refused_by_build(rid: str, name: str) -> None:
    arch = without(rid, name)
    found = [(d.code, d.path) for d in run_rules(arch) if d.code == "ARC115"]
    assert found == [("ARC115", ("resources", rid))]
    for view in VIEWS:
        v = build_view(arch, view)
        assert mermaid.render(v).startswith(("graph", "flowchart", "---"))
        assert graphviz.render(v, "dot").startswith(b"digraph")
    assert render_docs(arch)
    with pytest.raises(CompileError) as info:
        compile_model(arch)
    assert any(d.path == ("resources", rid) and name in d.message for d in info.value.diagnostics)
