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
# GitHub ranks security alerts by `security-severity` (0-10): areas 2-4 are network, access, data
SECURITY_AREAS = ("2", "3", "4")
SECURITY_SEVERITY = {"error": "8.0", "warning": "5.0", "info": "2.0"}
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


def repository_root(cwd: str) -> str:
    """The nearest directory at or above *cwd* holding ``.git`` (what code scanning resolves URIs
    against), else *cwd*."""
    here = os.path.abspath(cwd)
    while True:
        if os.path.exists(os.path.join(here, ".git")):
            return here
        parent = os.path.dirname(here)
        if parent == here:
            return os.path.abspath(cwd)
        here = parent


def _physical(pos: Position, cwd: str) -> dict[str, Any]:
    shown = display_file(pos.file, cwd)
    if os.path.isabs(shown) or shown.startswith(".."):  # outside the repository: an absolute URI
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
        "properties": _properties(rule.code, rule.area, rule.severity),
    }


def _properties(code: str, area: str, severity: str) -> dict[str, Any]:
    if code[3:4] in SECURITY_AREAS:
        return {"tags": [area, "security"], "precision": "very-high", "security-severity": SECURITY_SEVERITY[severity]}
    return {"tags": [area], "precision": "very-high"}


def sarif_code(code: Any) -> dict[str, Any]:
    """SARIF metadata of a code that is not a rule (`archc.codes.Code`: the model does not load or compile)."""
    return {
        "id": code.code,
        "name": code.name,
        "shortDescription": {"text": code.summary},
        "fullDescription": {"text": code.what},
        "help": {"text": code.doc, "markdown": f"**{code.summary}**\n\n{code.what}\n\n*Fix*: {code.fix}\n"},
        "defaultConfiguration": {"level": SARIF_LEVEL[code.severity]},
        "properties": _properties(code.code, code.area, code.severity),
    }


def fingerprint(d: Diagnostic, arch: Any = None) -> str:
    """What identifies a finding across edits: its code and model path, with a connection named by
    (from, verb, to) rather than its place in the list, which moves when connections are added."""
    path = d.path
    if arch is not None and len(path) >= 2 and path[0] == "connections" and isinstance(path[1], int):
        conns = getattr(arch, "connections", [])
        if 0 <= path[1] < len(conns):
            c = conns[path[1]]
            name = f"{getattr(c, 'source', '?')} {getattr(c, 'verb', '?')} {getattr(c, 'target', '?')}"
            rest = format_path(path[2:])
            return f"{d.code}:connections[{name}]" + (f".{rest}" if rest and not rest.startswith("[") else rest)
    return f"{d.code}:{format_path(path)}"


def format_sarif(diagnostics: Sequence[Diagnostic], rules: Sequence[Rule], source: SourceMap, cwd: str, *,
                 arch: Any = None, suppressed: Sequence[tuple[Diagnostic, str]] = ()) -> str:
    """A SARIF 2.1.0 log with one run: rule metadata (and that of the load and compile codes), one
    result per finding, and suppressed findings with their reasons (``suppressions``).

    URIs are relative to the repository root (`repository_root` of *cwd*), named by
    ``originalUriBaseIds``; fingerprints follow `fingerprint`.
    """
    import json  # only for -f sarif

    from archc.codes import CODES

    root = repository_root(cwd)
    meta = [sarif_rule(r) for r in rules] + [sarif_code(c) for c in CODES]
    index = {m["id"]: i for i, m in enumerate(meta)}
    results = []
    seen: dict[str, int] = {}
    entries = [(d, None) for d in diagnostics] + [(d, reason) for d, reason in suppressed]
    for d, reason in entries:
        text = d.message + (f"\nhelp: {d.help}" if d.help else "")
        key = fingerprint(d, arch)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:  # the same finding twice (two identical connections): keep them apart
            key = f"{key}#{seen[key]}"
        result: dict[str, Any] = {
            "ruleId": d.code,
            "level": SARIF_LEVEL[d.severity],
            "message": {"text": text},
            "locations": [{
                "physicalLocation": _physical(_position(d), root),
                "logicalLocations": [{"fullyQualifiedName": format_path(d.path) or "model", "kind": "member"}],
            }],
            "partialFingerprints": {"archcModelPath/v1": key},
        }
        if d.code in index:
            result["ruleIndex"] = index[d.code]
        if reason is not None:
            result["suppressions"] = [{"kind": "inSource", "justification": reason}]
        related = []
        for i, path in enumerate(d.related):
            related.append({"id": i + 1, "message": {"text": format_path(path)}, "physicalLocation": _physical(source.locate(path), root)})
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
                "rules": meta,
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": pathlib.Path(root).as_uri().rstrip("/") + "/"}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    return json.dumps(log, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
