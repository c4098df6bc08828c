"""Configuration discovery and checking: .archc.yaml or [tool.archc], nearest wins, bad keys named."""

from __future__ import annotations

from pathlib import Path

import pytest

from archc.config import Config, ConfigError, find_config, load_config, parse_config


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
