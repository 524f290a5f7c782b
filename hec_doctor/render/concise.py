"""One line per finding, as linters print them: ``FILE:LINE:COL: ID [status] message`` (the
pre-commit hook's format). A finding that came from no file is named by its label instead; the
full report is ``--format text``."""

from __future__ import annotations

from hec_doctor.models import Report, Status, Tally

_SHOWN = (Status.FAIL, Status.ERROR, Status.WARN)


class Writer:
    def start(self) -> str:
        return ""

    def add(self, report: Report) -> str:
        location = report.location
        where = f"{location[0]}:{location[1]}:1" if location else report.label
        return "".join(f"{where}: {check.id} [{check.status.value}] {check.summary}\n"
                       for check in report.checks if check.status in _SHOWN)

    def finish(self, tally: Tally) -> str:
        return ""
