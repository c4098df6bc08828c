"""DynamoDB tables: what the model accepts and the clear errors it gives."""

from __future__ import annotations

import pytest

from archc.diagnostics import ModelError
from archc.model.loader import load_text
from archc.model.resources import DynamoDbTable

HEAD = """archc: 1
accounts:
  main: {id: "111111111111", name: Main, region: us-west-2}
resources:
"""


def _load(table: str) -> DynamoDbTable:
    res = load_text(HEAD + "  t: " + table + "\n", "m.yaml").architecture.resources["t"]
    assert isinstance(res, DynamoDbTable)
    return res


def test_defaults_are_the_secure_ones() -> None:
    t = _load("{type: dynamodb_table, partition_key: {name: pk}}")
    assert t.partition_key is not None and t.partition_key.type == "S"
    assert (t.billing_mode, t.point_in_time_recovery, t.deletion_protection, t.stream, t.kms_key) == ("on_demand", True, True, None, None)


def test_every_field_loads() -> None:
    t = _load("{type: dynamodb_table, table_name: orders, partition_key: {name: pk, type: N}, sort_key: {name: sk, type: B}, "
              "billing_mode: provisioned, read_capacity: 5, write_capacity: 3, ttl_attribute: exp, stream: keys_only, "
              "table_class: standard_infrequent_access, indexes: [{name: gsi1, partition_key: {name: g}, projection: keys_only, "
              "read_capacity: 1, write_capacity: 1}]}")
    assert t.indexes[0].name == "gsi1" and t.read_capacity == 5 and t.stream == "keys_only"


def test_a_sketch_without_a_partition_key_loads() -> None:
    assert _load("{type: dynamodb_table}").partition_key is None


@pytest.mark.parametrize(("table", "message"), [
    ("{type: dynamodb_table, partition_key: {name: pk}, billing_mode: provisioned, read_capacity: 5}",
     "provisioned billing needs read_capacity and write_capacity"),
    ("{type: dynamodb_table, partition_key: {name: pk}, read_capacity: 5}", "apply to billing_mode: provisioned only"),
    ("{type: dynamodb_table, partition_key: {name: pk}, indexes: [{name: gsi, partition_key: {name: g}, write_capacity: 1}]}",
     "index 'gsi': read_capacity and write_capacity apply to billing_mode: provisioned only"),
    ("{type: dynamodb_table, partition_key: {name: pk}, indexes: [{name: gsi, partition_key: {name: g}}, {name: gsi, partition_key: {name: h}}]}",
     "index names must be unique: gsi"),
    ("{type: dynamodb_table, partition_key: {name: pk}, indexes: [{name: gsi, partition_key: {name: pk, type: N}}]}",
     "key attribute 'pk' is declared both S and N"),
    ("{type: dynamodb_table, partition_key: {name: pk}, sort_key: {name: pk}}", "sort_key must be a different attribute"),
    ("{type: dynamodb_table, partition_key: {name: pk}, stream: everything}", "stream"),
    ("{type: dynamodb_table, partition_key: {name: pk, type: X}}", "partition_key.type"),
])
def test_inconsistent_tables_are_refused_with_the_reason(table: str, message: str) -> None:
    with pytest.raises(ModelError) as err:
        _load(table)
    text = str(err.value) + " ".join(f"{d.message} {d.path}" for d in err.value.diagnostics)
    assert message in text
