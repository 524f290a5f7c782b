"""The JSON report: a versioned contract that pipelines read.

Schema ``hec-doctor.report/1`` (documented in README.md; pinned by ``fixtures/report.json``)::

    {
      "schema": "hec-doctor.report/1",
      "version": "<hec-doctor version>",
      "verdict": "pass" | "warn" | "fail" | "error",
      "target": {"input", "form", "url", "host", "port", "path",
                 "token": {"source", "fingerprint"} | null, "insecure_skip_verify"},
      "checks": [{"id", "title", "status", "summary", "detail", "remediation",
                  "duration_ms", "data"}],
      "logpush": {"would_deliver": bool | null, "predicted_error": str | null,
                  "legacy_error": str | null, "basis": str},
      "suggested_destination_conf": str | null,
      "notices": [str]
    }

Adding a field is a minor change (readers must ignore unknown keys); renaming or removing one
bumps the schema number.
"""

from __future__ import annotations

import json
from typing import Any

from hec_doctor.models import CheckResult, Report

SCHEMA = "hec-doctor.report/1"


def to_dict(report: Report) -> dict[str, Any]:
    """The report as plain JSON-ready data."""
    target = report.target
    return {
        "schema": SCHEMA,
        "version": report.version,
        "verdict": report.verdict.value,
        "target": {
            "input": target.input,
            "form": target.form,
            "url": target.url,
            "host": target.host,
            "port": target.port,
            "path": target.path,
            "token": (
                {"source": target.token.source, "fingerprint": target.token.fingerprint}
                if target.token
                else None
            ),
            "insecure_skip_verify": target.insecure_skip_verify,
        },
        "checks": [_check(c) for c in report.checks],
        "logpush": {
            "would_deliver": report.logpush.would_deliver,
            "predicted_error": report.logpush.predicted_error,
            "legacy_error": report.logpush.legacy_error,
            "basis": report.logpush.basis,
        },
        "suggested_destination_conf": report.suggested_destination_conf,
        "notices": list(report.notices),
    }


def _check(check: CheckResult) -> dict[str, Any]:
    return {
        "id": check.id,
        "title": check.title,
        "status": check.status.value,
        "summary": check.summary,
        "detail": check.detail,
        "remediation": check.remediation,
        "duration_ms": check.duration_ms,
        "data": dict(check.data),
    }


def render(report: Report) -> str:
    """The report as an indented JSON document, ending in a newline."""
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False) + "\n"
