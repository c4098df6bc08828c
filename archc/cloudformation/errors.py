"""The one error type of the CloudFormation reader: a message and where it points."""

from __future__ import annotations

from archc.diagnostics import Position


class TemplateError(Exception):
    """Bad input: not a template, broken JSON/YAML, an unknown intrinsic, a circular reference."""

    def __init__(self, message: str, position: Position) -> None:
        self.message = message
        self.position = position
        super().__init__(f"{position.file}:{position.line}:{position.col}: {message}")
