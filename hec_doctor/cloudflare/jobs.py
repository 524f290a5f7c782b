"""Logpush jobs: read the API's JSON and judge each job (``hec-doctor job``).

``parse_jobs`` accepts one job, a list, or the API envelope (an empty list is a normal answer).
``job_checks.judge_job`` is pure: a job and the current time in, ``job.*`` outcomes out.
``check_job`` adds the job's destination, linted offline (or checked live) by the same engine as
``hec-doctor check``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from hec_doctor.cloudflare.job_checks import JOB_CHECKS, judge_job, shown
from hec_doctor.errors import InputError, json_input
from hec_doctor.models import (
    NOT_READ,
    CheckResult,
    JobSummary,
    LogpushPrediction,
    Options,
    Outcome,
    Report,
    Status,
    TargetSummary,
    check_id,
)
from hec_doctor.redact import redact_echo, scrub_value


def parse_jobs(text: str, source: str = "input") -> list[dict[str, Any]]:
    """The jobs in ``text``: one job object, a list of them, or the API envelope.

    Raises:
        InputError: for malformed JSON, an envelope that reports failure, or anything that is
            not a job (a job is an object with at least ``id`` or ``destination_conf``).
    """
    document = json_input(text, source, "a Logpush job")
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
    jobs: list[Any] = document if isinstance(document, list) else [document]
    for position, job in enumerate(jobs):
        if not isinstance(job, dict) or not ({"id", "destination_conf"} & job.keys()):
            raise InputError(f"{source}: item {position} is not a Logpush job (no id or "
                             "destination_conf)")
    return jobs


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
        error_message=shown(redact_echo(message, secrets) if isinstance(message, str)
                            else message) if message else None,
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
              scope: tuple[str, str] | None = None, sensitive_conf: bool = False) -> Report:
    """One job's report: the ``job.*`` results, then its Splunk destination's checks, with the
    destination's secrets redacted (a job's error_message may quote them).

    Args:
        sensitive_conf: the destination_conf is a secret as a whole (a Terraform plan marks it
            sensitive): no parameter value of it is shown, only its scheme, host, port, path
            and parameter names.
    """
    from hec_doctor.engine.run import result_of, run
    from hec_doctor.redact import credentials_in
    from hec_doctor.target import build_target

    judged = judge_job(job, options.now(), scope)
    results = tuple(result_of(check_id, title, judged[check_id]) for check_id, title in JOB_CHECKS)
    conf = _conf(job)
    # Whatever the destination, its credential-shaped parts are secrets: the job's error_message
    # may quote the conf (Cloudflare's "error validating destination: ..."), any kind of it.
    secrets = credentials_in(conf)
    if judged["job.destination"].status is Status.PASS:
        try:
            target = build_target(conf, sensitive=sensitive_conf)
        except InputError as exc:
            report = _without_destination(job, results, conf, f"unreadable: {exc}")
        else:
            secrets = tuple(sorted(set(secrets) | set(target.secrets)))
            report = run(target, replace(options, offline=not live,
                                         body_limit_bytes=_upload_bytes(job, options)))
            report = replace(report, checks=results + report.checks)
    else:
        report = _without_destination(job, results, conf, "")
    report = replace(report, checks=tuple(replace(r, summary=redact_echo(r.summary, secrets))
                                          for r in report.checks),
                     job=summarise_job(job, secrets))
    scrubbed: Report = scrub_value(report, secrets)  # type: ignore[assignment]
    return scrubbed


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
    target = TargetSummary(input=_outline(conf), form=NOT_READ, url="", host="", port=None,
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


# The job fields each job check reads (``job_checks``): a check whose fields are unknown until
# apply is not judged instead of judging their absence.
FIELDS_READ = {
    "job.enabled": ("enabled",),
    "job.dataset": ("dataset", "zone_id", "account_id"),
    "job.kind": ("kind", "dataset"),
    "job.options": ("frequency", "logpull_options", "output_options"),
    "job.upload": ("kind", "max_upload_bytes", "max_upload_records", "max_upload_interval_seconds"),
    "job.output": ("output_options", "logpull_options", "destination_conf"),
    "job.destination": ("destination_conf",),
}
def _planned_enabled(result: CheckResult, enabled: object) -> CheckResult:
    """A plan's ``enabled``: the state the job is put in, not a history to explain."""
    if enabled is True:
        return result
    if enabled is False:
        summary = "the plan sets enabled = false: the job will push nothing"
    else:
        # The Splunk guide's create response shows "enabled": false: a job is created disabled
        # unless the request enables it (see job_checks._enabled).
        summary = ("enabled is not set: Cloudflare creates a job disabled unless the request "
                   "enables it, so it will push nothing")
    return replace(result, status=Status.WARN, summary=summary, detail="", data={},
                   remediation="Set enabled = true once hec-doctor passes on the destination.")


# What a plan cannot tell: a job that does not run yet has no history.
NOT_RUN = {"job.health", "job.error_message"}


def _upload_bytes(job: Mapping[str, Any], options: Options) -> int:
    """The batch size ``hec.body_limit`` asks about: the job's own max_upload_bytes where it
    sets one (5 MB to 1 GB, uncompressed; 0 disables it), else the check's default."""
    configured = job.get("max_upload_bytes")
    if isinstance(configured, int) and not isinstance(configured, bool) and configured > 0:
        return configured
    return options.body_limit_bytes


def check_planned_job(planned: Any, options: Options, *, live: bool = False) -> Report:
    """One ``cloudflare_logpush_job`` of a Terraform plan (``terraform.PlannedJob``): a
    ``tf.resource`` result saying what the plan does, then the job's checks (those that read a
    value unknown until apply are skipped, saying so) and its destination's. Values the plan
    marks sensitive never reach the report."""
    from hec_doctor.engine.run import result_of

    if "destination_conf" in planned.unknown:
        judged = judge_job(planned.job, options.now(), planned.scope)
        report = _without_destination(planned.job, tuple(
            result_of(check_id, title, judged[check_id]) for check_id, title in JOB_CHECKS),
            "", "")
        report = replace(report, target=replace(report.target, input="(known after apply)"),
                         logpush=LogpushPrediction(
                             basis="destination_conf is known only after apply: not judged"))
    else:
        report = check_job(planned.job, options, live=live, scope=planned.scope,
                           sensitive_conf="destination_conf" in planned.sensitive)
    checks = tuple(_plan_aware(result, planned) for result in report.checks)
    schema = f" (provider {planned.schema} schema)" if planned.schema else ""
    notes = []
    if planned.unknown:
        notes.append("known only after apply: " + ", ".join(planned.unknown))
    if planned.sensitive:
        notes.append("marked sensitive by the plan: " + "; ".join(
            SENSITIVE_CONF_NOTE if field == "destination_conf" else f"{field} (never shown)"
            for field in planned.sensitive))
    if planned.defaults:
        notes.append("provider defaults, not set in the configuration: "
                     + ", ".join(planned.defaults))
    from hec_doctor.redact import render_input

    # An address is free text as far as output goes (README, "Each path from input to
    # output"): a resource or module named with a credential's shape shows it hidden.
    address = render_input(planned.address, prose=True)
    resource = result_of("tf.resource", check_id("tf.resource").title, Outcome(
        Status.PASS, f"{address} will be {planned.action}{schema}",
        detail="; ".join(notes),
        data={"address": address, "action": planned.action,
              "provider_schema": planned.schema, "unknown": list(planned.unknown),
              "sensitive": list(planned.sensitive), "defaults": list(planned.defaults)}))
    labelled = replace(report, checks=(resource,) + checks,
                       job=replace(report.job, address=address) if report.job else None)
    # Every sensitive value goes, short ones included (a name such as "prod" marked sensitive).
    scrubbed: Report = scrub_value(labelled, planned.secrets,  # type: ignore[assignment]
                                   short_too=True)
    return scrubbed


# What a report shows of a destination_conf the plan marks sensitive (every current plan: the
# provider marks it sensitive from 5.19.0 on, internal/services/logpush_job/schema.go).
SENSITIVE_CONF_NOTE = ("destination_conf (shown: its scheme, host, port, path and parameter "
                       "names, which are configuration, the verdict on each value (such as "
                       "'sourcetype cloudflare:json' when it is the expected one), and the token "
                       "as its last four characters, as everywhere; hidden: every parameter "
                       "value as written, shown as <sensitive>, and any user:password@ and "
                       "#fragment)")


def _plan_aware(result: CheckResult, planned: Any) -> CheckResult:
    if result.id == "job.enabled" and "enabled" not in planned.unknown:
        return _planned_enabled(result, planned.job.get("enabled"))
    if result.id in NOT_RUN:
        return replace(result, status=Status.SKIP, detail="", remediation="", data={},
                       summary="not judged: a planned job has not run yet")
    unknown = [f for f in FIELDS_READ.get(result.id, ()) if f in planned.unknown]
    if unknown:
        return replace(result, status=Status.SKIP, detail="", remediation="", data={},
                       summary=f"not judged: {', '.join(unknown)} known only after apply")
    return result
