"""The GitHub Action: action.yml is well formed, and its lint script reports, writes SARIF and outputs."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
SCRIPT = ROOT / "ci" / "action" / "lint.py"


def all_strings(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [s for v in node.values() for s in all_strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in all_strings(v)]
    return [node] if isinstance(node, str) else []


def test_action_metadata_is_complete() -> None:
    assert ACTION["name"] and ACTION["description"]
    assert ACTION["runs"]["using"] == "composite"
    for name, spec in ACTION["inputs"].items():
        assert spec["description"], name
        assert "default" in spec and spec.get("required") is False, name
    for name, spec in ACTION["outputs"].items():
        assert spec["value"].startswith("${{ steps."), name


def test_every_expression_names_a_real_input_step_or_output() -> None:
    text = "\n".join(all_strings(ACTION))
    inputs = set(re.findall(r"inputs\.([\w-]+)", text))
    assert inputs <= set(ACTION["inputs"]), inputs - set(ACTION["inputs"])
    assert set(ACTION["inputs"]) <= inputs, "an input nothing uses"
    step_ids = {s.get("id") for s in ACTION["runs"]["steps"]}
    for step, output in re.findall(r"steps\.([\w-]+)\.outputs\.([\w-]+)", text):
        assert step in step_ids
        assert output in ("exit-code", "sarif-file")  # what lint.py writes


def test_steps_install_lint_upload_and_fail_in_that_order() -> None:
    steps = ACTION["runs"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert uses[0].startswith("actions/setup-python@")
    assert '"$GITHUB_ACTION_PATH"' in steps[1]["run"]  # installs the archc this action is pinned to
    assert steps[2]["id"] == "lint" and "ci/action/lint.py" in steps[2]["run"]
    assert (ROOT / "ci" / "action" / "lint.py").is_file()
    assert uses[3].startswith("github/codeql-action/upload-sarif@")
    assert "always()" in steps[3]["if"]
    assert "exit-code != '0'" in steps[4]["if"] and "exit" in steps[4]["run"]
    for s in steps:
        if "run" in s:
            assert s["shell"] == "bash"
            assert "${{" not in s["run"], "inputs go through env:, never into the script text"


@pytest.fixture
def workspace(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    shutil.copytree(ROOT / "examples" / "sagebrush", tmp_path / "architecture")
    bin_dir = tmp_path / ".bin"
    bin_dir.mkdir()
    shim = bin_dir / "archc"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m archc "$@"\n', encoding="utf-8")
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INPUT_", "GITHUB_"))}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env['PATH']}", PYTHONPATH=str(ROOT), GITHUB_OUTPUT=str(tmp_path / "out.txt"),
               INPUT_MODEL="architecture/", INPUT_SARIF_FILE="archc.sarif", NO_COLOR="1")
    return tmp_path, env


def action_run(cwd: Path, env: dict[str, str]) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    proc = subprocess.run([sys.executable, str(SCRIPT)], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    outputs = dict(line.split("=", 1) for line in (cwd / "out.txt").read_text(encoding="utf-8").splitlines())
    return proc, outputs


def test_a_clean_model(workspace: tuple[Path, dict[str, str]]) -> None:
    cwd, env = workspace
    proc, outputs = action_run(cwd, env)
    assert proc.returncode == 0
    assert "$ archc lint architecture/\nAll checks passed.\n" in proc.stdout
    assert outputs == {"exit-code": "0", "sarif-file": "archc.sarif"}
    sarif = json.loads((cwd / "archc.sarif").read_text(encoding="utf-8"))
    # suppressed findings are results too, each with its reason; nothing else is
    assert sarif["version"] == "2.1.0"
    assert all(r.get("suppressions") for r in sarif["runs"][0]["results"])


def test_findings_go_to_the_log_and_the_sarif_and_the_exit_code_output(workspace: tuple[Path, dict[str, str]]) -> None:
    cwd, env = workspace
    prod = cwd / "architecture" / "production.yaml"
    prod.write_text(prod.read_text(encoding="utf-8").replace(", default_route: NAT_B", "", 1), encoding="utf-8")
    proc, outputs = action_run(cwd, {**env, "INPUT_ARGS": "--select ARC2"})
    assert proc.returncode == 0  # the action's last step fails the job, after the upload
    assert "$ archc lint architecture/ --select ARC2\n" in proc.stdout
    assert "architecture/production.yaml:21:3: ARC201 [error]" in proc.stdout
    assert outputs == {"exit-code": "1", "sarif-file": "archc.sarif"}
    results = json.loads((cwd / "archc.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]
    assert [r["ruleId"] for r in results if not r.get("suppressions")] == ["ARC201"]
    _, outputs = action_run(cwd, {**env, "INPUT_FAIL_ON": "error", "INPUT_ARGS": "--select ARC5"})
    assert outputs["exit-code"] == "0"


def test_a_model_that_does_not_load_leaves_no_report(workspace: tuple[Path, dict[str, str]]) -> None:
    cwd, env = workspace
    (cwd / "archc.sarif").write_text("stale", encoding="utf-8")
    (cwd / "architecture" / "production.yaml").write_text("resources: {x: {type: subnett}}\n", encoding="utf-8")
    proc, outputs = action_run(cwd, env)
    assert outputs == {"exit-code": "2", "sarif-file": ""}
    assert "unknown resource type 'subnett'" in proc.stdout + proc.stderr
    assert not (cwd / "archc.sarif").exists()


def test_the_command_from_the_inputs() -> None:
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import lint as action_lint  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    assert action_lint.lint_command({}) == ["archc", "lint"]  # the configured model
    assert action_lint.lint_command({"INPUT_MODEL": "a/\nb/*.yaml", "INPUT_FAIL_ON": " warning ", "INPUT_ARGS": "--ignore 'ARC1,ARC5'"}) == [
        "archc", "lint", "a/", "b/*.yaml", "--fail-on", "warning", "--ignore", "ARC1,ARC5"]
