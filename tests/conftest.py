"""Shared test fixtures: the example model and the golden-file switch."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "sagebrush"
GOLDEN = ROOT / "tests" / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite the golden files under tests/golden/ from the current output instead of comparing",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True only under ``pytest --update-golden``: golden files are rewritten on request, never by the
    environment, so every rewrite is a deliberate act whose diff gets reviewed."""
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def example_model():  # type: ignore[no-untyped-def]
    from archc.model.loader import load

    return load(str(EXAMPLE))
