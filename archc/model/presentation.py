"""The presentation vocabulary: how a resource or an account is named in a drawing.

Both directions of the diagram round trip speak it: the emitters (`archc.emitters.views`) write
these labels and subgraph titles, the Mermaid importer (`archc.importers.infer`) recognises them,
and `archc.sync` compares them. Pure functions of the model; no Mermaid or Graphviz here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from archc.catalog import TYPES
from archc.model.architecture import Architecture, EdgeStyle
from archc.model.resources import Resource

BR = "<br/>"  # the line break a label carries (Mermaid's; the DOT emitter translates it)
DEFAULT_SHAPE = "default"  # model shape of a node drawn with no shape (`id@{ label: ... }`)


def derived_label(rid: str, res: Resource) -> str:
    """A label from the catalogue and the resource's key facts (used when it has no `label`)."""
    info = TYPES[res.type]
    if res.type == "generic":
        return str(res.kind) if res.kind else rid
    if res.type == "subnet":
        return BR.join((f"{res.tier.capitalize()} Subnet", res.cidr, res.az))
    if res.type == "vpc":
        return f"VPC ({res.cidr})" if res.cidr else "VPC"  # a sketch without its CIDR (ARC115)
    facts: list[str] = []
    # the first naming field the type has (a domain, a cluster or role name, ...)
    for attr in ("domain", "cluster_name", "name", "namespace", "role_name", "alias"):
        value = getattr(res, attr, None)
        if isinstance(value, str) and value:
            facts.append(value)
            break
    if res.type == "ecs_task_definition":
        facts.append(f"{res.vcpu:g} vCPU, {res.memory_gib:g} GB")
    if res.type == "ecs_service":
        facts.append(f"Min: {res.min_tasks}, Max: {res.max_tasks} tasks")
    if res.type == "external":
        return rid.replace("_", " ").title()
    return BR.join((info.title, *facts))


def node_label(rid: str, res: Resource) -> str:
    return res.label if res.label is not None else derived_label(rid, res)


def shown_derived(rid: str, derived: str) -> str:
    """What a diagram shows of a resource without a label of its own: its id over the catalogue's
    label, so three "IAM Role"s read apart. The importer reads this back as no label at all."""
    return f"{rid}{BR}{derived}"


def edge_data(style: EdgeStyle) -> str | None:
    """The Mermaid edge data of a connection's style (`animate: true, curve: basis`), None for none."""
    parts: list[str] = []
    if style.animate is not None:
        parts.append(f"animate: {'true' if style.animate else 'false'}")
    if style.animation is not None:
        parts.append(f"animation: {style.animation}")
    if style.curve is not None:
        parts.append(f"curve: {style.curve}")
    if style.data:
        parts.append(style.data)
    return ", ".join(parts) or None


def edge_ids(edges: Sequence[tuple[str | None, str | None, bool]], taken: Iterable[str]) -> list[str | None]:
    """Per connection edge (verb, its own edge id, whether it needs an id anyway), the Mermaid edge
    id the diagram writes.

    Precedence: an edge id the model gives (`style.id`, one the author wrote) is written as it is
    and never replaced. An edge without one gets an id only when it needs one (its label does not
    say its verb, or it carries edge data): the verb's name, `write`, `write_2`, … skipping the
    *taken* ids (nodes, subgraphs) and every edge's own id. The importer reads an id back as the
    verb it names, and keeps as the edge's own id every id this function would not write again.
    """
    used = set(taken) | {own for _, own, _ in edges if own is not None}
    last: dict[str, int] = {}  # verb → its last number: every lower one is taken (`used` only grows)
    out: list[str | None] = []
    for verb, own, needs in edges:
        if own is not None:
            out.append(own)
            continue
        if verb is None or not needs:
            out.append(None)
            continue
        n = last.get(verb, 1)
        eid = verb if n == 1 else f"{verb}_{n}"
        while eid in used:
            n += 1
            eid = f"{verb}_{n}"
        last[verb] = n
        used.add(eid)
        out.append(eid)
    return out


def account_subgraph_id(arch: Architecture, key: str) -> str:
    """The subgraph id of account *key*; "" when the account is not drawn as a subgraph."""
    if not arch.accounts[key].subgraph:
        return ""
    return arch.diagram.account_ids.get(key, key)


def default_account_title(name: str, account_id: str | None) -> str:
    """"Production Account (978489150794)", or "Production Account" without an id."""
    return f"{name} Account ({account_id})" if account_id else f"{name} Account"


def account_title(arch: Architecture, key: str) -> str:
    acct = arch.accounts[key]
    return acct.label if acct.label is not None else default_account_title(acct.name, acct.id)
