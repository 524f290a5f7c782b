"""Runs the registry of checks against one target and assembles the report.

Order and gating
----------------
Checks run one after another in registry order. Before a check runs, each of its prerequisites
must have passed or warned; otherwise the check is recorded as ``skip`` with the reason
("requires tls.chain (fail)"), never left out, so every report has the same shape. With
``--offline`` every live check is recorded as skipped. A check never raises: any exception that
escapes one becomes an ``error`` result with a one-line cause, here and nowhere else, and the run
goes on. Facts gathered by a network check (addresses, the certificate chain) are kept in the
context, so later checks judge them without connecting again. After an interrupt (Ctrl-C) the
check under way ends as ``error`` ("interrupted") and every later live check is skipped.
"""

from __future__ import annotations

import time

from hec_doctor import __version__
from hec_doctor.checks import CHECKS, CheckSpec, Context
from hec_doctor.checks.destination_lint import corrected_destination_conf
from hec_doctor.engine.predict import predict
from hec_doctor.models import (
    CheckResult,
    ClientResult,
    ErrorReason,
    Options,
    Outcome,
    Report,
    Status,
    TargetSummary,
    TokenInfo,
)
from hec_doctor.net.deadline import interrupted
from hec_doctor.net.errors import Kind, TransportError
from hec_doctor.redact import fingerprint, redact_echo, scrub_value
from hec_doctor.target import Target

GOOD = (Status.PASS, Status.WARN)


def run(target: Target, options: Options | None = None,
        checks: tuple[CheckSpec, ...] = CHECKS) -> Report:
    """Check one target.

    Args:
        target: the parsed target (see ``hec_doctor.build_target``).
        options: how to check; defaults to ``Options()``.
        checks: the registry to run; tests pass their own.

    Returns:
        A report holding one result for every check in ``checks``.
    """
    options = options or Options()
    ctx = Context(target=target, options=options)
    results: dict[str, CheckResult] = {}
    try:
        wants_push = any(s.id == "logpush.push" for s in checks)
        for spec in checks:
            results[spec.id] = _run_one(spec, ctx, results)
            if spec.id == "net.dns" and wants_push:
                _start_push(ctx, results)
    finally:
        ctx.close()
    ordered = tuple(results[spec.id] for spec in checks)
    prediction = predict(ordered, ctx)
    clients: tuple[ClientResult, ...] = ()
    if options.clients != ("go",) and not options.offline:
        from hec_doctor.engine.clients import collect

        clients = collect(ctx, ordered, prediction)
    report = Report(
        target=summarise(target),
        checks=ordered,
        clients=clients,
        judge=options.judge,
        logpush=prediction,
        notices=target.notices,
        suggested_destination_conf=corrected_destination_conf(target, ordered),
        version=__version__,
        wire=tuple(ctx.facts.wire),
    )
    # Secrets were redacted where they were put in; this last scrub only catches a long, random
    # secret that reached a field some other way, so it can never corrupt a word of the report.
    scrubbed: Report = scrub_value(report, target.secrets)  # type: ignore[assignment]
    return scrubbed


def _start_push(ctx: Context, done: dict[str, CheckResult]) -> None:
    """The Go probe's push starts once the name resolved, to run beside the other live checks,
    dialled to the address hec-doctor's own lookup found (so no DNS query leaves but the one
    the run makes, and a ``--resolve`` pin holds for Go too)."""
    if all(done.get(r) is not None and done[r].status in GOOD
           for r in ("dest.parse", "dest.scheme", "net.dns")) and not interrupted():
        from hec_doctor.checks import push

        push.start(ctx)
        if ctx.options.clients != ("go",):
            from hec_doctor.engine.clients import start

            start(ctx)


# A target whose run was cut short by Ctrl-C, or never started because of one.
INTERRUPTED = Outcome(Status.ERROR, "interrupted (Ctrl-C) before this target was checked")


def _run_one(spec: CheckSpec, ctx: Context, done: dict[str, CheckResult]) -> CheckResult:
    if spec.live and ctx.options.offline:
        return result_of(spec.id, spec.title, Outcome(Status.SKIP, "not run: --offline"))
    if spec.live and interrupted():
        return result_of(spec.id, spec.title, Outcome(Status.SKIP, "not run: interrupted"))
    for required in spec.requires:
        prior = done.get(required)
        if prior is None or prior.status not in GOOD:
            state = prior.status.value if prior else "not run"
            skipped = Outcome(Status.SKIP, f"requires {required} ({state})")
            return result_of(spec.id, spec.title, skipped)
    started = time.perf_counter()
    try:
        outcome = spec.run(ctx)
    except TransportError as exc:
        outcome = (Outcome(Status.ERROR, "interrupted (Ctrl-C)") if exc.kind is Kind.CANCELLED
                   else internal_error(exc, ctx.target.secrets))
    except Exception as exc:  # the one boundary where any failure becomes a result
        outcome = internal_error(exc, ctx.target.secrets)
    return result_of(spec.id, spec.title, outcome, (time.perf_counter() - started) * 1000)


def internal_error(exc: BaseException, secrets: tuple[str, ...], detail: str = "") -> Outcome:
    """An ``error`` outcome naming an exception in one line, secrets redacted; the traceback
    (redacted too) stays on it for ``--debug``."""
    import traceback

    first_line = redact_echo((str(exc).splitlines() or [""])[0][:300], secrets)
    trace = redact_echo("".join(traceback.format_exception(exc)), secrets)
    return Outcome(Status.ERROR, f"internal error: {type(exc).__name__}: {first_line}", detail,
                   traceback=trace)


def result_of(check_id: str, title: str, outcome: Outcome,
              duration_ms: float = 0.0) -> CheckResult:
    """The frozen result of a check from its outcome."""
    return CheckResult(
        id=check_id,
        title=title,
        status=outcome.status,
        summary=outcome.summary,
        detail=outcome.detail,
        remediation=outcome.remediation,
        duration_ms=round(duration_ms, 3),
        data=outcome.data,
        error_reason=(None if outcome.status is not Status.ERROR
                      else ErrorReason.BUG if outcome.traceback else ErrorReason.INCONCLUSIVE),
        traceback=outcome.traceback,
        facts=outcome.facts,
    )


def summarise(target: Target) -> TargetSummary:
    """The printable description of a target: every secret already replaced."""
    dest = target.destination
    token = target.token
    return TargetSummary(
        input=dest.shown_text,
        form=dest.form.value,
        url=dest.https_url(),
        host=dest.host,
        port=dest.effective_port,
        path=dest.shown_path,
        token=TokenInfo(token.source, fingerprint(token.token)) if token else None,
        insecure_skip_verify=target.insecure_skip_verify,
        label=target.label,
    )

