"""The shared view model: what the overview and network views contain, and their stability."""

from __future__ import annotations

import pytest

from archc.emitters.views import VIEWS, build_view
from archc.model.loader import load_text

SMALL = """
archc: 1
accounts:
  prod: {id: "111111111111", name: Prod, region: us-west-2}
groups:
  VPC: {title: "VPC (10.0.0.0/16)", account: prod, resource: VPC}
  Nets: {title: Subnets, parent: VPC}
resources:
  VPC: {type: vpc, cidr: 10.0.0.0/16}
  IGW: {type: internet_gateway, vpc: VPC, group: VPC}
  PUB: {type: subnet, vpc: VPC, tier: public, cidr: 10.0.0.0/24, az: us-west-2a, default_route: IGW, group: Nets}
  NAT: {type: nat_gateway, subnet: PUB, group: VPC}
  PRIV: {type: subnet, vpc: VPC, tier: private, cidr: 10.0.1.0/24, az: us-west-2a, default_route: NAT, group: Nets}
  ROLE: {type: iam_role, label: Fn role}
  FN: {type: lambda_function, role: ROLE, subnets: [PRIV]}
  BUCKET: {type: s3_bucket, label: "S3: data", classes: [s3]}
connections:
  - {from: FN, to: BUCKET, verb: read_write}
  - {from: FN, to: BUCKET, verb: read, label: Fetch, style: {line: thick, length: 2}}
diagram:
  class_defs: {s3: "fill:#569A31"}
"""


def small(extra: str = ""):
    return load_text(SMALL.replace("resources:\n", "resources:\n" + extra, 1)).architecture


def test_views_are_listed_and_unknown_names_are_errors() -> None:
    assert VIEWS == ("overview", "network")
    with pytest.raises(ValueError, match="overview, network"):
        build_view(small(), "nope")


def test_overview_groups_nodes_and_edges() -> None:
    v = build_view(small())
    ids = [n.id for n in v.nodes]
    assert "VPC" not in ids  # the VPC group stands for it
    groups = {g.id: g for g in v.groups}
    assert groups["prod"].kind == "account" and groups["prod"].title == "Prod Account (111111111111)"
    assert groups["VPC"].parent == "prod" and groups["VPC"].kind == "vpc"
    assert groups["Nets"].parent == "VPC" and groups["Nets"].members == ("PUB", "PRIV")
    # closing order: inner groups before their parents
    order = [g.id for g in v.groups]
    assert order.index("Nets") < order.index("VPC") < order.index("prod")
    node = {n.id: n for n in v.nodes}
    assert node["PUB"].label == "Public Subnet<br/>10.0.0.0/24<br/>us-west-2a"
    assert node["BUCKET"].classes == ("s3",) and node["BUCKET"].category == "storage"
    edges = {(e.src, e.dst, e.label): e for e in v.edges}
    assert edges[("FN", "BUCKET", "Read/Write")].line == "solid"
    fetch = edges[("FN", "BUCKET", "Fetch")]
    assert (fetch.line, fetch.length, fetch.origin) == ("thick", 2, ("connections", 1))
    assert edges[("IGW", "PUB", "Route")].origin == ("resources", "PUB", "default_route")
    assert edges[("NAT", "PRIV", "NAT")].line == "solid"
    assert edges[("PRIV", "FN", "Hosts")].line == "dotted"
    assert edges[("ROLE", "FN", "Used by")].line == "dotted"
    assert not any(e.dst == "NAT" and e.label == "Hosts" for e in v.edges)  # NAT placement is not drawn
    assert v.class_defs == (("s3", "fill:#569A31"),)


def test_network_view_contains_subnets_in_vpc_in_region_in_account() -> None:
    v = build_view(small(), "network")
    groups = {g.id: g for g in v.groups}
    assert groups["subnet_PRIV"].parent == "vpc_VPC"
    assert groups["vpc_VPC"].parent == "acct_prod__us_west_2"
    assert groups["acct_prod__us_west_2"].parent == "acct_prod"
    assert "FN" in groups["subnet_PRIV"].members and "NAT" in groups["subnet_PUB"].members
    assert {(e.src, e.dst, e.label) for e in v.edges} == {("IGW", "subnet_PUB", "Route"), ("NAT", "subnet_PRIV", "NAT")}


def test_adding_a_resource_changes_only_what_is_about_it() -> None:
    before = build_view(small())
    after = build_view(small("  QUEUE: {type: sqs_queue}\n"))
    assert [n for n in after.nodes if n.id != "QUEUE"] == list(before.nodes)
    assert after.edges == before.edges
    changed = [(a, b) for a, b in zip(after.groups, before.groups, strict=True) if a != b]
    assert [(a.id, tuple(m for m in a.members if m != "QUEUE") == b.members) for a, b in changed] == [("prod", True)]


def test_example_overview(example_model) -> None:
    v = build_view(example_model.architecture)
    groups = {g.id: g for g in v.groups}
    assert groups["VPC"].parent == "Production" and groups["Production"].title == "Production Account (978489150794)"
    assert {"PublicSubnets", "PrivateSubnets", "IGW"} <= set(groups["VPC"].members)
    labels = {(e.src, e.dst): e.label for e in v.edges}
    assert labels[("R53_ZONE", "CDN")] == "CNAME" and labels[("MGMT_R53", "R53_ZONE")] == "Delegate zone"
    assert build_view(example_model.architecture) == v  # deterministic


def test_presentation_fields_reach_the_view() -> None:
    arch = load_text(SMALL.replace("prod: {id: \"111111111111\", name: Prod, region: us-west-2}",
                                   "prod: {name: Prod, region: us-west-2, direction: LR}").replace(
        "Nets: {title: Subnets, parent: VPC}", "Nets: {title: Subnets, parent: VPC, classes: [net]}").replace(
        "diagram:\n", "diagram:\n  title: Small\n")).architecture
    v = build_view(arch)
    groups = {g.id: g for g in v.groups}
    assert (groups["prod"].title, groups["prod"].direction) == ("Prod Account", "LR")  # no account id yet
    assert groups["Nets"].classes == ("net",) and groups["Nets"].origin == ("groups", "Nets")
    assert groups["VPC"].origin == ("resources", "VPC")  # a finding on the VPC marks its subgraph
    assert v.title == "Small"


def test_an_account_not_drawn_as_a_subgraph_and_shapes() -> None:
    arch = small("  NOTE: {type: generic, label: note, shape: default}\n  BARE: {type: generic}\n"
                 "  DOC: {type: generic, shape: doc}\n")
    arch = arch.model_copy(update={"accounts": {"prod": arch.accounts["prod"].model_copy(update={"subgraph": False})}})
    v = build_view(arch)
    assert "prod" not in {g.id for g in v.groups} and v.groups[-1].parent is None
    node = {n.id: n for n in v.nodes}
    assert (node["NOTE"].shape, node["NOTE"].labelled) == (None, True)  # Mermaid's own box: `NOTE@{ label: ... }`
    assert (node["BARE"].shape, node["BARE"].labelled, node["BARE"].bare) == (None, False, True)
    assert (node["DOC"].shape, node["DOC"].labelled, node["DOC"].bare) == ("doc", False, False)
    assert node["BUCKET"].shape == "rect" and node["BUCKET"].labelled


def test_a_resource_with_the_id_of_a_group_is_what_the_group_stands_for() -> None:
    arch = load_text(SMALL.replace("  Nets: {title: Subnets, parent: VPC}\n", "  Nets: {title: Subnets, parent: VPC}\n  APPS: {account: prod}\n")
                     .replace("resources:\n", "resources:\n  APPS: {type: generic}\n")
                     .replace("connections:\n", "connections:\n  - {from: BUCKET, to: APPS, verb: relates}\n")).architecture
    v = build_view(arch)
    assert "APPS" not in {n.id for n in v.nodes}
    assert next(g for g in v.groups if g.id == "APPS").origin == ("resources", "APPS")
    assert ("BUCKET", "APPS") in {(e.src, e.dst) for e in v.edges}


def test_account_view_keeps_the_account_its_neighbours_and_their_groups(example_model) -> None:
    arch = example_model.architecture
    view = build_view(arch, "overview", account="housekeeping")
    assert view.name == "overview:housekeeping"
    assert {g.id for g in view.groups} == {"Housekeeping", "Production", "IAM_Prod"}
    assert next(g for g in view.groups if g.id == "IAM_Prod").members == ("ROLE_READ",)
    ids = {n.id for n in view.nodes}
    assert {"HK_LAMBDA", "HK_ROLE", "ROLE_READ"} <= ids and "ALB" not in ids
    assert all(e.src in ids and e.dst in ids for e in view.edges)
    assert all(c in {x for n in view.nodes for x in n.classes} for c, _ in view.class_defs)
    with pytest.raises(ValueError, match="^unknown account 'nope'; known accounts: production, management, housekeeping$"):
        build_view(arch, "overview", account="nope")
