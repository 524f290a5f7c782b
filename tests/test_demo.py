"""``hec-doctor demo``: each scenario's diagnosis, the closing table, and the exit code."""

from __future__ import annotations

import dataclasses

import pytest

from hec_doctor.lookalike import demo
from hec_doctor.models import Status
from tests.helpers import invoke

_VERIFY = "tls: failed to verify certificate: x509: "
# Written out here, not taken from hec_doctor.lookalike.demo, so the demo's own expectations are tested too.
EXPECTED = {
    "healthy": ("hec.token", Status.PASS, True, None),
    "splunk-default-cert": (
        "tls.hostname", Status.FAIL, False, _VERIFY + "certificate is not valid for any names, "
        "but wanted to match splunk-default-cert.hec.example.com"),
    "cn-only": ("tls.hostname", Status.FAIL, False,
                _VERIFY + "certificate relies on legacy Common Name field, use SANs instead"),
    "missing-intermediate": ("tls.chain", Status.FAIL, False,
                             _VERIFY + "certificate signed by unknown authority"),
    "wrong-token": ("hec.token", Status.FAIL, False, '{"text":"Invalid token","code":4}'),
    "ack-token": ("hec.ack", Status.FAIL, False, None),
}


@pytest.fixture(scope="module")
def outcomes():
    return {o.scenario.name: o for o in demo.run_demo(timeout_s=3)}


def test_every_scenario_is_in_the_demo(outcomes):
    assert list(outcomes) == list(EXPECTED)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_scenario_is_diagnosed(outcomes, name):
    check_id, status, delivers, error = EXPECTED[name]
    outcome = outcomes[name]
    report = outcome.report
    assert report.result(check_id).status is status
    assert report.logpush.would_deliver is delivers
    assert report.logpush.predicted_error == error
    assert outcome.as_expected, outcome.problems
    # Nothing left the machine: every address the run touched is the loopback one.
    dns = report.result("net.dns")
    assert dns.status is Status.PASS and "pinned to 127.0.0.1" in dns.summary


def test_splunk_default_scenario_serves_splunks_names(outcomes):
    report = outcomes["splunk-default-cert"].report
    assert "SplunkServerDefaultCert" in report.result("tls.hostname").summary
    sent = str(report.result("tls.chain").data)
    assert "SplunkCommonCA" in sent


def test_judge_notices_a_wrong_diagnosis(outcomes):
    healthy = outcomes["healthy"].report
    cn_only = next(s for s in demo.SCENARIOS if s.name == "cn-only")
    problems = demo.judge(cn_only, healthy)
    assert any("tls.hostname is pass, expected fail" in p for p in problems)
    assert any("would_deliver is True" in p for p in problems)


def test_summary_table_has_a_row_per_scenario(outcomes):
    table = demo.summary_table(list(outcomes.values())).splitlines()
    assert table[0].split() == ["scenario", "verdict", "diagnosis", "as", "expected"]
    assert [row.split()[0] for row in table[2:]] == list(EXPECTED)
    assert all(row.rstrip().endswith("yes") for row in table[2:])


def test_demo_leads_with_its_table_then_the_one_report_worth_reading():
    result = invoke("demo", "--color", "never")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("scenario") and lines[2].startswith("healthy")
    assert [line.split()[0] for line in lines[2:2 + len(EXPECTED)]] == list(EXPECTED)
    assert "=== splunk-default-cert: " in result.stdout
    assert result.stdout.count("Verdict: ") == 1
    assert len(lines) < 90  # was about 280 lines before the table
    assert lines[-1] == "Every scenario's whole report: hec-doctor demo --full"
    assert "all 6 scenarios diagnosed as expected" in result.stderr


def test_demo_full_prints_every_report_after_the_table():
    result = invoke("demo", "--color", "never", "--full")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith("scenario")
    for name in EXPECTED:
        assert f"=== {name}: " in result.stdout
    assert result.stdout.count("Verdict: ") == len(EXPECTED)


def test_demo_command_exits_1_when_a_scenario_is_misdiagnosed(monkeypatch):
    wrong = dataclasses.replace(demo.SCENARIOS[0], check_id="tls.chain", status=Status.FAIL)
    monkeypatch.setattr(demo, "SCENARIOS", (wrong,))
    result = invoke("demo", "--summary-only")
    assert result.exit_code == 1
    assert "healthy: tls.chain is pass, expected fail" in result.stderr
    assert result.stdout.splitlines()[-1].endswith("NO")
