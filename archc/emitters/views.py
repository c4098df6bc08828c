"""The view model every diagram emitter draws from: nodes, edges and nested groups.

`build_view(arch, name)` turns an `Architecture` into a `View` — plain frozen data, no
Mermaid or Graphviz in it. Emitters (`archc.emitters.mermaid`, `archc.emitters.graphviz`) only
serialise a view.

Two views:

- ``overview`` (the seed page's style): account subgraphs, the model's presentation ``groups``
  nested inside them (a group with ``resource:`` stands for that resource, which is then not a
  node), every other resource as a node, edges for connections and for the typed relations the
  catalogue marks ``drawn``, classes and classDefs from the model.
- ``detail``: the overview under its own name. A picture (PNG/SVG/DOT) of the ``overview``
  is drawn from its `summary` (per-AZ repeats collapsed, parallel edges merged), so that it reads
  at wiki width; ``detail`` draws every resource. In Mermaid the two are the same.
- ``network``: account → region → VPC → subnet containment; resources sit in their subnets (one
  placed in several subnets sits in the VPC group); route and NAT edges.

`build_view(arch, name, account=KEY)` (`account_view`) cuts a view down to one account, its
neighbours and the groups around them (the account pages of `archc docs`). A group that stands for
a resource has the origin ``("resources", id)``, so findings on the resource mark its subgraph.

Everything follows the model's own order (resources mapping order, connections list order), so
adding one resource changes only the lines about it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal

from archc.catalog import FIELD_RELATIONS, RELATIONS, TYPES, VERBS, Head, LineStyle
from archc.model.architecture import Architecture
from archc.model.presentation import DEFAULT_SHAPE, account_subgraph_id, account_title, edge_data, node_label
from archc.model.references import iter_refs
from archc.model.resources import Resource

GroupKind = Literal["account", "group", "vpc", "subnet", "region", "internet"]
Origin = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class ViewNode:
    id: str
    label: str  # lines joined with "<br/>"; a label in backticks is Mermaid markdown
    type: str  # resource type
    shape: str | None  # the Mermaid AST shape name (archc.mermaid.syntax); None: no shape given
    classes: tuple[str, ...]
    category: str
    origin: Origin  # ("resources", id)
    bare: bool = False  # drawn as a bare id (no label, no shape given)
    labelled: bool = True  # False: the node shows its id only (written without a label)
    derived: bool = False  # the label is the catalogue's (the resource has no label of its own)
    zone: str | None = None  # overview: the availability zone the resource sits in (its own, or its subnet's)
    label_kind: str | None = None  # how Mermaid writes the label (the resource's `label_kind`; None: archc's choice)


@dataclass(frozen=True, slots=True)
class ViewEdge:
    src: str
    dst: str
    label: str | None
    line: LineStyle
    head_start: Head
    head_end: Head
    length: int
    origin: Origin  # ("connections", i) or the path of the typed field
    css: str | None = None  # the connection's Mermaid linkStyle
    verb: str | None = None  # the connection's verb (None for an edge drawn from a typed field)
    edge_id: str | None = None  # the connection's own Mermaid edge id (`style.id`)
    label_kind: str | None = None  # how Mermaid writes the label (`style.label_kind`; None: plain where it can)
    data: str | None = None  # Mermaid edge data as written (`animate: true, curve: basis`)


@dataclass(frozen=True, slots=True)
class ViewGroup:
    id: str
    title: str
    parent: str | None
    members: tuple[str, ...]  # node and group ids, in order
    direction: str | None
    kind: GroupKind
    origin: Origin = ()  # ("accounts", key), ("resources", id) for a group that stands for a resource, else ("groups", id)
    classes: tuple[str, ...] = ()
    title_kind: str | None = None  # how Mermaid writes the title (the group's `title_kind`)


@dataclass(frozen=True, slots=True)
class View:
    name: str
    direction: str
    nodes: tuple[ViewNode, ...]
    edges: tuple[ViewEdge, ...]
    groups: tuple[ViewGroup, ...]  # in closing order: a group comes after all of its subgroups
    class_defs: tuple[tuple[str, str], ...]
    styles: tuple[tuple[str, str], ...]
    keyword: str = "graph"
    title: str | None = None
    default_link_style: str | None = None  # presentation kept from an imported diagram (DiagramSettings)
    directives: tuple[str, ...] = ()
    front_matter: str | None = None
    clicks: tuple[str, ...] = ()
    shape_data: tuple[tuple[str, str], ...] = ()  # node id → extra `@{ }` keys, as written


VIEWS: tuple[str, ...] = ("overview", "detail", "network")


def build_view(arch: Architecture, name: str = "overview", account: str | None = None) -> View:
    """The view *name* of *arch* (cut down to account *account* when given, see `account_view`);
    `ValueError` naming the known views (or accounts) for anything else."""
    builder = _BUILDERS.get(name)
    if builder is None:
        raise ValueError(f"unknown view {name!r}; known views: {', '.join(VIEWS)}")
    view = builder(arch)
    if account is not None:
        if account not in arch.accounts:
            raise ValueError(f"unknown account {account!r}; known accounts: {', '.join(arch.accounts)}")
        view = account_view(arch, view, account)
    return view


# -- labels -------------------------------------------------------------------------------------


def _node(rid: str, res: Resource) -> ViewNode:
    info = TYPES[res.type]
    # a node that shows only its id: no label, or a label equal to its id
    labelled = not ((res.label is None and res.type == "generic" and not res.kind) or res.label == rid)
    shape = res.shape or (None if not labelled else info.shape)
    return ViewNode(
        id=rid,
        label=node_label(rid, res),
        type=res.type,
        shape=None if shape == DEFAULT_SHAPE else shape,
        classes=tuple(res.classes),
        category=info.category,
        origin=("resources", rid),
        bare=not labelled and shape is None,
        labelled=labelled,
        derived=res.label is None and res.type != "external" and node_label(rid, res) != rid,  # an external's label is its id
        label_kind=res.label_kind,
    )


# -- edges --------------------------------------------------------------------------------------


def connection_edges(arch: Architecture, endpoint: Callable[[str], str]) -> list[ViewEdge]:
    out = []
    for i, conn in enumerate(arch.connections):
        verb = VERBS[conn.verb]
        style = conn.style
        label = conn.label if conn.label is not None else (verb.label or None)
        out.append(
            ViewEdge(
                src=endpoint(conn.source),
                dst=endpoint(conn.target),
                label=label,
                line=(style.line if style and style.line else verb.line),
                head_start=style.head_start if style else "none",
                head_end=style.head_end if style else "arrow",
                length=style.length if style else 1,
                origin=("connections", i),
                css=style.css if style else None,
                verb=conn.verb,
                edge_id=style.id if style else None,
                label_kind=style.label_kind if style else None,
                data=edge_data(style) if style else None,
            )
        )
    return out


def relation_label(kind: str, res: Resource, site_path: tuple[Any, ...], target_type: str) -> str:
    info = RELATIONS[kind]
    if kind == "dns_record" and res.type == "route53_zone":  # a zone's records are its only dns_record fields
        record = res.records[site_path[1]]
        if record.label:
            return str(record.label)
        return "CNAME" if record.type == "CNAME" else f"{record.type} record"
    for ttype, label in info.target_labels:
        if ttype == target_type:
            return label
    return info.label


def relation_edges(
    arch: Architecture, endpoint: Callable[[str], str], keep: Callable[[str, str, str], bool]
) -> list[ViewEdge]:
    """Edges for the typed relations that *keep(kind, holder id, field)* accepts, in model order."""
    out = []
    for rid, res in arch.resources.items():
        for site in iter_refs(res):
            kind = FIELD_RELATIONS.get((res.type, site.field), "reference")
            if not keep(kind, rid, site.field) or site.target not in arch.resources:
                continue
            info = RELATIONS[kind]
            label = relation_label(kind, res, site.path, arch.resources[site.target].type)
            src, dst = (rid, site.target) if info.direction == "forward" else (site.target, rid)
            out.append(
                ViewEdge(
                    src=endpoint(src), dst=endpoint(dst), label=label or None, line=info.line,
                    head_start="none", head_end="arrow", length=1, origin=("resources", rid, *site.path),
                )
            )
    return out


def overview_relation(arch: Architecture) -> Callable[[str, str, str], bool]:
    def keep(kind: str, rid: str, field: str) -> bool:
        if not RELATIONS[kind].drawn:
            return False
        # a NAT gateway's subnet is where it sits, not something the overview draws
        return not (kind == "placement" and arch.resources[rid].type == "nat_gateway")

    return keep


# -- overview -----------------------------------------------------------------------------------


class _Tree:
    """Ordered containment: parent id (None = top level) → child ids, with first-index ordering."""

    def __init__(self) -> None:
        self.children: dict[str | None, list[str]] = {}
        self.first: dict[str, float] = {}
        self.groups: dict[str, ViewGroup] = {}
        self.raw: dict[str, tuple[str, str | None, str | None, GroupKind, Origin, tuple[str, ...]]] = {}

    def add_group(
        self, gid: str, title: str, parent: str | None, direction: str | None, kind: GroupKind, origin: Origin, classes: tuple[str, ...] = ()
    ) -> None:
        self.raw[gid] = (title, parent, direction, kind, origin, classes)
        self.first.setdefault(gid, float("inf"))

    def add_node(self, nid: str, parent: str | None, index: int) -> None:
        self.children.setdefault(parent, []).append(nid)
        self.first[nid] = index
        seen: set[str] = set()
        while parent is not None and parent in self.raw and parent not in seen:
            seen.add(parent)
            self.first[parent] = min(self.first.get(parent, float("inf")), index)
            parent = self.raw[parent][1]

    def finish(self, group_order: list[str]) -> tuple[list[str], list[ViewGroup]]:
        """(node ids in declaration order, groups in closing order)."""
        rank = {g: i for i, g in enumerate(group_order)}
        for gid in group_order:
            self.children.setdefault(self.raw[gid][1], []).append(gid)
        nodes: list[str] = []
        closed: list[ViewGroup] = []

        def ordered(parent: str | None) -> list[str]:
            items = self.children.get(parent, [])
            return sorted(items, key=lambda x: (self.first.get(x, float("inf")), x in self.raw, rank.get(x, -1)))

        def walk(parent: str | None, depth: int) -> None:
            for item in ordered(parent):
                if item in self.raw:
                    walk(item, depth + 1)
                    title, par, direction, kind, origin, classes = self.raw[item]
                    closed.append(ViewGroup(item, title, par, tuple(ordered(item)), direction, kind, origin, classes))
                else:
                    nodes.append(item)

        walk(None, 0)
        return nodes, closed


def _overview(arch: Architecture) -> View:
    tree = _Tree()
    group_order: list[str] = []
    stands_for: dict[str, str] = {}  # resource id → the group (subgraph) drawn for it
    for key, acct in arch.accounts.items():
        sid = account_subgraph_id(arch, key)
        if sid:
            tree.add_group(sid, account_title(arch, key), None, acct.direction, "account", ("accounts", key))
            group_order.append(sid)
    for gid, grp in arch.groups.items():
        if grp.parent is not None:
            parent: str | None = grp.parent
        elif grp.account is not None and account_subgraph_id(arch, grp.account):
            parent = account_subgraph_id(arch, grp.account)
        else:
            parent = None
        stood = grp.resource if grp.resource is not None and grp.resource in arch.resources else None
        if stood is None and gid in arch.resources:
            stood = gid  # a resource with the id of a group is what the group stands for (Mermaid: the subgraph wins)
        if stood is not None:
            stands_for.setdefault(stood, gid)
        kind: GroupKind = "vpc" if stood is not None and arch.resources[stood].type == "vpc" else "group"
        origin: Origin = ("resources", stood) if stood is not None else ("groups", gid)
        tree.add_group(gid, grp.title if grp.title is not None else gid, parent, grp.direction, kind, origin, tuple(grp.classes))
        group_order.append(gid)
    # accounts first, then groups — but a group's subtree must close before its parent: the
    # closing order comes from the tree walk, group_order only breaks ties
    nodes: dict[str, ViewNode] = {}
    for index, (rid, res) in enumerate(arch.resources.items()):
        if rid in stands_for:
            continue
        if res.group is not None and res.group in arch.groups:
            parent = res.group
        elif res.account is not None and res.account in arch.accounts and account_subgraph_id(arch, res.account):
            parent = account_subgraph_id(arch, res.account)
        else:
            parent = None
        tree.add_node(rid, parent, index)
        nodes[rid] = replace(_node(rid, res), zone=_zone(arch, res))
    order, groups = tree.finish(group_order)
    groups = [replace(g, title_kind=arch.groups[g.id].title_kind) if g.id in arch.groups and arch.groups[g.id].title_kind else g
              for g in groups]

    def endpoint(rid: str) -> str:
        return stands_for.get(rid, rid)

    groups_standing = set(stands_for.values())

    def drawn_inside(e: ViewEdge) -> bool:
        """A placement in the subnet whose subgraph the resource is drawn in: the nesting shows it."""
        if len(e.origin) < 3 or e.origin[2] not in ("subnets", "subnet"):
            return False
        group = arch.resources[e.origin[1]].group
        return group is not None and group in groups_standing and group in (e.src, e.dst)

    rel = [e for e in relation_edges(arch, endpoint, overview_relation(arch)) if not drawn_inside(e)]
    edges = connection_edges(arch, endpoint) + rel
    return View(
        name="overview",
        direction=arch.diagram.direction,
        nodes=tuple(nodes[n] for n in order),
        edges=tuple(edges),
        groups=tuple(groups),
        class_defs=tuple(arch.diagram.class_defs.items()),
        styles=tuple(arch.diagram.styles.items()),
        keyword=arch.diagram.keyword,
        title=arch.diagram.title,
        default_link_style=arch.diagram.default_link_style,
        directives=tuple(arch.diagram.directives),
        front_matter=arch.diagram.front_matter,
        clicks=tuple(arch.diagram.clicks),
        shape_data=tuple(arch.diagram.shape_data.items()),
    )


def _zone(arch: Architecture, res: Resource) -> str | None:
    """The availability zone *res* sits in: its own ``az``, or that of its ``subnet``."""
    az = getattr(res, "az", None)
    if isinstance(az, str):
        return az
    subnet = getattr(res, "subnet", None)
    home = arch.resources.get(subnet) if isinstance(subnet, str) else None
    az = getattr(home, "az", None) if home is not None else None
    return az if isinstance(az, str) else None


def _detail(arch: Architecture) -> View:
    return replace(_overview(arch), name="detail")


# -- summary ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Summary:
    """A view with its per-AZ repeats collapsed, and where each original node and edge went."""

    view: View
    node_of: dict[str, str]  # original node id → the node that shows it
    edge_of: tuple[int, ...]  # original edge index → index of the edge that shows it (-1: none)


def _zones_line(zones: list[str]) -> str:
    """``us-west-2a``, ``us-west-2b``, ``us-west-2c`` → ``us-west-2a/b/c``."""
    prefix = zones[0][:-1]
    if all(len(z) == len(zones[0]) and z.startswith(prefix) for z in zones):
        return prefix + "/".join(z[-1] for z in zones)
    return ", ".join(zones)


SUMMARY_WRAP = 14  # a summary's label lines are wrapped at this many characters, between words


def _wrap(label: str) -> str:
    import textwrap

    if label.startswith("`"):  # Mermaid markdown: leave it as written
        return label
    lines = label.split("<br/>")
    return "<br/>".join(part for line in lines
                        for part in (textwrap.wrap(line, SUMMARY_WRAP, break_long_words=False, break_on_hyphens=False) or [line]))


def summarise(view: View) -> Summary:
    """*view* as a wiki-sized picture shows it (measured in benchmarks/bench_diagram.py):

    - the nodes of one type in one group that sit in different availability zones (a subnet per
      AZ, a NAT gateway per AZ) become one node, labelled with what their labels share, the
      count and the zones;
    - edges that then join the same two nodes with the same line become one, with their labels
      listed once each;
    - label lines are wrapped at `SUMMARY_WRAP` characters and the ranks run left to right: an
      architecture's many groups then stack down the page, which a wiki scrolls, instead of
      across it, which a wiki shrinks.

    Deterministic; the order is the view's."""
    parent = {m: g.id for g in view.groups for m in g.members}
    buckets: dict[tuple[str | None, str], list[ViewNode]] = {}
    for node in view.nodes:
        if node.zone is not None:
            buckets.setdefault((parent.get(node.id), node.type), []).append(node)
    node_of = {n.id: n.id for n in view.nodes}
    merged: dict[str, ViewNode] = {}
    for members in buckets.values():
        zones = [n.zone for n in members if n.zone is not None]
        if len(members) < 2 or len(set(zones)) != len(zones):
            continue
        first = members[0]
        label_lines = [line.split("<br/>") for line in (n.label for n in members)]
        common = [line for line in label_lines[0] if line not in zones and all(line in other for other in label_lines[1:])]
        title = common[0] if common else TYPES[first.type].title
        lines = [f"{title}\u00a0×{len(members)}", *common[1:], _zones_line(sorted(zones))]  # kept on one line
        merged[first.id] = replace(first, label="<br/>".join(lines), derived=False, zone=None)
        node_of.update({n.id: first.id for n in members})
    nodes = tuple(merged.get(n.id, n) for n in view.nodes if node_of[n.id] == n.id)
    edges: list[ViewEdge] = []
    labels: list[list[str]] = []
    by_key: dict[tuple[Any, ...], int] = {}
    edge_of: list[int] = []
    for e in view.edges:
        src, dst = node_of.get(e.src, e.src), node_of.get(e.dst, e.dst)
        if src == dst and (e.src != e.dst):
            edge_of.append(-1)  # between two nodes that became one
            continue
        key = (src, dst, e.line, e.head_start, e.head_end)
        if key not in by_key:
            by_key[key] = len(edges)
            edges.append(replace(e, src=src, dst=dst))
            labels.append([])
        i = by_key[key]
        if e.label and e.label not in labels[i]:
            labels[i].append(e.label)
        edge_of.append(i)
    edges = [replace(e, label=", ".join(ls) if ls else None) for e, ls in zip(edges, labels)]
    groups = tuple(replace(g, members=tuple(m for m in g.members if node_of.get(m, m) == m)) for g in view.groups)
    nodes = tuple(replace(n, label=_wrap(n.label)) for n in nodes)
    return Summary(replace(view, direction="LR", nodes=nodes, edges=tuple(edges), groups=groups), node_of, tuple(edge_of))


# -- network ------------------------------------------------------------------------------------


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c == "_" else "_" for c in text)


def _network(arch: Architecture) -> View:
    tree = _Tree()
    group_order: list[str] = []
    res_group: dict[str, str] = {}  # vpc/subnet resource id → its group id
    region_groups: dict[tuple[str, str], str] = {}

    def region_group(account: str | None, region: str | None) -> str | None:
        if account is None or account not in arch.accounts:
            return None
        acct_gid = "acct_" + _safe(account)
        if acct_gid not in tree.raw:
            tree.add_group(acct_gid, account_title(arch, account), None, None, "account", ("accounts", account))
            group_order.append(acct_gid)
        region = region or arch.accounts[account].region
        key = (account, region)
        if key not in region_groups:
            gid = f"{acct_gid}__{_safe(region)}"
            tree.add_group(gid, region, acct_gid, None, "region", ("accounts", account, "region"))
            group_order.append(gid)
            region_groups[key] = gid
        return region_groups[key]

    parent: str | None
    for rid, res in arch.resources.items():
        if res.type == "vpc":
            gid = "vpc_" + _safe(rid)
            parent = region_group(res.account, arch.region_of(rid))
            tree.add_group(gid, node_label(rid, res), parent, None, "vpc", ("resources", rid))
            group_order.append(gid)
            res_group[rid] = gid
    for rid, res in arch.resources.items():
        if res.type == "subnet":
            gid = "subnet_" + _safe(rid)
            parent = res_group.get(res.vpc) or region_group(res.account, arch.region_of(rid))
            tree.add_group(gid, node_label(rid, res), parent, None, "subnet", ("resources", rid))
            group_order.append(gid)
            res_group[rid] = gid
    nodes: dict[str, ViewNode] = {}
    for index, (rid, res) in enumerate(arch.resources.items()):
        if rid in res_group:
            continue
        placed = [s.target for s in iter_refs(res) if FIELD_RELATIONS.get((res.type, s.field)) in ("placement", "contains")]
        placed = [p for p in dict.fromkeys(placed) if p in res_group]
        if len(placed) == 1:
            parent = res_group[placed[0]]
        elif placed:
            vpcs = {_vpc_of(arch.resources[p], p) for p in placed}
            parent = res_group.get(vpcs.pop()) if len(vpcs) == 1 else region_group(res.account, arch.region_of(rid))
        elif TYPES[res.type].account_scoped:
            parent = region_group(res.account, arch.region_of(rid))
        else:
            parent = None
        tree.add_node(rid, parent, index)
        nodes[rid] = replace(_node(rid, res), zone=_zone(arch, res))
    order, groups = tree.finish(group_order)

    def endpoint(rid: str) -> str:
        return res_group.get(rid, rid)

    edges = relation_edges(arch, endpoint, lambda kind, rid, field: kind == "default_route")
    return View(
        name="network",
        direction=arch.diagram.direction,
        nodes=tuple(nodes[n] for n in order),
        edges=tuple(edges),
        groups=tuple(groups),
        class_defs=tuple(arch.diagram.class_defs.items()),
        styles=tuple((k, v) for k, v in arch.diagram.styles.items() if k in nodes),
        keyword=arch.diagram.keyword,
        title=arch.diagram.title,
        default_link_style=arch.diagram.default_link_style,
        directives=tuple(arch.diagram.directives),
        front_matter=arch.diagram.front_matter,
        clicks=tuple(arch.diagram.clicks),
        shape_data=tuple(arch.diagram.shape_data.items()),
    )


def _vpc_of(res: Resource, rid: str) -> str:
    """The VPC a subnet group sits in; a VPC group is its own."""
    return res.vpc if res.type == "subnet" else rid


_BUILDERS: dict[str, Callable[[Architecture], View]] = {"overview": _overview, "detail": _detail, "network": _network}


# -- per account --------------------------------------------------------------------------------


def account_view(arch: Architecture, view: View, key: str) -> View:
    """*view* cut down to account *key*: its resources, their direct neighbours, and the groups
    around them (as the seed page shows Internet, Management and Housekeeping beside Production).

    A resource of the account is one whose ``account`` is *key* and that lives in an account
    (external actors do not); a group belongs to the account when it is the account's subgraph or
    stands for one of its resources, and everything inside it comes along. Neighbours (the other
    end of an edge) are kept with the groups around them, so the cut keeps its context; edges
    between two kept nodes stay, in the view's order.
    """
    groups = {g.id: g for g in view.groups}
    own = {
        n.id for n in view.nodes
        if n.origin[:1] == ("resources",) and n.origin[1] in arch.resources
        and arch.resources[n.origin[1]].account == key and TYPES[n.type].account_scoped
    }
    own_groups: set[str] = set()

    for g in view.groups:
        mine = g.origin == ("accounts", key) or (
            g.origin[:1] == ("resources",) and g.origin[1] in arch.resources and arch.resources[g.origin[1]].account == key
        )
        if mine:
            own_groups.add(g.id)
            inner = _subtree(groups, g.id)
            own_groups.update(m for m in inner if m in groups)
            own.update(m for m in inner if m not in groups)
    return _cut(view, own, own_groups, f"{view.name}:{key}")


def _subtree(groups: dict[str, ViewGroup], gid: str) -> list[str]:
    out: list[str] = []
    for m in groups[gid].members:
        out.append(m)
        if m in groups:
            out += _subtree(groups, m)
    return out


def _cut(view: View, own: set[str], own_groups: set[str], name: str, neighbours: bool = True) -> View:
    """*view* cut down to the nodes *own* and the groups *own_groups* (with, when *neighbours*,
    the other end of every edge that touches them), the groups around what is kept, and the edges
    between kept ends, in the view's order."""
    inside = own | own_groups
    keep = set(own)
    if neighbours:
        for e in view.edges:
            if e.src in inside:
                keep.add(e.dst)
            if e.dst in inside:
                keep.add(e.src)
    keep |= own_groups
    kept_groups: set[str] = set()
    for g in view.groups:  # closing order: a group's subgroups are decided before it
        if g.id in keep or any(m in keep or m in kept_groups for m in g.members):
            kept_groups.add(g.id)
    used_classes = {c for n in view.nodes if n.id in keep for c in n.classes}
    used_classes |= {c for g in view.groups if g.id in kept_groups for c in g.classes}
    return replace(
        view,
        name=name,
        nodes=tuple(n for n in view.nodes if n.id in keep),
        edges=tuple(e for e in view.edges if e.src in keep and e.dst in keep),
        groups=tuple(
            replace(g, members=tuple(m for m in g.members if m in keep or m in kept_groups)) for g in view.groups if g.id in kept_groups
        ),
        class_defs=tuple((name, style) for name, style in view.class_defs if name in used_classes),
        styles=tuple((target, style) for target, style in view.styles if target in keep or target in kept_groups),
        clicks=tuple(c for c in view.clicks if c.split(" ", 1)[0] in keep),
    )


# -- focused views ------------------------------------------------------------------------------


def _known(what: str, names: list[str], limit: int = 12) -> str:
    shown = ", ".join(names[:limit]) + (f", … ({len(names)} in all)" if len(names) > limit else "")
    return f"known {what}: {shown}" if names else f"the view has no {what}"


def group_view(view: View, gid: str) -> View:
    """*view* cut down to group *gid* (a presentation group, an account's or a VPC's subgraph):
    everything inside it, the direct neighbours of what is inside, and the groups around them."""
    groups = {g.id: g for g in view.groups}
    if gid not in groups:
        raise ValueError(f"unknown group {gid!r} in the {view.name} view; {_known('groups', [g.id for g in view.groups])}")
    inner = _subtree(groups, gid)
    own = {m for m in inner if m not in groups}
    own_groups = {gid} | {m for m in inner if m in groups}
    return _cut(view, own, own_groups, f"{view.name}:{gid}")


def around_view(view: View, rid: str, depth: int = 1) -> View:
    """*view* cut down to what is at most *depth* edges away from *rid* (a resource id, or the
    group drawn for it), edges taken in either direction, with the groups around what is kept."""
    if depth < 0:
        raise ValueError(f"--depth must be 0 or more, not {depth}")
    node_ids = {n.id for n in view.nodes}
    stands = {g.origin[1]: g.id for g in view.groups if g.origin[:1] == ("resources",) and len(g.origin) == 2}
    start = rid if rid in node_ids else stands.get(rid)
    if start is None:
        raise ValueError(f"unknown resource {rid!r} in the {view.name} view; {_known('resources', sorted(node_ids | set(stands)))}")
    adjacent: dict[str, list[str]] = {}
    for e in view.edges:
        adjacent.setdefault(e.src, []).append(e.dst)
        adjacent.setdefault(e.dst, []).append(e.src)
    reached = {start}
    frontier = [start]
    for _ in range(depth):
        nxt = []
        for x in frontier:
            for y in adjacent.get(x, ()):
                if y not in reached:
                    reached.add(y)
                    nxt.append(y)
        frontier = nxt
    groups = {g.id for g in view.groups}
    return _cut(view, reached - groups, reached & groups, f"{view.name}:{rid}", neighbours=False)


def focus(view: View, *, group: str | None = None, around: str | None = None, depth: int = 1) -> View:
    """*view* with the CLI's focus filters applied: `group_view`, then `around_view`."""
    if group is not None:
        view = group_view(view, group)
    if around is not None:
        view = around_view(view, around, depth)
    return view


# -- splitting a big view -----------------------------------------------------------------------


def _endpoints(view: View) -> dict[str, str]:
    """Resource id → the id it is drawn under in *view* (its node, or the group that stands for it)."""
    out = {n.origin[1]: n.id for n in view.nodes if n.origin[:1] == ("resources",) and len(n.origin) == 2}
    out.update({g.origin[1]: g.id for g in view.groups if g.origin[:1] == ("resources",) and len(g.origin) == 2})
    return out


def _vpc_homes(arch: Architecture, network: View, account: str) -> dict[str, str]:
    """Resource id → the VPC it sits in, for the resources of *account*: what the network view
    places inside the VPC, then (twice) a resource outside every VPC goes with the VPC of the first
    resource it is drawn connected to, so a cell's bucket, key and queue come with its functions."""
    groups = {g.id: g for g in network.groups}
    home: dict[str, str] = {}
    for g in network.groups:
        if g.kind != "vpc" or g.origin[:1] != ("resources",):
            continue
        vpc = g.origin[1]
        if arch.resources[vpc].account != account:
            continue
        home[vpc] = vpc
        for m in _subtree(groups, g.id):
            if m in groups:
                origin = groups[m].origin
                if origin[:1] == ("resources",) and len(origin) == 2:
                    home[origin[1]] = vpc
            else:
                home[m] = vpc
    mine = [rid for rid, res in arch.resources.items() if res.account == account and TYPES[res.type].account_scoped]
    pairs = [(c.source, c.target) for c in arch.connections]
    pairs += [(rid, site.target) for rid, res in arch.resources.items() for site in iter_refs(res)]
    for _ in range(2):
        found: dict[str, str] = {}
        for a, b in pairs:
            for x, y in ((a, b), (b, a)):
                if x not in home and y in home and x not in found:
                    found[x] = home[y]
        home.update({k: v for k, v in found.items() if k in mine})
    return {rid: home[rid] for rid in mine if rid in home}


def split_view(arch: Architecture, view: View, limit: int) -> list[tuple[str, View]]:
    """*view* in parts of at most about *limit* nodes, each named: the whole view when it is small
    enough, else one part per account, and an account still too big one part per VPC (see
    `_vpc_homes`; each with its direct neighbours) and its resources outside every VPC in parts
    of *limit*. A part can still be bigger than *limit* (one huge VPC): the caller checks."""
    if len(view.nodes) <= limit:
        return [("", view)]
    parts: list[tuple[str, View]] = []
    network = _network(arch) if view.name != "network" else view
    drawn = _endpoints(view)
    group_ids = {g.id for g in view.groups}
    for key in arch.accounts:
        whole = account_view(arch, view, key)
        if not whole.nodes:
            continue
        if len(whole.nodes) <= limit:
            parts.append((key, whole))
            continue
        home = _vpc_homes(arch, network, key)
        by_vpc: dict[str, list[str]] = {}
        rest: list[str] = []
        for rid, res in arch.resources.items():
            if res.account != key or not TYPES[res.type].account_scoped or rid not in drawn:
                continue
            if rid in home:
                by_vpc.setdefault(home[rid], []).append(drawn[rid])
            else:
                rest.append(drawn[rid])
        chunks = [(f"{key}.{_safe(vpc)}", ids) for vpc, ids in by_vpc.items()]
        chunks += [(f"{key}.other{i // limit + 1 if len(rest) > limit else ''}", rest[i:i + limit]) for i in range(0, len(rest), limit)]
        for name, ids in chunks:
            members = set(ids)
            parts.append((name, _cut(view, members - group_ids, members & group_ids, f"{view.name}:{name}")))
    return parts
