"""What every rule shares: the `Rule` record, the `Finding` a rule yields, and the `RuleContext`.

A rule is one small function ``check(ctx) -> Iterable[Finding]`` whose docstring is its
documentation: the first line is the summary (``archc rules``), the body has the sections
*What it checks*, *Why it matters*, *Example* and *Fix*, each a line ending in ``:`` followed by
an indented block. The engine turns findings into `Diagnostic`s with the rule's code, name and
severity.

Rules read the model typed: ``ctx.of_type(Subnet)`` yields ``(id, Subnet)`` pairs,
``ctx.get(rid, NatGateway)`` is the resource a reference field names, as the type the loader
checked it has, and ``ctx.resources`` maps ids to the `Resource` union, which a test of
``res.type == "..."`` narrows. A misspelt field is then a `mypy --strict` error, not a crash at
run time. A rule imports the resource classes it names inside its function (the model is loaded
by then anyway).

This module imports neither networkx nor the model: ``archc rules`` stays cheap. The model
classes are imported for the type checker only; the graph is built on first use by
`RuleContext.graph`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar, get_args, overload

from archc.catalog import TYPES
from archc.diagnostics import Path, Severity
from archc.model.queries import connections_from, connections_to, named, roles_of

if TYPE_CHECKING:
    import networkx as nx

    from archc.model.architecture import Architecture, Connection
    from archc.model.resources import Resource, ResourceBase

R = TypeVar("R", bound="ResourceBase")
R1 = TypeVar("R1", bound="ResourceBase")
R2 = TypeVar("R2", bound="ResourceBase")
R3 = TypeVar("R3", bound="ResourceBase")
R4 = TypeVar("R4", bound="ResourceBase")

SECTIONS = ("What it checks", "Why it matters", "Example", "Fix")
AREAS = {"1": "model", "2": "network", "3": "access", "4": "data", "5": "operations"}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem a rule found: where (a model path), what, and the whole path involved."""

    message: str
    path: Path
    help: str | None = None
    related: tuple[Path, ...] = ()
    severity: Severity | None = None  # None: the rule's default
    at_key: bool = False  # point at the key of `path` rather than its value (an unknown key)


Check = Callable[["RuleContext"], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    code: str  # ARC + area digit + two digits
    name: str  # dotted: area.what-it-checks
    severity: Severity
    check: Check
    since: str = "0.1.0"
    aliases: tuple[str, ...] = ()  # retired codes or names that mean this rule
    after_suppression: bool = False  # runs last, seeing which suppressions were used
    suppressible: bool = True  # False: what `archc build` refuses anyway (archc.rules.buildable)

    @property
    def doc(self) -> str:
        import inspect  # only `archc rules`, the docs and SARIF need the text

        return inspect.cleandoc(self.check.__doc__ or "")

    @property
    def summary(self) -> str:
        return self.doc.split("\n", 1)[0].strip()

    @property
    def area(self) -> str:
        return AREAS.get(self.code[3:4], "other")

    def sections(self) -> dict[str, str]:
        """The docstring's sections (title → dedented body), in order."""
        return parse_sections(self.doc)


def parse_sections(doc: str) -> dict[str, str]:
    """``Title:`` lines at the left margin followed by indented blocks → {title: body}."""
    import textwrap  # only `archc rules`, the docs and SARIF read sections

    out: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in doc.split("\n")[1:]:
        stripped = line.rstrip()
        if stripped.endswith(":") and stripped[:-1] in SECTIONS and not line.startswith(" "):
            current = out.setdefault(stripped[:-1], [])
            continue
        if current is not None:
            current.append(line)
    return {title: textwrap.dedent("\n".join(lines)).strip("\n").rstrip() for title, lines in out.items()}


@dataclass
class RuleContext:
    """The model plus the views rules need, each built once, on first use."""

    arch: Architecture
    # filled by the engine before `after_suppression` rules run
    used_suppressions: set[tuple[Path, str]] = field(default_factory=set)
    active_codes: set[str] = field(default_factory=set)
    _cidrs: dict[str, tuple[int, int]] = field(default_factory=dict, repr=False)

    # -- the graph (networkx is imported here, not at module level) ---------------------------

    @cached_property
    def graph(self) -> nx.MultiDiGraph:
        from archc.model.graph import build_graph

        return build_graph(self.arch)

    @cached_property
    def flow(self) -> nx.DiGraph:
        """Connections that carry traffic, data or identity (`archc.model.graph.flow_view`)."""
        from archc.model.graph import flow_view

        return flow_view(self.graph)

    # -- indexes over the model --------------------------------------------------------------

    @property
    def resources(self) -> Mapping[str, Resource]:
        """id → resource, typed as the `Resource` union: test ``res.type == "..."`` to read the
        fields of one type, or use `get` for the target of a reference field."""
        return self.arch.resources

    @cached_property
    def by_type(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for rid, res in self.resources.items():
            out[res.type].append(rid)
        return out

    @overload
    def of_type(self, cls: type[R1], /) -> Iterator[tuple[str, R1]]: ...
    @overload
    def of_type(self, cls1: type[R1], cls2: type[R2], /) -> Iterator[tuple[str, R1 | R2]]: ...
    @overload
    def of_type(self, cls1: type[R1], cls2: type[R2], cls3: type[R3], /) -> Iterator[tuple[str, R1 | R2 | R3]]: ...
    @overload
    def of_type(
        self, cls1: type[R1], cls2: type[R2], cls3: type[R3], cls4: type[R4], /
    ) -> Iterator[tuple[str, R1 | R2 | R3 | R4]]: ...

    def of_type(self, *classes: type[ResourceBase]) -> Iterator[tuple[str, ResourceBase]]:
        """(id, resource) of every resource of one of the resource *classes*, in model order per
        class, each typed as its class."""
        for cls in classes:
            for rid in self.by_type.get(type_name(cls), ()):
                yield rid, self.resources[rid]

    def get(self, rid: str, cls: type[R]) -> R:
        """Resource *rid* as a *cls*: the target of a reference field, whose type the loader checked
        (``ctx.get(nat.subnet, Subnet)``; the compiler's `Context.get` reads the same). `TypeError`
        if it is not one: a bug, not bad input."""
        res = self.resources[rid]
        if not isinstance(res, cls):
            raise TypeError(f"resource '{rid}' is of type {res.type}, not {type_name(cls)}")
        return res

    @cached_property
    def connections_from(self) -> dict[str, list[tuple[int, Connection]]]:
        return connections_from(self.arch.connections)

    @cached_property
    def connections_to(self) -> dict[str, list[tuple[int, Connection]]]:
        return connections_to(self.arch.connections)

    @cached_property
    def roles_used_by(self) -> dict[str, list[str]]:
        """Resource id → the roles it runs as (a function's `role`, a task's roles)."""
        out: dict[str, list[str]] = defaultdict(list)
        for rid, res in self.resources.items():
            roles = roles_of(res)
            if roles:
                out[rid] = roles
        return out

    def cidr_range(self, cidr: str) -> tuple[int, int]:
        """(first, last) address of a CIDR block as integers, parsed once per distinct block."""
        cached = self._cidrs.get(cidr)
        if cached is None:
            import ipaddress

            net = ipaddress.IPv4Network(cidr)
            cached = self._cidrs[cidr] = (int(net.network_address), int(net.broadcast_address))
        return cached

    def account(self, rid: str) -> str | None:
        """The account of an account-scoped resource; None for externals and untyped ones."""
        res = self.resources.get(rid)
        if res is None or not TYPES[res.type].account_scoped:
            return None
        return res.account

    def edge_path(self, u: str, v: str, *, kinds: tuple[str, ...] = ("connection",), verbs: Iterable[str] | None = None) -> Path | None:
        """The model path of the first graph edge u → v of one of *kinds* (and *verbs*)."""
        wanted = set(verbs) if verbs is not None else None
        data = self.graph.get_edge_data(u, v) or {}
        best: tuple[tuple[int, str], Path] | None = None
        for key, attrs in data.items():
            if attrs["kind"] not in kinds or (wanted is not None and attrs.get("verb") not in wanted):
                continue
            rank = (attrs.get("index", -1), str(key))
            if best is None or rank < best[0]:
                best = (rank, attrs["path"])
        return best[1] if best else None


_TYPE_NAMES: dict[type[ResourceBase], str] = {}


def type_name(cls: type[ResourceBase]) -> str:
    """The model's ``type`` word for a resource class (``Subnet`` → ``"subnet"``)."""
    name = _TYPE_NAMES.get(cls)
    if name is None:
        name = _TYPE_NAMES[cls] = str(get_args(cls.model_fields["type"].annotation)[0])
    return name


def resource_path(rid: str, *rest: str | int) -> Path:
    return ("resources", rid, *rest)


def describe(ctx: RuleContext, rid: str) -> str:
    """``'RDS' (aurora_cluster)`` — a resource in the user's words."""
    res = ctx.resources.get(rid)
    return named(rid, res.type if res is not None else None)


def path_related(ctx: RuleContext, nodes: list[str], edges: list[Path | None]) -> tuple[Path, ...]:
    """The model paths of every node and edge of a path, in order along it."""
    out: list[Path] = []
    for i, node in enumerate(nodes):
        out.append(resource_path(node))
        if i < len(edges) and edges[i] is not None:
            out.append(edges[i])  # type: ignore[arg-type]
    return tuple(out)
