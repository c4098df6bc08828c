"""Mermaid blocks in Markdown: CommonMark fences decide what is a diagram."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from archc.mermaid.markdown import extract_blocks


def test_a_mermaid_block_shown_inside_a_longer_fence_is_not_a_diagram() -> None:
    md = "Example:\n\n````markdown\n```mermaid\ngraph TD\n  A --> B\n```\n````\n\n```mermaid\nflowchart LR\n x\n```\n"
    assert extract_blocks(md) == [(11, "flowchart LR\n x\n")]


def test_a_fence_closes_only_with_its_own_character_and_at_least_its_length() -> None:
    md = "~~~~mermaid\ngraph TD\n```\n~~~\n A\n~~~~~\nafter\n"
    assert extract_blocks(md) == [(2, "graph TD\n```\n~~~\n A\n")]


def test_a_closing_fence_has_no_info_string_and_other_languages_are_skipped() -> None:
    md = "```python\n```mermaid\n```\n```mermaid\ngraph TD\n```js\n A\n```\n"
    assert extract_blocks(md) == [(5, "graph TD\n```js\n A\n")]


def test_four_spaces_of_indentation_is_not_a_fence_and_up_to_three_are_removed() -> None:
    md = "    ```mermaid\n    graph TD\n    ```\n   ```mermaid\n   graph TD\n     A\n   ```\n"
    assert extract_blocks(md) == [(5, "graph TD\n  A\n")]


def test_an_unclosed_fence_runs_to_the_end() -> None:
    assert extract_blocks("```mermaid\ngraph TD\n A") == [(2, "graph TD\n A\n")]


@given(st.integers(3, 6), st.integers(0, 3), st.sampled_from("`~"))
@settings(max_examples=40, deadline=None)
def test_any_outer_fence_hides_the_blocks_inside(extra: int, indent: int, char: str) -> None:
    outer = char * (3 + extra)
    inner = "```mermaid\ngraph TD\n A\n```\n"
    md = " " * indent + outer + "markdown\n" + inner + " " * indent + outer + "\n" + inner
    blocks = extract_blocks(md)
    assert blocks == [(md.count("\n", 0, md.rindex("graph TD")) + 1, "graph TD\n A\n")]
