"""`archc lint` with a configuration file, --quiet/--verbose, colour and shell completion."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from archc.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project whose model has one ARC201 error (PRIV_1B has no route) and a sub-directory to work in."""
    shutil.copytree(ROOT / "examples" / "sagebrush", tmp_path / "architecture")
    prod = tmp_path / "architecture" / "production.yaml"
    prod.write_text(prod.read_text(encoding="utf-8").replace(", default_route: NAT_B", "", 1), encoding="utf-8")
    (tmp_path / "src").mkdir()
    monkeypatch.chdir(tmp_path / "src")
    return tmp_path


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args))
    return r.exit_code, r.stdout, r.stderr


def codes(out: str) -> list[str]:
    return [f["code"] for f in json.loads(out)]


def test_the_configured_model_and_settings_apply_from_a_subdirectory(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.archc]\nmodel = "architecture"\nformat = "json"\nselect = ["ARC2"]\n', encoding="utf-8")
    code, out, _ = run("lint")
    assert code == 1
    assert codes(out) == ["ARC201"]


def test_command_line_options_win(project: Path) -> None:
    (project / ".archc.yaml").write_text("model: architecture\nformat: json\nignore: [ARC201]\nfail-on: info\n", encoding="utf-8")
    assert run("lint") == (0, "[]\n", "")
    code, out, _ = run("lint", "--ignore", "ARC113", "-f", "text", "--fail-on", "error")
    assert code == 1 and "ARC201 [error]" in out
    code, out, _ = run("lint", "../architecture/production.yaml", "../architecture/architecture.yaml",
                       "../architecture/housekeeping.yaml", "../architecture/management.yaml", "--ignore", "")
    assert code == 1 and codes(out) == ["ARC201"]  # the paths given win over `model`; `--ignore ""` over `ignore`
    assert json.loads(out)[0]["file"] == "../architecture/production.yaml"


def test_a_broken_configuration_exits_2_and_names_the_key(project: Path) -> None:
    (project / ".archc.yaml").write_text("modle: architecture\n", encoding="utf-8")
    code, out, err = run("lint", "../architecture")
    assert (code, out) == (2, "")
    assert err == (f"archc: {project / '.archc.yaml'}:1:1: unknown key 'modle' (did you mean 'model'?); the keys are model, select, "
                   "ignore, fail-on, format, and the sections build, diagram, docs, deploy-plan\n")


def test_an_explicit_config_file(project: Path) -> None:
    other = project / "ci.yaml"
    other.write_text("model: architecture\nselect: ARC201\n", encoding="utf-8")
    code, out, err = run("lint", "--config", str(other), "-v")
    assert code == 1 and "ARC201" in out
    assert f"archc: configuration: {other} (model, select)" in err


def test_no_model_anywhere_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run("lint", "--config", os.devnull)
    assert code == 2 and "no MODEL given" in err


def test_quiet_prints_only_the_findings_and_verbose_says_more(project: Path) -> None:
    code, out, err = run("lint", "../architecture", "-q")
    assert code == 1
    assert out.startswith("../architecture/production.yaml:21:3: ARC201 [error]") and "Found" not in out
    assert run("lint", "../architecture", "-q", "--select", "ARC3") == (0, "", "")
    code, out, err = run("lint", "../architecture", "-v", "--config", os.devnull)
    assert "archc: model: " in err and "Found 1 problem" in out


def test_colour_only_on_a_terminal_or_when_forced(project: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    cmd = [sys.executable, "-m", "archc", "lint", "../architecture"]
    plain = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    assert "\x1b[" not in plain.stdout and "ARC201 [error]" in plain.stdout
    forced = subprocess.run(cmd, env={**env, "FORCE_COLOR": "1"}, capture_output=True, text=True, check=False)
    assert "\x1b[31m" in forced.stdout and forced.returncode == 1
    refused = subprocess.run(cmd, env={**env, "FORCE_COLOR": "1", "NO_COLOR": "1"}, capture_output=True, text=True, check=False)
    assert refused.stdout == plain.stdout


def test_shell_completion_completes_commands_and_options() -> None:
    env = {"_ARCHC_COMPLETE": "bash_complete", "COMP_WORDS": "archc li", "COMP_CWORD": "1"}
    r = CliRunner().invoke(main, [], prog_name="archc", env=env)
    assert "plain,lint" in r.stdout.split("\n")
    env = {"_ARCHC_COMPLETE": "bash_complete", "COMP_WORDS": "archc init --tem", "COMP_CWORD": "2"}
    r = CliRunner().invoke(main, [], prog_name="archc", env=env)
    assert "plain,--template" in r.stdout.split("\n")
