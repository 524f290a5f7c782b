"""Predicting what Cloudflare Logpush will do with a destination: the one place it is decided.

A pure function of the checks' results and of the facts the live checks gathered. It never
claims more than was observed: ``would_deliver`` is True only when HEC answered a request
carrying the token Logpush sends in a way that proves acceptance, False when something was seen
that makes delivery impossible, and None (with the reason) when neither was proven.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from hec_doctor.checks.base import Context
from hec_doctor.gox509.text import GO_VERSION
from hec_doctor.models import (
    AckFacts,
    CheckResult,
    GoStepFacts,
    HandshakeFacts,
    HecReplyFacts,
    LintFacts,
    LogpushPrediction,
    PushOutcomeFacts,
    Status,
    VerifyFacts,
)


def predict(results: Sequence[CheckResult], ctx: Context) -> LogpushPrediction:
    """The delivery prediction for a finished run.

    Everything is read from the results' typed facts: the Go error of the first step Go
    would fail at (``GoStepFacts``, in registry order, as Go stops at the first failure), Go's
    verdict on the chain (``VerifyFacts``), the probe's measurement, HEC's replies.
    """
    from dataclasses import replace

    prediction = _predict(results, ctx)
    if ctx.options.offline or (not prediction.basis and prediction.would_deliver is None):
        return prediction
    pushed = _pushed(results)
    if pushed is not None:
        version = pushed.go_version.removeprefix("go")
        return replace(prediction, evidence=f"measured with Go {version}")
    from hec_doctor.checks.push import why_predicted

    return replace(prediction, evidence=f"predicted (no Go probe: {why_predicted(ctx)})")


def _predict(results: Sequence[CheckResult], ctx: Context) -> LogpushPrediction:
    by_id = {r.id: r for r in results}
    offline = _offline(results)
    if offline is not None:
        return offline
    pushed = _pushed(results)
    if pushed is not None:
        return _measured(results, by_id, ctx, pushed)
    go_error = port_go_error(results)
    verdict = _verdict(results)
    if go_error:
        return LogpushPrediction(
            would_deliver=False,
            predicted_error=go_error,
            legacy_error=verdict.legacy_error if verdict is not None else None,
            basis=f"the error text Go {GO_VERSION}'s HTTP client gives for what was found (a "
            "client built from a module with a current go line); Logpush shows it inside the "
            "job's error_message" + (
                "; predicted for an OpenSSL-based server such as Splunk's, which refuses the "
                "handshake (another TLS stack may send the certificate, and Go would then judge "
                "it)" if _server_refuses_go(results) else ""),
        )
    if ctx.options.offline:
        return LogpushPrediction(basis="live checks did not run")
    if verdict is None:
        return LogpushPrediction(basis="the live checks did not get far enough to tell")
    return _from_hec(by_id, ctx, verdict)


def port_go_error(results: Sequence[CheckResult]) -> str | None:
    """The error the port concludes Go reports: the first step's, in registry order."""
    for result in results:
        step = result.facts_as(GoStepFacts)
        if step is not None and step.go_error:
            return step.go_error
    return None


def _pushed(results: Sequence[CheckResult]) -> PushOutcomeFacts | None:
    """What the Go probe measured (``logpush.push``), None when nothing was measured."""
    return next((p for p in (r.facts_as(PushOutcomeFacts) for r in results) if p is not None),
                None)


def _verdict(results: Sequence[CheckResult]) -> VerifyFacts | None:
    return next((v for v in (r.facts_as(VerifyFacts) for r in results) if v is not None), None)


def _server_refuses_go(results: Sequence[CheckResult]) -> bool:
    return any(h is not None and h.server_refuses_go
               for h in (r.facts_as(HandshakeFacts) for r in results))


def _measured(results: Sequence[CheckResult], by_id: Mapping[str, CheckResult],
              ctx: Context, pushed: PushOutcomeFacts) -> LogpushPrediction:
    """The verdict from what the Go probe measured (``logpush.push``): what Go's client did is
    what Logpush's does; the port's prediction only explains it."""
    push = by_id["logpush.push"]
    how = " with verification off (insecure-skip-verify)" if ctx.target.insecure_skip_verify \
        else ""
    port_error = port_go_error(results)
    if pushed.go_error:
        agrees = pushed.go_error == port_error
        verdict = _verdict(results)
        return LogpushPrediction(
            would_deliver=False, predicted_error=pushed.go_error,
            legacy_error=verdict.legacy_error if agrees and verdict is not None else None,
            basis="Go's HTTP client, pushing as Logpush does, failed with this error; Logpush "
            "shows it inside the job's error_message"
            + ("" if agrees else " (the ported verifier predicted "
               + (f"'{port_error}'" if port_error else "no error")
               + "; the measurement stands)"))
    redirect = pushed.redirect
    if redirect:
        both = push.detail.split(" hec-doctor did not")[0]
        if redirect.get("method") != "POST":
            # Either outcome loses the logs: no redirect followed is a failed push, and a
            # followed 301/302/303 turns the POST into a GET without its body (Go's client.go,
            # redirectBehavior).
            return LogpushPrediction(would_deliver=False, basis=both + " Either way the logs "
                                     "do not reach HEC: a followed 301, 302 or 303 becomes a "
                                     "GET without the body.")
        return LogpushPrediction(basis=both)
    if ctx.target.token is None or ctx.target.token.unsendable:
        return LogpushPrediction(basis=f"{push.summary}; the token was not judged: none was "
                                 "pushed")
    health = by_id.get("hec.health")
    if push.status is Status.ERROR:
        if health is not None and health.status is Status.FAIL:
            return LogpushPrediction(would_deliver=False,
                                     basis=f"the HEC health probe failed: {health.summary}")
        return LogpushPrediction(basis=push.summary)
    if push.status is not Status.PASS:
        body = pushed.http_status
        reply = _reply(by_id.get("hec.token")).reply
        return LogpushPrediction(
            would_deliver=False, predicted_error=reply or (f"HTTP {body}" if body else None),
            basis=push.summary)
    return _after_token(by_id, ctx, how)


def _offline(results: Sequence[CheckResult]) -> LogpushPrediction | None:
    failed = [r for r in results if r.id.startswith("dest.") and r.status is Status.FAIL]
    if not failed:
        return None
    names = ", ".join(r.id for r in failed)
    if any(_blocks_delivery(r) for r in failed):
        return LogpushPrediction(
            would_deliver=False,
            basis=f"the offline lint failed ({names}): Logpush rejects this destination or "
            "cannot deliver to it, whatever the server does")
    return LogpushPrediction(
        basis=f"the offline lint failed ({names}): fix that first; whether Logpush would "
        "deliver anyway depends on how the server is set up, and was not judged")


def _reply(result: CheckResult | None) -> HecReplyFacts:
    """The HEC reply a probe's result holds; all None when it got none (or did not run)."""
    facts = result.facts_as(HecReplyFacts) if result is not None else None
    return facts if facts is not None else HecReplyFacts(http_status=None)


def _blocks_delivery(result: CheckResult) -> bool:
    """A failed lint check blocks delivery unless its facts say it depends on the server."""
    lint = result.facts_as(LintFacts)
    return lint.blocks_delivery if lint is not None else True


def _from_hec(by_id: Mapping[str, CheckResult], ctx: Context,
              verdict: VerifyFacts) -> LogpushPrediction:
    """What the HEC probes proved, once TLS was judged."""
    health, token = by_id.get("hec.health"), by_id.get("hec.token")
    how = "" if verdict.verified else " with verification off (insecure-skip-verify)"
    if token is not None and token.status is Status.FAIL:
        answer = _reply(token)
        status = answer.http_status
        if status is None:
            return LogpushPrediction(
                would_deliver=False,
                basis=f"the request with the token got no HTTP reply ({token.summary})")
        code = answer.code
        return LogpushPrediction(
            would_deliver=False,
            predicted_error=answer.reply or f"HTTP {status}",
            basis=f"HEC answered HTTP {status} to the token Logpush sends; Logpush's "
            "error_message carries this reply, in wording around it that is not documented"
            + (f" (code {code} is certain)" if code is not None else ""))
    if health is not None and health.status is Status.FAIL and (
            token is None or token.status is not Status.PASS):
        return LogpushPrediction(would_deliver=False,
                                 basis=f"the HEC health probe failed: {health.summary}")
    if token is None or token.status is not Status.PASS:
        why = token.summary if token is not None else "no token probe ran"
        return LogpushPrediction(basis=f"TLS passes{how}, but the token was not judged: {why}")
    return _after_token(by_id, ctx, how)


def _after_token(by_id: Mapping[str, CheckResult], ctx: Context, how: str) -> LogpushPrediction:
    """HEC accepted the token: what acknowledgement, the test event and health add."""
    ack, event, health = by_id.get("hec.ack"), by_id.get("hec.event"), by_id.get("hec.health")
    if ack is not None and ack.status is Status.FAIL:
        acked = ack.facts_as(AckFacts)
        if acked is not None and not acked.has_channel:
            return LogpushPrediction(
                would_deliver=False,
                predicted_error='{"text":"Data channel is missing","code":10}',
                basis="the token has indexer acknowledgement on and the destination has no "
                "channel")
        return LogpushPrediction(
            would_deliver=False,
            basis="the token has indexer acknowledgement on: pushes are accepted at first, but "
            "Logpush never polls /ack, so unread acknowledgements pile up until HEC refuses "
            "the channel at ACK capacity (the exact reply and when it comes depend on the "
            "server's limits)")
    if event is not None and event.status is Status.FAIL:
        answer = _reply(event)
        status = answer.http_status
        return LogpushPrediction(
            would_deliver=False,
            predicted_error=answer.reply or (f"HTTP {status}" if status else None),
            basis=f"HEC refused the Logpush-shaped event: {event.summary}")
    if health is not None and health.status is Status.FAIL and _reply(health).code is None:
        # Not HEC's own word on its health (a 404, a proxy's page): Logpush never asks the health
        # endpoint, and the raw endpoint it pushes to accepted the token.
        whose = ("the token Logpush sends" if ctx.target.token is not None
                 and ctx.target.token.in_destination else "the token")
        return LogpushPrediction(
            would_deliver=True,
            basis=f"HEC accepts {whose} on the raw endpoint; the health endpoint is not HEC's "
            f"here ({health.summary}), which Logpush never uses")
    if health is not None and health.status is Status.FAIL:
        return LogpushPrediction(
            basis=f"HEC accepted the token, but its health endpoint said: {health.summary}; "
            "pushes may be refused while that lasts")
    token = ctx.target.token
    assert token is not None
    if token.in_destination and token.source != "header_Authorization":
        return LogpushPrediction(
            basis=f"HEC accepts the token, and Logpush would deliver if it reads {token.source} "
            "as header_Authorization, which Cloudflare does not document")
    whose = ("the token Logpush sends" if token.in_destination
             else f"the token from {token.source}")
    if event is not None and event.status is Status.PASS:
        return LogpushPrediction(
            would_deliver=True,
            basis=f"TLS passes as Go judges it{how}, and a Logpush-shaped event posted with "
            f"{whose} was accepted (code 0)")
    return LogpushPrediction(
        would_deliver=True,
        basis=f"TLS passes as Go judges it{how}, and HEC accepts {whose} (an empty request "
        "answered code 5: nothing written)")
