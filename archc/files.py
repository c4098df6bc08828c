"""Writing an output file atomically: a temporary file in the same directory, then a rename.

Every file archc writes goes through `write_atomic`: the commands (`archc.cli`) and the
``python -m archc.rules.docs`` generator. It sits below both, so neither reaches into the other.
"""

from __future__ import annotations

import errno
import os


def write_atomic(path: str, data: str | bytes) -> None:
    """Replace the file at *path* with *data*, so that a reader sees the old file or the new one.

    A symlink is followed and its target replaced (the link stays a link). A FIFO, a device or
    any other file that is not a regular file is written through, never replaced. A regular file
    is written to a temporary file beside it, then renamed over it (keeping its permissions).
    """
    import stat
    import tempfile  # not on `archc lint`'s path unless it writes a file

    target = os.path.realpath(path) if os.path.islink(path) else path
    content = data.encode("utf-8") if isinstance(data, str) else data
    tmp = None
    try:
        try:
            info: os.stat_result | None = os.stat(target)
        except FileNotFoundError:
            info = None
        if info is not None and stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
        if info is not None and not stat.S_ISREG(info.st_mode):  # /dev/stdout, a FIFO, /dev/null: write through
            with open(target, "wb") as fh:
                fh.write(content)
            return
        directory = os.path.dirname(os.path.abspath(target))
        if not os.path.isdir(directory):
            if os.path.lexists(directory):  # a file where a directory should be
                raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), directory)
            os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".archc-", suffix=".tmp", dir=directory)
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        os.chmod(tmp, stat.S_IMODE(info.st_mode) if info is not None else 0o644)
        os.replace(tmp, target)
    except BaseException as exc:
        if tmp is not None and os.path.lexists(tmp):
            os.unlink(tmp)
        if isinstance(exc, OSError):  # name the file the user asked for, not the temporary one
            raise OSError(exc.errno, exc.strerror, path) from exc
        raise
