"""EFS file systems: encryption, backups, mount targets behind their own group, access points,
a policy that refuses plain transport, and exact client IAM through mount targets only."""

from __future__ import annotations

import json

import pytest

from archc.compiler.context import CompileError
from tests.compiler.helpers import BASE, all_resources, compile_texts, compile_yaml, model_text, of_type, statements

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
    from cfnlint.api import lint
    from cfnlint.config import ManualArgs

    from archc.model.loader import load_texts
    from archc.rules.engine import run_rules

    loaded = load_texts([("model.yaml", BASE), ("main.yaml", model_text(RESOURCES, CONNECTIONS, network=True))])
    assert [d.code for d in run_rules(loaded.architecture) if d.severity == "error"] == []
    build = compile_yaml(RESOURCES, CONNECTIONS, network=True)
    found = [f"{st.name}: {m.rule.id} {m.message}" for st in build.stacks
             for m in lint(json.dumps(st.template), config=ManualArgs(regions=[st.region]))]
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
    writer = statements(build, "Role")["SharedReadWrite"]
    assert writer["Action"] == ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]
    assert writer["Resource"] == {"Fn::GetAtt": ["Shared", "Arn"]}
    assert writer["Condition"] == {"Bool": {"elasticfilesystem:AccessedViaMountTarget": "true"}}
    reader = statements(build, "ReaderRole")["SharedRead"]
    assert reader["Action"] == ["elasticfilesystem:ClientMount"]
    env = all_resources(build)["Fn"]["Properties"]["Environment"]["Variables"]
    assert env["SHARED_FILE_SYSTEM_ID"] == {"Ref": "Shared"}


def test_a_client_outside_the_vpc_is_refused() -> None:
    with pytest.raises(CompileError, match="attached to no subnets"):
        compile_texts(("main.yaml", model_text(
            "  role: {type: iam_role}\n  fn: {type: lambda_function, role: role}\n"
            "  fs: {type: efs_file_system, subnets: [priv_a]}\n", "  - {from: fn, to: fs, verb: read}\n", network=True)))
