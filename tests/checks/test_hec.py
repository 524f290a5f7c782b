"""HEC probes against the look-alike server: every probe and every safety rule."""

from __future__ import annotations

import pytest

from hec_doctor.checks.hec import FAQ_EVENT
from hec_doctor.engine.run import run
from hec_doctor.hec.replies import CODES, diagnose
from hec_doctor.lookalike.server import HecConfig, HecServer, answer
from hec_doctor.models import Options, Report, ResolveOverride, Status
from hec_doctor.net.http import Reply
from hec_doctor.target import build_target
from tests.certs import NOW, make_cert, write_pem
from tests.helpers import CHANNEL, TOKEN
from tests.servers import server_context

HOST = "hec.test"
ACK_TOKEN = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
DISABLED = "dddddddd-bbbb-4ccc-8ddd-eeeeeeeeeeee"


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    root = make_cert("HEC Test Root", ca=True)
    good = make_cert(HOST, issuer=root, sans=(HOST,))
    wrong = make_cert("other.example", issuer=root, sans=("other.example",))
    ca_file = write_pem(tmp_path_factory.mktemp("pki") / "ca.pem", root)
    return {"ca": ca_file, "good": server_context([good], good),
            "wrong": server_context([wrong], wrong)}


def hec(pki, *, cert: str = "good", fault: str | None = None) -> HecServer:
    tokens = {TOKEN: "enabled", ACK_TOKEN: "ack", DISABLED: "disabled"}
    return HecServer(HecConfig(tokens=tokens, fault=fault, indexes=("main", "web")), pki[cert])


def check(pki, server: HecServer, *, token: str = TOKEN, channel: bool = True,
          skip_verify: bool | None = None, send_event: bool = False, extra: str = "",
          scheme: str = "splunk") -> Report:
    query = f"channel={CHANNEL}&" if channel else ""
    text = (f"{scheme}://{HOST}:{server.port}/services/collector/raw?{query}"
            f"sourcetype=cloudflare:json{extra}&header_Authorization=Splunk%20{token}")
    target = build_target(text, insecure_skip_verify=skip_verify)
    return run(target, Options(ca_file=pki["ca"], timeout_s=3, now=lambda: NOW,
                               resolve=(ResolveOverride(HOST, server.port, "127.0.0.1"),),
                               send_event=send_event))


def status(report: Report, check_id: str) -> Status:
    return report.result(check_id).status


def test_good_token_passes_and_writes_nothing(pki):
    with hec(pki) as server:
        report = check(pki, server)
    assert [status(report, i) for i in ("hec.health", "hec.token", "hec.ack")] == [Status.PASS] * 3
    assert "code 5" in report.result("hec.token").summary
    assert status(report, "hec.event") is Status.SKIP
    assert report.logpush.would_deliver is True
    assert all(not r.body for r in server.received)  # nothing that could be indexed was sent
    assert "does not prove the token" in report.result("hec.health").detail


@pytest.mark.parametrize(
    ("token", "code", "words"),
    [
        ("ffffffff-bbbb-4ccc-8ddd-eeeeeeeeeeee", 4, "Invalid token"),
        (DISABLED, 1, "Token disabled"),
    ],
)
def test_token_problems_are_named(pki, token, code, words):
    with hec(pki) as server:
        report = check(pki, server, token=token)
    result = report.result("hec.token")
    assert result.status is Status.FAIL and words in result.summary
    assert result.remediation == CODES[code].fix
    assert report.logpush.would_deliver is False
    assert f'"code":{code}' in report.logpush.predicted_error


@pytest.mark.parametrize("channel", [False, True])
def test_indexer_acknowledgement_is_a_trap(pki, channel):
    with hec(pki) as server:
        report = check(pki, server, token=ACK_TOKEN, channel=channel)
    ack = report.result("hec.ack")
    assert ack.status is Status.FAIL and "useACK" in ack.summary
    assert "never polls" in ack.detail
    assert report.logpush.would_deliver is False


def test_ack_off_passes(pki):
    with hec(pki) as server:
        assert status(check(pki, server), "hec.ack") is Status.PASS


@pytest.mark.parametrize(
    ("fault", "check_id", "words"),
    [
        ("unhealthy", "hec.health", "code 18"),
        ("proxy_502", "hec.health", "proxy or load balancer"),
        ("redirect", "hec.health", "Splunk Web"),
    ],
)
def test_faults_are_diagnosed(pki, fault, check_id, words):
    with hec(pki, fault=fault) as server:
        report = check(pki, server)
    result = report.result(check_id)
    assert result.status is Status.FAIL and words in result.summary
    assert report.logpush.would_deliver is False


def test_a_busy_hec_did_not_judge_the_token(pki):
    with hec(pki, fault="busy") as server:
        report = check(pki, server)
    result = report.result("hec.token")
    # Code 9 comes before any verdict on the token: not judged (error), never "failed".
    assert result.status is Status.ERROR and "Server is busy" in result.summary
    assert result.summary.startswith("not judged")
    assert report.logpush.would_deliver is None and "not judged" in report.logpush.basis


def test_redirects_are_never_followed(pki):
    with hec(pki, fault="redirect") as server:
        report = check(pki, server)
    # The health probe, and the token's one push (Go's, measured); nothing went to Location.
    assert sorted(r.target.split("?")[0] for r in server.received) == [
        "/services/collector/health", "/services/collector/raw"]
    assert report.result("logpush.push").data["redirect"]["url"].startswith("https://")


def test_send_event_posts_the_faq_line_with_channel_and_sourcetype(pki):
    with hec(pki) as server:
        report = check(pki, server, send_event=True, extra="&index=web")
    event = report.result("hec.event")
    assert event.status is Status.PASS and "index=web" in event.detail
    posted = [r for r in server.received if r.body]
    assert len(posted) == 1 and posted[0].body == FAQ_EVENT
    assert f"channel={CHANNEL}" in posted[0].target and "sourcetype=cloudflare:json" in posted[0].target
    assert report.logpush.would_deliver is True and "code 0" in report.logpush.basis


def test_send_event_incorrect_index(pki):
    with hec(pki, fault="incorrect_index") as server:
        report = check(pki, server, send_event=True)
    assert status(report, "hec.event") is Status.FAIL
    assert "Incorrect index" in report.result("hec.event").summary


def test_token_never_sent_to_a_server_that_failed_verification(pki):
    with hec(pki, cert="wrong") as server:
        report = check(pki, server)
    assert status(report, "tls.verify") is Status.FAIL
    assert report.result("hec.token").summary == "requires tls.verify (fail)"
    assert not any(r.authorization for r in server.received)


def test_token_sent_unverified_only_with_insecure_skip_verify_and_said(pki):
    with hec(pki, cert="wrong") as server:
        report = check(pki, server, skip_verify=True)
    assert status(report, "hec.token") is Status.PASS
    assert "without authentication of the server" in report.result("hec.token").detail
    assert any(r.authorization == f"Splunk {TOKEN}" for r in server.received)


def test_token_never_sent_over_plain_http(pki):
    with HecServer(HecConfig(tokens={TOKEN: "enabled"}), None) as server:
        report = check(pki, server, scheme="http")
    assert status(report, "hec.token") is Status.SKIP
    assert server.received == []


def test_malformed_token_is_never_sent(pki):
    with hec(pki) as server:
        report = check(pki, server, token=f"{TOKEN}%0D%0AX-Injected:%201")
    assert status(report, "dest.token") is Status.FAIL
    assert status(report, "hec.token") is Status.SKIP
    assert not any(r.authorization for r in server.received)


@pytest.mark.parametrize(
    ("headers", "body", "target", "code"),
    [
        ({}, b"x", "/services/collector/raw", 2),
        ({"authorization": TOKEN}, b"x", "/services/collector/raw", 3),
        ({"authorization": f"Bearer {TOKEN}"}, b"x", "/services/collector/raw", 3),
        ({"authorization": f"Splunk {TOKEN}"}, b"", "/services/collector/raw", 5),
        ({"authorization": f"Splunk {TOKEN}"}, b"x", "/services/collector/raw?channel=zz", 11),
        ({"authorization": f"Splunk {TOKEN}"}, b"x", "/services/collector/event", 6),
        ({"authorization": f"Splunk {TOKEN}"}, b'{"a":1}', "/services/collector/event", 12),
        ({"authorization": f"Splunk {TOKEN}"}, b"x", "/services/collector/raw", 0),
        ({"authorization": f"Splunk {ACK_TOKEN}"}, b"x", "/services/collector/raw", 10),
        ({}, b"", "/services/collector/health", 17),
        ({}, b"", "/nope", 404),
    ],
)
def test_lookalike_answers_as_splunk_documents(headers, body, target, code):
    config = HecConfig(tokens={TOKEN: "enabled", ACK_TOKEN: "ack"})
    method = "GET" if "health" in target or target == "/nope" else "POST"
    reply = answer(method, target, headers, body, config)
    assert Reply(reply.status, {}, reply.body).hec_code == code


def test_catalog_covers_codes_0_to_27():
    assert sorted(CODES) == list(range(28))
    assert all(entry.text for entry in CODES.values())


@pytest.mark.parametrize(
    ("status_code", "headers", "body", "kind"),
    [
        (403, {}, b'{"text":"Invalid token","code":4}', "hec"),
        (404, {}, b'{"text":"The requested URL was not found on this server.","code":404}',
         "not_found"),
        (303, {"location": "https://h:8000/en-US/account/login"}, b"", "redirect"),
        (403, {"server": "cloudflare", "cf-ray": "x"}, b"<html>challenge</html>", "cloudflare"),
        (413, {}, b"too big", "too_large"),
        (429, {"retry-after": "5"}, b"", "rate_limited"),
        (502, {"content-type": "text/html"}, b"<html>bad gateway</html>", "proxy"),
        (200, {"content-type": "text/html"}, b"<html>login</html>", "html"),
        (400, {}, b'{"text":"?","code":99}', "unknown"),
        (500, {}, b"\xff\xfe\x00garbage\n\r", "unknown"),
        (400, {}, b"[" * 100000, "unknown"),
    ],
)
def test_diagnose_non_hec_replies(status_code, headers, body, kind):
    diagnosis = diagnose(Reply(status_code, headers, body))
    assert diagnosis.kind == kind
    assert "\n" not in diagnosis.summary and len(diagnosis.summary) < 500


def _two_servers(pki, second_tokens):
    first = HecServer(HecConfig(tokens={TOKEN: "enabled"}), pki["good"])
    second = HecServer(HecConfig(tokens=second_tokens), pki["good"], host="127.0.0.2",
                       port=first.port)
    return first, second


@pytest.mark.parametrize(("second_tokens", "status_expected"),
                         [({TOKEN: "enabled"}, Status.PASS), ({}, Status.FAIL)])
def test_every_address_is_compared(pki, second_tokens, status_expected):
    try:
        first, second = _two_servers(pki, second_tokens)
    except OSError as exc:  # pragma: no cover - 127.0.0.2 not routable here
        pytest.skip(f"cannot bind 127.0.0.2: {exc}")
    text = (f"splunk://{HOST}:{first.port}/services/collector/raw?channel={CHANNEL}"
            f"&sourcetype=cloudflare:json&header_Authorization=Splunk%20{TOKEN}")
    with first, second:
        report = run(build_target(text), Options(
            ca_file=pki["ca"], timeout_s=3, now=lambda: NOW,
            resolver=lambda host, port: ["127.0.0.1", "127.0.0.2"]))
    result = report.result("hec.addresses")
    assert result.status is status_expected, result
    if status_expected is Status.FAIL:
        assert "token code 4" in result.detail and "intermittent" in result.detail


def test_every_address_is_asked_on_the_path_the_token_check_uses(pki):
    # hec.addresses posts where hec.token does: the destination's own raw path (/raw/1.0
    # here), not always /raw.
    first, second = _two_servers(pki, {TOKEN: "enabled"})
    text = (f"splunk://{HOST}:{first.port}/services/collector/raw/1.0?channel={CHANNEL}"
            f"&sourcetype=cloudflare:json&header_Authorization=Splunk%20{TOKEN}")
    with first, second:
        report = run(build_target(text), Options(
            ca_file=pki["ca"], timeout_s=3, now=lambda: NOW, go_probe=False,
            resolver=lambda host, port: ["127.0.0.1", "127.0.0.2"]))
    assert report.result("hec.addresses").status is Status.PASS
    posted = [r.target.split("?")[0] for server in (first, second) for r in server.received
              if r.method == "POST"]
    assert posted and set(posted) == {"/services/collector/raw/1.0"}, posted


def test_replies_are_read_to_64_kib_at_most(pki):
    import time

    from tests.servers import raw_server, tls_handler

    def huge(tls):
        tls.recv(65536)
        tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 4000000\r\n\r\n")
        chunk = b"x" * 65536
        for _ in range(61):
            tls.sendall(chunk)

    with raw_server(tls_handler(pki["good"], huge)) as port:
        text = f"https://{HOST}:{port}/services/collector/raw"
        started = time.monotonic()
        report = run(build_target(text), Options(
            ca_file=pki["ca"], timeout_s=3, now=lambda: NOW,
            resolve=(ResolveOverride(HOST, port, "127.0.0.1"),)))
        elapsed = time.monotonic() - started
    health = report.result("hec.health")
    assert health.status is Status.FAIL
    assert 0 < health.data["bytes_read"] <= 64 * 1024
    assert elapsed < 6
