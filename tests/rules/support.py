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


def resource(data: dict[str, Any], rid: str) -> dict[str, Any]:
    """The raw mapping of resource *rid* in whichever example file defines it."""
    for doc in data.values():
        if rid in (doc.get("resources") or {}):
            return doc["resources"][rid]  # type: ignore[no-any-return]
    raise KeyError(rid)


def connection_count() -> int:
    """How many connections the example has (new ones appended to production.yaml get this index)."""
    return sum(len(doc.get("connections") or []) for doc in example_data().values())


def connection_index(source: str, target: str) -> int:
    """The model index of the example's connection source → target."""
    i = 0
    for doc in example_data().values():
        for conn in doc.get("connections") or []:
            if conn["from"] == source and conn["to"] == target:
                return i
            i += 1
    raise KeyError((source, target))


def add_connection(**conn: str) -> Callable[[dict[str, Any]], None]:
    """A mutation appending a connection (``add_connection(**{"from": a, "to": b, "verb": v})``) to production.yaml."""

    def mutate(data: dict[str, Any]) -> None:
        data["production.yaml"]["connections"].append(dict(conn))

    return mutate


def remove_connection(source: str, target: str) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        for doc in data.values():
            conns = doc.get("connections") or []
            doc["connections"] = [c for c in conns if not (c["from"] == source and c["to"] == target)]

    return mutate


def set_field(rid: str, field: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A mutation setting (or, with value None, deleting) one field of one resource."""

    def mutate(data: dict[str, Any]) -> None:
        res = resource(data, rid)
        if value is None:
            del res[field]
        else:
            res[field] = value

    return mutate


def unsuppress(rid: str, code: str) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        del resource(data, rid)["lint"]["ignore"][code]

    return mutate


def both(*mutations: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        for m in mutations:
            m(data)

    return mutate
