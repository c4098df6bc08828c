"""Benchmark `archc import` of CloudFormation: how import time grows with the size of a template set.

The template sets are `archc build` output of synthetic models (benchmarks/synthetic.py), with the
``Metadata.archc`` trail removed so that every resource goes through inference (types, folding,
references, IAM), as a foreign template would. Sizes are counted in CloudFormation resources.

    python benchmarks/bench_cfn_import.py            # 1,250 / 2,500 / 5,000 resources, cold and in-process
    python benchmarks/bench_cfn_import.py --quick    # up to 2,500, fewer repetitions

Target (issue 12): a 5,000-resource template set imports in < 5 s cold, linearly. Numbers are
printed, never asserted.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

ARCHC = Path(sys.executable).parent / "archc"
PER_MODEL_RESOURCE = 2.6  # CloudFormation resources per synthetic model resource (measured, roughly)


def template_set(target: int, directory: str) -> int:
    """Write templates of about *target* CloudFormation resources into *directory*; return the count."""
    from synthetic import generate

    from archc.compiler.build import compile_model
    from archc.model.loader import load_texts

    arch = load_texts(list(generate(int(target / PER_MODEL_RESOURCE)).items())).architecture
    files = compile_model(arch).files()
    count = 0
    for name, text in files.items():
        data = json.loads(text)
        if name != "manifest.json":
            for res in data["Resources"].values():
                res.get("Metadata", {}).pop("archc", None)
                if not res.get("Metadata"):
                    res.pop("Metadata", None)
            count += len(data["Resources"])
            data.pop("Metadata", None)
        with open(os.path.join(directory, name), "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=1)
    os.unlink(os.path.join(directory, "manifest.json"))  # a plain directory of templates
    return count


def cold(directory: str, runs: int) -> list[float]:
    out = os.path.join(directory, "..", "model.yaml")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run([str(ARCHC), "import", directory, "-o", out, "-q", "--region", "us-west-2"],
                              check=False, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if proc.returncode != 0:
            raise SystemExit(f"archc import failed: {proc.stderr}")
    return times


def in_process(directory: str, runs: int) -> list[float]:
    from archc.cloudformation.assembly import load_stacks
    from archc.importers.cloudformation import infer
    from archc.importers.model_yaml import model_yaml

    times = []
    for _ in range(runs):
        start = time.perf_counter()
        arch, _report = infer(load_stacks(directory), None, "us-west-2")
        model_yaml(arch)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    quick = "--quick" in sys.argv
    sizes = (1250, 2500) if quick else (1250, 2500, 5000)
    runs = 2 if quick else 3
    print("-- archc import of a directory of templates (min / median seconds; µs per resource from the cold min)")
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            directory = os.path.join(tmp, "templates")
            os.mkdir(directory)
            count = template_set(size, directory)
            c = cold(directory, runs)
            w = in_process(directory, runs)
            print(f"{count:6d} resources: cold {min(c):.2f} / {statistics.median(c):.2f} s"
                  f" ({1e6 * min(c) / count:.0f} µs/resource); in-process {min(w):.2f} / {statistics.median(w):.2f} s"
                  f" ({1e6 * min(w) / count:.0f} µs/resource)")


if __name__ == "__main__":
    main()
