"""docs/rules.md is generated from the registry and must not be stale."""

from __future__ import annotations

from pathlib import Path

import pytest

from archc.rules import docs
from archc.rules.buildable import BUILD_CODES
from archc.rules.registry import BY_CODE, RULES

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def test_committed_rules_md_is_up_to_date() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == docs.generate(), "docs/rules.md is stale: run `python -m archc.rules.docs`"


def test_first_line_says_generated_and_how() -> None:
    first = docs.generate().split("\n", 1)[0]
    assert "Generated" in first and "python -m archc.rules.docs" in first


def test_every_rule_is_in_the_table_and_has_a_section() -> None:
    text = docs.generate()
    for rule in RULES:
        assert f"| `{rule.name}` | {rule.severity} | {rule.summary} |" in text
        assert f"### {rule.code} `{rule.name}`" in text


def test_rule_markdown_renders_the_example_as_yaml() -> None:
    md = docs.rule_markdown(BY_CODE["ARC201"])
    assert md.startswith("### ARC201 `network.private-subnet-egress`\n")
    assert "*Example*\n\n```yaml\nresources:\n  vpc: {type: vpc, cidr: 10.0.0.0/16}\n" in md
    assert "*Fix*\n" in md


def test_a_build_check_says_it_cannot_be_suppressed() -> None:
    assert "build check: cannot be suppressed" in docs.rule_markdown(BY_CODE["ARC117"])
    assert "build check" not in docs.rule_markdown(BY_CODE["ARC201"])
    text = docs.generate()
    assert all(code in text.split("| Code |")[0] for code in BUILD_CODES)  # listed in the introduction


def test_check_mode(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "rules.md"
    assert docs.main(["--check", str(target)]) == 1  # missing
    assert docs.main([str(target)]) == 0
    assert target.read_text(encoding="utf-8") == docs.generate()
    assert docs.main(["--check", str(target)]) == 0
    target.write_text(docs.generate().replace("ARC201", "ARC299", 1), encoding="utf-8")
    assert docs.main(["--check", str(target)]) == 1
    assert "is stale: run `python -m archc.rules.docs`" in capsys.readouterr().err
