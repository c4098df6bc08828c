"""Benchmark `archc lint`: the cold process on the example, where its time goes, and the scaling of
load + all rules on synthetic models from 1,000 to 10,000 resources.

    python benchmarks/bench_lint.py            # all three parts
    python benchmarks/bench_lint.py --quick    # fewer repetitions

Targets (issue 2): `archc lint examples/sagebrush` < 0.5 s wall as a cold process; 10,000
resources load + lint < 3 s, growing no worse than linearly. Numbers are printed, never asserted.
"""

from __future__ import annotations

import gc
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

EXAMPLE = ROOT / "examples" / "sagebrush"
ARCHC = Path(sys.executable).parent / "archc"


def timed_runs(cmd: list[str], n: int) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        proc = subprocess.run(cmd, check=False, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        out.append(time.perf_counter() - start)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr}")
    return out


def cold_process(n: int) -> None:
    print(f"-- cold process, {n} runs each (min / median wall seconds)")
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "archc --version": [str(ARCHC), "--version"],
        "archc rules": [str(ARCHC), "rules"],
        "archc lint examples/sagebrush": [str(ARCHC), "lint", str(EXAMPLE.relative_to(ROOT))],
    }
    for label, cmd in commands.items():
        runs = timed_runs(cmd, n)
        print(f"{label:<34} {min(runs):6.3f} / {statistics.median(runs):6.3f}")


def import_profile(top: int = 12) -> None:
    """`python -X importtime` of the lint command: the biggest cumulative imports below archc's own."""
    print("-- where the cold time goes (python -X importtime, cumulative ms of top-level imports)")
    code = (
        f"import sys; from archc.cli import main; sys.argv=['archc','lint',{str(EXAMPLE)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
    )
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", code], check=False, cwd=ROOT, capture_output=True, text=True)
    rows: list[tuple[int, str]] = []
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if m and len(m.group(3)) <= 2:  # top-level and first nesting level
            rows.append((int(m.group(2)), ("  " if len(m.group(3)) == 2 else "") + m.group(4)))
    total = sum(us for us, name in rows if not name.startswith(" "))
    for us, name in sorted(rows, reverse=True)[:top]:
        print(f"{us / 1000:8.1f} ms  {name}")
    print(f"{total / 1000:8.1f} ms  total of top-level imports")
    # and the work after the imports, in process (networkx imported first: it is an import cost)
    import archc.model.graph  # noqa: F401
    from archc.model.loader import load
    from archc.rules.engine import run_rules

    start = time.perf_counter()
    loaded = load(str(EXAMPLE))
    mid = time.perf_counter()
    run_rules(loaded.architecture)
    end = time.perf_counter()
    print(f"{(mid - start) * 1000:8.1f} ms  load the example (warm imports)")
    print(f"{(end - mid) * 1000:8.1f} ms  build the graph + run all rules (warm imports)")


def best(fn: Callable[[], Any], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def scaling(sizes: list[int], repeats: int, cyclic_gc: bool) -> None:
    from synthetic import generate

    from archc.model.loader import load_texts
    from archc.rules.engine import run_rules

    if cyclic_gc:
        gc.enable()
        how = "with Python's cyclic GC on (archc as a library)"
    else:
        gc.disable()
        how = "with the cyclic GC off, as the archc command runs"
    print(f"-- synthetic models, load + all rules in process, {how} (best of {repeats})")
    print(f"{'resources':>9} {'load s':>8} {'rules s':>8} {'total s':>8} {'µs/resource':>12} {'findings':>9}")
    per_resource = []
    for n in sizes:
        files = sorted(generate(n).items())
        texts = [(name, text) for name, text in files]
        loaded = load_texts(texts)
        count = len(loaded.architecture.resources)
        t_load = best(lambda texts=texts: load_texts(texts), repeats)  # type: ignore[misc]
        found: list[Any] = []

        def lint(found: list[Any] = found, arch: Any = loaded.architecture) -> None:
            found[:] = run_rules(arch)

        t_rules = best(lint, repeats)
        total = t_load + t_rules
        per_resource.append(total / count * 1e6)
        print(f"{count:>9} {t_load:8.3f} {t_rules:8.3f} {total:8.3f} {per_resource[-1]:12.1f} {len(found):>9}")
    print(f"µs per resource, largest / smallest model: {per_resource[-1] / per_resource[0]:.2f} (1.0 = linear)")
    gc.enable()


def cold_large(size: int, repeats: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        from synthetic import write

        write(size, tmp)
        runs = timed_runs([str(ARCHC), "lint", tmp, "--format", "json"], 1 if repeats == 1 else 3)
        print(f"cold `archc lint` of the {size}-resource model: {min(runs):.3f} s (min of {len(runs)})")


def main() -> int:
    quick = "--quick" in sys.argv
    os.environ.pop("ARCHC_DEBUG", None)
    cold_process(5 if quick else 15)
    import_profile()
    sizes, repeats = [1000, 2500, 5000, 10000], 1 if quick else 3
    scaling(sizes, repeats, cyclic_gc=False)
    scaling(sizes, repeats, cyclic_gc=True)
    cold_large(sizes[-1], repeats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
