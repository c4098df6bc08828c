"""Run the real mermaid-js flowchart parser (tests/js/parse_flowchart.mjs).

    mermaid_graph(text)   -> dict   one node process per call
    mermaid_graphs(texts) -> list   many diagrams in one node process (fast)
    mermaid_readings(texts) -> list the same, with the config front matter and directives set
    is_valid(text)        -> bool
    require_harness()               skip (or, under CI=true, fail) if unavailable

Results are memoised per text.  When ``tests/js/node_modules`` is missing the
harness is skipped with a clear reason -- unless ``CI`` is set, where we first
try ``npm ci`` in tests/js and fail the test if the harness still is not usable.

Also: ``normalise_mermaid(graph)`` / ``ast_view(flowchart)`` give comparable
views of mermaid-js' reading and of our AST.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

JS_DIR = Path(__file__).resolve().parent / "js"
SCRIPT = JS_DIR / "parse_flowchart.mjs"
_cache: dict[str, dict] = {}
_install_tried = False


def _ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def available() -> bool:
    return (
        shutil.which("node") is not None and (JS_DIR / "node_modules" / "mermaid").is_dir() and (JS_DIR / "node_modules" / "jsdom").is_dir()
    )


def _try_install() -> None:
    global _install_tried
    if _install_tried or shutil.which("npm") is None:
        return
    _install_tried = True
    subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund"],
        cwd=JS_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=600,
        check=False,
    )


def require_harness() -> None:
    """Skip the calling test if the harness is not installed (fail under CI)."""
    import pytest

    if available():
        return
    if _ci():
        _try_install()
        if available():
            return
        pytest.fail(
            "mermaid-js harness not available under CI: `npm ci` in tests/js failed or node is missing",
            pytrace=False,
        )
    pytest.skip("mermaid-js harness not installed (run `npm ci` in tests/js); skipped outside CI")


def _run(args: list[str], stdin: str) -> str:
    proc = subprocess.run(
        ["node", str(SCRIPT), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if not proc.stdout.strip():
        raise RuntimeError(f"mermaid-js harness produced no output: {proc.stderr[-2000:]}")
    return proc.stdout


def mermaid_graphs(texts: list[str]) -> list[dict]:
    """mermaid-js' reading of each text (``{"error": ...}`` when invalid)."""
    todo = [t for t in dict.fromkeys(texts) if t not in _cache]
    if todo:
        out = json.loads(_run(["--batch"], json.dumps(todo)))
        for t, g in zip(todo, out, strict=True):
            _cache[t] = g
    return [_cache[t] for t in texts]


def mermaid_readings(texts: list[str]) -> list[dict]:
    """Like `mermaid_graphs`, each graph with ``config``: what mermaid.parse() gathers from
    front matter and ``%%{init: …}%%`` directives (empty when the text sets nothing)."""
    return json.loads(_run(["--batch", "--config"], json.dumps(texts))) if texts else []


def mermaid_graph(text: str) -> dict:
    """mermaid-js' reading of one diagram (runs one node process)."""
    if text not in _cache:
        _cache[text] = json.loads(_run([], text))
    return _cache[text]


def is_valid(text: str) -> bool:
    return "error" not in mermaid_graph(text)


# ---------------------------------------------------------------- comparison views
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)


def norm_text(t: str | None) -> str:
    return _BR.sub("<br>", t or "")


def _edge_type(head_start: str, head_end: str) -> str:
    base = {"none": "arrow_open", "arrow": "arrow_point", "circle": "arrow_circle", "cross": "arrow_cross"}[head_end]
    return "double_" + base if head_start != "none" else base


_STROKE = {"solid": "normal", "dotted": "dotted", "thick": "thick", "invisible": "invisible"}


def _dedupe(xs):
    return list(dict.fromkeys(xs))


def _split_style(style: str) -> list[str]:
    return [p.strip() for p in style.split(",") if p.strip()]


def normalise_mermaid(g: dict) -> dict:
    """Comparable view of a harness graph (subgraph members as sorted sets,
    automatic edge ids dropped, TD == TB, <br/> == <br>)."""
    from archc.mermaid.syntax import canonical_shape

    if "error" in g:
        return {"error": True}
    d = g["direction"]
    return {
        "direction": "TB" if d in ("TD", None) else d,
        "title": g.get("title"),
        "vertices": [
            {
                "id": v["id"],
                "text": norm_text(v["text"]),
                "markdown": v["labelType"] == "markdown",
                "shape": canonical_shape(v["type"]) if v["type"] else None,
                "classes": _dedupe(v["classes"]),
                "styles": [s.strip() for s in v["styles"]],
            }
            for v in g["vertices"]
        ],
        "edges": [
            {
                "start": e["start"],
                "end": e["end"],
                "type": e["type"],
                "stroke": e["stroke"],
                "text": norm_text(e["text"]),
                "length": e["length"],
                "id": None if re.fullmatch(r"L_.*_\d+", e["id"] or "") else e["id"],
                "style": [s.strip() for s in e["style"]],
            }
            for e in g["edges"]
        ],
        "subgraphs": [
            {
                "id": s["id"],
                "title": norm_text(s["title"]),
                "nodes": sorted(s["nodes"]),
                "dir": s["dir"],
                "classes": _dedupe(s["classes"]),
            }
            for s in g["subgraphs"]
        ],
        "classDefs": [{"name": c["name"], "styles": [x.strip() for x in c["styles"]]} for c in g["classDefs"]],
        "defaultLinkStyle": [s.strip() for s in g["defaultLinkStyle"]] if g.get("defaultLinkStyle") else None,
    }


def ast_view(fc) -> dict:
    """Our AST projected onto the same view as :func:`normalise_mermaid`
    (edge styles / default link style are left to the mermaid-vs-mermaid check)."""
    node_styles: dict[str, list[str]] = {}
    for st in fc.styles:
        node_styles.setdefault(st.target, []).extend(_split_style(st.style))
    clickable = {c.target for c in fc.clicks}

    def text(n) -> str:
        if n.label is not None:
            return norm_text(n.label)
        # an icon or image with no label of its own is drawn without text
        return "" if any(k in ("icon", "img") for k, _ in n.data) else norm_text(n.id)
    return {
        "direction": "TB" if fc.direction == "TD" else fc.direction,
        "title": fc.title,
        "vertices": [
            {
                "id": n.id,
                "text": text(n),
                "markdown": n.label_kind == "markdown",
                "shape": n.shape,
                "classes": _dedupe([*n.classes, *(["clickable"] if n.id in clickable else [])]),
                "styles": node_styles.get(n.id, []),
            }
            for n in fc.nodes
        ],
        "edges": [
            {
                "start": e.src,
                "end": e.dst,
                "type": _edge_type(e.head_start, e.head_end),
                "stroke": _STROKE[e.stroke],
                "text": norm_text(e.label),
                "length": e.length,
                "id": e.id,
            }
            for e in fc.edges
        ],
        "subgraphs": [
            {
                "id": s.id,
                "title": norm_text(s.title),
                "nodes": sorted(s.members),
                "dir": s.direction,
                "classes": list(s.classes),
            }
            for s in fc.subgraphs
        ],
        "classDefs": [{"name": c.name, "styles": _split_style(c.style)} for c in fc.class_defs],
    }


def strip_edge_styles(view: dict) -> dict:
    view = dict(view)
    view["edges"] = [{k: v for k, v in e.items() if k != "style"} for e in view["edges"]]
    view.pop("defaultLinkStyle", None)
    return view


# ---------------------------------------------------------------- architecture-beta
ARCH_SCRIPT = JS_DIR / "parse_architecture.mjs"
_arch_cache: dict[str, dict] = {}


def architecture_readings(texts: list[str]) -> list[dict]:
    """mermaid-js' reading of each architecture-beta text (``{"error": ...}`` when it refuses),
    from tests/js/parse_architecture.mjs, in one node process."""
    todo = [t for t in dict.fromkeys(texts) if t not in _arch_cache]
    if todo:
        proc = subprocess.run(
            ["node", str(ARCH_SCRIPT), "--batch"], input=json.dumps(todo), capture_output=True, text=True, timeout=600, check=False
        )
        if not proc.stdout.strip():
            raise RuntimeError(f"mermaid-js harness produced no output: {proc.stderr[-2000:]}")
        for t, g in zip(todo, json.loads(proc.stdout), strict=True):
            _arch_cache[t] = g
    return [_arch_cache[t] for t in texts]


def arch_view(d) -> dict:
    """Our architecture AST projected onto the harness' reading."""
    return {
        "title": d.title,
        "accTitle": d.acc_title,
        "accDescr": d.acc_descr,
        "groups": [{"id": g.id, "icon": g.icon, "title": g.title, "in": g.parent} for g in d.groups],
        "services": [
            {"id": s.id, "icon": s.icon, "iconText": s.icon_text or None, "title": s.title, "in": s.parent} for s in d.services
        ],
        "junctions": [{"id": j.id, "in": j.parent} for j in d.junctions],
        "edges": [
            {
                "lhsId": e.src, "lhsDir": e.src_side, "lhsInto": e.src_into, "lhsGroup": e.src_group,
                "rhsId": e.dst, "rhsDir": e.dst_side, "rhsInto": e.dst_into, "rhsGroup": e.dst_group, "title": e.title,
            }
            for e in d.edges
        ],
        "aligns": [{"direction": a.direction, "members": list(a.members)} for a in d.aligns],
    }
