"""DNS and certificates: Route 53 hosted zones and their records, delegations from a parent zone,
ACM certificates validated through a hosted zone."""

from __future__ import annotations

from typing import Any

from troposphere import certificatemanager as acm
from troposphere import route53

from archc.compiler.context import Context, need
from archc.compiler.edge import CLOUDFRONT_ZONE_ID
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
    lid = ctx.main[rid]
    zone_id = need(res.zone)
    zone = ctx.get(zone_id, Route53Zone)
    parent: Any = res.parent_zone_id
    if parent is None:
        parent = ctx.param(f"{lid}ParentZoneId", "AWS::Route53::HostedZone::Id",
                           f"Id of the parent hosted zone (in account '{res.account}') in which {rid} delegates {zone.domain}")
    ctx.add(route53.RecordSetType(lid, HostedZoneId=parent, Name=zone.domain, Type="NS", TTL=NS_TTL,
                                  ResourceRecords=ctx.ref(zone_id, "NameServers", is_list=True)), rid)


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
    wildcards = [n for n in [res.domain, *res.alternative_names] if n.startswith("*.")]
    if wildcards:
        unit.skip("CKV2_AWS_71", f"the model asks for a wildcard certificate ({', '.join(wildcards)})")
    if res.validation == "dns" and not res.zone:
        unit.notes["validation"] = "DNS validation without a zone: the stack waits until the validation record is created by hand"
