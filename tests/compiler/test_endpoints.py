"""VPC endpoints: gateway routes, interface endpoints with their own security group, account-only policies;
an isolated subnet served by endpoints lints clean and builds."""

from __future__ import annotations

from typing import Any

import pytest

from archc.compiler.context import CompileError
from tests.compiler.helpers import ACCOUNT_ID, BASE, all_resources, cfn_lint_findings, compile_texts, compile_yaml, model_text, of_type

RESOURCES = """\
  vpc: {type: vpc, cidr: 10.0.0.0/16}
  iso_a: {type: subnet, vpc: vpc, tier: isolated, cidr: 10.0.10.0/24, az: us-west-2a}
  iso_b: {type: subnet, vpc: vpc, tier: isolated, cidr: 10.0.11.0/24, az: us-west-2b}
  role: {type: iam_role}
  fn: {type: lambda_function, role: role, subnets: [iso_a, iso_b]}
  logs: {type: log_group, retention_days: 365}
  alarm: {type: alarm, monitors: [fn]}
  orders: {type: dynamodb_table, partition_key: {name: pk}}
  jobs: {type: sqs_queue}
  files: {type: s3_bucket}
  ddb: {type: vpc_endpoint, vpc: vpc, service: dynamodb, subnets: [iso_a, iso_b]}
  s3: {type: vpc_endpoint, vpc: vpc, service: s3, kind: gateway, subnets: [iso_a, iso_b], policy: open, lint: {ignore: {ARC306: test}}}
  sqs: {type: vpc_endpoint, vpc: vpc, service: sqs, subnets: [iso_a, iso_b]}
  sts: {type: vpc_endpoint, vpc: vpc, service: s3, kind: interface, subnets: [iso_a], private_dns: false}
"""
CONNECTIONS = """\
  - {from: fn, to: orders, verb: read_write}
  - {from: fn, to: jobs, verb: send}
  - {from: fn, to: files, verb: read}
  - {from: fn, to: logs, verb: logs}
"""
ONLY_ACCOUNT = {"Version": "2012-10-17", "Statement": [{
    "Sid": "OnlyThisAccount", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
    "Condition": {"StringEquals": {"aws:PrincipalAccount": ACCOUNT_ID}}}]}


def _res() -> dict[str, Any]:
    return all_resources(compile_yaml(RESOURCES, CONNECTIONS))


def test_an_isolated_subnet_served_by_endpoints_lints_clean_and_builds_cfn_lint_clean() -> None:
    from archc.model.loader import load_texts
    from archc.rules.engine import run_rules

    loaded = load_texts([("model.yaml", BASE), ("main.yaml", model_text(RESOURCES, CONNECTIONS))])
    assert [(d.code, d.message) for d in run_rules(loaded.architecture) if d.severity == "error"] == []
    build = compile_yaml(RESOURCES, CONNECTIONS)
    found = cfn_lint_findings(build)
    assert found == []


def test_a_gateway_endpoint_routes_in_its_subnets_tables_with_the_account_only_policy() -> None:
    p = _res()["Ddb"]["Properties"]
    assert p["VpcEndpointType"] == "Gateway"
    assert p["ServiceName"] == {"Fn::Sub": "com.amazonaws.${AWS::Region}.dynamodb"}
    assert p["RouteTableIds"] == [{"Ref": "IsoARouteTable"}, {"Ref": "IsoBRouteTable"}]
    assert p["PolicyDocument"] == ONLY_ACCOUNT
    assert "PolicyDocument" not in _res()["S3"]["Properties"]  # policy: open


def test_an_interface_endpoint_has_its_own_https_only_security_group() -> None:
    res = _res()
    p = res["Sqs"]["Properties"]
    assert p["VpcEndpointType"] == "Interface" and p["PrivateDnsEnabled"] is True
    assert p["SubnetIds"] == [{"Ref": "IsoA"}, {"Ref": "IsoB"}]
    assert p["SecurityGroupIds"] == [{"Fn::GetAtt": ["SqsSecurityGroup", "GroupId"]}]
    sg = res["SqsSecurityGroup"]["Properties"]
    assert [(r["FromPort"], r["ToPort"], r["CidrIp"]) for r in sg["SecurityGroupIngress"]] == [(443, 443, "10.0.0.0/16")]
    assert sg["SecurityGroupEgress"][0]["CidrIp"] == "255.255.255.255/32"  # sends nothing
    assert res["Sts"]["Properties"]["PrivateDnsEnabled"] is False


@pytest.mark.parametrize(("resources", "message"), [
    (("  vpc: {type: vpc, cidr: 10.0.0.0/16}\n  a1: {type: subnet, vpc: vpc, tier: isolated, cidr: 10.0.10.0/24, az: us-west-2a}\n"
     "  a2: {type: subnet, vpc: vpc, tier: isolated, cidr: 10.0.11.0/24, az: us-west-2a}\n"
     "  e: {type: vpc_endpoint, vpc: vpc, service: sqs, subnets: [a1, a2]}\n"),
     "endpoint 'e': subnets 'a1' and 'a2' are both in us-west-2a (an interface endpoint takes one subnet per availability zone)"),
])
def test_misplaced_endpoints_are_refused(resources: str, message: str) -> None:
    with pytest.raises(CompileError) as err:
        compile_texts(("main.yaml", model_text(resources)))
    assert [(d.code, d.message) for d in err.value.diagnostics] == [("ARC210", message)]  # the rule lint reports it with


def test_a_gateway_endpoint_for_another_service_is_refused_by_the_model() -> None:
    from archc.diagnostics import ModelError

    with pytest.raises(ModelError) as err:
        compile_yaml("  vpc: {type: vpc, cidr: 10.0.0.0/16}\n  e: {type: vpc_endpoint, vpc: vpc, service: sqs, kind: gateway}\n")
    assert "only s3 and dynamodb have gateway endpoints, not sqs" in str(err.value)


def test_no_nat_gateway_is_built() -> None:
    assert not of_type(compile_yaml(RESOURCES, CONNECTIONS), "AWS::EC2::NatGateway")
