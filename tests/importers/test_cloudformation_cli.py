"""`archc import` on CloudFormation: dispatch, the report, one clear error (exit 2) for bad input,
and every other command working on the result (lint, diagram, docs, diff)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from archc.cli import main

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus" / "cloudformation"


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args))
    return r.exit_code, r.stdout, r.stderr


def test_import_a_template_then_lint_draw_document_and_diff(tmp_path: Path) -> None:
    model = tmp_path / "model.yaml"
    code, _, err = run("import", str(CORPUS / "serverless.yaml"), "-o", str(model), "--account", "prod=123456789012", "--region", "eu-west-1")
    assert code == 0, err
    assert "typed 15 of the 15 archc has a type for (100%)" in err
    assert "kept as escape hatch: 1 × AWS::Glue::Job" in err
    assert "finding: " in err and "dynamodb:* on *" in err
    assert f"wrote {model}:" in err
    code, out, err = run("lint", str(model))
    assert code in (0, 1) and "internal error" not in err
    code, out, _ = run("diagram", str(model))
    assert code == 0 and "ApiFunction" in out
    code, _, err = run("docs", str(model), "-o", str(tmp_path / "docs"))
    assert code == 0, err
    # diff against itself is empty; against a hand edit shows the change
    assert run("diff", str(model), str(model))[0] == 0
    edited = tmp_path / "edited.yaml"
    edited.write_text(model.read_text().replace("role: ApiRole,", "role: WorkerRole,"))
    code, out, _ = run("diff", str(model), str(edited))
    assert code == 1 and "resource ApiFunction: role 'ApiRole' → 'WorkerRole'" in out, out


def test_import_is_deterministic(tmp_path: Path) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    assert run("import", str(CORPUS / "cdk.out"), "-o", str(a))[0] == 0
    assert run("import", str(CORPUS / "cdk.out"), "-o", str(b))[0] == 0
    assert a.read_bytes() == b.read_bytes()


def test_a_template_without_a_template_suffix_is_recognised(tmp_path: Path) -> None:
    src = tmp_path / "stack.txt"
    shutil.copy(CORPUS / "db-exposed.yaml", src)
    code, _, err = run("import", str(src), "-o", str(tmp_path / "m.yaml"), "--region", "eu-west-1")
    assert code == 0, err
    code, out, _ = run("lint", str(tmp_path / "m.yaml"))
    assert code == 1 and "ARC301" in out


def test_mermaid_still_imports(tmp_path: Path) -> None:
    code, _, err = run("import", str(ROOT / "examples" / "sagebrush-page.md"), "-o", str(tmp_path / "m.yaml"))
    assert code == 0, err


@pytest.mark.parametrize(
    ("name", "text", "where", "words"),
    [
        ("bad.json", '{"Resources": {"A": {"Type": "X",}}}', "bad.json:1:34", "invalid JSON"),
        ("bad.yaml", "Resources:\n  A:\n    Type: X\n     Properties: {}\n", "bad.yaml:4:16", "YAML syntax error"),
        ("tag.yaml", "Resources:\n  A:\n    Type: X\n    Properties: {P: !Frob x}\n", "tag.yaml:4:21", "unknown tag !Frob"),
        ("fn.json", '{"Resources": {"A": {"Type": "X", "Properties": {"P": {"Fn::Frob": 1}}}}}', "fn.json:1:56", "unknown intrinsic function"),
        ("cycle.yaml", "Resources:\n  A: {Type: X, Properties: {P: !Ref B}}\n  B: {Type: X, Properties: {P: !Ref A}}\n", "cycle.yaml:2:3",
         "circular reference"),
        ("notes.yaml", "title: my notes\nitems: [1, 2]\n", "notes.yaml:1:1", "not a CloudFormation template"),
    ],
)
def test_bad_input_is_one_error_and_exit_2(tmp_path: Path, name: str, text: str, where: str, words: str) -> None:
    src = tmp_path / name
    src.write_text(text)
    code, _, err = run("import", str(src), "-o", str(tmp_path / "m.yaml"))
    assert code == 2
    assert err.startswith(f"archc: {tmp_path / where}: "), err
    assert words in err and "Traceback" not in err
    assert not (tmp_path / "m.yaml").exists()


@pytest.mark.parametrize(("accounts", "words"), [
    (["123456789012"], "a bare 12-digit value is an account id; give it a key: --account KEY=123456789012"),
    (["prod=1234"], "the account id after '=' is 12 digits, not '1234'"),
    (["prod="], "the account id after '=' is 12 digits, not ''"),
    (["../x=123456789012"], "expected KEY or KEY=ID"),
    (["prod=123456789012", "dev"], "only the first --account (the default account) may go without an id"),
    (["prod=123456789012", "prod=210987654321"], "account key 'prod' is given twice"),
    (["prod=123456789012", "dev=123456789012"], "account id 123456789012 is given twice"),
])
@pytest.mark.parametrize("source", ["vpc.yaml", "diagram.mmd"])
def test_a_bad_account_is_one_error_for_either_importer(tmp_path: Path, accounts: list[str], words: str, source: str) -> None:
    (tmp_path / "diagram.mmd").write_text("flowchart LR\n  fn[Lambda] --> db[(Aurora)]\n")
    path = str(CORPUS / source) if source.endswith(".yaml") else str(tmp_path / source)
    code, _, err = run("import", path, "-o", str(tmp_path / "m.yaml"), *[x for a in accounts for x in ("--account", a)])
    assert code == 2 and err.startswith("archc: --account") and words in err, err
    assert not (tmp_path / "m.yaml").exists()


def test_account_keys_and_ids_mean_the_same_for_templates_and_diagrams(tmp_path: Path) -> None:
    import yaml

    out = tmp_path / "t.yaml"
    assert run("import", str(CORPUS / "vpc.yaml"), "-o", str(out), "--account", "prod=123456789012", "--region", "eu-west-1")[0] == 0
    assert yaml.safe_load(out.read_text())["accounts"] == {"prod": {"id": "123456789012", "name": "prod", "region": "eu-west-1"}}
    code, _, err = run("import", str(CORPUS / "vpc.yaml"), "-o", str(out), "--account", "prod", "--region", "eu-west-1")
    assert code == 0 and "account unknown (give --account KEY=ID)" in err
    assert yaml.safe_load(out.read_text())["accounts"] == {"prod": {"id": None, "name": "prod", "region": "eu-west-1"}}
    code, _, err = run("import", str(CORPUS / "vpc.yaml"), "-o", str(out), "--account", "prod", "--account", "dev=210987654321")
    assert code == 0 and "note: --account dev=210987654321: no stack of" in err
    diagram = tmp_path / "d.mmd"
    diagram.write_text("flowchart LR\n  fn[Lambda] --> db[(Aurora)]\n")
    out = tmp_path / "d.yaml"
    assert run("import", str(diagram), "-o", str(out), "--account", "prod=123456789012")[0] == 0
    accounts = yaml.safe_load(out.read_text())["accounts"]
    assert list(accounts) == ["prod"] and accounts["prod"]["id"] == "123456789012"
    code, _, err = run("import", str(diagram), "-o", str(out), "--account", "prod", "--account", "dev=210987654321")
    assert code == 2 and "the diagram has no account 'dev'" in err


def test_account_keys_name_the_accounts_of_a_cloud_assembly(tmp_path: Path) -> None:
    import yaml

    out = tmp_path / "m.yaml"
    code, _, err = run("import", str(CORPUS / "cdk.out"), "-o", str(out), "-q")
    assert code == 0, err
    ids = {k: a.get("id") for k, a in yaml.safe_load(out.read_text())["accounts"].items()}
    named = [x for k, aid in sorted(ids.items()) if aid for x in ("--account", f"{k.replace('account_', 'acct')}={aid}")]
    assert run("import", str(CORPUS / "cdk.out"), "-o", str(out), "-q", *named)[0] == 0
    assert {k: a.get("id") for k, a in yaml.safe_load(out.read_text())["accounts"].items()} == \
        {k.replace("account_", "acct") if aid else k: aid for k, aid in ids.items()}


def test_bad_options(tmp_path: Path) -> None:
    code, _, err = run("import", str(CORPUS / "vpc.yaml"), "-o", str(tmp_path / "m.yaml"), "--region", "mars-1")
    assert code == 2 and "expected an AWS region" in err


def test_deep_nesting_is_an_error_not_a_crash(tmp_path: Path) -> None:
    src = tmp_path / "deep.json"
    src.write_text('{"Resources": {"A": {"Type": "X", "Properties": {"P": ' + "[" * 100000 + "]" * 100000 + "}}}}")
    code, _, err = run("import", str(src), "-o", str(tmp_path / "m.yaml"))
    assert code == 2 and "nested too deeply" in err and "internal error" not in err
