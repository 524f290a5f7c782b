"""Output formats. Each renderer is pure: reports in, text out, no I/O.

A batch renders as a stream: ``writer(fmt)`` gives an object whose ``start()``, ``add(report)``
and ``finish(tally)`` return the text to write at each point, so a fleet's reports can leave as
they complete and only a ``Tally`` (counts and problem groups) is kept for the end. Text and JSON
render one report on its own when one target was checked (``single``).

Internal: not part of the public API (that is ``hec_doctor.__all__``); it may change
between versions.
"""

from __future__ import annotations

from enum import Enum

# Neither typing nor the models load unless a report is rendered: explain needs neither (type
# checkers read any TYPE_CHECKING as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Protocol

    from hec_doctor.models import Batch, Report, Tally

    class Writer(Protocol):
        """A format's renderer, one report at a time."""

        def start(self) -> str: ...

        def add(self, report: Report) -> str: ...

        def finish(self, tally: Tally) -> str: ...


class OutputFormat(str, Enum):
    """The formats ``--format`` accepts."""

    TEXT = "text"
    JSON = "json"
    JSON_REPORT = "json-report"
    JUNIT = "junit"
    GITHUB = "github"
    MARKDOWN = "markdown"
    SARIF = "sarif"
    CONCISE = "concise"


def writer(fmt: OutputFormat, *, single: bool = False, color: bool = False) -> Writer:
    """The renderer of ``fmt``.

    Args:
        fmt: the output format.
        single: one target was given (``check URL``): text prints the one report without a
            fleet summary. JSON is always the batch envelope; ``json-report`` is the one
            report on its own (for one target only).
        color: ANSI colours in the text format.
    """
    if fmt is OutputFormat.TEXT:
        from hec_doctor.render import text

        return text.Writer(single=single, color=color)
    if fmt in (OutputFormat.JSON, OutputFormat.JSON_REPORT):
        from hec_doctor.render import json

        return json.Writer(single=fmt is OutputFormat.JSON_REPORT)
    if fmt is OutputFormat.JUNIT:
        from hec_doctor.render import junit

        return junit.Writer()
    if fmt is OutputFormat.GITHUB:
        from hec_doctor.render import github

        return github.Writer()
    if fmt is OutputFormat.MARKDOWN:
        from hec_doctor.render import markdown

        return markdown.Writer()
    if fmt is OutputFormat.SARIF:
        from hec_doctor.render import sarif

        return sarif.Writer()
    if fmt is OutputFormat.CONCISE:
        from hec_doctor.render import concise

        return concise.Writer()
    raise AssertionError(f"unhandled output format: {fmt!r}")  # pragma: no cover


def render(fmt: OutputFormat, batch: Batch, *, single: bool = False, color: bool = False) -> str:
    """The whole batch in ``fmt`` (what the streamed output adds up to)."""
    from hec_doctor.models import Tally

    out = writer(fmt, single=single, color=color)
    return (out.start() + "".join(out.add(report) for report in batch.reports)
            + out.finish(Tally.of(batch.reports)))
