"""Progress on long work (a build of thousands of resources, a big PNG): on stderr, only on a TTY.

    with progress("laying out 1,234 nodes with Graphviz") as step:
        ...
        step("part 2/9: alpha")

While a step runs, one status line shows what is being done and for how long, rewritten in
place about once a second; it is erased when the work ends, so nothing is left in a log or a
terminal scroll-back. When stderr is not a terminal (a pipe, CI, the test runner), nothing is
written at all: output stays byte-identical.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

TICK_S = 1.0  # how often the elapsed time is rewritten
QUIET_S = 0.5  # work that ends sooner shows nothing


class Status:
    """The status line: *say* replaces its text; a ticker thread adds the elapsed seconds."""

    def __init__(self, stream: TextIO, text: str) -> None:
        self.stream = stream
        self.text = text
        self.start = time.monotonic()
        self.shown = False
        self.lock = threading.Lock()
        self.stopped = threading.Event()

    def say(self, text: str) -> None:
        with self.lock:
            self.text = text
        self.draw()

    def draw(self) -> None:
        elapsed = time.monotonic() - self.start
        if elapsed < QUIET_S:
            return
        with self.lock:
            self.stream.write(f"\r\x1b[Karchc: {self.text} … {elapsed:.0f} s")
            self.stream.flush()
            self.shown = True

    def tick(self) -> None:
        while not self.stopped.wait(TICK_S if self.shown else QUIET_S):
            self.draw()

    def close(self) -> None:
        self.stopped.set()
        with self.lock:
            if self.shown:
                self.stream.write("\r\x1b[K")
                self.stream.flush()


def _quiet(_text: str) -> None:
    return None


@contextmanager
def progress(text: str, stream: TextIO | None = None) -> Iterator[Callable[[str], None]]:
    """Show *text* as a status line on *stream* (stderr) while the block runs, when it is a TTY;
    the block gets a function that replaces the text."""
    out = stream if stream is not None else sys.stderr
    try:
        tty = out.isatty()
    except (AttributeError, ValueError):
        tty = False
    if not tty:
        yield _quiet
        return
    status = Status(out, text)
    ticker = threading.Thread(target=status.tick, name="archc-progress", daemon=True)
    ticker.start()
    try:
        yield status.say
    finally:
        status.close()
        ticker.join()
