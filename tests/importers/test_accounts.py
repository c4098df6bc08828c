"""`--account KEY[=ID]`: parsing, and naming a diagram's accounts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archc.importers.accounts import name_diagram_accounts, parse_accounts
from archc.model.architecture import Account, Architecture


def test_keys_and_ids() -> None:
    assert parse_accounts([]) == []
    assert parse_accounts(["prod"]) == [("prod", None)]
    assert parse_accounts(["prod=123456789012", "dev=210987654321"]) == [("prod", "123456789012"), ("dev", "210987654321")]


@given(st.text(max_size=30))
def test_any_value_parses_or_is_refused_with_our_words(value: str) -> None:
    try:
        [(key, aid)] = parse_accounts([value])
    except ValueError as exc:
        assert str(exc).startswith("--account ")
    else:
        assert key and (aid is None or (len(aid) == 12 and aid.isdigit()))


def test_a_diagrams_account_gets_its_id_unless_it_draws_another() -> None:
    arch = Architecture.model_construct(accounts={"prod": Account(name="Prod", region="us-east-1"),
                                                  "dev": Account(id="111111111111", name="Dev", region="us-east-1")})
    named, problems = name_diagram_accounts(arch, [("prod", "123456789012")])
    assert named.accounts["prod"].id == "123456789012" and problems == []
    _, problems = name_diagram_accounts(arch, [("dev", "123456789012")])
    assert problems == ["--account dev=123456789012: the diagram draws account 'dev' with id 111111111111"]
    _, problems = name_diagram_accounts(arch, [("ops", "123456789012")])
    assert problems == ["--account ops=123456789012: the diagram has no account 'ops' (it has dev, prod)"]


@pytest.mark.parametrize("value", ["123456789012", "a b", "x=12", "=123456789012"])
def test_bad_values(value: str) -> None:
    with pytest.raises(ValueError, match="^--account "):
        parse_accounts([value])
