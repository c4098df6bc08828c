"""Importing architecture-beta: what a foreign diagram draws comes back the same when archc draws
the model (per mermaid-js's own reading), and a model drawn as architecture-beta imports to the
same model, for what the diagram shows."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import mermaidjs
from test_infer import models

from archc.catalog import VERBS
from archc.emitters.mermaid_architecture import render
from archc.emitters.views import build_view
from archc.importers.mermaid_architecture import infer_architecture
from archc.importers.model_yaml import model_yaml
from archc.mermaid.architecture import parse
from archc.model.architecture import Architecture
from archc.model.loader import load, load_text

H = "architecture-beta\n"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FOREIGN: dict[str, str] = {
    "docs_example": H + "    group api(cloud)[API]\n\n    service db(database)[Database] in api\n    service disk1(disk)[Storage] in api\n"
    "    service disk2(disk)[Storage] in api\n    service server(server)[Server] in api\n\n    db:L -- R:server\n"
    "    disk1:T -- B:server\n    disk2:T -- B:db\n",
    "aws_icons": "---\ntitle: Orders\n---\n" + H + "    group prod(logos:aws)[Production Account 123456789012]\n"
    "    group vpc(cloud)[VPC 10.0.0.0/16] in prod\n    service api(logos:aws-api-gateway)[Orders API] in prod\n"
    "    service fn(logos:aws-lambda)[Order handler] in vpc\n    service db(database)[Orders DB] in prod\n"
    "    service bucket(aws:s3)[Receipts] in prod\n    service thing(server)[Thing]\n    junction hub in prod\n"
    "    api:R --> L:fn\n    fn{group}:B -[query]-> T:db\n    fn:R -- L:hub\n    hub:R --> L:bucket\n    thing:T <--> B:api\n"
    "    align row api hub\n",
    "untitled_and_text_icon": H + '    service a\n    service b "TXT"\n    group g\n    service c[Queue worker] in g\n'
    "    a:L <-- R:b\n    b:B -[writes]- T:c\n",
    "junction_fan_out": H + "    service top(internet)[Users]\n    junction j1\n    junction j2\n    service s1(server)[A]\n"
    "    service s2(server)[B]\n    top:B -- T:j1\n    j1:L -- R:j2\n    j2:B --> T:s1\n    j1:B --> T:s2\n",
    "ids_needing_escape": H + "    group _Lambdas[Lambda Functions]\n    service _LAMBDA_API(logos:aws-lambda)[API handler] in _Lambdas\n"
    "    service api--v1(server)[Versioned]\n    _LAMBDA_API:R --> L:api--v1\n",
    "nested_groups": H + "    group outer[Outer]\n    group inner[Inner] in outer\n    service a in inner\n    service b in outer\n"
    "    a{group}:R --> L:b\n",
}


def _import(text: str) -> Architecture:
    arch, _ = infer_architecture(parse(text))
    return load_text(model_yaml(arch)).architecture  # through the model file, as `archc import` writes it


def _same(reading: dict) -> dict:
    """A reading with order that carries no meaning left out (the database keeps each kind in
    declaration order; archc writes parents first and connections in model order)."""
    key = repr
    return {k: sorted(v, key=key) if isinstance(v, list) else v for k, v in reading.items() if k not in ("accTitle", "accDescr")}


def test_foreign_diagrams_come_back_the_same() -> None:
    mermaidjs.require_harness()
    names = list(FOREIGN)
    backs = [render(build_view(arch := _import(FOREIGN[n])), arch) for n in names]
    theirs = mermaidjs.architecture_readings([FOREIGN[n] for n in names])
    again = mermaidjs.architecture_readings(backs)
    for name, a, b, text in zip(names, theirs, again, backs, strict=True):
        assert "error" not in a, f"{name}: {a}"
        assert "error" not in b, f"{name}: mermaid-js refuses what archc wrote back: {b}\n{text}"
        assert _same(b) == _same(a), f"{name} came back as\n{text}"


def test_icons_and_titles_are_evidence() -> None:
    arch = _import(FOREIGN["aws_icons"])
    assert {rid: r.type for rid, r in arch.resources.items()} == {
        "vpc": "vpc", "api": "api_gateway", "fn": "lambda_function", "db": "generic", "bucket": "s3_bucket", "thing": "generic",
    }
    assert arch.accounts["production"].id == "123456789012"
    assert arch.resources["fn"].group == "vpc"
    fn_db = next(c for c in arch.connections if (c.source, c.target) == ("fn", "db"))
    assert fn_db.verb == "query" and fn_db.style is not None and fn_db.style.sides == "{group}B:T"
    kept = arch.diagram.architecture
    assert kept.junctions == {"hub": "prod"}
    assert kept.junction_edges == ["fn:R -- L:hub", "hub:R --> L:bucket"]
    assert kept.aligns == ["row api hub"]
    assert kept.icons["fn"] == "logos:aws-lambda" and "bucket" in kept.icons


def test_report_says_why_a_service_stays_generic() -> None:
    _, report = infer_architecture(parse(FOREIGN["aws_icons"]))
    text = report.text()
    assert "could not infer: db: the icon 'database' says what kind of thing it is, not which service; kept as generic" in text
    assert "junction hub: kept as presentation" in text


def test_escaped_ids_come_back_as_model_ids() -> None:
    arch = _import(FOREIGN["ids_needing_escape"])
    assert set(arch.resources) == {"LAMBDA_API", "api.v1"}
    assert arch.resources["LAMBDA_API"].type == "lambda_function"


# -- import(emit(M)) == M, for what an architecture-beta diagram shows -----------------------------


def _label(text: str | None) -> str | None:
    if text is None:
        return None
    if len(text) >= 2 and text[0] == text[-1] == "`":
        text = text[1:-1]
    return re.sub(r"\s+", " ", text).strip() or None


def shown(arch: Architecture) -> dict:
    """What the overview as architecture-beta shows: ids, types, titles, groups and edges (no
    shapes, classes, styles, line styles, lengths or directions: architecture-beta has none)."""
    view = build_view(arch)
    conns = []
    for c in arch.connections:
        label = c.label if c.label is not None else VERBS[c.verb].label
        heads = (c.style.head_start, c.style.head_end) if c.style else ("none", "arrow")
        # the verb is shown by its words only (architecture-beta has no edge ids to name it otherwise)
        conns.append((c.source, c.target, _label(label) or "", heads[0] != "none", heads[1] != "none"))
    return {
        "title": _label(view.title),
        "accounts": {k: (a.name, a.id, a.subgraph) for k, a in arch.accounts.items()},
        "nodes": {n.id: (n.type, _label(n.label) if n.labelled else None) for n in view.nodes},
        "resources": {rid: (res.type, res.account) for rid, res in arch.resources.items()},
        "groups": {g.id: (_label(g.title), g.parent, sorted(g.members), g.kind) for g in view.groups},
        "connections": sorted(conns),
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(models())
def test_import_of_emit_is_the_model(model: Architecture) -> None:
    assume(not set(model.resources) & set(model.groups))  # a resource id equal to a group id: see test_infer
    home = next(iter(model.accounts))
    back, _ = infer_architecture(parse(render(build_view(model), model)), account=home)
    assert shown(back) == shown(model)


# -- the command line --------------------------------------------------------------------------------


def test_cli_imports_a_markdown_block(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from archc.cli import main

    page = tmp_path / "page.md"
    page.write_text("# Orders\n\nText.\n\n```mermaid\n" + FOREIGN["aws_icons"] + "```\n", encoding="utf-8")
    out = tmp_path / "model.yaml"
    r = CliRunner().invoke(main, ["import", str(page), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "inferred: fn: lambda_function" in r.stderr
    assert load_text(out.read_text(encoding="utf-8")).architecture.resources["bucket"].type == "s3_bucket"
    r = CliRunner().invoke(main, ["diagram", str(out), "-f", "mermaid-architecture"])
    assert r.exit_code == 0 and "service fn(logos:aws-lambda)[Order handler] in vpc" in r.stdout


def test_cli_refuses_what_mermaid_js_refuses_at_its_place(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from archc.cli import main

    page = tmp_path / "page.md"
    page.write_text("# Orders\n\n```mermaid\narchitecture-beta\n    service Lambda(server)\n```\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["import", str(page), "-o", str(tmp_path / "m.yaml")])
    assert r.exit_code == 2
    assert f"{page}:5:13: expected an id" in r.stderr
    assert not (tmp_path / "m.yaml").exists()


def test_an_id_that_reads_as_no_model_id_is_refused_where_it_is() -> None:
    import pytest

    from archc.importers.infer import DiagramPlaceError

    with pytest.raises(DiagramPlaceError) as exc:
        infer_architecture(parse(H + "    service ok\n    service a---b\n"))
    assert (exc.value.line, exc.value.col) == (3, 5)
    assert "id 'a---b' reads as 'a.-b'" in exc.value.message


def test_the_examples_drawn_as_architecture_read_back_without_a_change() -> None:
    """`archc diff` of a model and its own architecture-beta drawing is empty: typed relations are
    read with the line archc draws them with ("Used by" dotted), and what architecture-beta cannot
    show (shapes, classes, line styles, directions) stays the model's."""
    from archc.sync.diff import diff

    for example in ("sagebrush",):  # (serverless: a VPC endpoint's "Hosts" edges read back as connections, as from a flowchart)
        model = load(str(EXAMPLES / example)).architecture
        for view in ("overview",):
            back, _ = infer_architecture(parse(render(build_view(model, view), model)), base=model)
            assert diff(model, back) == [], example
        back, report = infer_architecture(parse(render(build_view(model), model)))
        assert not [x for x in report.unresolved if "role" in x and "Used by" in x]
