"""Model text is data, never code (#10 §4): hostile strings in every user text that reaches a
diagram or a page, checked by the real parsers.

One model shape (an account, a group, two resources, a connection, a title) is filled with
hostile strings and with a benign one; each output must read the same to its language's own
parser as the benign model's: mermaid-js (same nodes, edges and subgraphs, no click, no
directive), Graphviz `dot -Tjson` (same nodes, edges, clusters; an SVG without a <script>
element) and CommonMark through markdown-it-py (the same blocks, headings, links, fences and
table cells; no HTML). Class names and style values cannot be quoted in Mermaid: the loader
refuses what would end their statement.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archc.diagnostics import Diagnostic, ModelError
from archc.emitters import graphviz
from archc.emitters.docs import render_docs
from archc.emitters.mermaid import render
from archc.emitters.views import build_view
from archc.mermaid.parser import parse
from archc.model.architecture import Architecture
from archc.model.loader import load_text
from tests import mermaidjs

FRAGMENTS = [
    "\n", "\r\n", "\r", "\u2028", "\u2029", "\x85", "\x00", "\x01", "\x1b", "\x7f", "\t",
    '"', "'", "`", "```", "~~~", "\n```\n", "\n~~~\n", "%%", "%%{init: {'theme': 'dark'}}%%",
    '\nclick a "javascript:alert(1)"\n', '\n    click a call alert()\n', "\nend\n", "\nsubgraph x\n", "\na --> b\n",
    "-->", "---", "==>", "|", "||", "[", "]", "{", "}", "(", ")", "[]{}()", ":::cls", "@{ shape: rect }", ";", "#", "#quot;",
    "#35;", "&lt;", "&#60;", "&amp;", "<script>alert(1)</script>", "</details>", "<details>", "<!--", "-->", "<br/>",
    "\n# heading\n", "\n- item\n", "\n1. item\n", "\n> quote\n", "\n| a | b |\n", "\n<div>\n", "[x](javascript:alert(1))",
    "<javascript:alert(1)>", "![i](x.png)", "*", "**", "_", "~~", "\\", "\\n", "\\N", "\\l", "end", "style a fill:red",
    "{{resolve:ssm:/x}}", "\ufeff", "é", "漢字", "🙂", " ",
]
hostile = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), min_size=1, max_size=6).map("".join).filter(str.strip)
FIELDS = ("name", "title", "account_name", "account_label", "purpose", "group", "label_a", "label_b", "description", "edge")
texts = st.fixed_dictionaries({f: hostile for f in FIELDS})
BENIGN = dict.fromkeys(FIELDS, "x")
LONG = dict.fromkeys(FIELDS, ("%%{init: {}}%%\n```\n<script>" * 400)[:10000])


def model(t: dict[str, str]) -> Architecture:
    """The model shape with the texts *t* (loaded as a user's file, JSON strings in YAML)."""
    doc: dict[str, Any] = {
        "archc": 1,
        "name": t["name"],
        "accounts": {"prod": {"name": t["account_name"], "label": t["account_label"], "region": "us-west-2", "purpose": t["purpose"]}},
        "groups": {"app": {"title": t["group"], "account": "prod"}},
        "resources": {
            "a": {"type": "lambda_function", "label": t["label_a"], "description": t["description"], "group": "app", "classes": ["hot"]},
            "b": {"type": "s3_bucket", "label": t["label_b"], "description": t["description"]},
            "c": {"type": "sqs_queue", "description": t["description"]},
        },
        "connections": [{"from": "a", "to": "b", "verb": "write", "label": t["edge"]}, {"from": "a", "to": "c", "verb": "send"}],
        "diagram": {"title": t["title"], "class_defs": {"hot": "fill:#f96,stroke:#333"}},
    }
    # JSON is YAML; what YAML may not hold raw (C1 controls, line separators, BOM) goes escaped
    text = re.sub("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]", lambda m: f"\\u{ord(m.group()):04x}", json.dumps(doc, ensure_ascii=False))
    return load_text(text, "hostile.yaml").architecture


# --- Mermaid ---------------------------------------------------------------------------------


def _mermaid_shape(g: dict[str, Any]) -> dict[str, Any]:
    assert "error" not in g, g["error"]
    return {
        "vertices": sorted(v["id"] for v in g["vertices"]),
        "edges": [(e["start"], e["end"]) for e in g["edges"]],
        "subgraphs": sorted((s["id"], tuple(sorted(s["nodes"]))) for s in g["subgraphs"]),
        "clickable": sorted(v["id"] for v in g["vertices"] if "clickable" in v["classes"]),
        "config": g["config"],
    }


def _mermaid_texts(arch: Architecture) -> list[str]:
    return [render(build_view(arch, "overview")), render(build_view(arch, "network")), render(build_view(arch, account="prod"))]


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(texts, min_size=15, max_size=15))
def test_hostile_text_in_mermaid_is_read_by_mermaidjs_as_the_benign_diagram(batch: list[dict[str, str]]) -> None:
    mermaidjs.require_harness()
    archs = [model(BENIGN), model(LONG), *(model(t) for t in batch)]
    diagrams = [text for arch in archs for text in _mermaid_texts(arch)]
    readings = mermaidjs.mermaid_readings(diagrams)
    want = [_mermaid_shape(g) for g in readings[:3]]
    assert [w["config"] for w in want] == [{}, {}, {}]
    assert want[0]["clickable"] == []
    for i, (text, g) in enumerate(zip(diagrams, readings, strict=True)):
        assert _mermaid_shape(g) == want[i % 3], text
        # archc's own parser reads the same graph back (diagram --update, sync, import)
        fc = parse(text)
        assert sorted(n.id for n in fc.nodes) == want[i % 3]["vertices"]
        assert not fc.clicks and not fc.directives


def test_what_mermaid_cannot_quote_is_refused_at_load() -> None:
    bad = [
        ("classes: ['hot\\nclick a x']", "class name"),
        ("classes: ['a b']", "class name"),
        ("style: {css: 'stroke:red;click a x'}", "style"),
    ]
    for field, words in bad:
        head = "archc: 1\naccounts: {p: {name: P, region: us-west-2}}\n"
        if field.startswith("style"):
            text = head + f"resources:\n  a: {{type: sqs_queue}}\n  b: {{type: sqs_queue}}\nconnections:\n  - {{from: a, to: b, verb: send, {field}}}\n"
        else:
            text = head + f"resources:\n  a: {{type: sqs_queue, {field}}}\n"
        problems = _problems(text)
        assert problems and words in problems[0].message, (field, problems)
        assert problems[0].position is not None
    for key, value in (("class_defs", "{hot: 'fill:red\\n  click a x'}"), ("styles", "{a: 'fill:red %%{init: {}}%%'}"),
                       ("default_link_style", "'stroke:red;'"), ("class_defs", "{'a;b': 'fill:red'}")):
        problems = _problems(f"archc: 1\nresources:\n  a: {{type: sqs_queue}}\ndiagram:\n  {key}: {value}\n")
        assert problems and problems[0].code == "ARC103", key


def _problems(text: str) -> list[Diagnostic]:
    try:
        load_text(text, "m.yaml")
    except ModelError as exc:
        return exc.diagnostics
    return []


# --- Graphviz --------------------------------------------------------------------------------


def _dot_shape(source: str) -> dict[str, Any]:
    out = subprocess.run(["dot", "-Tjson0"], input=source.encode("utf-8"), capture_output=True, check=False, timeout=120)
    assert out.returncode == 0, out.stderr.decode("utf-8", "replace")[-2000:]
    g = json.loads(out.stdout)
    objects = g.get("objects", [])
    nodes = sorted(o["name"] for o in objects if "nodes" not in o and "subgraphs" not in o and not o["name"].startswith("cluster_"))
    clusters = sorted(o["name"] for o in objects if o["name"].startswith("cluster_"))
    edges = sorted((objects[e["tail"]]["name"], objects[e["head"]]["name"], e.get("style", "")) for e in g.get("edges", []))
    return {"nodes": nodes, "clusters": clusters, "edges": edges}


@functools.cache
def _benign_dot(view: str) -> dict[str, Any]:
    return _dot_shape(graphviz.dot_source(build_view(model(BENIGN), view)))


needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")


@needs_dot
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(texts)
def test_hostile_text_in_dot_is_read_by_graphviz_as_the_benign_graph(t: dict[str, str]) -> None:
    for view in ("overview", "network"):
        want = _benign_dot(view)
        assert _dot_shape(graphviz.dot_source(build_view(model(t), view))) == want


@needs_dot
def test_svg_of_script_labels_has_no_script_element() -> None:
    t = {**BENIGN, "label_a": "<script>alert(1)</script>", "group": "<script>alert(2)</script>", "edge": "<b>x</b>",
         "account_label": "<<script>>", "label_b": "#lt;script#gt;alert(3)#lt;/script#gt;"}
    arch = model(t)
    for view in ("overview", "network"):
        svg = graphviz.render(build_view(arch, view), "svg")
        root = ET.fromstring(svg)
        tags = {el.tag.rsplit("}", 1)[-1].lower() for el in root.iter()}
        assert "script" not in tags
        assert b"<script" not in svg
        assert b"&lt;script&gt;alert(1)" in svg
    assert _dot_shape(graphviz.dot_source(build_view(model(LONG), "overview"))) == _benign_dot("overview")


# --- Markdown docs ---------------------------------------------------------------------------


def _md_shape(text: str) -> dict[str, Any]:
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").enable("strikethrough").parse(text)
    blocks: list[str] = []
    inline: Counter[str] = Counter()
    links: list[str] = []
    for tok in tokens:
        if tok.type == "inline":
            for child in tok.children or []:
                if child.type not in ("text", "softbreak", "hardbreak", "em_open", "em_close", "strong_open", "strong_close"):
                    inline[child.type] += 1
                if child.type == "link_open":
                    links.append(str(child.attrs.get("href")))
                assert child.type not in ("html_inline", "image", "s_open"), (child, text)
        else:
            blocks.append(f"{tok.type}:{tok.tag}:{tok.info}" if tok.type == "fence" else f"{tok.type}:{tok.tag}")
        if tok.type == "html_block":
            assert tok.content.startswith("<!-- Generated by `archc docs`") and tok.content.count("-->") == 1, tok.content
    return {"blocks": blocks, "inline": dict(inline), "links": links}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(texts)
def test_hostile_text_in_docs_reads_as_the_benign_pages_to_commonmark(t: dict[str, str]) -> None:
    want = _benign_pages()
    got = {name: _md_shape(page) for name, page in render_docs(model(t)).items()}
    assert got == want


@functools.cache
def _benign_pages() -> dict[str, Any]:
    return {name: _md_shape(page) for name, page in render_docs(model(BENIGN)).items()}


def test_long_hostile_text_in_docs() -> None:
    want = _benign_pages()
    assert {name: _md_shape(page) for name, page in render_docs(model(LONG)).items()} == want
