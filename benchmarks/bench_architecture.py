"""Benchmark: parse and write a generated 10,000-edge Mermaid architecture-beta diagram, and draw
and import the synthetic model of about 1,000 resources (benchmarks/synthetic.py) as one.

.venv/bin/python benchmarks/bench_architecture.py [EDGES]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archc.mermaid.architecture import parse, write

ICONS = ["server", "database", "disk", "internet", "cloud", "logos:aws-lambda"]
ARROWS = ["--", "-->", "<--", "<-->", "-[reads]->"]
SIDES = ["L", "R", "T", "B"]


def generate(edges: int) -> str:
    lines = ["architecture-beta"]
    groups = max(1, edges // 500)
    services = edges + 1
    for g in range(groups):
        lines.append(f"    group g{g}(cloud)[Group {g}]")
    for k in range(services):
        lines.append(f"    service n{k}({ICONS[k % len(ICONS)]})[Service {k}] in g{k * groups // services}")
    for k in range(edges):
        lines.append(f"    n{k}:{SIDES[k % 4]} {ARROWS[k % len(ARROWS)]} {SIDES[(k + 1) % 4]}:n{k + 1}")
    return "\n".join(lines) + "\n"


def _best(fn, runs: int = 5) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    best, out = float("inf"), None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> None:
    edges = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    text = generate(edges)
    ptime, d = _best(lambda: parse(text))
    assert len(d.edges) == edges  # type: ignore[attr-defined]
    wtime, out = _best(lambda: write(d))  # type: ignore[arg-type]
    print(f"architecture parse: {edges} edges, {len(d.services)} services, {len(d.groups)} groups, "  # type: ignore[attr-defined]
          f"{len(text) / 1024:.0f} KiB: best of 5 = {ptime * 1000:.1f} ms; write = {wtime * 1000:.1f} ms ({len(out) / 1024:.0f} KiB)")  # type: ignore[arg-type]

    from archc.emitters.mermaid_architecture import render
    from archc.emitters.views import build_view
    from archc.importers.mermaid_architecture import infer_architecture
    from archc.model.loader import load_texts
    from benchmarks.synthetic import generate as synthetic  # the synthetic model of the other benchmarks

    arch = load_texts([(name, text) for name, text in synthetic(1000).items()]).architecture
    dtime, diagram = _best(lambda: render(build_view(arch), arch), 3)
    itime, back = _best(lambda: infer_architecture(parse(diagram)), 3)  # type: ignore[arg-type]
    print(f"architecture diagram of {len(arch.resources)} resources: draw = {dtime * 1000:.1f} ms; "
          f"import = {itime * 1000:.1f} ms ({len(back[0].resources)} resources back)")  # type: ignore[index]


if __name__ == "__main__":
    main()
