"""Access rules firing on broken copies of the Sagebrush example; the reach rules report whole paths."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from archc.diagnostics import format_path
from tests.rules.support import add_connection, connection_count, connection_index, lint, load_example, set_field, summary

NEW = connection_count()  # the index of a connection appended to the example
HK_ASSUME = connection_index("HK_ROLE", "ROLE_READ")

BROKEN: list[tuple[str, str, Callable[[dict[str, Any]], None], list[tuple[str, str]]]] = [
    ("ARC301", "users read the uploads bucket directly", add_connection(**{"from": "USERS", "to": "S3_UPLOADS", "verb": "read"}),
     # replication carries what users write on to the backups: those are reached too
     [("ARC301", "resources.S3_BACKUPS"), ("ARC301", "resources.S3_BACKUPS_DR"), ("ARC301", "resources.S3_UPLOADS")]),
    ("ARC301", "API clients invoke the API handler around WAF and API Gateway: everything behind it is exposed",
     add_connection(**{"from": "API_CLIENTS", "to": "LAMBDA_API", "verb": "invoke"}),
     [("ARC301", f"resources.{rid}") for rid in ("RDS", "RDS_REPLICA", "S3_BACKUPS", "S3_BACKUPS_DR", "S3_UPLOADS", "SECRETS")]),
    ("ARC302", "the log aggregator reads production's uploads itself", add_connection(**{"from": "HK_LAMBDA", "to": "S3_UPLOADS", "verb": "read"}),
     [("ARC302", f"connections[{NEW}]")]),
    ("ARC303", "the log aggregator reads production's uploads itself", add_connection(**{"from": "HK_LAMBDA", "to": "S3_UPLOADS", "verb": "read"}),
     [("ARC303", f"connections[{NEW}]")]),
    ("ARC303", "Housekeeping assumes another production role", add_connection(**{"from": "HK_ROLE", "to": "ROLE_TASK", "verb": "assume_role"}),
     [("ARC303", f"connections[{NEW}]")]),
    ("ARC304", "ProductionReadRole may write the uploads", add_connection(**{"from": "ROLE_READ", "to": "S3_UPLOADS", "verb": "write"}),
     [("ARC304", f"connections[{NEW}]")]),
    ("ARC305", "ProductionReadRole no longer trusts the Housekeeping role", set_field("ROLE_READ", "assumable_by", []),
     [("ARC305", f"connections[{HK_ASSUME}]")]),
]


def test_the_example_passes_every_access_rule() -> None:
    assert summary(lint(load_example(), {"ARC3"})) == []


@pytest.mark.parametrize(("code", "mutate", "expected"), [pytest.param(c, m, e, id=f"{c}-{n}") for c, n, m, e in BROKEN])
def test_rule_fires_on_a_broken_example(code: str, mutate: Callable[[dict[str, Any]], None], expected: list[tuple[str, str]]) -> None:
    assert summary(lint(load_example(mutate), {code})) == expected


def test_reach_through_the_allowed_role_is_fine_but_a_hop_through_production_is_not() -> None:
    # Housekeeping → JOBS (a production queue) → LAMBDA_WORKER → … : reported once, where it enters production
    found = lint(load_example(add_connection(**{"from": "HK_LAMBDA", "to": "JOBS", "verb": "send"})), {"ARC303"})
    assert [(d.code, format_path(d.path), d.message) for d in found] == [(
        "ARC303", f"connections[{NEW}]",
        "account 'housekeeping' reaches 'JOBS' of account 'production' by HK_LAMBDA → JOBS; it may reach only ROLE_READ there",
    )]
    assert [format_path(p) for p in found[0].related] == ["resources.HK_LAMBDA", f"connections[{NEW}]", "resources.JOBS"]


def test_reach_through_a_third_account_reports_every_hop() -> None:
    def mutate(data: dict[str, Any]) -> None:
        data["housekeeping.yaml"]["resources"]["HK_TOOL"] = {"type": "iam_role", "account": "management", "assumable_by": ["HK_ROLE"]}
        data["housekeeping.yaml"]["connections"] += [
            {"from": "HK_ROLE", "to": "HK_TOOL", "verb": "assume_role"},
            {"from": "HK_TOOL", "to": "SECRETS", "verb": "read"},
        ]

    found = lint(load_example(mutate), {"ARC303"})
    # housekeeping.yaml's connections come first: the two new ones are #4 and #5. Management may
    # reach only R53_ZONE in production, so the role placed there breaks its boundary too.
    assert [(d.code, format_path(d.path), d.message) for d in found] == [
        ("ARC303", "connections[5]",
         "account 'housekeeping' reaches 'SECRETS' of account 'production' by HK_ROLE → HK_TOOL → SECRETS; it may reach only ROLE_READ there"),
        ("ARC303", "connections[5]",
         "account 'management' reaches 'SECRETS' of account 'production' by HK_TOOL → SECRETS; it may reach only R53_ZONE there"),
    ]
    assert [format_path(p) for p in found[0].related] == [
        "resources.HK_ROLE", "connections[4]", "resources.HK_TOOL", "connections[5]", "resources.SECRETS",
    ]


def test_exposure_finding_carries_the_whole_path() -> None:
    found = lint(load_example(add_connection(**{"from": "API_CLIENTS", "to": "LAMBDA_API", "verb": "invoke"})), {"ARC301"})
    backups = next(d for d in found if d.path == ("resources", "S3_BACKUPS"))
    assert backups.message.endswith("API_CLIENTS → LAMBDA_API → S3_UPLOADS → S3_BACKUPS")
    assert [format_path(p) for p in backups.related] == [
        "resources.API_CLIENTS", f"connections[{NEW}]", "resources.LAMBDA_API", f"connections[{connection_index('LAMBDA_API', 'S3_UPLOADS')}]",
        "resources.S3_UPLOADS", f"connections[{connection_index('S3_UPLOADS', 'S3_BACKUPS')}]", "resources.S3_BACKUPS",
    ]
