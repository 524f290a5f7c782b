"""The token and encoding rules: every way header_Authorization goes wrong, and the right one."""

from __future__ import annotations

import pytest

from hec_doctor.checks.token_lint import evaluate_token_encoding
from hec_doctor.models import Status
from hec_doctor.target import build_target
from tests.helpers import TOKEN, good_conf

PASS, WARN, FAIL = Status.PASS, Status.WARN, Status.FAIL


@pytest.mark.parametrize(
    ("header", "status", "words"),
    [
        (f"Splunk%20{TOKEN}", PASS, "well-formed"),
        (f"Splunk%20{TOKEN.upper()}", PASS, "well-formed"),
        (TOKEN, FAIL, "lacks the 'Splunk ' prefix"),
        (f"Bearer%20{TOKEN}", FAIL, "Bearer"),
        (f"Splunk%20Splunk%20{TOKEN}", FAIL, "doubled"),
        (f"Splunk {TOKEN}", FAIL, "raw space"),
        (f"Splunk+{TOKEN}", WARN, "'+'"),
        (f"Splunk%2520{TOKEN}", FAIL, "encoded twice"),
        (f"Splunk%20%22{TOKEN}%22", FAIL, "quotes or whitespace"),
        (f"%22Splunk%20{TOKEN}%22", FAIL, "quotes or whitespace"),
        (f"Splunk%20{TOKEN}%20", FAIL, "quotes or whitespace"),
        (f"Splunk%20{TOKEN}%0A", FAIL, "line break"),
        (f"Splunk%20{TOKEN}%0D%0AX-Evil:%201", FAIL, "a carriage return (CR) (U+000D) at position 37"),
        (f"Splunk%20{TOKEN}%09", FAIL, "a tab (U+0009) at position 44 of the Authorization value"),
        (f"Splunk%20{TOKEN[:5]}%0B{TOKEN[5:]}", FAIL, 'vertical tab (U+000B) at position 6: it cannot be sent as a header (Go refuses: net/http: invalid header field value for "Authorization")'),
        (f"Splunk%20{TOKEN[:3]}%C3%A9{TOKEN[3:]}", FAIL, "a non-ASCII character (LATIN SMALL LETTER E WITH ACUTE) (U+00E9) at position 4"),
        (f"Splunk%20%20{TOKEN}", FAIL, "more than one space"),
        ("Splunk%20not-a-guid-token", WARN, "not GUID-shaped"),
        (f"splunk%20{TOKEN}", WARN, "written 'splunk'"),
        (f"Basic%20{TOKEN}", WARN, "Basic"),
        (f"Token%20{TOKEN}", FAIL, "is not 'Splunk'"),
        (f"Splunk%20{TOKEN}%3", FAIL, "no valid %XX"),
        (f"Splunk%20{TOKEN};x", FAIL, "';'"),
        (f"Splunk%20{TOKEN}<>", WARN, "unencoded special"),
    ],
)
def test_evaluate_token_header_authorization(header, status, words):
    outcome = evaluate_token_encoding(build_target(good_conf(header_Authorization=header, extra="1")))
    assert outcome.status is status
    assert words in outcome.summary or words in outcome.detail
    text = outcome.summary + outcome.detail + outcome.remediation
    assert TOKEN not in text and TOKEN.upper() not in text


@pytest.mark.parametrize(
    ("flag", "status", "words"),
    [
        (TOKEN, PASS, "from --token"),
        (f"Splunk {TOKEN}", PASS, "from --token"),
        (f" {TOKEN}", FAIL, "quotes or whitespace"),
        (f'"{TOKEN}"', FAIL, "quotes or whitespace"),
        (f"{TOKEN}\r\nX: y", FAIL, "carriage return (CR) (U+000D) at position 37"),
        (f"Bearer {TOKEN}", FAIL, "Bearer"),
        ("short", WARN, "GUID-shaped"),
    ],
)
def test_evaluate_token_flag(flag, status, words):
    outcome = evaluate_token_encoding(build_target("https://hec.example.com/services/collector/raw",
                                          token=flag))
    assert outcome.status is status
    assert words in outcome.summary or words in outcome.detail


def test_evaluate_token_missing_in_destination_conf_fails():
    outcome = evaluate_token_encoding(build_target(good_conf(header_Authorization=None)))
    assert outcome.status is FAIL and "Token is required" in outcome.summary


def test_evaluate_token_missing_for_url_warns_and_points_to_hec_token():
    outcome = evaluate_token_encoding(build_target("https://hec.example.com/services/collector/raw"))
    assert outcome.status is WARN and "HEC_TOKEN" in outcome.remediation


def test_evaluate_token_in_query_string_fails():
    outcome = evaluate_token_encoding(build_target(
        f"https://hec.example.com/services/collector/raw?token={TOKEN}", token=TOKEN))
    assert outcome.status is FAIL and "code 16" in outcome.summary
    assert TOKEN not in outcome.summary + outcome.detail + outcome.remediation


def test_evaluate_token_lints_header_even_when_flag_wins():
    outcome = evaluate_token_encoding(build_target(good_conf(header_Authorization=TOKEN),
                                          token=TOKEN))
    assert outcome.status is FAIL and "Splunk " in outcome.summary
