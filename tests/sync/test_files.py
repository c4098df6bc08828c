"""`archc.sync.files` and `archc sync` on disk: the file's own layout, symlinks, refusals, the
all-or-nothing commit (with failures injected between two files), the lock, two syncs at once."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from archc.cli import main
from archc.emitters.mermaid import render
from archc.emitters.views import build_view
from archc.model.loader import load, load_text
from archc.sync import files as sync_files
from archc.sync.files import SyncError, commit, locked, read_file, read_files

ORDERS = (Path(__file__).parent / "orders.yaml").read_text()
# the same model in two files: accounts, groups and connections in one, the resources in the other
MAIN = ORDERS.split("resources:\n")[0]
RESOURCES = "defaults: {account: prod}\nresources:\n" + ORDERS.split("resources:\n")[1].split("connections:\n")[0]
CONNECTIONS = "connections:\n" + ORDERS.split("connections:\n")[1]


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args))
    return r.exit_code, r.stdout, r.stderr


def diagram(model: str, edits: dict[str, str]) -> str:
    d = render(build_view(load(model).architecture))
    for old, new in edits.items():
        assert old in d, old
        d = d.replace(old, new)
    return d


RELABEL = {'BUCKET["S3: data"]': 'BUCKET["S3: customer data"]'}


def sync(tmp_path: Path, model: Path, edits: dict[str, str] = RELABEL) -> tuple[int, str, str]:
    mmd = tmp_path / "edited.mmd"
    mmd.write_text(diagram(str(model), edits))
    return run("sync", str(mmd), str(model))


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith(".archc-sync-"))


# -- the file's own layout ------------------------------------------------------------------------


def test_a_synced_file_equals_the_lf_result_in_its_own_layout(tmp_path: Path) -> None:
    """CRLF line endings, a byte-order mark, no final newline and four-space indentation: the
    sync edits one line and every other byte stays."""
    plain = tmp_path / "plain.yaml"
    plain.write_text(ORDERS)
    assert sync(tmp_path, plain)[0] == 0
    expected = plain.read_text()
    assert expected == ORDERS.replace('label: "S3: data"', 'label: "S3: customer data"')

    def four_spaces(text: str) -> str:
        """Mappings indented by four; the connections list as it was."""
        head, conns = text.split("connections:\n")
        lines = [line[: len(line) - len(line.lstrip(" "))] * 2 + line.lstrip(" ") for line in head.split("\n")]
        return "\n".join(lines) + "connections:\n" + conns

    layouts = {
        "crlf": (ORDERS.replace("\n", "\r\n").encode(), lambda t: t.replace("\n", "\r\n").encode()),
        "bom": (b"\xef\xbb\xbf" + ORDERS.encode(), lambda t: b"\xef\xbb\xbf" + t.encode()),
        "no final newline": (ORDERS.rstrip("\n").encode(), lambda t: t.rstrip("\n").encode()),
        "four spaces": (four_spaces(ORDERS).encode(), lambda t: four_spaces(t).encode()),
    }
    for name, (raw, layout) in layouts.items():
        model = tmp_path / f"{name}.yaml"
        model.write_bytes(raw)
        code, out, err = sync(tmp_path, model)
        assert (code, out) == (0, "~ resource BUCKET: label 'S3: data' → 'S3: customer data'\n"), (name, err)
        assert model.read_bytes() == layout(expected), name


def test_read_file_knows_the_layout(tmp_path: Path) -> None:
    f = tmp_path / "m.yaml"
    f.write_bytes(b"\xef\xbb\xbfa: 1\r\nb: 2\r\n")
    m = read_file(str(f))
    assert (m.bom, m.newline, m.text) == (True, "\r\n", "a: 1\nb: 2\n")
    assert m.encode("a: 1\nb: 3\n") == b"\xef\xbb\xbfa: 1\r\nb: 3\r\n"
    f.write_bytes(b"a: 1\nb: 2\r\n")  # mostly LF: LF
    assert read_file(str(f)).newline == "\n"
    f.write_bytes(b"a: \xff\n")
    with pytest.raises(SyncError, match=r"m.yaml: cannot read: not UTF-8 \(invalid start byte at byte 3\)"):
        read_file(str(f))


def test_the_file_mode_stays(tmp_path: Path) -> None:
    model = tmp_path / "m.yaml"
    model.write_text(ORDERS)
    model.chmod(0o600)
    assert sync(tmp_path, model)[0] == 0
    assert model.stat().st_mode & 0o777 == 0o600


def test_a_symlinked_model_file_stays_a_link_and_its_target_is_replaced(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "orders.yaml").write_text(ORDERS)
    model = tmp_path / "model"
    model.mkdir()
    (model / "orders.yaml").symlink_to(real / "orders.yaml")
    code, _, err = sync(tmp_path, model)
    assert code == 0 and err.endswith(f"updated {model / 'orders.yaml'}\n")
    assert (model / "orders.yaml").is_symlink() and os.readlink(model / "orders.yaml") == str(real / "orders.yaml")
    assert 'label: "S3: customer data"' in (real / "orders.yaml").read_text()
    assert leftovers(real) == [] and leftovers(model) == []


def test_a_model_file_that_is_not_a_regular_file_is_refused(tmp_path: Path) -> None:
    model = tmp_path / "model"
    model.mkdir()
    (model / "orders.yaml").write_text(ORDERS)
    os.mkfifo(model / "pipe.yaml")
    mmd = tmp_path / "d.mmd"
    mmd.write_text(render(build_view(load_text(ORDERS).architecture)))
    assert run("sync", str(mmd), str(model)) == (
        2, "", f"archc: {model / 'pipe.yaml'}: not a regular file; archc sync writes only regular files\n"
    )
    assert (model / "orders.yaml").read_text() == ORDERS


# -- all or nothing -------------------------------------------------------------------------------


def two_files(tmp_path: Path) -> Path:
    model = tmp_path / "model"
    model.mkdir()
    (model / "a.yaml").write_text(MAIN + CONNECTIONS)
    (model / "b.yaml").write_text(RESOURCES)
    return model


def both_edited(model: Path) -> dict[str, str]:
    files = read_files([str(model / "a.yaml"), str(model / "b.yaml")])
    return {f.name: f.text.replace("title: Data stores", "title: Stores").replace("label: App role", "label: Role") for f in files}


def test_two_files_are_committed_together(tmp_path: Path) -> None:
    model = two_files(tmp_path)
    texts = both_edited(model)
    assert commit(read_files(sorted(texts)), texts) == sorted(texts)
    assert {name: Path(name).read_text() for name in texts} == texts
    assert leftovers(model) == []


@pytest.mark.parametrize("failure", [OSError(errno.EIO, "I/O error"), KeyboardInterrupt()])
def test_a_failure_between_two_file_commits_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException) -> None:
    model = two_files(tmp_path)
    before = {p: p.read_bytes() for p in model.iterdir()}
    texts = both_edited(model)
    real_replace = os.replace
    calls: list[str] = []

    def replace(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) == 2:  # the first file is in place, the second is not
            raise failure
        real_replace(src, dst)

    monkeypatch.setattr(sync_files.os, "replace", replace)
    with pytest.raises(SyncError if isinstance(failure, OSError) else KeyboardInterrupt):
        commit(read_files(sorted(texts)), texts)
    assert calls[:2] == sorted(texts) and calls[2] == min(texts)  # the first file was put back
    assert {p: p.read_bytes() for p in model.iterdir()} == before
    load(str(model))


def test_a_full_disk_while_staging_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = two_files(tmp_path)
    before = {p: p.read_bytes() for p in model.iterdir()}
    texts = both_edited(model)
    real_fsync = os.fsync
    calls = []

    def fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(sync_files.os, "fsync", fsync)
    with pytest.raises(SyncError, match=r"b.yaml: cannot write: No space left on device; nothing was written"):
        commit(read_files(sorted(texts)), texts)
    assert {p: p.read_bytes() for p in model.iterdir()} == before


def test_a_file_changed_since_it_was_read_stops_the_commit(tmp_path: Path) -> None:
    model = two_files(tmp_path)
    texts = both_edited(model)
    files = read_files(sorted(texts))
    (model / "b.yaml").write_text(RESOURCES + "  NEW: {type: sqs_queue}\n")  # an editor saves meanwhile
    before = {p: p.read_bytes() for p in model.iterdir()}
    with pytest.raises(SyncError, match=r"b.yaml: changed on disk since archc sync read it; nothing was written; run sync again"):
        commit(files, texts)
    assert {p: p.read_bytes() for p in model.iterdir()} == before


def test_the_cli_writes_a_directory_model_all_or_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = two_files(tmp_path)
    before = {p: p.read_bytes() for p in model.iterdir()}
    edits = {'BUCKET["S3: data"]': 'BUCKET["S3: customer data"]', "FN -->|Read/Write| BUCKET": "FN -->|Read| BUCKET"}
    real_replace = os.replace

    def replace(src: str, dst: str) -> None:
        if dst.endswith("b.yaml"):
            raise OSError(errno.EIO, "I/O error")
        real_replace(src, dst)

    monkeypatch.setattr(sync_files.os, "replace", replace)
    code, out, err = sync(tmp_path, model, edits)
    assert (code, out, err.splitlines()[-1]) == (2, (
        "~ resource BUCKET: label 'S3: data' → 'S3: customer data'\n"
        "~ connection FN → BUCKET: FN → BUCKET (read_write, 'Read/Write') ⇒ FN → BUCKET (read, 'Read')\n"
    ), f"archc: {model / 'b.yaml'}: cannot write: I/O error; nothing was written")
    assert {p: p.read_bytes() for p in model.iterdir()} == before
    monkeypatch.setattr(sync_files.os, "replace", real_replace)
    code, _out, err = sync(tmp_path, model, edits)
    assert code == 0 and err.endswith(f"updated {model / 'a.yaml'}\nupdated {model / 'b.yaml'}\n")


# -- one sync at a time ---------------------------------------------------------------------------


def test_a_second_sync_waits_for_the_lock_then_gives_up(tmp_path: Path) -> None:
    with locked(str(tmp_path)) as path:
        assert path == str(tmp_path)  # the directory itself is locked: no lock file
        start = time.monotonic()
        with (
            pytest.raises(SyncError, match=r"m.yaml: another archc sync is writing this model; nothing was written; try again"),
            locked(str(tmp_path / "m.yaml"), wait=0.2),
        ):
            pass
        assert time.monotonic() - start >= 0.2
    with locked(str(tmp_path), wait=0):  # released
        pass


def test_the_cli_says_so_when_another_sync_holds_the_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = tmp_path / "orders.yaml"
    model.write_text(ORDERS)
    monkeypatch.setattr(sync_files, "LOCK_WAIT_S", 0.1)
    with locked(str(model)):
        code, out, err = sync(tmp_path, model)
        assert (code, out, err) == (2, "", f"archc: {model}: another archc sync is writing this model; nothing was written; try again\n")
        mmd = tmp_path / "edited.mmd"
        assert run("sync", str(mmd), str(model), "--check")[0] == 1  # --check writes nothing: it takes no lock
    assert model.read_text() == ORDERS


def test_two_concurrent_syncs_run_one_after_the_other_and_lose_nothing_silently(tmp_path: Path) -> None:
    """Two processes sync two different edits of one model at once. The lock makes the second read
    what the first wrote, so its diff says it undoes the first edit (the diagram is what the model
    must say) instead of both reporting one change while one edit is silently lost."""
    model = tmp_path / "orders.yaml"
    model.write_text(ORDERS)
    edits = {
        "bucket": {'BUCKET["S3: data"]': 'BUCKET["S3: customer data"]'},
        "queue": {'QUEUE["SQS: jobs"]': 'QUEUE["SQS: work"]'},
    }
    for name, edit in edits.items():
        (tmp_path / f"{name}.mmd").write_text(diagram(str(model), edit))
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    with locked(str(model)):  # both start while the lock is held, so they contend for it
        procs = {
            name: subprocess.Popen([sys.executable, "-m", "archc", "sync", str(tmp_path / f"{name}.mmd"), str(model)],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
            for name in edits
        }
        time.sleep(1.0)
    results = {name: p.communicate(timeout=60) for name, p in procs.items()}
    assert {name: p.returncode for name, p in procs.items()} == {"bucket": 0, "queue": 0}, results
    bucket = "~ resource BUCKET: label 'S3: data' → 'S3: customer data'\n"
    queue = "~ resource QUEUE: label 'SQS: jobs' → 'SQS: work'\n"
    undo_bucket = "~ resource BUCKET: label 'S3: customer data' → 'S3: data'\n"
    undo_queue = "~ resource QUEUE: label 'SQS: work' → 'SQS: jobs'\n"
    outs = {name: out for name, (out, _) in results.items()}
    assert outs in ({"bucket": bucket, "queue": queue + undo_bucket}, {"queue": queue, "bucket": undo_queue + bucket})  # diagram order
    last = "queue" if outs["queue"] != queue else "bucket"
    assert run("sync", str(tmp_path / f"{last}.mmd"), str(model), "--check")[0] == 0


def test_a_model_that_does_not_load_is_reported_as_every_command_reports_it(tmp_path: Path) -> None:
    mmd = tmp_path / "d.mmd"
    mmd.write_text(render(build_view(load_text(ORDERS).architecture)))
    broken = tmp_path / "broken.yaml"
    broken.write_text(ORDERS.replace("role: ROLE", "role: NOPE"))
    for model in (broken, tmp_path / "empty"):
        if model.name == "empty":
            model.mkdir()
        assert run("sync", str(mmd), str(model)) == run("lint", str(model))[:1] + ("", run("lint", str(model))[2])
