"""`compile_model(arch) -> Build`: the model compiled to CloudFormation templates and a manifest.

Pure: no files, no clock, no randomness; the same model gives the same bytes. Every problem the
model has for the compiler is collected and raised together as one `CompileError` whose
diagnostics carry model paths (the CLI maps them to ``file:line:col``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from archc.catalog import TYPES
from archc.compiler import (
    cognito,
    compute,
    data,
    dns,
    dynamodb,
    edge,
    endpoints,
    events,
    messaging,
    monitoring,
    network,
    rds,
    stepfunctions,
    streams,
)
from archc.compiler.connections import compile_connections
from archc.compiler.context import CompileError, Context
from archc.compiler.iam import compile_role
from archc.compiler.manifest import manifest, template_file
from archc.compiler.stacks import Stack, deploy_order, partition, prepare, resolve
from archc.model.architecture import Architecture
from archc.model.completeness import missing_to_build
from archc.model.references import iter_refs

Compile = Callable[[Context, str], None]

# Compiled before the connections (in this order): what connections and later types refer to.
EARLY: list[tuple[str, Compile]] = [
    ("vpc", network.compile_vpc),
    ("internet_gateway", network.compile_internet_gateway),
    ("subnet", network.compile_subnet),
    ("nat_gateway", network.compile_nat_gateway),
    ("security_group", network.compile_security_group),
    ("vpc_endpoint", endpoints.compile_vpc_endpoint),  # after subnets: a gateway endpoint routes in their tables
    ("db_subnet_group", data.compile_db_subnet_group),
    ("log_group", monitoring.compile_log_group),
    ("xray", monitoring.compile_xray),
    ("secret", data.compile_secret),
    ("sns_topic", messaging.compile_sns_topic),
    ("acm_certificate", dns.compile_acm_certificate),
    ("target_group", edge.compile_target_group),
    ("load_balancer", edge.compile_load_balancer),
    ("web_acl", edge.compile_web_acl),
    ("ecs_cluster", compute.compile_ecs_cluster),
    ("ecs_task_definition", compute.compile_ecs_task_definition),
    ("lambda_function", compute.compile_lambda_function),
    ("dynamodb_table", dynamodb.compile_dynamodb_table),  # after functions: its stream triggers invoke them
    ("kinesis_stream", streams.compile_kinesis_stream),  # after functions: its triggers invoke them
    ("ecr_repository", streams.compile_ecr_repository),
    ("state_machine", stepfunctions.compile_state_machine),  # after functions: it invokes them
    ("eventbridge_bus", events.compile_eventbridge_bus),
    ("eventbridge_rule", events.compile_eventbridge_rule),  # after functions: they are its targets
    ("eventbridge_schedule", events.compile_eventbridge_schedule),
    ("ecs_service", compute.compile_ecs_service),
    ("aurora_cluster", data.compile_aurora_cluster),
    ("aurora_readers", data.compile_aurora_readers),
    ("rds_instance", rds.compile_rds_instance),
    ("cognito_user_pool", cognito.compile_cognito_user_pool),
    ("cognito_user_pool_client", cognito.compile_cognito_user_pool_client),
    ("api_gateway", edge.compile_api_gateway),
    ("cloudfront_distribution", edge.compile_cloudfront_distribution),
    ("route53_zone", dns.compile_route53_zone),
    ("dns_delegation", dns.compile_dns_delegation),
]
# Compiled after the connections: they gather what connections asked of them.
LATE: list[tuple[str, Compile]] = [
    ("s3_bucket", data.compile_s3_bucket),
    ("sqs_queue", messaging.compile_sqs_queue),
    ("alarm", monitoring.compile_alarm),
    ("kms_key", data.compile_kms_key),
    ("iam_role", compile_role),
]
NOTHING_TO_BUILD = {"metric_namespace", "external"}  # no resource of their own; used through connections

# Typed references that may cross accounts, and those that may cross regions (IAM and DNS are global).
CROSS_ACCOUNT = {("iam_role", "assumable_by"), ("dns_delegation", "zone")}
CROSS_REGION = CROSS_ACCOUNT | {
    ("cloudfront_distribution", "certificate"), ("cloudfront_distribution", "web_acl"), ("acm_certificate", "zone"),
    ("route53_zone", "target"), ("lambda_function", "role"), ("ecs_task_definition", "execution_role"),
    ("ecs_task_definition", "task_role"), ("alarm", "monitors"),
}


@dataclass
class Build:
    """Templates (one per stack, in deploy order) and the manifest."""

    stacks: list[Stack]
    order: list[str]
    model: str

    def files(self, fmt: str = "json") -> dict[str, str]:
        """File name → text, templates and ``manifest.json``."""
        out: dict[str, str] = {}
        for st in self.stacks:
            out[template_file(st, fmt)] = render_template(st.template, fmt)
        out["manifest.json"] = json.dumps(self.manifest(fmt), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        return out

    def manifest(self, fmt: str = "json") -> dict[str, Any]:
        return manifest(self.model, self.stacks, self.order, fmt)

    def templates(self) -> dict[str, dict[str, Any]]:
        return {st.name: st.template for st in self.stacks}


def render_template(template: dict[str, Any], fmt: str) -> str:
    if fmt == "yaml":
        from cfn_flip import dump_yaml

        return str(dump_yaml(_sorted(template), clean_up=False, long_form=False))
    return json.dumps(template, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _sorted(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _sorted(obj[k]) for k in sorted(obj)}
    if isinstance(obj, list):
        return [_sorted(v) for v in obj]
    return obj


def _check(ctx: Context) -> None:
    """What the compiler cannot build, before building anything."""
    arch = ctx.arch
    missing_ids: set[str] = set()
    res: Any
    for rid, res in arch.resources.items():
        if res.type == "generic":
            ctx.error(ctx.path(rid, "type"), f"{ctx.who(rid)}: archc cannot build an untyped resource"
                      + (f" ('{res.kind}')" if res.kind else ""), help="give it a concrete type (lambda_function, s3_bucket, …)")
            continue
        missing = missing_to_build(res)
        if missing:
            names = ", ".join(f"`{m}`" for m in missing)
            ctx.error(ctx.path(rid), f"{ctx.who(rid)} lacks {names}, needed to build it", help=f"set {names} (`archc lint` reports these as ARC115)")
            continue
        if not TYPES[res.type].account_scoped:
            continue
        if res.account not in arch.accounts:
            ctx.error(ctx.path(rid), f"{ctx.who(rid)} belongs to no account", help="set account: or defaults.account in its file")
            continue
        if not arch.accounts[res.account].id:
            if res.account not in missing_ids:
                missing_ids.add(res.account)
                ctx.error(("accounts", res.account), f"account '{res.account}' has no id; archc build needs it (ARNs, bucket names, trust policies)",
                          help="add the 12-digit AWS account id: id: \"123456789012\"")
            continue
        here = ctx.placement(rid)
        for site in iter_refs(res):
            other = arch.resources.get(site.target)
            if other is None or not TYPES[other.type].account_scoped:
                continue
            there = ctx.placement(site.target)
            key = (res.type, site.field)
            if there.account != here.account and key not in CROSS_ACCOUNT:
                ctx.error(ctx.path(rid, *site.path), f"{ctx.who(rid)}: {site.field} names '{site.target}' of account '{there.account}'; "
                          f"it must be in the same account ('{here.account}')")
            elif there.region != here.region and key not in CROSS_REGION:
                ctx.error(ctx.path(rid, *site.path), f"{ctx.who(rid)}: {site.field} names '{site.target}' in {there.region}; "
                          f"it must be in the same region ({here.region})",
                          help="KMS keys, subnets, security groups and target groups are regional" if site.field == "kms_key" else None)


def _declare(ctx: Context) -> None:
    """Logical ids of main resources, security groups, and the services that assume each role."""
    arch = ctx.arch
    resources: dict[str, Any] = dict(arch.resources)
    for rid in sorted(resources):
        ctx.main[rid] = ctx.ids.claim(rid)
    for rid in sorted(resources):
        res = resources[rid]
        t = res.type
        if t == "lambda_function":
            ctx.trust_services[res.role].add("lambda.amazonaws.com")
            if res.subnets:
                network.declare_security_group(ctx, rid, resources[res.subnets[0]].vpc, f"{rid} (Lambda function)", res.security_groups)
        elif t == "ecs_task_definition":
            ctx.trust_services[res.execution_role].add("ecs-tasks.amazonaws.com")
            if res.task_role:
                ctx.trust_services[res.task_role].add("ecs-tasks.amazonaws.com")
        elif t == "ecs_service":
            network.declare_security_group(ctx, rid, resources[res.subnets[0]].vpc, f"{rid} (ECS service tasks)", res.security_groups)
        elif t == "load_balancer":
            network.declare_security_group(ctx, rid, resources[res.subnets[0]].vpc, f"{rid} (load balancer)", res.security_groups)
        elif t == "aurora_cluster":
            group = resources[res.subnet_group]
            network.declare_security_group(ctx, rid, resources[group.subnets[0]].vpc, f"{rid} (database)", res.security_groups)
    for rid, other in resources.items():
        if other.type == "aurora_readers" and other.cluster in ctx.sg:
            ctx.sg[rid] = ctx.sg[other.cluster]


def _run(ctx: Context, phase: list[tuple[str, Compile]]) -> None:
    by_type: dict[str, list[str]] = {}
    for rid in sorted(ctx.arch.resources):
        by_type.setdefault(ctx.arch.resources[rid].type, []).append(rid)
    for t, fn in phase:
        for rid in by_type.get(t, []):
            try:
                fn(ctx, rid)
            except (ValueError, TypeError) as exc:  # troposphere's validation: say it in the model's words
                ctx.error(ctx.path(rid), f"{ctx.who(rid)}: cannot compile: {exc}")


def compile_model(arch: Architecture) -> Build:
    """Compile *arch*; raise `CompileError` with every problem found."""
    ctx = Context(arch)
    _check(ctx)
    if ctx.errors:
        raise CompileError(ctx.errors)
    _declare(ctx)
    _run(ctx, EARLY)
    compile_connections(ctx)
    _run(ctx, LATE)
    network.finish_security_groups(ctx)
    if ctx.errors:
        raise CompileError(ctx.errors)
    prepare(ctx)
    stacks = partition(ctx)
    resolve(ctx, stacks)
    if ctx.errors:
        raise CompileError(ctx.errors)
    order = deploy_order(stacks)
    position = {n: i for i, n in enumerate(order)}
    stacks.sort(key=lambda s: position[s.name])
    return Build(stacks, order, arch.name)
