"""Whole-directory outputs: staged and swapped in, foreign files kept, locked, cleaned up when interrupted."""

from __future__ import annotations

import fcntl
import os
import stat
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archc.cli import outdir
from archc.cli.outdir import STAGE_PREFIX, write_tree


def listing(d: Path) -> dict[str, str]:
    return {p.name: (p.read_text() if p.is_file() and not p.is_symlink() else "") for p in sorted(d.iterdir())}


def test_new_files_replace_old_ones_and_foreign_files_stay(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.txt").write_text("user")
    (out / "old.json").write_text("archc")
    (out / "keep.json").write_text("replaced")
    (out / "sub").mkdir()
    (out / "sub" / "f").write_text("deep")
    os.mkfifo(out / "pipe")
    write_tree(str(out), {"keep.json": "new", "fresh.json": "x"}, lambda name, _p: name == "old.json")
    assert listing(out) == {"fresh.json": "x", "keep.json": "new", "mine.txt": "user", "pipe": "", "sub": ""}
    assert (out / "sub" / "f").read_text() == "deep" and stat.S_ISFIFO((out / "pipe").lstat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no staging directory left


def test_a_missing_directory_is_created(tmp_path: Path) -> None:
    write_tree(str(tmp_path / "a" / "b"), {"x": "1"}, lambda *_: False)
    assert (tmp_path / "a" / "b" / "x").read_text() == "1"


def test_a_symlinked_output_directory_keeps_its_link(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    write_tree(str(link), {"x": "1"}, lambda *_: False)
    assert link.is_symlink() and (real / "x").read_text() == "1"


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt, OSError])
def test_an_interrupted_write_leaves_the_old_directory_and_no_staging(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                      interrupt: type[BaseException]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.json").write_text("old")

    def boom(stage: str, real: str) -> None:
        assert Path(stage, "a.json").read_text() == "new"  # staged completely before the swap
        raise interrupt()

    monkeypatch.setattr(outdir, "_swap", boom)
    with pytest.raises(interrupt):
        write_tree(str(out), {"a.json": "new"}, lambda *_: False)
    assert listing(out) == {"a.json": "old"}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(STAGE_PREFIX)]


def test_the_swap_falls_back_to_two_renames(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outdir, "_exchange", lambda a, b: False)
    out = tmp_path / "out"
    out.mkdir()
    (out / "a").write_text("old")
    write_tree(str(out), {"a": "new"}, lambda *_: False)
    assert listing(out) == {"a": "new"} and [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_concurrent_run_waits_for_the_lock(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    fd = os.open(out, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    worker = threading.Thread(target=write_tree, args=(str(out), {"x": "1"}, lambda *_: False))
    worker.start()
    time.sleep(0.3)
    assert not (out / "x").exists()  # still waiting
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)
    worker.join(10)
    assert (out / "x").read_text() == "1"


def test_concurrent_runs_leave_one_complete_result(tmp_path: Path) -> None:
    out = tmp_path / "out"
    runs = [{f"f{i}": str(n) for i in range(20)} for n in range(4)]
    threads = [threading.Thread(target=write_tree, args=(str(out), files, lambda name, _p: name.startswith("f"))) for files in runs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    values = set(listing(out).values())
    assert len(listing(out)) == 20 and len(values) == 1  # every file from the same run
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


@pytest.mark.parametrize("bad", ["", " ", "-", ".", "/"])
def test_directories_that_may_not_be_replaced(bad: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit):
        write_tree(bad, {"x": "1"}, lambda *_: False)
    assert list(tmp_path.iterdir()) == []


def test_a_file_where_the_directory_should_be(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(SystemExit):
        write_tree(str(tmp_path / "f"), {"x": "1"}, lambda *_: False)


@given(st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), st.text(max_size=5), max_size=4),
       st.dictionaries(st.sampled_from(["a", "b", "c", "e"]), st.text(max_size=5), max_size=4),
       st.sets(st.sampled_from(["a", "b", "c", "d"])))
@settings(max_examples=60, deadline=None)
def test_the_result_is_new_files_plus_foreign_old_ones(old: dict[str, str], new: dict[str, str], ours: set[str]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        out.mkdir()
        for name, text in old.items():
            (out / name).write_bytes(text.encode("utf-8"))
        write_tree(str(out), new, lambda name, _p: name in ours)
        expected = {n: t for n, t in old.items() if n not in ours} | new
        assert {p.name: p.read_bytes().decode("utf-8") for p in out.iterdir()} == expected


def test_read_head_never_opens_a_fifo_for_long(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "p")
    assert outdir.read_head(str(tmp_path / "p")) is None
    (tmp_path / "f").write_bytes(b"abc")
    assert outdir.read_head(str(tmp_path / "f"), 2) == b"ab"
    assert outdir.read_head(str(tmp_path / "missing")) is None
