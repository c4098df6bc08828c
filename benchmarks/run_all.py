"""Run every benchmark script in this folder (bench_*.py) and print what each reports.

    python benchmarks/run_all.py            # or: make bench
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    status = 0
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"== {script.name}", flush=True)
        proc = subprocess.run([sys.executable, str(script)], cwd=HERE.parent, check=False)
        status |= proc.returncode
    return status


if __name__ == "__main__":
    sys.exit(main())
