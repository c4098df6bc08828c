"""ElastiCache: what the model refuses, and why; the secure defaults."""

from __future__ import annotations

import pytest

from archc.diagnostics import ModelError
from archc.model.loader import load_text

HEAD = 'archc: 1\naccounts:\n  main: {id: "111111111111", name: Main, region: us-west-2}\nresources:\n'


@pytest.mark.parametrize(("resource", "message"), [
    ("{type: elasticache, encryption_in_transit: false}", "a serverless cache is always encrypted"),
    ("{type: elasticache, encryption_at_rest: false}", "a serverless cache is always encrypted"),
    ("{type: elasticache, replicas: 2}", "replicas apply to mode: replication_group only"),
    ("{type: elasticache, mode: replication_group, max_data_gb: 5}", "max_data_gb apply to mode: serverless only"),
    ("{type: elasticache, mode: replication_group, replicas: 0}", "multi_az needs at least one replica"),
    ("{type: elasticache, mode: replication_group, encryption_in_transit: false}", "IAM authentication needs encryption_in_transit"),
    ("{type: elasticache, engine: memcached}", "engine"),
    ("{type: elasticache, engine_version: latest}", "engine_version"),
    ("{type: elasticache, mode: replication_group, node_type: m5.large}", "node_type"),
    ("{type: elasticache, snapshot_retention_days: 36}", "snapshot_retention_days"),
])
def test_refused_with_the_reason(resource: str, message: str) -> None:
    with pytest.raises(ModelError) as err:
        load_text(HEAD + "  r: " + resource + "\n", "m.yaml")
    assert message in str(err.value) + " ".join(f"{d.message} {d.path}" for d in err.value.diagnostics)


def test_defaults_are_the_secure_ones() -> None:
    cache = load_text(HEAD + "  c: {type: elasticache}\n", "m.yaml").architecture.resources["c"]
    assert (cache.engine, cache.mode, cache.encryption_at_rest, cache.encryption_in_transit, cache.iam_auth) == ("valkey", "serverless", True, True, True)
    assert (cache.snapshot_retention_days, cache.replicas, cache.multi_az) == (7, 1, True)
