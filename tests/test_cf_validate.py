"""``check --cloudflare-validate``: Cloudflare's {valid, message} beside hec-doctor's prediction,
against a local HTTPS stand-in of the API (tests/test_cfapi.py) and HEC look-alikes."""

from __future__ import annotations

import json

import pytest

from hec_doctor.cloudflare.validate import NOT_SENT_NOTICE, SENT_NOTICE, compare
from hec_doctor.models import Status
from tests.helpers import good_conf, invoke
from tests.test_cfapi import ACCOUNT, API_TOKEN, ZONE, api_server

# A real refusal text users met when creating a Splunk job (the FAQ: a certificate with the
# wrong name, "x509: certificate is valid for SplunkServerDefaultCert").
REFUSAL = ("error validating destination: error uploading to destination: Post "
           "\"https://hec.example.com:8088/services/collector/raw\": tls: failed to verify "
           "certificate: x509: certificate is valid for SplunkServerDefaultCert, not "
           "hec.example.com")


def _check(api_base: str, ca_file: str, *targets: str, scope: tuple[str, str] = ("--zone", ZONE),
           extra: tuple[str, ...] = ()):
    result = invoke("check", *targets, "--cloudflare-validate", *scope, "--api-base", api_base,
                    "--api-ca-file", ca_file, "--format", "json-report", *extra,
                    env={"CLOUDFLARE_API_TOKEN": API_TOKEN})
    return result, json.loads(result.stdout) if result.stdout.strip() else None


@pytest.fixture
def cf_api(tmp_path):
    with api_server(tmp_path) as served:
        yield served


def _validation(report: dict) -> dict:
    return next(c for c in report["checks"] if c["id"] == "cloudflare.validate")


# --- the comparison (pure, table-driven) -----------------------------------------------------

@pytest.mark.parametrize(("valid", "ours", "status", "agrees", "words"), [
    (True, True, Status.PASS, True, "agrees"),
    (False, False, Status.FAIL, True, "agrees"),
    (True, False, Status.PASS, False, "they differ: hec-doctor predicts Logpush will not"),
    (False, True, Status.FAIL, False, "they differ: hec-doctor predicted delivery"),
    (True, None, Status.PASS, None, "nothing to compare"),
    (None, True, Status.ERROR, None, ""),
])
def test_comparison(valid, ours, status, agrees, words):
    outcome = compare(valid, "why" if valid is False else None, ours)
    assert outcome.status is status and outcome.data["agrees"] is agrees
    assert words in outcome.detail


# --- against the stand-in ----------------------------------------------------------------------

def test_a_valid_destination_beside_our_prediction(cf_api, hec_server_factory):
    base, ca_file, state = cf_api
    server = hec_server_factory()
    result, document = _check(base, ca_file, server.destination_conf,
                              extra=("--ca-file", server.ca_file))
    assert result.exit_code == 0, result.stderr
    validation = _validation(document)
    assert validation["status"] == "pass"
    assert validation["data"] == {"valid": True, "message": None, "would_deliver": True,
                                  "agrees": True}
    assert state.posted == [{"destination_conf": server.destination_conf}]
    assert state.requests[-1] == (f"/client/v4/zones/{ZONE}/logpush/validate/destination",
                                  f"Bearer {API_TOKEN}")
    assert SENT_NOTICE in document["notices"]
    assert server.token not in result.stdout + result.stderr
    assert API_TOKEN not in result.stdout + result.stderr


def test_a_refusal_beside_our_differing_prediction(cf_api, hec_server_factory):
    base, ca_file, state = cf_api
    server = hec_server_factory()
    state.validation = (200, {"success": True, "errors": [], "messages": [],
                              "result": {"valid": False, "message": REFUSAL}})
    result, document = _check(base, ca_file, server.destination_conf,
                              scope=("--account", ACCOUNT), extra=("--ca-file", server.ca_file))
    validation = _validation(document)
    assert result.exit_code == 1
    assert validation["status"] == "fail" and "SplunkServerDefaultCert" in validation["summary"]
    assert validation["data"]["agrees"] is False  # we predicted delivery
    assert "they differ" in validation["detail"]
    assert state.requests[-1][0] == f"/client/v4/accounts/{ACCOUNT}/logpush/validate/destination"


def test_a_4xx_refusal_envelope_is_cloudflares_verdict(cf_api, hec_server_factory):
    base, ca_file, state = cf_api
    server = hec_server_factory()
    state.validation = (400, {"success": False, "result": None, "messages": [], "errors": [
        {"code": 1002, "message": f"error validating destination: token {server.token} "
                                  "refused"}]})
    result, document = _check(base, ca_file, server.destination_conf,
                              extra=("--ca-file", server.ca_file))
    validation = _validation(document)
    assert validation["data"]["valid"] is False and "refused" in validation["summary"]
    assert server.token not in result.stdout + result.stderr  # Cloudflare's message, redacted


def test_an_unreachable_api_is_an_error_result_not_a_crash(hec_server_factory):
    server = hec_server_factory()
    result = invoke("check", server.destination_conf, "--ca-file", server.ca_file,
                    "--cloudflare-validate", "--zone", ZONE,
                    "--api-base", "https://127.0.0.1:9/client/v4", "--format", "json-report",
                    env={"CLOUDFLARE_API_TOKEN": API_TOKEN})
    document = json.loads(result.stdout)
    validation = _validation(document)
    assert validation["status"] == "error" and "could not be had" in validation["summary"]
    assert result.exit_code == 3 and API_TOKEN not in result.stdout + result.stderr
    # Nothing left this machine for Cloudflare: the notice must not say the token went there.
    assert NOT_SENT_NOTICE in document["notices"] and SENT_NOTICE not in document["notices"]


def test_a_password_in_the_api_base_is_not_echoed(hec_server_factory):
    server = hec_server_factory()
    result = invoke("check", server.destination_conf, "--ca-file", server.ca_file,
                    "--cloudflare-validate", "--zone", ZONE, "--api-base",
                    "https://ops:s3cretpassw0rd@127.0.0.1:9/client/v4", "--format", "json-report",
                    env={"CLOUDFLARE_API_TOKEN": API_TOKEN})
    assert "could not be had" in _validation(json.loads(result.stdout))["summary"]
    assert "s3cretpassw0rd" not in result.output and "127.0.0.1:9" in result.stdout


def test_a_url_target_is_not_sent(cf_api, hec_server_factory):
    base, ca_file, state = cf_api
    server = hec_server_factory()
    result, document = _check(base, ca_file, server.url, extra=("--ca-file", server.ca_file))
    assert _validation(document)["status"] == "skip" and state.posted == []


@pytest.mark.parametrize(("args", "env", "words"), [
    (("--cloudflare-validate",), {"CLOUDFLARE_API_TOKEN": API_TOKEN}, "exactly one of --zone"),
    (("--cloudflare-validate", "--zone", ZONE, "--offline"),
     {"CLOUDFLARE_API_TOKEN": API_TOKEN}, "--offline promises no network access"),
    (("--cloudflare-validate", "--zone", ZONE), {}, "set CLOUDFLARE_API_TOKEN"),
    (("--zone", ZONE), {"CLOUDFLARE_API_TOKEN": API_TOKEN}, "go with --cloudflare-validate"),
    (("--cloudflare-validate", "--zone", ZONE, "--api-base", "http://127.0.0.1:9"),
     {"CLOUDFLARE_API_TOKEN": API_TOKEN}, "https://"),
    # Before, each target reported it as its own error, with a notice that the token was sent.
    (("--cloudflare-validate", "--zone", ZONE, "--api-ca-file", "/nonexistent/ca.pem"),
     {"CLOUDFLARE_API_TOKEN": API_TOKEN}, "cannot load --api-ca-file /nonexistent/ca.pem"),
])
def test_usage_errors(args, env, words):
    # Each is refused before any network step (the target's host is not on loopback).
    result = invoke("check", good_conf(), *args, env={"CLOUDFLARE_API_TOKEN": ""} | env)
    assert result.exit_code == 2 and words in result.stderr, result.stderr
