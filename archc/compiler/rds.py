"""RDS instances (PostgreSQL, MySQL): encrypted, Multi-AZ, backed up, deletion-protected, private,
TLS required (a parameter group of their own: ``rds.force_ssl`` / ``require_secure_transport``),
IAM authentication on, the master password generated and kept in Secrets Manager; a security
group of their own that `query`, `read` and `tcp` connections open to the caller's group.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from troposphere import rds

from archc.compiler.context import Context, Statement, need
from archc.model.resources import RdsInstance

RETAIN = {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}
MAJOR = {"postgres": r"[0-9]+", "mysql": r"[0-9]+\.[0-9]+"}  # a version that names a major only
DEFAULT_PORTS = {"postgres": 5432, "mysql": 3306}
ENGINES = {"postgres": ("postgres", "postgres", ["postgresql", "upgrade"]), "mysql": ("mysql", "admin", ["error", "general", "slowquery"])}
REQUIRE_TLS = {"postgres": {"rds.force_ssl": "1"}, "mysql": {"require_secure_transport": "1"}}


def family(engine: str, version: str) -> str:
    """The parameter group family of an engine version: postgres16 (major), mysql8.0 (major.minor)."""
    parts = version.split(".")
    return f"postgres{parts[0]}" if engine == "postgres" else f"mysql{'.'.join(parts[:2])}"


def instance_port(ctx: Context, rid: str) -> int:
    """The port instance *rid* listens on (the model's, else the engine's default)."""
    res = ctx.get(rid, RdsInstance)
    return res.port or DEFAULT_PORTS[res.engine]


def compile_rds_instance(ctx: Context, rid: str, res: RdsInstance) -> None:
    lid = ctx.main[rid]  # its security group is declared (archc.compiler.declare)
    engine, user, logs = ENGINES[res.engine]
    version: Any = need(res.engine_version)
    if re.fullmatch(MAJOR[engine], version):  # the model pins the major version: the operator picks a current release of it
        version = ctx.param(f"{lid}EngineVersion", "String",
                            f"{engine} version of {rid}: the model pins {res.engine_version}; choose a current release of it "
                            f"(aws rds describe-db-engine-versions --engine {engine})",
                            allowed_pattern=rf"^{re.escape(need(res.engine_version))}\.[0-9]+(-rds\.[0-9]+)?$")
    params = ctx.new_id(rid, "Parameters")
    ctx.add(rds.DBParameterGroup(params, Family=family(res.engine, need(res.engine_version)), Parameters=REQUIRE_TLS[res.engine],
                                 Description=f"{rid}: connections without TLS are refused"), rid)
    props: dict[str, Any] = {
        "Engine": engine, "EngineVersion": version, "DBParameterGroupName": ctx.ref(params), "DBInstanceClass": res.instance_class, "AllocatedStorage": str(res.storage_gb),
        "StorageType": "gp3", "DBName": res.database_name, "DBSubnetGroupName": ctx.ref(need(res.subnet_group)),
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


# --- IAM ---------------------------------------------------------------------------------------
# `query`/`read` to an instance: the master secret (this table, through archc.compiler.iam.ACCESS)
# and the network (archc.compiler.connections, like an Aurora cluster); `tcp`: the network only.


def _secret(ctx: Context, target: str, sid: str) -> list[Statement]:
    res = ctx.get(target, RdsInstance)
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
    return {f"{name}_ENDPOINT": ctx.ref(target, "Endpoint.Address"), f"{name}_PORT": str(instance_port(ctx, target)),
            f"{name}_SECRET_ARN": ctx.ref(target, "MasterUserSecret.SecretArn")}
