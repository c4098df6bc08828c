"""Where things may be placed, as plain functions over ids (no pydantic, so the rule listing and
lint start-up do not pay for the model classes): shared by lint and the compiler."""

from __future__ import annotations


def endpoint_placement_problems(kind: str, vpc: str, subnets: list[tuple[str, str, str]]) -> list[str]:
    """What is wrong with where an endpoint's subnets are: (subnet id, its vpc, its az) each.

    Shared by lint (ARC210) and the compiler, so both say the same."""
    out = [f"subnet '{s}' is in VPC '{v}', not '{vpc}'" for s, v, _ in subnets if v != vpc]
    if kind == "interface":
        seen: dict[str, str] = {}
        for s, _, az in subnets:
            if az in seen:
                out.append(f"subnets '{seen[az]}' and '{s}' are both in {az} (an interface endpoint takes one subnet per availability zone)")
            seen.setdefault(az, s)
    return out
