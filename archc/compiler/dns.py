"""DNS and certificates: Route 53 hosted zones and their records, delegations from a parent zone,
ACM certificates validated through a hosted zone."""

from __future__ import annotations

from typing import Any

from troposphere import awslambda, cloudformation, logs, route53
from troposphere import certificatemanager as acm

from archc.compiler.context import Context, Statement, need
from archc.compiler.edge import CLOUDFRONT_ZONE_ID
from archc.compiler.iam import service_role
from archc.compiler.naming import camel
from archc.model.resources import AcmCertificate, DnsDelegation, Route53Zone

RECORD_TTL = "300"
NS_TTL = "172800"


def in_domain(name: str, domain: str) -> bool:
    name, domain = name.rstrip(".").lower(), domain.rstrip(".").lower()
    return name == domain or name.endswith("." + domain)


def compile_route53_zone(ctx: Context, rid: str, res: Route53Zone) -> None:
    lid = ctx.main[rid]
    ctx.add(route53.HostedZone(lid, Name=res.domain, HostedZoneConfig=route53.HostedZoneConfiguration(
        Comment=(res.description or f"{rid} ({ctx.arch.name})")[:256])), rid)
    for rec in res.records:
        if not in_domain(rec.name, res.domain):
            continue  # ARC232 (archc.rules.buildable.dns_records) refuses this before compiling
        target_type = ctx.type_of(rec.target)
        props: dict[str, Any] = {"HostedZoneId": ctx.ref(rid), "Name": rec.name, "Type": rec.type}
        dns: Any
        zone_id: Any
        if target_type == "load_balancer":
            dns, zone_id = ctx.ref(rec.target, "DNSName"), ctx.ref(rec.target, "CanonicalHostedZoneID")
        elif target_type == "cloudfront_distribution":
            # a name the distribution does not list in its aliases: ARC232 refuses it before compiling
            dns, zone_id = ctx.ref(rec.target, "DomainName"), CLOUDFRONT_ZONE_ID
        else:
            continue  # an API gateway needs a custom domain: ARC232 refuses it before compiling
        if rec.type == "CNAME":
            props.update(TTL=RECORD_TTL, ResourceRecords=[dns])
        else:
            props["AliasTarget"] = route53.AliasTarget(DNSName=dns, HostedZoneId=zone_id, EvaluateTargetHealth=target_type == "load_balancer")
        ctx.add(route53.RecordSetType(ctx.new_id(rid, f"{camel(rec.name)}{rec.type.capitalize()}Record"), **props), rid)


def compile_dns_delegation(ctx: Context, rid: str, res: DnsDelegation) -> None:
    zone_id = need(res.zone)
    zone = ctx.get(zone_id, Route53Zone)
    if res.via == "registrar":
        _registrar_delegation(ctx, rid, zone_id, zone)
        return
    lid = ctx.main[rid]
    parent: Any = res.parent_zone_id
    if res.parent_zone:
        parent_domain = ctx.get(res.parent_zone, Route53Zone).domain
        if not in_domain(zone.domain, parent_domain) or zone.domain.rstrip(".").lower() == parent_domain.rstrip(".").lower():
            ctx.error(ctx.path(rid, "parent_zone"), f"{ctx.who(rid)}: {zone.domain} is not a subdomain of parent zone "
                      f"'{res.parent_zone}' ({parent_domain}); Route 53 refuses the NS record",
                      help="a registered domain is delegated by its registration: set via: registrar")
        parent = ctx.ref(res.parent_zone)
    elif parent is None:
        parent = ctx.param(f"{lid}ParentZoneId", "AWS::Route53::HostedZone::Id",
                           f"Id of the parent hosted zone (in account '{res.account}') in which {rid} delegates {zone.domain}")
    ctx.add(route53.RecordSetType(lid, HostedZoneId=parent, Name=zone.domain, Type="NS", TTL=NS_TTL,
                                  ResourceRecords=ctx.ref(zone_id, "NameServers", is_list=True)), rid)


# Inline (ZipFile) code gets CloudFormation's cfnresponse module. Route 53 Domains is a us-east-1 API.
# On Delete it leaves the registration alone: removing the stack must not take the domain offline.
REGISTRAR_HANDLER = """\
import boto3
import cfnresponse


def handler(event, context):
    props = event["ResourceProperties"]
    domain = props["DomainName"]
    try:
        if event["RequestType"] in ("Create", "Update"):
            client = boto3.client("route53domains", region_name="us-east-1")
            client.update_domain_nameservers(DomainName=domain, Nameservers=[{"Name": ns} for ns in props["NameServers"]])
        cfnresponse.send(event, context, cfnresponse.SUCCESS, {}, domain)
    except Exception as exc:  # noqa: BLE001 - CloudFormation must hear of every failure
        cfnresponse.send(event, context, cfnresponse.FAILED, {}, domain, reason=str(exc)[:500])
"""


def _registrar_delegation(ctx: Context, rid: str, zone_id: str, zone: Route53Zone) -> None:
    """Point the domain's registration (Route 53 Domains, this account) at the zone's name servers.

    Route 53 Domains has no CloudFormation resource: a small custom resource does the one call
    (`UpdateDomainNameservers`), in the registrant's account, whenever the name servers change.
    """
    lid = ctx.main[rid]
    group = ctx.new_id(rid, "HandlerLogs")
    gunit = ctx.add(logs.LogGroup(group, RetentionInDays=ctx.log_retention_days(rid), DeletionPolicy="Retain",
                                  UpdateReplacePolicy="Retain"), rid)
    gunit.skip("CKV_AWS_158", "the delegation handler's logs are encrypted with the CloudWatch Logs service key; the model names no KMS key for them")
    p = ctx.placement(rid)
    role = service_role(ctx, rid, "HandlerRole", "lambda.amazonaws.com", [
        Statement("UpdateNameServers", ("route53domains:UpdateDomainNameservers",), ["*"],
                  reason="Route 53 Domains has no resource-level permissions"),
        Statement("Logs", ("logs:CreateLogStream", "logs:PutLogEvents"), [ctx.ref(group, "Arn")]),
    ])
    handler = ctx.new_id(rid, "Handler")
    unit = ctx.add(awslambda.Function(
        handler, Runtime="python3.12", Handler="index.handler", Code=awslambda.Code(ZipFile=REGISTRAR_HANDLER),
        Role=ctx.ref(role, "Arn"), Timeout=60, MemorySize=128, Architectures=["arm64"],
        Description=f"{rid}: points the registration of {zone.domain} at the name servers of hosted zone {zone_id}"[:256],
        LoggingConfig=awslambda.LoggingConfig(LogGroup=ctx.ref(group))), rid, p)
    unit.skip("CKV_AWS_115", "called only by CloudFormation, once per change of the delegated zone's name servers")
    unit.skip("CKV_AWS_116", "called synchronously by CloudFormation, which receives every failure")
    unit.skip("CKV_AWS_117", "calls only the Route 53 Domains API; it has nothing to reach inside a VPC")
    main = ctx.add(cloudformation.CustomResource(lid, ServiceToken=ctx.ref(handler, "Arn"), DomainName=zone.domain.rstrip("."),
                                                 NameServers=ctx.ref(zone_id, "NameServers", is_list=True)), rid)
    main.notes["type"] = "dns_delegation"  # a custom resource says nothing of what it is: `archc import` reads it here


def compile_acm_certificate(ctx: Context, rid: str, res: AcmCertificate) -> None:
    lid = ctx.main[rid]
    props: dict[str, Any] = {"DomainName": res.domain, "ValidationMethod": res.validation.upper()}
    if res.alternative_names:
        props["SubjectAlternativeNames"] = list(res.alternative_names)
    if res.validation == "dns" and res.zone:
        # a zone of another account, or names outside it: ARC232 refuses them before compiling
        names = [res.domain, *res.alternative_names]
        props["DomainValidationOptions"] = [acm.DomainValidationOption(DomainName=name, HostedZoneId=ctx.ref(res.zone)) for name in names]
    unit = ctx.add(acm.Certificate(lid, **props), rid)
    if res.validation == "dns" and res.zone:  # ACM resolves the validation record through public DNS: after the delegation
        unit.after.update(ctx.main[d] for d, deleg in ctx.of_type(DnsDelegation) if deleg.zone == res.zone)
    wildcards = [n for n in [res.domain, *res.alternative_names] if n.startswith("*.")]
    if wildcards:
        unit.skip("CKV2_AWS_71", f"the model asks for a wildcard certificate ({', '.join(wildcards)})")
    if res.validation == "dns" and not res.zone:
        unit.notes["validation"] = "DNS validation without a zone: the stack waits until the validation record is created by hand"
