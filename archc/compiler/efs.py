"""EFS file systems: encrypted (the model's KMS key, else the AWS-managed ``aws/elasticfilesystem``
key), backed up, kept when the stack is deleted, one mount target per listed subnet behind a
security group of its own (declared in `archc.compiler.declare`), access points with a fixed POSIX
user and root directory, and a file system policy that refuses unencrypted transport and any
client that does not come through a mount target.

`read` / `write` / `read_write` from code to a file system grant ``elasticfilesystem:ClientMount``
(and ``ClientWrite``) on it, only through a mount target, and open NFS (TCP 2049) from the
caller's security group to the file system's (`archc.compiler.connections`).

A function or a task that reads or writes a file system mounts it (`archc.model.mounts` says
through which access point and where; ARC127–ARC129 refuse what cannot be built): a function gets
``FileSystemConfigs`` (the access point, ``/mnt/...``), a task definition a ``Volumes`` entry (TLS in
transit, IAM authorisation through the access point) and a ``MountPoints`` entry in its container
(read-only without a write verb); both wait for the mount targets (``DependsOn``), and their grants
hold only through that access point.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from troposphere import Tags, awslambda, ecs, efs

from archc.compiler.context import Context, Statement
from archc.compiler.naming import camel
from archc.model.mounts import Mount, client_of, mounting_connections, resolve
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


def declare(ctx: Context) -> None:
    """Phase 1: the ids of mount targets and access points (clients name them), and what each client mounts."""
    for rid, fs in ctx.of_type(EfsFileSystem):
        ctx.declared.efs_mount_targets[rid] = [ctx.new_id(rid, f"MountTarget{camel(subnet)}") for subnet in fs.subnets]
        ctx.declared.efs_access_points[rid] = {ap.name: ctx.new_id(rid, f"AccessPoint{camel(ap.name)}") for ap in fs.access_points}
    for client, connections in sorted(mounting_connections(ctx.arch).items()):
        ctx.declared.mounts[client] = resolve(ctx.arch, client, connections)[0]


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
    for subnet, target in zip(res.subnets, ctx.declared.efs_mount_targets[rid], strict=True):
        ctx.add(efs.MountTarget(target, FileSystemId=ctx.ref(rid), SubnetId=ctx.ref(subnet), SecurityGroups=groups), rid)
    for ap in res.access_points:
        ctx.add(efs.AccessPoint(
            ctx.declared.efs_access_points[rid][ap.name], FileSystemId=ctx.ref(rid),
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


def mount_of(ctx: Context, client: str, fs: str) -> Mount | None:
    """How *client* (a function, a task definition or a service running one) mounts *fs*, if it does."""
    compute = client_of(ctx.arch, client)
    return next((m for m in ctx.declared.mounts.get(compute or "", []) if m.file_system == fs), None)


def mount_statements(ctx: Context, verb: str, fs: str, mount: Mount) -> list[Statement]:
    """The client grants of *verb*, held only through the mount's access point and a mount target."""
    actions = ("elasticfilesystem:ClientMount",) if verb == "read" else ("elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite")
    ap = ctx.declared.efs_access_points[fs][mount.access_point]
    condition = {**VIA_MOUNT_TARGET, "StringEquals": {"elasticfilesystem:AccessPointArn": ctx.ref(ap, "Arn")}}
    return [Statement(camel(fs) + camel(mount.access_point) + camel(verb), actions, [ctx.ref(fs, "Arn")], condition)]


def mount_env(ctx: Context, rid: str) -> dict[str, str]:
    """Where compute *rid*'s code finds each file system it mounts: ``<ID>_MOUNT_PATH``."""
    from archc.compiler.connections import env_name

    return {f"{env_name(m.file_system)}_MOUNT_PATH": m.path for m in ctx.declared.mounts.get(rid, [])}


def _waits_for_mount_targets(ctx: Context, rid: str) -> set[str]:
    return {t for m in ctx.declared.mounts.get(rid, []) for t in ctx.declared.efs_mount_targets[m.file_system]}


def lambda_file_systems(ctx: Context, rid: str) -> tuple[list[awslambda.FileSystemConfig], set[str]]:
    """A function's ``FileSystemConfigs`` (one at most: ARC129) and the mount targets it waits for."""
    configs = [awslambda.FileSystemConfig(Arn=ctx.ref(ctx.declared.efs_access_points[m.file_system][m.access_point], "Arn"),
                                          LocalMountPath=m.path) for m in ctx.declared.mounts.get(rid, [])]
    return configs, _waits_for_mount_targets(ctx, rid)


def task_volumes(ctx: Context, rid: str) -> tuple[list[ecs.Volume], list[ecs.MountPoint], set[str]]:
    """A task definition's EFS ``Volumes``, its container's ``MountPoints`` and the mount targets it waits for."""
    volumes: list[ecs.Volume] = []
    points: list[ecs.MountPoint] = []
    for m in ctx.declared.mounts.get(rid, []):
        name = camel(m.file_system)
        volumes.append(ecs.Volume(Name=name, EFSVolumeConfiguration=ecs.EFSVolumeConfiguration(
            FilesystemId=ctx.ref(m.file_system), TransitEncryption="ENABLED",
            AuthorizationConfig=ecs.AuthorizationConfig(AccessPointId=ctx.ref(ctx.declared.efs_access_points[m.file_system][m.access_point]),
                                                        IAM="ENABLED"))))
        points.append(ecs.MountPoint(ContainerPath=m.path, SourceVolume=name, ReadOnly=not m.writes))
    return volumes, points, _waits_for_mount_targets(ctx, rid)


def wiring_env(ctx: Context, fs: str, name: str) -> dict[str, Any]:
    """What code connected to the file system is told: its id."""
    return {f"{name}_FILE_SYSTEM_ID": ctx.ref(fs)}
