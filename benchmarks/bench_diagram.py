"""Benchmark: draw the seed architecture (examples/sagebrush, ~60 resources) as DOT, PNG and SVG.

Target: a PNG of the seed renders in under 3 s, Graphviz included. Also times a synthetic model
of about 100 resources (benchmarks/synthetic.py) for scale.

    .venv/bin/python benchmarks/bench_diagram.py [REPEATS]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archc.emitters import graphviz
from archc.emitters.views import build_view
from archc.model.loader import load
from benchmarks.synthetic import write

TARGET_S = 3.0


def best_and_median(fn: Callable[[], Any], repeats: int) -> tuple[float, float, Any]:
    times = []
    result = None
    for _ in range(repeats):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), statistics.median(times), result


def bench(label: str, model_path: str, repeats: int) -> float:
    t = time.perf_counter()
    arch = load(model_path).architecture
    load_s = time.perf_counter() - t
    print(f"{label}: {len(arch.resources)} resources, {len(arch.connections)} connections (load {load_s * 1000:.0f} ms)")
    worst = 0.0
    for view_name in ("overview", "network"):
        for fmt in ("dot", "png", "svg"):
            def run(view_name: str = view_name, fmt: str = fmt) -> bytes:
                return graphviz.render(build_view(arch, view_name), fmt)

            best, median, data = best_and_median(run, repeats)
            worst = max(worst, median)
            print(f"  {view_name:8} {fmt:3}  best {best:6.3f} s  median {median:6.3f} s  {len(data):>9,} bytes")
    return worst


def main() -> int:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    graphviz.icon_class("vpc")  # import the diagrams provider modules once, outside the timings
    worst = bench("examples/sagebrush", str(ROOT / "examples" / "sagebrush"), repeats)
    with tempfile.TemporaryDirectory() as tmp:
        write(100, tmp)
        bench("synthetic ~100", tmp, repeats)
    verdict = "OK" if worst < TARGET_S else "OVER TARGET"
    print(f"seed: slowest median {worst:.3f} s (target < {TARGET_S:.0f} s, Graphviz included): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
