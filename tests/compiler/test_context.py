"""archc.compiler.context: typed access to the model, frozen asks."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from archc.compiler.context import AsksBuilder, Context, SgRule, Statement, need
from archc.model.loader import load_texts
from archc.model.resources import KmsKey, S3Bucket
from tests.compiler.helpers import BASE, model_text


def _ctx() -> Context:
    text = model_text("  b: {type: s3_bucket}\n  a: {type: s3_bucket}\n  k: {type: kms_key}\n")
    return Context(load_texts([("model.yaml", BASE), ("main.yaml", text)]).architecture)


def test_get_is_typed_and_refuses_another_type() -> None:
    ctx = _ctx()
    assert isinstance(ctx.get("a", S3Bucket), S3Bucket)
    with pytest.raises(TypeError, match="resource 'k' \\(kms_key\\) is not a s3_bucket"):
        ctx.get("k", S3Bucket)


def test_of_type_lists_ids_in_order() -> None:
    ctx = _ctx()
    assert [rid for rid, _ in ctx.of_type(S3Bucket)] == ["a", "b"]
    assert [rid for rid, _ in ctx.of_type(KmsKey)] == ["k"]


def test_need() -> None:
    assert need("x") == "x"
    with pytest.raises(TypeError):
        need(None)


def test_asks_drop_duplicates_and_are_frozen() -> None:
    ctx = _ctx()
    ctx.sg["a"] = "ASecurityGroup"
    ask = AsksBuilder(ctx)
    stmt = Statement("S", ("s3:GetObject",), ["arn"])
    ask.grant("role", stmt)
    ask.grant("role", Statement("Other", ("s3:GetObject",), ["arn"]))  # same effect, actions and resources: dropped
    ask.egress("a", SgRule("out", 443, cidr="0.0.0.0/0"))
    ask.egress("a", SgRule("out", 443, cidr="0.0.0.0/0"))
    ask.egress("b", SgRule("out", 443, cidr="0.0.0.0/0"))  # b has no group: nothing
    ask.key_statement("k", {"Sid": "x"})
    ask.key_statement("k", {"Sid": "x"})
    asks = ask.build()
    assert asks.grants["role"] == (stmt,)
    assert [r.port for r in asks.egress["ASecurityGroup"]] == [443]
    assert asks.key_statements["k"] == ({"Sid": "x"},)
    assert isinstance(asks.grants, MappingProxyType)
    with pytest.raises(TypeError):
        asks.grants["other"] = ()  # type: ignore[index]
    with pytest.raises(AttributeError):
        asks.grants["role"].append(stmt)  # type: ignore[attr-defined]
