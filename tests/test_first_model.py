"""docs/first-model.md does what it says: its commands, its first change and its broken example."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from archc.cli import main
from archc.cli.init import TEMPLATES

ROOT = Path(__file__).resolve().parents[1]
GUIDE = (ROOT / "docs" / "first-model.md").read_text(encoding="utf-8")


def block(lang: str, containing: str) -> str:
    (found,) = [b for b in re.findall(rf"^```{lang}\n(.*?)^```", GUIDE, re.DOTALL | re.MULTILINE) if containing in b]
    return str(found)


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args))
    return r.exit_code, r.stdout, r.stderr


@pytest.fixture
def model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    assert run("init", "--template", "serverless")[0] == 0
    return tmp_path / "architecture" / "architecture.yaml"


def test_the_guide_names_every_template() -> None:
    for template in TEMPLATES:
        assert f"| `{template}` |" in GUIDE


def test_steps_three_lint_build_draw(model: Path, tmp_path: Path) -> None:
    for line in block("sh", "archc lint architecture").splitlines():
        args = line.split("#")[0].split()[1:]
        if "png" in args:
            continue  # needs Graphviz; the diagram tests cover it
        code, out, err = run(*args)
        assert code == 0, (line, err)
        if args[0] == "lint":
            assert out == "All checks passed.\n"
    assert (tmp_path / "out" / "cloudformation" / "manifest.json").is_file()
    assert (tmp_path / "out" / "architecture.mmd").is_file()


def test_the_first_change_lints_clean(model: Path) -> None:
    change = block("yaml", "results:")
    resources = change.split("connections:\n")[0].split("resources:\n")[1]
    connections = change.split("connections:\n")[1]
    text = model.read_text(encoding="utf-8")
    text = text.replace("\nresources:\n", "\nresources:\n" + resources, 1) + connections
    model.write_text(text, encoding="utf-8")
    assert run("lint", "architecture") == (0, "All checks passed.\n", "")


def test_the_broken_example_prints_what_the_guide_shows(model: Path) -> None:
    text = model.read_text(encoding="utf-8")
    line = "  - {from: worker_fn, to: logs, verb: logs}\n"
    assert line in text
    model.write_text(text.replace(line, ""), encoding="utf-8")
    code, out, _ = run("lint", "architecture")
    assert code == 1
    assert out.startswith(block("text", "ARC501"))


def test_the_configuration_snippet_works(model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text(block("toml", "[tool.archc]"), encoding="utf-8")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    assert run("lint") == (0, "All checks passed.\n", "")
