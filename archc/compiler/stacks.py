"""Stacks: which template each generated resource lands in, and how stacks refer to each other.

1. One stack per account and region that has resources.
2. When stacks of different accounts/regions depend on each other in a cycle (the us-east-1
   certificate validated in a us-west-2 zone, used by CloudFront in us-west-2), the stacks of the
   cycle are split into phases: each resource goes to the latest phase its dependents allow
   ("as late as possible"), so only what must deploy early does.
3. A stack over 500 resources or about 1 MB is cut, in dependency order, into parts.

References between stacks: in one account and region an ``Fn::ImportValue`` of an exported output;
across accounts or regions a parameter whose value the manifest says to take from the producing
stack's output. Order-only dependencies (a trusted role must exist first) become ``DependsOn``
inside a stack and a stack dependency across stacks.
"""

from __future__ import annotations

import heapq
import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from archc.compiler.context import PARAM_KEY, XREF_KEY, Context, Unit
from archc.compiler.naming import camel, stack_name

MAX_RESOURCES = 500
CHUNK_BYTES = 800_000  # headroom for parameters, outputs and indentation
MAX_OUTPUTS = 200
MAX_PARAMETERS = 200


@dataclass
class Stack:
    name: str
    account: str
    account_id: str
    account_name: str
    region: str
    units: list[Unit] = field(default_factory=list)
    parameters: dict[str, dict[str, Any]] = field(default_factory=dict)
    sources: dict[str, Any] = field(default_factory=dict)  # parameter → "operator" | {"stack", "output"}
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    depends_on: set[str] = field(default_factory=set)
    template: dict[str, Any] = field(default_factory=dict)


# --- preparing units ---------------------------------------------------------------------------


def _collect(obj: Any, refs: list[tuple[str, str | None, bool]], params: list[str]) -> None:
    if isinstance(obj, dict):
        if len(obj) == 1:
            if XREF_KEY in obj:
                t, a, lst = obj[XREF_KEY]
                refs.append((t, a, lst))
                return
            if PARAM_KEY in obj:
                params.append(obj[PARAM_KEY])
                return
        for v in obj.values():
            _collect(v, refs, params)
    elif isinstance(obj, list):
        for v in obj:
            _collect(v, refs, params)


def prepare(ctx: Context) -> None:
    """Render every unit once (troposphere validates it) and note what it refers to."""
    for unit in ctx.units.values():
        try:
            body = unit.resource.to_dict()
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            ctx.error(("resources", unit.node), f"{ctx.who(unit.node)}: cannot generate {unit.logical_id}: {exc}")
            continue
        body.pop("Metadata", None)
        unit.body = body
        refs: list[tuple[str, str | None, bool]] = []
        params: list[str] = []
        _collect(body, refs, params)
        unit.refs = refs
        unit.params = sorted(set(params))
        unit.size = len(json.dumps(body, separators=(",", ":"))) + 200


# --- partitioning ------------------------------------------------------------------------------


def _topo_order(ctx: Context, deps: dict[str, set[str]], rank: dict[str, tuple[int, str]]) -> list[str]:
    """Units in dependency order; ties broken by (model id rank, logical id) so a model's units stay together."""
    indeg = {u: 0 for u in deps}
    users: dict[str, list[str]] = {u: [] for u in deps}
    for u, ds in deps.items():
        for d in ds:
            users[d].append(u)
            indeg[u] += 1
    heap = [(rank[u], u) for u, n in indeg.items() if n == 0]
    heapq.heapify(heap)
    order: list[str] = []
    while heap:
        _, u = heapq.heappop(heap)
        order.append(u)
        for v in users[u]:
            indeg[v] -= 1
            if indeg[v] == 0:
                heapq.heappush(heap, (rank[v], v))
    if len(order) != len(deps):
        stuck = sorted(u for u, n in indeg.items() if n > 0)
        nodes = sorted({ctx.units[u].node for u in stuck})
        ctx.error(("resources", nodes[0]), "the generated resources of " + ", ".join(f"'{n}'" for n in nodes[:6])
                  + " depend on each other in a cycle", help="look for two resources that reference each other")
        order += stuck
    return order


def _sccs(nodes: list[tuple[str, str]], edges: set[tuple[tuple[str, str], tuple[str, str]]]) -> dict[tuple[str, str], int]:
    """Strongly connected component index per group (groups are few: mutual reachability is enough)."""
    succ: dict[tuple[str, str], set[tuple[str, str]]] = {n: set() for n in nodes}
    for a, b in edges:
        succ[a].add(b)
    reach: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for n in nodes:
        seen, todo = {n}, [n]
        while todo:
            for m in succ[todo.pop()]:
                if m not in seen:
                    seen.add(m)
                    todo.append(m)
        reach[n] = seen
    comp: dict[tuple[str, str], int] = {}
    for i, n in enumerate(sorted(nodes)):
        if n in comp:
            continue
        for m in nodes:
            if m in reach[n] and n in reach[m]:
                comp[m] = i
    return comp


def partition(ctx: Context) -> list[Stack]:
    units = {lid: u for lid, u in ctx.units.items() if u.body is not None}
    deps: dict[str, set[str]] = {}
    for lid, u in units.items():
        ds = {t for t, _, _ in u.refs if t != lid} | {a for a in u.after if a != lid}
        missing = [d for d in ds if d not in units]
        for d in missing:
            ctx.error(("resources", u.node), f"{ctx.who(u.node)}: {lid} refers to {d}, which was not generated")
        deps[lid] = {d for d in ds if d in units}
    node_rank = {rid: i for i, rid in enumerate(sorted(ctx.arch.resources))}
    rank = {lid: (node_rank.get(u.node, 0), lid) for lid, u in units.items()}
    order = _topo_order(ctx, deps, rank)
    position = {lid: i for i, lid in enumerate(order)}
    group = {lid: u.placement.group for lid, u in units.items()}
    groups = sorted(set(group.values()))
    edges = {(group[d], group[u]) for u, ds in deps.items() for d in ds if group[d] != group[u]}
    comp = _sccs(groups, edges)
    cyclic = {c for c in comp.values() if list(comp.values()).count(c) > 1}
    # as-late-as-possible phases inside cyclic groups
    level: dict[str, int] = {}
    users: dict[str, list[str]] = {lid: [] for lid in units}
    for user, ds in deps.items():
        for d in ds:
            users[d].append(user)
    for lid in reversed(order):
        lv = 0
        if comp[group[lid]] in cyclic:
            for v in users[lid]:
                if comp[group[v]] == comp[group[lid]]:
                    lv = min(lv, level[v] - (1 if group[v] != group[lid] else 0))
        level[lid] = lv
    _merge_levels(deps, users, group, level)
    # stacks: (group, level) in dependency order, cut into parts by size
    buckets: dict[tuple[tuple[str, str], int], list[str]] = {}
    for lid in order:
        buckets.setdefault((group[lid], level[lid]), []).append(lid)
    parts: dict[tuple[str, str], list[list[str]]] = {}
    for (g, _lv), lids in sorted(buckets.items()):
        chunk: list[str] = []
        size = 0
        for lid in lids:
            if chunk and (len(chunk) >= MAX_RESOURCES or size + units[lid].size > CHUNK_BYTES):
                parts.setdefault(g, []).append(chunk)
                chunk, size = [], 0
            chunk.append(lid)
            size += units[lid].size
        parts.setdefault(g, []).append(chunk)
    stacks: list[Stack] = []
    for (acct, region), chunks in sorted(parts.items()):
        a = ctx.arch.accounts.get(acct)
        for n, chunk in enumerate(chunks):
            name = stack_name(ctx.arch.name, acct, region, n + 1 if len(chunks) > 1 else None)
            st = Stack(name, acct, (a.id if a else None) or "", a.name if a else acct, region)
            st.units = sorted((units[lid] for lid in chunk), key=lambda u: position[u.logical_id])
            stacks.append(st)
    return stacks


def _merge_levels(deps: dict[str, set[str]], users: dict[str, list[str]], group: dict[str, tuple[str, str]], level: dict[str, int]) -> None:
    """Fewer phases: move a group's whole phase into its neighbour phase wherever every dependency still holds.

    As-late-as-possible leaves resources nothing depends on (a log group's subscription, say) in the
    last phase; most of the time they can join their group's other phase instead of making a stack.
    """
    def cross(a: str, b: str) -> int:
        return 1 if group[a] != group[b] else 0

    changed = True
    while changed:
        changed = False
        members: dict[tuple[str, str], dict[int, list[str]]] = {}
        for lid, lv in level.items():
            members.setdefault(group[lid], {}).setdefault(lv, []).append(lid)
        for g in sorted(members):
            levels = sorted(members[g])
            for lo, hi in itertools.pairwise(levels):
                down = members[g][hi]
                moving = set(down)
                if all(d in moving or level[d] + cross(d, u) <= lo for u in down for d in deps[u]):
                    for u in down:
                        level[u] = lo
                    changed = True
                    break
                up = members[g][lo]
                moving = set(up)
                if all(v in moving or hi + cross(u, v) <= level[v] for u in up for v in users[u]):
                    for u in up:
                        level[u] = hi
                    changed = True
                    break
            if changed:
                break


# --- resolving references ----------------------------------------------------------------------


def _value(target: str, attr: str | None, is_list: bool) -> Any:
    v: Any = {"Ref": target} if attr is None else {"Fn::GetAtt": [target, attr]}
    return {"Fn::Join": [",", v]} if is_list else v


def resolve(ctx: Context, stacks: list[Stack]) -> None:
    home: dict[str, Stack] = {u.logical_id: st for st in stacks for u in st.units}
    for st in stacks:
        local = {u.logical_id for u in st.units}
        subst: dict[tuple[str, str | None], Any] = {}
        for u in st.units:
            for name in u.params:
                spec = ctx.params[name]
                st.parameters[name] = spec.to_cfn()
                st.sources[name] = "operator"
            for target, attr, is_list in u.refs:
                key = (target, attr)
                if target in local or key in subst or target not in home:
                    continue
                producer = home[target]
                out = f"{target}{camel(attr) if attr else 'Ref'}"
                tu = ctx.units[target]
                desc = f"{attr or 'Ref'} of {target} ({tu.node}, {tu.resource.resource_type})"
                st.depends_on.add(producer.name)
                if (producer.account, producer.region) == (st.account, st.region):
                    export = f"{producer.name}-{out}"
                    producer.outputs[out] = {"Description": desc, "Value": _value(target, attr, is_list), "Export": {"Name": export}}
                    v: Any = {"Fn::ImportValue": export}
                    subst[key] = {"Fn::Split": [",", v]} if is_list else v
                else:
                    producer.outputs.setdefault(out, {"Description": desc, "Value": _value(target, attr, is_list)})
                    pname = out if out not in local else f"{out}Param"
                    st.parameters[pname] = {
                        "Type": "CommaDelimitedList" if is_list else "String",
                        "Description": f"{desc}: output {out} of stack {producer.name} ({producer.account}, {producer.region})",
                    }
                    st.sources[pname] = {"stack": producer.name, "output": out}
                    subst[key] = {"Ref": pname}
            for a in u.after:
                if a not in local and a in home:
                    st.depends_on.add(home[a].name)
        st.template = _render(ctx, st, local, subst)
        if len(st.outputs) > MAX_OUTPUTS or len(st.parameters) > MAX_PARAMETERS:
            ctx.error((), f"stack {st.name} needs {len(st.outputs)} outputs and {len(st.parameters)} parameters; "
                      f"CloudFormation allows {MAX_OUTPUTS} and {MAX_PARAMETERS}",
                      help="split the model's accounts or regions so fewer values cross between stacks")
    for st in stacks:  # outputs were added by later stacks: render again with them
        st.template["Outputs"] = dict(sorted(st.outputs.items())) if st.outputs else None
        if st.template["Outputs"] is None:
            del st.template["Outputs"]


def _substitute(obj: Any, local: set[str], subst: dict[tuple[str, str | None], Any]) -> Any:
    if isinstance(obj, dict):
        if len(obj) == 1:
            if XREF_KEY in obj:
                t, a, _lst = obj[XREF_KEY]
                if t in local:
                    return {"Ref": t} if a is None else {"Fn::GetAtt": [t, a]}
                return subst[(t, a)]
            if PARAM_KEY in obj:
                return {"Ref": obj[PARAM_KEY]}
        return {k: _substitute(v, local, subst) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_substitute(v, local, subst) for v in obj]
    return obj


def _render(ctx: Context, st: Stack, local: set[str], subst: dict[tuple[str, str | None], Any]) -> dict[str, Any]:
    resources: dict[str, Any] = {}
    for u in st.units:
        body = _substitute(u.body, local, subst)
        body["Metadata"] = u.metadata()
        after = sorted(a for a in u.after if a in local)
        if after:
            body["DependsOn"] = after if len(after) > 1 else after[0]
        resources[u.logical_id] = body
    template: dict[str, Any] = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"{ctx.arch.name}: {st.account_name} account ({st.account_id}), {st.region} — generated by archc from the model; do not edit",
        "Resources": resources,
    }
    if st.parameters:
        template["Parameters"] = dict(sorted(st.parameters.items()))
    return template


def deploy_order(stacks: list[Stack]) -> list[str]:
    """Stack names in an order that deploys every stack after the stacks it depends on."""
    names = sorted(st.name for st in stacks)
    deps = {st.name: set(st.depends_on) for st in stacks}
    done: list[str] = []
    placed: set[str] = set()
    while len(done) < len(names):
        ready = [n for n in names if n not in placed and deps[n] <= placed]
        if not ready:  # a cycle: cannot happen after partitioning, but never loop forever
            ready = [n for n in names if n not in placed][:1]
        done.append(ready[0])
        placed.add(ready[0])
    return done
