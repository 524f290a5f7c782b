"""Servers that misbehave: each run ends within its time budget with a named diagnosis.

Every server here listens on 127.0.0.1. The budget is the step timeout (1 s) per step that waits
plus a small margin; no check may end in ``error``, and the token never reaches a server whose
certificate failed.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import struct
import time
from collections.abc import Callable
from dataclasses import replace

import pytest

from hec_doctor.engine.run import run
from hec_doctor.lookalike.pki import make_cert, server_context, write_pem
from hec_doctor.models import ErrorReason, Options, Report, Status
from hec_doctor.target import build_target
from tests.helpers import TOKEN
from tests.servers import malformed_intermediate_context, raw_server, silent, tls_handler

TIMEOUT = 1.0
MARGIN = 1.5


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    root = make_cert("Hostile Test Root", ca=True, bits=256)
    leaf = make_cert("127.0.0.1", issuer=root, ip_sans=("127.0.0.1",), bits=256)
    folder = tmp_path_factory.mktemp("hostile")
    return {"root": root, "leaf": leaf, "ca": write_pem(folder / "ca.pem", root),
            "context": server_context([leaf], leaf)}


def check(port: int, ca_file: str) -> tuple[Report, float]:
    target = build_target(f"https://127.0.0.1:{port}/services/collector/raw", token=TOKEN)
    started = time.monotonic()
    report = run(target, Options(ca_file=ca_file, timeout_s=TIMEOUT))
    return report, time.monotonic() - started


def assert_named(report: Report, check_id: str, words: str) -> None:
    result = report.result(check_id)
    assert result.status is Status.FAIL, (check_id, result)
    assert words in result.summary, result.summary
    assert not [c.id for c in report.checks if c.status is Status.ERROR]


def read_request(tls: ssl.SSLSocket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = tls.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def after_request(reply: Callable[[ssl.SSLSocket], None]) -> Callable[[ssl.SSLSocket], None]:
    def handle(tls: ssl.SSLSocket) -> None:
        while read_request(tls):
            reply(tls)
    return handle


def reset(sock: socket.socket) -> None:
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def serve_tls(pki, then: Callable[[ssl.SSLSocket], None]):
    return raw_server(tls_handler(pki["context"], then))


# --- at the TCP and TLS level -------------------------------------------------------------

def test_accepts_tcp_and_never_speaks(pki):
    with raw_server(silent) as port:
        report, elapsed = check(port, pki["ca"])
    assert_named(report, "tls.handshake", "no TLS answer within 1 s")
    assert elapsed < TIMEOUT + MARGIN


def test_resets_mid_handshake(pki):
    def handle(conn: socket.socket) -> None:
        conn.recv(65536)  # the ClientHello
        reset(conn)
    with raw_server(handle) as port:
        report, elapsed = check(port, pki["ca"])
    result = report.result("tls.handshake")
    assert result.status is Status.FAIL and ("reset" in result.summary or
                                             "closed" in result.summary), result.summary
    assert elapsed < MARGIN


def test_chain_of_fifty_certificates(pki):
    issuer = pki["root"]
    cas = []
    for depth in range(49):
        issuer = make_cert(f"Intermediate {depth}", ca=True, issuer=issuer, bits=256)
        cas.append(issuer)
    leaf = make_cert("127.0.0.1", issuer=issuer, ip_sans=("127.0.0.1",), bits=256)
    chain = [leaf, *reversed(cas)]
    with raw_server(tls_handler(server_context(chain, leaf))) as port:
        report, elapsed = check(port, pki["ca"])
    assert report.result("tls.handshake").data["chain_length"] == 50
    assert report.result("tls.verify").status is Status.PASS  # Go agrees: test_go_parity
    assert not [c.id for c in report.checks if c.status is Status.ERROR]
    assert elapsed < TIMEOUT + MARGIN


def test_malformed_certificate_in_the_chain(pki):
    context = malformed_intermediate_context(pki["root"], "127.0.0.1")
    with raw_server(tls_handler(context, after_request(lambda t: None))) as port:
        report, elapsed = check(port, pki["ca"])
    assert_named(report, "tls.handshake", "Go refuses a certificate the server sent")
    assert report.logpush.would_deliver is False
    # Go's parser, ported: its exact wording (checked against real Go in test_go_parity).
    assert report.logpush.predicted_error == ("tls: failed to parse certificate from server: "
                                              "x509: invalid subject key identifier")
    assert elapsed < MARGIN


# --- at the HTTP level, after a good handshake --------------------------------------------

def test_speaks_tls_then_never_answers_http(pki):
    def handle(tls: ssl.SSLSocket) -> None:
        read_request(tls)
        time.sleep(TIMEOUT + 2)
    with serve_tls(pki, handle) as port:
        report, elapsed = check(port, pki["ca"])
    assert_named(report, "hec.health", "no reply within 1 s")
    token = report.result("hec.token")
    assert token.status is Status.SKIP  # not another full wait
    # The token did travel once, in Go's push, and the report says so rather than "not sent".
    assert "only Go's push carried it" in token.summary, token.summary
    assert elapsed < TIMEOUT + MARGIN


def test_trickles_one_byte_a_second(pki):
    def handle(tls: ssl.SSLSocket) -> None:
        read_request(tls)
        for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}":
            tls.sendall(bytes([byte]))
            time.sleep(0.3)
    with serve_tls(pki, handle) as port:
        report, elapsed = check(port, pki["ca"])
    assert_named(report, "hec.health", "no reply within 1 s")
    assert elapsed < TIMEOUT + MARGIN


def test_answers_100_megabytes(pki):
    def reply(tls: ssl.SSLSocket) -> None:
        tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                    b"Content-Length: 104857600\r\n\r\n")
        block = b"x" * 65536
        for _ in range(1600):
            tls.sendall(block)
    with serve_tls(pki, after_request(reply)) as port:
        report, elapsed = check(port, pki["ca"])
    health = report.result("hec.health")
    assert health.status is Status.FAIL and health.data["bytes_read"] == 65536
    assert elapsed < 2 * TIMEOUT + MARGIN


def test_answers_a_huge_header(pki):
    def reply(tls: ssl.SSLSocket) -> None:
        tls.sendall(b"HTTP/1.1 200 OK\r\nX-Huge: " + b"a" * 1_000_000 + b"\r\n\r\n")
    with serve_tls(pki, after_request(reply)) as port:
        report, elapsed = check(port, pki["ca"])
    # Go reads a head of up to 10 MB, then waits for a body that never ends: its read is cut
    # off after the step's time, and a reply cut short proves nothing either way.
    push = report.result("logpush.push")
    assert push.status is Status.ERROR and "cut short" in push.summary, push
    assert push.error_reason is ErrorReason.INCONCLUSIVE and not push.traceback
    report = replace(report, checks=tuple(c for c in report.checks if c.id != "logpush.push"))
    assert_named(report, "hec.health", "head exceeds 64 KiB")
    assert elapsed < TIMEOUT + MARGIN


@pytest.mark.parametrize(("body", "words"), [
    (b'{"text": "HEC is he', "not a HEC reply"),
    (b"[" * 200_000, "not a HEC reply"),
    (b"\xff\xfe\x00garbage\x80\x81", "not a HEC reply"),
])
def test_answers_bodies_that_are_not_json(pki, body, words):
    def reply(tls: ssl.SSLSocket) -> None:
        tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: " + str(len(body)).encode()
                    + b"\r\n\r\n" + body)
    with serve_tls(pki, after_request(reply)) as port:
        report, elapsed = check(port, pki["ca"])
    health = report.result("hec.health")
    assert health.status is Status.FAIL
    assert not [c.id for c in report.checks if c.status is Status.ERROR]
    assert health.summary.isprintable()
    assert elapsed < MARGIN


def test_resets_mid_reply(pki):
    def handle(tls: ssl.SSLSocket) -> None:
        read_request(tls)
        tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Len")
        reset(tls)
    with serve_tls(pki, handle) as port:
        report, elapsed = check(port, pki["ca"])
    health = report.result("hec.health")
    assert health.status is Status.FAIL and health.summary.startswith("no HTTP reply")
    assert elapsed < MARGIN


def test_closes_right_after_the_handshake(pki):
    with serve_tls(pki, lambda tls: None) as port:
        report, elapsed = check(port, pki["ca"])
    health = report.result("hec.health")
    # Which one the client sees depends on whether its request crossed the server's close.
    assert health.status is Status.FAIL
    assert ("closed the connection without replying" in health.summary
            or "reset the connection" in health.summary), health.summary
    assert elapsed < MARGIN


@pytest.mark.parametrize("location", [
    "https://elsewhere.example/services/collector/health",
    "http://127.0.0.1:8088/services/collector/health",
    "/services/collector/health",  # itself
])
def test_redirects_are_diagnosed_never_followed(pki, location):
    requests = []

    def reply(tls: ssl.SSLSocket) -> None:
        requests.append(1)
        tls.sendall(b"HTTP/1.1 302 Found\r\nLocation: " + location.encode()
                    + b"\r\nContent-Length: 0\r\n\r\n")
    with serve_tls(pki, after_request(reply)) as port:
        report, elapsed = check(port, pki["ca"])
    assert_named(report, "hec.health", "redirect")
    # The push (carrying the token), the health GET and the head of the body-limit question,
    # all on the push's connection: nothing followed.
    assert len(requests) == 3
    assert elapsed < MARGIN


def test_http_1_0_without_a_length(pki):
    def handle(tls: ssl.SSLSocket) -> None:
        read_request(tls)
        tls.sendall(b'HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n'
                    b'{"text":"HEC is healthy","code":17}')
        tls.close()
    with serve_tls(pki, handle) as port:
        report, elapsed = check(port, pki["ca"])
    assert report.result("hec.health").status is Status.PASS
    assert elapsed < MARGIN


def test_closes_after_every_reply_without_saying_so(pki):
    connections = []

    def handle(tls: ssl.SSLSocket) -> None:
        connections.append(1)
        request = read_request(tls)
        health = b"health" in request.split(b"\r\n")[0]
        code, status = (b"17", b"200 OK") if health else (b"5", b"400 Bad Request")
        body = b'{"text":"x","code":' + code + b"}"
        tls.sendall(b"HTTP/1.1 " + status + b"\r\nContent-Length: " + str(len(body)).encode()
                    + b"\r\n\r\n" + body)  # then closes, though it promised keep-alive
    with serve_tls(pki, handle) as port:
        report, elapsed = check(port, pki["ca"])
    assert report.result("hec.health").status is Status.PASS
    assert report.result("hec.token").status is Status.PASS
    # The push, the health GET and the body-limit question each on a connection of its own:
    # the server closes after every reply.
    assert len(connections) == 3
    assert elapsed < MARGIN


# --- replies cut short (#23): no proof of acceptance ------------------------------------------

def _cut_token_reply(finish: Callable[[ssl.SSLSocket], None]) -> Callable[[ssl.SSLSocket], None]:
    """Health answers properly; the token probe gets a complete-looking code 5 whose body is
    shorter than its Content-Length, then ``finish`` (close, reset, stall, trickle)."""
    def handle(tls: ssl.SSLSocket) -> None:
        while True:
            request = read_request(tls)
            if not request:
                return
            if b"health" in request.split(b"\r\n")[0]:
                body = b'{"text":"HEC is healthy","code":17}'
                tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: " + str(len(body)).encode()
                            + b"\r\n\r\n" + body)
                continue
            body = b'{"text":"No data","code":5}'
            tls.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 200\r\n\r\n" + body)
            finish(tls)
            return
    return handle


def _stall(tls: ssl.SSLSocket) -> None:
    time.sleep(TIMEOUT + 0.5)


def _trickle(tls: ssl.SSLSocket) -> None:
    with contextlib.suppress(OSError):
        for _ in range(10):
            tls.sendall(b" ")
            time.sleep(0.3)


@pytest.mark.parametrize("finish", [lambda tls: tls.close(), lambda tls: reset(tls), _stall,
                                    _trickle], ids=["closed", "reset", "stalled", "trickled"])
def test_a_reply_cut_short_is_not_acceptance(pki, finish):
    with serve_tls(pki, _cut_token_reply(finish)) as port:
        report, elapsed = check(port, pki["ca"])
    token, push = report.result("hec.token"), report.result("logpush.push")
    assert report.logpush.would_deliver is not True
    assert elapsed < 2 * TIMEOUT + MARGIN
    if push.data.get("go_error"):
        # Go met the reset before it had the reply's head: its error is the measurement.
        assert push.status is Status.FAIL and "connection reset" in push.data["go_error"]
        assert report.logpush.predicted_error == push.data["go_error"]
        return
    assert token.status is Status.ERROR, token
    assert token.summary.startswith("not judged: the reply was cut short")
    assert "of the 200 that Content-Length announced" in token.summary
    assert token.data["truncated"] is True
    assert push.status is Status.ERROR and "cut short" in push.summary


def test_a_reply_cut_short_predicted_by_the_port_alone(pki):
    with serve_tls(pki, _cut_token_reply(lambda tls: tls.close())) as port:
        target = build_target(f"https://127.0.0.1:{port}/services/collector/raw",
                              token=TOKEN)
        report = run(target, Options(ca_file=pki["ca"], timeout_s=TIMEOUT, go_probe=False))
    token = report.result("hec.token")
    assert token.status is Status.ERROR and token.data["truncated"] is True
    assert report.logpush.would_deliver is not True


def test_a_complete_reply_of_the_same_shape_is_acceptance(pki):
    def finish_properly(tls: ssl.SSLSocket) -> None:
        pass

    def handle(tls: ssl.SSLSocket) -> None:
        while True:
            request = read_request(tls)
            if not request:
                return
            health = b"health" in request.split(b"\r\n")[0]
            body = (b'{"text":"HEC is healthy","code":17}' if health
                    else b'{"text":"No data","code":5}')
            status = b"200 OK" if health else b"400 Bad Request"
            tls.sendall(b"HTTP/1.1 " + status + b"\r\nContent-Length: "
                        + str(len(body)).encode() + b"\r\n\r\n" + body)
    with serve_tls(pki, handle) as port:
        report, _ = check(port, pki["ca"])
    assert report.result("hec.token").status is Status.PASS
    assert report.logpush.would_deliver is True
