"""Field validators: what AWS cannot deploy is refused at load (ARC103), at the value's position."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archc.diagnostics import ModelError
from archc.model.fields import AZ_COUNT
from archc.model.loader import load_texts
from archc.runtimes import RUNTIMES

HEAD = 'archc: 1\nname: f\naccounts:\n  x: {id: "111111111111", name: X, region: us-west-2}\nresources:\n'


def _errors(resources: str) -> list[str]:
    try:
        load_texts([("model.yaml", HEAD + resources)])
    except ModelError as exc:
        return [f"{d.code} {d.message}" for d in exc.diagnostics]
    return []


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan", ".NaN", "-.Inf"])
def test_non_finite_numbers_are_refused(value: str) -> None:
    errors = _errors(f"  t: {{type: xray, sampling_percent: {value}}}\n  api: {{type: api_gateway, throttle_rate: {value}}}\n")
    assert len(errors) == 2 and all(e.startswith("ARC103") and "finite number" in e for e in errors), errors


@pytest.mark.parametrize(("cidr", "ok"), [("10.0.0.0/8", False), ("0.0.0.0/0", False), ("10.0.0.0/15", False), ("10.0.0.0/16", True),
                                          ("10.0.0.0/28", True), ("10.0.0.0/29", False), ("10.0.0.1/32", False)])
def test_vpc_and_subnet_blocks_are_16_to_28(cidr: str, ok: bool) -> None:
    vpc = _errors(f"  vpc: {{type: vpc, cidr: {cidr}}}\n")
    subnet = _errors(f"  vpc: {{type: vpc, cidr: 10.0.0.0/16}}\n  s: {{type: subnet, vpc: vpc, cidr: {cidr}, az: us-west-2a, tier: isolated}}\n")
    assert (vpc == [] and subnet == []) if ok else (len(vpc) == 1 and len(subnet) == 1 and "between /16 and /28" in vpc[0])


def test_a_runtime_typo_is_refused_with_a_suggestion() -> None:
    [error] = _errors("  fn: {type: lambda_function, runtime: pyhton3.12}\n")
    assert "did you mean 'python3.12'" in error
    [error] = _errors("  fn: {type: lambda_function, runtime: nodejs21.x}\n")  # never a Lambda runtime
    assert error.startswith("ARC103") and "unknown Lambda runtime 'nodejs21.x'" in error


@pytest.mark.parametrize("runtime", sorted(RUNTIMES))
def test_every_runtime_aws_documents_loads_retired_ones_too(runtime: str) -> None:
    assert _errors(f"  fn: {{type: lambda_function, runtime: {runtime}}}\n") == []


@given(st.sampled_from(sorted(AZ_COUNT)), st.sampled_from("abcdefghz"))
def test_zone_letters_stay_within_the_regions_zones(region: str, letter: str) -> None:
    head = f'archc: 1\nname: f\naccounts:\n  x: {{id: "111111111111", name: X, region: {region}}}\nresources:\n'
    text = head + f"  vpc: {{type: vpc, cidr: 10.0.0.0/16}}\n  s: {{type: subnet, vpc: vpc, cidr: 10.0.1.0/24, az: {region}{letter}, tier: isolated}}\n"
    try:
        load_texts([("model.yaml", text)])
        refused = False
    except ModelError as exc:
        refused = any("has no zone" in d.message for d in exc.diagnostics)
    assert refused == (ord(letter) - ord("a") >= AZ_COUNT[region])


def test_an_unknown_region_allows_zones_a_to_f() -> None:
    text = "  vpc: {type: vpc, cidr: 10.0.0.0/16, region: il-central-1}\n"
    assert _errors(text + "  s: {type: subnet, vpc: vpc, cidr: 10.0.1.0/24, az: il-central-1f, tier: isolated, region: il-central-1}\n") == []
    assert len(_errors(text + "  s: {type: subnet, vpc: vpc, cidr: 10.0.1.0/24, az: il-central-1g, tier: isolated, region: il-central-1}\n")) == 1


@pytest.mark.parametrize("rid", ["end", "subgraph", "class", "click", "style", "direction", "classDef", "linkStyle", "accTitle", "accDescr"])
def test_mermaid_keywords_are_not_ids(rid: str) -> None:
    [error] = _errors(f"  {rid}: {{type: kms_key}}\n")
    assert error.startswith("ARC103") and "a word Mermaid reserves" in error


@pytest.mark.parametrize(("rid", "ok"), [("a-", False), ("b..c", False), ("-a", False), ("a.-b", False), ("a-b.c_d", True),
                                          ("End", True), ("endpoint", True), ("é1", True)])
def test_ids_are_words_joined_by_single_dashes_or_dots(rid: str, ok: bool) -> None:
    assert (_errors(f"  '{rid}': {{type: kms_key}}\n") == []) == ok


@given(st.text(alphabet="ab_-.é1 ", min_size=1, max_size=6))
def test_every_id_the_loader_accepts_the_mermaid_writer_writes(rid: str) -> None:
    from archc.mermaid.writer import _check_id

    try:
        load_texts([("model.yaml", HEAD + f"  {json.dumps(rid)}: {{type: kms_key}}\n")])
    except ModelError:
        return
    assert _check_id(rid) == rid
