"""The AWS SAM transform (``Transform: AWS::Serverless-2016-10-31``), read the way SAM expands it:
a ``AWS::Serverless::Function`` is a Lambda function with an execution role (``<Id>Role`` unless
``Role`` is given) holding its ``Policies``; its ``Events`` are triggers, API routes and
schedules; ``Globals.Function`` gives defaults. The other serverless types are their plain
CloudFormation types. What SAM would generate beyond that (deployments, stages, permissions) adds
nothing archc models.
"""

from __future__ import annotations

import copy
from typing import Any

from archc.cloudformation.template import Declaration, Edge, Template
from archc.importers.cloudformation import Context, Item

SAM_TYPES: dict[str, str] = {
    "AWS::Serverless::Function": "AWS::Lambda::Function",
    "AWS::Serverless::Api": "AWS::ApiGateway::RestApi",
    "AWS::Serverless::HttpApi": "AWS::ApiGatewayV2::Api",
    "AWS::Serverless::SimpleTable": "AWS::DynamoDB::Table",
    "AWS::Serverless::StateMachine": "AWS::StepFunctions::StateMachine",
    "AWS::Serverless::LayerVersion": "AWS::Lambda::LayerVersion",
    "AWS::Serverless::Application": "AWS::CloudFormation::Stack",
}

# SAM policy template name → the verb it grants on the resources its parameters name
_POLICY_VERBS: tuple[tuple[str, str], ...] = (
    ("SendMessage", "send"), ("Publish", "publish"), ("Poller", "read"), ("Invoke", "invoke"), ("Crud", "read_write"),
    ("FullAccess", "read_write"), ("ReadWrite", "read_write"), ("Write", "write"), ("Put", "write"), ("Read", "read"),
    ("GetSecretValue", "read"), ("Decrypt", "read"),
)
_EVENT_SOURCES = {"SQS": "Queue", "SNS": "Topic", "S3": "Bucket", "DynamoDB": "Stream", "Kinesis": "Stream", "MQ": "Broker"}


def expand(tpl: Template, globals_: dict[str, Any]) -> list[str]:
    """Rewrite *tpl*'s serverless resources as what SAM makes of them; notes for the report."""
    notes: list[str] = []
    defaults = globals_.get("Function") if isinstance(globals_.get("Function"), dict) else {}
    for lid, decl in list(tpl.resources.items()):
        plain = SAM_TYPES.get(decl.type)
        if plain is None:
            continue
        decl.origin = decl.type
        decl.type = plain
        if decl.origin != "AWS::Serverless::Function":
            continue
        props = {**copy.deepcopy(defaults or {}), **decl.properties}
        decl.properties = props
        if "Role" not in props:
            role_id = f"{lid}Role"
            listed = props.get("Policies")
            statements = [p for p in (listed if isinstance(listed, list) else []) if isinstance(p, dict) and "Statement" in p]
            role_props: dict[str, Any] = {"AssumeRolePolicyDocument": {"Statement": [
                {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}
            if statements:
                role_props["Policies"] = [{"PolicyName": f"{lid}Policy{i}", "PolicyDocument": s} for i, s in enumerate(statements)]
            tpl.resources[role_id] = Declaration(role_id, "AWS::IAM::Role", role_props, {}, decl.condition, [], decl.path)
            props["Role"] = {"Fn::GetAtt": [role_id, "Arn"]}
            tpl.edges.append(Edge(lid, role_id, "Arn", ("Properties", "Role")))
            notes.append(f"{lid}: SAM's execution role {role_id}, with the function's policies")
    tpl.unknown_refs = [(s, t, p) for s, t, p in tpl.unknown_refs if t not in tpl.resources]
    return notes


def function_events(ctx: Context, it: Item) -> None:
    """A serverless function's ``Events`` and policy templates: triggers, routes, schedules, grants."""
    fn = ctx.owner[it.key]
    events = ctx.raw(it, "Events")
    for name, event in (events or {}).items() if isinstance(events, dict) else ():
        if not isinstance(event, dict):
            continue
        kind = event.get("Type")
        source_prop = _EVENT_SOURCES.get(str(kind))
        if source_prop is not None:
            for source in ctx.all_refs(it, "Events", name, "Properties", source_prop):
                ctx.connect(source, fn, "trigger")
        elif kind in ("Api", "HttpApi"):
            api = ctx.all_refs(it, "Events", name, "Properties", "RestApiId" if kind == "Api" else "ApiId")
            target = api[0] if api else ctx.implicit_api(it, "ServerlessRestApi" if kind == "Api" else "ServerlessHttpApi")
            ctx.connect(target, fn, "invoke")
        elif kind in ("Schedule", "ScheduleV2"):
            schedule = ctx.value(it, "Events", name, "Properties", "Schedule" if kind == "Schedule" else "ScheduleExpression", quiet=True)
            if isinstance(schedule, str):
                ctx.patch(fn, schedule=schedule)
    policies = ctx.raw(it, "Policies")
    for i, policy in enumerate(policies if isinstance(policies, list) else []):
        if not isinstance(policy, dict) or "Statement" in policy:
            continue
        for template_name in policy:
            verb = next((v for word, v in _POLICY_VERBS if word in str(template_name)), None)
            for target in ctx.all_refs(it, "Policies", i, template_name):
                if verb is not None:
                    ctx.connect(fn, target, verb, derived=True)
            if not ctx.all_refs(it, "Policies", i, template_name):
                ctx.report.notes.append(f"{it.where('Properties', 'Policies', i)}: {it.decl.logical_id}: SAM policy {template_name} names "
                                        "no resource of the import")
