"""`archc docs`: page file names are safe whatever the account keys, and the directory is written as a whole."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from archc.cli import main
from archc.emitters.docs import INDEX, MAX_FILE_STEM, page_files
from archc.model.fields import ID_PATTERN


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, list(args))
    return r.exit_code, r.stdout, r.stderr


def model_with(keys: list[str]) -> str:
    accounts = "".join(f"  {k!r}: {{name: A{i}, region: us-east-1}}\n".replace("'", '"') for i, k in enumerate(keys))
    resources = "".join(f"  v{i}: {{type: vpc, cidr: 10.{i}.0.0/16, account: {k!r}}}\n".replace("'", '"') for i, k in enumerate(keys))
    return f"name: t\naccounts:\n{accounts}resources:\n{resources}"


@pytest.mark.parametrize("keys", [["README"], ["readme", "Readme"], ["prod", "Prod", "PROD"], ["a" * 300, "a" * 299 + "b"]])
def test_awkward_keys_get_distinct_safe_pages(keys: list[str], tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(model_with(keys), encoding="utf-8")
    out = tmp_path / "docs"
    code, _, err = run("docs", str(tmp_path / "m.yaml"), "-o", str(out))
    assert code == 0, err
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == len(keys) + 1 and INDEX in names
    assert len({n.casefold() for n in names}) == len(names)
    assert all(len(n) <= MAX_FILE_STEM + 3 for n in names)
    index = (out / INDEX).read_text(encoding="utf-8")
    assert all(f"({n})" in index for n in names if n != INDEX)  # the index links each page
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs", "m.yaml"]


@pytest.mark.parametrize("key", ["../../../x", "/tmp/abs", "a/b", ".."])
def test_keys_that_are_paths_are_refused_at_load_time(key: str, tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(model_with([key]), encoding="utf-8")
    code, _, err = run("docs", str(tmp_path / "m.yaml"), "-o", str(tmp_path / "docs"))
    assert code == 2 and "may use only letters" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.yaml"]


@given(st.lists(st.text(min_size=1, max_size=400), max_size=8, unique=True))
@settings(max_examples=200, deadline=None)
def test_page_files_are_plain_unique_and_short(keys: list[str]) -> None:
    files = page_files(keys)
    names = list(files.values())
    assert set(files) == set(keys)
    assert len({n.casefold() for n in names} | {INDEX.casefold()}) == len(names) + 1
    for name in names:
        assert name.endswith(".md") and os.sep not in name and not name.startswith(".")
        assert len(name.encode("utf-8")) <= 255 and name != ".md"
    assert page_files(list(reversed(keys))) == files  # the same names whatever the order


@given(st.lists(st.from_regex(ID_PATTERN, fullmatch=True).filter(lambda k: len(k) <= MAX_FILE_STEM), max_size=6, unique=True))
@settings(max_examples=100, deadline=None)
def test_a_plain_key_keeps_its_own_name_unless_it_collides(keys: list[str]) -> None:
    files = page_files(keys)
    folded = [k.casefold() for k in keys]
    for key in keys:
        if folded.count(key.casefold()) == 1 and key.casefold() != "readme":
            assert files[key] == f"{key}.md"


def test_check_does_not_hang_on_a_fifo_named_like_a_page(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(model_with(["prod"]), encoding="utf-8")
    out = tmp_path / "docs"
    out.mkdir()
    os.mkfifo(out / "prod.md")
    code, out_text, _ = run("docs", str(tmp_path / "m.yaml"), "-o", str(out), "--check")
    assert code == 1 and "prod.md: missing" in out_text
