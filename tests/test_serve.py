"""``hec-doctor serve`` as a subprocess, checked by ``hec-doctor check`` with and without faults."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from hec_doctor.lookalike.launch import is_loopback
from tests.helpers import CHANNEL, TOKEN, invoke

URL = re.compile(r"listening on (https://\S+)")
GENERATED = re.compile(r"^token: ([0-9a-f-]{36}) ", re.M)


class Served:
    def __init__(self, process: subprocess.Popen[str], url: str, ca_file: Path,
                 stderr_lines: list[str], events: Path) -> None:
        self.process, self.url, self.ca_file = process, url, ca_file
        self.stderr_lines, self.events = stderr_lines, events

    def check(self, *args: str, token: str = TOKEN):
        return invoke("check", "--ca-file", str(self.ca_file), "--token", token, "--timeout", "1",
                      *args, self.url)


@contextlib.contextmanager
def serving(tmp_path: Path, *args: str, token: str | None = TOKEN) -> Iterator[Served]:
    ca_file, events = tmp_path / "ca.pem", tmp_path / "events.jsonl"
    command = [sys.executable, "-m", "hec_doctor", "serve", "--port", "0", "--ca-out",
               str(ca_file), "--events", str(events), *args]
    if token:
        command += ["--token", token]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    lines: list[str] = []
    with process:
        yield from _started(process, lines, ca_file, events)


def _started(process: subprocess.Popen[str], lines: list[str], ca_file: Path,
             events: Path) -> Iterator[Served]:
    try:
        deadline = time.monotonic() + 20
        while not any(URL.search(line) for line in lines):
            line = process.stderr.readline()
            assert line, f"serve exited early: {''.join(lines)}"
            lines.append(line)
            assert time.monotonic() < deadline
        while not lines[-1].startswith("mode:"):
            lines.append(process.stderr.readline())
        url = next(URL.search(line).group(1) for line in lines if URL.search(line))
        yield Served(process, url, ca_file, lines, events)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            raise


def test_serve_passes_check_and_writes_events(tmp_path):
    with serving(tmp_path) as served:
        result = served.check("--send-event")
        assert result.exit_code == 0, result.output
        assert "Logpush: would deliver" in result.stdout
        assert "PASS  hec.event" in result.stdout
        records = [json.loads(line) for line in served.events.read_text().splitlines()]
        assert served.process.poll() is None
    assert served.process.returncode == 0
    assert [r["endpoint"] for r in records] == ["raw"]
    assert '"BotScore":99' in records[0]["event"]
    assert records[0]["token"] == "…197d"
    assert TOKEN not in served.events.read_text()
    assert TOKEN not in "".join(served.stderr_lines)  # a token the user chose is fingerprinted


@pytest.mark.parametrize(("fault", "check_id", "words"), [
    ("unhealthy", "hec.health", "code 18"),
    ("disabled-token", "hec.token", "code 1"),
    ("proxy-502", "hec.health", "502"),
    ("redirect", "hec.health", "redirect"),
])
def test_faults_get_their_diagnosis(tmp_path, fault, check_id, words):
    with serving(tmp_path, "--fault", fault) as served:
        result = served.check()
    assert result.exit_code == 1, result.output
    line = next(row for row in result.stdout.splitlines() if f"  {check_id} " in row)
    assert "FAIL" in line and words in line, line


def test_busy_fault_leaves_the_token_not_judged(tmp_path):
    with serving(tmp_path, "--fault", "busy") as served:
        result = served.check()
    assert result.exit_code == 3, result.output  # incomplete, not failed
    line = next(row for row in result.stdout.splitlines() if "  hec.token " in row)
    assert "ERR" in line and "not judged" in line and "code 9" in line, line


def test_incorrect_index_fault_fails_the_test_event(tmp_path):
    with serving(tmp_path, "--fault", "incorrect-index") as served:
        result = served.check("--send-event")
    assert result.exit_code == 1
    assert re.search(r"FAIL  hec\.event .*code 7", result.stdout), result.stdout


def test_slow_fault_ends_with_a_timeout_within_bounds(tmp_path):
    with serving(tmp_path, "--fault", "slow", "--slow-seconds", "5") as served:
        started = time.monotonic()
        result = served.check()
        elapsed = time.monotonic() - started
    assert result.exit_code == 1
    assert re.search(r"FAIL  hec\.health .*no HTTP reply", result.stdout), result.stdout
    assert elapsed < 4  # one 1-second timeout per probe that waits, not the server's 5 s


def test_ack_mode_is_diagnosed_and_acks_answer(tmp_path):
    with serving(tmp_path, "--ack") as served:
        assert "FAIL  hec.ack" in served.check().stdout
        base = served.url.rsplit("/services/", 1)[0]
        headers = {"Authorization": f"Splunk {TOKEN}"}
        trust = ssl.create_default_context(cafile=str(served.ca_file))
        with httpx.Client(verify=trust, trust_env=False, timeout=3) as client:
            no_channel = client.post(served.url, headers=headers, content=b"x")
            sent = client.post(f"{served.url}?channel={CHANNEL}", headers=headers, content=b"x")
            acks = client.post(f"{base}/services/collector/ack?channel={CHANNEL}",
                               headers=headers, json={"acks": [0, 1]})
    assert no_channel.json() == {"text": "Data channel is missing", "code": 10}
    assert sent.json() == {"text": "Success", "code": 0, "ackId": 0}
    assert acks.json() == {"acks": {"0": True, "1": False}}


def test_generated_token_is_printed_and_works(tmp_path):
    with serving(tmp_path, token=None) as served:
        match = GENERATED.search("".join(served.stderr_lines))
        assert match, served.stderr_lines
        assert served.check(token=match.group(1)).exit_code == 0
        assert served.check(token=TOKEN).exit_code == 1  # and it is the only one


def test_ctrl_c_stops_cleanly(tmp_path):
    with serving(tmp_path) as served:
        served.process.send_signal(signal.SIGINT)
        served.process.wait(5)
        rest = served.process.stderr.read()
    assert served.process.returncode == 0
    assert "hec-doctor serve: stopped" in rest


def test_users_own_certificate_is_served(tmp_path):
    import trustme

    ca = trustme.CA()
    leaf = ca.issue_cert("127.0.0.1")
    cert, key = tmp_path / "chain.pem", tmp_path / "key.pem"
    leaf.private_key_and_cert_chain_pem.write_to_path(str(key))
    leaf.cert_chain_pems[0].write_to_path(str(cert))
    with serving(tmp_path, "--cert", str(cert), "--key", str(key)) as served:
        assert not served.ca_file.exists()  # nothing made up
        ca.cert_pem.write_to_path(str(served.ca_file))
        assert served.check().exit_code == 0
        other = trustme.CA()
        other.cert_pem.write_to_path(str(served.ca_file))
        failed = served.check()
    assert failed.exit_code == 1
    assert "certificate signed by unknown authority" in failed.stdout


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.3.2.1", True), ("::1", True), ("[::1]", True),
    ("localhost", True), ("0.0.0.0", False), ("::", False), ("192.168.1.10", False),
    ("example.com", False),
])
def test_loopback_detection(host, loopback):
    assert is_loopback(host) is loopback


def test_non_loopback_needs_allow_remote():
    result = invoke("serve", "--host", "0.0.0.0", "--port", "0")
    assert result.exit_code == 2
    assert result.stderr.startswith("hec-doctor: error: 0.0.0.0 is reachable from other machines")
    assert len(result.stderr.splitlines()) == 1


def test_cert_without_key_is_a_usage_error(tmp_path):
    cert = tmp_path / "c.pem"
    cert.write_text("x")
    result = invoke("serve", "--port", "0", "--cert", str(cert))
    assert result.exit_code == 2
    assert "--cert and --key go together" in result.stderr


def test_queues_full_answers_as_splunk_does_and_unhealthy_is_its_old_name():
    from hec_doctor.lookalike.protocol import fault_name

    assert fault_name("unhealthy") == fault_name("queues_full") == "queues-full"
