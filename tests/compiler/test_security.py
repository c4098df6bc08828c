"""Security properties of the built templates, asserted on their meaning (not only byte for byte).

Each property is a checker that reads the model and the templates and returns its violations, in
words. It runs on the example and on a small web model, and each checker is shown to catch a
template broken on purpose (so a checker that cannot fail would fail here).
"""

from __future__ import annotations

import copy
import ipaddress
import json
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import pytest

from archc.compiler.build import Build, compile_model
from archc.compiler.naming import model_bases
from archc.model.architecture import Architecture
from archc.model.loader import load, load_texts
from tests.compiler.helpers import BASE, model_text
from tests.conftest import EXAMPLE

WEB = model_text(
    """\
  key: {type: kms_key}
  other_key: {type: kms_key}
  data: {type: s3_bucket, encryption: kms, kms_key: key}
  plain: {type: s3_bucket}
  fn_role: {type: iam_role}
  app_role: {type: iam_role}
  exec_role: {type: iam_role}
  cert: {type: acm_certificate, domain: www.example.com}
  lb:
    type: load_balancer
    subnets: [pub_a, pub_b]
    listeners:
      - {port: 443, protocol: HTTPS, certificate: cert, target_group: tg}
      - {port: 80, protocol: HTTP, action: redirect_https}
  tg: {type: target_group, vpc: vpc, port: 8080}
  cluster: {type: ecs_cluster}
  task: {type: ecs_task_definition, vcpu: 0.25, memory_gib: 0.5, execution_role: exec_role, task_role: app_role}
  svc: {type: ecs_service, cluster: cluster, task_definition: task, subnets: [priv_a, priv_b], target_group: tg}
  fn: {type: lambda_function, role: fn_role, subnets: [priv_a, priv_b]}
  dbnet: {type: db_subnet_group, subnets: [priv_a, priv_b]}
  db: {type: aurora_cluster, engine_version: "15.4", subnet_group: dbnet, kms_key: key}
  admin: {type: security_group, vpc: vpc, ingress: [{cidr: 10.20.0.0/16, port: 22, description: bastion}]}
  users: {type: external}
""",
    """\
  - {from: users, to: lb, verb: https}
  - {from: task, to: db, verb: query}
  - {from: fn, to: db, verb: query}
  - {from: fn, to: data, verb: read}
  - {from: task, to: data, verb: write}
""",
    network=True,
)


# the newer data services (issue #11): caches (and their callers), each kind, with and without a key
CACHES = model_text(
    """\
  key: {type: kms_key}
  fn_role: {type: iam_role}
  app_role: {type: iam_role}
  exec_role: {type: iam_role}
  fn: {type: lambda_function, role: fn_role, subnets: [priv_a, priv_b]}
  cluster: {type: ecs_cluster}
  task: {type: ecs_task_definition, vcpu: 0.25, memory_gib: 0.5, execution_role: exec_role, task_role: app_role}
  svc: {type: ecs_service, cluster: cluster, task_definition: task, subnets: [priv_a, priv_b]}
  sessions: {type: elasticache, subnets: [priv_a, priv_b], kms_key: key}
  counters: {type: elasticache, mode: replication_group, subnets: [priv_a, priv_b]}
  unused: {type: elasticache, subnets: [priv_a, priv_b]}
  search: {type: opensearch_domain, subnets: [priv_a, priv_b], kms_key: key}
  logs_search: {type: opensearch_domain, subnets: [priv_a], instance_count: 1}
  zone: {type: route53_zone, domain: example.com}
  mailer: {type: ses_identity, identity: example.com, zone: zone}
  alerts_from: {type: ses_identity, identity: alerts@example.org}
""",
    """\
  - {from: fn, to: sessions, verb: read_write}
  - {from: task, to: sessions, verb: read}
  - {from: task, to: counters, verb: write}
  - {from: fn, to: search, verb: read}
  - {from: task, to: search, verb: read_write}
  - {from: fn, to: mailer, verb: send}
""",
    network=True,
)


# The types of issue #11, each with what its security properties depend on set both ways where the
# model has a switch (a table with and without a customer key, a read-only and a read-write mount).
SERVICES = model_text(
    """\
  key: {type: kms_key}
  other_key: {type: kms_key}
  fn_role: {type: iam_role}
  fn: {type: lambda_function, role: fn_role, subnets: [priv_a, priv_b]}
  reader_role: {type: iam_role}
  reader: {type: lambda_function, role: reader_role, subnets: [priv_a, priv_b]}
  logs: {type: log_group, retention_days: 365}
  orders: {type: dynamodb_table, partition_key: {name: pk}, kms_key: key}
  carts: {type: dynamodb_table, partition_key: {name: pk}}
  flow:
    type: state_machine
    kms_key: key
    log_level: ALL
    definition:
      StartAt: Pay
      States:
        Pay: {Type: Task, Resource: "arn:aws:states:::lambda:invoke", Parameters: {FunctionName: "${fn}", "Payload.$": "$"}, Next: Save}
        Save: {Type: Task, Resource: "arn:aws:states:::dynamodb:putItem", Parameters: {TableName: "${orders}", Item: {pk: {"S.$": "$.id"}}}, End: true}
  bus: {type: eventbridge_bus, kms_key: key}
  placed: {type: eventbridge_rule, bus: bus, event_pattern: {source: [shop]}}
  nightly: {type: eventbridge_schedule, expression: "rate(1 day)"}
  jobs: {type: sqs_queue, kms_key: key}
  users: {type: cognito_user_pool, domain_prefix: shop-users-test, password_min_length: 14}
  staff: {type: cognito_user_pool, mfa: optional, self_sign_up: true}
  ddb_ep: {type: vpc_endpoint, vpc: vpc, service: dynamodb, subnets: [priv_a, priv_b]}
  sqs_ep: {type: vpc_endpoint, vpc: vpc, service: sqs, subnets: [priv_a, priv_b]}
  clicks: {type: kinesis_stream, kms_key: key}
  views: {type: kinesis_stream}
  images: {type: ecr_repository, kms_key: key}
  builds: {type: ecr_repository, immutable_tags: false}
  dbnet: {type: db_subnet_group, subnets: [priv_a, priv_b]}
  pg: {type: rds_instance, engine_version: "16", subnet_group: dbnet, kms_key: key}
  my: {type: rds_instance, engine: mysql, engine_version: "8.0", subnet_group: dbnet}
  shared: {type: efs_file_system, subnets: [priv_a, priv_b], kms_key: key, access_points: [{name: data, path: /data}]}
  exec_role: {type: iam_role}
  task_role: {type: iam_role}
  cluster: {type: ecs_cluster}
  task: {type: ecs_task_definition, vcpu: 0.25, memory_gib: 0.5, execution_role: exec_role, task_role: task_role}
  svc: {type: ecs_service, cluster: cluster, task_definition: task, subnets: [priv_a, priv_b]}
""",
    """\
  - {from: flow, to: fn, verb: invoke}
  - {from: flow, to: orders, verb: write}
  - {from: flow, to: logs, verb: logs}
  - {from: placed, to: flow, verb: invoke}
  - {from: placed, to: jobs, verb: trigger}
  - {from: nightly, to: fn, verb: trigger}
  - {from: fn, to: orders, verb: read}
  - {from: fn, to: clicks, verb: write}
  - {from: fn, to: pg, verb: query}
  - {from: fn, to: shared, verb: read_write}
  - {from: fn, to: logs, verb: logs}
  - {from: reader, to: shared, verb: read}
  - {from: reader, to: my, verb: query}
  - {from: reader, to: logs, verb: logs}
  - {from: svc, to: shared, verb: read}
  - {from: task, to: logs, verb: logs}
""",
    network=True,
)


@cache
def example() -> tuple[Architecture, Build]:
    arch = load(str(EXAMPLE)).architecture
    return arch, compile_model(arch)


@cache
def web() -> tuple[Architecture, Build]:
    arch = load_texts([("model.yaml", BASE), ("main.yaml", WEB)]).architecture
    return arch, compile_model(arch)


@cache
def services() -> tuple[Architecture, Build]:
    arch = load_texts([("model.yaml", BASE), ("main.yaml", SERVICES)]).architecture
    return arch, compile_model(arch)


@cache
def caches() -> tuple[Architecture, Build]:
    arch = load_texts([("model.yaml", BASE), ("main.yaml", CACHES)]).architecture
    return arch, compile_model(arch)


MODELS = {"example": example, "web": web, "services": services, "caches": caches}


# --- reading the templates -----------------------------------------------------------------------


class Templates:
    """The build's templates with references between stacks followed back to logical ids."""

    def __init__(self, arch: Architecture, stacks: dict[str, dict[str, Any]], sources: dict[str, dict[str, Any]]) -> None:
        self.arch = arch
        self.stacks = stacks
        self.sources = sources
        self.main = model_bases(sorted(arch.resources))
        self.resources = {lid: (name, body) for name, t in stacks.items() for lid, body in t["Resources"].items()}
        self.exports = {out["Export"]["Name"]: (name, out["Value"]) for name, t in stacks.items()
                        for out in t.get("Outputs", {}).values() if "Export" in out}

    @classmethod
    def of(cls, arch: Architecture, build: Build) -> Templates:
        return cls(arch, {st.name: copy.deepcopy(st.template) for st in build.stacks}, {st.name: dict(st.sources) for st in build.stacks})

    def target(self, stack: str, value: Any) -> tuple[str, str | None] | None:
        """(logical id, attribute or None for Ref) that *value*, in *stack*, refers to."""
        if not isinstance(value, dict) or len(value) != 1:
            return None
        (fn, arg), = value.items()
        if fn == "Fn::GetAtt":
            return arg[0], arg[1]
        if fn == "Ref":
            source = self.sources[stack].get(arg)
            if isinstance(source, dict):
                out = self.stacks[source["stack"]]["Outputs"][source["output"]]["Value"]
                return self.target(source["stack"], out)
            return (arg, None) if arg in self.stacks[stack]["Resources"] else None
        if fn == "Fn::ImportValue":
            producer, out = self.exports[arg]
            return self.target(producer, out)
        if fn == "Fn::Join":
            return self.target(stack, arg[1])
        return None

    def node(self, lid: str) -> str:
        return str(self.resources[lid][1]["Metadata"]["archc"]["node"])

    def of_type(self, cfn_type: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """(stack, logical id, properties) of every resource of *cfn_type*."""
        for lid, (stack, body) in sorted(self.resources.items()):
            if body["Type"] == cfn_type:
                yield stack, lid, body.setdefault("Properties", {})

    def model_of_type(self, rtype: str) -> Iterator[tuple[str, Any]]:
        for rid, res in sorted(self.arch.resources.items()):
            if res.type == rtype:
                yield rid, res

    def group_of(self, lid: str) -> str | None:
        """The security group (logical id) that carries the traffic of resource *lid*."""
        stack, body = self.resources[lid]
        props = body["Properties"]
        sgs = (props.get("VpcConfig", {}).get("SecurityGroupIds") or props.get("SecurityGroups")
               or props.get("NetworkConfiguration", {}).get("AwsvpcConfiguration", {}).get("SecurityGroups")
               or props.get("VpcSecurityGroupIds") or props.get("SecurityGroupIds"))
        found = self.target(stack, sgs[0]) if sgs else None
        return found[0] if found else None

    def ingress_rules(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """(security group logical id, rule) for every ingress rule, inline or a resource of its own."""
        for stack, _lid, props in self.of_type("AWS::EC2::SecurityGroupIngress"):
            group = self.target(stack, props["GroupId"])
            assert group is not None
            yield group[0], {**props, "_stack": stack}
        for stack, lid, props in self.of_type("AWS::EC2::SecurityGroup"):
            for rule in props.get("SecurityGroupIngress", []):
                yield lid, {**rule, "_stack": stack}


Checker = Callable[[Templates], list[str]]


# --- the properties ------------------------------------------------------------------------------


def bucket_keys(t: Templates) -> list[str]:
    """Every bucket with a customer KMS key encrypts with SSE-KMS under that key's ARN."""
    out = []
    for rid, res in t.model_of_type("s3_bucket"):
        if res.encryption != "kms" or not res.kms_key:
            continue
        stack, body = t.resources[t.main[rid]]
        props = body["Properties"]
        rules = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
        default = rules[0]["ServerSideEncryptionByDefault"]
        key = t.target(stack, default.get("KMSMasterKeyID"))
        if default.get("SSEAlgorithm") != "aws:kms" or key != (t.main[res.kms_key], "Arn"):
            out.append(f"bucket {rid} is not encrypted with SSE-KMS under {res.kms_key}: {default}")
    return out


def _internet_ports(t: Templates) -> dict[str, set[int]]:
    """Security group → the ports the model opens to the internet: listener ports of internet-facing
    load balancers that an external actor connects to with that listener's protocol."""
    out: dict[str, set[int]] = {}
    for i, conn in enumerate(t.arch.connections):
        lb = t.arch.resources[conn.target]
        if t.arch.resources[conn.source].type != "external" or lb.type != "load_balancer" or lb.scheme != "internet-facing":
            continue
        group = t.group_of(t.main[conn.target])
        assert group is not None, i
        out.setdefault(group, set()).update(x.port for x in lb.listeners if x.protocol == conn.verb.upper())
    return out


def ingress_cidrs(t: Templates) -> list[str]:
    """No ingress from an address range the model does not ask for: the internet only on the listener
    ports of an internet-facing load balancer external callers reach, its VPC's range only on HTTPS to
    an interface endpoint, other CIDRs only as a model security group's own ingress rules."""
    out = []
    internet = _internet_ports(t)
    explicit = {(t.main[rid], r.cidr, r.port) for rid, res in t.model_of_type("security_group") for r in res.ingress if r.cidr}
    explicit |= {(g, t.arch.resources[res.vpc].cidr, 443) for rid, res in t.model_of_type("vpc_endpoint")  # an interface endpoint serves its VPC
                 if (g := t.group_of(t.main[rid])) is not None}
    for group, rule in t.ingress_rules():
        cidr = rule.get("CidrIp")
        if cidr is None:
            continue
        if (group, cidr, rule["FromPort"]) in explicit and rule["ToPort"] == rule["FromPort"]:
            continue
        if cidr == "0.0.0.0/0" and rule["FromPort"] == rule["ToPort"] and rule["FromPort"] in internet.get(group, set()):
            continue
        private = ipaddress.ip_network(cidr).is_private
        out.append(f"group {group} admits {'private ' if private else ''}{cidr} on {rule['FromPort']}-{rule['ToPort']}, which the model does not ask for")
    return out


def database_callers(t: Templates) -> list[str]:
    """A database's security group admits only the groups of callers that query it (or its readers), on its port."""
    out = []
    for rid, _res in t.model_of_type("aurora_cluster"):
        _stack, body = t.resources[t.main[rid]]
        port = body["Properties"]["Port"]
        ends = {rid} | {r for r, readers in t.model_of_type("aurora_readers") if readers.cluster == rid}
        callers: set[str] = set()
        for conn in t.arch.connections:
            if conn.target in ends and conn.verb in ("query", "read", "tcp"):
                holders = [s for s, svc in t.model_of_type("ecs_service") if svc.task_definition == conn.source] or [conn.source]
                callers.update(g for h in holders if (g := t.group_of(t.main[h])) is not None)
        db_group = t.group_of(t.main[rid])
        for group, rule in t.ingress_rules():
            if group != db_group:
                continue
            source = t.target(rule["_stack"], rule.get("SourceSecurityGroupId"))
            if source is None or source[0] not in callers or (rule["FromPort"], rule["ToPort"]) != (port, port):
                out.append(f"database {rid} admits {rule.get('CidrIp') or rule.get('SourcePrefixListId') or source} on {rule['FromPort']}, "
                           f"not a caller that queries it on {port}")
    return out


def _policies(t: Templates) -> Iterator[tuple[str, str, list[dict[str, Any]]]]:
    """(stack, role logical id, statements) of every identity policy: inline on roles and AWS::IAM::Policy."""
    for stack, lid, props in t.of_type("AWS::IAM::Role"):
        for policy in props.get("Policies", []):
            yield stack, lid, policy["PolicyDocument"]["Statement"]
    for stack, _lid, props in t.of_type("AWS::IAM::Policy"):
        role = t.target(stack, props["Roles"][0])
        assert role is not None
        yield stack, role[0], props["PolicyDocument"]["Statement"]


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def iam_wildcards(t: Templates) -> list[str]:
    """No identity statement allows every action of a service, and a ``*`` resource only with a reason in the role's metadata."""
    out = []
    for _stack, role, statements in _policies(t):
        reasons = {w["sid"] for w in t.resources[role][1]["Metadata"]["archc"].get("wildcards", [])}
        for s in statements:
            if s["Effect"] != "Allow":
                continue
            for action in _listed(s["Action"]):
                if action == "*" or action.endswith(":*"):
                    out.append(f"role {role}: statement {s['Sid']} allows {action}")
            if "*" in _listed(s["Resource"]) and s["Sid"] not in reasons:
                out.append(f"role {role}: statement {s['Sid']} names every resource without a reason")
    return out


def _named_nodes(t: Templates, stack: str, value: Any) -> set[str]:
    """The model ids an ARN in a statement's Resource names (references, bucket and role names in Fn::Sub)."""
    found = t.target(stack, value)
    if found is not None:
        return {t.node(found[0])}
    if isinstance(value, dict) and "Fn::Sub" in value:
        text, variables = (value["Fn::Sub"], {}) if isinstance(value["Fn::Sub"], str) else value["Fn::Sub"]
        out = {t.node(f[0]) for v in variables.values() if (f := t.target(stack, v)) is not None}
        buckets = {p.get("BucketName"): t.node(lid) for _s, lid, p in t.of_type("AWS::S3::Bucket")}
        roles = {p.get("RoleName"): t.node(lid) for _s, lid, p in t.of_type("AWS::IAM::Role") if p.get("RoleName")}
        caches = {p.get(name): t.node(lid) for kind, name in _CACHE_NAMES.items() for _s, lid, p in t.of_type(kind)}
        domains = {p["DomainName"]: t.node(lid) for _s, lid, p in t.of_type("AWS::OpenSearchService::Domain")}
        identities = {p["EmailIdentity"]: t.node(lid) for _s, lid, p in t.of_type("AWS::SES::EmailIdentity")}
        if ":s3:::" in text:
            out.add(buckets[text.split(":s3:::")[1].removesuffix("/*")])
        elif ":role/" in text:
            out.add(roles[text.split(":role/")[1]])
        elif ":elasticache:" in text:
            out.add(caches[text.rsplit(":", 1)[1]])
        elif ":ses:" in text:
            out.add(identities[text.split(":identity/")[1]])
        elif ":es:" in text:
            out.add(domains[text.split(":domain/")[1].split("/")[0]])
        return out
    return set()


_CACHE_NAMES = {"AWS::ElastiCache::ServerlessCache": "ServerlessCacheName", "AWS::ElastiCache::ReplicationGroup": "ReplicationGroupId",
                "AWS::ElastiCache::User": "UserId"}


def least_privilege(t: Templates) -> list[str]:
    """A model role's statements name only what its users (and it) connect to, the keys those
    targets are encrypted with, and the users' own resources (log groups, aliases)."""
    out = []
    for role, _res in t.model_of_type("iam_role"):
        users = {rid for rid, res in t.arch.resources.items() if role in (getattr(res, "role", None), getattr(res, "execution_role", None),
                                                                         getattr(res, "task_role", None))}
        users |= {s for s, svc in t.model_of_type("ecs_service") if svc.task_definition in users}
        actors = users | {role}
        allowed = set(actors)
        for conn in t.arch.connections:
            if conn.source in actors or (conn.verb == "trigger" and conn.target in actors):
                for end in (conn.target, conn.source):
                    res = t.arch.resources[end]
                    allowed |= {end, *(k for k in (getattr(res, "kms_key", None), getattr(res, "cluster", None)) if k)}
        for rid in list(allowed):
            key = getattr(t.arch.resources[rid], "kms_key", None)
            if key:
                allowed.add(key)
        lid = t.main[role]
        for stack, owner, statements in _policies(t):
            if owner != lid:
                continue
            for s in statements:
                for value in _listed(s["Resource"]):
                    extra = _named_nodes(t, stack, value) - allowed
                    if extra:
                        out.append(f"role {role}: statement {s['Sid']} names {sorted(extra)}, which no user of the role connects to")
    return out


def public_access(t: Templates) -> list[str]:
    """Every bucket blocks public ACLs, and public policies unless the model makes it public; it denies plain HTTP."""
    out = []
    public = {rid for rid, res in t.model_of_type("s3_bucket") if res.public}
    policies = {}
    for stack, _lid, props in t.of_type("AWS::S3::BucketPolicy"):
        found = t.target(stack, props["Bucket"])
        assert found is not None
        policies[found[0]] = props["PolicyDocument"]["Statement"]
    for _stack, lid, props in t.of_type("AWS::S3::Bucket"):
        block = props["PublicAccessBlockConfiguration"]
        node_public = t.node(lid) in public and lid == t.main.get(t.node(lid))
        if not (block["BlockPublicAcls"] and block["IgnorePublicAcls"]) or (not node_public and not block["BlockPublicPolicy"]):
            out.append(f"bucket {lid} does not block public access: {block}")
        if not any(s["Effect"] == "Deny" and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}} for s in policies.get(lid, [])):
            out.append(f"bucket {lid} does not deny requests without TLS")
    return out


def cache_protection(t: Templates) -> list[str]:
    """Every cache is encrypted at rest (under the model's key when it names one) and in transit with TLS
    required, keeps snapshots, and with IAM authentication turns the default user off; a caller's
    statement on it allows elasticache:Connect and nothing else."""
    out = []
    for rid, res in t.model_of_type("elasticache"):
        stack, body = t.resources[t.main[rid]]
        props = body["Properties"]
        if body["Type"] == "AWS::ElastiCache::ReplicationGroup":
            if not (props.get("AtRestEncryptionEnabled") and props.get("TransitEncryptionEnabled") and props.get("TransitEncryptionMode") == "required"):
                out.append(f"cache {rid} is not encrypted at rest and in transit with TLS required")
        elif body["Type"] != "AWS::ElastiCache::ServerlessCache":
            out.append(f"cache {rid} is a {body['Type']}")
        if res.kms_key and t.target(stack, props.get("KmsKeyId")) != (t.main[res.kms_key], "Arn"):
            out.append(f"cache {rid} is not encrypted under {res.kms_key}")
        if not props.get("SnapshotRetentionLimit"):
            out.append(f"cache {rid} keeps no snapshots")
        if res.iam_auth:
            users = [p for _s, lid, p in t.of_type("AWS::ElastiCache::User") if t.node(lid) == rid]
            if not users or any(u["UserName"] == "default" and not u["AccessString"].startswith("off ") for u in users):
                out.append(f"cache {rid} leaves its default user on")
    for _stack, role, statements in _policies(t):
        for st in statements:
            if any(str(a).startswith("elasticache:") for a in _listed(st["Action"])) and _listed(st["Action"]) != ["elasticache:Connect"]:
                out.append(f"role {role}: statement {st['Sid']} allows {st['Action']} on a cache, not only elasticache:Connect")
    return out


def cache_callers(t: Templates) -> list[str]:
    """A cache's security group admits only the groups of the code connected to it, on 6379."""
    out = []
    for rid, _res in t.model_of_type("elasticache"):
        callers: set[str] = set()
        for conn in t.arch.connections:
            if conn.target == rid:
                holders = [s for s, svc in t.model_of_type("ecs_service") if svc.task_definition == conn.source] or [conn.source]
                callers.update(g for h in holders if (g := t.group_of(t.main[h])) is not None)
        group = t.group_of(t.main[rid])
        for g, rule in t.ingress_rules():
            if group is None or g != group:
                continue
            source = t.target(rule["_stack"], rule.get("SourceSecurityGroupId"))
            if source is None or source[0] not in callers or (rule["FromPort"], rule["ToPort"]) != (6379, 6379):
                out.append(f"cache {rid} admits {rule.get('CidrIp') or source} on {rule['FromPort']}, not a caller on 6379")
    return out


_HTTP = {"read": {"es:ESHttpGet", "es:ESHttpHead"}, "write": {"es:ESHttpDelete", "es:ESHttpPatch", "es:ESHttpPost", "es:ESHttpPut"}}
_HTTP["read_write"] = _HTTP["read"] | _HTTP["write"]


def _role_of(t: Templates, rid: str) -> str | None:
    """The model role a connection from *rid* acts as (functions' roles, tasks' task roles)."""
    res = t.arch.resources[rid]
    return getattr(res, "role", None) or getattr(res, "task_role", None)


def search_protection(t: Templates) -> list[str]:
    """Every search domain sits in the VPC, encrypts at rest (under the model's key when it names
    one) and between nodes, takes HTTPS only with a TLS 1.2 policy, and its resource policy allows
    exactly the roles connected to it, each only the HTTP methods of its verbs, on its indexes."""
    out = []
    for rid, res in t.model_of_type("opensearch_domain"):
        stack, body = t.resources[t.main[rid]]
        props = body["Properties"]
        if not props.get("VPCOptions", {}).get("SubnetIds"):
            out.append(f"domain {rid} is not in a VPC")
        at_rest = props.get("EncryptionAtRestOptions", {})
        if not at_rest.get("Enabled") or (res.kms_key and t.target(stack, at_rest.get("KmsKeyId")) != (t.main[res.kms_key], "Arn")):
            out.append(f"domain {rid} is not encrypted at rest{' under ' + res.kms_key if res.kms_key else ''}")
        if not props.get("NodeToNodeEncryptionOptions", {}).get("Enabled"):
            out.append(f"domain {rid} does not encrypt between its nodes")
        endpoint = props.get("DomainEndpointOptions", {})
        if not endpoint.get("EnforceHTTPS") or not str(endpoint.get("TLSSecurityPolicy", "")).startswith("Policy-Min-TLS-1-2"):
            out.append(f"domain {rid} accepts plain HTTP or TLS older than 1.2: {endpoint}")
        wanted: dict[str, set[str]] = {}
        for conn in t.arch.connections:
            role = _role_of(t, conn.source) if conn.target == rid else None
            if role:
                wanted.setdefault(t.main[role], set()).update(_HTTP[conn.verb])
        found: dict[str, set[str]] = {}
        for st in props.get("AccessPolicies", {}).get("Statement", []):
            principal = t.target(stack, st["Principal"].get("AWS"))
            resource = st["Resource"]["Fn::Sub"] if isinstance(st["Resource"], dict) else st["Resource"]
            if principal is None or st["Effect"] != "Allow" or not resource.endswith(f":domain/{props['DomainName']}/*"):
                out.append(f"domain {rid}: policy statement {st.get('Sid')} allows {st['Principal']} on {resource}")
                continue
            found.setdefault(principal[0], set()).update(_listed(st["Action"]))
        if found != wanted:
            out.append(f"domain {rid}: its policy allows {found}, its connections {wanted}")
    return out


def search_callers(t: Templates) -> list[str]:
    """A search domain's security group admits only the groups of the code connected to it, on 443."""
    out = []
    for rid, _res in t.model_of_type("opensearch_domain"):
        callers: set[str] = set()
        for conn in t.arch.connections:
            if conn.target == rid:
                holders = [s for s, svc in t.model_of_type("ecs_service") if svc.task_definition == conn.source] or [conn.source]
                callers.update(g for h in holders if (g := t.group_of(t.main[h])) is not None)
        stack, body = t.resources[t.main[rid]]
        found = t.target(stack, body["Properties"]["VPCOptions"]["SecurityGroupIds"][0])
        for g, rule in t.ingress_rules():
            if found is None or g != found[0]:
                continue
            source = t.target(rule["_stack"], rule.get("SourceSecurityGroupId"))
            if source is None or source[0] not in callers or (rule["FromPort"], rule["ToPort"]) != (443, 443):
                out.append(f"domain {rid} admits {rule.get('CidrIp') or source} on {rule['FromPort']}, not a caller on 443")
    return out


def mail_senders(t: Templates) -> list[str]:
    """A statement on an SES identity allows only sending, and only from the identity's own addresses;
    a domain identity with a zone signs with a 2048-bit DKIM key whose records are in that zone."""
    out = []
    identities = {p["EmailIdentity"]: (s, lid, p) for s, lid, p in t.of_type("AWS::SES::EmailIdentity")}
    for _stack, role, statements in _policies(t):
        for st in statements:
            actions = _listed(st["Action"])
            if not any(str(a).startswith("ses:") for a in actions):
                continue
            arn = st["Resource"]["Fn::Sub"] if isinstance(st["Resource"], dict) else str(st["Resource"])
            identity = arn.split(":identity/")[-1]
            sender = identity if "@" in identity else f"*@{identity}"
            condition = st.get("Condition", {})
            allowed = (condition.get("StringEquals", {}).get("ses:FromAddress"), condition.get("StringLike", {}).get("ses:FromAddress"))
            if sorted(actions) != ["ses:SendEmail", "ses:SendRawEmail"] or identity not in identities or sender not in allowed:
                out.append(f"role {role}: statement {st['Sid']} allows {actions} on {arn} with {condition}")
    for rid, res in t.model_of_type("ses_identity"):
        if not res.zone:
            continue
        _stack, lid, props = identities[res.identity]
        if props.get("DkimSigningAttributes", {}).get("NextSigningKeyLength") != "RSA_2048_BIT":
            out.append(f"identity {rid} does not sign with a 2048-bit DKIM key")
        names = {t.target(s, p["Name"]) for s, _l, p in t.of_type("AWS::Route53::RecordSet")
                 if t.target(s, p["HostedZoneId"]) == (t.main[res.zone], None)}
        if {(lid, f"DkimDNSTokenName{n}") for n in (1, 2, 3)} - names:
            out.append(f"identity {rid} has DKIM records missing from zone {res.zone}")
    return out


# --- the types of issue #11 ----------------------------------------------------------------------


def _props(t: Templates, rid: str) -> tuple[str, dict[str, Any]]:
    stack, body = t.resources[t.main[rid]]
    return stack, body.get("Properties", {})


def _key_is(t: Templates, stack: str, value: Any, key: str | None) -> bool:
    """*value* names model key *key*'s ARN (or, for None, no customer key at all)."""
    if key is None:
        return value is None or (isinstance(value, str) and value.startswith("alias/aws/"))
    return t.target(stack, value) in ((t.main[key], "Arn"), (t.main[key], None))


def dynamodb_tables(t: Templates) -> list[str]:
    """Tables are encrypted with KMS (under the model's key when it names one) and keep point-in-time recovery when the model says so."""
    out = []
    for rid, res in t.model_of_type("dynamodb_table"):
        stack, props = _props(t, rid)
        sse = props.get("SSESpecification", {})
        if not sse.get("SSEEnabled") or (res.kms_key and (sse.get("SSEType") != "KMS" or not _key_is(t, stack, sse.get("KMSMasterKeyId"), res.kms_key))):
            out.append(f"table {rid} is not encrypted as modelled (key {res.kms_key}): {sse}")
        pitr = props.get("PointInTimeRecoverySpecification", {}).get("PointInTimeRecoveryEnabled", False)
        if pitr != res.point_in_time_recovery:
            out.append(f"table {rid}: point-in-time recovery {pitr}, the model says {res.point_in_time_recovery}")
    return out


def _role_statements(t: Templates, role_lid: str) -> list[dict[str, Any]]:
    return [s for _stack, owner, statements in _policies(t) if owner == role_lid for s in statements]


AWS_FORCED_STAR = {"LogDelivery", "XRay"}  # CloudWatch Logs delivery and X-Ray have no resource-level permissions (docs/iam.md)


def _exact(role: str, statements: list[dict[str, Any]]) -> list[str]:
    out = []
    for s in statements:
        for action in _listed(s["Action"]):
            if "*" in action:
                out.append(f"role {role}: statement {s['Sid']} allows {action}")
        if "*" in _listed(s["Resource"]) and s["Sid"] not in AWS_FORCED_STAR:
            out.append(f"role {role}: statement {s['Sid']} names every resource")
    return out


def _trust(t: Templates, role_lid: str, service: str) -> list[str]:
    doc = t.resources[role_lid][1]["Properties"]["AssumeRolePolicyDocument"]
    wrong = [s for s in doc["Statement"] if s.get("Principal") != {"Service": service} or "aws:SourceAccount" not in json.dumps(s.get("Condition"))]
    return [f"role {role_lid} trusts {s.get('Principal')} (condition {s.get('Condition')}), not {service} of its own account" for s in wrong]


def state_machines(t: Templates) -> list[str]:
    """A state machine logs at the model's level to a log group, is traced as modelled, and its role
    (its own, trusted by Step Functions only) holds exact actions on what it connects to."""
    out = []
    for rid, res in t.model_of_type("state_machine"):
        stack, props = _props(t, rid)
        logging = props.get("LoggingConfiguration", {})
        groups = [t.target(stack, d.get("CloudWatchLogsLogGroup", {}).get("LogGroupArn")) for d in logging.get("Destinations", [])]
        if logging.get("Level") != res.log_level or logging.get("IncludeExecutionData") != res.log_execution_data or not groups \
                or any(g is None or t.resources[g[0]][1]["Type"] != "AWS::Logs::LogGroup" for g in groups):
            out.append(f"state machine {rid} does not log as modelled ({res.log_level}): {logging}")
        if props.get("TracingConfiguration", {}).get("Enabled", False) != res.tracing:
            out.append(f"state machine {rid}: tracing {props.get('TracingConfiguration')}, the model says {res.tracing}")
        role = t.target(stack, props.get("RoleArn"))
        if role is None:
            out.append(f"state machine {rid} has no role of its own")
            continue
        out += _trust(t, role[0], "states.amazonaws.com") + _exact(role[0], _role_statements(t, role[0]))
        targets = {c.target for c in t.arch.connections if c.source == rid} | ({res.kms_key} if res.kms_key else set())
        for sm in _role_statements(t, role[0]):
            for value in _listed(sm["Resource"]):
                named = _named_nodes(t, stack, value) - targets
                if named:
                    out.append(f"state machine {rid}: statement {sm['Sid']} names {sorted(named)}, which it does not connect to")
    return out


def event_targets(t: Templates) -> list[str]:
    """An EventBridge rule's or schedule's target role is trusted by that service only and allows exact
    actions on exactly the targets the model connects it to."""
    out = []
    kinds = {"AWS::Events::Rule": "events.amazonaws.com", "AWS::Scheduler::Schedule": "scheduler.amazonaws.com"}
    for cfn_type, service in kinds.items():
        for stack, lid, props in t.of_type(cfn_type):
            rid = t.node(lid)
            targets = props["Targets"] if "Targets" in props else [props["Target"]]
            connected = {c.target for c in t.arch.connections if c.source == rid}
            for target in targets:
                if "RoleArn" not in target:
                    continue
                role = t.target(stack, target["RoleArn"])
                assert role is not None
                out += _trust(t, role[0], service) + _exact(role[0], _role_statements(t, role[0]))
                for sm in _role_statements(t, role[0]):
                    for value in _listed(sm["Resource"]):
                        named = _named_nodes(t, stack, value)
                        if not named and isinstance(value, dict) and "Fn::Sub" in value:  # a state machine ARN by name
                            named = {r for r in connected if str(value["Fn::Sub"]).endswith(f":stateMachine:{t.arch.name}-{r}")}
                        if not named or named - connected:
                            out.append(f"{rid}: target role statement {sm['Sid']} names {value}, not one of its targets {sorted(connected)}")
    return out


MFA = {"required": "ON", "optional": "OPTIONAL", "off": "OFF"}


def cognito_pools(t: Templates) -> list[str]:
    """A user pool's password policy and MFA setting are the model's, and only administrators create
    users unless the model allows sign-up."""
    out = []
    for rid, res in t.model_of_type("cognito_user_pool"):
        _stack, props = _props(t, rid)
        policy = props.get("Policies", {}).get("PasswordPolicy", {})
        if policy.get("MinimumLength") != res.password_min_length or not all(
                policy.get(k) for k in ("RequireLowercase", "RequireUppercase", "RequireNumbers", "RequireSymbols")):
            out.append(f"user pool {rid}: password policy {policy}, the model asks {res.password_min_length} characters of every class")
        if props.get("MfaConfiguration", "OFF") != MFA[res.mfa] or (res.mfa != "off" and "SOFTWARE_TOKEN_MFA" not in props.get("EnabledMfas", [])):
            out.append(f"user pool {rid}: MFA {props.get('MfaConfiguration')} {props.get('EnabledMfas')}, the model says {res.mfa}")
        if props.get("AdminCreateUserConfig", {}).get("AllowAdminCreateUserOnly", False) != (not res.self_sign_up):
            out.append(f"user pool {rid}: self sign-up does not follow the model ({res.self_sign_up})")
    return out


def endpoint_policies(t: Templates) -> list[str]:
    """An endpoint whose model policy is `account` admits only principals of its own account."""
    out = []
    for rid, res in t.model_of_type("vpc_endpoint"):
        if res.policy != "account":
            continue
        _stack, props = _props(t, rid)
        account_id = t.arch.accounts[res.account or ""].id
        for s in props.get("PolicyDocument", {"Statement": [{"Effect": "Allow", "Sid": "(none: AWS's open default)"}]})["Statement"]:
            if s["Effect"] == "Allow" and (s.get("Condition") or {}).get("StringEquals", {}).get("aws:PrincipalAccount") != account_id:
                out.append(f"endpoint {rid}: statement {s.get('Sid')} admits principals outside account {account_id}")
    return out


def kinesis_streams(t: Templates) -> list[str]:
    """Streams are encrypted with KMS, under the model's key when it names one."""
    out = []
    for rid, res in t.model_of_type("kinesis_stream"):
        stack, props = _props(t, rid)
        enc = props.get("StreamEncryption", {})
        key = enc.get("KeyId")
        if enc.get("EncryptionType") != "KMS" or not (_key_is(t, stack, key, res.kms_key) if res.kms_key else key == "alias/aws/kinesis"):
            out.append(f"stream {rid} is not encrypted as modelled (key {res.kms_key}): {enc}")
    return out


def ecr_repositories(t: Templates) -> list[str]:
    """Repositories scan on push and keep tags immutable as modelled, and encrypt with KMS (the model's key when it names one)."""
    out = []
    for rid, res in t.model_of_type("ecr_repository"):
        stack, props = _props(t, rid)
        if props.get("ImageScanningConfiguration", {}).get("ScanOnPush", False) != res.scan_on_push:
            out.append(f"repository {rid}: scan on push {props.get('ImageScanningConfiguration')}, the model says {res.scan_on_push}")
        if props.get("ImageTagMutability", "MUTABLE") != ("IMMUTABLE" if res.immutable_tags else "MUTABLE"):
            out.append(f"repository {rid}: tags {props.get('ImageTagMutability')}, the model says immutable={res.immutable_tags}")
        enc = props.get("EncryptionConfiguration", {})
        if enc.get("EncryptionType") != "KMS" or not _key_is(t, stack, enc.get("KmsKey"), res.kms_key):
            out.append(f"repository {rid} is not encrypted as modelled (key {res.kms_key}): {enc}")
    return out


TLS_PARAMETERS = {"postgres": ("rds.force_ssl", "1"), "mysql": ("require_secure_transport", "1")}


def _tiers(t: Templates, subnets: list[str]) -> set[str]:
    return {t.arch.resources[s].tier for s in subnets}


def rds_instances(t: Templates) -> list[str]:
    """RDS instances are encrypted (under the model's key), not public, in non-public subnets, and refuse connections without TLS."""
    out = []
    for rid, res in t.model_of_type("rds_instance"):
        stack, props = _props(t, rid)
        if props.get("StorageEncrypted") is not True or not _key_is(t, stack, props.get("KmsKeyId"), res.kms_key):
            out.append(f"instance {rid} is not encrypted as modelled (key {res.kms_key})")
        if props.get("PubliclyAccessible", True) is not False:
            out.append(f"instance {rid} is publicly accessible")
        if "public" in _tiers(t, t.arch.resources[res.subnet_group].subnets):
            out.append(f"instance {rid} sits in a public subnet")
        group = t.target(stack, props.get("DBParameterGroupName"))
        name, value = TLS_PARAMETERS[res.engine]
        params = t.resources[group[0]][1]["Properties"].get("Parameters", {}) if group else {}
        if str(params.get(name)) != value:
            out.append(f"instance {rid} accepts connections without TLS ({name}={params.get(name)})")
    return out


def efs_file_systems(t: Templates) -> list[str]:
    """File systems are encrypted (under the model's key), refuse plain transport, and have mount targets only in non-public subnets."""
    out = []
    for rid, res in t.model_of_type("efs_file_system"):
        stack, props = _props(t, rid)
        if props.get("Encrypted") is not True or not _key_is(t, stack, props.get("KmsKeyId"), res.kms_key):
            out.append(f"file system {rid} is not encrypted as modelled (key {res.kms_key})")
        if not any(s["Effect"] == "Deny" and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}
                   for s in props.get("FileSystemPolicy", {}).get("Statement", [])):
            out.append(f"file system {rid} does not refuse plain transport")
    for stack, lid, props in t.of_type("AWS::EFS::MountTarget"):
        subnet = t.target(stack, props["SubnetId"])
        assert subnet is not None
        if t.arch.resources[t.node(subnet[0])].tier == "public":
            out.append(f"mount target {lid} sits in public subnet {t.node(subnet[0])}")
    return out


def _mount_grants(t: Templates, stack: str, role: Any, fs_lid: str, ap: Any) -> list[str]:
    """The role's EFS client statements on *fs_lid* hold only through access point *ap* and a mount target."""
    found = t.target(stack, role)
    assert found is not None
    out = []
    ap_target = t.target(stack, ap)
    for s in _role_statements(t, found[0]):
        if not any(str(a).startswith("elasticfilesystem:Client") for a in _listed(s["Action"])):
            continue
        if t.target(stack, s["Resource"]) != (fs_lid, "Arn"):
            continue
        cond = s.get("Condition", {})
        through = t.target(stack, cond.get("StringEquals", {}).get("elasticfilesystem:AccessPointArn"))
        if through is None or ap_target is None or through[0] != ap_target[0] \
                or cond.get("Bool") != {"elasticfilesystem:AccessedViaMountTarget": "true"}:
            out.append(f"role {found[0]}: statement {s['Sid']} mounts {fs_lid} without the access point and mount-target conditions")
    return out


def efs_mounts(t: Templates) -> list[str]:
    """Functions and tasks mount EFS only through an access point of the file system (tasks with TLS
    in transit and IAM authorisation), read-only without a write verb, and their roles' client grants
    hold only through that access point."""
    out = []
    for stack, lid, props in t.of_type("AWS::Lambda::Function"):
        for config in props.get("FileSystemConfigs", []):
            ap = t.target(stack, config["Arn"])
            if ap is None or t.resources[ap[0]][1]["Type"] != "AWS::EFS::AccessPoint":
                out.append(f"function {lid} mounts {config['Arn']}, not an access point")
                continue
            fs = t.target(stack, t.resources[ap[0]][1]["Properties"]["FileSystemId"])
            assert fs is not None
            out += _mount_grants(t, stack, props["Role"], fs[0], {"Fn::GetAtt": [ap[0], "Arn"]})
    for stack, lid, props in t.of_type("AWS::ECS::TaskDefinition"):
        writers = {c.target for c in t.arch.connections if c.verb in ("write", "read_write")
                   and (c.source == t.node(lid) or getattr(t.arch.resources[c.source], "task_definition", None) == t.node(lid))}
        points = {p["SourceVolume"]: p for c in props["ContainerDefinitions"] for p in c.get("MountPoints", [])}
        for volume in props.get("Volumes", []):
            efs_config = volume.get("EFSVolumeConfiguration")
            if efs_config is None:
                continue
            auth = efs_config.get("AuthorizationConfig", {})
            fs = t.target(stack, efs_config["FilesystemId"])
            assert fs is not None
            if efs_config.get("TransitEncryption") != "ENABLED" or auth.get("IAM") != "ENABLED" or "AccessPointId" not in auth:
                out.append(f"task {lid} mounts {fs[0]} without TLS, IAM authorisation or an access point: {efs_config}")
                continue
            if points.get(volume["Name"], {}).get("ReadOnly", False) != (t.node(fs[0]) not in writers):
                out.append(f"task {lid} mounts {fs[0]} {'read-only' if t.node(fs[0]) in writers else 'read-write'}, not as its connections say")
            ap = t.target(stack, auth["AccessPointId"])
            assert ap is not None
            out += _mount_grants(t, stack, props["TaskRoleArn"], fs[0], {"Fn::GetAtt": [ap[0], "Arn"]})
    return out


CHECKERS: dict[str, Checker] = {
    "bucket_keys": bucket_keys,
    "ingress_cidrs": ingress_cidrs,
    "database_callers": database_callers,
    "iam_wildcards": iam_wildcards,
    "least_privilege": least_privilege,
    "public_access": public_access,
    "cache_protection": cache_protection,
    "cache_callers": cache_callers,
    "search_protection": search_protection,
    "search_callers": search_callers,
    "mail_senders": mail_senders,
    "dynamodb_tables": dynamodb_tables,
    "state_machines": state_machines,
    "event_targets": event_targets,
    "cognito_pools": cognito_pools,
    "endpoint_policies": endpoint_policies,
    "kinesis_streams": kinesis_streams,
    "ecr_repositories": ecr_repositories,
    "rds_instances": rds_instances,
    "efs_file_systems": efs_file_systems,
    "efs_mounts": efs_mounts,
}


@pytest.mark.parametrize("model", sorted(MODELS))
@pytest.mark.parametrize("name", sorted(CHECKERS))
def test_property_holds(model: str, name: str) -> None:
    arch, build = MODELS[model]()
    assert CHECKERS[name](Templates.of(arch, build)) == []


def test_the_web_model_exercises_every_property() -> None:
    """The models are not vacuous: what each checker looks at is there."""
    arch, build = web()
    t = Templates.of(arch, build)
    assert any(res.kms_key for _, res in t.model_of_type("s3_bucket"))
    assert _internet_ports(t) == {t.group_of(t.main["lb"]): {443}}
    assert any(r.get("CidrIp") == "10.20.0.0/16" for _, r in t.ingress_rules())
    db_group = t.group_of(t.main["db"])
    assert sum(1 for g, _ in t.ingress_rules() if g == db_group) == 2  # the function and the service
    assert any(s["Resource"] == "*" for _, _, statements in _policies(t) for s in statements)  # VPC interfaces, ECR auth


# --- each checker catches a broken template -------------------------------------------------------


def _first(t: Templates, cfn_type: str, node: str) -> dict[str, Any]:
    """The properties of *node*'s main resource."""
    _stack, body = t.resources[t.main[node]]
    assert body["Type"] == cfn_type
    props: dict[str, Any] = body["Properties"]
    return props


def _drop_bucket_key(t: Templates) -> None:
    default = _first(t, "AWS::S3::Bucket", "data")["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    del default["KMSMasterKeyID"]


def _other_bucket_key(t: Templates) -> None:
    default = _first(t, "AWS::S3::Bucket", "data")["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    default["KMSMasterKeyID"] = {"Fn::GetAtt": [t.main["other_key"], "Arn"]}


def _private_cidr_on_https(t: Templates) -> None:
    rule = next(props for _s, _l, props in t.of_type("AWS::EC2::SecurityGroupIngress") if props.get("CidrIp") == "0.0.0.0/0")
    rule["CidrIp"] = "10.0.0.0/8"


def _internet_on_another_port(t: Templates) -> None:
    rule = next(props for _s, _l, props in t.of_type("AWS::EC2::SecurityGroupIngress") if props.get("CidrIp") == "0.0.0.0/0")
    rule["FromPort"] = rule["ToPort"] = 22


def _database_open_to_the_load_balancer(t: Templates) -> None:
    db_group = t.group_of(t.main["db"])
    rule = next(props for stack, _l, props in t.of_type("AWS::EC2::SecurityGroupIngress") if t.target(stack, props["GroupId"]) == (db_group, "GroupId"))
    rule["SourceSecurityGroupId"] = {"Fn::GetAtt": [t.group_of(t.main["lb"]), "GroupId"]}


def _service_wide_action(t: Templates) -> None:
    _first(t, "AWS::IAM::Role", "fn_role")["Policies"][0]["PolicyDocument"]["Statement"][0]["Action"] = ["s3:*"]


def _unexplained_star(t: Templates) -> None:
    statements = _first(t, "AWS::IAM::Role", "fn_role")["Policies"][0]["PolicyDocument"]["Statement"]
    next(s for s in statements if s["Sid"] == "DataReadObjects")["Resource"] = "*"


def _grant_on_an_unconnected_bucket(t: Templates) -> None:
    statements = _first(t, "AWS::IAM::Role", "fn_role")["Policies"][0]["PolicyDocument"]["Statement"]
    plain = _first(t, "AWS::S3::Bucket", "plain")["BucketName"]
    statements.append({"Sid": "Extra", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": {"Fn::Sub": f"arn:${{AWS::Partition}}:s3:::{plain}/*"}})


def _public_policy_allowed(t: Templates) -> None:
    _first(t, "AWS::S3::Bucket", "plain")["PublicAccessBlockConfiguration"]["BlockPublicPolicy"] = False


def _cache_in_clear(t: Templates) -> None:
    _first(t, "AWS::ElastiCache::ReplicationGroup", "counters")["TransitEncryptionEnabled"] = False


def _cache_under_another_key(t: Templates) -> None:
    _first(t, "AWS::ElastiCache::ServerlessCache", "sessions").pop("KmsKeyId")


def _default_user_on(t: Templates) -> None:
    user = next(p for _s, lid, p in t.of_type("AWS::ElastiCache::User") if p["UserName"] == "default" and t.node(lid) == "sessions")
    user["AccessString"] = "on ~* +@all"


def _cache_open_to_the_vpc(t: Templates) -> None:
    group = t.group_of(t.main["counters"])
    rule = next(p for s, _l, p in t.of_type("AWS::EC2::SecurityGroupIngress") if t.target(s, p["GroupId"]) == (group, "GroupId"))
    rule.pop("SourceSecurityGroupId")
    rule["CidrIp"] = "10.0.0.0/16"


def _connect_on_an_unconnected_cache(t: Templates) -> None:
    statements = _first(t, "AWS::IAM::Role", "fn_role")["Policies"][0]["PolicyDocument"]["Statement"]
    cache = next(s for s in statements if s["Action"] == ["elasticache:Connect"])
    cache["Resource"] = [{"Fn::Sub": "arn:${AWS::Partition}:elasticache:us-west-2:111111111111:serverlesscache:t-unused"}]


def _more_than_connect(t: Templates) -> None:
    statements = _first(t, "AWS::IAM::Role", "fn_role")["Policies"][0]["PolicyDocument"]["Statement"]
    next(s for s in statements if s["Action"] == ["elasticache:Connect"])["Action"] = ["elasticache:Connect", "elasticache:DescribeServerlessCaches"]


BREAKAGES: list[tuple[Callable[[Templates], None], str]] = [
    (_drop_bucket_key, "bucket_keys"),
    (_other_bucket_key, "bucket_keys"),
    (_private_cidr_on_https, "ingress_cidrs"),
    (_internet_on_another_port, "ingress_cidrs"),
    (_database_open_to_the_load_balancer, "database_callers"),
    (_service_wide_action, "iam_wildcards"),
    (_unexplained_star, "iam_wildcards"),
    (_grant_on_an_unconnected_bucket, "least_privilege"),
    (_public_policy_allowed, "public_access"),
]
def _search_over_http(t: Templates) -> None:
    _first(t, "AWS::OpenSearchService::Domain", "search")["DomainEndpointOptions"]["TLSSecurityPolicy"] = "Policy-Min-TLS-1-0-2019-07"


def _search_without_node_tls(t: Templates) -> None:
    _first(t, "AWS::OpenSearchService::Domain", "logs_search")["NodeToNodeEncryptionOptions"]["Enabled"] = False


def _search_policy_for_everyone(t: Templates) -> None:
    _first(t, "AWS::OpenSearchService::Domain", "search")["AccessPolicies"]["Statement"][0]["Principal"] = {"AWS": "*"}


def _reader_may_delete(t: Templates) -> None:
    policy = _first(t, "AWS::OpenSearchService::Domain", "search")["AccessPolicies"]["Statement"]
    reader = next(s for s in policy if s["Action"] == ["es:ESHttpGet", "es:ESHttpHead"])
    reader["Action"] = [*reader["Action"], "es:ESHttpDelete"]


def _search_open_to_the_vpc(t: Templates) -> None:
    group = _first(t, "AWS::OpenSearchService::Domain", "search")["VPCOptions"]["SecurityGroupIds"][0]["Fn::GetAtt"][0]
    rule = next(p for s, _l, p in t.of_type("AWS::EC2::SecurityGroupIngress") if t.target(s, p["GroupId"]) == (group, "GroupId"))
    rule.pop("SourceSecurityGroupId")
    rule["CidrIp"] = "10.0.0.0/16"


def _read_on_another_domain(t: Templates) -> None:
    statements = _first(t, "AWS::IAM::Role", "fn_role")["Policies"][0]["PolicyDocument"]["Statement"]
    search = next(s for s in statements if s["Action"] == ["es:ESHttpGet", "es:ESHttpHead"])
    name = _first(t, "AWS::OpenSearchService::Domain", "logs_search")["DomainName"]
    search["Resource"] = {"Fn::Sub": f"arn:${{AWS::Partition}}:es:us-west-2:111111111111:domain/{name}/*"}


def _mail_statement(t: Templates) -> dict[str, Any]:
    statements = _first(t, "AWS::IAM::Role", "fn_role")["Policies"][0]["PolicyDocument"]["Statement"]
    found: dict[str, Any] = next(s for s in statements if s["Action"] == ["ses:SendEmail", "ses:SendRawEmail"])
    return found


def _send_from_anyone(t: Templates) -> None:
    _mail_statement(t).pop("Condition")


def _send_templates_too(t: Templates) -> None:
    _mail_statement(t)["Action"].append("ses:SendTemplatedEmail")


def _weak_dkim(t: Templates) -> None:
    _first(t, "AWS::SES::EmailIdentity", "mailer")["DkimSigningAttributes"]["NextSigningKeyLength"] = "RSA_1024_BIT"


def _send_as_another_identity(t: Templates) -> None:
    _mail_statement(t)["Resource"] = {"Fn::Sub": "arn:${AWS::Partition}:ses:us-west-2:111111111111:identity/alerts@example.org"}


CACHE_BREAKAGES: list[tuple[Callable[[Templates], None], str]] = [
    (_cache_in_clear, "cache_protection"),
    (_cache_under_another_key, "cache_protection"),
    (_default_user_on, "cache_protection"),
    (_more_than_connect, "cache_protection"),
    (_cache_open_to_the_vpc, "cache_callers"),
    (_cache_open_to_the_vpc, "ingress_cidrs"),
    (_connect_on_an_unconnected_cache, "least_privilege"),
    (_search_over_http, "search_protection"),
    (_search_without_node_tls, "search_protection"),
    (_search_policy_for_everyone, "search_protection"),
    (_reader_may_delete, "search_protection"),
    (_search_open_to_the_vpc, "search_callers"),
    (_read_on_another_domain, "least_privilege"),
    (_send_from_anyone, "mail_senders"),
    (_send_templates_too, "mail_senders"),
    (_weak_dkim, "mail_senders"),
    (_send_as_another_identity, "least_privilege"),
]


@pytest.mark.parametrize(("breakage", "name"), BREAKAGES, ids=[b.__name__.strip("_") for b, _ in BREAKAGES])
def test_checker_catches_a_broken_template(breakage: Callable[[Templates], None], name: str) -> None:
    arch, build = web()
    t = Templates.of(arch, build)
    assert CHECKERS[name](t) == []
    breakage(t)
    assert CHECKERS[name](t) != []


# --- the types of issue #11: each checker catches a broken template --------------------------------


def _table_on_the_aws_key(t: Templates) -> None:
    del _first(t, "AWS::DynamoDB::Table", "orders")["SSESpecification"]["KMSMasterKeyId"]


def _table_without_pitr(t: Templates) -> None:
    _first(t, "AWS::DynamoDB::Table", "carts")["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] = False


def _state_machine_logs_less(t: Templates) -> None:
    _first(t, "AWS::StepFunctions::StateMachine", "flow")["LoggingConfiguration"]["Level"] = "FATAL"


def _state_machine_untraced(t: Templates) -> None:
    del _first(t, "AWS::StepFunctions::StateMachine", "flow")["TracingConfiguration"]


def _state_machine_role_wider(t: Templates) -> None:
    role = t.target(t.resources[t.main["flow"]][0], _first(t, "AWS::StepFunctions::StateMachine", "flow")["RoleArn"])
    assert role is not None
    statements = t.resources[role[0]][1]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    next(s for s in statements if s["Sid"] == "OrdersWrite")["Action"] = ["dynamodb:*"]


def _state_machine_role_on_another_table(t: Templates) -> None:
    role = t.target(t.resources[t.main["flow"]][0], _first(t, "AWS::StepFunctions::StateMachine", "flow")["RoleArn"])
    assert role is not None
    statements = t.resources[role[0]][1]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    next(s for s in statements if s["Sid"] == "OrdersWrite")["Resource"] = {"Fn::GetAtt": [t.main["carts"], "Arn"]}


def _rule_role_on_every_state_machine(t: Templates) -> None:
    stack, props = t.resources[t.main["placed"]][0], _first(t, "AWS::Events::Rule", "placed")
    role = t.target(stack, next(x for x in props["Targets"] if "RoleArn" in x)["RoleArn"])
    assert role is not None
    t.resources[role[0]][1]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0]["Resource"] = "*"


def _schedule_role_trusts_anyone_of_the_service(t: Templates) -> None:
    role = t.target(t.resources[t.main["nightly"]][0], _first(t, "AWS::Scheduler::Schedule", "nightly")["Target"]["RoleArn"])
    assert role is not None
    del t.resources[role[0]][1]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Condition"]


def _short_passwords(t: Templates) -> None:
    _first(t, "AWS::Cognito::UserPool", "users")["Policies"]["PasswordPolicy"]["MinimumLength"] = 8


def _mfa_off(t: Templates) -> None:
    _first(t, "AWS::Cognito::UserPool", "users")["MfaConfiguration"] = "OFF"


def _open_endpoint(t: Templates) -> None:
    del _first(t, "AWS::EC2::VPCEndpoint", "sqs_ep")["PolicyDocument"]


def _endpoint_for_any_account(t: Templates) -> None:
    del _first(t, "AWS::EC2::VPCEndpoint", "ddb_ep")["PolicyDocument"]["Statement"][0]["Condition"]


def _stream_unencrypted(t: Templates) -> None:
    del _first(t, "AWS::Kinesis::Stream", "views")["StreamEncryption"]


def _stream_on_another_key(t: Templates) -> None:
    _first(t, "AWS::Kinesis::Stream", "clicks")["StreamEncryption"]["KeyId"] = {"Fn::GetAtt": [t.main["other_key"], "Arn"]}


def _no_scan_on_push(t: Templates) -> None:
    _first(t, "AWS::ECR::Repository", "images")["ImageScanningConfiguration"]["ScanOnPush"] = False


def _mutable_tags(t: Templates) -> None:
    _first(t, "AWS::ECR::Repository", "images")["ImageTagMutability"] = "MUTABLE"


def _repository_on_aes(t: Templates) -> None:
    _first(t, "AWS::ECR::Repository", "builds")["EncryptionConfiguration"] = {"EncryptionType": "AES256"}


def _instance_unencrypted(t: Templates) -> None:
    _first(t, "AWS::RDS::DBInstance", "my")["StorageEncrypted"] = False


def _instance_public(t: Templates) -> None:
    _first(t, "AWS::RDS::DBInstance", "pg")["PubliclyAccessible"] = True


def _instance_without_tls(t: Templates) -> None:
    del _first(t, "AWS::RDS::DBInstance", "my")["DBParameterGroupName"]


def _file_system_unencrypted(t: Templates) -> None:
    _first(t, "AWS::EFS::FileSystem", "shared")["Encrypted"] = False


def _mount_target_in_a_public_subnet(t: Templates) -> None:
    target = next(props for _s, _l, props in t.of_type("AWS::EFS::MountTarget"))
    target["SubnetId"] = {"Ref": t.main["pub_a"]}


def _file_system_allows_plain_transport(t: Templates) -> None:
    statements = _first(t, "AWS::EFS::FileSystem", "shared")["FileSystemPolicy"]["Statement"]
    statements[:] = [s for s in statements if s["Sid"] != "DenyInsecureTransport"]


def _function_mounts_the_file_system_root(t: Templates) -> None:
    _first(t, "AWS::Lambda::Function", "fn")["FileSystemConfigs"][0]["Arn"] = {"Fn::GetAtt": [t.main["shared"], "Arn"]}


def _mount_grant_without_the_access_point(t: Templates) -> None:
    statements = _first(t, "AWS::IAM::Role", "fn_role")["Policies"][0]["PolicyDocument"]["Statement"]
    del next(s for s in statements if "elasticfilesystem:ClientMount" in s["Action"])["Condition"]["StringEquals"]


def _task_mounts_in_plain_text(t: Templates) -> None:
    _first(t, "AWS::ECS::TaskDefinition", "task")["Volumes"][0]["EFSVolumeConfiguration"]["TransitEncryption"] = "DISABLED"


def _task_mounts_read_write(t: Templates) -> None:
    _first(t, "AWS::ECS::TaskDefinition", "task")["ContainerDefinitions"][0]["MountPoints"][0]["ReadOnly"] = False


SERVICE_BREAKAGES: list[tuple[Callable[[Templates], None], str]] = [
    (_table_on_the_aws_key, "dynamodb_tables"),
    (_table_without_pitr, "dynamodb_tables"),
    (_state_machine_logs_less, "state_machines"),
    (_state_machine_untraced, "state_machines"),
    (_state_machine_role_wider, "state_machines"),
    (_state_machine_role_on_another_table, "state_machines"),
    (_rule_role_on_every_state_machine, "event_targets"),
    (_schedule_role_trusts_anyone_of_the_service, "event_targets"),
    (_short_passwords, "cognito_pools"),
    (_mfa_off, "cognito_pools"),
    (_open_endpoint, "endpoint_policies"),
    (_endpoint_for_any_account, "endpoint_policies"),
    (_stream_unencrypted, "kinesis_streams"),
    (_stream_on_another_key, "kinesis_streams"),
    (_no_scan_on_push, "ecr_repositories"),
    (_mutable_tags, "ecr_repositories"),
    (_repository_on_aes, "ecr_repositories"),
    (_instance_unencrypted, "rds_instances"),
    (_instance_public, "rds_instances"),
    (_instance_without_tls, "rds_instances"),
    (_file_system_unencrypted, "efs_file_systems"),
    (_mount_target_in_a_public_subnet, "efs_file_systems"),
    (_file_system_allows_plain_transport, "efs_file_systems"),
    (_function_mounts_the_file_system_root, "efs_mounts"),
    (_mount_grant_without_the_access_point, "efs_mounts"),
    (_task_mounts_in_plain_text, "efs_mounts"),
    (_task_mounts_read_write, "efs_mounts"),
]


@pytest.mark.parametrize(("breakage", "name"), SERVICE_BREAKAGES, ids=[b.__name__.strip("_") for b, _ in SERVICE_BREAKAGES])
def test_service_checker_catches_a_broken_template(breakage: Callable[[Templates], None], name: str) -> None:
    arch, build = services()
    t = Templates.of(arch, build)
    assert CHECKERS[name](t) == []
    breakage(t)
    assert CHECKERS[name](t) != []


@pytest.mark.parametrize(("breakage", "name"), CACHE_BREAKAGES, ids=[f"{b.__name__.strip('_')}-{n}" for b, n in CACHE_BREAKAGES])
def test_cache_checker_catches_a_broken_template(breakage: Callable[[Templates], None], name: str) -> None:
    arch, build = caches()
    t = Templates.of(arch, build)
    assert CHECKERS[name](t) == []
    breakage(t)
    assert CHECKERS[name](t) != []


def test_the_services_model_exercises_the_cache_search_and_mail_properties() -> None:
    arch, build = caches()
    t = Templates.of(arch, build)
    kinds = {body["Type"] for _stack, body in t.resources.values()}
    assert {"AWS::ElastiCache::ServerlessCache", "AWS::ElastiCache::ReplicationGroup", "AWS::ElastiCache::User"} <= kinds
    cache_groups = {t.group_of(t.main[r]) for r in ("sessions", "counters", "unused")} - {None}
    assert sum(1 for g, _ in t.ingress_rules() if g in cache_groups) == 3  # fn and svc into sessions, svc into counters; none into unused
    search = _first(t, "AWS::OpenSearchService::Domain", "search")
    assert sum(1 for g, _ in t.ingress_rules() if g == search["VPCOptions"]["SecurityGroupIds"][0]["Fn::GetAtt"][0]) == 2  # fn and svc
    assert len(search["AccessPolicies"]["Statement"]) == 2  # fn_role reads, app_role reads and writes
    assert "AccessPolicies" not in _first(t, "AWS::OpenSearchService::Domain", "logs_search")  # nothing connects to it
    assert sum(1 for _s, _l, p in t.of_type("AWS::Route53::RecordSet") if p["Type"] == "CNAME") == 3  # the mailer's DKIM records

def test_the_services_model_exercises_every_switch() -> None:
    """Both sides of what the checkers compare are in the model: with and without customer keys, MFA required and optional…"""
    arch, _ = services()
    res = arch.resources
    assert {bool(res[r].kms_key) for r in ("orders", "carts")} == {True, False}
    assert {bool(res[r].kms_key) for r in ("clicks", "views")} == {True, False}
    assert {res[r].immutable_tags for r in ("images", "builds")} == {True, False}
    assert {res[r].mfa for r in ("users", "staff")} == {"required", "optional"}
    assert {res[r].engine for r in ("pg", "my")} == {"postgres", "mysql"}
    assert {res[r].kind or ("gateway" if res[r].service == "dynamodb" else "interface") for r in ("ddb_ep", "sqs_ep")} \
        == {"gateway", "interface"}
