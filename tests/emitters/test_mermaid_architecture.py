"""The architecture-beta emitter: golden files for the examples, every diagram it writes (the
examples' views and generated models) read by mermaid-js as archc meant it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import mermaidjs
from golden_files import GOLDEN, check_golden
from strategies import model_text, models

from archc.catalog import ARCH_DEFAULT_ICON, ARCH_GROUP_ICONS, ARCH_ICONS, TYPES, arch_icon
from archc.emitters.mermaid_architecture import JUNCTION_SUFFIX, render, to_architecture
from archc.emitters.views import VIEWS, build_view
from archc.mermaid.architecture import decode_id, parse
from archc.model.loader import load, load_text

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
BUILTIN = {"cloud", "database", "disk", "internet", "server"}


def _example(name: str):  # type: ignore[no-untyped-def]
    return load(str(EXAMPLES / name)).architecture


@pytest.mark.parametrize("example", ["sagebrush", "serverless"])
@pytest.mark.parametrize("view", VIEWS)
def test_example_golden(example: str, view: str, update_golden: bool) -> None:
    arch = _example(example)
    text = render(build_view(arch, view), arch)
    check_golden(GOLDEN / "mermaid-architecture" / f"{example}_{view}.mmd", text, update_golden)
    assert parse(text) == to_architecture(build_view(arch, view), arch)


def test_examples_read_by_mermaid_js() -> None:
    mermaidjs.require_harness()
    texts, views = [], []
    for example in ("sagebrush", "serverless"):
        arch = _example(example)
        for name in VIEWS:
            views.append(build_view(arch, name))
            for account in arch.accounts:
                views.append(build_view(arch, name, account))
    texts = [render(v) for v in views]
    for view, text, theirs in zip(views, texts, mermaidjs.architecture_readings(texts), strict=True):
        assert "error" not in theirs, f"mermaid-js refuses the {view.name} view: {theirs}\n{text}"
        assert mermaidjs.arch_view(parse(text)) == theirs
        drawn = {decode_id(s["id"]) for s in theirs["services"]}
        assert drawn == {n.id for n in view.nodes}
        assert len(theirs["edges"]) == len(view.edges)


def test_everything_the_view_draws_is_there() -> None:
    view = build_view(_example("sagebrush"), "overview")
    d = to_architecture(view)
    assert [decode_id(s.id) for s in d.services] == [n.id for n in view.nodes]
    assert {decode_id(g.id) for g in d.groups} == {g.id for g in view.groups}
    by_id = {s.id: s for s in d.services}
    parent = {m: g.id for g in view.groups for m in g.members}
    for n in view.nodes:
        s = next(x for x in by_id.values() if decode_id(x.id) == n.id)
        assert (decode_id(s.parent) if s.parent else None) == parent.get(n.id)
        assert s.icon == arch_icon(n.type)
    for e, a in zip(view.edges, d.edges, strict=True):
        assert decode_id(a.src).removesuffix(JUNCTION_SUFFIX) == e.src
        assert decode_id(a.dst).removesuffix(JUNCTION_SUFFIX) == e.dst
        assert (a.src_side, a.dst_side) == ("B", "T")  # the overview is drawn top to bottom
        assert a.dst_into == (e.head_end != "none")


def test_icons_are_builtin_and_from_the_catalogue() -> None:
    assert set(ARCH_ICONS.values()) | {ARCH_DEFAULT_ICON} | set(ARCH_GROUP_ICONS.values()) <= BUILTIN
    assert arch_icon("aurora_cluster") == "database"
    assert arch_icon("lambda_function") == "server"
    assert arch_icon("s3_bucket") == "disk"
    for t in TYPES:
        assert arch_icon(t) in BUILTIN


def test_generated_models_are_read_by_mermaid_js() -> None:
    mermaidjs.require_harness()
    texts: list[str] = []
    expected: list[set[str]] = []

    @settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], database=None, deadline=None)
    @given(models())
    def collect(data) -> None:  # type: ignore[no-untyped-def]
        assume(data["resources"])
        arch = load_text(model_text(data)).architecture
        for name in VIEWS:
            view = build_view(arch, name)
            texts.append(render(view))
            expected.append({n.id for n in view.nodes})

    collect()
    for text, ids, theirs in zip(texts, expected, mermaidjs.architecture_readings(texts), strict=True):
        assert "error" not in theirs, f"mermaid-js refuses:\n{text}\n{theirs}"
        assert {decode_id(s["id"]) for s in theirs["services"]} == ids


def test_cli_writes_the_same_text() -> None:
    from click.testing import CliRunner

    from archc.cli import main

    r = CliRunner().invoke(main, ["diagram", str(EXAMPLES / "sagebrush"), "-f", "mermaid-architecture", "--view", "network"])
    assert r.exit_code == 0, r.output
    assert r.stdout == render(build_view(_example("sagebrush"), "network"), _example("sagebrush"))
    r = CliRunner().invoke(main, ["diagram", str(EXAMPLES / "sagebrush"), "-f", "mermaid-architecture", "--findings"])
    assert r.exit_code == 2
    assert "--findings is for" in r.stderr
