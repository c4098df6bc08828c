"""Format located findings as text (ruff style), JSON or SARIF 2.1.0 (GitHub code scanning).

Every format is deterministic: findings in position order, sorted keys, no timestamps.
File names are shown relative to the working directory when they lie under it.
"""

from __future__ import annotations

import os
import pathlib
import urllib.parse
from collections.abc import Sequence
from typing import Any

from archc import __version__
from archc.diagnostics import Diagnostic, Position, SourceMap, format_path
from archc.rules.base import Rule

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SEVERITIES = ("error", "warning", "info")


def display_file(file: str, cwd: str) -> str:
    """*file* relative to *cwd* when it lies under it (with ``/`` separators), else as given."""
    absolute = os.path.abspath(file)
    root = os.path.abspath(cwd)
    if absolute == root or absolute.startswith(root.rstrip(os.sep) + os.sep):
        return os.path.relpath(absolute, root).replace(os.sep, "/")
    return file


def _position(d: Diagnostic) -> Position:
    return d.position or Position("<model>", 1, 1)


def format_text(diagnostics: Sequence[Diagnostic], cwd: str) -> str:
    """``file:line:col: CODE [severity] message`` + ``  help: …`` per finding, then the summary."""
    lines = []
    for d in diagnostics:
        pos = _position(d)
        lines.append(f"{display_file(pos.file, cwd)}:{pos.line}:{pos.col}: {d.code} [{d.severity}] {d.message}")
        if d.help:
            lines.append(f"  help: {d.help}")
    lines.append(summary(diagnostics))
    return "\n".join(lines) + "\n"


def summary(diagnostics: Sequence[Diagnostic]) -> str:
    """``Found 2 problems (1 error, 1 warning).`` or ``All checks passed.``"""
    if not diagnostics:
        return "All checks passed."
    counts = {s: sum(1 for d in diagnostics if d.severity == s) for s in SEVERITIES}
    parts = []
    for sev in SEVERITIES:
        n = counts[sev]
        if n:
            parts.append(f"{n} {sev}{'s' if n != 1 and sev != 'info' else ''}")
    n = len(diagnostics)
    return f"Found {n} problem{'s' if n != 1 else ''} ({', '.join(parts)})."


def as_records(diagnostics: Sequence[Diagnostic], cwd: str) -> list[dict[str, Any]]:
    """One plain dict per finding (the JSON format)."""
    out = []
    for d in diagnostics:
        pos = _position(d)
        out.append({
            "code": d.code,
            "name": d.name,
            "severity": d.severity,
            "message": d.message,
            "help": d.help,
            "file": display_file(pos.file, cwd),
            "line": pos.line,
            "column": pos.col,
            "path": format_path(d.path),
            "related": [format_path(p) for p in d.related],
        })
    return out


def format_json(diagnostics: Sequence[Diagnostic], cwd: str) -> str:
    import json  # only for -f json / sarif

    return json.dumps(as_records(diagnostics, cwd), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _physical(pos: Position, cwd: str) -> dict[str, Any]:
    shown = display_file(pos.file, cwd)
    if os.path.isabs(shown) or shown.startswith(".."):  # outside the working directory: an absolute URI
        artifact: dict[str, Any] = {"uri": pathlib.Path(os.path.abspath(pos.file)).as_uri()}
    else:
        artifact = {"uri": urllib.parse.quote(shown), "uriBaseId": "%SRCROOT%"}
    return {"artifactLocation": artifact, "region": {"startLine": pos.line, "startColumn": pos.col}}


def sarif_rule(rule: Rule) -> dict[str, Any]:
    from archc.rules.docs import rule_markdown

    sections = rule.sections()
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": " ".join(sections.get("What it checks", rule.summary).split())},
        "help": {"text": rule.doc, "markdown": rule_markdown(rule, heading_level=0)},
        "defaultConfiguration": {"level": SARIF_LEVEL[rule.severity]},
        "properties": {"tags": [rule.area], "precision": "very-high"},
    }


def format_sarif(diagnostics: Sequence[Diagnostic], rules: Sequence[Rule], source: SourceMap, cwd: str) -> str:
    """A SARIF 2.1.0 log with one run: the rule metadata and one result per finding."""
    import json  # only for -f sarif

    index = {r.code: i for i, r in enumerate(rules)}
    results = []
    for d in diagnostics:
        text = d.message + (f"\nhelp: {d.help}" if d.help else "")
        result: dict[str, Any] = {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": SARIF_LEVEL[d.severity],
            "message": {"text": text},
            "locations": [{
                "physicalLocation": _physical(_position(d), cwd),
                "logicalLocations": [{"fullyQualifiedName": format_path(d.path), "kind": "member"}],
            }],
            "partialFingerprints": {"archcModelPath/v1": f"{d.code}:{format_path(d.path)}"},
        }
        related = []
        for i, path in enumerate(d.related):
            related.append({"id": i + 1, "message": {"text": format_path(path)}, "physicalLocation": _physical(source.locate(path), cwd)})
        if related:
            result["relatedLocations"] = related
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "archc",
                "version": __version__,
                "rules": [sarif_rule(r) for r in rules],
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    return json.dumps(log, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
