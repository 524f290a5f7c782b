"""The offline destination rules, one table per rule, each pass paired with its failures."""

from __future__ import annotations

import pytest

from hec_doctor.checks.destination_lint import (
    corrected_destination_conf,
    evaluate_channel,
    evaluate_host,
    evaluate_parse,
    evaluate_path,
    evaluate_port,
    evaluate_query,
    evaluate_scheme,
    evaluate_skip_verify,
    evaluate_sourcetype,
)
from hec_doctor.engine.run import run
from hec_doctor.models import Options, Status
from hec_doctor.target import build_target, parse_target
from tests.helpers import CHANNEL, FIXED_GUID, TOKEN, good_conf

PASS, WARN, FAIL = Status.PASS, Status.WARN, Status.FAIL


@pytest.mark.parametrize(
    ("text", "status", "words"),
    [
        (good_conf(), PASS, "splunk://"),
        ("https://hec.example.com/services/collector/raw", PASS, "https://"),
        ("http://hec.example.com:8088/services/collector/raw", FAIL, "only supports"),
        ("ftp://hec.example.com/services/collector/raw", FAIL, "not a HEC scheme"),
        ("tcp://hec.example.com:8088/", FAIL, "not a HEC scheme"),
    ],
)
def test_evaluate_scheme(text, status, words):
    outcome = evaluate_scheme(parse_target(text))
    assert outcome.status is status and words in outcome.summary


@pytest.mark.parametrize(
    ("text", "status", "words"),
    [
        ("https://h.example.com:8088/services/collector/raw", PASS, "8088"),
        ("https://h.example.com:443/services/collector/raw", PASS, "443"),
        ("https://h.example.com/services/collector/raw", PASS, "https means 443"),
        ("h.example.com", PASS, "https means 443"),
        ("splunk://h.example.com/services/collector/raw", WARN, "no port"),
        ("https://h.example.com:8089/services/collector/raw", FAIL, "management"),
        ("https://h.example.com:8000/services/collector/raw", FAIL, "Splunk Web"),
        ("https://h.example.com:9997/services/collector/raw", WARN, "not one Cloudflare"),
        ("https://h.example.com:8443/services/collector/raw", WARN, "not one Cloudflare"),
    ],
)
def test_evaluate_port(text, status, words):
    outcome = evaluate_port(parse_target(text))
    assert outcome.status is status and words in outcome.summary


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("/services/collector/raw", PASS, "raw endpoint"),
        ("/services/collector/raw/1.0", WARN, "versioned alias"),
        ("/services/collector", FAIL, "only supports the raw"),
        ("/services/collector/event", FAIL, "only supports the raw"),
        ("/services/collector/event/1.0", FAIL, "only supports the raw"),
        ("/services/collector/raw/", FAIL, "not a HEC endpoint"),
        ("/services/collector/health", FAIL, "not a HEC endpoint"),
        ("/", FAIL, "not a HEC endpoint"),
        ("/Services/Collector/Raw", FAIL, "not a HEC endpoint"),
    ],
)
def test_evaluate_path(path, status, words):
    outcome = evaluate_path(parse_target(f"https://h.example.com:8088{path}"))
    assert outcome.status is status and words in outcome.summary
    if status is FAIL:
        assert outcome.remediation == "Use /services/collector/raw."


@pytest.mark.parametrize(
    ("channel", "status"),
    [
        (CHANNEL, PASS),
        (CHANNEL.upper(), PASS),
        (None, WARN),
        ("", WARN),
        ("abc", FAIL),
        (CHANNEL + "0", FAIL),
        ("{" + CHANNEL + "}", FAIL),
        (CHANNEL.replace("-", ""), FAIL),
    ],
)
def test_evaluate_channel(channel, status):
    outcome = evaluate_channel(parse_target(good_conf(channel=channel)), FIXED_GUID)
    assert outcome.status is status
    if status is not PASS:
        assert f"channel={FIXED_GUID}" in outcome.remediation


@pytest.mark.parametrize(
    ("sourcetype", "status", "note"),
    [
        ("cloudflare:json", PASS, False),
        ("cloudflare%3Ajson", PASS, False),
        ("my:logs", PASS, True),
        (None, WARN, True),
        ("", WARN, True),
    ],
)
def test_evaluate_sourcetype(sourcetype, status, note):
    outcome = evaluate_sourcetype(parse_target(good_conf(sourcetype=sourcetype)))
    assert outcome.status is status
    assert ("Cloudflare App" in outcome.detail) is note


@pytest.mark.parametrize(
    ("value", "override", "status", "words"),
    [
        ("false", None, PASS, "is false"),
        (None, None, PASS, "not given"),
        ("true", None, WARN, "not authenticated"),
        ("true", False, PASS, "from --insecure-skip-verify"),
        ("false", True, WARN, "from --insecure-skip-verify"),
        ("yes", None, FAIL, "not true or false"),
        ("1", None, FAIL, "not true or false"),
        ("TRUE", None, FAIL, "not true or false"),
    ],
)
def test_evaluate_skip_verify(value, override, status, words):
    outcome = evaluate_skip_verify(
        parse_target(good_conf(**{"insecure-skip-verify": value})), override)
    assert outcome.status is status and words in outcome.summary
    if status is WARN:
        assert "curl's -k" in outcome.detail and "impersonate" in outcome.detail
        assert "Splunk Cloud" in outcome.detail


@pytest.mark.parametrize(
    ("extra", "status", "words"),
    [
        ("", PASS, "none repeated"),
        ("&index=main", PASS, "none repeated"),
        (f"&channel={CHANNEL}", WARN, "more than once: channel"),
        ("&sourcetype=other", FAIL, "different values: sourcetype"),
        ("&foo=bar", PASS, "none repeated"),
    ],
)
def test_evaluate_query(extra, status, words):
    outcome = evaluate_query(parse_target(good_conf() + extra))
    assert outcome.status is status and words in outcome.summary


def test_evaluate_query_names_unknown_parameters():
    assert "foo" in evaluate_query(parse_target(good_conf() + "&foo=bar")).detail


@pytest.mark.parametrize(
    ("host", "status", "words"),
    [
        ("hec.example.com", PASS, "public-looking"),
        ("http-inputs-acme.splunkcloud.com", PASS, "Splunk Cloud HEC"),
        ("input-acme.splunkcloud.com", PASS, "Splunk Cloud HEC"),
        ("acme.splunkcloud.com", WARN, "http-inputs-"),
        ("localhost", WARN, "not a public DNS name"),
        ("splunk", WARN, "not a public DNS name"),
        ("10.1.2.3", WARN, "not a public address"),
        ("127.0.0.1", WARN, "not a public address"),
        ("8.8.8.8", WARN, "IP SAN"),
    ],
)
def test_evaluate_host(host, status, words):
    outcome = evaluate_host(parse_target(f"https://{host}:8088/services/collector/raw"))
    assert outcome.status is status and words in outcome.summary


def test_evaluate_host_splunk_cloud_fix_names_the_inputs_host():
    outcome = evaluate_host(parse_target("https://acme.splunkcloud.com:8088/x"))
    assert outcome.remediation == ("Use http-inputs-acme.splunkcloud.com:443 (on Google Cloud or "
                                   "Azure: http-inputs.acme.splunkcloud.com).")


def test_evaluate_host_trial_stack_on_8088_passes_but_not_on_443():
    assert evaluate_host(parse_target("https://prd-p-ab12c.splunkcloud.com:8088/")).status is PASS
    assert evaluate_host(parse_target("https://prd-p-ab12c.splunkcloud.com:443/")).status is WARN


@pytest.mark.parametrize(
    ("text", "status"),
    [
        (good_conf(), PASS),
        ("hec.example.com", PASS),
        ("https://user:pw@hec.example.com/services/collector/raw", WARN),
        ("https://hec.example.com/services/collector/raw#frag", WARN),
    ],
)
def test_evaluate_parse(text, status):
    assert evaluate_parse(parse_target(text)).status is status


def _corrected(text: str) -> str | None:
    """The corrected conf, from the offline lint's own findings (as a run builds it)."""
    target = build_target(text)
    results = run(target, Options(offline=True, new_guid=lambda: FIXED_GUID)).checks
    return corrected_destination_conf(target, results)


def test_corrected_destination_conf_fixes_everything_and_hides_the_token():
    text = ("https://hec.example.com:8089/services/collector/event?channel=nope"
            f"&insecure-skip-verify=maybe&index=web&header_Authorization=Splunk%20{TOKEN}")
    conf = _corrected(text)
    assert conf == (
        f"splunk://hec.example.com:8088/services/collector/raw?channel={FIXED_GUID}"
        "&insecure-skip-verify=false&index=web&header_Authorization=Splunk%20<token …197d>"
        "&sourcetype=cloudflare:json"
    )
    assert TOKEN not in conf


def test_corrected_destination_conf_is_none_when_nothing_changes():
    assert _corrected(good_conf()) is None
    conf = _corrected(good_conf(channel="x"))
    assert f"channel={FIXED_GUID}" in conf and ":8088/" in conf


def test_the_corrected_conf_comes_from_the_findings_not_from_the_rules_again():
    from dataclasses import replace

    text = good_conf().replace(":8088/", ":8089/")
    target = build_target(text)
    results = run(target, Options(offline=True, new_guid=lambda: FIXED_GUID)).checks
    assert ":8088/" in corrected_destination_conf(target, results)
    # Without the port finding's correction nothing else knows to change the port: the conf
    # stays as given, so there is nothing to suggest.
    without = tuple(replace(r, facts=None) if r.id == "dest.port" else r for r in results)
    assert corrected_destination_conf(target, without) is None
