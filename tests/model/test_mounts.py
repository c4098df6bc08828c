"""What a function or a task mounts: the access point and path it gets, read-only or not, and which
mount paths the model refuses (at the key, before any rule runs)."""

from __future__ import annotations

import pytest

from archc.diagnostics import ModelError
from archc.model.loader import load_text
from archc.model.mounts import Mount, mounting_connections, resolve

HEAD = 'archc: 1\naccounts:\n  main: {id: "111111111111", name: Main, region: us-west-2}\n'
MODEL = HEAD + """\
resources:
  role: {type: iam_role}
  exec: {type: iam_role}
  fn: {type: lambda_function, role: role}
  task:
    type: ecs_task_definition
    execution_role: exec
    task_role: role
    mounts: [{file_system: media, access_point: thumbs, path: /mnt/t}]
  svc: {type: ecs_service, task_definition: task}
  admin: {type: iam_role}
  media: {type: efs_file_system, access_points: [{name: originals, path: /o}, {name: thumbs, path: /t}]}
  models: {type: efs_file_system, access_points: [{name: onnx, path: /onnx}]}
connections:
  - {from: fn, to: models, verb: read}
  - {from: svc, to: media, verb: read}
  - {from: task, to: media, verb: write}
  - {from: task, to: models, verb: read}
  - {from: admin, to: models, verb: read_write}
  - {from: fn, to: models, verb: write}
"""


def test_mounts_come_from_the_connections_of_the_compute_and_of_the_services_running_it() -> None:
    arch = load_text(MODEL, "m.yaml").architecture
    asked = mounting_connections(arch)
    assert asked == {"fn": [0, 5], "task": [1, 2, 3]}  # a role mounts nothing


def test_the_only_access_point_at_mnt_its_name_or_the_named_one_at_the_given_path_read_write_with_any_write_verb() -> None:
    arch = load_text(MODEL, "m.yaml").architecture
    asked = mounting_connections(arch)
    assert resolve(arch, "fn", asked["fn"]) == ([Mount("models", "onnx", "/mnt/onnx", True, 0)], [])
    assert resolve(arch, "task", asked["task"]) == ([Mount("media", "thumbs", "/mnt/t", True, 1),
                                                     Mount("models", "onnx", "/mnt/onnx", False, 3)], [])


@pytest.mark.parametrize("path", ["/data", "/mnt/", "/mnt/a/b", "mnt/a", "/mnt/a b", "/mnt/" + "a" * 160])
def test_a_mount_path_is_one_directory_under_mnt(path: str) -> None:
    text = HEAD + f"resources:\n  role: {{type: iam_role}}\n  fn: {{type: lambda_function, role: role, mounts: [{{file_system: fs, path: '{path}'}}]}}\n" \
        "  fs: {type: efs_file_system}\n"
    with pytest.raises(ModelError) as err:
        load_text(text, "m.yaml")
    (d,) = err.value.diagnostics
    assert d.path[-3:] == ("mounts", 0, "path") and d.position is not None and (d.position.file, d.position.line) == ("m.yaml", 6)


def test_a_mount_names_a_file_system() -> None:
    text = HEAD + "resources:\n  role: {type: iam_role}\n  fn: {type: lambda_function, role: role, mounts: [{file_system: role}]}\n"
    with pytest.raises(ModelError, match="file_system"):
        load_text(text, "m.yaml")
