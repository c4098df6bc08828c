"""The compiler's working state: generated resources (units), references between them, parameters,
IAM grants, security-group rules and the errors found on the way.

A *unit* is one CloudFormation resource (a troposphere object) generated for one model resource.
Units refer to each other only through `XRef` (never ``Ref``/``GetAtt`` directly), because which
stack each unit lands in is decided later: an `XRef` becomes a ``Ref``/``Fn::GetAtt`` inside one
stack, an ``Fn::ImportValue`` across stacks of one account and region, and a parameter fed from
another stack's output across regions or accounts (`archc.compiler.stacks`).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from troposphere import AWSHelperFn, AWSObject, Sub, encode_to_dict

from archc.compiler.naming import LogicalIds
from archc.diagnostics import Diagnostic, ModelError, Path
from archc.model.architecture import Architecture
from archc.model.queries import ConnectionIndex, connections_from, connections_to, roles_of, who
from archc.model.resources import ResourceBase

XREF_KEY = "__archc_xref__"
PARAM_KEY = "__archc_param__"


class CompileError(ModelError):
    """The model cannot be compiled: every problem found, each with a model path."""


@dataclass(frozen=True, slots=True)
class Placement:
    account: str  # account key
    account_id: str
    region: str

    @property
    def group(self) -> tuple[str, str]:
        return (self.account, self.region)


class XRef(AWSHelperFn):  # type: ignore[misc]
    """A reference to another unit: ``Ref`` (attr None) or ``Fn::GetAtt`` (attr), resolved per stack.

    ``is_list`` marks list-valued attributes (a hosted zone's NameServers): they cross stacks joined
    with commas and come back as a CommaDelimitedList parameter or an ``Fn::Split``.
    """

    def __init__(self, target: str, attr: str | None = None, is_list: bool = False) -> None:
        self.target = target
        self.attr = attr
        self.is_list = is_list
        self.data = None

    def to_dict(self) -> Any:
        return {XREF_KEY: [self.target, self.attr, self.is_list]}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, XRef) and (self.target, self.attr) == (other.target, other.attr)

    def __hash__(self) -> int:
        return hash((self.target, self.attr))


class ParamRef(AWSHelperFn):  # type: ignore[misc]
    """A ``Ref`` to a template parameter declared with `Context.param`."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.data = None

    def to_dict(self) -> Any:
        return {PARAM_KEY: self.name}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ParamRef) and self.name == other.name

    def __hash__(self) -> int:
        return hash(self.name)


@dataclass(slots=True)
class ParamSpec:
    """An input that is not architecture: the operator supplies it at deploy time."""

    name: str
    type: str
    description: str
    no_echo: bool = False
    default: str | None = None
    allowed_pattern: str | None = None

    def to_cfn(self) -> dict[str, Any]:
        out: dict[str, Any] = {"Type": self.type, "Description": self.description}
        if self.no_echo:
            out["NoEcho"] = True
        if self.default is not None:
            out["Default"] = self.default
        if self.allowed_pattern is not None:
            out["AllowedPattern"] = self.allowed_pattern
        return out


@dataclass(slots=True)
class Unit:
    logical_id: str
    resource: AWSObject
    node: str  # the model id it was generated for
    placement: Placement
    after: set[str] = field(default_factory=set)  # order-only dependencies (logical ids)
    skips: dict[str, str] = field(default_factory=dict)  # checkov check id → reason
    notes: dict[str, Any] = field(default_factory=dict)  # extra Metadata.archc entries
    lint_ignores: dict[str, str] = field(default_factory=dict)  # cfn-lint rule id → reason (kept in Metadata.archc)
    # filled by the stack builder
    body: dict[str, Any] | None = None
    refs: list[tuple[str, str | None, bool]] = field(default_factory=list)
    params: list[str] = field(default_factory=list)
    size: int = 0

    def skip(self, check_id: str, reason: str) -> None:
        self.skips[check_id] = reason

    def metadata(self) -> dict[str, Any]:
        archc: dict[str, Any] = {"node": self.node, **self.notes}
        meta: dict[str, Any] = {"archc": archc}
        if self.lint_ignores:
            archc["cfn_lint_ignored"] = dict(sorted(self.lint_ignores.items()))
            meta["cfn-lint"] = {"config": {"ignore_checks": sorted(self.lint_ignores)}}
        if self.skips:
            meta["checkov"] = {"skip": [{"id": k, "comment": v} for k, v in sorted(self.skips.items())]}
        return meta


@dataclass(slots=True)
class Statement:
    """One IAM policy statement granted to a role."""

    sid: str
    actions: tuple[str, ...]
    resources: list[Any]
    condition: dict[str, Any] | None = None
    reason: str | None = None  # why a resource is a wildcard (no resource-level permissions)
    effect: str = "Allow"

    def key(self) -> str:
        return json.dumps([self.effect, self.actions, encode_to_dict(self.resources), self.condition], sort_keys=True, default=str)

    def to_policy(self) -> dict[str, Any]:
        out: dict[str, Any] = {"Sid": self.sid, "Effect": self.effect, "Action": list(self.actions),
                               "Resource": self.resources if len(self.resources) != 1 else self.resources[0]}
        if self.condition:
            out["Condition"] = self.condition
        return out


@dataclass(slots=True)
class SgRule:
    """An egress rule kept inline on a security group (ingress rules are resources of their own)."""

    description: str
    port: int | None  # None: all traffic / special
    protocol: str = "tcp"
    cidr: str | None = None
    dest_sg: Any = None
    to_port: int | None = None

    def to_cfn(self) -> dict[str, Any]:
        out: dict[str, Any] = {"Description": self.description, "IpProtocol": self.protocol}
        if self.port is not None:
            out["FromPort"] = self.port
            out["ToPort"] = self.to_port if self.to_port is not None else self.port
        if self.cidr:
            out["CidrIp"] = self.cidr
        if self.dest_sg is not None:
            out["DestinationSecurityGroupId"] = self.dest_sg
        return out


# Egress that allows nothing (AWS keeps an implicit allow-all when no egress rule is given).
NO_EGRESS = SgRule("Disallow all traffic", 252, "icmp", cidr="255.255.255.255/32", to_port=86)


class Context:
    """Everything the compile functions share for one build."""

    def __init__(self, arch: Architecture) -> None:
        self.arch = arch
        self.ids = LogicalIds(list(arch.resources))
        self.units: dict[str, Unit] = {}
        self.params: dict[str, ParamSpec] = {}
        self.errors: list[Diagnostic] = []
        self.main: dict[str, str] = {}  # model id → logical id of its main resource
        self.out: ConnectionIndex = connections_from(arch.connections)
        self.inc: ConnectionIndex = connections_to(arch.connections)
        # indexes over the model (so that nothing scans every resource per resource)
        self.services_of: dict[str, list[str]] = defaultdict(list)  # task definition → services running it
        self.readers_of: dict[str, list[str]] = defaultdict(list)  # aurora cluster → its aurora_readers
        self.lbs_of_tg: dict[str, list[str]] = defaultdict(list)  # target group → load balancers forwarding to it
        self.role_users: dict[str, set[str]] = defaultdict(set)  # role → compute running with it (functions, tasks, services)
        for rid in sorted(arch.resources):
            res = arch.resources[rid]
            for role in roles_of(res):
                self.role_users[role].add(rid)
            if res.type == "ecs_service" and res.task_definition:
                self.services_of[res.task_definition].append(rid)
            elif res.type == "aurora_readers" and res.cluster:
                self.readers_of[res.cluster].append(rid)
            elif res.type == "load_balancer":
                for listener in res.listeners:
                    if listener.target_group and rid not in self.lbs_of_tg[listener.target_group]:
                        self.lbs_of_tg[listener.target_group].append(rid)
        # IAM: role model id → statements; role model id → service principals / trusted role ARNs
        self.grants: dict[str, list[Statement]] = defaultdict(list)
        self._grant_keys: dict[str, set[str]] = defaultdict(set)
        self.trust_services: dict[str, set[str]] = defaultdict(set)
        self.trust_roles: dict[str, dict[str, Any]] = defaultdict(dict)  # role → {role id: arn}
        # security groups: model id → logical id of the group its rules go into
        self.sg: dict[str, str] = {}
        self.sg_egress: dict[str, list[SgRule]] = defaultdict(list)
        self._ingress_keys: set[tuple[str, str, int, str]] = set()
        # security group logical id → (owner model id, vpc model id, description, explicit ingress rules)
        self.sg_info: dict[str, tuple[str, str, str, list[Any]]] = {}
        self.igw_attachment: dict[str, str] = {}  # vpc model id → logical id of its gateway attachment
        self.alias: dict[str, str] = {}  # lambda model id → logical id of its alias (provisioned concurrency)
        self.log_target: dict[str, str] = {}  # compute model id → logical id of the log group it writes to
        self.tg_listeners: dict[str, list[str]] = defaultdict(list)  # target group model id → listener logical ids
        self.singletons: dict[str, str] = {}  # one-per-account/region things already made (key → logical id)
        self.api_stage: dict[str, str] = {}  # api model id → logical id of its stage
        self.bucket_readers: dict[str, list[str]] = defaultdict(list)  # bucket → CloudFront distributions reading it (OAC)
        self.bucket_statements: dict[str, list[dict[str, Any]]] = defaultdict(list)  # bucket → extra policy statements
        self.key_statements: dict[str, list[dict[str, Any]]] = defaultdict(list)  # kms key → extra key policy statements
        self.bucket_notifications: dict[str, list[Any]] = defaultdict(list)  # bucket → LambdaConfigurations
        self.queue_statements: dict[str, list[dict[str, Any]]] = defaultdict(list)  # queue → extra policy statements
        self.bucket_after: dict[str, list[str]] = defaultdict(list)  # bucket → logical ids it must follow (invoke permissions)
        self.alarm_actions: dict[str, list[Any]] = defaultdict(list)  # alarm model id → SNS topic refs

    # --- model lookups -----------------------------------------------------------------------

    def res(self, rid: str) -> Any:
        return self.arch.resources[rid]

    def type_of(self, rid: str) -> str:
        return self.arch.resources[rid].type

    def placement(self, rid: str) -> Placement:
        res: ResourceBase = self.arch.resources[rid]
        key = res.account or ""
        acct = self.arch.accounts.get(key)
        region = self.arch.region_of(rid) or (acct.region if acct else "us-east-1")
        return Placement(key, (acct.id if acct else None) or "000000000000", region)

    def path(self, rid: str, *rest: str | int) -> Path:
        return ("resources", rid, *rest)

    def error(self, path: Path, message: str, help: str | None = None) -> None:
        self.errors.append(Diagnostic("ARC900", message, tuple(path), help=help, name="compile"))

    def who(self, rid: str) -> str:
        """``resource 'RDS' (aurora_cluster)`` — the resource in the user's words."""
        return who(rid, self.type_of(rid))

    def services_of_all(self) -> list[str]:
        return [svc for services in self.services_of.values() for svc in services]

    # --- units -------------------------------------------------------------------------------

    def add(self, resource: AWSObject, node: str, placement: Placement | None = None) -> Unit:
        """Register *resource* (its title is the logical id, from `new_id` or `main`)."""
        lid = resource.title
        assert lid is not None and lid not in self.units, lid
        unit = Unit(lid, resource, node, placement or self.placement(node))
        self.units[lid] = unit
        return unit

    def new_id(self, rid: str, suffix: str) -> str:
        return self.ids.claim(rid, suffix)

    def ref(self, rid_or_lid: str, attr: str | None = None, is_list: bool = False) -> XRef:
        """A reference to the main resource of model id *rid_or_lid*, or to a unit by logical id."""
        lid = self.main.get(rid_or_lid, rid_or_lid)
        return XRef(lid, attr, is_list)

    def param(self, name: str, type_: str, description: str, *, no_echo: bool = False, default: str | None = None,
              allowed_pattern: str | None = None) -> ParamRef:
        if name not in self.params:
            self.params[name] = ParamSpec(name, type_, description, no_echo, default, allowed_pattern)
        return ParamRef(name)

    # --- IAM ---------------------------------------------------------------------------------

    def grant(self, role: str, stmt: Statement) -> None:
        key = stmt.key()
        if key in self._grant_keys[role]:
            return
        self._grant_keys[role].add(key)
        self.grants[role].append(stmt)

    def role_arn(self, role: str) -> Any:
        """The ARN of role *role*: a literal when it has a fixed name (usable across accounts)."""
        res = self.res(role)
        if res.role_name:
            p = self.placement(role)
            return Sub(f"arn:${{AWS::Partition}}:iam::{p.account_id}:role/{res.role_name}")
        return self.ref(role, "Arn")

    # --- security groups ---------------------------------------------------------------------

    def egress(self, rid: str, rule: SgRule) -> None:
        sg = self.sg.get(rid)
        if sg is None:
            return
        if all(r.to_cfn() != rule.to_cfn() for r in self.sg_egress[sg]):  # to_cfn of XRef is a marker dict
            self.sg_egress[sg].append(rule)

    def seen_ingress(self, key: tuple[str, str, int, str]) -> bool:
        if key in self._ingress_keys:
            return True
        self._ingress_keys.add(key)
        return False

