"""Live TLS diagnosis against real loopback servers: every diagnosis passes or fails as it should."""

from __future__ import annotations

import socket
import ssl

import pytest

from hec_doctor.engine.run import run
from hec_doctor.models import Options, Report, ResolveOverride, Status
from hec_doctor.target import build_target
from tests.certs import NOW, write_pem
from tests.helpers import P, check_live
from tests.servers import greeter, http_reply, raw_server, silent, tls_server
from tests.tlscases import EXPECTED, HOST, build_scenarios


@pytest.fixture(scope="module")
def scenarios():
    return build_scenarios()


def statuses(report: Report, *ids: str) -> list[Status]:
    return [report.result(i).status for i in ids]


@pytest.fixture
def scenario_report(scenarios, tmp_path):
    def go(name: str, **kwargs) -> Report:
        scenario = scenarios[name]
        ca = write_pem(tmp_path / "ca.pem", scenario.root)
        with tls_server(scenario.chain, key=scenario.key) as port:
            return check_live(scenario.host, port, ca, **kwargs)
    return go




@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if n != "expired"))
def test_predicted_go_error(scenario_report, name):
    report = scenario_report(name)
    expected = EXPECTED[name]
    if expected is None:
        assert report.result("tls.verify").status is Status.PASS, report.result("tls.verify")
        # TLS alone proves nothing about delivery: no token was tested (issue #12).
        assert report.logpush.would_deliver is None
        assert "token was not judged" in report.logpush.basis
        assert report.logpush.predicted_error is None
    else:
        assert report.result("tls.verify").status is Status.FAIL
        assert report.logpush.would_deliver is False
        assert report.logpush.predicted_error == P + expected


def test_expired_certificate(scenario_report, scenarios):
    report = scenario_report("expired")
    leaf = scenarios["expired"].chain[0].cert
    after = leaf.not_valid_after_utc.strftime("%Y-%m-%dT%H:%M:%SZ")
    now = NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert report.logpush.predicted_error == (
        f"{P}x509: certificate has expired or is not yet valid: current time {now} is after {after}")
    assert report.result("tls.validity").status is Status.FAIL
    # Go stops at the first failure, but every other aspect is still judged.
    assert statuses(report, "tls.hostname", "tls.chain") == [Status.PASS, Status.PASS]


def test_not_yet_valid_certificate(scenario_report):
    report = scenario_report("not_yet_valid")
    assert report.result("tls.validity").status is Status.FAIL
    assert " is before " in report.logpush.predicted_error


def test_expiring_soon_warns(scenario_report):
    report = scenario_report("expiring_soon")
    validity = report.result("tls.validity")
    assert validity.status is Status.WARN and "expires in" in validity.summary


def test_cn_only_is_named_and_cn_mismatch_with_san_is_no_alarm(scenario_report):
    report = scenario_report("cn_only")
    assert "only in its CN" in report.result("tls.hostname").summary
    report = scenario_report("cn_differs_san_matches")
    hostname = report.result("tls.hostname")
    assert hostname.status is Status.PASS and "CN (Some Name) differs" in hostname.detail


def test_splunk_default_certificate_is_named_with_its_fix_and_legacy_text(scenario_report):
    report = scenario_report("splunk_default")
    hostname = report.result("tls.hostname")
    assert "Splunk's default certificate" in hostname.summary
    assert "serverCert" in hostname.remediation and "http-inputs-" in hostname.remediation
    assert report.logpush.legacy_error == (
        "x509: certificate is valid for SplunkServerDefaultCert, not hec.test")
    chain = report.result("tls.chain")
    assert chain.status is Status.FAIL and "SplunkCommonCA" in chain.summary
    assert report.result("tls.strength").status is Status.WARN  # v1 certificates


def test_missing_intermediate_is_told_apart_from_private_ca(scenario_report):
    missing = scenario_report("missing_intermediate").result("tls.chain")
    assert "neither sent nor trusted" in missing.summary
    assert "never fetches" in missing.detail
    private = scenario_report("private_ca").result("tls.chain")
    assert "not trusted" in private.summary and "Private CA" in private.summary
    self_signed = scenario_report("self_signed").result("tls.chain")
    assert "self-signed" in self_signed.summary


def test_chain_with_intermediate_sent_passes(scenario_report):
    report = scenario_report("good_with_intermediate")
    assert report.result("tls.chain").status is Status.PASS
    assert "Test Root CA" in report.result("tls.chain").summary


def test_weak_key_and_sha1_warn_in_strength(scenario_report):
    assert scenario_report("weak_key").result("tls.strength").status is Status.WARN
    assert scenario_report("good").result("tls.strength").status is Status.PASS
    assert "SHA1-RSA" in scenario_report("sha1_leaf").result("tls.strength").summary


@pytest.mark.parametrize(
    ("name", "skip", "status", "delivers"),
    [
        # Without a token nothing proves delivery (None); a failed verification proves the
        # contrary (False).
        ("good", False, Status.PASS, None),
        ("good", True, Status.WARN, None),
        ("wrong_host", False, Status.FAIL, False),
        ("wrong_host", True, Status.WARN, None),
    ],
)
def test_insecure_skip_verify_four_situations(scenario_report, name, skip, status, delivers):
    report = scenario_report(name, skip_verify=skip)
    verdict = report.result("tls.verify")
    assert verdict.status is status
    assert report.logpush.would_deliver is delivers
    if skip:
        assert "curl's -k" in verdict.detail


def test_untrusted_without_ca_file_uses_certifi(scenarios):
    scenario = scenarios["good"]
    with tls_server(scenario.chain) as port:
        report = check_live(HOST, port, None)
    assert report.result("tls.chain").status is Status.FAIL
    assert "certifi" in report.result("tls.chain").detail


def test_handshake_reports_version_cipher_and_chain(scenario_report):
    handshake = scenario_report("good_with_intermediate").result("tls.handshake")
    assert handshake.status is Status.PASS
    assert handshake.data["version"] in ("TLSv1.2", "TLSv1.3")
    assert handshake.data["chain_length"] == 2


def test_plain_http_listener():
    with raw_server(http_reply(status="400 Bad Request")) as port:
        report = check_live(HOST, port)
    assert report.result("tls.handshake").status is Status.FAIL
    assert report.logpush.predicted_error == "http: server gave HTTP response to HTTPS client"
    assert report.result("tls.verify").status is Status.SKIP


def test_non_tls_listener():
    with raw_server(greeter(b"SSH-2.0-OpenSSH_9.2\r\n")) as port:
        report = check_live(HOST, port)
    assert report.logpush.predicted_error == "tls: first record does not look like a TLS handshake"


def test_silent_listener_times_out_within_budget():
    import time

    with raw_server(silent) as port:
        started = time.monotonic()
        report = check_live(HOST, port, timeout_s=0.5)
        elapsed = time.monotonic() - started
    assert report.logpush.predicted_error == "net/http: TLS handshake timeout"
    assert elapsed < 0.5 + 1.0


def test_old_tls_only_server(scenarios):
    scenario = scenarios["good"]
    try:
        with tls_server(scenario.chain, max_version=ssl.TLSVersion.TLSv1_1) as port:
            report = check_live(HOST, port)
    except ssl.SSLError as exc:  # pragma: no cover - an OpenSSL built without TLS 1.1
        pytest.skip(f"this OpenSSL cannot serve TLS 1.1: {exc}")
    assert report.result("tls.handshake").status is Status.FAIL
    assert report.logpush.predicted_error == "remote error: tls: protocol version not supported"


def test_connection_refused():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    report = check_live(HOST, port)
    tcp = report.result("net.tcp")
    assert tcp.status is Status.FAIL and "refused" in tcp.summary
    assert report.logpush.predicted_error == f"dial tcp 127.0.0.1:{port}: connect: connection refused"
    assert report.result("tls.handshake").summary == "requires net.tcp (fail)"


def test_unresolvable_name_uses_the_injected_resolver():
    def nxdomain(host, port):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    target = build_target("https://nowhere.example:8088/services/collector/raw")
    report = run(target, Options(resolver=nxdomain, timeout_s=1))
    dns = report.result("net.dns")
    assert dns.status is Status.FAIL and "1105" in dns.detail
    assert report.logpush.predicted_error == "dial tcp: lookup nowhere.example: no such host"


def test_localhost_resolves_to_loopback_and_pin_beats_dns():
    from hec_doctor.checks.dns import resolve

    facts = resolve("localhost", 8088, 2.0)
    assert facts.addresses and all(a in ("127.0.0.1", "::1") for a in facts.addresses)
    pinned = resolve("hec.test", 8088, 2.0, (ResolveOverride("HEC.test", 8088, "127.0.0.2"),))
    assert pinned.addresses == ("127.0.0.2",) and pinned.source == "--resolve"
    assert resolve("hec.test", 443, 2.0, (ResolveOverride("hec.test", 8088, "127.0.0.2"),),
                   resolver=lambda h, p: ["127.0.0.3"]).addresses == ("127.0.0.3",)


def test_http_target_never_reaches_tls():
    with raw_server(http_reply()) as port:
        target = build_target(f"http://{HOST}:{port}/services/collector/raw")
        report = run(target, Options(resolve=(ResolveOverride(HOST, port, "127.0.0.1"),)))
    assert report.result("tls.handshake").summary == "requires dest.scheme (fail)"
