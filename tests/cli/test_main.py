"""The command group: help that teaches, lazy commands, exit code 2 and no traceback on bad input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from archc.cli import COMMANDS, EXIT_BROKEN_PIPE, exit_status, main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sagebrush"


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


def test_exit_status_follows_python_for_every_systemexit_code() -> None:
    assert exit_status(None) == 0
    assert exit_status(1) == 1 and exit_status(2) == 2 and exit_status(256 + 3) == 3
    assert exit_status("archc: bad") == 1


def test_the_process_flushes_all_of_a_large_output_before_it_ends() -> None:
    # `run` ends the process with os._exit: what is still buffered must be written first.
    # The schema (~150 KB) is larger than a pipe's buffer, so the reader sees every byte only if
    # the writer flushes and waits.
    proc = subprocess.run([sys.executable, "-m", "archc", "schema"], capture_output=True, check=False)
    assert proc.returncode == 0, proc.stderr
    expected = (Path(__file__).resolve().parents[2] / "docs" / "schema.json").read_bytes()
    assert len(proc.stdout) > 65536 and proc.stdout == expected


def test_a_closed_pipe_ends_the_command_quietly_with_141() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first write: `archc rules | head -0`
    try:
        proc = subprocess.run([sys.executable, "-m", "archc", "rules"], stdout=write_end, stderr=subprocess.PIPE, check=False)
    finally:
        os.close(write_end)
    assert proc.returncode == EXIT_BROKEN_PIPE
    assert proc.stderr == b""


def test_an_output_that_cannot_be_written_exits_2_naming_the_file(tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a directory\n")
    target = blocker / "report.sarif"
    proc = subprocess.run(
        [sys.executable, "-m", "archc", "lint", str(EXAMPLE), "-f", "sarif", "-o", str(target)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 2
    assert proc.stderr == f"archc: {target}: Not a directory\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
def test_a_full_disk_behind_stdout_exits_2_without_a_traceback() -> None:
    with open("/dev/full", "wb") as full:
        proc = subprocess.run([sys.executable, "-m", "archc", "schema"], stdout=full, stderr=subprocess.PIPE, text=True, check=False)
    assert proc.returncode == 2
    assert "No space left on device" in proc.stderr and "Traceback" not in proc.stderr


def test_atexit_handlers_still_run_when_the_process_skips_teardown(tmp_path: Path) -> None:
    # a coverage tool or a logging handler registers one; `run` ends with os._exit after them
    marker = tmp_path / "ran"
    code = (
        "import atexit, pathlib, sys\n"
        f"atexit.register(pathlib.Path({str(marker)!r}).write_text, 'yes')\n"
        "sys.argv = ['archc', '--version']\n"
        "from archc.cli import run\n"
        "run()\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and proc.stdout.startswith("archc, version")
    assert marker.read_text() == "yes"


def test_ctrl_c_during_start_up_exits_130_quietly() -> None:
    code = "import os, signal, time\nimport archc.cli\nos.kill(os.getpid(), signal.SIGINT)\ntime.sleep(5)\n"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert (proc.returncode, proc.stderr) == (130, "")


def test_ctrl_c_during_a_command_exits_130_with_one_line() -> None:
    code = ("import os, signal, sys\nfrom archc.cli import run\nimport archc.model.loader as loader\n"
            "def load(path):\n    os.kill(os.getpid(), signal.SIGINT)\n"
            "loader.load = load\n"
            f"sys.argv = ['archc', 'lint', {str(EXAMPLE)!r}]\nrun()\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert (proc.returncode, proc.stderr) == (130, "archc: interrupted\n")
