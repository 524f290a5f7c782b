"""Markdown for pull-request comments and GitHub's step summary: a table, then the problems."""

from __future__ import annotations

from hec_doctor.models import Batch, Report, Status

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


def render_batch(batch: Batch) -> str:
    """A heading with the verdict, a row per target, and each target's problems."""
    lines = [f"## hec-doctor: {_ICON[batch.verdict]}", "",
             "| target | verdict | failed | warnings | Logpush |", "|---|---|---|---|---|"]
    for report in batch.reports:
        counts = report.counts()
        lines.append(f"| {cell(report.label)} | {_ICON[report.verdict]} | "
                     f"{counts[Status.FAIL] + counts[Status.ERROR]} | {counts[Status.WARN]} | "
                     f"{_logpush(report)} |")
    for report in batch.reports:
        problems = [c for c in report.checks if c.status in (Status.FAIL, Status.ERROR,
                                                              Status.WARN)]
        if not problems:
            continue
        lines += ["", f"### {cell(report.label)}", "", "| check | status | finding | fix |",
                  "|---|---|---|---|"]
        for check in problems:
            lines.append(f"| {cell(check.id)} | {_ICON[check.status]} | {cell(check.summary)} | "
                         f"{cell(check.remediation)} |")
        if report.logpush.predicted_error:
            lines += ["", f"Predicted error: {cell(report.logpush.predicted_error)}"]
    return "\n".join(lines) + "\n"
