"""The values every part of hec-doctor passes around: statuses, check results, the report.

Everything here is a frozen dataclass or an enum, so a result cannot change after a check made it
and renderers can only read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from types import MappingProxyType
from typing import Any, TypeVar

from hec_doctor.exitcodes import ExitCode


class Status(str, Enum):
    """The outcome of one check.

    Attributes:
        PASS: the destination is right in this respect.
        WARN: it works, but something is risky, undocumented or about to break.
        FAIL: the destination is broken in this respect; Logpush will not deliver (or not safely).
        SKIP: the check did not run; the result's summary says why.
        ERROR: hec-doctor could not reach a verdict (including a bug in hec-doctor).
    """

    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    SKIP = "skip"
    ERROR = "error"


# Rank for the overall verdict. A failure found outranks an error: it is certain and actionable,
# while an error only says that something could not be judged.
_VERDICT_RANK = {Status.PASS: 0, Status.SKIP: 0, Status.WARN: 1, Status.ERROR: 2, Status.FAIL: 3}


def _reduce_with_plain_data(self: Any) -> tuple[Any, tuple[Any, ...]]:
    """Pickle support for a result whose ``data`` is a read-only view (which cannot pickle on
    its own): rebuilt from a plain dict. Reports cross process boundaries in a fleet run."""
    values = tuple(dict(value) if isinstance(value, MappingProxyType) else value
                   for value in (getattr(self, name) for name in self.__dataclass_fields__))
    return type(self), values


class ErrorReason(str, Enum):
    """Why a check ended in ``error``.

    Attributes:
        BUG: hec-doctor itself failed (an exception inside the check); the result keeps the
            traceback, redacted, and ``--debug`` prints it.
        INCONCLUSIVE: the evidence could not settle it (a reply cut short, an interruption, a
            refusal before the question was asked).
    """

    BUG = "bug"
    INCONCLUSIVE = "inconclusive"


class CheckFacts:
    """What a check family concluded, typed: the contract between the checks and those that fold
    over their results (``engine.predict``, ``watch.metrics``). Those read these attributes,
    never ``data`` keys, so a renamed field is a type error (mypy), not a missing metric.
    ``data`` stays the report's free-form JSON view of the same values."""


@dataclass(frozen=True)
class ConfCorrection:
    """What a lint finding changes in the corrected destination_conf (``suggested_
    destination_conf`` is built from these, never by applying the rules a second time).

    Attributes:
        host: the host to use instead (Splunk Cloud's HEC host for a stack name).
        port: the port to use instead.
        params: parameter values to use instead (or to add where the parameter is missing).
    """

    host: str | None = None
    port: int | None = None
    params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LintFacts(CheckFacts):
    """An offline lint check (``dest.*``).

    Attributes:
        blocks_delivery: True when the failure proves Logpush cannot deliver whatever the
            server does; False when delivery depends on the server (not judged).
        correction: what the finding changes in the corrected destination_conf, if anything.
    """

    blocks_delivery: bool = True
    correction: ConfCorrection | None = None


@dataclass(frozen=True)
class HecReplyFacts(CheckFacts):
    """HEC's (or whatever answered in its place) reply to one probe: health, token or event.

    Attributes:
        http_status: the HTTP status, None when no complete reply came.
        code: HEC's own code from a JSON reply, None when the body held none.
        reply: the reply as shown in the report (redacted, shortened), None when not kept.
        truncated: the reply was cut short, so it proves nothing.
    """

    http_status: int | None
    code: int | None = None
    reply: str | None = None
    truncated: bool = False


@dataclass(frozen=True)
class AckFacts(CheckFacts):
    """Indexer acknowledgement (``hec.ack``).

    Attributes:
        has_channel: the destination names a channel (without one, a useACK token answers
            code 10 to every push).
    """

    has_channel: bool


@dataclass(frozen=True)
class PushOutcomeFacts(CheckFacts):
    """What Go's own client measured pushing as Logpush does (``logpush.push``).

    Attributes:
        http_status: the status of the reply to the push, None when none came.
        tls_version: the negotiated version as Go names it (``TLS 1.3``), None when unknown.
        redirect: the redirect the server answered with (status, location, method Go would
            use), None when there was none.
        go_version: the Go that measured (``go1.27.3``).
        go_error: the error Go's client gave (as Logpush's error_message shows it), None when
            it got a reply.
    """

    http_status: int | None
    tls_version: str | None
    redirect: Mapping[str, Any] | None = None
    go_version: str = ""
    go_error: str | None = None


@dataclass(frozen=True)
class GoStepFacts(CheckFacts):
    """A step Logpush's Go client takes too (resolve, connect, handshake, verify): the error
    the port concludes Go reports there. The prediction folds over these in registry order and
    keeps the first, as Go stops at the first failure.

    Attributes:
        go_error: Go's error text for this step, None when Go gets past it.
    """

    go_error: str | None = None


@dataclass(frozen=True)
class ResolveFacts(GoStepFacts):
    """The name lookup (``net.dns``)."""


@dataclass(frozen=True)
class HandshakeFacts(GoStepFacts):
    """The TLS handshake (``tls.handshake``).

    Attributes:
        version: the negotiated version as OpenSSL names it (``TLSv1.3``), None when none was.
        server_refuses_go: an OpenSSL server will refuse Go's handshake (a certificate
            signature algorithm Go does not list), so ``go_error`` is predicted for such a
            server, not observed.
    """

    version: str | None = None
    server_refuses_go: bool = False


@dataclass(frozen=True)
class VerifyFacts(GoStepFacts):
    """Go's verdict on the chain (``tls.verify``).

    Attributes:
        verified: Go accepts the chain for the host.
        legacy_error: what Go 1.14 and older said instead, when it differs.
    """

    verified: bool = False
    legacy_error: str | None = None


@dataclass(frozen=True)
class LeafIdentity:
    """The leaf certificate as blackbox_exporter's ``probe_ssl_last_chain_info`` labels it."""

    fingerprint_sha256: str
    subject: str
    issuer: str
    subjectalternative: str
    serialnumber: str


@dataclass(frozen=True)
class ChainExpiryFacts(CheckFacts):
    """The validity of the chain the server sent (``tls.validity``); RFC 3339 times.

    Attributes:
        not_after: the leaf's notAfter.
        earliest_not_after: the earliest notAfter of any certificate the server sent.
        verified_chain_not_after: the earliest notAfter in the chain Go verified, None when
            none verified.
        leaf: the leaf's identity.
    """

    not_after: str
    earliest_not_after: str | None = None
    verified_chain_not_after: str | None = None
    leaf: LeafIdentity | None = None


@dataclass(frozen=True)
class ConnectFacts(GoStepFacts):
    """The TCP connection (``net.tcp``).

    Attributes:
        connected: the address the connection was made to, None when none answered.
    """

    connected: str | None = None


@dataclass(frozen=True)
class AddressesFacts(CheckFacts):
    """Every address behind the name (``hec.addresses``).

    Attributes:
        leaf_not_after: each address that completed a handshake, with its leaf's notAfter.
    """

    leaf_not_after: Mapping[str, str]


F = TypeVar("F", bound=CheckFacts)


@dataclass(frozen=True)
class Outcome:
    """What a check function returns; the runner adds id, title and duration.

    Attributes:
        status: the verdict of the check.
        summary: one line saying what was found.
        detail: why it matters, in a few sentences (may be empty).
        remediation: what to change, concretely (empty when nothing needs changing).
        data: machine-readable facts behind the verdict (JSON-serialisable values only).
        traceback: for a bug inside the check, its traceback with secrets redacted.
        facts: what the check family concluded, typed (what predict and observe read).
    """

    status: Status
    summary: str
    detail: str = ""
    remediation: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)
    traceback: str = ""
    facts: CheckFacts | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "data", MappingProxyType(dict(self.data)))

    __reduce__ = _reduce_with_plain_data


@dataclass(frozen=True)
class CheckResult:
    """One check's result as it appears in the report.

    Attributes:
        id: stable dotted identifier, e.g. ``dest.port``; part of the public interface.
        title: short human name of the check.
        status: the verdict.
        summary: one line saying what was found.
        detail: why it matters.
        remediation: what to change, concretely.
        duration_ms: wall time the check took, in milliseconds.
        data: machine-readable facts behind the verdict.
        error_reason: for status ``error`` only: a bug in hec-doctor or an inconclusive answer.
        traceback: a bug's traceback, secrets redacted (printed by ``--debug``, not in reports).
        facts: what the check family concluded, typed (``facts_as``); not in reports, whose
            JSON view of it is ``data``.
    """

    id: str
    title: str
    status: Status
    summary: str
    detail: str = ""
    remediation: str = ""
    duration_ms: float = 0.0
    data: Mapping[str, Any] = field(default_factory=dict)
    error_reason: ErrorReason | None = None
    traceback: str = field(default="", compare=False)
    facts: CheckFacts | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "data", MappingProxyType(dict(self.data)))

    def facts_as(self, kind: type[F]) -> F | None:
        """The typed facts of this result when they are of ``kind`` (else None)."""
        return self.facts if isinstance(self.facts, kind) else None

    __reduce__ = _reduce_with_plain_data


@dataclass(frozen=True)
class TokenInfo:
    """Where the HEC token came from, never the token itself.

    Attributes:
        source: ``--token``, ``HEC_TOKEN`` or ``header_Authorization``.
        fingerprint: a short, non-secret handle such as ``…197d``.
    """

    source: str
    fingerprint: str


# The TargetSummary.form of a report about no Splunk destination at all.
NOT_READ = "not_read"


@dataclass(frozen=True)
class TargetSummary:
    """What was checked, safe to print: every secret in it is already redacted.

    Attributes:
        input: the target as given, token redacted.
        form: ``url``, ``destination_conf`` or ``bare``; ``not_read`` when no Splunk destination
            was read (another kind of Logpush destination, a line lint could not use): url,
            host and path are then empty and port is None.
        url: the HTTPS URL Logpush will post to, token redacted.
        host: host name or IP address (no brackets).
        port: the port connected to (explicit or the scheme's default), None when not read.
        path: the request path.
        token: where the token came from, or None when there is none.
        insecure_skip_verify: the value in force after ``--insecure-skip-verify``.
        label: a short, findable name among many targets (``FILE:LINE host:port``).
    """

    input: str
    form: str
    url: str
    host: str
    port: int | None
    path: str
    token: TokenInfo | None
    insecure_skip_verify: bool
    label: str = ""


@dataclass(frozen=True)
class LogpushPrediction:
    """What Cloudflare Logpush will do with this destination.

    Attributes:
        would_deliver: True or False once live checks could tell; None when they did not run.
        predicted_error: the error text the Go pusher will report, when one is predicted.
        legacy_error: the text Go 1.14 and earlier gave for the same fault, where it differs
            (the FAQ quotes that older wording).
        basis: one line on what the prediction rests on and how certain it is.
        evidence: how the verdict was reached: ``measured with Go 1.27.3`` (the Go probe
            pushed), or ``predicted (no Go probe: <why>)`` (the ported verifier alone), or ""
            where no live check ran.
    """

    would_deliver: bool | None = None
    predicted_error: str | None = None
    legacy_error: str | None = None
    basis: str = ""
    evidence: str = ""


@dataclass(frozen=True)
class JobSummary:
    """The Logpush job a report is about (``hec-doctor job``), as read from its JSON.

    Attributes:
        id: the job's id as given (a JSON number, text, or boolean; anything else as short JSON
            text).
        name: its name, or "" (long values shortened, as every text here).
        dataset: its dataset, or "".
        enabled: the ``enabled`` field when it is a boolean, else None.
        version: ``v1`` for ``"logstream": false``, ``v2`` for ``"logstream": true``, None when
            the job does not say (current jobs carry no logstream) or is an edge job.
        kind: ``""`` or ``edge``.
        destination_scheme: the destination_conf's scheme (``splunk``, ``s3``, ...).
        last_complete, last_error: the timestamps as given, or None.
        error_message: the last error message, verbatim (secrets redacted), or None.
        address: the Terraform resource address of a planned job (``hec-doctor terraform``),
            else "".
    """

    id: int | float | str | bool | None
    name: str
    dataset: str
    enabled: bool | None
    version: str | None
    kind: str
    destination_scheme: str
    last_complete: str | None
    last_error: str | None
    error_message: str | None
    address: str = ""


@dataclass(frozen=True)
class ClientResult:
    """One client stack's push to the destination (``check --clients``).

    Attributes:
        client: ``go``, ``curl``, ``python`` or ``node``.
        present: the stack exists on this machine (else nothing else is known).
        stack: what ran, with its TLS library (``curl 7.88.1 (OpenSSL/3.0.19)``).
        delivered: HEC accepted the token this stack sent; False when it failed or HEC refused;
            None when not judged (no token, no reply from HEC).
        error: the stack's own error text, verbatim (redacted); None when HEC answered.
        http_status: the HTTP status it got, None without a reply.
        hec_code: HEC's code in that reply, None when there was none.
        protocol: the HTTP version it spoke (``HTTP/2``), "" when unknown.
        measured: False for ``go`` when the ported verifier predicted (no Go probe).
        why: where this stack's outcome differs from Go's, the reason in one line (with its
            source), when it is known; None otherwise.
    """

    client: str
    present: bool
    stack: str = ""
    delivered: bool | None = None
    error: str | None = None
    http_status: int | None = None
    hec_code: int | None = None
    protocol: str = ""
    measured: bool = True
    why: str | None = None


@dataclass(frozen=True)
class Report:
    """The whole result of checking one destination.

    Attributes:
        target: what was checked (redacted).
        checks: every planned check, in order, including skipped ones.
        logpush: the delivery prediction.
        notices: remarks about the run itself (which token source won, assumptions made).
        suggested_destination_conf: the corrected destination_conf (token as a placeholder),
            when the offline lint found something to change; else None.
        version: the hec-doctor version that made the report.
        job: the Logpush job this report is about, for ``hec-doctor job``; else None.
        wire: the HTTP exchanges, redacted, for ``--debug`` (never in a rendered report).
        clients: each client stack's push, side by side (``check --clients``); empty when only
            Go was asked for.
        judge: the client whose outcome sets the exit code (``check --judge``; ``go``, the
            checks' verdict, by default).
    """

    target: TargetSummary
    checks: tuple[CheckResult, ...]
    logpush: LogpushPrediction = LogpushPrediction()
    notices: tuple[str, ...] = ()
    suggested_destination_conf: str | None = None
    version: str = ""
    job: JobSummary | None = None
    wire: tuple[str, ...] = field(default=(), compare=False)
    clients: tuple[ClientResult, ...] = ()
    judge: str = "go"

    @property
    def verdict(self) -> Status:
        """The worst status over all checks (a failure outranks an error); skips count as pass."""
        worst = Status.PASS
        for check in self.checks:
            if _VERDICT_RANK[check.status] > _VERDICT_RANK[worst]:
                worst = check.status
        return worst

    def counts(self) -> dict[Status, int]:
        """How many checks ended in each status (every status present, zero included)."""
        counts = {status: 0 for status in Status}
        for check in self.checks:
            counts[check.status] += 1
        return counts

    def result(self, check_id: str) -> CheckResult | None:
        """The result with this id, or None."""
        return next((c for c in self.checks if c.id == check_id), None)

    @property
    def location(self) -> tuple[str, int] | None:
        """(file, line) where the input came from a file (``FILE:LINE ...`` labels: check
        --file, lint), else None (an argument, stdin, a plan, a job from the API)."""
        import re

        found = re.match(r"(?P<file>\S(?:.*?\S)?):(?P<line>[0-9]+) ", self.target.label)
        if found is None or found.group("file") in ("stdin", "arg"):
            return None
        return found.group("file"), int(found.group("line"))

    @property
    def label(self) -> str:
        """A short name for this report among others: the job, or the target as given."""
        if self.job is not None and self.job.address:
            return self.job.address
        if self.job is not None:
            name = f" {self.job.name}" if self.job.name else ""
            return f"job {self.job.id}{name}"[:120]
        return self.target.label or self.target.input[:120]


@dataclass(frozen=True)
class ProblemGroup:
    """One kind of problem across many reports: a check that failed (or warned) in several.

    Attributes:
        check_id: the check.
        status: fail, error or warn.
        labels: the reports (by label) where it happened, in input order.
        example: what every member found: the summary with what differs between targets
            masked (``<host>``, ``<time>``, ...), or the one member's own summary.
    """

    check_id: str
    status: Status
    labels: tuple[str, ...]
    example: str


class Tally:
    """What a batch's summary needs, gathered one report at a time: the reports themselves need
    not be kept (a fleet's output streams), so memory stays small however many there are.

    Attributes:
        total: reports seen.
        counts: reports by verdict (pass, warn, fail, error; zero included).
        verdict: the worst verdict so far.
        exit_code: the worst exit code so far (see ``batch_exit_code``).
        all_jobs: every report was about a Logpush job.
        noun: what the run went over ("target", or "job"), for a run with no reports.
    """

    def __init__(self, *, strict: bool = False, noun: str = "target") -> None:
        self.strict = strict
        self.noun = noun
        self.total = 0
        self.counts = {s: 0 for s in (Status.PASS, Status.WARN, Status.FAIL, Status.ERROR)}
        self.verdict = Status.PASS
        self.exit_code = ExitCode.OK
        self.all_jobs = True
        # (check, status, cause) -> [labels, first summary, whether the summaries differ]
        self._groups: dict[tuple[str, Status, str], list[Any]] = {}

    @classmethod
    def of(cls, reports: Iterable[Report], *, strict: bool = False) -> Tally:
        tally = cls(strict=strict)
        for report in reports:
            tally.add(report)
        return tally

    def add(self, report: Report) -> None:
        """Count one report in."""
        self.total += 1
        verdict = report.verdict
        self.counts[verdict] += 1
        if _VERDICT_RANK[verdict] > _VERDICT_RANK[self.verdict]:
            self.verdict = verdict
        code = exit_code_for(report, strict=self.strict)
        if code is ExitCode.CHECKS_FAILED or (code is ExitCode.INCOMPLETE
                                               and self.exit_code is ExitCode.OK):
            self.exit_code = code
        self.all_jobs = self.all_jobs and report.job is not None
        for check in report.checks:
            if check.status in (Status.FAIL, Status.ERROR, Status.WARN):
                cause = general_cause(check.summary, report.target)
                group = self._groups.setdefault((check.id, check.status, cause),
                                                [[], check.summary, False])
                group[0].append(report.label)
                group[2] = group[2] or check.summary != group[1]

    @property
    def problems(self) -> tuple[ProblemGroup, ...]:
        """Failed, errored and warning checks grouped by check, status and cause, the most
        widespread first (fail and error before warn).

        The cause is the check's summary with what differs from target to target (host, port,
        addresses, times, durations, token fingerprints) masked. A group's example is true of
        every member: their common summary when they all have the same one, else the masked
        cause.
        """
        severity = {Status.FAIL: 0, Status.ERROR: 1, Status.WARN: 2}
        ordered = sorted(self._groups.items(),
                         key=lambda item: (severity[item[0][1]], -len(item[1][0])))
        return tuple(
            ProblemGroup(check_id, status, tuple(labels), cause if differ else first)
            for (check_id, status, cause), (labels, first, differ) in ordered)


@dataclass(frozen=True)
class Batch:
    """Many reports at once (several targets, or the jobs of a zone), in input order.

    Attributes:
        reports: one report per target, in the order the targets were given.
        problems: the problems grouped by check and cause, the most widespread first (fail
            and error before warn).
    """

    reports: tuple[Report, ...]
    problems: tuple[ProblemGroup, ...] = ()

    @property
    def verdict(self) -> Status:
        """The worst verdict of all reports."""
        return Tally.of(self.reports).verdict

    def verdict_counts(self) -> dict[Status, int]:
        """How many reports have each verdict (pass, warn, fail, error; zero included)."""
        return Tally.of(self.reports).counts


def make_batch(reports: Sequence[Report]) -> Batch:
    """The batch of these reports, with their problems grouped by check and cause."""
    return Batch(tuple(reports), Tally.of(reports).problems)


_MASKS = (
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z"), "<time>"),
    (re.compile(r"<(token|secret) [^>]*>"), r"<\1>"),
    (re.compile(r"\[[0-9a-fA-F:.]*:[0-9a-fA-F:.]*\]|\b(?:\d{1,3}\.){3}\d{1,3}\b"), "<address>"),
    (re.compile(r"\b\d+(?:\.\d+)? (ms|s|seconds|minutes|hours|days)\b"), r"<n> \1"),
)


def general_cause(summary: str, target: TargetSummary) -> str:
    """``summary`` with the parts that name one target masked (see ``Tally.problems``)."""
    text = summary
    for value, stand_in in ((target.host, "<host>"), (f":{target.port}", ":<port>"),
                            (f"port {target.port}", "port <port>")):
        if value and target.port:
            text = text.replace(value, stand_in)
    for pattern, stand_in in _MASKS:
        text = pattern.sub(stand_in, text)
    return text


def batch_exit_code(batch: Batch, *, strict: bool = False) -> ExitCode:
    """The exit code over all reports: the worst of their own exit codes."""
    return Tally.of(batch.reports, strict=strict).exit_code


def exit_code_for(report: Report, *, strict: bool = False) -> ExitCode:
    """The command's exit code for a report.

    Args:
        report: the finished report.
        strict: treat warnings as failures (``--strict``).

    Returns:
        CHECKS_FAILED on any failure (or warning when strict), else INCOMPLETE on any error,
        else OK.
    """
    if report.judge != "go":
        # A pipeline that ships with another sender: that stack's own outcome is the verdict.
        row = next((c for c in report.clients if c.client == report.judge), None)
        if row is not None and row.delivered is not None:
            return ExitCode.OK if row.delivered else ExitCode.CHECKS_FAILED
        return ExitCode.INCOMPLETE
    statuses = {check.status for check in report.checks}
    if Status.FAIL in statuses or (strict and Status.WARN in statuses):
        return ExitCode.CHECKS_FAILED
    if Status.ERROR in statuses:
        return ExitCode.INCOMPLETE
    return ExitCode.OK


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _new_guid() -> str:
    import uuid  # not at import: it loads platform, and most runs never need a GUID

    return str(uuid.uuid4())


# Every network step (DNS, connect, handshake, each HTTP exchange) gets its own budget. Logpush's
# own client gives up after about 10 s (net/http's TLS handshake timeout); 5 s per step keeps a
# whole check under half a minute even against a server that answers nothing.
DEFAULT_TIMEOUT_S = 5.0
# Warn this many days before a certificate expires: a month leaves time to renew and redeploy.
DEFAULT_EXPIRY_WARN_DAYS = 30
# Targets checked at once: network waits dominate, so many threads overlap them; 32 keeps a
# fleet's file descriptors and memory modest.
DEFAULT_CONCURRENCY = 32


@dataclass(frozen=True)
class ResolveOverride:
    """A ``--resolve HOST:PORT:ADDRESS`` pin, as curl means it.

    Attributes:
        host: the host name it applies to (compared case-insensitively).
        port: the port it applies to.
        address: the IP address to connect to instead of asking DNS.
    """

    host: str
    port: int
    address: str


# The smallest max_upload_bytes a Logpush job can set ("between 5 MB and 1 GB, or 0 to disable
# it": Cloudflare's Logpush API; terraform-provider-cloudflare's schema.go says it is the
# uncompressed size). Batches below it are possible (a job may cap records instead), and whether
# pushes to Splunk are compressed has no public source (logpush-api-facts.md), so a refusal at
# this size is a warning, not a certain failure.
SMALLEST_UPLOAD_BYTES = 5_000_000


@dataclass(frozen=True)
class Options:
    """How to check: everything besides the target itself.

    Attributes:
        offline: run only the offline lint; every network check is skipped.
        timeout_s: the time budget of each network step, in seconds.
        ca_file: a PEM file of extra trusted roots (a private or test CA), or None for certifi's.
        resolve: address pins that replace DNS for matching host and port.
        expiry_warn_days: warn when the certificate expires within this many days.
        send_event: post a real test event (writes to the index).
        event: the body of that test event, or None for the FAQ's sample line.
        now: the clock, injectable for tests.
        new_guid: the source of fresh channel GUIDs, injectable for tests.
        resolver: replaces the system resolver (host, port) -> addresses; tests inject one so no
            DNS query leaves the machine. It raises ``socket.gaierror`` as getaddrinfo does.
        go_probe: measure the push with the Go probe where it is built (``logpush.push``);
            False predicts with the ported verifier alone.
        clients: the client stacks to push through side by side (``go`` alone by default:
            the report then has no ``clients``); see ``CLIENTS``.
        judge: the client whose outcome sets the exit code (one of ``clients``).
        body_limit_bytes: the size of the push ``hec.body_limit`` asks about: a job's own
            ``max_upload_bytes`` where ``job`` or ``terraform`` knows it, else
            ``SMALLEST_UPLOAD_BYTES``.
    """

    offline: bool = False
    timeout_s: float = DEFAULT_TIMEOUT_S
    ca_file: str | None = None
    resolve: tuple[ResolveOverride, ...] = ()
    expiry_warn_days: int = DEFAULT_EXPIRY_WARN_DAYS
    send_event: bool = False
    event: bytes | None = None
    now: Callable[[], datetime] = _utc_now
    new_guid: Callable[[], str] = _new_guid
    resolver: Callable[[str, int], list[str]] | None = None
    go_probe: bool = True
    clients: tuple[str, ...] = ("go",)
    judge: str = "go"
    body_limit_bytes: int = SMALLEST_UPLOAD_BYTES



# The client stacks ``check --clients`` knows, in the order the report lists them.
CLIENTS = ("go", "curl", "python", "node")


# --- Check ids: the one registry -----------------------------------------------------------------
#
# Every id a report can hold, with its title and which command makes it. The ids are public
# interface (JSON, SARIF rules, JUnit test cases, --format concise): tests/test_check_ids.py pins
# the list and README's table of them is generated from it (commands/readme_tables.py). The check
# registry (checks.CHECKS) and the job checks take their titles from here.


@dataclass(frozen=True)
class CheckId:
    """One check id.

    Attributes:
        id: the stable dotted id (``dest.port``).
        title: short human name.
        made_by: what makes it: ``check`` (every target's checks, in ``checks.CHECKS``),
            ``job`` (``job``, and ``terraform`` for each planned job), ``terraform``,
            ``cloudflare`` (``--cloudflare-validate``), ``lint`` (a file entry not checked) or
            ``run`` (hec-doctor could not complete the run).
    """

    id: str
    title: str
    made_by: str


CHECK_IDS: tuple[CheckId, ...] = (
    CheckId("dest.parse", "Target", "check"),
    CheckId("dest.scheme", "Scheme", "check"),
    CheckId("dest.port", "Port", "check"),
    CheckId("dest.path", "Endpoint path", "check"),
    CheckId("dest.host", "Host name", "check"),
    CheckId("dest.query", "Query parameters", "check"),
    CheckId("dest.channel", "Channel", "check"),
    CheckId("dest.sourcetype", "Sourcetype", "check"),
    CheckId("dest.insecure_skip_verify", "insecure-skip-verify", "check"),
    CheckId("dest.token", "Token and its encoding", "check"),
    CheckId("net.dns", "DNS", "check"),
    CheckId("net.tcp", "TCP connection", "check"),
    CheckId("tls.handshake", "TLS handshake", "check"),
    CheckId("tls.validity", "Certificate validity period", "check"),
    CheckId("tls.hostname", "Host name (subjectAltName)", "check"),
    CheckId("tls.chain", "Chain of trust", "check"),
    CheckId("tls.strength", "Keys and signatures", "check"),
    CheckId("tls.verify", "Go's verdict and insecure-skip-verify", "check"),
    CheckId("hec.health", "HEC health endpoint", "check"),
    CheckId("hec.token", "Token accepted (nothing written)", "check"),
    CheckId("hec.ack", "Indexer acknowledgement off", "check"),
    CheckId("hec.event", "Logpush-shaped test event", "check"),
    CheckId("hec.addresses", "Every address behind the name", "check"),
    CheckId("hec.body_limit", "Body size a push may have", "check"),
    CheckId("logpush.push", "Logpush's push, measured with Go", "check"),
    CheckId("job.enabled", "Job enabled", "job"),
    CheckId("job.version", "Logpush version", "job"),
    CheckId("job.dataset", "Dataset and scope", "job"),
    CheckId("job.kind", "Job kind", "job"),
    CheckId("job.options", "Deprecated fields", "job"),
    CheckId("job.upload", "Upload limits", "job"),
    CheckId("job.output", "Output options", "job"),
    CheckId("job.health", "Health in time", "job"),
    CheckId("job.error_message", "Last error message", "job"),
    CheckId("job.destination", "Destination kind", "job"),
    CheckId("tf.resource", "Terraform resource", "terraform"),
    CheckId("cloudflare.validate", "Cloudflare's validation", "cloudflare"),
    CheckId("lint.destination", "Destination in file", "lint"),
    CheckId("run", "Run", "run"),
)
_CHECK_IDS_BY_ID = {entry.id: entry for entry in CHECK_IDS}


def check_id(identifier: str) -> CheckId:
    """The registry's entry for an id.

    Raises:
        KeyError: for an id the registry does not hold (a new check must be added there).
    """
    return _CHECK_IDS_BY_ID[identifier]
