"""Hypothesis strategies for whole models, reusable by any test.

`models()` draws a model as plain data (what a YAML file holds): one to three accounts, resources of
many types in those accounts and in one or two regions each, references between them (to the
right type, but freely across accounts and regions), cross-account roles with and without a
`role_name`, and connections with every verb between any two resources. Most drawn models are
wrong somewhere; that is the point: the properties are about what archc says of them.

    from tests.strategies import models, model_text
    @given(models())
    def test_x(data): loaded = load_texts([("model.yaml", model_text(data))])
"""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import strategies as st

from archc.catalog import VERBS
from archc.model.queries import fitting_verbs

REGIONS = ("us-east-1", "us-west-2")
ACCOUNT_IDS = ("111111111111", "222222222222", "333333333333")
SIGNALS = ("errors", "latency", "cpu", "memory", "throttles", "5xx", "queue_age")
RETENTION = (1, 7, 30, 365)
FARGATE = ((0.25, 0.5), (0.5, 1), (1, 2), (2, 4))
# Types drawn, in an order where a type only refers to types before it.
TYPES = ("kms_key", "vpc", "internet_gateway", "subnet", "nat_gateway", "security_group", "iam_role", "s3_bucket",
         "sqs_queue", "sns_topic", "log_group", "secret", "lambda_function", "ecs_cluster", "ecs_task_definition",
         "ecs_service", "db_subnet_group", "aurora_cluster", "api_gateway", "external", "alarm")


# The fields `archc build` needs, per drawn type (`archc.model.completeness`).
NEEDED = {
    "internet_gateway": ("vpc",), "nat_gateway": ("subnet",), "security_group": ("vpc",), "lambda_function": ("role",),
    "ecs_task_definition": ("execution_role",), "ecs_service": ("cluster", "task_definition", "subnets"),
    "db_subnet_group": ("subnets",), "aurora_cluster": ("subnet_group",), "alarm": ("monitors",),
}


def model_text(data: dict[str, Any]) -> str:
    """The YAML text of a drawn model."""
    return yaml.safe_dump(data, sort_keys=False)


@st.composite
def models(draw: st.DrawFn, max_resources: int = 14, max_connections: int = 6) -> dict[str, Any]:
    """A model as plain data (see the module docstring)."""
    n_accounts = draw(st.integers(1, 3))
    accounts = {f"acct{i}": {"id": ACCOUNT_IDS[i], "name": f"Account {i}", "region": draw(st.sampled_from(REGIONS))}
                for i in range(n_accounts)}
    resources: dict[str, dict[str, Any]] = {}
    log_connections: list[dict[str, str]] = []
    by_type: dict[str, list[str]] = {}

    def pick(t: str) -> str | None:
        ids = by_type.get(t, [])
        return draw(st.sampled_from(ids)) if ids else None

    def some(t: str, most: int = 2) -> list[str]:
        ids = by_type.get(t, [])
        return draw(st.lists(st.sampled_from(ids), max_size=most, unique=True)) if ids else []

    types = draw(st.lists(st.sampled_from(TYPES), min_size=1, max_size=max_resources))
    for n, t in enumerate(sorted(types, key=TYPES.index)):
        rid = f"{t.split('_')[0]}{n}"
        res: dict[str, Any] = {"type": t}
        res["account"] = draw(st.sampled_from(sorted(accounts)))
        if t != "external" and draw(st.integers(0, 4)) == 0:
            res["region"] = draw(st.sampled_from(REGIONS))
        region = res.get("region") or accounts[res.get("account", "acct0")]["region"]
        if t == "vpc":
            res["cidr"] = f"10.{n}.0.0/16"
        elif t == "internet_gateway":
            res["vpc"] = pick("vpc")
        elif t == "subnet":
            vpc = pick("vpc")
            if vpc is None:
                continue
            res.update(vpc=vpc, cidr=resources[vpc]["cidr"].replace(".0.0/16", f".{n}.0/24"), az=region + draw(st.sampled_from("ab")),
                       tier=draw(st.sampled_from(("public", "private", "isolated"))))
            route = draw(st.sampled_from(("internet_gateway", "nat_gateway", None)))
            if route and pick(route):
                res["default_route"] = pick(route)
        elif t == "nat_gateway":
            res["subnet"] = pick("subnet")
        elif t == "security_group":
            res["vpc"] = pick("vpc")
        elif t == "iam_role":
            if draw(st.booleans()):
                res["role_name"] = f"role-{n}"
            res["assumable_by"] = some("iam_role")
            if draw(st.booleans()) and res["assumable_by"]:  # trust each other
                for other in res["assumable_by"]:
                    resources[other].setdefault("assumable_by", []).append(rid)
        elif t in ("s3_bucket", "sqs_queue", "sns_topic", "secret", "log_group", "aurora_cluster"):
            if draw(st.booleans()):
                res["kms_key"] = pick("kms_key")
            if t == "log_group":
                res["retention_days"] = draw(st.sampled_from(RETENTION))
            if t == "sqs_queue" and draw(st.booleans()):
                res["dead_letter_queue"] = pick("sqs_queue")
            if t == "aurora_cluster":
                res.update(engine_version="15.4", subnet_group=pick("db_subnet_group"))
        elif t == "lambda_function":
            res["role"] = pick("iam_role")
            res["subnets"] = some("subnet")
        elif t == "ecs_task_definition":
            vcpu, mem = draw(st.sampled_from(FARGATE))
            res.update(vcpu=vcpu, memory_gib=mem, execution_role=pick("iam_role"))
            if draw(st.booleans()):
                res["task_role"] = pick("iam_role")
        elif t == "ecs_service":
            res.update(cluster=pick("ecs_cluster"), task_definition=pick("ecs_task_definition"), subnets=some("subnet") or None)
        elif t == "db_subnet_group":
            res["subnets"] = some("subnet", 3) or None
        elif t == "alarm":
            targets = [r for r in resources if resources[r]["type"] not in ("external",)]
            res["monitors"] = draw(st.lists(st.sampled_from(targets), min_size=1, max_size=2, unique=True)) if targets else None
            res["signals"] = draw(st.lists(st.sampled_from(SIGNALS), min_size=1, max_size=2, unique=True))
        elif t == "external":
            res["kind"] = draw(st.sampled_from(("users", "client", "service", "internet")))
        res = {k: v for k, v in res.items() if v is not None}
        if any(res.get(f) in (None, []) for f in NEEDED.get(t, ())) and draw(st.integers(0, 9)) > 0:
            continue  # mostly complete models: a sketch now and then
        resources[rid] = res
        by_type.setdefault(t, []).append(rid)
        if t in ("lambda_function", "ecs_task_definition") and draw(st.integers(0, 3)) > 0:
            logs = f"logs{n}"
            resources[logs] = {"type": "log_group", "account": res["account"], "retention_days": 30}
            if "region" in res:
                resources[logs]["region"] = res["region"]
            log_connections.append({"from": rid, "to": logs, "verb": "logs"})
    connections = log_connections
    ids = sorted(resources)
    if ids:
        for _ in range(draw(st.integers(0, max_connections))):
            source, target = draw(st.sampled_from(ids)), draw(st.sampled_from(ids))
            fits = fitting_verbs(resources[source]["type"], resources[target]["type"])
            verbs = fits if fits and draw(st.integers(0, 3)) > 0 else sorted(VERBS)  # mostly a verb that fits
            connections.append({"from": source, "to": target, "verb": draw(st.sampled_from(verbs))})
    return {"archc": 1, "name": "drawn", "accounts": accounts, "resources": resources, "connections": connections}


@st.composite
def seed_edits(draw: st.DrawFn, data: dict[str, Any], max_edits: int = 3) -> dict[str, Any]:
    """A copy of a model's files (file name → YAML data, as `tests.rules.support.example_data` gives)
    after up to *max_edits* random edits: a field dropped, a connection dropped, or a reference
    swapped to another resource of the same type (of any account or region)."""
    import copy

    data = copy.deepcopy(data)
    where = {rid: doc["resources"] for doc in data.values() for rid in (doc.get("resources") or {})}
    by_type: dict[str, list[str]] = {}
    for rid, res in sorted((rid, docs[rid]) for rid, docs in where.items()):
        by_type.setdefault(res["type"], []).append(rid)
    for _ in range(draw(st.integers(1, max_edits))):
        kind = draw(st.sampled_from(("drop-field", "drop-connection", "swap-reference")))
        rid = draw(st.sampled_from(sorted(where)))
        res = where[rid][rid]
        fields = sorted(k for k in res if k not in ("type",))
        if kind == "drop-field" and fields:
            del res[draw(st.sampled_from(fields))]
        elif kind == "drop-connection":
            docs = [doc for doc in data.values() if doc.get("connections")]
            if docs:
                doc = draw(st.sampled_from(docs))
                del doc["connections"][draw(st.integers(0, len(doc["connections"]) - 1))]
        else:
            refs = [(k, v) for k, v in res.items() if isinstance(v, str) and v in where and k != "account"]
            if refs:
                key, old = draw(st.sampled_from(refs))
                res[key] = draw(st.sampled_from(by_type[where[old][old]["type"]]))
    return data
