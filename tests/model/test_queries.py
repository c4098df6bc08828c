"""archc.model.queries: the shared answers agree with the catalogue and the model."""

from __future__ import annotations

from archc.catalog import FIELD_RELATIONS, VERBS
from archc.model.architecture import Connection
from archc.model.queries import connections_from, connections_to, fitting_verbs, named, role_fields, roles_of, verb_fits, who
from archc.model.resources import EcsTaskDefinition, LambdaFunction, S3Bucket


def test_who_and_named() -> None:
    assert who("RDS", "aurora_cluster") == "resource 'RDS' (aurora_cluster)"
    assert who("x") == "resource 'x'"
    assert named("RDS", "aurora_cluster") == "'RDS' (aurora_cluster)"


def test_role_fields_come_from_the_catalogue() -> None:
    for (rtype, f), kind in FIELD_RELATIONS.items():
        assert (f in role_fields(rtype)) == (kind == "role_use")
    assert role_fields("ecs_task_definition") == ("execution_role", "task_role")
    assert role_fields("s3_bucket") == ()


def test_roles_of() -> None:
    task = EcsTaskDefinition(type="ecs_task_definition", vcpu=0.25, memory_gib=0.5, execution_role="exec", task_role="app")
    assert roles_of(task) == ["exec", "app"]
    shared = EcsTaskDefinition(type="ecs_task_definition", vcpu=0.25, memory_gib=0.5, execution_role="r", task_role="r")
    assert roles_of(shared) == ["r"]
    assert roles_of(LambdaFunction(type="lambda_function", role="fn_role")) == ["fn_role"]
    assert roles_of(LambdaFunction(type="lambda_function")) == []  # a sketch: ARC115 reports it
    assert roles_of(S3Bucket(type="s3_bucket")) == []


def test_verb_fits_follows_the_catalogue() -> None:
    assert verb_fits("query", "lambda_function", "aurora_cluster")
    assert not verb_fits("query", "lambda_function", "s3_bucket")
    assert not verb_fits("origin", "lambda_function", "s3_bucket")  # sources: cloudfront only
    assert verb_fits("relates", "s3_bucket", "vpc")  # no lists: anything
    for verb in fitting_verbs("lambda_function", "s3_bucket"):
        assert verb_fits(VERBS[verb], "lambda_function", "s3_bucket")
    assert "read" in fitting_verbs("lambda_function", "s3_bucket")
    assert "relates" not in fitting_verbs("lambda_function", "s3_bucket")


def test_connection_indexes() -> None:
    conns = [Connection.model_validate({"from": a, "to": b, "verb": "read"}) for a, b in (("f", "b"), ("g", "b"), ("f", "q"))]
    out, inc = connections_from(conns), connections_to(conns)
    assert [(i, c.target) for i, c in out["f"]] == [(0, "b"), (2, "q")]
    assert [(i, c.source) for i, c in inc["b"]] == [(0, "f"), (1, "g")]
    assert out.get("b") is None
