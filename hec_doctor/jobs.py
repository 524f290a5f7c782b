"""Logpush jobs: read the API's JSON and judge each job (``hec-doctor job``).

``parse_jobs`` accepts one job, a list, or the API envelope. ``judge_job`` is pure: a job and the
current time in, ``job.*`` results out. ``check_job`` adds the job's destination, linted offline
(or checked live) by the same engine as ``hec-doctor check``.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Mapping

from hec_doctor.errors import InputError
from hec_doctor.gox509 import rfc3339
from hec_doctor.error_messages import explain_message
from hec_doctor.models import (
    CheckResult,
    JobSummary,
    LogpushPrediction,
    Options,
    Outcome,
    Report,
    Status,
    TargetSummary,
)
from hec_doctor.redact import redact_echo, scrub_value
from hec_doctor.spec import CLOUDFLARE_API_BASE

LOGPULL_RETENTION = timedelta(hours=72)  # the FAQ: logs are kept at least 72 hours
STALE_AFTER = timedelta(hours=24)
SCHEMES = {
    "splunk": "Splunk HEC", "s3": "Amazon S3", "gs": "Google Cloud Storage",
    "azure": "Azure Blob Storage", "cos": "IBM Cloud Object Storage", "r2": "Cloudflare R2",
    "sumo": "Sumo Logic", "datadog": "Datadog", "https": "an HTTP endpoint",
    "newrelic": "New Relic",
}
JOB_CHECKS = (
    ("job.enabled", "Job enabled"),
    ("job.version", "Logpush version"),
    ("job.options", "Deprecated fields"),
    ("job.kind", "Job kind"),
    ("job.health", "Health in time"),
    ("job.error_message", "Last error message"),
    ("job.destination", "Destination kind"),
)


def parse_jobs(text: str, source: str = "input") -> list[dict[str, Any]]:
    """The jobs in ``text``: one job object, a list of them, or the API envelope.

    Raises:
        InputError: for malformed JSON, an envelope that reports failure, or anything that is
            not a job (a job is an object with at least ``id`` or ``destination_conf``).
    """
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise InputError(f"{source} is not valid JSON: {_first_line(str(exc))}") from None
    except RecursionError:
        raise InputError(f"{source} is nested too deeply to be a Logpush job") from None
    if isinstance(document, dict) and "result" in document:
        if document.get("success") is False:
            errors = document.get("errors")
            errors = errors if isinstance(errors, list) else []
            said = "; ".join(str(e.get("message", e)) if isinstance(e, dict) else str(e)
                             for e in errors[:3]) or "no error given"
            raise InputError(f"{source}: the API answered success=false ({said})")
        document = document["result"]
        if document is None:
            document = []
    jobs = document if isinstance(document, list) else [document]
    for position, job in enumerate(jobs):
        if not isinstance(job, dict) or not ({"id", "destination_conf"} & job.keys()):
            raise InputError(f"{source}: item {position} is not a Logpush job (no id or "
                             "destination_conf)")
    return jobs


def _first_line(text: str) -> str:
    return (text.splitlines() or [""])[0][:200]


def _time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def _ago(delta: timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    if seconds >= 2 * 86400:
        return f"{seconds // 86400} days"
    if seconds >= 7200:
        return f"{seconds // 3600} hours"
    return f"{seconds // 60} minutes"


def _scheme(conf: str) -> str:
    """The destination_conf's scheme, lower-case ("" without one)."""
    return conf.split("://", 1)[0].lower() if "://" in conf else ""


def summarise_job(job: Mapping[str, Any], secrets: tuple[str, ...] = ()) -> JobSummary:
    """The printable facts of a job (secrets in its error message redacted)."""
    conf = str(job.get("destination_conf") or "")
    message = job.get("error_message")
    return JobSummary(
        id=job.get("id") if isinstance(job.get("id"), (int, str)) else None,
        name=str(job.get("name") or ""),
        dataset=str(job.get("dataset") or ""),
        enabled=job.get("enabled") if isinstance(job.get("enabled"), bool) else None,
        version="v2" if job.get("logstream") is True else "v1",
        kind=str(job.get("kind") or ""),
        destination_scheme=_scheme(conf),
        last_complete=job.get("last_complete") if isinstance(job.get("last_complete"), str)
        else None,
        last_error=job.get("last_error") if isinstance(job.get("last_error"), str) else None,
        error_message=redact_echo(str(message), secrets) if message else None,
    )


def judge_job(job: Mapping[str, Any], now: datetime) -> dict[str, Outcome]:
    """The ``job.*`` outcomes for one job, by check id."""
    last_complete, last_error = _time(job.get("last_complete")), _time(job.get("last_error"))
    failing = last_error is not None and (last_complete is None or last_error >= last_complete)
    return {
        "job.enabled": _enabled(job, last_complete, failing, now),
        "job.version": _version(job),
        "job.options": _options(job),
        "job.kind": _kind(job),
        "job.health": _health(job, last_complete, last_error, failing, now),
        "job.error_message": _error_message(job, failing),
        "job.destination": _destination(job),
    }


def _missing(last_complete: datetime | None, now: datetime) -> str:
    """Which logs are missing, which are lost for good, and what Logpull can still fetch."""
    pull_from = now - LOGPULL_RETENTION
    if last_complete is None:
        return ("No push ever completed. Logpull can fetch logs of the last 72 hours (since "
                f"{rfc3339(pull_from)}).")
    text = (f"Logs since the last completed push ({rfc3339(last_complete)}, "
            f"{_ago(now - last_complete)} ago) are missing, and Logpush never backfills: "
            "it will not push them later.")
    if last_complete < pull_from:
        return text + (f" Logs from {rfc3339(last_complete)} to {rfc3339(pull_from)} are lost for "
                       f"good; Logpull can still fetch those since {rfc3339(pull_from)} "
                       "(logs are kept at least 72 hours).")
    return text + (" All of them are younger than 72 hours: fetch them with the Logpull API "
                   "before they age out.")


def _enabled(job: Mapping[str, Any], last_complete: datetime | None, failing: bool,
             now: datetime) -> Outcome:
    enabled = job.get("enabled")
    if enabled is True:
        return Outcome(Status.PASS, "the job is enabled")
    if enabled is None:
        return Outcome(Status.WARN, "the job JSON has no enabled field",
                       "Without it hec-doctor cannot tell whether Logpush pushes anything.",
                       "Fetch the job from the API (GET .../logpush/jobs/<JOB_ID>).")
    fix = ("Fix the destination first (hec-doctor check), then re-enable: PUT "
           '.../logpush/jobs/<JOB_ID> with {"enabled": true}.')
    if failing:
        return Outcome(
            Status.FAIL, "the job is disabled, and it was failing when it stopped",
            "Logpush disables a job whose destination keeps failing (the FAQ: it assumes the "
            "destination is permanently unavailable). " + _missing(last_complete, now), fix)
    return Outcome(Status.WARN, "the job is disabled: nothing is pushed",
                   "Someone turned it off (no error is recorded). " + _missing(last_complete, now),
                   fix)


def _version(job: Mapping[str, Any]) -> Outcome:
    if job.get("logstream") is True:
        return Outcome(Status.PASS, 'Logpush v2 ("logstream": true)')
    return Outcome(
        Status.WARN, 'Logpush v1 (legacy): no "logstream": true',
        "v1 is the legacy pipeline; v2 is current.",
        f"Upgrade: PUT {CLOUDFLARE_API_BASE}/zones/<ZONE_ID>/logpush/jobs/"
        f"{job.get('id', '<JOB_ID>')} with {{\"logstream\": true}} "
        "(see: hec-doctor explain logpush-versions).")


def _options(job: Mapping[str, Any]) -> Outcome:
    found = []
    if job.get("frequency") is not None:
        found.append(("frequency", "use max_upload_bytes, max_upload_records and "
                      "max_upload_interval_seconds"))
    if job.get("logpull_options") and not job.get("output_options"):
        found.append(("logpull_options", "use output_options"))
    if not found:
        return Outcome(Status.PASS, "no deprecated field in use")
    names = ", ".join(name for name, _ in found)
    return Outcome(Status.WARN, f"deprecated field(s) in use: {names}",
                   "Cloudflare keeps them working for now but documents them as deprecated.",
                   "; ".join(f"instead of {name}, {advice}" for name, advice in found) + ".",
                   data={"deprecated": [name for name, _ in found]})


def _kind(job: Mapping[str, Any]) -> Outcome:
    kind = job.get("kind") or ""
    if kind == "":
        return Outcome(Status.PASS, "kind \"\": a regular Logpush job")
    if kind == "edge":
        return Outcome(Status.PASS, "kind \"edge\": an edge log delivery job",
                       "Edge jobs push http_requests straight from the edge; "
                       "max_upload_interval_seconds applies to them.")
    return Outcome(Status.WARN, f"unknown kind {kind!r}", "Cloudflare documents \"\" and edge.",
                   "Check the job in the dashboard.")


def _health(job: Mapping[str, Any], last_complete: datetime | None,
            last_error: datetime | None, failing: bool, now: datetime) -> Outcome:
    for field in ("last_complete", "last_error"):
        value = job.get(field)
        if value not in (None, "") and _time(value) is None:
            return Outcome(Status.WARN, f"{field} {value!r} is not an RFC 3339 time",
                           "hec-doctor cannot tell how the job is doing in time.")
    if failing:
        assert last_error is not None
        since = (f"the last completed push was {rfc3339(last_complete)}, "
                 f"{_ago(last_error - last_complete)} before the last error"
                 if last_complete else "no push has ever completed")
        return Outcome(
            Status.FAIL, f"failing: last error at {rfc3339(last_error)} "
            f"({_ago(now - last_error)} ago); {since}",
            _missing(last_complete, now)
            + " Logpush retries a batch about five times over five minutes, then drops it.",
            "Fix what the error message says (below), then check the destination with "
            "hec-doctor check.",
            data={"missing_since": rfc3339(last_complete) if last_complete else None})
    if last_error is not None:
        assert last_complete is not None
        return Outcome(
            Status.WARN, f"recovered: an error at {rfc3339(last_error)}, then a completed push "
            f"at {rfc3339(last_complete)}",
            "Some batches failed; those were dropped after Logpush's retries.",
            "Look for intermittent causes: a token missing on some indexers, a busy HEC.")
    if last_complete is None:
        return Outcome(Status.WARN, "no push has completed yet",
                       "A new job, or a dataset with no traffic yet.")
    age = now - last_complete
    if job.get("enabled") is True and age > STALE_AFTER:
        return Outcome(Status.WARN, f"no push completed for {_ago(age)} (last at "
                       f"{rfc3339(last_complete)}), and no error either",
                       "The zone may have had no traffic for this dataset, or pushes stalled.")
    return Outcome(Status.PASS, f"last completed push at {rfc3339(last_complete)} "
                   f"({_ago(age)} ago); no error")


def _error_message(job: Mapping[str, Any], failing: bool) -> Outcome:
    message = job.get("error_message")
    if not message:
        return Outcome(Status.PASS, "no error message")
    explanation = explain_message(str(message))
    status = Status.FAIL if failing else Status.WARN
    data: dict[str, Any] = {"class": explanation.matched.id if explanation.matched else None,
                            "nearest_family": explanation.nearest_family or None}
    data.update(explanation.details)
    return Outcome(status, f"{explanation.title}: {message}", explanation.cause, explanation.fix,
                   data=data)


def _destination(job: Mapping[str, Any]) -> Outcome:
    conf = str(job.get("destination_conf") or "")
    scheme = _scheme(conf)
    if scheme == "splunk":
        return Outcome(Status.PASS, "a Splunk HEC destination: checked below")
    if not conf:
        return Outcome(Status.FAIL, "the job has no destination_conf")
    what = SCHEMES.get(scheme, f"a {scheme or 'schemeless'} destination")
    return Outcome(Status.SKIP, f"{scheme}:// is {what}, not Splunk: not deep-checked")


def check_job(job: Mapping[str, Any], options: Options, *, live: bool = False) -> Report:
    """One job's report: the ``job.*`` results, then its Splunk destination's checks, with the
    destination's secrets redacted (a job's error_message may quote them)."""
    from hec_doctor.target import build_target
    from hec_doctor.runner import result_of, run

    judged = judge_job(job, options.now())
    results = tuple(result_of(check_id, title, judged[check_id]) for check_id, title in JOB_CHECKS)
    conf = str(job.get("destination_conf") or "")
    if judged["job.destination"].status is Status.PASS:
        try:
            target = build_target(conf)
        except InputError as exc:
            return _without_destination(job, results, conf, f"unreadable: {exc}")
        report = run(target, replace(options, offline=not live))
        results = tuple(replace(r, summary=redact_echo(r.summary, target.secrets))
                        for r in results)
        whole = replace(report, checks=results + report.checks,
                        job=summarise_job(job, target.secrets))
        scrubbed: Report = scrub_value(whole, target.secrets)  # type: ignore[assignment]
        return scrubbed
    return _without_destination(job, results, conf, "")


def destination_secrets(job: Mapping[str, Any]) -> tuple[str, ...]:
    """The secrets a job's destination_conf holds ("" when it cannot be read)."""
    from hec_doctor.target import build_target

    try:
        return build_target(str(job.get("destination_conf") or "")).secrets
    except InputError:
        return ()


def bare_report(job: Mapping[str, Any]) -> Report:
    """A report naming the job and nothing else (for when judging it went wrong)."""
    return _without_destination(job, (), str(job.get("destination_conf") or ""), "")


def _without_destination(job: Mapping[str, Any], results: tuple[CheckResult, ...], conf: str,
                         problem: str) -> Report:
    from hec_doctor import __version__

    if problem:
        results = tuple(
            replace(r, status=Status.FAIL, summary=f"the Splunk destination_conf is {problem}")
            if r.id == "job.destination" else r for r in results)
    scheme = _scheme(conf)
    target = TargetSummary(input=_outline(conf), form="other", url="", host="", port=0,
                           path="", token=None, insecure_skip_verify=False)
    basis = ("not a Splunk destination: hec-doctor does not check it" if scheme != "splunk"
             else "the destination_conf could not be read")
    return Report(target=target, checks=results, logpush=LogpushPrediction(basis=basis),
                  version=__version__, job=summarise_job(job))


def _outline(conf: str) -> str:
    """Scheme and host of a destination hec-doctor does not check, and nothing more: other
    destinations keep credentials in their paths and queries (Sumo Logic, Azure SAS, Datadog)."""
    scheme, separator, rest = conf.partition("://")
    if not separator:
        return "<destination_conf without a scheme>"
    host = rest.split("/", 1)[0].split("?", 1)[0].rpartition("@")[2]
    return f"{scheme}://{host}/…" if rest != host else f"{scheme}://{host}"
