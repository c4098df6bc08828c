"""Rule records, docstring sections and the context's views."""

from __future__ import annotations

from typing import Any

import pytest

from archc.model.resources import IamRole, KmsKey, S3Bucket
from archc.rules.base import Finding, Rule, RuleContext, parse_sections, path_related, type_name
from tests.rules.support import load_snippet


def _documented(ctx: RuleContext) -> list[Finding]:
    """Summary line.

    What it checks:
        Something,
        over two lines.

    Why it matters:
        Because.

    Example:
        resources:
          a: {type: kms_key}

    Fix:
        Do it.
    """
    return []


def test_sections_keep_the_example_indentation() -> None:
    rule = Rule("ARC199", "model.test", "info", _documented)
    assert rule.summary == "Summary line."
    assert rule.area == "model"
    assert rule.sections() == {
        "What it checks": "Something,\nover two lines.",
        "Why it matters": "Because.",
        "Example": "resources:\n  a: {type: kms_key}",
        "Fix": "Do it.",
    }


def test_a_heading_must_start_at_the_margin() -> None:
    assert parse_sections("Summary.\n\n  Fix:\n    indented, so not a heading\n") == {}


def _ctx() -> RuleContext:
    model = """
resources:
  role: {type: iam_role}
  fn: {type: lambda_function, role: role}
  bucket: {type: s3_bucket}
  users: {type: external}
connections:
  - {from: fn, to: bucket, verb: write}
  - {from: fn, to: bucket, verb: read}
"""
    return RuleContext(load_snippet(model).architecture)


def test_edge_path_prefers_the_first_connection_and_filters_verbs() -> None:
    ctx = _ctx()
    assert ctx.edge_path("fn", "bucket") == ("connections", 0)
    assert ctx.edge_path("fn", "bucket", verbs=["read"]) == ("connections", 1)
    assert ctx.edge_path("fn", "role", kinds=("role_use",)) == ("resources", "fn", "role")
    assert ctx.edge_path("bucket", "fn") is None


def test_indexes() -> None:
    ctx = _ctx()
    assert [rid for rid, _ in ctx.of_type(S3Bucket, IamRole)] == ["bucket", "role"]
    assert [rid for rid, _ in ctx.of_type(KmsKey)] == []
    assert [i for i, _ in ctx.connections_from["fn"]] == [0, 1]
    assert dict(ctx.roles_used_by) == {"fn": ["role"]}
    assert ctx.account("fn") == "main"
    assert ctx.account("users") is None  # externals belong to no account


def test_path_related_interleaves_nodes_and_edges() -> None:
    ctx: Any = None
    assert path_related(ctx, ["a", "b", "c"], [("connections", 0), None]) == (
        ("resources", "a"), ("connections", 0), ("resources", "b"), ("resources", "c"),
    )


def test_typed_lookup_by_id() -> None:
    ctx = _ctx()
    role = ctx.get("role", IamRole)
    assert isinstance(role, IamRole) and role is ctx.resources["role"]
    with pytest.raises(TypeError, match="resource 'bucket' is of type s3_bucket, not iam_role"):
        ctx.get("bucket", IamRole)
    assert type_name(S3Bucket) == "s3_bucket"
