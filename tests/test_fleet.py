"""Many targets: order, isolation, exit codes, the batch formats, and the progress bar."""

from __future__ import annotations

import json
import os
import pty
import re
import socket
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET

import pytest

from hec_doctor.engine.run_many import run_all
from hec_doctor.models import CheckResult, Report, Status, make_batch
from hec_doctor.progress import Progress
from hec_doctor.render import OutputFormat, render
from hec_doctor.render.github import escape_data, escape_property
from tests.helpers import good_conf, invoke
from tests.render.sample import sample_report

GOOD = good_conf()
BAD_PORT = good_conf().replace(":8088", ":8089")
NO_TOKEN = good_conf(header_Authorization=None)


def _report(label: str, status: Status = Status.PASS, summary: str = "fine") -> Report:
    base = sample_report()
    check = CheckResult(id="dest.port", title="Port", status=status, summary=summary,
                        detail="", remediation="Use 8088." if status is Status.FAIL else "",
                        duration_ms=1.5)
    target = base.target.__class__(**{**base.target.__dict__, "input": label, "label": label})
    return Report(target=target, checks=(check,), version="0.1.0")


# --- the pool -----------------------------------------------------------------------------

def test_results_keep_input_order_whatever_finishes_first():
    delays = [0.05, 0.0, 0.03, 0.01, 0.0]

    def work(position: int) -> Report:
        time.sleep(delays[position])
        return _report(f"t{position}")

    reports = run_all(list(range(5)), work, lambda i, e: _report("x"), concurrency=5)
    assert [r.label for r in reports] == ["t0", "t1", "t2", "t3", "t4"]


def test_waiting_for_a_slow_first_target_costs_no_cpu():
    # The first target takes a second while the others are done at once: the consumer must
    # sleep on the first, not spin on the finished ones (a spin took the GIL from every worker
    # and made fleets CPU-bound).
    def work(position: int) -> Report:
        time.sleep(1.0 if position == 0 else 0.0)
        return _report(f"t{position}")

    started = time.process_time()
    reports = run_all(list(range(20)), work, lambda i, e: _report("x"), concurrency=4)
    assert len(reports) == 20
    assert time.process_time() - started < 0.3


def test_one_failure_never_sinks_the_others():
    def work(position: int) -> Report:
        if position == 1:
            raise RuntimeError("boom")
        return _report(f"t{position}")

    def failed(position: int, exc: BaseException) -> Report:
        return _report(f"failed {position}: {exc}", Status.ERROR)

    reports = run_all([0, 1, 2], work, failed, concurrency=3)
    assert [r.label for r in reports] == ["t0", "failed 1: boom", "t2"]


def test_concurrency_is_bounded():
    running, peak, lock = 0, 0, threading.Lock()

    def work(position: int) -> Report:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.02)
        with lock:
            running -= 1
        return _report(str(position))

    run_all(list(range(12)), work, lambda i, e: _report("x"), concurrency=3)
    assert 1 < peak <= 3  # they overlapped, and never more than three at once


def test_an_exception_in_one_target_becomes_its_error_report(monkeypatch):
    from hec_doctor.engine import run as runner

    real = runner.run

    def flaky(target, options=None, checks=None):
        if target.destination.effective_port == 8089:
            raise RuntimeError(f"exploded near {target.token.token}")
        return real(target, options)

    monkeypatch.setattr(runner, "run", flaky)
    result = invoke("check", GOOD, BAD_PORT, GOOD, "--offline", "--format", "json")
    reports = json.loads(result.stdout)["reports"]
    assert [r["verdict"] for r in reports] == ["pass", "error", "pass"]
    assert reports[1]["checks"][0]["summary"].startswith("internal error: RuntimeError: exploded")
    assert "e6d94e8c" not in result.stdout  # the token in the exception text is scrubbed
    assert result.exit_code == 3


# --- the command --------------------------------------------------------------------------

def test_targets_from_arguments_file_and_stdin_in_input_order(tmp_path):
    listing = tmp_path / "targets.txt"
    listing.write_text(f"# our HEC fleet\n\n{BAD_PORT}   # the broken one\n  {NO_TOKEN}\n")
    from click.testing import CliRunner

    from hec_doctor.cli import cli

    result = CliRunner().invoke(cli, ["check", GOOD, "-", "--file", str(listing), "--offline",
                                      "--format", "json"], input=f"{GOOD}\n# nothing\n")
    document = json.loads(result.stdout)
    assert document["schema"] == "hec-doctor.batch/1"
    ports = [r["target"]["port"] for r in document["reports"]]
    assert ports == [8088, 8088, 8089, 8088]
    assert document["counts"] == {"pass": 2, "warn": 0, "fail": 2, "error": 0}
    assert result.exit_code == 1  # one failed: the run fails


def test_bad_line_in_a_file_names_it_and_exits_2(tmp_path):
    listing = tmp_path / "targets.txt"
    listing.write_text(f"{GOOD}\nftp://[nope\n")
    result = invoke("check", "--file", str(listing), "--offline")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"hec-doctor: error: {listing}:2: ")
    assert len(result.stderr.splitlines()) == 1


def test_no_target_at_all_is_a_usage_error():
    result = invoke("check")
    assert result.exit_code == 2
    assert "no target given" in result.stderr


def test_summary_groups_the_worst_problems(tmp_path):
    result = invoke("check", BAD_PORT, BAD_PORT.replace("hec.", "hec2."), GOOD, "--offline",
                    "--color", "never")
    summary = result.stdout[result.stdout.index("Summary:"):]
    assert summary.startswith("Summary: 3 targets: 1 pass, 2 fail; verdict FAIL")
    assert re.search(r"FAIL dest\.port in 2: port 8089 is Splunk's management", summary)


def test_json_is_one_envelope_whatever_the_number_of_targets():
    # Issue #28: one shape for pipelines to read; json-report is the one report on its own.
    for targets in ([GOOD], [GOOD, BAD_PORT]):
        document = json.loads(invoke("check", *targets, "--offline", "--format", "json").stdout)
        assert document["schema"] == "hec-doctor.batch/1"
        assert len(document["reports"]) == len(targets)
    single = json.loads(invoke("check", GOOD, "--offline", "--format", "json-report").stdout)
    assert single["schema"] == "hec-doctor.report/1" and single["job"] is None


def test_json_report_refuses_more_than_one_target():
    result = invoke("check", GOOD, BAD_PORT, "--offline", "--format", "json-report")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "use --format json" in result.stderr


def test_live_fleet_against_lookalikes(hec_server_factory):
    healthy, broken = hec_server_factory(), hec_server_factory(fault="unhealthy")
    result = invoke("check", healthy.destination_conf, broken.destination_conf.replace(
        broken.token, healthy.token), "--ca-file", healthy.ca_file, "--format", "json")
    reports = json.loads(result.stdout)["reports"]
    assert [r["logpush"]["would_deliver"] for r in reports] == [True, False]
    # One connection per endpoint, as a push makes (issue #24): Go's, whose handshake, chain
    # and health reply the TLS and HEC checks judge instead of connecting themselves.
    assert healthy.server.connections == 1
    handshake = next(c for c in reports[0]["checks"] if c["id"] == "tls.handshake")
    assert handshake["data"]["measured_by"] == "go1.27.3", handshake
    assert "Go 1.27.3's own handshake" in handshake["summary"]


def test_without_the_probe_the_checks_make_the_one_connection_themselves(hec_server_factory):
    healthy = hec_server_factory()
    result = invoke("check", healthy.destination_conf, "--ca-file", healthy.ca_file,
                    "--format", "json", env={"HEC_DOCTOR_GOPROBE": "off"})
    [report] = json.loads(result.stdout)["reports"]
    assert report["logpush"]["would_deliver"] is True
    assert healthy.server.connections == 1
    handshake = next(c for c in report["checks"] if c["id"] == "tls.handshake")
    assert "measured_by" not in handshake["data"]


# --- JUnit --------------------------------------------------------------------------------

def test_junit_parses_back_with_the_right_counts():
    batch = make_batch([sample_report(), _report("second", Status.FAIL, "bad <port> & \"x\"")])
    root = ET.fromstring(render(OutputFormat.JUNIT, batch))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == 2
    for suite in suites:
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == len(suite.findall("testcase/failure"))
        assert int(suite.get("skipped")) == len(suite.findall("testcase/skipped"))
        for case in cases:
            assert {child.tag for child in case} <= {"failure", "error", "skipped", "system-out"}
            float(case.get("time"))
    failure = suites[1].find("testcase/failure")
    assert failure.get("message") == 'bad <port> & "x"'
    assert "fix: Use 8088." in failure.text
    assert int(root.get("tests")) == sum(int(s.get("tests")) for s in suites)


def test_junit_survives_characters_xml_cannot_hold():
    nasty = "nul\x00 esc\x1b[31m bell\x07 ]]> </testcase>"
    xml = render(OutputFormat.JUNIT, make_batch([_report(nasty, Status.FAIL, nasty)]))
    root = ET.fromstring(xml)
    assert root.find("testsuite").get("name").startswith("nul\ufffd esc\ufffd[31m")
    assert "</testcase>" in root.find("testsuite/testcase/failure").get("message")


# --- GitHub -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "data", "prop"), [
    ("a\nb", "a%0Ab", "a%0Ab"),
    ("50% done\r", "50%25 done%0D", "50%25 done%0D"),
    ("x::error::y", "x::error::y", "x%3A%3Aerror%3A%3Ay"),
    ("a, b", "a, b", "a%2C b"),
])
def test_github_escaping(text, data, prop):
    assert escape_data(text) == data
    assert escape_property(text) == prop


def test_github_annotations_cannot_be_injected():
    batch = make_batch([_report("host", Status.FAIL, "evil\n::error::injected")])
    lines = render(OutputFormat.GITHUB, batch).splitlines()
    assert lines[0].startswith("::error title=hec-doctor dest.port%3A host::evil%0A::error::")
    assert not any(line.startswith("::error::injected") for line in lines)
    assert lines[-1] == "::notice title=hec-doctor::verdict fail: 1 fail"


def test_github_format_writes_the_step_summary(tmp_path):
    summary = tmp_path / "summary.md"
    result = invoke("check", BAD_PORT, "--offline", "--format", "github",
                    env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 1
    assert "::error title=hec-doctor dest.port" in result.stdout
    text = summary.read_text()
    assert text.startswith("## hec-doctor: ❌ fail")
    assert "e6d94e8c" not in text


def test_markdown_escapes_table_cells():
    batch = make_batch([_report("a|b", Status.FAIL, "pipe | and `tick` and <b>")])
    text = render(OutputFormat.MARKDOWN, batch)
    assert "| a\\|b | ❌ fail | 1 | 0 |" in text
    assert "pipe \\| and \\`tick\\` and \\<b\\>" in text


# --- progress -----------------------------------------------------------------------------

def test_no_progress_bar_when_stderr_is_not_a_terminal():
    result = invoke("check", GOOD, BAD_PORT, "--offline")
    assert "\r" not in result.stderr and "checking [" not in result.stderr


def test_progress_bar_on_a_terminal():
    controller, terminal = pty.openpty()
    try:
        process = subprocess.run(
            [sys.executable, "-m", "hec_doctor", "check", GOOD, BAD_PORT, "--offline"],
            stdout=subprocess.PIPE, stderr=terminal, timeout=60, check=False,
            env={**os.environ, "NO_COLOR": "1"})
        os.close(terminal)
        terminal = -1
        seen = b""
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(controller)
        if terminal != -1:
            os.close(terminal)
    assert process.returncode == 1
    assert b"checking [" in seen and b"2/2" in seen
    # Shown from the start (issue #27), not once the first target is done.
    assert b"0/2" in seen and seen.index(b"0/2") < seen.index(b"1/2")
    assert b"checking [" not in process.stdout


def test_progress_wanted_only_for_terminals():
    class Fake:
        def __init__(self, tty: bool) -> None:
            self.tty = tty

        def isatty(self) -> bool:
            return self.tty

    assert Progress.wanted(Fake(True)) and not Progress.wanted(Fake(False))


# --- worker processes ---------------------------------------------------------------------

def _fleet_run(listing, ca_file: str, fmt: str, workers: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "hec_doctor", "check", "--file", str(listing), "--ca-file",
         ca_file, "--format", fmt, "--timeout", "5", "--workers", workers],
        capture_output=True, text=True, timeout=120,
        env={k: v for k, v in os.environ.items() if k != "HEC_TOKEN"})


def _comparable(text: str) -> str:
    """The output without what differs between any two runs: timings and fresh channel GUIDs."""
    text = re.sub(r'"(duration|elapsed)_ms": [0-9.e-]+', r'"\1_ms": 0', text)
    text = re.sub(r'\b(in |time=")[0-9.]+( ms|")', r"\1 N\2", text)
    return re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "GUID", text)


@pytest.mark.parametrize("fmt", ["json", "text", "junit"])
def test_worker_processes_give_the_output_order_and_exit_code_of_one(hec_server_factory,
                                                                     tmp_path, fmt):
    healthy, unhealthy = hec_server_factory(), hec_server_factory(fault="unhealthy")
    ack = hec_server_factory(ack=True)
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    refused = healthy.destination_conf.replace(f":{healthy.port}/",
                                               f":{closed.getsockname()[1]}/")
    closed.close()
    confs = [healthy.destination_conf, unhealthy.destination_conf, ack.destination_conf, refused]
    listing = tmp_path / "fleet.txt"
    listing.write_text("".join(f"{confs[i % 4]}\n" for i in range(70)))
    one = _fleet_run(listing, healthy.ca_file, fmt, "1")
    two = _fleet_run(listing, healthy.ca_file, fmt, "2")
    assert one.returncode == two.returncode == 1, (one.stderr, two.stderr)
    assert _comparable(two.stdout) == _comparable(one.stdout)
    if fmt == "json":
        verdicts = [r["logpush"]["would_deliver"] for r in json.loads(two.stdout)["reports"]]
        assert verdicts == [True, False, False, False] * 17 + [True, False]


def test_auto_workers_use_every_core_only_for_fleets_worth_it():
    from hec_doctor.commands.check import worker_count

    cores = len(os.sched_getaffinity(0))
    assert worker_count("auto", 1) == 1
    assert worker_count("auto", 99) == 1
    assert worker_count("auto", 10_000) == cores
    assert worker_count("3", 5) == 3


def test_workers_must_be_auto_or_a_number():
    result = invoke("check", GOOD, "--offline", "--workers", "many")
    assert result.exit_code == 2 and "--workers" in result.stderr


def _labelled(position: int) -> Report:
    return _report(f"t{position}", Status.FAIL if position % 7 == 0 else Status.PASS)


def _never(position: int, exc: BaseException) -> Report:
    return _report(f"failed {position}: {exc!r}", Status.ERROR)


def test_worker_processes_from_a_threaded_program_keep_order():
    # pytest holds threads here (the session's servers), so the workers come from a fork
    # server rather than a fork of this process; the reports still come back in input order.
    from hec_doctor.engine.run_many import RunMany

    alive = threading.Event()
    holder = threading.Thread(target=alive.wait, daemon=True)
    holder.start()
    try:
        runs = RunMany(list(range(100)), _labelled, _never, concurrency=8, processes=2)
        assert runs.processes == 2
        reports = list(runs)
    finally:
        alive.set()
    assert [r.label for r in reports] == [f"t{i}" for i in range(100)]
    assert [r.verdict for r in reports].count(Status.FAIL) == 15


def _dies_at_40(position: int) -> Report:
    if position == 40:
        os._exit(9)  # a worker killed mid-run (out of memory, a signal)
    return _labelled(position)


def test_a_worker_that_dies_costs_reports_not_the_run():
    from hec_doctor.engine.run_many import RunMany

    alive = threading.Event()
    holder = threading.Thread(target=alive.wait, daemon=True)
    holder.start()
    try:
        reports = list(RunMany(list(range(100)), _dies_at_40, _never, concurrency=4,
                               processes=2))
    finally:
        alive.set()
    # Every target accounted for, in order: done, or (whatever was in flight or still to go
    # when the pool broke) failed with the reason.
    assert len(reports) == 100
    for position, report in enumerate(reports):
        assert report.label == f"t{position}" or report.label.startswith(f"failed {position}: ")
    lost = [r for r in reports if r.label.startswith("failed")]
    assert reports[40] in lost
    assert all("BrokenProcessPool" in r.label for r in lost)
