"""Benchmark: draw the seed architecture (examples/sagebrush, ~60 resources) as DOT, PNG and SVG.

Target: a PNG of the seed renders in under 3 s, Graphviz included. Also times a synthetic model
of about 100 resources (benchmarks/synthetic.py) for scale, prints the seed overview's PNG size
in pixels and its text's effective height at a wiki's 1400 px (issue #15: it was 6273 x 3857 px,
then 4563 x 1928 px with 4.9 px text; its summary is ~2200 px wide, 10 px text), and draws a
synthetic model of BIG resources (default 5,000) as `archc diagram -f png -o` does: split per
account and VPC into parts of at most MAX_NODES nodes (it was one 293 s render, clipped at
32767 px). `--whole` also times the unsplit render of the big model (minutes).

    .venv/bin/python benchmarks/bench_diagram.py [REPEATS] [--big N] [--whole]
    .venv/bin/python benchmarks/bench_diagram.py --sizes     # only the seed's sizes and text heights
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
from archc.emitters.views import build_view, split_view
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


WIKI_PX = 1400


def pt_to_px(points: str, scale: float) -> float:
    """A font of *points* (Graphviz's unit, 1/72 in) at `graphviz.DPI`, shown at *scale*: its height in px."""
    return float(points) * graphviz.DPI / 72 * scale


def seed_sizes() -> None:
    """Each view's PNG size and what its text becomes when a wiki shows it WIKI_PX wide: the
    effective font height (em) in px of node labels and edge labels (the README's image is the
    overview; `detail` is every resource, as the overview was before it was summarised)."""
    arch = load(str(ROOT / "examples" / "sagebrush")).architecture
    for view_name in ("overview", "detail", "network"):
        width, height = graphviz.png_size(graphviz.render(build_view(arch, view_name), "png"))
        scale = min(1.0, WIKI_PX / width)
        edge_pt = graphviz.SUMMARY_EDGE_FONT if view_name == "overview" else graphviz.EDGE_FONT
        print(f"seed {view_name:8} PNG: {width} x {height} px; at {WIKI_PX} px wide (scale {scale:.2f}): node text "
              f"{pt_to_px(graphviz.NODE_FONT, scale):.1f} px, edge labels {pt_to_px(edge_pt, scale):.1f} px")
    for account in arch.accounts:
        view = build_view(arch, "overview", account=account)
        width, height = graphviz.png_size(graphviz.render(view, "png"))
        print(f"seed overview --account {account}: {len(view.nodes)} nodes, {width} x {height} px")


def big(n: int, whole: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        write(n, tmp)
        t = time.perf_counter()
        arch = load(tmp).architecture
        view = build_view(arch, "overview")
        load_s = time.perf_counter() - t
        t = time.perf_counter()
        parts = split_view(arch, view, graphviz.MAX_NODES)
        split_s = time.perf_counter() - t
        t = time.perf_counter()
        largest = (0, 0)
        for _name, part in parts:
            largest = max(largest, graphviz.png_size(graphviz.render(part, "png")))
        render_s = time.perf_counter() - t
        print(f"synthetic {len(arch.resources):,} resources, overview {len(view.nodes):,} nodes: load+view {load_s:.1f} s, "
              f"split into {len(parts)} parts (at most {max(len(p.nodes) for _, p in parts)} nodes) {split_s:.1f} s, "
              f"{len(parts)} PNGs {render_s:.1f} s ({render_s / len(parts):.2f} s each; widest {largest[0]} x {largest[1]} px)")
        if whole:
            t = time.perf_counter()
            png = graphviz.render(view, "png")
            width, height = graphviz.png_size(png)
            print(f"  unsplit PNG: {time.perf_counter() - t:.1f} s, {width} x {height} px"
                  f"{' (scaled down to fit)' if graphviz.scaled_to_fit(png) else ''}")


def main() -> int:
    args = sys.argv[1:]
    whole = "--whole" in args
    size = 5000
    if "--big" in args:
        size = int(args[args.index("--big") + 1])
        del args[args.index("--big"):args.index("--big") + 2]
    sizes_only = "--sizes" in args
    args = [a for a in args if a not in ("--whole", "--sizes")]
    repeats = int(args[0]) if args else 3
    if sizes_only:  # only the picture sizes and text heights
        seed_sizes()
        return 0
    graphviz.icon_class("vpc")  # import the diagrams provider modules once, outside the timings
    worst = bench("examples/sagebrush", str(ROOT / "examples" / "sagebrush"), repeats)
    with tempfile.TemporaryDirectory() as tmp:
        write(100, tmp)
        bench("synthetic ~100", tmp, repeats)
    seed_sizes()
    big(size, whole)
    verdict = "OK" if worst < TARGET_S else "OVER TARGET"
    print(f"seed: slowest median {worst:.3f} s (target < {TARGET_S:.0f} s, Graphviz included): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
