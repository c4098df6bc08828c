"""MODEL arguments: several paths and globs making one model, ``-`` for stdin, or the configured model.

Every path names a YAML file or a directory of them; a glob (``arch/*.yaml``, ``infra/**/model``)
names what it matches. All the files together make one model, as a directory's files do.
"""

from __future__ import annotations

import glob
import os
import sys
from collections.abc import Sequence
from typing import Any

from archc.cli.common import fail, load_model, load_or_diagnostics, note_input

STDIN = "-"
STDIN_NAME = "<stdin>"
GLOB_CHARS = frozenset("*?[")


def expand(paths: Sequence[str], keep_missing: bool = False) -> list[str]:
    """*paths* with globs expanded (sorted), duplicates dropped; exits 2 on a path that names nothing
    (with *keep_missing*, a missing plain path stays, for the loader to report)."""
    out: list[str] = []
    for path in paths:
        if path == STDIN:
            matches = [STDIN]
        elif not os.path.lexists(path) and GLOB_CHARS & set(path):
            matches = sorted(glob.glob(path, recursive=True))
            if not matches:
                fail(f"{path}: no file or directory matches")
        elif not os.path.exists(path) and not keep_missing:
            fail(f"{path}: no such file or directory")
        else:
            matches = [path]
        out += [m for m in matches if m not in out]
    if out.count(STDIN) and len(out) > 1:
        fail("`-` (the model on stdin) cannot be combined with other MODEL paths")
    return out


def load_models(paths: Sequence[str], keep_errors: bool = False) -> Any:
    """Load the one model made of every file under *paths* (a `LoadedModel`), or exit 2 — or, with
    *keep_errors*, return the list of diagnostics that say why it does not load."""
    from archc.diagnostics import ModelError
    from archc.model.loader import load_texts, model_files

    if len(paths) == 1 and paths[0] != STDIN:
        return load_or_diagnostics(paths[0]) if keep_errors else load_model(paths[0])
    shown = " ".join(STDIN_NAME if p == STDIN else p for p in paths)
    try:
        if list(paths) == [STDIN]:
            loaded = load_texts([(STDIN_NAME, sys.stdin.read())])
        else:
            files: list[str] = []
            for path in paths:
                note_input(path)
                files += [f for f in model_files(path) if f not in files]
            texts = []
            for name in files:
                with open(name, encoding="utf-8") as fh:
                    texts.append((name, fh.read()))
            loaded = load_texts(texts)
    except ModelError as exc:
        if keep_errors:
            return exc.diagnostics
        n = len(exc.diagnostics)
        fail(f"{shown}: {n} error{'s' if n != 1 else ''} in the model; nothing was done", exc.diagnostics)
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"cannot read the model: {exc}")
    for name in loaded.files:
        if name != STDIN_NAME:
            note_input(name)
    return loaded
