"""Data-protection rules firing on broken copies of the Sagebrush example."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.rules.support import both, connection_index, lint, load_example, remove_connection, set_field, summary, unsuppress

BROKEN: list[tuple[str, str, Callable[[dict[str, Any]], None], list[tuple[str, str]]]] = [
    ("ARC401", "Aurora and the jobs queue unencrypted",
     both(set_field("RDS", "storage_encrypted", False), set_field("JOBS", "encrypted", False)),
     [("ARC401", "resources.JOBS.encrypted"), ("ARC401", "resources.RDS.storage_encrypted")]),
    ("ARC402", "the assets bucket's reasoned suppression removed", unsuppress("S3_ASSETS", "ARC402"), [("ARC402", "resources.S3_ASSETS.public")]),
    ("ARC402", "the uploads bucket made public", set_field("S3_UPLOADS", "public", True), [("ARC402", "resources.S3_UPLOADS.public")]),
    ("ARC403", "three days of backups", set_field("RDS", "backup_retention_days", 3), [("ARC403", "resources.RDS.backup_retention_days")]),
    ("ARC404", "the backups bucket (replication source and destination) unversioned", set_field("S3_BACKUPS", "versioning", False),
     [("ARC404", "resources.S3_BACKUPS.versioning")]),
    ("ARC404", "the Iceberg bucket unversioned", set_field("HK_ICEBERG", "versioning", False), [("ARC404", "resources.HK_ICEBERG.versioning")]),
    ("ARC405", "the assets bucket's SSE-S3 suppression removed", unsuppress("S3_ASSETS", "ARC405"),
     [("ARC405", "resources.S3_ASSETS")]),
    ("ARC405", "the Iceberg bucket falls back to the AWS-managed key", set_field("HK_ICEBERG", "kms_key", None),
     [("ARC405", "resources.HK_ICEBERG")]),
    ("ARC406", "Aurora without deletion protection", set_field("RDS", "deletion_protection", False), [("ARC406", "resources.RDS.deletion_protection")]),
    ("ARC407", "uploads reach us-east-1 only through the backups bucket, as the page draws it",
     remove_connection("S3_UPLOADS", "S3_BACKUPS_DR"), [("ARC407", f"connections[{connection_index('S3_BACKUPS', 'S3_BACKUPS_DR')}]")]),
]


def test_the_example_passes_every_data_rule() -> None:
    assert summary(lint(load_example(), {"ARC4"})) == []


@pytest.mark.parametrize(("code", "mutate", "expected"), [pytest.param(c, m, e, id=f"{c}-{n}") for c, n, m, e in BROKEN])
def test_rule_fires_on_a_broken_example(code: str, mutate: Callable[[dict[str, Any]], None], expected: list[tuple[str, str]]) -> None:
    assert summary(lint(load_example(mutate), {code})) == expected


def test_versioning_severity_depends_on_replication() -> None:
    found = lint(load_example(both(set_field("S3_BACKUPS", "versioning", False), set_field("HK_ICEBERG", "versioning", False))), {"ARC404"})
    assert [(d.path[1], d.severity) for d in found] == [("HK_ICEBERG", "warning"), ("S3_BACKUPS", "error")]
    into, out = connection_index("S3_UPLOADS", "S3_BACKUPS") + 1, connection_index("S3_BACKUPS", "S3_BACKUPS_DR") + 1
    assert f"is the source and destination of replication (connections #{into}, #{out})" in found[1].message
