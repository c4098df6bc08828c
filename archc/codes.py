"""The codes archc reports that are not lint rules: a model that does not load (ARC100–ARC107)
and a model that cannot be compiled (ARC900). `archc rules` lists and explains them beside the
rules, and SARIF reports describe them, so that every code a user sees is explained somewhere.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    name: str
    summary: str
    what: str  # what it reports
    fix: str
    example: str = ""  # a YAML snippet that causes it
    severity: str = "error"

    @property
    def area(self) -> str:
        return "compile" if self.code.startswith("ARC9") else "model"

    @property
    def doc(self) -> str:
        """Formatted like a rule's docstring (summary, then sections)."""
        parts = [self.summary, "", "What it checks:", f"    {self.what}", "", "Why it matters:",
                 "    archc cannot work from a model it cannot read or compile: nothing is linted, built or drawn."]
        if self.example:
            parts += ["", "Example:", *(f"    {line}" for line in self.example.splitlines())]
        parts += ["", "Fix:", f"    {self.fix}"]
        return "\n".join(parts)


CODES: tuple[Code, ...] = (
    Code("ARC100", "load.unreadable", "A model file or directory cannot be read, or holds no model",
         "A file that cannot be opened, is not UTF-8 text or is not a regular file; a directory that cannot be "
         "listed or has no .yaml files; a model that defines no resources.",
         "Make the files readable UTF-8 YAML, and give the model its `resources:`."),
    Code("ARC101", "load.yaml-syntax", "The file is not valid YAML, or uses YAML archc refuses",
         "YAML syntax errors, several documents in one file, unsupported tags, aliases that expand to too much "
         "or refer to themselves, and collections nested too deeply.",
         "Correct the YAML at the position shown.", "resources:\n  vpc: {type: vpc"),
    Code("ARC102", "load.unknown-key", "A key that the model does not define",
         "A top-level key or a field of an account, resource or connection that does not exist (usually a typo).",
         "Use one of the allowed keys the message lists (or the suggested spelling).", "resources:\n  vpc: {type: vpc, cdir: 10.0.0.0/16}"),
    Code("ARC103", "load.invalid-value", "A value of the wrong type or shape, or a missing required value",
         "Values that do not match the schema: wrong types, malformed ids or keys, unknown resource types, "
         "missing required keys, an unsupported `archc:` format version.",
         "Give the value the message asks for.", "accounts:\n  prod: {id: '12', name: Prod, region: us-east-1}"),
    Code("ARC104", "load.unknown-reference", "A reference to an id that is not defined",
         "A resource, account, group or connection end that names something the model does not have.",
         "Use an id that is defined, or define it.", "connections:\n  - {from: web, to: nowhere, verb: reads}"),
    Code("ARC105", "load.duplicate", "A key, id or account defined twice",
         "Duplicate keys in one mapping, and ids defined in two places (also across files).",
         "Remove or rename one of them.", "resources:\n  vpc: {type: vpc, cidr: 10.0.0.0/16}\n  vpc: {type: vpc, cidr: 10.1.0.0/16}"),
    Code("ARC106", "load.may-reach-account", "may_reach lists a resource under the wrong account",
         "An account's `may_reach` names a resource that belongs to another account than the one it is listed under.",
         "List the resource under its own account."),
    Code("ARC107", "load.az-region", "An availability zone outside the resource's region",
         "An `az:` that is not a zone of the region the resource is in.",
         "Use a zone of the region (us-east-1a for us-east-1), or set `region:` on the resource."),
    Code("ARC900", "compile.unsupported", "The model cannot be compiled to CloudFormation",
         "`archc build` found something it cannot translate that no lint rule reports: a stack that would need more "
         "than 200 outputs or 200 parameters (CloudFormation's limits) to share values with the model's other "
         "stacks. Only the compiler knows how it cuts stacks and what crosses between them, so lint does not check "
         "it. Everything else build refuses is a lint rule that cannot be suppressed, reported under its own code; "
         "an ARC900 that says `cannot compile` is a value the CloudFormation library refused that no rule foresaw, "
         "a bug in archc to report.",
         "Split the model's accounts or regions so fewer values cross between stacks; `archc lint` and `archc "
         "diagram` still work on it."),
)

BY_CODE: dict[str, Code] = {c.code: c for c in CODES}
