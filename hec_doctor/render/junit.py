"""JUnit XML for CI systems: a testsuite per target, a testcase per check.

Failures and errors carry the summary as ``message`` and the detail and fix as text; skipped
checks say why; warnings pass, with the warning in ``system-out``. Built with ElementTree, which
escapes markup; characters XML 1.0 cannot hold at all (NUL, most controls) are replaced first.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from hec_doctor.models import CheckResult, Report, Status, Tally

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _safe(text: object) -> str:
    return _NOT_XML.sub("\ufffd", str(text))


def _body(check: CheckResult) -> str:
    parts = [check.summary]
    if check.detail:
        parts.append(f"why: {check.detail}")
    if check.remediation:
        parts.append(f"fix: {check.remediation}")
    return _safe("\n".join(parts))


def _suite(report: Report) -> ET.Element:
    counts = report.counts()
    seconds = sum(c.duration_ms for c in report.checks) / 1000
    suite = ET.Element("testsuite", {
        "name": _safe(report.label), "tests": str(len(report.checks)),
        "failures": str(counts[Status.FAIL]), "errors": str(counts[Status.ERROR]),
        "skipped": str(counts[Status.SKIP]), "time": f"{seconds:.3f}",
    })
    properties = ET.SubElement(suite, "properties")
    logpush = report.logpush
    for name, value in (("verdict", report.verdict.value),
                        ("logpush.would_deliver", str(logpush.would_deliver).lower()),
                        ("logpush.predicted_error", logpush.predicted_error or "")):
        ET.SubElement(properties, "property", {"name": name, "value": _safe(value)})
    # Jenkins splits a classname at its last dot into package and class (and GitLab shows it
    # as the suite): the dots of a host name would make a package tree of it.
    classname = "hec-doctor." + _safe(report.label).replace(".", "_")
    for check in report.checks:
        case = ET.SubElement(suite, "testcase", {
            "classname": classname, "name": check.id,
            "time": f"{check.duration_ms / 1000:.3f}"})
        if check.status in (Status.FAIL, Status.ERROR):
            tag = "failure" if check.status is Status.FAIL else "error"
            element = ET.SubElement(case, tag, {"message": _safe(check.summary),
                                                 "type": check.status.value})
            element.text = _body(check)
        elif check.status is Status.SKIP:
            ET.SubElement(case, "skipped", {"message": _safe(check.summary)})
        elif check.status is Status.WARN:
            ET.SubElement(case, "system-out").text = "warning: " + _body(check)
    return suite


class Writer:
    """A ``testsuite`` per report, rendered as each arrives; the root's totals at the end."""

    def __init__(self) -> None:
        self._suites: list[str] = []
        self._totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        self._seconds = 0.0

    def start(self) -> str:
        return ""

    def add(self, report: Report) -> str:
        suite = _suite(report)
        for key in self._totals:
            self._totals[key] += int(suite.get(key, "0"))
        self._seconds += float(suite.get("time", "0"))
        ET.indent(suite, level=1)
        self._suites.append(ET.tostring(suite, encoding="unicode"))
        return ""

    def finish(self, tally: Tally) -> str:
        root = ET.Element("testsuites", {"name": "hec-doctor"})
        # Jenkins' junit-10.xsd (jenkinsci/xunit-plugin) allows name, time, tests, failures and
        # errors on <testsuites>, not skipped: the skipped count stays on each <testsuite>.
        for key, value in self._totals.items():
            if key != "skipped":
                root.set(key, str(value))
        root.set("time", f"{self._seconds:.3f}")
        head = ET.tostring(root, encoding="unicode", xml_declaration=True)
        head = head[: -len(" />")] + ">"
        body = "".join("\n  " + suite for suite in self._suites)
        return head + body + "\n</testsuites>\n"
