"""Text, JSON and SARIF output."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from archc.codes import CODES
from archc.diagnostics import Diagnostic, Position, SourceMap
from archc.rules import report
from archc.rules.registry import BY_CODE, RULES
from tests.rules.support import EXAMPLE, ROOT, both, lint, load_example, set_field, unsuppress


def _findings() -> tuple[list[Diagnostic], SourceMap]:
    loaded = load_example(both(set_field("PRIV_1A", "default_route", None), unsuppress("PRIV_1C", "ARC202"),
                                 unsuppress("S3_ASSETS", "ARC405")))
    found = lint(loaded)
    found.sort(key=lambda d: d.sort_key())
    return found, loaded.source


def test_text_is_ruff_style_with_relative_paths_and_a_summary() -> None:
    found, _ = _findings()
    text = report.format_text(found, str(ROOT))
    lines = text.splitlines()
    assert all(line.startswith(("examples/sagebrush/production.yaml:", "  help: ")) for line in lines[:-1])
    assert any(line.startswith("examples/sagebrush/production.yaml:") and ": ARC201 [error] private subnet 'PRIV_1A' has no egress path: "
               "it has no default_route" in line for line in lines)
    assert any(line == "  help: set `default_route:` to a NAT gateway in a public subnet of the same VPC" for line in lines)
    assert lines[-1] == "Found 3 problems (1 error, 1 warning, 1 info)."
    assert text.endswith("\n")


def test_summary_wording() -> None:
    def d(sev: Any) -> Diagnostic:
        return Diagnostic("ARC999", "m", severity=sev)

    assert report.summary([]) == "All checks passed."
    assert report.summary([d("error")]) == "Found 1 problem (1 error)."
    assert report.summary([d("error"), d("error"), d("warning")]) == "Found 3 problems (2 errors, 1 warning)."
    assert report.summary([d("info"), d("info")]) == "Found 2 problems (2 info)."


def test_display_file() -> None:
    assert report.display_file(str(EXAMPLE / "production.yaml"), str(ROOT)) == "examples/sagebrush/production.yaml"
    assert report.display_file("/elsewhere/model.yaml", str(ROOT)) == "/elsewhere/model.yaml"
    assert report.display_file("rel/model.yaml", os.getcwd()) == "rel/model.yaml"


def test_json_records() -> None:
    found, _ = _findings()
    records = json.loads(report.format_json(found, str(ROOT)))
    egress = next(r for r in records if r["code"] == "ARC201")
    assert sorted(egress) == ["code", "column", "file", "help", "line", "message", "name", "path", "related", "severity"]
    assert egress["name"] == "network.private-subnet-egress"
    assert egress["path"] == "resources.PRIV_1A"
    assert egress["file"] == "examples/sagebrush/production.yaml"
    assert isinstance(egress["line"], int) and egress["line"] > 1
    assert egress["related"] == ["resources.PRIV_1A"]
    assert report.format_json(found, str(ROOT)) == report.format_json(found, str(ROOT))
    assert report.format_json([], str(ROOT)) == "[]\n"


def test_sarif_has_what_github_code_scanning_requires() -> None:
    found, source = _findings()
    log = json.loads(report.format_sarif(found, RULES, source, str(ROOT)))
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    assert len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "archc" and driver["version"]
    assert "informationUri" not in driver  # optional in SARIF 2.1.0; archc has no public home page yet
    ids = [r["id"] for r in driver["rules"]]
    assert ids == [r.code for r in RULES] + [c.code for c in CODES]
    for meta in driver["rules"][:len(RULES)]:
        rule = BY_CODE[meta["id"]]
        assert meta["name"] == rule.name
        assert meta["shortDescription"]["text"] == rule.summary
        assert meta["fullDescription"]["text"]
        assert meta["help"]["text"] and "```yaml" in meta["help"]["markdown"]
        assert meta["defaultConfiguration"]["level"] in ("error", "warning", "note")
    assert len(run["results"]) == len(found) == 3
    levels = {}
    for result, d in zip(run["results"], found, strict=True):
        assert result["ruleId"] == d.code
        assert ids[result["ruleIndex"]] == d.code
        assert result["message"]["text"].startswith(d.message)
        phys = result["locations"][0]["physicalLocation"]
        assert phys["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert phys["artifactLocation"]["uri"].startswith("examples/sagebrush/")
        assert phys["region"]["startLine"] >= 1 and phys["region"]["startColumn"] >= 1
        levels[d.code] = result["level"]
    assert levels == {"ARC201": "error", "ARC202": "warning", "ARC405": "note"}
    nat = next(r for r in run["results"] if r["ruleId"] == "ARC202")
    assert [loc["message"]["text"] for loc in nat["relatedLocations"]] == [
        "resources.PRIV_1C", "resources.PRIV_1C.default_route", "resources.NAT_B",
    ]
    assert [loc["id"] for loc in nat["relatedLocations"]] == [1, 2, 3]


def test_sarif_outside_the_working_directory_uses_absolute_uris(tmp_path: Path) -> None:
    d = Diagnostic("ARC402", "bucket 'b' is public", ("resources", "b"), "error", position=Position(str(tmp_path / "m.yaml"), 3, 5))
    log = json.loads(report.format_sarif([d], RULES, SourceMap(), str(ROOT)))
    artifact = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": (tmp_path / "m.yaml").as_uri()}


def test_sarif_rules_carry_security_severity_on_security_areas_only() -> None:
    log = json.loads(report.format_sarif([], RULES, SourceMap(), str(ROOT)))
    for meta in log["runs"][0]["tool"]["driver"]["rules"]:
        props = meta["properties"]
        if meta["id"][3] in "234":
            assert "security" in props["tags"] and 0 < float(props["security-severity"]) <= 10
        else:
            assert "security-severity" not in props


def test_sarif_uris_are_relative_to_the_repository_root(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "arch").mkdir()
    d = Diagnostic("ARC402", "bucket 'b' is public", ("resources", "b"), "error", position=Position(str(repo / "arch" / "m.yaml"), 3, 5))
    for cwd in (repo, repo / "arch"):
        run = json.loads(report.format_sarif([d], RULES, SourceMap(), str(cwd)))["runs"][0]
        assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": repo.as_uri() + "/"}}
        artifact = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        assert artifact == {"uri": "arch/m.yaml", "uriBaseId": "%SRCROOT%"}
    assert report.repository_root(str(tmp_path)) == str(tmp_path)  # no repository: the working directory


class _Conn:
    def __init__(self, source: str, verb: str, target: str) -> None:
        self.source, self.verb, self.target = source, verb, target


class _Arch:
    def __init__(self, conns: list[_Conn]) -> None:
        self.connections = conns


def test_connection_fingerprints_follow_the_connection_not_its_place() -> None:
    a, b = _Conn("web", "reads", "db"), _Conn("job", "writes", "bucket")
    first = Diagnostic("ARC301", "m", ("connections", 0, "verb"))
    moved = Diagnostic("ARC301", "m", ("connections", 1, "verb"))
    assert report.fingerprint(first, _Arch([a, b])) == report.fingerprint(moved, _Arch([b, a])) == "ARC301:connections[web reads db].verb"
    assert report.fingerprint(Diagnostic("ARC201", "m", ("resources", "x")), _Arch([])) == "ARC201:resources.x"
    log = json.loads(report.format_sarif([first, first], RULES, SourceMap(), str(ROOT), arch=_Arch([a, b])))
    prints = [r["partialFingerprints"]["archcModelPath/v1"] for r in log["runs"][0]["results"]]
    assert len(set(prints)) == 2  # two identical findings stay apart


def test_suppressed_findings_are_results_with_their_reason() -> None:
    d = Diagnostic("ARC202", "single NAT", ("resources", "PRIV_1C"), "warning", position=Position("m.yaml", 1, 1))
    log = json.loads(report.format_sarif([], RULES, SourceMap(), str(ROOT), suppressed=[(d, "cost: one NAT is enough here")]))
    (result,) = log["runs"][0]["results"]
    assert result["suppressions"] == [{"kind": "inSource", "justification": "cost: one NAT is enough here"}]


def test_load_errors_are_results_with_explained_rules() -> None:
    d = Diagnostic("ARC101", "YAML syntax error", (), position=Position("m.yaml", 2, 3))
    run = json.loads(report.format_sarif([d], RULES, SourceMap(), str(ROOT)))["runs"][0]
    meta = run["tool"]["driver"]["rules"][run["results"][0]["ruleIndex"]]
    assert meta["id"] == "ARC101" and meta["help"]["text"] and meta["fullDescription"]["text"]
    assert run["results"][0]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "model"
