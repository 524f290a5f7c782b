"""The pure evaluators of the network checks, as tables: facts in, a verdict out, no I/O.

Every passing row has failing rows beside it; the facts are the shapes ``net/`` records and the
replies the shapes Splunk sends (hec-facts.md).
"""

from __future__ import annotations

import pytest

from hec_doctor.checks.dns import evaluate_dns, go_dns_error
from hec_doctor.checks.hec import (
    evaluate_ack,
    evaluate_body_limit,
    evaluate_event,
    evaluate_health,
    evaluate_token_reply,
    token_accepted,
    token_not_judged,
)
from hec_doctor.checks.tcp import evaluate_tcp
from hec_doctor.checks.tls import evaluate_handshake, evaluate_verify, go_handshake_error
from hec_doctor.models import Status
from hec_doctor.net.dns import DnsFacts
from hec_doctor.net.http import Reply
from hec_doctor.net.tcp import TcpAttempt, TcpFacts
from hec_doctor.net.tls import HandshakeFailure, TlsFacts

PASS, WARN, FAIL, ERROR = Status.PASS, Status.WARN, Status.FAIL, Status.ERROR


@pytest.mark.parametrize(("facts", "status", "words"), [
    (DnsFacts("hec.test", ("192.0.2.1", "2001:db8::1"), "dns", None, 3.0), PASS, "resolves to"),
    (DnsFacts("hec.test", ("127.0.0.1",), "--resolve", None, 0.0), PASS, "pinned"),
    (DnsFacts("192.0.2.1", ("192.0.2.1",), "literal", None, 0.0), PASS, "IP address"),
    (DnsFacts("hec.test", (), "dns", "no such host", 3.0), FAIL, "does not resolve"),
    (DnsFacts("hec.test", (), "dns", "timeout", 5000.0), FAIL, "took over 5 s"),
])
def test_evaluate_dns(facts, status, words):
    outcome = evaluate_dns(facts, 5.0)
    assert outcome.status is status and words in outcome.summary


@pytest.mark.parametrize(("error", "text"), [
    ("no such host", "dial tcp: lookup hec.test: no such host"),
    ("timeout", "dial tcp: lookup hec.test: i/o timeout"),
])
def test_go_dns_error(error, text):
    assert go_dns_error(DnsFacts("hec.test", (), "dns", error, 1.0)) == text


def _attempt(outcome: str, message: str = "") -> TcpAttempt:
    return TcpAttempt("192.0.2.1", outcome, message, 1.0)


@pytest.mark.parametrize(("attempts", "status", "words"), [
    ((_attempt("connected"),), PASS, "connected to 192.0.2.1:8088"),
    ((_attempt("refused", "connection refused"), _attempt("connected")), WARN,
     "after 1 failed"),
    ((_attempt("refused", "connection refused"),), FAIL, "refused"),
    ((_attempt("timeout", "i/o timeout"),), FAIL, "no answer"),
    ((_attempt("unreachable", "no route to host"),), FAIL, "unreachable"),
    ((_attempt("other", "address family not supported"),), FAIL, "failed (address family"),
])
def test_evaluate_tcp(attempts, status, words):
    outcome = evaluate_tcp(TcpFacts(8088, attempts))
    assert outcome.status is status and words in outcome.summary


@pytest.mark.parametrize(("facts", "status", "go_error"), [
    (TlsFacts("hec.test", "TLSv1.3", "TLS_AES_128_GCM_SHA256", (b"der",)), PASS, None),
    (TlsFacts("hec.test", "TLSv1.3", "TLS_AES_128_GCM_SHA256", ()), FAIL, None),
    (TlsFacts("hec.test", failure=HandshakeFailure.PLAIN_HTTP), FAIL,
     "http: server gave HTTP response to HTTPS client"),
    (TlsFacts("hec.test", failure=HandshakeFailure.NOT_TLS), FAIL,
     "tls: first record does not look like a TLS handshake"),
    (TlsFacts("hec.test", failure=HandshakeFailure.OLD_VERSION, alert=70), FAIL,
     "remote error: tls: protocol version not supported"),
    (TlsFacts("hec.test", failure=HandshakeFailure.OLD_VERSION, server_version=0x0301), FAIL,
     "tls: server selected unsupported protocol version 301"),
    (TlsFacts("hec.test", failure=HandshakeFailure.ALERT, alert=40), FAIL,
     "remote error: tls: handshake failure"),
    (TlsFacts("hec.test", failure=HandshakeFailure.TIMEOUT), FAIL, "net/http: TLS handshake timeout"),
    (TlsFacts("hec.test", failure=HandshakeFailure.EOF), FAIL, "EOF"),
    (TlsFacts("hec.test", failure=HandshakeFailure.EOF_MIDWAY), FAIL, "unexpected EOF"),
    (TlsFacts("hec.test", failure=HandshakeFailure.TLS_ERROR, message="odd"), FAIL, None),
])
def test_evaluate_handshake(facts, status, go_error):
    outcome = evaluate_handshake(facts)
    assert outcome.status is status
    assert go_handshake_error(facts) == go_error
    assert outcome.data["go_error"] == go_error


@pytest.mark.parametrize(("go_error", "skip", "status"), [
    (None, False, PASS),
    (None, True, WARN),
    ("x509: certificate signed by unknown authority", False, FAIL),
    ("x509: certificate signed by unknown authority", True, WARN),
])
def test_evaluate_verify_four_situations(go_error, skip, status):
    assert evaluate_verify(go_error, skip, None).status is status


def reply(status: int, body: bytes, **headers: str) -> Reply:
    return Reply(status, {k.replace("_", "-"): v for k, v in headers.items()}, body)


@pytest.mark.parametrize(("answer", "status", "words"), [
    (reply(200, b'{"text":"HEC is healthy","code":17}'), PASS, "code 17"),
    (reply(503, b'{"text":"HEC is unhealthy, queues are full","code":18}'), FAIL, "code 18"),
    (reply(303, b"", location="/en-US/account/login"), FAIL, "Splunk Web"),
    (reply(502, b"<html>Bad Gateway</html>", content_type="text/html"), FAIL, "proxy"),
    (reply(200, b"hello"), FAIL, "not a HEC reply"),
])
def test_evaluate_health(answer, status, words):
    outcome = evaluate_health(answer)
    assert outcome.status is status and words in outcome.summary


@pytest.mark.parametrize(("answer", "status", "words"), [
    (reply(400, b'{"text":"No data","code":5}'), PASS, "code 5"),
    (reply(400, b'{"text":"Data channel is missing","code":10}'), PASS, "code 10"),
    (reply(200, b'{"text":"Success","code":0}'), PASS, "code 0"),
    # Code 5 with the wrong HTTP status is not Splunk's pair: no proof of acceptance.
    (reply(200, b'{"text":"No data","code":5}'), FAIL, "code 5"),
    (reply(403, b'{"text":"Invalid token","code":4}'), FAIL, "code 4"),
    (reply(403, b'{"text":"Token disabled","code":1}'), FAIL, "code 1"),
    (reply(401, b'{"text":"Invalid authorization","code":3}'), FAIL, "code 3"),
    (reply(400, b'{"text":"Query string authorization is not enabled","code":16}'), FAIL,
     "code 16"),
    (reply(503, b'{"text":"Server is busy","code":9}', retry_after="30"), ERROR, "not judged"),
    (reply(500, b'{"text":"Internal server error","code":8}'), ERROR, "not judged"),
    (reply(429, b"slow down"), ERROR, "not judged"),
    (reply(200, b"<html>login</html>", content_type="text/html"), FAIL, "HTML"),
])
def test_evaluate_token_reply(answer, status, words):
    outcome = evaluate_token_reply(answer, sent_unverified=False)
    assert outcome.status is status and words in outcome.summary
    assert token_accepted(answer) is (status is PASS and answer.hec_code != 10)
    assert token_not_judged(answer) is (status is ERROR)


def test_evaluate_token_reply_says_when_the_server_was_not_authenticated():
    outcome = evaluate_token_reply(reply(400, b'{"text":"No data","code":5}'), True)
    assert "without authentication of the server" in outcome.detail


@pytest.mark.parametrize(("answer", "has_channel", "status", "words"), [
    (reply(400, b'{"text":"No data","code":5}'), True, PASS, "off"),
    (reply(400, b'{"text":"Data channel is missing","code":10}'), False, FAIL, "useACK"),
    (reply(200, b'{"text":"Success","code":0,"ackId":0}'), True, FAIL, "useACK"),
])
def test_evaluate_ack(answer, has_channel, status, words):
    outcome = evaluate_ack(answer, has_channel)
    assert outcome.status is status and words in outcome.summary


@pytest.mark.parametrize(("answer", "status", "words"), [
    (reply(200, b'{"text":"Success","code":0}'), PASS, "accepted"),
    (reply(400, b'{"text":"Incorrect index","code":7}'), FAIL, "code 7"),
    (reply(413, b"Content-Length of request exceeds max_content_length"), FAIL, "413"),
])
def test_evaluate_event(answer, status, words):
    outcome = evaluate_event(answer, "web", "cloudflare:json")
    assert outcome.status is status and words in outcome.summary


# The head of a 5 MB push, sent alone: nginx's 413 page (captured from Debian's nginx 1.22.1 with
# no client_max_body_size set, answering the head alone), HEC's own 413 text (the look-alike's,
# measured on Splunk 10.4.3), a 401 to the head (HEC asking for the token first), a server
# asking for the body, and no answer at all.
NGINX_413 = (b"<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n"
             b"<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>"
             b"nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n")


@pytest.mark.parametrize(("status", "body", "ready", "error", "verdict", "words"), [
    (413, NGINX_413, False, "", WARN, "refused before any of it is sent: HTTP 413"),
    (413, b"Content-Length of request exceeds max_content_length", False, "", WARN,
     "exceeds max_content_length"),
    (0, b"", True, "", PASS, "no 413 to its head, and the body was awaited"),
    (401, b'{"text":"Token is required","code":2}', False, "", PASS, "HTTP 401, not 413"),
    (0, b"", False, "context deadline exceeded", Status.SKIP, "not judged"),
])
def test_evaluate_body_limit(status, body, ready, error, verdict, words):
    outcome = evaluate_body_limit(5_000_000, status, body, ready, error, ())
    assert outcome.status is verdict and words in outcome.summary, outcome
    assert "5 MB" in outcome.summary
