"""ElastiCache: a serverless cache or a replication group, encrypted at rest and in transit, behind its
own security group opened on 6379 to its callers only, snapshots kept, IAM authentication through a
user group whose default user is off, and exactly elasticache:Connect on the cache and its user."""

from __future__ import annotations

import json

import pytest

from archc.diagnostics import ModelError
from tests.compiler.helpers import BASE, all_resources, cfn_lint_findings, compile_texts, compile_yaml, model_text, of_type, statements

RESOURCES = """\
  key: {type: kms_key}
  role: {type: iam_role}
  fn: {type: lambda_function, role: role, subnets: [priv_a, priv_b]}
  other_role: {type: iam_role}
  other: {type: lambda_function, role: other_role, subnets: [priv_a, priv_b]}
  logs: {type: log_group, retention_days: 365}
  alarm: {type: alarm, monitors: [fn, other]}
  sessions: {type: elasticache, subnets: [priv_a, priv_b], kms_key: key, max_data_gb: 10, max_ecpu_per_second: 5000}
  counters:
    type: elasticache
    mode: replication_group
    engine: redis
    engine_version: "7.1"
    subnets: [priv_a, priv_b]
    replicas: 2
    node_type: cache.r7g.large
  plain: {type: elasticache, subnets: [priv_a, priv_b], iam_auth: false, snapshot_retention_days: 1}
"""
CONNECTIONS = """\
  - {from: fn, to: sessions, verb: read_write}
  - {from: fn, to: counters, verb: query}
  - {from: other, to: plain, verb: write}
  - {from: fn, to: logs, verb: logs}
  - {from: other, to: logs, verb: logs}
"""


def test_every_field_lints_clean_and_builds_cfn_lint_clean() -> None:
    from archc.model.loader import load_texts
    from archc.rules.engine import run_rules

    loaded = load_texts([("model.yaml", BASE), ("main.yaml", model_text(RESOURCES, CONNECTIONS, network=True))])
    assert [d.code for d in run_rules(loaded.architecture) if d.severity == "error"] == []
    build = compile_yaml(RESOURCES, CONNECTIONS, network=True)
    found = cfn_lint_findings(build)
    assert found == []


def test_a_serverless_cache_is_private_encrypted_with_the_key_and_snapshotted() -> None:
    res = all_resources(compile_yaml(RESOURCES, CONNECTIONS, network=True))
    props = res["Sessions"]["Properties"]
    assert res["Sessions"]["Type"] == "AWS::ElastiCache::ServerlessCache"
    assert (props["Engine"], props["MajorEngineVersion"], props["ServerlessCacheName"]) == ("valkey", "8", "t-sessions")
    assert props["KmsKeyId"] == {"Fn::GetAtt": ["Key", "Arn"]}
    assert props["SubnetIds"] == [{"Ref": "PrivA"}, {"Ref": "PrivB"}]
    assert props["SecurityGroupIds"] == [{"Fn::GetAtt": ["SessionsSecurityGroup", "GroupId"]}]
    assert (props["SnapshotRetentionLimit"], props["DailySnapshotTime"]) == (7, "03:00")
    assert props["CacheUsageLimits"] == {"DataStorage": {"Maximum": 10, "Unit": "GB"}, "ECPUPerSecond": {"Maximum": 5000}}
    assert props["UserGroupId"] == {"Ref": "SessionsUserGroup"}


def test_a_replication_group_fails_over_across_zones_and_requires_tls() -> None:
    build = compile_yaml(RESOURCES, CONNECTIONS, network=True)
    res = all_resources(build)
    props = res["Counters"]["Properties"]
    assert res["Counters"]["Type"] == "AWS::ElastiCache::ReplicationGroup"
    assert (props["Engine"], props["EngineVersion"], props["CacheNodeType"], props["NumCacheClusters"]) == ("redis", "7.1", "cache.r7g.large", 3)
    assert (props["AutomaticFailoverEnabled"], props["MultiAZEnabled"]) == (True, True)
    assert (props["AtRestEncryptionEnabled"], props["TransitEncryptionEnabled"], props["TransitEncryptionMode"]) == (True, True, "required")
    assert "KmsKeyId" not in props  # an AWS-owned key
    assert (props["SnapshotRetentionLimit"], props["SnapshotWindow"], props["PreferredMaintenanceWindow"]) == (7, "03:00-04:00", "sun:05:00-sun:06:00")
    assert res["CountersSubnetGroup"]["Properties"]["SubnetIds"] == [{"Ref": "PrivA"}, {"Ref": "PrivB"}]
    assert props["CacheSubnetGroupName"] == {"Ref": "CountersSubnetGroup"}


def test_iam_authentication_turns_the_default_user_off() -> None:
    build = compile_yaml(RESOURCES, CONNECTIONS, network=True)
    users = {k: v["Properties"] for k, v in of_type(build, "AWS::ElastiCache::User").items() if k.startswith("Sessions")}
    assert users["SessionsDefaultUser"]["UserName"] == "default"
    assert users["SessionsDefaultUser"]["AccessString"].startswith("off ")
    iam = users["SessionsIamUser"]
    assert (iam["UserId"], iam["UserName"], iam["AuthenticationMode"]) == ("t-sessions-iam", "t-sessions-iam", {"Type": "iam"})
    group = of_type(build, "AWS::ElastiCache::UserGroup")["SessionsUserGroup"]["Properties"]
    assert group["UserIds"] == [{"Ref": "SessionsDefaultUser"}, {"Ref": "SessionsIamUser"}]
    assert "PlainUserGroup" not in all_resources(build)


def test_callers_get_connect_on_the_cache_and_its_user_only() -> None:
    build = compile_yaml(RESOURCES, CONNECTIONS, network=True)
    sessions = statements(build, "Role")["SessionsReadWrite"]
    assert sessions["Action"] == ["elasticache:Connect"]
    assert sessions["Resource"] == [
        {"Fn::Sub": "arn:${AWS::Partition}:elasticache:us-west-2:111111111111:serverlesscache:t-sessions"},
        {"Fn::Sub": "arn:${AWS::Partition}:elasticache:us-west-2:111111111111:user:t-sessions-iam"},
    ]
    counters = statements(build, "Role")["CountersQuery"]
    assert counters["Resource"][0] == {"Fn::Sub": "arn:${AWS::Partition}:elasticache:us-west-2:111111111111:replicationgroup:t-counters"}
    assert not any("elasticache" in json.dumps(s) for s in statements(build, "OtherRole").values())  # no IAM auth: the network only
    env = all_resources(build)["Fn"]["Properties"]["Environment"]["Variables"]
    assert env["SESSIONS_ENDPOINT"] == {"Fn::GetAtt": ["Sessions", "Endpoint.Address"]}
    assert env["COUNTERS_ENDPOINT"] == {"Fn::GetAtt": ["Counters", "PrimaryEndPoint.Address"]}
    assert (env["SESSIONS_PORT"], env["SESSIONS_USER"]) == ("6379", "t-sessions-iam")


def test_the_cache_group_admits_its_callers_on_6379_only() -> None:
    build = compile_yaml(RESOURCES, CONNECTIONS, network=True)
    rules = of_type(build, "AWS::EC2::SecurityGroupIngress").values()
    by_group: dict[str, list[tuple[str, int, int]]] = {}
    for r in rules:
        p = r["Properties"]
        by_group.setdefault(p["GroupId"]["Fn::GetAtt"][0], []).append((p["SourceSecurityGroupId"]["Fn::GetAtt"][0], p["FromPort"], p["ToPort"]))
    assert by_group["SessionsSecurityGroup"] == [("FnSecurityGroup", 6379, 6379)]
    assert by_group["CountersSecurityGroup"] == [("FnSecurityGroup", 6379, 6379)]
    assert by_group["PlainSecurityGroup"] == [("OtherSecurityGroup", 6379, 6379)]


def test_long_model_and_resource_names_stay_within_forty_characters() -> None:
    from archc.compiler.elasticache import cache_name

    class Ctx:  # cache_name reads the model's name only
        class arch:
            name = "a-very-long-architecture-name-for-testing"

    name = cache_name(Ctx(), "Sessions_Store_For_The_Web_Front_End", "users")  # type: ignore[arg-type]
    assert len(name) <= 40 and name.endswith("-users") and name[0].isalpha() and "--" not in name


def test_a_caller_outside_the_vpc_is_refused() -> None:
    with pytest.raises(ModelError, match="ARC230|attached to no subnets"):
        compile_texts(("main.yaml", model_text(
            "  role: {type: iam_role}\n  fn: {type: lambda_function, role: role}\n"
            "  cache: {type: elasticache, subnets: [priv_a, priv_b]}\n", "  - {from: fn, to: cache, verb: read}\n", network=True)))


def test_tcp_opens_the_port_without_iam() -> None:
    build = compile_yaml("  role: {type: iam_role}\n  fn: {type: lambda_function, role: role, subnets: [priv_a, priv_b]}\n"
                         "  cache: {type: elasticache, subnets: [priv_a, priv_b]}\n", "  - {from: fn, to: cache, verb: tcp}\n", network=True)
    rules = [r["Properties"] for r in of_type(build, "AWS::EC2::SecurityGroupIngress").values()]
    assert [(r["GroupId"]["Fn::GetAtt"][0], r["SourceSecurityGroupId"]["Fn::GetAtt"][0], r["FromPort"]) for r in rules] == [
        ("CacheSecurityGroup", "FnSecurityGroup", 6379)]
    assert not any("elasticache:" in json.dumps(s) for s in statements(build, "Role").values())
