"""GitHub Actions workflow commands: an annotation per failed or warning check.

Escaping follows the runner's rules: in the message ``%``, CR and LF are encoded; in a property
value (the title) also ``:`` and ``,``. Without it a newline or ``::`` in a server's reply could
end the command early or inject another one.
"""

from __future__ import annotations

from hec_doctor.models import Report, Status, Tally


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


_COMMAND = {Status.FAIL: "error", Status.ERROR: "error", Status.WARN: "warning"}


class Writer:
    """One annotation per failed, errored or warning check, then a notice with the verdict."""

    def start(self) -> str:
        return ""

    def add(self, report: Report) -> str:
        lines = []
        for check in report.checks:
            command = _COMMAND.get(check.status)
            if command is None:
                continue
            message = check.summary + (f"\nfix: {check.remediation}" if check.remediation else "")
            title = f"hec-doctor {check.id}: {report.label}"
            # file= and line= put the annotation on the changed line of a pull request, not
            # only on the run page (GitHub's workflow commands, "Setting an error message").
            location = report.location
            where = (f"file={escape_property(location[0])},line={location[1]},"
                     if location else "")
            lines.append(f"::{command} {where}title={escape_property(title)}::"
                         f"{escape_data(message)}\n")
        return "".join(lines)

    def finish(self, tally: Tally) -> str:
        said = ", ".join(f"{n} {s.value}" for s, n in tally.counts.items() if n) or (
            f"no {tally.noun}s")
        verdict = f"verdict {tally.verdict.value}: {said}"
        return f"::notice title=hec-doctor::{escape_data(verdict)}\n"
