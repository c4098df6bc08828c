"""Network rules firing on broken copies of the Sagebrush example (the cases/*.yaml cover the rest)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from archc.diagnostics import format_path
from tests.rules.support import both, lint, load_example, set_field, summary, unsuppress

BROKEN: list[tuple[str, str, Callable[[dict[str, Any]], None], list[tuple[str, str]]]] = [
    ("ARC201", "PRIV_1A loses its route", set_field("PRIV_1A", "default_route", None), [("ARC201", "resources.PRIV_1A")]),
    ("ARC201", "PUB_1B loses its route: both subnets behind NAT_B lose egress", set_field("PUB_1B", "default_route", None),
     [("ARC201", "resources.PRIV_1B.default_route"), ("ARC201", "resources.PRIV_1C.default_route")]),
    ("ARC202", "PRIV_1C's reasoned suppression removed", unsuppress("PRIV_1C", "ARC202"), [("ARC202", "resources.PRIV_1C.default_route")]),
    ("ARC203", "PUB_1C loses its route", set_field("PUB_1C", "default_route", None), [("ARC203", "resources.PUB_1C")]),
    ("ARC204", "PRIV_1A outside 10.10.0.0/16", set_field("PRIV_1A", "cidr", "10.11.10.0/24"), [("ARC204", "resources.PRIV_1A.cidr")]),
    ("ARC205", "PRIV_1B takes PRIV_1A's range", set_field("PRIV_1B", "cidr", "10.10.10.0/24"), [("ARC205", "resources.PRIV_1B.cidr")]),
    ("ARC206", "the ALB and the DB subnet group in one AZ",
     both(set_field("ALB", "subnets", ["PUB_1A"]), set_field("RDS_SUBNET", "subnets", ["PRIV_1A"])),
     [("ARC206", "resources.ALB.subnets"), ("ARC206", "resources.RDS_SUBNET.subnets")]),
    ("ARC207", "NAT_A moved into PRIV_1A", set_field("NAT_A", "subnet", "PRIV_1A"), [("ARC207", "resources.NAT_A.subnet")]),
    ("ARC208", "the ECS service placed in a public subnet", set_field("ECS_SERVICE", "subnets", ["PUB_1A", "PRIV_1B"]),
     [("ARC208", "resources.ECS_SERVICE.subnets[0]")]),
]


def test_the_example_passes_every_network_rule() -> None:
    assert summary(lint(load_example(), {"ARC2"})) == []


@pytest.mark.parametrize(("code", "mutate", "expected"), [pytest.param(c, m, e, id=f"{c}-{n}") for c, n, m, e in BROKEN])
def test_rule_fires_on_a_broken_example(code: str, mutate: Callable[[dict[str, Any]], None], expected: list[tuple[str, str]]) -> None:
    assert summary(lint(load_example(mutate), {code})) == expected


def test_egress_finding_carries_the_whole_path() -> None:
    found = lint(load_example(set_field("PUB_1B", "default_route", None)), {"ARC201"})
    first = found[0]
    assert first.message == "private subnet 'PRIV_1B' has no egress path: subnet 'PUB_1B' (where NAT gateway 'NAT_B' sits) has no default_route"
    assert [format_path(p) for p in first.related] == [
        "resources.PRIV_1B", "resources.PRIV_1B.default_route", "resources.NAT_B", "resources.NAT_B.subnet", "resources.PUB_1B",
    ]
    assert first.position is not None and first.position.file.endswith("production.yaml")
