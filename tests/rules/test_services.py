"""The service rules agree with the compiler: what ARC505 accepts the build can alarm on."""

from __future__ import annotations

import pytest

from archc.catalog import ALARM_SIGNALS, TARGET_GROUP_SIGNALS
from archc.compiler import monitoring


@pytest.mark.parametrize("rtype", sorted(ALARM_SIGNALS))
def test_the_catalogues_alarm_signals_are_the_compilers(rtype: str) -> None:
    tables = {"lambda_function": monitoring.LAMBDA, "ecs_service": monitoring.ECS, "load_balancer": monitoring.LOAD_BALANCER,
              "api_gateway": monitoring.API, "aurora_cluster": monitoring.AURORA, "sqs_queue": monitoring.QUEUE}
    assert sorted(ALARM_SIGNALS[rtype]) == sorted(tables[rtype])
    assert sorted(TARGET_GROUP_SIGNALS) == sorted(monitoring.TARGETS)
