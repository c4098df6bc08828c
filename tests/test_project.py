"""Repository-level promises: the licence, the changelog, the distribution name, the Makefile split."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from archc import __version__

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_licence_pyproject_names_is_in_the_repository() -> None:
    assert PYPROJECT["project"]["license"] == "Apache-2.0"
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text  # the full text, not a stub
    assert "LICENSE" in PYPROJECT["project"]["license-files"]


def test_the_distribution_is_not_called_archc_but_the_command_is() -> None:
    # `archc` on PyPI is an unrelated project (0.0.1, no `archc` command)
    assert PYPROJECT["project"]["name"] == "archc-compiler"
    assert PYPROJECT["project"]["scripts"] == {"archc": "archc.cli:run"}
    assert PYPROJECT["project"]["version"] == __version__


def test_the_changelog_has_the_current_version() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## [{__version__}]" in text
    assert "## [Unreleased]" in text


def _dry_run(target: str, tmp_path: Path) -> str:
    venv = tmp_path / "venv"  # a venv that does not exist: make shows every install step
    proc = subprocess.run(["make", "-n", "-C", str(ROOT), target, f"VENV={venv}"], capture_output=True, text=True, check=True)
    return proc.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_demo_installs_only_the_runtime(tmp_path: Path) -> None:
    demo = _dry_run("demo", tmp_path)
    assert "pip install --quiet -e .\n" in demo
    assert "[dev]" not in demo
    assert "archc lint examples/sagebrush" in demo


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_test_installs_the_dev_extra(tmp_path: Path) -> None:
    test = _dry_run("test", tmp_path)
    assert "pip install --quiet -e '.[dev]'" in test
    assert "pytest" in test


def _yaml_blocks(first_line: str) -> list[Any]:
    import re

    import yaml

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```yaml\n(.*?)^```", readme, re.DOTALL | re.MULTILINE)
    return [yaml.safe_load(b) for b in blocks if b.startswith(first_line)]


def test_the_readme_pre_commit_snippet_names_real_hooks_at_the_release_tag() -> None:
    import yaml

    (config,) = _yaml_blocks("# .pre-commit-config.yaml — pre-commit installs archc")
    (repo,) = config["repos"]
    assert repo["repo"] == "https://github.com/ARCHC_GITHUB"  # the one variable, filled once
    assert repo["rev"] == f"v{__version__}"
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    for hook in repo["hooks"]:
        assert hook["id"] in hooks
        assert hook["args"][0] == "architecture/"
    for hook in hooks.values():
        assert hook["entry"].split()[0] == "archc" and hook["language"] == "python"


def test_the_readme_local_pre_commit_snippet_mirrors_the_published_hooks() -> None:
    import yaml

    (config,) = _yaml_blocks("# .pre-commit-config.yaml — archc from the environment")
    (repo,) = config["repos"]
    assert repo["repo"] == "local"
    published = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert [h["id"] for h in repo["hooks"]] == list(published)
    for hook in repo["hooks"]:
        same = {k: v for k, v in published[hook["id"]].items() if k not in ("description", "language", "require_serial")}
        assert {k: hook[k] for k in same} == same and hook["language"] == "system"


@pytest.mark.skipif(shutil.which("git") is None or not (Path(sys.executable).parent / "pre-commit").exists(),
                    reason="needs git and pre-commit")
def test_the_readme_local_pre_commit_snippet_works_as_pasted(tmp_path: Path) -> None:
    """A new repository with a model and a page, the README's local snippet as its configuration:
    `pre-commit run` passes, and fails once the model is broken."""
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    snippet = next(b for b in re.findall(r"^```yaml\n(.*?)^```", readme, re.DOTALL | re.MULTILINE)
                   if b.startswith("# .pre-commit-config.yaml — archc from the environment"))
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "examples" / "serverless", repo / "architecture")
    (repo / "docs").mkdir()
    (repo / "docs" / "architecture.md").write_text("# Architecture\n\n<!-- archc:diagram architecture/ -->\n<!-- /archc:diagram -->\n",
                                                   encoding="utf-8")
    (repo / ".pre-commit-config.yaml").write_text(snippet, encoding="utf-8")
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", "PRE_COMMIT_HOME": str(tmp_path / "cache"),
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}

    def run(*cmd: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(list(cmd), check=False, cwd=repo, env=env, capture_output=True, text=True, timeout=300)

    assert run("git", "init", "-q").returncode == 0
    subprocess.run([f"{bin_dir}/archc", "diagram", "architecture/", "--update", "docs/architecture.md"], cwd=repo, env=env, check=True,
                   capture_output=True)
    assert run("git", "add", "-A").returncode == 0
    first = run(f"{bin_dir}/pre-commit", "run", "--all-files")
    assert first.returncode == 0, first.stdout + first.stderr
    assert re.search(r"archc lint\.+Passed", first.stdout) and re.search(r"archc diagram --check\.+Passed", first.stdout)
    model = next((repo / "architecture").glob("*.yaml"))
    model.write_text(model.read_text(encoding="utf-8") + "  - {from: nowhere, to: nothing, verb: read}\n", encoding="utf-8")
    run("git", "add", "-A")
    second = run(f"{bin_dir}/pre-commit", "run", "--all-files")
    assert second.returncode == 1 and re.search(r"archc lint\.+Failed", second.stdout), second.stdout


def test_the_readme_workflow_uses_the_action_with_inputs_it_has() -> None:
    import yaml

    (workflow,) = _yaml_blocks("# .github/workflows/")
    assert workflow["permissions"]["security-events"] == "write"  # upload-sarif needs it
    steps = workflow["jobs"]["archc"]["steps"]
    ours = [s for s in steps if s.get("uses", "").startswith("ARCHC_GITHUB@")]
    assert len(ours) == 1 and ours[0]["uses"] == f"ARCHC_GITHUB@v{__version__}"
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert set(ours[0]["with"]) <= set(action["inputs"])


def test_the_readme_install_line_pins_the_same_tag() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f'pipx install "git+https://github.com/ARCHC_GITHUB@v{__version__}"' in readme


def test_the_init_templates_ship_in_the_package() -> None:
    import fnmatch

    patterns = PYPROJECT["tool"]["setuptools"]["package-data"]["archc"]
    for template in (ROOT / "archc" / "templates" / "init").glob("*.yaml"):
        relative = template.relative_to(ROOT / "archc").as_posix()
        assert any(fnmatch.fnmatch(relative, p) for p in patterns), relative
