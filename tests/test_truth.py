"""Lint tells the whole truth (issue #10): over drawn models (`tests.strategies.models`),
lint exit 0 ⇒ build succeeds ⇒ cfn-lint finds no error in the templates, and no step (load, lint,
build, diagram, docs) ends in an exception that is not archc's own."""

from __future__ import annotations

import json
import warnings
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings

from archc.compiler.build import compile_model
from archc.compiler.context import CompileError
from archc.diagnostics import Diagnostic, ModelError
from archc.model.architecture import Architecture
from archc.model.loader import load_texts
from archc.rules.engine import run_rules
from tests.rules.support import example_data
from tests.strategies import model_text, models, seed_edits


def _load(data: dict[str, Any]) -> Architecture | None:
    try:
        return load_texts([("model.yaml", model_text(data))]).architecture
    except ModelError:
        return None  # the loader's own error, with positions: fine


def _say(diagnostics: list[Diagnostic]) -> str:
    return "\n".join(f"{d.code} {d.path}: {d.message}" for d in diagnostics)


def _lint_clean_builds(data: dict[str, Any]) -> Any:
    """Lint the drawn model; when it has no error, build it (which must succeed); the build or None."""
    arch = _load(data)
    if arch is None:
        return None
    errors = [d for d in run_rules(arch) if d.severity == "error"]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            build = compile_model(arch)
    except CompileError as exc:
        assert errors, f"lint passed, build refused:\n{_say(list(exc.diagnostics))}\n{model_text(data)}"
        assert all(d.code != "ARC900" for d in exc.diagnostics) or errors
        return None
    return None if errors else build


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(models())
def test_a_model_that_lints_clean_builds(data: dict[str, Any]) -> None:
    _lint_clean_builds(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(models())
def test_every_model_that_loads_is_drawn_and_documented(data: dict[str, Any]) -> None:
    arch = _load(data)
    if arch is None:
        return
    from archc.emitters.docs import render_docs
    from archc.emitters.mermaid import render
    from archc.emitters.views import build_view

    for view in ("overview", "network"):
        assert render(build_view(arch, view), run_rules(arch)).startswith(("flowchart", "graph", "---", "%%"))
    assert "README.md" in render_docs(arch)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(models(max_resources=10, max_connections=4))
def test_what_lints_clean_builds_templates_cfn_lint_accepts(data: dict[str, Any]) -> None:
    build = _lint_clean_builds(data)
    if build is None:
        return
    from cfnlint.api import lint
    from cfnlint.config import ManualArgs

    found = [f"{st.name}: {m.rule.id} {m.message}" for st in build.stacks
             for m in lint(json.dumps(st.template), config=ManualArgs(regions=[st.region])) if m.rule.id.startswith("E")]
    assert found == [], f"{found}\n{model_text(data)}"


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(seed_edits(example_data()))
def test_a_randomly_edited_seed_that_lints_clean_builds(files: dict[str, Any]) -> None:
    try:
        arch = load_texts([(name, yaml.safe_dump(doc, sort_keys=False)) for name, doc in files.items()]).architecture
    except ModelError:
        return
    errors = [d for d in run_rules(arch) if d.severity == "error"]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile_model(arch)
    except CompileError as exc:
        assert errors, "lint passed, build refused:\n" + _say(list(exc.diagnostics))
