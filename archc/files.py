"""Writing an output file atomically: a temporary file in the same directory, then a rename.

Every file archc writes goes through `write_atomic`: the commands (`archc.cli`) and the
``python -m archc.rules.docs`` generator. It sits below both, so neither reaches into the other.
"""

from __future__ import annotations

import errno
import os


def write_atomic(path: str, data: str | bytes) -> None:
    """Write *data* to *path* through a temporary file in the same directory and a rename."""
    import tempfile  # not on `archc lint`'s path unless it writes a file

    directory = os.path.dirname(os.path.abspath(path))
    tmp = None
    try:
        if not os.path.isdir(directory):
            if os.path.lexists(directory):  # a file where a directory should be
                raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), directory)
            os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".archc-", suffix=".tmp", dir=directory)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as exc:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        if isinstance(exc, OSError):  # name the file the user asked for, not the temporary one
            raise OSError(exc.errno, exc.strerror, path) from exc
        raise
