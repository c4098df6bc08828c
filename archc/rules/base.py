"""What every rule shares: the `Rule` record, the `Finding` a rule yields, and the `RuleContext`.

A rule is one small function ``check(ctx) -> Iterable[Finding]`` whose docstring is its
documentation: the first line is the summary (``archc rules``), the body has the sections
*What it checks*, *Why it matters*, *Example* and *Fix*, each a line ending in ``:`` followed by
an indented block. The engine turns findings into `Diagnostic`s with the rule's code, name and
severity.

This module imports neither networkx nor the model: ``archc rules`` stays cheap. The graph is
built on first use by `RuleContext.graph`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from archc.catalog import TYPES
from archc.diagnostics import Path, Severity
from archc.model.queries import connections_from, connections_to, named, roles_of

if TYPE_CHECKING:
    import networkx as nx

    from archc.model.architecture import Architecture, Connection

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
    def resources(self) -> dict[str, Any]:
        """id → resource. Typed `Any`: rules read the fields of the types they select."""
        return self.arch.resources

    @cached_property
    def by_type(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for rid, res in self.resources.items():
            out[res.type].append(rid)
        return out

    def of_type(self, *types: str) -> Iterator[tuple[str, Any]]:
        """(id, resource) of every resource of one of *types*, in model order per type."""
        for t in types:
            for rid in self.by_type.get(t, ()):
                yield rid, self.resources[rid]

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
        account: str | None = res.account
        return account

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
