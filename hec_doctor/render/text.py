"""The report for people: checks in order with status marks, fixes under problems, a verdict
line."""

from __future__ import annotations

import json
import textwrap

from hec_doctor.models import Report, Status, Tally

_MARK = {
    Status.PASS: "PASS",
    Status.WARN: "WARN",
    Status.FAIL: "FAIL",
    Status.SKIP: "SKIP",
    Status.ERROR: "ERR ",
}
_COLOUR = {
    Status.PASS: "32",  # green
    Status.WARN: "33",  # yellow
    Status.FAIL: "31",  # red
    Status.SKIP: "2",  # dim
    Status.ERROR: "35",  # magenta
}
_INDENT = " " * 8
_WIDTH = 100


def render(report: Report, *, color: bool = False) -> str:
    """The report as text.

    Args:
        report: the finished report.
        color: wrap status marks in ANSI colours (the CLI decides: TTY, NO_COLOR, --color).
    """

    def paint(status: Status, text: str) -> str:
        return f"\x1b[{_COLOUR[status]}m{text}\x1b[0m" if color else text

    target = report.target
    job = report.job
    if job is not None:
        state = {True: "enabled", False: "disabled", None: "enabled?"}[job.enabled]
        what = ", ".join(x for x in (job.dataset or "no dataset", job.kind, job.version, state)
                         if x)
        job_id = job.address or (job.id if isinstance(job.id, str) else json.dumps(job.id))
        lines = [f"hec-doctor {report.version}: Logpush job {job_id}"
                 + (f" {job.name!r}" if job.name else "") + f" ({what})",
                 f"destination: {target.input}"]
    else:
        lines = [f"hec-doctor {report.version}: {target.form.replace('_', ' ')} {target.input}"]
    token = target.token
    lines.append(
        f"token: {token.fingerprint} from {token.source}" if token else "token: none given"
    )
    lines.append("")
    id_width = max((len(c.id) for c in report.checks), default=0)
    for check in report.checks:
        lines.append(f"  {paint(check.status, _MARK[check.status])}  "
                     f"{check.id.ljust(id_width)}  {check.summary}")
        if check.status in (Status.FAIL, Status.WARN, Status.ERROR):
            lines += _block("why", check.detail) + _block("fix", check.remediation)
        elif check.status is Status.PASS:
            lines += _block("note", check.detail)
    if report.suggested_destination_conf:
        lines += ["", "Corrected destination_conf:", "  " + report.suggested_destination_conf]
    lines += _logpush_lines(report)
    lines += _client_lines(report)
    for notice in report.notices:
        lines.append(f"notice: {notice}")
    counts = report.counts()
    parts = [f"{counts[s]} {label}" for s, label in (
        (Status.FAIL, "failed"), (Status.ERROR, "error" if counts[Status.ERROR] == 1 else "errors"),
        (Status.WARN, "warning" if counts[Status.WARN] == 1 else "warnings"),
        (Status.PASS, "passed"), (Status.SKIP, "skipped"),
    ) if counts[s]]
    verdict = report.verdict
    lines += ["", f"Verdict: {paint(verdict, verdict.value.upper())} ({', '.join(parts)})"]
    return "\n".join(lines) + "\n"


def _block(label: str, text: str) -> list[str]:
    if not text:
        return []
    out = []
    prefix = f"{_INDENT}{label}: "
    for i, paragraph in enumerate(text.splitlines()):
        out += textwrap.wrap(
            paragraph,
            width=_WIDTH,
            initial_indent=prefix if i == 0 else _INDENT + " " * (len(label) + 2),
            subsequent_indent=_INDENT + " " * (len(label) + 2),
            break_long_words=False,
            break_on_hyphens=False,
        ) or [""]
    return out


def _logpush_lines(report: Report) -> list[str]:
    logpush = report.logpush
    if logpush.would_deliver is None and not logpush.basis:
        return []
    if logpush.would_deliver is None:
        head = "Logpush: not predicted"
    elif logpush.would_deliver:
        head = "Logpush: would deliver"
    else:
        head = "Logpush: would NOT deliver"
    lines = ["", head + (f" ({logpush.basis})" if logpush.basis else "")]
    if logpush.evidence:
        lines.append(f"  {logpush.evidence}")
    if logpush.predicted_error:
        lines.append(f"  predicted error: {logpush.predicted_error}")
    if logpush.legacy_error:
        lines.append(f"  older Go (1.14 and earlier) said: {logpush.legacy_error}")
    return lines


def _client_lines(report: Report) -> list[str]:
    """The client stacks side by side: delivered or not, each one's own words, and why a stack
    differs from Go where that is known."""
    if not report.clients:
        return []
    width = max(len(c.client) for c in report.clients)
    lines = ["", "Client stacks (the same push through each):"]
    for client in report.clients:
        if not client.present:
            outcome = "not present on this machine"
        elif client.delivered is None:
            outcome = "not judged" + (f": {client.error}" if client.error else (
                f" (HTTP {client.http_status}, no token sent)" if client.http_status else ""))
        elif client.delivered:
            outcome = f"delivers (HTTP {client.http_status}, code {client.hec_code})"
        else:
            outcome = "does NOT deliver: " + (client.error or (
                f"HTTP {client.http_status}" + (f", code {client.hec_code}"
                                                 if client.hec_code is not None else "")))
        lines.append(f"  {client.client.ljust(width)}  {outcome}")
        if client.stack:
            lines.append(f"  {' ' * width}  {client.stack}"
                         + (f", {client.protocol}" if client.protocol else ""))
        if client.why:
            lines += _block("why", client.why)
    return lines


class Writer:
    """Every report in order, then the summary: verdicts counted and problems grouped."""

    def __init__(self, *, single: bool = False, color: bool = False) -> None:
        self.single, self.color = single, color

    def start(self) -> str:
        return ""

    def add(self, report: Report) -> str:
        return render(report, color=self.color) + ("" if self.single else "\n")

    def finish(self, tally: Tally) -> str:
        return "" if self.single else summary(tally)


def summary(tally: Tally) -> str:
    """The closing summary of a batch (also what goes to stderr for other formats)."""
    said = ", ".join(f"{n} {status.value}" for status, n in tally.counts.items() if n)
    total = tally.total
    if not total:
        return f"Summary: no {tally.noun}s; verdict {tally.verdict.value.upper()}\n"
    noun = "job" if tally.all_jobs else "target"
    lines = [f"Summary: {total} {noun}{'s' if total != 1 else ''}: {said}; "
             f"verdict {tally.verdict.value.upper()}"]
    problems = tally.problems
    for group in problems[:10]:
        names = ", ".join(group.labels[:3]) + (f" and {len(group.labels) - 3} more"
                                               if len(group.labels) > 3 else "")
        lines.append(f"  {_MARK[group.status].strip()} {group.check_id} in "
                     f"{len(group.labels)}: {group.example} [{names}]")
    if len(problems) > 10:
        lines.append(f"  ... and {len(problems) - 10} more kinds of problem")
    return "\n".join(lines) + "\n"
