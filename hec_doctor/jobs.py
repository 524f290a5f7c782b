"""Logpush jobs: read the API's JSON and judge each job (``hec-doctor job``).

``parse_jobs`` accepts one job, a list, or the API envelope (an empty list is a normal answer).
``job_checks.judge_job`` is pure: a job and the current time in, ``job.*`` outcomes out.
``check_job`` adds the job's destination, linted offline (or checked live) by the same engine as
``hec-doctor check``.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any, Mapping

from hec_doctor.errors import InputError
from hec_doctor.job_checks import JOB_CHECKS, judge_job, shown
from hec_doctor.models import (
    CheckResult,
    JobSummary,
    LogpushPrediction,
    Options,
    Report,
    Status,
    TargetSummary,
)
from hec_doctor.redact import redact_echo, scrub_value


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


def summarise_job(job: Mapping[str, Any], secrets: tuple[str, ...] = ()) -> JobSummary:
    """The printable facts of a job, as given (long values shortened, secrets in its error
    message redacted)."""
    message = job.get("error_message")
    logstream = job.get("logstream")
    version = None if job.get("kind") == "edge" else (
        "v2" if logstream is True else "v1" if logstream is False else None)
    return JobSummary(
        id=_scalar(job.get("id")),
        name=shown(job.get("name") or "", 120),
        dataset=shown(job.get("dataset") or "", 120),
        enabled=job.get("enabled") if isinstance(job.get("enabled"), bool) else None,
        version=version,
        kind=shown(job.get("kind") or "", 40),
        destination_scheme=_scheme(job.get("destination_conf")),
        last_complete=_text(job.get("last_complete")),
        last_error=_text(job.get("last_error")),
        error_message=redact_echo(shown(message), secrets) if message else None,
    )


def _scalar(value: object) -> int | float | str | bool | None:
    """An id as given: a JSON scalar stays itself, anything else is shown as (short) JSON."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return shown(value, 120)


def _text(value: object) -> str | None:
    return shown(value, 120) if isinstance(value, str) and value else None


def _scheme(conf: object) -> str:
    """The destination_conf's scheme, lower-case ("" without one)."""
    if not isinstance(conf, str) or "://" not in conf:
        return ""
    return shown(conf.split("://", 1)[0].lower(), 40)


def check_job(job: Mapping[str, Any], options: Options, *, live: bool = False,
              scope: tuple[str, str] | None = None) -> Report:
    """One job's report: the ``job.*`` results, then its Splunk destination's checks, with the
    destination's secrets redacted (a job's error_message may quote them)."""
    from hec_doctor.target import build_target
    from hec_doctor.runner import result_of, run

    judged = judge_job(job, options.now(), scope)
    results = tuple(result_of(check_id, title, judged[check_id]) for check_id, title in JOB_CHECKS)
    conf = _conf(job)
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
        return build_target(_conf(job)).secrets
    except InputError:
        return ()


def bare_report(job: Mapping[str, Any]) -> Report:
    """A report naming the job and nothing else (for when judging it went wrong)."""
    return _without_destination(job, (), _conf(job), "")


def _conf(job: Mapping[str, Any]) -> str:
    conf = job.get("destination_conf")
    return conf if isinstance(conf, str) else ""


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
    outline = f"{scheme}://{host}/…" if rest != host else f"{scheme}://{host}"
    return shown(outline, 200)
