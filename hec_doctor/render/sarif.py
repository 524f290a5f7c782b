"""SARIF 2.1.0 (OASIS Static Analysis Results Interchange Format), the format GitHub code
scanning, GitLab and most CI dashboards read.

One run; one rule per check id that produced a result (its title, its help with a link to the
README section that describes it); one result per check that failed, errored or warned, with a
physical location (file and line) where the input came from a file, else a logical one (the
destination or resource). ``partialFingerprints`` are stable across runs (the rule, the file,
and what was checked, never the line, a time or a fresh GUID), so code scanning tracks an alert
instead of raising it again.
"""

from __future__ import annotations

import hashlib
import json

from hec_doctor.models import Report, Status, Tally

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
README = "https://github.com/hec-doctor/hec-doctor#"
# Where README describes each family of checks (GitHub's anchors for its headings).
_SECTIONS = {
    "dest": "what-the-offline-lint-checks",
    "net": "what-the-live-checks-do-without---offline",
    "tls": "what-the-live-checks-do-without---offline",
    "hec": "what-the-live-checks-do-without---offline",
    "logpush": "measured-with-gos-own-client-the-go-probe",
    "job": "logpush-jobs-hec-doctor-job",
    "tf": "many-destinations-and-ci-gates",
    "lint": "many-destinations-and-ci-gates",
    "cloudflare": "many-destinations-and-ci-gates",
}
_LEVEL = {Status.FAIL: "error", Status.ERROR: "error", Status.WARN: "warning"}


def help_uri(check_id: str) -> str:
    return README + _SECTIONS.get(check_id.split(".")[0], "hec-doctor")


def fingerprint(check_id: str, report: Report) -> str:
    """Stable for the same finding on the same destination in the same file, run after run."""
    where = report.location[0] if report.location else ""
    what = report.job.address if report.job is not None and report.job.address else (
        f"{report.target.host}:{report.target.port}" if report.target.host else report.label)
    return hashlib.sha256(f"{check_id}\0{where}\0{what}".encode()).hexdigest()


class Writer:
    """Every result as reports arrive; the document at the end (rules need every report)."""

    def __init__(self) -> None:
        self._rules: dict[str, dict[str, object]] = {}
        self._results: list[dict[str, object]] = []

    def start(self) -> str:
        return ""

    def add(self, report: Report) -> str:
        for check in report.checks:
            level = _LEVEL.get(check.status)
            if level is None:
                continue
            if check.id not in self._rules:
                self._rules[check.id] = {
                    "id": check.id, "name": check.id.replace(".", "_"),
                    "shortDescription": {"text": check.title or check.id},
                    "helpUri": help_uri(check.id),
                    "help": {"text": f"{check.title}: see {help_uri(check.id)}",
                             "markdown": f"**{check.title}** ([README]({help_uri(check.id)}))"},
                }
            text = check.summary + (f" Fix: {check.remediation}" if check.remediation else "")
            result: dict[str, object] = {
                "ruleId": check.id,
                "ruleIndex": list(self._rules).index(check.id),
                "level": level,
                "message": {"text": text},
                "partialFingerprints": {"hecDoctorFinding/v1": fingerprint(check.id, report)},
            }
            location = report.location
            if location is not None:
                result["locations"] = [{"physicalLocation": {
                    "artifactLocation": {"uri": location[0]},
                    "region": {"startLine": location[1]}}}]
            else:
                result["locations"] = [{"logicalLocations": [
                    {"name": report.label, "kind": "resource"}]}]
            self._results.append(result)
        return ""

    def finish(self, tally: Tally) -> str:
        from hec_doctor import __version__

        document = {
            "$schema": SCHEMA,
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "hec-doctor", "version": __version__,
                    "semanticVersion": __version__,
                    "informationUri": README.rstrip("#"),
                    "rules": list(self._rules.values())}},
                "results": self._results,
            }],
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
