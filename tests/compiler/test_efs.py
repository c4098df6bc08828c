"""EFS file systems: encryption, backups, mount targets behind their own group, access points,
a policy that refuses plain transport, and exact client IAM through mount targets only."""

from __future__ import annotations

import pytest

from archc.compiler.context import CompileError
from tests.compiler.helpers import BASE, all_resources, cfn_lint_findings, compile_texts, compile_yaml, model_text, of_type, statements

RESOURCES = """\
  key: {type: kms_key}
  role: {type: iam_role}
  fn: {type: lambda_function, role: role, subnets: [priv_a, priv_b]}
  reader_role: {type: iam_role}
  reader: {type: lambda_function, role: reader_role, subnets: [priv_a, priv_b]}
  logs: {type: log_group, retention_days: 365}
  alarm: {type: alarm, monitors: [fn, reader]}
  shared:
    type: efs_file_system
    subnets: [priv_a, priv_b]
    kms_key: key
    infrequent_access_after_days: 30
    access_points:
      - {name: uploads, path: /uploads, uid: 1001, gid: 1001}
  scratch: {type: efs_file_system, subnets: [priv_a], throughput_mode: bursting, performance_mode: max_io}
"""
CONNECTIONS = """\
  - {from: fn, to: shared, verb: read_write}
  - {from: reader, to: shared, verb: read}
  - {from: fn, to: logs, verb: logs}
  - {from: reader, to: logs, verb: logs}
"""


def test_every_field_lints_clean_and_builds_cfn_lint_clean() -> None:
    from archc.model.loader import load_texts
    from archc.rules.engine import run_rules

    loaded = load_texts([("model.yaml", BASE), ("main.yaml", model_text(RESOURCES, CONNECTIONS, network=True))])
    assert [d.code for d in run_rules(loaded.architecture) if d.severity == "error"] == []
    build = compile_yaml(RESOURCES, CONNECTIONS, network=True)
    found = cfn_lint_findings(build)
    assert found == []


def test_a_file_system_is_encrypted_backed_up_retained_and_refuses_plain_transport() -> None:
    res = all_resources(compile_yaml(RESOURCES, CONNECTIONS, network=True))
    shared = res["Shared"]
    props = shared["Properties"]
    assert props["Encrypted"] is True and props["KmsKeyId"] == {"Fn::GetAtt": ["Key", "Arn"]}
    assert props["BackupPolicy"] == {"Status": "ENABLED"}
    assert (shared["DeletionPolicy"], shared["UpdateReplacePolicy"]) == ("Retain", "Retain")
    assert props["LifecyclePolicies"] == [{"TransitionToIA": "AFTER_30_DAYS"}, {"TransitionToPrimaryStorageClass": "AFTER_1_ACCESS"}]
    denies = {s["Sid"]: s for s in props["FileSystemPolicy"]["Statement"]}
    assert denies["DenyInsecureTransport"]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert denies["DenyOutsideMountTargets"]["Effect"] == "Deny"
    scratch = res["Scratch"]["Properties"]
    assert (scratch["ThroughputMode"], scratch["PerformanceMode"]) == ("bursting", "maxIO") and "KmsKeyId" not in scratch


def test_mount_targets_sit_behind_the_file_systems_group_which_admits_nfs_from_callers_only() -> None:
    build = compile_yaml(RESOURCES, CONNECTIONS, network=True)
    targets = of_type(build, "AWS::EFS::MountTarget")
    assert sorted(targets) == ["ScratchMountTargetPrivA", "SharedMountTargetPrivA", "SharedMountTargetPrivB"]
    assert all(t["Properties"]["SecurityGroups"] == [{"Fn::GetAtt": ["SharedSecurityGroup", "GroupId"]}]
               for k, t in targets.items() if k.startswith("Shared"))
    ingress = [r["Properties"] for r in of_type(build, "AWS::EC2::SecurityGroupIngress").values()
               if r["Properties"]["GroupId"] == {"Fn::GetAtt": ["SharedSecurityGroup", "GroupId"]}]
    assert sorted(r["SourceSecurityGroupId"]["Fn::GetAtt"][0] for r in ingress) == ["FnSecurityGroup", "ReaderSecurityGroup"]
    assert {(r["FromPort"], r["ToPort"], r["IpProtocol"]) for r in ingress} == {(2049, 2049, "tcp")}
    scratch_in = [r for r in of_type(build, "AWS::EC2::SecurityGroupIngress").values()
                  if r["Properties"]["GroupId"] == {"Fn::GetAtt": ["ScratchSecurityGroup", "GroupId"]}]
    assert scratch_in == []  # nothing connects to it: nothing may reach it


def test_access_points_fix_the_posix_user_and_root() -> None:
    ap = of_type(compile_yaml(RESOURCES, CONNECTIONS, network=True), "AWS::EFS::AccessPoint")["SharedAccessPointUploads"]["Properties"]
    assert ap["PosixUser"] == {"Uid": "1001", "Gid": "1001"}
    assert ap["RootDirectory"] == {"Path": "/uploads", "CreationInfo": {"OwnerUid": "1001", "OwnerGid": "1001", "Permissions": "750"}}


def test_clients_get_exact_actions_through_mount_targets_only() -> None:
    build = compile_yaml(RESOURCES, CONNECTIONS, network=True)
    writer = statements(build, "Role")["SharedUploadsReadWrite"]
    assert writer["Action"] == ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]
    assert writer["Resource"] == {"Fn::GetAtt": ["Shared", "Arn"]}
    assert writer["Condition"] == {"Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"},
                                   "StringEquals": {"elasticfilesystem:AccessPointArn": {"Fn::GetAtt": ["SharedAccessPointUploads", "Arn"]}}}
    reader = statements(build, "ReaderRole")["SharedUploadsRead"]
    assert reader["Action"] == ["elasticfilesystem:ClientMount"]
    assert reader["Condition"] == writer["Condition"]
    env = all_resources(build)["Fn"]["Properties"]["Environment"]["Variables"]
    assert env["SHARED_FILE_SYSTEM_ID"] == {"Ref": "Shared"}


def test_a_client_outside_the_vpc_is_refused() -> None:
    with pytest.raises(CompileError, match="attached to no subnets"):
        compile_texts(("main.yaml", model_text(
            "  role: {type: iam_role}\n  fn: {type: lambda_function, role: role}\n"
            "  fs: {type: efs_file_system, subnets: [priv_a], access_points: [{name: data, path: /data}]}\n",
            "  - {from: fn, to: fs, verb: read}\n", network=True)))


def test_a_function_mounts_its_file_system_through_the_access_point_once_the_mount_targets_exist() -> None:
    res = all_resources(compile_yaml(RESOURCES, CONNECTIONS, network=True))
    for fn in ("Fn", "Reader"):
        assert res[fn]["Properties"]["FileSystemConfigs"] == [
            {"Arn": {"Fn::GetAtt": ["SharedAccessPointUploads", "Arn"]}, "LocalMountPath": "/mnt/uploads"}]
        assert res[fn]["DependsOn"] == ["SharedMountTargetPrivA", "SharedMountTargetPrivB"]
        assert res[fn]["Properties"]["Environment"]["Variables"]["SHARED_MOUNT_PATH"] == "/mnt/uploads"


TASKS = """\
  exec_role: {type: iam_role}
  task_role: {type: iam_role}
  cluster: {type: ecs_cluster}
  worker:
    type: ecs_task_definition
    vcpu: 0.25
    memory_gib: 0.5
    execution_role: exec_role
    task_role: task_role
    mounts:
      - {file_system: media, access_point: thumbs, path: /mnt/thumbnails}
  worker_svc: {type: ecs_service, cluster: cluster, task_definition: worker, subnets: [priv_a, priv_b]}
  media:
    type: efs_file_system
    subnets: [priv_a, priv_b]
    access_points:
      - {name: originals, path: /originals}
      - {name: thumbs, path: /thumbs}
  models: {type: efs_file_system, subnets: [priv_a, priv_b], access_points: [{name: onnx, path: /onnx}]}
  logs: {type: log_group, retention_days: 365}
"""
TASK_CONNECTIONS = """\
  - {from: worker_svc, to: media, verb: read_write}
  - {from: worker, to: models, verb: read}
  - {from: worker, to: logs, verb: logs}
"""


def test_a_task_mounts_with_tls_and_iam_through_the_access_point_read_only_without_a_write_verb() -> None:
    build = compile_yaml(TASKS, TASK_CONNECTIONS, network=True)
    task = all_resources(build)["Worker"]
    props = task["Properties"]
    assert props["Volumes"] == [
        {"Name": "Media", "EFSVolumeConfiguration": {
            "FilesystemId": {"Ref": "Media"}, "TransitEncryption": "ENABLED",
            "AuthorizationConfig": {"AccessPointId": {"Ref": "MediaAccessPointThumbs"}, "IAM": "ENABLED"}}},
        {"Name": "Models", "EFSVolumeConfiguration": {
            "FilesystemId": {"Ref": "Models"}, "TransitEncryption": "ENABLED",
            "AuthorizationConfig": {"AccessPointId": {"Ref": "ModelsAccessPointOnnx"}, "IAM": "ENABLED"}}},
    ]
    assert props["ContainerDefinitions"][0]["MountPoints"] == [
        {"ContainerPath": "/mnt/thumbnails", "SourceVolume": "Media", "ReadOnly": False},
        {"ContainerPath": "/mnt/onnx", "SourceVolume": "Models", "ReadOnly": True},
    ]
    env = {e["Name"]: e["Value"] for e in props["ContainerDefinitions"][0]["Environment"]}
    assert (env["MEDIA_MOUNT_PATH"], env["MODELS_MOUNT_PATH"]) == ("/mnt/thumbnails", "/mnt/onnx")
    assert sorted(task["DependsOn"]) == ["MediaMountTargetPrivA", "MediaMountTargetPrivB", "ModelsMountTargetPrivA", "ModelsMountTargetPrivB"]
    granted = statements(build, "TaskRole")
    assert granted["MediaThumbsReadWrite"]["Condition"]["StringEquals"] == {
        "elasticfilesystem:AccessPointArn": {"Fn::GetAtt": ["MediaAccessPointThumbs", "Arn"]}}
    assert granted["ModelsOnnxRead"]["Action"] == ["elasticfilesystem:ClientMount"]
    ingress = {(r["Properties"]["GroupId"]["Fn::GetAtt"][0], r["Properties"]["SourceSecurityGroupId"]["Fn::GetAtt"][0], r["Properties"]["FromPort"])
               for r in of_type(build, "AWS::EC2::SecurityGroupIngress").values()}
    assert {("MediaSecurityGroup", "WorkerSvcSecurityGroup", 2049), ("ModelsSecurityGroup", "WorkerSvcSecurityGroup", 2049)} <= ingress


def test_tasks_and_their_mounts_lint_clean_and_build_cfn_lint_clean() -> None:
    from archc.model.loader import load_texts
    from archc.rules.engine import run_rules

    loaded = load_texts([("model.yaml", BASE), ("main.yaml", model_text(TASKS, TASK_CONNECTIONS, network=True))])
    assert [d.code for d in run_rules(loaded.architecture) if d.severity == "error"] == []
    build = compile_yaml(TASKS, TASK_CONNECTIONS, network=True)
    found = cfn_lint_findings(build)
    assert found == []


@pytest.mark.parametrize(("resources", "connections", "message"), [
    ("  fs: {type: efs_file_system, subnets: [priv_a]}\n", "  - {from: fn, to: fs, verb: read}\n", "ARC128 .* which has no access point"),
    ("  fs: {type: efs_file_system, subnets: [priv_a], access_points: [{name: a, path: /a}, {name: b, path: /b}]}\n",
     "  - {from: fn, to: fs, verb: read}\n", r"ARC128 .* several access points \(a, b\)"),
    (("  fs: {type: efs_file_system, subnets: [priv_a], access_points: [{name: a, path: /a}]}\n"
     "  fs2: {type: efs_file_system, subnets: [priv_a], access_points: [{name: a, path: /a}]}\n"),
     "  - {from: fn, to: fs, verb: read}\n  - {from: fn, to: fs2, verb: read}\n", "ARC129 .* mounts 2 file systems"),
    (("  fn2: {type: lambda_function, role: role, subnets: [priv_a, priv_b]}\n"
     "  fs: {type: efs_file_system, subnets: [priv_a], access_points: [{name: a, path: /a}]}\n"),
     "  - {from: fn2, to: fs, verb: read}\n", "ARC129 .* 'fn2' runs in us-west-2b, where file system 'fs' has no mount target"),
])
def test_build_refuses_what_cannot_be_mounted_under_the_rules_codes(resources: str, connections: str, message: str) -> None:
    fn = "  role: {type: iam_role}\n  fn: {type: lambda_function, role: role, subnets: [priv_a]}\n"
    with pytest.raises(CompileError, match=message):
        compile_texts(("main.yaml", model_text(fn + resources, connections, network=True)))
