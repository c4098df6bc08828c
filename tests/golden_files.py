"""Golden-file comparison, shared by the tests (``from tests.golden_files import check_golden``)."""

from __future__ import annotations

from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden"


def check_golden(path: Path, actual: str | bytes, update: bool) -> None:
    """Compare *actual* with the golden file at *path* byte for byte (or rewrite it when *update*)."""
    data = actual.encode("utf-8") if isinstance(actual, str) else actual
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return
    assert path.exists(), f"golden file {path} is missing: run pytest --update-golden"
    expected = path.read_bytes()
    assert data == expected, f"{path} differs from the output; if the change is intended, run pytest --update-golden"
