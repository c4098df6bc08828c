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
from archc.model.architecture import Account, Architecture, Connection, Defaults, DiagramSettings, Group
from archc.model.fields import ID_PATTERN, az_region
from archc.model.queries import who
from archc.model.references import check_ref, iter_raw_refs, iter_refs, unwrap_annotation
from archc.model.resources import RESOURCE_CLASSES, resource_class, resource_tag
from archc.model.yaml_source import load_yaml

TYPE_NAMES = sorted(t for t in RESOURCE_CLASSES if t != ESCAPE_HATCH)  # what a user writes as `type:`

TOP_LEVEL = ("archc", "name", "defaults", "accounts", "resources", "connections", "groups", "diagram")
_ID = re.compile(ID_PATTERN)


@dataclass
class LoadedModel:
    architecture: Architecture
    source: SourceMap
    files: list[str] = field(default_factory=list)


def model_files(path: str) -> list[str]:
    """The YAML files that make up the model at *path* (a file, or a directory searched recursively)."""
    if os.path.isdir(path):
        found = []
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            found += [os.path.join(root, f) for f in files if f.endswith((".yaml", ".yml")) and not f.startswith(".")]
        return sorted(found)
    return [path]


def load(path: str) -> LoadedModel:
    """Load the model at *path*; raise `ModelError` listing every problem found."""
    files = model_files(path)
    if not files:
        raise ModelError([Diagnostic("ARC100", f"no .yaml or .yml files in {path}", position=Position(path, 1, 1))])
    texts = []
    problems: list[Diagnostic] = []
    for name in files:
        try:
            with open(name, encoding="utf-8") as fh:
                texts.append((name, fh.read()))
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Diagnostic("ARC100", f"cannot read model file: {exc}", position=Position(name, 1, 1)))
    if problems:
        raise ModelError(problems)
    return load_texts(texts)


def load_text(text: str, file: str = "<model>") -> LoadedModel:
    return load_texts([(file, text)])


def load_texts(texts: list[tuple[str, str]]) -> LoadedModel:
    """Load a model from (file name, YAML text) pairs, merged in order."""
    builder = _Builder()
    for file, text in texts:
        builder.add_file(file, text)
    return builder.finish()


class _Builder:
    def __init__(self) -> None:
        self.source = SourceMap()
        self.problems: list[Diagnostic] = []
        self.name: str | None = None
        self.accounts: dict[str, Account] = {}
        self.raw_resources: dict[str, tuple[dict[str, Any], Defaults]] = {}
        self.connections: list[Connection] = []
        self.groups: dict[str, Group] = {}
        self.diagram: DiagramSettings | None = None
        self.files: list[str] = []
        self.resources: dict[str, Any] = {}
        self.invalid: dict[str, dict[str, Any]] = {}  # resources that failed validation, as raw data
        self.invalid_connections: dict[int, Any] = {}
        self.first_positions: dict[str, Position] = {}  # where each resource id was first defined

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
            data = {}
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
        if version != 1:
            self._error("ARC103", ("archc",), f"unsupported model format version {version!r}", "this archc reads `archc: 1`",
                        pos=smap.get(("archc",)))
        if isinstance(data.get("name"), str):
            self.name = self.name or data["name"]
        defaults = self._validate(Defaults, data.get("defaults") or {}, ("defaults",), "defaults") or Defaults()
        for aid, raw in self._mapping(data, "accounts"):
            if aid in self.accounts:
                self._error("ARC105", ("accounts", aid), f"account '{aid}' is defined twice")
                continue
            acct = self._validate(Account, raw, ("accounts", aid), f"account '{aid}'")
            if acct:
                self.accounts[aid] = acct
        for gid, raw in self._mapping(data, "groups"):
            if gid in self.groups:
                self._error("ARC105", ("groups", gid), f"group '{gid}' is defined twice")
                continue
            grp = self._validate(Group, raw if raw is not None else {}, ("groups", gid), f"group '{gid}'")
            if grp:
                self.groups[gid] = grp
        if "diagram" in data:
            self.diagram = self._validate(DiagramSettings, data["diagram"] or {}, ("diagram",), "diagram") or self.diagram
        for rid, raw in self._mapping(data, "resources"):
            path: Path = ("resources", rid)
            if not _ID.match(rid):
                self._error("ARC103", path, f"resource id '{rid}' may use only letters, digits, '_', '-' and '.'")
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
        names = sorted(self.accounts)
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
            self._error("ARC103", (*path, "type"), f"{owner}: unknown resource type {rtype!r}{did_you_mean(str(rtype), TYPE_NAMES)}",
                        f"one of: {', '.join(TYPE_NAMES)}; or any CloudFormation type (AWS::Service::Thing) with its `properties`")
            return None
        try:
            res = cls.model_validate(data)
        except ValidationError as exc:
            self._pydantic_errors(exc, path, owner, cls)
            return None
        if res.account is None:
            self._error("ARC103", path, f"{owner} has no account",
                        "set `account:` on it or `defaults: {account: ...}` in its file (needed when the model has several accounts)")
        return res

    def _check_references(self) -> None:
        # ids of resources that failed validation still count, so one mistake is reported once
        types_by_id = {rid: str(raw.get("type")) for rid, (raw, _) in self.raw_resources.items()}
        for rid, res in self.resources.items():
            path: Path = ("resources", rid)
            owner = who(rid, res.type)
            for site in iter_refs(res):
                problem = check_ref(site, path, types_by_id, owner)
                if problem:
                    self.problems.append(problem)
            if res.account is not None and res.account not in self.accounts:
                self._error("ARC104", (*path, "account"), f"{owner}: account '{res.account}' is not defined{did_you_mean(res.account, self.accounts)}",
                            "accounts are defined under `accounts:`")
            if res.group is not None and res.group not in self.groups:
                self._error("ARC104", (*path, "group"), f"{owner}: group '{res.group}' is not defined{did_you_mean(res.group, self.groups)}",
                            "groups are defined under `groups:`")
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
                if problem:
                    self.problems.append(problem)
        for i, conn in enumerate(self.connections):
            if conn is _PLACEHOLDER:
                raw = self.invalid_connections[i]
                ends: list[tuple[str, Any]] = [(end, raw.get(end)) for end in ("from", "to")] if isinstance(raw, dict) else []
            else:
                ends = [("from", conn.source), ("to", conn.target)]
            for end, rid in ends:
                if isinstance(rid, str) and rid not in types_by_id:
                    self._error("ARC104", ("connections", i, end),
                                f"connection #{i + 1}: '{end}' refers to '{rid}', which is not a resource{did_you_mean(rid, types_by_id)}",
                                "use the id of a resource defined under `resources`")
        for gid, grp in self.groups.items():
            if grp.parent is not None and grp.parent not in self.groups:
                self._error("ARC104", ("groups", gid, "parent"), f"group '{gid}': parent '{grp.parent}' is not a group{did_you_mean(grp.parent, self.groups)}")
            if grp.account is not None and grp.account not in self.accounts:
                self._error("ARC104", ("groups", gid, "account"), f"group '{gid}': account '{grp.account}' is not defined{did_you_mean(grp.account, self.accounts)}")
            if grp.resource is not None and grp.resource not in types_by_id:
                self._error("ARC104", ("groups", gid, "resource"), f"group '{gid}': resource '{grp.resource}' is not a resource{did_you_mean(grp.resource, types_by_id)}")
        self._check_group_cycles()
        for aid, acct in self.accounts.items():
            for other, rids in (acct.may_reach or {}).items():
                if other not in self.accounts:
                    self._error("ARC104", ("accounts", aid, "may_reach", other), f"account '{aid}': may_reach names account '{other}', which is not defined{did_you_mean(other, self.accounts)}")
                    continue
                for j, rid in enumerate(rids):
                    res = self.resources.get(rid)
                    if res is None:
                        self._error("ARC104", ("accounts", aid, "may_reach", other, j), f"account '{aid}': may_reach names '{rid}', which is not a resource{did_you_mean(rid, types_by_id)}")
                    elif res.account != other:
                        self._error("ARC106", ("accounts", aid, "may_reach", other, j), f"account '{aid}': '{rid}' is listed under may_reach.{other} but belongs to account '{res.account}'")
        for key in (self.diagram.account_ids if self.diagram else {}):
            if key not in self.accounts:
                self._error("ARC104", ("diagram", "account_ids", key), f"diagram.account_ids names account '{key}', which is not defined{did_you_mean(key, self.accounts)}")

    def _check_group_cycles(self) -> None:
        for gid in self.groups:
            seen = {gid}
            parent = self.groups[gid].parent
            while parent in self.groups:
                if parent in seen:
                    self._error("ARC103", ("groups", gid, "parent"), f"group '{gid}': parents form a cycle through '{parent}'")
                    break
                seen.add(parent)
                parent = self.groups[parent].parent

    # -- helpers -------------------------------------------------------------------------------

    def _validate(self, cls: type[BaseModel], raw: Any, path: Path, owner: str) -> Any:
        try:
            return cls.model_validate(raw)
        except ValidationError as exc:
            self._pydantic_errors(exc, path, owner, cls)
            return None

    def _pydantic_errors(self, exc: ValidationError, path: Path, owner: str, cls: type[BaseModel]) -> None:
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            self.problems.append(translate_error(err, loc, path, owner, cls))

    def _error(self, code: str, path: Path, message: str, help: str | None = None, pos: Position | None = None) -> None:
        self.problems.append(Diagnostic(code, message, path, help=help, position=pos))


_PLACEHOLDER: Any = object()


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: f"the text {value!r}", bool: f"{value!r}".lower(), int: f"the number {value}", float: f"the number {value}"}.get(type(value), type(value).__name__)


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
        return Diagnostic("ARC103", f"{subject}: expected {expected}, got {value!r}{did_you_mean(str(value), options)}", full)
    if kind == "value_error":
        message = str(err.get("ctx", {}).get("error", err["msg"]))
        return Diagnostic("ARC103", f"{subject}: {message}", full)
    if kind == "string_pattern_mismatch":
        return Diagnostic("ARC103", f"{subject}: {value!r} does not match {err.get('ctx', {}).get('pattern')}", full,
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
