"""The one list of rules, in code order. Adding a rule: write it in its area module, add it to
that module's ``RULES``; it is picked up here (and documented in ``docs/rules.md`` by
``python -m archc.rules.docs``)."""

from __future__ import annotations

from archc.diagnostics import did_you_mean
from archc.rules import access, buildable, data, deploy, escape_hatch, model, mounts, network, operations, runtimes, services
from archc.rules.base import Rule

RULES: list[Rule] = sorted(
    [*model.RULES, *escape_hatch.RULES, *mounts.RULES, *network.RULES, *access.RULES, *data.RULES, *operations.RULES, *services.RULES, *deploy.RULES,
     *buildable.RULES, *runtimes.RULES],
    key=lambda r: r.code,
)

BY_CODE: dict[str, Rule] = {r.code: r for r in RULES}
BY_NAME: dict[str, Rule] = {r.name: r for r in RULES}
ALIASES: dict[str, Rule] = {alias: r for r in RULES for alias in r.aliases}


class UnknownRule(ValueError):
    """A code, prefix or name that matches no rule."""


def lookup(word: str) -> Rule:
    """The rule a code, dotted name or alias names; `UnknownRule` with a did-you-mean otherwise."""
    key = word.strip()
    rule = BY_CODE.get(key.upper()) or BY_NAME.get(key.lower()) or ALIASES.get(key)
    if rule is None:
        raise UnknownRule(f"unknown rule '{word}'{did_you_mean(key.upper() if key[:3].upper() == 'ARC' else key, [*BY_CODE, *BY_NAME])}")
    return rule


def matches(rule: Rule, item: str) -> bool:
    """Whether *item* selects *rule*: its code or a code prefix (``ARC2`` = every network rule, any
    case), its dotted name or a leading part of it (an area: ``network``, ``data.``), or an alias.

    The one definition of rule selection: ``--select``/``--ignore`` (`expand`) and the engine
    (`archc.rules.engine.selected`) both use it.
    """
    upper, lower = item.upper(), item.lower().rstrip(".")
    if upper.startswith("ARC") and rule.code.startswith(upper):
        return True
    return rule.name == lower or rule.name.startswith(lower + ".") or item in rule.aliases


def expand(spec: str | None) -> set[str] | None:
    """``"ARC2,ARC301,data"`` → the set of codes it selects (None for None/empty).

    Each comma-separated item is a code, a code prefix (``ARC2`` = every network rule), a dotted
    rule name, or an area (``network``, ``data.``), as `matches` reads it. Raises `UnknownRule`
    naming the first item that selects nothing.
    """
    if spec is None or not spec.strip():
        return None
    out: set[str] = set()
    for item in (p.strip() for p in spec.split(",")):
        if not item:
            continue
        codes = {r.code for r in RULES if matches(r, item)}
        if not codes:
            upper, lower = item.upper(), item.lower().rstrip(".")
            raise UnknownRule(f"'{item}' matches no rule{did_you_mean(upper if upper.startswith('ARC') else lower, [*BY_CODE, *BY_NAME])}")
        out |= codes
    return out
