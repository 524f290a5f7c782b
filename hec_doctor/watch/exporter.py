"""The multi-target exporter: ``/probe?target=...&module=...``, as blackbox_exporter serves it.

Prometheus schedules the probes (and shards them across servers, keeps them highly available);
each scrape of ``/probe`` runs one check and answers its series. Tokens come from this
exporter's own configuration file, never from the scrape: ``target`` only names an entry of the
configuration (by name, or by the exact host and port it names), and anything else is refused
with 403 and counted. So a crafted scrape cannot make the exporter send a configured token
anywhere but to the destination that token is configured for.

The configuration is TOML (``tomllib``, in Python's standard library since 3.11: no new
dependency)::

    ca_file = "/etc/hec-doctor/private-ca.pem"    # optional: roots instead of certifi's

    [modules.logpush]                             # the default module: the whole check
    timeout_s = 5
    [modules.health]                              # no token sent: TLS, health, the push
    timeout_s = 5

    [[target]]
    name = "prod"                                 # optional; target=prod works too
    destination = "splunk://hec.example.com:8088/services/collector/raw?channel=<GUID>&sourcetype=cloudflare:json"
    token_env = "HEC_TOKEN_PROD"                  # or token_file = "...", or the
                                                  # destination's own header_Authorization
"""

from __future__ import annotations

import html
import os
import threading
import time
from collections import deque
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from hec_doctor.errors import InputError

MODULES = ("logpush", "health")
DEFAULT_MODULE = "logpush"
RECENT = 50  # probes kept for the landing page
# Prometheus tells how long a scrape may take (X-Prometheus-Scrape-Timeout-Seconds); the check
# must answer inside it, with this much to spare for the answer itself.
SCRAPE_MARGIN_S = 0.5


@dataclass(frozen=True)
class Module:
    """How a probe checks: ``send_token`` (logpush) or not (health), and its step timeout."""

    name: str
    send_token: bool
    timeout_s: float = 5.0


@dataclass(frozen=True)
class ProbeTarget:
    """One destination the configuration allows: its name, host and port (what a scrape may
    name), and the destination with its token (which a scrape never sees)."""

    name: str
    host: str
    port: int
    target: Any = field(repr=False)


@dataclass(frozen=True)
class ExporterConfig:
    targets: tuple[ProbeTarget, ...]
    modules: dict[str, Module]
    ca_file: str | None = None

    def find(self, wanted: str) -> ProbeTarget | None:
        """The entry a scrape's ``target`` names: by name, else by exact host and port (a bare
        ``host:port`` or a URL whose host and port are those); None for anything else."""
        wanted = wanted.strip()
        by_name = [t for t in self.targets if t.name == wanted]
        if by_name:
            return by_name[0]
        from hec_doctor.target import parse_target

        try:
            asked = parse_target(wanted)
        except InputError:
            return None
        if asked.userinfo:
            return None
        matches = [t for t in self.targets if t.host.lower() == asked.host.lower()
                   and t.port == asked.effective_port]
        return matches[0] if len(matches) == 1 else None


SENDS_TOKEN = {True: "the whole check, token included",
               False: "no token sent: TLS, health and the push"}


def load_config(path: str) -> ExporterConfig:
    """Read and check the configuration (one-line errors, exit code 2)."""
    import tomllib

    from hec_doctor.files import read_text_input
    from hec_doctor.redact import bad_character, credentials_in, render_input
    from hec_doctor.target import build_target

    try:
        data = tomllib.loads(read_text_input(path, 10_000_000))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path} is not valid TOML: {exc}") from None
    modules = {name: Module(name, name == "logpush") for name in MODULES}
    for name, settings in (data.get("modules") or {}).items():
        if name not in MODULES:
            raise InputError(f"{path}: unknown module {name!r} (modules: {', '.join(MODULES)})")
        timeout = settings.get("timeout_s", 5.0) if isinstance(settings, dict) else None
        if not isinstance(timeout, (int, float)) or not 0.1 <= timeout <= 300:
            raise InputError(f"{path}: modules.{name}.timeout_s must be 0.1 to 300 seconds")
        modules[name] = replace(modules[name], timeout_s=float(timeout))
    entries = data.get("target") or []
    if not isinstance(entries, list) or not entries:
        raise InputError(f"{path}: no [[target]] entries: /probe would refuse every target")
    targets: list[ProbeTarget] = []
    for position, entry in enumerate(entries, 1):
        where = f"{path}: target {position}"
        if not isinstance(entry, dict) or not isinstance(entry.get("destination"), str):
            raise InputError(f"{where} has no destination")
        token = _token(entry, where)
        if token is not None and bad_character(token):
            raise InputError(f"{where}: its token holds {bad_character(token)}")
        target = build_target(entry["destination"], token=token, origin=f"target {position}")
        dest = target.destination
        name = str(entry.get("name") or f"{dest.host_for_url}:{dest.effective_port}")
        # A name travels in Prometheus's configuration and every scrape's URL, and is listed on
        # the landing page: one shaped like a credential is a token pasted in the wrong place.
        if credentials_in(name):
            raise InputError(f"{where}: its name is shaped like a credential "
                             f"({render_input(name)}); names travel in every scrape's URL: "
                             "choose another")
        taken = next((i for i, t in enumerate(targets, 1) if t.name == name), None)
        if taken is not None:
            raise InputError(f"{where}: its name {render_input(name)!r} is target {taken}'s too, "
                             "and /probe would only ever reach the first: give each a name")
        targets.append(ProbeTarget(name, dest.host, dest.effective_port, target))
    ca_file = data.get("ca_file")
    if ca_file is not None:
        from hec_doctor.gox509.roots import load_roots

        load_roots(str(ca_file))
    return ExporterConfig(tuple(targets), modules, str(ca_file) if ca_file else None)


def _token(entry: dict[str, Any], where: str) -> str | None:
    if "token_env" in entry:
        value = os.environ.get(str(entry["token_env"]))
        if not value:
            raise InputError(f"{where}: the environment variable {entry['token_env']} is not set")
        return value
    if "token_file" in entry:
        try:
            with open(str(entry["token_file"]), encoding="utf-8") as handle:
                return handle.read().strip()
        except OSError as exc:
            raise InputError(f"{where}: cannot read its token_file: {exc.strerror}") from None
    return None


@dataclass(frozen=True)
class Probe:
    """One probe done, for the landing page and ``debug=true``."""

    when: float
    name: str
    module: str
    verdict: str
    would_deliver: bool | None
    seconds: float
    report: Any = field(repr=False)


class Exporter:
    """Answers ``/probe``, ``/metrics`` and ``/`` (pure of sockets: the handler calls it)."""

    def __init__(self, config: ExporterConfig) -> None:
        self.config = config
        self.recent: deque[Probe] = deque(maxlen=RECENT)
        self.refused: dict[str, float] = {}
        self._lock = threading.Lock()

    def refuse(self, reason: str) -> None:
        with self._lock:
            self.refused[reason] = self.refused.get(reason, 0) + 1

    def probe(self, query: str, scrape_timeout_s: float | None) -> tuple[int, str, str]:
        """(status, content type, body) for ``/probe?<query>``."""
        params = parse_qs(query, keep_blank_values=True)
        module_name = (params.get("module") or [DEFAULT_MODULE])[0]
        module = self.config.modules.get(module_name)
        if module is None:
            self.refuse("unknown module")
            return 400, "text/plain", f"Unknown module {html.escape(module_name[:60])}\n"
        wanted = (params.get("target") or [""])[0]
        entry = self.config.find(wanted) if wanted else None
        if entry is None:
            self.refuse("target not allowed")
            return (403, "text/plain", "Forbidden: the target is not in this exporter's "
                    "configuration\n")
        from hec_doctor.engine.run import run
        from hec_doctor.models import Options

        timeout = module.timeout_s
        if scrape_timeout_s:
            timeout = max(0.1, min(timeout, (scrape_timeout_s - SCRAPE_MARGIN_S) / 3))
        target = entry.target if module.send_token else replace(entry.target, candidates=())
        started = time.monotonic()
        report = run(target, Options(timeout_s=timeout, ca_file=self.config.ca_file))
        seconds = time.monotonic() - started
        finished = time.time()
        with self._lock:
            self.recent.appendleft(Probe(finished, entry.name, module.name,
                                         report.verdict.value, report.logpush.would_deliver,
                                         seconds, report))
        if (params.get("debug") or ["false"])[0].lower() == "true":
            from hec_doctor.render.text import render

            return 200, "text/plain; charset=utf-8", render(report)
        return 200, CONTENT_TYPE, exposition_of(report, seconds, finished, module)

    def metrics(self) -> str:
        """The exporter's own series: what runs, and what it refused."""
        from prometheus_client import CollectorRegistry, generate_latest
        from prometheus_client.core import CounterMetricFamily

        from hec_doctor.watch.metrics import build_info, families

        with self._lock:
            refused = dict(self.refused)

        class _Own:
            def collect(self) -> list[Any]:
                family = CounterMetricFamily("hec_doctor_probe_refused", "/probe requests "
                                             "refused: a target not in the configuration, or "
                                             "an unknown module", labels=["reason"])
                for reason, count in refused.items():
                    family.add_metric([reason], count)
                return [family, *families({}, extra=(build_info(),))]

        registry = CollectorRegistry(auto_describe=False)
        registry.register(_Own())
        return generate_latest(registry).decode("utf-8")

    def landing(self) -> str:
        """``/``: the modules, the configured targets, the recent probes with their reports."""
        rows = []
        with self._lock:
            recent = list(self.recent)
        for probe in recent:
            link = (f"/probe?target={quote(probe.name)}&module={quote(probe.module)}"
                    "&debug=true")
            rows.append(f"<tr><td>{time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(probe.when))}"
                        f"</td><td>{html.escape(probe.name)}</td><td>{probe.module}</td>"
                        f"<td>{probe.verdict}</td><td>{_deliver(probe.would_deliver)}</td>"
                        f"<td>{probe.seconds:.2f} s</td><td><a href=\"{html.escape(link)}\">"
                        "report</a></td></tr>")
        modules = "".join(
            f"<li>{m.name}: {SENDS_TOKEN[m.send_token]} (step timeout {m.timeout_s:g} s)</li>"
            for m in self.config.modules.values())
        targets = "".join(f"<li>{html.escape(t.name)} ({html.escape(t.host)}:{t.port})</li>"
                          for t in self.config.targets)
        return ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>hec-doctor "
                "exporter</title></head><body><h1>hec-doctor exporter</h1>"
                "<p><a href=\"/metrics\">/metrics</a>: the exporter's own series. "
                "<code>/probe?target=&lt;name or host:port&gt;&amp;module=logpush|health</code>"
                ": one check.</p>"
                f"<h2>Modules</h2><ul>{modules}</ul><h2>Targets allowed</h2><ul>{targets}</ul>"
                "<h2>Recent probes</h2><table><tr><th>finished (UTC)</th><th>target</th>"
                "<th>module</th><th>verdict</th><th>Logpush</th><th>took</th><th></th></tr>"
                + "".join(rows) + "</table></body></html>\n")


def _deliver(value: bool | None) -> str:
    return {True: "would deliver", False: "would NOT deliver", None: "not judged"}[value]


CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def exposition_of(report: Any, seconds: float, finished: float, module: Module) -> str:
    """One probe's series, unlabelled by target (Prometheus' relabelling names the instance),
    as blackbox_exporter answers a probe."""
    from prometheus_client import CollectorRegistry, generate_latest

    from hec_doctor.watch.metrics import families, samples

    found = samples(report, seconds, finished)
    if not module.send_token:
        health = next((c for c in report.checks if c.id == "hec.health"), None)
        success = health is not None and health.status.value == "pass"
        found = [s if s.name != "probe_success" else replace(s, value=float(success))
                 for s in found]

    class _One:
        def collect(self) -> list[Any]:
            return families({"": found}, label=None)

    registry = CollectorRegistry(auto_describe=False)
    registry.register(_One())
    return generate_latest(registry).decode("utf-8")


def serve(exporter: Exporter, host: str, port: int) -> Any:
    """An HTTP server for the exporter, in a thread; returns it (``shutdown`` stops it)."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        server_version = "hec-doctor"

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            parts = urlsplit(self.path)
            if parts.path == "/probe":
                header = self.headers.get("X-Prometheus-Scrape-Timeout-Seconds")
                try:
                    scrape = float(header) if header else None
                except ValueError:
                    scrape = None
                status, kind, body = exporter.probe(parts.query, scrape)
            elif parts.path == "/metrics":
                status, kind, body = 200, CONTENT_TYPE, exporter.metrics()
            elif parts.path == "/":
                status, kind, body = 200, "text/html; charset=utf-8", exporter.landing()
            else:
                status, kind, body = 404, "text/plain", "Not found\n"
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:  # quiet: the landing page has the record
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True, name="hec-doctor-exporter").start()
    return server
