"""Access and identity rules (ARC3xx): exposure to the outside, cross-account reach, trust.

The path rules run one breadth-first search over a connection view of the graph (networkx
`bfs_predecessors` from a virtual source joined to every start node), so they are linear in the
size of the model; the offending path is rebuilt from the BFS predecessors, never enumerated.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from archc.catalog import TYPES, VERBS
from archc.diagnostics import Path
from archc.rules.base import Finding, Rule, RuleContext, describe, path_related, resource_path

if TYPE_CHECKING:
    import networkx as nx

_SOURCE = "\x00start"  # the virtual BFS source; cannot collide with a resource id


def _bfs_tree(view: nx.DiGraph, starts: Iterable[str]) -> dict[str, str]:
    """node → its BFS predecessor, for every node reachable from *starts* (starts map to the source)."""
    import networkx as nx

    view.add_node(_SOURCE)
    view.add_edges_from((_SOURCE, s) for s in starts)
    try:
        return dict(nx.bfs_predecessors(view, _SOURCE))
    finally:
        view.remove_node(_SOURCE)


def _walk_back(pred: dict[str, str], node: str) -> list[str]:
    nodes = [node]
    while pred[nodes[-1]] != _SOURCE:
        nodes.append(pred[nodes[-1]])
    return nodes[::-1]


def _edge_paths(ctx: RuleContext, nodes: list[str]) -> list[Path | None]:
    return [ctx.edge_path(u, v, kinds=("connection", "role_use")) for u, v in itertools.pairwise(nodes)]


def _exposed(ctx: RuleContext, rid: str) -> bool:
    res = ctx.resources[rid]
    if res.type == "s3_bucket":
        return not res.public
    return TYPES[res.type].data_store or res.type in ("aurora_readers", "secret")


def external_exposure(ctx: RuleContext) -> Iterator[Finding]:
    """No data store is reachable from an external actor except through an entry point.

    What it checks:
        Follows connections (traffic, data and identity verbs) from every `external` resource,
        with the allowed entry points removed (load balancers, API gateways, CloudFront, WAF: the
        catalogue's `entry_point` types). Any database, private bucket, queue, topic or secret
        still reachable is reported with the whole path. A public bucket is not a finding here
        (see ARC402).

    Why it matters:
        An entry point terminates TLS, authenticates, throttles and filters. A path that bypasses
        it hands the outside world a direct line to your data.

    Example:
        resources:
          users: {type: external, kind: users}
          uploads: {type: s3_bucket}
        connections:
          - {from: users, to: uploads, verb: read}

    Fix:
        Put an entry point (API gateway, load balancer, CloudFront) and the compute behind it
        between the actor and the data, or remove the connection.
    """
    externals = ctx.by_type.get("external", [])
    if not externals:
        return
    view = ctx.flow.copy()
    view.remove_nodes_from([n for n, t in view.nodes(data="type") if t in TYPES and TYPES[t].entry_point])
    pred = _bfs_tree(view, [e for e in externals if e in view])
    for rid in ctx.resources:
        if rid in pred and rid not in externals and _exposed(ctx, rid):
            nodes = _walk_back(pred, rid)
            chain = " → ".join(nodes)
            yield Finding(
                f"{describe(ctx, rid)} is reachable from external '{nodes[0]}' without an entry point: {chain}",
                resource_path(rid),
                "route outside traffic through a load balancer, API gateway or CloudFront and the compute behind it",
                path_related(ctx, nodes, _edge_paths(ctx, nodes)),
            )


def cross_account_connection(ctx: RuleContext) -> Iterator[Finding]:
    """A connection into another account is a role assuming a role there.

    What it checks:
        Every connection whose ends belong to different accounts must be `assume_role` from an
        `iam_role` onto an `iam_role` of the target account. Whether that role trusts the
        caller is ARC305's business. External actors belong to no account and are not checked.

    Why it matters:
        Accounts are the strongest boundary AWS has. Crossing it any other way (a bucket policy
        naming a foreign function, a queue open to another account) spreads trust in places
        nobody reviews; one assumable role is one place to audit.

    Example:
        accounts:
          prod: {id: "111111111111", name: Prod, region: us-west-2}
          tools: {id: "222222222222", name: Tools, region: us-west-2}
        resources:
          data: {type: s3_bucket, account: prod}
          tool_role: {type: iam_role, account: tools}
          job: {type: lambda_function, account: tools, role: tool_role}
        connections:
          - {from: job, to: data, verb: read}

    Fix:
        Give the target account a role that trusts the caller's role (`assumable_by`), connect
        `caller role → role` with `assume_role`, and hang the access off that role.
    """
    res = ctx.resources
    for i, conn in enumerate(ctx.arch.connections):
        a, b = ctx.account(conn.source), ctx.account(conn.target)
        if a is None or b is None or a == b:
            continue
        if conn.verb == "assume_role" and res[conn.source].type == "iam_role" and res[conn.target].type == "iam_role":
            continue
        if conn.verb == "assume_role":
            why = "only an IAM role may assume a role in another account"
        else:
            why = f"`{conn.verb}` may not cross accounts; only `assume_role` onto a role of the target account may"
        yield Finding(
            f"connection #{i + 1} from {describe(ctx, conn.source)} in account '{a}' to {describe(ctx, conn.target)} in account '{b}': {why}",
            ("connections", i),
            f"give account '{b}' a role that trusts a role of '{a}', connect them with `assume_role`, and grant the access to that role",
            (resource_path(conn.source), ("connections", i), resource_path(conn.target)),
        )


def account_reach(ctx: RuleContext) -> Iterator[Finding]:
    """An account reaches another only through the resources its `may_reach` lists.

    What it checks:
        For each `accounts.<a>.may_reach: {<b>: [ids]}`, searches every path over connections
        (and a compute resource's use of its role) from any resource of account *a*. Reaching a
        resource of account *b* other than the listed ones, directly or through hops, is a finding
        with the whole path; going *through* a listed resource is what it is for.

    Why it matters:
        A tooling account that should see production only through one read-only role must not
        grow a second door. This makes the intended boundary a checked fact.

    Example:
        accounts:
          prod: {id: "111111111111", name: Prod, region: us-west-2}
          tools:
            id: "222222222222"
            name: Tools
            region: us-west-2
            may_reach: {prod: [read_role]}
        resources:
          tool_role: {type: iam_role, account: tools}
          read_role: {type: iam_role, account: prod, assumable_by: [tool_role]}
          data: {type: s3_bucket, account: prod}
        connections:
          - {from: tool_role, to: read_role, verb: assume_role}
          - {from: read_role, to: data, verb: read}
          - {from: tool_role, to: data, verb: read}

    Fix:
        Route the access through an allowed resource (assume the allowed role), or add the
        resource to `may_reach` if the wider access is intended.
    """
    accounts = ctx.arch.accounts
    if not any(acct.may_reach for acct in accounts.values()):
        return
    import networkx as nx

    reach: nx.DiGraph = nx.DiGraph()
    reach.add_nodes_from(ctx.resources)
    for i, conn in enumerate(ctx.arch.connections):
        if VERBS[conn.verb].kind != "other":
            reach.add_edge(conn.source, conn.target)
    for rid, roles in ctx.roles_used_by.items():
        reach.add_edges_from((rid, role) for role in roles)
    members: dict[str, list[str]] = {}
    for rid in ctx.resources:
        acct = ctx.account(rid)
        if acct is not None:
            members.setdefault(acct, []).append(rid)
    for a in sorted(accounts):
        for b, allowed_ids in sorted((accounts[a].may_reach or {}).items()):
            if a == b:
                continue
            allowed = set(allowed_ids)
            inside_b = set(members.get(b, ()))
            view = reach.copy()
            view.remove_nodes_from(allowed)
            view.remove_edges_from([e for e in view.out_edges(inside_b)])  # stop at the first resource of b
            pred = _bfs_tree(view, members.get(a, []))
            for rid in members.get(b, []):
                if rid not in pred or rid in allowed:
                    continue
                nodes = _walk_back(pred, rid)
                edges = _edge_paths(ctx, nodes)
                only = ", ".join(sorted(allowed)) or "nothing"
                yield Finding(
                    f"account '{a}' reaches '{rid}' of account '{b}' by {' → '.join(nodes)}; it may reach only {only} there",
                    edges[-1] or resource_path(rid),
                    f"go through {only}, or add '{rid}' to accounts.{a}.may_reach.{b} if this access is intended",
                    path_related(ctx, nodes, edges),
                )


def cross_account_read_only(ctx: RuleContext) -> Iterator[Finding]:
    """A role that another account may assume only reads and describes.

    What it checks:
        For each `iam_role` whose `assumable_by` names a role of another account, every
        outgoing connection uses a verb that does not write (`read`, `describe`, `query`,
        …, not `write`, `read_write`, `publish`, `replicate`, `logs`, …).

    Why it matters:
        Cross-account roles are for observation and orchestration from tooling accounts. Write
        access from outside turns a compromise of the tooling account into a compromise of this
        one.

    Example:
        accounts:
          prod: {id: "111111111111", name: Prod, region: us-west-2}
          tools: {id: "222222222222", name: Tools, region: us-west-2}
        resources:
          tool_role: {type: iam_role, account: tools}
          read_role: {type: iam_role, account: prod, assumable_by: [tool_role]}
          data: {type: s3_bucket, account: prod}
        connections:
          - {from: read_role, to: data, verb: read_write}

    Fix:
        Grant `read` or `describe` instead, or do the writing inside the account.
    """
    from archc.model.resources import IamRole

    for rid, role in ctx.of_type(IamRole):
        mine = ctx.account(rid)
        foreign = sorted(t for t in role.assumable_by if ctx.account(t) not in (None, mine))
        if not foreign:
            continue
        for i, conn in ctx.connections_from.get(rid, []):
            if VERBS[conn.verb].writes:
                yield Finding(
                    f"role '{rid}' is assumable from another account ({', '.join(foreign)}) but may `{conn.verb}` {describe(ctx, conn.target)}",
                    ("connections", i),
                    "grant read or describe only to a role other accounts may assume",
                    (resource_path(rid), ("connections", i), resource_path(conn.target)),
                )


def assume_untrusted(ctx: RuleContext) -> Iterator[Finding]:
    """An `assume_role` connection targets a role that trusts its source.

    What it checks:
        For each `assume_role` connection onto an `iam_role`, the source (or a role the
        source runs as) is listed in the target's `assumable_by`, in the same account or not.

    Why it matters:
        The connection says the caller assumes the role; the role's trust policy says who may.
        If they disagree the deployment works for nobody, or the policy gets widened by hand.

    Example:
        resources:
          caller: {type: iam_role}
          target: {type: iam_role}
        connections:
          - {from: caller, to: target, verb: assume_role}

    Fix:
        Add the caller's role to the target's `assumable_by`.
    """
    res = ctx.resources
    for i, conn in enumerate(ctx.arch.connections):
        target = res[conn.target]
        if conn.verb != "assume_role" or target.type != "iam_role":
            continue
        trusted = set(target.assumable_by)
        callers = {conn.source, *ctx.roles_used_by.get(conn.source, ())}
        if not trusted & callers:
            yield Finding(
                f"connection #{i + 1}: {describe(ctx, conn.source)} assumes role '{conn.target}', which does not trust it",
                ("connections", i),
                f"add '{conn.source}' to assumable_by of '{conn.target}'" if res[conn.source].type == "iam_role"
                else f"add the role '{conn.source}' runs as to assumable_by of '{conn.target}'",
                (resource_path(conn.source), ("connections", i), resource_path(conn.target)),
            )


RULES: list[Rule] = [
    Rule("ARC301", "access.external-exposure", "error", external_exposure),
    Rule("ARC302", "access.cross-account-connection", "error", cross_account_connection),
    Rule("ARC303", "access.account-reach", "error", account_reach),
    Rule("ARC304", "access.cross-account-read-only", "error", cross_account_read_only),
    Rule("ARC305", "access.assume-untrusted", "error", assume_untrusted),
]
