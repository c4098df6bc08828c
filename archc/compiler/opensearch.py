"""OpenSearch Service domains: in the model's subnets (one per zone, zone awareness across them)
behind a security group of their own (declared in `archc.compiler.declare`), encrypted at rest
(the model's KMS key, else the AWS-managed ``aws/es`` key), TLS between nodes, HTTPS only with
TLS 1.2 or newer, gp3 storage, kept when the stack is deleted.

Fine-grained access control stays off: access is IAM's. The domain's resource policy allows the
roles its connections grant, each only the HTTP methods of its verb (`read`: GET and HEAD;
`write`: POST, PUT, DELETE and PATCH; `read_write`: both) on the domain's indexes
(``arn:…:domain/<name>/*``); the same actions go on the role, and a connection opens HTTPS (443)
from the caller's security group (`archc.compiler.connections`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from troposphere import Sub, opensearchservice

from archc.compiler.context import Context, Statement
from archc.compiler.naming import short_hash
from archc.model.resources import OpenSearchDomain

HTTPS_PORT = 443
TLS_POLICY = "Policy-Min-TLS-1-2-PFS-2023-10"
RETAIN = {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}
READ = ("es:ESHttpGet", "es:ESHttpHead")
WRITE = ("es:ESHttpDelete", "es:ESHttpPatch", "es:ESHttpPost", "es:ESHttpPut")
ACTIONS = {"read": READ, "write": WRITE, "read_write": READ + WRITE}


def domain_name(ctx: Context, rid: str) -> str:
    """A name OpenSearch accepts (3-28 characters: lower-case letters, digits, hyphens, a letter
    first), unique per model and resource: ``<model>-<id>``."""
    raw = re.sub(r"-+", "-", re.sub(r"[^a-z0-9]+", "-", f"{ctx.arch.name}-{rid}".lower())).strip("-")
    if not raw[:1].isalpha():
        raw = "d-" + raw
    if len(raw) > 28:
        raw = raw[:21].rstrip("-") + "-" + short_hash(raw)
    return raw


def indexes_arn(ctx: Context, rid: str) -> Any:
    """Everything in the domain (``domain/<name>/*``): what its HTTP actions apply to."""
    p = ctx.placement(rid)
    return Sub(f"arn:${{AWS::Partition}}:es:{p.region}:{p.account_id}:domain/{domain_name(ctx, rid)}/*")


def _grants(ctx: Context, rid: str) -> dict[str, set[str]]:
    """Role (model id) → the actions its connections to the domain grant."""
    from archc.compiler.iam import principal_roles  # archc.compiler.iam reads this module's ACCESS through services

    out: dict[str, set[str]] = {}
    for conn in ctx.arch.connections:
        if conn.target != rid or conn.verb not in ACTIONS:
            continue
        for role in principal_roles(ctx, conn.source, conn.verb) or []:
            out.setdefault(role, set()).update(ACTIONS[conn.verb])
    return out


def compile_opensearch_domain(ctx: Context, rid: str, res: OpenSearchDomain) -> None:
    lid = ctx.main[rid]
    zones = len(res.subnets)
    cluster: dict[str, Any] = {"InstanceType": res.instance_type, "InstanceCount": res.instance_count, "ZoneAwarenessEnabled": zones > 1,
                               "DedicatedMasterEnabled": bool(res.dedicated_masters)}
    if zones > 1:
        cluster["ZoneAwarenessConfig"] = opensearchservice.ZoneAwarenessConfig(AvailabilityZoneCount=zones)
    if res.dedicated_masters:
        cluster["DedicatedMasterCount"] = res.dedicated_masters
        cluster["DedicatedMasterType"] = res.master_instance_type
    at_rest: dict[str, Any] = {"Enabled": res.encryption_at_rest}
    if res.kms_key:
        at_rest["KmsKeyId"] = ctx.ref(res.kms_key, "Arn")
    props: dict[str, Any] = {
        "DomainName": domain_name(ctx, rid), "EngineVersion": f"OpenSearch_{res.engine_version}",
        "ClusterConfig": opensearchservice.ClusterConfig(**cluster),
        "EBSOptions": opensearchservice.EBSOptions(EBSEnabled=True, VolumeType="gp3", VolumeSize=res.volume_gb),
        "VPCOptions": opensearchservice.VPCOptions(SubnetIds=[ctx.ref(s) for s in res.subnets],
                                                  SecurityGroupIds=[ctx.ref(ctx.sg[rid], "GroupId")] + [ctx.ref(s, "GroupId") for s in res.security_groups[1:]]),
        "EncryptionAtRestOptions": opensearchservice.EncryptionAtRestOptions(**at_rest),
        "NodeToNodeEncryptionOptions": opensearchservice.NodeToNodeEncryptionOptions(Enabled=res.node_to_node_encryption),
        "DomainEndpointOptions": opensearchservice.DomainEndpointOptions(EnforceHTTPS=res.enforce_https, TLSSecurityPolicy=TLS_POLICY),
        "AdvancedSecurityOptions": opensearchservice.AdvancedSecurityOptionsInput(Enabled=False),
        "SoftwareUpdateOptions": opensearchservice.SoftwareUpdateOptions(AutoSoftwareUpdateEnabled=True),
        **RETAIN,
    }
    grants = _grants(ctx, rid)
    if grants:
        props["AccessPolicies"] = {"Version": "2012-10-17", "Statement": [
            {"Sid": f"{ctx.main[role]}Access"[:100], "Effect": "Allow", "Principal": {"AWS": ctx.role_arn(role)},
             "Action": sorted(actions), "Resource": indexes_arn(ctx, rid)}
            for role, actions in sorted(grants.items())]}
    unit = ctx.add(opensearchservice.Domain(lid, **props), rid)
    unit.skip("CKV_AWS_84", "publishing the domain's logs to CloudWatch Logs is not modelled yet")
    unit.skip("CKV_AWS_317", "audit logs need fine-grained access control, which stays off: access is IAM's, through the domain policy")
    if not res.dedicated_masters:
        unit.skip("CKV_AWS_318", "the model sets no dedicated cluster manager nodes for this domain")
    if not res.kms_key:
        unit.skip("CKV_AWS_247", "encrypted with the AWS-managed aws/es KMS key; the model names no customer-managed key")
    for check, on, what in (("CKV_AWS_5", res.encryption_at_rest, "encryption at rest"), ("CKV_AWS_6", res.node_to_node_encryption,
                            "node-to-node encryption"), ("CKV_AWS_83", res.enforce_https, "HTTPS enforcement")):
        if not on:
            unit.skip(check, f"the model turns {what} off for this domain (ARC417 says so)")


# --- IAM ---------------------------------------------------------------------------------------


def _http(actions: tuple[str, ...]) -> Callable[[Context, str, str], list[Statement]]:
    def build(ctx: Context, rid: str, sid: str) -> list[Statement]:
        # OpenSearch encrypts with the domain's key itself: the caller needs no KMS permission
        return [Statement(sid, actions, [indexes_arn(ctx, rid)])]
    return build


ACCESS: dict[tuple[str, str], Callable[[Context, str, str], list[Statement]]] = {
    (verb, "opensearch_domain"): _http(actions) for verb, actions in ACTIONS.items()
}


def wiring_env(ctx: Context, rid: str, name: str) -> dict[str, Any]:
    """What code connected to the domain is told: its HTTPS endpoint (a host name)."""
    return {f"{name}_ENDPOINT": ctx.ref(rid, "DomainEndpoint")}
