"""`archc lint` and `archc rules` through click's CliRunner: formats, exit codes, selection, errors."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from archc.cli import main
from archc.codes import CODES
from archc.rules.registry import RULES

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = "examples/sagebrush"


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args))
    return r.exit_code, r.stdout, r.stderr


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """A copy of the example with PRIV_1A's route removed (ARC201) and PRIV_1C's suppression gone (ARC202)."""
    copy = tmp_path / "sagebrush"
    shutil.copytree(ROOT / EXAMPLE, copy)
    prod = copy / "production.yaml"
    text = prod.read_text(encoding="utf-8")
    text = text.replace(" default_route: NAT_A,", "", 1)
    text, n = re.subn(r'    lint:\n      ignore:\n        ARC202: "[^"]*"\n', "", text)
    assert n == 1, "the example's ARC202 suppression on PRIV_1C moved"
    prod.write_text(text, encoding="utf-8")
    return copy


def test_the_example_lints_clean() -> None:
    code, out, err = run("lint", EXAMPLE)
    assert (code, out, err) == (0, "All checks passed.\n", "")


def test_text_findings_and_exit_code(broken: Path) -> None:
    code, out, _ = run("lint", str(broken))
    assert code == 1
    lines = out.splitlines()
    prod = str(broken / "production.yaml")
    assert lines[0].startswith(f"{prod}:") and ": ARC201 [error] private subnet 'PRIV_1A' has no egress path" in lines[0]
    assert lines[1].startswith("  help: ")
    assert ": ARC202 [warning] private subnet 'PRIV_1C' (us-west-2c) egresses through NAT gateway 'NAT_B' in us-west-2b" in lines[2]
    assert lines[-1] == "Found 2 problems (1 error, 1 warning)."


def test_fail_on(broken: Path) -> None:
    assert run("lint", str(broken), "--select", "ARC202")[0] == 0  # a warning is not an error
    assert run("lint", str(broken), "--select", "ARC202", "--fail-on", "warning")[0] == 1
    assert run("lint", str(broken), "--ignore", "ARC201")[0] == 0
    assert run("lint", EXAMPLE, "--fail-on", "info")[0] == 0


def test_select_and_ignore_by_prefix_and_name(broken: Path) -> None:
    _, out, _ = run("lint", str(broken), "--select", "ARC2", "--ignore", "network.private-subnet-egress")
    assert " ARC201 " not in out and " ARC202 " in out
    _, out, _ = run("lint", str(broken), "--select", "ARC3,data")
    assert out == "All checks passed.\n"


def test_unknown_codes_exit_2_with_did_you_mean() -> None:
    code, out, err = run("lint", EXAMPLE, "--select", "ARC2001")
    assert code == 2 and out == ""
    assert "--select: 'ARC2001' matches no rule (did you mean 'ARC201'?)" in err
    code, _, err = run("lint", EXAMPLE, "--ignore", "netwrk")
    assert code == 2 and "--ignore: 'netwrk' matches no rule" in err


def test_bad_model_exits_2_with_every_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("archc: 1\nresources:\n  a: {type: s3_buckt}\n  b: {type: vpc, cidr: nope}\n", encoding="utf-8")
    code, out, err = run("lint", str(bad))
    assert code == 2 and out == ""
    assert "unknown resource type 's3_buckt' (did you mean 's3_bucket'?)" in err
    assert "expected an IPv4 CIDR block" in err
    assert "Traceback" not in err
    code, _, err = run("lint", str(tmp_path / "missing"))
    assert code == 2 and "no such file or directory" in err


def test_json_format(broken: Path) -> None:
    code, out, _ = run("lint", str(broken), "-f", "json")
    assert code == 1
    records = json.loads(out)
    assert [(r["code"], r["path"], r["severity"]) for r in records] == [
        ("ARC201", "resources.PRIV_1A", "error"), ("ARC202", "resources.PRIV_1C.default_route", "warning"),
    ]
    assert records[0]["file"] == str(broken / "production.yaml") and records[0]["line"] > 1
    assert run("lint", str(broken), "-f", "json")[1] == out  # deterministic


def test_sarif_format_to_a_file(broken: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "archc.sarif"
    code, out, err = run("lint", str(broken), "-f", "sarif", "-o", str(target))
    assert code == 1 and out == ""
    assert err == f"Found 2 problems (1 error, 1 warning). Report written to {target}.\n"
    log = json.loads(target.read_text(encoding="utf-8"))
    assert log["version"] == "2.1.0"
    results = log["runs"][0]["results"]
    assert [r["ruleId"] for r in results if "suppressions" not in r] == ["ARC201", "ARC202"]
    assert len(log["runs"][0]["tool"]["driver"]["rules"]) == len(RULES) + len(CODES)


def test_example_sarif_paths_are_relative_to_the_working_directory() -> None:
    code, out, _ = run("lint", EXAMPLE, "-f", "sarif", "--select", "ARC1", "--ignore", "ARC112")
    assert code == 0
    assert json.loads(out)["runs"][0]["results"] == []


def test_rules_lists_every_rule() -> None:
    code, out, _ = run("rules")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == len(RULES) + 2 + len(CODES)  # the rules, a blank line and a heading, the other codes
    assert lines[[r.code for r in RULES].index("ARC201")].split() [:3] == ["ARC201", "network.private-subnet-egress", "error"]


def test_rules_explains_one() -> None:
    code, out, _ = run("rules", "ARC303")
    assert code == 0
    assert out.startswith("ARC303 access.account-reach [error]\n")
    for section in ("*What it checks*", "*Why it matters*", "*Example*", "*Fix*"):
        assert section in out
    assert run("rules", "data.public-bucket")[1].startswith("ARC402 data.public-bucket [error]")
    code, _, err = run("rules", "ARC2001")
    assert code == 2 and "unknown rule 'ARC2001' (did you mean 'ARC201'?)" in err


@pytest.mark.parametrize("command", ["lint", "rules"])
def test_help_has_an_example(command: str) -> None:
    code, out, _ = run(command, "--help")
    assert code == 0 and "Examples:" in out and f"archc {command} " in out


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_a_model_that_does_not_load_still_gets_its_report(fmt: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("resources:\n  vpc: {type: vpc\n")
    target = tmp_path / "out" / f"report.{fmt}"
    code, out, err = run("lint", str(bad), "-f", fmt, "-o", str(target))
    assert code == 2 and out == "" and "the report lists them" in err
    data = json.loads(target.read_text(encoding="utf-8"))
    codes = [r["code"] for r in data] if fmt == "json" else [r["ruleId"] for r in data["runs"][0]["results"]]
    assert codes == ["ARC101"]


def test_every_code_archc_can_print_is_explained_by_archc_rules() -> None:
    import re as regex

    printed = set()
    for source in (ROOT / "archc").rglob("*.py"):
        printed |= set(regex.findall(r'"(ARC\d{3})"', source.read_text(encoding="utf-8")))
    from archc.rules.registry import ALIASES

    for code in sorted(printed):
        status, out, _ = run("rules", code)
        if code in ALIASES:  # a retired code: the rule that took it over, which names it
            assert status == 0 and out.startswith(ALIASES[code].code) and f"aliases: {code}" in out, code
            continue
        assert status == 0 and out.startswith(code), code


def test_sarif_marks_the_example_suppressions_as_suppressed() -> None:
    code, out, _ = run("lint", EXAMPLE, "-f", "sarif")
    assert code == 0
    results = json.loads(out)["runs"][0]["results"]
    assert results and all(r["suppressions"][0]["justification"].strip() for r in results)
    assert {r["ruleId"] for r in results} >= {"ARC202"}


model_fragments = st.sampled_from([
    "archc: 1\n", "name: x\n", "accounts:\n", "  a: {name: A, region: us-east-1}\n", "  b: {id: '12', name: B}\n", "resources:\n",
    "  v: {type: vpc, cidr: 10.0.0.0/16}\n", "  s: {type: subnet, vpc: v, cidr: 10.0.1.0/24, az: us-east-1a, tier: private}\n",
    "  x: &x {type: s3_bucket}\n", "  y: {<<: *x, versioning: true}\n", "connections:\n", "  - {from: v, to: s, verb: read}\n",
    "  - {from: ghost, to: v}\n", "groups:\n", "  g: {parent: g}\n", "  ../bad: {}\n", "defaults: {account: a}\n", "\t", "- ", "{", "]",
    "\xff", "'", "&a [*a]\n", "<<: 3\n", "tags: {a: [1, {b: 2}]}\n", "\n", "# c\n", "---\n",
])


@given(st.lists(model_fragments, max_size=14), st.sampled_from(["text", "json", "sarif"]))
@settings(max_examples=150, deadline=None)
def test_any_model_text_ends_in_a_clean_exit(parts: list[str], fmt: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        model = Path(tmp) / "m.yaml"
        model.write_bytes("".join(parts).encode("utf-8", errors="surrogateescape").replace(b"\xc3\xbf", b"\xff"))
        result = CliRunner().invoke(main, ["lint", str(model), "-f", fmt])
        assert result.exit_code in (0, 1, 2), result.output
        assert "internal error" not in result.stderr and result.exception is None or isinstance(result.exception, SystemExit)
        if result.exit_code == 2 and fmt != "text":
            json.loads(result.stdout)  # the report is still there, and valid


def test_a_missing_model_still_gets_its_sarif_report(tmp_path: Path) -> None:
    target = tmp_path / "archc.sarif"
    code, _, _ = run("lint", str(tmp_path / "nope"), "-f", "sarif", "-o", str(target))
    assert code == 2
    assert [r["ruleId"] for r in json.loads(target.read_text())["runs"][0]["results"]] == ["ARC100"]
