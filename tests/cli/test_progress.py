"""Progress on long work: a status line on a terminal's stderr, nothing anywhere else."""

from __future__ import annotations

import io
import time

import pytest

from archc.cli import progress as p


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_nothing_is_written_when_the_stream_is_not_a_terminal() -> None:
    out = io.StringIO()
    with p.progress("compiling", out) as step:
        step("writing")
    assert out.getvalue() == ""


def test_quick_work_shows_nothing_even_on_a_terminal() -> None:
    out = Terminal()
    with p.progress("compiling", out) as step:
        step("writing")
    assert out.getvalue() == ""


def test_long_work_shows_its_step_and_time_and_erases_the_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(p, "QUIET_S", 0.0)
    monkeypatch.setattr(p, "TICK_S", 0.01)
    out = Terminal()
    with p.progress("compiling 5,000 resources", out) as step:
        time.sleep(0.05)
        step("writing the templates")
        time.sleep(0.05)
    text = out.getvalue()
    assert "\r\x1b[Karchc: compiling 5,000 resources … 0 s" in text
    assert "\r\x1b[Karchc: writing the templates … 0 s" in text
    assert text.endswith("\r\x1b[K"), "the status line is erased at the end"
    assert "\n" not in text


def test_the_line_is_erased_when_the_work_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(p, "QUIET_S", 0.0)
    monkeypatch.setattr(p, "TICK_S", 0.01)
    out = Terminal()
    with pytest.raises(RuntimeError), p.progress("laying out", out):
        time.sleep(0.03)
        raise RuntimeError("boom")
    assert out.getvalue().endswith("\r\x1b[K")
