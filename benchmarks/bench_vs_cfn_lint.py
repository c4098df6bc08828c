"""archc against the tools its users compare it with, as cold processes (what pre-commit and CI pay):

- `archc lint` of a one-resource model against `cfn-lint` of the one-resource template it builds;
- `archc lint examples/sagebrush` against `cfn-lint` of the seed's build output (every template);
- `archc build examples/sagebrush`, cold, for the CDK comparison — which needs a CDK app of the
  same page and `cdk synth`; no such app or script is in this repository, so that side is reported
  as not measured rather than guessed.

    python benchmarks/bench_vs_cfn_lint.py            # 5 runs each
    python benchmarks/bench_vs_cfn_lint.py --runs 10

A tool that is not installed is skipped with a message. Numbers are printed, never asserted.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ARCHC = str(BIN / "archc")
SEED = "examples/sagebrush"

ONE_RESOURCE_MODEL = """\
archc: 1
name: one
accounts:
  main: {id: "123456789012", name: Main, region: us-west-2}
resources:
  data_key: {type: kms_key}
"""


def tool(name: str) -> str | None:
    """*name* beside this Python (the project's venv), else on PATH; None when it is not installed."""
    here = BIN / name
    return str(here) if here.exists() else shutil.which(name)


def templates(directory: Path) -> list[str]:
    """The CloudFormation templates `archc build` wrote to *directory* (not its manifest)."""
    return sorted(p for p in glob.glob(str(directory / "*.json")) if os.path.basename(p) != "manifest.json")


def timed(cmd: list[str], runs: int, cwd: Path) -> tuple[float, float, int]:
    """(min, median) wall seconds of *runs* cold runs of *cmd*, and its exit code."""
    times, code = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        code = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False).returncode
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times), code


def row(label: str, result: tuple[float, float, int] | None, note: str = "") -> None:
    if result is None:
        print(f"{label:<58} {'—':>7}   {note}")
    else:
        lo, med, code = result
        print(f"{label:<58} {lo:7.3f} / {med:7.3f}  (exit {code}){'  ' + note if note else ''}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    import compileall

    compileall.compile_dir(str(ROOT / "archc"), quiet=1)  # as a regular install has it (see bench_lint.py)
    cfn_lint = tool("cfn-lint")
    with tempfile.TemporaryDirectory(prefix="archc-bench-") as tmp:
        work = Path(tmp)
        (work / "one.yaml").write_text(ONE_RESOURCE_MODEL, encoding="utf-8")
        for model, out in (("one.yaml", "one"), (str(ROOT / SEED), "seed")):
            subprocess.run([ARCHC, "build", model, "-o", out], cwd=work, check=True, stdout=subprocess.DEVNULL)
        one_templates, seed_templates = templates(work / "one"), templates(work / "seed")
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"-- cold processes, {runs} runs each: min / median wall seconds "
              f"(this machine: {os.cpu_count()} cores, load average {load:.1f} at the start)")
        row("archc lint one.yaml (1 resource)", timed([ARCHC, "lint", "one.yaml"], runs, work))
        one_cfn = timed([cfn_lint, *one_templates], runs, work) if cfn_lint else None
        row(f"cfn-lint on its template ({len(one_templates)} file{'s' if len(one_templates) != 1 else ''}, 1 resource)", one_cfn,
            "" if cfn_lint else "cfn-lint is not installed (pip install cfn-lint): skipped")
        row(f"archc lint {SEED}", timed([ARCHC, "lint", str(ROOT / SEED)], runs, work))
        seed_cfn = timed([cfn_lint, *seed_templates], runs, work) if cfn_lint else None
        row(f"cfn-lint on its build ({len(seed_templates)} templates)", seed_cfn,
            "" if cfn_lint else "cfn-lint is not installed: skipped")
        row(f"archc build {SEED} (cold)", timed([ARCHC, "build", str(ROOT / SEED), "-o", "rebuild"], runs, work))
        cdk = tool("cdk")
        row("cdk synth of the same page", None,
            "not measured: no CDK app of the Sagebrush page is in this repository"
            + ("" if cdk else "; the cdk CLI is not installed either"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
