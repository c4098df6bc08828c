"""Configuration discovery and checking: .archc.yaml or [tool.archc], nearest wins, bad keys named."""

from __future__ import annotations

from pathlib import Path

import pytest

from archc.config import Config, ConfigError, Setting, find_config, load_config, parse_config


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def outside(found: str | None, directory: Path) -> bool:
    """Whether *found* is no configuration file, or one above *directory* (the machine's own)."""
    return found is None or not found.startswith(str(directory) + "/")


def test_found_by_walking_up_from_the_working_directory(tmp_path: Path) -> None:
    conf = write(tmp_path / "repo" / ".archc.yaml", "model: architecture\n")
    deep = tmp_path / "repo" / "a" / "b"
    deep.mkdir(parents=True)
    assert find_config(str(deep)) == str(conf)
    assert outside(find_config(str(tmp_path)), tmp_path)


def test_a_pyproject_without_tool_archc_does_not_stop_the_walk(tmp_path: Path) -> None:
    outer = write(tmp_path / "pyproject.toml", '[tool.archc]\nmodel = "arch"\n')
    write(tmp_path / "pkg" / "pyproject.toml", '[project]\nname = "pkg"\n[tool.ruff]\nline-length = 100\n')
    assert find_config(str(tmp_path / "pkg")) == str(outer)


def test_the_nearest_wins_and_archc_yaml_before_pyproject(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.archc]\nmodel = "outer"\n')
    write(tmp_path / "in" / "pyproject.toml", '[tool.archc]\nmodel = "inner"\n')
    assert find_config(str(tmp_path / "in")) == str(tmp_path / "in" / "pyproject.toml")
    yaml_conf = write(tmp_path / "in" / ".archc.yml", "model: x\n")
    assert find_config(str(tmp_path / "in")) == str(yaml_conf)


def test_pyproject_settings(tmp_path: Path) -> None:
    conf = write(tmp_path / "pyproject.toml", '[tool.archc]\nmodel = ["arch", "more/*.yaml"]\nselect = ["ARC2", "ARC301"]\n'
                 'ignore = "ARC113, ARC502"\nfail-on = "warning"\nformat = "sarif"\n')
    config = load_config(str(conf))
    assert config == Config(path=str(conf), model=(str(tmp_path / "arch"), str(tmp_path / "more" / "*.yaml")),
                            select="ARC2,ARC301", ignore="ARC113,ARC502", fail_on="warning", format="sarif",
                            keys=("fail-on", "format", "ignore", "model", "select"))


def test_yaml_settings_and_snake_case_keys(tmp_path: Path) -> None:
    conf = write(tmp_path / ".archc.yaml", "model: ../models/prod\nfail_on: info\n")
    config = load_config(str(conf))
    assert config.model == (str(tmp_path.parent / "models" / "prod"),)
    assert config.fail_on == "info" and config.format is None and config.select is None


@pytest.mark.parametrize(("table", "message"), [
    ({"modle": "x"}, "unknown key 'modle' (did you mean 'model'?)"),
    ({"fail-on": "fatal"}, "fail-on: expected one of error, warning, info, not 'fatal'"),
    ({"format": "xml"}, "format: expected one of text, json, sarif"),
    ({"model": 3}, "model: expected a string or a list of strings, not 3"),
    ({"select": ["ARC2", 3]}, "select: expected a string or a list of strings"),
    (["model"], "expected a table of settings, not list"),
])
def test_bad_settings_are_named(table: object, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(table, "/p/.archc.yaml")
    assert str(info.value).startswith("/p/.archc.yaml: ")
    assert message in str(info.value)


def test_broken_files_are_errors_not_tracebacks(tmp_path: Path) -> None:
    bad_toml = write(tmp_path / "a" / "pyproject.toml", "[tool.archc\nmodel = 1\n")
    assert find_config(str(tmp_path / "a")) == str(bad_toml)  # it mentions us: reported, not skipped
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(str(bad_toml))
    write(tmp_path / "b" / "pyproject.toml", "[project\n")  # not ours: skipped
    assert outside(find_config(str(tmp_path / "b")), tmp_path)
    bad_yaml = write(tmp_path / "c" / ".archc.yaml", "model: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(str(bad_yaml))


def test_command_sections_resolve_paths_and_say_where_each_value_is(tmp_path: Path) -> None:
    conf = write(tmp_path / ".archc.yaml", "model: arch\nbuild:\n  output: out/cfn\n  format: yaml\n"
                 "diagram:\n  format: png\n  max_nodes: 50\n  output: '-'\ndocs: {output: docs/arch}\n")
    config = load_config(str(conf))
    assert config.section("build") == {"output": Setting(str(tmp_path / "out" / "cfn"), f"{conf}:3:11"),
                                       "format": Setting("yaml", f"{conf}:4:11")}
    assert config.section("diagram") == {"format": Setting("png", f"{conf}:6:11"), "max-nodes": Setting(50, f"{conf}:7:14"),
                                         "output": Setting("-", f"{conf}:8:11")}
    assert config.section("docs") == {"output": Setting(str(tmp_path / "docs" / "arch"), f"{conf}:9:16")}
    assert config.section("deploy-plan") == {}
    assert config.keys == ("build", "diagram", "docs", "model")


def test_pyproject_sections_and_their_places(tmp_path: Path) -> None:
    conf = write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n\n[tool.archc]\nmodel = "arch"\n'
                 'build.format = "yaml"\n\n[tool.archc.diagram]\n  size = "1400"\nfindings = true\n'
                 '[tool.archc.deploy-plan]\noutput = "deploy.sh"\n')
    config = load_config(str(conf))
    assert config.section("build") == {"format": Setting("yaml", f"{conf}:6:16")}
    assert config.section("diagram") == {"size": Setting("1400", f"{conf}:9:10"), "findings": Setting(True, f"{conf}:10:12")}
    assert config.section("deploy-plan") == {"output": Setting(str(tmp_path / "deploy.sh"), f"{conf}:12:10")}


@pytest.mark.parametrize(("text", "message"), [
    ("model: a\nbuild:\n  outptu: x\n", ":3:3: unknown key 'outptu' in build (did you mean 'output'?); the keys of build are output, format"),
    ("model: a\nbild:\n  output: x\n", ":2:1: unknown key 'bild' (did you mean 'build'?)"),
    ("model: a\nfail-on: fatal\n", ":2:10: fail-on: expected one of error, warning, info, not 'fatal'"),
    ("docs: out\n", ":1:7: docs: expected a table of `archc docs` options, not str"),
    ("docs:\n  output: 3\n", ":2:11: docs.output: expected a path, not 3"),
    ("- model\n", ":1:1: expected a table of settings, not list"),
    ("model: [a\n", ":2:1: not valid YAML"),
])
def test_yaml_mistakes_are_reported_at_line_and_column(tmp_path: Path, text: str, message: str) -> None:
    conf = write(tmp_path / ".archc.yaml", text)
    with pytest.raises(ConfigError) as info:
        load_config(str(conf))
    assert str(info.value).startswith(f"{conf}{message}")


@pytest.mark.parametrize(("text", "message"), [
    ('[tool.archc]\nmodel = "a"\nmodle = "b"\n', ":3:1: unknown key 'modle' (did you mean 'model'?)"),
    ('[tool.archc]\nformat = "xml"\n', ":2:10: [tool.archc] format: expected one of text, json, sarif"),
    ('[tool.archc.docs]\n\noutput = "d"\ncheck = true\n', ":4:1: unknown key 'check' in docs; the keys of docs are output"),
    ('[tool]\narchc.build = {outpt = "x"}\n', ":2:1: unknown key 'outpt' in build (did you mean 'output'?)"),
])
def test_pyproject_mistakes_are_reported_at_line_and_column(tmp_path: Path, text: str, message: str) -> None:
    conf = write(tmp_path / "pyproject.toml", text)
    with pytest.raises(ConfigError) as info:
        load_config(str(conf))
    assert str(info.value).startswith(f"{conf}{message}")


def test_the_reference_documents_every_key_and_its_examples_load(tmp_path: Path) -> None:
    import re

    from archc.config import KEYS, SECTIONS

    doc = (Path(__file__).resolve().parents[1] / "docs" / "configuration.md").read_text(encoding="utf-8")
    table = set(re.findall(r"^\| `([a-z.-]+)` \|", doc, flags=re.MULTILINE))
    assert table == set(KEYS) | {f"{s}.{k}" for s, keys in SECTIONS.items() for k in keys}
    toml = re.search(r"```toml\n(.*?)```", doc, flags=re.DOTALL)
    yml = re.search(r"```yaml\n(.*?)```", doc, flags=re.DOTALL)
    assert toml and yml
    for name, text in (("pyproject.toml", toml.group(1)), (".archc.yaml", yml.group(1))):
        config = load_config(str(write(tmp_path / name.strip(".") / name, text)))
        assert config.model and config.section("build") and config.section("diagram") and config.section("docs"), name
