"""archc's own CI (.github/workflows/ci.yml): well formed, uses this repository's action as `uses: ./`
with inputs it has, and its steps work — the `run:` scripts and the action's lint step are run here
on a copy of the examples and docs, with the archc under test on PATH."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW: dict[Any, Any] = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
BIN = Path(sys.executable).parent


def steps() -> list[tuple[str, dict[str, Any]]]:
    return [(job, step) for job, spec in WORKFLOW["jobs"].items() for step in spec["steps"]]


def test_the_workflow_runs_on_pushes_and_pull_requests_with_the_permissions_the_action_needs() -> None:
    triggers = WORKFLOW[True] if True in WORKFLOW else WORKFLOW["on"]  # YAML 1.1 reads `on:` as true
    assert set(triggers) == {"push", "pull_request"}
    assert WORKFLOW["permissions"] == {"contents": "read", "security-events": "write"}
    for job in WORKFLOW["jobs"].values():
        assert job["steps"][0]["uses"].startswith("actions/checkout@")  # `uses: ./` needs the checkout


def test_the_local_action_is_used_with_inputs_it_has_on_every_example() -> None:
    local = [step for _, step in steps() if step.get("uses") == "./"]
    assert local, "the workflow does not use this repository's action"
    for step in local:
        assert set(step.get("with", {})) <= set(ACTION["inputs"]), step
    linted = {step["with"]["model"] for step in local}
    assert linted == {f"examples/{p.name}" for p in (ROOT / "examples").iterdir() if p.is_dir()}
    uploads = [s for s in local if str(s["with"].get("upload-sarif", ACTION["inputs"]["upload-sarif"]["default"])) == "true"]
    assert len(uploads) == 1, "code scanning takes one upload per category and run"
    sarif_files = [s["with"].get("sarif-file", ACTION["inputs"]["sarif-file"]["default"]) for s in local]
    assert len(set(sarif_files)) == len(sarif_files)


def test_the_test_job_runs_the_readme_s_ci_script() -> None:
    runs = [step["run"] for job, step in steps() if job == "test" and "run" in step]
    assert runs == [".ci/run"]
    assert os.access(ROOT / ".ci" / "run", os.X_OK)


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """What the examples job reads and checks, copied: its outputs never touch this repository."""
    for part in ("examples", "docs"):
        shutil.copytree(ROOT / part, tmp_path / part)
    return tmp_path


def _env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INPUT_", "GITHUB_"))}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra)
    return env


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_the_examples_job_works_here(checkout: Path) -> None:
    """Every step of the examples job, in order: `uses: ./` runs the action's lint script with the
    step's inputs (defaults from action.yml); `run:` scripts run in bash -e, as GitHub runs them."""
    job = WORKFLOW["jobs"]["examples"]["steps"]
    for step in job:
        if step.get("uses") == "./":
            inputs = {name: str(spec["default"]) for name, spec in ACTION["inputs"].items()}
            inputs.update({k: str(v) for k, v in step.get("with", {}).items()})
            output = checkout / "github_output"
            output.write_text("", encoding="utf-8")
            env = _env({f"INPUT_{k.upper().replace('-', '_')}": v for k, v in inputs.items()} | {"GITHUB_OUTPUT": str(output)})
            r = subprocess.run([sys.executable, str(ROOT / "ci" / "action" / "lint.py")], check=False, cwd=checkout, env=env,
                               capture_output=True, text=True, timeout=300)
            assert r.returncode == 0, r.stderr
            outputs = dict(line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines())
            assert outputs["exit-code"] == "0", (step["name"], r.stdout, r.stderr)  # the "Fail on findings" step would pass
            assert (checkout / outputs["sarif-file"]).is_file() and outputs["sarif-file"] == inputs["sarif-file"]
        elif "run" in step:
            r = subprocess.run(["bash", "-e", "-c", step["run"]], check=False, cwd=checkout, env=_env({}), capture_output=True, text=True, timeout=600)
            assert r.returncode == 0, (step["name"], r.stdout, r.stderr)
        else:
            assert step["uses"].startswith("actions/checkout@")
    assert (checkout / "out" / "sagebrush" / "manifest.json").is_file() and (checkout / "out" / "deploy.sh").is_file()
