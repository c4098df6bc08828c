"""`archc build`: files written, summary printed, exit 2 with file:line:col on a model it cannot build."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from archc.cli import main
from tests.conftest import EXAMPLE


def test_build_writes_templates_and_manifest(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", str(EXAMPLE), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    for st in manifest["stacks"]:
        assert (tmp_path / st["template"]).exists()
    lines = result.output.strip().splitlines()
    assert len(lines) == len(manifest["stacks"])
    first = manifest["stacks"][0]
    assert lines[0] == f"1. {first['name']}: {first['resources']} resources → {tmp_path / first['template']}"
    assert not list(tmp_path.glob(".archc-*"))  # no temporary files left behind


def test_yaml_format(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", str(EXAMPLE), "-o", str(tmp_path), "--format", "yaml"])
    assert result.exit_code == 0, result.output
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".json"] + [".yaml"] * 5


def test_stale_templates_of_an_earlier_build_are_removed(tmp_path: Path) -> None:
    (tmp_path / "old-stack.json").write_text("{}")
    (tmp_path / "manifest.json").write_text(json.dumps({"stacks": [{"template": "old-stack.json"}]}))
    (tmp_path / "notes.txt").write_text("mine")
    assert CliRunner().invoke(main, ["build", str(EXAMPLE), "-o", str(tmp_path)]).exit_code == 0
    assert not (tmp_path / "old-stack.json").exists()
    assert (tmp_path / "notes.txt").exists()


def test_a_model_it_cannot_build_exits_2_with_positions_and_writes_nothing(tmp_path: Path) -> None:
    model = tmp_path / "model.yaml"
    model.write_text(
        "archc: 1\nname: bad\naccounts:\n  a: {id: '111111111111', name: A, region: us-west-2}\n"
        "resources:\n  thing: {type: generic, kind: mainframe}\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(model), "-o", str(out)])
    assert result.exit_code == 2
    assert f"{model}:6:17: ARC900 [error] resource 'thing' (generic): archc cannot build an untyped resource ('mainframe')" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_help_has_an_example() -> None:
    result = CliRunner().invoke(main, ["build", "--help"])
    assert result.exit_code == 0
    assert "archc build examples/sagebrush -o out/cfn" in result.output
