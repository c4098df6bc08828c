"""The compiler's working state, phase by phase (the protocol is in `archc.compiler`'s docstring).

- `ModelIndex`: facts derived from the model once (connections per resource, who runs what).
- `Declared`: the logical ids decided before anything compiles (phase 1, `archc.compiler.declare`).
- `AsksBuilder` → `Asks`: what resources and connections ask of other resources (IAM statements per
  role, security-group egress, key/queue policy statements, bucket notifications, alarm actions…),
  gathered in phase 2 (`archc.compiler.asks`) and frozen before any compile function reads it.
- `Context`: the model with typed access (`get`, `of_type`), the units generated so far, parameters
  and errors. Compile functions (phase 3) read `Declared` and `Asks` and only add units.

A *unit* is one CloudFormation resource (a troposphere object) generated for one model resource.
Units refer to each other only through `XRef` (never ``Ref``/``GetAtt`` directly), because which
stack each unit lands in is decided later: an `XRef` becomes a ``Ref``/``Fn::GetAtt`` inside one
stack, an ``Fn::ImportValue`` across stacks of one account and region, and a parameter fed from
another stack's output across regions or accounts (`archc.compiler.stacks`).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, TypeVar

from troposphere import AWSHelperFn, AWSObject, Sub, encode_to_dict

from archc.compiler.naming import LogicalIds
from archc.diagnostics import Diagnostic, ModelError, Path
from archc.model.architecture import Architecture
from archc.model.mounts import Mount
from archc.model.queries import ConnectionIndex, connections_from, connections_to, roles_of, who
from archc.model.resources import RESOURCE_CLASSES, IamRole, ResourceBase

XREF_KEY = "__archc_xref__"
DEFAULT_LOG_RETENTION_DAYS = 365  # a year, when the model states no retention
PARAM_KEY = "__archc_param__"
R = TypeVar("R", bound=ResourceBase)
T = TypeVar("T")
TYPE_NAMES: dict[type[ResourceBase], str] = {cls: name for name, cls in RESOURCE_CLASSES.items()}


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
    cfn: dict[str, Any] | None = None  # a model parameter's declaration, as the model writes it
    source: str = "operator"  # what the manifest says supplies it

    def to_cfn(self) -> dict[str, Any]:
        if self.cfn is not None:
            return dict(self.cfn)
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
        return json.dumps([self.effect, self.actions, encode_to_dict(self.resources), encode_to_dict(self.condition)], sort_keys=True, default=str)

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


def need(value: T | None) -> T:
    """A field a sketch may leave out but a build needs: `archc.compiler.build` refused the model already when it is unset."""
    if value is None:
        raise TypeError("a field needed to build is unset (the build's completeness check should have said so)")
    return value


@dataclass(slots=True)
class SgSpec:
    """A security group the build makes: a model `security_group` or one generated for a resource."""

    owner: str  # model id of the resource it is made for (or the group itself)
    vpc: str
    description: str
    explicit_ingress: list[Any] = field(default_factory=list)  # the model group's own ingress rules


class ModelIndex:
    """Indexes over the model, built once, so that nothing scans every resource per resource."""

    def __init__(self, arch: Architecture) -> None:
        self.out: ConnectionIndex = connections_from(arch.connections)
        self.inc: ConnectionIndex = connections_to(arch.connections)
        self.services_of: dict[str, list[str]] = defaultdict(list)  # task definition → services running it
        self.readers_of: dict[str, list[str]] = defaultdict(list)  # aurora cluster → its aurora_readers
        self.lbs_of_tg: dict[str, list[str]] = defaultdict(list)  # target group → load balancers forwarding to it
        self.role_users: dict[str, set[str]] = defaultdict(set)  # role → compute running with it (functions, tasks)
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


@dataclass(slots=True)
class Declared:
    """Phase 1: logical ids every later phase may refer to, decided before anything compiles."""

    main: dict[str, str] = field(default_factory=dict)  # model id → logical id of its main resource
    sg: dict[str, str] = field(default_factory=dict)  # model id → logical id of the group its rules go into
    groups: dict[str, SgSpec] = field(default_factory=dict)  # logical id → the security groups the build makes
    trust_services: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # role → services assuming it
    alias: dict[str, str] = field(default_factory=dict)  # lambda → logical id of its alias (provisioned concurrency)
    log_group: dict[str, str] = field(default_factory=dict)  # compute → logical id of the log group it writes to
    generated_log_group: set[str] = field(default_factory=set)  # compute whose log group the build generates
    listeners: dict[str, list[str]] = field(default_factory=dict)  # load balancer → logical id per listener
    tg_listeners: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # target group → listener ids
    attachment: dict[str, str] = field(default_factory=dict)  # internet gateway → logical id of its VPC attachment
    igw_attachment: dict[str, str] = field(default_factory=dict)  # vpc → logical id of its gateway attachment
    writer: dict[str, str] = field(default_factory=dict)  # aurora cluster → logical id of its writer instance
    db_log_groups: dict[str, list[str]] = field(default_factory=dict)  # aurora cluster → log groups of its exported logs
    route_table: dict[str, str] = field(default_factory=dict)  # subnet → logical id of its route table
    authorizer: dict[str, str] = field(default_factory=dict)  # api → logical id of its Cognito authorizer (clients name the api)
    efs_mount_targets: dict[str, list[str]] = field(default_factory=dict)  # file system → logical ids of its mount targets
    efs_access_points: dict[str, dict[str, str]] = field(default_factory=dict)  # file system → access point name → logical id
    mounts: dict[str, list[Mount]] = field(default_factory=dict)  # function or task definition → the EFS file systems it mounts


@dataclass(frozen=True, slots=True)
class Asks:
    """Phase 2, frozen: what resources and connections ask of each resource. Compile functions read it."""

    grants: Mapping[str, tuple[Statement, ...]]  # role → IAM statements
    trust_roles: Mapping[str, Mapping[str, Path]]  # role → {trusted role: model path that asks}
    egress: Mapping[str, tuple[SgRule, ...]]  # security group logical id → egress rules
    key_statements: Mapping[str, tuple[dict[str, Any], ...]]  # kms key → key policy statements
    queue_statements: Mapping[str, tuple[dict[str, Any], ...]]  # queue → queue policy statements
    bucket_readers: Mapping[str, tuple[str, ...]]  # bucket → CloudFront distributions reading it (OAC)
    bucket_notifications: Mapping[str, tuple[Any, ...]]  # bucket → LambdaConfigurations
    bucket_after: Mapping[str, tuple[str, ...]]  # bucket → logical ids it must follow (invoke permissions)
    alarm_actions: Mapping[str, tuple[Any, ...]]  # alarm → SNS topic refs
    web_acls: Mapping[str, tuple[str, ...]]  # API or load balancer → web ACLs a `forward` connection puts in front
    owned: tuple[Owned, ...] = ()  # the units connections own (subscriptions, permissions, ingress rules), added in phase 3


@dataclass(frozen=True)
class Owned:
    """A unit a connection owns, asked for in phase 2 and added (`Context.add`) first in phase 3."""

    resource: AWSObject
    node: str
    placement: Placement | None = None
    skips: tuple[tuple[str, str], ...] = ()  # (checkov check id, why the resource is what the model asks for)


def _frozen(d: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType({k: tuple(v) if isinstance(v, list) else MappingProxyType(dict(v)) for k, v in d.items()})


class AsksBuilder:
    """Collects `Asks` during phase 2 (duplicates dropped, first one kept); `build` freezes them."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.grants: dict[str, list[Statement]] = defaultdict(list)
        self._grant_keys: dict[str, set[str]] = defaultdict(set)
        self.trust_roles: dict[str, dict[str, Path]] = defaultdict(dict)
        self.egress_rules: dict[str, list[SgRule]] = defaultdict(list)
        self._ingress_keys: set[tuple[str, str, int, str]] = set()
        self.key_statements: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.queue_statements: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.bucket_readers: dict[str, list[str]] = defaultdict(list)
        self.bucket_notifications: dict[str, list[Any]] = defaultdict(list)
        self.bucket_after: dict[str, list[str]] = defaultdict(list)
        self.alarm_actions: dict[str, list[Any]] = defaultdict(list)
        self.web_acls: dict[str, list[str]] = defaultdict(list)
        self.owned: list[Owned] = []

    def add(self, resource: AWSObject, node: str, placement: Placement | None = None, skips: dict[str, str] | None = None) -> None:
        """A unit the asking connection owns (its logical id claimed already with `Context.new_id`)."""
        self.owned.append(Owned(resource, node, placement, tuple((skips or {}).items())))

    def grant(self, role: str, stmt: Statement) -> None:
        key = stmt.key()
        if key in self._grant_keys[role]:
            return
        self._grant_keys[role].add(key)
        self.grants[role].append(stmt)

    def egress(self, rid: str, rule: SgRule) -> None:
        """An egress rule on the group that carries *rid*'s traffic (nothing when it has none)."""
        sg = self.ctx.sg.get(rid)
        if sg is None:
            return
        if all(r.to_cfn() != rule.to_cfn() for r in self.egress_rules[sg]):  # to_cfn of XRef is a marker dict
            self.egress_rules[sg].append(rule)

    def seen_ingress(self, key: tuple[str, str, int, str]) -> bool:
        if key in self._ingress_keys:
            return True
        self._ingress_keys.add(key)
        return False

    def key_statement(self, key: str, stmt: dict[str, Any]) -> None:
        if stmt not in self.key_statements[key]:
            self.key_statements[key].append(stmt)

    def build(self) -> Asks:
        return Asks(
            grants=_frozen(self.grants), trust_roles=_frozen(self.trust_roles), egress=_frozen(self.egress_rules),
            key_statements=_frozen(self.key_statements), queue_statements=_frozen(self.queue_statements),
            bucket_readers=_frozen(self.bucket_readers), bucket_notifications=_frozen(self.bucket_notifications),
            bucket_after=_frozen(self.bucket_after), alarm_actions=_frozen(self.alarm_actions), web_acls=_frozen(self.web_acls),
            owned=tuple(self.owned),
        )


class Context:
    """The model (typed), the units generated so far, parameters and errors of one build.

    `declared` is filled by phase 1 and `asks` by phase 2; after that both are only read.
    """

    def __init__(self, arch: Architecture) -> None:
        self.arch = arch
        self.ids = LogicalIds(list(arch.resources))
        self.units: dict[str, Unit] = {}
        self.params: dict[str, ParamSpec] = {}
        self.errors: list[Diagnostic] = []
        self.index = ModelIndex(arch)
        self.out = self.index.out
        self.inc = self.index.inc
        self.declared = Declared()
        self.main = self.declared.main
        self.sg = self.declared.sg
        self.asks: Asks = AsksBuilder(self).build()  # empty until phase 2 replaces it
        self.singletons: dict[str, str] = {}  # one-per-account/region things already made (key → logical id)

    # --- model lookups -----------------------------------------------------------------------

    def stated_log_retention(self, rid: str) -> int | None:
        """The `log_retention_days` of *rid*'s account, if the model states one."""
        account = self.arch.accounts.get(self.placement(rid).account)
        return account.log_retention_days if account else None

    def log_retention_days(self, rid: str) -> int:
        """Days the log groups archc creates or causes for *rid* keep their logs: its account's `log_retention_days`."""
        return self.stated_log_retention(rid) or DEFAULT_LOG_RETENTION_DAYS

    def get(self, rid: str, cls: type[R]) -> R:
        """Resource *rid*, typed: it must be a *cls* (the build's check and the loader make sure of it)."""
        res = self.arch.resources[rid]
        if not isinstance(res, cls):
            raise TypeError(f"{self.who(rid)} is not a {TYPE_NAMES.get(cls, cls.__name__)}")
        return res

    def of_type(self, cls: type[R]) -> list[tuple[str, R]]:
        """(id, resource) of every resource of type *cls*, in id order."""
        return [(rid, res) for rid, res in sorted(self.arch.resources.items()) if isinstance(res, cls)]

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

    def role_arn(self, role: str) -> Any:
        """The ARN of role *role*: a literal when it has a fixed name (usable across accounts)."""
        res = self.get(role, IamRole)
        if res.role_name:
            p = self.placement(role)
            return Sub(f"arn:${{AWS::Partition}}:iam::{p.account_id}:role/{res.role_name}")
        return self.ref(role, "Arn")
