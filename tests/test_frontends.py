"""Servers configured as real HEC front ends are (issue #24): nginx (http and stream), HAProxy,
stunnel and a Go server, each in front of the HEC look-alike on loopback. For each class where
an OpenSSL handshake and Go's differ, the measured verdict (the Go probe) is checked against
what Go does, and the port alone (``go_probe=False``) is run beside it to show the class is real:
it gets the other answer.
"""

from __future__ import annotations

import gzip
import ssl
from pathlib import Path

import pytest

from hec_doctor.engine.run import run
from hec_doctor.lookalike.pki import make_cert, server_context, write_pem
from hec_doctor.lookalike.server import HecConfig, HecServer
from hec_doctor.models import Options, ResolveOverride, Status
from hec_doctor.target import build_target
from tests.certs import NOW
from tests.frontends import build_go_server, free_port, go_server, haproxy, nginx, stunnel
from tests.servers import raw_server, tls_handler

TOKEN = "5f0c1e2d-3b4a-4c5d-8e6f-7a8b9c0d1e2f"
HOST = "hec.test"
GO = "measured with Go 1.27.3"


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    folder = tmp_path_factory.mktemp("frontend-pki")
    root = make_cert("Front End Root", ca=True, bits=256)
    leaf = make_cert(HOST, issuer=root, sans=(HOST,), ip_sans=("127.0.0.1",), bits=256)
    (folder / "key.pem").write_bytes(leaf.key_pem)
    return {"root": root, "leaf": leaf, "ca": write_pem(folder / "ca.pem", root),
            "cert": write_pem(folder / "cert.pem", leaf), "key": str(folder / "key.pem"),
            "folder": folder}


@pytest.fixture(scope="module")
def backend():
    """splunkd's HEC as a load balancer sees it: plain HTTP/1.1 on loopback."""
    server = HecServer(HecConfig(tokens={TOKEN: "enabled"}), None)
    server.start()
    yield server
    server.close()


@pytest.fixture(scope="module")
def go_server_binary(tmp_path_factory):
    return build_go_server(tmp_path_factory.mktemp("goserver"))


def judge(pki, port: int, *, go_probe: bool = True, path: str = "/services/collector/raw"):
    conf = (f"splunk://{HOST}:{port}{path}?channel=0f8c3ab4-1b7c-4c1e-9d2a-5b6f7e8d9c0a"
            f"&sourcetype=cloudflare:json&header_Authorization=Splunk%20{TOKEN}")
    return run(build_target(conf), Options(
        ca_file=pki["ca"], resolve=(ResolveOverride(HOST, port, "127.0.0.1"),), timeout_s=2,
        go_probe=go_probe, now=lambda: NOW))


def _tls_server_block(pki, port: int, extra: str = "") -> str:
    return (f"listen 127.0.0.1:{port} ssl;\nssl_certificate {pki['cert']};\n"
            f"ssl_certificate_key {pki['key']};\n{extra}")


# --- key exchange groups -----------------------------------------------------------------------

@pytest.mark.parametrize("groups", ["X448", "ffdhe2048"])
def test_a_server_limited_to_groups_go_never_offers(pki, backend, tmp_path, groups):
    port = free_port()
    stream = (f"server {{ {_tls_server_block(pki, port)} ssl_protocols TLSv1.3;\n"
              f"ssl_conf_command Groups {groups};\nproxy_pass 127.0.0.1:{backend.port}; }}")
    with nginx(tmp_path / "nginx", port, stream=stream):
        measured = judge(pki, port)
        predicted = judge(pki, port, go_probe=False)
    # OpenSSL offers X448 and the ffdhe groups, so the port's own handshake succeeds...
    assert predicted.logpush.would_deliver is True, predicted.logpush
    # ...while Go offers neither: the server refuses its hello.
    assert measured.logpush.evidence == GO
    assert measured.logpush.would_deliver is False
    assert measured.logpush.predicted_error == "remote error: tls: handshake failure"
    assert not measured.result("logpush.push").data["agrees_with_port"]
    from hec_doctor.messages.classify import explain_message

    assert explain_message(measured.logpush.predicted_error).matched.id == "tls.handshake-failure"


def test_a_server_limited_to_post_quantum_key_exchange(pki, backend, tmp_path,
                                                       go_server_binary):
    # Go 1.24+ offers X25519MLKEM768 by default; OpenSSL 3.0 cannot.
    port = free_port()
    with go_server(go_server_binary, tmp_path / "go", port, pki["cert"], pki["key"],
                   f"http://127.0.0.1:{backend.port}", "-curves", "X25519MLKEM768"):
        measured = judge(pki, port)
        predicted = judge(pki, port, go_probe=False)
    assert predicted.logpush.would_deliver is not True  # the port could not even connect
    assert predicted.result("tls.handshake").status is Status.FAIL
    assert measured.logpush.would_deliver is True, measured.logpush
    push = measured.result("logpush.push")
    assert push.data["group"] == "X25519MLKEM768" and push.data["tls_version"] == "TLS 1.3"


# --- ALPN and HTTP/2 -------------------------------------------------------------------------

def test_h2_advertised_in_front_of_an_http1_only_hec(pki, backend, tmp_path):
    # A TLS load balancer in TCP mode that advertises h2 but passes bytes to HEC, which speaks
    # HTTP/1.1 only: Go negotiates h2 and its preface reaches splunkd.
    port = free_port()
    config = (f"global\n  maxconn 64\ndefaults\n  mode tcp\n  timeout connect 2s\n"
              f"  timeout client 5s\n  timeout server 5s\n"
              f"frontend hec\n  bind 127.0.0.1:{port} ssl crt {pki['folder'] / 'both.pem'} "
              f"alpn h2,http/1.1\n  default_backend splunk\n"
              f"backend splunk\n  server s1 127.0.0.1:{backend.port}\n")
    (pki["folder"] / "both.pem").write_bytes(Path(pki["cert"]).read_bytes()
                                             + Path(pki["key"]).read_bytes())
    with haproxy(tmp_path / "haproxy", port, config):
        measured = judge(pki, port)
        predicted = judge(pki, port, go_probe=False)
    assert predicted.logpush.would_deliver is True  # HTTP/1.1 without ALPN works
    push = measured.result("logpush.push")
    assert push.data["alpn"] == "h2" or push.data["go_error"], push
    assert measured.logpush.would_deliver is False, measured.logpush
    assert "http2" in (measured.logpush.predicted_error or ""), measured.logpush
    # explain knows what Go said here, and says what to do about it.
    from hec_doctor.messages.classify import explain_message

    explanation = explain_message(measured.logpush.predicted_error)
    assert explanation.matched is not None and explanation.matched.id.startswith("net.h2"), \
        measured.logpush.predicted_error


def test_h2_done_right_by_nginx(pki, backend, tmp_path):
    port = free_port()
    http = (f"server {{ {_tls_server_block(pki, port).replace(' ssl;', ' ssl http2;')}\n"
            f"location / {{ proxy_pass http://127.0.0.1:{backend.port}; }} }}")
    with nginx(tmp_path / "nginx", port, http=http):
        measured = judge(pki, port)
    push = measured.result("logpush.push")
    assert push.status is Status.PASS and push.data["proto"] == "HTTP/2.0", push
    assert measured.logpush.would_deliver is True and measured.logpush.evidence == GO


def test_stunnel_in_front_of_hec(pki, backend, tmp_path):
    port = free_port()
    config = (f"[hec]\naccept = 127.0.0.1:{port}\nconnect = 127.0.0.1:{backend.port}\n"
              f"cert = {pki['cert']}\nkey = {pki['key']}\n")
    with stunnel(tmp_path / "stunnel", port, config):
        measured = judge(pki, port)
    assert measured.logpush.would_deliver is True, measured.logpush
    assert measured.result("logpush.push").data["proto"] == "HTTP/1.1"


# --- after the handshake ---------------------------------------------------------------------

def test_tls13_certificate_required_after_the_handshake(pki, backend):
    # In TLS 1.3 the client's handshake is over before the server reads that no certificate
    # came; OpenSSL's server then sends the certificate_required alert (RFC 8446 section 4.4.2.4).
    context = server_context([pki["leaf"]], pki["leaf"])
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_verify_locations(pki["ca"])
    with raw_server(tls_handler(context, lambda tls: tls.recv(65536))) as port:
        measured = judge(pki, port)
    assert measured.logpush.would_deliver is False
    # The alert is what Go reads, unless the server's close overtakes it: with the request still
    # unread in its buffer, the server's kernel answers with a reset instead (RFC 1122 4.2.2.13).
    error = measured.logpush.predicted_error or ""
    assert error == "remote error: tls: certificate required" or \
        error.endswith("connection reset by peer"), error


def test_nginx_asking_for_a_client_certificate_answers_400(pki, backend, tmp_path):
    port = free_port()
    http = (f"server {{ {_tls_server_block(pki, port)} ssl_protocols TLSv1.3;\n"
            f"ssl_verify_client on; ssl_client_certificate {pki['ca']};\n"
            f"location / {{ proxy_pass http://127.0.0.1:{backend.port}; }} }}")
    with nginx(tmp_path / "nginx", port, http=http):
        measured = judge(pki, port)
    assert measured.logpush.would_deliver is False
    assert "No required SSL certificate was sent" in measured.logpush.predicted_error


def _hec_replies(tls: ssl.SSLSocket) -> None:
    """HEC's answers to the health probe and to an empty push with a good token."""
    while True:
        request = tls.recv(65536)
        if not request:
            return
        health = b"health" in request.split(b"\r\n")[0]
        body = b'{"text":"HEC is healthy","code":17}' if health else b'{"text":"No data","code":5}'
        status = b"200 OK" if health else b"400 Bad Request"
        tls.sendall(b"HTTP/1.1 " + status + b"\r\nContent-Length: " + str(len(body)).encode()
                    + b"\r\n\r\n" + body)


def test_a_chain_between_100_and_256_kib(pki):
    # OpenSSL refuses a certificate list over 100 KiB (SSL_CTX_set_max_cert_list's default);
    # Go reads a certificate message of up to 256 KiB (crypto/tls common.go,
    # maxHandshakeCertificateMsg).
    padding = [make_cert(f"Padding {i}", ca=True, bits=256) for i in range(300)]
    context = server_context([pki["leaf"], *padding], pki["leaf"])
    size = sum(len(c.der) for c in [pki["leaf"], *padding])
    assert 100 * 1024 < size < 256 * 1024, size

    with raw_server(tls_handler(context, _hec_replies)) as port:
        measured = judge(pki, port)
        predicted = judge(pki, port, go_probe=False)
    assert predicted.result("tls.handshake").status is Status.FAIL
    assert measured.result("logpush.push").data["go_error"] is None
    assert measured.logpush.would_deliver is True, measured.logpush


# --- HTTP in front of HEC ------------------------------------------------------------------------

def test_a_redirect_to_plain_http_would_send_the_token_in_clear_text(pki, backend, tmp_path):
    port = free_port()
    http = (f"server {{ {_tls_server_block(pki, port)}\n"
            f"location / {{ return 307 http://{HOST}:{port}$request_uri; }} }}")
    with nginx(tmp_path / "nginx", port, http=http):
        measured = judge(pki, port)
    push = measured.result("logpush.push")
    assert push.status is Status.FAIL and push.data["clear_text_token"] is True
    assert "in clear text over plain HTTP" in push.detail
    assert measured.logpush.would_deliver is None  # no source says whether Logpush follows
    assert "If it does not (no source says), every push fails with HTTP 307" in \
        measured.logpush.basis


def test_a_load_balancer_answering_200_to_everything(pki, tmp_path):
    port = free_port()
    http = (f"server {{ {_tls_server_block(pki, port)}\n"
            "location / { return 200 \"OK\"; } }")
    with nginx(tmp_path / "nginx", port, http=http):
        measured = judge(pki, port)
    push = measured.result("logpush.push")
    assert push.status is Status.FAIL and "count every push as delivered" in push.summary
    assert measured.logpush.would_deliver is False


def test_a_proxy_that_forwards_only_the_raw_path(pki, backend, tmp_path):
    port = free_port()
    http = (f"server {{ {_tls_server_block(pki, port)}\n"
            f"location = /services/collector/raw {{ proxy_pass http://127.0.0.1:{backend.port};"
            " }\nlocation / { return 404; } }")
    with nginx(tmp_path / "nginx", port, http=http):
        measured = judge(pki, port)
    assert measured.result("hec.health").status is Status.FAIL
    assert measured.result("hec.token").status is Status.PASS
    assert measured.logpush.would_deliver is True, measured.logpush
    assert "health" in measured.logpush.basis


def test_a_proxy_502_fails_the_destination_now(pki, tmp_path):
    port, dead = free_port(), free_port()
    http = (f"server {{ {_tls_server_block(pki, port)}\n"
            f"location / {{ proxy_pass http://127.0.0.1:{dead}; }} }}")
    with nginx(tmp_path / "nginx", port, http=http):
        measured = judge(pki, port)
    push = measured.result("logpush.push")
    assert push.status is Status.FAIL and "HTTP 502 from a proxy" in push.summary
    assert push.data["token_judged"] is False
    assert measured.logpush.would_deliver is False
    assert measured.verdict is Status.FAIL  # exit code 1: the destination fails, not hec-doctor


def test_a_reply_gzip_encoded_unasked(pki, backend):
    def gzipped(tls: ssl.SSLSocket) -> None:
        while True:
            request = tls.recv(65536)
            if not request:
                return
            health = b"health" in request.split(b"\r\n")[0]
            body = gzip.compress(b'{"text":"HEC is healthy","code":17}' if health
                                 else b'{"text":"No data","code":5}')
            status = b"200 OK" if health else b"400 Bad Request"
            tls.sendall(b"HTTP/1.1 " + status + b"\r\nContent-Encoding: gzip\r\n"
                        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)

    context = server_context([pki["leaf"]], pki["leaf"])
    with raw_server(tls_handler(context, gzipped)) as port:
        measured = judge(pki, port)
        predicted = judge(pki, port, go_probe=False)
    assert measured.logpush.would_deliver is True, measured.logpush
    assert predicted.logpush.would_deliver is True, predicted.logpush  # the port decodes too


def test_sni_with_a_trailing_dot(pki):
    # Go strips the trailing dot of the host before it sends SNI (crypto/tls handshake_client.go,
    # hostnameInSNI); a server choosing its certificate by exact name then shows the right one.
    default = make_cert("SplunkServerDefaultCert", issuer=pki["root"],
                        sans=("SplunkServerDefaultCert",), bits=256)
    right = server_context([pki["leaf"]], pki["leaf"])
    wrong = server_context([default], default)
    seen: list[str | None] = []

    def choose(sock: ssl.SSLObject, name: str | None, _: ssl.SSLContext) -> None:
        seen.append(name)
        sock.context = right if name == HOST else wrong

    wrong.sni_callback = choose
    with raw_server(tls_handler(wrong, _hec_replies)) as port:
        conf = (f"splunk://{HOST}.:{port}/services/collector/raw?channel="
                f"0f8c3ab4-1b7c-4c1e-9d2a-5b6f7e8d9c0a&header_Authorization=Splunk%20{TOKEN}")
        pins = (ResolveOverride(HOST + ".", port, "127.0.0.1"),)
        measured = run(build_target(conf), Options(ca_file=pki["ca"], resolve=pins,
                                                   timeout_s=2, now=lambda: NOW))
    assert HOST in seen, seen  # Go's hello named hec.test, without the dot
    assert measured.logpush.would_deliver is True, measured.logpush
    assert measured.result("logpush.push").data["go_error"] is None


# --- Renegotiation ----------------------------------------------------------------------------

def test_a_server_that_renegotiates_is_refused_by_go(pki):
    # OpenSSL's s_server asks for a renegotiation (a TLS 1.2 HelloRequest, its "r" command) once
    # the push has arrived. Go never renegotiates (crypto/tls conn.go handleRenegotiation,
    # RenegotiateNever by default): the push fails with Go's own words, which explain knows.
    # OpenSSL clients accept it, so no OpenSSL handshake can show this.
    import shutil
    import subprocess
    import threading

    from hec_doctor import goprobe
    from hec_doctor.checks.push import PushFacts
    from hec_doctor.messages.classify import explain_message

    openssl = shutil.which("openssl")
    assert openssl, "missing tool: openssl (scripts/install-test-tools)"
    port = free_port()
    server = subprocess.Popen(
        [openssl, "s_server", "-accept", f"127.0.0.1:{port}", "-cert", pki["cert"], "-key",
         pki["key"], "-tls1_2"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    asked = threading.Event()

    def renegotiate_on_the_push() -> None:
        assert server.stdout is not None and server.stdin is not None
        for line in server.stdout:
            if line.startswith(b"POST "):
                server.stdin.write(b"r\n")
                server.stdin.flush()
                asked.set()

    reader = threading.Thread(target=renegotiate_on_the_push, daemon=True)
    reader.start()
    try:
        _wait_listening(port)
        path, why = goprobe.locate()
        assert path, why
        answer = goprobe.shared(path).push({
            "url": f"https://{HOST}:{port}/services/collector/raw", "method": "POST",
            "roots": pki["ca"], "headers": {"Authorization": f"Splunk {TOKEN}"},
            "insecure_skip_verify": False, "timeout_s": 3, "dial": f"127.0.0.1:{port}",
            "now": NOW.strftime("%Y-%m-%dT%H:%M:%SZ")}, 20)
        # An OpenSSL client (Python's ssl) on the same server takes the renegotiation in its
        # stride and goes on waiting for the reply s_server never sends: no TLS error at all.
        from hec_doctor.clients.stacks import run_python

        asked.clear()
        python = run_python({"url": f"https://{HOST}:{port}/services/collector/raw",
                             "headers": {"Authorization": f"Splunk {TOKEN}"},
                             "roots": pki["ca"], "dial": f"127.0.0.1:{port}"}, 1.0)
        assert asked.is_set() and python.error is not None
        assert "renegotiation" not in python.error and "timed out" in python.error, python
    finally:
        server.kill()
        server.wait(10)
        reader.join(10)
        for pipe in (server.stdin, server.stdout):
            try:
                pipe.close()  # type: ignore[union-attr]
            except BrokenPipeError:
                pass
    assert asked.is_set()
    facts = PushFacts.from_probe(answer)
    assert facts.go_error == "local error: tls: no renegotiation", answer
    assert facts.status == 0
    assert explain_message(facts.go_error).matched.id == "tls.local-error"


def _wait_listening(port: int) -> None:
    import socket
    import time

    until = time.monotonic() + 10
    while time.monotonic() < until:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listens on {port}")


# --- the size of a push: 413 seen without sending a body -----------------------------------------

@pytest.mark.parametrize(("limit", "status"), [
    (None, Status.WARN), ("1m", Status.WARN), ("10m", Status.PASS)])
def test_a_front_end_body_limit_is_seen_without_a_body_sent(pki, backend, tmp_path, limit,
                                                            status):
    # nginx refuses a request whose Content-Length exceeds client_max_body_size with 413 as soon
    # as it has the head (ngx_http_core_module); None: the directive left out, nginx's default.
    port = free_port()
    directive = f"client_max_body_size {limit};\n" if limit else ""
    http = (f"server {{ {_tls_server_block(pki, port)}\n{directive}"
            f"location / {{ proxy_pass http://127.0.0.1:{backend.port}; }} }}")
    received = len(backend.received)
    with nginx(tmp_path / "nginx", port, http=http):
        measured = judge(pki, port)
    result = measured.result("hec.body_limit")
    assert result.status is status, result
    assert result.data["size"] == 5_000_000
    if status is Status.WARN:
        assert "HTTP 413" in result.summary and "Request Entity Too Large" in result.summary
        assert "client_max_body_size" in result.detail
        assert measured.logpush.would_deliver is True  # the empty push itself goes through
    else:
        assert result.data["ready"] is True, result
    # Nothing of the large push reached HEC: nginx buffers a body before passing it on, and
    # none was sent.
    assert all(len(r.body) < 1000 for r in backend.received[received:])
    assert not any(r.method == "POST" and r.authorization is None
                   for r in backend.received[received:])


def test_the_body_limit_question_needs_the_probe(pki, backend, tmp_path):
    port = free_port()
    http = (f"server {{ {_tls_server_block(pki, port)}\nclient_max_body_size 1m;\n"
            f"location / {{ proxy_pass http://127.0.0.1:{backend.port}; }} }}")
    with nginx(tmp_path / "nginx", port, http=http):
        predicted = judge(pki, port, go_probe=False)
    result = predicted.result("hec.body_limit")
    assert result.status is Status.SKIP and "no Go probe" in result.summary


@pytest.mark.parametrize(("max_upload_bytes", "status", "size"), [
    (20_000_000, Status.WARN, "20 MB"), (0, Status.PASS, "5 MB")])
def test_a_jobs_own_batch_size_is_the_size_asked_about(pki, backend, tmp_path, max_upload_bytes,
                                                        status, size):
    # Behind nginx at 10m: a job whose batches may reach 20 MB is refused, where the smallest
    # batch size a job can set (asked when the job sets none: 0 disables it) is not.
    from hec_doctor.cloudflare.jobs import check_job

    port = free_port()
    http = (f"server {{ {_tls_server_block(pki, port)}\nclient_max_body_size 10m;\n"
            f"location / {{ proxy_pass http://127.0.0.1:{backend.port}; }} }}")
    conf = (f"splunk://{HOST}:{port}/services/collector/raw?channel=0f8c3ab4-1b7c-4c1e-9d2a-"
            f"5b6f7e8d9c0a&sourcetype=cloudflare:json&header_Authorization=Splunk%20{TOKEN}")
    job = {"id": 1, "dataset": "http_requests", "enabled": True, "destination_conf": conf,
           "max_upload_bytes": max_upload_bytes}
    with nginx(tmp_path / "nginx", port, http=http):
        report = check_job(job, Options(ca_file=pki["ca"], timeout_s=2, now=lambda: NOW,
                                        resolve=(ResolveOverride(HOST, port, "127.0.0.1"),)),
                           live=True)
    result = report.result("hec.body_limit")
    assert result.status is status and f"a push of {size}" in result.summary, result
    assert result.data["size_is"] == ("the job's max_upload_bytes" if max_upload_bytes
                                      else "the smallest max_upload_bytes a job can set")
