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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from hec_doctor.models import (
    AddressesFacts,
    ChainExpiryFacts,
    CheckResult,
    ConnectFacts,
    F,
    HandshakeFacts,
    HecReplyFacts,
    PushOutcomeFacts,
    Report,
    Status,
)

# Prometheus allocates 9100-9999 to exporters and that range is full (its "default port
# allocations" wiki page, as discussed in utcc.utoronto.ca/~cks, 2023-06-04): 18088 is HEC's
# 8088 moved out of every range in common use.
DEFAULT_LISTEN = ("127.0.0.1", 18088)
DEFAULT_INTERVAL_S = 300.0
# Each round starts up to this share of the interval early or late, so that many watchers (or
# many hec-doctor processes) do not probe an HEC in step.
JITTER = 0.1


@dataclass(frozen=True)
class Sample:
    """One series: a metric name, its labels (without ``target``), its value."""

    name: str
    labels: tuple[tuple[str, str], ...]
    value: float


# Every metric a report gives, with its type and help. Where blackbox_exporter has a metric of
# the same meaning, it has its name, so dashboards and alerts written for it carry over
# (prometheus/blackbox_exporter prober/http.go and prober/tls.go): probe_success,
# probe_duration_seconds, probe_http_status_code, probe_ssl_earliest_cert_expiry (the earliest
# notAfter of the certificates the server sent), probe_ssl_last_chain_expiry_timestamp_seconds
# (the earliest notAfter of the verified chain), probe_tls_version_info, probe_ssl_last_chain_info.
# Everything is in base units (seconds, Unix time): rules compute days.
FAMILIES: dict[str, tuple[str, str]] = {
    "probe_success": ("gauge", "1 when Logpush would deliver to the destination (the health "
                      "module: when HEC is healthy and TLS verifies), else 0"),
    "probe_duration_seconds": ("gauge", "How long the whole check took"),
    "probe_http_status_code": ("gauge", "HTTP status of the push (or of the token probe)"),
    "probe_ssl_earliest_cert_expiry": ("gauge", "The earliest notAfter of the certificates the "
                                       "server sent, Unix time"),
    "probe_ssl_last_chain_expiry_timestamp_seconds": ("gauge", "The earliest notAfter of the "
                                                      "chain Go verified, Unix time"),
    "probe_tls_version_info": ("gauge", "The TLS version negotiated (1, label version)"),
    "probe_ssl_last_chain_info": ("gauge", "The leaf certificate's identity (1, labels)"),
    "hec_doctor_would_deliver": ("gauge", "1 when Logpush would deliver, 0 when not (absent "
                                 "when not judged)"),
    "hec_doctor_measured": ("gauge", "1 when the verdict was measured with Go's own client, 0 "
                            "when the ported verifier predicted it"),
    "hec_doctor_check_failing": ("gauge", "1 for each check that did not pass (label status: "
                                 "warn, fail or error); passing and skipped checks have none"),
    "hec_doctor_hec_health_code": ("gauge", "HEC code of /services/collector/health (17: "
                                   "healthy)"),
    "hec_doctor_token_code": ("gauge", "HEC code the token got (5: accepted, nothing written)"),
    "hec_doctor_token_accepted": ("gauge", "1 when HEC accepted the token, 0 when it refused it "
                                  "(absent when not sent)"),
    "hec_doctor_certificate_expiry_timestamp_seconds": ("gauge", "The leaf certificate's "
                                                        "notAfter per address, Unix time"),
    "hec_doctor_tls_handshake_seconds": ("gauge", "Duration of the TLS handshake"),
    "hec_doctor_last_run_timestamp_seconds": ("gauge", "When the last check ended, Unix time"),
}
NOT_PASSING = ("warn", "fail", "error")


def samples(report: Report, total_s: float, finished_at: float) -> list[Sample]:
    """The series a finished report gives (pure)."""
    results = {result.id: result for result in report.checks}
    out: list[Sample] = []

    def add(name: str, value: float | bool | None, **labels: str) -> None:
        if value is not None:
            out.append(Sample(name, tuple(sorted(labels.items())), float(value)))

    would = report.logpush.would_deliver
    out.append(Sample("probe_success", (), 1.0 if would is True else 0.0))
    add("probe_duration_seconds", round(total_s, 6))
    token = results.get("hec.token")
    pushed = _facts(results.get("logpush.push"), PushOutcomeFacts)
    replied = _facts(token, HecReplyFacts)
    add("probe_http_status_code", (pushed.http_status if pushed is not None else None)
        or (replied.http_status if replied is not None else None))
    expiry = _facts(results.get("tls.validity"), ChainExpiryFacts)
    if expiry is not None and expiry.earliest_not_after:
        add("probe_ssl_earliest_cert_expiry", _epoch(expiry.earliest_not_after))
    if expiry is not None and expiry.verified_chain_not_after:
        add("probe_ssl_last_chain_expiry_timestamp_seconds",
            _epoch(expiry.verified_chain_not_after))
    if expiry is not None and expiry.leaf is not None:
        add("probe_ssl_last_chain_info", 1, **asdict(expiry.leaf))
    handshake = results.get("tls.handshake")
    shook = _facts(handshake, HandshakeFacts)
    version = (pushed.tls_version if pushed is not None else None) or (
        shook.version if shook is not None else None)
    if version:
        add("probe_tls_version_info", 1, version=str(version).replace("TLSv", "TLS "))
    add("hec_doctor_would_deliver", would)
    add("hec_doctor_measured", report.logpush.evidence.startswith("measured")
        if report.logpush.evidence else None)
    for result in report.checks:
        if result.status.value in NOT_PASSING:
            add("hec_doctor_check_failing", 1, check=result.id, status=result.status.value)
    add("hec_doctor_hec_health_code", _code(results.get("hec.health")))
    add("hec_doctor_token_code", _code(token))
    add("hec_doctor_token_accepted", None if token is None or token.status not in (
        Status.PASS, Status.FAIL) else token.status is Status.PASS)
    for address, not_after in _leaf_expiry(results).items():
        add("hec_doctor_certificate_expiry_timestamp_seconds", not_after, address=address)
    add("hec_doctor_tls_handshake_seconds", handshake.duration_ms / 1000
        if handshake is not None and handshake.status is not Status.SKIP else None)
    add("hec_doctor_last_run_timestamp_seconds", round(finished_at, 3))
    return out


def _leaf_expiry(results: Mapping[str, CheckResult]) -> dict[str, float]:
    """The leaf's notAfter per address it was seen at."""
    found: dict[str, float] = {}
    expiry = _facts(results.get("tls.validity"), ChainExpiryFacts)
    connected = _facts(results.get("net.tcp"), ConnectFacts)
    if expiry is not None and connected is not None and connected.connected is not None:
        found[connected.connected] = _epoch(expiry.not_after)
    addresses = _facts(results.get("hec.addresses"), AddressesFacts)
    for address, not_after in (addresses.leaf_not_after.items() if addresses else ()):
        found[address] = _epoch(not_after)
    return found


def _facts(result: CheckResult | None, kind: type[F]) -> F | None:
    return result.facts_as(kind) if result is not None else None


def failed_run(report: Report) -> bool:
    """hec-doctor itself could not complete the run (an ``error`` result named ``run``)."""
    return any(r.id == "run" and r.status is Status.ERROR for r in report.checks)


def _epoch(text: str) -> float:
    return datetime.fromisoformat(str(text).replace("Z", "+00:00")).timestamp()


def _code(result: CheckResult | None) -> int | None:
    replied = _facts(result, HecReplyFacts)
    return replied.code if replied is not None else None


def build_info() -> Sample:
    """``hec_doctor_build_info{version, go_version}``: what is running (go_version "" without
    a Go probe)."""
    from hec_doctor import __version__, goprobe

    path, _ = goprobe.locate()
    go = goprobe.shared(path).version() if path else ""
    return Sample("hec_doctor_build_info", (("go_version", go), ("version", __version__)), 1.0)


def families(by_target: dict[str, list[Sample]], *, label: str | None = "target",
             counters: dict[str, dict[str, float]] | None = None,
             extra: Sequence[Sample] = ()) -> list[Any]:
    """prometheus_client metric families for the samples of every target (each labelled
    ``label``, or unlabelled for one ``/probe`` answer), counters and process-wide samples."""
    from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

    made: dict[str, Any] = {}
    for target, found in by_target.items():
        for sample in found:
            kind, text = FAMILIES[sample.name]
            names = ((label,) if label else ()) + tuple(k for k, _ in sample.labels)
            family = made.get(sample.name)
            if family is None:
                family = made[sample.name] = GaugeMetricFamily(sample.name, text, labels=names)
            values = ((target,) if label else ()) + tuple(v for _, v in sample.labels)
            family.add_metric(list(values), sample.value)
    out = list(made.values())
    for name, per_target in (counters or {}).items():
        family = CounterMetricFamily(name, COUNTERS[name], labels=[label or "target"])
        for target, value in per_target.items():
            family.add_metric([target], value)
        out.append(family)
    for sample in extra:
        family = GaugeMetricFamily(sample.name, PROCESS_FAMILIES[sample.name],
                                   labels=[k for k, _ in sample.labels])
        family.add_metric([v for _, v in sample.labels], sample.value)
        out.append(family)
    return out


# No ``_created`` series: a CounterMetricFamily without a created time has none.
COUNTERS = {"hec_doctor_runs": "Checks run per target since the watch started",
            "hec_doctor_failed_runs": "Checks hec-doctor itself could not complete",
            "hec_doctor_probe_refused": "/probe requests refused: target not in the "
                                        "configuration's allow-list, or unknown module"}
PROCESS_FAMILIES = {"hec_doctor_build_info": "hec-doctor's version and its Go probe's "
                                             "(1, labels)"}


class Metrics:
    """The latest samples of every target (interval mode), exposed through a collector of a
    registry of its own: a target's series are replaced whole each round, so a series that no
    longer applies (an address gone, a check that passes again) simply goes."""

    def __init__(self, *, counters: bool = True) -> None:
        from prometheus_client import CollectorRegistry

        self.registry = CollectorRegistry(auto_describe=False)
        self.counters = counters
        self._latest: dict[str, list[Sample]] = {}
        self._runs: dict[str, float] = {}
        self._failed: dict[str, float] = {}
        self._lock = threading.Lock()
        self._build = build_info()
        self.registry.register(self)

    def update(self, target: str, report: Report, total_s: float, finished_at: float) -> None:
        """Replace the target's series with this round's (thread-safe)."""
        found = samples(report, total_s, finished_at)
        with self._lock:
            self._latest[target] = found
            self._runs[target] = self._runs.get(target, 0) + 1
            self._failed[target] = self._failed.get(target, 0) + failed_run(report)

    def count_failure(self, target: str) -> None:
        with self._lock:
            self._failed[target] = self._failed.get(target, 0) + 1

    def collect(self) -> list[Any]:
        with self._lock:
            latest = dict(self._latest)
            counters = ({"hec_doctor_runs": dict(self._runs),
                         "hec_doctor_failed_runs": dict(self._failed)} if self.counters else None)
        return families(latest, counters=counters, extra=(self._build,))

    def exposition(self) -> str:
        from prometheus_client import generate_latest

        return generate_latest(self.registry).decode("utf-8")


def target_names(labels: Sequence[tuple[str, int, str]]) -> list[str]:
    """A short, stable name per (host, port, path): ``host:port``, the path added only when it
    is one of HEC's own paths other than the raw endpoint, ``#2``, ``#3`` for repeats. Built from
    the parsed host and port only, never from text the user wrote after them (the path of a
    broken destination may hold the query, and the token with it)."""
    from hec_doctor.hec.spec import EVENT_PATHS, HEALTH_PATHS, RAW_PATH, RAW_PATHS
    from hec_doctor.redact import render_input

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
        self._round: Any = None  # the RunMany under way, which ``stop`` cancels
        self.rounds = 0
        self.on_report: Callable[[Report], None] | None = None

    def one_round(self) -> None:
        from hec_doctor.engine.run_many import RunMany

        def timed(pair: tuple[str, Any]) -> Report:
            started = time.monotonic()
            report = self.work(pair[1])
            self._record(pair[0], report, time.monotonic() - started)
            return report

        def failed(pair: tuple[str, Any], exc: BaseException) -> Report:
            report = self.failed(pair[1], exc)
            self._record(pair[0], report, 0.0)
            return report

        self._round = RunMany(self.named, timed, failed, concurrency=self.concurrency)
        if self.stopping.is_set():  # stopped before this round began: it starts nothing
            self._round.stop()
        for report in self._round:
            if self.on_report is not None:
                self.on_report(report)
        self.rounds += 1
        if self.after_round is not None:
            self.after_round()

    def _record(self, name: str, report: Report, seconds: float) -> None:
        if self.stopping.is_set():
            return  # a round cut short by shutdown says nothing about the target
        try:
            self.metrics.update(name, report, seconds, time.time())
        except Exception:  # an odd report must not stop the watch: count it, keep the rest
            self.metrics.count_failure(name)

    def run(self, interval_s: float) -> None:
        """Rounds until ``stop``: each starts ``interval_s`` after the previous one started,
        give or take the jitter."""
        while not self.stopping.is_set():
            started = time.monotonic()
            self.one_round()
            pause = interval_s * (1 + random.uniform(-JITTER, JITTER))
            self.stopping.wait(max(0.0, started + pause - time.monotonic()))

    def stop(self) -> None:
        """End the watch: the round under way is cancelled, so its in-flight network waits end
        within a slice (safe from a signal handler)."""
        self.stopping.set()
        current = self._round
        if current is not None:
            current.stop()
