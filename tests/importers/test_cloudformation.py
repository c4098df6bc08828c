"""CloudFormation → Architecture: typed resources with their properties, folded helpers, the escape
hatch, relations and connections, accounts, the report; the round trips through `archc build`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archc.cloudformation.assembly import load_stacks
from archc.importers.cloudformation import Report, infer, primary_types
from archc.importers.model_yaml import model_yaml
from archc.model.architecture import Architecture
from archc.model.loader import load_text
from archc.model.resources import CfnResource

ROOT = Path(__file__).resolve().parent.parent.parent
CORPUS = ROOT / "tests" / "corpus" / "cloudformation"
EXAMPLE = ROOT / "examples" / "sagebrush"


def imported(name: str, account: str | None = "111111111111", region: str | None = "eu-west-1") -> tuple[Architecture, Report]:
    arch, report = infer(load_stacks(str(CORPUS / name)), account, region)
    load_text(model_yaml(arch), "imported.yaml")  # every import is a model that loads
    return arch, report


def conns(arch: Architecture) -> set[tuple[str, str, str]]:
    return {(c.source, c.target, c.verb) for c in arch.connections}


def run_rules(arch: Architecture) -> list[Any]:
    from archc.rules.engine import run_rules as run

    return list(run(load_text(model_yaml(arch), "imported.yaml").architecture))


# -- typed resources ----------------------------------------------------------------------------


def test_vpc_subnets_routes_and_nat_gateways() -> None:
    arch, report = imported("vpc.yaml")
    r = arch.resources
    assert {k: v.type for k, v in r.items()} == {
        "Vpc": "vpc", "InternetGateway": "internet_gateway", "NatGatewayA": "nat_gateway", "NatGatewayB": "nat_gateway",
        "PublicSubnetA": "subnet", "PublicSubnetB": "subnet", "PrivateSubnetA": "subnet", "PrivateSubnetB": "subnet",
        "DbSubnetGroup": "db_subnet_group", "DbSecurityGroup": "security_group", "DbKey": "kms_key", "Database": "aurora_cluster",
    }
    pub, priv = r["PublicSubnetA"], r["PrivateSubnetB"]
    assert (pub.tier, pub.cidr, pub.az, pub.default_route, pub.vpc) == ("public", "10.20.0.0/24", "eu-west-1a", "InternetGateway", "Vpc")  # type: ignore[union-attr]
    assert (priv.tier, priv.cidr, priv.az, priv.default_route) == ("private", "10.20.11.0/24", "eu-west-1b", "NatGatewayB")  # type: ignore[union-attr]
    assert r["NatGatewayA"].subnet == "PublicSubnetA"  # type: ignore[union-attr]
    assert r["InternetGateway"].vpc == "Vpc"  # type: ignore[union-attr]
    assert r["Vpc"].flow_logs is True and r["Vpc"].cidr == "10.20.0.0/16"  # type: ignore[union-attr]
    assert r["DbKey"].alias == "staging-db" and r["DbKey"].rotation is True  # type: ignore[union-attr]
    db = r["Database"]
    assert db.model_dump(include={"engine", "engine_version", "min_acu", "max_acu", "subnet_group", "security_groups", "kms_key",
                                  "storage_encrypted", "backup_retention_days", "deletion_protection", "iam_auth"}) == {
        "engine": "postgres", "engine_version": "15.4", "min_acu": 0.5, "max_acu": 8.0, "subnet_group": "DbSubnetGroup",
        "security_groups": ["DbSecurityGroup"], "kms_key": "DbKey", "storage_encrypted": True, "backup_retention_days": 7,
        "deletion_protection": False, "iam_auth": False,
    }
    # route tables, routes, associations, EIPs, the attachment, the flow log (with its role and log group),
    # the alias and the writer instance fold into the resources they belong to
    assert report.folded == 18 and not report.kept
    assert any("zone 0 of eu-west-1 taken as eu-west-1a" in n for n in report.notes)


def test_serverless_functions_queues_buckets_and_their_connections() -> None:
    arch, report = imported("serverless.yaml")
    r = arch.resources
    api, worker = r["ApiFunction"], r["WorkerFunction"]
    assert api.model_dump(include={"runtime", "handler", "memory_mb", "timeout_seconds", "architecture", "role", "environment"}) == {
        "runtime": "python3.12", "handler": "api.handler", "memory_mb": 512, "timeout_seconds": 10, "architecture": "arm64",
        "role": "ApiRole", "environment": {"STAGE": "prod"},
    }
    assert (worker.memory_mb, worker.timeout_seconds, worker.reserved_concurrency, worker.role) == (1024, 120, 5, "WorkerRole")  # type: ignore[union-attr]
    bucket = r["UploadsBucket"]
    assert (bucket.versioning, bucket.encryption, bucket.kms_key, bucket.public) == (True, "kms", "DataKey", False)  # type: ignore[union-attr]
    assert [x.model_dump() for x in bucket.lifecycle] == [  # type: ignore[union-attr]
        {"applies_to": "noncurrent", "after_days": 30, "action": "GLACIER"}, {"applies_to": "noncurrent", "after_days": 365, "action": "expire"}]
    queue = r["JobsQueue"]
    assert (queue.dead_letter_queue, queue.max_receive_count, queue.visibility_timeout_seconds, queue.kms_key) == ("JobsDlq", 3, 180, "DataKey")  # type: ignore[union-attr]
    assert r["JobsDlq"].retention_days == 14  # type: ignore[union-attr]
    assert r["ApiFunctionLogs"].retention_days == 30 and r["WorkerLogs"].retention_days == 14  # type: ignore[union-attr]
    assert sorted(r["ApiErrors"].monitors) == ["ApiFunction"]  # type: ignore[union-attr]
    assert r["Api"].endpoint == "regional"  # type: ignore[union-attr]
    assert conns(arch) == {
        ("ApiFunction", "UploadsBucket", "read_write"), ("ApiFunction", "JobsQueue", "send"),
        ("WorkerFunction", "UploadsBucket", "read"), ("WorkerFunction", "Alerts", "publish"),
        ("JobsQueue", "WorkerFunction", "trigger"),  # the event source mapping; the worker's receive rights add nothing
        ("Api", "ApiFunction", "invoke"), ("ApiFunction", "ApiFunctionLogs", "logs"), ("WorkerFunction", "WorkerLogs", "logs"),
        ("ApiErrors", "Alerts", "notify"), ("WorkerErrors", "Alerts", "notify"), ("Alerts", "Alerts_email", "notify"),
    }
    assert r["Alerts_email"].type == "external"
    # the escape hatch keeps what archc has no type for, with its properties
    glue = r["NightlyJob"]
    assert isinstance(glue, CfnResource) and glue.type == "AWS::Glue::Job"
    # … in the model's words: the parameter's default filled in (a model has no template parameters)
    assert glue.properties["Command"] == {"Name": "glueetl", "ScriptLocation": {"Fn::Sub": "s3://${CodeBucket}/nightly.py"}}
    # the template's parameters and conditions are the model's, as written
    assert {k: p.model_dump(exclude_defaults=True, exclude_none=True) for k, p in arch.parameters.items()} == {
        "Stage": {"default": "prod", "allowed_values": ["dev", "prod"]}, "AlertEmail": {}, "CodeBucket": {"default": "my-artifacts"}}
    assert arch.conditions == {"IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}}
    # a wildcard is a finding, never an edge
    assert [f for f in report.findings if "dynamodb:* on *" in f] and all("Table" not in c for c in map(str, conns(arch)))
    assert any("AlertEmail" in u for u in report.unresolved) is False  # the endpoint is optional data, not a guess


def test_cdk_assembly_accounts_cross_stack_and_nested_stacks() -> None:
    arch, report = imported("cdk.out", account=None, region=None)
    assert {k: (a.id, a.region) for k, a in arch.accounts.items()} == {"account_111111111111": ("111111111111", "eu-west-1")}
    r = arch.resources
    svc = r["Service"]
    # Fn::ImportValue of the network stack's exports resolves to its subnets and VPC
    assert svc.subnets == ["VpcPrivateSubnet1Subnet", "VpcPrivateSubnet2Subnet"]  # type: ignore[union-attr]
    assert (svc.cluster, svc.task_definition, svc.target_group, svc.min_tasks) == ("Cluster", "ServiceTaskDef", "ServiceLBPublicListenerECSGroup", 2)  # type: ignore[union-attr]
    assert r["ServiceLB"].subnets == ["VpcPublicSubnet1Subnet", "VpcPublicSubnet2Subnet"]  # type: ignore[union-attr]
    assert r["ServiceLB"].listeners[0].target_group == "ServiceLBPublicListenerECSGroup"  # type: ignore[union-attr]
    task = r["ServiceTaskDef"]
    assert (task.vcpu, task.memory_gib, task.container.name, task.container.port) == (0.5, 1.0, "web", 8080)  # type: ignore[union-attr]
    # the nested stack's queue, named through GetAtt Stack.Outputs.X
    assert r["Queue"].type == "sqs_queue"
    assert conns(arch) == {("ServiceTaskDef", "Queue", "send"), ("ServiceTaskDef", "ServiceTaskDefwebLogGroup", "logs"),
                           ("internet", "ServiceLB", "http")}
    assert "CDKMetadata" not in r and "QueueNestedStack" not in r
    assert any("nested stack, imported from" in s for s in report.skipped)


def test_unknown_environment_stays_symbolic(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text(json.dumps({"artifacts": {"S": {
        "type": "aws:cloudformation:stack", "environment": "aws://unknown-account/unknown-region", "properties": {"templateFile": "S.json"}}}}))
    (tmp_path / "S.json").write_text(json.dumps({"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}))
    arch, report = infer(load_stacks(str(tmp_path)))
    assert [(a.id, a.region) for a in arch.accounts.values()] == [(None, "us-east-1")]
    assert any("region unknown" in u for u in report.unresolved) and any("AWS::AccountId stays symbolic" in u for u in report.unresolved)


def test_the_catalogue_is_the_mapping() -> None:
    prim = primary_types()
    assert prim["AWS::S3::Bucket"] == "s3_bucket" and prim["AWS::EC2::NatGateway"] == "nat_gateway"
    assert "AWS::S3::BucketPolicy" not in prim  # a bucket's policy folds into its bucket


@pytest.mark.parametrize("name", ["vpc.yaml", "serverless.yaml", "sam.yaml", "cdk.out", "db-exposed.yaml"])
def test_at_least_nine_in_ten_typeable_resources_are_typed(name: str) -> None:
    stacks = load_stacks(str(CORPUS / name))
    _arch, report = infer(stacks, "111111111111", "eu-west-1")  # reads SAM's types as what the transform makes
    prim = primary_types()
    assert report.typeable == sum(1 for s in stacks for d in s.template.resources.values() if d.type in prim) > 0
    assert report.typeable_share() >= 0.9, report.notes


# -- lint on imports ----------------------------------------------------------------------------


def test_lint_reports_a_database_open_to_the_internet() -> None:
    arch, _ = imported("db-exposed.yaml")
    found = {(f.code, f.path[1] if len(f.path) > 1 else None) for f in run_rules(arch)}
    assert ("ARC301", "Db") in found
    assert arch.resources["DbSg"].ingress[0].cidr == "0.0.0.0/0"  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["vpc.yaml", "serverless.yaml", "cdk.out"])
def test_lint_runs_on_every_import(name: str) -> None:
    arch, _ = imported(name)
    codes = {f.code for f in run_rules(arch)}
    assert "ARC301" not in codes  # nothing there reaches data from the outside


# -- round trips --------------------------------------------------------------------------------


def build_files(arch: Architecture, out: Path) -> None:
    from archc.compiler.build import compile_model

    for name, text in compile_model(arch).files().items():
        (out / name).write_text(text)


def relations(arch: Architecture) -> set[tuple[str, str, str]]:
    from archc.model.references import iter_refs

    return {(rid, site.field, site.target) for rid, res in arch.resources.items() for site in iter_refs(res)}


def test_sagebrush_survives_build_and_import(tmp_path: Path, example_model: Any) -> None:
    original = example_model.architecture
    build_files(original, tmp_path)
    back, report = infer(load_stacks(str(tmp_path)))
    load_text(model_yaml(back), "back.yaml")
    # every resource the build emits comes back with its id and type; what the build has no
    # CloudFormation for (metrics, the people and services outside) cannot
    missing = {rid for rid in original.resources if rid not in back.resources}
    assert missing == {"CW_METRICS", "USERS", "API_CLIENTS", "PAGERDUTY"}
    assert all(back.resources[rid].type == res.type for rid, res in original.resources.items() if rid in back.resources)
    assert {(k, a.id, a.region) for k, a in back.accounts.items()} == {(k, a.id, a.region) for k, a in original.accounts.items()}
    # relations: all but those passed between stacks as deploy parameters (CloudFront's us-east-1
    # certificate and web ACL, the validation zone of that certificate, the delegation's zone)
    lost = {(a, f, t) for a, f, t in relations(original) - relations(back) if t in back.resources}
    assert lost == {("CDN", "certificate", "ACM_CERT_CDN"), ("CDN", "web_acl", "WAF_CDN"), ("MGMT_R53", "zone", "R53_ZONE"),
                    ("ACM_CERT_CDN", "zone", "R53_ZONE")}
    # connections between resources that came back: most exactly, none invented across accounts;
    # a grant of a role several functions share comes back from the role (the template's IAM does
    # not say which function needed it), and each function reaches it through its role
    want = {c for c in conns(original) if c[0] in back.resources and c[1] in back.resources}
    got = conns(back)
    from archc.model.queries import roles_of

    def came_back(c: tuple[str, str, str]) -> bool:
        s, t, v = c
        return c in got or any((role, t, v) in got for role in roles_of(back.resources[s]))

    assert sum(map(came_back, want)) / len(want) >= 0.85, sorted(c for c in want if not came_back(c))
    shared = {"ROLE_LAMBDA", "HK_ROLE"}  # the example's roles that several functions run as
    assert {s for s, _t, _v in got - want if back.resources[s].type == "iam_role"} == shared
    assert not [c for c in got - want if c[0] in ("LAMBDA_API", "LAMBDA_SCHEDULER", "LAMBDA_WORKER", "HK_LAMBDA", "HK_BACKUP")
                and c[2] not in ("tcp", "https", "http")], "a function got a grant of its shared role"
    # all typed but what stands outside: the PagerDuty-like subscriber, and the internet the ALB admits
    outside = {rid for rid, res in back.resources.items() if res.type == "external"}
    assert outside == {"ALERTS_https", "internet"}
    assert sum(report.typed.values()) == len(back.resources) - len(outside)


_MEMORY = st.sampled_from([128, 256, 512, 1024, 2048])
_RETENTION = st.sampled_from([1, 7, 14, 30, 90, 365])


@st.composite
def small_models(draw: st.DrawFn) -> str:
    n_fn = draw(st.integers(1, 3))
    n_bucket = draw(st.integers(0, 2))
    n_queue = draw(st.integers(0, 2))
    lines = ["archc: 1", "name: gen", "accounts:", "  prod: {id: \"123456789012\", name: Prod, region: eu-west-1}",
             "defaults: {account: prod}", "resources:", "  key: {type: kms_key}"]
    conns_: list[str] = []
    for i in range(n_fn):
        mem, timeout = draw(_MEMORY), draw(st.integers(1, 900))
        # one role per function: a role shared by several functions grants each what any needs,
        # and the import cannot tell whose need it was
        lines.append(f"  role{i}: {{type: iam_role}}")
        lines.append(f"  fn{i}: {{type: lambda_function, role: role{i}, memory_mb: {mem}, timeout_seconds: {timeout}, runtime: python3.12}}")
        lines.append(f"  logs{i}: {{type: log_group, retention_days: {draw(_RETENTION)}}}")
        conns_.append(f"  - {{from: fn{i}, to: logs{i}, verb: logs}}")
    for i in range(n_bucket):
        lines.append(f"  bucket{i}: {{type: s3_bucket, versioning: {str(draw(st.booleans())).lower()}, kms_key: key}}")
        verb = draw(st.sampled_from(["read", "write", "read_write"]))
        conns_.append(f"  - {{from: fn{draw(st.integers(0, n_fn - 1))}, to: bucket{i}, verb: {verb}}}")
    for i in range(n_queue):
        lines.append(f"  queue{i}: {{type: sqs_queue, kms_key: key, visibility_timeout_seconds: {draw(st.integers(900, 43200))}}}")
        conns_.append(f"  - {{from: queue{i}, to: fn{draw(st.integers(0, n_fn - 1))}, verb: trigger}}")
    return "\n".join([*lines, "connections:", *conns_]) + "\n"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(small_models())
def test_generated_models_survive_build_and_import(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    original = load_text(text, "gen.yaml").architecture
    out = tmp_path_factory.mktemp("build")
    build_files(original, out)
    back, _ = infer(load_stacks(str(out)))
    assert {k: v.type for k, v in back.resources.items()} == {k: v.type for k, v in original.resources.items()}
    fields = ("memory_mb", "timeout_seconds", "runtime", "role", "retention_days", "versioning", "kms_key", "visibility_timeout_seconds")
    for rid, res in original.resources.items():
        for f in fields:
            if hasattr(res, f):
                assert getattr(back.resources[rid], f) == getattr(res, f), (rid, f)
    assert relations(back) == relations(original)
    assert conns(back) == conns(original)


# properties archc models, compared between a template and the build of its import
MODELLED: dict[str, tuple[str, ...]] = {
    "AWS::EC2::VPC": ("CidrBlock",), "AWS::EC2::Subnet": ("CidrBlock", "AvailabilityZone"),
    "AWS::Lambda::Function": ("Runtime", "Handler", "MemorySize", "Timeout", "Architectures", "ReservedConcurrentExecutions"),
    "AWS::RDS::DBCluster": ("EngineVersion", "StorageEncrypted", "ServerlessV2ScalingConfiguration"),
    "AWS::SQS::Queue": ("VisibilityTimeout", "MessageRetentionPeriod"), "AWS::Logs::LogGroup": ("RetentionInDays",),
    "AWS::S3::Bucket": ("VersioningConfiguration",), "AWS::KMS::Key": ("EnableKeyRotation",),
    "AWS::ECS::TaskDefinition": ("Cpu", "Memory"),
}


@pytest.mark.parametrize(("name", "resources", "properties"), [("vpc.yaml", 1.0, 0.9), ("serverless.yaml", 0.85, 0.9), ("cdk.out", 0.85, 0.9)])
def test_build_of_an_import_keeps_the_templates_resources(name: str, resources: float, properties: float) -> None:
    from collections import Counter

    from archc.cloudformation.intrinsics import Resolver
    from archc.compiler.build import compile_model

    stacks = load_stacks(str(CORPUS / name))
    arch, _ = infer(stacks, "111111111111", "eu-west-1")
    built = compile_model(load_text(model_yaml(arch), "m.yaml").architecture)
    built = {st.name: st.template for st in built.stacks}
    out = [r for t in built.values() for r in t["Resources"].values()]
    have = Counter(r["Type"] for r in out)
    want = Counter(d.type for s in stacks for d in s.template.resources.values())
    kept = sum(min(n, have[t]) for t, n in want.items()) / sum(want.values())
    same = total = 0
    for s in stacks:
        tpl = s.template
        resolver = Resolver(tpl.parameters, tpl.mappings, tpl.conditions, tpl.resources, {"AWS::Region": "eu-west-1"})
        for lid, decl in tpl.resources.items():
            mine = [r for r in out if r["Type"] == decl.type and r.get("Metadata", {}).get("archc", {}).get("node") in (lid, lid[:-8])]
            for prop in MODELLED.get(decl.type, ()):
                value = resolver.resolve(decl.properties.get(prop))
                if value is not None and "Unresolved" not in repr(value) and mine:  # a value the template fixes
                    total += 1
                    same += any(_same(value, r.get("Properties", {}).get(prop)) for r in mine)
    print(f"{name}: {kept:.0%} of the resources and {same}/{total} modelled properties kept")
    assert kept >= resources and total and same / total >= properties


def _same(a: Any, b: Any) -> bool:
    return a == b or str(a).lower() == str(b).lower() or (isinstance(a, (int, float, str)) and isinstance(b, (int, float, str)) and _num(a) == _num(b))


def _num(v: Any) -> float | None:
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


_TYPES = sorted({*primary_types(), "AWS::EC2::Route", "AWS::EC2::SubnetRouteTableAssociation", "AWS::IAM::Policy", "AWS::Lambda::Permission",
                 "AWS::Lambda::EventSourceMapping", "AWS::SNS::Subscription", "AWS::EC2::SecurityGroupIngress", "AWS::KMS::Alias",
                 "AWS::ElasticLoadBalancingV2::Listener", "AWS::Events::Rule", "AWS::Glue::Job", "AWS::EC2::FlowLog"})
_PROPS = ["VpcId", "SubnetId", "SubnetIds", "CidrBlock", "AvailabilityZone", "Role", "FunctionName", "EventSourceArn", "TopicArn",
          "Endpoint", "Protocol", "GroupId", "SecurityGroupIngress", "PolicyDocument", "Roles", "Policies", "AssumeRolePolicyDocument",
          "RouteTableId", "GatewayId", "NatGatewayId", "DestinationCidrBlock", "MemorySize", "Timeout", "Runtime", "Dimensions",
          "AlarmActions", "LoadBalancerArn", "DefaultActions", "Port", "TargetKeyId", "AliasName", "RetentionInDays", "Name", "Cpu",
          "Memory", "ContainerDefinitions", "ReplicationConfiguration", "RedrivePolicy", "Targets", "ResourceId", "DistributionConfig",
          "BucketEncryption", "LifecycleConfiguration", "ServerlessV2ScalingConfiguration", "Engine", "ClusterSettings"]


@st.composite
def odd_templates(draw: st.DrawFn) -> dict[str, Any]:
    ids = draw(st.lists(st.from_regex(r"[A-Z][a-z]{1,5}", fullmatch=True), min_size=1, max_size=6, unique=True))
    params = ["P"]

    def value(depth: int) -> Any:
        leaf = st.one_of(
            st.none(), st.booleans(), st.integers(-5, 100000), st.sampled_from(["0.0.0.0/0", "10.0.0.0/16", "eu-west-1a", "*", "x", "Allow", "tcp"]),
            st.sampled_from(ids).map(lambda i: {"Ref": i}), st.sampled_from(ids).map(lambda i: {"Fn::GetAtt": [i, "Arn"]}),
            st.just({"Ref": "P"}), st.just({"Ref": "AWS::AccountId"}), st.sampled_from(ids).map(lambda i: {"Fn::Sub": "arn:${AWS::Partition}:${" + i + "}"}),
            st.just({"Fn::ImportValue": "elsewhere"}), st.just({"Fn::Select": [0, {"Fn::GetAZs": ""}]}),
        )
        if depth > 2:
            return draw(leaf)
        return draw(st.one_of(leaf, st.lists(st.deferred(lambda: st.just(None)).map(lambda _: value(depth + 1)), max_size=3),
                              st.dictionaries(st.sampled_from([*_PROPS, "Statement", "Effect", "Action", "Resource", "Principal", "AWS",
                                                               "Key", "Value", "FromPort", "SourceSecurityGroupId", "CidrIp", "Type",
                                                               "TargetGroupArn", "Status"]),
                                              st.deferred(lambda: st.just(None)).map(lambda _: value(depth + 1)), max_size=4)))

    resources = {}
    for i in ids:
        props = {p: value(0) for p in draw(st.lists(st.sampled_from(_PROPS), max_size=6, unique=True))}
        resources[i] = {"Type": draw(st.sampled_from(_TYPES)), "Properties": props}
    return {"Parameters": {p: {"Type": "String"} for p in params}, "Resources": resources}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(odd_templates())
def test_any_template_imports_into_a_model_that_loads_or_is_refused_clearly(data: dict[str, Any]) -> None:
    from archc.cloudformation.assembly import Stack
    from archc.cloudformation.errors import TemplateError
    from archc.cloudformation.reader import read_json

    text = json.dumps(data)
    try:
        from archc.cloudformation.template import parse_template

        parsed, source = read_json(text, "t.json")
        tpl = parse_template(parsed, source, "t.json")
    except TemplateError:
        return  # a circular reference, say: refused with a position (tested elsewhere)
    arch, report = infer([Stack("t", tpl)], None, "eu-west-1")
    load_text(model_yaml(arch), "imported.yaml")
    report.text()


def test_sam_functions_roles_events_and_policy_templates() -> None:
    arch, report = imported("sam.yaml")
    r = arch.resources
    assert {k: v.type for k, v in r.items()} == {
        "Orders": "dynamodb_table", "ApiFunction": "lambda_function", "ApiFunctionRole": "iam_role", "WorkerFunction": "lambda_function",
        "WorkerFunctionRole": "iam_role", "NightlyFunction": "lambda_function", "NightlyRole": "iam_role",
        "OrderQueue": "sqs_queue", "Receipts": "s3_bucket", "ServerlessRestApi": "api_gateway",
    }
    api, worker, nightly = r["ApiFunction"], r["WorkerFunction"], r["NightlyFunction"]
    # Globals.Function gives defaults; the function's own properties win
    assert (api.runtime, api.memory_mb, api.timeout_seconds, api.architecture, api.role) == ("python3.12", 256, 15, "arm64", "ApiFunctionRole")  # type: ignore[union-attr]
    assert (worker.timeout_seconds, worker.role) == (100, "WorkerFunctionRole")  # type: ignore[union-attr]
    assert (nightly.role, nightly.schedule) == ("NightlyRole", "cron(0 3 * * ? *)")  # type: ignore[union-attr]
    assert conns(arch) == {
        ("ApiFunction", "OrderQueue", "send"), ("ApiFunction", "Orders", "read_write"), ("OrderQueue", "WorkerFunction", "trigger"),
        ("ServerlessRestApi", "ApiFunction", "invoke"), ("WorkerFunction", "Receipts", "write"),
    }
    assert not report.unresolved, report.unresolved
    assert report.typeable_share() == 1.0


def test_escape_hatch_properties_name_model_resources_and_keep_the_templates_parameters(tmp_path: Path) -> None:
    template = tmp_path / "t.yaml"
    template.write_text("""AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Stage: {Type: String, Default: prod}
  Secret: {Type: String}
Resources:
  Data:
    Type: AWS::S3::Bucket
  Param:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Name: !Sub "/${Stage}/${AWS::Region}/bucket"
      Value: !Ref Data
      Description: !GetAtt Data.Arn
      Tier: !Ref Secret
      AllowedPattern: !Sub ["${Arn}-x", {Arn: !GetAtt Data.Arn}]
""")
    arch, report = infer(load_stacks(str(template)), "111111111111", "eu-west-1")
    (pid,) = [k for k, r in arch.resources.items() if isinstance(r, CfnResource)]
    (did,) = [k for k, r in arch.resources.items() if r.type == "s3_bucket"]
    props = arch.resources[pid].properties  # type: ignore[union-attr]
    assert props["Name"] == {"Fn::Sub": "/${Stage}/${AWS::Region}/bucket"}  # the model keeps the template's parameters
    assert props["Value"] == {"Ref": did}
    assert props["Description"] == {"Fn::GetAtt": [did, "Arn"]}
    assert props["AllowedPattern"] == {"Fn::Sub": ["${Arn}-x", {"Arn": {"Fn::GetAtt": [did, "Arn"]}}]}
    assert props["Tier"] == {"Ref": "Secret"}  # a parameter without a default: kept, the operator gives it at deploy time
    assert set(arch.parameters) == {"Stage", "Secret"} and not report.unresolved
    # and the imported model loads, lints and builds with the references resolved
    from archc.compiler.build import compile_model

    text = model_yaml(arch)
    (stack,) = compile_model(load_text(text, "m.yaml").architecture).stacks
    built = next(r for r in stack.template["Resources"].values() if r["Type"] == "AWS::SSM::Parameter")
    target = stack.template["Resources"][built["Properties"]["Value"]["Ref"]]
    assert target["Type"] == "AWS::S3::Bucket" and target["Metadata"]["archc"]["node"] == did


CACHES = """AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}
  SubnetA: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24, AvailabilityZone: eu-west-1a}}
  SubnetB: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.2.0/24, AvailabilityZone: eu-west-1b}}
  CacheGroup: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: cache, VpcId: !Ref Vpc}}
  Sessions:
    Type: AWS::ElastiCache::ServerlessCache
    Properties:
      ServerlessCacheName: sessions
      Engine: valkey
      MajorEngineVersion: "8"
      SubnetIds: [!Ref SubnetA, !Ref SubnetB]
      SecurityGroupIds: [!GetAtt CacheGroup.GroupId]
      SnapshotRetentionLimit: 3
      UserGroupId: !Ref Users
  IamUser:
    Type: AWS::ElastiCache::User
    Properties: {UserId: app, UserName: app, Engine: valkey, AccessString: "on ~* +@all", AuthenticationMode: {Type: iam}}
  Users: {Type: AWS::ElastiCache::UserGroup, Properties: {UserGroupId: users, Engine: valkey, UserIds: [!Ref IamUser]}}
  CacheSubnets: {Type: AWS::ElastiCache::SubnetGroup, Properties: {Description: cache, SubnetIds: [!Ref SubnetA, !Ref SubnetB]}}
  Legacy:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: legacy
      Engine: redis
      EngineVersion: "6.2"
      CacheNodeType: cache.m6g.large
      NumCacheClusters: 2
      CacheSubnetGroupName: !Ref CacheSubnets
"""


def test_caches_of_both_kinds_are_typed_with_their_subnet_group_and_users_folded_in(tmp_path: Path) -> None:
    template = tmp_path / "caches.yaml"
    template.write_text(CACHES)
    arch, report = infer(load_stacks(str(template)), "111111111111", "eu-west-1")
    load_text(model_yaml(arch), "imported.yaml")
    r = arch.resources
    assert {k for k, v in r.items() if v.type == "elasticache"} == {"Sessions", "Legacy"}
    assert not {"IamUser", "Users", "CacheSubnets"} & set(r) and not report.kept
    sessions = r["Sessions"].model_dump(include={"mode", "engine", "engine_version", "subnets", "security_groups", "snapshot_retention_days", "iam_auth"})
    assert sessions == {"mode": "serverless", "engine": "valkey", "engine_version": "8", "subnets": ["SubnetA", "SubnetB"],
                        "security_groups": ["CacheGroup"], "snapshot_retention_days": 3, "iam_auth": True}
    legacy = r["Legacy"].model_dump(include={"mode", "engine", "engine_version", "subnets", "replicas", "multi_az", "encryption_at_rest",
                                             "encryption_in_transit", "iam_auth", "snapshot_retention_days", "node_type"})
    assert legacy == {"mode": "replication_group", "engine": "redis", "engine_version": "6.2", "subnets": ["SubnetA", "SubnetB"], "replicas": 1,
                      "multi_az": False, "encryption_at_rest": False, "encryption_in_transit": False, "iam_auth": False,
                      "snapshot_retention_days": 0, "node_type": "cache.m6g.large"}
    # and lint judges what the template deploys: no encryption, no snapshots, no standby
    found = {(f.code, f.path[1]) for f in run_rules(arch) if f.code in ("ARC417", "ARC418")}
    assert found == {("ARC417", "Legacy"), ("ARC418", "Legacy")}


SEARCH = """AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}
  SubnetA: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24, AvailabilityZone: eu-west-1a}}
  SubnetB: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.2.0/24, AvailabilityZone: eu-west-1b}}
  Key: {Type: AWS::KMS::Key, Properties: {EnableKeyRotation: true}}
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      EngineVersion: OpenSearch_2.11
      ClusterConfig: {InstanceType: m6g.large.search, InstanceCount: 2, ZoneAwarenessEnabled: true, DedicatedMasterEnabled: true,
                      DedicatedMasterCount: 3, DedicatedMasterType: m6g.large.search}
      EBSOptions: {EBSEnabled: true, VolumeSize: 50}
      VPCOptions: {SubnetIds: [!Ref SubnetA, !Ref SubnetB]}
      EncryptionAtRestOptions: {Enabled: true, KmsKeyId: !Ref Key}
  Legacy:
    Type: AWS::OpenSearchService::Domain
    Properties:
      EngineVersion: Elasticsearch_7.10
      VPCOptions: {SubnetIds: [!Ref SubnetA]}
"""


def test_search_domains_are_typed_with_what_they_deploy(tmp_path: Path) -> None:
    template = tmp_path / "search.yaml"
    template.write_text(SEARCH)
    arch, report = infer(load_stacks(str(template)), "111111111111", "eu-west-1")
    load_text(model_yaml(arch), "imported.yaml")
    r = arch.resources
    assert (r["Search"].type, r["Legacy"].type) == ("opensearch_domain", "opensearch_domain") and not report.kept
    fields = {"engine_version", "subnets", "instance_type", "instance_count", "dedicated_masters", "master_instance_type", "volume_gb",
              "encryption_at_rest", "kms_key", "node_to_node_encryption", "enforce_https"}
    assert r["Search"].model_dump(include=fields) == {
        "engine_version": "2.11", "subnets": ["SubnetA", "SubnetB"], "instance_type": "m6g.large.search", "instance_count": 2,
        "dedicated_masters": 3, "master_instance_type": "m6g.large.search", "volume_gb": 50, "encryption_at_rest": True, "kms_key": "Key",
        "node_to_node_encryption": False, "enforce_https": False}
    assert any("Elasticsearch_7.10 read as OpenSearch's default version" in n for n in report.notes)
    found = {(f.code, f.path[1], f.path[2]) for f in run_rules(arch) if f.code == "ARC417" and f.path[1] in ("Search", "Legacy")}
    assert found == {("ARC417", "Search", "node_to_node_encryption"), ("ARC417", "Search", "enforce_https"),
                     ("ARC417", "Legacy", "encryption_at_rest"), ("ARC417", "Legacy", "node_to_node_encryption"),
                     ("ARC417", "Legacy", "enforce_https")}


def test_ses_identities_are_typed_with_their_dkim_records_folded_into_the_zone(tmp_path: Path) -> None:
    template = tmp_path / "ses.yaml"
    template.write_text("""AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Zone: {Type: AWS::Route53::HostedZone, Properties: {Name: example.com}}
  Mailer: {Type: AWS::SES::EmailIdentity, Properties: {EmailIdentity: mail.example.com}}
  Dkim1:
    Type: AWS::Route53::RecordSet
    Properties: {HostedZoneId: !Ref Zone, Type: CNAME, TTL: "1800", Name: !GetAtt Mailer.DkimDNSTokenName1,
                 ResourceRecords: [!GetAtt Mailer.DkimDNSTokenValue1]}
  Noreply: {Type: AWS::SES::EmailIdentity, Properties: {EmailIdentity: noreply@example.org}}
""")
    arch, report = infer(load_stacks(str(template)), "111111111111", "eu-west-1")
    load_text(model_yaml(arch), "imported.yaml")
    r = arch.resources
    assert {k: v.type for k, v in r.items()} == {"Zone": "route53_zone", "Mailer": "ses_identity", "Noreply": "ses_identity"}
    assert (r["Mailer"].identity, r["Noreply"].identity) == ("mail.example.com", "noreply@example.org")  # type: ignore[union-attr]
    assert r["Mailer"].zone == "Zone" and r["Noreply"].zone is None  # type: ignore[union-attr]
    assert report.folded == 1 and not report.kept  # the DKIM record belongs to the zone


def test_a_function_on_a_retired_runtime_is_typed_and_lint_reports_the_runtime(tmp_path: Path) -> None:
    template = tmp_path / "t.yaml"
    template.write_text("""Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]}
  Old:
    Type: AWS::Lambda::Function
    Properties: {Runtime: nodejs16.x, Handler: index.handler, Role: !GetAtt Role.Arn, Code: {ZipFile: "exports.handler = 1"}}
  Older:
    Type: AWS::Lambda::Function
    Properties: {Runtime: python3.6, Handler: index.handler, Role: !GetAtt Role.Arn, Code: {ZipFile: "x = 1"}}
""")
    arch, report = infer(load_stacks(str(template)), "111111111111", "eu-west-1")
    assert {k: (r.type, getattr(r, "runtime", None)) for k, r in arch.resources.items() if k != "Role"} == {
        "Old": ("lambda_function", "nodejs16.x"), "Older": ("lambda_function", "python3.6")}
    assert report.kept == {}
    found = {(d.code, ".".join(map(str, d.path)), d.severity) for d in run_rules(arch) if d.code == "ARC142"}
    assert ("ARC142", "resources.Older.runtime", "error") in found  # blocked since 2022
    assert {p for _c, p, _s in found} == {"resources.Old.runtime", "resources.Older.runtime"}


SHARED_ROLE = """Resources:
  Shared:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]}
      Policies:
        - PolicyName: data
          PolicyDocument:
            Statement:
              - {Effect: Allow, Action: [s3:GetObject], Resource: !Sub "${Reports.Arn}/*"}
              - {Effect: Allow, Action: [sqs:SendMessage], Resource: !GetAtt Jobs.Arn}
  Own:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]}
      Policies:
        - PolicyName: own
          PolicyDocument:
            Statement:
              - {Effect: Allow, Action: [sqs:ReceiveMessage, sqs:DeleteMessage], Resource: !GetAtt Jobs.Arn}
  Reports: {Type: AWS::S3::Bucket}
  Jobs: {Type: AWS::SQS::Queue}
  Reader:
    Type: AWS::Lambda::Function
    Properties: {Runtime: python3.12, Handler: a.h, Role: !GetAtt Shared.Arn, Code: {ZipFile: "x = 1"}}
  Sender:
    Type: AWS::Lambda::Function
    Properties: {Runtime: python3.12, Handler: a.h, Role: !GetAtt Shared.Arn, Code: {ZipFile: "x = 1"}}
  Worker:
    Type: AWS::Lambda::Function
    Properties: {Runtime: python3.12, Handler: a.h, Role: !GetAtt Own.Arn, Code: {ZipFile: "x = 1"}}
"""


def test_a_shared_role_keeps_its_grants_and_an_own_role_gives_them_to_its_function(tmp_path: Path) -> None:
    template = tmp_path / "t.yaml"
    template.write_text(SHARED_ROLE)
    arch, report = infer(load_stacks(str(template)), "111111111111", "eu-west-1")
    r = arch.resources
    assert (r["Reader"].role, r["Sender"].role, r["Worker"].role) == ("Shared", "Shared", "Own")  # type: ignore[union-attr]
    assert conns(arch) == {("Shared", "Reports", "read"), ("Shared", "Jobs", "send"), ("Worker", "Jobs", "read")}
    assert "Shared: shared by Reader, Sender; its grants are connections from the role, not from each of them" in report.notes
    assert {d.code for d in run_rules(arch) if d.severity == "error"} <= {"ARC501"}  # the template gives the functions no log groups
    # and the build gives the shared role the same grants, once
    from archc.compiler.build import compile_model

    (stack,) = compile_model(load_text(model_yaml(arch), "m.yaml").architecture).stacks
    roles = {k: v for k, v in stack.template["Resources"].items() if v["Type"] == "AWS::IAM::Role"}
    actions = json.dumps(roles[next(k for k, v in roles.items() if v["Metadata"]["archc"]["node"] == "Shared")])
    assert "s3:GetObject" in actions and "sqs:SendMessage" in actions and "sqs:ReceiveMessage" not in actions


@st.composite
def parameterised_templates(draw: st.DrawFn) -> dict[str, Any]:
    """A template whose parameters (with and without defaults) and conditions its escape hatches
    use in every way CloudFormation allows: Ref, ${Name} in Sub, Fn::If, a resource's Condition."""
    n = draw(st.integers(1, 4))
    params: dict[str, Any] = {}
    for i in range(n):
        spec: dict[str, Any] = {"Type": draw(st.sampled_from(["String", "Number", "CommaDelimitedList", "AWS::EC2::VPC::Id"]))}
        if spec["Type"] == "String":
            values = draw(st.lists(st.sampled_from(["a", "b", "prod", "dev"]), min_size=0, max_size=3, unique=True))
            if values:
                spec["AllowedValues"] = values
                if draw(st.booleans()):
                    spec["Default"] = values[0]
            elif draw(st.booleans()):
                spec["Default"] = "x"
            if draw(st.booleans()):
                spec["NoEcho"] = True
        elif spec["Type"] == "Number" and draw(st.booleans()):
            spec["Default"] = 3
            spec["MinValue"] = 1
        if draw(st.booleans()):
            spec["Description"] = f"parameter {i}"
        params[f"P{i}"] = spec
    names = list(params)
    conds: dict[str, Any] = {"C0": {"Fn::Equals": [{"Ref": names[0]}, "prod"]}}
    if draw(st.booleans()):
        conds["C1"] = {"Fn::Not": [{"Condition": "C0"}]}
    if draw(st.booleans()):
        conds["C2"] = {"Fn::Or": [{"Condition": "C0"}, {"Fn::Equals": [{"Ref": "AWS::Region"}, "eu-west-1"]}]}
    resources: dict[str, Any] = {"Data": {"Type": "AWS::S3::Bucket"}}
    for i, name in enumerate(names):
        value: Any = draw(st.sampled_from([{"Ref": name}, {"Fn::Sub": f"/app/${{{name}}}/x"},
                                           {"Fn::If": [draw(st.sampled_from(sorted(conds))), {"Ref": name}, {"Ref": "Data"}]}]))
        if params[name]["Type"] != "String":
            value = {"Fn::Join": [",", [{"Fn::Sub": f"${{{name}}}"}]]} if params[name]["Type"] == "Number" else {"Fn::Join": [",", {"Ref": name}]}
        res: dict[str, Any] = {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "String", "Value": value}}
        if draw(st.booleans()):
            res["Condition"] = draw(st.sampled_from(sorted(conds)))
        resources[f"Param{i}"] = res
    for c in conds:  # every condition used (build declares what the stack uses; the model keeps all)
        resources[f"Uses{c}"] = {"Type": "AWS::SSM::Parameter", "Condition": c,
                                 "Properties": {"Type": "String", "Value": {"Fn::If": ["C0", "yes", "no"]}}}
    return {"AWSTemplateFormatVersion": "2010-09-09", "Parameters": params, "Conditions": conds, "Resources": resources}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parameterised_templates())
def test_import_then_build_keeps_the_templates_parameters_and_conditions(tmp_path: Path, template: dict[str, Any]) -> None:
    from archc.compiler.build import compile_model

    path = tmp_path / "t.json"
    path.write_text(json.dumps(template))
    arch, report = infer(load_stacks(str(path)), "111111111111", "eu-west-1")
    assert not report.unresolved, report.unresolved  # nothing left out: every parameter and condition is the model's
    assert {k: p.to_cfn() for k, p in arch.parameters.items()} == template["Parameters"] and arch.conditions == template["Conditions"]
    model = load_text(model_yaml(arch), "m.yaml").architecture
    from archc.rules.engine import run_rules as lint

    assert [d.message for d in lint(model) if d.code in ("ARC121", "ARC122")] == []  # the kept intrinsics are valid where they stand
    (stack,) = compile_model(model).stacks
    built = stack.template
    assert built.get("Parameters") == template["Parameters"]
    assert built.get("Conditions") == template["Conditions"]
    for lid, res in template["Resources"].items():
        if res["Type"] != "AWS::SSM::Parameter":
            continue
        out = next(r for r in built["Resources"].values() if r["Metadata"]["archc"]["node"] == lid)
        assert out.get("Condition") == res.get("Condition"), lid
        value = out["Properties"]["Value"]
        want = res["Properties"]["Value"]
        if isinstance(want, dict) and "Fn::Sub" in want and isinstance(want["Fn::Sub"], str):  # build binds the parameter as a variable
            name = want["Fn::Sub"].split("${")[1].split("}")[0]
            want = {"Fn::Sub": [want["Fn::Sub"], {name: {"Ref": name}}]}
        if isinstance(want, dict) and "Fn::If" in want and want["Fn::If"][2] == {"Ref": "Data"}:
            data = next(k for k, r in built["Resources"].items() if r["Metadata"]["archc"]["node"] == "Data" and r["Type"] == "AWS::S3::Bucket"
                        and "AccessLog" not in k)
            want = {"Fn::If": [want["Fn::If"][0], want["Fn::If"][1], {"Ref": data}]}
        assert _sub_bound(value) == _sub_bound(want), lid


def _sub_bound(v: Any) -> Any:
    """A value with every ``Fn::Sub`` in its bound form ([text, {Name: {Ref: Name}}] for each ${Name})."""
    if isinstance(v, list):
        return [_sub_bound(x) for x in v]
    if isinstance(v, dict):
        if list(v) == ["Fn::Sub"] and isinstance(v["Fn::Sub"], str):
            import re

            names = [n for n in re.findall(r"\$\{([^}!.:]+)\}", v["Fn::Sub"])]
            return {"Fn::Sub": [v["Fn::Sub"], {n: {"Ref": n} for n in names}]} if names else v
        return {k: _sub_bound(x) for k, x in v.items()}
    return v


def test_a_typed_resource_under_a_condition_the_template_does_not_fix_says_so_in_the_model(tmp_path: Path) -> None:
    template = tmp_path / "t.yaml"
    template.write_text("""Parameters:
  Env: {Type: String}
  Memory: {Type: Number}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Logs:
    Type: AWS::S3::Bucket
    Condition: IsProd
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]}
  Fn:
    Type: AWS::Lambda::Function
    Properties: {Runtime: python3.12, Handler: a.h, Role: !GetAtt Role.Arn, MemorySize: !Ref Memory, Code: {ZipFile: "x = 1"}}
""")
    arch, report = infer(load_stacks(str(template)), "111111111111", "eu-west-1")
    assert arch.resources["Logs"].type == "s3_bucket" and arch.resources["Fn"].type == "lambda_function"
    assert arch.resources["Fn"].memory_mb == 128  # type: ignore[union-attr]  # the default (CloudFormation's), said below
    assert set(arch.parameters) == {"Env", "Memory"} and arch.conditions == {"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}}
    assert any("Logs exists only under condition IsProd" in u and "imported as if it does" in u for u in report.unresolved)
    assert any("Fn.MemorySize depends on parameter Memory" in u and "keeps its default" in u for u in report.unresolved)
    text = model_yaml(arch, comments=report.comments)
    lines = text.splitlines()
    logs = next(i for i, line in enumerate(lines) if line.startswith("  Logs:"))
    assert lines[logs - 1] == "  # Logs exists only under Condition IsProd (conditions: IsProd); archc builds it unconditionally"
    fn = next(i for i, line in enumerate(lines) if line.startswith("  Fn:"))
    assert lines[fn - 1] == '  # Fn.MemorySize: {"Ref": "Memory"} depends on parameter Memory; the field it fills keeps its default'
    assert load_text(text, "m.yaml").architecture.parameters == arch.parameters


def test_a_models_parameters_and_conditions_come_back_from_its_build_and_archcs_deploy_inputs_do_not(tmp_path: Path) -> None:
    from tests.compiler.test_escape_hatch import PARAMETERS

    model = load_text(PARAMETERS + "  fn_role: {type: iam_role, account: x}\n"
                      "  fn: {type: lambda_function, account: x, role: fn_role, runtime: python3.12, handler: a.h}\n", "p.yaml").architecture
    build_files(model, tmp_path)
    back, _report = infer(load_stacks(str(tmp_path)))
    # Unused is named by nothing the model builds, so no stack declares it; the function's code key is archc's, not the model's
    assert back.parameters == {k: v for k, v in model.parameters.items() if k != "Unused"}
    assert back.conditions == {k: v for k, v in model.conditions.items() if k != "Never"}
    assert back.resources["param"].condition == "Both"  # type: ignore[union-attr]
    assert back.resources["param"].properties["Value"] == {"Fn::If": ["IsProd", {"Ref": "data"}, {"Ref": "AWS::NoValue"}]}  # type: ignore[union-attr]
