"""ElastiCache (Valkey, Redis OSS): a serverless cache or a replication group, in the model's
subnets behind a security group of its own (declared in `archc.compiler.declare`), encrypted at
rest (the model's KMS key, else an AWS-owned one) and in transit (TLS required), with daily
snapshots kept `snapshot_retention_days`; a replication group has its own subnet group and, with
`multi_az`, replicas in other zones and automatic failover.

With `iam_auth` (the default) the cache has a user group of two users: ``default``, turned off,
and one that signs in with IAM. `query` / `read` / `write` / `read_write` from code grant
``elasticache:Connect`` on the cache and that user (nothing else: what a client may do inside the
cache is the user's access string), and open the cache's port (6379) from the caller's security
group (`archc.compiler.connections`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from troposphere import Sub, elasticache

from archc.compiler.context import Context, Statement
from archc.compiler.naming import short_hash
from archc.model.resources import ElastiCache

CACHE_PORT = 6379
VERSIONS = {"valkey": "8.0", "redis": "7.1"}  # the current version of each engine, when the model names none
SNAPSHOT_TIME = "03:00"  # UTC: daily snapshots start here (a replication group's window is an hour from it)
MAINTENANCE_WINDOW = "sun:05:00-sun:06:00"  # UTC, a replication group's: clear of the snapshot window, as ElastiCache requires


def cache_name(ctx: Context, rid: str, suffix: str = "") -> str:
    """A name ElastiCache accepts (lower-case letters, digits, single hyphens, a letter first, at most
    40 characters), unique per model and resource: ``<model>-<id>[-<suffix>]``."""
    raw = re.sub(r"-+", "-", re.sub(r"[^a-z0-9]+", "-", f"{ctx.arch.name}-{rid}".lower())).strip("-")
    if not raw[:1].isalpha():
        raw = "c-" + raw
    tail = f"-{suffix}" if suffix else ""
    if len(raw) + len(tail) > 40:
        raw = raw[: 40 - len(tail) - 7].rstrip("-") + "-" + short_hash(raw)
    return raw + tail


def version(res: ElastiCache) -> str:
    return res.engine_version or VERSIONS[res.engine]


def _arn(ctx: Context, rid: str, kind: str, name: str) -> Any:
    p = ctx.placement(rid)
    return Sub(f"arn:${{AWS::Partition}}:elasticache:{p.region}:{p.account_id}:{kind}:{name}")


def cache_arn(ctx: Context, rid: str) -> Any:
    """The cache's ARN, from its fixed name (a replication group has no ``Arn`` attribute)."""
    kind = "serverlesscache" if ctx.get(rid, ElastiCache).mode == "serverless" else "replicationgroup"
    return _arn(ctx, rid, kind, cache_name(ctx, rid))


def compile_elasticache(ctx: Context, rid: str, res: ElastiCache) -> None:
    lid = ctx.main[rid]
    groups = [ctx.ref(ctx.sg[rid], "GroupId")] + [ctx.ref(s, "GroupId") for s in res.security_groups[1:]]
    users = _users(ctx, rid, res) if res.iam_auth else None
    common: dict[str, Any] = {"Engine": res.engine, "SecurityGroupIds": groups, "SnapshotRetentionLimit": res.snapshot_retention_days}
    if res.kms_key:
        common["KmsKeyId"] = ctx.ref(res.kms_key, "Arn")
    if res.mode == "serverless":
        props: dict[str, Any] = {"ServerlessCacheName": cache_name(ctx, rid), "Description": (res.description or f"{rid} ({ctx.arch.name})")[:255],
                                 "MajorEngineVersion": version(res).split(".")[0], "SubnetIds": [ctx.ref(s) for s in res.subnets], **common}
        if res.snapshot_retention_days:
            props["DailySnapshotTime"] = SNAPSHOT_TIME
        if users:
            props["UserGroupId"] = ctx.ref(users)
        limits: dict[str, Any] = {}
        if res.max_data_gb:
            limits["DataStorage"] = elasticache.DataStorage(Maximum=res.max_data_gb, Unit="GB")
        if res.max_ecpu_per_second:
            limits["ECPUPerSecond"] = elasticache.ECPUPerSecond(Maximum=res.max_ecpu_per_second)
        if limits:
            props["CacheUsageLimits"] = elasticache.CacheUsageLimits(**limits)
        ctx.add(elasticache.ServerlessCache(lid, **props), rid)
        return
    subnet_group = ctx.new_id(rid, "SubnetGroup")
    ctx.add(elasticache.SubnetGroup(subnet_group, Description=f"{rid} ({ctx.arch.name})"[:255], SubnetIds=[ctx.ref(s) for s in res.subnets]), rid)
    props = {
        "ReplicationGroupId": cache_name(ctx, rid), "ReplicationGroupDescription": (res.description or f"{rid} ({ctx.arch.name})")[:255],
        "EngineVersion": version(res), "CacheNodeType": res.node_type, "NumCacheClusters": 1 + res.replicas, "Port": CACHE_PORT,
        "CacheSubnetGroupName": ctx.ref(subnet_group), "AutomaticFailoverEnabled": res.multi_az, "MultiAZEnabled": res.multi_az,
        "AtRestEncryptionEnabled": res.encryption_at_rest, "TransitEncryptionEnabled": res.encryption_in_transit, "AutoMinorVersionUpgrade": True,
        **common,
    }
    if res.encryption_in_transit:
        props["TransitEncryptionMode"] = "required"
    if res.snapshot_retention_days:
        props["SnapshotWindow"] = f"{SNAPSHOT_TIME}-04:00"
    props["PreferredMaintenanceWindow"] = MAINTENANCE_WINDOW
    if users:
        props["UserGroupIds"] = [ctx.ref(users)]
    unit = ctx.add(elasticache.ReplicationGroup(lid, **props), rid)
    if users:
        unit.skip("CKV_AWS_31", "clients sign in with IAM as a user of the cache's user group, not with an AUTH token")
    if not res.encryption_at_rest:
        unit.skip("CKV_AWS_29", "the model turns encryption at rest off for this cache (ARC417 says so)")
    if not res.encryption_in_transit:
        unit.skip("CKV_AWS_30", "the model turns encryption in transit off for this cache (ARC417 says so)")


def _users(ctx: Context, rid: str, res: ElastiCache) -> str:
    """The user group (logical id): ``default`` turned off, and the user clients sign in as with IAM."""
    off, iam, group = ctx.new_id(rid, "DefaultUser"), ctx.new_id(rid, "IamUser"), ctx.new_id(rid, "UserGroup")
    ctx.add(elasticache.User(off, UserId=cache_name(ctx, rid, "off"), UserName="default", Engine=res.engine, AccessString="off -@all",
                             AuthenticationMode=elasticache.AuthenticationMode(Type="no-password-required")), rid)
    ctx.add(elasticache.User(iam, UserId=iam_user(ctx, rid), UserName=iam_user(ctx, rid), Engine=res.engine, AccessString="on ~* +@all",
                             AuthenticationMode=elasticache.AuthenticationMode(Type="iam")), rid)
    ctx.add(elasticache.UserGroup(group, UserGroupId=cache_name(ctx, rid, "users"), Engine=res.engine,
                                  UserIds=[ctx.ref(off), ctx.ref(iam)]), rid)
    return group


def iam_user(ctx: Context, rid: str) -> str:
    """The id (and, as IAM authentication requires, the name) of the user clients sign in as."""
    return cache_name(ctx, rid, "iam")


# --- IAM ---------------------------------------------------------------------------------------


def _connect(ctx: Context, rid: str, sid: str) -> list[Statement]:
    res = ctx.get(rid, ElastiCache)
    if not res.iam_auth:
        return []  # the network is all: the security group opens the port (archc.compiler.connections)
    return [Statement(sid, ("elasticache:Connect",), [cache_arn(ctx, rid), _arn(ctx, rid, "user", iam_user(ctx, rid))])]


ACCESS: dict[tuple[str, str], Callable[[Context, str, str], list[Statement]]] = {
    (verb, "elasticache"): _connect for verb in ("query", "read", "write", "read_write")
}


def wiring_env(ctx: Context, rid: str, name: str) -> dict[str, Any]:
    """What code connected to the cache is told: its endpoint, port and, with IAM authentication, the user to sign in as."""
    res = ctx.get(rid, ElastiCache)
    attr = "Endpoint.Address" if res.mode == "serverless" else "PrimaryEndPoint.Address"
    env: dict[str, Any] = {f"{name}_ENDPOINT": ctx.ref(rid, attr), f"{name}_PORT": str(CACHE_PORT)}
    if res.iam_auth:
        env[f"{name}_USER"] = iam_user(ctx, rid)
    return env
