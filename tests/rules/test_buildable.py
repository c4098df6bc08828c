"""The checks `archc build` needs, made by lint: what lint passes builds, and what build refuses
lint reports first, under the same codes (the cases are in tests/rules/cases/ARC130.yaml …)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from archc.compiler.build import compile_model
from archc.compiler.context import CompileError
from archc.diagnostics import Diagnostic
from archc.model.loader import load_texts
from archc.rules.buildable import BUILD_CODES, LB_TARGET_SIGNALS, RULES, SIGNALS
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
        "  watch: {type: alarm, account: x, monitors: [jobs], signals: [queue_age]}\n", ["ARC530", "ARC530"]),
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


def test_the_signal_table_is_the_compilers() -> None:
    from archc.compiler import monitoring

    assert SIGNALS == {
        "lambda_function": set(monitoring.LAMBDA), "ecs_service": set(monitoring.ECS), "load_balancer": set(monitoring.LOAD_BALANCER),
        "api_gateway": set(monitoring.API), "aurora_cluster": set(monitoring.AURORA), "sqs_queue": set(monitoring.QUEUE),
    }
    assert LB_TARGET_SIGNALS == set(monitoring.TARGETS)


def test_build_checks_are_rules_that_cannot_be_suppressed() -> None:
    assert all(code in BY_CODE and not BY_CODE[code].suppressible and BY_CODE[code].severity == "error" for code in BUILD_CODES)
    assert {r.code for r in RULES} <= set(BUILD_CODES)


def test_the_access_table_is_the_compilers() -> None:
    from archc.compiler import connections, iam
    from archc.rules import buildable

    assert buildable.IAM_ACCESS == set(iam.ACCESS)
    assert buildable.IAM_VERBS == connections.IAM_VERBS


def test_a_function_assuming_a_role_that_trusts_its_role_builds_without_a_cycle() -> None:
    text = (TWO_ACCOUNTS + "  exec: {type: iam_role, account: x}\n  logs: {type: log_group, account: x, retention_days: 30}\n"
            "  fn: {type: lambda_function, role: exec, account: x}\n  target: {type: iam_role, account: x, assumable_by: [exec]}\n"
            "connections:\n  - {from: fn, to: logs, verb: logs}\n  - {from: fn, to: target, verb: assume_role}\n")
    assert _lint_and_build(text) == ([], None)
    assert _cfn_errors(text) == []
