"""The README's ```console examples run, and print what the README says they print.

Each ```console block runs in a fresh directory holding a copy of `examples/` and the files the
README shows under a ``<!-- file: NAME ... -->`` marker. Its ``$ `` lines run one by one in bash,
with ``archc`` on the PATH and stderr merged into stdout, as on a terminal. ``$ echo $?`` prints
the previous command's exit code. In the expected output, a line that is only ``…`` stands for
any number of lines, and ``…`` inside a line for any text.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
CONSOLE = re.compile(r"^```console\n(.*?)^```", re.DOTALL | re.MULTILINE)
FILE = re.compile(r"^<!-- file: (\S+)[^\n]*-->\n```\w*\n(.*?)^```", re.DOTALL | re.MULTILINE)
BLOCKS = CONSOLE.findall(README)


def commands(block: str) -> list[tuple[str, list[str]]]:
    """``$ cmd`` lines and the output lines that follow each."""
    out: list[tuple[str, list[str]]] = []
    for line in block.rstrip("\n").split("\n"):
        if line.startswith("$ "):
            out.append((line[2:], []))
        elif out:
            out[-1][1].append(line)
        else:
            raise AssertionError(f"README console block starts with output, not a command: {line!r}")
    return out


def _line_pattern(expected: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in expected.split("…")) + r"\Z", re.DOTALL)


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether *actual* fits *expected*, where a line ``…`` is any number of lines."""
    if not expected:
        return not actual
    head, rest = expected[0], expected[1:]
    if head == "…":
        return any(matches(rest, actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and bool(_line_pattern(head).match(actual[0])) and matches(rest, actual[1:])


def test_the_matcher_means_what_the_docstring_says() -> None:
    assert matches(["a", "…", "d"], ["a", "b", "c", "d"])
    assert matches(["a", "…", "b"], ["a", "b"])
    assert matches(["one of: a, …, z"], ["one of: a, b, c, z"])
    assert not matches(["a", "b"], ["a", "b", "c"])
    assert not matches(["a", "…", "d"], ["a", "b", "c"])
    assert not matches(["x…"], ["y"])


def test_the_readme_has_the_examples_this_test_runs() -> None:
    assert len(BLOCKS) >= 5
    assert "bad.yaml" in dict(FILE.findall(README))
    ran = [cmd for block in BLOCKS for cmd, _ in commands(block)]
    for must in ("archc lint examples/sagebrush", "archc lint broken/", "archc lint bad.yaml", "archc import examples/sagebrush-page.md -o seed.yaml"):
        assert must in ran


@pytest.fixture()
def workdir(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    for name, text in FILE.findall(README):
        (tmp_path / name).write_text(text, encoding="utf-8")
    bin_dir = tmp_path / ".bin"
    bin_dir.mkdir()
    shim = bin_dir / "archc"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m archc "$@"\n', encoding="utf-8")
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    env = {k: v for k, v in os.environ.items() if k != "ARCHC_DEBUG"}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1", LC_ALL="C.UTF-8")
    return tmp_path, env


@pytest.mark.parametrize("block", BLOCKS, ids=[commands(b)[0][0][:40] for b in BLOCKS])
def test_a_readme_console_example_prints_what_the_readme_shows(block: str, workdir: tuple[Path, dict[str, str]]) -> None:
    cwd, env = workdir
    status = 0
    for command, expected in commands(block):
        if command == "echo $?":
            actual = [str(status)]
        else:
            proc = subprocess.run(["bash", "-c", command], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
            status = proc.returncode
            actual = proc.stdout.rstrip("\n").split("\n") if proc.stdout else []
        assert matches(expected, actual), f"$ {command}\n--- README shows\n" + "\n".join(expected) + "\n--- it prints\n" + "\n".join(actual)
