"""Kinesis streams and ECR repositories: what the model refuses, and why."""

from __future__ import annotations

import pytest

from archc.diagnostics import ModelError
from archc.model.loader import load_text

HEAD = 'archc: 1\naccounts:\n  main: {id: "111111111111", name: Main, region: us-west-2}\nresources:\n'


@pytest.mark.parametrize(("resource", "message"), [
    ("{type: kinesis_stream, mode: provisioned}", "provisioned mode needs shards"),
    ("{type: kinesis_stream, shards: 2}", "shards apply to mode: provisioned only"),
    ("{type: kinesis_stream, retention_hours: 12}", "retention_hours"),
    ("{type: ecr_repository, repository_name: Shop/API}", "repository_name"),
])
def test_refused_with_the_reason(resource: str, message: str) -> None:
    with pytest.raises(ModelError) as err:
        load_text(HEAD + "  r: " + resource + "\n", "m.yaml")
    assert message in str(err.value) + " ".join(f"{d.message} {d.path}" for d in err.value.diagnostics)


def test_defaults() -> None:
    arch = load_text(HEAD + "  s: {type: kinesis_stream}\n  r: {type: ecr_repository}\n", "m.yaml").architecture
    assert (arch.resources["s"].mode, arch.resources["s"].retention_hours) == ("on_demand", 24)
    assert (arch.resources["r"].immutable_tags, arch.resources["r"].scan_on_push, arch.resources["r"].keep_images) == (True, True, 50)
