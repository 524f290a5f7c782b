"""``hec-doctor watch``: the live checks on an interval, as Prometheus metrics.

``observe`` is pure: a finished report in, the numbers the metrics carry out. ``Metrics`` holds
them in a registry of its own (prometheus_client) and drops a series that no longer applies (an
address gone from DNS, a prediction that could not be made). ``Watcher`` runs the rounds: every
target checked by the same engine as ``check`` (so the token goes once per round per address,
only after the certificate verified, and every step has its timeout), one target's failure
never touching the others.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hec_doctor.models import Report, Status

# Prometheus allocates 9100-9999 to exporters and that range is full (its "default port
# allocations" wiki page, as discussed in utcc.utoronto.ca/~cks, 2023-06-04): 18088 is HEC's
# 8088 moved out of every range in common use.
DEFAULT_LISTEN = ("127.0.0.1", 18088)
DEFAULT_INTERVAL_S = 300.0
# Each round starts up to this share of the interval early or late, so that many watchers (or
# many hec-doctor processes) do not probe an HEC in step.
JITTER = 0.1
STATUSES = tuple(status.value for status in Status)
SECONDS_PER_DAY = 86400.0


@dataclass(frozen=True)
class Observation:
    """What one round found for one target.

    Attributes:
        would_deliver: Logpush's predicted delivery, None when it could not be judged.
        statuses: every check's status, by check id.
        certificates: the leaf certificate's not-after (Unix seconds) per address it was seen at.
        health_code: the HEC code of the health probe, or None.
        token_code: the HEC code the token probe got, or None (no token, or not sent).
        token_accepted: True when the token check passed, False when it failed, else None.
        handshake_s: the TLS handshake's duration, or None.
        total_s: the whole run's duration.
        finished_at: when the run ended (Unix seconds).
        failed_run: hec-doctor itself could not complete the run (an ``error`` result).
    """

    would_deliver: bool | None
    statuses: dict[str, str]
    certificates: dict[str, float]
    health_code: int | None
    token_code: int | None
    token_accepted: bool | None
    handshake_s: float | None
    total_s: float
    finished_at: float
    failed_run: bool = False


def observe(report: Report, total_s: float, finished_at: float) -> Observation:
    """The numbers in a finished report."""
    results = {result.id: result for result in report.checks}
    certificates: dict[str, float] = {}
    validity, tcp = results.get("tls.validity"), results.get("net.tcp")
    if validity is not None and "not_after" in validity.data and tcp is not None:
        connected = [a.get("address") for a in tcp.data.get("attempts", ())
                     if isinstance(a, dict) and a.get("outcome") == "connected"]
        if connected:
            certificates[str(connected[0])] = _epoch(validity.data["not_after"])
    addresses = results.get("hec.addresses")
    for row in (addresses.data.get("addresses", ()) if addresses is not None else ()):
        if isinstance(row, dict) and row.get("not_after"):
            certificates[str(row["address"])] = _epoch(row["not_after"])
    token = results.get("hec.token")
    handshake = results.get("tls.handshake")
    return Observation(
        would_deliver=report.logpush.would_deliver,
        statuses={result.id: result.status.value for result in report.checks},
        certificates=certificates,
        health_code=_code(results.get("hec.health")),
        token_code=_code(token),
        token_accepted=(None if token is None or token.status not in (Status.PASS, Status.FAIL)
                        else token.status is Status.PASS),
        handshake_s=(handshake.duration_ms / 1000 if handshake is not None
                     and handshake.status is not Status.SKIP else None),
        total_s=total_s,
        finished_at=finished_at,
        failed_run=any(r.id == "run" and r.status is Status.ERROR for r in report.checks),
    )


def _epoch(text: str) -> float:
    return datetime.fromisoformat(str(text).replace("Z", "+00:00")).timestamp()


def _code(result: Any) -> int | None:
    code = result.data.get("code") if result is not None else None
    return code if isinstance(code, int) and not isinstance(code, bool) else None


@dataclass
class Metrics:
    """The exporter's metrics, in a registry of their own. Label ``target``: a short name
    (host:port), never a token."""

    registry: Any = field(default=None)

    def __post_init__(self) -> None:
        from prometheus_client import CollectorRegistry, Counter, Gauge

        self.registry = self.registry or CollectorRegistry()
        r = self.registry

        def gauge(name: str, text: str, *labels: str) -> Any:
            return Gauge(f"hec_doctor_{name}", text, ("target",) + labels, registry=r)

        self.would_deliver = gauge("would_deliver", "1 when Logpush would deliver to the "
                                   "target, 0 when not (absent when not judged)")
        self.check_status = gauge("check_status", "1 for each check's current status, 0 for "
                                  "the others", "check", "status")
        self.not_after = gauge("certificate_not_after_timestamp_seconds", "The leaf "
                               "certificate's notAfter, per address", "address")
        self.days_left = gauge("certificate_days_left", "Days until the leaf certificate "
                               "expires (negative once expired), per address", "address")
        self.health_code = gauge("hec_health_code", "HEC code of /services/collector/health "
                                 "(17: healthy)")
        self.token_code = gauge("token_code", "HEC code the token probe got (5: accepted, "
                                "no data)")
        self.token_accepted = gauge("token_accepted", "1 when HEC accepted the token, 0 when "
                                    "it refused it (absent when not probed)")
        self.handshake = gauge("tls_handshake_seconds", "Duration of the TLS handshake")
        self.duration = gauge("run_seconds", "Duration of the whole run")
        self.last_run = gauge("last_run_timestamp_seconds", "When the last run ended")
        self.runs = Counter("hec_doctor_runs", "Runs per target", ("target",), registry=r)
        self.failed_runs = Counter("hec_doctor_failed_runs", "Runs hec-doctor could not "
                                   "complete", ("target",), registry=r)
        self._addresses: dict[str, set[str]] = {}
        self._checks: dict[str, set[str]] = {}
        self._lock = threading.Lock()

    def update(self, target: str, seen: Observation) -> None:
        """Set the target's series from one round (thread-safe)."""
        with self._lock:
            self._optional(self.would_deliver, target, seen.would_deliver)
            for check in self._checks.get(target, set()) - set(seen.statuses):
                for status in STATUSES:
                    self.check_status.remove(target, check, status)
            for check, current in seen.statuses.items():
                for status in STATUSES:
                    self.check_status.labels(target, check, status).set(
                        1 if status == current else 0)
            self._checks[target] = set(seen.statuses)
            for gone in self._addresses.get(target, set()) - set(seen.certificates):
                self.not_after.remove(target, gone)
                self.days_left.remove(target, gone)
            for address, not_after in seen.certificates.items():
                self.not_after.labels(target, address).set(not_after)
                self.days_left.labels(target, address).set(
                    round((not_after - seen.finished_at) / SECONDS_PER_DAY, 3))
            self._addresses[target] = set(seen.certificates)
            self._optional(self.health_code, target, seen.health_code)
            self._optional(self.token_code, target, seen.token_code)
            self._optional(self.token_accepted, target, seen.token_accepted)
            self._optional(self.handshake, target, seen.handshake_s)
            self.duration.labels(target).set(seen.total_s)
            self.last_run.labels(target).set(seen.finished_at)
            self.runs.labels(target).inc()
            if seen.failed_run:
                self.failed_runs.labels(target).inc()
            else:
                self.failed_runs.labels(target)  # the series exists from the first run

    @staticmethod
    def _optional(gauge: Any, target: str, value: float | bool | None) -> None:
        if value is None:
            try:
                gauge.remove(target)
            except KeyError:
                pass
        else:
            gauge.labels(target).set(float(value))

    def exposition(self) -> str:
        from prometheus_client import generate_latest

        return generate_latest(self.registry).decode("utf-8")


def target_names(labels: Sequence[tuple[str, int, str]]) -> list[str]:
    """A short, stable name per (host, port, path): ``host:port``, the path added only when it
    is one of HEC's own paths other than the raw endpoint, ``#2``, ``#3`` for repeats. Built from
    the parsed host and port only, never from text the user wrote after them (the path of a
    broken destination may hold the query, and the token with it)."""
    from hec_doctor.redact import render_input
    from hec_doctor.spec import EVENT_PATHS, HEALTH_PATHS, RAW_PATH, RAW_PATHS

    known = set(RAW_PATHS + EVENT_PATHS + HEALTH_PATHS)
    names: list[str] = []
    for host, port, path in labels:
        shown = f"[{host}]" if ":" in host else render_input(host)
        path = path.rstrip("/") or "/"
        name = f"{shown}:{port}" + ("" if path == RAW_PATH or path not in known else path)
        repeat = 2
        candidate = name
        while candidate in names:
            candidate = f"{name} #{repeat}"
            repeat += 1
        names.append(candidate)
    return names


class Watcher:
    """Rounds of checks over the targets, each round's reports turned into metrics.

    Args:
        named: (name, target) pairs.
        work: makes one target's report (``runner.run`` with the options bound).
        failed: the report of a target whose run raised.
        metrics: where the numbers go.
        concurrency: targets checked at once.
        after_round: called after each round (writes the textfile).
    """

    def __init__(self, named: Sequence[tuple[str, Any]], work: Callable[[Any], Report],
                 failed: Callable[[Any, BaseException], Report], metrics: Metrics, *,
                 concurrency: int, after_round: Callable[[], None] | None = None) -> None:
        self.named, self.work, self.failed = list(named), work, failed
        self.metrics, self.concurrency, self.after_round = metrics, concurrency, after_round
        self.stopping = threading.Event()
        self.rounds = 0

    def one_round(self) -> None:
        from hec_doctor.run_many import RunMany

        def timed(pair: tuple[str, Any]) -> Report:
            started = time.monotonic()
            report = self.work(pair[1])
            self._record(pair[0], report, time.monotonic() - started)
            return report

        def failed(pair: tuple[str, Any], exc: BaseException) -> Report:
            report = self.failed(pair[1], exc)
            self._record(pair[0], report, 0.0)
            return report

        for _ in RunMany(self.named, timed, failed, concurrency=self.concurrency):
            pass
        self.rounds += 1
        if self.after_round is not None:
            self.after_round()

    def _record(self, name: str, report: Report, seconds: float) -> None:
        if self.stopping.is_set():
            return  # a round cut short by shutdown says nothing about the target
        try:
            seen = observe(report, seconds, time.time())
        except Exception:  # an odd report must not stop the watch: count it, keep the rest
            self.metrics.failed_runs.labels(name).inc()
            return
        self.metrics.update(name, seen)

    def run(self, interval_s: float) -> None:
        """Rounds until ``stop``: each starts ``interval_s`` after the previous one started,
        give or take the jitter."""
        while not self.stopping.is_set():
            started = time.monotonic()
            self.one_round()
            pause = interval_s * (1 + random.uniform(-JITTER, JITTER))
            self.stopping.wait(max(0.0, started + pause - time.monotonic()))

    def stop(self) -> None:
        """End the watch: in-flight network waits end within a slice (safe from a signal
        handler)."""
        from hec_doctor.net import deadline

        self.stopping.set()
        deadline.interrupt()
