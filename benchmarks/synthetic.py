"""Synthetic models of any size for the benchmarks: realistic cells of 25 resources.

Each cell is a small production slice: a VPC with an internet gateway, two public and two
private subnets, two NAT gateways, three Lambda functions, an ECS service, an Aurora cluster, a
bucket, a queue, a topic, a log group, an alarm and a KMS key, wired with 13 connections. Cells
are spread over three accounts, one YAML file per account, as a real model would be.

    python benchmarks/synthetic.py 10000 /tmp/model10k   # writes the files
"""

from __future__ import annotations

import os
import sys

CELL = 25
ACCOUNTS = (("alpha", "111111111111"), ("bravo", "222222222222"), ("charlie", "333333333333"))
REGION = "us-west-2"


def _cell(c: int) -> tuple[list[str], list[str]]:
    """YAML lines for the resources and the connections of cell *c*."""
    o = c % 250
    p = f"c{c}_"
    res = [
        f"  {p}vpc: {{type: vpc, cidr: 10.{o}.0.0/16}}",
        f"  {p}igw: {{type: internet_gateway, vpc: {p}vpc}}",
        f"  {p}pub_a: {{type: subnet, vpc: {p}vpc, tier: public, cidr: 10.{o}.0.0/24, az: {REGION}a, default_route: {p}igw}}",
        f"  {p}pub_b: {{type: subnet, vpc: {p}vpc, tier: public, cidr: 10.{o}.1.0/24, az: {REGION}b, default_route: {p}igw}}",
        f"  {p}nat_a: {{type: nat_gateway, subnet: {p}pub_a}}",
        f"  {p}nat_b: {{type: nat_gateway, subnet: {p}pub_b}}",
        f"  {p}priv_a: {{type: subnet, vpc: {p}vpc, tier: private, cidr: 10.{o}.10.0/24, az: {REGION}a, default_route: {p}nat_a}}",
        f"  {p}priv_b: {{type: subnet, vpc: {p}vpc, tier: private, cidr: 10.{o}.11.0/24, az: {REGION}b, default_route: {p}nat_b}}",
        f"  {p}role: {{type: iam_role}}",
        f"  {p}exec: {{type: iam_role}}",
        f"  {p}key: {{type: kms_key, alias: alias/cell{c}}}",
        f"  {p}logs: {{type: log_group, retention_days: 30, kms_key: {p}key}}",
        f"  {p}bucket: {{type: s3_bucket, name: cell{c}-data, kms_key: {p}key}}",
        f"  {p}queue: {{type: sqs_queue, kms_key: {p}key, visibility_timeout_seconds: 180}}",
        f"  {p}topic: {{type: sns_topic, kms_key: {p}key}}",
        f"  {p}sg: {{type: security_group, vpc: {p}vpc}}",
        f"  {p}dbsub: {{type: db_subnet_group, subnets: [{p}priv_a, {p}priv_b]}}",
        f"  {p}db: {{type: aurora_cluster, engine_version: '15', subnet_group: {p}dbsub, security_groups: [{p}sg], kms_key: {p}key, backup_retention_days: 14}}",
        f"  {p}cluster: {{type: ecs_cluster}}",
        f"  {p}task: {{type: ecs_task_definition, vcpu: 1, memory_gib: 2, execution_role: {p}exec, task_role: {p}role}}",
        f"  {p}svc: {{type: ecs_service, cluster: {p}cluster, task_definition: {p}task, subnets: [{p}priv_a, {p}priv_b], min_tasks: 2, max_tasks: 4}}",
    ]
    conns = []
    for f in range(1, 4):
        res.append(f"  {p}fn{f}: {{type: lambda_function, role: {p}role, architecture: arm64, subnets: [{p}priv_a, {p}priv_b]}}")
        conns.append(f"  - {{from: {p}fn{f}, to: {p}logs, verb: logs}}")
    res.append(f"  {p}alarm: {{type: alarm, monitors: [{p}fn1, {p}fn2, {p}fn3, {p}svc], signals: [errors, cpu]}}")
    conns += [
        f"  - {{from: {p}fn1, to: {p}db, verb: query}}",
        f"  - {{from: {p}fn1, to: {p}bucket, verb: read_write}}",
        f"  - {{from: {p}fn2, to: {p}bucket, verb: read}}",
        f"  - {{from: {p}queue, to: {p}fn2, verb: trigger}}",
        f"  - {{from: {p}fn3, to: {p}queue, verb: send}}",
        f"  - {{from: {p}task, to: {p}logs, verb: logs}}",
        f"  - {{from: {p}task, to: {p}db, verb: query}}",
        f"  - {{from: {p}task, to: {p}bucket, verb: read}}",
        f"  - {{from: {p}alarm, to: {p}topic, verb: notify}}",
    ]
    return res, conns


def generate(n: int) -> dict[str, str]:
    """A model of about *n* resources (rounded up to whole cells): file name → YAML text."""
    cells = max(1, -(-n // CELL))
    files: dict[str, tuple[list[str], list[str]]] = {key: ([], []) for key, _ in ACCOUNTS}
    for c in range(cells):
        key = ACCOUNTS[c % len(ACCOUNTS)][0]
        res, conns = _cell(c)
        files[key][0].extend(res)
        files[key][1].extend(conns)
    out = {
        "model.yaml": "archc: 1\nname: synthetic\naccounts:\n"
        + "".join(f"  {key}: {{id: '{aid}', name: {key.title()}, region: {REGION}}}\n" for key, aid in ACCOUNTS)
    }
    for key, (res, conns) in files.items():
        pager = f"  {key}_pager: {{type: external, kind: service}}"
        topics = [line.split(":")[0].strip() for line in res if "type: sns_topic" in line]
        conns = conns + [f"  - {{from: {t}, to: {key}_pager, verb: notify}}" for t in topics]
        out[f"{key}.yaml"] = (
            f"archc: 1\ndefaults: {{account: {key}}}\nresources:\n" + "\n".join([*res, pager]) + "\nconnections:\n" + "\n".join(conns) + "\n"
        )
    return out


def write(n: int, directory: str) -> list[str]:
    """Write the model of about *n* resources into *directory*; return the file paths."""
    os.makedirs(directory, exist_ok=True)
    paths = []
    for name, text in generate(n).items():
        path = os.path.join(directory, name)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        paths.append(path)
    return paths


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python benchmarks/synthetic.py N DIRECTORY")
    for p in write(int(sys.argv[1]), sys.argv[2]):
        print(p)
