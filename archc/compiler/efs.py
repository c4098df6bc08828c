"""EFS file systems: encrypted (the model's KMS key, else the AWS-managed ``aws/elasticfilesystem``
key), backed up, kept when the stack is deleted, one mount target per listed subnet behind a
security group of its own (declared in `archc.compiler.declare`), access points with a fixed POSIX
user and root directory, and a file system policy that refuses unencrypted transport and any
client that does not come through a mount target.

`read` / `write` / `read_write` from code to a file system grant ``elasticfilesystem:ClientMount``
(and ``ClientWrite``) on it, only through a mount target, and open NFS (TCP 2049) from the
caller's security group to the file system's (`archc.compiler.connections`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from troposphere import Tags, efs

from archc.compiler.context import Context, Statement
from archc.compiler.naming import camel
from archc.model.resources import EfsFileSystem

NFS_PORT = 2049
RETAIN = {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}
PERFORMANCE = {"general_purpose": "generalPurpose", "max_io": "maxIO"}
IA_AFTER = {1: "AFTER_1_DAY", 7: "AFTER_7_DAYS", 14: "AFTER_14_DAYS", 30: "AFTER_30_DAYS", 60: "AFTER_60_DAYS", 90: "AFTER_90_DAYS",
            180: "AFTER_180_DAYS", 270: "AFTER_270_DAYS", 365: "AFTER_365_DAYS"}
VIA_MOUNT_TARGET = {"Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}}


def policy(ctx: Context, rid: str) -> dict[str, Any]:
    """Refuse transport without TLS, and clients that do not come through a mount target."""
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "*", "Resource": "*",
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Sid": "DenyOutsideMountTargets", "Effect": "Deny", "Principal": {"AWS": "*"},
         "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite", "elasticfilesystem:ClientRootAccess"], "Resource": "*",
         "Condition": {"Bool": {"elasticfilesystem:AccessedViaMountTarget": "false"}}},
    ]}


def compile_efs_file_system(ctx: Context, rid: str, res: EfsFileSystem) -> None:
    lid = ctx.main[rid]
    props: dict[str, Any] = {
        "Encrypted": res.encrypted, "PerformanceMode": PERFORMANCE[res.performance_mode], "ThroughputMode": res.throughput_mode,
        "BackupPolicy": efs.BackupPolicy(Status="ENABLED" if res.backup else "DISABLED"),
        "FileSystemPolicy": policy(ctx, rid), "BypassPolicyLockoutSafetyCheck": False,
        "FileSystemTags": Tags({"Name": f"{ctx.arch.name}-{rid}"}), **RETAIN,
    }
    if res.kms_key:
        props["KmsKeyId"] = ctx.ref(res.kms_key, "Arn")
    if res.infrequent_access_after_days is not None:
        props["LifecyclePolicies"] = [efs.LifecyclePolicy(TransitionToIA=IA_AFTER[res.infrequent_access_after_days]),
                                      efs.LifecyclePolicy(TransitionToPrimaryStorageClass="AFTER_1_ACCESS")]
    unit = ctx.add(efs.FileSystem(lid, **props), rid)
    if not res.encrypted:
        unit.skip("CKV_AWS_42", "the model turns encryption at rest off for this file system (ARC413 says so)")
    elif not res.kms_key:
        unit.skip("CKV_AWS_184", "encrypted with the AWS-managed aws/elasticfilesystem KMS key; the model names no customer-managed key")
    groups = [ctx.ref(ctx.sg[rid], "GroupId")] + [ctx.ref(s, "GroupId") for s in res.security_groups[1:]]
    for subnet in res.subnets:
        ctx.add(efs.MountTarget(ctx.new_id(rid, f"MountTarget{camel(subnet)}"), FileSystemId=ctx.ref(rid), SubnetId=ctx.ref(subnet),
                                SecurityGroups=groups), rid)
    for ap in res.access_points:
        ctx.add(efs.AccessPoint(
            ctx.new_id(rid, f"AccessPoint{camel(ap.name)}"), FileSystemId=ctx.ref(rid),
            PosixUser=efs.PosixUser(Uid=str(ap.uid), Gid=str(ap.gid)),
            RootDirectory=efs.RootDirectory(Path=ap.path, CreationInfo=efs.CreationInfo(
                OwnerUid=str(ap.uid), OwnerGid=str(ap.gid), Permissions=ap.permissions)),
            AccessPointTags=Tags({"Name": f"{rid}-{ap.name}"})), rid)


# --- IAM ---------------------------------------------------------------------------------------


def _client(actions: tuple[str, ...]) -> Callable[[Context, str, str], list[Statement]]:
    def build(ctx: Context, fs: str, sid: str) -> list[Statement]:
        # EFS encrypts with the file system's key itself: the client needs no KMS permission
        return [Statement(sid, actions, [ctx.ref(fs, "Arn")], VIA_MOUNT_TARGET)]
    return build


ACCESS: dict[tuple[str, str], Callable[[Context, str, str], list[Statement]]] = {
    ("read", "efs_file_system"): _client(("elasticfilesystem:ClientMount",)),
    ("write", "efs_file_system"): _client(("elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite")),
    ("read_write", "efs_file_system"): _client(("elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite")),
}


def wiring_env(ctx: Context, fs: str, name: str) -> dict[str, Any]:
    """What code connected to the file system is told: its id."""
    return {f"{name}_FILE_SYSTEM_ID": ctx.ref(fs)}
