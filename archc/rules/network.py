"""Network rules (ARC2xx): egress paths, routing, CIDRs, availability zones, placement."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from archc.diagnostics import Path
from archc.rules.base import Finding, Rule, RuleContext, describe, path_related, resource_path


def private_subnet_egress(ctx: RuleContext) -> Iterator[Finding]:
    """Every private subnet has a full egress path to the internet through a NAT gateway.

    What it checks:
        For each subnet with `tier: private`, follows the chain `default_route` → NAT gateway →
        the NAT gateway's subnet (which must be public) → that subnet's `default_route` → an
        internet gateway of the same VPC, and names the first missing link.

    Why it matters:
        Workloads in a private subnet without egress cannot pull images, reach AWS APIs without
        endpoints, or call third parties; deployments then fail at run time, not at review time.

    Example:
        resources:
          vpc: {type: vpc, cidr: 10.0.0.0/16}
          priv_a: {type: subnet, vpc: vpc, tier: private, cidr: 10.0.10.0/24, az: us-west-2a}

    Fix:
        Give the subnet `default_route: <nat gateway>`, put that NAT gateway in a public subnet
        whose `default_route` is the VPC's internet gateway.
    """
    from archc.model.resources import Subnet

    res = ctx.resources
    for sid, subnet in ctx.of_type(Subnet):
        if subnet.tier != "private":
            continue
        nodes: list[str] = [sid]
        edges: list[Path | None] = []

        def broken(message: str, help: str, at: Path, sid: str = sid, nodes: list[str] = nodes, edges: list[Path | None] = edges) -> Finding:
            return Finding(f"private subnet '{sid}' has no egress path: {message}", at, help, path_related(ctx, nodes, edges))

        route = subnet.default_route
        if route is None:
            yield broken("it has no default_route", "set `default_route:` to a NAT gateway in a public subnet of the same VPC",
                         resource_path(sid))
            continue
        edges.append(resource_path(sid, "default_route"))
        nodes.append(route)
        nat = res[route]
        if nat.type != "nat_gateway":
            yield broken(f"its default_route is {describe(ctx, route)}, not a NAT gateway",
                         "a private subnet routes to a NAT gateway; use `tier: public` if it should reach the internet gateway directly",
                         resource_path(sid, "default_route"))
            continue
        if nat.subnet is None:
            yield broken(f"NAT gateway '{route}' sits in no subnet", f"set `subnet:` of '{route}' to a public subnet of the VPC",
                         resource_path(sid, "default_route"))
            continue
        edges.append(resource_path(route, "subnet"))
        nodes.append(nat.subnet)
        nat_subnet = ctx.get(nat.subnet, Subnet)
        if nat_subnet.vpc != subnet.vpc:
            yield broken(f"NAT gateway '{route}' sits in subnet '{nat.subnet}' of VPC '{nat_subnet.vpc}', not '{subnet.vpc}'",
                         "route through a NAT gateway of the subnet's own VPC", resource_path(sid, "default_route"))
            continue
        if nat_subnet.tier != "public":
            yield broken(f"NAT gateway '{route}' sits in subnet '{nat.subnet}', which is {nat_subnet.tier}, not public",
                         f"move NAT gateway '{route}' to a public subnet", resource_path(sid, "default_route"))
            continue
        igw = nat_subnet.default_route
        if igw is None:
            yield broken(f"subnet '{nat.subnet}' (where NAT gateway '{route}' sits) has no default_route",
                         f"set `default_route:` of '{nat.subnet}' to the VPC's internet gateway", resource_path(sid, "default_route"))
            continue
        edges.append(resource_path(nat.subnet, "default_route"))
        nodes.append(igw)
        gateway = res[igw]
        if gateway.type != "internet_gateway":
            yield broken(f"subnet '{nat.subnet}' (where NAT gateway '{route}' sits) routes to {describe(ctx, igw)}, not an internet gateway",
                         f"set `default_route:` of '{nat.subnet}' to the VPC's internet gateway", resource_path(sid, "default_route"))
            continue
        if gateway.vpc is not None and gateway.vpc != subnet.vpc:  # no vpc at all: ARC115
            yield broken(f"internet gateway '{igw}' belongs to VPC '{gateway.vpc}', not '{subnet.vpc}'",
                         "route to the internet gateway of the subnet's own VPC", resource_path(sid, "default_route"))


def nat_cross_az(ctx: RuleContext) -> Iterator[Finding]:
    """A private subnet egresses through a NAT gateway in its own availability zone.

    What it checks:
        For each private subnet whose `default_route` is a NAT gateway, compares the subnet's
        `az` with the AZ of the subnet the NAT gateway sits in.

    Why it matters:
        When the NAT gateway's zone fails, every subnet that egresses through it loses its
        internet path too, and cross-AZ traffic is billed per gigabyte.

    Example:
        resources:
          vpc: {type: vpc, cidr: 10.0.0.0/16}
          igw: {type: internet_gateway, vpc: vpc}
          pub_a: {type: subnet, vpc: vpc, tier: public, cidr: 10.0.0.0/24, az: us-west-2a, default_route: igw}
          nat_a: {type: nat_gateway, subnet: pub_a}
          priv_b: {type: subnet, vpc: vpc, tier: private, cidr: 10.0.11.0/24, az: us-west-2b, default_route: nat_a}

    Fix:
        Add a NAT gateway in a public subnet of the same AZ and route through it, or suppress with
        a reason (`lint: {ignore: {ARC202: "..."}}`) when fewer NAT gateways are a deliberate
        trade-off.
    """
    from archc.model.resources import Subnet

    res = ctx.resources
    for sid, subnet in ctx.of_type(Subnet):
        if subnet.tier != "private" or subnet.default_route is None:
            continue
        nat = res[subnet.default_route]
        if nat.type != "nat_gateway" or nat.subnet is None:
            continue
        nat_az = ctx.get(nat.subnet, Subnet).az
        if nat_az != subnet.az:
            yield Finding(
                f"private subnet '{sid}' ({subnet.az}) egresses through NAT gateway '{subnet.default_route}' in {nat_az}",
                resource_path(sid, "default_route"),
                f"route through a NAT gateway in {subnet.az}, or suppress with a reason if this is deliberate",
                (resource_path(sid), resource_path(sid, "default_route"), resource_path(subnet.default_route)),
            )


def public_subnet_igw(ctx: RuleContext) -> Iterator[Finding]:
    """Every public subnet routes to an internet gateway of its VPC.

    What it checks:
        Each subnet with `tier: public` has a `default_route` that is an internet gateway
        attached to the subnet's own VPC.

    Why it matters:
        A "public" subnet without an internet route hosts load balancers and NAT gateways that
        nobody can reach and that reach nothing.

    Example:
        resources:
          vpc: {type: vpc, cidr: 10.0.0.0/16}
          pub_a: {type: subnet, vpc: vpc, tier: public, cidr: 10.0.0.0/24, az: us-west-2a}

    Fix:
        Add an `internet_gateway` for the VPC and set the subnet's `default_route` to it.
    """
    from archc.model.resources import Subnet

    for sid, subnet in ctx.of_type(Subnet):
        if subnet.tier != "public":
            continue
        route = subnet.default_route
        if route is None:
            yield Finding(f"public subnet '{sid}' has no default_route to an internet gateway", resource_path(sid),
                          "set `default_route:` to the VPC's internet gateway")
            continue
        gateway = ctx.resources[route]
        if gateway.type != "internet_gateway":
            yield Finding(f"public subnet '{sid}' routes to {describe(ctx, route)}, not an internet gateway",
                          resource_path(sid, "default_route"), "set `default_route:` to the VPC's internet gateway, or make the subnet private")
        elif gateway.vpc is not None and gateway.vpc != subnet.vpc:
            yield Finding(f"public subnet '{sid}' routes to internet gateway '{route}' of VPC '{gateway.vpc}', not '{subnet.vpc}'",
                          resource_path(sid, "default_route"), "route to the internet gateway of the subnet's own VPC")


def subnet_in_vpc(ctx: RuleContext) -> Iterator[Finding]:
    """A subnet's CIDR lies inside its VPC's CIDR.

    What it checks:
        The subnet's `cidr` is a subnet of its `vpc`'s `cidr`.

    Why it matters:
        AWS refuses to create a subnet outside the VPC's address range; the deployment fails.

    Example:
        resources:
          vpc: {type: vpc, cidr: 10.0.0.0/16}
          stray: {type: subnet, vpc: vpc, tier: isolated, cidr: 10.1.0.0/24, az: us-west-2a}

    Fix:
        Choose a subnet CIDR inside the VPC's range, or widen the VPC's CIDR.
    """
    from archc.model.resources import Subnet, Vpc

    for sid, subnet in ctx.of_type(Subnet):
        vpc_cidr = ctx.get(subnet.vpc, Vpc).cidr
        if vpc_cidr is None:  # a sketch: ARC115 reports it
            continue
        (first, last), (vpc_first, vpc_last) = ctx.cidr_range(subnet.cidr), ctx.cidr_range(vpc_cidr)
        if not vpc_first <= first <= last <= vpc_last:
            yield Finding(f"subnet '{sid}' ({subnet.cidr}) lies outside VPC '{subnet.vpc}' ({vpc_cidr})",
                          resource_path(sid, "cidr"), f"use a CIDR inside {vpc_cidr}")


def subnet_overlap(ctx: RuleContext) -> Iterator[Finding]:
    """The subnets of a VPC do not overlap.

    What it checks:
        Within each VPC, no two subnets share an address. Subnets are sorted by network address
        and swept once, so the check is n·log n, not all pairs.

    Why it matters:
        AWS rejects a subnet whose range overlaps another in the same VPC.

    Example:
        resources:
          vpc: {type: vpc, cidr: 10.0.0.0/16}
          a: {type: subnet, vpc: vpc, tier: isolated, cidr: 10.0.0.0/23, az: us-west-2a}
          b: {type: subnet, vpc: vpc, tier: isolated, cidr: 10.0.1.0/24, az: us-west-2b}

    Fix:
        Give each subnet its own range.
    """
    from archc.model.resources import Subnet

    per_vpc: dict[str, list[tuple[int, int, int, str, str]]] = defaultdict(list)
    for index, (sid, subnet) in enumerate(ctx.of_type(Subnet)):
        first, last = ctx.cidr_range(subnet.cidr)
        # wider first at the same start, then model order: the narrower or later one is reported
        per_vpc[subnet.vpc].append((first, -last, index, sid, subnet.cidr))
    for subnets in per_vpc.values():
        subnets.sort()
        widest: tuple[int, str, str] | None = None  # (end, id, cidr) of the subnet reaching furthest so far
        for start, neg_end, _, sid, cidr in subnets:
            if widest is not None and start <= widest[0]:
                yield Finding(f"subnet '{sid}' ({cidr}) overlaps subnet '{widest[1]}' ({widest[2]})", resource_path(sid, "cidr"),
                              "give each subnet of a VPC its own address range",
                              (resource_path(sid), resource_path(widest[1])))
            if widest is None or -neg_end > widest[0]:
                widest = (-neg_end, sid, cidr)


def multi_az(ctx: RuleContext) -> Iterator[Finding]:
    """Load balancers and database subnet groups span at least two availability zones.

    What it checks:
        The subnets of each `load_balancer` and each `db_subnet_group` lie in at least two
        distinct AZs.

    Why it matters:
        AWS requires two AZs for an application load balancer and for an RDS subnet group, and
        a single zone is a single point of failure.

    Example:
        resources:
          vpc: {type: vpc, cidr: 10.0.0.0/16}
          priv_a: {type: subnet, vpc: vpc, tier: isolated, cidr: 10.0.10.0/24, az: us-west-2a}
          db_subnets: {type: db_subnet_group, subnets: [priv_a]}

    Fix:
        Add a subnet in a second AZ to `subnets`.
    """
    from archc.model.resources import DbSubnetGroup, LoadBalancer, Subnet

    for rid, holder in ctx.of_type(LoadBalancer, DbSubnetGroup):
        zones = sorted({ctx.get(s, Subnet).az for s in holder.subnets})
        if len(zones) < 2:
            what = "load balancer" if holder.type == "load_balancer" else "DB subnet group"
            yield Finding(f"{what} '{rid}' spans one availability zone ({', '.join(zones)})", resource_path(rid, "subnets"),
                          "list subnets in at least two availability zones")


def nat_in_public_subnet(ctx: RuleContext) -> Iterator[Finding]:
    """A NAT gateway sits in a public subnet.

    What it checks:
        The `subnet` of each `nat_gateway` has `tier: public`.

    Why it matters:
        A NAT gateway forwards traffic to the internet through its own subnet's route; in a
        private or isolated subnet it has no way out.

    Example:
        resources:
          vpc: {type: vpc, cidr: 10.0.0.0/16}
          priv_a: {type: subnet, vpc: vpc, tier: isolated, cidr: 10.0.10.0/24, az: us-west-2a}
          nat_a: {type: nat_gateway, subnet: priv_a}

    Fix:
        Place the NAT gateway in a public subnet of the same AZ.
    """
    from archc.model.resources import NatGateway, Subnet

    for nid, nat in ctx.of_type(NatGateway):
        if nat.subnet is None:  # a sketch: ARC115 reports it
            continue
        tier = ctx.get(nat.subnet, Subnet).tier
        if tier != "public":
            yield Finding(f"NAT gateway '{nid}' sits in {tier} subnet '{nat.subnet}'", resource_path(nid, "subnet"),
                          "place NAT gateways in public subnets")


def data_in_public_subnet(ctx: RuleContext) -> Iterator[Finding]:
    """Databases and compute are not placed in public subnets.

    What it checks:
        The `subnets` of ECS services, Lambda functions and DB subnet groups are private or
        isolated, never public.

    Why it matters:
        A public subnet routes straight to the internet gateway: one permissive security group
        away from a database or a task listening to the whole internet. Only load balancers
        and NAT gateways belong there.

    Example:
        resources:
          vpc: {type: vpc, cidr: 10.0.0.0/16}
          igw: {type: internet_gateway, vpc: vpc}
          pub_a: {type: subnet, vpc: vpc, tier: public, cidr: 10.0.0.0/24, az: us-west-2a, default_route: igw}
          pub_b: {type: subnet, vpc: vpc, tier: public, cidr: 10.0.1.0/24, az: us-west-2b, default_route: igw}
          db_subnets: {type: db_subnet_group, subnets: [pub_a, pub_b]}

    Fix:
        Use private subnets (egress through a NAT gateway) or isolated ones.
    """
    from archc.model.resources import DbSubnetGroup, EcsService, LambdaFunction, Subnet

    for rid, holder in ctx.of_type(EcsService, LambdaFunction, DbSubnetGroup):
        for i, sid in enumerate(holder.subnets):
            if ctx.get(sid, Subnet).tier == "public":
                yield Finding(f"{describe(ctx, rid)} is placed in public subnet '{sid}'", resource_path(rid, "subnets", i),
                              "place databases and compute in private or isolated subnets")


RULES: list[Rule] = [
    Rule("ARC201", "network.private-subnet-egress", "error", private_subnet_egress),
    Rule("ARC202", "network.nat-cross-az", "warning", nat_cross_az),
    Rule("ARC203", "network.public-subnet-igw", "error", public_subnet_igw),
    Rule("ARC204", "network.subnet-in-vpc", "error", subnet_in_vpc),
    Rule("ARC205", "network.subnet-overlap", "error", subnet_overlap),
    Rule("ARC206", "network.multi-az", "error", multi_az, suppressible=False),  # AWS refuses one zone: a build check
    Rule("ARC207", "network.nat-in-public-subnet", "error", nat_in_public_subnet, suppressible=False),  # a build check
    Rule("ARC208", "network.data-in-public-subnet", "error", data_in_public_subnet),
]
