"""Write a command's whole output directory at once: stage, then swap (`archc build`, `archc docs`).

Readers of the directory see the old files or the new ones, never a mix: the new contents are
written to a hidden staging directory beside it, which then takes the directory's place in one
rename (Linux's ``renameat2(RENAME_EXCHANGE)``; elsewhere two renames). Files archc did not write
are carried over as hard links (a FIFO or a device file is never opened); files it wrote earlier
and no longer produces are left out. A lock on the directory makes a concurrent run wait its turn,
and an interrupted run (Ctrl-C, SIGTERM) removes its staging directory.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import sys
import time
from collections.abc import Callable, Mapping

from archc.cli.common import fail, refuse_inputs

LOCK_WAIT_SECONDS = 60.0
STAGE_PREFIX = ".archc-stage-"


def check_output_dir(outdir: str, option: str = "-o", yaml_files: bool = False) -> str:
    """The real path of *outdir*, or exit 2 when it may not be replaced as a whole."""
    if not outdir.strip():
        fail(f"{option}: an empty name is not a directory; name the output directory")
    if outdir == "-":
        fail(f"{option}: this command writes several files: name a directory, not '-' (stdout)")
    real = os.path.realpath(outdir)
    if os.path.lexists(real) and not os.path.isdir(real):
        fail(f"{outdir}: exists and is not a directory")
    cwd = os.path.realpath(os.getcwd())
    if real == os.path.dirname(real) or cwd == real or cwd.startswith(real.rstrip(os.sep) + os.sep):
        fail(f"{outdir}: the output directory is replaced as a whole, so it may not be the working directory or one "
             "that contains it; name a directory of its own, such as out/")
    refuse_inputs(outdir, directory=True, yaml_files=yaml_files)
    return real


def read_head(path: str, size: int = 2048) -> bytes | None:
    """The first bytes of *path* when it is a regular file (never blocks on a FIFO), else None."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return os.read(fd, size)
    except OSError:
        return None
    finally:
        os.close(fd)


def write_tree(outdir: str, files: Mapping[str, str | bytes], was_ours: Callable[[str, str], bool], yaml_files: bool = False) -> None:
    """Make *outdir* hold *files* (name → contents) plus what archc did not write there.

    ``was_ours(name, path)`` says whether an existing entry is an earlier output of archc: those
    not in *files* are dropped. Everything else is kept.
    """
    real = check_output_dir(outdir, yaml_files=yaml_files)
    parent = os.path.dirname(real)
    os.makedirs(real, exist_ok=True)
    if True:  # SIGTERM raises `Terminated` while a command runs (archc.cli.LazyGroup): `finally` cleans up
        lock = _lock(real, outdir)
        stage = None
        try:
            import tempfile

            stage = tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=parent)
            os.chmod(stage, stat.S_IMODE(os.stat(real).st_mode))
            _carry_over(real, stage, files, was_ours)
            for name in sorted(files):
                data = files[name]
                with open(os.path.join(stage, name), "xb") as fh:
                    fh.write(data.encode("utf-8") if isinstance(data, str) else data)
                os.chmod(os.path.join(stage, name), 0o644)
            _swap(stage, real)  # the old contents are now at `stage`
        except OSError as exc:
            if exc.filename and stage and str(exc.filename).startswith(stage):
                raise OSError(exc.errno, exc.strerror, outdir) from exc
            raise
        finally:
            if stage is not None and os.path.lexists(stage):
                shutil.rmtree(stage, ignore_errors=True)
            os.close(lock)


def _carry_over(real: str, stage: str, files: Mapping[str, str | bytes], was_ours: Callable[[str, str], bool]) -> None:
    with os.scandir(real) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.name in files or was_ours(entry.name, entry.path):
                continue
            target = os.path.join(stage, entry.name)
            if entry.is_dir(follow_symlinks=False):
                shutil.copytree(entry.path, target, symlinks=True, copy_function=_link_or_copy)
            else:
                _link_or_copy(entry.path, target)


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst, follow_symlinks=False)
    except OSError:
        if os.path.islink(src):
            os.symlink(os.readlink(src), dst)
        elif stat.S_ISREG(os.lstat(src).st_mode):
            shutil.copy2(src, dst)
        else:  # a FIFO or device that cannot be linked (another file system): recreate, never open
            info = os.lstat(src)
            os.mknod(dst, info.st_mode, info.st_rdev)


def _lock(real: str, shown: str) -> int:
    """An exclusive lock on the directory now at *real* (re-taken if a concurrent run swapped it)."""
    import fcntl

    waited = False
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        os.makedirs(real, exist_ok=True)
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if time.monotonic() > deadline:
                fail(f"{shown}: another archc process is still writing this directory (waited {LOCK_WAIT_SECONDS:.0f} s)")
            if not waited:
                print(f"archc: {shown}: waiting for another archc process writing this directory", file=sys.stderr)
                waited = True
            time.sleep(0.05)
            continue
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(real))
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)  # the other run replaced the directory: lock the new one


def _swap(stage: str, real: str) -> None:
    """Exchange the two directories in one step where the system can; else two renames."""
    if _exchange(stage, real):
        return
    old = stage + ".old"
    os.rename(real, old)
    try:
        os.rename(stage, real)
    except BaseException:
        os.rename(old, real)
        raise
    os.rename(old, stage)


def _exchange(a: str, b: str) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EPERM, errno.ENOTSUP):  # file system without exchange
        return False
    raise OSError(err, os.strerror(err), b)
