"""OpenSearch domains: in the VPC across zones, encrypted at rest and between nodes, HTTPS with TLS 1.2
only, fine-grained access off, a resource policy naming only the granted roles with the HTTP methods
of their verbs, the same exact actions on the roles, and HTTPS opened to the callers' groups."""

from __future__ import annotations

import json

from tests.compiler.helpers import BASE, all_resources, cfn_lint_findings, compile_yaml, model_text, of_type, statements

RESOURCES = """\
  key: {type: kms_key}
  role: {type: iam_role}
  fn: {type: lambda_function, role: role, subnets: [priv_a, priv_b]}
  indexer_role: {type: iam_role}
  indexer: {type: lambda_function, role: indexer_role, subnets: [priv_a, priv_b]}
  logs: {type: log_group, retention_days: 365}
  alarm: {type: alarm, monitors: [fn, indexer]}
  search:
    type: opensearch_domain
    subnets: [priv_a, priv_b]
    kms_key: key
    instance_count: 4
    dedicated_masters: 3
    master_instance_type: m7g.large.search
    volume_gb: 100
  small: {type: opensearch_domain, subnets: [priv_a], instance_count: 1, instance_type: t3.small.search}
"""
CONNECTIONS = """\
  - {from: fn, to: search, verb: read}
  - {from: indexer, to: search, verb: read_write}
  - {from: indexer, to: small, verb: write}
  - {from: fn, to: logs, verb: logs}
  - {from: indexer, to: logs, verb: logs}
"""
ARN = "arn:${AWS::Partition}:es:us-west-2:111111111111:domain/"


def test_every_field_lints_clean_and_builds_cfn_lint_clean() -> None:
    from archc.model.loader import load_texts
    from archc.rules.engine import run_rules

    loaded = load_texts([("model.yaml", BASE), ("main.yaml", model_text(RESOURCES, CONNECTIONS, network=True))])
    assert [d.code for d in run_rules(loaded.architecture) if d.severity == "error"] == []
    build = compile_yaml(RESOURCES, CONNECTIONS, network=True)
    found = cfn_lint_findings(build)
    assert found == []


def test_a_domain_is_private_encrypted_https_only_and_retained() -> None:
    res = all_resources(compile_yaml(RESOURCES, CONNECTIONS, network=True))
    domain = res["Search"]
    props = domain["Properties"]
    assert (props["DomainName"], props["EngineVersion"]) == ("t-search", "OpenSearch_2.19")
    assert props["VPCOptions"] == {"SubnetIds": [{"Ref": "PrivA"}, {"Ref": "PrivB"}],
                                   "SecurityGroupIds": [{"Fn::GetAtt": ["SearchSecurityGroup", "GroupId"]}]}
    assert props["EncryptionAtRestOptions"] == {"Enabled": True, "KmsKeyId": {"Fn::GetAtt": ["Key", "Arn"]}}
    assert props["NodeToNodeEncryptionOptions"] == {"Enabled": True}
    assert props["DomainEndpointOptions"] == {"EnforceHTTPS": True, "TLSSecurityPolicy": "Policy-Min-TLS-1-2-PFS-2023-10"}
    assert props["AdvancedSecurityOptions"] == {"Enabled": False}
    assert props["ClusterConfig"] == {"InstanceType": "r7g.large.search", "InstanceCount": 4, "ZoneAwarenessEnabled": True,
                                      "ZoneAwarenessConfig": {"AvailabilityZoneCount": 2}, "DedicatedMasterEnabled": True,
                                      "DedicatedMasterCount": 3, "DedicatedMasterType": "m7g.large.search"}
    assert props["EBSOptions"] == {"EBSEnabled": True, "VolumeType": "gp3", "VolumeSize": 100}
    assert (domain["DeletionPolicy"], domain["UpdateReplacePolicy"]) == ("Retain", "Retain")
    small = res["Small"]["Properties"]
    assert small["ClusterConfig"]["ZoneAwarenessEnabled"] is False and "ZoneAwarenessConfig" not in small["ClusterConfig"]
    assert small["EncryptionAtRestOptions"] == {"Enabled": True}  # the AWS-managed aws/es key


def test_the_resource_policy_names_each_granted_role_with_the_methods_of_its_verbs() -> None:
    res = all_resources(compile_yaml(RESOURCES, CONNECTIONS, network=True))
    policy = {s["Sid"]: s for s in res["Search"]["Properties"]["AccessPolicies"]["Statement"]}
    assert sorted(policy) == ["IndexerRoleAccess", "RoleAccess"]
    reader, writer = policy["RoleAccess"], policy["IndexerRoleAccess"]
    assert reader["Principal"] == {"AWS": {"Fn::GetAtt": ["Role", "Arn"]}}
    assert reader["Action"] == ["es:ESHttpGet", "es:ESHttpHead"]
    assert writer["Action"] == ["es:ESHttpDelete", "es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPatch", "es:ESHttpPost", "es:ESHttpPut"]
    assert reader["Resource"] == {"Fn::Sub": ARN + "t-search/*"}
    small = res["Small"]["Properties"]["AccessPolicies"]["Statement"]
    assert [(s["Sid"], s["Action"]) for s in small] == [("IndexerRoleAccess", ["es:ESHttpDelete", "es:ESHttpPatch", "es:ESHttpPost", "es:ESHttpPut"])]


def test_callers_get_the_http_methods_of_their_verb_on_the_domain_only() -> None:
    build = compile_yaml(RESOURCES, CONNECTIONS, network=True)
    read = statements(build, "Role")["SearchRead"]
    assert (read["Action"], read["Resource"]) == (["es:ESHttpGet", "es:ESHttpHead"], {"Fn::Sub": ARN + "t-search/*"})
    write = statements(build, "IndexerRole")["SmallWrite"]
    assert write["Action"] == ["es:ESHttpDelete", "es:ESHttpPatch", "es:ESHttpPost", "es:ESHttpPut"]
    assert not any("kms:" in json.dumps(s) for s in statements(build, "IndexerRole").values())
    env = all_resources(build)["Fn"]["Properties"]["Environment"]["Variables"]
    assert env["SEARCH_ENDPOINT"] == {"Fn::GetAtt": ["Search", "DomainEndpoint"]}


def test_the_domain_group_admits_its_callers_on_https_only() -> None:
    build = compile_yaml(RESOURCES, CONNECTIONS, network=True)
    rules = [r["Properties"] for r in of_type(build, "AWS::EC2::SecurityGroupIngress").values()
             if r["Properties"]["GroupId"] == {"Fn::GetAtt": ["SearchSecurityGroup", "GroupId"]}]
    assert sorted(r["SourceSecurityGroupId"]["Fn::GetAtt"][0] for r in rules) == ["FnSecurityGroup", "IndexerSecurityGroup"]
    assert {(r["FromPort"], r["ToPort"], r["IpProtocol"]) for r in rules} == {(443, 443, "tcp")}


def test_an_unconnected_domain_has_no_resource_policy() -> None:
    res = all_resources(compile_yaml("  search: {type: opensearch_domain, subnets: [priv_a, priv_b]}\n", network=True))
    assert "AccessPolicies" not in res["Search"]["Properties"]
