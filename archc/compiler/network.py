"""VPC, subnets with their route tables, internet and NAT gateways, security groups and their rules.

Security groups are collected while the rest compiles (a connection adds egress to its source's
group and an ingress rule to its target's) and built last by `finish_security_groups`. Ingress
rules are resources of their own (``AWS::EC2::SecurityGroupIngress``) so that two groups that
reference each other never make a dependency cycle.
"""

from __future__ import annotations

from typing import Any

from troposphere import Tags, ec2, logs

from archc.compiler.context import NO_EGRESS, Context, SgRule, Statement
from archc.compiler.iam import service_role
from archc.compiler.naming import camel

FLOW_LOG_RETENTION_DAYS = 365


def _tags(ctx: Context, rid: str) -> Tags:
    res = ctx.res(rid)
    return Tags({"Name": rid, **res.tags})


def compile_vpc(ctx: Context, rid: str) -> None:
    res = ctx.res(rid)
    lid = ctx.main[rid]
    ctx.add(ec2.VPC(lid, CidrBlock=res.cidr, EnableDnsHostnames=True, EnableDnsSupport=True, Tags=_tags(ctx, rid)), rid)
    if res.flow_logs:
        group = ctx.new_id(rid, "FlowLogGroup")
        unit = ctx.add(logs.LogGroup(group, RetentionInDays=FLOW_LOG_RETENTION_DAYS, DeletionPolicy="Retain", UpdateReplacePolicy="Retain"), rid)
        unit.skip("CKV_AWS_158", "flow logs are encrypted with the CloudWatch Logs service key; the model names no KMS key for the VPC")
        role = service_role(ctx, rid, "FlowLogRole", "vpc-flow-logs.amazonaws.com", [
            Statement("WriteFlowLogs", ("logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"), [ctx.ref(group, "Arn")]),
        ])
        ctx.add(ec2.FlowLog(ctx.new_id(rid, "FlowLog"), ResourceId=ctx.ref(rid), ResourceType="VPC", TrafficType="ALL",
                            LogDestinationType="cloud-watch-logs", LogGroupName=ctx.ref(group), DeliverLogsPermissionArn=ctx.ref(role, "Arn")), rid)


def compile_internet_gateway(ctx: Context, rid: str) -> None:
    res = ctx.res(rid)
    ctx.add(ec2.InternetGateway(ctx.main[rid], Tags=_tags(ctx, rid)), rid)
    attach = ctx.new_id(rid, "Attachment")
    ctx.add(ec2.VPCGatewayAttachment(attach, VpcId=ctx.ref(res.vpc), InternetGatewayId=ctx.ref(rid)), rid)
    ctx.igw_attachment[res.vpc] = attach


def compile_nat_gateway(ctx: Context, rid: str) -> None:
    res = ctx.res(rid)
    subnet = ctx.res(res.subnet)
    if subnet.tier != "public":
        ctx.error(ctx.path(rid, "subnet"), f"{ctx.who(rid)} sits in subnet '{res.subnet}', which is {subnet.tier}, not public",
                  help="a NAT gateway needs a public subnet (default route to an internet gateway)")
    eip = ctx.new_id(rid, "Eip")
    unit = ctx.add(ec2.EIP(eip, Domain="vpc", Tags=_tags(ctx, rid)), rid)
    attach = ctx.igw_attachment.get(subnet.vpc)
    if attach:
        unit.after.add(attach)
    ctx.add(ec2.NatGateway(ctx.main[rid], AllocationId=ctx.ref(eip, "AllocationId"), SubnetId=ctx.ref(res.subnet), Tags=_tags(ctx, rid)), rid)


def compile_subnet(ctx: Context, rid: str) -> None:
    res = ctx.res(rid)
    unit = ctx.add(ec2.Subnet(ctx.main[rid], VpcId=ctx.ref(res.vpc), CidrBlock=res.cidr, AvailabilityZone=res.az,
                              MapPublicIpOnLaunch=False, Tags=_tags(ctx, rid)), rid)
    unit.lint_ignores["W3010"] = f"the model places this subnet in {res.az} on purpose"
    table = ctx.new_id(rid, "RouteTable")
    ctx.add(ec2.RouteTable(table, VpcId=ctx.ref(res.vpc), Tags=_tags(ctx, rid)), rid)
    ctx.add(ec2.SubnetRouteTableAssociation(ctx.new_id(rid, "RouteTableAssociation"), SubnetId=ctx.ref(rid), RouteTableId=ctx.ref(table)), rid)
    if res.default_route is None:
        if res.tier != "isolated":
            ctx.error(ctx.path(rid, "tier"), f"{ctx.who(rid)} is {res.tier} but has no default_route",
                      help="set default_route to an internet gateway (public) or a NAT gateway (private), or make the subnet isolated")
        return
    target_type = ctx.type_of(res.default_route)
    route: dict[str, Any] = {"RouteTableId": ctx.ref(table), "DestinationCidrBlock": "0.0.0.0/0"}
    if target_type == "internet_gateway":
        if res.tier != "public":
            ctx.error(ctx.path(rid, "default_route"), f"{ctx.who(rid)} is {res.tier} but routes to internet gateway '{res.default_route}'",
                      help="only public subnets route to an internet gateway; private subnets use a NAT gateway")
        route["GatewayId"] = ctx.ref(res.default_route)
    else:
        if res.tier == "public":
            ctx.error(ctx.path(rid, "default_route"), f"{ctx.who(rid)} is public but routes to NAT gateway '{res.default_route}'",
                      help="a public subnet's default route goes to the internet gateway")
        route["NatGatewayId"] = ctx.ref(res.default_route)
    unit = ctx.add(ec2.Route(ctx.new_id(rid, "DefaultRoute"), **route), rid)
    if target_type == "internet_gateway":
        attach = ctx.igw_attachment.get(res.vpc)
        if attach:
            unit.after.add(attach)


# --- security groups -------------------------------------------------------------------------


def declare_security_group(ctx: Context, rid: str, vpc: str, description: str, explicit: list[str]) -> None:
    """Choose the group that *rid*'s rules go into: its first explicit group, or a generated one."""
    if explicit:
        ctx.sg[rid] = ctx.main[explicit[0]]
        return
    lid = ctx.new_id(rid, "SecurityGroup")
    ctx.sg[rid] = lid
    ctx.sg_info[lid] = (rid, vpc, description, [])


def compile_security_group(ctx: Context, rid: str) -> None:
    res = ctx.res(rid)
    ctx.sg_info[ctx.main[rid]] = (rid, res.vpc, res.description or f"{rid} (archc)", list(res.ingress))


def ingress(ctx: Context, target: str, port: int, description: str, *, source: str | None = None, cidr: str | None = None,
            prefix_list: Any = None, node: str | None = None) -> None:
    """An ingress rule into *target*'s group on *port* from *source*'s group, a CIDR or a prefix list."""
    sg = ctx.sg.get(target)
    if sg is None:
        return
    src_key = source and ctx.sg.get(source) or cidr or "prefix-list"
    if ctx.seen_ingress((sg, str(src_key), port, "tcp")):
        return
    props: dict[str, Any] = {"GroupId": ctx.ref(sg, "GroupId"), "IpProtocol": "tcp", "FromPort": port, "ToPort": port,
                             "Description": description}
    if source is not None:
        src_sg = ctx.sg.get(source)
        if src_sg is None:
            return
        props["SourceSecurityGroupId"] = ctx.ref(src_sg, "GroupId")
        suffix = f"From{camel(source)}Port{port}"
    elif cidr is not None:
        props["CidrIp"] = cidr
        suffix = f"FromAnywherePort{port}" if cidr == "0.0.0.0/0" else f"FromCidr{cidr.replace('.', 'x').replace('/', 'm')}Port{port}"
    else:
        props["SourcePrefixListId"] = prefix_list
        suffix = f"FromPrefixListPort{port}"
    owner = ctx.sg_info[sg][0]
    ctx.add(ec2.SecurityGroupIngress(ctx.new_id(owner, suffix), **props), node or owner, ctx.placement(owner))


def cloudfront_prefix_list(ctx: Context) -> Any:
    return ctx.param("CloudFrontOriginFacingPrefixListId", "String",
                     "Id of the AWS-managed prefix list com.amazonaws.global.cloudfront.origin-facing in this region "
                     "(aws ec2 describe-managed-prefix-lists --filters Name=prefix-list-name,Values=com.amazonaws.global.cloudfront.origin-facing)",
                     allowed_pattern="pl-[0-9a-f]+")


def finish_security_groups(ctx: Context) -> None:
    for lid, (rid, vpc, description, explicit_ingress) in sorted(ctx.sg_info.items()):
        egress = ctx.sg_egress.get(lid) or [NO_EGRESS]
        props: dict[str, Any] = {
            "GroupDescription": description,
            "VpcId": ctx.ref(vpc),
            "SecurityGroupEgress": [r.to_cfn() for r in egress],
            "Tags": Tags({"Name": lid}),
        }
        rules = []
        for i, rule in enumerate(explicit_ingress):
            r: dict[str, Any] = {"IpProtocol": rule.protocol, "FromPort": rule.port, "ToPort": rule.port,
                                 "Description": rule.description or f"ingress rule {i + 1} of {rid}"}
            if rule.cidr:
                r["CidrIp"] = rule.cidr
            elif rule.prefix_list == "cloudfront":
                r["SourcePrefixListId"] = cloudfront_prefix_list(ctx)
            rules.append(r)
        if rules:
            props["SecurityGroupIngress"] = rules
        ctx.add(ec2.SecurityGroup(lid, **props), rid)


def https_egress(ctx: Context, rid: str) -> None:
    """Outbound HTTPS for code that calls AWS APIs (through the NAT gateway)."""
    ctx.egress(rid, SgRule("HTTPS to AWS service endpoints", 443, cidr="0.0.0.0/0"))
