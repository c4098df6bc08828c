"""Benchmark: bounded resources on big or odd input (#10 §5), each through the real CLI.

    .venv/bin/python benchmarks/bench_bounds.py [--quick]

- `archc import` of N subgraphs nested in one another (default 100,000), and of a chain of N
  nodes `n0 --> n1 --> …` (default 100,000): seconds and peak memory (max RSS of the process);
- `archc docs` of a synthetic model of N resources (default 50,000; benchmarks/synthetic.py);
- a FIFO in the output directory of `archc docs` and `archc build`: how long each took (a hang
  would be cut at 60 s and printed as such).

Each size is also run at a fifth and at two fifths, so the printed ratio shows whether the time
grows linearly (a ratio near 2.5 from 2/5 to 5/5 is linear; near 6 is quadratic). `--quick`
divides every size by 10.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.synthetic import write as write_model

ARCHC = [sys.executable, "-m", "archc"]


def nested(n: int) -> str:
    return "flowchart TB\n" + "".join(f"subgraph s{i}\n" for i in range(n)) + "  x\n" + "end\n" * n


def chain(n: int) -> str:
    return "flowchart TB\n" + "".join(f"  n{i} --> n{i + 1}\n" for i in range(n))


def run(args: list[str], timeout: float = 600) -> tuple[float, float, int]:
    """(seconds, peak MiB, exit code) of one archc run in a child process."""
    script = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        f"p = subprocess.run({args!r}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout={timeout})\n"
        "s = time.perf_counter() - t\n"
        "print(s, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, p.returncode)\n"
    )
    try:
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT, timeout=timeout + 30)
    except subprocess.SubprocessError:
        return float("inf"), 0.0, -1
    seconds, rss_kib, code = out.stdout.split()
    return float(seconds), int(rss_kib) / 1024, int(code)


def scaled(label: str, sizes: list[int], make: Callable[[int, str], list[str]]) -> None:
    times = []
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            seconds, mib, code = run(make(n, tmp))
        times.append(seconds)
        print(f"{label} {n:>7,}: {seconds:7.2f} s, {mib:6.0f} MiB peak, exit {code}", flush=True)
    if len(times) >= 2 and times[-2] > 0:
        print(f"{label}: time ratio {sizes[-2]:,} → {sizes[-1]:,} = {times[-1] / times[-2]:.2f} "
              f"(size ratio {sizes[-1] / sizes[-2]:.2f})", flush=True)


def import_of(gen: Callable[[int], str]) -> Callable[[int, str], list[str]]:
    def make(n: int, tmp: str) -> list[str]:
        src = os.path.join(tmp, "d.mmd")
        Path(src).write_text(gen(n), encoding="utf-8")
        return [*ARCHC, "import", src, "-o", os.path.join(tmp, "m.yaml"), "-q"]
    return make


def docs_of(n: int, tmp: str) -> list[str]:
    write_model(n, os.path.join(tmp, "model"))
    return [*ARCHC, "docs", os.path.join(tmp, "model"), "-o", os.path.join(tmp, "docs")]


def fifo_in_output() -> None:
    example = str(ROOT / "examples" / "sagebrush")
    for command, names in (("docs", ("README.md", "other")), ("build", ("manifest.json", "other.json"))):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "out")
            os.mkdir(out)
            for name in names:
                os.mkfifo(os.path.join(out, name))
            seconds, _, code = run([*ARCHC, command, example, "-o", out], timeout=60)
            state = "HUNG (cut at 60 s)" if seconds == float("inf") else f"{seconds:.2f} s, exit {code}"
            print(f"{command} -o DIR with FIFOs {', '.join(names)} in DIR: {state}", flush=True)


def main() -> None:
    div = 10 if "--quick" in sys.argv else 1
    big, docs_big = 100_000 // div, 50_000 // div
    scaled("import, nested subgraphs", [big // 5, 2 * big // 5, big], import_of(nested))
    scaled("import, chain of nodes", [big // 5, 2 * big // 5, big], import_of(chain))
    scaled("docs, resources", [docs_big // 5, 2 * docs_big // 5, docs_big], docs_of)
    fifo_in_output()
    print(f"(this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB; {time.process_time():.1f} s CPU)")


if __name__ == "__main__":
    main()
