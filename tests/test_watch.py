"""``hec-doctor watch``: the exporter scraped over HTTP while a look-alike changes under it
(healthy, then a disabled token, then a certificate about to expire), --once --textfile for
node_exporter, hanging and vanished targets, SIGTERM; and the shipped alert rules and Grafana
dashboard, checked against the metrics that exist."""

from __future__ import annotations

import datetime as dt
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from hec_doctor.lookalike.pki import make_cert, server_context, write_pem
from hec_doctor.lookalike.server import HecConfig, HecServer
from hec_doctor.models import (
    ChainExpiryFacts,
    CheckResult,
    ConnectFacts,
    LogpushPrediction,
    Report,
    Status,
)
from hec_doctor.watch.metrics import COUNTERS, FAMILIES, PROCESS_FAMILIES, Metrics, target_names
from tests.render.sample import sample_report
from tests.servers import raw_server, silent

ROOT = Path(__file__).parent.parent


@pytest.fixture
def pki(tmp_path):
    root = make_cert("watch test CA", ca=True, bits=256)
    return root, write_pem(tmp_path / "ca.pem", root)


def _leaf(root, days: float):
    now = dt.datetime.now(dt.UTC)
    return make_cert("127.0.0.1", issuer=root, ip_sans=("127.0.0.1",), bits=256,
                     not_before=now - dt.timedelta(days=1),
                     not_after=now + dt.timedelta(days=days))


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def _value(samples, name: str, **labels: str) -> float | None:
    return samples.get((name, tuple(sorted(labels.items()))))


def _failing(samples, target: str, check: str) -> str | None:
    """The status of a check that does not pass, or None when it passes (or was skipped)."""
    for (name, labels), value in samples.items():
        found = dict(labels)
        if name == "hec_doctor_check_failing" and found.get("target") == target and \
                found.get("check") == check and value == 1.0:
            return found["status"]
    return None


def _days_left(samples, target: str) -> float | None:
    expiry = _value(samples, "hec_doctor_certificate_expiry_timestamp_seconds", target=target,
                    address="127.0.0.1")
    return None if expiry is None else (expiry - time.time()) / 86400


class Watch:
    """``hec-doctor watch`` as a process, its metrics URL read from what it prints."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "hec_doctor", "watch", "--listen", "127.0.0.1:0", *args],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            env={**{k: v for k, v in os.environ.items() if k != "HEC_TOKEN"}, **(env or {})})
        self.lines: queue.Queue[str] = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        first = self.lines.get(timeout=30)
        found = re.search(r"http://127\.0\.0\.1:(\d+)/metrics", first)
        assert found, first
        self.url = found.group(0)

    def _read(self) -> None:
        for line in self.process.stderr:  # type: ignore[union-attr]
            self.lines.put(line)

    def scrape(self) -> str:
        with urllib.request.urlopen(self.url, timeout=10) as reply:
            return reply.read().decode()

    def wait_for(self, condition, timeout: float = 30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            samples = _samples(self.scrape())
            if condition(samples):
                return samples
            time.sleep(0.2)
        raise AssertionError(f"metrics never matched: {self.scrape()[:4000]}")

    def stop(self) -> tuple[int, str]:
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=15)
        self.reader.join(5)
        self.process.stderr.close()  # type: ignore[union-attr]
        rest = []
        while not self.lines.empty():
            rest.append(self.lines.get())
        return code, "".join(rest)


def test_metrics_follow_the_destination_as_it_changes(pki, tmp_path):
    root, ca_file = pki
    token = str(uuid.uuid4())
    leaf = _leaf(root, 300)
    server = HecServer(HecConfig(tokens={token: "enabled"}), server_context([leaf], leaf))
    server.start()
    url = f"https://127.0.0.1:{server.port}/services/collector/raw?channel={uuid.uuid4()}"
    name = f"127.0.0.1:{server.port}"
    watch = Watch(url, "--interval", "1", "--ca-file", str(ca_file), "--timeout", "3",
                  env={"HEC_TOKEN": token})
    try:
        healthy = watch.wait_for(lambda s: _value(s, "hec_doctor_would_deliver", target=name)
                                 == 1.0)
        assert _value(healthy, "hec_doctor_token_accepted", target=name) == 1.0
        assert _value(healthy, "hec_doctor_token_code", target=name) == 5.0
        assert _value(healthy, "hec_doctor_hec_health_code", target=name) == 17.0
        days = _days_left(healthy, name)
        assert days is not None and 299 < days <= 300
        assert _failing(healthy, name, "tls.verify") is None  # passing checks have no series
        earliest = _value(healthy, "probe_ssl_earliest_cert_expiry", target=name)
        assert earliest is not None and abs(earliest - time.time() - 300 * 86400) < 120
        assert (_value(healthy, "hec_doctor_tls_handshake_seconds", target=name) or 0) > 0

        server.config.tokens[token] = "disabled"  # someone disables the token
        disabled = watch.wait_for(lambda s: _value(s, "hec_doctor_token_accepted", target=name)
                                  == 0.0)
        assert _value(disabled, "hec_doctor_would_deliver", target=name) == 0.0
        assert _value(disabled, "hec_doctor_token_code", target=name) == 1.0  # Token disabled
        assert _failing(disabled, name, "hec.token") == "fail"

        server.config.tokens[token] = "enabled"
        near = _leaf(root, 3)
        server.use_certificate([near], near)  # a certificate about to expire
        expiring = watch.wait_for(lambda s: (_days_left(s, name) or 99) < 4)
        assert _failing(expiring, name, "tls.validity") == "warn"
        assert _value(expiring, "hec_doctor_would_deliver", target=name) == 1.0
        runs = _value(expiring, "hec_doctor_runs_total", target=name) or 0
        assert runs >= 3
        # The token went once per round (one address), never more.
        posts = [r for r in server.received if r.method == "POST"]
        assert len(posts) <= runs + 1
    finally:
        code, said = watch.stop()
        server.close()
    assert code == 0 and "watch stopped" in said
    assert token not in said


def test_a_hanging_and_a_vanished_target_stop_nothing(pki, tmp_path):
    root, ca_file = pki
    token = str(uuid.uuid4())
    leaf = _leaf(root, 300)
    with HecServer(HecConfig(tokens={token: "enabled"}), server_context([leaf], leaf)) as good, \
            raw_server(silent) as hanging_port:
        closed = socket.socket()
        closed.bind(("127.0.0.1", 0))
        vanished_port = closed.getsockname()[1]
        closed.close()
        urls = [f"https://127.0.0.1:{port}/services/collector/raw"
                for port in (hanging_port, vanished_port, good.port)]
        watch = Watch(*urls, "--interval", "1", "--ca-file", str(ca_file), "--timeout", "2",
                      env={"HEC_TOKEN": token})
        try:
            started = time.monotonic()
            samples = watch.wait_for(lambda s: _value(
                s, "hec_doctor_would_deliver", target=f"127.0.0.1:{good.port}") == 1.0)
            assert time.monotonic() - started < 10
            assert _failing(samples, f"127.0.0.1:{vanished_port}", "net.tcp") == "fail"
            # The hanging one times out in its handshake and is reported, not waited for.
            hung = watch.wait_for(lambda s: _failing(
                s, f"127.0.0.1:{hanging_port}", "tls.handshake") is not None)
            assert _value(hung, "hec_doctor_would_deliver",
                          target=f"127.0.0.1:{hanging_port}") in (0.0, None)
        finally:
            code, _ = watch.stop()
        assert code == 0


def test_once_textfile_for_node_exporter(pki, tmp_path):
    root, ca_file = pki
    token = str(uuid.uuid4())
    leaf = _leaf(root, 100)
    textfile = tmp_path / "hec_doctor.prom"
    with HecServer(HecConfig(tokens={token: "ack"}), server_context([leaf], leaf)) as server:
        result = subprocess.run(
            [sys.executable, "-m", "hec_doctor", "watch", "--once", "--textfile", str(textfile),
             f"https://127.0.0.1:{server.port}/services/collector/raw?channel={uuid.uuid4()}",
             "--ca-file", str(ca_file)], capture_output=True, text=True, timeout=60,
            env={**os.environ, "HEC_TOKEN": token})
    assert result.returncode == 1, result.stderr  # as check: a check failed
    samples = _samples(textfile.read_text())
    name = f"127.0.0.1:{server.port}"
    assert _value(samples, "hec_doctor_would_deliver", target=name) == 0.0  # ack on
    assert _failing(samples, name, "hec.ack") == "fail"
    # --once runs once: a counter of runs would always say 1, so there is none.
    assert "hec_doctor_runs_total" not in textfile.read_text()
    assert token not in textfile.read_text() + result.stdout + result.stderr
    assert not list(tmp_path.glob("*.tmp*"))  # written atomically, no leftovers


def test_once_without_textfile_prints_the_exposition():
    result = subprocess.run(
        [sys.executable, "-m", "hec_doctor", "watch", "--once", "--timeout", "1",
         "https://127.0.0.1:9/services/collector/raw"],
        capture_output=True, text=True, timeout=60)
    samples = _samples(result.stdout)
    assert _failing(samples, "127.0.0.1:9", "net.tcp") == "fail"
    assert result.returncode == 1


# --- pure parts --------------------------------------------------------------------------------

def test_names_are_short_stable_and_never_hold_the_query():
    assert target_names([("h.example.com", 8088, "/services/collector/raw"),
                         ("h.example.com", 8088, "/services/collector/raw"),
                         ("h.example.com", 443, "/services/collector/event"),
                         ("2001:db8::1", 8088, "/services/collector/raw")]) == [
        "h.example.com:8088", "h.example.com:8088 #2",
        "h.example.com:443/services/collector/event", "[2001:db8::1]:8088"]


def test_a_series_that_no_longer_applies_is_dropped():
    metrics = Metrics()
    base = sample_report()
    validity = CheckResult("tls.validity", "Validity", Status.PASS, "ok",
                           facts=ChainExpiryFacts(not_after="2030-01-01T00:00:00Z"))
    tcp = CheckResult("net.tcp", "TCP", Status.PASS, "ok", facts=ConnectFacts(connected="192.0.2.1"))
    first = Report(target=base.target, checks=(validity, tcp),
                   logpush=LogpushPrediction(would_deliver=True, basis="x"))
    metrics.update("t", first, 0.1, 1_700_000_000)
    assert 'address="192.0.2.1"' in metrics.exposition()
    unknown = Report(target=base.target, checks=(), logpush=LogpushPrediction(basis="x"))
    metrics.update("t", unknown, 0.1, 1_700_000_100)
    text = metrics.exposition()
    assert 'address="192.0.2.1"' not in text
    assert "hec_doctor_would_deliver{" not in text and 'check="tls.validity"' not in text


# --- the shipped rules and dashboard -----------------------------------------------------------

def _metric_names() -> set[str]:
    return set(FAMILIES) | set(PROCESS_FAMILIES) | {f"{name}_total" for name in COUNTERS}


def _referenced(expr: str) -> set[str]:
    expr = re.sub(r'"[^"]*"', "", expr)  # label values
    return {w for w in re.findall(r"\b[a-z_][a-z0-9_]*\b", expr)
            if w.startswith(("hec_doctor_", "probe_"))}


def test_alert_rules_are_valid_and_use_metrics_that_exist():
    rules = yaml.safe_load((ROOT / "monitoring" / "hec-doctor-alerts.yml").read_text())
    names = _metric_names()
    alerts = {}
    for group in rules["groups"]:
        assert group["name"] and group["rules"]
        for rule in group["rules"]:
            assert set(rule) <= {"alert", "expr", "for", "labels", "annotations",
                                 "keep_firing_for"}
            assert rule["alert"] and rule["expr"] and rule["annotations"]["summary"]
            if "for" in rule:
                assert re.fullmatch(r"\d+[smhd]", rule["for"])
            used = _referenced(rule["expr"])
            assert used <= names, (rule["alert"], used - names)
            assert used or "up{" in rule["expr"], rule["alert"]
            alerts[rule["alert"]] = rule["expr"]
    # What the issue asks for: certificate under N days, would-deliver false, token rejected.
    assert "probe_ssl_earliest_cert_expiry" in alerts["HecCertificateExpiresSoon"]
    # ... and what tells that nothing is watching any more.
    assert "up{" in alerts["HecDoctorDown"] and "absent(" in alerts["HecDoctorAbsent"]
    assert "hec_doctor_would_deliver == 0" in alerts["LogpushWouldNotDeliver"]
    assert "hec_doctor_token_accepted == 0" in alerts["HecTokenRejected"]


def test_grafana_dashboard_is_valid_and_uses_metrics_that_exist():
    dashboard = json.loads((ROOT / "monitoring" / "grafana-dashboard.json").read_text())
    assert dashboard["uid"] and dashboard["title"] and isinstance(dashboard["schemaVersion"], int)
    variables = {v["name"] for v in dashboard["templating"]["list"]}
    assert {"datasource", "target"} <= variables
    names = _metric_names()
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    for panel in dashboard["panels"]:
        assert {"x", "y", "w", "h"} <= set(panel["gridPos"])
        legend = panel.get("options", {}).get("legend")
        if legend is not None:
            # Grafana's VizLegendOptions (packages/grafana-schema/src/common/mudball.cue):
            # displayMode, placement, showLegend and calcs are required.
            assert legend["displayMode"] in ("list", "table", "hidden")
            assert legend["placement"] in ("bottom", "right")
            assert isinstance(legend["showLegend"], bool)
            assert isinstance(legend["calcs"], list)
        assert panel["gridPos"]["x"] + panel["gridPos"]["w"] <= 24
        for target in panel["targets"]:
            used = _referenced(target["expr"])
            assert used and used <= names, (panel["title"], used - names)
            assert "$target" in target["expr"]
    assert _referenced(dashboard["templating"]["list"][1]["definition"]) <= names


# --- the exporter's configuration ------------------------------------------------------------

def _targets(*entries: str) -> str:
    return "".join(f'[[target]]\n{entry}destination = "https://127.0.0.1:{n}/services/collector/'
                   'raw"\n' for n, entry in enumerate(entries, 1))


@pytest.mark.parametrize(("config", "words"), [
    (_targets('name = "dup"\n', 'name = "dup"\n'), "target 2: its name 'dup' is target 1's too"),
    # Two destinations on one host and port, neither named: their default names collide.
    ('[[target]]\ndestination = "https://127.0.0.1:9/services/collector/raw"\n'
     '[[target]]\ndestination = "https://127.0.0.1:9/services/collector/event"\n',
     "its name '127.0.0.1:9' is target 1's too"),
    (_targets('name = "5f1c2a9e-0b7d-4c33-9e61-d2a8b4c7e999"\n'),
     "its name is shaped like a credential (<token …e999>)"),
    (_targets('name = "token=abcdabcdabcdabcdabcd"\n'), "its name is shaped like a credential"),
])
def test_a_configuration_whose_names_cannot_work_is_refused(tmp_path, config, words):
    from hec_doctor.errors import InputError
    from hec_doctor.watch.exporter import load_config

    path = tmp_path / "hec-doctor.toml"
    path.write_text(config)
    with pytest.raises(InputError, match=re.escape(words)) as refused:
        load_config(str(path))
    assert "5f1c2a9e" not in str(refused.value) and "abcdabcdabcd" not in str(refused.value)


def test_names_that_only_mention_a_credential_are_fine(tmp_path):
    from hec_doctor.watch.exporter import load_config

    path = tmp_path / "hec-doctor.toml"
    path.write_text(_targets('name = "prod-token-a"\n', 'name = "hec-auth"\n', ""))
    config = load_config(str(path))
    assert [t.name for t in config.targets] == ["prod-token-a", "hec-auth", "127.0.0.1:3"]
