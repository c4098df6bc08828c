"""Small models for the compiler tests: a base account with a VPC, and helpers to compile and look up."""

from __future__ import annotations

from typing import Any

from archc.compiler.build import Build, compile_model
from archc.model.loader import load_texts

ACCOUNT_ID = "111111111111"
OTHER_ID = "222222222222"

BASE = f"""\
archc: 1
name: t
accounts:
  main: {{id: "{ACCOUNT_ID}", name: Main, region: us-west-2}}
  other: {{id: "{OTHER_ID}", name: Other, region: us-west-2}}
"""

NETWORK = """\
  vpc: {type: vpc, cidr: 10.0.0.0/16, flow_logs: false}
  igw: {type: internet_gateway, vpc: vpc}
  pub_a: {type: subnet, vpc: vpc, tier: public, cidr: 10.0.0.0/24, az: us-west-2a, default_route: igw}
  pub_b: {type: subnet, vpc: vpc, tier: public, cidr: 10.0.1.0/24, az: us-west-2b, default_route: igw}
  nat: {type: nat_gateway, subnet: pub_a}
  priv_a: {type: subnet, vpc: vpc, tier: private, cidr: 10.0.10.0/24, az: us-west-2a, default_route: nat}
  priv_b: {type: subnet, vpc: vpc, tier: private, cidr: 10.0.11.0/24, az: us-west-2b, default_route: nat}
"""


def model_text(resources: str, connections: str = "", network: bool = False, account: str = "main") -> str:
    body = f"archc: 1\ndefaults: {{account: {account}}}\nresources:\n" + (NETWORK if network else "") + resources
    if connections:
        body += "connections:\n" + connections
    return body


def compile_texts(*files: tuple[str, str]) -> Build:
    loaded = load_texts([("model.yaml", BASE), *files])
    return compile_model(loaded.architecture)


def compile_yaml(resources: str, connections: str = "", network: bool = False) -> Build:
    return compile_texts(("main.yaml", model_text(resources, connections, network)))


def all_resources(build: Build) -> dict[str, Any]:
    """Logical id → resource, over every stack."""
    out: dict[str, Any] = {}
    for st in build.stacks:
        out.update(st.template["Resources"])
    return out


def statements(build: Build, role: str) -> dict[str, dict[str, Any]]:
    """Sid → statement of role *role*'s inline policy."""
    res = all_resources(build)[role]
    out: dict[str, dict[str, Any]] = {}
    for policy in res["Properties"].get("Policies", []):
        for s in policy["PolicyDocument"]["Statement"]:
            out[s["Sid"]] = s
    return out


def of_type(build: Build, cfn_type: str) -> dict[str, Any]:
    return {k: v for k, v in all_resources(build).items() if v["Type"] == cfn_type}


def cfn_lint_findings(build: Build) -> list[str]:
    """Every cfn-lint finding (errors, warnings, informational) on every template of *build*, as
    ``stack: RULE message`` lines."""
    import json

    from cfnlint.api import lint
    from cfnlint.config import ManualArgs

    return [f"{st.name}: {m.rule.id} {m.message}" for st in build.stacks
            for m in lint(json.dumps(st.template), config=ManualArgs(regions=[st.region]))]
