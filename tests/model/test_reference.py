"""docs/reference/ is generated from the model classes, complete, and not stale."""

from __future__ import annotations

from pathlib import Path

import pytest

from archc.catalog import TYPES
from archc.model import reference
from archc.model.resources import RESOURCE_CLASSES

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "reference"


def test_committed_reference_is_up_to_date() -> None:
    assert reference.stale(str(COMMITTED)) == [], "docs/reference/ is stale: run `python -m archc.model.reference`"


def test_one_page_per_type_and_an_index() -> None:
    pages = reference.generate()
    assert set(pages) == {f"{t}.md" for t in RESOURCE_CLASSES} | {"README.md"}
    for text in pages.values():
        assert text.split("\n", 1)[0] == reference.GENERATED
    for rtype in RESOURCE_CLASSES:
        assert f"| [`{rtype}`]({rtype}.md) |" in pages["README.md"]


@pytest.mark.parametrize("rtype", sorted(RESOURCE_CLASSES))
def test_a_page_has_every_field_what_it_compiles_to_and_an_example(rtype: str) -> None:
    page = reference.type_page(rtype)
    cls = RESOURCE_CLASSES[rtype]
    for name, info in cls.model_fields.items():
        if name in reference.BASE_FIELDS or name == "type":
            continue
        assert f"| `{info.alias or name}` |" in page, name
    for cfn in TYPES[rtype].cfn_types:
        assert f"`{cfn}`" in page
    assert f"```yaml\nresources:\n  my_{rtype}:\n    type: {reference.type_value(rtype)}\n" in page
    cls.model_validate(reference.resource_example(rtype))  # the example is a valid resource


def test_every_field_row_has_a_description() -> None:
    for name, text in reference.generate().items():
        for line in text.splitlines():
            if line.startswith("| `") and line.count("|") == 5:
                assert not line.rstrip().endswith("|  |"), f"{name}: {line}"


def test_types_in_words() -> None:
    page = reference.type_page("subnet")
    assert "| `vpc` | id of a `vpc` | **required** |" in page
    assert "| `cidr` | IPv4 CIDR, e.g. `10.0.0.0/16` | **required** |" in page
    assert "| `default_route` | id of a `internet_gateway` or a `nat_gateway` | none |" in page
    lam = reference.type_page("lambda_function")
    assert "| `memory_mb` | integer 128–10240 | `512` |" in lam
    assert "| `role` | id of a `iam_role` | needed to build |" in lam


def test_check_mode(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "reference"
    assert reference.main(["--check", str(target)]) == 1
    assert reference.main([str(target)]) == 0
    assert reference.main(["--check", str(target)]) == 0
    (target / "vpc.md").write_text("edited\n", encoding="utf-8")
    (target / "gone.md").write_text("a type that no longer exists\n", encoding="utf-8")
    assert reference.main(["--check", str(target)]) == 1
    assert "(gone.md, vpc.md): run `python -m archc.model.reference`" in capsys.readouterr().err
    assert reference.main([str(target)]) == 0
    assert not (target / "gone.md").exists() and reference.main(["--check", str(target)]) == 0
