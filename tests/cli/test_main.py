"""The command group: help that teaches, lazy commands, exit code 2 and no traceback on bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from archc.cli import COMMANDS, main


def test_help_lists_every_command_with_an_example() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output
    assert "archc lint examples/sagebrush" in result.output


def test_each_command_help_has_an_example() -> None:
    for name in COMMANDS:
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0, (name, result.output)
        assert "archc " + name in result.output.replace("\n", " ") or "Example" in result.output, name


def test_schema_command_prints_json() -> None:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0 and result.output.startswith("{")


def test_bad_model_exits_2_with_positions_and_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "m.yaml"
    bad.write_text("resources:\n  x: {type: subnett}\n")
    proc = subprocess.run([sys.executable, "-m", "archc", "lint", str(bad)], capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert f"{bad}:2:13: ARC103 [error] resource 'x': unknown resource type 'subnett' (did you mean 'subnet'?)" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_missing_model_path_exits_2(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "archc", "lint", str(tmp_path / "nope")], capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and "no such file or directory" in proc.stderr
