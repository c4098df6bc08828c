"""The shared view model: what the overview and network views contain, and their stability."""

from __future__ import annotations

from dataclasses import replace

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
    assert VIEWS == ("overview", "detail", "network")
    assert build_view(small(), "detail") == replace(build_view(small()), name="detail")
    with pytest.raises(ValueError, match="overview, detail, network"):
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


# -- focused views and splitting ------------------------------------------------------------------


def test_group_view_keeps_the_group_its_neighbours_and_their_groups() -> None:
    from archc.emitters.views import group_view

    view = group_view(build_view(small()), "Nets")
    assert view.name == "overview:Nets"
    ids = {n.id for n in view.nodes}
    # the subnets, and what the overview draws them connected to (their routes, the function in them)
    assert {"PUB", "PRIV"} <= ids and "BUCKET" not in ids
    assert {g.id for g in view.groups} >= {"Nets", "VPC", "prod"}
    assert all(e.src in ids | {g.id for g in view.groups} and e.dst in ids | {g.id for g in view.groups} for e in view.edges)
    with pytest.raises(ValueError, match="^unknown group 'nope' in the overview view; known groups: Nets, VPC, prod$"):
        group_view(build_view(small()), "nope")


def test_around_view_keeps_what_is_within_depth_edges() -> None:
    from archc.emitters.views import around_view

    base = build_view(small())
    alone = around_view(base, "BUCKET", 0)
    assert [n.id for n in alone.nodes] == ["BUCKET"] and alone.edges == ()
    near = around_view(base, "BUCKET", 1)
    assert {n.id for n in near.nodes} == {"BUCKET", "FN"}
    assert [(e.src, e.dst, e.label) for e in near.edges] == [("FN", "BUCKET", "Read/Write"), ("FN", "BUCKET", "Fetch")]
    far = around_view(base, "BUCKET", 2)
    assert {n.id for n in far.nodes} >= {"BUCKET", "FN", "ROLE"}
    assert near.class_defs == (("s3", "fill:#569A31"),) and around_view(base, "FN", 0).class_defs == ()
    # a resource drawn as a group (the VPC) is found under its resource id
    assert "VPC" in {g.id for g in around_view(base, "VPC", 0).groups}
    with pytest.raises(ValueError, match="^unknown resource 'nope' in the overview view; known resources: "):
        around_view(base, "nope")
    with pytest.raises(ValueError, match="--depth must be 0 or more"):
        around_view(base, "FN", -1)


def test_focus_applies_group_then_around(example_model) -> None:
    from archc.emitters.views import focus

    base = build_view(example_model.architecture)
    assert focus(base) is base
    view = focus(base, group="Lambda", around="LAMBDA_API", depth=1)
    ids = {n.id for n in view.nodes}
    assert "LAMBDA_API" in ids and "RDS" in ids and "HK_LAMBDA" not in ids
    assert len(view.nodes) < len(focus(base, group="Lambda").nodes) < len(base.nodes)


SPLIT = """
archc: 1
accounts:
  a: {id: "111111111111", name: A, region: us-west-2}
  b: {id: "222222222222", name: B, region: us-west-2}
resources:
"""


def _cells(n: int, account: str) -> str:
    out = []
    for c in range(n):
        p = f"{account}{c}_"
        out += [
            f"  {p}vpc: {{type: vpc, cidr: 10.{c}.0.0/16, account: {account}}}",
            f"  {p}net: {{type: subnet, vpc: {p}vpc, tier: private, cidr: 10.{c}.1.0/24, az: us-west-2a, account: {account}}}",
            f"  {p}fn: {{type: lambda_function, subnets: [{p}net], account: {account}}}",
            f"  {p}bucket: {{type: s3_bucket, account: {account}}}",
            f"  {p}lonely: {{type: sqs_queue, account: {account}}}",
        ]
    return "\n".join(out) + "\n"


def test_split_view_per_account_then_per_vpc() -> None:
    from archc.emitters.views import split_view

    text = SPLIT + _cells(3, "a") + _cells(1, "b") + "connections:\n"
    text += "".join(f"  - {{from: a{c}_fn, to: a{c}_bucket, verb: read}}\n" for c in range(3))
    text += "  - {from: b0_fn, to: b0_bucket, verb: read}\n"
    arch = load_text(text).architecture
    view = build_view(arch)
    assert split_view(arch, view, len(view.nodes)) == [("", view)]
    parts = split_view(arch, view, 8)
    names = [name for name, _ in parts]
    # account a (15 resources) is too big: one part per VPC and one for what is in no VPC;
    # account b (5) fits
    assert names == ["a.a0_vpc", "a.a1_vpc", "a.a2_vpc", "a.other", "b"]
    first = {n.id for n in parts[0][1].nodes}
    assert {"a0_vpc", "a0_net", "a0_fn", "a0_bucket"} <= first  # the bucket comes with the function that reads it
    assert not any(n.startswith(("a1_", "a2_", "b")) for n in first)
    assert {n.id for n in parts[3][1].nodes} == {"a0_lonely", "a1_lonely", "a2_lonely"}
    assert {n.id for n in parts[4][1].nodes} == {n for n in {x.id for x in view.nodes} if n.startswith("b")}
    drawn = {n.id for _, part in parts for n in part.nodes}
    assert drawn == {n.id for n in view.nodes}, "every node is in some part"
    # what is in no VPC comes in parts of the limit
    assert [name for name, _ in split_view(arch, view, 2)] == [
        "a.a0_vpc", "a.a1_vpc", "a.a2_vpc", "a.other1", "a.other2", "b.b0_vpc", "b.other"]
