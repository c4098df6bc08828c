"""RDS instances (PostgreSQL, MySQL): encrypted, Multi-AZ, backed up, deletion-protected, private,
IAM authentication on, the master password generated and kept in Secrets Manager; a security
group of their own that `query`, `read` and `tcp` connections open to the caller's group.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from troposphere import rds

from archc.compiler.context import Context, Statement

RETAIN = {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}
MAJOR = {"postgres": r"[0-9]+", "mysql": r"[0-9]+\.[0-9]+"}  # a version that names a major only
ENGINES = {"postgres": ("postgres", "postgres", ["postgresql", "upgrade"]), "mysql": ("mysql", "admin", ["error", "general", "slowquery"])}


def compile_rds_instance(ctx: Context, rid: str) -> None:
    from archc.compiler.network import declare_security_group

    res = ctx.res(rid)
    lid = ctx.main[rid]
    engine, user, logs = ENGINES[res.engine]
    group = ctx.res(res.subnet_group)
    declare_security_group(ctx, rid, ctx.res(group.subnets[0]).vpc, f"{rid} (database)", res.security_groups)
    version: Any = res.engine_version
    if re.fullmatch(MAJOR[engine], version):  # the model pins the major version: the operator picks a current release of it
        version = ctx.param(f"{lid}EngineVersion", "String",
                            f"{engine} version of {rid}: the model pins {res.engine_version}; choose a current release of it "
                            f"(aws rds describe-db-engine-versions --engine {engine})",
                            allowed_pattern=rf"^{re.escape(res.engine_version)}\.[0-9]+(-rds\.[0-9]+)?$")
    props: dict[str, Any] = {
        "Engine": engine, "EngineVersion": version, "DBInstanceClass": res.instance_class, "AllocatedStorage": str(res.storage_gb),
        "StorageType": "gp3", "DBName": res.database_name, "DBSubnetGroupName": ctx.ref(res.subnet_group),
        "VPCSecurityGroups": [ctx.ref(ctx.sg[rid], "GroupId")] + [ctx.ref(s, "GroupId") for s in res.security_groups[1:]],
        "StorageEncrypted": res.storage_encrypted, "BackupRetentionPeriod": res.backup_retention_days, "DeletionProtection": res.deletion_protection,
        "EnableIAMDatabaseAuthentication": res.iam_auth, "MultiAZ": res.multi_az, "PubliclyAccessible": False, "AutoMinorVersionUpgrade": True,
        "CopyTagsToSnapshot": True, "MasterUsername": user, "ManageMasterUserPassword": True, "EnableCloudwatchLogsExports": logs, **RETAIN,
    }
    if res.port:
        props["Port"] = str(res.port)
    if res.max_storage_gb:
        props["MaxAllocatedStorage"] = res.max_storage_gb
    if res.kms_key:
        props["KmsKeyId"] = ctx.ref(res.kms_key, "Arn")
        props["MasterUserSecret"] = rds.MasterUserSecret(KmsKeyId=ctx.ref(res.kms_key, "Arn"))
    unit = ctx.add(rds.DBInstance(lid, **props), rid)
    unit.skip("CKV_AWS_118", "enhanced monitoring is not modelled for RDS instances yet")
    if not res.storage_encrypted:
        unit.skip("CKV_AWS_16", "the model turns storage encryption off for this instance")


# --- connections -------------------------------------------------------------------------------


def connect(ctx: Context, i: int) -> None:
    """`query`/`read` (the master secret, and the network) or `tcp` (the network) to an instance."""
    from archc.compiler.connections import _database_access, _grant

    conn = ctx.arch.connections[i]
    if conn.verb in ("query", "read"):
        _grant(ctx, i, conn.source, conn.target, conn.verb)
    _database_access(ctx, i, conn.source, conn.target)


def _secret(ctx: Context, target: str, sid: str) -> list[Statement]:
    res = ctx.res(target)
    out = [Statement(f"{sid}Secret", ("secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"), [ctx.ref(target, "MasterUserSecret.SecretArn")])]
    if res.kms_key:
        out.append(Statement(f"{sid}SecretKey", ("kms:Decrypt",), [ctx.ref(res.kms_key, "Arn")],
                             {"StringEquals": {"kms:ViaService": f"secretsmanager.{ctx.placement(target).region}.amazonaws.com"}}))
    return out


ACCESS: dict[tuple[str, str], Callable[[Context, str, str], list[Statement]]] = {
    ("query", "rds_instance"): _secret,
    ("read", "rds_instance"): _secret,
}


def wiring_env(ctx: Context, target: str, name: str) -> dict[str, Any]:
    from archc.compiler.data import db_port

    return {f"{name}_ENDPOINT": ctx.ref(target, "Endpoint.Address"), f"{name}_PORT": str(db_port(ctx, target)),
            f"{name}_SECRET_ARN": ctx.ref(target, "MasterUserSecret.SecretArn")}
