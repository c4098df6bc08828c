"""The example compiles to the golden templates, byte for byte; cfn-lint finds nothing; errors point at the model."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import pytest

from archc.compiler.build import Build, compile_model
from archc.compiler.context import CompileError
from archc.model.loader import load, load_texts
from tests.compiler.helpers import BASE, NETWORK, model_text
from tests.conftest import EXAMPLE
from tests.golden_files import GOLDEN, check_golden

GOLDEN_CFN = GOLDEN / "cfn"


@lru_cache(maxsize=1)
def example_build() -> Build:
    return compile_model(load(str(EXAMPLE)).architecture)


def test_golden_templates(update_golden: bool) -> None:
    files = example_build().files("json")
    for name, text in files.items():
        check_golden(GOLDEN_CFN / name, text, update_golden)
    if not update_golden:
        assert sorted(p.name for p in GOLDEN_CFN.glob("*.json")) == sorted(files), "stale or missing golden templates"


def test_two_builds_are_byte_identical() -> None:
    a = compile_model(load(str(EXAMPLE)).architecture).files("json")
    b = compile_model(load(str(EXAMPLE)).architecture).files("json")
    assert a == b


def test_yaml_format_is_the_same_template() -> None:
    from cfn_flip import load_yaml  # type: ignore[import-untyped]

    build = example_build()
    yaml_files = build.files("yaml")
    for st in build.stacks:
        assert json.loads(json.dumps(load_yaml(yaml_files[f"{st.name}.yaml"]))) == st.template
    assert json.loads(yaml_files["manifest.json"])["stacks"][0]["template"].endswith(".yaml")


def test_cfn_lint_finds_no_errors_and_no_warnings() -> None:
    from cfnlint.api import lint
    from cfnlint.config import ManualArgs

    found: list[str] = []
    for st in example_build().stacks:
        text = json.dumps(st.template)
        for match in lint(text, config=ManualArgs(regions=[st.region])):
            found.append(f"{st.name}: {match.rule.id} {match.message}")
    assert found == []


def test_every_resource_says_which_model_element_it_comes_from() -> None:
    arch = load(str(EXAMPLE)).architecture
    for st in example_build().stacks:
        for lid, res in st.template["Resources"].items():
            assert res["Metadata"]["archc"]["node"] in arch.resources, lid


def test_seed_stacks_and_deploy_order() -> None:
    manifest = example_build().manifest()
    names = [s["name"] for s in manifest["stacks"]]
    assert names == manifest["order"]
    by_name = {s["name"]: s for s in manifest["stacks"]}
    assert set(by_name) == {
        "sagebrush-housekeeping-us-west-2", "sagebrush-management-us-west-2", "sagebrush-production-us-east-1",
        "sagebrush-production-us-west-2-1", "sagebrush-production-us-west-2-2",
    }
    # the us-east-1 certificate is validated in the us-west-2 zone and used by CloudFront in us-west-2:
    # the zone deploys first, then us-east-1, then the rest of us-west-2
    assert names.index("sagebrush-production-us-west-2-1") < names.index("sagebrush-production-us-east-1") \
        < names.index("sagebrush-production-us-west-2-2")
    east = by_name["sagebrush-production-us-east-1"]
    assert east["parameters"] == [{"name": "R53ZoneRef", "type": "String", "source": {"stack": "sagebrush-production-us-west-2-1", "output": "R53ZoneRef"},
                                   "description": east["parameters"][0]["description"]}]
    mgmt = {p["name"]: p for p in by_name["sagebrush-management-us-west-2"]["parameters"]}
    assert mgmt["R53ZoneNameServers"]["source"] == {"stack": "sagebrush-production-us-west-2-1", "output": "R53ZoneNameServers"}
    assert mgmt["R53ZoneNameServers"]["type"] == "CommaDelimitedList"
    assert "MgmtR53ParentZoneId" not in mgmt  # delegated through the registration (via: registrar), no parent zone
    assert "sagebrush-management-us-west-2" in east["depends_on"]  # the certificates validate once the delegation is live
    west = {p["name"]: p for p in by_name["sagebrush-production-us-west-2-2"]["parameters"]}
    assert west["AcmCertCdnRef"]["source"] == {"stack": "sagebrush-production-us-east-1", "output": "AcmCertCdnRef"}
    assert west["WafCdnArn"]["source"] == {"stack": "sagebrush-production-us-east-1", "output": "WafCdnArn"}
    assert west["PagerdutyEndpoint"]["no_echo"] is True
    # housekeeping's role must exist before ProductionReadRole trusts it
    assert "sagebrush-housekeeping-us-west-2" in by_name["sagebrush-production-us-west-2-2"]["depends_on"]


def test_secrets_never_appear_in_templates() -> None:
    for st in example_build().stacks:
        text = json.dumps(st.template)
        assert '"MasterUserPassword"' not in text and '"SecretString"' not in text
    rds = _resources()["Rds"]["Properties"]
    assert rds["ManageMasterUserPassword"] is True


def _resources() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for st in example_build().stacks:
        out.update(st.template["Resources"])
    return out


def test_data_is_retained_and_buckets_are_tls_only() -> None:
    res = _resources()
    for lid in ("Rds", "S3Uploads", "S3Backups", "S3BackupsDr", "DataKey", "CwLogs", "Jobs"):
        assert res[lid]["DeletionPolicy"] == "Retain" and res[lid]["UpdateReplacePolicy"] == "Retain", lid
    for lid, r in res.items():
        if r["Type"] == "AWS::S3::BucketPolicy":
            deny = r["Properties"]["PolicyDocument"]["Statement"][0]
            assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}, lid


# --- errors ------------------------------------------------------------------------------------


def _errors(main: str) -> list[tuple[str, str, int, int]]:
    loaded = load_texts([("model.yaml", BASE), ("main.yaml", main)])
    with pytest.raises(CompileError) as exc:
        compile_model(loaded.architecture)
    out = []
    for d in exc.value.diagnostics:
        pos = d.locate(loaded.source).position
        assert pos is not None
        out.append((d.message, pos.file, pos.line, pos.col))
    return out


def test_generic_resource_is_an_error_at_its_line() -> None:
    errors = _errors(model_text("  thing: {type: generic, kind: mainframe}\n"))
    assert len(errors) == 1
    message, file, line, _ = errors[0]
    assert file == "main.yaml" and line == 4 and "resource 'thing' is untyped (generic) and will not be built" in message


def test_verb_without_meaning_is_an_error_at_the_connection() -> None:
    text = model_text("  fn: {type: lambda_function, role: role}\n  role: {type: iam_role}\n  users: {type: external}\n",
                      "  - {from: users, to: fn, verb: invoke}\n")
    errors = _errors(text)
    assert [(f, line) for _, f, line, _ in errors] == [("main.yaml", 8)]
    assert "'invoke' means nothing archc can build from external to lambda_function" in errors[0][0]


def test_every_problem_is_reported_at_once() -> None:
    text = model_text(
        "  fn: {type: lambda_function, role: role, timeout_seconds: 300}\n  role: {type: iam_role}\n"
        "  q: {type: sqs_queue, visibility_timeout_seconds: 30}\n"
        "  db: {type: aurora_cluster, engine_version: '15.4', subnet_group: dbsub}\n"
        "  dbsub: {type: db_subnet_group, subnets: [priv_a, priv_b]}\n",
        "  - {from: q, to: fn, verb: trigger}\n  - {from: fn, to: db, verb: query}\n")
    text = text.replace("resources:\n", "resources:\n" + NETWORK)
    messages = [m for m, *_ in _errors(text)]  # the checks lint makes for build come first, all at once
    assert any("queries 'db', which lives in a VPC, but it is attached to no subnets" in m for m in messages)
    text = text.replace("  - {from: fn, to: db, verb: query}\n", "")
    messages = [m for m, *_ in _errors(text)]  # then what compiling finds
    assert any("visibility timeout of 30 s" in m for m in messages)


def test_account_without_id_cannot_be_built() -> None:
    base = BASE.replace('id: "111111111111", ', "")
    loaded = load_texts([("model.yaml", base), ("main.yaml", model_text("  k: {type: kms_key}\n"))])
    with pytest.raises(CompileError) as exc:
        compile_model(loaded.architecture)
    assert [d.path for d in exc.value.diagnostics] == [("accounts", "main")]


def test_sketch_without_needed_fields_cannot_be_built() -> None:
    errors = _errors(model_text("  fn: {type: lambda_function}\n  db: {type: aurora_cluster, engine_version: '15'}\n"))
    assert [(m, f, line) for m, f, line, _ in errors] == [
        ("'db' (aurora_cluster) lacks `subnet_group`, needed to build it", "main.yaml", 5),
        ("'fn' (lambda_function) lacks `role`, needed to build it", "main.yaml", 4),
    ]


def test_every_taggable_resource_carries_its_model_resources_tags() -> None:
    text = model_text(
        "  key: {type: kms_key, tags: {team: data, cost: '42'}}\n"
        "  bucket: {type: s3_bucket, kms_key: key, tags: {team: data}}\n"
        "  vpc: {type: vpc, cidr: 10.0.0.0/16, tags: {team: net, Name: custom}}\n"
        "  role: {type: iam_role, tags: {team: app}}\n"
        "  fn: {type: lambda_function, role: role, tags: {team: app}}\n"
        "  api: {type: api_gateway, kind: http, tags: {team: app}}\n",
        "  - {from: api, to: fn, verb: invoke}\n")
    build = compile_model(load_texts([("model.yaml", BASE), ("main.yaml", text)]).architecture)
    taggable = {"AWS::S3::Bucket", "AWS::KMS::Key", "AWS::EC2::VPC", "AWS::IAM::Role", "AWS::Lambda::Function",
                "AWS::ApiGatewayV2::Api", "AWS::ApiGatewayV2::Stage", "AWS::Logs::LogGroup", "AWS::EC2::FlowLog"}
    seen = set()
    for st in build.stacks:
        for lid, r in st.template["Resources"].items():
            node = r["Metadata"]["archc"]["node"]
            if r["Type"] not in taggable or lid.endswith("AccessLogBucket"):
                continue
            tags = r["Properties"]["Tags"]
            tags = tags if isinstance(tags, dict) else {t["Key"]: t["Value"] for t in tags}
            expected = {"key": {"team": "data", "cost": "42"}, "vpc": {"team": "net", "Name": "custom"}}.get(node, {"team": "data" if node == "bucket" else "app"})
            assert expected.items() <= tags.items(), (lid, tags)
            seen.add(r["Type"])
    assert seen >= {"AWS::S3::Bucket", "AWS::KMS::Key", "AWS::EC2::VPC", "AWS::IAM::Role", "AWS::Lambda::Function", "AWS::ApiGatewayV2::Api"}
    access_log = [r for st in build.stacks for lid, r in st.template["Resources"].items() if lid.endswith("AccessLogBucket")]
    assert access_log and all("Tags" not in r["Properties"] for r in access_log)  # shared by every bucket: nobody's tags
