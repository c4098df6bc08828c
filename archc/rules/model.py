"""Model rules (ARC11x): connections that make sense, what cannot be built, suppressions.

(ARC100–ARC107 are the loader's own errors; these rules start at ARC110.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from archc.catalog import VERBS
from archc.diagnostics import Path, did_you_mean
from archc.model import queries
from archc.rules.base import Finding, Rule, RuleContext, describe, resource_path


def fitting_verbs(source_type: str, target_type: str) -> list[str]:
    """The verbs whose catalogue entry allows these endpoint types (most specific first)."""
    return queries.fitting_verbs(source_type, target_type)


def verb_fit(ctx: RuleContext) -> Iterator[Finding]:
    """A connection's verb fits the types at its ends.

    What it checks:
        Each connection's `verb` allows its source and target types (the catalogue's `VERBS`
        table): you `query` a database, `invoke` a function, `assume_role` onto a role.
        Connections to or from untyped (`generic`) resources and `relates` connections are
        left to ARC111.

    Why it matters:
        The compiler turns each connection into IAM statements and security-group rules; a verb
        that does not fit its ends compiles to nothing, or to the wrong permission.

    Example:
        resources:
          role: {type: iam_role}
          fn: {type: lambda_function, role: role}
          uploads: {type: s3_bucket}
        connections:
          - {from: fn, to: uploads, verb: query}

    Fix:
        Use a verb that fits (the finding lists them), or fix the connection's ends.
    """
    res = ctx.resources
    for i, conn in enumerate(ctx.arch.connections):
        info = VERBS[conn.verb]
        src, dst = res[conn.source].type, res[conn.target].type
        if info.kind == "other" or "generic" in (src, dst) or queries.verb_fits(info, src, dst):
            continue
        problems = []
        if info.sources and src not in info.sources:
            problems.append(f"starts from {', '.join(info.sources)}")
        if info.targets and dst not in info.targets:
            problems.append(f"targets {', '.join(info.targets)}")
        if problems:
            fits = fitting_verbs(src, dst)
            yield Finding(
                f"connection #{i + 1}: {describe(ctx, conn.source)} cannot `{conn.verb}` {describe(ctx, conn.target)}; "
                f"`{conn.verb}` {' and '.join(problems)}",
                ("connections", i, "verb"),
                f"use one of: {', '.join(fits)}" if fits else "no verb connects these two types; check the connection's ends",
            )


def untyped_resource(ctx: RuleContext) -> Iterator[Finding]:
    """Everything in the model can be built: no `generic` resources or `relates` connections.

    What it checks:
        Resources of type `generic` and connections with verb `relates`: what the diagram
        importer read but could not type. They are drawn, never built.

    Why it matters:
        A box on the diagram that the compiler silently skips is a surprise at deploy time.

    Example:
        resources:
          thing: {type: generic, kind: mainframe}

    Fix:
        Give the resource a real `type` (see `archc schema`) and the connection a real verb.
    """
    from archc.model.resources import Generic

    for rid, _res in ctx.of_type(Generic):
        yield Finding(f"resource '{rid}' is untyped (generic) and will not be built", resource_path(rid, "type"),
                      "give it a resource type archc can build")
    for i, conn in enumerate(ctx.arch.connections):
        if conn.verb == "relates":
            yield Finding(f"connection #{i + 1} ({conn.source} → {conn.target}) has no verb archc can build (relates)",
                          ("connections", i, "verb"), "give it a verb such as read, write, invoke or query")


def incomplete_resource(ctx: RuleContext) -> Iterator[Finding]:
    """A resource has everything `archc build` needs.

    What it checks:
        Fields marked "needed to build" in the schema — a function's `role`, a service's
        `cluster` and `task_definition`, a database's `engine_version` and `subnet_group`, an
        alarm's `monitors`, … — that a resource leaves out. A model may be a sketch (a diagram
        just imported, a design under review) and still load, lint and draw; these gaps are
        what stands between it and deployable templates.

    Why it matters:
        `archc build` refuses a model with gaps; finding them at lint time, in pre-commit, is
        cheaper than at build time in CI. For an imported diagram, this is the to-do list the
        diagram could not answer.

    Example:
        resources:
          scheduler: {type: lambda_function, schedule: "rate(1 hour)"}

    Fix:
        Fill in the named fields (`archc schema` lists what each takes).
    """
    from archc.model.completeness import missing_to_build

    for rid, res in ctx.resources.items():
        missing = missing_to_build(res)
        if missing:
            names = ", ".join(f"`{m}`" for m in missing)
            yield Finding(f"{describe(ctx, rid)} lacks {names}, needed to build it", resource_path(rid),
                          f"set {names} on '{rid}'")


def _suppressions(ctx: RuleContext) -> Iterator[tuple[Path, str, str]]:
    """(owner path, code, reason) of every `lint.ignore` entry, in model order."""
    for rid, res in ctx.resources.items():
        for code, reason in res.lint.ignore.items():
            yield ("resources", rid), code, reason
    for i, conn in enumerate(ctx.arch.connections):
        for code, reason in conn.lint.ignore.items():
            yield ("connections", i), code, reason


def unused_suppression(ctx: RuleContext) -> Iterator[Finding]:
    """Every suppression names a real rule that fires where it is written.

    What it checks:
        Each `lint: {ignore: {CODE: reason}}` entry: the code must be a rule's code, and that
        rule must have found something on that resource or connection (only checked when the rule
        ran, so `--select` does not make suppressions look stale), and it must be a rule that can
        be suppressed (not one of the checks `archc build` makes, whatever the suppression says).

    Why it matters:
        A suppression that no longer suppresses anything hides the next real problem on that
        resource, and a misspelt code suppresses nothing while looking reassuring.

    Example:
        resources:
          logs:
            type: log_group
            retention_days: 30
            lint: {ignore: {ARC504: "kept forever for audit"}}

    Fix:
        Delete the stale entry, or correct the code.
    """
    from archc.rules.registry import ALIASES, BY_CODE

    for owner, code, reason in _suppressions(ctx):
        at: Path = (*owner, "lint", "ignore", code)
        rule = BY_CODE.get(code) or ALIASES.get(code)  # a retired code names the rule that took it over
        if rule is None:
            yield Finding(f"suppression of unknown rule '{code}'{did_you_mean(code, BY_CODE)}", at,
                          "use a code that `archc rules` lists")
            continue
        named = f"{code} ({rule.name})" if rule.code == code else f"{code} (now {rule.code}, {rule.name})"
        if not rule.suppressible:
            yield Finding(f"{named} cannot be suppressed: `archc build` refuses what it finds", at,
                          "delete this entry and fix the model")
        elif rule.code in ctx.active_codes and reason.strip() and (owner, rule.code) not in ctx.used_suppressions:
            yield Finding(f"suppression of {named} matches no finding here", at,
                          "delete this entry: the rule no longer fires here")


def suppression_reason(ctx: RuleContext) -> Iterator[Finding]:
    """Every suppression gives a reason.

    What it checks:
        Each `lint: {ignore: {CODE: reason}}` entry has a non-blank reason. A suppression
        without one is not honoured: the finding it meant to hide is still reported.

    Why it matters:
        The reason is the review record: why this resource may break the rule. Without it the
        next reader cannot tell a decision from a shortcut.

    Example:
        resources:
          assets:
            type: s3_bucket
            public: true
            lint: {ignore: {ARC402: ""}}

    Fix:
        Write the reason: `ARC402: "public website assets, served through CloudFront"`.
    """
    for owner, code, reason in _suppressions(ctx):
        if not reason.strip():
            yield Finding(f"suppression of {code} gives no reason, so it is not honoured", (*owner, "lint", "ignore", code),
                          "write why this element may break the rule")


def isolated_resource(ctx: RuleContext) -> Iterator[Finding]:
    """A resource is connected to something.

    What it checks:
        Resources with no edge at all in the graph: no connection, and no typed field pointing at
        them or from them (belonging to an account does not count).

    Why it matters:
        An isolated resource is usually a leftover, or a connection that was forgotten.
        Informational.

    Example:
        resources:
          spare_key: {type: kms_key}

    Fix:
        Connect it, reference it, or delete it.
    """
    from archc.model.graph import ACCOUNT_PREFIX

    touched: set[str] = set()
    for u, v in ctx.graph.edges():
        if not u.startswith(ACCOUNT_PREFIX):  # belonging to an account does not count
            touched.add(u)
            touched.add(v)
    for rid in ctx.resources:
        if rid not in touched:
            yield Finding(f"{describe(ctx, rid)} is connected to nothing", resource_path(rid),
                          "connect it, reference it, or delete it")


DYNAMIC_REFERENCE = re.compile(r"\{\{\s*resolve\s*:\s*(ssm-secure|ssm|secretsmanager)?", re.IGNORECASE)


def model_strings(value: object, path: Path) -> Iterator[tuple[Path, str]]:
    """Every string in *value* (a model object, dict, list) with its model path (YAML keys, so
    a connection's ``from`` is ``from``), dict keys included; an escape-hatch resource's
    ``properties`` are left out (they are the user's own CloudFormation)."""
    from pydantic import BaseModel

    from archc.model.resources import CfnResource

    if isinstance(value, str):
        yield path, value
    elif isinstance(value, BaseModel):
        for name, info in type(value).model_fields.items():
            if name == "properties" and isinstance(value, CfnResource):
                continue
            yield from model_strings(getattr(value, name), (*path, info.alias or name))
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                yield (*path, key), key
            yield from model_strings(item, (*path, key))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from model_strings(item, (*path, i))


def dynamic_reference(ctx: RuleContext) -> Iterator[Finding]:
    """Model text holds no CloudFormation dynamic reference (`{{resolve:…}}`).

    What it checks:
        Every text of the model (names, descriptions, labels, titles, tags, purposes, every other
        field) outside an escape-hatch resource's `properties`, for `{{resolve:ssm:…}}`,
        `{{resolve:ssm-secure:…}}` and `{{resolve:secretsmanager:…}}`. An `environment` value may
        name an SSM parameter (`{{resolve:ssm:…}}`), which is configuration, not a secret.

    Why it matters:
        CloudFormation resolves a dynamic reference wherever it appears in a template, so a
        description or tag holding `{{resolve:secretsmanager:prod/db}}` is deployed with the
        secret in plain text, readable by anyone who may describe the resource. Model text is
        data: it must never be an instruction to CloudFormation.

    Example:
        resources:
          db_key: {type: kms_key, description: "{{resolve:secretsmanager:prod/db:SecretString:password}}"}

    Fix:
        Remove the reference. A function that needs a secret reads it at run time (connect it to
        a `secret` resource with `read`); an escape-hatch resource may use dynamic references in
        its `properties`, which archc writes as they are.
    """
    for path, text in model_strings(ctx.arch, ()):
        m = DYNAMIC_REFERENCE.search(text)
        if m is None:
            continue
        service = (m.group(1) or "").lower()
        if service == "ssm" and len(path) >= 2 and path[-2] == "environment":
            continue
        yield Finding(
            f"{_owner(ctx, path)}: {'.'.join(str(p) for p in path[2:]) or path[-1]} holds a CloudFormation dynamic reference "
            f"({text[m.start():m.start() + 40]!r}…), which CloudFormation would resolve at deploy and write in plain text",
            path,
            "remove it: model text is data; read secrets at run time, or use an escape-hatch resource's `properties`",
            at_key=len(path) > 0 and path[-1] == text,
        )


def _owner(ctx: RuleContext, path: Path) -> str:
    if len(path) >= 2 and path[0] == "resources" and isinstance(path[1], str):
        return describe(ctx, path[1])
    if len(path) >= 2 and path[0] == "connections" and isinstance(path[1], int):
        return f"connection #{path[1] + 1}"
    if len(path) >= 2:
        return f"{str(path[0]).rstrip('s')} '{path[1]}'"
    return "the model"


RULES: list[Rule] = [
    Rule("ARC110", "model.verb-fit", "error", verb_fit, suppressible=False),
    Rule("ARC111", "model.untyped-resource", "error", untyped_resource, suppressible=False),  # build refuses them
    Rule("ARC112", "model.unused-suppression", "warning", unused_suppression, after_suppression=True),
    Rule("ARC113", "model.isolated-resource", "info", isolated_resource),
    Rule("ARC114", "model.suppression-reason", "error", suppression_reason),
    Rule("ARC115", "model.incomplete-resource", "error", incomplete_resource, suppressible=False),
    Rule("ARC140", "model.dynamic-reference", "error", dynamic_reference, suppressible=False),
]
