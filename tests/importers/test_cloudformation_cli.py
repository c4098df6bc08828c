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
    code, _, err = run("import", str(CORPUS / "serverless.yaml"), "-o", str(model), "--account", "123456789012", "--region", "eu-west-1")
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


def test_bad_options(tmp_path: Path) -> None:
    code, _, err = run("import", str(CORPUS / "vpc.yaml"), "-o", str(tmp_path / "m.yaml"), "--account", "prod")
    assert code == 2 and "12-digit account id" in err
    code, _, err = run("import", str(CORPUS / "vpc.yaml"), "-o", str(tmp_path / "m.yaml"), "--region", "mars-1")
    assert code == 2 and "expected an AWS region" in err


def test_deep_nesting_is_an_error_not_a_crash(tmp_path: Path) -> None:
    src = tmp_path / "deep.json"
    src.write_text('{"Resources": {"A": {"Type": "X", "Properties": {"P": ' + "[" * 100000 + "]" * 100000 + "}}}}")
    code, _, err = run("import", str(src), "-o", str(tmp_path / "m.yaml"))
    assert code == 2 and "nested too deeply" in err and "internal error" not in err
