"""archc.compiler.registry: one row per buildable type, typed like the model, in one compile order."""

from __future__ import annotations

import typing

from archc.catalog import TYPES
from archc.compiler.registry import COMPILERS
from archc.model.resources import RESOURCE_CLASSES


def test_every_type_but_generic_has_a_row_with_its_model_class() -> None:
    assert set(COMPILERS) == set(RESOURCE_CLASSES) - {"generic"}
    assert set(COMPILERS) <= set(TYPES)
    for t, tc in COMPILERS.items():
        assert tc.model is RESOURCE_CLASSES[t], t


def test_compile_and_contribute_functions_take_their_row_s_model_class() -> None:
    for t, tc in COMPILERS.items():
        for fn in (tc.compile, tc.contribute):
            if fn is None:
                continue
            hints = typing.get_type_hints(fn)
            assert hints["res"] is tc.model, f"{t}: {fn.__name__} takes {hints['res']}"
