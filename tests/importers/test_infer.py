"""Inference (flowchart → model) and the round trips through the emitter, checked by mermaid-js."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import mermaidjs

from archc.catalog import TYPES, VERBS
from archc.emitters.mermaid import render
from archc.emitters.views import build_view
from archc.importers.infer import _words_text, infer, infer_verb, match_type
from archc.importers.model_yaml import model_yaml
from archc.mermaid.markdown import extract_blocks
from archc.mermaid.parser import parse
from archc.mermaid.syntax import canonical_shape
from archc.mermaid.writer import plain_edge_label, plain_node_label
from archc.model.architecture import Architecture
from archc.model.loader import load_text

SEED = Path(__file__).resolve().parents[2] / "examples" / "sagebrush-page.md"  # the page as Sagebrush wrote it
CORPUS = sorted((Path(__file__).resolve().parents[1] / "corpus" / "mermaid").glob("*.mmd"))

# Diagrams beside the corpus that exercise what only the model's presentation fields carry:
# account subgraphs with and without ids and with their own direction, subgraph classes and
# `style` lines, an edge into a subgraph, Mermaid's default box, a front-matter title.
EXTRA = {
    "accounts_styles": """---
title: Two accounts
---
flowchart LR
    subgraph prod["Production Account (111111111111)"]
        direction TB
        subgraph VPC["VPC (10.0.0.0/16)"]
            PUB["Public Subnet<br/>10.0.0.0/24<br/>us-west-2a"]
        end
        subgraph apps[Apps]
            FN["Lambda<br/>orders"] --> Q[("SQS: jobs")]
        end
    end
    subgraph dev["Dev Account"]
        direction RL
        B["S3: dev-data"]
        N@{ label: "**notes**" }
    end
    FN -->|Write| B
    Q --> VPC
    apps -.-> B
    classDef hot fill:#f96
    class VPC,apps hot
    style VPC fill:#eef,stroke:#333
    style dev stroke-dasharray: 5 5
    style FN fill:#ff0
""",
    "no_accounts": """graph BT
    A --> B(Round) --> C@{ shape: docs }
    subgraph G1[Group one]
        B
        subgraph G2
            C
        end
    end
    D["D"] --> G2
    class G1 a
    class G2,D b
""",
}


def seed_flowchart():
    start, body = extract_blocks(SEED.read_text())[0]
    return parse(body, source=str(SEED), line_offset=start - 1)


def import_text(text: str) -> Architecture:
    arch, _ = infer(parse(text))
    # what `archc import` writes must load
    return load_text(model_yaml(arch)).architecture


def _writable(label_type: str, text: str, plain_ok) -> str:
    return "string" if label_type == "text" and text and not plain_ok(text) else label_type


def comparable(g: dict) -> dict:
    """mermaid-js' graph as what a diagram means, order-free: label types (text = plain, string =
    quoted, markdown), the edge ids authors wrote (not mermaid-js' automatic ones) and edge data."""
    n = mermaidjs.normalise_mermaid(g)
    assert "error" not in n, g
    # documented normalisation (archc.mermaid.writer): a plain label archc cannot write unquoted
    # (two lines, `(` in the `-- text -->` form) is written quoted
    label_types = {v["id"]: _writable(v["labelType"], v["text"], plain_node_label) for v in g["vertices"]}
    edge_data = [
        (_writable(e["labelType"], e["text"], plain_edge_label), e["animate"], e["animation"], e["interpolate"])
        for e in g["edges"]
    ]
    return {
        "direction": n["direction"],
        "title": n["title"],
        "vertices": {
            v["id"]: (v["text"], v["shape"], label_types[v["id"]], tuple(v["classes"]), tuple(v["styles"])) for v in n["vertices"]
        },
        "edges": sorted(
            (e["start"], e["end"], e["type"], e["stroke"], e["text"], e["length"], tuple(e["style"]), e["id"] or "", *data)
            for e, data in zip(n["edges"], edge_data, strict=True)
        ),
        "defaultLinkStyle": n["defaultLinkStyle"],
        "subgraphs": {
            s["id"]: (s["title"], tuple(s["nodes"]), s["dir"], tuple(s["classes"]),
                      # a title without an id (`subgraph "X"`) is text to mermaid-js, a quoted title to archc's parser
                      None if re.fullmatch(r"subGraph\d+", s["id"]) else _writable(raw["labelType"], raw["title"], plain_node_label))
            for s, raw in zip(n["subgraphs"], g["subgraphs"], strict=True)
        },
        "classDefs": {c["name"]: tuple(c["styles"]) for c in n["classDefs"]},
    }


def test_words_pick_the_type_and_the_verb() -> None:
    assert match_type("ecs task execution role") == ("iam_role", "role")
    assert match_type("route53 hosted zone") == ("route53_zone", "hosted zone")
    assert match_type("db subnet group") == ("db_subnet_group", "db subnet group")
    assert match_type("cloudwatch alarms")[0] == "alarm"
    assert infer_verb("Read/Write") == "read_write" and infer_verb("STS AssumeRole") == "assume_role"
    assert infer_verb("git push") is None


def test_seed_imports_with_accounts_vpc_and_typed_fields() -> None:
    arch, report = infer(seed_flowchart())
    assert {k: (a.id, a.name, a.region) for k, a in arch.accounts.items()} == {
        "production": ("978489150794", "Production", "us-west-2"),
        "management": ("731099197338", "Management", "us-west-2"),
        "housekeeping": ("374073887345", "Housekeeping", "us-west-2"),
    }
    r = arch.resources
    assert (r["VPC"].type, r["VPC"].cidr) == ("vpc", "10.10.0.0/16") and arch.groups["VPC"].resource == "VPC"
    priv = r["PRIV_1A"]
    assert (priv.type, priv.tier, priv.cidr, priv.az, priv.vpc, priv.default_route) == ("subnet", "private", "10.10.10.0/24", "us-west-2a", "VPC", "NAT_A")
    assert r["PRIV_1C"].default_route is None and r["PUB_1C"].default_route == "IGW"
    assert r["NAT_B"].subnet == "PUB_1B"
    assert r["ECS_TASK"].execution_role == "ROLE_EXEC" and r["ECS_TASK"].task_role == "ROLE_TASK"
    assert r["LAMBDA_API"].role == "ROLE_LAMBDA" and r["MGMT_R53"].zone == "R53_ZONE"
    assert r["ALB"].listeners[0].certificate == "ACM_CERT" and r["CDN"].certificate == "ACM_CERT"
    assert [(x.type, x.target) for x in r["R53_ZONE"].records] == [("A", "ALB"), ("CNAME", "CDN")]
    assert r["RDS_SUBNET"].subnets == ["PRIV_1A", "PRIV_1B", "PRIV_1C"]
    assert r["MGMT_R53"].account == "management" and r["HK_ROLE"].account == "housekeeping"
    # a sketch: typed, with what the diagram shows, and what it does not show left for ARC115
    svc = r["ECS_SERVICE"]
    assert (svc.type, svc.cluster, svc.task_definition, svc.target_group, svc.subnets) == ("ecs_service", "ECS_CLUSTER", "ECS_TASK", "ALB_TG", [])
    assert (r["LAMBDA_SCHEDULER"].type, r["LAMBDA_SCHEDULER"].role, r["LAMBDA_SCHEDULER"].architecture) == ("lambda_function", None, "arm64")
    assert (r["RDS"].type, r["RDS"].engine, r["RDS"].engine_version, r["RDS"].subnet_group) == ("aurora_cluster", "postgres", None, "RDS_SUBNET")
    conns = {(c.source, c.target): c for c in arch.connections}
    assert conns[("LAMBDA_API", "RDS_REPLICA")].verb == "query" and conns[("LAMBDA_API", "RDS_REPLICA")].label == "Read replica"
    assert conns[("PRIV_1A", "RDS")].verb == "relates" and conns[("PRIV_1A", "RDS")].style.line == "dotted"
    assert "ECS_SERVICE: ECS Service without subnets: the diagram does not show it" in report.text()


def test_seed_import_lints_arc201_on_priv_1c() -> None:
    from archc.rules.engine import run_rules

    arch, _ = infer(seed_flowchart())
    loaded = load_text(model_yaml(arch), "seed.yaml").architecture
    hits = [f.path for f in run_rules(loaded) if f.code == "ARC201"]
    assert hits == [("resources", "PRIV_1C")] or [h[:2] for h in hits] == [("resources", "PRIV_1C")]


@pytest.mark.parametrize("path", [*CORPUS, SEED], ids=lambda p: p.stem)
def test_emit_of_import_is_the_same_graph(path: Path) -> None:
    mermaidjs.require_harness()
    if path == SEED:
        text = extract_blocks(path.read_text())[0][1]
    else:
        text = path.read_text()
    emitted = render(build_view(import_text(text)))
    original, again = mermaidjs.mermaid_graphs([text, emitted])
    assert comparable(again) == comparable(original)


@pytest.mark.parametrize("name", sorted(EXTRA))
def test_emit_of_import_keeps_presentation(name: str) -> None:
    mermaidjs.require_harness()
    text = EXTRA[name]
    emitted = render(build_view(import_text(text)))
    original, again = mermaidjs.mermaid_graphs([text, emitted])
    assert comparable(again) == comparable(original)


def test_accounts_directions_classes_and_title_are_model_fields() -> None:
    arch = import_text(EXTRA["accounts_styles"])
    assert {k: (a.id, a.name, a.direction, a.subgraph, a.label) for k, a in arch.accounts.items()} == {
        "production": ("111111111111", "Production", "TB", True, None),
        "dev": (None, "Dev", "RL", True, None),
    }
    assert arch.diagram.title == "Two accounts" and arch.name == "architecture"
    assert arch.diagram.account_ids == {"production": "prod"}
    assert arch.groups["apps"].classes == ["hot"] and arch.groups["VPC"].classes == ["hot"]
    assert arch.groups["VPC"].resource == "VPC" and arch.resources["VPC"].type == "vpc"
    assert arch.diagram.styles == {"VPC": "fill:#eef,stroke:#333", "dev": "stroke-dasharray: 5 5", "FN": "fill:#ff0"}
    assert (arch.resources["N"].label, arch.resources["N"].shape) == ("**notes**", "default")
    # an edge into a subgraph: the subgraph stands for a generic resource of its own
    assert arch.groups["apps"].resource == "apps" and arch.resources["apps"].type == "generic"
    assert [(c.source, c.target) for c in arch.connections] == [("FN", "Q"), ("FN", "B"), ("Q", "VPC"), ("apps", "B")]


def test_a_diagram_without_accounts_gets_one_without_id_that_is_not_drawn() -> None:
    arch, report = infer(parse(EXTRA["no_accounts"]))
    assert {k: (a.id, a.subgraph) for k, a in arch.accounts.items()} == {"main": (None, False)}
    assert "account 'main': the diagram draws no account for it; it has no id" in report.text()
    text = model_yaml(arch)
    assert "  main: {id: null, name: Main, region: us-east-1, subgraph: false}\n" in text
    assert load_text(text).architecture.accounts["main"].id is None
    shapes = {rid: r.shape for rid, r in arch.resources.items()}
    assert shapes == {"A": None, "B": "round", "C": "docs", "D": "rect", "G2": None}


# -- import(emit(m)) == m on what a diagram carries -----------------------------------------------
#
# A diagram carries a node's type in its words: the models generated here label each typed
# resource the way a person would (a word of its type from the catalogue, among free words that
# name no type), or not at all (its derived label, which must name its type again); a generic
# resource's label names no type. The property then asks for the exact type back: inference from
# words is what is tested, not a side channel.

_TYPED = ["ecs_cluster", "api_gateway", "web_acl", "s3_bucket", "kms_key", "sqs_queue", "sns_topic", "secret", "log_group",
          "xray", "iam_role", "external"]
_DERIVED_OK = [t for t in _TYPED if (match_type(_words_text(TYPES[t].title)) or ("",))[0] == t]
_SHAPES = [None, "rect", "round", "stadium", "cylinder", "hexagon", "asymmetric", "doc", "cloud", "lin-cyl", "hourglass", "default"]
_FREE = st.text(alphabet=st.characters(whitelist_categories=("L", "N")), min_size=1, max_size=8).filter(
    lambda w: match_type(_words_text(w)) is None and infer_verb(w) is None
)
_FREE_LABEL = st.lists(_FREE, min_size=1, max_size=3).map(" ".join).filter(lambda t: match_type(_words_text(t)) is None)
_IDS = st.lists(
    # resource and group ids share Mermaid's id space: a resource whose id is a group's is drawn as
    # that subgraph (the subgraph wins), and a subgraph that is no edge end and no VPC carries no
    # resource back, so such a model is not one a diagram can carry (G<n> are the group ids)
    st.from_regex(r"[A-Z][A-Z0-9_]{0,6}", fullmatch=True).filter(
        lambda i: match_type(_words_text(i)) is None and not re.fullmatch(r"G\d+", i)
    ),
    min_size=1, max_size=8, unique=True,
)


@st.composite
def typed_label(draw: st.DrawFn, rtype: str) -> str | None:
    if rtype in _DERIVED_OK and draw(st.booleans()):
        return None  # the catalogue's own label ("S3 Bucket")
    word = draw(st.sampled_from(TYPES[rtype].words))
    before = draw(st.lists(_FREE, max_size=2))
    after = draw(st.lists(_FREE, max_size=1))
    label = " ".join([*before, word.title() if draw(st.booleans()) else word.upper(), *after])
    sep = draw(st.sampled_from([" ", ": ", "<br/>"]))
    label = label.replace(" ", sep, 1) if before else label
    assume((match_type(_words_text(label.replace("<br/>", " "))) or ("",))[0] == rtype)
    return label


@st.composite
def models(draw: st.DrawFn) -> Architecture:
    drawn = draw(st.booleans())
    keys = draw(st.sampled_from([["prod"], ["prod", "dev"]])) if drawn else ["acct"]
    accounts: dict = {}
    for key in keys:
        acct: dict = {"name": key.title(), "region": "us-west-2"}
        if not drawn:
            acct.update(subgraph=False, region="us-east-1")
        else:
            if draw(st.booleans()):
                acct["id"] = draw(st.from_regex(r"[1-9][0-9]{11}", fullmatch=True))
            if draw(st.booleans()):
                acct["direction"] = draw(st.sampled_from(["TB", "LR", "RL", "BT"]))
        accounts[key] = acct
    ids = draw(_IDS)
    groups: dict = {}
    for i in range(draw(st.integers(0, 3))):
        g: dict = {}
        if draw(st.booleans()):
            g["title"] = draw(_FREE_LABEL)
        if i and draw(st.booleans()):
            g["parent"] = f"G{draw(st.integers(0, i - 1))}"
        elif drawn:
            g["account"] = draw(st.sampled_from(keys))
        if draw(st.booleans()):
            g["direction"] = draw(st.sampled_from(["TB", "LR"]))
        g["classes"] = draw(st.lists(st.sampled_from(["hot", "cold"]), max_size=2, unique=True))
        groups[f"G{i}"] = g

    def root_account(gid: str) -> str:
        while "parent" in groups[gid]:
            gid = groups[gid]["parent"]
        return groups[gid].get("account", keys[0])

    resources: dict = {}
    for rid in ids:
        rtype = draw(st.sampled_from(["generic", *_TYPED]))
        res: dict = {"type": rtype, "account": draw(st.sampled_from(keys))}
        label = draw(typed_label(rtype)) if rtype != "generic" else draw(st.none() | _FREE_LABEL)
        if label is not None:
            res["label"] = label
        if rtype == "external":
            res["kind"] = {"users": "users", "customers": "users", "clients": "client", "client": "client", "internet": "internet"}.get(
                next(w for w in TYPES["external"].words if w in _words_text(label or "")), "service")
        shape = draw(st.sampled_from(_SHAPES))
        if shape is not None:
            res["shape"] = shape
        if label is not None and draw(st.booleans()):
            res["label_kind"] = draw(st.sampled_from(["plain", "quoted", "data"]))
        res["classes"] = draw(st.lists(st.sampled_from(["hot", "web"]), max_size=2, unique=True))
        if groups and draw(st.booleans()):
            res["group"] = draw(st.sampled_from(sorted(groups)))
            res["account"] = root_account(res["group"])
        resources[rid] = res
    conns = []
    for _ in range(draw(st.integers(0, 6))):
        src, dst = draw(st.sampled_from(ids)), draw(st.sampled_from(ids))
        fits = [v for v, info in VERBS.items() if info.label and (not info.sources or resources[src]["type"] in info.sources)
                and (not info.targets or resources[dst]["type"] in info.targets)]
        # a label of its own on any verb: free words, or another verb's words ("Write" on relates)
        own_label = _FREE_LABEL | st.sampled_from([v.label for v in VERBS.values() if v.label])
        if fits and draw(st.booleans()):
            c: dict = {"from": src, "to": dst, "verb": draw(st.sampled_from(fits))}
            if draw(st.booleans()):
                c["label"] = draw(own_label)
        else:
            c = {"from": src, "to": dst, "verb": "relates"}
            if draw(st.booleans()):
                c["label"] = draw(own_label)
        style = {"line": draw(st.sampled_from(["solid", "dotted", "thick"])), "length": draw(st.integers(1, 3))}
        heads = draw(st.sampled_from([("none", "arrow"), ("none", "none"), ("circle", "circle"), ("none", "cross")]))
        style.update(head_start=heads[0], head_end=heads[1])
        # the author's edge id (one like archc's verb ids, too) and edge data
        n = len(conns)
        if draw(st.booleans()):
            style["id"] = draw(st.sampled_from([f"e{n}", f"{c['verb']}_{n + 2}", f"write_{n + 2}", f"read_{n}" if n else "read"]))
        if draw(st.booleans()):
            style["animate"] = draw(st.booleans())
        if draw(st.booleans()):
            style["curve"] = draw(st.sampled_from(["basis", "linear", "stepAfter"]))
        if "label" in c and draw(st.booleans()):
            style["label_kind"] = "quoted"
        if draw(st.booleans()):
            c["style"] = style
        conns.append(c)
    diagram: dict = {"class_defs": {"hot": "fill:#f96"}, "styles": {}}
    if draw(st.booleans()):
        diagram["title"] = draw(_FREE_LABEL)
    if ids and draw(st.booleans()):
        diagram["styles"][ids[0]] = "stroke:#333"
    if groups and draw(st.booleans()):
        diagram["styles"]["G0"] = "fill:#eee"
    if drawn and draw(st.booleans()):
        diagram["account_ids"] = {keys[0]: keys[0].upper()}
    return Architecture.model_validate(
        {"accounts": accounts, "resources": resources, "connections": conns, "groups": groups, "diagram": diagram}
    )


def carried(arch: Architecture) -> dict:
    """What the overview diagram of *arch* shows, with each node's type."""
    view = build_view(arch)
    conns = []
    for c in arch.connections:
        style = c.style.model_dump() if c.style else {}
        line = style.get("line") or VERBS[c.verb].line
        conns.append((c.source, c.target, c.verb, c.label if c.label is not None else VERBS[c.verb].label, line,
                      style.get("head_start", "none"), style.get("head_end", "arrow"), style.get("length", 1)))
    return {
        "title": view.title,
        "accounts": {k: (a.name, a.id, a.direction, a.subgraph) for k, a in arch.accounts.items()},
        # the shape as mermaid-js draws it (`rounded` in `@{ shape }` is the `round` bracket shape)
        "nodes": {n.id: (n.type, n.label, canonical_shape(n.shape) if n.shape else None, n.labelled, n.classes) for n in view.nodes},
        "resources": {rid: (res.type, res.account) for rid, res in arch.resources.items()},
        "groups": {g.id: (g.title, g.parent, g.members, g.direction, g.classes, g.kind) for g in view.groups},
        "connections": sorted(conns),
        "styles": sorted(view.styles),
    }


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(models())
def test_import_of_emit_is_the_model(model: Architecture) -> None:
    home = next(iter(model.accounts))
    text = render(build_view(model))
    back, _ = infer(parse(text), account=home)
    assert carried(back) == carried(model)
    # label kinds, edge ids and edge data: the model that comes back writes the same diagram
    assert render(build_view(back)) == text


def test_hand_drawn_words_still_decide_the_type() -> None:
    """Types come from what a person wrote, never from anything archc hides in the diagram."""
    arch, _ = infer(parse('graph LR\n    B["IAM"] --> Q["Orders queue"]\n    X["S3 Bucket"]\n    Z[Billing]\n'))
    assert {rid: r.type for rid, r in arch.resources.items()} == {"B": "iam_role", "Q": "sqs_queue", "X": "s3_bucket", "Z": "generic"}


def test_presentation_survives_import_and_diagram() -> None:
    """linkStyles, %%{init}%% directives, front-matter config, clicks and shape data live in the
    model's diagram settings and come back in the diagram."""
    text = (
        "---\ntitle: Shop\nconfig:\n  theme: dark\n---\n%%{init: {\"flowchart\": {\"curve\": \"basis\"}}}%%\n"
        "flowchart LR\n  a[Web] --> b[Orders]\n  b -.-> c@{ icon: \"fa:user\", label: \"User\" }\n"
        "  linkStyle 1 stroke:red\n  linkStyle default stroke:#999\n  click a \"https://example.com\" \"tip\"\n"
    )
    arch = import_text(text)
    d = arch.diagram
    assert (d.title, d.front_matter, d.directives) == ("Shop", "config:\n  theme: dark", ['%%{init: {"flowchart": {"curve": "basis"}}}%%'])
    assert (d.default_link_style, d.clicks, d.shape_data) == ("stroke:#999", ['a "https://example.com" "tip"'], {"c": 'icon: "fa:user"'})
    assert [c.style.css if c.style else None for c in arch.connections] == [None, "stroke:red"]
    emitted = render(build_view(arch))
    assert emitted.startswith("---\ntitle: Shop\nconfig:\n  theme: dark\n---\n%%{init:")
    assert 'click a "https://example.com" "tip"' in emitted and 'icon: "fa:user"' in emitted
    mermaidjs.require_harness()
    original, again = mermaidjs.mermaid_graphs([text, emitted])
    assert comparable(again) == comparable(original)


def test_real_world_aws_patterns_are_typed_or_stay_generic_with_a_reason() -> None:
    """Subnet/AZ subgraphs are recognised; a word must name a service, not match a fragment; the
    words of a subgraph around a node do not leak into it; services archc has no type for stay
    generic and say so (tests/corpus/mermaid/foreign_aws_vpc.mmd)."""
    arch, report = infer(parse((Path(__file__).resolve().parents[1] / "corpus" / "mermaid" / "foreign_aws_vpc.mmd").read_text()))
    r = arch.resources
    assert (r["pub1"].type, r["pub1"].tier, r["pub1"].cidr, r["pub1"].az, r["pub1"].vpc) == ("subnet", "public", "10.0.0.0/24", "us-east-1a", "VPC")
    assert (r["priv1"].tier, r["priv1"].cidr) == ("private", "10.0.10.0/24")
    assert r["alb"].type == "load_balancer" and r["alb"].subnets == ["pub1"]
    assert r["fn"].type == "lambda_function" and r["fn"].subnets == ["priv1"]
    assert r["nat"].type == "nat_gateway" and r["nat"].subnet == "pub1"
    # services archc has a type for get it; the rest stay generic, saying why
    assert (r["ddb"].type, r["sfn"].type, r["ecr"].type) == ("dynamodb_table", "state_machine", "ecr_repository")
    assert (r["cache"].type, r["es"].type) == ("elasticache", "opensearch_domain")
    for rid in ("rt", "pod1", "pm", "k"):
        assert r[rid].type == "generic", rid
    text = report.text()
    for service in ("route tables",):
        assert f"AWS service {service} has no archc type" in text
    for service in ("DynamoDB", "Step Functions", "ECR", "ElastiCache", "OpenSearch"):
        assert f"AWS service {service} has no archc type" not in text


def test_a_subnet_title_without_its_facts_stays_a_group() -> None:
    arch, report = infer(parse('graph TB\n  subgraph V["VPC 10.0.0.0/16"]\n    subgraph S["Public Subnet"]\n      a[Web]\n    end\n  end\n'))
    assert "S" not in arch.resources and arch.groups["S"].resource is None
    assert "subgraph S: a subnet without CIDR, availability zone in its title; kept as a group" in report.text()


@pytest.mark.parametrize(("label", "expected"), [
    ("DynamoDB table", "dynamodb_table"), ("ElastiCache cluster", "elasticache"), ("Memcached", "generic"), ("OpenSearch", "opensearch_domain"),
    ("Elasticsearch domain", "opensearch_domain"), ("Search service", "generic"), ("SES", "ses_identity"), ("Email", "generic"), ("Orders service", "generic"), ("Billing function", "generic"), ("Orders db", "generic"),
    ("API key valid?", "generic"), ("KMS key", "kms_key"), ("Aurora PostgreSQL", "aurora_cluster"), ("ECS Service", "ecs_service"),
])
def test_a_word_names_a_service(label: str, expected: str) -> None:
    arch, _ = infer(parse(f'graph TB\n  n["{label}"]\n'))
    assert arch.resources["n"].type == expected


@pytest.mark.parametrize(
    ("text", "what", "line", "col"),
    [("graph TD\n  x --> a,b\n", "node id 'a,b'", 2, 9), ("graph TD\n  subgraph c#d\n  x\n  end\n", "subgraph id 'c#d'", 2, 3)],
)
def test_an_id_that_is_no_model_id_stops_at_its_place(text: str, what: str, line: int, col: int) -> None:
    from archc.importers.infer import DiagramPlaceError

    assert mermaidjs.is_valid(text) if mermaidjs.available() else True  # mermaid-js reads it as one id
    with pytest.raises(DiagramPlaceError) as ei:
        infer(parse(text, source="d.mmd"))
    assert (ei.value.line, ei.value.col) == (line, col)
    assert ei.value.at("d.mmd").startswith(f"d.mmd:{line}:{col}: {what} cannot be a model id")


def test_a_verb_with_a_label_of_its_own_comes_back_from_its_diagram() -> None:
    """`verb: write, label: ship logs` is drawn `F write@-->|ship logs| L` (mermaid-js reads the
    edge id and draws none); a label that is the verb's own words needs no id."""
    model = Architecture.model_validate({
        "accounts": {"main": {"name": "Main", "region": "us-east-1", "subgraph": False}},
        "resources": {"F": {"type": "lambda_function"}, "L": {"type": "log_group"}, "write": {"type": "generic"}},
        "connections": [
            {"from": "F", "to": "L", "verb": "write", "label": "ship logs"},
            {"from": "F", "to": "L", "verb": "write", "label": "Logs"},
            {"from": "F", "to": "L", "verb": "logs"},
            {"from": "F", "to": "L", "verb": "relates", "label": "Write"},
            {"from": "F", "to": "L", "verb": "write", "label": "WRITE"},
        ],
    })
    text = render(build_view(model))
    assert "F write_2@-->|ship logs| L\n" in text and "F write_3@-->|Logs| L\n" in text
    assert "F -->|Logs| L\n" in text and "F relates@-->|Write| L\n" in text and "F -->|WRITE| L\n" in text
    if mermaidjs.available():
        edges = mermaidjs.mermaid_graph(text)["edges"]
        assert [e["id"] for e in edges[:2]] == ["write_2", "write_3"] and edges[0]["text"] == "ship logs"
    back, _ = infer(parse(text), account="main")
    assert [(c.verb, c.label) for c in back.connections] == [
        ("write", "ship logs"), ("write", "Logs"), ("logs", None), ("relates", "Write"), ("write", "WRITE")]


# -- typed reference fields through the diagram (#9) ---------------------------------------------
#
# The oracle reads each resource's reference fields straight off the model objects (a list written
# here, not the catalogue's relations the emitter and the importer share); the VPC a subgraph
# stands for comes back under the subgraph's id, as Mermaid has one id for both.

_REFS = {"subnet": ("vpc", "default_route"), "internet_gateway": ("vpc",), "lambda_function": ("role", "subnets")}


def references(arch: Architecture, rename: dict[str, str]) -> dict[str, tuple[str, dict[str, object]]]:
    def name(x: object) -> object:
        if isinstance(x, list):
            return [rename.get(v, v) for v in x]
        return rename.get(x, x) if isinstance(x, str) else x

    return {
        rename.get(rid, rid): (res.type, {f: name(getattr(res, f)) for f in _REFS.get(res.type, ())})
        for rid, res in arch.resources.items()
    }


@st.composite
def network_models(draw: st.DrawFn) -> Architecture:
    title = draw(st.sampled_from(["VPC 10.0.0.0/16", "Main VPC<br/>10.0.0.0/16", "vpc: 10.0.0.0/16"]))
    resources: dict = {"VPC": {"type": "vpc", "cidr": "10.0.0.0/16", "account": "prod"}}
    igw = draw(st.booleans())
    if igw:
        resources["IGW"] = {"type": "internet_gateway", "vpc": "VPC", "group": "NET", "account": "prod"}
    subnets = [f"S{i}" for i in range(draw(st.integers(1, 4)))]
    for i, sid in enumerate(subnets):
        tier = draw(st.sampled_from(["public", "private", "isolated"]))
        s = {"type": "subnet", "vpc": "VPC", "cidr": f"10.0.{i}.0/24", "az": f"us-west-2{draw(st.sampled_from('abc'))}",
             "tier": tier, "group": "NET", "account": "prod"}
        if tier == "public" and igw and draw(st.booleans()):
            s["default_route"] = "IGW"
        resources[sid] = s
    roles = [f"R{i}" for i in range(draw(st.integers(0, 2)))]
    for rid in roles:
        resources[rid] = {"type": "iam_role", "account": "prod"}
    for i in range(draw(st.integers(1, 3))):
        fn: dict = {"type": "lambda_function", "account": "prod"}
        if roles and draw(st.booleans()):
            fn["role"] = draw(st.sampled_from(roles))
        fn["subnets"] = draw(st.lists(st.sampled_from(subnets), unique=True, max_size=len(subnets)))
        if fn["subnets"]:
            fn["group"] = "NET"
        resources[f"F{i}"] = fn
    return Architecture.model_validate({
        "accounts": {"prod": {"name": "Prod", "region": "us-west-2"}},
        "groups": {"NET": {"account": "prod", "resource": "VPC", "title": title}},
        "resources": resources,
    })


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(network_models())
def test_import_of_emit_keeps_typed_references(model: Architecture) -> None:
    back, _ = infer(parse(render(build_view(model))), account="prod")
    assert references(back, {}) == references(model, {"VPC": "NET"})


@pytest.mark.parametrize(
    ("title", "region"),
    [("us-west-2", "us-west-2"), ("US West (Oregon)", "us-west-2"), ("Region: eu-west-1", "eu-west-1"),
     ("Europe (Ireland)", "eu-west-1"), ("AWS GovCloud (US-West)", "us-gov-west-1"), ("eu-central-1 region", "eu-central-1"),
     ("us-west-2a", None), ("us-west-2 and eu-west-1", None), ("Oregon", None), ("us-west-9", "us-west-9"), ("uk-west-1", None)],
)
def test_a_region_title_names_one_region(title: str, region: str | None) -> None:
    from archc.importers.infer import region_of_title

    assert region_of_title(title) == region


def test_region_and_az_subgraphs_place_their_members() -> None:
    arch, report = infer(parse(
        'graph TD\n subgraph P["Prod Account"]\n  subgraph R1["US West (Oregon)"]\n   subgraph V["VPC 10.0.0.0/16"]\n'
        '    subgraph AZA["us-west-2a"]\n     S1["Private subnet 10.0.1.0/24"]\n    end\n   end\n   Q["SQS queue"]\n  end\n'
        '  subgraph R2["Region: eu-west-1"]\n   B["S3 bucket"]\n  end\n end\n'
    ))
    r = arch.resources
    assert arch.accounts["prod"].region == "us-west-2"
    assert (r["S1"].type, r["S1"].az, r["S1"].vpc, r["S1"].region) == ("subnet", "us-west-2a", "V", None)
    assert (r["Q"].region, r["B"].type, r["B"].region) == (None, "s3_bucket", "eu-west-1")
    assert "subgraph R2: region eu-west-1 (its members' region)" in report.text()
    assert {g: arch.groups[g].title for g in ("R1", "R2", "AZA")} == {"R1": "US West (Oregon)", "R2": "Region: eu-west-1", "AZA": "us-west-2a"}


def test_a_vpc_subgraph_without_cidr_is_a_vpc_sketch_when_subnets_sit_in_it() -> None:
    from archc.rules.engine import run_rules

    arch, report = infer(parse(
        'graph TD\n subgraph V["Virtual Private Cloud"]\n  subgraph A["Public subnet 10.0.1.0/24 us-west-2a"]\n   L["Lambda"]\n  end\n'
        '  S2["Private subnet<br/>10.0.2.0/24<br/>us-west-2b"]\n end\n subgraph W["VPC"]\n  X["Orders"]\n end\n'
    ))
    r = arch.resources
    assert (r["V"].type, r["V"].cidr, arch.groups["V"].resource) == ("vpc", None, "V")
    assert (r["A"].vpc, r["S2"].vpc, r["L"].subnets) == ("V", "V", ["A"])
    assert "W" not in r and arch.groups["W"].resource is None  # a "VPC" box without subnets stays a group
    assert "subgraph V: VPC (its subnets inside; no CIDR drawn)" in report.text()
    assert any(d.code == "ARC115" and d.path[:2] == ("resources", "V") for d in run_rules(arch))
    assert load_text(model_yaml(arch)).architecture.resources["V"].cidr is None


# -- label kinds, edge ids and edge data (#13) ----------------------------------------------------

KINDS = """flowchart TB
    a[Plain words?]
    b["Quoted"]
    c["`**Markdown**`"]
    d["On a cylinder"]@{ shape: cyl }
    e@{ shape: rect, label: "In the data" }
    f@{ label: "Default box" }
    g[Plain doc]@{ shape: doc }
    h@{ shape: cyl, label: "Data cylinder" }
    i[(Plain cylinder)]
    j["Two<br/>lines"]
"""


def test_label_kinds_come_back_as_the_author_wrote_them() -> None:
    arch = import_text(KINDS)
    kinds = {rid: (r.label, r.label_kind) for rid, r in arch.resources.items()}
    assert kinds == {
        "a": ("Plain words?", "plain"), "b": ("Quoted", None), "c": ("`**Markdown**`", None), "d": ("On a cylinder", "quoted"),
        "e": ("In the data", "data"), "f": ("Default box", None), "g": ("Plain doc", "plain"), "h": ("Data cylinder", None),
        "i": ("Plain cylinder", "plain"), "j": ("Two<br/>lines", None),
    }
    assert render(build_view(arch)) == KINDS
    if mermaidjs.available():
        original, again = mermaidjs.mermaid_graphs([KINDS, render(build_view(arch))])
        assert [v["labelType"] for v in again["vertices"]] == ["text", "string", "markdown", "string", "markdown", "markdown", "text",
                                                               "markdown", "text", "string"]
        assert comparable(again) == comparable(original)


def test_a_model_without_label_kinds_writes_as_before() -> None:
    """No `label_kind`: quoted in the shape's brackets, `@{ label }` for a shape without them."""
    model = Architecture.model_validate({
        "accounts": {"main": {"name": "Main", "region": "us-east-1", "subgraph": False}},
        "resources": {"A": {"type": "generic", "label": "Box", "shape": "rect"}, "B": {"type": "generic", "label": "Doc", "shape": "doc"},
                      "C": {"type": "generic", "label": "`*md*`", "shape": "round"}},
    })
    text = render(build_view(model))
    assert '    A["Box"]\n    B@{ shape: doc, label: "Doc" }\n    C("`*md*`")\n' in text
    plain = model.model_copy(deep=True)
    for rid in ("A", "B", "C"):
        plain.resources[rid].label_kind = "plain"
    # a markdown label stays markdown; a plain one before `@{ shape }` keeps its brackets
    assert '    A[Box]\n    B[Doc]@{ shape: doc }\n    C("`*md*`")\n' in render(build_view(plain))


EDGES = """flowchart LR
    a
    b

    a e1@-->|"quoted"| b
    a write@-->|ship logs| b
    a write_7@-->|ship| b
    b write_2@-->|Write| a
    a e2@-->|ship| b
    a -->|talks| b
    e1@{ animate: true, curve: basis }
    e2@{ animation: slow, step: 2, verb: write }
"""


def test_edge_ids_and_data_come_back_and_the_authors_ids_are_never_replaced() -> None:
    arch, report = infer(parse(EDGES))
    got = [(c.verb, c.label, c.style.model_dump(exclude_defaults=True) if c.style else None) for c in arch.connections]
    assert got == [
        ("relates", "quoted", {"label_kind": "quoted", "id": "e1", "animate": True, "curve": "basis"}),
        ("write", "ship logs", None),  # archc's own verb id: written again from the model
        ("write", "ship", {"id": "write_7"}),  # names the verb, but archc would write `write_2`: the author's
        ("write", None, {"id": "write_2"}),  # the label says the verb: archc would write no id
        ("write", "ship", {"id": "e2", "animation": "slow", "data": "step: 2"}),  # the verb from the edge data
        ("relates", "talks", None),
    ]
    assert "edge id" not in report.text()
    text = render(build_view(arch))
    assert text == EDGES
    if mermaidjs.available():
        original, again = mermaidjs.mermaid_graphs([EDGES, text])
        assert comparable(again) == comparable(original)
        assert [(e["id"], e["animate"], e["interpolate"]) for e in again["edges"][:1]] == [("e1", True, "basis")]


def test_the_verb_travels_beside_an_authors_edge_id() -> None:
    """An edge id of the author's is written as given; the verb it cannot carry goes into the edge
    data (`verb: write`), and archc's own verb ids skip the author's."""
    model = Architecture.model_validate({
        "accounts": {"main": {"name": "Main", "region": "us-east-1", "subgraph": False}},
        "resources": {"F": {"type": "lambda_function"}, "L": {"type": "log_group"}},
        "connections": [
            {"from": "F", "to": "L", "verb": "write", "label": "ship logs", "style": {"id": "e1", "animate": True}},
            {"from": "F", "to": "L", "verb": "write", "style": {"id": "write"}},
            {"from": "F", "to": "L", "verb": "write", "label": "again"},
            {"from": "F", "to": "L", "verb": "logs", "style": {"id": "read"}},
            {"from": "F", "to": "L", "verb": "write", "style": {"curve": "step"}},
        ],
    })
    text = render(build_view(model))
    edges = [x.strip() for x in text.splitlines() if "@" in x and "F" in x or x.strip().startswith(("e1@", "read@", "write_"))]
    assert edges == [
        "F e1@-->|ship logs| L", "F write@-->|Write| L", "F write_2@-->|again| L", "F read@-->|Logs| L", "F write_3@-->|Write| L",
        "e1@{ animate: true, verb: write }", "read@{ verb: logs }", "write_3@{ curve: step }",
    ]
    back, _ = infer(parse(text), account="main")
    assert [c.model_dump(exclude_defaults=True, by_alias=True) for c in back.connections] == [
        c.model_dump(exclude_defaults=True, by_alias=True) for c in model.connections
    ]
    if mermaidjs.available():
        g = mermaidjs.mermaid_graph(text)
        assert "error" not in g and [e["id"] for e in g["edges"]] == ["e1", "write", "write_2", "read", "write_3"]


def test_an_edge_id_the_model_cannot_hold_is_reported() -> None:
    arch, report = infer(parse("flowchart LR\n    a e!1@--> b\n    a end-x@--> b\n"))
    assert [c.style for c in arch.connections] == [None, None]
    assert "edge a → b: edge id 'e!1' cannot be a model value" in report.text()
    assert "edge a → b: edge id 'end-x' cannot be a model value" in report.text()


def test_resources_without_a_label_read_apart_and_come_back_without_one() -> None:
    """Three IAM roles without labels show their ids over "IAM Role"; the import gives no label
    back, and the type from the line below the id (whatever words the id has)."""
    model = load_text((Path(__file__).resolve().parents[2] / "examples" / "serverless" / "architecture.yaml").read_text()).architecture
    text = render(build_view(model))
    for rid in ("API_ROLE", "WORKER_ROLE", "REPORT_ROLE"):
        assert f'{rid}["{rid}<br/>IAM Role"]' in text
    shown = re.findall(r'^\s+\w+\["([^"]*)"\]', text, re.MULTILINE)
    assert len(shown) == len(set(shown))  # every node reads apart
    arch, _ = infer(parse('flowchart LR\n    QUEUE_FN["QUEUE_FN<br/>Lambda Function"]\n    R["R<br/>IAM Role"]\n    S["S<br/>own words"]\n'))
    assert {rid: (r.type, r.label) for rid, r in arch.resources.items()} == {
        "QUEUE_FN": ("lambda_function", None), "R": ("iam_role", None), "S": ("generic", "S<br/>own words")}


def test_subgraph_title_kinds_come_back() -> None:
    text = 'flowchart TB\n    subgraph S[Plain group]\n        a\n    end\n    subgraph T["T"]\n        b\n    end\n    subgraph U["Quoted group"]\n        c\n    end\n'
    arch = import_text(text)
    assert [(g.title, g.title_kind) for g in arch.groups.values()] == [("Plain group", "plain"), ("T", "quoted"), ("Quoted group", None)]
    assert render(build_view(arch)) == text
