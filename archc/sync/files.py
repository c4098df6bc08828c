"""A model's files as `archc sync` reads and writes them: all or nothing, one sync at a time.

- `read_files` reads each file's bytes once and remembers its layout (a UTF-8 byte-order mark,
  CRLF or LF line endings) so that the texts `apply` edits are plain LF text and what is written
  back keeps the file's own layout. A symlink is followed: the file it points to is the one
  written, and the link stays a link. Anything but a regular file is refused.
- `locked` holds an advisory lock (``fcntl.flock`` on the model's directory) so that two syncs of one model run one after the other, each reading what the other
  wrote; a sync that cannot get it within a few seconds stops, having written nothing.
- `commit` stages every new file beside its target, checks that no file changed since it was
  read, then renames the staged files into place; if anything fails before the last rename, the
  files already replaced get their old contents back (from hard links made before the renames),
  so the model on disk is the old one or the new one, never a mix.
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

BOM = b"\xef\xbb\xbf"
LOCK_WAIT_S = 10.0  # how long a sync waits for another sync of the same model


class SyncError(Exception):
    """A file sync cannot read or write; the message names it and says nothing was written."""


@dataclass(frozen=True, slots=True)
class ModelFile:
    name: str  # as the model names it
    path: str  # the regular file behind it (a symlink followed)
    raw: bytes  # the bytes read
    mode: int  # its permission bits, for the file that replaces it
    bom: bool
    newline: str  # "\r\n" when most lines end so, else "\n"

    @property
    def text(self) -> str:
        """The file's text with ``\\n`` line endings and no byte-order mark (what the loader sees)."""
        body = self.raw[len(BOM):] if self.bom else self.raw
        return body.decode("utf-8").replace("\r\n", "\n")

    def encode(self, text: str) -> bytes:
        """*text* (``\\n`` line endings) in this file's layout."""
        if self.newline != "\n":
            text = text.replace("\n", self.newline)
        return (BOM if self.bom else b"") + text.encode("utf-8")


def read_file(name: str) -> ModelFile:
    path = os.path.realpath(name)
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise SyncError(f"{name}: not a regular file; archc sync writes only regular files")
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise SyncError(f"{name}: cannot read: {exc.strerror or exc}") from exc
    bom = raw.startswith(BOM)
    crlf = raw.count(b"\r\n")
    newline = "\r\n" if crlf > raw.count(b"\n") - crlf else "\n"
    f = ModelFile(name, path, raw, stat.S_IMODE(st.st_mode), bom, newline)
    try:
        f.text  # noqa: B018 - decodes, or says why not
    except UnicodeDecodeError as exc:
        raise SyncError(f"{name}: cannot read: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    return f


def read_files(names: list[str]) -> list[ModelFile]:
    return [read_file(name) for name in names]


@contextlib.contextmanager
def locked(model: str, wait: float | None = None) -> Iterator[str]:
    """Hold the sync lock of the model at *model* (a file or a directory): an advisory lock on the
    model's directory (the directory itself, so no lock file is left behind); yields its path.
    Waits up to *wait* seconds (default `LOCK_WAIT_S`) for another sync to finish, then gives up
    (`SyncError`)."""
    import fcntl

    directory = model if os.path.isdir(model) else os.path.dirname(os.path.abspath(model))
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError as exc:
        raise SyncError(f"{model}: cannot lock {directory}: {exc.strerror or exc}; nothing was written") from exc
    try:
        deadline = time.monotonic() + (LOCK_WAIT_S if wait is None else wait)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise SyncError(f"{model}: another archc sync is writing this model; nothing was written; try again") from None
                time.sleep(0.05)
        yield directory
    finally:
        os.close(fd)  # releases the lock


def _unique(directory: str, suffix: str, make: Callable[[str], None]) -> str:
    """Make a new file ``.archc-sync-…<suffix>`` in *directory* with *make* (which must fail when
    the name exists); its path."""
    import secrets

    while True:
        path = os.path.join(directory, f".archc-sync-{os.getpid()}-{secrets.token_hex(4)}{suffix}")
        try:
            make(path)
            return path
        except FileExistsError:
            continue


def _stage(target: str, data: bytes, mode: int) -> str:
    """*data* in a new file beside *target*, on disk (fsync), with *mode*; its path."""

    def make(path: str) -> None:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        except BaseException:
            os.unlink(path)
            raise
        os.chmod(path, mode)

    return _unique(os.path.dirname(target), ".tmp", make)


def _backup(f: ModelFile) -> str:
    """A second name for *f*'s current contents (a hard link; a copy where links are refused)."""
    try:
        return _unique(os.path.dirname(f.path), ".bak", lambda path: os.link(f.path, path))
    except OSError:
        return _stage(f.path, f.raw, f.mode)


def _unchanged(f: ModelFile) -> None:
    try:
        st = os.stat(f.path)
        with open(f.path, "rb") as fh:
            now = fh.read() if stat.S_ISREG(st.st_mode) else None
    except OSError:
        now = None
    if now != f.raw:
        raise SyncError(f"{f.name}: changed on disk since archc sync read it; nothing was written; run sync again")


def commit(files: list[ModelFile], texts: dict[str, str]) -> list[str]:
    """Write *texts* (file name → new text) over *files*, all or nothing; the names written."""
    changed = [f for f in files if f.name in texts]
    staged: list[tuple[ModelFile, str]] = []
    backups: list[str] = []
    done: list[tuple[ModelFile, str]] = []
    current = changed[0] if changed else None  # the file being staged or replaced, for the message
    try:
        for current in changed:
            staged.append((current, _stage(current.path, current.encode(texts[current.name]), current.mode)))
        for current in changed:
            _unchanged(current)
        for current in changed:
            backups.append(_backup(current))
        for (current, tmp), bak in zip(staged, backups, strict=True):
            os.replace(tmp, current.path)
            done.append((current, bak))
    except BaseException as exc:
        for f, bak in reversed(done):
            os.replace(bak, f.path)
            backups.remove(bak)
        if isinstance(exc, OSError) and current is not None:
            raise SyncError(f"{current.name}: cannot write: {exc.strerror or exc}; nothing was written") from exc
        raise
    finally:
        for _, tmp in staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        for bak in backups:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(bak)
    for directory in sorted({os.path.dirname(f.path) for f in changed}):
        with contextlib.suppress(OSError):
            fd = os.open(directory, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    return [f.name for f in changed]
