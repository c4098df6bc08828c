"""Writing a command's output file: atomic for regular files, through for the rest, never over an input."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from archc.cli import main
from archc.cli.common import forget_inputs, note_input, refuse_inputs, write_atomic, write_output
from tests.conftest import EXAMPLE

MODEL = EXAMPLE / "production.yaml"


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args))
    return r.exit_code, r.stdout, r.stderr


def test_a_regular_file_is_replaced_keeping_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "r.txt"
    target.write_text("old")
    target.chmod(0o600)
    write_atomic(str(target), "new")
    assert target.read_text() == "new" and stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["r.txt"]


def test_a_symlink_stays_a_link_and_its_target_is_replaced(tmp_path: Path) -> None:
    real = tmp_path / "sub" / "real.txt"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    write_atomic(str(link), "new")
    assert link.is_symlink() and real.read_text() == "new"
    dangling = tmp_path / "dangling.txt"
    dangling.symlink_to(tmp_path / "made.txt")
    write_atomic(str(dangling), "x")
    assert dangling.is_symlink() and (tmp_path / "made.txt").read_text() == "x"


def test_a_fifo_is_written_through_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        write_atomic(str(fifo), "through the pipe")
        assert os.read(reader, 100) == b"through the pipe"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(fifo.stat().st_mode)


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="needs /dev/null")
def test_a_device_is_written_through_not_replaced() -> None:
    before = os.stat("/dev/null")
    write_atomic("/dev/null", "gone")
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and (before.st_ino, before.st_rdev) == (after.st_ino, after.st_rdev)


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError):
        write_atomic(str(tmp_path), "x")


def test_dash_is_stdout() -> None:
    code, out, _ = run("lint", str(EXAMPLE), "-f", "json", "-o", "-")
    assert code == 0 and out == "[]\n"
    assert not Path("-").exists()


def test_an_empty_output_name_is_an_error() -> None:
    code, _, err = run("lint", str(EXAMPLE), "-o", "")
    assert code == 2 and "empty name" in err


@pytest.mark.parametrize("how", ["same", "relative", "hardlink", "symlink"])
def test_an_output_that_is_an_input_is_refused(tmp_path: Path, how: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    model = tmp_path / "model"
    shutil.copytree(EXAMPLE, model)
    target = model / "production.yaml"
    before = target.read_bytes()
    monkeypatch.chdir(tmp_path)
    out = {"same": str(target), "relative": "model/../model/production.yaml", "hardlink": "h.yaml", "symlink": "s.yaml"}[how]
    if how == "hardlink":
        os.link(target, tmp_path / "h.yaml")
    if how == "symlink":
        (tmp_path / "s.yaml").symlink_to(target)
    for fmt in ("text", "json", "sarif"):
        code, _, err = run("lint", "model", "-f", fmt, "-o", out)
        assert code == 2 and "input of this command" in err
        assert target.read_bytes() == before


@given(st.lists(st.sampled_from(["a", "b", "..", "."]), min_size=1, max_size=4))
@settings(max_examples=60, deadline=None)
def test_refuse_inputs_catches_every_spelling_of_an_input(parts: list[str]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "a" / "b").mkdir(parents=True)
        model = root / "a" / "m.yaml"
        model.write_text("x")
        forget_inputs()
        note_input(str(model))
        spelled = os.path.join(str(root), *parts, "m.yaml")
        same = os.path.realpath(spelled) == str(model.resolve())
        try:
            refuse_inputs(spelled)
            refused = False
        except SystemExit:
            refused = True
        forget_inputs()
        assert refused == same


def test_write_output_writes_bytes_to_stdout(capfdbinary: pytest.CaptureFixture[bytes]) -> None:
    write_output("-", b"\x89PNG")
    assert capfdbinary.readouterr().out == b"\x89PNG"


def test_a_yaml_report_inside_the_model_directory_is_refused(tmp_path: Path) -> None:
    import shutil

    model = tmp_path / "model"
    shutil.copytree(EXAMPLE, model)
    code, _, err = run("lint", str(model), "-f", "json", "-o", str(model / "sub" / "report.yaml"))
    assert code == 2 and "read as part of the model" in err and not (model / "sub").exists()
    assert run("lint", str(model), "-f", "json", "-o", str(model / "report.json"))[0] == 0
