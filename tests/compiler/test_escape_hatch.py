"""The escape hatch compiled: the resource as written, and the IAM its connections become."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from archc.compiler.build import Build, compile_model
from archc.compiler.context import CompileError
from archc.diagnostics import Diagnostic
from archc.rules.engine import run_rules
from tests.compiler.helpers import ACCOUNT_ID, all_resources, cfn_lint_findings, compile_yaml, statements
from tests.rules.support import CASES, load_snippet

RESOURCES = """\
  fn_role: {type: iam_role}
  etl_role: {type: iam_role}
  fn: {type: lambda_function, role: fn_role, runtime: python3.12, handler: app.handler}
  raw: {type: s3_bucket}
  job:
    type: AWS::Glue::Job
    deletion_policy: Retain
    update_replace_policy: Retain
    properties:
      Role: !GetAtt etl_role.Arn
      Command: {Name: glueetl, ScriptLocation: !Sub "s3://${raw}/etl.py"}
      DefaultArguments: {"--bucket": !Ref raw}
  stream: {type: AWS::Kinesis::Stream, properties: {ShardCount: 1}}
  table:
    type: AWS::DynamoDB::GlobalTable
    properties:
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
      BillingMode: PAY_PER_REQUEST
      Replicas: [{Region: us-west-2}]
  param: {type: AWS::SSM::Parameter, properties: {Type: String, Value: {Ref: stream}}}
"""
CONNECTIONS = """\
  - {from: job, to: raw, verb: read}
  - {from: fn, to: job, verb: write}
  - {from: fn, to: stream, verb: read_write}
  - {from: fn, to: stream, verb: list}
  - {from: fn, to: table, verb: read}
  - {from: fn, to: param, verb: read}
"""


def grants(build: Build, role: str) -> dict[str, dict[str, Any]]:
    """Sid → statement of every policy of *role*: inline, and the separate policies attached to it."""
    out = statements(build, role)
    for res in all_resources(build).values():
        if res["Type"] == "AWS::IAM::Policy" and {"Ref": role} in res["Properties"]["Roles"]:
            out.update({s["Sid"]: s for s in res["Properties"]["PolicyDocument"]["Statement"]})
    return out


@pytest.fixture(scope="module")
def build() -> Build:
    return compile_yaml(RESOURCES, CONNECTIONS)


def test_the_resource_is_as_written_with_policies_and_references_translated(build: Build) -> None:
    job = all_resources(build)["Job"]
    assert job["Type"] == "AWS::Glue::Job"
    assert job["DeletionPolicy"] == "Retain" and job["UpdateReplacePolicy"] == "Retain"
    assert job["Metadata"]["archc"]["node"] == "job"
    assert job["Properties"]["Role"] == {"Fn::GetAtt": ["EtlRole", "Arn"]}  # !GetAtt etl_role.Arn
    assert job["Properties"]["DefaultArguments"] == {"--bucket": {"Ref": "Raw"}}  # !Ref raw
    assert job["Properties"]["Command"]["ScriptLocation"] == {"Fn::Sub": ["s3://${Raw}/etl.py", {"Raw": {"Ref": "Raw"}}]}
    assert all_resources(build)["Param"]["Properties"]["Value"] == {"Ref": "Stream"}


def test_compute_gets_the_exact_actions_on_the_escape_hatch_arn(build: Build) -> None:
    st = grants(build, "FnRole")
    assert st["JobWrite"]["Resource"] == {"Fn::Sub": [f"arn:${{AWS::Partition}}:glue:us-west-2:{ACCOUNT_ID}:job/${{JobName}}",
                                                      {"JobName": {"Ref": "Job"}}]}
    assert "glue:StartJobRun" in st["JobWrite"]["Action"] and "glue:GetJob" not in st["JobWrite"]["Action"]
    assert st["StreamReadWrite"]["Resource"] == {"Fn::GetAtt": ["Stream", "Arn"]}
    assert {"kinesis:GetRecords", "kinesis:PutRecords"} <= set(st["StreamReadWrite"]["Action"])
    assert st["StreamList"] == {"Sid": "StreamList", "Effect": "Allow", "Action": ["kinesis:ListShards", "kinesis:ListStreamConsumers"],
                                "Resource": {"Fn::GetAtt": ["Stream", "Arn"]}}
    assert st["StreamListUnscoped"] == {"Sid": "StreamListUnscoped", "Effect": "Allow", "Action": ["kinesis:ListStreams"], "Resource": "*"}
    assert st["TableRead"]["Resource"] == {"Fn::GetAtt": ["Table", "Arn"]}
    assert {"dynamodb:GetItem", "dynamodb:Query"} <= set(st["TableRead"]["Action"])
    assert st["ParamRead"]["Action"] == ["ssm:GetParameter", "ssm:GetParameterHistory", "ssm:GetParameters", "ssm:GetParametersByPath"]


def test_every_star_is_forced_by_aws_and_named_with_its_reason(build: Build) -> None:
    for lid, res in all_resources(build).items():
        if res["Type"] != "AWS::IAM::Role":
            continue
        stars = {s["Sid"] for s in grants(build, lid).values() if s["Resource"] == "*"}
        noted = {n["sid"]: n["reason"] for n in res["Metadata"]["archc"].get("wildcards", [])}
        assert stars == set(noted), lid
        assert all("no resource-level permissions" in r for r in noted.values())
        assert not any("*" in a for s in grants(build, lid).values() for a in s["Action"])


def test_an_escape_hatch_acts_as_its_role_trusted_by_its_service(build: Build) -> None:
    role = all_resources(build)["EtlRole"]
    assert role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "glue.amazonaws.com"}
    st = grants(build, "EtlRole")
    assert st["RawReadObjects"]["Action"] == ["s3:GetObject"]


def test_the_template_is_cfn_lint_clean(build: Build) -> None:
    found = cfn_lint_findings(build)
    assert found == []


def test_build_refuses_what_lint_reports() -> None:
    with pytest.raises(CompileError) as info:
        compile_yaml("  raw: {type: s3_bucket}\n  job: {type: AWS::Glue::Job, properties: {Role: x, Command: {Name: glueetl}}}\n",
                     "  - {from: job, to: raw, verb: read}\n")
    assert [(d.code, d.message) for d in info.value.diagnostics] == [
        ("ARC122", "connection #1: 'job' (AWS::Glue::Job): archc cannot tell which role AWS::Glue::Job acts as; set properties.Role to a model role")]


def _escape_hatch_cases() -> list[Any]:
    out = []
    for code in ("ARC121", "ARC122"):
        doc = yaml.safe_load((Path(CASES) / f"{code}.yaml").read_text(encoding="utf-8"))
        out += [pytest.param(case["model"], id=f"{code}-{case['name']}") for case in doc["cases"]]
    out.append(pytest.param("resources:\n" + RESOURCES.replace("ScriptLocation: !Sub \"s3://${raw}/etl.py\"", "ScriptLocation: s3://b/k")
                            + "connections:\n" + CONNECTIONS, id="the whole example"))
    return out


@pytest.mark.parametrize("model", _escape_hatch_cases())
def test_lint_clean_means_build_ok(model: str) -> None:
    arch = load_snippet(model).architecture
    lint_errors = [d for d in run_rules(arch) if d.severity == "error" and d.code.startswith("ARC1")]
    try:
        compile_model(arch)
    except CompileError as exc:
        assert lint_errors, f"build refused what lint passed: {[d.message for d in exc.diagnostics]}"
    else:
        assert not [d for d in lint_errors if d.code == "ARC122"], "lint reported an escape-hatch connection build accepts"


DOC = Path(__file__).resolve().parents[2] / "docs" / "escape-hatch.md"


def _blocks(lang: str) -> list[str]:
    import re

    return re.findall(rf"```{lang}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)


def test_the_docs_worked_example_lints_without_errors_and_builds_cfn_lint_clean() -> None:
    from cfnlint.api import lint
    from cfnlint.config import ManualArgs

    from archc.model.loader import load_text

    arch = load_text(_blocks("yaml")[0], "model.yaml").architecture
    assert [d.message for d in run_rules(arch) if d.severity == "error"] == []
    built = compile_model(arch)
    assert [m.message for st in built.stacks for m in lint(json.dumps(st.template), config=ManualArgs(regions=[st.region]))] == []


def test_the_docs_lint_output_is_what_lint_prints() -> None:
    from archc.model.loader import load_text
    from archc.rules.report import format_text

    loaded = load_text(_blocks("yaml")[1], "model.yaml")
    found = sorted((d.locate(loaded.source) for d in run_rules(loaded.architecture, select={"ARC121", "ARC122"})), key=Diagnostic.sort_key)
    assert format_text(found, ".").strip() == _blocks("text")[0].strip()


def test_references_inside_properties_work_across_accounts_and_regions() -> None:
    from tests.compiler.helpers import compile_texts, model_text

    main = model_text("  data: {type: s3_bucket}\n")
    other = ("archc: 1\ndefaults: {account: other}\nresources:\n"
             "  where:\n    type: AWS::SSM::Parameter\n    region: eu-west-1\n"
             "    properties: {Type: String, Value: !GetAtt data.Arn, Description: !Sub \"bucket ${data}\"}\n")
    built = compile_texts(("main.yaml", main), ("other.yaml", other))
    (stack,) = [st for st in built.stacks if st.region == "eu-west-1"]
    props = stack.template["Resources"]["Where"]["Properties"]
    arn, name = props["Value"]["Ref"], props["Description"]["Fn::Sub"][1]["Data"]["Ref"]
    assert {arn, name} <= set(stack.template["Parameters"])  # taken from the producing stack's outputs by the manifest
    assert built.order.index(stack.name) > built.order.index(next(st.name for st in built.stacks if st.account == "main"))


def test_the_acting_verbs_are_the_compilers_iam_verbs_and_invoke() -> None:
    from archc.aws.access import ACTING_VERBS
    from archc.compiler.connections import IAM_VERBS

    assert ACTING_VERBS == IAM_VERBS | {"invoke"}


def test_a_role_acting_on_its_own_escape_hatch_gets_a_separate_policy() -> None:
    built = compile_yaml("  etl_role: {type: iam_role}\n"
                         "  job: {type: AWS::Glue::Job, properties: {Role: !GetAtt etl_role.Arn, Command: {Name: glueetl}}}\n",
                         "  - {from: etl_role, to: job, verb: read}\n")
    res = all_resources(built)
    assert "Policies" not in res["EtlRole"]["Properties"]  # inline, it would make a cycle with the job naming the role
    (sid,) = {s["Sid"] for s in res["EtlRoleUsersPolicy"]["Properties"]["PolicyDocument"]["Statement"]}
    assert sid == "JobRead"


def test_an_escape_hatch_invokes_a_function_as_its_role() -> None:
    built = compile_yaml("  etl_role: {type: iam_role}\n  fn_role: {type: iam_role}\n"
                         "  fn: {type: lambda_function, role: fn_role, runtime: python3.12, handler: a.b}\n"
                         "  job: {type: AWS::Glue::Job, properties: {Role: !GetAtt etl_role.Arn, Command: {Name: glueetl}}}\n",
                         "  - {from: job, to: fn, verb: invoke}\n")
    assert grants(built, "EtlRole")["FnInvoke"]["Action"] == ["lambda:InvokeFunction"]


PAIRS = [("job", "raw"), ("job", "fn"), ("job", "q"), ("job", "topic"), ("job", "logs"), ("job", "stream"), ("job", "etl_role"),
         ("fn", "stream"), ("fn", "job"), ("stream", "fn"), ("etl_role", "job"), ("q", "job"), ("topic", "job"), ("vpce", "fn"),
         ("fn", "vpce")]
PAIR_MODEL = """resources:
  etl_role: {type: iam_role}
  fn_role: {type: iam_role}
  fn: {type: lambda_function, role: fn_role, runtime: python3.12, handler: a.b}
  logs: {type: log_group, retention_days: 7}
  raw: {type: s3_bucket}
  q: {type: sqs_queue}
  topic: {type: sns_topic}
  job: {type: AWS::Glue::Job, properties: {Role: !GetAtt etl_role.Arn, Command: {Name: glueetl}}}
  stream: {type: AWS::Kinesis::Stream}
  vpce: {type: AWS::EC2::VPCEndpoint, properties: {VpcId: vpc-1, ServiceName: com.amazonaws.us-west-2.s3}}
connections:
  - {from: fn, to: logs, verb: logs}
"""


@pytest.mark.parametrize("verb", sorted(v for v in __import__("archc.catalog").catalog.VERBS if v != "relates"))
def test_lint_clean_means_build_ok_for_every_verb_to_and_from_an_escape_hatch(verb: str) -> None:
    refused = []
    for s, t in PAIRS:
        arch = load_snippet(PAIR_MODEL + f"  - {{from: {s}, to: {t}, verb: {verb}}}\n").architecture
        if [d for d in run_rules(arch) if d.severity == "error" and d.code.startswith("ARC1")]:
            continue
        try:
            compile_model(arch)
        except CompileError as exc:
            refused.append((s, t, [d.message for d in exc.diagnostics]))
    assert refused == []


PARAMETERS = """archc: 1
name: p
accounts:
  x: {id: "111111111111", name: X, region: eu-west-1}
  y: {id: "222222222222", name: Y, region: eu-west-1}
parameters:
  Stage: {type: String, default: prod, allowed_values: [prod, dev], description: the stage}
  Secret: {type: String, no_echo: true}
  Unused: {type: Number, default: 3}
conditions:
  IsProd: {Fn::Equals: [{Ref: Stage}, prod]}
  HasSecret: {Fn::Not: [{Fn::Equals: [{Ref: Secret}, ""]}]}
  Both: {Fn::And: [{Condition: IsProd}, {Condition: HasSecret}]}
  Never: {Fn::Equals: [{Ref: "AWS::Region"}, mars-1]}
resources:
  data: {type: s3_bucket, account: x}
  param:
    type: AWS::SSM::Parameter
    account: x
    condition: Both
    properties:
      Type: String
      Name: {Fn::Sub: "/${Stage}/${AWS::Region}/bucket"}
      Value: {Fn::If: [IsProd, {Ref: data}, {Ref: "AWS::NoValue"}]}
  other: {type: AWS::SSM::Parameter, account: y, properties: {Type: String, Value: {Ref: Stage}}}
"""


def test_model_parameters_and_conditions_are_declared_in_the_stacks_that_use_them() -> None:
    from archc.model.loader import load_text

    build = compile_model(load_text(PARAMETERS, "p.yaml").architecture)
    by_account = {st.account: st.template for st in build.stacks}
    x, y = by_account["x"], by_account["y"]
    assert x["Parameters"] == {"Stage": {"Type": "String", "Description": "the stage", "Default": "prod", "AllowedValues": ["prod", "dev"]},
                               "Secret": {"Type": "String", "NoEcho": True}}
    assert x["Conditions"] == {"Both": {"Fn::And": [{"Condition": "IsProd"}, {"Condition": "HasSecret"}]},
                               "HasSecret": {"Fn::Not": [{"Fn::Equals": [{"Ref": "Secret"}, ""]}]},
                               "IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}}
    param = next(r for r in x["Resources"].values() if r["Metadata"]["archc"]["node"] == "param")
    data = next(k for k, r in x["Resources"].items() if r["Metadata"]["archc"]["node"] == "data" and r["Type"] == "AWS::S3::Bucket" and "AccessLog" not in k)
    assert param["Condition"] == "Both"
    assert param["Properties"]["Value"] == {"Fn::If": ["IsProd", {"Ref": data}, {"Ref": "AWS::NoValue"}]}
    assert param["Properties"]["Name"] == {"Fn::Sub": ["/${Stage}/${AWS::Region}/bucket", {"Stage": {"Ref": "Stage"}}]}
    assert list(y["Parameters"]) == ["Stage"] and "Conditions" not in y  # only what the stack uses
    sources = {(s["name"], p["name"]): p["source"] for s in build.manifest("json")["stacks"] for p in s["parameters"]}
    assert set(sources.values()) == {"operator"} and ("p-y-eu-west-1", "Stage") in sources


@pytest.mark.parametrize(("edit", "words"), [
    (("{Ref: Secret}, \"\"", "{Ref: Secrt}, \"\""), "condition 'HasSecret' names parameter 'Secrt', which is not defined (did you mean 'Secret'?)"),
    (("condition: Both", "condition: Bth"), "resource 'param' (AWS::SSM::Parameter): condition 'Bth' is not defined (did you mean 'Both'?)"),
    (("[IsProd, {Ref: data}", "[IsPro, {Ref: data}"), "Fn::If names condition 'IsPro', which is not defined"),
    (("Value: {Ref: Stage}", "Value: {Ref: Stag}"), "'Stag', which is not a resource"),
    (("  Unused:", "  data:"), "'data' is both a parameter and a resource"),
])
def test_a_name_that_is_not_defined_is_an_error_at_load(edit: tuple[str, str], words: str) -> None:
    from archc.diagnostics import ModelError
    from archc.model.loader import load_text

    with pytest.raises(ModelError) as exc:
        load_text(PARAMETERS.replace(*edit), "p.yaml")
    assert words in str(exc.value)
