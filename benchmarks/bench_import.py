"""Benchmark: import (parse + infer) a generated AWS-style Mermaid flowchart of 10,000 edges.

    .venv/bin/python benchmarks/bench_import.py [EDGES]

The diagram looks like the seed page scaled up: account subgraphs with a VPC subgraph (public
and private subnets, NAT gateways), groups of Lambda functions, roles, buckets, queues and log
groups, with typed-relation edges (NAT, Route, Used by, Hosts) and verb edges (Query, Read/Write,
Logs, Send …). Prints the seconds for each phase and the counts.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archc.importers.infer import infer
from archc.mermaid.parser import parse


def generate(edges: int) -> str:
    lines = ["graph TB"]
    out: list[str] = []
    cells = max(1, edges // 20)  # one cell ≈ 20 edges
    accounts = max(1, cells // 100)
    c = 0
    for a in range(accounts):
        lines.append(f'    subgraph ACC{a}["Account {a} Account ({100000000000 + a})"]')
        for _ in range(cells // accounts):
            p = f"C{c}_"
            o = c % 250
            lines += [
                f'        subgraph {p}VPC["VPC (10.{o}.0.0/16)"]',
                f'            {p}IGW["Internet Gateway"]',
                f'            {p}PUB["Public Subnet<br/>10.{o}.0.0/24<br/>us-west-2a"]',
                f'            {p}PRIV["Private Subnet<br/>10.{o}.1.0/24<br/>us-west-2a"]',
                f'            {p}NAT["NAT Gateway<br/>us-west-2a"]',
                "        end",
                f'        subgraph {p}APP["App {c}"]',
                f'            {p}FN1["API Handler Lambda"]',
                f'            {p}FN2["Worker Lambda"]',
                f'            {p}ROLE["Lambda Execution Role"]',
                f'            {p}DB[("Aurora Postgres 15")]',
                f'            {p}S3["S3: data-{c}"]',
                f'            {p}Q["SQS: jobs"]',
                f'            {p}LOGS["CloudWatch Logs<br/>30-day retention"]',
                "        end",
            ]
            out += [
                f"    {p}IGW -->|Route| {p}PUB",
                f"    {p}NAT -->|NAT| {p}PRIV",
                f"    {p}ROLE -.->|Used by| {p}FN1",
                f"    {p}ROLE -.->|Used by| {p}FN2",
                f"    {p}PRIV -.->|Hosts| {p}FN1",
                f"    {p}PRIV -.->|Hosts| {p}FN2",
                f"    {p}FN1 -->|Query| {p}DB",
                f"    {p}FN2 -->|Query| {p}DB",
                f"    {p}FN1 -->|Read/Write| {p}S3",
                f"    {p}FN2 -->|Read| {p}S3",
                f"    {p}FN1 -->|Send| {p}Q",
                f"    {p}Q -->|Trigger| {p}FN2",
                f"    {p}FN1 -->|Logs| {p}LOGS",
                f"    {p}FN2 -->|Logs| {p}LOGS",
                f"    {p}FN1 -.->|Fetch secrets| {p}S3",
                f"    {p}FN2 -->|Metrics| {p}LOGS",
                f"    {p}FN1 -->|Traces| {p}LOGS",
                f"    {p}FN1 -->|Invoke| {p}FN2",
                f"    {p}FN2 -->|Write| {p}S3",
                f"    {p}FN2 -->|Calls home| {p}FN1",
            ]
            c += 1
        lines.append("    end")
    return "\n".join(lines + out[:edges]) + "\n"


def best_of(text: str, runs: int) -> tuple[float, float, Any, Any]:
    """Best parse and infer times over *runs*, with the last flowchart and model."""
    t_parse = t_infer = float("inf")
    fc = arch = None
    for _ in range(runs):
        t0 = time.perf_counter()
        fc = parse(text)
        t1 = time.perf_counter()
        arch, _report = infer(fc)
        t2 = time.perf_counter()
        t_parse, t_infer = min(t_parse, t1 - t0), min(t_infer, t2 - t1)
    return t_parse, t_infer, fc, arch


def main() -> None:
    edges = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    text = generate(edges)
    for label, cyclic_gc in (("cyclic GC off, as the archc command runs", False), ("cyclic GC on (archc as a library)", True)):
        (gc.enable if cyclic_gc else gc.disable)()
        t_parse, t_infer, fc, arch = best_of(text, 5)
        typed = sum(1 for r in arch.resources.values() if r.type != "generic")
        print(f"-- {label}, best of 5")
        print(f"diagram: {len(text.splitlines())} lines, {len(fc.nodes)} nodes, {len(fc.edges)} edges, {len(fc.subgraphs)} subgraphs")
        print(f"parse:   {t_parse:.3f} s")
        print(f"infer:   {t_infer:.3f} s  ({len(arch.resources)} resources, {typed} typed, {len(arch.connections)} connections)")
        print(f"import:  {t_parse + t_infer:.3f} s  (target < 1 s)")
    gc.enable()
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "big.mmd")
        with open(src, "w", encoding="utf-8") as fh:
            fh.write(text)
        archc = os.path.join(os.path.dirname(sys.executable), "archc")
        runs = []
        for _ in range(3):
            t0 = time.perf_counter()
            subprocess.run([archc, "import", src, "-o", os.path.join(tmp, "big.yaml"), "-q"], check=True, capture_output=True)
            runs.append(time.perf_counter() - t0)
        print(f"cold `archc import` of it, writing the model: {min(runs):.3f} s (min of 3)")


if __name__ == "__main__":
    main()
