"""The ``job.*`` checks: one Logpush job's JSON and the current time in, outcomes out. Pure.

Every rule follows Cloudflare's API schema and documentation as ``hec_doctor.cloudflare.facts``
cites them; where those sources leave a question open, the outcome says "not judged" instead of
guessing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

from hec_doctor.cloudflare import facts as cf
from hec_doctor.gox509.verify import rfc3339
from hec_doctor.hec.spec import CLOUDFLARE_SOURCETYPE
from hec_doctor.messages.classify import explain_message
from hec_doctor.models import CHECK_IDS, Outcome, Status

# The job checks' ids and titles, in report order, from the one registry (models.CHECK_IDS).
JOB_CHECKS = tuple((entry.id, entry.title) for entry in CHECK_IDS if entry.made_by == "job")
SCHEMES = {
    "splunk": "Splunk HEC", "s3": "Amazon S3 (or S3-compatible storage)",
    "gs": "Google Cloud Storage", "azure": "Azure Blob Storage", "r2": "Cloudflare R2",
    "sumo": "Sumo Logic", "datadog": "Datadog", "https": "an HTTP endpoint",
    "cos": "IBM Cloud Object Storage",
}
# Clocks differ: a time this little ahead of ours is read as "now", not as the future.
CLOCK_SLACK = timedelta(minutes=5)
# How much of a long value a summary shows.
SHOWN_CHARS = 300
# A field the job JSON does not have (None is a value: JSON null).
_ABSENT = object()


@dataclass(frozen=True)
class JobFacts:
    """What the checks read from a job, once.

    Attributes:
        job: the job's JSON object, as given.
        now: the time to judge against.
        scope: ``(zones|accounts, id)`` when the job came from the API, else None.
        enabled: the ``enabled`` field when it is a boolean, else None (missing or odd).
        dataset: the dataset when it is text, else "".
        scheme: the destination_conf's scheme, lower-case ("" without one).
        last_complete, last_error: the timestamps, parsed (None when null or unreadable).
    """

    job: Mapping[str, Any]
    now: datetime
    scope: tuple[str, str] | None
    enabled: bool | None
    dataset: str
    scheme: str
    last_complete: datetime | None
    last_error: datetime | None

    @property
    def splunk(self) -> bool:
        """A Splunk destination (the only kind hec-doctor checks live); an unknown scheme is
        taken as one, since only Splunk ones are judged further."""
        return self.scheme in ("splunk", "")

    @property
    def failing(self) -> bool:
        # SDK-go LogpushJob.LastError: "If not null, the job is currently failing. If null, the
        # job has either never failed or has run successfully at least once since last failure."
        return self.job.get("last_error") not in (None, "")

    @property
    def edge(self) -> bool:
        return self.job.get("kind") == cf.EDGE_KIND

    def job_url(self) -> str:
        return f"{cf.jobs_path(self.dataset, self.scope)}/{shown(self.job.get('id', '<JOB_ID>'))}"


def read_facts(job: Mapping[str, Any], now: datetime,
               scope: tuple[str, str] | None = None) -> JobFacts:
    """The facts the checks need from one job."""
    enabled = job.get("enabled")
    dataset = job.get("dataset")
    conf = job.get("destination_conf")
    conf = conf if isinstance(conf, str) else ""
    return JobFacts(job=job, now=now, scope=scope,
                    enabled=enabled if isinstance(enabled, bool) else None,
                    dataset=dataset if isinstance(dataset, str) else "",
                    scheme=conf.split("://", 1)[0].lower() if "://" in conf else "",
                    last_complete=parse_time(job.get("last_complete")),
                    last_error=parse_time(job.get("last_error")))


def judge_job(job: Mapping[str, Any], now: datetime,
              scope: tuple[str, str] | None = None) -> dict[str, Outcome]:
    """The ``job.*`` outcomes for one job, by check id, in report order."""
    facts = read_facts(job, now, scope)
    checks: dict[str, Callable[[JobFacts], Outcome]] = {
        "job.enabled": _enabled, "job.version": _version, "job.dataset": _dataset,
        "job.kind": _kind, "job.options": _deprecated, "job.upload": _upload,
        "job.output": _output, "job.health": _health, "job.error_message": _error_message,
        "job.destination": _destination,
    }
    return {check_id: checks[check_id](facts) for check_id, _ in JOB_CHECKS}


# --- reading values --------------------------------------------------------------------------

def parse_time(value: object) -> datetime | None:
    """An RFC 3339 time with its offset, or None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def shown(value: object, limit: int = SHOWN_CHARS) -> str:
    """A JSON value as the user wrote it (text bare, anything else as JSON), rendered (credential
    shapes hidden, control characters escaped) before it is shortened, so no cut leaves half a
    secret."""
    from hec_doctor.redact import render_message

    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = render_message(text)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters)"


def span(delta: timedelta) -> str:
    """A length of time in the unit a person would use."""
    seconds = int(abs(delta.total_seconds()))
    if seconds >= 2 * 86400:
        return f"{seconds // 86400} days"
    if seconds >= 7200:
        return f"{seconds // 3600} hours"
    minutes = seconds // 60
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def when(moment: datetime, now: datetime) -> str:
    """``2026-11-27T11:00:00Z (1 hours ago)``, or ``... (3 days in the future)``."""
    if moment - now > CLOCK_SLACK:
        return f"{rfc3339(moment)} ({span(moment - now)} in the future)"
    return f"{rfc3339(moment)} ({span(max(now - moment, timedelta(0)))} ago)"


# --- what is lost, and what can be fetched again ----------------------------------------------

def lost_logs(facts: JobFacts) -> str:
    """Which logs Logpush did not push, and whether anything can still fetch them."""
    since, now = facts.last_complete, facts.now
    if since is None:
        missing = "No push ever completed, so nothing this job covers has been delivered."
    else:
        missing = (f"Logs after {rfc3339(since)} (the log time of the last completed push) "
                   "were not pushed, and Logpush never backfills them.")
    if facts.dataset != cf.LOGPULL_DATASET:
        what = f"{shown(facts.dataset, 80)} logs" if facts.dataset else "the job's logs"
        return (f"{missing} Only a zone's http_requests logs can be fetched again (with Logpull);"
                f" {what} that were not pushed are lost.")
    retention = (f"only if log retention was switched on beforehand (it is off by default; GET "
                 f"{cf.CLOUDFLARE_API_BASE}/zones/<ZONE_ID>/logs/control/retention/flag)")
    sure, at_most = now - cf.LOGPULL_SURE, now - cf.LOGPULL_AT_MOST
    if since is not None and since >= sure:
        return (f"{missing} All of them are less than 3 days old: the Logpull API can fetch "
                f"them, {retention}. Fetch them before they age out.")
    return (f"{missing} The Logpull API keeps a zone's HTTP request logs at least 3 and up to 7 "
            f"days, {retention}: those since {rfc3339(sure)} can be fetched, perhaps back to "
            f"{rfc3339(at_most)}; older ones are lost.")


# --- the checks ------------------------------------------------------------------------------

def _enabled(facts: JobFacts) -> Outcome:
    raw = facts.job.get("enabled", _ABSENT)
    if facts.enabled is True:
        return Outcome(Status.PASS, "the job is enabled")
    if facts.enabled is None:
        said = ("the job JSON has no enabled field" if raw is _ABSENT else
                f"enabled is {shown(raw, 60)} ({type(raw).__name__}), not true or false")
        return Outcome(Status.WARN, said + ": hec-doctor cannot tell whether the job runs",
                       "Every check below reads the job's state as unknown.",
                       f"Fetch the job from the API (GET {facts.job_url()}).")
    enable = (f'Fix the destination first{" (hec-doctor check)" if facts.splunk else ""}, then '
              f'enable the job: PUT {facts.job_url()} with {{"enabled": true}}.')
    if not facts.failing and facts.last_complete is None:
        return Outcome(
            Status.WARN, "the job is disabled and never completed a push: most likely it was "
            "never switched on",
            "Cloudflare creates a job disabled unless the create request enables it (the "
            "Splunk guide's create response shows \"enabled\": false; enabling is a second "
            "step), and Logpush disables only jobs that keep failing.", enable)
    if not facts.failing:
        return Outcome(
            Status.WARN, "the job is disabled: nothing is pushed",
            "No error is recorded, and Logpush disables only a job that keeps failing, so a "
            "person (or an API client) turned it off. " + lost_logs(facts), enable)
    return Outcome(Status.FAIL, _who_disabled(facts),
                   "A disabled job is not retried; job.health says which logs it did not push "
                   "and what can still fetch them.", enable)


def _who_disabled(facts: JobFacts) -> str:
    """Whether a failing job was switched off by Logpush or by a person."""
    first, last = facts.last_complete, facts.last_error
    if first is None or last is None:
        return ("the job is disabled; it failed and never completed a push (whether Logpush or a "
                "person disabled it is not judged: there is no start of the failures to "
                "measure from)")
    failing_for = last - first
    # PR-32514: Logpush disables a job after 24 hours without a successful push. last_complete
    # is a log time, which trails the push by minutes, so the span is approximate.
    if failing_for < cf.AUTO_DISABLE_AFTER:
        return (f"the job is disabled after failing for about {span(failing_for)}: a person "
                "disabled it (Logpush disables a job only after 24 hours without a successful "
                "push)")
    return (f"the job is disabled after failing for about {span(failing_for)}, as Logpush does "
            "after 24 hours without a successful push")


def _version(facts: JobFacts) -> Outcome:
    logstream = facts.job.get("logstream", _ABSENT)
    if facts.edge:
        return Outcome(Status.PASS, "an Edge Log Delivery job: not a Logpush v1 or v2 job")
    if logstream is False:
        return Outcome(
            Status.WARN, 'an old Logpush v1 job ("logstream": false)',
            "v1 jobs pushed five-minute batches through the Logpull path; Cloudflare removed "
            "v1 and v2 from its documentation in 2024 (cloudflare-docs PR 13965).",
            f'Upgrade as the Logpush FAQ documented: PUT {facts.job_url()} with '
            '{"logstream": true} (see: hec-doctor explain logpush-versions).')
    if logstream is True:
        return Outcome(Status.PASS, 'a current job ("logstream": true)')
    if logstream is _ABSENT or logstream is None:
        return Outcome(Status.PASS, "a current job (no logstream field)",
                       "Job objects the API returns today do not carry logstream (neither SDK "
                       "type has it); only an explicit \"logstream\": false marks an old v1 job.")
    return Outcome(Status.SKIP, f"logstream is {shown(logstream, 60)}, not a boolean: not judged")


SCOPE_NAMES: dict[tuple[str, ...], str] = {
    ("zones",): "a zone dataset (/zones/<ZONE_ID>/logpush/jobs)",
    ("accounts",): "an account dataset (/accounts/<ACCOUNT_ID>/logpush/jobs)"}


def _dataset(facts: JobFacts) -> Outcome:
    raw = facts.job.get("dataset")
    if not facts.dataset:
        said = "the job names no dataset" if raw in (None, "") else (
            f"dataset is {shown(raw, 60)}, not text")
        return Outcome(Status.WARN, said, "Fixes below cannot say whether the job lives under "
                       "/zones or /accounts.", "Fetch the job from the API to see its dataset.")
    scopes = cf.dataset_scopes(facts.dataset)
    name = shown(facts.dataset, 80)
    permission = (f" Reading or changing its jobs needs {cf.API_PERMISSION} and Zero Trust: PII "
                  "Read." if facts.dataset in cf.ZERO_TRUST_DATASETS else "")
    if not scopes:
        return Outcome(Status.SKIP, f"{name} is not a dataset Cloudflare's dataset pages list "
                       "(as hec-doctor knows them): its scope is not judged",
                       f"A newer dataset, or a misspelt one. The list: {cf.DATASETS_SOURCE}.")
    if facts.scope is not None and facts.scope[0] not in scopes:
        # DOC-api: "Make sure that Account-scoped datasets use /accounts/{account_id} and
        # Zone-scoped datasets use /zone/{zone_id}": a job is created under its dataset's scope.
        given, wanted = facts.scope[0], scopes[0]
        field = {"zones": "zone_id", "accounts": "account_id"}
        return Outcome(
            Status.FAIL, f"{name} is {'a zone' if wanted == 'zones' else 'an account'} dataset, "
            f"but the job is under /{given} ({field[given]}): the API refuses it",
            "Cloudflare files every dataset under one scope (zone or account); a job is created "
            f"under its dataset's scope. The list: {cf.DATASETS_SOURCE}.",
            f"Set {field[wanted]} instead of {field[given]} "
            f"(/{wanted}/<{field[wanted].upper()}>/logpush/jobs).",
            data={"scopes": list(scopes), "given_scope": given})
    where = SCOPE_NAMES.get(scopes, "a dataset Cloudflare has under both zones and accounts")
    return Outcome(Status.PASS, f"{name}: {where}", permission.strip(),
                   data={"scopes": list(scopes)})


def _kind(facts: JobFacts) -> Outcome:
    kind = facts.job.get("kind")
    if kind in (None, ""):
        return Outcome(Status.PASS, 'kind "": a regular Logpush job')
    if kind == cf.EDGE_KIND:
        if facts.dataset and facts.dataset not in cf.EDGE_DATASETS:
            return Outcome(
                Status.FAIL, f'kind "edge" with dataset {shown(facts.dataset, 80)}: Edge Log '
                "Delivery supports only http_requests",
                "Cloudflare documents Edge Log Delivery for the http_requests dataset only.",
                'Create the job again without "kind": "edge" (kind cannot be changed on an '
                "existing job).")
        return Outcome(Status.PASS, 'kind "edge": an Edge Log Delivery job',
                       "Edge jobs push http_requests straight from Cloudflare's edge.")
    return Outcome(Status.WARN, f"unknown kind {shown(kind, 60)}",
                   'Cloudflare documents "" (or no kind) and "edge".',
                   "Check the job in the dashboard.")


def _deprecated(facts: JobFacts) -> Outcome:
    job = facts.job
    found = []
    if job.get("frequency") is not None:
        found.append(("frequency", "use max_upload_bytes, max_upload_records and "
                      "max_upload_interval_seconds"))
    if job.get("logpull_options") and not job.get("output_options"):
        found.append(("logpull_options", "use output_options"))
    if not found:
        ignored = ("logpull_options is ignored: output_options is present (SDK-go)."
                   if job.get("logpull_options") else "")
        return Outcome(Status.PASS, "no deprecated field in use", ignored)
    names = ", ".join(name for name, _ in found)
    return Outcome(Status.WARN, f"deprecated field(s) in use: {names}",
                   "Cloudflare's API schema marks them deprecated.",
                   "; ".join(f"instead of {name}, {advice}" for name, advice in found) + ".",
                   data={"deprecated": [name for name, _ in found]})


def _upload(facts: JobFacts) -> Outcome:
    problems, settings = [], []
    for field, (low, high, words) in cf.UPLOAD_LIMITS.items():
        value = facts.job.get(field)
        if value is None:
            continue
        # A JSON number too large for a float reads as infinity, and JSON's NaN as NaN:
        # neither is a whole number (and int() of either raises).
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or (isinstance(value, float) and not value.is_integer()):
            problems.append(f"{field} {shown(value, 40)} is not a whole number")
            continue
        value = int(value)
        settings.append(f"{field}={value}")
        if facts.edge and field in cf.NOT_FOR_EDGE and value != 0:
            problems.append(f"{field} is not available for edge jobs")
        elif value != 0 and not low <= value <= high:
            problems.append(f"{field} {value} is outside {words} (or 0)")
    if problems:
        return Outcome(Status.WARN, "; ".join(problems),
                       "Cloudflare's API schema documents these ranges (0 turns a limit off).",
                       "Set each max_upload_* within its range, or 0.")
    if not settings:
        return Outcome(Status.PASS, "no max_upload_* set: Cloudflare's defaults apply")
    note = ("" if facts.edge or facts.job.get("max_upload_interval_seconds") in (None, 0) else
            "The API schema says max_upload_interval_seconds is used only by edge jobs; the "
            "documentation lists it for every job: not judged.")
    return Outcome(Status.PASS, ", ".join(settings) + ": within Cloudflare's ranges", note)


def _output(facts: JobFacts) -> Outcome:
    options = facts.job.get("output_options")
    if options is not None and not isinstance(options, dict):
        return Outcome(Status.WARN, f"output_options is {shown(options, 60)}, not an object",
                       "hec-doctor cannot read the job's output format.")
    if options is None:
        options = _from_logpull_options(facts.job.get("logpull_options"))
    problems: list[str] = []
    output_type = options.get("output_type", "ndjson") or "ndjson"
    if output_type not in cf.OUTPUT_TYPES:
        problems.append(f"output_type {shown(output_type, 40)} is not ndjson or csv")
    elif output_type == "csv" and facts.scheme == "splunk" and _sourcetype(facts) == \
            CLOUDFLARE_SOURCETYPE:
        problems.append(f"CSV records sent with sourcetype={CLOUDFLARE_SOURCETYPE}: Splunk "
                        "parses that sourcetype as JSON, so these records get no fields")
    rate = options.get("sample_rate")
    if rate is not None:
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 < rate <= 1:
            problems.append(f"sample_rate {shown(rate, 40)} is outside 0 (exclusive) to 1")
        elif rate < 1:
            problems.append(f"sample_rate {rate:g} keeps {rate:.0%} of records: the rest are "
                            "dropped by design")
    stamp = options.get("timestamp_format") or cf.API_DEFAULT_TIMESTAMP_FORMAT
    if stamp not in cf.TIMESTAMP_FORMATS:
        problems.append(f"timestamp_format {shown(stamp, 40)} is not unixnano, unix or rfc3339")
    elif facts.scheme == "splunk" and stamp != cf.SPLUNK_TIMESTAMP_FORMAT:
        given = "" if options.get("timestamp_format") else " (the API default)"
        problems.append(f"timestamp_format {stamp}{given}: Cloudflare's Splunk guide recommends "
                        "rfc3339")
    if problems:
        return Outcome(Status.WARN, "; ".join(problems),
                       "Read from output_options (or logpull_options when there is none).",
                       'Set output_options, e.g. {"output_type": "ndjson", "timestamp_format": '
                       '"rfc3339"}, and sample_rate 1 unless you mean to drop records.')
    return Outcome(Status.PASS, f"{output_type} records, timestamps {stamp}")


def _from_logpull_options(value: object) -> dict[str, Any]:
    """The output options a (deprecated) logpull_options string sets."""
    if not isinstance(value, str):
        return {}
    query = parse_qs(value.split("?", 1)[-1])
    options: dict[str, Any] = {}
    if "timestamps" in query:
        options["timestamp_format"] = query["timestamps"][-1]
    if "sample" in query:
        try:
            options["sample_rate"] = float(query["sample"][-1])
        except ValueError:
            options["sample_rate"] = query["sample"][-1]
    return options


def _sourcetype(facts: JobFacts) -> str:
    conf = facts.job.get("destination_conf")
    if not isinstance(conf, str) or "?" not in conf:
        return ""
    return parse_qs(conf.split("?", 1)[1]).get("sourcetype", [""])[-1]


def _health(facts: JobFacts) -> Outcome:
    for field in ("last_complete", "last_error"):
        value = facts.job.get(field)
        if value not in (None, "") and parse_time(value) is None:
            return Outcome(Status.WARN, f"{field} {shown(value, 60)} is not an RFC 3339 time",
                           "hec-doctor cannot tell how the job is doing in time.")
        moment = parse_time(value)
        if moment is not None and moment - facts.now > CLOCK_SLACK:
            return Outcome(Status.WARN, f"{field} is {when(moment, facts.now)}",
                           "A time ahead of this machine's clock: this clock is wrong, or the "
                           "JSON was edited. Health in time is not judged.",
                           "Check this machine's clock (timedatectl).")
    last_complete, last_error = facts.last_complete, facts.last_error
    if facts.failing and last_error is not None:
        pushed = (f"logs were pushed up to {rfc3339(last_complete)}" if last_complete
                  else "no push has ever completed")
        retrying = ("The job is disabled, so Logpush no longer retries." if facts.enabled is False
                    else "Logpush retries a failing batch for as long as its logs are kept, and "
                    "disables the job after 24 hours without a successful push (PR-32514).")
        return Outcome(
            Status.FAIL, f"failing now: last error at {when(last_error, facts.now)}; {pushed}",
            f"{lost_logs(facts)} {retrying}",
            "Fix what the error message says (below)" + (
                ", then check the destination with hec-doctor check." if facts.splunk else "."),
            data={"missing_since": rfc3339(last_complete) if last_complete else None})
    if last_complete is None:
        if facts.enabled is False:
            return Outcome(Status.SKIP, "never pushed: the job is disabled (see job.enabled)")
        return Outcome(Status.WARN, "no push has completed yet",
                       "A job just enabled, or a dataset with no events yet: last_complete is "
                       "empty until the first push (SDK-go).")
    age = facts.now - last_complete
    if facts.enabled is True and age > cf.AUTO_DISABLE_AFTER:
        return Outcome(Status.WARN, f"nothing pushed for {span(age)} (logs up to "
                       f"{rfc3339(last_complete)}), and no error either",
                       "The dataset may have had no events, or pushes stalled.")
    return Outcome(Status.PASS, f"logs pushed up to {when(last_complete, facts.now)}; no error")


def _error_message(facts: JobFacts) -> Outcome:
    message = facts.job.get("error_message")
    if message in (None, ""):
        if facts.failing:
            return Outcome(Status.WARN, "failing, but no error message is recorded",
                           "hec-doctor check tests each step Logpush takes." if facts.splunk
                           else "The destination's own logs may say more.")
        return Outcome(Status.PASS, "no error message")
    text = message if isinstance(message, str) else shown(message)
    explanation = explain_message(text, destination=facts.scheme or "splunk").rendered()
    status = Status.FAIL if facts.failing else Status.WARN
    data: dict[str, Any] = {"class": explanation.matched.id if explanation.matched else None,
                            "nearest_family": explanation.nearest_family or None,
                            "producer": explanation.producer or None}
    data.update(explanation.details)
    return Outcome(status, f"{explanation.title}: {shown(text)}", explanation.cause,
                   explanation.fix, data=data)


def _looks_like_hec(conf: str) -> bool:
    """A URL aimed at Splunk HEC: its path, or a ``Splunk <token>`` Authorization header."""
    from urllib.parse import unquote

    decoded = unquote(unquote(conf)).lower()
    return "/services/collector" in decoded or "header_authorization=splunk " in decoded


def _destination(facts: JobFacts) -> Outcome:
    conf = facts.job.get("destination_conf")
    if facts.scheme == "splunk":
        return Outcome(Status.PASS, "a Splunk HEC destination: checked below")
    if not isinstance(conf, str) or not conf:
        return Outcome(Status.FAIL, "the job has no destination_conf")
    if facts.scheme == "https" and _looks_like_hec(conf):
        # DOC-splunk documents Splunk as splunk://; the HTTP destination (DOC-http) posts
        # gzipped batches and validates with a gzipped {"content":"tests"} upload of its own.
        return Outcome(
            Status.WARN, "an HTTP destination pointed at a Splunk HEC (a /services/collector "
            "path, or a Splunk token in header_Authorization): Cloudflare's Splunk destination "
            "is splunk://",
            "As a generic HTTP destination, Logpush sends HEC what it sends any HTTP endpoint: "
            "gzipped batches, and a gzipped test object at validation, with no channel or "
            "sourcetype handling of its own; Cloudflare documents Splunk only as splunk://.",
            "Create the job with splunk://<host>:<port>/services/collector/raw?channel=<GUID>&"
            "insecure-skip-verify=false&sourcetype=cloudflare:json&header_Authorization="
            "Splunk%20<token>, then check it with hec-doctor check.",
            data={"hec_as_http": True})
    what = SCHEMES.get(facts.scheme, f"a {shown(facts.scheme, 40) or 'schemeless'} destination")
    return Outcome(Status.SKIP, f"{facts.scheme or 'no scheme'}: {what}, not Splunk: "
                   "hec-doctor does not deep-check it",
                   "Its error message (if any) is explained without Splunk advice; the "
                   "destination itself is not tested.")
