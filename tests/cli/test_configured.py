"""Every command that takes a MODEL reads the configuration: the configured model when none is
given, its own section's options (flags win), bad values at file:line:col with exit 2
(`archc.cli.common.configured`, `model_paths`)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from archc.cli import main
from archc.config import SECTIONS

ROOT = Path(__file__).resolve().parents[2]
NO_MODEL = "archc: no MODEL given, and no `model` in a configuration file (.archc.yaml or [tool.archc] in pyproject.toml)\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The seed model in architecture/, a configuration naming it, and a sub-directory to work in."""
    shutil.copytree(ROOT / "examples" / "sagebrush", tmp_path / "architecture")
    (tmp_path / ".archc.yaml").write_text(
        "model: architecture\n"
        "build:\n  output: out/cfn\n"
        "diagram:\n  format: dot\n  output: out/arch.dot\n"
        "docs:\n  output: out/docs\n", encoding="utf-8")
    (tmp_path / "src").mkdir()
    monkeypatch.chdir(tmp_path / "src")
    return tmp_path


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args), input=stdin)
    return r.exit_code, r.stdout, r.stderr


def test_every_section_key_is_a_long_option_of_its_command() -> None:
    for section, keys in SECTIONS.items():
        command = main.get_command(None, section)  # type: ignore[arg-type]
        assert command is not None, section
        longs = {o[2:] for p in command.params for o in p.opts if o.startswith("--")}
        assert set(keys) <= longs, (section, set(keys) - longs)
        assert "config" in longs, section


def test_build_uses_the_configured_model_and_output(project: Path) -> None:
    code, out, err = run("build")
    assert code == 0, err
    manifest = json.loads((project / "out" / "cfn" / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["stacks"]) == 5
    assert "→ ../out/cfn/" in out  # shown relative to the working directory


def test_build_flags_win_over_the_configuration(project: Path, tmp_path: Path) -> None:
    (project / ".archc.yaml").write_text("model: nowhere\nbuild:\n  output: out/cfn\n  format: yaml\n", encoding="utf-8")
    code, _out, err = run("build", "../architecture", "-o", "../elsewhere", "--format", "json")
    assert code == 0, err
    assert (project / "elsewhere" / "manifest.json").is_file() and not (project / "out").exists()
    code, _out, err = run("build", "../architecture")
    assert code == 0, err
    assert (project / "out" / "cfn" / "sagebrush-management-us-west-2.yaml").is_file()


def test_a_bad_value_is_reported_where_it_is_written(project: Path) -> None:
    (project / ".archc.yaml").write_text("model: architecture\nbuild:\n  format: xml\n", encoding="utf-8")
    code, out, err = run("build", "-o", "x")
    assert (code, out) == (2, "")
    assert err.startswith(f"archc: {project / '.archc.yaml'}:3:11: build.format: 'xml' is not one of 'json', 'yaml'")
    (project / ".archc.yaml").write_text("model: architecture\ndiagram:\n  dpi: lots\n", encoding="utf-8")
    code, out, err = run("diagram")
    assert code == 2 and err.startswith(f"archc: {project / '.archc.yaml'}:3:8: diagram.dpi: 'lots' is not a valid integer")
    (project / ".archc.yaml").write_text("model: architecture\ndiagram:\n  fromat: png\n", encoding="utf-8")
    code, out, err = run("diagram")
    assert code == 2 and "archc.yaml:3:3: unknown key 'fromat' in diagram (did you mean 'format'?)" in err


def test_the_lint_that_build_runs_honours_select_and_ignore(project: Path) -> None:
    prod = project / "architecture" / "production.yaml"
    prod.write_text(prod.read_text(encoding="utf-8").replace("Name: sagebrush-prod-vpc", "Name: x", 1), encoding="utf-8")
    data = project / "architecture" / "housekeeping.yaml"
    data.write_text(data.read_text(encoding="utf-8") + "  - {from: HK_LAMBDA, to: S3_UPLOADS, verb: read}\n", encoding="utf-8")
    code, _out, err = run("build")
    assert code == 2 and "ARC302" in err and "ARC303" in err
    assert run("lint")[0] == 1
    with (project / ".archc.yaml").open("a", encoding="utf-8") as fh:
        fh.write("ignore: [ARC302, ARC303]\n")
    assert run("lint")[0] == 0
    code, _out, err = run("diagram", "--findings", "-f", "mermaid", "-o", "-")
    assert code == 0 and "ARC30" not in _out


def test_diagram_uses_its_section_and_flags_win(project: Path) -> None:
    code, _out, err = run("diagram")
    assert code == 0, err
    assert (project / "out" / "arch.dot").read_text(encoding="utf-8").startswith("digraph")
    code, out, err = run("diagram", "-f", "mermaid", "-o", "-")
    assert code == 0 and out.startswith("graph")


def test_docs_uses_its_section(project: Path) -> None:
    code, out, err = run("docs")
    assert code == 0, err
    assert (project / "out" / "docs" / "README.md").is_file()
    code, out, err = run("docs", "--check")
    assert code == 0 and out == "../out/docs: up to date (4 files)\n"


def test_diff_and_sync_compare_with_the_configured_model(project: Path) -> None:
    code, out, err = run("diff", "../architecture")
    assert (code, out) == (0, ""), err
    code, drawn, err = run("diagram", "-f", "mermaid", "-o", "-")
    (project / "drawn.mmd").write_text(drawn, encoding="utf-8")
    code, out, err = run("sync", "../drawn.mmd", "--check")
    assert code == 0 and err.endswith("in sync with ../drawn.mmd\n"), err


def test_deploy_plan_reads_the_configured_build(project: Path) -> None:
    assert run("build")[0] == 0
    (project / ".archc.yaml").write_text("build: {output: out/cfn}\ndeploy-plan: {format: json}\n", encoding="utf-8")
    code, out, err = run("deploy-plan")
    assert code == 0, err
    assert [s["stack"] for s in json.loads(out)["steps"]][:1] == ["sagebrush-housekeeping-us-west-2"]


def test_an_explicit_config_file_and_no_model_anywhere(project: Path, tmp_path: Path) -> None:
    other = project / "other.yaml"
    other.write_text("model: architecture\nbuild: {output: built}\n", encoding="utf-8")
    code, _out, err = run("build", "--config", str(other))
    assert code == 0, err
    assert (project / "built" / "manifest.json").is_file()
    (project / ".archc.yaml").write_text("build: {output: out/cfn}\n", encoding="utf-8")
    for command in ("build", "diagram", "docs", "sync ../other.yaml", "diff ../architecture"):
        code, _out, err = run(*command.split())
        assert (code, err) == (2, NO_MODEL), command


def test_configured_values_that_do_not_apply_are_dropped_not_refused(project: Path) -> None:
    """The pre-commit hook `archc diagram --check --update FILE` works beside a configured PNG
    output, size and max-nodes; the same options on the command line are still refused."""
    (project / ".archc.yaml").write_text(
        "model: architecture\ndiagram: {format: png, output: docs/arch.png, size: '1400', dpi: 96, max-nodes: 50}\n", encoding="utf-8")
    page = project / "page.md"
    page.write_text("<!-- archc:diagram ../architecture -->\n<!-- /archc:diagram -->\n", encoding="utf-8")
    assert run("diagram", "--update", "../page.md")[0] == 0
    code, _out, err = run("diagram", "--check", "--update", "../page.md")
    assert (code, err) == (0, "../page.md: up to date\n")
    code, out, _err = run("diagram", "-f", "mermaid", "-o", "-")
    assert code == 0 and out.startswith("graph")
    assert not (project / "docs").exists()
    code, _out, err = run("diagram", "-f", "mermaid", "--size", "1400")
    assert code == 2 and "--size and --dpi are for -f png, svg or dot" in err
    code, _out, err = run("diagram", "--update", "../page.md", "-o", "x.png")
    assert code == 2 and "-o goes without --update" in err
