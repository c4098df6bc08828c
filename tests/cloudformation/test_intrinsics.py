"""Intrinsic functions: what they reference, and what resolves statically (the rest stays `Unresolved`)."""

from __future__ import annotations

from typing import Any

import pytest

from archc.cloudformation.intrinsics import Resolver, ResourceRef, Unresolved, function_of, references, unknown_functions

PARAMS = {"Stage": {"Type": "String", "Default": "prod"}, "Password": {"Type": "String"},
          "Zones": {"Type": "CommaDelimitedList", "Default": "a, b"}}
MAPPINGS = {"Size": {"prod": {"Memory": 1024}, "dev": {"Memory": 128}}}
CONDITIONS = {"IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}, "HasPassword": {"Fn::Not": [{"Fn::Equals": [{"Ref": "Password"}, ""]}]}}


def resolver(**pseudo: str) -> Resolver:
    return Resolver(PARAMS, MAPPINGS, CONDITIONS, {"Bucket", "Fn"}, {k.replace("_", "::"): v for k, v in pseudo.items()})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"Ref": "Stage"}, "prod"),
        ({"Ref": "Bucket"}, ResourceRef("Bucket")),
        ({"Fn::GetAtt": ["Fn", "Arn"]}, ResourceRef("Fn", "Arn")),
        ({"Ref": "AWS::Partition"}, "aws"),
        ({"Fn::Sub": "${Stage}-x-${!Literal}"}, "prod-x-${Literal}"),
        ({"Fn::Sub": ["${A}/${Stage}", {"A": "v"}]}, "v/prod"),
        ({"Fn::Join": ["-", ["a", {"Ref": "Stage"}]]}, "a-prod"),
        ({"Fn::Select": [1, {"Ref": "Zones"}]}, "b"),
        ({"Fn::Split": [",", "x,y"]}, ["x", "y"]),
        ({"Fn::FindInMap": ["Size", {"Ref": "Stage"}, "Memory"]}, 1024),
        ({"Fn::If": ["IsProd", 14, 7]}, 14),
        ({"Fn::Or": [{"Condition": "IsProd"}, False]}, True),
        ({"Key": [{"Ref": "Stage"}]}, {"Key": ["prod"]}),
    ],
)
def test_static_resolution(value: Any, expected: Any) -> None:
    assert resolver().resolve(value) == expected


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ({"Ref": "Password"}, "parameter Password"),
        ({"Ref": "AWS::AccountId"}, "AWS::AccountId"),
        ({"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:root"}, "Sub arn:aws:iam::${AWS::AccountId}:root"),
        ({"Fn::If": ["HasPassword", 1, 2]}, "condition HasPassword (parameter Password)"),
        ({"Fn::ImportValue": "shared"}, "import shared"),
        ({"Fn::GetAZs": ""}, "GetAZs"),
    ],
)
def test_unresolved_says_why(value: Any, why: str) -> None:
    out = resolver().resolve(value)
    assert isinstance(out, Unresolved)
    assert out.why == why


def test_pseudo_parameters_given_resolve() -> None:
    r = resolver(AWS_AccountId="123456789012", AWS_Region="eu-west-1")
    assert r.resolve({"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:root"}) == "arn:aws:iam::123456789012:root"
    assert r.resolve({"Ref": "AWS::Region"}) == "eu-west-1"


def test_references_find_ref_getatt_and_sub() -> None:
    value = {"A": {"Ref": "X"}, "B": [{"Fn::GetAtt": ["Y", "Arn"]}], "C": {"Fn::Sub": ["${Z.Arn}/${W}/${local}", {"local": {"Ref": "V"}}]}}
    found = sorted((t, a) for t, a, _p in references(value))
    assert found == [("V", None), ("W", None), ("X", None), ("Y", "Arn"), ("Z", "Arn")]


def test_function_of_and_unknown_functions() -> None:
    assert function_of({"Ref": "X"}) == "Ref"
    assert function_of({"Ref": "X", "Other": 1}) is None
    assert function_of("Ref") is None
    assert list(unknown_functions({"a": [{"Fn::Frobnicate": 1}, {"Fn::Sub": "x"}]})) == [("Fn::Frobnicate", ("a", 0, "Fn::Frobnicate"))]


def test_circular_condition_is_unresolved_not_a_recursion_error() -> None:
    r = Resolver({}, {}, {"A": {"Condition": "B"}, "B": {"Condition": "A"}}, set())
    assert isinstance(r.condition("A"), Unresolved)
