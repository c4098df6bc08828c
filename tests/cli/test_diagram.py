"""`archc diagram`, `import`, `diff` and `sync` from the command line: exit codes, files, messages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from archc.cli import main

ROOT = Path(__file__).resolve().parents[2]
SEED = str(Path(__file__).resolve().parents[2] / "examples" / "sagebrush-page.md")  # the page as Sagebrush wrote it


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args))
    return r.exit_code, r.stdout, r.stderr


def test_diagram_to_stdout_and_file(tmp_path: Path) -> None:
    code, out, _ = run("diagram", str(ROOT / "examples/sagebrush"))
    assert code == 0 and out.startswith("graph TB\n")
    code, _, _ = run("diagram", str(ROOT / "examples/sagebrush"), "--view", "network", "-o", str(tmp_path / "n.mmd"))
    assert code == 0 and "subgraph vpc_VPC" in (tmp_path / "n.mmd").read_text()
    code, _, err = run("diagram", str(ROOT / "examples/sagebrush"), "--view", "nope")
    assert code == 2 and "known views: overview, detail, network" in err


def test_docs_diagram_is_fresh() -> None:
    code, _, err = run("diagram", "examples/sagebrush", "--update", str(ROOT / "docs/mermaid.md"), "--check")
    assert code == 0, err


def test_update_and_check(tmp_path: Path) -> None:
    md = tmp_path / "page.md"
    md.write_text("# Page\n\n<!-- archc:diagram examples/sagebrush view=network -->\nold\n<!-- /archc:diagram -->\ntail\n")
    stale = f"{md}: the diagram of examples/sagebrush is stale; run: archc diagram examples/sagebrush --update {md}\n"
    assert run("diagram", "examples/sagebrush", "--update", str(md), "--check") == (1, "", stale)
    assert "old" in md.read_text()
    assert run("diagram", "examples/sagebrush", "--update", str(md)) == (0, "", f"{md}: updated\n")
    text = md.read_text()
    network = run("diagram", "examples/sagebrush", "--view", "network")[1]
    assert text == f"# Page\n\n<!-- archc:diagram examples/sagebrush view=network -->\n```mermaid\n{network}```\n<!-- /archc:diagram -->\ntail\n"
    assert run("diagram", "examples/sagebrush", "--update", str(md), "--check") == (0, "", f"{md}: up to date\n")
    assert run("diagram", "examples/sagebrush", "--check") == (2, "", "archc: --check goes with --update FILE.md\n")


DIAGRAM = """\
---
title: Orders
---
flowchart LR
    subgraph prod["Production Account (111111111111)"]
        direction TB
        FN["Lambda<br/>orders"] -->|Send| Q["SQS: jobs"]
        ROLE["IAM Role"] -.->|Used by| FN
        B[(Ledger)]
    end
    USERS((Users)) -->|HTTPS| FN
    FN --> B
"""

IMPORTED = """\
# Imported from d.mmd by `archc import`; edit freely.
archc: 1
name: architecture
accounts:
  production: {id: "111111111111", name: Production, region: us-east-1, direction: TB}
  outside: {id: null, name: Outside, region: us-east-1, subgraph: false}
diagram:
  title: Orders
  direction: LR
  keyword: flowchart
  account_ids: {production: prod}
resources:
  FN: {type: lambda_function, account: production, label: "Lambda<br/>orders", role: ROLE}
  Q: {type: sqs_queue, account: production, label: "SQS: jobs"}
  ROLE: {type: iam_role, account: production, label: "IAM Role"}
  B: {type: generic, account: production, label: Ledger, label_kind: plain, shape: cylinder}
  USERS: {type: external, account: outside, label: Users, label_kind: plain, shape: circle}
connections:
  - {from: FN, to: Q, verb: send}
  - {from: USERS, to: FN, verb: relates, label: HTTPS}
  - {from: FN, to: B, verb: relates}
"""

REPORT = """\
inferred: subgraph prod: account 'production' (111111111111)
inferred: FN: lambda_function ('lambda')
inferred: Q: sqs_queue ('sqs')
inferred: ROLE: iam_role ('role')
inferred: USERS: external ('users')
could not infer: account 'outside': the diagram draws no account for it; it has no id (needed only to build) and region us-east-1 is a placeholder
could not infer: account 'production': no availability zone drawn; region us-east-1 is a placeholder
could not infer: B: no resource type; kept as generic
"""


def test_import_reports_and_writes_the_model(tmp_path: Path) -> None:
    d = tmp_path / "d.mmd"
    d.write_text(DIAGRAM)
    out = tmp_path / "m.yaml"
    assert run("import", str(d), "-o", str(out)) == (0, "", REPORT + f"wrote {out}: 5 resources, 3 connections\n")
    assert out.read_text() == IMPORTED
    assert run("import", str(d), "-o", str(out), "--quiet") == (0, "", f"wrote {out}: 5 resources, 3 connections\n")
    # the model that was written and the diagram say the same
    assert run("diff", str(d), str(out)) == (0, "", "")


def test_import_seed_then_lint_finds_arc201(tmp_path: Path) -> None:
    out = tmp_path / "seed.yaml"
    code, _, err = run("import", SEED, "-o", str(out))
    assert code == 0, err
    assert "inferred: PRIV_1C: subnet" in err and "could not infer: ECS_SERVICE" in err
    code, stdout, _ = run("lint", str(out))
    arc201 = [line for line in stdout.splitlines() if " ARC201 " in line]
    assert len(arc201) == 1 and "'PRIV_1C'" in arc201[0]


def test_import_errors_point_at_markdown_lines(tmp_path: Path) -> None:
    md = tmp_path / "bad.md"
    md.write_text("# t\n\ntext\n\n```mermaid\ngraph TD\n  A --> B\n  click A call\n```\n")
    code, _, err = run("import", str(md), "-o", str(tmp_path / "m.yaml"))
    assert code == 2 and f"{md}:8:" in err
    assert not (tmp_path / "m.yaml").exists()
    (tmp_path / "none.md").write_text("# nothing\n")
    code, _, err = run("import", str(tmp_path / "none.md"), "-o", str(tmp_path / "m.yaml"))
    assert code == 2 and "no ```mermaid block" in err
    code, _, err = run("import", SEED, "--block", "3", "-o", str(tmp_path / "m.yaml"))
    assert code == 2 and "has 1 mermaid block" in err


def test_diff_exit_codes(tmp_path: Path) -> None:
    mmd = tmp_path / "a.mmd"
    assert run("diagram", "examples/sagebrush", "-o", str(mmd)) == (0, "", "")
    assert run("diff", "examples/sagebrush", str(mmd)) == (0, "", "")
    changed = tmp_path / "b.mmd"
    changed.write_text(mmd.read_text().replace('"SQS: jobs"', '"SQS: work"').replace("    JOBS -->|Trigger| LAMBDA_WORKER\n", ""))
    assert run("diff", str(mmd), str(changed)) == (1, (
        "~ resource JOBS: label 'SQS: jobs' → 'SQS: work'\n"
        "- connection JOBS → LAMBDA_WORKER (trigger, 'Trigger')\n"
    ), "")
    assert run("diff", "examples/sagebrush", str(changed))[:2] == run("diff", str(mmd), str(changed))[:2]
    assert run("diff", str(mmd), str(tmp_path / "none.mmd"))[0] == 2


def test_sync_check_then_write(tmp_path: Path) -> None:
    from archc.model.loader import load
    from archc.rules.engine import run_rules

    model = tmp_path / "model"
    shutil.copytree(ROOT / "examples/sagebrush", model)
    mmd = tmp_path / "d.mmd"
    run("diagram", str(model), "-o", str(mmd))
    mmd.write_text(mmd.read_text().replace('"SQS: jobs"', '"SQS: work"'))
    before = (model / "production.yaml").read_text()
    changes = "~ resource JOBS: label 'SQS: jobs' → 'SQS: work'\n"
    assert run("sync", str(mmd), str(model), "--check") == (1, changes, "")
    assert (model / "production.yaml").read_text() == before
    code, out, err = run("sync", str(mmd), str(model))
    n = len(run_rules(load(str(model)).architecture))
    assert (code, out, err) == (0, changes, (
        f"lint: {n} finding{'s' if n != 1 else ''} in the synced model (run `archc lint {model}`)\n"
        f"updated {model / 'production.yaml'}\n"
    ))
    assert (model / "production.yaml").read_text() == before.replace('label: "SQS: jobs"', 'label: "SQS: work"')
    assert run("sync", str(mmd), str(model), "--check") == (0, "", f"{model}: in sync with {mmd}\n")


def test_sync_refuses_a_diagram_that_drops_a_needed_edge(tmp_path: Path) -> None:
    model = tmp_path / "m.yaml"
    text = "archc: 1\naccounts: {a: {id: '111111111111', name: A, region: us-west-2}}\nresources:\n  ROLE: {type: iam_role}\n  FN: {type: lambda_function, role: ROLE}\n"
    model.write_text(text)
    mmd = tmp_path / "d.mmd"
    mmd.write_text('graph TB\n    subgraph a["A Account (111111111111)"]\n        FN["Lambda Function"]\n    end\n')
    # the diagram drops ROLE and with it the edge that draws FN's role: an error, nothing written
    assert run("sync", str(mmd), str(model)) == (2, "", (
        f"archc: {mmd}: FN (lambda_function): the diagram no longer draws its 'Used by' edge for role, which a Lambda Function "
        "needs; draw the edge again, or remove FN from the diagram; nothing was written\n"
    ))
    assert model.read_text() == text


@pytest.mark.parametrize("text", [
    "# no marker at all\n",
    "<!-- archc:diagram examples/other -->\n```mermaid\n```\n<!-- /archc:diagram -->\n",
    "<!-- archc:diagram examples/sagebrush -->\n```mermaid\n```\n",
    "<!-- archc:diagram examples/sagebrush -->\n```mermaid\n```\n<!-- /archc:diagram -->\n<!-- archc:diagram examples/sagebrush -->\n",
])
@pytest.mark.parametrize("check", [True, False])
def test_update_without_a_proper_marker_is_an_error(text: str, check: bool, tmp_path: Path) -> None:
    md = tmp_path / "page.md"
    md.write_text(text)
    code, _, err = run("diagram", "examples/sagebrush", "--update", str(md), *(["--check"] if check else []))
    assert code == 2 and ("marker" in err) and "up to date" not in err
    assert md.read_text() == text


@pytest.mark.parametrize("block", ["0", "-1"])
def test_block_numbers_start_at_1(block: str, tmp_path: Path) -> None:
    code, _, err = run("import", str(ROOT / "examples/sagebrush-page.md"), "--block", block, "-o", str(tmp_path / "m.yaml"))
    assert code == 2 and "--block" in err
    assert not (tmp_path / "m.yaml").exists()


@pytest.mark.parametrize("account", ["../evil", "/abs", "a b", ""])
def test_an_account_key_that_is_not_a_plain_word_is_a_clean_error(account: str, tmp_path: Path) -> None:
    code, _, err = run("import", str(ROOT / "examples/sagebrush-page.md"), "--account", account, "-o", str(tmp_path / "m.yaml"))
    assert code == 2 and err.startswith("archc: --account") and "pydantic" not in err and "Traceback" not in err


def test_import_refuses_to_overwrite_its_own_input(tmp_path: Path) -> None:
    mmd = tmp_path / "x.mmd"
    mmd.write_text("flowchart TB\n  A[Web] --> B[(DB)]\n")
    code, _, err = run("import", str(mmd), "-o", str(mmd))
    assert code == 2 and "input of this command" in err
    assert mmd.read_text() == "flowchart TB\n  A[Web] --> B[(DB)]\n"
    code, out, _ = run("import", str(mmd), "-o", "-", "-q")
    assert code == 0 and out.startswith("# Imported from x.mmd")


def test_a_diagram_that_is_not_utf8_is_reported_at_line_and_column(tmp_path: Path) -> None:
    mmd = tmp_path / "x.mmd"
    mmd.write_bytes(b"flowchart TB\n  A[W\xffeb] --> B\n")
    code, _, err = run("import", str(mmd), "-o", str(tmp_path / "m.yaml"))
    assert code == 2 and f"{mmd}:2:6: ARC100" in err


# -- focused views, size, big models (#15) ------------------------------------------------------

MODEL = str(ROOT / "examples/sagebrush")


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_focus_options_cut_the_mermaid_view() -> None:
    code, out, _ = run("diagram", MODEL, "--around", "LAMBDA_API", "--depth", "1")
    assert code == 0 and "LAMBDA_API" in out and "RDS" in out and "HK_LAMBDA" not in out
    code, out, _ = run("diagram", MODEL, "--around", "LAMBDA_API", "--depth", "0")
    assert code == 0 and "LAMBDA_API" in out and "RDS" not in out
    code, out, _ = run("diagram", MODEL, "--account", "housekeeping")
    assert code == 0 and "HK_LAMBDA" in out and "ALB" not in out
    code, out, _ = run("diagram", MODEL, "--group", "Lambda", "-f", "dot")
    assert code == 0 and "subgraph cluster_Lambda" in out and "HK_LAMBDA" not in out


@pytest.mark.parametrize(("args", "message"), [
    (["--group", "nope"], "archc: unknown group 'nope' in the overview view; known groups: "),
    (["--around", "nope"], "archc: unknown resource 'nope' in the overview view; known resources: "),
    (["--account", "nope"], "archc: unknown account 'nope'; known accounts: production, management, housekeeping"),
    (["--depth", "2"], "archc: --depth goes with --around ID"),
    (["--size", "1400"], "archc: --size and --dpi are for -f png, svg or dot"),
    (["-f", "png", "--size", "wide"], "archc: --size/--dpi: size 'wide': expected WIDTH or WIDTHxHEIGHT in pixels"),
    (["-f", "dot", "--max-nodes", "5"], "archc: --max-nodes is for -f png or svg"),
    (["--account", "production", "--update", "x.md"], "archc: --account, --group and --around go without --update"),
])
def test_bad_focus_and_size_options_are_clean_errors(args: list[str], message: str) -> None:
    code, out, err = run("diagram", MODEL, *args)
    assert code == 2 and out == "" and err.startswith(message), err
    assert "Traceback" not in err


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz")
def test_png_size_and_dpi(tmp_path: Path) -> None:
    out = tmp_path / "wiki.png"
    code, _, err = run("diagram", MODEL, "-f", "png", "--size", "1400", "-o", str(out))
    assert code == 0, err
    width, _ = png_size(out.read_bytes())
    assert 1390 <= width <= 1400
    code, out_dot, _ = run("diagram", MODEL, "-f", "dot", "--size", "1400x900", "--dpi", "144")
    assert code == 0 and 'dpi=144' in out_dot and 'size="9.72222,6.25"' in out_dot


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz")
def test_a_big_view_is_split_into_files_per_account_and_vpc_or_refused(tmp_path: Path) -> None:
    from benchmarks.synthetic import write

    write(100, str(tmp_path / "model"))  # 4 cells of 25 resources over 3 accounts, one VPC each
    model = str(tmp_path / "model")
    code, out, err = run("diagram", model, "-f", "png", "--max-nodes", "40")
    assert code == 2 and out == ""
    assert "the overview view has 103 nodes, more than --max-nodes 40: give -o FILE.png" in err
    code, _, err = run("diagram", model, "-f", "svg", "--max-nodes", "40", "-o", str(tmp_path / "big.svg"))
    assert code == 0, err
    files = sorted(p.name for p in tmp_path.glob("big.*.svg"))
    assert files == ["big.alpha.c0_vpc.svg", "big.alpha.c3_vpc.svg", "big.bravo.svg", "big.charlie.svg"]
    assert "drawing it in 4 parts per account and VPC" in err and "wrote 4 files" in err
    assert not (tmp_path / "big.svg").exists()
    assert "\r" not in err, "progress is for a terminal only"
    code, _, err = run("diagram", model, "-f", "svg", "--max-nodes", "10", "-o", str(tmp_path / "small.svg"))
    assert code == 2 and "still has" in err and "more than --max-nodes 10" in err


def test_a_png_scaled_down_to_graphviz_limit_is_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from archc.emitters import graphviz

    huge = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + (32000).to_bytes(4, "big") + (9000).to_bytes(4, "big")
    monkeypatch.setattr(graphviz, "render_source", lambda *a, **k: huge)  # what Graphviz gives for a drawing wider than its limit
    code, _, err = run("diagram", MODEL, "-f", "png", "-o", str(tmp_path / "x.png"))
    assert code == 0
    assert err == ("archc: warning: the overview picture is larger than 32,000 px, where Graphviz clips, and was scaled "
                   "down to fit; focus it with --account, --group or --around\n")
    code, _, err = run("diagram", MODEL, "-f", "png", "--size", "30000", "-o", str(tmp_path / "y.png"))
    assert code == 0 and err == "", "a size the user asks for is no surprise"
    code, _, err = run("diagram", MODEL, "-f", "png", "--dpi", "300", "-o", str(tmp_path / "z.png"))
    assert code == 0 and "was scaled down to fit" in err, "--dpi alone keeps the bitmap limit, and its warning"
