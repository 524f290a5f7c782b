"""Output formats. Each renderer is pure: a report (or a batch of them) in, text out.

Text and JSON render one report on its own when one target was checked; every format renders a
batch. JUnit, GitHub and Markdown always render a batch (one target is a batch of one).
"""

from __future__ import annotations

from enum import Enum

from hec_doctor.models import Batch


class OutputFormat(str, Enum):
    """The formats ``--format`` accepts."""

    TEXT = "text"
    JSON = "json"
    JUNIT = "junit"
    GITHUB = "github"
    MARKDOWN = "markdown"


def render(fmt: OutputFormat, batch: Batch, *, single: bool = False, color: bool = False) -> str:
    """The batch in ``fmt``; with ``single``, text and JSON show the one report without envelope.

    Args:
        fmt: the output format.
        batch: the reports.
        single: one target was given (``check URL``): keep the one-report shape.
        color: ANSI colours in the text format.
    """
    if fmt is OutputFormat.TEXT:
        from hec_doctor.render import text

        if single:
            return text.render(batch.reports[0], color=color)
        return text.render_batch(batch, color=color)
    if fmt is OutputFormat.JSON:
        from hec_doctor.render import json

        return json.render(batch.reports[0]) if single else json.render_batch(batch)
    if fmt is OutputFormat.JUNIT:
        from hec_doctor.render import junit

        return junit.render_batch(batch)
    if fmt is OutputFormat.GITHUB:
        from hec_doctor.render import github

        return github.render_batch(batch)
    if fmt is OutputFormat.MARKDOWN:
        from hec_doctor.render import markdown

        return markdown.render_batch(batch)
    raise AssertionError(f"unhandled output format: {fmt!r}")  # pragma: no cover
