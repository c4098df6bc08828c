"""Alarms: every signal the catalogue offers (`ALARM_METRICS`, what lint accepts) is an alarm the
build makes, on the metric the catalogue names."""

from __future__ import annotations

from typing import Any

import pytest

from archc.catalog import ALARM_METRICS, ALARM_SIGNALS, TARGET_GROUP_METRICS
from archc.compiler.build import compile_model
from archc.model.loader import LoadedModel
from tests.compiler.helpers import all_resources
from tests.rules.support import lint, load_example

# One resource of each type archc alarms on, in the seed's production account (ECS_SERVICE is behind
# the load balancer ALB, so it offers its targets' signals too).
MONITORED = {"lambda_function": "LAMBDA_API", "ecs_service": "ECS_SERVICE", "load_balancer": "ALB", "api_gateway": "APIGW",
             "aurora_cluster": "RDS", "sqs_queue": "JOBS"}


def _offered(rtype: str) -> dict[str, Any]:
    return {**ALARM_METRICS[rtype], **(TARGET_GROUP_METRICS if rtype == "ecs_service" else {})}


def _probe(data: dict[str, Any]) -> None:
    resources = data["production.yaml"]["resources"]
    for rtype, rid in MONITORED.items():
        assert resources[rid]["type"] == rtype
        resources[f"PROBE_{rid}"] = {"type": "alarm", "monitors": [rid], "signals": sorted(_offered(rtype))}


@pytest.fixture(scope="module")
def probed() -> tuple[LoadedModel, dict[str, Any]]:
    """The seed with one alarm on each resource of `MONITORED`, watching every signal it offers; its resources when built."""
    loaded = load_example(_probe)
    return loaded, all_resources(compile_model(loaded.architecture))


def test_every_monitored_type_of_the_catalogue_has_a_resource_here() -> None:
    assert set(MONITORED) == set(ALARM_SIGNALS)


def test_every_signal_lint_accepts_is_an_alarm_on_the_catalogues_metric(probed: tuple[LoadedModel, dict[str, Any]]) -> None:
    loaded, resources = probed
    assert [d for d in lint(loaded) if d.code == "ARC505" and "PROBE_" in str(d.path)] == []
    for rtype, rid in MONITORED.items():
        alarms = {r["Properties"]["AlarmDescription"].split(":")[0]: r["Properties"] for lid, r in resources.items()
                  if r["Type"] == "AWS::CloudWatch::Alarm" and lid.startswith(f"Probe{rid.title().replace('_', '')}")}
        assert sorted(alarms) == sorted(f"{rid} {signal}" for signal in _offered(rtype)), rtype
        for signal, metric in _offered(rtype).items():
            props = alarms[f"{rid} {signal}"]
            assert (props["Namespace"], props["MetricName"]) == (metric.namespace, metric.metric)
            assert props["ComparisonOperator"] == ("LessThanThreshold" if metric.below else "GreaterThanOrEqualToThreshold")


def test_a_threshold_per_field_scales_with_the_resource(probed: tuple[LoadedModel, dict[str, Any]]) -> None:
    loaded, resources = probed
    timeout = loaded.architecture.resources["LAMBDA_API"].timeout_seconds  # type: ignore[union-attr]
    latency = next(r["Properties"] for r in resources.values()
                   if r["Type"] == "AWS::CloudWatch::Alarm" and r["Properties"]["AlarmDescription"].startswith("LAMBDA_API latency"))
    assert latency["Threshold"] == ALARM_METRICS["lambda_function"]["latency"].threshold * timeout
