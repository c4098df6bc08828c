"""Run the rules over a model: build the views once, run every selected rule, apply suppressions.

``run_rules(arch)`` returns `Diagnostic`s without positions; the caller fills them with
``d.locate(source)``. A finding is suppressed by ``lint: {ignore: {CODE: reason}}`` on the resource
or connection its path starts at, when the reason is not blank.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from archc.diagnostics import Diagnostic, Path
from archc.rules.base import Finding, Rule, RuleContext
from archc.rules.registry import ALIASES, RULES, matches

if TYPE_CHECKING:
    from archc.model.architecture import Architecture


def selected(select: set[str] | None = None, ignore: set[str] | None = None) -> list[Rule]:
    """The rules to run: selected by an item of *select* (None = all) and by no item of *ignore*
    (items as `archc.rules.registry.matches` reads them: codes, code prefixes, names, areas)."""

    def hit(rule: Rule, items: set[str]) -> bool:
        return any(matches(rule, item) for item in items)

    return [r for r in RULES if (select is None or hit(r, select)) and not (ignore and hit(r, ignore))]


def owner_of(path: Path) -> Path | None:
    """The resource or connection a finding's path starts at (where its suppression lives)."""
    if len(path) >= 2 and path[0] in ("resources", "connections"):
        return path[:2]
    return None


def path_key(path: Path) -> tuple[tuple[int, int, str], ...]:
    """A sort key for mixed str/int paths (``connections[2]`` before ``connections[10]``)."""
    return tuple((1, part, "") if isinstance(part, int) else (0, 0, part) for part in path)


def run_rules(arch: Architecture, *, select: set[str] | None = None, ignore: set[str] | None = None) -> list[Diagnostic]:
    """Every finding of the selected rules on *arch* (an `Architecture`), suppressions applied."""
    ctx = RuleContext(arch)
    rules = selected(select, ignore)
    ctx.active_codes = {r.code for r in rules}
    suppressions = _suppressions(ctx)
    out: list[Diagnostic] = []
    for rule in [r for r in rules if not r.after_suppression] + [r for r in rules if r.after_suppression]:
        for finding in rule.check(ctx):
            owner = owner_of(finding.path)
            if owner is not None and rule.suppressible and (owner, rule.code) in suppressions:
                ctx.used_suppressions.add((owner, rule.code))
                continue
            out.append(diagnostic(rule, finding))
    out.sort(key=lambda d: (path_key(d.path), d.code, d.message))
    return out


def _suppressions(ctx: RuleContext) -> set[tuple[Path, str]]:
    """(owner path, code) of every suppression with a reason (blank reasons are not honoured); a
    retired code suppresses the rule that took it over."""
    out: set[tuple[Path, str]] = set()
    for rid, res in ctx.arch.resources.items():
        out.update((("resources", rid), _current(code)) for code, reason in res.lint.ignore.items() if reason.strip())
    for i, conn in enumerate(ctx.arch.connections):
        out.update((("connections", i), _current(code)) for code, reason in conn.lint.ignore.items() if reason.strip())
    return out


def _current(code: str) -> str:
    rule = ALIASES.get(code)
    return rule.code if rule is not None else code


def diagnostic(rule: Rule, f: Finding) -> Diagnostic:
    """A finding as the diagnostic lint reports (`archc build` reports its checks with it too)."""
    return Diagnostic(rule.code, f.message, f.path, f.severity or rule.severity, f.help, rule.name, related=f.related, at_key=f.at_key)

