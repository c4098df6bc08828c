"""Diagnostics: formatting, locating through the source map, did-you-mean."""

from __future__ import annotations

from archc.diagnostics import Diagnostic, ModelError, Position, SourceMap, did_you_mean, format_path


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
