"""The verdict never claims more than it proved (issue #12).

Each test here failed on the code before #12: Logpush's own token judged, any spelling of the
header recognised, would_deliver only on an HEC answer that proves acceptance, the lint's host
and token truths, one diagnosis per fault, the corrected destination_conf exactly when it
differs, short labels and truthful problem groups.
"""

from __future__ import annotations

import json
import ssl
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from hec_doctor.checks.token_lint import evaluate_token_encoding
from hec_doctor.cli import cli
from hec_doctor.engine.run import run
from hec_doctor.errors import TargetError
from hec_doctor.lookalike.pki import make_cert, server_context, write_pem
from hec_doctor.models import Options, Status
from hec_doctor.target import build_target
from tests.helpers import CHANNEL, TOKEN, good_conf
from tests.servers import raw_server, tls_handler

OTHER = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
OFFLINE = Options(offline=True)


def invoke(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), env=env)


def conf_for(server, token: str, **params: str) -> str:
    query = {"channel": CHANNEL, "insecure-skip-verify": "false", "sourcetype": "cloudflare:json",
             "header_Authorization": f"Splunk%20{token}", **params}
    return (f"splunk://127.0.0.1:{server.port}/services/collector/raw?"
            + "&".join(f"{k}={v}" for k, v in query.items() if v is not None))


# --- Logpush's own token is the one judged ------------------------------------------------

def test_conf_with_wrong_token_and_right_flag_does_not_deliver(hec_server):
    # Logpush sends the destination's token; a correct --token must not rescue the verdict.
    result = invoke("check", "--ca-file", hec_server.ca_file, "--format", "json-report",
                    "--token", hec_server.token, conf_for(hec_server, OTHER))
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["logpush"]["would_deliver"] is False
    assert '"code":4' in report["logpush"]["predicted_error"]
    token = next(c for c in report["checks"] if c["id"] == "hec.token")
    assert token["status"] == "fail"
    assert token["data"]["also_tested"] == [
        {"source": "--token", "fingerprint": "…" + hec_server.token[-4:], "code": 5,
         "result": "accepted"}]
    assert report["target"]["token"]["source"] == "header_Authorization"


def test_conf_with_right_token_and_wrong_flag_delivers(hec_server):
    result = invoke("check", "--ca-file", hec_server.ca_file, "--format", "json-report",
                    "--token", OTHER, conf_for(hec_server, hec_server.token))
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["logpush"]["would_deliver"] is True
    assert "the token Logpush sends" in report["logpush"]["basis"]
    token = next(c for c in report["checks"] if c["id"] == "hec.token")
    assert token["data"]["also_tested"][0]["code"] == 4


@pytest.mark.parametrize("name", ["header_authorization", "HEADER_Authorization",
                                  "Header_AUTHORIZATION"])
def test_header_in_another_case_is_the_token_and_said_to_differ(hec_server, name):
    text = conf_for(hec_server, hec_server.token, header_Authorization=None,
                    **{name: f"Splunk%20{hec_server.token}"})
    target = build_target(text)
    assert target.token.source == name and target.token.token == hec_server.token
    report = run(target, Options(ca_file=hec_server.ca_file, timeout_s=3))
    lint = report.result("dest.token")
    assert lint.status is Status.WARN and "Cloudflare documents header_Authorization" in lint.summary
    assert report.result("hec.token").status is Status.PASS  # the token itself was tested
    # Whether Logpush reads this spelling is not documented: no claim either way.
    assert report.logpush.would_deliver is None and name in report.logpush.basis
    assert "header_Authorization=Splunk%20<token" in report.suggested_destination_conf


def test_authorization_without_prefix_is_named_and_fails():
    text = good_conf(header_Authorization=None, Authorization=f"Splunk%20{TOKEN}")
    target = build_target(text)
    outcome = evaluate_token_encoding(target)
    assert outcome.status is Status.FAIL
    assert "parameter named Authorization" in outcome.summary and "code 2" in outcome.summary
    report = run(target, OFFLINE)
    assert report.logpush.would_deliver is False
    assert TOKEN not in report.target.input


# --- would_deliver needs an HEC answer that proves acceptance -----------------------------

@pytest.fixture(scope="module")
def loopback_pki(tmp_path_factory):
    root = make_cert("Truth Root", ca=True, bits=256)
    leaf = make_cert("127.0.0.1", issuer=root, ip_sans=("127.0.0.1",), bits=256)
    return {"ca": write_pem(tmp_path_factory.mktemp("truth") / "ca.pem", root),
            "context": server_context([leaf], leaf)}


def _close_after_tls(tls: ssl.SSLSocket) -> None:
    tls.recv(1)


def _trickle(tls: ssl.SSLSocket) -> None:
    tls.recv(65536)
    import time

    for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n":
        tls.sendall(bytes([byte]))
        time.sleep(0.2)


def _huge_head(tls: ssl.SSLSocket) -> None:
    tls.recv(65536)
    tls.sendall(b"HTTP/1.1 200 OK\r\n" + b"X-Pad: " + b"a" * 70_000 + b"\r\n\r\n")


def _not_hec(tls: ssl.SSLSocket) -> None:
    while tls.recv(65536):
        tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")


@pytest.mark.parametrize(("handler", "reason", "measured"), [
    (_close_after_tls, "closed the connection", "EOF"),
    (_trickle, "no reply within", "net/http: timeout awaiting response headers"),
    # Go reads a reply head of up to 10 MB (Transport.MaxResponseHeaderBytes' default): it gets
    # the 200, with no HEC body.
    (_huge_head, "head exceeds 64 KiB", "HTTP 200"),
    (_not_hec, "not a HEC reply", "hello")])
@pytest.mark.parametrize("go_probe", [False, True], ids=["predicted", "measured"])
def test_no_proof_of_acceptance_is_never_would_deliver(loopback_pki, handler, reason, measured,
                                                        go_probe):
    with raw_server(tls_handler(loopback_pki["context"], handler)) as port:
        target = build_target(f"https://127.0.0.1:{port}/services/collector/raw",
                              token=TOKEN)
        report = run(target, Options(ca_file=loopback_pki["ca"], timeout_s=1,
                                     go_probe=go_probe))
    assert report.logpush.would_deliver is False, report.logpush
    if go_probe:
        assert report.logpush.evidence == "measured with Go 1.27.3"
        assert report.logpush.predicted_error == measured, report.logpush
    else:
        assert report.logpush.evidence == "predicted (no Go probe: turned off (--no-go-probe))"
        assert reason in report.logpush.basis or reason in report.result("hec.token").summary


def test_empty_token_is_its_own_diagnosis():
    target = build_target(good_conf(header_Authorization="Splunk%20"))
    assert target.token.token == ""
    outcome = evaluate_token_encoding(target)
    assert outcome.status is Status.FAIL and "is empty" in outcome.summary
    assert "Splunk%20<YOUR-HEC-TOKEN>" in outcome.remediation
    report = run(target, OFFLINE)
    # The word "Splunk" is not a token: nothing of the report is replaced by a placeholder.
    assert report.suggested_destination_conf.endswith(
        "header_Authorization=Splunk%20<YOUR-HEC-TOKEN>")
    assert report.target.input.endswith("header_Authorization=Splunk%20")


# --- lint truths ----------------------------------------------------------------------------

@pytest.mark.parametrize(("host", "suggested"), [
    ("acme.splunkcloud.com", "http-inputs-acme.splunkcloud.com:443"),
    ("http-inputs-acme.splunkcloudgc.com", "http-inputs.acme.splunkcloudgc.com:443"),
    ("hec.bücher.example", "hec.xn--bcher-kva.example:8088"),
])
def test_a_suggested_host_is_in_the_corrected_conf(host, suggested):
    report = run(build_target(good_conf().replace("hec.example.com", host)), OFFLINE)
    assert f"splunk://{suggested}/services/collector/raw?" in report.suggested_destination_conf


def test_gcp_splunk_cloud_host_is_not_given_a_second_prefix():
    report = run(build_target(good_conf().replace("hec.example.com",
                                                  "http-inputs.acme.splunkcloud.com")), OFFLINE)
    assert report.result("dest.host").status is Status.PASS
    assert "http-inputs-http-inputs" not in json.dumps(
        [r.summary + r.remediation for r in report.checks])


@pytest.mark.parametrize(("char", "name"), [("\u200b", "ZERO WIDTH SPACE"),
                                           ("\ufeff", "ZERO WIDTH NO-BREAK SPACE"),
                                           ("\u00a0", "NO-BREAK SPACE")])
def test_invisible_characters_in_a_token_are_named(char, name):
    from urllib.parse import quote

    target = build_target(good_conf(header_Authorization="Splunk%20" + quote(TOKEN + char)))
    outcome = evaluate_token_encoding(target)
    assert outcome.status is Status.FAIL
    assert "invisible" in outcome.summary and name in outcome.summary


def test_query_string_token_is_one_diagnosis():
    target = build_target(f"https://hec.example.com:8088/services/collector/raw"
                          f"?channel={CHANNEL}&sourcetype=cloudflare:json&token={TOKEN}")
    outcome = evaluate_token_encoding(target)
    assert outcome.status is Status.FAIL and "?token=" in outcome.summary
    assert outcome.detail == ""  # one finding, not "in the query" plus "no token given"
    report = run(target, OFFLINE)
    # The corrected conf moves that very token into header_Authorization.
    assert report.suggested_destination_conf.endswith("header_Authorization=Splunk%20<token …197d>")
    assert "token=" not in report.suggested_destination_conf.replace("header_Authorization", "")
    # Whether query-string auth is on for the token is the server's business: not judged.
    assert report.logpush.would_deliver is None


@pytest.mark.parametrize("text", ["splunk:hec.example.com:8088/services/collector/raw",
                                  "https:/hec.example.com/services/collector/raw"])
def test_missing_slashes_are_named(text):
    with pytest.raises(TargetError, match="lacks the '//' after the scheme"):
        build_target(text)


def test_a_host_named_splunk_with_a_port_is_still_a_host():
    assert build_target("splunk:8088").destination.host == "splunk"


def test_corrected_conf_appears_exactly_when_it_differs():
    assert run(build_target(good_conf()), OFFLINE).suggested_destination_conf is None
    # Only a fix makes it appear, and the fix is in it.
    plus = run(build_target(good_conf(header_Authorization=f"Splunk+{TOKEN}")), OFFLINE)
    assert plus.result("dest.token").status is Status.WARN
    # Both GUIDs are shaped like a credential: the channel shows as a placeholder too.
    assert plus.suggested_destination_conf == good_conf().replace(
        TOKEN, "<token …197d>").replace(CHANNEL, "<token …9c0a>")
    # A warning whose fix is not a change of the conf does not make one appear.
    odd_port = good_conf().replace(":8088", ":9443")
    warned = run(build_target(odd_port), OFFLINE)
    assert warned.result("dest.port").status is Status.WARN
    assert warned.suggested_destination_conf is None
    # A repeated parameter is dropped (Go reads the first), the rest keeps its order.
    twice = run(build_target(good_conf() + "&sourcetype=cloudflare:json"), OFFLINE)
    assert twice.suggested_destination_conf == good_conf().replace(
        TOKEN, "<token …197d>").replace(CHANNEL, "<token …9c0a>")


# --- labels and problem groups --------------------------------------------------------------

def test_labels_are_file_line_and_host_port(tmp_path):
    listing = tmp_path / "destinations.txt"
    listing.write_text("# two broken ones\n" + good_conf().replace(":8088", ":8089") + "\n"
                       + good_conf().replace("hec.example.com", "b.example.com")
                       .replace(":8088", ":8000") + "\n")
    junit = invoke("check", "--offline", "--file", str(listing), "--format", "junit")
    names = [s.get("name") for s in ET.fromstring(junit.stdout).iter("testsuite")]
    assert names == [f"{listing}:2 hec.example.com:8089", f"{listing}:3 b.example.com:8000"]
    github = invoke("check", "--offline", "--file", str(listing), "--format", "github")
    assert f"title=hec-doctor dest.port%3A {listing}%3A2 hec.example.com%3A8089" in github.stdout
    assert "header_Authorization" not in github.stdout  # never a whole destination_conf
    piped = CliRunner().invoke(cli, ["check", "--offline", "-", "--format", "json"],
                               input=good_conf() + "\n\n" + good_conf() + "\n")
    labels = [r["label"] for r in json.loads(piped.stdout)["reports"]]
    assert labels == ["stdin:1 hec.example.com:8088", "stdin:3 hec.example.com:8088"]


def test_problem_groups_hold_only_what_is_true_of_every_member():
    bad_port = run(build_target(good_conf().replace(":8088", ":8089"), origin="a:1"), OFFLINE)
    web_port = run(build_target(good_conf().replace(":8088", ":8000"), origin="a:2"), OFFLINE)
    other = run(build_target(good_conf().replace("hec.example.com", "x.example.com")
                             .replace(":8088", ":8089"), origin="a:3"), OFFLINE)
    from hec_doctor.models import make_batch

    groups = [g for g in make_batch([bad_port, web_port, other]).problems
              if g.check_id == "dest.port"]
    # 8089 (management port) and 8000 (Splunk Web) are different causes; the two 8089 ones
    # share one, and its example names no single target.
    assert sorted(len(g.labels) for g in groups) == [1, 2]
    shared = next(g for g in groups if len(g.labels) == 2)
    assert shared.labels == ("a:1 hec.example.com:8089", "a:3 x.example.com:8089")
    assert "management" in shared.example and "8000" not in shared.example


# --- consistency ----------------------------------------------------------------------------

def test_explain_takes_color():
    on = invoke("explain", "--color", "always", "x509: certificate signed by unknown authority")
    off = invoke("explain", "--color", "never", "x509: certificate signed by unknown authority")
    assert on.exit_code == off.exit_code == 0
    assert "\x1b[" in on.stdout and "\x1b[" not in off.stdout


@pytest.mark.hec_server(fault="disabled_token")
def test_marker_takes_underscores(hec_server):
    assert hec_server.config.fault == "disabled-token"


@pytest.mark.hec_server(fault="disabled-token")
def test_marker_takes_the_documented_hyphens(hec_server):
    hec_server.set_fault("incorrect_index")
    assert hec_server.config.fault == "incorrect-index"
    with pytest.raises(ValueError, match="choose from busy, queues-full, disabled-token"):
        hec_server.set_fault("on-fire")


def test_the_last_scrub_is_per_report_with_its_own_secrets(monkeypatch, tmp_path):
    # Linear in the number of targets: each report is scrubbed once, with the few secrets of
    # its own target, never with every target's (which made 3,000 targets cost 35 s).
    import hec_doctor.engine.run as runner_module

    seen: list[int] = []
    real = runner_module.scrub_value

    def counting(value, secrets):
        seen.append(len(secrets))
        return real(value, secrets)

    monkeypatch.setattr(runner_module, "scrub_value", counting)
    listing = tmp_path / "many.txt"
    listing.write_text("".join(
        good_conf(header_Authorization=f"Splunk%20{n:08x}-5792-4ad1-be3c-29bcaee0197d") + "\n"
        for n in range(200)))
    # One process, so that the counting stand-in is the one that runs.
    result = invoke("check", "--offline", "--file", str(listing), "--format", "json",
                    "--workers", "1")
    assert result.exit_code == 0
    assert len(seen) == 200 and max(seen) <= 4
