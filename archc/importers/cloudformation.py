"""CloudFormation stacks → `Architecture`: typed resources, folded helpers, the escape hatch,
relations and connections inferred from what the templates say.

The mapping is data: a CloudFormation type becomes the archc type whose catalogue row lists it
first (`TYPES[t].cfn_types[0]`, or among its first `mains`), so a new catalogue row is picked up without code here; what
archc reads back from its properties is `READERS` (archc type → function); which helper
resources fold into which resource is `FOLDS` and the catalogue's further ``cfn_types``;
connections come from `CONNECTORS` (CloudFormation type → function). Every resource archc has
no type for is kept as the escape hatch (`CfnResource`) with its properties. A generated template
(``Metadata.archc.node``) folds back into its model resources.

What cannot be resolved statically (a parameter without a default, an unknown account, a
condition) is kept symbolic and listed in the `Report`, never guessed silently.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

from pydantic import ValidationError

from archc.catalog import CFN_TYPE_PREFIXES, TYPES, VERBS
from archc.cloudformation.assembly import Stack
from archc.cloudformation.intrinsics import PSEUDO, Resolver, ResourceRef, Unresolved, function_of, references
from archc.cloudformation.template import Declaration
from archc.importers.accounts import AccountOption
from archc.importers.cloudformation_parameters import Names
from archc.model.architecture import Account, Architecture, Connection
from archc.model.resources import RESOURCE_CLASSES, CfnResource

PLACEHOLDER_REGION = "us-east-1"
_ID_CHARS = re.compile(r"[^\w.\-]")


def primary_types() -> dict[str, str]:
    """CloudFormation type → the archc type that lists it first in the catalogue."""
    out: dict[str, str] = {}
    for t, info in TYPES.items():
        for c in info.cfn_types[:info.mains]:
            out.setdefault(c, t)
    return out


def secondary_types() -> dict[str, tuple[str, ...]]:
    """CloudFormation type → the archc types that list it after their first (it folds into them)."""
    out: dict[str, list[str]] = {}
    for t, info in TYPES.items():
        for c in info.cfn_types[info.mains:]:
            out.setdefault(c, []).append(t)
    return {k: tuple(v) for k, v in out.items()}


# resource types that are bookkeeping, not architecture: left out, said in the report
SKIPPED: dict[str, str] = {
    "AWS::CDK::Metadata": "CDK's usage metadata",
    "AWS::CloudFormation::WaitConditionHandle": "a deployment-time handle",
}

# helper resource type → the properties naming the resource it belongs to (first that resolves wins)
FOLDS: dict[str, tuple[tuple[str | int, ...], ...]] = {
    "AWS::EC2::SubnetRouteTableAssociation": (("SubnetId",),),
    "AWS::EC2::Route": (("RouteTableId",),),
    "AWS::EC2::VPCGatewayAttachment": (("InternetGatewayId",), ("VpcId",)),
    "AWS::EC2::SecurityGroupIngress": (("GroupId",),),
    "AWS::EC2::SecurityGroupEgress": (("GroupId",),),
    "AWS::EC2::FlowLog": (("ResourceId",),),
    "AWS::S3::BucketPolicy": (("Bucket",),),
    "AWS::KMS::Alias": (("TargetKeyId",),),
    "AWS::SNS::TopicPolicy": (("Topics", 0),),
    "AWS::SNS::Subscription": (("TopicArn",),),
    "AWS::SQS::QueuePolicy": (("Queues", 0),),
    "AWS::ElasticLoadBalancingV2::Listener": (("LoadBalancerArn",),),
    "AWS::ElasticLoadBalancingV2::ListenerRule": (("ListenerArn",),),
    "AWS::Lambda::Permission": (("FunctionName",),),
    "AWS::Lambda::EventSourceMapping": (("FunctionName",),),
    "AWS::Lambda::Version": (("FunctionName",),),
    "AWS::Lambda::Alias": (("FunctionName",),),
    "AWS::Lambda::EventInvokeConfig": (("FunctionName",),),
    "AWS::RDS::DBInstance": (("DBClusterIdentifier",),),
    "AWS::ApplicationAutoScaling::ScalableTarget": (("ResourceId",),),
    "AWS::ApplicationAutoScaling::ScalingPolicy": (("ScalingTargetId",),),
    "AWS::ApiGateway::Resource": (("RestApiId",),),
    "AWS::ApiGateway::Method": (("RestApiId",),),
    "AWS::ApiGateway::Deployment": (("RestApiId",),),
    "AWS::ApiGateway::Stage": (("RestApiId",),),
    "AWS::ApiGatewayV2::Stage": (("ApiId",),),
    "AWS::ApiGatewayV2::Route": (("ApiId",),),
    "AWS::ApiGatewayV2::Integration": (("ApiId",),),
    "AWS::ApiGatewayV2::Authorizer": (("ApiId",),),
    "AWS::ApiGatewayV2::Deployment": (("ApiId",),),
    "AWS::ApiGatewayV2::ApiMapping": (("ApiId",),),
    "AWS::ApiGatewayV2::RouteResponse": (("ApiId",),),
    "AWS::ApiGatewayV2::IntegrationResponse": (("ApiId",),),
    "AWS::WAFv2::WebACLAssociation": (("WebACLArn",),),
    "AWS::WAFv2::LoggingConfiguration": (("ResourceArn",),),
    "AWS::CloudFront::OriginAccessControl": (),
    "AWS::Route53::RecordSet": (("HostedZoneId",),),
    "AWS::IAM::Policy": (("Roles", 0),),
    "AWS::IAM::ManagedPolicy": (("Roles", 0),),
    "AWS::Events::Rule": (("Targets", 0, "Arn"),),
    "AWS::EC2::EIP": (),  # folded by whatever names it (a NAT gateway's AllocationId)
}


# helper type → (property naming a resource that belongs with it, property naming the owner): a VPC
# flow log's role and log group are part of the VPC's flow logs, as archc builds them
PULLS: dict[str, tuple[tuple[str, str], ...]] = {
    "AWS::EC2::FlowLog": (("DeliverLogsPermissionArn", "ResourceId"), ("LogGroupName", "ResourceId")),
}


@dataclass
class Report:
    typed: dict[str, int] = field(default_factory=dict)  # archc type → count
    folded: int = 0
    kept: dict[str, int] = field(default_factory=dict)  # CloudFormation type → count (escape hatch)
    unresolved: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    total: int = 0
    parameters: int = 0  # template parameters kept as model parameters
    conditions: int = 0  # template conditions kept as model conditions
    comments: dict[str, list[str]] = field(default_factory=dict)  # model id → what the model file says of it in a comment

    typeable: int = 0  # declarations of a CloudFormation type the catalogue maps to an archc type
    typeable_typed: int = 0  # of those, how many became (or folded into) a typed resource

    def typeable_share(self) -> float:
        """Share of the resources archc has a type for that were typed."""
        return self.typeable_typed / self.typeable if self.typeable else 1.0

    def text(self) -> str:
        lines = [(f"read {self.total} CloudFormation resources; typed {self.typeable_typed} of the {self.typeable} "
                 f"archc has a type for ({100 * self.typeable_share():.0f}%)")]
        lines += [f"typed: {n} × {t}" for t, n in sorted(self.typed.items())]
        if self.folded:
            lines.append(f"folded: {self.folded} helper resources into the resources they belong to")
        lines += [f"kept as escape hatch: {n} × {t}" for t, n in sorted(self.kept.items())]
        if self.parameters or self.conditions:
            lines.append(f"kept: {self.parameters} parameters and {self.conditions} conditions (the model's parameters: and conditions:)")
        lines += [f"left out: {x}" for x in self.skipped]
        lines += [f"note: {x}" for x in self.notes]
        lines += [f"could not resolve: {x}" for x in self.unresolved]
        lines += [f"finding: {x}" for x in self.findings]
        return "\n".join(lines)


@dataclass(slots=True)
class Item:
    """One declaration in one stack."""

    stack: Stack
    decl: Declaration
    resolver: Resolver

    @property
    def key(self) -> tuple[str, str]:
        return (self.stack.name, self.decl.logical_id)

    def where(self, *path: Any) -> str:
        pos = self.stack.template.position((*self.decl.path, *path))
        return f"{pos.file}:{pos.line}:{pos.col}"


class Context:
    """What readers and connectors see: resolved values, references as model ids, the report."""

    def __init__(self, stacks: list[Stack], region: str | None, account: str | None, account_key: str | None = None,
                 account_keys: dict[str, str] | None = None) -> None:
        self.report = Report()
        self.items: dict[tuple[str, str], Item] = {}
        self.owner: dict[tuple[str, str], str] = {}  # (stack, logical id) → model id
        self.primary: dict[str, Item] = {}  # model id → its main declaration
        self.kind: dict[str, str] = {}  # model id → archc type (or CloudFormation type)
        self.members: dict[str, list[Item]] = {}
        self.patches: dict[str, dict[str, Any]] = {}  # model id → fields set by helper resources
        self.connections: list[Connection] = []
        self._conn_keys: set[tuple[str, str, str]] = set()
        self.stack_account: dict[str, str] = {}
        self.stack_region: dict[str, str] = {}
        self.extra: dict[str, Any] = {}  # resources made up from what templates say (the internet)
        self._export: dict[str, Any] = {}
        self._pairs: dict[tuple[str, str], int] = {}
        self._derived: set[int] = set()
        self._names: dict[str, str] | None = None
        self.pulled: dict[tuple[str, str], tuple[str, str]] = {}  # a declaration → the one it belongs with (PULLS)
        self.nested: dict[tuple[str, str], Stack] = {}  # (parent stack, AWS::CloudFormation::Stack id) → the nested stack
        self.extra_index: dict[tuple[str, str], list[Item]] = {}  # (stack, CloudFormation type) → its declarations
        self.policies: list[tuple[Item, tuple[Any, ...], list[str]]] = []  # (declaration, path to a policy document, roles)
        self.sg_ingress: list[tuple[str, str, int | None]] = []  # (source group or \x00internet, target group, port)
        self.unconditional: list[Item] = []  # declarations under a condition the template does not fix
        self.names = Names()  # the stacks' parameters and conditions, as the model's
        self.region = region
        self.account = account  # the default account's id (stacks whose environment names none)
        self.account_key = account_key  # the default account's key
        self.account_keys = account_keys or {}  # account id → the key `--account KEY=ID` gives it
        self.stacks = stacks

    # -- values ------------------------------------------------------------------------------

    def raw(self, item: Item, *path: Any) -> Any:
        node: Any = item.decl.properties
        for p in path:
            if isinstance(node, dict) and p in node or isinstance(node, list) and isinstance(p, int) and 0 <= p < len(node):
                node = node[p]
            else:
                return None
        return node

    def value(self, item: Item, *path: Any, quiet: bool = False) -> Any:
        """The resolved value of a property, or None (an unresolved one is reported)."""
        raw = self.raw(item, *path)
        if raw is None:
            return None
        v = item.resolver.resolve(raw)
        bad = _first_unresolved(v)
        if bad is not None:
            if not quiet:
                name = ".".join(str(p) for p in path)
                self.report.unresolved.append(f"{item.where('Properties', *path)}: {item.decl.logical_id}.{name} depends on {bad.why}; "
                                              f"the field it fills keeps its default (the model file says so in a comment)")
                mid = self.owner.get(item.key)
                if mid is not None:
                    self.comment(mid, f"{item.decl.logical_id}.{name}: {compact(raw)} depends on {bad.why}; the field it fills keeps its default")
            return None
        return v

    def comment(self, mid: str, text: str) -> None:
        lines = self.report.comments.setdefault(mid, [])
        if text not in lines:
            lines.append(text)

    def ref(self, item: Item, *path: Any) -> str | None:
        """The model id a property names (``Ref``/``GetAtt``/``ImportValue``), if any."""
        raw = self.raw(item, *path)
        if raw is None:
            return None
        return self.ref_of(item, item.resolver.resolve(raw))

    def refs(self, item: Item, *path: Any) -> list[str]:
        raw = self.raw(item, *path)
        if raw is None:
            return []
        v = item.resolver.resolve(raw)
        items = v if isinstance(v, list) else [v]
        out = [r for r in (self.ref_of(item, x) for x in items) if r is not None]
        return list(dict.fromkeys(out))

    def ref_of(self, item: Item, v: Any) -> str | None:
        if not isinstance(v, ResourceRef):
            return None
        key = (v.stack or item.stack.name, v.logical_id)
        if v.attribute and v.attribute.startswith("Outputs.") and key in self.nested:  # a nested stack's output
            child = self.nested[key]
            out = child.template.outputs.get(v.attribute.removeprefix("Outputs."))
            if isinstance(out, dict):
                tpl = child.template
                value = Resolver(tpl.parameters, tpl.mappings, tpl.conditions, tpl.resources).resolve(out.get("Value"))
                if isinstance(value, ResourceRef):
                    return self.owner.get((child.name, value.logical_id))
            return None
        return self.owner.get(key)

    def all_refs(self, item: Item, *path: Any) -> list[str]:
        """Every model id named anywhere under a property (inside Sub, Join, If …)."""
        raw = self.raw(item, *path)
        out: list[str] = []
        for lid, _attr, _p in references(raw):
            mid = self.owner.get((item.stack.name, lid))
            if mid is not None:
                out.append(mid)
        if isinstance(raw, (dict, list)):
            for v in _walk_imports(raw):
                name = item.resolver.resolve(v)
                target = self._export.get(name) if isinstance(name, str) else None
                if isinstance(target, ResourceRef):
                    mid = self.owner.get((target.stack or "", target.logical_id))
                    if mid:
                        out.append(mid)
        return list(dict.fromkeys(out))

    # -- model --------------------------------------------------------------------------------

    def type_of(self, mid: str | None) -> str | None:
        return self.kind.get(mid) if mid else None

    def patch(self, mid: str | None, **fields: Any) -> None:
        if mid is not None:
            self.patches.setdefault(mid, {}).update(fields)

    def append(self, mid: str | None, name: str, value: Any) -> None:
        if mid is not None:
            self.patches.setdefault(mid, {}).setdefault(name, []).append(value)

    def connect(self, source: str | None, target: str | None, verb: str, label: str | None = None, derived: bool = False) -> None:
        """Add a connection. A *derived* one (from IAM or security groups) only when nothing else
        joins the pair yet; a derived read and write of the same pair become one read_write."""
        if source is None or target is None or source == target:
            return
        pair = (source, target)
        index = self._pairs.get(pair)
        if derived and (index is not None or (target, source) in self._pairs):
            if index is not None and index in self._derived:
                old = self.connections[index]
                if {old.verb, verb} == {"read", "write"}:
                    self.connections[index] = old.model_copy(update={"verb": "read_write"})
            return
        key = (source, target, verb)
        if key in self._conn_keys:
            return
        self._conn_keys.add(key)
        data: dict[str, Any] = {"from": source, "to": target, "verb": verb}
        if label:
            data["label"] = label
        self._pairs.setdefault(pair, len(self.connections))
        if derived:
            self._derived.add(len(self.connections))
        self.connections.append(Connection.model_validate(data))

    def named(self, value: Any) -> str | None:
        """The model id of the resource a physical name or ARN names (a bucket, role, queue,
        topic, function or log group name, or a DNS name a record set points at)."""
        if not isinstance(value, str):
            return None
        if self._names is None:
            self._names = _name_index(self)
        if value.startswith("arn:"):
            parts = value.split(":", 5)
            if len(parts) < 6:
                return None
            service, account, resource = parts[2], parts[4], parts[5]
            if service == "s3":
                return self._names.get(resource.split("/")[0])
            if service == "iam" and resource.startswith("role/"):
                return self._names.get(f"{account}:role/{resource.rsplit('/', 1)[-1]}")
            if service in ("lambda", "logs") and ":" in resource:
                return self._names.get(resource.split(":")[1])
            return self._names.get(resource.rsplit(":", 1)[-1].rsplit("/", 1)[-1])
        return self._names.get(value.rstrip("."))

    def implicit_api(self, item: Item, logical_id: str) -> str:
        """The API SAM creates for a function's ``Api`` event without ``RestApiId``."""
        mid = model_id(logical_id)
        if mid not in self.extra and mid not in self.members:
            kind = "http" if logical_id == "ServerlessHttpApi" else "rest"
            self.extra[mid] = RESOURCE_CLASSES["api_gateway"].model_validate(
                {"type": "api_gateway", "account": self.stack_account[item.stack.name], "kind": kind, "tracing": False})
            self.kind[mid] = "api_gateway"
            self.report.notes.append(f"{mid}: the API the SAM transform creates for the functions' Api events")
        return mid

    def internet(self, account: str) -> str:
        """The `external` resource that stands for 0.0.0.0/0."""
        return self.external("internet", account, "internet", None, "Internet")

    def external(self, rid: str, account: str, kind: str, endpoint: str | None, label: str | None = None) -> str:
        """An `external` resource a template names without declaring it (a subscriber's endpoint)."""
        if rid not in self.extra and rid not in self.members:
            data: dict[str, Any] = {"type": "external", "account": account, "kind": kind, "label": label, "endpoint": endpoint}
            self.extra[rid] = RESOURCE_CLASSES["external"].model_validate({k: v for k, v in data.items() if v is not None})
            self.kind[rid] = "external"
        return rid


# CloudFormation type → the property holding its physical name
NAME_PROPERTIES: dict[str, str] = {
    "AWS::S3::Bucket": "BucketName", "AWS::IAM::Role": "RoleName", "AWS::SQS::Queue": "QueueName", "AWS::SNS::Topic": "TopicName",
    "AWS::Lambda::Function": "FunctionName", "AWS::Logs::LogGroup": "LogGroupName", "AWS::SecretsManager::Secret": "Name",
    "AWS::DynamoDB::Table": "TableName", "AWS::ApiGateway::RestApi": "Name", "AWS::Kinesis::Stream": "Name", "AWS::StepFunctions::StateMachine": "StateMachineName",
}


def _name_index(ctx: Context) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, item in ctx.items.items():
        mid = ctx.owner.get(key)
        if mid is None:
            continue
        prop = NAME_PROPERTIES.get(item.decl.type)
        if prop is not None:
            name = item.resolver.resolve(item.decl.properties.get(prop))
            if isinstance(name, str):
                if item.decl.type == "AWS::IAM::Role":
                    account = item.stack.account_id or ctx.account or ""
                    out.setdefault(f"{account}:role/{name}", mid)
                else:
                    out.setdefault(name, mid)
        elif item.decl.type == "AWS::Route53::RecordSet":  # a DNS name → what its alias or record points at
            name = item.resolver.resolve(item.decl.properties.get("Name"))
            targets = [t for t in ctx.all_refs(item, "AliasTarget") + ctx.all_refs(item, "ResourceRecords") if t != mid]
            if isinstance(name, str) and targets:
                out.setdefault(name.rstrip("."), targets[0])
    return out


def compact(raw: Any) -> str:
    """A template value as one line of JSON (for a comment in the model file)."""
    import json

    text = json.dumps(raw, ensure_ascii=False, separators=(", ", ": "), default=str)
    return text if len(text) <= 200 else text[:199] + "…"


def _first_unresolved(v: Any) -> Unresolved | None:
    if isinstance(v, Unresolved):
        return v
    if isinstance(v, dict):
        for x in v.values():
            u = _first_unresolved(x)
            if u is not None:
                return u
    elif isinstance(v, list):
        for x in v:
            u = _first_unresolved(x)
            if u is not None:
                return u
    return None


def _walk_imports(v: Any) -> Iterator[Any]:
    stack = [v]
    while stack:
        x = stack.pop()
        if isinstance(x, dict):
            if len(x) == 1 and "Fn::ImportValue" in x:
                yield x["Fn::ImportValue"]
                continue
            stack.extend(x.values())
        elif isinstance(x, list):
            stack.extend(x)


def model_id(name: str) -> str:
    mid = _ID_CHARS.sub("_", name)
    return mid if mid[:1].isalnum() else f"r{mid}"


# -- accounts -----------------------------------------------------------------------------------


def _accounts(ctx: Context) -> dict[str, Account]:
    accounts: dict[str, Account] = {}
    for stack in ctx.stacks:
        acct_id = stack.account_id or ctx.account
        region = stack.region or ctx.region
        if region is None:
            ctx.report.unresolved.append(f"stack {stack.name}: region unknown (give --region); {PLACEHOLDER_REGION} stands in")
            region = PLACEHOLDER_REGION
        given = ctx.account_keys.get(acct_id or "") or (ctx.account_key if stack.account_id is None else None)
        key = stack.account_key or given or (f"account_{acct_id}" if acct_id else "main")
        if acct_id is None and key not in accounts:
            ctx.report.unresolved.append(f"stack {stack.name}: account unknown (give --account KEY=ID); AWS::AccountId stays symbolic")
        if key not in accounts:
            name = stack.account_name or (key if given else acct_id or key)
            accounts[key] = Account.model_validate({"id": acct_id, "name": name, "region": region})
        ctx.stack_account[stack.name] = key
        ctx.stack_region[stack.name] = region
    return accounts


# -- grouping -----------------------------------------------------------------------------------


def _group(ctx: Context) -> None:
    primaries = primary_types()
    secondaries = secondary_types()
    taken: set[str] = set()
    pending: list[Item] = []
    for item in list(ctx.items.values()):
        for pulled_prop, owner_prop in PULLS.get(item.decl.type, ()):
            pulled = [lid for lid, _a, _p in references(item.decl.properties.get(pulled_prop))]
            owner = [lid for lid, _a, _p in references(item.decl.properties.get(owner_prop))]
            if len(pulled) == 1 and len(owner) == 1 and (item.stack.name, pulled[0]) in ctx.items:
                ctx.pulled[(item.stack.name, pulled[0])] = (item.stack.name, owner[0])
    for item in ctx.items.values():
        if item.key in ctx.pulled:
            pending.append(item)
            continue
        node = item.decl.metadata.get("archc", {}).get("node") if isinstance(item.decl.metadata.get("archc"), dict) else None
        if isinstance(node, str) and node:
            ctx.owner[item.key] = node
            ctx.members.setdefault(node, []).append(item)
            continue
        rtype = item.decl.type
        if rtype in FOLDS or (rtype in secondaries and rtype not in primaries):
            pending.append(item)
            continue
        mid = model_id(_readable(item))
        if mid in taken or mid in ctx.members:
            mid = model_id(f"{item.stack.name}.{item.decl.logical_id}")
        taken.add(mid)
        ctx.owner[item.key] = mid
        ctx.members[mid] = [item]
    # the main declaration of each group and its type
    for mid, items in ctx.members.items():
        stated = [i for i in items if _archc_type(i) in RESOURCE_CLASSES]  # archc's own word for what it built
        typed = [i for i in items if i.decl.type in primaries]
        main = stated[0] if stated else min(typed, key=lambda i: (len(i.decl.logical_id), i.decl.logical_id)) if typed else items[0]
        unlike = [i for i in items if _not_the_type(i)]
        if unlike and not stated:  # the main resource is one archc has no type for: not its helper's type either
            main = unlike[0]
        ctx.primary[mid] = main
        ctx.kind[mid] = str(_archc_type(main)) if stated else main.decl.type if _not_the_type(main) else primaries.get(main.decl.type, main.decl.type)
    # helpers fold into what they name (or what names them); route tables through their associations
    by_stack_refs: dict[tuple[str, str], list[tuple[str, str]]] = {}  # target → [source] (within a stack)
    for stack in ctx.stacks:
        for e in stack.template.edges:
            by_stack_refs.setdefault((stack.name, e.target), []).append((stack.name, e.source))
    for _ in range(4):  # chains: Route → RouteTable → Association → Subnet
        left: list[Item] = []
        for item in pending:
            into = _fold_target(ctx, item, secondaries, by_stack_refs)
            if into is None:
                left.append(item)
                continue
            ctx.owner[item.key] = into
            ctx.members[into].append(item)
        if len(left) == len(pending):
            break
        pending = left
    for item in pending:  # nothing to fold into: its own escape-hatch resource
        mid = model_id(item.decl.logical_id)
        if mid in ctx.members:
            mid = model_id(f"{item.stack.name}.{item.decl.logical_id}")
        ctx.owner[item.key] = mid
        ctx.members[mid] = [item]
        ctx.primary[mid] = item
        ctx.kind[mid] = item.decl.type


# a catalogue main type whose declaration says it is something archc does not model (stays an escape hatch)
NOT_THE_TYPE: dict[str, tuple[str, str]] = {
    "AWS::ApiGatewayV2::Api": ("ProtocolType", "WEBSOCKET"),  # archc's api_gateway is REST or HTTP
}


def _not_the_type(item: Item) -> bool:
    rule = NOT_THE_TYPE.get(item.decl.type)
    return rule is not None and item.decl.properties.get(rule[0]) == rule[1]


def _archc_type(item: Item) -> str | None:
    """The model type a generated resource states (``Metadata.archc.type``), where its own type does not say it."""
    meta = item.decl.metadata.get("archc")
    value = meta.get("type") if isinstance(meta, dict) else None
    return value if isinstance(value, str) else None


_CDK_HASH = re.compile(r"^(?P<name>[A-Za-z][A-Za-z0-9]*?)[0-9A-F]{8}$")


def _cdk_name(logical_id: str) -> str | None:
    m = _CDK_HASH.match(logical_id)
    return m.group("name") if m else None


def _readable(item: Item) -> str:
    """A logical id without the hash CDK appends (``Service9571FDD8`` → ``Service``) when the
    stack is CDK's and the shorter name is unique in it."""
    lid = item.decl.logical_id
    m = _CDK_HASH.match(lid)
    if m is None or not item.stack.cdk:
        return lid
    name = m.group("name")
    clash = sum(1 for other in item.stack.template.resources if _cdk_name(other) == name)
    return name if clash == 1 and name not in item.stack.template.resources else lid


def _fold_target(ctx: Context, item: Item, secondaries: dict[str, tuple[str, ...]],
                 referrers: dict[tuple[str, str], list[tuple[str, str]]]) -> str | None:
    rtype = item.decl.type
    if item.key in ctx.pulled:
        return ctx.owner.get(ctx.pulled[item.key])
    for path in FOLDS.get(rtype, ()):
        raw = ctx.raw(item, *path)
        if raw is None:
            continue
        mid = ctx.ref_of(item, item.resolver.resolve(raw))
        if mid is None:
            mids = ctx.all_refs(item, *path)
            mid = mids[0] if mids else None
        if mid is not None:
            return mid
    if rtype == "AWS::EC2::RouteTable":  # into the first subnet associated with it
        for src in sorted(referrers.get(item.key, [])):
            s_item = ctx.items[src]
            if s_item.decl.type == "AWS::EC2::SubnetRouteTableAssociation":
                mid = ctx.ref(s_item, "SubnetId")
                if mid is not None:
                    return mid
    wanted = secondaries.get(rtype, ())
    if wanted or rtype in FOLDS:
        for src in sorted(referrers.get(item.key, [])):  # named by a resource of a type it belongs to
            mid = ctx.owner.get(src)
            if mid is not None and (ctx.kind.get(mid) in wanted or not wanted):
                return mid
        for target in sorted(ctx.all_refs(item)):  # or naming one
            if ctx.kind.get(target) in wanted:
                return target
    return None


# -- building -----------------------------------------------------------------------------------


def _exports(ctx: Context) -> None:
    for stack in ctx.stacks:
        tpl = stack.template
        resolver = Resolver(tpl.parameters, tpl.mappings, tpl.conditions, tpl.resources, _pseudo(ctx, stack))
        for out in tpl.outputs.values():
            if not isinstance(out, dict) or not isinstance(out.get("Export"), dict):
                continue
            name = resolver.resolve(out["Export"].get("Name"))
            value = resolver.resolve(out.get("Value"))
            if isinstance(name, str):
                if isinstance(value, ResourceRef):
                    value = ResourceRef(value.logical_id, value.attribute, stack.name)
                ctx._export[name] = value


def _pseudo(ctx: Context, stack: Stack) -> dict[str, str]:
    out = {"AWS::StackName": stack.name}
    region = stack.region or ctx.region
    account = stack.account_id or ctx.account
    if region:
        out["AWS::Region"] = region
    if account:
        out["AWS::AccountId"] = account
    return out


def infer(stacks: list[Stack], account: str | None = None, region: str | None = None, name: str | None = None,
          accounts: Sequence[AccountOption] = ()) -> tuple[Architecture, Report]:
    """The architecture *stacks* describe, and a report of what was typed, folded, kept and unresolved.

    *account* is the id of the account of stacks whose environment names none; *accounts* are the
    ``--account KEY[=ID]`` options (`archc.importers.accounts`): the first is that default account
    (its key, and its id unless *account* gives one), and each ``KEY=ID`` names account ID."""
    from archc.importers.cloudformation_readers import CONNECTORS, READERS

    default_key, default_id = accounts[0] if accounts else (None, None)
    ctx = Context(stacks, region, account or default_id, default_key, {aid: key for key, aid in accounts if aid})
    for stack in stacks:
        if any(t.startswith("AWS::Serverless") for t in stack.template.transform):
            from archc.importers.cloudformation_sam import expand

            ctx.report.notes += expand(stack.template, stack.template.globals)
    model_accounts = _accounts(ctx)
    _exports(ctx)
    for stack in stacks:
        tpl = stack.template
        resolver = Resolver(tpl.parameters, tpl.mappings, tpl.conditions, tpl.resources, _pseudo(ctx, stack), ctx._export)
        for decl in tpl.resources.values():
            item = Item(stack, decl, resolver)
            ctx.items[item.key] = item
            if decl.condition and not isinstance(resolver.condition(decl.condition), bool):
                ctx.unconditional.append(item)
        for lid, target, path in tpl.unknown_refs:
            pos = tpl.position((*tpl.resources[lid].path, *path))
            ctx.report.unresolved.append(f"{pos.file}:{pos.line}:{pos.col}: {lid} refers to {target}, which the transform {', '.join(tpl.transform)} adds")
    for stack in stacks:
        if stack.parent is not None:
            parent, _, lid = stack.name.rpartition(".")
            ctx.nested[(parent, lid)] = stack
    for key in list(ctx.items):
        rtype = ctx.items[key].decl.type
        if key in ctx.nested or rtype in SKIPPED:
            del ctx.items[key]
            what = f"nested stack, imported from {ctx.nested[key].template.file}" if key in ctx.nested else SKIPPED[rtype]
            ctx.report.skipped.append(f"{key[1]} ({rtype}): {what}")
    ctx.report.total = len(ctx.items) + len(ctx.report.skipped)
    _group(ctx)
    from archc.importers.cloudformation_parameters import generated, keep

    model_uses: dict[str, set[str]] = {}  # of stacks archc built: the parameters the model's escape hatches name
    for item in ctx.items.values():
        if ctx.kind.get(ctx.owner.get(item.key, ""), "") not in RESOURCE_CLASSES and generated(item.stack):
            params = item.stack.template.parameters
            model_uses.setdefault(item.stack.name, set()).update(
                lid for lid, attr, _p in references(item.decl.properties) if attr is None and lid in params)
    ctx.names = keep(stacks, set(ctx.primary), model_uses)
    ctx.report.notes += ctx.names.notes
    ctx.report.parameters, ctx.report.conditions = len(ctx.names.parameters), len(ctx.names.conditions)
    for item in ctx.items.values():
        connector = CONNECTORS.get(item.decl.origin or item.decl.type)
        if connector is not None:
            connector(ctx, item)
    resources: dict[str, Any] = {}
    for mid, main in ctx.primary.items():
        resources[mid] = _resource(ctx, mid, main, READERS)
        ctx.report.folded += len(ctx.members[mid]) - 1
    from archc.importers.cloudformation_access import apply_ingress, apply_policies

    apply_policies(ctx, resources)
    apply_ingress(ctx, resources)
    for rid, res in ctx.extra.items():
        resources.setdefault(rid, res)
    primaries = primary_types()
    for item in ctx.unconditional:
        owner = ctx.owner.get(item.key)
        if owner is not None and not isinstance(resources.get(owner), CfnResource):
            cond = ctx.names.condition(item.stack.name, str(item.decl.condition)) or str(item.decl.condition)
            ctx.report.unresolved.append(f"{item.where()}: {item.decl.logical_id} exists only under condition {item.decl.condition}, "
                                         f"which the template does not fix; imported as if it does (the model file says so in a comment)")
            ctx.comment(owner, f"{item.decl.logical_id} exists only under Condition {cond} (conditions: {cond}); archc builds it unconditionally")
    for key, item in ctx.items.items():
        if item.decl.type in primaries:
            ctx.report.typeable += 1
            ctx.report.typeable_typed += not isinstance(resources.get(ctx.owner.get(key, "")), CfnResource)
    _fit_references(ctx, resources)
    conns = _fitting(ctx, resources)
    if name is None:
        name = stacks[0].name if len(stacks) == 1 else "imported"
    arch = Architecture.model_construct(name=model_id(name), accounts=model_accounts, resources=dict(sorted(resources.items())),
                                        connections=sorted(conns, key=lambda c: (c.source, c.target, c.verb)),
                                        parameters=dict(sorted(ctx.names.parameters.items())),
                                        conditions=dict(sorted(ctx.names.conditions.items())))
    return arch, ctx.report


def _fit_references(ctx: Context, resources: dict[str, Any]) -> None:
    """Drop references that name no resource of a fitting type (a compute's own security group
    folded into it, a role kept as escape hatch): the template keeps them, the model cannot."""
    from archc.model.references import iter_refs

    for rid, res in list(resources.items()):
        bad = [s for s in iter_refs(res) if not (s.field.startswith("properties") and s.target in ctx.names.parameters)
               and (s.target not in resources or (s.kinds and resources[s.target].type not in s.kinds))]
        if not bad:
            continue
        data = res.model_dump(exclude_defaults=True, exclude_none=True, mode="json")
        data["type"] = res.type
        for site in sorted(bad, key=lambda s: s.path, reverse=True):
            head = site.path[0]
            if len(site.path) == 1:
                data.pop(head, None)
            elif isinstance(data.get(head), list) and isinstance(site.path[1], int) and site.path[1] < len(data[head]):
                del data[head][site.path[1]]
            if site.target not in resources or not _folded_into(ctx, site.target, rid):
                ctx.report.notes.append(f"{rid}.{'.'.join(str(p) for p in site.path)}: {site.target} is not a {' or '.join(site.kinds)}; left out")
        try:
            resources[rid] = type(res).model_validate(data)
        except ValidationError as exc:
            ctx.report.notes.append(f"{rid}: {exc.errors()[0]['msg']} once references to nothing are left out")


def _folded_into(ctx: Context, target: str, rid: str) -> bool:
    return target == rid


def _fitting(ctx: Context, resources: dict[str, Any]) -> list[Connection]:
    """The connections between resources that exist, each verb checked against the final types."""
    out: list[Connection] = []
    seen: set[tuple[str, str, str]] = set()
    for c in ctx.connections:
        if c.source not in resources or c.target not in resources:
            continue
        info = VERBS[c.verb]
        s_type, t_type = resources[c.source].type, resources[c.target].type
        if (info.targets and t_type not in info.targets) or (info.sources and s_type not in info.sources):
            c = c.model_copy(update={"verb": "relates", "label": c.label or info.label})
        if (c.source, c.target, c.verb) not in seen:
            seen.add((c.source, c.target, c.verb))
            out.append(c)
    return out


def _resource(ctx: Context, mid: str, main: Item, readers: dict[str, Any]) -> Any:
    kind = ctx.kind[mid]
    base: dict[str, Any] = {"account": ctx.stack_account[main.stack.name]}
    acct_region = None
    base_region = ctx.stack_region[main.stack.name]
    for s in ctx.stacks:
        if ctx.stack_account[s.name] == base["account"]:
            acct_region = ctx.stack_region[s.name]
            break
    if base_region != acct_region:
        base["region"] = base_region
    if kind in RESOURCE_CLASSES and kind != "cloudformation":
        fields: dict[str, Any] = {}
        reader = readers.get(kind)
        if reader is not None:
            fields = reader(ctx, main)
        fields.update(ctx.patches.get(mid, {}))
        data = {"type": kind, **base, **{k: v for k, v in fields.items() if v is not None}}
        try:
            res = RESOURCE_CLASSES[kind].model_validate(data)
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"])
            ctx.report.notes.append(f"kept as escape hatch: {main.where()}: {main.decl.logical_id} ({main.decl.type}) does not make a valid "
                                    f"{kind}: {where}: {err['msg']}")
            ctx.kind[mid] = main.decl.type
        else:
            ctx.report.typed[kind] = ctx.report.typed.get(kind, 0) + 1
            return res
    ctx.report.kept[main.decl.type] = ctx.report.kept.get(main.decl.type, 0) + 1
    hatch: dict[str, Any] = {"type": main.decl.type, **base, "properties": _plain(_model_properties(ctx, main))}
    if main.decl.condition:
        hatch["condition"] = ctx.names.condition(main.stack.name, main.decl.condition) or main.decl.condition
    return CfnResource.model_validate(hatch)


class _Unfixed(Exception):
    """A property value that depends on what the template does not fix (or on what the model does not have)."""


def _model_properties(ctx: Context, item: Item) -> dict[str, Any]:
    """An escape hatch's properties in the model's words: a reference to a template resource becomes
    a reference to the model resource it became; parameters, mappings and conditions are resolved;
    pseudo parameters stay. A property that depends on anything else is left out and reported, so
    the model never names what it does not have."""
    out: dict[str, Any] = {}
    for key, value in item.decl.properties.items():
        try:
            out[str(key)] = _model_value(ctx, item, value)
        except _Unfixed as exc:
            ctx.report.unresolved.append(f"{item.where(key)}: {item.decl.logical_id}.{key} left out of the model: {exc}")
    return out


def _model_ref(ctx: Context, item: Item, lid: str) -> str:
    """The model id whose main resource is template resource *lid*."""
    mid = ctx.owner.get((item.stack.name, lid))
    if mid is None:
        raise _Unfixed(f"{lid} is not in the model")
    target = ctx.items.get((item.stack.name, lid))
    kind = ctx.type_of(mid)
    if target is not None and kind is not None and kind in TYPES and target.decl.type not in TYPES[kind].cfn_types[:TYPES[kind].mains] \
            and not kind.startswith(CFN_TYPE_PREFIXES):
        raise _Unfixed(f"{lid} ({target.decl.type}) became part of {mid} ({kind}), which has no resource of its own to name")
    return mid


def _fixed(value: Any) -> bool:
    if isinstance(value, (Unresolved, ResourceRef)):
        return False
    if isinstance(value, dict):
        return all(_fixed(v) for v in value.values())
    if isinstance(value, list):
        return all(_fixed(v) for v in value)
    return True


def _model_value(ctx: Context, item: Item, value: Any) -> Any:
    if isinstance(value, list):
        return [_model_value(ctx, item, v) for v in value]
    if not isinstance(value, dict):
        return value
    fn = function_of(value)
    if fn is None:
        return {k: _model_value(ctx, item, v) for k, v in value.items()}
    arg = value[fn]
    if fn == "Ref" and isinstance(arg, str):
        if arg in PSEUDO:
            return value
        if arg in item.stack.template.resources:
            return {"Ref": _model_ref(ctx, item, arg)}
        param = ctx.names.parameter(item.stack.name, arg)
        if param is not None:  # the model keeps the parameter: the property names it, as the template does
            return {"Ref": param}
    elif fn == "Fn::If" and isinstance(arg, list) and len(arg) == 3 and isinstance(arg[0], str):
        cond = ctx.names.condition(item.stack.name, arg[0])
        if cond is not None:  # the model keeps the condition: both branches stay
            return {"Fn::If": [cond, _model_value(ctx, item, arg[1]), _model_value(ctx, item, arg[2])]}
    elif fn == "Fn::GetAtt" and isinstance(arg, list) and len(arg) == 2 and all(isinstance(a, str) for a in arg) \
            and arg[0] in item.stack.template.resources:
        return {"Fn::GetAtt": [_model_ref(ctx, item, arg[0]), arg[1]]}
    elif fn == "Fn::Sub":
        text, local = (arg[0], arg[1] if len(arg) > 1 else {}) if isinstance(arg, list) and arg else (arg, {})
        if isinstance(text, str) and isinstance(local, dict):
            return _model_sub(ctx, item, text, local)
    if fn in _KEPT_AS_WRITTEN and _names_kept(ctx, item, arg):  # a parameter or condition the model keeps: not its default
        return {fn: _model_value(ctx, item, arg)}
    resolved = item.resolver.resolve(value)
    if _fixed(resolved):
        return resolved
    if isinstance(resolved, ResourceRef) and fn == "Fn::ImportValue":  # another imported stack's export
        key = (resolved.stack or item.stack.name, resolved.logical_id)
        mid = ctx.owner.get(key)
        if mid is not None and ctx.primary.get(mid) is ctx.items.get(key):
            return {"Ref": mid} if resolved.attribute is None else {"Fn::GetAtt": [mid, resolved.attribute]}
    if fn in _KEPT_AS_WRITTEN:  # what only the deployment fixes: kept, with the names inside it the model's
        return {fn: _model_value(ctx, item, arg)}
    raise _Unfixed(f"{fn} depends on {resolved}" if isinstance(resolved, Unresolved) else f"{fn} cannot be fixed statically")


def _names_kept(ctx: Context, item: Item, value: Any) -> bool:
    """Whether *value* names a parameter (``Ref``, ``${Name}``) or a condition (``Fn::If``) the model keeps."""
    stack = item.stack.name
    if any(attr is None and ctx.names.parameter(stack, lid) for lid, attr, _p in references(value)):
        return True
    todo = [value]
    while todo:
        v = todo.pop()
        if isinstance(v, dict):
            if isinstance(v.get("Fn::If"), list) and v["Fn::If"] and ctx.names.condition(stack, str(v["Fn::If"][0])):
                return True
            todo.extend(v.values())
        elif isinstance(v, list):
            todo.extend(v)
    return False


# intrinsics an escape hatch keeps as the template writes them when they cannot be evaluated
# statically (build writes them back): they depend on the deployment, not on anything the model lacks
_KEPT_AS_WRITTEN = frozenset({"Fn::Join", "Fn::Select", "Fn::Split", "Fn::GetAZs", "Fn::Base64", "Fn::Cidr", "Fn::ImportValue",
                              "Fn::Length", "Fn::ToJsonString"})


def _model_sub(ctx: Context, item: Item, text: str, local: dict[str, Any]) -> Any:
    """A ``Fn::Sub`` with template resources renamed to model ids and parameters filled in."""
    def name(m: re.Match[str]) -> str:
        var = m.group(1)
        head, dot, attr = var.partition(".")
        head = head.strip()
        if head in local or head in PSEUDO:
            return m.group(0)
        if head in item.stack.template.resources:
            return "${" + _model_ref(ctx, item, head) + dot + attr + "}"
        param = ctx.names.parameter(item.stack.name, head)
        if param is not None and not dot:
            return "${" + param + "}"
        resolved = item.resolver.resolve({"Ref": head})
        if not dot and isinstance(resolved, (str, int, float)) and not isinstance(resolved, bool):
            return str(resolved).replace("${", "${!")
        raise _Unfixed(f"${{{var}}} depends on {resolved}" if isinstance(resolved, Unresolved) else f"${{{var}}} cannot be fixed statically")

    body = re.sub(r"\$\{(?!!)([^}]+)\}", name, text)
    fixed_local = {k: _model_value(ctx, item, v) for k, v in local.items()}
    if not fixed_local and not re.search(r"\$\{(?!!)", body):  # nothing left to substitute: plain text
        return body.replace("${!", "${")
    return {"Fn::Sub": [body, fixed_local] if fixed_local else body}


def _plain(value: Any) -> Any:
    """Properties as data that survives YAML and JSON (non-finite floats as text)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value



# -- the command's entry ------------------------------------------------------------------------


def is_cloudformation_source(path: str) -> bool:
    """What `archc import` reads as CloudFormation: a directory (templates or a cloud assembly),
    a .json/.yaml/.yml/.template file, or a file whose content is a template."""
    import os

    from archc.cloudformation.assembly import TEMPLATE_SUFFIXES, looks_like_template_file

    if os.path.isdir(path):
        return True
    if path.endswith(TEMPLATE_SUFFIXES):
        return True
    return os.path.isfile(path) and looks_like_template_file(path)


def import_source(path: str, accounts: Sequence[AccountOption], region: str | None,
                  fail: Callable[[str], NoReturn]) -> tuple[Architecture, Report]:
    """The architecture of the templates at *path*; *fail(message)* for bad input (never returns).
    *accounts* are the ``--account KEY[=ID]`` options (`archc.importers.accounts`)."""
    from archc.cloudformation.assembly import load_stacks
    from archc.cloudformation.errors import TemplateError
    from archc.model.fields import REGION_PATTERN

    if region is not None and not REGION_PATTERN.match(region):
        fail(f"--region {region}: expected an AWS region like us-west-2")
    try:
        stacks = load_stacks(path)
        arch, report = infer(stacks, region=region, accounts=accounts)
    except TemplateError as exc:
        fail(str(exc))
    except RecursionError:
        fail(f"{path}: a value is nested too deeply to be a template")
    held = {a.id for a in arch.accounts.values()}
    for key, aid in accounts[1:]:
        if aid is not None and aid not in held:
            report.notes.append(f"--account {key}={aid}: no stack of {path} is deployed to account {aid}")
    return arch, report
