"""Diagnostics: formatting, locating through the source map, did-you-mean, archc's own errors."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from archc.diagnostics import ArchcError, Diagnostic, ModelError, Position, SourceMap, did_you_mean, format_path


def test_format_path() -> None:
    assert format_path(("connections", 3, "to")) == "connections[3].to"
    assert format_path(("resources", "priv_1c")) == "resources.priv_1c"
    assert format_path(()) == ""


def test_locate_uses_the_longest_known_prefix() -> None:
    source = SourceMap(default_file="m.yaml")
    source.add(("resources", "a"), Position("m.yaml", 4, 3))
    d = Diagnostic("ARC201", "no NAT", ("resources", "a", "default_route")).locate(source)
    assert d.position == Position("m.yaml", 4, 3)
    assert Diagnostic("ARC1", "x", ("nowhere",)).locate(source).position == Position("m.yaml", 1, 1)


def test_text_format_has_location_code_severity_and_help() -> None:
    d = Diagnostic("ARC201", "private subnet PRIV_1C has no NAT path", severity="error", help="set default_route",
                   position=Position("prod.yaml", 12, 5))
    assert d.format_text() == "prod.yaml:12:5: ARC201 [error] private subnet PRIV_1C has no NAT path\n  help: set default_route"


def test_model_error_sorts_by_position() -> None:
    err = ModelError([Diagnostic("B", "b", position=Position("f", 9, 1)), Diagnostic("A", "a", position=Position("f", 2, 7))])
    assert [d.code for d in err.diagnostics] == ["A", "B"]
    assert str(err).startswith("f:2:7: A [error] a")


def test_did_you_mean() -> None:
    assert did_you_mean("subnett", ["subnet", "vpc"]) == " (did you mean 'subnet'?)"
    assert did_you_mean("VPC", ["vpc"]) == " (did you mean 'vpc'?)"
    assert did_you_mean("zzz", ["subnet"]) == ""


ARCHC = Path(__file__).resolve().parent.parent / "archc"
# the layers below the command line: they raise ArchcError and never reach for click or archc.cli
BELOW_THE_CLI = ["catalog.py", "diagnostics.py", "files.py", "model", "rules", "emitters", "mermaid"]


def _imports(path: Path) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
    return out


@pytest.mark.parametrize("part", BELOW_THE_CLI)
def test_lower_layers_import_neither_click_nor_the_cli(part: str) -> None:
    root = ARCHC / part
    files = sorted(root.rglob("*.py")) if root.is_dir() else [root]
    assert files
    offending = {
        str(f.relative_to(ARCHC)): sorted(m for m in _imports(f) if m == "click" or m.startswith(("click.", "archc.cli")))
        for f in files
    }
    assert {f: mods for f, mods in offending.items() if mods} == {}


def test_a_missing_tool_is_an_archc_error_with_one_line() -> None:
    from archc.emitters.graphviz import DOT_MISSING, GraphvizNotFound

    err = GraphvizNotFound()
    assert isinstance(err, ArchcError) and str(err) == DOT_MISSING and "\n" not in str(err)
