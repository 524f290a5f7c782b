"""--debug and error_reason (issue #28): a bug inside a check keeps its traceback (redacted) on
the result, the JSON says ``error_reason: bug``, and --debug prints the traceback and the HTTP
exchanges on stderr with every secret hidden. An inconclusive error says so instead."""

from __future__ import annotations

import json

import pytest

from tests.helpers import TOKEN, good_conf, invoke


@pytest.fixture
def buggy_channel_check(monkeypatch):
    """dest.channel raising, with the token in the exception's text, as a careless bug would."""
    import hec_doctor.checks.destination_lint as lint

    def broken(destination, guid):
        raise RuntimeError(f"boom near Splunk {TOKEN}")

    monkeypatch.setattr(lint, "evaluate_channel", broken)


def test_a_bug_is_marked_and_its_traceback_printed_redacted(buggy_channel_check):
    result = invoke("check", "--offline", "--format", "json", "--debug", good_conf())
    report = json.loads(result.stdout)["reports"][0]
    channel = next(c for c in report["checks"] if c["id"] == "dest.channel")
    assert channel["status"] == "error" and channel["error_reason"] == "bug"
    assert "traceback" not in channel  # the report carries the reason, --debug the trace
    assert "Traceback (most recent call last)" in result.stderr
    assert "RuntimeError: boom near" in result.stderr and "in broken" in result.stderr
    assert TOKEN not in result.stdout + result.stderr


def test_without_debug_no_traceback(buggy_channel_check):
    result = invoke("check", "--offline", "--format", "json", good_conf())
    assert "Traceback" not in result.stderr
    assert TOKEN not in result.stdout + result.stderr


def test_debug_shows_the_http_exchanges_with_the_token_as_its_fingerprint(hec_server):
    result = invoke("check", "--ca-file", hec_server.ca_file, "--debug", "--no-go-probe",
                    hec_server.destination_conf)
    assert result.exit_code == 0, result.stderr
    assert "> GET /services/collector/health HTTP/1.1" in result.stderr
    assert "< HTTP 200" in result.stderr
    assert "> Authorization: Splunk <token …" in result.stderr
    assert hec_server.token not in result.stdout + result.stderr
