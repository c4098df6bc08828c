"""MODEL arguments: several paths and globs make one model; `-` reads stdin; errors exit 2."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from archc.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _in_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "examples" / "sagebrush", tmp_path / "sb")
    monkeypatch.chdir(tmp_path)


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args), input=stdin)
    return r.exit_code, r.stdout, r.stderr


def test_several_files_and_a_glob_make_one_model() -> None:
    whole = run("lint", "sb", "-f", "json")
    parts = run("lint", "sb/architecture.yaml", "sb/production.yaml", "sb/[hm]*.yaml", "-f", "json")
    assert whole == parts
    assert whole[0] == 0


def test_a_missing_part_is_a_model_error_not_silence() -> None:
    code, out, err = run("lint", "sb/architecture.yaml", "sb/production.yaml")
    assert code == 2 and out == ""
    assert "'HK_ROLE', which is not a resource" in err  # housekeeping.yaml was not given
    assert "sb/architecture.yaml sb/production.yaml: " in err and "in the model; nothing was done" in err


def test_a_glob_that_matches_nothing_and_a_missing_path() -> None:
    code, _, err = run("lint", "nowhere/*.yaml")
    assert (code, err) == (2, "archc: nowhere/*.yaml: no file or directory matches\n")
    code, _, err = run("lint", "sb", "missing.yaml")
    assert (code, err) == (2, "archc: missing.yaml: no such file or directory\n")


def test_stdin() -> None:
    text = (ROOT / "archc" / "templates" / "init" / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace("{{name}}", "piped").replace("{{dir}}", "-")
    assert run("lint", "-", stdin=text) == (0, "All checks passed.\n", "")
    code, out, err = run("lint", "-", stdin=text.replace("role: worker_role", "role: wrk_role"))
    assert code == 2 and out == ""
    assert err.startswith("<stdin>:")
    assert "archc: <stdin>: 1 error in the model; nothing was done" in err


def test_stdin_does_not_mix_with_paths() -> None:
    code, _, err = run("lint", "-", "sb", stdin="")
    assert code == 2 and "cannot be combined" in err


def test_build_and_diagram_read_a_model_on_stdin(tmp_path: Path) -> None:
    text = (ROOT / "archc" / "templates" / "init" / "minimal.yaml").read_text(encoding="utf-8").replace("{{name}}", "piped")
    code, out, err = run("build", "-", "-o", "out", stdin=text)
    assert code == 0, err
    assert out == "1. piped-main-us-west-2: 13 resources → out/piped-main-us-west-2.json\n"
    code, out, _ = run("diagram", "-", "-f", "mermaid", stdin=text)
    assert code == 0 and out.startswith("graph TB\n")
    code, _, err = run("build", "-", "-o", "out2", stdin=text.replace("role: worker_role", "role: nobody"))
    assert code == 2 and "archc: <stdin>: 1 error in the model; nothing was done" in err
    assert not (tmp_path / "out2").exists()


def test_sync_never_takes_stdin_for_the_files_it_rewrites() -> None:
    (Path.cwd() / "d.mmd").write_text("graph TB\n  a --> b\n", encoding="utf-8")
    code, _, err = run("sync", "d.mmd", "-", stdin="archc: 1\n")
    assert code == 2 and "'-' does not exist" in err
