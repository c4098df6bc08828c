"""The model file writer: every scalar reads back as itself, and the file loads as the model."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from archc.importers.model_yaml import flow, model_yaml, scalar
from archc.model.loader import load
from archc.model.yaml_source import load_yaml
from tests.conftest import EXAMPLE

# what a model's strings may hold (YAML forbids control characters)
text = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=30)
values = st.recursive(
    st.none() | st.booleans() | st.integers() | text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=12,
)


@given(values)
@settings(max_examples=300, deadline=None)
def test_flow_values_read_back_as_themselves(value: object) -> None:
    data, _, problems = load_yaml(f"v: {flow(value)}\n", "gen")
    assert problems == []
    assert data == {"v": value}


def test_reserved_words_and_numbers_are_quoted() -> None:
    assert [scalar(v) for v in ("yes", "No", "null", "12", "1e3", "a: b", "PUB_1A", "us-west-2a", "")] == [
        '"yes"', '"No"', '"null"', '"12"', '"1e3"', '"a: b"', "PUB_1A", "us-west-2a", '""',
    ]


def test_the_example_written_out_loads_as_the_same_model() -> None:
    arch = load(str(EXAMPLE)).architecture
    again = load_yaml(model_yaml(arch, header="a header\nof two lines"), "out.yaml")
    assert again[2] == []
    from archc.model.loader import load_text

    reloaded = load_text(model_yaml(arch), "out.yaml").architecture
    assert reloaded.model_dump() == arch.model_dump()


def test_keys_over_1024_characters_are_written_explicitly_and_read_back() -> None:
    """libyaml reads a plain key only up to 1024 characters: longer ones take the `? key` form."""
    from archc.model.loader import load_text

    arch = load(str(EXAMPLE)).architecture
    long_id = "n" + "x" * 1500
    first = next(iter(arch.resources))
    resources = {(long_id if k == first else k): v for k, v in arch.resources.items()}
    arch = arch.model_copy(update={"resources": resources, "connections": []})
    text = model_yaml(arch)
    assert f"  ? {long_id}\n  : " in text
    assert load_text(text, "out.yaml").architecture.model_dump() == arch.model_dump()


@given(st.dictionaries(st.text("ab:# ", min_size=1000, max_size=1100), st.integers(), max_size=2))
@settings(max_examples=30, deadline=None)
def test_long_flow_keys_read_back(value: dict[str, int]) -> None:
    data, _, problems = load_yaml(f"v: {flow(value)}\n", "gen")
    assert problems == []
    assert data == {"v": value}
