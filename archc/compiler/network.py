"""VPC, subnets with their route tables, internet and NAT gateways, security groups and their rules.

Which group carries each resource's traffic is declared in phase 1 (`archc.compiler.declare`); a
connection adds egress to its source's group (`Asks.egress`) and an ingress rule to its target's in
phase 2, and `compile_security_groups` builds the groups in phase 3. Ingress rules are resources
of their own (``AWS::EC2::SecurityGroupIngress``) so that two groups that
reference each other never make a dependency cycle.
"""

from __future__ import annotations

from typing import Any

from troposphere import Tags, ec2, logs

from archc.compiler.context import NO_EGRESS, AsksBuilder, Context, SgRule, Statement, need
from archc.compiler.iam import service_role
from archc.compiler.naming import camel
from archc.model.resources import InternetGateway, NatGateway, ResourceBase, Subnet, Vpc


def _tags(rid: str, res: ResourceBase) -> Tags:
    return Tags({"Name": rid, **res.tags})


def compile_vpc(ctx: Context, rid: str, res: Vpc) -> None:
    lid = ctx.main[rid]
    ctx.add(ec2.VPC(lid, CidrBlock=res.cidr, EnableDnsHostnames=True, EnableDnsSupport=True, Tags=_tags(rid, res)), rid)
    if res.flow_logs:
        group = ctx.new_id(rid, "FlowLogGroup")
        unit = ctx.add(logs.LogGroup(group, RetentionInDays=ctx.log_retention_days(rid), DeletionPolicy="Retain", UpdateReplacePolicy="Retain"), rid)
        unit.skip("CKV_AWS_158", "flow logs are encrypted with the CloudWatch Logs service key; the model names no KMS key for the VPC")
        role = service_role(ctx, rid, "FlowLogRole", "vpc-flow-logs.amazonaws.com", [
            Statement("WriteFlowLogs", ("logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"), [ctx.ref(group, "Arn")]),
        ])
        ctx.add(ec2.FlowLog(ctx.new_id(rid, "FlowLog"), ResourceId=ctx.ref(rid), ResourceType="VPC", TrafficType="ALL",
                            LogDestinationType="cloud-watch-logs", LogGroupName=ctx.ref(group), DeliverLogsPermissionArn=ctx.ref(role, "Arn")), rid)


def compile_internet_gateway(ctx: Context, rid: str, res: InternetGateway) -> None:
    ctx.add(ec2.InternetGateway(ctx.main[rid], Tags=_tags(rid, res)), rid)
    attach = ctx.declared.attachment[rid]
    ctx.add(ec2.VPCGatewayAttachment(attach, VpcId=ctx.ref(need(res.vpc)), InternetGatewayId=ctx.ref(rid)), rid)


def compile_nat_gateway(ctx: Context, rid: str, res: NatGateway) -> None:
    subnet_id = need(res.subnet)
    subnet = ctx.get(subnet_id, Subnet)
    # a NAT gateway outside a public subnet: ARC207 refuses it before compiling
    eip = ctx.new_id(rid, "Eip")
    unit = ctx.add(ec2.EIP(eip, Domain="vpc", Tags=_tags(rid, res)), rid)
    attach = ctx.declared.igw_attachment.get(subnet.vpc)
    if attach:
        unit.after.add(attach)
    ctx.add(ec2.NatGateway(ctx.main[rid], AllocationId=ctx.ref(eip, "AllocationId"), SubnetId=ctx.ref(subnet_id), Tags=_tags(rid, res)), rid)


def compile_subnet(ctx: Context, rid: str, res: Subnet) -> None:
    unit = ctx.add(ec2.Subnet(ctx.main[rid], VpcId=ctx.ref(res.vpc), CidrBlock=res.cidr, AvailabilityZone=res.az,
                              MapPublicIpOnLaunch=False, Tags=_tags(rid, res)), rid)
    unit.lint_ignores["W3010"] = f"the model places this subnet in {res.az} on purpose"
    table = ctx.declared.route_table[rid]
    ctx.add(ec2.RouteTable(table, VpcId=ctx.ref(res.vpc), Tags=_tags(rid, res)), rid)
    ctx.add(ec2.SubnetRouteTableAssociation(ctx.new_id(rid, "RouteTableAssociation"), SubnetId=ctx.ref(rid), RouteTableId=ctx.ref(table)), rid)
    if res.default_route is None:
        return  # no route: ARC201 and ARC203 report a private or public subnet without one
    target_type = ctx.type_of(res.default_route)
    route: dict[str, Any] = {"RouteTableId": ctx.ref(table), "DestinationCidrBlock": "0.0.0.0/0"}
    if target_type == "internet_gateway":
        route["GatewayId"] = ctx.ref(res.default_route)
    else:
        route["NatGatewayId"] = ctx.ref(res.default_route)
    unit = ctx.add(ec2.Route(ctx.new_id(rid, "DefaultRoute"), **route), rid)
    if target_type == "internet_gateway":
        attach = ctx.declared.igw_attachment.get(res.vpc)
        if attach:
            unit.after.add(attach)


# --- security groups -------------------------------------------------------------------------


def ingress(ctx: Context, ask: AsksBuilder, target: str, port: int, description: str, *, source: str | None = None, cidr: str | None = None,
            prefix_list: Any = None, node: str | None = None, skips: dict[str, str] | None = None) -> None:
    """An ingress rule into *target*'s group on *port* from *source*'s group, a CIDR or a prefix list
    (*skips*: checkov check id → why the rule is what the model asks for)."""
    sg = ctx.sg.get(target)
    if sg is None:
        return
    src_key = source and ctx.sg.get(source) or cidr or "prefix-list"
    if ask.seen_ingress((sg, str(src_key), port, "tcp")):
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
    owner = ctx.declared.groups[sg].owner
    ask.add(ec2.SecurityGroupIngress(ctx.new_id(owner, suffix), **props), node or owner, ctx.placement(owner), skips)


def cloudfront_prefix_list(ctx: Context) -> Any:
    return ctx.param("CloudFrontOriginFacingPrefixListId", "String",
                     "Id of the AWS-managed prefix list com.amazonaws.global.cloudfront.origin-facing in this region "
                     "(aws ec2 describe-managed-prefix-lists --filters Name=prefix-list-name,Values=com.amazonaws.global.cloudfront.origin-facing)",
                     allowed_pattern="pl-[0-9a-f]+")


def compile_security_groups(ctx: Context) -> None:
    """Every group the build makes (`Declared.groups`), with the egress connections asked for (`Asks.egress`)."""
    for lid, spec in sorted(ctx.declared.groups.items()):
        rid = spec.owner
        egress = ctx.asks.egress.get(lid) or [NO_EGRESS]
        props: dict[str, Any] = {
            "GroupDescription": spec.description,
            "VpcId": ctx.ref(spec.vpc),
            "SecurityGroupEgress": [r.to_cfn() for r in egress],
            "Tags": Tags({"Name": lid}),
        }
        rules = []
        for i, rule in enumerate(spec.explicit_ingress):
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


def https_egress(ask: AsksBuilder, rid: str) -> None:
    """Outbound HTTPS for code that calls AWS APIs (through the NAT gateway)."""
    ask.egress(rid, SgRule("HTTPS to AWS service endpoints", 443, cidr="0.0.0.0/0"))
