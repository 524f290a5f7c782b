"""Predicting what Cloudflare Logpush will do with a destination, from the checks' results.

A pure function of the results and of the facts the live checks gathered; it decides nothing on
its own that a check did not find.
"""

from __future__ import annotations

from typing import Sequence

from hec_doctor.checks.base import Context
from hec_doctor.models import CheckResult, LogpushPrediction, Status


def predict(results: Sequence[CheckResult], ctx: Context) -> LogpushPrediction:
    """The delivery prediction for a finished run.

    Network checks leave the Go error they predict in ``ctx.facts["go_error"]`` (the first one
    wins, as Go stops at the first failure) and ``ctx.facts["tls_verified"]`` once the chain was
    judged; the HEC probe may leave a finished prediction in ``ctx.facts["logpush"]``.
    """
    offline_failures = [r.id for r in results if r.id.startswith("dest.") and r.status is Status.FAIL]
    if offline_failures:
        return LogpushPrediction(
            would_deliver=False,
            basis="the offline lint failed (" + ", ".join(offline_failures) + "): Logpush "
            "rejects this destination or cannot deliver to it, whatever the server does",
        )
    go_error = ctx.facts.get("go_error")
    if go_error:
        return LogpushPrediction(
            would_deliver=False,
            predicted_error=go_error,
            legacy_error=ctx.facts.get("legacy_error"),
            basis="the error text Go's HTTP client (1.20 and later) gives for what was found; "
            "Logpush shows it inside the job's error_message",
        )
    finished = ctx.facts.get("logpush")
    if isinstance(finished, LogpushPrediction):
        return finished
    if "tls_verified" in ctx.facts:
        how = ("with verification off (insecure-skip-verify)" if not ctx.facts["tls_verified"]
               else "as Go verifies it")
        return LogpushPrediction(
            would_deliver=True,
            basis=f"TLS succeeds {how}; the HEC reply to a Logpush request was not checked",
        )
    return LogpushPrediction(basis="live checks did not run" if ctx.options.offline else
                             "the live checks did not get far enough to tell")
