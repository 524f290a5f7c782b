"""The JSON report: a versioned contract that pipelines read.

The JSON Schema of both shapes is ``hec_doctor/report.schema.json`` (tests validate every JSON
output against it). ``--format json`` always writes the batch envelope, one target or many;
``--format json-report`` writes one report on its own (one target only).

Schema ``hec-doctor.report/1`` (pinned by ``fixtures/report.json``)::

    {
      "schema": "hec-doctor.report/1",
      "version": "<hec-doctor version>",
      "verdict": "pass" | "warn" | "fail" | "error",
      "label": "<short name: FILE:LINE host:port, or host:port>",
      "target": {"input", "form": "url" | "destination_conf" | "bare" | "not_read",
                 "url", "host", "port": int | null, "path",
                 "token": {"source", "fingerprint"} | null, "insecure_skip_verify"},
      "checks": [{"id", "title", "status", "summary", "detail", "remediation",
                  "duration_ms", "data", "error_reason": "bug" | "inconclusive" | null}],
      "logpush": {"would_deliver": bool | null, "predicted_error": str | null,
                  "legacy_error": str | null, "basis": str,
                  "evidence": "measured with Go 1.27.3" | "predicted (no Go probe: ...)" | ""},
      "suggested_destination_conf": str | null,
      "notices": [str],
      "job": {"id", "name", "dataset", "enabled", "version", "kind", "destination_scheme",
              "last_complete", "last_error", "error_message",
              "address"} | null  (hec-doctor job and terraform; address: the resource address)
    }

The envelope ``hec-doctor.batch/1``::

    {
      "schema": "hec-doctor.batch/1",
      "version": "<hec-doctor version>",
      "reports": [<hec-doctor.report/1 documents, in input order>],
      "verdict": "pass" | "warn" | "fail" | "error",
      "counts": {"pass": n, "warn": n, "fail": n, "error": n},
      "problems": [{"check_id", "status", "count", "targets": [label], "example"}]
    }

(``reports`` comes first so the envelope can be written as the reports complete.)

Adding a field is a minor change (readers must ignore unknown keys); renaming or removing one
bumps the schema number.
"""

from __future__ import annotations

import json
import json.encoder
from dataclasses import asdict
from typing import Any

from hec_doctor.models import CheckResult, Report, Tally

SCHEMA = "hec-doctor.report/1"
BATCH_SCHEMA = "hec-doctor.batch/1"


def to_dict(report: Report) -> dict[str, Any]:
    """The report as plain JSON-ready data."""
    target = report.target
    document = {
        "schema": SCHEMA,
        "version": report.version,
        "verdict": report.verdict.value,
        "label": report.label,
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
            "evidence": report.logpush.evidence,
        },
        "suggested_destination_conf": report.suggested_destination_conf,
        "notices": list(report.notices),
        "job": asdict(report.job) if report.job is not None else None,
        "clients": [asdict(c) for c in report.clients] if report.clients else None,
    }
    return document


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
        "error_reason": check.error_reason.value if check.error_reason else None,
    }


def render(report: Report) -> str:
    """The report as an indented JSON document, ending in a newline."""
    return dumps_indented(to_dict(report)) + "\n"


def dumps_indented(value: Any, level: int = 0) -> str:
    """Exactly ``json.dumps(value, indent=2, ensure_ascii=False)`` for the plain data
    ``to_dict`` makes (string keys), several times faster: with ``indent`` the standard
    library falls back on its pure-Python encoder, whose cost a fleet pays per report (2 ms,
    measured on 3,000 targets); this walk leaves each string and number to the C encoder's
    own functions."""
    if isinstance(value, str):
        return _encode_string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _FLOAT_ENCODER(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        if not all(isinstance(key, str) for key in value):
            return _indent_nested(json.dumps(value, indent=2, ensure_ascii=False), level)
        inner = "\n" + "  " * (level + 1)
        return ("{" + inner + ("," + inner).join(
            _encode_string(key) + ": " + dumps_indented(item, level + 1)
            for key, item in value.items()) + "\n" + "  " * level + "}")
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        inner = "\n" + "  " * (level + 1)
        return ("[" + inner + ("," + inner).join(dumps_indented(item, level + 1)
                                                 for item in value) + "\n" + "  " * level + "]")
    return _indent_nested(json.dumps(value, indent=2, ensure_ascii=False), level)


def _indent_nested(document: str, level: int) -> str:
    return document.replace("\n", "\n" + "  " * level)


_encode_string = json.encoder.encode_basestring


def _FLOAT_ENCODER(number: float) -> str:  # noqa: N802 - json.encoder's floatstr, as dumps has it
    if number != number:
        return "NaN"
    if number == float("inf"):
        return "Infinity"
    if number == -float("inf"):
        return "-Infinity"
    return float.__repr__(number)


def summary_to_dict(tally: Tally) -> dict[str, Any]:
    """The batch envelope's summary fields."""
    return {
        "verdict": tally.verdict.value,
        "counts": {status.value: n for status, n in tally.counts.items()},
        "problems": [
            {"check_id": g.check_id, "status": g.status.value, "count": len(g.labels),
             "targets": list(g.labels), "example": g.example}
            for g in tally.problems
        ],
    }


class Writer:
    """One report's document, or the batch envelope written as its reports arrive.

    The envelope's summary fields follow ``reports`` (they are known only at the end); the
    whole is exactly ``json.dumps(envelope, indent=2)`` of that key order.
    """

    def __init__(self, *, single: bool = False) -> None:
        self.single = single
        self._count = 0

    def start(self) -> str:
        if self.single:
            return ""
        from hec_doctor import __version__

        head = json.dumps({"schema": BATCH_SCHEMA, "version": __version__}, indent=2)
        return head[:-2] + ',\n  "reports": ['

    def add(self, report: Report) -> str:
        if self.single:
            return render(report)
        self._count += 1
        document = dumps_indented(to_dict(report), 2)
        return ("\n    " if self._count == 1 else ",\n    ") + document

    def finish(self, tally: Tally) -> str:
        if self.single:
            return ""
        tail = json.dumps(summary_to_dict(tally), indent=2, ensure_ascii=False)
        return ("\n  ]" if self._count else "]") + "," + tail[1:-1] + "}\n"
