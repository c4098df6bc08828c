"""Helpers for the rule tests: load a model snippet, load a mutated copy of the example, compare findings."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from archc.diagnostics import Diagnostic, format_path
from archc.model.loader import LoadedModel, load_texts, model_files
from archc.rules.engine import run_rules

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "sagebrush"
CASES = Path(__file__).resolve().parent / "cases"

ACCOUNT_PREAMBLE = 'archc: 1\naccounts:\n  main: {id: "123456789012", name: Main, region: us-west-2}\n'
_HAS_ACCOUNTS = re.compile(r"^accounts:", re.MULTILINE)


def load_snippet(text: str) -> LoadedModel:
    """A model snippet; given one account ``main`` (us-west-2) when it declares none."""
    texts = [("model.yaml", text)]
    if not _HAS_ACCOUNTS.search(text):
        texts.insert(0, ("accounts.yaml", ACCOUNT_PREAMBLE))
    return load_texts(texts)


def summary(diagnostics: list[Diagnostic]) -> list[tuple[str, str]]:
    """(code, dotted path) of each finding, sorted: what the tests compare."""
    return sorted((d.code, format_path(d.path)) for d in diagnostics)


def example_data() -> dict[str, Any]:
    """The example's files as plain data: file name → parsed YAML (a fresh copy each call)."""
    return {Path(f).name: yaml.safe_load(Path(f).read_text(encoding="utf-8")) for f in model_files(str(EXAMPLE))}


def load_example(mutate: Callable[[dict[str, Any]], None] | None = None) -> LoadedModel:
    """The example model, after *mutate* has changed its data (file name → YAML data) in memory."""
    data = example_data()
    if mutate is not None:
        mutate(data)
    return load_texts([(str(EXAMPLE / name), yaml.safe_dump(doc, sort_keys=False)) for name, doc in data.items()])


def lint(loaded: LoadedModel, select: set[str] | None = None) -> list[Diagnostic]:
    return [d.locate(loaded.source) for d in run_rules(loaded.architecture, select=select)]
