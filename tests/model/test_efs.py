"""EFS file systems: what the model refuses, and why; the secure defaults."""

from __future__ import annotations

import pytest

from archc.diagnostics import ModelError
from archc.model.loader import load_text

HEAD = 'archc: 1\naccounts:\n  main: {id: "111111111111", name: Main, region: us-west-2}\nresources:\n'


@pytest.mark.parametrize(("resource", "message"), [
    ("{type: efs_file_system, access_points: [{name: a, path: /a}, {name: a, path: /b}]}", "access point names must be unique: a"),
    ("{type: efs_file_system, access_points: [{name: a, path: relative}]}", "path"),
    ("{type: efs_file_system, access_points: [{name: a, path: /a, permissions: '999'}]}", "permissions"),
    ("{type: efs_file_system, infrequent_access_after_days: 3}", "infrequent_access_after_days"),
    ("{type: efs_file_system, throughput_mode: provisioned}", "throughput_mode"),
])
def test_refused_with_the_reason(resource: str, message: str) -> None:
    with pytest.raises(ModelError) as err:
        load_text(HEAD + "  r: " + resource + "\n", "m.yaml")
    assert message in str(err.value) + " ".join(f"{d.message} {d.path}" for d in err.value.diagnostics)


def test_defaults_are_the_secure_ones() -> None:
    fs = load_text(HEAD + "  fs: {type: efs_file_system}\n", "m.yaml").architecture.resources["fs"]
    assert (fs.encrypted, fs.backup, fs.kms_key, fs.access_points) == (True, True, None, [])
    assert (fs.performance_mode, fs.throughput_mode) == ("general_purpose", "elastic")
