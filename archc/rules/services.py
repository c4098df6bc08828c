"""Rules for the service families beyond the seed's (DynamoDB, …): backups and protection of their
data stores. Codes continue the areas' numbering (ARC4xx data protection)."""

from __future__ import annotations

from collections.abc import Iterator

from archc.rules.base import Finding, Rule, RuleContext, resource_path


def table_point_in_time_recovery(ctx: RuleContext) -> Iterator[Finding]:
    """DynamoDB tables keep point-in-time recovery on.

    What it checks:
        Every `dynamodb_table` with `point_in_time_recovery: false`.

    Why it matters:
        Point-in-time recovery is DynamoDB's continuous backup: a table can be restored to any
        second of the last 35 days. Without it, an overwrite or a bad deploy that rewrites items
        is unrecoverable unless someone took an on-demand backup just before.

    Example:
        resources:
          orders: {type: dynamodb_table, partition_key: {name: pk}, point_in_time_recovery: false}

    Fix:
        Remove `point_in_time_recovery: false` (recovery is on by default), or suppress ARC408 on
        a table that only holds data rebuilt from elsewhere (a cache, a projection), saying so.
    """
    for rid, table in ctx.of_type("dynamodb_table"):
        if not table.point_in_time_recovery:
            yield Finding(f"table '{rid}' has no point-in-time recovery", resource_path(rid, "point_in_time_recovery"),
                          "set `point_in_time_recovery: true`")


def table_deletion_protection(ctx: RuleContext) -> Iterator[Finding]:
    """DynamoDB tables keep deletion protection on.

    What it checks:
        Every `dynamodb_table` with `deletion_protection: false`.

    Why it matters:
        A deleted table takes its items with it, and with them the point-in-time recovery
        window's continuity. Deletion protection makes `DeleteTable` fail until someone turns it
        off on purpose, so a console slip or a script cannot do it.

    Example:
        resources:
          orders: {type: dynamodb_table, partition_key: {name: pk}, deletion_protection: false}

    Fix:
        Remove `deletion_protection: false` (it is on by default), or suppress ARC409 on a
        scratch table with the reason.
    """
    for rid, table in ctx.of_type("dynamodb_table"):
        if not table.deletion_protection:
            yield Finding(f"table '{rid}' has no deletion protection", resource_path(rid, "deletion_protection"),
                          "set `deletion_protection: true`")


RULES: list[Rule] = [
    Rule("ARC408", "data.table-point-in-time-recovery", "warning", table_point_in_time_recovery),
    Rule("ARC409", "data.table-deletion-protection", "warning", table_deletion_protection),
]
