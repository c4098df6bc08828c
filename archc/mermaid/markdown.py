"""Mermaid diagrams inside Markdown: the fenced ```` ```mermaid ```` blocks of a document.

``extract_blocks(markdown)`` finds them with the line each body starts on, so that the parser's
errors point at the Markdown file's own lines.
"""

from __future__ import annotations

import re

__all__ = ["extract_blocks"]

# a CommonMark fence: at most 3 spaces of indentation, 3+ backticks or tildes, an info string
# (a backtick fence's info string holds no backtick)
_FENCE = re.compile(r"^( {0,3})(`{3,}(?=[^`]*$)|~{3,})(.*)$")


def _closes(line: str, fence: str) -> bool:
    """A closing fence: the opening's character, at least as many, at most 3 spaces before,
    nothing but blanks after."""
    m = _FENCE.match(line)
    return m is not None and m.group(2)[0] == fence[0] and len(m.group(2)) >= len(fence) and not m.group(3).strip()


def extract_blocks(markdown: str) -> list[tuple[int, str]]:
    """Every ```` ```mermaid ```` (or ``~~~mermaid``) fenced block of a
    Markdown document: ``(line where the body starts (1-based), body)``.

    Fences follow CommonMark: a fence closes only with the same character and at least the
    same length, and the body of any other fenced block (a ```` ````markdown ```` example
    showing a mermaid block) is code, not a diagram.

    Use ``parse(body, source=path, line_offset=start - 1)`` so errors point at
    the Markdown file's lines.  The fence's indentation is removed from the
    body lines; an unclosed fence runs to the end of the document.
    """
    lines = markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[tuple[int, str]] = []
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent = len(m.group(1))
        fence = m.group(2)
        info = m.group(3).strip().split(maxsplit=1)
        start = i + 1
        body: list[str] = []
        j = start
        while j < len(lines) and not _closes(lines[j], fence):
            line = lines[j]
            k = 0
            while k < indent and k < len(line) and line[k] == " ":
                k += 1
            body.append(line[k:])
            j += 1
        if info and info[0] == "mermaid":
            blocks.append((start + 1, "\n".join(body) + ("\n" if body else "")))
        i = j + 1
    return blocks
