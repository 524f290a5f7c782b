"""``watch`` judged with Prometheus' own tools (issue #26): promtool on the rules (and their unit
tests, the watch being down included) and on every exposition hec-doctor writes; the /probe
exporter's allow-list against crafted scrapes; and a real Prometheus scraping /probe through the
relabelling README documents, queried over its HTTP API."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from hec_doctor.lookalike.pki import make_cert, server_context, write_pem
from hec_doctor.lookalike.server import HecConfig, HecServer
from tests.frontends import free_port, running

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "3f2c8e1a-9b4d-4c6e-8f0a-1b2c3d4e5f60"


def promtool() -> str:
    found = shutil.which("promtool")
    assert found, "promtool is missing: install Debian's prometheus (scripts/install-test-tools)"
    return found


def _promtool(*args: str, stdin: str | None = None, cwd: Path | None = None) -> str:
    done = subprocess.run([promtool(), *args], input=stdin, capture_output=True, text=True,
                          timeout=120, cwd=cwd)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def test_promtool_checks_the_rules():
    said = _promtool("check", "rules", str(ROOT / "monitoring" / "hec-doctor-alerts.yml"))
    assert "SUCCESS: 7 rules found" in said


def test_promtool_unit_tests_every_alert_the_watch_being_down_included():
    tests = ROOT / "tests" / "monitoring" / "hec-doctor-alerts_test.yml"
    said = _promtool("test", "rules", tests.name, cwd=tests.parent)
    assert "SUCCESS" in said
    import yaml

    rules = yaml.safe_load((ROOT / "monitoring" / "hec-doctor-alerts.yml").read_text())
    alerts = {rule["alert"] for group in rules["groups"] for rule in group["rules"]}
    tested = {case["alertname"] for test in yaml.safe_load(tests.read_text())["tests"]
              for case in test["alert_rule_test"]}
    assert alerts == tested


@pytest.fixture(scope="module")
def hec(tmp_path_factory):
    folder = tmp_path_factory.mktemp("monitoring")
    root = make_cert("Monitoring Root", ca=True, bits=256)
    leaf = make_cert("127.0.0.1", issuer=root, ip_sans=("127.0.0.1",), bits=256)
    servers = [HecServer(HecConfig(tokens={TOKEN: "enabled"}), server_context([leaf], leaf))
               for _ in range(2)]
    for server in servers:
        server.start()
    yield {"allowed": servers[0], "other": servers[1],
           "ca": write_pem(folder / "ca.pem", root), "folder": folder}
    for server in servers:
        server.close()


def _conf(port: int) -> str:
    return (f"splunk://127.0.0.1:{port}/services/collector/raw?channel={uuid.uuid4()}"
            "&sourcetype=cloudflare:json")


def test_promtool_checks_the_watch_exposition_live_and_as_a_textfile(hec, tmp_path):
    textfile = tmp_path / "hec.prom"
    env = {**os.environ, "HEC_TOKEN": TOKEN}
    url = f"https://127.0.0.1:{hec['allowed'].port}/services/collector/raw"
    done = subprocess.run([sys.executable, "-m", "hec_doctor", "watch", "--once", "--textfile",
                           str(textfile), "--ca-file", hec["ca"], url], capture_output=True,
                          text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    _promtool("check", "metrics", stdin=textfile.read_text())
    port = free_port()
    command = [sys.executable, "-m", "hec_doctor", "watch", "--listen", f"127.0.0.1:{port}",
               "--interval", "1", "--ca-file", hec["ca"], url]
    log = tmp_path / "watch.log"
    with open(log, "ab") as out:
        process = subprocess.Popen(command, stdout=out, stderr=out, env=env)
    try:
        scraped = _wait_for(f"http://127.0.0.1:{port}/metrics", "hec_doctor_runs_total")
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(15)
    _promtool("check", "metrics", stdin=scraped)
    assert "_created" not in scraped and "hec_doctor_build_info{" in scraped


def _wait_for(url: str, text: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as reply:
                last = reply.read().decode()
            if text in last:
                return last
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} never held {text!r}: {last[:2000]}")


@pytest.fixture
def exporter(hec, tmp_path):
    config = tmp_path / "hec-doctor.toml"
    config.write_text(
        f'ca_file = "{hec["ca"]}"\n[modules.logpush]\ntimeout_s = 3\n'
        f'[[target]]\nname = "prod"\ndestination = "{_conf(hec["allowed"].port)}"\n'
        'token_env = "PROD_TOKEN"\n')
    port = free_port()
    env = {**os.environ, "PROD_TOKEN": TOKEN}
    env.pop("HEC_TOKEN", None)
    log = tmp_path / "exporter.log"
    with open(log, "ab") as out:
        process = subprocess.Popen([sys.executable, "-m", "hec_doctor", "watch", "--config",
                                    str(config), "--listen", f"127.0.0.1:{port}"],
                                   stdout=out, stderr=out, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base + "/metrics", "hec_doctor_build_info")
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(15)
    assert TOKEN not in log.read_text()


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_probe_answers_for_a_configured_target(hec, exporter):
    port = hec["allowed"].port
    before = len(hec["allowed"].received)
    for target in (f"127.0.0.1:{port}", "prod", f"https://127.0.0.1:{port}/"):
        status, body = _get(f"{exporter}/probe?target={urllib.parse.quote(target)}")
        assert status == 200, body
        assert "probe_success 1.0" in body and "hec_doctor_would_deliver 1.0" in body
        assert 'target="' not in body  # Prometheus' relabelling names the instance
        _promtool("check", "metrics", stdin=body)
    sent = [r.authorization for r in hec["allowed"].received[before:] if r.method == "POST"]
    assert sent and all(a == f"Splunk {TOKEN}" for a in sent)


@pytest.mark.parametrize("crafted", [
    "127.0.0.1:{other}", "https://127.0.0.1:{other}/services/collector/raw",
    "splunk://127.0.0.1:{other}/services/collector/raw?header_Authorization=Splunk%20x",
    "prod@127.0.0.1:{other}", "https://prod@127.0.0.1:{other}/",
    "https://127.0.0.1:{allowed}@127.0.0.1:{other}/", "127.0.0.1", "localhost:{allowed}",
    "PROD", "", "127.0.0.1:{allowed}#", "127.0.0.1:{allowed}/../{other}",
])
def test_a_crafted_probe_never_sends_the_token_elsewhere(hec, exporter, crafted):
    other = hec["other"]
    before = len(other.received)
    target = crafted.format(other=other.port, allowed=hec["allowed"].port)
    status, body = _get(f"{exporter}/probe?target={urllib.parse.quote(target)}")
    if status == 200:  # only what names the allowed destination itself may be probed
        assert "probe_success" in body
    else:
        assert status == 403, (target, status, body)
    assert len(other.received) == before, target
    _, metrics = _get(f"{exporter}/metrics")
    if status == 403:
        assert 'hec_doctor_probe_refused_total{reason="target not allowed"}' in metrics


def test_the_health_module_sends_no_token(hec, exporter):
    before = len(hec["allowed"].received)
    status, body = _get(f"{exporter}/probe?target=prod&module=health")
    assert status == 200 and "probe_success 1.0" in body, body
    assert all(r.authorization is None for r in hec["allowed"].received[before:])
    status, _ = _get(f"{exporter}/probe?target=prod&module=nosuch")
    assert status == 400


def test_the_landing_page_and_debug_reports_hide_the_token(hec, exporter):
    _get(f"{exporter}/probe?target=prod")
    status, page = _get(exporter + "/")
    assert status == 200 and "prod" in page and "logpush" in page and "health" in page
    assert "/probe?target=prod&amp;module=logpush&amp;debug=true" in page
    status, report = _get(f"{exporter}/probe?target=prod&module=logpush&debug=true")
    assert status == 200 and "Verdict: " in report and "hec.token" in report
    for text in (page, report):
        assert TOKEN not in text and TOKEN[-12:] not in text


def test_a_real_prometheus_scrapes_probe_through_the_readme_relabelling(hec, exporter,
                                                                       tmp_path):
    binary = shutil.which("prometheus")
    assert binary, "prometheus is missing: install Debian's prometheus (scripts/install-test-tools)"
    readme = (ROOT / "README.md").read_text()
    start = readme.index("```yaml\nscrape_configs:")
    block = readme[start + len("```yaml\n"):readme.index("```", start + 8)]
    exporter_address = exporter.removeprefix("http://")
    config = ("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
              + block.replace("127.0.0.1:18088", exporter_address)
              .replace("hec.example.com:8088", f"127.0.0.1:{hec['allowed'].port}")
              .replace("scrape_interval: 60s", "scrape_interval: 1s")
              .replace("scrape_timeout: 30s", "scrape_timeout: 1s"))
    (tmp_path / "prometheus.yml").write_text(config)
    port = free_port()
    with running([binary, f"--config.file={tmp_path / 'prometheus.yml'}",
                  f"--storage.tsdb.path={tmp_path / 'data'}",
                  f"--web.listen-address=127.0.0.1:{port}"], port, tmp_path / "prom.log",
                 tmp_path):
        query = urllib.parse.quote("probe_success")
        deadline = time.monotonic() + 60
        result: list = []
        while time.monotonic() < deadline and not result:
            _, body = _get(f"http://127.0.0.1:{port}/api/v1/query?query={query}")
            result = json.loads(body)["data"]["result"] if body.startswith("{") else []
            time.sleep(0.5)
        assert result, (tmp_path / "prom.log").read_text()[-3000:]
        series = result[0]
        assert series["metric"]["instance"] == f"127.0.0.1:{hec['allowed'].port}"
        assert series["metric"]["job"].startswith("hec-doctor")
        assert series["value"][1] == "1"
