"""The serverless example (examples/serverless): lint finds nothing, the build matches its golden
templates byte for byte and cfn-lint finds nothing in them."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from archc.compiler.build import Build, compile_model
from archc.model.loader import load
from archc.rules.engine import run_rules
from tests.compiler.helpers import cfn_lint_findings
from tests.golden_files import GOLDEN, check_golden

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "serverless"
GOLDEN_CFN = GOLDEN / "cfn-serverless"


@lru_cache(maxsize=1)
def example_build() -> Build:
    return compile_model(load(str(EXAMPLE)).architecture)


def test_lint_finds_nothing() -> None:
    assert [(d.code, d.message) for d in run_rules(load(str(EXAMPLE)).architecture)] == []


def test_golden_templates(update_golden: bool) -> None:
    files = example_build().files("json")
    for name, text in files.items():
        check_golden(GOLDEN_CFN / name, text, update_golden)
    if not update_golden:
        assert sorted(p.name for p in GOLDEN_CFN.glob("*.json")) == sorted(files), "stale or missing golden templates"


def test_cfn_lint_finds_nothing() -> None:
    found = cfn_lint_findings(example_build())
    assert found == []


def test_what_the_example_promises() -> None:
    res = {k: v for st in example_build().stacks for k, v in st.template["Resources"].items()}
    types = {v["Type"] for v in res.values()}
    assert "AWS::EC2::NatGateway" not in types  # the isolated subnets reach DynamoDB and S3 through gateway endpoints
    assert {"AWS::DynamoDB::Table", "AWS::StepFunctions::StateMachine", "AWS::Scheduler::Schedule", "AWS::Cognito::UserPool",
            "AWS::ApiGatewayV2::Authorizer", "AWS::EC2::VPCEndpoint", "AWS::Lambda::EventSourceMapping"} <= types
    assert res["ApiDefaultRoute"]["Properties"]["AuthorizationType"] == "JWT"
    # the escape hatch: a plain CloudFormation resource, read with exact IAM on its ARN only
    assert res["Settings"]["Type"] == "AWS::SSM::Parameter"
    read = next(s for p in (res["ApiRoleUsersPolicy"]["Properties"]["PolicyDocument"],) for s in p["Statement"] if s["Sid"] == "SettingsRead")
    assert read["Resource"] == {"Fn::GetAtt": ["Settings", "Arn"]}
    assert read["Action"] and all(a.startswith("ssm:Get") for a in read["Action"])
    # the CDN sits behind a CLOUDFRONT-scoped web ACL of its own (us-east-1)
    assert res["CdnWaf"]["Properties"]["Scope"] == "CLOUDFRONT"
    assert res["Cdn"]["Properties"]["DistributionConfig"]["WebACLId"] == {"Ref": "CdnWafArn"}
