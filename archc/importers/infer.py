"""Flowchart AST → `Architecture`: infer resource types, typed fields, verbs, accounts and groups.

What a diagram says is read with the catalogue's vocabulary (`TYPES[*].words`, `VERBS[*].words`,
`RELATIONS`):

- a subgraph titled like "Production Account (978489150794)" is an account whose nodes live in
  it; one titled "VPC (10.10.0.0/16)" is a VPC (a group with ``resource:``); others are
  presentation groups;
- a node's type comes from the words of its first label line, then the other lines, its id, its
  classes and the titles of the subgraphs around it (the match that ends last wins, then the
  longest); facts come from its label (CIDR, AZ, tier, sizes, domain);
- an edge drawn exactly as archc draws a typed relation ("NAT"/"Route" gateway → subnet,
  "Hosts", "Used by", "Delegate zone", "A record", "TLS termination", "Spans", …) becomes that
  typed field when the types fit; other edges become connections with a verb from their label, or
  ``relates`` keeping label and style.

A node whose type needs fields the diagram cannot give stays ``generic`` (kind = the words that
described it) with its label: nothing is lost. `infer` returns the architecture and a report of
what was inferred and what could not be.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, get_args

from pydantic import TypeAdapter, ValidationError

from archc.catalog import TYPES, VERBS
from archc.mermaid.parser import _yaml_unquote
from archc.mermaid.syntax import BRACKET_SHAPES, Edge, Flowchart, Node, Subgraph
from archc.mermaid.writer import plain_edge_label, plain_node_label
from archc.model.architecture import Account, Architecture, Connection, Curve, DiagramSettings, EdgeStyle, Group
from archc.model.completeness import missing_to_build, needed_fields
from archc.model.fields import AZ_PATTERN, ID_PATTERN, MERMAID_KEYWORDS, REGION_PATTERN, az_region
from archc.model.presentation import (
    BR,
    DEFAULT_SHAPE,
    account_subgraph_id,
    account_title,
    default_account_title,
    derived_label,
    edge_ids,
    shown_derived,
)
from archc.model.resources import RESOURCE_CLASSES

DEFAULT_ACCOUNT = "main"
PLACEHOLDER_REGION = "us-east-1"

_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")
_VPC_TITLE = re.compile(r"(?i)\b(?:vpc|virtual private cloud)\b")
_CIDR = re.compile(r"\b(\d{1,3}(?:\.\d{1,3}){3}/\d{1,2})\b")
_AZ = re.compile(r"\b([a-z]{2}(?:-gov)?-[a-z]+-\d[a-z])\b")
_ACCOUNT = re.compile(r"^(?P<name>.*?)\s*\baccount\b\s*(?:\(?\s*(?P<id>\d{12})\s*\)?)?\s*$", re.IGNORECASE)
_ACCOUNT_ID = re.compile(r"\b(\d{12})\b")
_DOMAIN = re.compile(r"(\*\.)?\b([a-z0-9-]+(?:\.[a-z0-9-]+)+)\b", re.IGNORECASE)
_SIZES = re.compile(r"(\d+(?:\.\d+)?)\s*vCPU\s*,?\s*(\d+(?:\.\d+)?)\s*GB", re.IGNORECASE)
_RETENTION = re.compile(r"(\d+)[- ]day retention", re.IGNORECASE)
_PAREN = re.compile(r"\([^()]*\)")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_ID = re.compile(ID_PATTERN)
_ID_RULE = "use letters, digits, '_', '-' and '.', starting with a letter or digit; see 'Not supported' in docs/mermaid.md"

# an edge drawn exactly like this is the typed field (holder type, field) of the end named:
# (label, line) → [(source type, target type, holder end, field)]
_RELATION_EDGES: dict[tuple[str, str], list[tuple[str, str, str, str]]] = {
    ("Route", "solid"): [("internet_gateway", "subnet", "dst", "default_route"), ("target_group", "ecs_service", "dst", "target_group")],
    ("NAT", "solid"): [("nat_gateway", "subnet", "dst", "default_route")],
    ("Hosts", "dotted"): [("subnet", t, "dst", "subnets") for t in ("ecs_service", "lambda_function", "load_balancer")],
    ("Used by", "dotted"): [("iam_role", "lambda_function", "dst", "role"), ("iam_role", "ecs_task_definition", "dst", "role")],
    ("Delegate zone", "dotted"): [("dns_delegation", "route53_zone", "src", "zone")],
    ("A record", "solid"): [("route53_zone", t, "src", "records:A") for t in ("load_balancer", "cloudfront_distribution", "api_gateway")],
    ("AAAA record", "solid"): [
        ("route53_zone", t, "src", "records:AAAA") for t in ("load_balancer", "cloudfront_distribution", "api_gateway")
    ],
    ("CNAME", "solid"): [("route53_zone", t, "src", "records:CNAME") for t in ("load_balancer", "cloudfront_distribution", "api_gateway")],
    ("TLS termination", "dotted"): [("acm_certificate", t, "dst", "certificate") for t in ("load_balancer", "cloudfront_distribution")],
    ("Spans", "dotted"): [("db_subnet_group", "subnet", "src", "subnets")],
    ("Protects", "dotted"): [("web_acl", t, "dst", "web_acl") for t in ("api_gateway", "load_balancer", "cloudfront_distribution")],
    ("Run", "solid"): [("ecs_service", "ecs_task_definition", "src", "task_definition")],
    ("Forward", "solid"): [("load_balancer", "target_group", "src", "listener_target")],
}


def relation_line(label: str | None) -> str | None:
    """The line a typed relation drawn with *label* has ("Used by" → dotted), None for none: for
    a diagram with no line styles (architecture-beta) to be read as archc draws relations."""
    return next((line for (lbl, line) in _RELATION_EDGES if lbl == label), None)


# type → the types whose facts look resources of that type up (enclosing VPC, same-group peers)
_DEPENDENTS: dict[str, tuple[str, ...]] = {
    "vpc": ("subnet", "internet_gateway", "security_group", "target_group", "nat_gateway"),
    "subnet": ("nat_gateway",),
    "ecs_cluster": ("ecs_service",),
    "aurora_cluster": ("aurora_readers",),
    "db_subnet_group": ("aurora_cluster",),
}


@dataclass
class Report:
    inferred: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)

    def text(self) -> str:
        lines = [f"inferred: {x}" for x in self.inferred] + [f"could not infer: {x}" for x in self.unresolved]
        return "\n".join(lines)


@lru_cache(maxsize=65536)
def plain_text(label: str | None) -> str:
    """A label's words: `<br/>` → newline, HTML tags and entities dropped."""
    if not label:
        return ""
    text = _BR.sub("\n", label)
    text = _TAGS.sub(" ", text)
    text = re.sub(r"#\w+;|&\w+;", " ", text)
    return text.strip("`")


@lru_cache(maxsize=65536)
def _words_text(text: str) -> str:
    text = _CAMEL.sub(" ", text)
    return re.sub(r"[_\s]+", " ", text).lower().strip()


_WORD_TYPES: dict[str, tuple[str, str]] = {}
for _t, _info in TYPES.items():
    for _w in _info.words:
        _WORD_TYPES.setdefault(_w, (_t, _w))
        _WORD_TYPES.setdefault(_w + "s", (_t, _w))
# Well-known AWS services archc has no type for (yet): a label naming one stays generic, with the
# service as its kind, instead of being forced into a type one of its words resembles. A word the
# catalogue claims (a new type's row) wins, so new rows just work.
NO_TYPE_YET: dict[str, str] = {
    "dynamodb": "DynamoDB", "dynamo db": "DynamoDB", "dynamo": "DynamoDB",
    "step functions": "Step Functions", "step function": "Step Functions", "state machine": "Step Functions", "sfn": "Step Functions",
    "eventbridge": "EventBridge", "event bridge": "EventBridge", "event bus": "EventBridge",
    "memcached": "ElastiCache for Memcached",
    "ecr": "ECR", "container registry": "ECR",
    "kinesis": "Kinesis", "firehose": "Kinesis Data Firehose", "msk": "MSK", "kafka": "MSK",
    "cognito": "Cognito", "user pool": "Cognito",
    "eks": "EKS", "kubernetes": "EKS", "k8s": "EKS", "ec2": "EC2", "ec2 instance": "EC2", "auto scaling group": "EC2 Auto Scaling",
    "asg": "EC2 Auto Scaling", "bastion": "EC2", "efs": "EFS", "fsx": "FSx", "glacier": "S3 Glacier",
    "route table": "route tables", "transit gateway": "Transit Gateway", "vpc endpoint": "VPC endpoints",
    "privatelink": "PrivateLink", "direct connect": "Direct Connect", "vpn": "VPN", "network firewall": "Network Firewall",
    "vpc peering": "VPC peering", "peering connection": "VPC peering", "elastic ip": "Elastic IP", "eip": "Elastic IP",
    "shield": "Shield", "guardduty": "GuardDuty", "cloudtrail": "CloudTrail", "aws config": "Config", "inspector": "Inspector",
    "security hub": "Security Hub", "systems manager": "Systems Manager", "ssm": "Systems Manager", "parameter store": "Systems Manager",
    "codepipeline": "CodePipeline", "codebuild": "CodeBuild", "codedeploy": "CodeDeploy", "codecommit": "CodeCommit",
    "glue": "Glue", "athena": "Athena", "redshift": "Redshift", "emr": "EMR", "quicksight": "QuickSight", "lake formation": "Lake Formation",
    "sagemaker": "SageMaker", "bedrock": "Bedrock", "rekognition": "Rekognition", "textract": "Textract", "comprehend": "Comprehend",
    "neptune": "Neptune", "documentdb": "DocumentDB", "keyspaces": "Keyspaces", "timestream": "Timestream",
    "appsync": "AppSync", "amplify": "Amplify", "elastic beanstalk": "Elastic Beanstalk", "beanstalk": "Elastic Beanstalk",
    "batch": "Batch", "aws batch": "Batch", "amazon mq": "Amazon MQ", "rabbitmq": "Amazon MQ", "global accelerator": "Global Accelerator",
    "aws backup": "AWS Backup", "organizations": "Organizations", "sso": "IAM Identity Center", "identity center": "IAM Identity Center",
}
_NO_TYPE_WORDS: dict[str, tuple[str, str]] = {}
for _w in NO_TYPE_YET:
    for _form in (_w, _w + "s"):
        if _form not in _WORD_TYPES:
            _NO_TYPE_WORDS.setdefault(_form, ("generic", _w))
# words too common to type a node from the title of a subgraph around it ("Roles", "Cluster")
_WEAK_CONTEXT = frozenset({"role", "secret", "credentials", "queue", "topic", "notifications", "bucket", "certificate", "reader",
                           "replica", "logs", "metrics", "alarm", "tracing", "users", "clients", "client", "customers", "internet",
                           "delegation", "tg", "sg", "nat"})
_ALL_WORDS = {**_NO_TYPE_WORDS, **_WORD_TYPES}
_MAX_WORDS = max(len(w.split()) for w in _ALL_WORDS)
_TOKEN = re.compile(r"[\w-]+")


@lru_cache(maxsize=65536)
def match_type(text: str) -> tuple[str, str] | None:
    """(type, word) whose word ends last in *text* (then the longest), or None.

    A word of a well-known AWS service archc has no type for gives ("generic", that word).
    """
    tokens = _TOKEN.findall(text)
    for end in range(len(tokens), 0, -1):
        for n in range(min(_MAX_WORDS, end), 0, -1):
            found = _ALL_WORDS.get(" ".join(tokens[end - n : end]))
            if found:
                return found
    return None


def infer_type(node: Node, context: list[str]) -> tuple[str, str] | None:
    """The catalogue type of *node* and the word that said so (None: nothing matched).
    A subgraph title around the node counts only with a word that names a service ("Lambda
    Functions", "IAM Roles"), never with a common word ("Roles", "Queue")."""
    own = list(_type_texts(node))
    for text in own:
        if text:
            found = match_type(text)
            if found:
                return found
    for text in context:
        found = match_type(text) if text else None
        if found and found[0] != "generic" and found[1] not in _WEAK_CONTEXT:
            return found
    return None


def _type_texts(node: Node) -> Iterator[str]:
    """Where a node's own type is looked for, in order: its first label line (what is outside
    parentheses first: "ALB (security group web-sg)" is a load balancer), the other lines, its id,
    its classes."""
    lines = [x for x in plain_text(node.label).split("\n") if x.strip()]
    if len(lines) > 1 and lines[0].strip() == node.id:
        lines = lines[1:]  # the id shown over the label (a resource without a label of its own)
    if lines:
        first = _PAREN.sub(" ", lines[0])
        if first != lines[0]:
            yield _words_text(first)
        yield _words_text(lines[0])
        yield _words_text(" ".join(lines[1:]))
    for key, value in node.data:  # an icon names a service too: `@{ icon: "logos:aws-lambda" }`, architecture-beta's `(aws:s3)`
        if key == "icon":
            yield _words_text(icon_words(value))
    yield _words_text(node.id)
    for c in node.classes:
        yield _words_text(c)


def icon_words(icon: str) -> str:
    """The words of an icon name: `"logos:aws-lambda"` → `aws lambda` (the icon pack left out)."""
    name = icon.strip().strip("\"'").rpartition(":")[2]
    return re.sub(r"[-_]+", " ", name)


_VERB_WORDS: dict[str, str | None] = {}
for _v, _vi in VERBS.items():
    for _w in (*_vi.words, _vi.label.lower()):
        _VERB_WORDS.setdefault(_w, _v if _vi.label else None)


@lru_cache(maxsize=65536)
def infer_verb(label: str | None) -> str | None:
    """The verb whose words are the whole label (case-insensitive), or None."""
    if not label:
        return None
    return _VERB_WORDS.get(" ".join(plain_text(label).lower().split()))


def _key(name: str) -> str:
    key = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    return key or DEFAULT_ACCOUNT


# a region code that is not the start of an availability zone (us-west-2, not us-west-2a)
_REGION = re.compile(
    r"\b((?:us|eu|ap|sa|ca|me|af|il|mx)(?:-gov)?-(?:north|south|east|west|central|northeast|northwest|southeast|southwest)-[1-9])(?![a-z0-9])"
)
# the console's region names (lower case, one space), as people title region boxes
_REGION_NAMES = {
    "us east (n. virginia)": "us-east-1", "us east (ohio)": "us-east-2", "us west (n. california)": "us-west-1",
    "us west (oregon)": "us-west-2", "africa (cape town)": "af-south-1", "asia pacific (hong kong)": "ap-east-1",
    "asia pacific (hyderabad)": "ap-south-2", "asia pacific (jakarta)": "ap-southeast-3", "asia pacific (melbourne)": "ap-southeast-4",
    "asia pacific (mumbai)": "ap-south-1", "asia pacific (osaka)": "ap-northeast-3", "asia pacific (seoul)": "ap-northeast-2",
    "asia pacific (singapore)": "ap-southeast-1", "asia pacific (sydney)": "ap-southeast-2", "asia pacific (tokyo)": "ap-northeast-1",
    "canada (central)": "ca-central-1", "canada west (calgary)": "ca-west-1", "europe (frankfurt)": "eu-central-1",
    "europe (ireland)": "eu-west-1", "europe (london)": "eu-west-2", "europe (milan)": "eu-south-1", "europe (paris)": "eu-west-3",
    "europe (spain)": "eu-south-2", "europe (stockholm)": "eu-north-1", "europe (zurich)": "eu-central-2",
    "israel (tel aviv)": "il-central-1", "middle east (bahrain)": "me-south-1", "middle east (uae)": "me-central-1",
    "south america (são paulo)": "sa-east-1", "south america (sao paulo)": "sa-east-1",
    "aws govcloud (us-east)": "us-gov-east-1", "aws govcloud (us-west)": "us-gov-west-1",
}
_REGION_NAME = re.compile("|".join(re.escape(n) for n in sorted(_REGION_NAMES, key=len, reverse=True)))


def region_of_title(text: str) -> str | None:
    """The one region a subgraph title names: its code ("us-west-2", "Region: eu-west-1") or its
    console name ("US West (Oregon)"); None when it names none, several, or an availability zone only."""
    lowered = " ".join(text.lower().split())
    found = {m for m in _REGION.findall(lowered) if REGION_PATTERN.match(m)}
    found |= {_REGION_NAMES[m.group(0)] for m in _REGION_NAME.finditer(lowered)}
    return found.pop() if len(found) == 1 else None


def _account_of_title(title: str) -> tuple[str, str | None] | None:
    """(name, 12-digit id or None) for a title like "Production Account (978489150794)" or "Dev Account"."""
    text = " ".join(plain_text(title).split())
    m = _ACCOUNT.match(text)
    if m:
        return (m.group("name").strip() or "Account"), m.group("id")
    if "account" in text.lower():
        ids = _ACCOUNT_ID.findall(text)
        if len(ids) == 1:
            name = text.replace(ids[0], "").replace("()", "")
            name = re.sub(r"(?i)\baccount\b", "", name).strip(" -:()")
            return (name or "Account"), ids[0]
    return None


@dataclass
class _Res:
    id: str
    node: Node | None
    type: str
    word: str
    data: dict[str, Any]
    group: str | None
    account: str | None
    context: list[str]


class _Inferrer:
    def __init__(self, fc: Flowchart, home: str | None, base: Architecture | None = None) -> None:
        self.fc = fc
        self.base = base
        self.home = home
        self.report = Report()
        self.sg = {s.id: s for s in fc.subgraphs}
        self.node_ids = {n.id for n in fc.nodes}
        self.parent_of: dict[str, str] = {}  # node or subgraph id → enclosing subgraph id
        for s in fc.subgraphs:
            for m in s.members:
                self.parent_of.setdefault(m, s.id)
        self.accounts: dict[str, tuple[str, Account]] = {}  # subgraph id → (key, account)
        self.stands: dict[str, str] = {}  # subgraph id → the resource it stands for (a VPC)
        self.subnet_titles: dict[str, dict[str, Any]] = {}  # subgraph id → subnet facts of its title
        self.vpc_sketches: set[str] = set()  # subgraphs that are VPCs without a CIDR drawn
        self.region_titles: dict[str, str] = {}  # subgraph id → the region its title names ("US West (Oregon)")
        self.res: dict[str, _Res] = {}
        self._btg: dict[tuple[Any, ...], list[str]] = {}
        self._btg_key: tuple[str, ...] | None = None
        self._pub: dict[tuple[str | None, str], list[str]] | None = None
        self._valid: dict[tuple[str, str, str], Any] = {}
        self._drawn: dict[tuple[Any, ...], dict[str, Any]] = {}
        self.all_accounts: dict[str, Account] = {}
        self.account_ids: dict[str, str] = {}
        self.home_key = home or DEFAULT_ACCOUNT

    # -- subgraphs ----------------------------------------------------------------------------

    def ancestors(self, item: str) -> list[str]:
        """The subgraphs around *item*, nearest first (a cycle ends the walk)."""
        out: list[str] = []
        seen: set[str] = set()
        cur = self.parent_of.get(item)
        while cur is not None and cur not in seen:
            seen.add(cur)
            out.append(cur)
            cur = self.parent_of.get(cur)
        return out

    def account_key_of(self, item: str) -> str | None:
        for sid in self.ancestors(item):
            if sid in self.accounts:
                return self.accounts[sid][0]
        return None

    def classify_subgraphs(self) -> None:
        used: set[str] = set()
        known: dict[str, str] = {}
        if self.base is not None:
            known = {account_subgraph_id(self.base, k): k for k in self.base.accounts if self.base.accounts[k].subgraph}
        for s in self.fc.subgraphs:
            if s.parent is not None:
                continue
            if s.id in known and self.base is not None:
                key = known[s.id]
                acct = self.base.accounts[key]
                update: dict[str, Any] = {}
                if s.title != account_title(self.base, key):
                    update["label"] = s.title
                if s.direction != acct.direction:
                    update["direction"] = s.direction
                self.accounts[s.id] = (key, acct.model_copy(update=update) if update else acct)
                used.add(key)
                continue
            found = _account_of_title(s.title)
            if found is None:
                continue
            name, aid = found
            key = _key(name)
            while key in used:
                key += "_"
            used.add(key)
            default = default_account_title(name, aid)
            label = None if s.title == default and s.title_kind != "markdown" else s.title
            self.accounts[s.id] = (key, Account(id=aid, name=name, region=PLACEHOLDER_REGION, label=label, direction=s.direction))
            self.report.inferred.append(f"subgraph {s.id}: account '{key}'" + (f" ({aid})" if aid else " (no account id drawn)"))
            if s.classes:
                self.report.unresolved.append(f"subgraph {s.id}: classes {', '.join(s.classes)} on an account subgraph are not kept")
        edge_ends = {x for e in self.fc.edges for x in (e.src, e.dst)}
        for s in self.fc.subgraphs:
            if s.id in self.accounts:
                continue
            text = plain_text(s.title)
            cidrs = _CIDR.findall(text)
            base_group = self.base.groups.get(s.id) if self.base is not None else None
            if base_group is not None and base_group.resource:
                self.stands[s.id] = base_group.resource
            elif _VPC_TITLE.search(text) and len(cidrs) == 1:
                self.stands[s.id] = s.id
                self.report.inferred.append(f"subgraph {s.id}: VPC {cidrs[0]}")
            elif (subnet := self.subnet_of_title(s)) is not None:
                self.stands[s.id] = s.id
                self.subnet_titles[s.id] = subnet
                self.report.inferred.append(f"subgraph {s.id}: {subnet['tier']} subnet {subnet['cidr']} in {subnet['az']}")
            elif (region := region_of_title(text)) is not None and s.id not in edge_ends:
                self.region_titles[s.id] = region
                self.report.inferred.append(f"subgraph {s.id}: region {region} (its members' region)")
            elif s.id in edge_ends:
                # an edge to a subgraph: the subgraph stands for a resource of its own
                self.stands[s.id] = s.id
                self.report.unresolved.append(f"subgraph {s.id}: an edge end; kept as a generic resource the subgraph stands for")
        for s in self.fc.subgraphs:
            # a VPC sketch: titled as one, no CIDR drawn, and subnets inside (ARC115 asks for the CIDR)
            if s.id in self.stands or s.id in self.accounts or s.id in self.region_titles:
                continue
            text = plain_text(s.title)
            if _VPC_TITLE.search(text) and not _CIDR.findall(text) and self.holds_subnets(s):
                self.stands[s.id] = s.id
                self.vpc_sketches.add(s.id)
                self.report.inferred.append(f"subgraph {s.id}: VPC (its subnets inside; no CIDR drawn)")

    def subnet_of_title(self, s: Subgraph) -> dict[str, Any] | None:
        """Subnet facts of a subgraph titled like one ("Public Subnet 1<br/>10.0.0.0/24"): the
        tier from public/private/isolated, the CIDR, the AZ from its title or a subgraph around
        it ("us-east-1a"). A title for several subnets ("Private Subnets") is a plain group."""
        text = plain_text(s.title)
        tokens = _TOKEN.findall(_words_text(text))
        if "subnet" not in tokens or "subnets" in tokens or "group" in tokens:
            return None
        cidrs = _CIDR.findall(text)
        tier = next((t for t in ("public", "private", "isolated") if t in tokens), None)
        azs = [a for a in _AZ.findall(text) if AZ_PATTERN.match(a)]
        if not azs:
            for sid in self.ancestors(s.id):
                azs = [a for a in _AZ.findall(plain_text(self.sg[sid].title)) if AZ_PATTERN.match(a)]
                if azs:
                    break
        if len(cidrs) != 1 or len(set(azs)) != 1 or tier is None:
            missing = [w for w, ok in (("CIDR", len(cidrs) == 1), ("availability zone", len(set(azs)) == 1), ("tier", tier)) if not ok]
            self.report.unresolved.append(f"subgraph {s.id}: a subnet without {', '.join(missing)} in its title; kept as a group")
            return None
        return {"cidr": cidrs[0], "az": azs[0], "tier": tier}

    def holds_subnets(self, s: Subgraph) -> bool:
        """Whether a subnet subgraph or a node that reads as a subnet sits directly in *s*."""
        nodes = {n.id: n for n in self.fc.nodes}
        for m in s.members:
            if m in self.subnet_titles:
                return True
            node = nodes.get(m)
            if node is not None and m not in self.sg and (infer_type(node, []) or ("",))[0] == "subnet":
                return True
        return False

    def region_of(self, rid: str) -> str | None:
        """The region of the nearest enclosing region subgraph, or None."""
        return next((self.region_titles[sid] for sid in self.ancestors(rid) if sid in self.region_titles), None)

    def enclosing_az_of(self, rid: str) -> str | None:
        """The availability zone the nearest enclosing subgraph titled with exactly one names."""
        for sid in self.ancestors(rid):
            azs = {a for a in _AZ.findall(plain_text(self.sg[sid].title)) if AZ_PATTERN.match(a)}
            if azs:
                return azs.pop() if len(azs) == 1 else None
        return None

    def enclosing_subnet_of(self, rid: str) -> str | None:
        for sid in self.ancestors(rid):
            if sid in self.subnet_titles:
                return self.stands[sid]
        return None

    # -- nodes --------------------------------------------------------------------------------

    def collect_nodes(self) -> None:
        nodes = {n.id: n for n in self.fc.nodes}
        for sid, rid in self.stands.items():
            if self.base is not None and rid in self.base.resources:
                known = self.base.resources[rid]
                self.res[rid] = _Res(rid, None, known.type, known.type, {}, None, known.account, [])
                continue
            cidrs = _CIDR.findall(plain_text(self.sg[sid].title))
            if _VPC_TITLE.search(plain_text(self.sg[sid].title)) and len(cidrs) == 1:
                self.res[rid] = _Res(rid, None, "vpc", "vpc", {"cidr": cidrs[0]}, None, self.account_key_of(sid), [])
            elif sid in self.vpc_sketches:
                self.res[rid] = _Res(rid, None, "vpc", "vpc", {}, None, self.account_key_of(sid), [])
            elif sid in self.subnet_titles:
                self.res[rid] = _Res(rid, None, "subnet", "subnet", dict(self.subnet_titles[sid]), None, self.account_key_of(sid), [])
            else:
                node = nodes.get(sid)
                bare = Node(sid, node.label, node.label_kind, node.shape) if node is not None else None
                self.res[rid] = _Res(rid, bare, "generic", "", {}, None, self.account_key_of(sid), [])
        for n in self.fc.nodes:
            if n.id in self.sg:  # a subgraph named by an edge, `style` or `class`: not a node
                continue
            context = [_words_text(plain_text(self.sg[s].title)) for s in self.ancestors(n.id) if s not in self.accounts]
            found = infer_type(n, context)
            rtype, word = found if found else ("generic", "")
            account = self.account_key_of(n.id)
            if self.base is not None and n.id in self.base.resources:
                rtype = self.base.resources[n.id].type
                account = self.base.resources[n.id].account
            group = self.parent_of.get(n.id)
            if group in self.accounts:
                group = None
            self.res[n.id] = _Res(n.id, n, rtype, word, {}, group, account, context)

    # -- typed fields from edges --------------------------------------------------------------

    def relation_for(self, e: Edge) -> tuple[str, str, str] | None:
        """(holder id, field, target id) when *e* is drawn exactly like a typed relation."""
        if e.label is None or e.head_start != "none" or e.head_end != "arrow" or e.length != 1 or e.label_kind == "markdown":
            return None
        src, dst = self.res.get(e.src), self.res.get(e.dst)
        if src is None or dst is None:
            return None
        for stype, ttype, holder, fld in _RELATION_EDGES.get((e.label, e.stroke), []):
            if src.type == stype and dst.type == ttype:
                return (e.dst, fld, e.src) if holder == "dst" else (e.src, fld, e.dst)
        if self.base is not None and src.type == "route53_zone" and e.stroke == "solid":
            # a record the model labels itself ("Apex", say) is drawn with that label
            known = self.base.resources.get(e.src)
            for record in getattr(known, "records", ()) or ():
                if record.label == e.label:
                    return (e.src, f"records:{record.type}", e.dst)
        return None

    def by_type_group(self) -> dict[tuple[Any, ...], list[str]]:
        """(type, group, account) and (type,) → resource ids (rebuilt at each pass of `resolve`)."""
        if self._btg_key is None:
            index: dict[tuple[Any, ...], list[str]] = {}
            for x in self.res.values():
                index.setdefault((x.type, x.group, x.account), []).append(x.id)
                index.setdefault((x.type,), []).append(x.id)
            self._btg, self._btg_key = index, ()
        return self._btg

    def enclosing_vpc_of(self, rid: str) -> str | None:
        for sid in self.ancestors(rid):
            if sid in self.stands and self.res[self.stands[sid]].type == "vpc":
                return self.stands[sid]
        vpcs = self.by_type_group().get(("vpc",), [])
        return vpcs[0] if len(vpcs) == 1 else None

    def public_subnets(self) -> dict[tuple[str | None, str], list[str]]:
        """(enclosing VPC, AZ) → the subnets whose label says public."""
        if self._pub is None:
            index: dict[tuple[str | None, str], list[str]] = {}
            for x in self.res.values():
                if x.type != "subnet":
                    continue
                if x.node is None:
                    if x.data.get("tier") == "public":
                        index.setdefault((self.enclosing_vpc_of(x.id), x.data["az"]), []).append(x.id)
                    continue
                text = plain_text(x.node.label)
                if "public" not in _words_text(text):
                    continue
                for az in sorted(set(_AZ.findall(text))):
                    index.setdefault((self.enclosing_vpc_of(x.id), az), []).append(x.id)
            self._pub = index
        return self._pub

    def facts(self, r: _Res, fields: dict[str, list[str]]) -> dict[str, Any] | None:
        """The data for *r*'s type from its label and relation fields; None: it cannot be typed.

        Facts the diagram does not give but only `archc build` needs (the model's `needed`
        fields) are left out: the resource keeps its type as a sketch and lint lists what is
        missing (ARC115). Only facts that contradict each other make it generic."""
        inside = self.enclosing_subnet_of(r.id)
        if inside is not None and r.type in ("lambda_function", "ecs_service", "load_balancer") and inside not in fields.get("subnets", []):
            fields = {**fields, "subnets": [inside, *fields.get("subnets", [])]}  # drawn inside a subnet: placed in it
        of_type = _FACTS.get(r.type)
        return of_type(_Facts(self, r, fields, inside)) if of_type is not None else {}

    def resolve(self) -> tuple[dict[int, tuple[str, str, str]], dict[str, Any]]:
        """Fix types and typed fields together: a resource that cannot be typed becomes generic,
        and the edges that were its typed fields become connections (repeat until stable).

        Returns the edges used as typed fields and the typed resources, each validated once in
        its final form (presentation fields included)."""
        while True:
            self._btg_key = None  # types may have changed in the last pass
            relations: dict[int, tuple[str, str, str]] = {}
            fields: dict[str, dict[str, list[str]]] = {}
            for i, e in enumerate(self.fc.edges):
                rel = self.relation_for(e)
                if rel is None:
                    continue
                holder, fld, target = rel
                relations[i] = rel
                fields.setdefault(holder, {}).setdefault(fld, []).append(target)
            relation_ends = {x for holder, _, target in relations.values() for x in (holder, target)}
            data: dict[str, dict[str, Any]] = {}
            built: dict[str, Any] = {}
            problems: list[str] = []
            demoted = False
            for rid, r in self.res.items():
                if r.type == "generic":
                    continue
                if self.base is not None and rid in self.base.resources:
                    d = based(self.base.resources[rid], fields.get(rid, {}), self.res, problems, rid)
                    obj = self._validated(r, d) if not problems else None
                    if obj is None and not problems:
                        problems.append(f"{rid} ({r.type}): the diagram's edits leave it invalid")
                    data[rid], built[rid] = d, obj
                    continue
                found = self.facts(r, fields.get(rid, {}))
                obj = self._validated(r, found) if found is not None else None
                if obj is None:
                    self.report.unresolved.append(
                        f"{rid}: looks like {TYPES[r.type].title} ('{r.word}') but the diagram does not give what one needs; kept generic"
                    )
                    # another pass only when this changes what others were inferred from
                    ends = rid in relation_ends
                    demoted = demoted or ends or any(self.by_type_group().get((t,)) for t in _DEPENDENTS.get(r.type, ()))
                    r.type = "generic"
                    continue
                data[rid], built[rid] = found or {}, obj
                missing = missing_to_build(obj)
                if missing:
                    self.report.unresolved.append(
                        f"{rid}: {TYPES[r.type].title} without {', '.join(missing)}: the diagram does not show "
                        f"{'it' if len(missing) == 1 else 'them'} (needed to build; `archc lint` lists it as ARC115)"
                    )
            if problems:
                raise DiagramError(sorted(set(problems), key=problems.index))
            if not demoted:
                # a relation only counts when its holder kept the field
                used = {i: rel for i, rel in relations.items() if rel[0] in data and self._uses(data[rel[0]], rel)}
                return used, built

    @staticmethod
    def _uses(d: dict[str, Any], rel: tuple[str, str, str]) -> bool:
        _, fld, target = rel
        if fld.startswith("records:"):
            return any(x["target"] == target and x.get("type", "A") == fld.split(":")[1] for x in d.get("records", []))
        if fld == "listener_target":
            return any(x.get("target_group") == target for x in d.get("listeners", []))
        if fld == "certificate" and "listeners" in d:
            return any(x.get("certificate") == target for x in d["listeners"])
        if fld == "role":
            return target in (d.get("role"), d.get("execution_role"), d.get("task_role"))
        value = d.get(fld)
        return value == target or (isinstance(value, list) and target in value)

    def _validated(self, r: _Res, d: dict[str, Any]) -> Any:
        """The resource *r* with data *d* and its presentation fields, validated (None: invalid)."""
        key = (r.id, r.type, repr(d))
        if key not in self._valid:
            try:
                self._valid[key] = RESOURCE_CLASSES[r.type].model_validate(self.record(r, d))
            except ValidationError:
                self._valid[key] = None
        return self._valid[key]

    # -- accounts -----------------------------------------------------------------------------

    def setup_accounts(self) -> None:
        """The accounts (drawn, known from the base, or one that is not drawn) and their regions."""
        accounts: dict[str, Account] = dict(self.base.accounts) if self.base is not None else {}
        accounts.update({key: acct for key, acct in self.accounts.values()})
        account_ids: dict[str, str] = dict(self.base.diagram.account_ids) if self.base is not None else {}
        account_ids.update({key: sid for sid, (key, _) in self.accounts.items() if key != sid})
        home = self.home if self.home in accounts else (next(iter(accounts)) if accounts else (self.home or DEFAULT_ACCOUNT))
        outside = [r for r in self.res.values() if r.account is None and r.node is not None and r.group is None]
        if self.accounts and outside and self.base is None:
            # nodes drawn outside every account subgraph live in an account that is not drawn
            home = self.home if self.home and self.home not in accounts else "outside"
            for r in outside:
                r.account = home
        hidden = home not in accounts
        if hidden:
            accounts[home] = Account(name=home.replace("_", " ").title(), region=PLACEHOLDER_REGION, subgraph=False)
            self.report.unresolved.append(
                f"account '{home}': the diagram draws no account for it; it has no id (needed only to build) and region {PLACEHOLDER_REGION} is a placeholder"
            )
        if self.base is None:
            # account regions from the availability zones drawn inside them
            regions: dict[str, list[str]] = {}
            for r in self.res.values():
                for az in _AZ.findall(plain_text(r.node.label if r.node else "")):
                    if AZ_PATTERN.match(az):
                        regions.setdefault(r.account or home, []).append(az_region(az))
                if (region := self.region_of(r.id)) is not None:
                    regions.setdefault(r.account or home, []).append(region)
            every = [x for found in regions.values() for x in found]
            common = max(sorted(set(every)), key=every.count) if every else None
            for key, acct in list(accounts.items()):
                found = regions.get(key)
                if not found and common:
                    accounts[key] = acct.model_copy(update={"region": common})
                    self.report.unresolved.append(f"account '{key}': no availability zone drawn in it; region {common} assumed (the diagram's)")
                elif found:
                    accounts[key] = acct.model_copy(update={"region": max(sorted(set(found)), key=found.count)})
                    self.report.inferred.append(f"account '{key}': region {accounts[key].region} (from availability zones and regions drawn)")
                elif not (hidden and key == home):
                    self.report.unresolved.append(f"account '{key}': no availability zone drawn; region {PLACEHOLDER_REGION} is a placeholder")
        self.all_accounts = accounts
        self.account_ids = account_ids
        self.home_key = home

    # -- assembling ---------------------------------------------------------------------------

    def record(self, r: _Res, d: dict[str, Any]) -> dict[str, Any]:
        """The model data of *r*: its typed data *d* and what the diagram shows of it."""
        rd: dict[str, Any] = {"type": r.type, **d}
        if r.type == "generic" and r.word:
            rd["kind"] = r.word
        info = TYPES[r.type]
        n = r.node
        if n is not None:
            # the shape as the author wrote it: a bracket shape's name, or the `@{ shape: NAME }` name
            shape = n.shape_name or n.shape
            label, kind = _label_of(n, shape)
            if label is not None and label.startswith(f"{r.id}{BR}") and self._derived(r, rd, label):
                label = None  # the id over the catalogue's label: the resource has no label of its own
                derived = True
            else:
                derived = False
            unlabelled = label is None and r.type == "generic" and "kind" not in rd
            if label is None and not unlabelled and not derived:
                label = r.id
            if label is not None:
                rd["label"] = label
            if kind is not None:
                rd["label_kind"] = kind
            shown = (label is None and not derived) or label == r.id  # drawn as its id alone
            if shape is None:
                if not shown:
                    rd["shape"] = DEFAULT_SHAPE  # Mermaid's own box: `id@{ label: ... }`
            elif shown or shape != info.shape:
                rd["shape"] = shape
            if n.classes:
                rd["classes"] = list(n.classes)
            if r.group is not None:
                rd["group"] = r.group
        account = r.account or self.home_key
        rd["account"] = account
        az = rd.get("az")
        region = az_region(az) if isinstance(az, str) else self.region_of(r.id)
        if region is not None and region != self.all_accounts[account].region:
            rd["region"] = region
        return rd

    @staticmethod
    def _derived(r: _Res, rd: dict[str, Any], label: str) -> bool:
        """Whether *label* is what a diagram shows of *r* without a label of its own (its id over
        the catalogue's label for its type and facts, `shown_derived`)."""
        if r.type == "external":
            return False
        try:
            probe: Any = RESOURCE_CLASSES[r.type].model_construct(**rd)
            return shown_derived(r.id, derived_label(r.id, probe)) == label
        except (AttributeError, KeyError, TypeError, ValueError):
            return False

    def build(self) -> Architecture:
        for s in self.fc.subgraphs:
            if not _ID.match(s.id):
                raise DiagramPlaceError(f"subgraph id '{s.id}' cannot be a model id ({_ID_RULE})", s.line, s.col)
        self.classify_subgraphs()
        self.collect_nodes()
        for rid, r in self.res.items():
            if not _ID.match(rid):
                line, col = (r.node.line, r.node.col) if r.node is not None else (0, 0)
                raise DiagramPlaceError(f"node id '{rid}' cannot be a model id ({_ID_RULE})", line, col)
        self.setup_accounts()
        relations, built = self.resolve()

        groups: dict[str, Group] = {}
        for s in self.fc.subgraphs:
            if s.id in self.accounts:
                continue
            parent = self.parent_of.get(s.id)
            g: dict[str, Any] = {}
            if s.title != s.id or s.title_kind != "plain":
                g["title"] = s.title if s.title_kind != "markdown" else f"`{s.title}`"
                if s.title_kind == "plain" and s.title.strip() and plain_node_label(s.title):
                    g["title_kind"] = "plain"  # `subgraph id[Title]` as the author wrote it
                elif s.title_kind == "quoted" and s.title == s.id:
                    g["title_kind"] = "quoted"  # `subgraph id["id"]`, where archc writes `subgraph id`
            if parent in self.accounts:
                g["account"] = self.accounts[parent][0]
            elif parent is not None:
                g["parent"] = parent
            if s.direction:
                g["direction"] = s.direction
            if s.id in self.stands:
                g["resource"] = self.stands[s.id]
            if s.classes:
                g["classes"] = list(s.classes)
            groups[s.id] = Group(**g)

        resources: dict[str, Any] = {}
        for rid, r in self.res.items():
            if r.type != "generic":
                resources[rid] = built[rid]
                self.report.inferred.append(f"{rid}: {r.type} ('{r.word}')")
                continue
            if r.node is None and rid not in self.stands.values():
                continue
            resources[rid] = RESOURCE_CLASSES["generic"].model_validate(self.record(r, {}))
            if r.word in NO_TYPE_YET:
                self.report.unresolved.append(f"{rid}: AWS service {NO_TYPE_YET[r.word]} has no archc type; kept as generic (kind '{r.word}')")
            elif rid not in self.stands.values():
                self.report.unresolved.append(f"{rid}: no resource type; kept as generic" + (f" (kind '{r.word}')" if r.word else ""))
        css: dict[int, str] = {}
        for ls in self.fc.link_styles:
            if ls.indexes != "default":
                for ix in ls.indexes:
                    css[ix] = f"{css[ix]},{ls.style}" if ix in css else ls.style
        drawn_connections: list[dict[str, Any]] = []
        drawn_edges: list[Edge] = []
        for i, e in enumerate(self.fc.edges):
            if i in relations:
                if i in css:
                    self.report.unresolved.append(f"edge {e.src} → {e.dst}: its linkStyle is not kept (the edge is a typed field)")
                if e.id is not None or e.data:
                    self.report.unresolved.append(f"edge {e.src} → {e.dst}: its edge id and data are not kept (the edge is a typed field)")
                continue
            if e.src not in resources or e.dst not in resources:
                self.report.unresolved.append(f"edge {e.src} → {e.dst}: an end is an account subgraph; not kept")
                continue
            data = self.connection_data(e, resources)
            extra = _edge_style(e)[0]
            if i in css:
                extra["css"] = css[i]
            if extra:
                style = data["style"].model_dump(exclude_defaults=True) if data.get("style") else {}
                data = {**data, "style": EdgeStyle(**style, **extra)}
            drawn_connections.append(data)
            drawn_edges.append(e)
        connections = _CONNECTIONS.validate_python(drawn_connections)  # one call: the list is validated in pydantic-core
        self.keep_edge_ids(connections, drawn_edges)

        diagram: dict[str, Any] = {"direction": self.fc.direction, "keyword": self.fc.keyword}
        if self.fc.title is not None:
            diagram["title"] = self.fc.title
        elif self.base is not None and self.base.diagram.title is not None:
            diagram["title"] = None
        if self.account_ids:
            diagram["account_ids"] = self.account_ids
        if self.fc.class_defs:
            diagram["class_defs"] = {c.name: c.style for c in self.fc.class_defs}
        if self.fc.styles:
            styles: dict[str, str] = {}
            for st in self.fc.styles:
                styles[st.target] = f"{styles[st.target]},{st.style}" if st.target in styles else st.style
            diagram["styles"] = styles
        for ls in self.fc.link_styles:
            if ls.indexes == "default":
                old = diagram.get("default_link_style")
                diagram["default_link_style"] = f"{old},{ls.style}" if old else ls.style
        if self.fc.directives:
            diagram["directives"] = list(self.fc.directives)
        rest = _front_matter_rest(self.fc.front_matter)
        if rest:
            diagram["front_matter"] = rest
        shape_data = {n.id: ", ".join(f"{k}: {v}" for k, v in n.data) for n in self.fc.nodes if n.data and n.id in resources}
        if shape_data:
            diagram["shape_data"] = shape_data
        if self.fc.clicks:
            diagram["clicks"] = [f"{c.target} {c.rest}" for c in self.fc.clicks]
        name = self.base.name if self.base is not None else "architecture"
        return Architecture(
            name=name, accounts=self.all_accounts, resources=resources, connections=connections, groups=groups,
            diagram=DiagramSettings(**diagram),
        )

    def keep_edge_ids(self, connections: list[Connection], edges: list[Edge]) -> None:
        """Keep each edge id the author wrote as the connection's `style.id`, leaving out only the
        ids archc writes by itself for a verb (`write`, `write_2`: `edge_ids` would write the same
        id again from the model). An id that names the connection's verb is archc's until the
        fixpoint shows the diagram would be written with another id."""
        own: list[str | None] = []
        candidates: set[int] = set()
        needs: list[bool] = []
        for j, (c, e) in enumerate(zip(connections, edges, strict=True)):
            typed, data_verb = _edge_style(e)
            shown = c.label if c.label is not None else (VERBS[c.verb].label or None)
            said = infer_verb(shown) if shown is not None and not shown.startswith("`") else None
            needs.append(bool({k: v for k, v in typed.items() if k != "css"}) or said != (None if c.verb == "relates" else c.verb))
            eid = e.id
            if eid is not None and (not _ID.match(eid) or eid in MERMAID_KEYWORDS or re.match(r"end\b", eid)):
                self.report.unresolved.append(f"edge {e.src} → {e.dst}: edge id '{eid}' cannot be a model value ({_ID_RULE}); not kept")
                eid = None
            if eid is not None and data_verb != c.verb and id_verb(eid) == c.verb:
                candidates.add(j)
                eid = None
            own.append(eid)
        taken = [n.id for n in self.fc.nodes] + [s.id for s in self.fc.subgraphs]
        while candidates:
            written = edge_ids([(c.verb, own[j], needs[j]) for j, c in enumerate(connections)], taken)
            moved = next((j for j in sorted(candidates) if written[j] != edges[j].id), None)
            if moved is None:
                break
            own[moved] = edges[moved].id  # the first id archc would not write: the author's (one at a time,
            candidates.discard(moved)  # as it changes the ids archc writes after it)
        for j, eid in enumerate(own):
            if eid is not None:
                c = connections[j]
                c.style = c.style.model_copy(update={"id": eid}) if c.style is not None else EdgeStyle(id=eid)

    def connection_data(self, e: Edge, resources: dict[str, Any]) -> dict[str, Any]:
        """The connection *e* draws, as model data (its verb from the edge data or the edge id, else
        from the label, when the ends fit)."""
        st, tt = resources[e.src].type, resources[e.dst].type
        named = (_edge_style(e)[1], id_verb(e.id))
        key = (e.label, e.label_kind, e.stroke, e.head_start, e.head_end, e.length, st, tt, named)
        drawn = self._drawn.get(key)
        if drawn is None:
            drawn = self._drawn[key] = _connection_drawn(e, st, tt, named)
        return {"from": e.src, "to": e.dst, **drawn}


class _Facts:
    """What `_Inferrer.facts` knows of one resource: its label's text, words, CIDRs and AZs, its
    relation fields, and the subnet subgraph it is drawn in."""

    def __init__(self, inf: _Inferrer, r: _Res, fields: dict[str, list[str]], inside: str | None) -> None:
        self.inf, self.r, self.fields, self.inside = inf, r, fields, inside
        self.text = plain_text(r.node.label if r.node else None)
        self.words = _words_text(self.text)
        self.cidrs = _CIDR.findall(self.text)
        self.azs = [a for a in _AZ.findall(self.text) if AZ_PATTERN.match(a)]

    def vpc(self) -> str | None:
        return self.inf.enclosing_vpc_of(self.r.id)

    def one(self, name: str) -> str | None:
        vals = self.fields.get(name, [])
        return vals[0] if vals else None

    def same_group(self, rtype: str) -> str | None:
        """The one resource of *rtype* in the same group and account (or in the whole diagram)."""
        index = self.inf.by_type_group()
        peers = index.get((rtype, self.r.group, self.r.account), [])
        if len(peers) == 1:
            return peers[0]
        every = index.get((rtype,), [])
        return every[0] if len(every) == 1 else None


Facts = dict[str, Any] | None


def _vpc(f: _Facts) -> Facts:
    if f.r.node is None:  # a subgraph: its title's facts
        return f.r.data
    return {"cidr": f.cidrs[0]} if len(f.cidrs) == 1 else None


def _subnet(f: _Facts) -> Facts:
    vpc = f.vpc()
    route = f.one("default_route")
    if f.r.node is None and f.r.data:  # a subgraph titled like a subnet
        if vpc is None:
            return None
        return {**f.r.data, "vpc": vpc, **({"default_route": route} if route else {})}
    azs = f.azs
    if not azs and (az := f.inf.enclosing_az_of(f.r.id)) is not None:
        azs = [az]  # drawn inside an availability-zone subgraph
    if len(f.cidrs) != 1 or len(azs) != 1 or vpc is None:
        return None
    words = f.words
    tier = "public" if "public" in words else "isolated" if "isolated" in words else "private" if "private" in words else None
    if tier is None:
        tier = "public" if route and f.inf.res[route].type == "internet_gateway" else None
    if tier is None:
        return None
    return {"vpc": vpc, "cidr": f.cidrs[0], "az": azs[0], "tier": tier, **({"default_route": route} if route else {})}


def _in_vpc(f: _Facts) -> Facts:
    vpc = f.vpc()
    return {"vpc": vpc} if vpc else {}


def _nat_gateway(f: _Facts) -> Facts:
    if f.inside is not None:
        return {"subnet": f.inside}
    pubs = f.inf.public_subnets().get((f.vpc(), f.azs[0]), []) if len(f.azs) == 1 else []
    return {"subnet": pubs[0]} if len(pubs) == 1 else {}


def _lambda_function(f: _Facts) -> Facts:
    d: dict[str, Any] = {"role": f.one("role")} if f.one("role") else {}
    if f.fields.get("subnets"):
        d["subnets"] = f.fields["subnets"]
    if "arm64" in f.words or "graviton" in f.words:
        d["architecture"] = "arm64"
    return d


def _ecs_task_definition(f: _Facts) -> Facts:
    m = _SIZES.search(f.text)
    roles = f.fields.get("role", [])
    d: dict[str, Any] = {"vcpu": float(m.group(1)), "memory_gib": float(m.group(2))} if m else {}
    if roles:
        d["execution_role"] = roles[0]
    if len(roles) > 1:
        d["task_role"] = roles[1]
    return d if len(roles) <= 2 else None


def _ecs_service(f: _Facts) -> Facts:
    cluster = f.same_group("ecs_cluster")
    d: dict[str, Any] = {k: v for k, v in (("cluster", cluster), ("task_definition", f.one("task_definition")), ("subnets", f.fields.get("subnets"))) if v}
    if f.one("target_group"):
        d["target_group"] = f.one("target_group")
    return d


def _load_balancer(f: _Facts) -> Facts:
    if len(f.fields.get("listener_target", [])) > 1 or len(f.fields.get("certificate", [])) > 1:
        return None
    tg, cert = f.one("listener_target"), f.one("certificate")
    d: dict[str, Any] = {"subnets": f.fields["subnets"]} if f.fields.get("subnets") else {}
    if tg is not None:
        d["listeners"] = [
            {"port": 443, "protocol": "HTTPS", "certificate": cert, "target_group": tg}
            if cert
            else {"port": 80, "protocol": "HTTP", "target_group": tg}
        ]
    return d


def _route53_zone(f: _Facts) -> Facts:
    domains = [m.group(0) for m in _DOMAIN.finditer(f.text) if not m.group(1)]
    if not domains:
        return None
    records = []
    for kind in ("A", "AAAA", "CNAME"):
        for target in f.fields.get(f"records:{kind}", []):
            tnode = f.inf.res[target].node
            tlabel = plain_text(tnode.label if tnode is not None else "")
            names = [m.group(0) for m in _DOMAIN.finditer(tlabel) if not m.group(1)]
            records.append((target, kind, names[0] if names else domains[0]))
    order = {tid: i for i, tid in enumerate(x.id for x in f.inf.res.values())}
    records.sort(key=lambda x: order.get(x[0], 0))
    d: dict[str, Any] = {"domain": domains[0]}
    if records:
        d["records"] = [{"name": name, "type": kind, "target": target} for target, kind, name in records]
    return d


def _field(name: str, many: bool = False) -> Callable[[_Facts], Facts]:
    """The facts of a type that holds only the relation field *name* (one target, or a list)."""
    def facts(f: _Facts) -> Facts:
        if many:
            return {name: f.fields[name]} if f.fields.get(name) else {}
        return {name: f.one(name)} if f.one(name) else {}
    return facts


def _acm_certificate(f: _Facts) -> Facts:
    m = _DOMAIN.search(f.text)
    return {"domain": m.group(0)} if m else None


def _cloudfront_distribution(f: _Facts) -> Facts:
    return {k: f.one(k) for k in ("certificate", "web_acl") if f.one(k)}


def _aurora_readers(f: _Facts) -> Facts:
    cluster = f.same_group("aurora_cluster")
    return {"cluster": cluster} if cluster else {}


def _aurora_cluster(f: _Facts) -> Facts:
    m = re.search(r"(?i)(postgres(?:ql)?|mysql)\s*(\d+(?:\.\d+)?)", f.text)
    group = f.same_group("db_subnet_group")
    d: dict[str, Any] = {"engine": "mysql" if "mysql" in m.group(1).lower() else "postgres", "engine_version": m.group(2)} if m else {}
    if re.search(r"(?i)mysql", f.text) and not m:
        d["engine"] = "mysql"
    if group:
        d["subnet_group"] = group
    return d


def _s3_bucket(f: _Facts) -> Facts:
    m = re.match(r"(?i)\s*s3\s*:\s*([a-z0-9][a-z0-9.-]+)", f.text)
    return {"name": m.group(1)} if m else {}


def _log_group(f: _Facts) -> Facts:
    m = _RETENTION.search(f.text)
    return {"retention_days": int(m.group(1))} if m else {}


_EXTERNAL_KINDS = {"users": "users", "customers": "users", "clients": "client", "client": "client", "internet": "internet"}


def _external(f: _Facts) -> Facts:
    return {"kind": _EXTERNAL_KINDS.get(f.r.word, "service")}


# per type: the facts of a resource of that type (None: it cannot be typed); a type not listed
# takes none from the diagram ({}) -- its fields have defaults, or are needed and left for ARC115
_FACTS: dict[str, Callable[[_Facts], Facts]] = {
    "vpc": _vpc,
    "subnet": _subnet,
    "internet_gateway": _in_vpc,
    "security_group": _in_vpc,
    "target_group": _in_vpc,
    "nat_gateway": _nat_gateway,
    "lambda_function": _lambda_function,
    "ecs_task_definition": _ecs_task_definition,
    "ecs_service": _ecs_service,
    "load_balancer": _load_balancer,
    "route53_zone": _route53_zone,
    "dns_delegation": _field("zone"),
    "acm_certificate": _acm_certificate,
    "cloudfront_distribution": _cloudfront_distribution,
    "api_gateway": _field("web_acl"),
    "db_subnet_group": _field("subnets", many=True),
    "aurora_readers": _aurora_readers,
    "aurora_cluster": _aurora_cluster,
    "s3_bucket": _s3_bucket,
    "log_group": _log_group,
    "external": _external,
}


def _label_of(n: Node, shape: str | None) -> tuple[str | None, str | None]:
    """(model label, `label_kind`) of node *n* whose model shape is *shape*: the kind only where
    archc would write the label otherwise (see `archc.model.resources.LabelKind`)."""
    if n.label is None:
        return None, None
    bracket = shape in BRACKET_SHAPES
    if n.label_kind == "plain":
        return n.label, "plain" if plain_node_label(n.label) else None  # else written quoted, as archc writes it
    if n.label_kind == "quoted":
        return n.label, "quoted" if shape is not None and not bracket else None  # `a["X"]@{ shape: cyl }`
    # markdown: `a["`X`"]`, or a label given in `@{ label: ... }` (markdown by Mermaid's own rule)
    if n.shape_name is not None:
        return n.label, "data" if bracket else None  # `a@{ shape: rect, label: "X" }`
    return (f"`{n.label}`", None) if bracket else (n.label, None)


def _front_matter_rest(front: str | None) -> str | None:
    """The front matter without its `title:` line (the title is a setting of its own)."""
    if front is None:
        return None
    lines = [x for x in front.split("\n") if not re.match(r"title:", x)]
    rest = "\n".join(lines).strip("\n")
    return rest or None


_VERB_ID = re.compile(r"(?P<verb>[a-z_]+?)(?:_\d+)?")


def id_verb(edge_id: str | None) -> str | None:
    """The verb an edge id names (`write`, `write_2`: what archc writes for a connection whose
    label is not its verb's words), or None."""
    m = _VERB_ID.fullmatch(edge_id) if edge_id else None
    return m.group("verb") if m is not None and m.group("verb") in VERBS else None


def _fits(verb: str, st: str, tt: str) -> bool:
    info = VERBS[verb]
    return (not info.sources or st in info.sources or st == "generic") and (not info.targets or tt in info.targets or tt == "generic")


_CURVES = frozenset(get_args(Curve))


def _edge_style(e: Edge) -> tuple[dict[str, Any], str | None]:
    """(EdgeStyle fields, the verb named) from the edge data `e1@{ animate: true, verb: write }`:
    animate, animation and curve as typed fields when mermaid-js reads them so, `verb` when it names
    a verb, anything else verbatim in `data`."""
    if not e.data:
        return {}, None
    typed: dict[str, Any] = {}
    rest: list[str] = []
    verb: str | None = None
    for k, raw in e.data:
        value = _yaml_unquote(raw) if raw[:1] in ("'", '"') else raw
        if k == "animate" and raw in ("true", "false") and "animate" not in typed:
            typed["animate"] = raw == "true"
        elif k == "animation" and value in ("fast", "slow") and "animation" not in typed:
            typed["animation"] = value
        elif k == "curve" and value in _CURVES and "curve" not in typed:
            typed["curve"] = value
        elif k == "verb" and value in VERBS and verb is None:
            verb = value
        else:
            rest.append(f"{k}: {raw}")
    if rest:
        typed["data"] = ", ".join(rest)
    return typed, verb


def _connection_drawn(e: Edge, st: str, tt: str, named: tuple[str | None, ...] = ()) -> dict[str, Any]:
    """Verb, label and style of a connection drawn like *e* between types *st* and *tt*: the first
    of the verbs *named* (by the edge data, then by the edge id) that fits the types, else the verb
    whose words are the whole label, when it fits."""
    verb = next((v for v in named if v is not None and _fits(v, st, tt)), None) or infer_verb(e.label)
    if verb is not None and not _fits(verb, st, tt):
        verb = None
    verb = verb or "relates"
    info = VERBS[verb]
    label = e.label if e.label_kind != "markdown" else f"`{e.label}`"
    c: dict[str, Any] = {"verb": verb}
    if label != (info.label or None):
        c["label"] = label
    style: dict[str, Any] = {}
    if e.label_kind == "quoted" and e.label is not None and plain_edge_label(e.label):
        style["label_kind"] = "quoted"  # `|"text"|` as the author wrote it, where archc would write `|text|`
    if e.stroke != info.line:
        style["line"] = e.stroke
    if e.head_start != "none":
        style["head_start"] = e.head_start
    if e.head_end != "arrow":
        style["head_end"] = e.head_end
    if e.length != 1:
        style["length"] = e.length
    if style:
        c["style"] = EdgeStyle(**style)  # one validated style shared by the connections drawn alike
    return c


_CONNECTIONS: TypeAdapter[list[Connection]] = TypeAdapter(list[Connection])


# top-level typed fields a diagram draws (the rest of a known resource comes from the model);
# load balancer listeners and DNS records (nested) are applied by `_listeners` and `_records`
DRAWN_FIELDS: dict[str, tuple[str, ...]] = {
    "subnet": ("default_route",),
    "lambda_function": ("role", "subnets"),
    "ecs_service": ("subnets", "task_definition", "target_group"),
    "load_balancer": ("subnets", "web_acl"),
    "db_subnet_group": ("subnets",),
    "dns_delegation": ("zone",),
    "cloudfront_distribution": ("certificate", "web_acl"),
    "api_gateway": ("web_acl",),
    "ecs_task_definition": ("execution_role", "task_role"),
}
# drawn fields a model needs to build (`needed` in archc.model.resources): a diagram that stops
# drawing one is an error for `archc sync`, never a silent change to a model that builds
_REQUIRED = {(t, f) for t, fields in DRAWN_FIELDS.items() for f in fields if f in needed_fields(RESOURCE_CLASSES[t])}
# (holder type, field) → the label of the edge that draws it
_FIELD_EDGE: dict[tuple[str, str], str] = {}
for (_label, _line), _rows in _RELATION_EDGES.items():
    for _st, _tt, _holder, _fld in _rows:
        _FIELD_EDGE.setdefault((_tt if _holder == "dst" else _st, _fld.split(":")[0]), _label)
_FIELD_EDGE[("ecs_task_definition", "execution_role")] = _FIELD_EDGE[("ecs_task_definition", "role")]


class DiagramPlaceError(ValueError):
    """A construct of the diagram, at *line*:*col* of its file, that the model cannot hold."""

    def __init__(self, message: str, line: int, col: int) -> None:
        super().__init__(f"{line}:{col}: {message}")
        self.message, self.line, self.col = message, line, col

    def at(self, path: str) -> str:
        return f"{path}:{self.line}:{self.col}: {self.message}" if self.line else f"{path}: {self.message}"


class DiagramError(ValueError):
    """What a diagram says that cannot be applied to its model (each problem names node and field)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _missing(rid: str, res: Any, fld: str) -> str:
    edge = _FIELD_EDGE.get((res.type, fld), fld)
    return (
        f"{rid} ({res.type}): the diagram no longer draws its '{edge}' edge for {fld}, which a {TYPES[res.type].title} needs; "
        f"draw the edge again, or remove {rid} from the diagram"
    )


def based(res: Any, fields: dict[str, list[str]], drawn: dict[str, Any], problems: list[str], rid: str = "") -> dict[str, Any]:
    """A known resource's data with the typed fields the diagram draws taken from the diagram.

    A required field whose edge the diagram removed is a problem (appended to *problems*); the
    field keeps its old value so inference can go on and report every problem at once.
    """
    d: dict[str, Any] = res.model_dump(exclude_defaults=True, exclude_none=True, mode="json")
    for k in ("type", "label", "group", "shape", "classes", "account"):
        d.pop(k, None)
    t = res.type
    for fld in DRAWN_FIELDS.get(t, ()):
        if t == "ecs_task_definition":
            roles = fields.get("role", [])
            if set(roles) == {x for x in (res.execution_role, res.task_role) if x}:
                continue
            values: list[str] = roles[:1] if fld == "execution_role" else roles[1:2]
        else:
            values = fields.get(fld, [])
        if values:
            d[fld] = values if fld == "subnets" else values[0]
        elif (t, fld) in _REQUIRED and d.get(fld):
            problems.append(_missing(rid, res, fld))
        else:
            d.pop(fld, None)
    if t == "load_balancer":
        _listeners(rid, d, fields, problems)
    if t == "route53_zone":
        _records(d, fields, drawn)
    return d


def _listeners(rid: str, d: dict[str, Any], fields: dict[str, list[str]], problems: list[str]) -> None:
    """A load balancer's listeners forward to the target groups and terminate TLS with the
    certificates the diagram draws ("Forward", "TLS termination"): a listener whose target group
    (or certificate) is no longer drawn takes a newly drawn one; one with nothing left to take is
    a problem, as is a drawn target group no listener can take."""
    listeners: list[dict[str, Any]] = d.get("listeners", [])
    for key, fld, edge in (("target_group", "listener_target", "Forward"), ("certificate", "certificate", "TLS termination")):
        drawn = list(dict.fromkeys(fields.get(fld, [])))
        having = [x for x in listeners if x.get(key)]
        fresh = [v for v in drawn if v not in {x[key] for x in having}]
        for x in having:
            if x[key] in drawn:
                continue
            if fresh:
                x[key] = fresh.pop(0)
            elif len(drawn) == 1:
                x[key] = drawn[0]
            else:
                problems.append(
                    f"{rid} (load_balancer): the diagram no longer draws the '{edge}' edge to {x[key]}, which its listener on port "
                    f"{x['port']} needs; draw it again, or change the listener in the model"
                )
        for v in fresh:
            problems.append(
                f"{rid} (load_balancer): the diagram draws a '{edge}' edge to {v}, but no listener of the model can take it; "
                "add the listener to the model"
            )


def _records(d: dict[str, Any], fields: dict[str, list[str]], drawn: dict[str, Any]) -> None:
    """A hosted zone's records are the "A record" / "AAAA record" / "CNAME" edges the diagram
    draws: kept when drawn, retyped or retargeted when the edge changed, new ones named after
    their target's domain (else the zone's), removed when no longer drawn."""
    want = [(kind, target) for kind in ("A", "AAAA", "CNAME") for target in fields.get(f"records:{kind}", [])]
    old: list[dict[str, Any]] = d.get("records", [])
    missing = [w for w in want if w not in {(x.get("type", "A"), x["target"]) for x in old}]
    out: list[dict[str, Any]] = []
    for x in old:
        kind = x.get("type", "A")
        if (kind, x["target"]) in want:
            out.append(x)
            continue
        # no longer drawn: it becomes a drawn record to the same target (retyped) or of the same type (retargeted)
        pick = next((w for w in missing if w[1] == x["target"]), None) or next((w for w in missing if w[0] == kind), None)
        if pick is not None:
            missing.remove(pick)
            out.append(_record({**x, "type": pick[0], "target": pick[1]}))
    for kind, target in missing:
        r = drawn.get(target)
        label = plain_text(r.node.label if r is not None and r.node is not None else "")
        names = [m.group(0) for m in _DOMAIN.finditer(label) if not m.group(1)]
        out.append(_record({"name": names[0] if names else d["domain"], "type": kind, "target": target}))
    if out:
        d["records"] = out
    else:
        d.pop("records", None)


def _record(x: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in x.items() if not (k == "type" and v == "A")}


def infer(fc: Flowchart, account: str | None = None, base: Architecture | None = None) -> tuple[Architecture, Report]:
    """The architecture *fc* draws, and what was and was not inferred.

    With *base* (the model a diagram was drawn from, for `archc sync` and `archc diff`), nodes
    the model knows keep its type and every field the diagram cannot show.

    *account* names the account for nodes outside every account subgraph (default: the first
    account subgraph, else an account ``main`` that is not drawn, with no id and a placeholder
    region). Raises ValueError for a diagram that cannot be a model (an id the model cannot
    hold), `DiagramError` for edits that cannot be applied to *base* (a required field's edge
    removed), naming each node and field.
    """
    inf = _Inferrer(fc, account, base)
    arch = inf.build()
    return arch, inf.report
