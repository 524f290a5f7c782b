"""Output formats. Each renderer is a pure ``render(report) -> str``: no printing, no files."""

from __future__ import annotations

from enum import Enum
from typing import Callable

from hec_doctor.models import Report


class OutputFormat(str, Enum):
    """The formats ``--format`` accepts."""

    TEXT = "text"
    JSON = "json"


def renderer_for(fmt: OutputFormat, *, color: bool = False) -> Callable[[Report], str]:
    """The render function for a format (colour applies to text only)."""
    if fmt is OutputFormat.TEXT:
        from hec_doctor.render import text

        return lambda report: text.render(report, color=color)
    if fmt is OutputFormat.JSON:
        from hec_doctor.render import json

        return json.render
    raise AssertionError(f"unhandled output format: {fmt!r}")  # pragma: no cover
