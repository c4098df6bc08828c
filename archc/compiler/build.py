"""`compile_model(arch) -> Build`: the model compiled to CloudFormation templates and a manifest.

Pure: no files, no clock, no randomness; the same model gives the same bytes. Every problem the
model has for the compiler is collected and raised together as one `CompileError` whose
diagnostics carry model paths (the CLI maps them to ``file:line:col``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from archc.compiler import network
from archc.compiler.asks import add_owned, gather
from archc.compiler.context import CompileError, Context
from archc.compiler.crossrefs import resolve
from archc.compiler.declare import declare
from archc.compiler.manifest import manifest, template_file
from archc.compiler.order import deploy_order
from archc.compiler.partition import partition
from archc.compiler.registry import COMPILERS, by_type
from archc.compiler.stacks import Stack, prepare
from archc.model.architecture import Architecture


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
    """What the compiler cannot build, before building anything: the rules `archc lint` runs for it
    (`archc.rules.buildable.BUILD_CODES`), never suppressed, reported under their own codes."""
    from archc.rules.base import RuleContext
    from archc.rules.buildable import BUILD_CODES
    from archc.rules.engine import diagnostic
    from archc.rules.registry import BY_CODE

    rctx = RuleContext(ctx.arch)
    for code in BUILD_CODES:
        rule = BY_CODE[code]
        ctx.errors.extend(diagnostic(rule, f) for f in rule.check(rctx))  # as lint reports it: code, message, position


def _compile(ctx: Context) -> None:
    """Phase 3: the units connections own, every resource's compile function, in `COMPILERS` order,
    then the security groups."""
    add_owned(ctx)
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


def _existing_tags(value: Any) -> dict[str, Any]:
    """The tags a compile function set itself (a `Tags`, a dict, or a list of tags)."""
    from troposphere import Tags

    if isinstance(value, Tags):
        value = value.to_dict()
    if isinstance(value, dict):
        return dict(value)
    out: dict[str, Any] = {}
    for tag in value or []:
        d = tag.to_dict() if hasattr(tag, "to_dict") else tag
        out[d["Key"]] = d["Value"]
    return out


def _tag(ctx: Context) -> None:
    """Every taggable resource generated for a model resource carries that resource's `tags`
    (a tag its compile function set itself, like `Name`, wins)."""
    from troposphere import Tags

    shared = {lid for lids in ctx.singletons.values() for lid in str(lids).split(",")}  # made once for many resources
    for unit in ctx.units.values():
        if unit.logical_id in shared:
            continue
        res = ctx.arch.resources.get(unit.node)
        tags = getattr(res, "tags", None)
        obj = unit.resource
        if not tags or "Tags" not in obj.props:
            continue
        kind = obj.props["Tags"][0]
        merged = {**tags, **_existing_tags(obj.properties.get("Tags"))}
        if kind is dict:
            obj.Tags = {k: merged[k] for k in sorted(merged)}
        elif isinstance(kind, list):
            obj.Tags = [kind[0](Key=k, Value=merged[k]) for k in sorted(merged)]
        else:
            obj.Tags = Tags(merged)


def compile_model(arch: Architecture) -> Build:
    """Compile *arch*; raise `CompileError` with every problem found."""
    ctx = Context(arch)
    _check(ctx)
    if ctx.errors:
        raise CompileError(ctx.errors)
    declare(ctx)
    ctx.asks = gather(ctx)
    _compile(ctx)
    _tag(ctx)
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
