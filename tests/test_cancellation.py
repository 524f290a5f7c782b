"""A run's cancellation is its own (issue #28): stopping one run cuts its waits short within a
slice and leaves every other run in the process alone (a process-wide flag did not)."""

from __future__ import annotations

import threading
import time

from hec_doctor.engine.run import run, summarise
from hec_doctor.engine.run_many import RunMany, error_report
from hec_doctor.models import LogpushPrediction, Options, Report, Status
from hec_doctor.net import deadline
from hec_doctor.target import build_target
from tests.servers import raw_server, silent


def _runs(port: int, timeout_s: float) -> RunMany:
    text = f"https://127.0.0.1:{port}/services/collector/raw"
    options = Options(timeout_s=timeout_s, go_probe=False)

    def failed(item, exc):
        return error_report(Report(target=summarise(build_target(item)), checks=(),
                                   logpush=LogpushPrediction(basis="")), exc, "failed")

    return RunMany([text], lambda item: run(build_target(item), options), failed, concurrency=1)


def _handshake(reports) -> str:
    [report] = reports
    return report.result("tls.handshake").summary


def test_stopping_one_run_leaves_another_alone():
    with raw_server(silent) as port:
        stopped, other = _runs(port, 20), _runs(port, 1.5)
        results: dict[str, object] = {}

        def consume(name, runs):
            started = time.monotonic()
            results[name] = (list(runs), time.monotonic() - started)

        threads = [threading.Thread(target=consume, args=(name, runs))
                   for name, runs in (("stopped", stopped), ("other", other))]
        for thread in threads:
            thread.start()
        time.sleep(0.5)
        stopped.stop()
        for thread in threads:
            thread.join(30)
    reports, took = results["stopped"]
    assert took < 1.5 and _handshake(reports).startswith("interrupted"), _handshake(reports)
    reports, took = results["other"]
    # it ran to its own timeout: not cut short by the other run's stop
    assert took >= 1.4 and not _handshake(reports).startswith("interrupted"), _handshake(reports)
    assert reports[0].result("tls.handshake").status is Status.FAIL


def test_a_run_after_a_stopped_one_needs_no_reset():
    with raw_server(silent) as port:
        first = _runs(port, 20)
        first.stop()
        assert list(first)[0].checks[0].summary.startswith("interrupted")
        second = _runs(port, 0.5)
        assert "interrupted" not in _handshake(list(second))


def test_outside_any_run_nothing_is_cancelled():
    assert deadline.current() is None and not deadline.interrupted()
    token = deadline.Cancellation()
    with deadline.cancellable(token):
        assert deadline.current() is token and not deadline.interrupted()
        token.cancel()
        assert deadline.interrupted()
    assert deadline.current() is None and not deadline.interrupted()
