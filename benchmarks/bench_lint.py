"""Benchmark `archc lint`: the cold process on the example, where its time goes, and the scaling of
load + all rules on synthetic models from 1,000 to 10,000 resources.

    python benchmarks/bench_lint.py            # all three parts
    python benchmarks/bench_lint.py --quick    # fewer repetitions

Targets (issue 2): `archc lint examples/sagebrush` < 0.5 s wall as a cold process; 10,000
resources load + lint < 3 s, growing no worse than linearly. Numbers are printed, never asserted.
"""

from __future__ import annotations

import gc
import json
import os
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


def compile_bytecode() -> None:
    """Compile archc's bytecode first, as a regular `pip install` (and pre-commit's) does.

    An editable install leaves it to the first run, and with PYTHONDONTWRITEBYTECODE=1 (set on
    this machine) every run would compile archc's modules again: about 50 ms.
    """
    import compileall

    compileall.compile_dir(str(ROOT / "archc"), quiet=1)


def cold_process(n: int) -> None:
    print(f"-- cold process, {n} runs each (min / median wall seconds; archc's bytecode compiled first)")
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "archc --version": [str(ARCHC), "--version"],
        "archc rules": [str(ARCHC), "rules"],
        "archc lint examples/sagebrush": [str(ARCHC), "lint", str(EXAMPLE.relative_to(ROOT))],
    }
    for label, cmd in commands.items():
        runs = timed_runs(cmd, n)
        print(f"{label:<34} {min(runs):6.3f} / {statistics.median(runs):6.3f}")


# One fresh process imports what `archc lint` needs, step by step, then does the work; each step's
# wall time is what it adds on top of the steps before it (shared imports count once, first).
STEPS = [
    ("click (the command line)", "import click"),
    ("archc.cli, archc.cli.lint", "import archc.cli, archc.cli.lint"),
    ("pydantic", "import pydantic, pydantic.main, pydantic.fields"),
    ("pydantic internals + annotated-types", "import pydantic._internal._model_construction, pydantic.functional_validators, pydantic.types"),
    ("importlib.metadata (pydantic plugins, networkx backends)", "import importlib.metadata"),
    ("PyYAML", "import yaml"),
    ("archc.model.fields, catalog, diagnostics", "import archc.model.fields, archc.catalog, archc.diagnostics"),
    ("archc.model.resources (47 pydantic classes)", "import archc.model.resources, archc.model.architecture"),
    ("archc.model.loader", "import archc.model.loader"),
    ("networkx", "import networkx"),
    ("archc.model.graph, archc.rules", "import archc.model.graph, archc.rules.engine, archc.rules.report"),
    ("load the example", "loaded = archc.model.loader.load(EXAMPLE)"),
    ("graph + all rules + report", "archc.rules.report.format_text(list(archc.rules.engine.run_rules(loaded.architecture)), '.')"),
]


def startup_breakdown(n: int) -> None:
    """Where a cold `archc lint` spends its time: the steps above, best of *n* fresh processes."""
    print(f"-- where the cold time goes (each step in a fresh process, best of {n}; ms)")
    code = "\n".join(
        [
            "import gc, json, sys, time",
            "gc.disable()",
            f"EXAMPLE = {str(EXAMPLE)!r}",
            f"STEPS = {STEPS!r}",
            "out = []",
            "t = time.perf_counter()",
            "for name, stmt in STEPS:",
            "    exec(stmt)",
            "    now = time.perf_counter(); out.append((now - t) * 1000); t = now",
            "print(json.dumps(out))",
        ]
    )
    best_ms = [float("inf")] * len(STEPS)
    for _ in range(n):
        proc = subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, capture_output=True, text=True)
        for i, ms in enumerate(json.loads(proc.stdout)):
            best_ms[i] = min(best_ms[i], ms)
    for (name, _), ms in zip(STEPS, best_ms):
        print(f"{ms:8.1f}  {name}")
    deps = sum(ms for (name, _), ms in zip(STEPS, best_ms) if not name.startswith(("archc", "load", "graph")))
    print(f"{sum(best_ms):8.1f}  total after interpreter start-up; third-party imports alone: {deps:.1f}")


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
    compile_bytecode()
    cold_process(5 if quick else 15)
    startup_breakdown(3 if quick else 7)
    sizes, repeats = [1000, 2500, 5000, 10000], 1 if quick else 3
    scaling(sizes, repeats, cyclic_gc=False)
    scaling(sizes, repeats, cyclic_gc=True)
    cold_large(sizes[-1], repeats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
