"""archc.compiler.order: stacks deploy after their dependencies, the smallest ready name first."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from archc.compiler.order import deploy_order
from archc.compiler.stacks import Stack


def _stacks(deps: dict[str, set[str]]) -> list[Stack]:
    return [Stack(name, "a", "1", "A", "r", depends_on=set(ds)) for name, ds in deps.items()]


def _reference(deps: dict[str, set[str]]) -> list[str]:
    """The definition: repeatedly take the smallest name whose dependencies are all placed."""
    done: list[str] = []
    while len(done) < len(deps):
        done.append(min(n for n in deps if n not in done and deps[n] <= set(done)))
    return done


@st.composite
def dags(draw: st.DrawFn) -> dict[str, set[str]]:
    names = draw(st.lists(st.text("abcdef", min_size=1, max_size=3), unique=True, max_size=12))
    order = draw(st.permutations(names))  # edges only point backwards in this order: acyclic
    return {n: set(draw(st.lists(st.sampled_from(order[:i]), max_size=3))) if i else set() for i, n in enumerate(order)}


@given(dags())
def test_deploy_order_is_the_lexicographic_topological_order(deps: dict[str, set[str]]) -> None:
    assert deploy_order(_stacks(deps)) == _reference(deps)


def test_a_cycle_deploys_together_instead_of_looping() -> None:
    order = deploy_order(_stacks({"c": {"b"}, "b": {"c", "a"}, "a": set(), "d": {"b"}}))
    assert order == ["a", "b", "c", "d"]
