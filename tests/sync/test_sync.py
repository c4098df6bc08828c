"""Semantic diff and sync end to end (diagram → model → diff → apply): what changes, and that the
model file keeps everything else; with property tests over random edits of a realistic model."""

from __future__ import annotations

import copy
import shutil
import string
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from archc.diagnostics import ModelError
from archc.emitters.mermaid import render
from archc.emitters.views import build_view
from archc.importers.infer import DiagramError, infer
from archc.mermaid.parser import parse
from archc.model.loader import load, load_text, load_texts
from archc.sync import apply, diff, diff_text

MODEL = """\
# the team's model: this comment must survive a sync
archc: 1
accounts:
  prod: {id: "111111111111", name: Prod, region: us-west-2}
groups:
  Data: {title: Data stores, account: prod}
resources:
  ROLE: {type: iam_role, label: App role}  # trailing comment
  FN:
    type: lambda_function
    role: ROLE
    memory_mb: 2048  # the diagram cannot show this
  BUCKET: {type: s3_bucket, label: "S3: data", group: Data, versioning: false}
connections:
  - {from: FN, to: BUCKET, verb: read_write}
  - {from: FN, to: ROLE, verb: relates, label: debug}
"""


def diagram_of(text: str) -> str:
    return render(build_view(load_text(text).architecture))


def synced(edited: str) -> tuple[str, list[str]]:
    base = load_text(MODEL, "m.yaml").architecture
    new, _ = infer(parse(edited), base=base)
    changes = diff(base, new)
    out = apply([("m.yaml", MODEL)], base, changes)
    return out.get("m.yaml", MODEL), [c.text() for c in changes]


def test_unedited_diagram_is_in_sync() -> None:
    text, changes = synced(diagram_of(MODEL))
    assert changes == [] and text == MODEL


def test_edge_ids_edge_data_and_label_kinds_are_synced_into_the_file() -> None:
    """An edge id, edge data and a quoted edge label drawn on an edge, and a node label written
    plain, go into the model file; its comments and what the diagram cannot show stay, and the
    synced model draws the edited diagram again."""
    d = diagram_of(MODEL)
    d = d.replace('BUCKET["S3: data"]', "BUCKET[S3 data]")
    d = d.replace("    FN -->|debug| ROLE\n", '    FN e1@-->|"debug"| ROLE\n')
    d = d.replace("    ROLE -.->|Used by| FN\n", "    ROLE -.->|Used by| FN\n    e1@{ animate: true, curve: basis }\n")
    text, changes = synced(d)
    assert changes == [
        "~ resource BUCKET: label 'S3: data' → 'S3 data'",
        "~ resource BUCKET: label_kind None → plain",
        "~ connection FN → ROLE: FN → ROLE (relates, 'debug') ⇒ FN → ROLE (relates, 'debug') [label_kind=quoted, id=e1, animate=True, curve=basis]",
    ]
    assert "# the team's model: this comment must survive a sync" in text and "# trailing comment" in text
    assert "memory_mb: 2048  # the diagram cannot show this" in text
    assert "  - {from: FN, to: ROLE, verb: relates, label: debug, style: {label_kind: quoted, id: e1, animate: true, curve: basis}}\n" in text
    assert '  BUCKET: {type: s3_bucket, label: "S3 data", group: Data, versioning: false, label_kind: plain}\n' in text
    arch = load_text(text).architecture
    assert render(build_view(arch)) == d
    assert diff(arch, infer(parse(d), base=arch)[0]) == []  # and is in sync with it


def test_edits_are_applied_and_everything_else_kept() -> None:
    d = diagram_of(MODEL)
    d = d.replace('BUCKET["S3: data"]', 'BUCKET["S3: customer data"]\n        QUEUE["SQS: jobs"]')
    d = d.replace("    FN -->|debug| ROLE\n", "    FN -->|Send| QUEUE\n")
    text, changes = synced(d)
    assert changes == [
        "~ resource BUCKET: label 'S3: data' → 'S3: customer data'",
        "+ resource QUEUE: sqs_queue 'SQS: jobs'",
        "+ connection FN → QUEUE (send, 'Send')",
        "- connection FN → ROLE (relates, 'debug')",
    ]
    assert "# the team's model: this comment must survive a sync" in text
    assert "# trailing comment" in text and "memory_mb: 2048  # the diagram cannot show this" in text
    assert "versioning: false" in text
    arch = load_text(text).architecture
    assert arch.resources["QUEUE"].group == "Data" and arch.resources["QUEUE"].account == "prod"
    assert [(c.source, c.target, c.verb) for c in arch.connections] == [("FN", "BUCKET", "read_write"), ("FN", "QUEUE", "send")]
    assert list(arch.resources) == ["ROLE", "FN", "BUCKET", "QUEUE"]


def test_a_removed_edge_that_drew_a_needed_field_is_an_error_naming_node_and_field() -> None:
    d = diagram_of(MODEL).replace("    ROLE -.->|Used by| FN\n", "")
    base = load_text(MODEL).architecture
    with pytest.raises(DiagramError) as caught:
        infer(parse(d), base=base)
    assert caught.value.problems == [
        ("FN (lambda_function): the diagram no longer draws its 'Used by' edge for role, which a Lambda Function needs; "
        "draw the edge again, or remove FN from the diagram")
    ]


def test_diff_text_is_deterministic_and_model_order() -> None:
    a = load_text(MODEL).architecture
    b = load_text(MODEL.replace("label: App role", "label: Role").replace("group: Data, ", "")).architecture
    assert diff_text(diff(a, b)) == "~ resource ROLE: label 'App role' → 'Role'\n~ resource BUCKET: group Data → None\n"


def test_sync_of_a_directory_puts_new_resources_beside_their_account(tmp_path: Path, example_model) -> None:
    model = tmp_path / "m"
    shutil.copytree(Path(example_model.files[0]).parent, model)
    base = load(str(model))
    d = render(build_view(base.architecture)).replace('HK_ROLE["', 'HK_QUEUE["SQS: hk"]\n        HK_ROLE["')
    new, _ = infer(parse(d), base=base.architecture)
    changes = diff(base.architecture, new)
    assert [c.text() for c in changes] == ["+ resource HK_QUEUE: sqs_queue 'SQS: hk'"]
    texts = [(f, Path(f).read_text()) for f in base.files]
    out = apply(texts, base.architecture, changes)
    assert list(out) == [str(model / "housekeeping.yaml")]
    assert "  HK_QUEUE: {type: sqs_queue, label: 'SQS: hk'}\n" in out[str(model / "housekeeping.yaml")]
    merged = [(f, out.get(f, t)) for f, t in texts]
    assert load_texts(merged).architecture.resources["HK_QUEUE"].account == "housekeeping"


NESTED = """\
archc: 1
accounts:
  prod: {id: "111111111111", name: Prod, region: us-west-2}
groups:
  Edge: {title: Edge, account: prod}
resources:
  VPC: {type: vpc, cidr: 10.0.0.0/16}
  PUB_A: {type: subnet, vpc: VPC, tier: public, cidr: 10.0.0.0/24, az: us-west-2a}
  PUB_B: {type: subnet, vpc: VPC, tier: public, cidr: 10.0.1.0/24, az: us-west-2b}
  CERT: {type: acm_certificate, domain: example.com}
  TG_WEB: {type: target_group, vpc: VPC}
  TG_API: {type: target_group, vpc: VPC, port: 9090}
  ALB:
    type: load_balancer
    subnets: [PUB_A, PUB_B]
    group: Edge
    listeners:
      - {port: 443, protocol: HTTPS, certificate: CERT, target_group: TG_WEB}  # the web listener
  CDN: {type: cloudfront_distribution, label: "CloudFront<br/>www.example.com"}
  ZONE:
    type: route53_zone
    domain: example.com
    records:
      - {name: example.com, target: ALB}
      - {name: www.example.com, type: CNAME, target: CDN}
"""


def nested_sync(edit: dict[str, str]) -> tuple[list[str], str]:
    base = load_text(NESTED, "m.yaml").architecture
    d = render(build_view(base))
    for old, new in edit.items():
        assert old in d, old
        d = d.replace(old, new)
    b, _ = infer(parse(d), base=base)
    changes = diff(base, b)
    text = apply([("m.yaml", NESTED)], base, changes).get("m.yaml", NESTED)
    load_text(text)  # the result loads
    return [c.text() for c in changes], text


def test_nested_fields_follow_the_diagram_in_place() -> None:
    changes, text = nested_sync({
        "ALB -->|Forward| TG_WEB": "ALB -->|Forward| TG_API",
        "ZONE -->|A record| ALB": "ZONE -->|A record| CDN",
        "ZONE -->|CNAME| CDN": "ZONE -->|CNAME| ALB",
        "    PUB_A -.->|Hosts| ALB\n": "",
        'subgraph prod["Prod Account (111111111111)"]': 'subgraph prod["Prod Account (111111111111)"]\n        direction LR',
    })
    assert changes == [
        "~ account prod: direction None → 'LR'",
        "~ resource ALB: subnets ['PUB_A', 'PUB_B'] → ['PUB_B']",
        "~ resource ALB: listeners [TG_WEB/CERT] → [TG_API/CERT]",
        "~ resource ZONE: records [A/ALB, CNAME/CDN] → [CNAME/ALB, A/CDN]",
    ]
    assert "  prod: {id: \"111111111111\", name: Prod, region: us-west-2, direction: LR}\n" in text
    assert "      - {port: 443, protocol: HTTPS, certificate: CERT, target_group: TG_API}  # the web listener\n" in text
    assert "    subnets: [PUB_B]\n" in text
    # a record keeps its name; its type and target follow the edge
    assert "      - {name: example.com, target: ALB, type: CNAME}" in text and "      - {name: www.example.com, target: CDN}\n" in text


def test_a_new_record_edge_adds_a_record_named_after_its_target() -> None:
    changes, text = nested_sync({"    ZONE -->|CNAME| CDN\n": "    ZONE -->|CNAME| CDN\n    ZONE -->|AAAA record| CDN\n"})
    assert changes == ["~ resource ZONE: records [A/ALB, CNAME/CDN] → [A/ALB, CNAME/CDN, AAAA/CDN]"]
    assert text.endswith(
        "    records:\n      - {name: example.com, target: ALB}\n      - {name: www.example.com, type: CNAME, target: CDN}\n"
        "      - {name: www.example.com, type: AAAA, target: CDN}\n"
    )


def test_a_listener_left_without_its_forward_edge_is_an_error() -> None:
    base = load_text(NESTED).architecture
    d = render(build_view(base)).replace("    ALB -->|Forward| TG_WEB\n", "")
    with pytest.raises(DiagramError) as caught:
        infer(parse(d), base=base)
    assert caught.value.problems == [
        ("ALB (load_balancer): the diagram no longer draws the 'Forward' edge to TG_WEB, which its listener on port 443 needs; "
        "draw it again, or change the listener in the model")
    ]


def test_group_classes_and_the_title_are_synced() -> None:
    d = diagram_of(MODEL).replace("graph TB\n", "---\ntitle: Orders\n---\ngraph TB\n") + "    class Data hot\n"
    text, changes = synced(d)
    assert changes == ["~ group Data: classes [] → ['hot']", "~ diagram title: None → 'Orders'"]
    assert "  Data: {title: Data stores, account: prod, classes: [hot]}\n" in text
    assert load_text(text).architecture.diagram.title == "Orders"


# -- properties -----------------------------------------------------------------------------------

ORDERS = (Path(__file__).parent / "orders.yaml").read_text()
ORDERS_DATA = yaml.safe_load(ORDERS)
LEAVES = ("sqs_queue", "s3_bucket", "sns_topic")  # types with no field a diagram must draw
WORDS = st.text(alphabet=string.ascii_letters + string.digits + " :-'#&/()", min_size=1, max_size=14).map(str.strip).filter(bool)


def _drop_resource(d: dict[str, Any], rid: str) -> None:
    d["resources"].pop(rid, None)
    d["connections"] = [c for c in d["connections"] if rid not in (c["from"], c["to"])]


@st.composite
def edited_models(draw: st.DrawFn) -> dict[str, Any]:
    """ORDERS with a few random edits of what a diagram shows (as data)."""
    d = copy.deepcopy(ORDERS_DATA)
    for _ in range(draw(st.integers(1, 5))):
        rids = sorted(d["resources"])
        kind = draw(st.sampled_from([
            "relabel", "regroup", "add", "remove", "retype", "connect", "disconnect", "edge label", "group title", "group add", "title", "account",
        ]))
        if kind == "relabel" and rids:
            d["resources"][draw(st.sampled_from(rids))]["label"] = draw(WORDS)
        elif kind == "regroup" and rids:
            res = d["resources"][draw(st.sampled_from(rids))]
            gid = draw(st.sampled_from([None, *sorted(d["groups"])]))
            if gid is None:
                res.pop("group", None)
            elif res.get("account", "prod") == "prod":
                res["group"] = gid
        elif kind == "add":
            rid = f"NEW{len(d['resources'])}"
            res: dict[str, Any] = {"type": draw(st.sampled_from(LEAVES))}
            if draw(st.booleans()):
                res["label"] = draw(WORDS)
            if draw(st.booleans()):
                res["account"] = "shared"
            elif d["groups"] and draw(st.booleans()):
                res["group"] = draw(st.sampled_from(sorted(d["groups"])))
            d["resources"][rid] = res
        elif kind == "remove":
            candidates = [r for r in rids if d["resources"][r]["type"] in LEAVES]
            if candidates:
                _drop_resource(d, draw(st.sampled_from(candidates)))
        elif kind == "retype":
            candidates = [r for r in rids if d["resources"][r]["type"] in LEAVES]
            if candidates:
                rid = draw(st.sampled_from(candidates))
                res = d["resources"][rid]
                # the verbs of its edges may not fit the new type
                d["connections"] = [c for c in d["connections"] if rid not in (c["from"], c["to"]) or c["verb"] == "relates"]
                kept = {k: v for k, v in res.items() if k in ("label", "group", "account")}
                res.clear()
                res.update({"type": draw(st.sampled_from(LEAVES)), **kept})
        elif kind == "connect" and rids:
            conn = {"from": draw(st.sampled_from(rids)), "to": draw(st.sampled_from(rids)), "verb": "relates", "label": draw(WORDS)}
            if conn["from"] != conn["to"]:
                d["connections"].append(conn)
        elif kind == "disconnect" and d["connections"]:
            d["connections"].pop(draw(st.integers(0, len(d["connections"]) - 1)))
        elif kind == "edge label":
            relates = [c for c in d["connections"] if c["verb"] == "relates"]
            if relates:
                draw(st.sampled_from(relates))["label"] = draw(WORDS)
        elif kind == "group title" and d["groups"]:
            d["groups"][draw(st.sampled_from(sorted(d["groups"])))]["title"] = draw(WORDS)
        elif kind == "group add":
            d["groups"][f"G{len(d['groups'])}"] = {"title": draw(WORDS), "account": "prod"}
        elif kind == "title":
            d.setdefault("diagram", {})["title"] = draw(WORDS)
        elif kind == "account":
            d["accounts"]["prod"]["direction"] = draw(st.sampled_from(["LR", "TB", "RL"]))
    return d


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edited_models())
def test_sync_of_any_edit_loads_to_the_edited_model_and_keeps_the_comments(data: dict[str, Any]) -> None:
    try:
        b = load_text(yaml.safe_dump(data, sort_keys=False)).architecture
    except ModelError:
        assume(False)
        raise
    a = load_text(ORDERS, "orders.yaml").architecture
    changes = diff(a, b)
    text = apply([("orders.yaml", ORDERS)], a, changes).get("orders.yaml", ORDERS)
    result = load_text(text).architecture
    assert diff(result, b) == [], text
    assert text.startswith("# Orders service: owned by the platform team.\n# Edit freely; `archc sync` keeps these comments.\n")
    assert ("memory_mb: 2048  # the diagram cannot show this" in text) == ("FN" in b.resources)
    # and that file's diagram, synced back onto it, changes nothing: not a byte
    d = render(build_view(result))
    again, _ = infer(parse(d), base=result)
    assert diff(result, again) == []
    assert apply([("orders.yaml", text)], result, []) == {}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edited_models())
def test_sync_of_an_edited_diagram_says_what_the_diagram_says(data: dict[str, Any]) -> None:
    """From the diagram side: draw M', sync it onto M's file, and the file says what M' drew."""
    try:
        b = load_text(yaml.safe_dump(data, sort_keys=False)).architecture
    except ModelError:
        assume(False)
        raise
    a = load_text(ORDERS, "orders.yaml").architecture
    drawn, _ = infer(parse(render(build_view(b))), base=a)
    text = apply([("orders.yaml", ORDERS)], a, diff(a, drawn)).get("orders.yaml", ORDERS)
    assert diff(load_text(text).architecture, drawn) == []
    # the same drawing, but for the order of edges: an edge edited in place keeps its place
    assert sorted(render(build_view(load_text(text).architecture)).splitlines()) == sorted(render(build_view(b)).splitlines())
