"""Markdown for pull-request comments and GitHub's step summary: a table, then the problems."""

from __future__ import annotations

from hec_doctor.models import Report, Status, Tally

_ICON = {Status.PASS: "✅ pass", Status.WARN: "⚠️ warn", Status.FAIL: "❌ fail",
         Status.ERROR: "🛑 error", Status.SKIP: "⏭️ skip"}


def cell(text: str) -> str:
    """Text safe inside a table cell: one line, pipes and markup characters escaped."""
    flat = " ".join(str(text).split())
    for char in ("\\", "|", "`", "*", "_", "<", ">", "[", "]"):
        flat = flat.replace(char, "\\" + char)
    return flat


def _logpush(report: Report) -> str:
    value = report.logpush.would_deliver
    return {True: "would deliver", False: "would NOT deliver", None: "not predicted"}[value]


class Writer:
    """A heading with the verdict, a row per target, and each target's problems.

    The heading needs the verdict of all, so rows and sections are kept (as short text) until
    the end.
    """

    def __init__(self) -> None:
        self._rows: list[str] = []
        self._sections: list[str] = []

    def start(self) -> str:
        return ""

    def add(self, report: Report) -> str:
        counts = report.counts()
        self._rows.append(f"| {cell(report.label)} | {_ICON[report.verdict]} | "
                          f"{counts[Status.FAIL] + counts[Status.ERROR]} | "
                          f"{counts[Status.WARN]} | {_logpush(report)} |")
        problems = [c for c in report.checks if c.status in (Status.FAIL, Status.ERROR,
                                                              Status.WARN)]
        if problems:
            lines = ["", f"### {cell(report.label)}", "", "| check | status | finding | fix |",
                     "|---|---|---|---|"]
            lines += [f"| {cell(c.id)} | {_ICON[c.status]} | {cell(c.summary)} | "
                      f"{cell(c.remediation)} |" for c in problems]
            if report.logpush.predicted_error:
                lines += ["", f"Predicted error: {cell(report.logpush.predicted_error)}"]
            self._sections.append("\n".join(lines))
        return ""

    def finish(self, tally: Tally) -> str:
        lines = [f"## hec-doctor: {_ICON[tally.verdict]}", "",
                 "| target | verdict | failed | warnings | Logpush |", "|---|---|---|---|---|",
                 *self._rows, *self._sections]
        if not self._rows:
            lines[2:4] = [f"No {tally.noun}s."]
        return "\n".join(lines) + "\n"
