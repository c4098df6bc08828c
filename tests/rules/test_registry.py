"""The registry: unique codes, dotted names, complete documentation, examples that really fire."""

from __future__ import annotations

import re

import pytest

from archc.diagnostics import SEVERITY_RANK
from archc.rules.base import AREAS, SECTIONS
from archc.rules.engine import run_rules
from archc.rules.registry import BY_CODE, RULES, UnknownRule, expand, lookup
from tests.rules.support import load_snippet

CODE = re.compile(r"^ARC[1-9][0-9]{2}$")
NAME = re.compile(r"^[a-z]+\.[a-z0-9]+(-[a-z0-9]+)*$")


def test_codes_and_names_are_unique_and_well_formed() -> None:
    codes = [r.code for r in RULES]
    names = [r.name for r in RULES]
    assert len(set(codes)) == len(codes)
    assert len(set(names)) == len(names)
    assert len(RULES) >= 20
    for rule in RULES:
        assert CODE.match(rule.code), rule.code
        assert NAME.match(rule.name), rule.name
        assert rule.name.split(".")[0] == AREAS[rule.code[3]], f"{rule.code}: area digit and name prefix disagree"
        assert rule.severity in SEVERITY_RANK
        assert not rule.code.startswith("ARC10"), "ARC100-ARC109 are the loader's"


def test_the_codes_other_engineers_rely_on() -> None:
    fixed = {
        "ARC201": "network.private-subnet-egress", "ARC202": "network.nat-cross-az", "ARC203": "network.public-subnet-igw",
        "ARC204": "network.subnet-in-vpc", "ARC205": "network.subnet-overlap", "ARC206": "network.multi-az",
        "ARC301": "access.external-exposure", "ARC302": "access.cross-account-connection", "ARC303": "access.account-reach",
        "ARC304": "access.cross-account-read-only", "ARC305": "access.assume-untrusted", "ARC401": "data.encryption-at-rest",
        "ARC402": "data.public-bucket", "ARC403": "data.backup-retention", "ARC404": "data.versioning",
        "ARC405": "data.customer-managed-key", "ARC406": "data.deletion-protection", "ARC501": "operations.compute-logs",
        "ARC502": "operations.compute-alarms", "ARC503": "operations.alarm-notifies", "ARC504": "operations.log-retention",
        "ARC110": "model.verb-fit", "ARC111": "model.untyped-resource", "ARC112": "model.unused-suppression",
        "ARC113": "model.isolated-resource",
    }
    assert {code: BY_CODE[code].name for code in fixed} == fixed


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_every_rule_is_documented(rule) -> None:  # type: ignore[no-untyped-def]
    assert rule.summary and rule.summary.endswith("."), f"{rule.code}: the first docstring line is the summary"
    sections = rule.sections()
    assert list(sections) == list(SECTIONS), f"{rule.code}: sections {list(sections)}, want {list(SECTIONS)} in that order"
    for title, body in sections.items():
        assert body.strip(), f"{rule.code}: section {title!r} is empty"


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_every_documented_example_triggers_its_rule(rule) -> None:  # type: ignore[no-untyped-def]
    loaded = load_snippet(rule.sections()["Example"])
    found = run_rules(loaded.architecture)  # all rules: ARC112's example needs the rule it suppresses
    assert any(d.code == rule.code for d in found), f"{rule.code}: its Example does not trigger it"


def test_expand_codes_prefixes_names_and_areas() -> None:
    assert expand(None) is None
    assert expand(" ") is None
    assert expand("ARC201") == {"ARC201"}
    assert expand("arc3") == {"ARC301", "ARC302", "ARC303", "ARC304", "ARC305", "ARC306", "ARC307", "ARC330"}
    assert expand("data.public-bucket,ARC5") == {"ARC402", "ARC501", "ARC502", "ARC503", "ARC504", "ARC505", "ARC506"}
    assert expand("operations") == {"ARC501", "ARC502", "ARC503", "ARC504", "ARC505", "ARC506"}
    with pytest.raises(UnknownRule, match="'ARC9' matches no rule"):
        expand("ARC2,ARC9")
    with pytest.raises(UnknownRule, match="did you mean 'network.multi-az'"):
        expand("network.multi-zone")


def test_lookup() -> None:
    assert lookup("arc201").code == "ARC201"
    assert lookup("data.versioning").code == "ARC404"
    with pytest.raises(UnknownRule, match=r"unknown rule 'ARC2001' \(did you mean 'ARC201'\?\)"):
        lookup("ARC2001")


def test_listing_the_rules_loads_neither_the_model_nor_networkx() -> None:
    # `archc rules` stays cheap: the rules name the model classes they read inside their functions
    import subprocess
    import sys

    heavy = ("pydantic", "networkx", "yaml", "archc.model.resources", "archc.model.architecture", "archc.model.loader", "archc.model.graph")
    code = (
        "import sys, archc.rules.registry, archc.rules.docs\n"
        f"print(sorted(m for m in sys.modules if m.startswith({heavy!r})))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "[]"


def test_a_retired_code_names_the_rule_that_took_it_over() -> None:
    """ARC530 (operations.alarm-metrics) made ARC505's checks: one rule, the old code and name its aliases."""
    from archc.rules.registry import BY_CODE, lookup

    assert "ARC530" not in BY_CODE and lookup("ARC530") is BY_CODE["ARC505"] is lookup("operations.alarm-metrics")
    assert expand("ARC530") == expand("operations.alarm-metrics") == {"ARC505"}
    aliases = [a for r in RULES for a in r.aliases]
    assert len(aliases) == len(set(aliases)) and not set(aliases) & ({r.code for r in RULES} | {r.name for r in RULES})


def test_a_suppression_by_a_retired_code_is_the_rules() -> None:
    from archc.rules.engine import run_rules
    from tests.rules.support import load_snippet

    model = "resources:\n  t: {type: dynamodb_table, partition_key: {name: pk}}\n  a: {type: alarm, monitors: [t], lint: {ignore: {ARC530: old habit}}}\n"
    found = {(d.code, d.message) for d in run_rules(load_snippet(model).architecture, select={"ARC112", "ARC505"})}
    assert ("ARC505", "'a' (alarm) monitors 't' (dynamodb_table), which archc has no metrics for") in found  # not suppressed
    assert ("ARC112", "ARC530 (now ARC505, operations.alarm-monitors) cannot be suppressed: `archc build` refuses what it finds") in found
