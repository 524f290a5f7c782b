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

    Live checks leave their prediction in ``ctx.facts["logpush"]`` (a LogpushPrediction); without
    one, only an offline failure allows a verdict.
    """
    offline_failures = [r.id for r in results if r.id.startswith("dest.") and r.status is Status.FAIL]
    live = ctx.facts.get("logpush")
    if isinstance(live, LogpushPrediction) and (live.would_deliver is False or not offline_failures):
        return live
    if offline_failures:
        return LogpushPrediction(
            would_deliver=False,
            basis="the offline lint failed (" + ", ".join(offline_failures) + "): Logpush "
            "rejects this destination or cannot deliver to it, whatever the server does",
        )
    return LogpushPrediction(basis="live checks did not run" if ctx.options.offline else "")
