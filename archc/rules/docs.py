"""Generate ``docs/rules.md`` from the rule registry (the docstrings are the documentation).

    python -m archc.rules.docs           # rewrite docs/rules.md
    python -m archc.rules.docs --check   # exit 1 when docs/rules.md is stale
"""

from __future__ import annotations

import os
import sys

from archc.rules.base import SECTIONS, Rule

COMMAND = "python -m archc.rules.docs"
DEFAULT_PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "docs", "rules.md")
AREA_TITLES = {"model": "Model", "network": "Network", "access": "Access and identity", "data": "Data protection",
               "operations": "Operations"}


def rule_markdown(rule: Rule, heading_level: int = 3) -> str:
    """One rule as Markdown: heading (when *heading_level* > 0), metadata line and sections."""
    lines = []
    if heading_level:
        lines += [f"{'#' * heading_level} {rule.code} `{rule.name}`", ""]
    lines += [f"**{rule.summary}**", "", f"Severity: `{rule.severity}` · since {rule.since}"
              + (f" · aliases: {', '.join(rule.aliases)}" if rule.aliases else "")
              + ("" if rule.suppressible else " · build check: cannot be suppressed, `archc build` refuses it too"), ""]
    sections = rule.sections()
    for title in SECTIONS:
        body = sections.get(title)
        if body is None:
            continue
        lines.append(f"*{title}*")
        lines.append("")
        if title == "Example":
            lines += ["```yaml", body, "```"]
        else:
            lines.append(body)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def generate(rules: list[Rule] | None = None) -> str:
    """The whole of ``docs/rules.md``."""
    from archc.rules.buildable import BUILD_CODES

    if rules is None:
        from archc.rules.registry import RULES

        rules = RULES
    out = [
        f"<!-- Generated from the rule registry by `{COMMAND}`; do not edit by hand. -->",
        "",
        "# Lint rules",
        "",
        "`archc lint MODEL` runs every rule below. Codes are `ARC` + area digit + two digits (1 model, 2 network,",
        "3 access and identity, 4 data protection, 5 operations); the severity is a default, not part of the code.",
        "Suppress a finding on one resource or connection with a reason:",
        "",
        "```yaml",
        "lint:",
        "  ignore:",
        '    ARC402: "public static assets for the website, served through CloudFront"',
        "```",
        "",
        "Select or skip rules with `--select`/`--ignore` (codes, prefixes such as `ARC2`, or names); explain one with",
        "`archc rules CODE`.",
        "",
        "**Build checks.** What `archc build` cannot build (or AWS refuses) is a rule that cannot be suppressed:",
        f"{', '.join(sorted(BUILD_CODES))}.",
        "`archc build` runs these rules before it compiles anything, whatever",
        "`--ignore` or the configuration says, and refuses the model with the same code, message and position",
        "as `archc lint`. A retired code is never reused; it stays an alias of the rule that took it over.",
        "",
        "One refusal of `archc build` has no rule: a stack that would need more than 200 outputs or 200",
        "parameters (CloudFormation's limits) to share values with the model's other stacks (ARC900). Only the",
        "compiler knows it: the stacks are cut by the size and dependencies of the generated CloudFormation",
        "resources, and the values that cross between them are the references the compile functions write.",
        "Lint would have to compile the whole model (troposphere, about ten times the time of all rules) to",
        "see it, so it does not; split the model's accounts or regions when build reports it.",
        "",
        "| Code | Name | Severity | Summary |",
        "| --- | --- | --- | --- |",
    ]
    for rule in rules:
        out.append(f"| [{rule.code}](#{rule.code.lower()}-{rule.name.replace('.', '')}) | `{rule.name}` | {rule.severity} | {rule.summary} |")
    out.append("")
    area = None
    for rule in rules:
        if rule.area != area:
            area = rule.area
            out += [f"## {AREA_TITLES.get(area, area.title())}", ""]
        out.append(rule_markdown(rule))
    return "\n".join(out).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    check = "--check" in args
    paths = [a for a in args if a != "--check"]
    path = paths[0] if paths else DEFAULT_PATH
    text = generate()
    if check:
        try:
            with open(path, encoding="utf-8") as fh:
                current = fh.read()
        except OSError:
            current = None
        if current != text:
            print(f"{path} is stale: run `{COMMAND}`", file=sys.stderr)
            return 1
        print(f"{path} is up to date")
        return 0
    from archc.files import write_atomic

    write_atomic(path, text)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
