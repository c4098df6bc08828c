"""Benchmark: parse (and write) a generated 10,000-edge Mermaid flowchart.

.venv/bin/python benchmarks/bench_mermaid_parse.py [EDGES]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archc.mermaid.parser import parse
from archc.mermaid.writer import write

SHAPES = ["[{}]", "({})", "{{{}}}", "[({})]", "(({}))", "[/{}/]"]
LINKS = ["-->", "-.->", "==>", "---", "--o", "<-->"]


def generate(edges: int) -> str:
    lines = ["flowchart LR"]
    groups = max(1, edges // 500)
    per = edges // groups
    k = 0
    for g in range(groups):
        lines.append(f'    subgraph g{g}["Group {g}"]')
        for _ in range(per):
            shape = SHAPES[k % len(SHAPES)].format(f'"Node {k}<br/>detail"')
            link = LINKS[k % len(LINKS)]
            lines.append(f"        n{k}{shape} {link}|edge {k}| n{k + 1}")
            k += 1
        lines.append("    end")
    while k < edges:
        lines.append(f"    n{k} --> n{k + 1}")
        k += 1
    lines.append("    classDef hot fill:#f96")
    lines.append("    class n0,n1,n2 hot")
    return "\n".join(lines) + "\n"


def main() -> None:
    edges = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    text = generate(edges)
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        fc = parse(text)
        best = min(best, time.perf_counter() - t0)
    assert len(fc.edges) == edges
    t0 = time.perf_counter()
    out = write(fc)
    wtime = time.perf_counter() - t0
    print(
        f"parse: {edges} edges, {len(fc.nodes)} nodes, {len(fc.subgraphs)} subgraphs, "
        f"{len(text) / 1024:.0f} KiB: best of 5 = {best * 1000:.1f} ms; write = {wtime * 1000:.1f} ms "
        f"({len(out) / 1024:.0f} KiB)"
    )


if __name__ == "__main__":
    main()
