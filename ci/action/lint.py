"""The lint step of archc's GitHub Action (action.yml): lint for the log, then SARIF for code scanning.

Reads the action's inputs from ``INPUT_*`` variables, runs ``archc lint`` twice on the same model
(text into the job log, SARIF into a file), and writes ``exit-code`` and ``sarif-file`` to
``$GITHUB_OUTPUT``. It always exits 0 itself, so that the upload step runs before a later step
fails the job with archc's exit code. Only the Python standard library: it runs before and beside
archc, never inside it.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Mapping, Sequence


def lint_command(env: Mapping[str, str]) -> list[str]:
    """``archc lint`` with the model paths, --fail-on and extra args the inputs give."""
    cmd = ["archc", "lint", *env.get("INPUT_MODEL", "").split()]
    if env.get("INPUT_FAIL_ON", "").strip():
        cmd += ["--fail-on", env["INPUT_FAIL_ON"].strip()]
    cmd += shlex.split(env.get("INPUT_ARGS", ""))
    return cmd


def write_outputs(path: str | None, outputs: Mapping[str, str]) -> None:
    """Append ``name=value`` lines to the step's output file (or print them when there is none)."""
    lines = "".join(f"{k}={v}\n" for k, v in outputs.items())
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(lines)
    else:
        sys.stdout.write(lines)


def main(env: Mapping[str, str] | None = None, run: object = None) -> int:
    env = os.environ if env is None else env
    runner = subprocess.run if run is None else run
    sarif = env.get("INPUT_SARIF_FILE", "").strip() or "archc.sarif"
    base = lint_command(env)
    print(f"$ {shlex.join(base)}", flush=True)
    status = runner(base, check=False).returncode  # type: ignore[operator]
    if os.path.lexists(sarif):
        os.unlink(sarif)  # never upload a stale report
    if status in (0, 1):  # the model loaded: the same findings, as SARIF
        sarif_cmd: Sequence[str] = [*base, "--format", "sarif", "--output", sarif, "--quiet"]
        runner(sarif_cmd, check=False)  # type: ignore[operator]
    write_outputs(env.get("GITHUB_OUTPUT"), {"exit-code": str(status), "sarif-file": sarif if os.path.isfile(sarif) else ""})
    return 0


if __name__ == "__main__":
    sys.exit(main())
