"""The checks `archc build` needs, made by lint: what lint passes builds, and what build refuses
lint reports first, under the same codes (the cases are in tests/rules/cases/ARC130.yaml …)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from archc.catalog import IAM_ACCESS
from archc.compiler.build import compile_model
from archc.compiler.context import CompileError
from archc.diagnostics import Diagnostic
from archc.model.loader import load_texts
from archc.rules.buildable import BUILD_CODES, RULES
from archc.rules.engine import run_rules
from archc.rules.registry import BY_CODE


def _lint_and_build(text: str) -> tuple[list[Diagnostic], list[Diagnostic] | None]:
    """(lint's error findings, build's errors or None when it builds)."""
    arch = load_texts([("model.yaml", text)]).architecture
    errors = [d for d in run_rules(arch) if d.severity == "error"]
    try:
        compile_model(arch)
    except CompileError as exc:
        return errors, list(exc.diagnostics)
    return errors, None


def _cfn_errors(arch_text: str) -> list[str]:
    from cfnlint.api import lint
    from cfnlint.config import ManualArgs

    build = compile_model(load_texts([("model.yaml", arch_text)]).architecture)
    return [f"{st.name}: {m.rule.id} {m.message}" for st in build.stacks
            for m in lint(json.dumps(st.template), config=ManualArgs(regions=[st.region])) if m.rule.id.startswith("E")]


TWO_ACCOUNTS = """archc: 1
name: t
accounts:
  x: {id: "111111111111", name: X, region: us-east-1}
  y: {id: "222222222222", name: Y, region: us-east-1}
resources:
"""

# What the lead saw: lint clean (or an internal error), then build fails.
REFUSED = {
    "a role nothing assumes": (TWO_ACCOUNTS + "  Role: {type: iam_role, account: x}\n", ["ARC330"]),
    "an alarm watching a queue of another region for queue_age": (
        TWO_ACCOUNTS + "  jobs: {type: sqs_queue, account: x, region: us-west-2}\n"
        "  watch: {type: alarm, account: x, monitors: [jobs], signals: [queue_age]}\n", ["ARC505", "ARC505"]),
    "a cross-account trust to a role without role_name": (
        TWO_ACCOUNTS + "  Analyst: {type: iam_role, account: y, assumable_by: [Data]}\n"
        "  Data: {type: iam_role, account: x, role_name: data, assumable_by: [Analyst]}\n", ["ARC330"]),
    "a function querying a VPC database without subnets": (
        TWO_ACCOUNTS + "  role: {type: iam_role, account: x}\n  fn: {type: lambda_function, account: x, role: role}\n"
        "  vpc: {type: vpc, account: x, cidr: 10.0.0.0/16}\n"
        "  a: {type: subnet, account: x, vpc: vpc, cidr: 10.0.1.0/24, az: us-east-1a, tier: isolated}\n"
        "  b: {type: subnet, account: x, vpc: vpc, cidr: 10.0.2.0/24, az: us-east-1b, tier: isolated}\n"
        "  dbs: {type: db_subnet_group, account: x, subnets: [a, b]}\n"
        "  db: {type: aurora_cluster, account: x, engine_version: '15.4', subnet_group: dbs}\n"
        "connections:\n  - {from: fn, to: db, verb: query}\n", ["ARC230"]),
    "a key of another account": (
        TWO_ACCOUNTS + "  key: {type: kms_key, account: y}\n  bucket: {type: s3_bucket, account: x, kms_key: key}\n", ["ARC131"]),
    "a replicate connection to a queue": (
        TWO_ACCOUNTS + "  b: {type: s3_bucket, account: x}\n  q: {type: sqs_queue, account: x}\n"
        "connections:\n  - {from: b, to: q, verb: replicate}\n", ["ARC110"]),
}


@pytest.mark.parametrize("text,codes", list(REFUSED.values()), ids=list(REFUSED))
def test_lint_reports_what_build_refuses_under_the_same_code(text: str, codes: list[str]) -> None:
    lint_errors, build_errors = _lint_and_build(text)
    assert build_errors is not None
    assert sorted(d.code for d in build_errors) == codes
    assert sorted((d.code, d.path) for d in build_errors) == sorted((d.code, d.path) for d in lint_errors if d.code in BUILD_CODES)


@pytest.mark.parametrize("named", [True, False])
def test_two_roles_of_two_accounts_trusting_each_other_build_without_a_cycle(named: bool) -> None:
    name = ", role_name: {}" if named else ""
    text = (TWO_ACCOUNTS + "  Auditor: {type: iam_role, account: x" + name.format("auditor") + ", assumable_by: [Reader]}\n"
            "  Reader: {type: iam_role, account: y" + name.format("reader") + ", assumable_by: [Auditor]}\n")
    lint_errors, build_errors = _lint_and_build(text)
    if not named:  # another account can only name a role by its fixed name
        assert [d.code for d in lint_errors] == ["ARC330", "ARC330"] and build_errors is not None
        return
    assert lint_errors == [] and build_errors is None
    assert _cfn_errors(text) == []
    build = compile_model(load_texts([("model.yaml", text)]).architecture)
    trust: dict[str, Any] = {lid: r["Properties"]["AssumeRolePolicyDocument"] for st in build.stacks
                             for lid, r in st.template["Resources"].items() if r["Type"] == "AWS::IAM::Role"}
    reader = trust["Reader"]["Statement"][0]
    assert reader["Principal"] == {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::111111111111:root"}}
    assert reader["Condition"] == {"ArnEquals": {"aws:PrincipalArn": {"Fn::Sub": "arn:${AWS::Partition}:iam::111111111111:role/auditor"}}}


def test_a_role_trusting_itself_by_name_builds() -> None:
    text = TWO_ACCOUNTS + "  self: {type: iam_role, account: x, role_name: self, assumable_by: [self]}\n"
    assert _lint_and_build(text) == ([], None)
    assert _cfn_errors(text) == []


def test_build_checks_are_rules_that_cannot_be_suppressed() -> None:
    assert all(code in BY_CODE and not BY_CODE[code].suppressible and BY_CODE[code].severity == "error" for code in BUILD_CODES)
    assert {r.code for r in RULES} <= set(BUILD_CODES)


def test_every_rule_that_cannot_be_suppressed_is_a_build_check() -> None:
    """Lint refuses to let a user hide them because build refuses them: the two sets are one."""
    from archc.rules.registry import RULES as ALL

    assert {r.code for r in ALL if not r.suppressible} == set(BUILD_CODES)
    assert len(set(BUILD_CODES)) == len(BUILD_CODES)


@pytest.mark.parametrize("code", BUILD_CODES)
def test_lint_and_build_report_a_build_check_alike(code: str) -> None:
    """Every failing case of every build check: build refuses it with exactly the findings lint
    reports for the build checks, by code, message, help and file:line:col."""
    from tests.rules.support import lint, load_snippet

    cases = _failing_cases(code)
    assert cases, f"{code} has no failing rule case"
    for text in cases:
        loaded = load_snippet(text)
        linted = sorted(_shown(d) for d in lint(loaded) if d.code in BUILD_CODES)
        with pytest.raises(CompileError) as refused:
            compile_model(loaded.architecture)
        built = sorted(_shown(d.locate(loaded.source)) for d in refused.value.diagnostics)
        assert code in {c for c, *_ in built}
        assert built == linted


def _shown(d: Diagnostic) -> tuple[str, str, str, str | None, str]:
    assert d.position is not None
    return d.code, d.format_text(), d.severity, d.help, d.name or ""


def test_a_build_check_lint_is_told_to_ignore_is_refused_by_build_under_its_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bug this closes: lint green (the code ignored, or suppressed), build red with ARC900.
    A suppression is now itself an error (ARC112); a configured ignore still lets lint pass, and
    build reports the rule's own code, message and position."""
    from click.testing import CliRunner

    from archc.cli import main
    from tests.rules.support import ACCOUNT_PREAMBLE

    model = tmp_path / "model"
    model.mkdir()
    (model / "accounts.yaml").write_text(ACCOUNT_PREAMBLE, encoding="utf-8")
    (model / "main.yaml").write_text(
        "resources:\n  nightly:\n    type: eventbridge_schedule\n    expression: rate(1 day)\n"
        "    lint: {ignore: {ARC117: \"we trigger it by hand\"}}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    linted = CliRunner().invoke(main, ["lint", "model", "-f", "text", "--select", "ARC1"])
    assert linted.exit_code == 1
    assert "model/main.yaml:2:3: ARC117 [error] schedule 'nightly' has 0 targets" in linted.stdout
    assert "ARC112 [warning] ARC117 (model.schedule-target) cannot be suppressed" in linted.stdout
    (tmp_path / ".archc.yaml").write_text("ignore: [ARC117, ARC112, ARC113]\n", encoding="utf-8")
    assert CliRunner().invoke(main, ["lint", "model", "-f", "text"]).exit_code == 0
    built = CliRunner().invoke(main, ["build", "model", "-o", str(tmp_path / "out")])
    assert built.exit_code == 2
    assert "model/main.yaml:2:3: ARC117 [error] schedule 'nightly' has 0 targets" in built.stderr
    assert "ARC900" not in built.stderr and not (tmp_path / "out").exists()


def test_a_function_assuming_a_role_that_trusts_its_role_builds_without_a_cycle() -> None:
    text = (TWO_ACCOUNTS + "  exec: {type: iam_role, account: x}\n  logs: {type: log_group, account: x, retention_days: 30}\n"
            "  fn: {type: lambda_function, role: exec, account: x}\n  target: {type: iam_role, account: x, assumable_by: [exec]}\n"
            "connections:\n  - {from: fn, to: logs, verb: logs}\n  - {from: fn, to: target, verb: assume_role}\n")
    assert _lint_and_build(text) == ([], None)
    assert _cfn_errors(text) == []


# --- the catalogue's IAM table is what the compiler grants ---------------------------------------

# A VPC function (role `role`) and one target of each type the catalogue's IAM_ACCESS names.
ACTOR = """\
  role: {type: iam_role}
  fn: {type: lambda_function, role: role, subnets: [priv_a, priv_b]}
  dbsub: {type: db_subnet_group, subnets: [priv_a, priv_b]}
"""
TARGETS = {
    "aurora_cluster": "  target: {type: aurora_cluster, engine_version: '15.4', subnet_group: dbsub}\n",
    "aurora_readers": "  db: {type: aurora_cluster, engine_version: '15.4', subnet_group: dbsub}\n  target: {type: aurora_readers, cluster: db}\n",
    "ecs_service": ("  cl: {type: ecs_cluster}\n  task: {type: ecs_task_definition, vcpu: 0.25, memory_gib: 0.5, execution_role: role}\n"
                    "  target: {type: ecs_service, cluster: cl, task_definition: task, subnets: [priv_a, priv_b]}\n"),
    "lambda_function": "  target: {type: lambda_function, role: role}\n",
    "state_machine": "  target: {type: state_machine, definition: {StartAt: A, States: {A: {Type: Succeed}}}}\n",
    "log_group": "  target: {type: log_group, retention_days: 30}\n",
    "metric_namespace": "  target: {type: metric_namespace, namespace: App/Prod}\n",
    "eventbridge_bus": "  target: {type: eventbridge_bus}\n",
    "sns_topic": "  target: {type: sns_topic}\n",
    "dynamodb_table": "  target: {type: dynamodb_table, partition_key: {name: pk}}\n",
    "rds_instance": "  target: {type: rds_instance, engine_version: '16', subnet_group: dbsub}\n",
    "ecr_repository": "  target: {type: ecr_repository}\n",
    "efs_file_system": "  target: {type: efs_file_system, subnets: [priv_a, priv_b], access_points: [{name: data, path: /data}]}\n",
    "kinesis_stream": "  target: {type: kinesis_stream}\n",
    "s3_bucket": "  target: {type: s3_bucket}\n",
    "secret": "  target: {type: secret}\n",
    "sqs_queue": "  target: {type: sqs_queue}\n",
    "xray": "  target: {type: xray}\n",
    "iam_role": "  target: {type: iam_role}\n",
    "elasticache": "  target: {type: elasticache, subnets: [priv_a, priv_b]}\n",
    "opensearch_domain": "  target: {type: opensearch_domain, subnets: [priv_a, priv_b]}\n",
    "ses_identity": "  target: {type: ses_identity, identity: noreply@example.com}\n",
}
# `trigger` grants the triggered function (the target of the connection) on its source
GRANTS = sorted(pair for pair in IAM_ACCESS if pair[0] != "trigger")


def test_every_target_type_of_the_iam_table_has_a_model_here() -> None:
    assert {t for _, t in GRANTS} == set(TARGETS)


@pytest.mark.parametrize("verb,target_type", GRANTS, ids=[f"{v}-{t}" for v, t in GRANTS])
def test_every_pair_of_the_iam_table_lints_clean_and_grants_the_role(verb: str, target_type: str) -> None:
    from tests.compiler.helpers import BASE, all_resources, model_text

    text = model_text(ACTOR + TARGETS[target_type], f"  - {{from: fn, to: target, verb: {verb}}}\n", network=True)
    loaded = load_texts([("model.yaml", BASE), ("main.yaml", text)])
    assert [d for d in run_rules(loaded.architecture) if d.code == "ARC132"] == []
    resources = all_resources(compile_model(loaded.architecture))
    policies = [p["PolicyDocument"] for p in resources["Role"]["Properties"].get("Policies", [])] + [
        r["Properties"]["PolicyDocument"] for r in resources.values()
        if r["Type"] == "AWS::IAM::Policy" and r["Properties"]["Roles"] == [{"Ref": "Role"}]]  # statements naming a role's users
    granted = [st["Sid"] for doc in policies for st in doc["Statement"]]
    assert any(sid.startswith("Target") for sid in granted), granted


# --- every refusal the compiler can still make is a rule lint runs first --------------------------

COMPILER = Path(__file__).resolve().parents[2] / "archc" / "compiler"

# Where the compiler refuses a model that loads (the n-th `ctx.error(...)` in module.function) → the
# rule that reports it first, and words of the compiler's own message.
REFUSALS: dict[tuple[str, str, int], tuple[str, str]] = {
    ("connections", "_escape_hatch_grant", 0): ("ARC122", "acts as"),
    ("connections", "_escape_hatch_grant", 1): ("ARC132", "needs a task_role to"),
    ("connections", "_escape_hatch_grant", 2): ("ARC122", "IAM has no"),
    ("dns", "compile_dns_delegation", 0): ("ARC211", "is not a subdomain of parent zone"),
    ("dynamodb", "_same_place", 0): ("ARC120", "in another account or region"),
    ("edge", "compile_api_gateway", 0): ("ARC119", "pool"),
    ("endpoints", "compile_vpc_endpoint", 0): ("ARC210", ""),
    ("events", "_same_place", 0): ("ARC120", "in another account or region"),
    ("events", "compile_eventbridge_schedule", 0): ("ARC117", "a schedule has exactly one"),
    ("services", "refused", 0): ("ARC116", "goes to"),
    ("stepfunctions", "compile_state_machine", 0): ("ARC118", "has no definition"),
    ("streams", "_triggers", 0): ("ARC120", "in another account or region"),
}
# Checks of the compiler's own work, not of the model: a bug if a loaded model reaches them.
INTERNAL: dict[tuple[str, str, int], str] = {
    ("build", "_compile", 0): "troposphere refusing a value a compile function wrote (a compile function's bug)",
    ("stacks", "prepare", 0): "troposphere refusing to render a unit (a compile function's bug)",
    ("partition", "_dependencies", 0): "a unit naming a logical id no compile function generated",
    ("partition", "_topo_order", 0): "a dependency cycle among generated resources (the trust cycles a model can make are ARC330)",
    # Not yet a rule: only the partition knows how many values cross between stacks.
    ("crossrefs", "resolve", 0): "CloudFormation's 200 outputs and 200 parameters per stack",
}


def _refusal_sites() -> set[tuple[str, str, int]]:
    """(module, function, n) of every `ctx.error(...)` call in archc/compiler."""
    import ast

    sites: set[tuple[str, str, int]] = set()
    for path in sorted(COMPILER.glob("*.py")):
        for fn in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(fn, ast.FunctionDef):
                continue
            calls = sorted((node.lineno, node.col_offset) for node in ast.walk(fn)
                           if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "error"
                           and isinstance(node.func.value, ast.Name) and node.func.value.id == "ctx")
            sites.update((path.stem, fn.name, n) for n in range(len(calls)))
    return sites


def test_every_refusal_of_the_compiler_is_listed() -> None:
    """A new `ctx.error` in the compiler fails here until a rule reports it first (REFUSALS, with a
    failing rule case) or it is shown to be the compiler checking itself (INTERNAL)."""
    assert _refusal_sites() == set(REFUSALS) | set(INTERNAL)


def _failing_cases(code: str) -> list[str]:
    doc = yaml.safe_load((Path(__file__).resolve().parent / "cases" / f"{code}.yaml").read_text(encoding="utf-8"))
    return [c["model"] for c in doc["cases"] if any(e["code"] == code for e in c["expect"])]


@pytest.mark.parametrize("site", sorted(REFUSALS), ids=[f"{m}.{f}.{n}" for m, f, n in sorted(REFUSALS)])
def test_each_refusal_has_a_rule_case_that_lint_reports(site: tuple[str, str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    """A failing case of the rule: lint reports it, build refuses it (under the rule's code when the
    rule is in BUILD_CODES), and without the build's check the case meets the compiler's own refusal
    at *site*."""
    from archc.compiler import build
    from tests.rules.support import lint, load_snippet

    code, words = REFUSALS[site]
    reached: list[str] = []
    for text in _failing_cases(code):
        loaded = load_snippet(text)
        assert code in {d.code for d in lint(loaded)}
        with pytest.raises(CompileError) as refused:
            compile_model(loaded.architecture)
        if code in BUILD_CODES:
            assert code in {d.code for d in refused.value.diagnostics}
        found: list[Diagnostic] = []
        with monkeypatch.context() as m:  # what the compiler itself says without the check (other findings of the case stop it there)
            m.setattr(build, "_check", lambda ctx: None)
            try:
                compile_model(loaded.architecture)
            except CompileError as exc:
                found = list(exc.diagnostics)
        reached += [d.message for d in found if d.code == "ARC900" and words in d.message]
    assert reached, f"no failing case of {code} reaches the compiler's refusal {site}"


def test_the_vpc_services_lint_knows_are_the_ones_the_compiler_opens_a_port_on() -> None:
    from archc.compiler.services import SERVICE_PORTS
    from archc.rules.buildable import VPC_SERVICES

    assert set(SERVICE_PORTS) == VPC_SERVICES


def test_a_function_invoking_itself_builds_without_a_cycle() -> None:
    """Its own ARN is not wired into its environment (Lambda gives it AWS_LAMBDA_FUNCTION_NAME):
    that reference made the function depend on itself (cfn-lint E3004), found by the lint ⇒ build property."""
    text = (TWO_ACCOUNTS + "  exec: {type: iam_role, account: x}\n  logs: {type: log_group, account: x, retention_days: 30}\n"
            "  fn: {type: lambda_function, role: exec, account: x}\n"
            "connections:\n  - {from: fn, to: logs, verb: logs}\n  - {from: fn, to: fn, verb: invoke}\n")
    assert _lint_and_build(text) == ([], None)
    assert _cfn_errors(text) == []
