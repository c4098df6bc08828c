"""Benchmark: `archc sync` phases on the seed model and on synthetic models (benchmarks/synthetic.py).

For each model: read the files, load them, diff the model against itself; apply one relabelled
resource (one file parsed and written in ruamel.yaml round-trip mode), then one per account file;
verify the result loads, and commit it (stage, check unchanged, rename). Prints the CPU
milliseconds of each phase (wall-clock time on a shared machine says more about the neighbours).

    .venv/bin/python benchmarks/bench_sync.py [RESOURCES ...]   # default: 1000 5000
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archc.model.loader import load_texts, model_files
from archc.sync import apply, diff
from archc.sync.files import commit, read_files
from benchmarks.synthetic import write


def bench(label: str, directory: str) -> None:
    times: dict[str, float] = {}

    def timed(name: str, fn):  # type: ignore[no-untyped-def]
        t = time.process_time()
        out = fn()
        times[name] = (time.process_time() - t) * 1000
        return out

    files = timed("read", lambda: read_files(model_files(directory)))
    texts = [(f.name, f.text) for f in files]
    a = timed("load", lambda: load_texts(texts).architecture)
    same = timed("diff (same)", lambda: diff(a, a))
    assert same == []
    # one resource relabelled, then one in each account's file
    firsts: dict[str | None, str] = {}
    for rid, res in a.resources.items():
        firsts.setdefault(res.account, rid)

    def relabelled(rids: set[str]):  # type: ignore[no-untyped-def]
        return a.model_copy(update={"resources": {
            rid: res.model_copy(update={"label": f"relabelled {rid}"}) if rid in rids else res for rid, res in a.resources.items()
        }})

    one = diff(a, relabelled({next(iter(firsts.values()))}))
    timed("apply 1 edit", lambda: apply(texts, a, one))
    changes = timed("diff (edited)", lambda: diff(a, relabelled(set(firsts.values()))))
    out = timed("apply 1 edit per file", lambda: apply(texts, a, changes))
    timed("verify load", lambda: load_texts([(n, out.get(n, t)) for n, t in texts]))
    timed("commit", lambda: commit(files, out))
    print(f"{label}: {len(a.resources)} resources, {len(files)} files; {len(changes)} changes, {len(out)} files written")
    print("  " + "  ".join(f"{k} {v:.0f} ms" for k, v in times.items()))


def main() -> int:
    sizes = [int(x) for x in sys.argv[1:]] or [1000, 5000]
    with tempfile.TemporaryDirectory() as tmp:
        seed = Path(tmp) / "sagebrush"
        shutil.copytree(ROOT / "examples" / "sagebrush", seed)
        bench("examples/sagebrush", str(seed))
        for n in sizes:
            d = Path(tmp) / f"synthetic{n}"
            write(n, str(d))
            bench(f"synthetic {n}", str(d))
    return 0


if __name__ == "__main__":
    sys.exit(main())
