"""`compile_model(arch) -> Build`: the model compiled to CloudFormation templates and a manifest.

Pure: no files, no clock, no randomness; the same model gives the same bytes. Every problem the
model has for the compiler is collected and raised together as one `CompileError` whose
diagnostics carry model paths (the CLI maps them to ``file:line:col``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from archc.catalog import TYPES
from archc.compiler import network
from archc.compiler.asks import gather
from archc.compiler.context import CompileError, Context
from archc.compiler.crossrefs import resolve
from archc.compiler.declare import declare
from archc.compiler.manifest import manifest, template_file
from archc.compiler.order import deploy_order
from archc.compiler.partition import partition
from archc.compiler.registry import COMPILERS, by_type
from archc.compiler.stacks import Stack, prepare
from archc.model.architecture import Architecture
from archc.model.completeness import missing_to_build
from archc.model.references import iter_refs
from archc.model.resources import CfnResource, Generic

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
    for rid, res in arch.resources.items():
        if isinstance(res, Generic):
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
            if isinstance(res, CfnResource):
                continue  # an escape hatch's properties hold values: a stack parameter carries them across accounts and regions
            there = ctx.placement(site.target)
            key = (res.type, site.field)
            if there.account != here.account and key not in CROSS_ACCOUNT:
                ctx.error(ctx.path(rid, *site.path), f"{ctx.who(rid)}: {site.field} names '{site.target}' of account '{there.account}'; "
                          f"it must be in the same account ('{here.account}')")
            elif there.region != here.region and key not in CROSS_REGION:
                ctx.error(ctx.path(rid, *site.path), f"{ctx.who(rid)}: {site.field} names '{site.target}' in {there.region}; "
                          f"it must be in the same region ({here.region})",
                          help="KMS keys, subnets, security groups and target groups are regional" if site.field == "kms_key" else None)


def _compile(ctx: Context) -> None:
    """Phase 3: every resource's compile function, in `COMPILERS` order, then the security groups."""
    ids = by_type(ctx)
    for t, tc in COMPILERS.items():
        if tc.compile is None:
            continue
        for rid in ids.get(t, []):
            try:
                tc.compile(ctx, rid, ctx.get(rid, tc.model))
            except (ValueError, TypeError) as exc:  # troposphere's validation: say it in the model's words
                ctx.error(ctx.path(rid), f"{ctx.who(rid)}: cannot compile: {exc}")
    network.compile_security_groups(ctx)


def compile_model(arch: Architecture) -> Build:
    """Compile *arch*; raise `CompileError` with every problem found."""
    ctx = Context(arch)
    _check(ctx)
    if ctx.errors:
        raise CompileError(ctx.errors)
    declare(ctx)
    ctx.asks = gather(ctx)
    _compile(ctx)
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
