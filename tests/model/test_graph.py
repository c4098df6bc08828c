"""The graph view: nodes with type/account/region, edges with their kind and model path."""

from __future__ import annotations

from archc.model.graph import account_node, build_graph, edges_of_kind, flow_view
from archc.model.loader import load_text

MODEL = """
accounts:
  prod: {id: "978489150794", name: Production, region: us-west-2}
resources:
  vpc: {type: vpc, cidr: 10.0.0.0/16}
  igw: {type: internet_gateway, vpc: vpc}
  pub: {type: subnet, vpc: vpc, cidr: 10.0.0.0/24, az: us-west-2a, tier: public, default_route: igw}
  nat: {type: nat_gateway, subnet: pub}
  priv: {type: subnet, vpc: vpc, cidr: 10.0.1.0/24, az: us-west-2a, tier: private, default_route: nat}
  role: {type: iam_role}
  fn: {type: lambda_function, role: role, subnets: [priv]}
  zone:
    type: route53_zone
    domain: example.com
    records: [{name: www.example.com, type: CNAME, target: api}]
  api: {type: api_gateway}
  bucket: {type: s3_bucket, region: us-east-1}
connections:
  - {from: api, to: fn, verb: invoke}
  - {from: fn, to: bucket, verb: read_write, label: Uploads}
  - {from: fn, to: role, verb: assume_role}
  - {from: fn, to: bucket, verb: logs}
"""


def test_nodes_carry_type_account_region() -> None:
    g = build_graph(load_text(MODEL).architecture)
    assert g.nodes["bucket"] == {"type": "s3_bucket", "account": "prod", "region": "us-east-1", "category": "storage"}
    assert g.nodes[account_node("prod")]["type"] == "account"


def test_typed_fields_become_relation_edges_with_paths() -> None:
    g = build_graph(load_text(MODEL).architecture)
    kinds = {(u, v, d["kind"]) for u, v, d in g.edges(data=True)}
    assert ("pub", "vpc", "contains") in kinds
    assert ("pub", "igw", "default_route") in kinds
    assert ("priv", "nat", "default_route") in kinds
    assert ("nat", "pub", "placement") in kinds
    assert ("fn", "priv", "placement") in kinds
    assert ("fn", "role", "role_use") in kinds
    assert ("zone", "api", "dns_record") in kinds
    record = next(d for u, v, d in g.edges(data=True) if d["kind"] == "dns_record")
    assert record["label"] == "CNAME" and record["path"] == ("resources", "zone", "records", 0, "target")
    # resources with no container hang off their account; contained ones do not
    assert (account_node("prod"), "vpc", "contains") in kinds
    assert (account_node("prod"), "pub", "contains") not in kinds


def test_connections_keep_verb_label_and_index() -> None:
    g = build_graph(load_text(MODEL).architecture)
    conns = sorted(edges_of_kind(g, "connection"), key=lambda e: e[2]["index"])
    assert [(u, v, d["verb"], d["label"], d["path"]) for u, v, d in conns] == [
        ("api", "fn", "invoke", "Invoke", ("connections", 0)),
        ("fn", "bucket", "read_write", "Uploads", ("connections", 1)),
        ("fn", "role", "assume_role", "AssumeRole", ("connections", 2)),
        ("fn", "bucket", "logs", "Logs", ("connections", 3)),
    ]


def test_flow_view_keeps_traffic_data_and_identity_only() -> None:
    view = flow_view(build_graph(load_text(MODEL).architecture))
    assert set(view.edges) == {("api", "fn"), ("fn", "bucket"), ("fn", "role")}


def test_example_graph_is_deterministic(example_model) -> None:  # type: ignore[no-untyped-def]
    a = build_graph(example_model.architecture)
    b = build_graph(example_model.architecture)
    assert list(a.edges(keys=True, data=True)) == list(b.edges(keys=True, data=True))
    assert a.number_of_nodes() == len(example_model.architecture.resources) + len(example_model.architecture.accounts)
