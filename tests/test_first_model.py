"""docs/first-model.md does what it says: its commands, its first change and its broken example."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from archc.cli import main
from archc.cli.init import TEMPLATES

ROOT = Path(__file__).resolve().parents[1]
GUIDE = (ROOT / "docs" / "first-model.md").read_text(encoding="utf-8")


def block(lang: str, containing: str) -> str:
    (found,) = [b for b in re.findall(rf"^```{lang}\n(.*?)^```", GUIDE, re.DOTALL | re.MULTILINE) if containing in b]
    return str(found)


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args))
    return r.exit_code, r.stdout, r.stderr


@pytest.fixture
def model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    assert run("init", "--template", "serverless")[0] == 0
    return tmp_path / "architecture" / "architecture.yaml"


def test_the_guide_names_every_template() -> None:
    for template in TEMPLATES:
        assert f"| `{template}` |" in GUIDE


def test_steps_three_lint_build_draw(model: Path, tmp_path: Path) -> None:
    for line in block("sh", "archc lint architecture").splitlines():
        args = line.split("#")[0].split()[1:]
        if "png" in args:
            continue  # needs Graphviz; the diagram tests cover it
        code, out, err = run(*args)
        assert code == 0, (line, err)
        if args[0] == "lint":
            assert out == "All checks passed.\n"
    assert (tmp_path / "out" / "cloudformation" / "manifest.json").is_file()
    assert (tmp_path / "out" / "architecture.mmd").is_file()


def test_the_first_change_lints_clean(model: Path) -> None:
    change = block("yaml", "results:")
    resources = change.split("connections:\n")[0].split("resources:\n")[1]
    connections = change.split("connections:\n")[1]
    text = model.read_text(encoding="utf-8")
    text = text.replace("\nresources:\n", "\nresources:\n" + resources, 1) + connections
    model.write_text(text, encoding="utf-8")
    assert run("lint", "architecture") == (0, "All checks passed.\n", "")


def test_the_broken_example_prints_what_the_guide_shows(model: Path) -> None:
    text = model.read_text(encoding="utf-8")
    line = "  - {from: worker_fn, to: logs, verb: logs}\n"
    assert line in text
    model.write_text(text.replace(line, ""), encoding="utf-8")
    code, out, _ = run("lint", "architecture")
    assert code == 1
    assert out.startswith(block("text", "ARC501"))


def test_the_configuration_snippet_works(model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text(block("toml", "[tool.archc]"), encoding="utf-8")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    assert run("lint") == (0, "All checks passed.\n", "")


# Every archc command the guide shows, in the order a reader meets them, with the exit status the
# guide promises; `test_every_command_of_the_guide_is_walked` keeps this list complete.
WALK: list[tuple[str, int]] = [
    ("archc --version", 0),
    ("archc init --template serverless", 0),
    ("archc lint architecture", 0),
    ("archc build architecture -o out/cloudformation", 0),
    ("archc diagram architecture -f mermaid -o out/architecture.mmd", 0),
    ("archc diagram architecture -f png -o out/architecture.png", 0),
    ("archc docs architecture -o out/docs", 0),
    ("FIRST CHANGE", 0),
    ("archc lint architecture", 0),
    ("archc rules ARC501", 0),
    ("archc lint architecture/", 0),
    ("CONFIGURATION", 0),
    ("archc lint", 0),
    ("archc build", 0),
    ("archc docs", 0),
    ("archc import page.md -o imported/model.yaml", 0),
    ("archc lint imported", 1),  # "lint lists what the drawing leaves out"
]
NOT_RUN = {
    "archc --version": "",  # run above; listed for the extraction
    "archc init": "the short name of `archc init --template serverless`",
    "archc COMMAND --help": "a placeholder; `archc lint --help` stands for it",
}


def guide_commands() -> set[str]:
    """Every `archc …` command of the guide: lines of its sh blocks, and inline code."""
    found = set()
    for body in re.findall(r"^```sh\n(.*?)^```", GUIDE, re.DOTALL | re.MULTILINE):
        found |= {line.split("#")[0].strip() for line in body.splitlines() if line.startswith("archc ")}
    prose = re.sub(r"^```.*?^```", "", GUIDE, flags=re.DOTALL | re.MULTILINE)  # fenced blocks out
    prose = re.sub(r"````.*?````", "", prose, flags=re.DOTALL)  # and spans that show a fence
    for span in re.findall(r"`([^`]+)`", prose):
        words = " ".join(span.split())
        if words.startswith("archc ") and not words.startswith("archc: "):
            found.add(words)
    return found


def test_every_command_of_the_guide_is_walked() -> None:
    walked = {cmd for cmd, _ in WALK}
    assert guide_commands() - walked - set(NOT_RUN) == set()
    assert walked - {"FIRST CHANGE", "CONFIGURATION"} <= guide_commands()


def test_the_guide_walked_from_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The guide, step by step, in an empty directory: every command exits as it says."""
    import shutil

    monkeypatch.chdir(tmp_path)
    shutil.copy(ROOT / "examples" / "sagebrush-page.md", tmp_path / "page.md")
    for cmd, expected in WALK:
        model = tmp_path / "architecture" / "architecture.yaml"
        if cmd == "FIRST CHANGE":
            test_the_first_change_lints_clean(model)
            continue
        if cmd == "CONFIGURATION":
            (tmp_path / "pyproject.toml").write_text(block("toml", "[tool.archc]"), encoding="utf-8")
            (tmp_path / "src").mkdir()
            monkeypatch.chdir(tmp_path / "src")  # "from anywhere in the repository"
            continue
        if "png" in cmd and shutil.which("dot") is None:
            continue  # Graphviz: "with Graphviz installed"
        if cmd.startswith("archc import"):
            monkeypatch.chdir(tmp_path)
        code, _out, err = run(*cmd.split()[1:])
        assert code == expected, (cmd, err)
    assert run("lint", "--help")[0] == 0
    for made in ("out/cloudformation/manifest.json", "out/architecture.mmd", "out/docs/README.md", "imported/model.yaml"):
        assert (tmp_path / made).is_file(), made


def test_a_second_resources_key_is_an_error_as_the_guide_says(model: Path) -> None:
    model.write_text(model.read_text(encoding="utf-8") + "resources:\n  extra: {type: sqs_queue}\n", encoding="utf-8")
    code, _out, err = run("lint", "architecture")
    assert code == 2 and "resources" in err
