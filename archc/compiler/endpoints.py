"""VPC endpoints: gateway endpoints (S3, DynamoDB: a route in the listed subnets' route tables) and
interface endpoints (a network interface per listed subnet, private DNS, a security group of their
own that admits HTTPS from the VPC and sends nothing), each with an endpoint policy.

The default policy (``policy: account``) lets only principals of the endpoint's own account use
it: credentials brought in from elsewhere cannot use the private path. An endpoint policy limits
what passes through; it grants nothing (the callers' IAM policies still decide), so its statement
is ``Action: *`` / ``Resource: *`` bounded by the ``aws:PrincipalAccount`` condition.
"""

from __future__ import annotations

from typing import Any

from troposphere import Sub, Tags, ec2

from archc.compiler.context import NO_EGRESS, Context, need
from archc.model.placement import endpoint_placement_problems
from archc.model.resources import Subnet, Vpc, VpcEndpoint

HTTPS = 443


def policy_document(ctx: Context, rid: str) -> dict[str, Any] | None:
    if ctx.get(rid, VpcEndpoint).policy == "open":
        return None
    return {"Version": "2012-10-17", "Statement": [{
        "Sid": "OnlyThisAccount", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
        "Condition": {"StringEquals": {"aws:PrincipalAccount": ctx.placement(rid).account_id}}}]}


def compile_vpc_endpoint(ctx: Context, rid: str, res: VpcEndpoint) -> None:
    lid = ctx.main[rid]
    kind = res.endpoint_kind
    vpc = need(res.vpc)
    subnets = [(s, ctx.get(s, Subnet).vpc, ctx.get(s, Subnet).az) for s in res.subnets]
    problems = endpoint_placement_problems(kind, vpc, subnets)
    for problem in problems:
        ctx.error(ctx.path(rid, "subnets"), f"{ctx.who(rid)}: {problem}")
    if problems:
        return
    props: dict[str, Any] = {"VpcId": ctx.ref(vpc), "ServiceName": Sub(f"com.amazonaws.${{AWS::Region}}.{res.service}"),
                             "VpcEndpointType": kind.capitalize()}
    doc = policy_document(ctx, rid)
    if doc is not None:
        props["PolicyDocument"] = doc
    if kind == "gateway":
        props["RouteTableIds"] = [ctx.ref(ctx.declared.route_table[s]) for s in res.subnets]  # declared (archc.compiler.declare)
    else:
        sg = ctx.new_id(rid, "SecurityGroup")
        vpc_cidr = ctx.get(vpc, Vpc).cidr
        ctx.add(ec2.SecurityGroup(sg, GroupDescription=f"{rid} (VPC endpoint for {res.service})"[:255], VpcId=ctx.ref(vpc),
                                  SecurityGroupIngress=[ec2.SecurityGroupRule(IpProtocol="tcp", FromPort=HTTPS, ToPort=HTTPS, CidrIp=vpc_cidr,
                                                                              Description=f"HTTPS to {res.service} from the VPC")],
                                  SecurityGroupEgress=[ec2.SecurityGroupRule(**NO_EGRESS.to_cfn())],
                                  Tags=Tags({"Name": f"{rid}-endpoint"})), rid)
        props.update({"SubnetIds": [ctx.ref(s) for s in res.subnets], "SecurityGroupIds": [ctx.ref(sg, "GroupId")],
                      "PrivateDnsEnabled": res.private_dns})
    ctx.add(ec2.VPCEndpoint(lid, **props), rid)
