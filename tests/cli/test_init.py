"""`archc init`: every template lints clean, builds, passes cfn-lint and draws; nothing is overwritten."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from archc.cli import main
from archc.cli.init import MODEL_FILE, NAME_MAX, SCHEMA_FILE, TEMPLATES, architecture_name, template_text
from archc.model.schema import json_schema


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args))
    return r.exit_code, r.stdout, r.stderr


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize("template", list(TEMPLATES))
def test_a_template_lints_clean_builds_and_passes_cfn_lint(template: str, tmp_path: Path) -> None:
    from cfnlint.api import lint
    from cfnlint.config import ManualArgs

    code, out, err = run("init", "shop", "--template", template, "--name", "x" * NAME_MAX)  # the longest name builds too
    assert (code, err) == (0, ""), err
    assert f"wrote shop/{MODEL_FILE} ({template} template)" in out

    code, out, err = run("lint", "shop")
    assert (code, out, err) == (0, "All checks passed.\n", "")

    code, out, err = run("build", "shop", "-o", "out")
    assert code == 0, err
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["stacks"]
    found: list[str] = []
    for stack in manifest["stacks"]:
        text = (tmp_path / "out" / stack["template"]).read_text(encoding="utf-8")
        for match in lint(text, config=ManualArgs(regions=[stack["region"]])):
            found.append(f"{stack['name']}: {match.rule.id} {match.message}")
    assert found == []

    code, out, err = run("diagram", "shop", "-f", "mermaid")
    assert code == 0, err
    assert out.startswith(("graph", "flowchart", "---"))


@pytest.mark.parametrize("template", list(TEMPLATES))
def test_a_template_points_its_editor_at_the_schema_written_beside_it(template: str, tmp_path: Path) -> None:
    assert run("init", "--template", template)[0] == 0
    model = (tmp_path / "architecture" / MODEL_FILE).read_text(encoding="utf-8")
    assert model.split("\n", 1)[0] == f"# yaml-language-server: $schema={SCHEMA_FILE}"
    assert (tmp_path / "architecture" / SCHEMA_FILE).read_text(encoding="utf-8") == json_schema()
    assert "{{" not in model
    assert f"\nname: {architecture_name(str(tmp_path / 'architecture'))}\n" in model


@pytest.mark.parametrize("template", list(TEMPLATES))
def test_templates_are_commented(template: str) -> None:
    text = template_text(template)
    comments = [line for line in text.splitlines() if line.lstrip().startswith("#") or " # " in line]
    assert len(comments) >= 10, "a first model explains itself"


def test_init_never_overwrites_and_writes_nothing_when_it_refuses(tmp_path: Path) -> None:
    (tmp_path / "architecture").mkdir()
    mine = tmp_path / "architecture" / MODEL_FILE
    mine.write_text("archc: 1\nname: mine\n", encoding="utf-8")
    code, out, err = run("init")
    assert code == 2 and out == ""
    assert "architecture/architecture.yaml already exists; archc init never overwrites a file" in err
    assert mine.read_text(encoding="utf-8") == "archc: 1\nname: mine\n"
    assert not (tmp_path / "architecture" / SCHEMA_FILE).exists()

    (tmp_path / "other").mkdir()
    (tmp_path / "other" / SCHEMA_FILE).write_text("{}", encoding="utf-8")
    code, _, err = run("init", "other")
    assert code == 2 and "other/schema.json already exists" in err
    assert not (tmp_path / "other" / MODEL_FILE).exists()


def test_init_into_a_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("x", encoding="utf-8")
    code, _, err = run("init", "plain")
    assert code == 2 and "'plain' is a file" in err and "Traceback" not in err


def test_unknown_template_and_bad_name_are_usage_errors() -> None:
    code, _, err = run("init", "--template", "four-tier")
    assert code == 2 and "four-tier" in err and "minimal" in err
    code, _, err = run("init", "--name", "My App")
    assert code == 2 and "--name 'My App'" in err


def test_the_name_is_taken_from_the_directory_and_fits_stack_names(tmp_path: Path) -> None:
    assert architecture_name("/x/Shop Front") == "shop-front"
    assert architecture_name("/x/billing/architecture") == "billing"
    assert architecture_name("/x/42") == "app-42"
    assert architecture_name("/x/___") == "app"
    assert architecture_name("/x/test_a_readme_console_example_0") == "test-a-readme-consol"  # bucket names stay ≤ 63
    code, _, _ = run("init", "--name", "billing")
    assert code == 0
    assert "\nname: billing\n" in (tmp_path / "architecture" / MODEL_FILE).read_text(encoding="utf-8")


def test_create_new_never_replaces_a_file_that_appears_late(tmp_path: Path) -> None:
    from archc.cli.init import create_new

    target = tmp_path / "d" / "f.yaml"
    create_new(str(target), "one\n")
    assert target.read_text(encoding="utf-8") == "one\n"
    with pytest.raises(FileExistsError) as info:
        create_new(str(target), "two\n")
    assert info.value.filename == str(target)
    assert target.read_text(encoding="utf-8") == "one\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["f.yaml"]  # no temporary file left
