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
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from pydantic import ValidationError

from archc.catalog import TYPES, VERBS
from archc.importers.flowchart import Edge, Flowchart, Node
from archc.model.architecture import Account, Architecture, Connection, DiagramSettings, EdgeStyle, Group
from archc.model.fields import AZ_PATTERN, ID_PATTERN, az_region
from archc.model.resources import RESOURCE_CLASSES

DEFAULT_ACCOUNT = "main"
PLACEHOLDER_ACCOUNT_ID = "000000000000"
PLACEHOLDER_REGION = "us-east-1"

_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")
_CIDR = re.compile(r"\b(\d{1,3}(?:\.\d{1,3}){3}/\d{1,2})\b")
_AZ = re.compile(r"\b([a-z]{2}(?:-gov)?-[a-z]+-\d[a-z])\b")
_ACCOUNT = re.compile(r"^(?P<name>.*?)\s*\baccount\b\s*\(?\s*(?P<id>\d{12})\s*\)?\s*$", re.IGNORECASE)
_ACCOUNT_ID = re.compile(r"\b(\d{12})\b")
_DOMAIN = re.compile(r"(\*\.)?\b([a-z0-9-]+(?:\.[a-z0-9-]+)+)\b", re.IGNORECASE)
_SIZES = re.compile(r"(\d+(?:\.\d+)?)\s*vCPU\s*,?\s*(\d+(?:\.\d+)?)\s*GB", re.IGNORECASE)
_RETENTION = re.compile(r"(\d+)[- ]day retention", re.IGNORECASE)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_ID = re.compile(ID_PATTERN)
_MODEL_SHAPES = {
    "rect",
    "round",
    "stadium",
    "subroutine",
    "cylinder",
    "circle",
    "doublecircle",
    "odd",
    "diamond",
    "hexagon",
    "lean_right",
    "lean_left",
    "trapezoid",
    "inv_trapezoid",
}
_AST_TO_MODEL_SHAPE = {"asymmetric": "odd"}

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
_MAX_WORDS = max(len(w.split()) for w in _WORD_TYPES)
_TOKEN = re.compile(r"[\w-]+")


@lru_cache(maxsize=65536)
def match_type(text: str) -> tuple[str, str] | None:
    """(type, word) whose word ends last in *text* (then the longest), or None."""
    tokens = _TOKEN.findall(text)
    for end in range(len(tokens), 0, -1):
        for n in range(min(_MAX_WORDS, end), 0, -1):
            found = _WORD_TYPES.get(" ".join(tokens[end - n : end]))
            if found:
                return found
    return None


def infer_type(node: Node, context: list[str]) -> tuple[str, str] | None:
    """The catalogue type of *node* and the word that said so (None: nothing matched)."""
    lines = [_words_text(x) for x in plain_text(node.label).split("\n") if x.strip()]
    candidates = [*lines[:1], " ".join(lines[1:]), _words_text(node.id), *(_words_text(c) for c in node.classes), *context]
    for text in candidates:
        if text:
            found = match_type(text)
            if found:
                return found
    return None


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


def _account_of_title(title: str) -> tuple[str, str] | None:
    """(name, 12-digit id) for a title like "Production Account (978489150794)"."""
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
        self.vpcs: dict[str, str] = {}  # subgraph id → vpc resource id
        self.res: dict[str, _Res] = {}
        self._btg: dict[tuple[Any, ...], list[str]] = {}
        self._btg_key: tuple[str, ...] | None = None
        self._pub: dict[tuple[str | None, str], list[str]] | None = None
        self._valid: dict[tuple[str, str, str], bool] = {}

    # -- subgraphs ----------------------------------------------------------------------------

    def ancestors(self, item: str) -> list[str]:
        out: list[str] = []
        cur = self.parent_of.get(item)
        while cur is not None and cur not in out:
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
            known = {self.base.diagram.account_ids.get(k, k): k for k in self.base.accounts}
        for s in self.fc.subgraphs:
            if s.parent is not None:
                continue
            if s.id in known and self.base is not None:
                key = known[s.id]
                acct = self.base.accounts[key]
                title = acct.label if acct.label is not None else f"{acct.name} Account ({acct.id})"
                self.accounts[s.id] = (key, acct if s.title == title else acct.model_copy(update={"label": s.title}))
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
            default = f"{name} Account ({aid})"
            label = None if " ".join(plain_text(s.title).split()) == default and s.title == default else s.title
            self.accounts[s.id] = (key, Account(id=aid, name=name, region=PLACEHOLDER_REGION, label=label))
            self.report.inferred.append(f"subgraph {s.id}: account '{key}' ({aid})")
            if s.direction:
                self.report.unresolved.append(f"subgraph {s.id}: the direction of an account subgraph is not kept")
        for s in self.fc.subgraphs:
            if s.id in self.accounts:
                continue
            text = plain_text(s.title)
            cidrs = _CIDR.findall(text)
            base_group = self.base.groups.get(s.id) if self.base is not None else None
            if base_group is not None and base_group.resource:
                self.vpcs[s.id] = base_group.resource
            elif re.search(r"(?i)\bvpc\b", text) and len(cidrs) == 1 and s.id not in self.node_ids:
                self.vpcs[s.id] = s.id
                self.report.inferred.append(f"subgraph {s.id}: VPC {cidrs[0]}")
            if s.classes:
                self.report.unresolved.append(f"subgraph {s.id}: classes {', '.join(s.classes)} on a subgraph are not kept")

    # -- nodes --------------------------------------------------------------------------------

    def collect_nodes(self) -> None:
        for sid, rid in self.vpcs.items():
            if self.base is not None and rid in self.base.resources:
                known = self.base.resources[rid]
                self.res[rid] = _Res(rid, None, known.type, known.type, {}, None, known.account, [])
                continue
            cidr = _CIDR.findall(plain_text(self.sg[sid].title))[0]
            self.res[rid] = _Res(rid, None, "vpc", "vpc", {"cidr": cidr}, None, self.account_key_of(sid), [])
        for n in self.fc.nodes:
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
            if sid in self.vpcs:
                return self.vpcs[sid]
        vpcs = self.by_type_group().get(("vpc",), [])
        return vpcs[0] if len(vpcs) == 1 else None

    def public_subnets(self) -> dict[tuple[str | None, str], list[str]]:
        """(enclosing VPC, AZ) → the subnets whose label says public."""
        if self._pub is None:
            index: dict[tuple[str | None, str], list[str]] = {}
            for x in self.res.values():
                if x.type != "subnet" or x.node is None:
                    continue
                text = plain_text(x.node.label)
                if "public" not in _words_text(text):
                    continue
                for az in sorted(set(_AZ.findall(text))):
                    index.setdefault((self.enclosing_vpc_of(x.id), az), []).append(x.id)
            self._pub = index
        return self._pub

    def facts(self, r: _Res, fields: dict[str, list[str]]) -> dict[str, Any] | None:
        """The data for *r*'s type from its label and relation fields; None: it cannot be typed."""
        text = plain_text(r.node.label if r.node else None)
        words = _words_text(text)
        d: dict[str, Any] = {}
        cidrs = _CIDR.findall(text)
        azs = [a for a in _AZ.findall(text) if AZ_PATTERN.match(a)]
        t = r.type

        def enclosing_vpc() -> str | None:
            return self.enclosing_vpc_of(r.id)

        def one(name: str) -> str | None:
            vals = fields.get(name, [])
            return vals[0] if vals else None

        def same_group(rtype: str) -> str | None:
            peers = self.by_type_group().get((rtype, r.group, r.account), [])
            if len(peers) == 1:
                return peers[0]
            every = self.by_type_group().get((rtype,), [])
            return every[0] if len(every) == 1 else None

        if t == "vpc":
            return r.data if r.node is None else ({"cidr": cidrs[0]} if len(cidrs) == 1 else None)
        if t == "subnet":
            vpc = enclosing_vpc()
            if len(cidrs) != 1 or len(azs) != 1 or vpc is None:
                return None
            tier = "public" if "public" in words else "isolated" if "isolated" in words else "private" if "private" in words else None
            if tier is None:
                tier = "public" if one("default_route") and self.res[one("default_route") or ""].type == "internet_gateway" else None
            if tier is None:
                return None
            d = {"vpc": vpc, "cidr": cidrs[0], "az": azs[0], "tier": tier}
            if one("default_route"):
                d["default_route"] = one("default_route")
            return d
        if t in ("internet_gateway", "security_group", "target_group"):
            vpc = enclosing_vpc()
            return {"vpc": vpc} if vpc else None
        if t == "nat_gateway":
            if len(azs) != 1:
                return None
            pubs = self.public_subnets().get((enclosing_vpc(), azs[0]), [])
            return {"subnet": pubs[0]} if len(pubs) == 1 else None
        if t == "lambda_function":
            if not one("role"):
                return None
            d = {"role": one("role")}
            if fields.get("subnets"):
                d["subnets"] = fields["subnets"]
            if "arm64" in words or "graviton" in words:
                d["architecture"] = "arm64"
            return d
        if t == "ecs_task_definition":
            m = _SIZES.search(text)
            roles = fields.get("role", [])
            if not m or not roles:
                return None
            d = {"vcpu": float(m.group(1)), "memory_gib": float(m.group(2)), "execution_role": roles[0]}
            if len(roles) > 1:
                d["task_role"] = roles[1]
            return d if len(roles) <= 2 else None
        if t == "ecs_service":
            cluster = same_group("ecs_cluster")
            if not (one("task_definition") and cluster and fields.get("subnets")):
                return None
            d = {"cluster": cluster, "task_definition": one("task_definition"), "subnets": fields["subnets"]}
            if one("target_group"):
                d["target_group"] = one("target_group")
            return d
        if t == "load_balancer":
            if not fields.get("subnets"):
                return None
            tg, cert = one("listener_target"), one("certificate")
            if tg is None:
                return None
            listener: dict[str, Any] = (
                {"port": 443, "protocol": "HTTPS", "certificate": cert, "target_group": tg}
                if cert
                else {"port": 80, "protocol": "HTTP", "target_group": tg}
            )
            d = {"subnets": fields["subnets"], "listeners": [listener]}
            if len(fields.get("listener_target", [])) > 1 or len(fields.get("certificate", [])) > 1:
                return None
            return d
        if t == "route53_zone":
            domains = [m.group(0) for m in _DOMAIN.finditer(text) if not m.group(1)]
            if not domains:
                return None
            records = []
            for kind in ("A", "AAAA", "CNAME"):
                for target in fields.get(f"records:{kind}", []):
                    tlabel = plain_text(self.res[target].node.label if self.res[target].node else "")
                    names = [m.group(0) for m in _DOMAIN.finditer(tlabel) if not m.group(1)]
                    records.append((target, kind, names[0] if names else domains[0]))
            order = {tid: i for i, tid in enumerate(x.id for x in self.res.values())}
            records.sort(key=lambda x: order.get(x[0], 0))
            d = {"domain": domains[0]}
            if records:
                d["records"] = [{"name": name, "type": kind, "target": target} for target, kind, name in records]
            return d
        if t == "dns_delegation":
            return {"zone": one("zone")} if one("zone") else None
        if t == "acm_certificate":
            m = _DOMAIN.search(text)
            return {"domain": m.group(0)} if m else None
        if t == "cloudfront_distribution":
            d = {}
            if one("certificate"):
                d["certificate"] = one("certificate")
            if one("web_acl"):
                d["web_acl"] = one("web_acl")
            return d
        if t in ("api_gateway",):
            return {"web_acl": one("web_acl")} if one("web_acl") else {}
        if t == "db_subnet_group":
            return {"subnets": fields["subnets"]} if fields.get("subnets") else None
        if t == "aurora_readers":
            cluster = same_group("aurora_cluster")
            return {"cluster": cluster} if cluster else None
        if t == "aurora_cluster":
            m = re.search(r"(?i)(postgres(?:ql)?|mysql)\s*(\d+(?:\.\d+)?)", text)
            group = same_group("db_subnet_group")
            if not m or not group:
                return None
            return {"engine": "mysql" if "mysql" in m.group(1).lower() else "postgres", "engine_version": m.group(2), "subnet_group": group}
        if t == "s3_bucket":
            m = re.match(r"(?i)\s*s3\s*:\s*([a-z0-9][a-z0-9.-]+)", text)
            return {"name": m.group(1)} if m else {}
        if t == "log_group":
            m = _RETENTION.search(text)
            return {"retention_days": int(m.group(1))} if m else {}
        if t == "external":
            kind = {"users": "users", "customers": "users", "clients": "client", "client": "client", "internet": "internet"}.get(
                r.word, "service"
            )
            return {"kind": kind}
        if t in ("metric_namespace", "alarm", "dns_delegation"):
            return None
        return {}

    def resolve(self) -> tuple[dict[int, tuple[str, str, str]], dict[str, dict[str, Any]]]:
        """Fix types and typed fields together: a resource that cannot be typed becomes generic,
        and the edges that were its typed fields become connections (repeat until stable)."""
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
            data: dict[str, dict[str, Any]] = {}
            demoted = False
            for rid, r in self.res.items():
                if r.type == "generic":
                    continue
                if self.base is not None and rid in self.base.resources:
                    data[rid] = based(self.base.resources[rid], fields.get(rid, {}))
                    continue
                d = self.facts(r, fields.get(rid, {}))
                ok = d is not None and self._validates(r, d)
                if not ok:
                    self.report.unresolved.append(
                        f"{rid}: looks like {TYPES[r.type].title} ('{r.word}') but the diagram does not give what one needs; kept generic"
                    )
                    r.type = "generic"
                    demoted = True
                    continue
                data[rid] = d or {}
            # a relation only counts when its holder kept the field
            used = {i: rel for i, rel in relations.items() if rel[0] in data and self._uses(data[rel[0]], rel)}
            if not demoted:
                return used, data

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

    def _validates(self, r: _Res, d: dict[str, Any]) -> bool:
        key = (r.id, r.type, repr(d))
        if key not in self._valid:
            try:
                RESOURCE_CLASSES[r.type].model_validate({"type": r.type, **d})
                self._valid[key] = True
            except ValidationError:
                self._valid[key] = False
        return self._valid[key]

    # -- assembling ---------------------------------------------------------------------------

    def build(self) -> Architecture:
        self.classify_subgraphs()
        self.collect_nodes()
        for rid in self.res:
            if not _ID.match(rid):
                raise ValueError(f"node id '{rid}' cannot be a model id (use ASCII letters, digits, '_', '-' and '.')")
        relations, data = self.resolve()

        accounts: dict[str, Account] = dict(self.base.accounts) if self.base is not None else {}
        accounts.update({key: acct for key, acct in self.accounts.values()})
        account_ids: dict[str, str] = dict(self.base.diagram.account_ids) if self.base is not None else {}
        account_ids.update({key: sid for sid, (key, _) in self.accounts.items() if key != sid})
        home = self.home if self.home in accounts else (next(iter(accounts)) if accounts else (self.home or DEFAULT_ACCOUNT))
        if self.base is not None:
            regions_known = True
        else:
            regions_known = False
        outside = [r for r in self.res.values() if r.account is None and r.node is not None and r.group is None]
        if self.accounts and outside and self.base is None:
            # nodes drawn outside every account subgraph live in an account that is not drawn
            home = self.home if self.home and self.home not in accounts else "outside"
            for r in outside:
                r.account = home
        hidden = home not in accounts
        if hidden:
            accounts[home] = Account(id=PLACEHOLDER_ACCOUNT_ID, name=home.replace("_", " ").title(), region=PLACEHOLDER_REGION)
            account_ids[home] = ""
            self.report.unresolved.append(
                f"account '{home}': the diagram names no account; id {PLACEHOLDER_ACCOUNT_ID} and region {PLACEHOLDER_REGION} are placeholders"
            )
        # account regions from the availability zones drawn inside them
        regions: dict[str, list[str]] = {}
        for r in self.res.values():
            for az in _AZ.findall(plain_text(r.node.label if r.node else "")):
                if AZ_PATTERN.match(az):
                    regions.setdefault(r.account or home, []).append(az_region(az))
        every = [r for found in regions.values() for r in found]
        common = max(sorted(set(every)), key=every.count) if every else None
        for key, acct in list(accounts.items()):
            if regions_known:
                break
            found = regions.get(key)
            if not found and common:
                accounts[key] = acct.model_copy(update={"region": common})
                self.report.unresolved.append(f"account '{key}': no availability zone drawn in it; region {common} assumed (the diagram's)")
                continue
            if found:
                accounts[key] = acct.model_copy(update={"region": max(sorted(set(found)), key=found.count)})
                self.report.inferred.append(f"account '{key}': region {accounts[key].region} (from availability zones)")
            elif not hidden or key != home:
                self.report.unresolved.append(f"account '{key}': no availability zone drawn; region {PLACEHOLDER_REGION} is a placeholder")

        groups: dict[str, Group] = {}
        for s in self.fc.subgraphs:
            if s.id in self.accounts:
                continue
            parent = self.parent_of.get(s.id)
            g: dict[str, Any] = {}
            if s.title != s.id:
                g["title"] = plain_text(s.title) if False else s.title if s.title_kind != "markdown" else f"`{s.title}`"
            if parent in self.accounts:
                g["account"] = self.accounts[parent][0]
            elif parent is not None:
                g["parent"] = parent
            if s.direction:
                g["direction"] = s.direction
            if s.id in self.vpcs:
                g["resource"] = self.vpcs[s.id]
            groups[s.id] = Group(**g)

        resources: dict[str, Any] = {}
        for rid, r in self.res.items():
            account = r.account or home
            n = r.node
            rd: dict[str, Any] = {"type": r.type, **data.get(rid, {})}
            if r.type == "generic":
                if r.word:
                    rd["kind"] = r.word
                if r.node is None:
                    continue
            info = TYPES[r.type]
            if n is not None:
                if (
                    r.type != "generic"
                    and account not in self.accounts.values()
                    and not hidden
                    and info.account_scoped
                    and r.account is None
                    and r.group is None
                ):
                    pass
                label = n.label if n.label_kind != "markdown" else f"`{n.label}`"
                if label is None and not (r.type == "generic" and "kind" not in rd):
                    label = rid
                if label is not None:
                    rd["label"] = label
                shape = _AST_TO_MODEL_SHAPE.get(n.shape or "", n.shape)
                if shape is not None and shape != info.shape:
                    if shape in _MODEL_SHAPES:
                        rd["shape"] = shape
                    else:
                        self.report.unresolved.append(f"{rid}: shape '{shape}' has no model equivalent; drawn as {info.shape}")
                if n.classes:
                    rd["classes"] = list(n.classes)
                if r.group is not None:
                    rd["group"] = r.group
            rd["account"] = account
            region = accounts[account].region
            az = rd.get("az")
            if isinstance(az, str) and az_region(az) != region:
                rd["region"] = az_region(az)
            resources[rid] = RESOURCE_CLASSES[r.type].model_validate(rd)
            if r.type != "generic":
                self.report.inferred.append(f"{rid}: {r.type} ('{r.word}')")
            else:
                self.report.unresolved.append(f"{rid}: no resource type; kept as generic" + (f" (kind '{r.word}')" if r.word else ""))
        connections: list[Connection] = []
        for i, e in enumerate(self.fc.edges):
            if i in relations:
                continue
            if e.src not in resources or e.dst not in resources:
                self.report.unresolved.append(f"edge {e.src} → {e.dst}: an end is a subgraph; not kept")
                continue
            connections.append(self.connection(e, resources))

        diagram: dict[str, Any] = {"direction": self.fc.direction, "keyword": self.fc.keyword}
        if account_ids:
            diagram["account_ids"] = account_ids
        if self.fc.class_defs:
            diagram["class_defs"] = {c.name: c.style for c in self.fc.class_defs}
        if self.fc.styles:
            styles: dict[str, str] = {}
            for st in self.fc.styles:
                styles[st.target] = f"{styles[st.target]},{st.style}" if st.target in styles else st.style
            diagram["styles"] = styles
        if self.fc.link_styles:
            self.report.unresolved.append("linkStyle statements are not kept (edge styles live on connections)")
        if any(e.id for e in self.fc.edges):
            self.report.unresolved.append("edge ids (e1@-->) are not kept")
        name = self.fc.title or "architecture"
        return Architecture(
            name=name, accounts=accounts, resources=resources, connections=connections, groups=groups, diagram=DiagramSettings(**diagram)
        )

    def connection(self, e: Edge, resources: dict[str, Any]) -> Connection:
        verb = infer_verb(e.label)
        if verb is not None:
            info = VERBS[verb]
            st, tt = resources[e.src].type, resources[e.dst].type
            fits = (not info.sources or st in info.sources or st == "generic") and (
                not info.targets or tt in info.targets or tt == "generic"
            )
            if not fits:
                verb = None
        verb = verb or "relates"
        info = VERBS[verb]
        label = e.label if e.label_kind != "markdown" else f"`{e.label}`"
        c: dict[str, Any] = {"from": e.src, "to": e.dst, "verb": verb}
        if label != (info.label or None):
            c["label"] = label
        style: dict[str, Any] = {}
        if e.stroke != info.line:
            style["line"] = e.stroke
        if e.head_start != "none":
            style["head_start"] = e.head_start
        if e.head_end != "arrow":
            style["head_end"] = e.head_end
        if e.length != 1:
            style["length"] = e.length
        if style:
            c["style"] = EdgeStyle(**style)
        return Connection(**c)


# top-level typed fields a diagram draws (the rest of a known resource comes from the model)
DRAWN_FIELDS: dict[str, tuple[str, ...]] = {
    "subnet": ("default_route",),
    "lambda_function": ("role", "subnets"),
    "ecs_service": ("subnets", "task_definition", "target_group"),
    "load_balancer": ("subnets",),
    "db_subnet_group": ("subnets",),
    "dns_delegation": ("zone",),
    "cloudfront_distribution": ("certificate",),
    "api_gateway": ("web_acl",),
    "ecs_task_definition": ("execution_role", "task_role"),
}
_REQUIRED = {
    ("lambda_function", "role"),
    ("ecs_service", "subnets"),
    ("ecs_service", "task_definition"),
    ("load_balancer", "subnets"),
    ("db_subnet_group", "subnets"),
    ("dns_delegation", "zone"),
    ("ecs_task_definition", "execution_role"),
}


def based(res: Any, fields: dict[str, list[str]]) -> dict[str, Any]:
    """A known resource's data with the typed fields the diagram draws taken from the diagram."""
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
        if fld == "subnets":
            if values:
                d[fld] = values
            elif (t, fld) not in _REQUIRED:
                d.pop(fld, None)
        elif values:
            d[fld] = values[0]
        elif (t, fld) not in _REQUIRED:
            d.pop(fld, None)
    return d


def _refs(res: Any) -> list[Any]:
    from archc.model.references import iter_refs

    return list(iter_refs(res))


def infer(fc: Flowchart, account: str | None = None, base: Architecture | None = None) -> tuple[Architecture, Report]:
    """The architecture *fc* draws, and what was and was not inferred.

    With *base* (the model a diagram was drawn from, for `archc sync` and `archc diff`), nodes
    the model knows keep its type and every field the diagram cannot show.

    *account* names the account for nodes outside every account subgraph (default: the first
    account subgraph, else an account ``main`` with placeholder id and region, not drawn).
    Raises ValueError for a diagram that cannot be a model (an id the model cannot hold).
    """
    inf = _Inferrer(fc, account, base)
    arch = inf.build()
    return arch, inf.report
