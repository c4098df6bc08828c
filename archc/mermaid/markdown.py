"""Mermaid diagrams inside Markdown: the fenced ```` ```mermaid ```` blocks of a document.

``extract_blocks(markdown)`` finds them with the line each body starts on, so that the parser's
errors point at the Markdown file's own lines.
"""

from __future__ import annotations

import re

__all__ = ["extract_blocks"]

_FENCE_OPEN = re.compile(r"^([ \t]*)(`{3,}|~{3,})[ \t]*mermaid(?:[ \t].*)?$")


def extract_blocks(markdown: str) -> list[tuple[int, str]]:
    """Every ```` ```mermaid ```` (or ``~~~mermaid``) fenced block of a
    Markdown document: ``(line where the body starts (1-based), body)``.

    Use ``parse(body, source=path, line_offset=start - 1)`` so errors point at
    the Markdown file's lines.  The fence's indentation is removed from the
    body lines; an unclosed fence runs to the end of the document.
    """
    lines = markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[tuple[int, str]] = []
    i = 0
    while i < len(lines):
        m = _FENCE_OPEN.match(lines[i])
        if not m:
            i += 1
            continue
        indent = len(m.group(1))
        fence = m.group(2)
        start = i + 1
        body: list[str] = []
        j = start
        while j < len(lines):
            stripped = lines[j].strip()
            if stripped and set(stripped) == {fence[0]} and len(stripped) >= len(fence):
                break
            line = lines[j]
            k = 0
            while k < indent and k < len(line) and line[k] == " ":
                k += 1
            body.append(line[k:])
            j += 1
        blocks.append((start + 1, "\n".join(body) + ("\n" if body else "")))
        i = j + 1
    return blocks
