"""`archc build` output directory: what it deletes, where it refuses to write, signals, warnings."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from archc.cli import main
from archc.cli.outdir import STAGE_PREFIX
from tests.conftest import EXAMPLE


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args))
    return r.exit_code, r.stdout, r.stderr


def test_a_manifest_archc_did_not_write_never_deletes_anything(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "victim.txt").write_text("precious")
    (out / "other.json").write_text('{"Description": "not ours"}')
    (out / "manifest.json").write_text(json.dumps({"archc": 1, "stacks": [{"template": "victim.txt"}, {"template": "other.json"},
                                                                          {"template": "../outside.txt"}]}))
    (tmp_path / "outside.txt").write_text("also precious")
    code, _, err = run("build", str(EXAMPLE), "-o", str(out))
    assert code == 0, err
    assert (out / "victim.txt").read_text() == "precious" and (out / "other.json").exists()
    assert (tmp_path / "outside.txt").read_text() == "also precious"


def test_templates_of_an_earlier_build_are_replaced_and_stale_ones_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("build", str(EXAMPLE), "-o", str(out))[0] == 0
    first = sorted(p.name for p in out.iterdir())
    manifest = json.loads((out / "manifest.json").read_text())
    stale = out / "sagebrush-gone-us-east-1.json"
    shutil.copy(out / manifest["stacks"][0]["template"], stale)
    manifest["stacks"].append({"template": stale.name})
    (out / "manifest.json").write_text(json.dumps(manifest))
    assert run("build", str(EXAMPLE), "-o", str(out))[0] == 0
    assert sorted(p.name for p in out.iterdir()) == first
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


@pytest.mark.parametrize("where", ["''", "'.'", "model", "model/out --format yaml", "model/.."])
def test_output_directories_that_would_destroy_inputs_or_the_working_directory(where: str, tmp_path: Path,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    model = tmp_path / "model"
    shutil.copytree(EXAMPLE, model)
    before = {p.name: p.read_bytes() for p in model.iterdir()}
    monkeypatch.chdir(tmp_path)
    out, *rest = where.split(" ", 1)
    code, _, err = run("build", "model", "-o", out.strip("'"), *(rest[0].split() if rest else []))
    assert code == 2 and err.startswith("archc: ") and "Traceback" not in err
    assert {p.name: p.read_bytes() for p in model.iterdir()} == before


def test_a_fifo_in_the_output_directory_does_not_hang_and_stays(tmp_path: Path) -> None:
    import os
    import stat

    out = tmp_path / "out"
    out.mkdir()
    os.mkfifo(out / "manifest.json")  # the name archc reads for an earlier build
    proc = subprocess.run([sys.executable, "-m", "archc", "build", str(EXAMPLE), "-o", str(out)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert stat.S_ISREG((out / "manifest.json").lstat().st_mode)  # replaced by the real manifest, never opened


def test_sigterm_during_the_write_cleans_up_and_exits_143(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code = textwrap.dedent(f"""
        import os, signal, sys
        from archc.cli import outdir, run
        def swap(stage, real):
            os.kill(os.getpid(), signal.SIGTERM)
        outdir._swap = swap
        sys.argv = ["archc", "build", {str(EXAMPLE)!r}, "-o", {str(out)!r}]
        run()
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 143, proc.stderr
    assert "Traceback" not in proc.stderr
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(STAGE_PREFIX)]
    assert list(out.iterdir()) == []


def test_troposphere_warnings_never_reach_the_user() -> None:
    proc = subprocess.run([sys.executable, "-W", "always", "-m", "archc", "build", str(EXAMPLE), "-o", "/dev/null/x"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert "Warning" not in proc.stderr


def test_json_templates_may_go_inside_the_model_directory(tmp_path: Path) -> None:
    model = tmp_path / "model"
    shutil.copytree(EXAMPLE, model)
    assert run("build", str(model), "-o", str(model / "out"))[0] == 0
    assert run("lint", str(model))[0] == 0  # the templates are not read as model files
