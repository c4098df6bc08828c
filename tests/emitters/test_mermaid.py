"""The Mermaid emitter: golden files for the example, validity under mermaid-js, findings marks."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import get_args

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import mermaidjs
from golden_files import GOLDEN, check_golden

from archc import catalog
from archc.diagnostics import Diagnostic
from archc.emitters.mermaid import render, to_flowchart
from archc.emitters.views import VIEWS, build_view
from archc.mermaid import syntax
from archc.mermaid.parser import parse
from archc.model.loader import load_text


@pytest.mark.parametrize("view", VIEWS)
def test_example_golden(example_model, view: str, update_golden: bool) -> None:
    text = render(build_view(example_model.architecture, view))
    check_golden(GOLDEN / "mermaid" / f"sagebrush_{view}.mmd", text, update_golden)
    back = parse(text)  # one serialiser: what it writes, the parser reads back
    ast = to_flowchart(build_view(example_model.architecture, view))
    groups = {g.id for g in ast.subgraphs}
    # an edge to a subgraph (network view: routes into subnets) also mentions its id as a vertex
    assert tuple(n for n in back.nodes if n.id not in groups) == ast.nodes
    assert (back.edges, back.subgraphs, back.class_defs) == (ast.edges, ast.subgraphs, ast.class_defs)


@pytest.mark.parametrize("view", VIEWS)
def test_example_is_valid_for_mermaid_js(example_model, view: str) -> None:
    mermaidjs.require_harness()
    view_obj = build_view(example_model.architecture, view)
    graph = mermaidjs.mermaid_graph(render(view_obj))
    assert "error" not in graph, graph
    groups = {g.id for g in view_obj.groups}
    assert [v["id"] for v in graph["vertices"] if v["id"] not in groups] == [n.id for n in view_obj.nodes]
    assert {s["id"] for s in graph["subgraphs"]} == groups
    assert len(graph["edges"]) == len(view_obj.edges)


MODEL = """
archc: 1
accounts: {prod: {id: "111111111111", name: Prod, region: us-west-2}}
resources:
  VPC: {type: vpc, cidr: 10.0.0.0/16}
  PRIV: {type: subnet, vpc: VPC, tier: private, cidr: 10.0.1.0/24, az: us-west-2a, label: "`**Private**`"}
  ROLE: {type: iam_role}
  FN: {type: lambda_function, role: ROLE, subnets: [PRIV]}
connections:
  - {from: FN, to: ROLE, verb: relates, label: odd, style: {line: dotted, head_start: circle, head_end: circle, length: 2}}
"""


def test_findings_mark_nodes_and_edges_and_add_a_legend() -> None:
    arch = load_text(MODEL).architecture
    view = build_view(arch)
    findings = [
        Diagnostic("ARC201", "no egress", ("resources", "PRIV"), name="network.private-subnet-egress"),
        Diagnostic("ARC999", "edge", ("resources", "FN", "subnets", 0)),
    ]
    text = render(view, findings)
    assert "classDef finding stroke:#d62728,stroke-width:3px" in text
    assert "class PRIV,legend_codes finding" in text
    hosts = next(i for i, e in enumerate(view.edges) if e.label == "Hosts")
    assert f"linkStyle {hosts} stroke:#d62728,stroke-width:3px" in text
    assert 'legend_codes["ARC201 network.private-subnet-egress<br/>ARC999"]' in text
    assert 'PRIV["`**Private**`"]' in text  # a label in backticks is markdown
    assert "FN o-..-o|odd| ROLE" in text
    mermaidjs.require_harness()
    assert mermaidjs.is_valid(text)


def test_a_finding_on_the_resource_a_subgraph_stands_for_marks_the_subgraph(example_model) -> None:
    view = build_view(example_model.architecture)
    assert next(g for g in view.groups if g.id == "VPC").origin == ("resources", "VPC")
    text = render(view, [Diagnostic("ARC299", "vpc", ("resources", "VPC", "cidr"))])
    assert re.search(r"^    class (\w+,)*VPC(,\w+)* finding$", text, re.MULTILINE), text
    back = parse(text)
    assert next(s for s in back.subgraphs if s.id == "VPC").classes == ("finding",)
    assert "legend_codes" in {n.id for n in back.nodes}


def test_the_model_line_styles_are_the_mermaid_languages_words() -> None:
    # the view hands catalog.LineStyle / catalog.Head straight to the Mermaid AST: same words
    assert get_args(catalog.LineStyle) == get_args(syntax.Stroke)
    assert get_args(catalog.Head) == get_args(syntax.Head)
