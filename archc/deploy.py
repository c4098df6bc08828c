"""The deploy plan: a build's ``manifest.json`` → the AWS CLI commands that deploy it, in order.

`plan(manifest)` reads what `archc build` wrote (stacks in deploy order, each with its account,
region, template, parameters and where each parameter's value comes from) and returns one `Step`
per stack. `shell_script(plan)` renders it as a POSIX ``sh`` script; `plan_json(plan)` as data for
CI systems that run the commands their own way. Pure: no files, no AWS calls.

What the script does, stack by stack, in the manifest's order:

- deploys with ``aws cloudformation deploy`` under the AWS CLI profile of the stack's account
  (``ARCHC_PROFILE_<ACCOUNT>``, default: the account key) and in the stack's region;
- first checks, once per account, that the profile really is that account (``sts
  get-caller-identity``): a plan never deploys production's templates into the wrong account;
- feeds each parameter from where the manifest says: another stack's output (read with
  ``describe-stacks`` after that stack deployed) or the operator (an environment variable
  ``ARCHC_<ACCOUNT>_<REGION>__<Parameter>``, checked before anything is deployed);
- uploads templates over CloudFormation's 51,200-byte inline limit through an artifact bucket
  (``ARCHC_ARTIFACTS_<ACCOUNT>_<REGION>``), which such stacks require.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

INLINE_TEMPLATE_LIMIT = 51_200  # bytes: CloudFormation's TemplateBody limit; larger ones go through S3


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _OutputSource(_Loose):
    stack: str
    output: str = Field(pattern=r"^[A-Za-z0-9]{1,255}$")


class _Parameter(_Loose):
    name: str = Field(pattern=r"^[A-Za-z0-9]{1,255}$")
    type: str
    description: str = ""
    source: Literal["operator"] | _OutputSource
    no_echo: bool = False
    default: str | None = None


class _Account(_Loose):
    key: str = Field(pattern=r"^[^\W][\w.\-]*$")
    id: str = Field(pattern=r"^[0-9]{12}$")
    name: str


class _Stack(_Loose):
    name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9-]{0,127}$")
    order: int
    account: _Account
    region: str = Field(pattern=r"^[a-z]{2}(-gov)?-[a-z]+-[0-9]$")
    template: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    depends_on: list[str] = Field(default_factory=list)
    parameters: list[_Parameter] = Field(default_factory=list)


class Manifest(_Loose):
    """The part of ``manifest.json`` a deploy needs."""

    archc: Literal[1]
    model: str
    order: list[str]
    stacks: list[_Stack]


class ManifestError(ValueError):
    """``manifest.json`` is not a manifest archc can plan from: what and where (a JSON path)."""


@dataclass(frozen=True, slots=True)
class Input:
    """A parameter value the operator supplies, as an environment variable."""

    env: str
    description: str
    secret: bool
    stacks: tuple[str, ...]
    default: str | None = None  # the template's default: the variable may stay unset


@dataclass(frozen=True, slots=True)
class Fed:
    """A parameter whose value is another stack's output."""

    parameter: str
    stack: str
    output: str
    account: str
    region: str


@dataclass(slots=True)
class Step:
    stack: str
    order: int
    account: str
    account_id: str
    account_name: str
    region: str
    template: str
    large: bool  # over the inline limit: deployed through the artifact bucket
    operator: dict[str, str] = field(default_factory=dict)  # parameter → environment variable
    fed: list[Fed] = field(default_factory=list)
    depends_on: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Plan:
    model: str
    steps: list[Step]
    inputs: list[Input]


def env_word(text: str) -> str:
    """``housekeeping`` → ``HOUSEKEEPING``, ``us-west-2`` → ``US_WEST_2``: a piece of an environment variable name."""
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").upper() or "X"


def profile_var(account: str) -> str:
    return f"ARCHC_PROFILE_{env_word(account)}"


def artifacts_var(account: str, region: str) -> str:
    return f"ARCHC_ARTIFACTS_{env_word(account)}_{env_word(region)}"


def operator_var(account: str, region: str, parameter: str) -> str:
    """One variable per account, region and parameter: stacks of one account and region share it
    (their Lambda code bucket is the same bucket), stacks elsewhere do not."""
    return f"ARCHC_{env_word(account)}_{env_word(region)}__{parameter}"


def read_manifest(data: Any) -> Manifest:
    """Validate parsed ``manifest.json``; `ManifestError` names the first problem and its JSON path."""
    try:
        manifest = Manifest.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"]) or "(top level)"
        raise ManifestError(f"{where.lstrip('.')}: {err['msg']}") from None
    names = [s.name for s in manifest.stacks]
    if sorted(names) != sorted(manifest.order) or len(set(names)) != len(names):
        raise ManifestError("order: must list every stack exactly once")
    position = {name: i for i, name in enumerate(manifest.order)}
    by_name = {s.name: s for s in manifest.stacks}
    for i, st in enumerate(manifest.stacks):
        needs = set(st.depends_on) | {p.source.stack for p in st.parameters if isinstance(p.source, _OutputSource)}
        for other in sorted(needs):
            if other not in by_name:
                raise ManifestError(f"stacks[{i}] ({st.name}): needs stack '{other}', which the manifest does not have")
            if position[other] >= position[st.name]:
                raise ManifestError(f"stacks[{i}] ({st.name}): needs stack '{other}', which the order deploys later")
    return manifest


def plan(manifest: Manifest, sizes: dict[str, int]) -> Plan:
    """The deploy plan of *manifest*; *sizes* gives each template file's size in bytes."""
    stacks = sorted(manifest.stacks, key=lambda s: manifest.order.index(s.name))
    by_name = {s.name: s for s in stacks}
    steps: list[Step] = []
    inputs: dict[str, Input] = {}
    for st in stacks:
        step = Step(st.name, st.order, st.account.key, st.account.id, st.account.name, st.region, st.template,
                    sizes.get(st.template, 0) > INLINE_TEMPLATE_LIMIT, depends_on=sorted(st.depends_on))
        for p in st.parameters:
            if isinstance(p.source, _OutputSource):
                producer = by_name[p.source.stack]
                step.fed.append(Fed(p.name, producer.name, p.source.output, producer.account.key, producer.region))
            else:
                var = operator_var(st.account.key, st.region, p.name)
                step.operator[p.name] = var
                known = inputs.get(var)
                inputs[var] = Input(var, known.description if known else p.description, p.no_echo or bool(known and known.secret),
                                    (*(known.stacks if known else ()), st.name), p.default if known is None else known.default)
        steps.append(step)
    return Plan(manifest.model, steps, sorted(inputs.values(), key=lambda i: i.env))


def _q(text: str) -> str:
    return shlex.quote(text)


def _comment(text: str) -> str:
    return " ".join(text.split())


def shell_script(p: Plan, template_dir: str) -> str:
    """*p* as a POSIX ``sh`` script that deploys from *template_dir* (overridable: ``ARCHC_TEMPLATE_DIR``)."""
    accounts: dict[str, tuple[str, str, str]] = {}  # key → id, name, region of its first stack
    for s in p.steps:
        accounts.setdefault(s.account, (s.account_id, s.account_name, s.region))
    lines = [
        "#!/bin/sh",
        f"# Deploys the stacks of model {_comment(p.model)!r} in order, with the AWS CLI.",
        "# Generated by `archc deploy-plan` from manifest.json; do not edit (run it again after each build).",
        "#",
        "# AWS CLI profiles, one per account (the script checks each profile's account before deploying):",
    ]
    for key, (aid, name, _region) in accounts.items():
        lines.append(f"#   {profile_var(key)} (default: {key}): {_comment(name)} account {aid}")
    large = [s for s in p.steps if s.large]
    if large:
        lines.append("# Artifact buckets for templates over 51,200 bytes (CloudFormation uploads them through S3):")
        for s in large:
            lines.append(f"#   {artifacts_var(s.account, s.region)}: a bucket of account {s.account_id} in {s.region} ({s.stack})")
    if p.inputs:
        lines.append("# Values the operator supplies, as environment variables:")
        for inp in p.inputs:
            default = f" (optional, default {_comment(inp.default)!r})" if inp.default is not None else ""
            lines.append(f"#   {inp.env}{' (secret)' if inp.secret else ''}{default}: {_comment(inp.description)}")
    lines += [
        "",
        "set -eu",
        f"TEMPLATE_DIR=${{ARCHC_TEMPLATE_DIR:-{_q(template_dir)}}}",
        "",
        "fail() { echo \"deploy-plan: $*\" >&2; exit 2; }",
        "output() {  # PROFILE REGION STACK OUTPUT: a deployed stack's output value",
        "  value=$(aws cloudformation describe-stacks --profile \"$1\" --region \"$2\" --stack-name \"$3\" \\",
        "    --query \"Stacks[0].Outputs[?OutputKey=='$4'].OutputValue | [0]\" --output text) || exit 2",
        "  [ -n \"$value\" ] && [ \"$value\" != None ] || fail \"stack $3 has no output $4\"",
        "  printf '%s' \"$value\"",
        "}",
        "check_account() {  # PROFILE ACCOUNT_ID REGION",
        "  actual=$(aws sts get-caller-identity --profile \"$1\" --region \"$3\" --query Account --output text) || exit 2",
        "  [ \"$actual\" = \"$2\" ] || fail \"profile $1 is account $actual, expected $2\"",
        "}",
        "",
        "# every value needed, before anything is deployed",
    ]
    for var in [i.env for i in p.inputs if i.default is None] + sorted({artifacts_var(s.account, s.region) for s in large}):
        lines.append(f"[ -n \"${{{var}:-}}\" ] || fail \"set {var} (see the top of this script)\"")
    lines.append("")
    for key, (aid, _name, region) in accounts.items():
        pv = profile_var(key)
        lines.append(f"{pv}=${{{pv}:-{_q(key)}}}")
        lines.append(f"check_account \"${pv}\" {aid} {region}")
    defaulted = {i.env for i in p.inputs if i.default is not None}
    for s in p.steps:
        pv = profile_var(s.account)
        lines += ["", f"# {s.order}/{len(p.steps)} {s.stack}: {_comment(s.account_name)} ({s.account_id}), {s.region}"]
        has_params = bool(s.fed or s.operator)
        if has_params:
            lines.append("set --")
        for f in s.fed:  # an assignment, so that `set -e` stops on a failed look-up
            lines.append(f"value=$(output \"${profile_var(f.account)}\" {f.region} {f.stack} {f.output})")
            lines.append(f"set -- \"$@\" \"{f.parameter}=$value\"")
        for name, var in sorted(s.operator.items()):
            if var in defaulted:  # unset: the template's default
                lines.append(f"[ -z \"${{{var}:-}}\" ] || set -- \"$@\" \"{name}=${var}\"")
            else:
                lines.append(f"set -- \"$@\" \"{name}=${var}\"")
        if has_params:
            lines.append("[ $# -eq 0 ] || set -- --parameter-overrides \"$@\"")
        cmd = [f"aws cloudformation deploy --profile \"${pv}\" --region {s.region} --stack-name {s.stack}",
               f"  --template-file \"$TEMPLATE_DIR\"/{_q(s.template)}",
               "  --capabilities CAPABILITY_IAM CAPABILITY_NAMED_IAM --no-fail-on-empty-changeset"]
        if s.large:
            cmd.append(f"  --s3-bucket \"${artifacts_var(s.account, s.region)}\" --s3-prefix {_q('archc/' + s.stack)}")
        if has_params:
            cmd.append('  "$@"')
        lines.append(" \\\n".join(cmd))
    lines += ["", "echo " + _q(f"deployed {len(p.steps)} stack{'s' if len(p.steps) != 1 else ''} of {_comment(p.model)}"), ""]
    return "\n".join(lines)


def plan_json(p: Plan) -> str:
    """*p* as deterministic JSON: each step's stack, account, region, template and parameter sources."""
    data = {
        "model": p.model,
        "inputs": [{"env": i.env, "description": i.description, "secret": i.secret, "stacks": list(i.stacks)} for i in p.inputs],
        "steps": [
            {
                "order": s.order, "stack": s.stack, "account": {"key": s.account, "id": s.account_id, "name": s.account_name},
                "region": s.region, "template": s.template, "profile_env": profile_var(s.account),
                "artifacts_env": artifacts_var(s.account, s.region) if s.large else None,
                "depends_on": s.depends_on,
                "parameters": [{"name": f.parameter, "from": {"stack": f.stack, "output": f.output}} for f in s.fed]
                + [{"name": n, "env": v} for n, v in sorted(s.operator.items())],
            }
            for s in p.steps
        ],
    }
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
