"""Load a model from a YAML file or a directory of YAML files into an `Architecture`.

Every problem in every file is collected and raised together as one `ModelError`, each with
``file:line:col``, what was expected, and a "did you mean" where a near miss exists.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from archc.catalog import ESCAPE_HATCH
from archc.diagnostics import Diagnostic, ModelError, Path, Position, SourceMap, did_you_mean
from archc.model.architecture import PARAMETER_NAME, Account, Architecture, Connection, Defaults, DiagramSettings, Group, Parameter
from archc.model.fields import ID_PATTERN, MERMAID_KEYWORDS, az_region
from archc.model.queries import who
from archc.model.references import check_ref, iter_raw_refs, iter_refs, unwrap_annotation
from archc.model.resources import RESOURCE_CLASSES, resource_class, resource_tag
from archc.model.yaml_source import decode, load_yaml

TYPE_NAMES = sorted(t for t in RESOURCE_CLASSES if t != ESCAPE_HATCH)  # what a user writes as `type:`

TOP_LEVEL = ("archc", "name", "defaults", "accounts", "resources", "connections", "groups", "diagram", "parameters", "conditions")
_ID = re.compile(ID_PATTERN)


@dataclass
class LoadedModel:
    architecture: Architecture
    source: SourceMap
    files: list[str] = field(default_factory=list)


def model_files(path: str, problems: list[Diagnostic] | None = None) -> list[str]:
    """The YAML files that make up the model at *path* (a file, or a directory searched recursively).

    A directory that cannot be listed is a problem (appended to *problems*), never skipped quietly.
    """
    if os.path.isdir(path):
        found = []

        def unreadable(exc: OSError) -> None:
            if problems is not None:
                where = exc.filename or path
                problems.append(Diagnostic("ARC100", f"cannot read model directory {where}: {exc.strerror or exc}",
                                           position=Position(where, 1, 1), help="make it readable, or move it out of the model"))

        for root, dirs, files in os.walk(path, onerror=unreadable):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            found += [os.path.join(root, f) for f in files if f.endswith((".yaml", ".yml")) and not f.startswith(".")]
        return sorted(found)
    return [path]


def load(path: str) -> LoadedModel:
    """Load the model at *path*; raise `ModelError` listing every problem found."""
    problems: list[Diagnostic] = []
    files = model_files(path, problems)
    if not files and not problems:
        raise ModelError([Diagnostic("ARC100", f"no .yaml or .yml files in {path}", position=Position(path, 1, 1))])
    texts = []
    for name in files:
        try:
            data = _read_bytes(name)
        except OSError as exc:
            problems.append(Diagnostic("ARC100", f"cannot read model file: {exc.strerror or exc}", position=Position(name, 1, 1)))
            continue
        text, problem = decode(data, name)
        if problem is not None:
            problems.append(problem)
        elif text is not None:
            texts.append((name, text))
    if problems:
        raise ModelError(problems)
    return load_texts(texts)


MAX_FILE_BYTES = 64 * 1024 * 1024


def _read_bytes(name: str) -> bytes:
    """A model file's bytes; only a regular file is opened (a FIFO would wait for a writer forever)."""
    import stat

    fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(0, "not a regular file", name)
        if info.st_size > MAX_FILE_BYTES:
            raise OSError(0, f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB", name)
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def load_text(text: str, file: str = "<model>") -> LoadedModel:
    return load_texts([(file, text)])


def load_texts(texts: list[tuple[str, str]]) -> LoadedModel:
    """Load a model from (file name, YAML text) pairs, merged in order."""
    builder = _Builder()
    for file, text in texts:
        builder.add_file(file, text)
    return builder.finish()


def _check_key(kind: str, key: str, path: Path, at_key: bool = True) -> Diagnostic | None:
    """An id or key that is not a plain word (``../x``, ``a b``, an empty text) is an error here, once."""
    if _ID.fullmatch(key) and key not in MERMAID_KEYWORDS:
        return None
    if key in MERMAID_KEYWORDS:
        return Diagnostic("ARC103", f"{kind} {_short(key)} is a word Mermaid reserves; it cannot name a diagram node",
                          path, at_key=at_key, help=f"rename it ('{key}_1', say): ids name files and diagram nodes")
    return Diagnostic("ARC103", f"{kind} {_short(key)} may use only letters, digits, '_', and '-' or '.' between them, starting with a letter or digit",
                      path, at_key=at_key, help="ids and keys name files and diagram nodes: keep them to one plain word")


def _condition_names(value: Any, path: Path, refs: bool = True) -> list[tuple[Path, str, str]]:
    """(path, "parameter" or "condition", name) of each ``{Ref: name}`` (when *refs*), ``{Condition: name}``
    and ``Fn::If`` condition in *value*."""
    out: list[tuple[Path, str, str]] = []
    todo: list[tuple[Any, Path]] = [(value, path)]
    while todo:
        v, p = todo.pop()
        if isinstance(v, dict):
            if len(v) == 1:
                ((key, arg),) = v.items()
                if key == "Ref" and refs and isinstance(arg, str):
                    out.append(((*p, key), "parameter", arg))
                elif key == "Condition" and isinstance(arg, str):
                    out.append(((*p, key), "condition", arg))
                elif key == "Fn::If" and isinstance(arg, list) and arg and isinstance(arg[0], str):
                    out.append(((*p, key, 0), "condition", arg[0]))
            todo.extend((x, (*p, k)) for k, x in v.items())
        elif isinstance(v, list):
            todo.extend((x, (*p, i)) for i, x in enumerate(v))
    return sorted(out, key=lambda t: [str(x) for x in t[0]])


class _Builder:
    def __init__(self) -> None:
        self.source = SourceMap()
        self.problems: list[Diagnostic] = []
        self.name: str | None = None
        self.accounts: dict[str, Account] = {}
        self.raw_resources: dict[str, tuple[dict[str, Any], Defaults]] = {}
        self.connections: list[Connection] = []
        self.groups: dict[str, Group] = {}
        self.parameters: dict[str, Parameter] = {}
        self.conditions: dict[str, dict[str, Any]] = {}
        self.diagram: DiagramSettings | None = None
        self.files: list[str] = []
        self.resources: dict[str, Any] = {}
        self.invalid: dict[str, dict[str, Any]] = {}  # resources that failed validation, as raw data
        self.invalid_connections: dict[int, Any] = {}
        self.first_positions: dict[str, Position] = {}  # where each resource id was first defined
        self.broken_accounts: set[str] = set()  # accounts that failed validation: already reported
        self.broken_groups: set[str] = set()

    # -- per file ------------------------------------------------------------------------------

    def add_file(self, file: str, text: str) -> None:
        self.files.append(file)
        if not self.source.default_file or self.source.default_file == "<model>":
            self.source.default_file = file
        offset = len(self.connections)
        data, smap, problems = load_yaml(text, file, self.source, offset)
        self.problems += problems
        if data is None and problems:
            return
        if data is None:
            self.problems.append(Diagnostic("ARC103", "the file is empty (or only comments): a model file defines accounts, resources or connections",
                                            position=Position(file, 1, 1), help="add to it, or delete it"))
            return
        if not isinstance(data, dict):
            self.problems.append(
                Diagnostic("ARC103", f"a model file must be a mapping with keys {', '.join(TOP_LEVEL)}; got {_kind(data)}",
                           position=smap.locate(()))
            )
            return
        for key in data:
            if key not in TOP_LEVEL:
                self.problems.append(Diagnostic("ARC102", f"unknown top-level key '{key}'{did_you_mean(key, TOP_LEVEL)}", (key,),
                                                help=f"allowed keys: {', '.join(TOP_LEVEL)}", position=smap.get_key((key,))))
        version = data.get("archc", 1)
        if type(version) is not int or version != 1:
            self._error("ARC103", ("archc",), f"unsupported model format version {_short(version)}", "this archc reads `archc: 1`",
                        pos=smap.get(("archc",)))
        if "name" in data:
            if isinstance(data["name"], str) and data["name"].strip():
                self.name = self.name or data["name"]
            else:
                self._error("ARC103", ("name",), f"`name` must be a text, got {_kind(data['name'])}", "name: my-architecture",
                            pos=smap.get(("name",)))
        defaults = self._validate(Defaults, data.get("defaults") or {}, ("defaults",), "defaults") or Defaults()
        for aid, raw in self._mapping(data, "accounts"):
            if aid in self.accounts or aid in self.broken_accounts:
                self._error("ARC105", ("accounts", aid), f"account '{aid}' is defined twice")
                continue
            acct = self._validate(Account, raw, ("accounts", aid), f"account '{aid}'")
            bad_key = _check_key("account key", aid, ("accounts", aid))
            if bad_key:
                self.problems.append(bad_key)
            if acct and not bad_key:
                self.accounts[aid] = acct
            else:
                self.broken_accounts.add(aid)
        for gid, raw in self._mapping(data, "groups"):
            if gid in self.groups or gid in self.broken_groups:
                self._error("ARC105", ("groups", gid), f"group '{gid}' is defined twice")
                continue
            grp = self._validate(Group, raw if raw is not None else {}, ("groups", gid), f"group '{gid}'")
            bad_key = _check_key("group id", gid, ("groups", gid))
            if bad_key:
                self.problems.append(bad_key)
            if grp and not bad_key:
                self.groups[gid] = grp
            else:
                self.broken_groups.add(gid)
        if "diagram" in data:
            self.diagram = self._validate(DiagramSettings, data["diagram"] or {}, ("diagram",), "diagram") or self.diagram
        for section, kind in (("parameters", "parameter"), ("conditions", "condition")):
            for name, raw in self._mapping(data, section):
                ppath: Path = (section, name)
                if name in (self.parameters if section == "parameters" else self.conditions):
                    self._error("ARC105", ppath, f"{kind} '{name}' is defined twice")
                    continue
                if not isinstance(name, str) or not re.fullmatch(PARAMETER_NAME, name):
                    self._error("ARC103", ppath, f"{kind} name {_short(name)} may use only letters and digits (CloudFormation's rule)")
                    continue
                if section == "parameters":
                    param = self._validate(Parameter, raw if raw is not None else {}, ppath, f"parameter '{name}'")
                    if param is not None:
                        self.parameters[name] = param
                elif not (isinstance(raw, dict) and len(raw) == 1):
                    self._error("ARC103", ppath, f"condition '{name}' must be one CloudFormation condition function "
                                f"(Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition), got {_kind(raw)}")
                else:
                    self.conditions[name] = raw
        for rid, raw in self._mapping(data, "resources"):
            path: Path = ("resources", rid)
            bad_key = _check_key("resource id", rid, path)
            if bad_key:
                self.problems.append(bad_key)
                continue
            if rid in self.raw_resources:
                first = self.first_positions.get(rid)
                self._error("ARC105", path, f"resource '{rid}' is defined twice"
                            + (f" (first in {first.file}:{first.line})" if first else ""),
                            pos=smap.get(path))
                if first is not None:  # the first definition keeps its place in the source map
                    self.source.add(path, first)
                continue
            position = smap.get(path)
            if position is not None:
                self.first_positions[rid] = position
            if not isinstance(raw, dict):
                self._error("ARC103", path, f"resource '{rid}' must be a mapping with a `type`, got {_kind(raw)}")
                continue
            self.raw_resources[rid] = (raw, defaults)
        conns = data.get("connections")
        if conns is not None and not isinstance(conns, list):
            self._error("ARC103", ("connections",), f"`connections` must be a list, got {_kind(conns)}")
        elif conns:
            for i, raw in enumerate(conns):
                conn = self._validate(Connection, raw, ("connections", offset + i), f"connection #{offset + i + 1}")
                if conn is None:
                    self.invalid_connections[len(self.connections)] = raw
                self.connections.append(conn if conn else _PLACEHOLDER)

    def _mapping(self, data: dict[str, Any], key: str) -> list[tuple[str, Any]]:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, dict):
            self._error("ARC103", (key,), f"`{key}` must be a mapping of id → definition, got {_kind(value)}")
            return []
        return list(value.items())

    # -- whole model ---------------------------------------------------------------------------

    def finish(self) -> LoadedModel:
        if not self.problems and not self.raw_resources and not self.connections:
            self.problems.append(Diagnostic("ARC100", "the model defines no resources: there is nothing to check, build or draw",
                                            position=Position(self.source.default_file, 1, 1),
                                            help="add `resources:` (and `accounts:`) to it; `archc import` turns a diagram into a model"))
        # an account that failed validation still counts (its error is reported once, not on every resource)
        names = sorted(self.accounts.keys() | {a for a in self.broken_accounts if _ID.fullmatch(a)})
        for rid, (raw, defaults) in self.raw_resources.items():
            path: Path = ("resources", rid)
            data = dict(raw)
            if "account" not in data:
                if defaults.account:
                    data["account"] = defaults.account
                elif len(names) == 1:
                    data["account"] = names[0]
            if "region" not in data and defaults.region:
                data["region"] = defaults.region
            res = self._validate_resource(rid, data, path)
            if res is not None:
                self.resources[rid] = res
            elif isinstance(data.get("type"), str) and resource_class(data["type"]) is not None:
                self.invalid[rid] = data
        self._check_references()
        if self.problems:
            raise ModelError([p.locate(self.source) for p in self.problems])
        arch = Architecture.model_construct(
            name=self.name or "architecture",
            accounts=self.accounts,
            resources=self.resources,
            connections=self.connections,
            groups=self.groups,
            diagram=self.diagram or DiagramSettings(),
            parameters=self.parameters,
            conditions=self.conditions,
        )
        return LoadedModel(arch, self.source, self.files)

    def _validate_resource(self, rid: str, data: dict[str, Any], path: Path) -> Any:
        rtype = data.get("type")
        cls = resource_class(rtype) if isinstance(rtype, str) else None
        owner = who(rid, rtype if cls is not None else None)
        if "type" not in data:
            self._error("ARC103", path, f"{owner} has no `type`", f"add `type:` with one of: {', '.join(TYPE_NAMES)}")
            return None
        if cls is None:
            self._error("ARC103", (*path, "type"), f"{owner}: unknown resource type {_short(rtype)}{did_you_mean(_word(rtype), TYPE_NAMES)}",
                        f"one of: {', '.join(TYPE_NAMES)}; or any CloudFormation type (AWS::Service::Thing) with its `properties`")
            return None
        try:
            res = cls.model_validate(data)
        except ValidationError as exc:
            self._pydantic_errors(exc, path, owner, cls)
            return None
        if res.account is None and not self.broken_accounts:
            self._error("ARC103", path, f"{owner} has no account",
                        "set `account:` on it or `defaults: {account: ...}` in its file (needed when the model has several accounts)")
        return res

    def _check_references(self) -> None:
        # ids of resources that failed validation still count, so one mistake is reported once
        types_by_id = {rid: str(raw.get("type")) for rid, (raw, _) in self.raw_resources.items()}
        # an undefined name is one mistake however many resources use it: one error, at the first use
        missing: dict[tuple[str, str], list[tuple[str, Diagnostic]]] = {}

        def undefined(kind: str, name: str, user: str, diagnostic: Diagnostic) -> None:
            missing.setdefault((kind, name), []).append((user, diagnostic))

        for rid, res in self.resources.items():
            path: Path = ("resources", rid)
            owner = who(rid, res.type)
            for site in iter_refs(res):
                if site.field.startswith("properties") and site.target in self.parameters and site.target not in types_by_id:
                    continue  # an escape hatch names a parameter, as CloudFormation's Ref does
                problem = check_ref(site, path, types_by_id, owner)
                if problem and problem.code == "ARC104":
                    undefined("resource", site.target, f"resource '{rid}'", problem)
                elif problem:
                    self.problems.append(problem)
            condition = getattr(res, "condition", None)
            if condition is not None and condition not in self.conditions:
                undefined("condition", condition, f"resource '{rid}'", Diagnostic(
                    "ARC104", f"{owner}: condition '{condition}' is not defined{did_you_mean(condition, self.conditions)}",
                    (*path, "condition"), help="conditions are defined under `conditions:`"))
            if res.account is not None and res.account not in self.accounts and res.account not in self.broken_accounts:
                undefined("account", res.account, f"resource '{rid}'", Diagnostic(
                    "ARC104", f"{owner}: account '{res.account}' is not defined{did_you_mean(res.account, self.accounts)}",
                    (*path, "account"), help="accounts are defined under `accounts:`"))
            if res.group is not None and res.group not in self.groups and res.group not in self.broken_groups:
                undefined("group", res.group, f"resource '{rid}'", Diagnostic(
                    "ARC104", f"{owner}: group '{res.group}' is not defined{did_you_mean(res.group, self.groups)}",
                    (*path, "group"), help="groups are defined under `groups:`"))
            az = getattr(res, "az", None)
            if az is not None:
                region = res.region or (self.accounts[res.account].region if res.account in self.accounts else None)
                if region and az_region(az) != region:
                    self._error("ARC107", (*path, "az"), f"{owner}: availability zone {az} is not in the resource's region {region}",
                                f"use a zone of {region}, such as {region}a, or set `region:` on the resource")
        for rid, raw in self.invalid.items():
            owner = who(rid, raw["type"])
            for site in iter_raw_refs(RESOURCE_CLASSES[str(resource_tag(raw))], raw):
                problem = check_ref(site, ("resources", rid), types_by_id, owner)
                if problem and problem.code == "ARC104":
                    undefined("resource", site.target, f"resource '{rid}'", problem)
                elif problem:
                    self.problems.append(problem)
        for i, conn in enumerate(self.connections):
            if conn is _PLACEHOLDER:
                raw = self.invalid_connections[i]
                ends: list[tuple[str, Any]] = [(end, raw.get(end)) for end in ("from", "to")] if isinstance(raw, dict) else []
            else:
                ends = [("from", conn.source), ("to", conn.target)]
            for end, rid in ends:
                if isinstance(rid, str) and rid not in types_by_id:
                    undefined("resource", rid, f"connection #{i + 1}", Diagnostic(
                        "ARC104", f"connection #{i + 1}: '{end}' refers to '{rid}', which is not a resource{did_you_mean(rid, types_by_id)}",
                        ("connections", i, end), help="use the id of a resource defined under `resources`"))
        for gid, grp in self.groups.items():
            if grp.parent is not None and grp.parent not in self.groups and grp.parent not in self.broken_groups:
                undefined("group", grp.parent, f"group '{gid}'", Diagnostic(
                    "ARC104", f"group '{gid}': parent '{grp.parent}' is not a group{did_you_mean(grp.parent, self.groups)}", ("groups", gid, "parent")))
            if grp.account is not None and grp.account not in self.accounts and grp.account not in self.broken_accounts:
                undefined("account", grp.account, f"group '{gid}'", Diagnostic(
                    "ARC104", f"group '{gid}': account '{grp.account}' is not defined{did_you_mean(grp.account, self.accounts)}", ("groups", gid, "account")))
            if grp.resource is not None and grp.resource not in types_by_id:
                undefined("resource", grp.resource, f"group '{gid}'", Diagnostic(
                    "ARC104", f"group '{gid}': resource '{grp.resource}' is not a resource{did_you_mean(grp.resource, types_by_id)}", ("groups", gid, "resource")))
        self._check_group_cycles()
        for name, body in self.conditions.items():
            for where, kind, target in _condition_names(body, ("conditions", name)):
                known = self.parameters if kind == "parameter" else self.conditions
                if target not in known and not (kind == "parameter" and target.startswith("AWS::")):
                    undefined(kind, target, f"condition '{name}'", Diagnostic(
                        "ARC104", f"condition '{name}' names {kind} '{target}', which is not defined{did_you_mean(target, known)}",
                        where, help=f"{kind}s are defined under `{kind}s:`"))
        for rid, res in self.resources.items():
            for where, _kind, target in _condition_names(getattr(res, "properties", None), ("resources", rid, "properties"), refs=False):
                if target not in self.conditions:
                    undefined("condition", target, f"resource '{rid}'", Diagnostic(
                        "ARC104", f"{who(rid, res.type)}: Fn::If names condition '{target}', which is not defined{did_you_mean(target, self.conditions)}",
                        where, help="conditions are defined under `conditions:`"))
        for name in self.parameters:
            if name in types_by_id:
                self._error("ARC105", ("parameters", name), f"'{name}' is both a parameter and a resource: CloudFormation's Ref cannot tell them apart")
        for uses in missing.values():
            first = uses[0][1]
            if len(uses) > 1:
                others = [user for user, _ in uses[1:]]
                shown = ", ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
                first.message += f" (also used by {shown})"
            self.problems.append(first)
        for aid, acct in self.accounts.items():
            for other, rids in (acct.may_reach or {}).items():
                if other in self.broken_accounts:
                    continue
                if other not in self.accounts:
                    self._error("ARC104", ("accounts", aid, "may_reach", other), f"account '{aid}': may_reach names account '{other}', which is not defined{did_you_mean(other, self.accounts)}")
                    continue
                for j, rid in enumerate(rids):
                    res = self.resources.get(rid)
                    if res is None:
                        self._error("ARC104", ("accounts", aid, "may_reach", other, j), f"account '{aid}': may_reach names '{rid}', which is not a resource{did_you_mean(rid, types_by_id)}")
                    elif res.account != other:
                        self._error("ARC106", ("accounts", aid, "may_reach", other, j), f"account '{aid}': '{rid}' is listed under may_reach.{other} but belongs to account '{res.account}'")
        for key, subgraph in (self.diagram.account_ids if self.diagram else {}).items():
            bad = _check_key("subgraph id", subgraph, ("diagram", "account_ids", key), at_key=False)
            if bad is not None:
                self.problems.append(bad)
            if key not in self.accounts and key not in self.broken_accounts:
                self._error("ARC104", ("diagram", "account_ids", key), f"diagram.account_ids names account '{key}', which is not defined{did_you_mean(key, self.accounts)}")

    def _check_group_cycles(self) -> None:
        """ARC103 for every group whose chain of parents runs into a cycle, naming the first
        group met twice. Each group is walked once (deep nesting stays linear)."""
        met: dict[str, str | None] = {}  # group → the group met twice walking up from it (None: no cycle)
        for gid in self.groups:
            chain: list[str] = []
            at: dict[str, int] = {}
            cur: str | None = gid
            while cur is not None and cur in self.groups and cur not in met and cur not in at:
                at[cur] = len(chain)
                chain.append(cur)
                cur = self.groups[cur].parent
            if cur in at:  # a new cycle: its members meet themselves, the rest of the chain meets its entry
                k = at[cur]
                met.update({g: g for g in chain[k:]})
                met.update({g: cur for g in chain[:k]})
            else:
                entry = met.get(cur) if cur is not None else None
                # a known group on a cycle is the entry for whoever walks into it
                after = cur if entry == cur else entry
                met.update({g: after for g in chain})
        for gid in self.groups:
            if met[gid] is not None:
                self._error("ARC103", ("groups", gid, "parent"), f"group '{gid}': parents form a cycle through '{met[gid]}'")

    # -- helpers -------------------------------------------------------------------------------

    def _validate(self, cls: type[BaseModel], raw: Any, path: Path, owner: str) -> Any:
        try:
            return cls.model_validate(raw)
        except ValidationError as exc:
            self._pydantic_errors(exc, path, owner, cls)
            return None

    def _pydantic_errors(self, exc: ValidationError, path: Path, owner: str, cls: type[BaseModel]) -> None:
        errors = exc.errors(include_url=False)
        for err in errors[:MAX_ERRORS_PER_ELEMENT]:
            loc = tuple(err["loc"])
            self.problems.append(translate_error(err, loc, path, owner, cls))
        if len(errors) > MAX_ERRORS_PER_ELEMENT:
            self._error("ARC103", path, f"{owner}: {len(errors) - MAX_ERRORS_PER_ELEMENT} more errors like these",
                        "correct the ones listed and run again")

    def _error(self, code: str, path: Path, message: str, help: str | None = None, pos: Position | None = None) -> None:
        self.problems.append(Diagnostic(code, message, path, help=help, position=pos))


_PLACEHOLDER: Any = object()


MAX_ERRORS_PER_ELEMENT = 20  # one account, resource or connection; then "N more"
MAX_SHOWN = 60  # characters of a user's value quoted in a message


def _short(value: Any) -> str:
    """A bounded repr of a value from the input: never walks or prints more than a few elements."""
    import reprlib

    r = reprlib.Repr()
    r.maxlevel, r.maxdict, r.maxlist, r.maxstring, r.maxother, r.maxlong = 2, 4, 4, MAX_SHOWN, MAX_SHOWN, MAX_SHOWN
    try:
        return r.repr(value)
    except ValueError:  # an int too long for Python to print
        return "a very long number"


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return f"the number {_short(value)}"
    if isinstance(value, str):
        return f"the text {_short(value)}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _word(value: Any) -> str:
    """What did-you-mean compares: a short text, whatever the value was."""
    return value[:MAX_SHOWN] if isinstance(value, str) else ""


def _fields_at(cls: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names valid where an unknown key was found (for did-you-mean)."""
    current: Any = cls
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)) or part not in current.model_fields:
            return []
        _, nested = unwrap_annotation(current.model_fields[part].annotation)
        current = nested
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or name for name, f in current.model_fields.items()]
    return []


def translate_error(err: Any, loc: tuple[Any, ...], path: Path, owner: str, cls: type[BaseModel]) -> Diagnostic:
    """One pydantic error → one diagnostic in the user's words."""
    kind = err["type"]
    where = ".".join(str(p) for p in loc if not isinstance(p, int)) or None
    full: Path = (*path, *loc)
    value = err.get("input")
    subject = f"{owner}: {where}" if where else owner
    if kind == "extra_forbidden":
        key = str(loc[-1])
        hint = did_you_mean(key, _fields_at(cls, loc))
        allowed = _fields_at(cls, loc)
        return Diagnostic("ARC102", f"{owner}: unknown key '{key}'{hint}", full, at_key=True,
                          help=f"allowed keys here: {', '.join(allowed)}" if allowed else None)
    if kind == "missing":
        return Diagnostic("ARC103", f"{owner}: missing required key '{loc[-1]}'", full[:-1],
                          help=_field_help(cls, loc))
    if kind in ("literal_error", "enum"):
        expected = err.get("ctx", {}).get("expected", "")
        options = [o.strip().strip("'") for o in expected.replace(" or ", ",").split(",") if o.strip()]
        return Diagnostic("ARC103", f"{subject}: expected {expected}, got {_short(value)}{did_you_mean(_word(value), options)}", full)
    if kind == "value_error":
        message = str(err.get("ctx", {}).get("error", err["msg"]))
        if len(message) > 4 * MAX_SHOWN:
            message = message[:4 * MAX_SHOWN] + "…"
        return Diagnostic("ARC103", f"{subject}: {message}", full)
    if kind == "string_pattern_mismatch":
        return Diagnostic("ARC103", f"{subject}: {_short(value)} does not match {err.get('ctx', {}).get('pattern')}", full,
                          help="ids use letters, digits, '_', '-' and '.'; account ids are 12 digits")
    expected = err["msg"][0].lower() + err["msg"][1:]
    got = _kind(value)
    return Diagnostic("ARC103", f"{subject}: {expected}, got {got}", full, help=_field_help(cls, loc))


def _field_help(cls: type[BaseModel], loc: tuple[Any, ...]) -> str | None:
    current: Any = cls
    info = None
    for part in loc:
        if isinstance(part, int) or not (isinstance(current, type) and issubclass(current, BaseModel)):
            continue
        info = current.model_fields.get(part)
        if info is None:
            return None
        _, current = unwrap_annotation(info.annotation)
    return info.description if info is not None else None
