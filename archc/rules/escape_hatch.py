"""Escape-hatch rules (ARC121–ARC122): a CloudFormation-typed resource's properties are valid, and
its connections mean something archc can build.

They read AWS's own data (`archc.aws`) and import it only when the model has an escape hatch.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from archc.catalog import VERBS
from archc.model import queries
from archc.rules.base import Finding, Rule, RuleContext, describe, resource_path

if TYPE_CHECKING:
    from archc.model.resources import CfnResource


def _hatches(ctx: RuleContext) -> dict[str, CfnResource]:
    from archc.model.resources import CfnResource  # the model classes load with the model, not with `archc rules`

    return {rid: res for rid, res in sorted(ctx.resources.items()) if isinstance(res, CfnResource)}


def _region(ctx: RuleContext, rid: str) -> str:
    from archc.aws.cfn_schemas import DEFAULT_REGION

    return ctx.arch.region_of(rid) or DEFAULT_REGION


def cloudformation_properties(ctx: RuleContext) -> Iterator[Finding]:
    """An escape hatch's type exists and its properties fit the type's CloudFormation schema.

    What it checks:
        Each resource written with a CloudFormation type (`type: AWS::Glue::Job`): the type exists
        in its region, and its `properties` have every required property, no unknown property,
        and values of the right type, enum, pattern and length, per the resource provider schema
        cfn-lint ships. Intrinsic functions (`{Ref: id}`, `!GetAtt id.Arn`, `{Fn::Sub: …}`) are
        accepted wherever a value is expected. `Custom::` types have no schema and always pass.

    Why it matters:
        archc copies an escape hatch's properties into the template as written; a misspelt
        property or a missing one fails the deployment, minutes later and far from the model.

    Example:
        resources:
          job:
            type: AWS::Glue::Job
            properties:
              Command: {Name: glueetl}
              MaxRetrys: 2

    Fix:
        Spell the property as the CloudFormation resource reference does (the finding suggests the
        nearest name), add the required ones, use one of the listed values.
    """
    hatches = _hatches(ctx)
    if not hatches:
        return
    from archc.aws import cfn_schemas

    for rid, res in hatches.items():
        region = _region(ctx, rid)
        why = cfn_schemas.type_problem(res.type, region)
        if why:
            yield Finding(f"{describe(ctx, rid)}: {why}", resource_path(rid, "type"),
                          "use a type from the CloudFormation resource reference, e.g. AWS::Glue::Job")
            continue
        for problem in cfn_schemas.validate(res.type, res.properties, region):
            yield Finding(f"{describe(ctx, rid)}: {problem.message}", resource_path(rid, "properties", *problem.path), problem.help,
                          at_key=problem.at_key)


def cloudformation_access(ctx: RuleContext) -> Iterator[Finding]:
    """A connection to or from an escape hatch is one archc can turn into least-privilege IAM.

    What it checks:
        `read`, `write`, `read_write` and `list` into an escape hatch: archc knows the type's IAM
        service and resource type, can write its ARN (an `Arn` attribute, or an ARN made of its
        `Ref`), and IAM has actions at that access level on it. A data verb from an escape hatch:
        the type has a role property (`Role`, `ServiceRole`, `RoleArn`…) that names a model
        `iam_role`, the role it acts as. `tcp` to or from an escape hatch: archc knows no security
        group of it.

    Why it matters:
        `archc build` refuses these connections: a grant without an ARN would be `*`, and a
        resource whose role archc cannot see would get its permissions nowhere.

    Example:
        resources:
          etl: {type: AWS::Glue::Job, properties: {Role: some-role, Command: {Name: glueetl}}}
          raw: {type: s3_bucket}
        connections:
          - {from: etl, to: raw, verb: read}

    Fix:
        Set the escape hatch's role property to a model role (`Role: {Fn::GetAtt: [etl_role, Arn]}`);
        for a type archc cannot name the ARN of, grant the access in a role's own policy instead.
    """
    hatches = _hatches(ctx)
    if not hatches:
        return
    from archc.aws import access

    roles = sorted(rid for rid, res in ctx.resources.items() if res.type == "iam_role")
    for i, conn in enumerate(ctx.arch.connections):
        s, t = conn.source, conn.target
        if s not in hatches and t not in hatches:
            continue
        info = VERBS[conn.verb]
        if not queries.verb_fits(info, ctx.resources[s].type, ctx.resources[t].type):
            continue  # ARC110
        where = ("connections", i)
        if conn.verb in access.NO_MEANING:
            yield Finding(f"connection #{i + 1}: `{conn.verb}` between {describe(ctx, s)} and {describe(ctx, t)} means nothing archc can build: "
                          "an escape hatch has no security group archc knows of", where,
                          "open the network in the escape hatch's own properties, or use a data verb")
            continue
        if s in hatches and conn.verb in access.ACTING_VERBS:
            acts = access.acting_roles(hatches[s].type, hatches[s].properties, _region(ctx, s), roles)
            if isinstance(acts, str):
                yield Finding(f"connection #{i + 1}: {describe(ctx, s)}: {acts}", where,
                              "a role property set to {Fn::GetAtt: [role_id, Arn]} names the role")
        if t in hatches and conn.verb in access.VERB_LEVELS:
            plan = access.plan(hatches[t].type, conn.verb, _region(ctx, t))
            if isinstance(plan, str):
                yield Finding(f"connection #{i + 1}: {describe(ctx, s)} cannot `{conn.verb}` {describe(ctx, t)}: {plan}", where,
                              "grant the access in a model role's own statements, or use a verb IAM has actions for")


RULES: list[Rule] = [
    Rule("ARC121", "model.cloudformation-properties", "error", cloudformation_properties),
    Rule("ARC122", "model.cloudformation-access", "error", cloudformation_access, suppressible=False),
]
