"""OpenSearch domains: what the model refuses, and why; the secure defaults."""

from __future__ import annotations

import pytest

from archc.diagnostics import ModelError
from archc.model.loader import load_text

HEAD = 'archc: 1\naccounts:\n  main: {id: "111111111111", name: Main, region: us-west-2}\nresources:\n'
NET = """\
  vpc: {type: vpc, cidr: 10.0.0.0/16}
  a: {type: subnet, vpc: vpc, tier: isolated, cidr: 10.0.10.0/24, az: us-west-2a}
  b: {type: subnet, vpc: vpc, tier: isolated, cidr: 10.0.11.0/24, az: us-west-2b}
  c: {type: subnet, vpc: vpc, tier: isolated, cidr: 10.0.12.0/24, az: us-west-2c}
  d: {type: subnet, vpc: vpc, tier: isolated, cidr: 10.0.13.0/24, az: us-west-2d}
"""


@pytest.mark.parametrize(("resource", "message"), [
    ("{type: opensearch_domain, subnets: [a, b, c], instance_count: 2}", "instance_count (2) must be a multiple of the number of subnets (3)"),
    ("{type: opensearch_domain, subnets: [a, b, c, d], instance_count: 4}", "at most three availability zones"),
    ("{type: opensearch_domain, master_instance_type: m7g.large.search}", "master_instance_type applies with dedicated_masters only"),
    ("{type: opensearch_domain, encryption_at_rest: false, kms_key: vpc}", "kms_key"),
    ("{type: opensearch_domain, dedicated_masters: 2}", "dedicated_masters"),
    ("{type: opensearch_domain, engine_version: OpenSearch_2.19}", "engine_version"),
    ("{type: opensearch_domain, instance_type: r7g.large}", "instance_type"),
])
def test_refused_with_the_reason(resource: str, message: str) -> None:
    with pytest.raises(ModelError) as err:
        load_text(HEAD + NET + "  r: " + resource + "\n", "m.yaml")
    assert message in str(err.value) + " ".join(f"{d.message} {d.path}" for d in err.value.diagnostics)


def test_defaults_are_the_secure_ones() -> None:
    d = load_text(HEAD + "  s: {type: opensearch_domain}\n", "m.yaml").architecture.resources["s"]
    assert (d.encryption_at_rest, d.node_to_node_encryption, d.enforce_https, d.kms_key) == (True, True, True, None)
    assert (d.instance_count, d.dedicated_masters, d.engine_version) == (2, 0, "2.19")
