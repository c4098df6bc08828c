"""Benchmark `archc build`: the cold process on the example, and how compile time grows with model
size on synthetic models (1,000, 2,000 and 5,000 resources).

    python benchmarks/bench_build.py            # everything
    python benchmarks/bench_build.py --quick    # fewer repetitions, sizes up to 2,000

Targets (issue 3): `archc build examples/sagebrush` cold < 1 s wall; a 5,000-resource model compiles
in < 10 s, linearly. Numbers are printed, never asserted.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

EXAMPLE = ROOT / "examples" / "sagebrush"
ARCHC = Path(sys.executable).parent / "archc"


def cold(n: int) -> None:
    print(f"-- cold process, {n} runs (min / median wall seconds)")
    with tempfile.TemporaryDirectory() as out:
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "archc build examples/sagebrush": [str(ARCHC), "build", str(EXAMPLE), "-o", out],
        }
        for label, cmd in commands.items():
            times = []
            for _ in range(n):
                start = time.perf_counter()
                proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
                times.append(time.perf_counter() - start)
                if proc.returncode != 0:
                    raise SystemExit(f"{label} failed ({proc.returncode}): {proc.stderr}")
            print(f"{label:34} {min(times):6.3f} {statistics.median(times):6.3f}")


def scaling(sizes: list[int], repeat: int) -> None:
    import synthetic  # benchmarks/synthetic.py (the lead's generator)

    from archc.compiler.build import compile_model
    from archc.model.loader import load

    print("-- synthetic models: load + compile + render JSON, in process (best of runs; compile CPU is process time,")
    print("   steadier than wall time when other processes share the cores)")
    print(f"{'model resources':>15} {'cfn resources':>13} {'stacks':>6} {'load s':>7} {'compile s':>9} {'compile CPU s':>13} "
          f"{'render s':>8} {'ms/resource':>11}")
    for n in sizes:
        with tempfile.TemporaryDirectory() as d:
            synthetic.write(n, d)
            best = None
            cpu = float("inf")
            for _ in range(repeat):
                t0 = time.perf_counter()
                loaded = load(d)
                t1, c1 = time.perf_counter(), time.process_time()
                build = compile_model(loaded.architecture)
                t2, c2 = time.perf_counter(), time.process_time()
                cpu = min(cpu, c2 - c1)
                files = build.files("json")
                t3 = time.perf_counter()
                run = (t1 - t0, t2 - t1, t3 - t2)
                if best is None or sum(run) < sum(best):
                    best = run
            assert best is not None and files
            count = len(loaded.architecture.resources)
            cfn = sum(len(st.units) for st in build.stacks)
            print(f"{count:15d} {cfn:13d} {len(build.stacks):6d} {best[0]:7.2f} {best[1]:9.2f} {cpu:13.2f} {best[2]:8.2f} "
                  f"{1000 * sum(best) / count:11.2f}")


def main() -> None:
    quick = "--quick" in sys.argv
    cold(3 if quick else 5)
    scaling([1000, 2000] if quick else [1000, 2000, 5000], 1 if quick else 2)


if __name__ == "__main__":
    main()
