"""The look-alike against Splunk HEC's documented and measured behaviour, from real HTTP clients
and raw sockets: the fixtures users test their shippers with must not pass what Splunk refuses
or refuse what Splunk takes.

Sources: Splunk's "Format events for HTTP Event Collector" (the three ways to authenticate);
inputs.conf.spec ([http://name]: allowQueryStringAuth, indexes, useACK); limits.conf
[http_input] max_content_length; and a public HEC conformance suite's probes of
splunk/splunk:10.4.3 (2026-09-25/26: gzip, deflate, per-object codes, ack ids, OPTIONS, 405).
"""

from __future__ import annotations

import base64
import gzip
import json
import socket
import ssl
import uuid
import zlib

import httpx
import pytest

from hec_doctor.lookalike.protocol import TokenSettings, parse_token_spec
from tests.helpers import invoke

EVENT = "/services/collector/event"
RAW = "/services/collector/raw"


def client(server) -> httpx.Client:
    return httpx.Client(base_url=server.base_url, verify=ssl.create_default_context(
        cafile=server.ca_file), timeout=5, trust_env=False)


def auth(server, token: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Splunk {token or server.token}"}


def raw_exchange(server, data: bytes, *, read_until_close: bool = True) -> bytes:
    """Bytes sent on one TLS connection, and everything the server answered until it closed."""
    context = ssl.create_default_context(cafile=server.ca_file)
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as plain:
        with context.wrap_socket(plain, server_hostname="127.0.0.1") as tls:
            tls.sendall(data)
            reply = b""
            while True:
                chunk = tls.recv(65536)
                if not chunk:
                    return reply
                reply += chunk
                if not read_until_close and b"\r\n\r\n" in reply:
                    return reply


# --- bodies: gzip, other encodings, chunked --------------------------------------------------

@pytest.mark.parametrize("path", [EVENT, RAW])
def test_gzip_bodies_are_decompressed(hec_server, path):
    body = b'{"event": "zipped"}' if path == EVENT else b"zipped line"
    with client(hec_server) as c:
        reply = c.post(path, content=gzip.compress(body),
                       headers={**auth(hec_server), "Content-Encoding": "gzip"})
    assert reply.json() == {"text": "Success", "code": 0}
    assert hec_server.events[-1]["event"] in ("zipped", "zipped line")


def test_deflate_is_refused_as_splunk_does(hec_server):
    with client(hec_server) as c:
        reply = c.post(RAW, content=zlib.compress(b"x"),
                       headers={**auth(hec_server), "Content-Encoding": "deflate"})
    assert reply.status_code == 415 and reply.headers["content-type"].startswith("text/html")
    assert hec_server.events == []


def test_chunked_bodies_are_bodies_and_the_connection_goes_on(hec_server):
    token = hec_server.token
    request = (f"POST {RAW} HTTP/1.1\r\nHost: x\r\nAuthorization: Splunk {token}\r\n"
               "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
               f"GET /services/collector/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    reply = raw_exchange(hec_server, request.encode())
    assert reply.count(b"HTTP/1.1 200") == 2
    assert b'"code":0' in reply and b'"code":17' in reply
    assert [e["event"] for e in hec_server.events] == ["hello world"]


# --- authentication -------------------------------------------------------------------------

def test_basic_authentication_with_the_token_as_password(hec_server):
    with client(hec_server) as c:
        good = c.post(RAW, content=b"a", auth=("x", hec_server.token))
        wrong = c.post(RAW, content=b"a", auth=("x", str(uuid.uuid4())))
        empty = c.post(RAW, content=b"a", headers={
            "Authorization": "Basic " + base64.b64encode(b"x:").decode()})
    assert good.json()["code"] == 0
    assert wrong.json()["code"] == 4
    assert empty.json()["code"] == 3


def test_query_string_token_needs_allow_query_string_auth(hec_server_factory):
    plain, allowed = str(uuid.uuid4()), str(uuid.uuid4())
    server = hec_server_factory(tokens={plain: "enabled",
                                        allowed: TokenSettings(query_auth=True)})
    with client(server) as c:
        refused = c.post(f"{RAW}?token={plain}", content=b"a")
        taken = c.post(f"{RAW}?token={allowed}", content=b"a")
        # inputs.conf.spec: the query-string token "takes precedence, even if this feature is
        # disabled", whatever the header says.
        precedence = c.post(f"{RAW}?token={plain}", content=b"a", headers=auth(server, allowed))
    assert refused.status_code == 400 and refused.json() == {
        "text": "Query string authorization is not enabled", "code": 16}
    assert taken.json()["code"] == 0
    assert precedence.json()["code"] == 16


# --- /event objects ---------------------------------------------------------------------------

@pytest.mark.parametrize(("obj", "code"), [
    ({"event": "x", "fields": {"nested": {"a": 1}}}, 15),
    ({"event": "x", "fields": {"list": [{"a": 1}]}}, 15),
    ({"event": "x", "fields": {"multi": ["a", "b"], "n": 1}}, 0),
    ({"event": None}, 6), ({"event": False}, 6), ({"event": " "}, 13),
    ({"event": {}}, 0), ({"event": 0}, 0), ({"fields": {"a": 1}}, 12),
])
def test_event_objects_are_judged_as_splunk_does(hec_server, obj, code):
    body = json.dumps({"event": "first"}) + json.dumps(obj)
    with client(hec_server) as c:
        reply = c.post(EVENT, content=body.encode(), headers=auth(hec_server)).json()
    assert reply["code"] == code
    if code:
        assert reply["invalid-event-number"] == 1


# --- size -------------------------------------------------------------------------------------

def test_over_max_content_length_is_413_and_a_clean_close(hec_server_factory):
    server = hec_server_factory(max_body=1000)
    head = (f"POST {RAW} HTTP/1.1\r\nHost: x\r\nAuthorization: Splunk {server.token}\r\n"
            "Content-Length: 5000\r\n\r\n").encode()
    reply = raw_exchange(server, head + b"a" * 5000 + f"GET {RAW} HTTP/1.1\r\n\r\n".encode())
    assert reply.startswith(b"HTTP/1.1 413 ")
    assert b"Connection: close" in reply
    assert reply.count(b"HTTP/1.1") == 1  # no reply to the unread bytes (no 414, no HTML)
    assert server.events == []


def test_splunks_default_max_content_length():
    from hec_doctor.lookalike.protocol import HecConfig

    assert HecConfig().max_body == 838_860_800  # limits.conf [http_input]


# --- indexer acknowledgement -------------------------------------------------------------------

def test_ack_ids_are_forgotten_once_reported_and_kept_per_token(hec_server_factory):
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    server = hec_server_factory(tokens={first: "ack", second: "ack"})
    channel = str(uuid.uuid4())
    with client(server) as c:
        ids = [c.post(f"{RAW}?channel={channel}", content=b"a",
                      headers=auth(server, first)).json()["ackId"] for _ in range(2)]
        poll = {"acks": [0, 1, 5]}
        once = c.post(f"/services/collector/ack?channel={channel}", json=poll,
                      headers=auth(server, first)).json()
        again = c.post(f"/services/collector/ack?channel={channel}", json=poll,
                       headers=auth(server, first)).json()
        other = c.post(f"/services/collector/ack?channel={channel}", json={"acks": [0]},
                       headers=auth(server, second)).json()
    assert ids == [0, 1]
    assert once == {"acks": {"0": True, "1": True, "5": False}}
    assert again == {"acks": {"0": False, "1": False, "5": False}}
    assert other == {"acks": {"0": False}}


# --- indexes ----------------------------------------------------------------------------------

def test_indexes_known_allowed_and_default(hec_server_factory):
    plain, limited = str(uuid.uuid4()), str(uuid.uuid4())
    server = hec_server_factory(indexes=["web"], tokens={
        plain: "enabled", limited: TokenSettings(index="web", indexes=("web",))})
    with client(server) as c:
        known = c.post(f"{RAW}?index=web", content=b"a", headers=auth(server, plain)).json()
        unknown = c.post(EVENT, content=b'{"event": "a", "index": "nope"}',
                         headers=auth(server, plain)).json()
        outside = c.post(f"{RAW}?index=main", content=b"a", headers=auth(server, limited)).json()
        default = c.post(RAW, content=b"d", headers=auth(server, limited)).json()
    assert known["code"] == 0 and default["code"] == 0
    assert unknown == {"text": "Incorrect index", "code": 7, "invalid-event-number": 0}
    assert outside["code"] == 7
    assert server.events[-1]["index"] == "web"


# --- busy --------------------------------------------------------------------------------------

def test_busy_checks_the_token_first_and_sends_retry_after_only_when_asked(hec_server_factory):
    server = hec_server_factory(fault="busy")
    asked = hec_server_factory(fault="busy", retry_after=7)
    with client(server) as c:
        wrong = c.post(RAW, content=b"a", headers=auth(server, str(uuid.uuid4())))
        busy = c.post(RAW, content=b"a", headers=auth(server))
    with client(asked) as c:
        told = c.post(RAW, content=b"a", headers=auth(asked))
    assert wrong.json()["code"] == 4
    assert busy.status_code == 503 and "retry-after" not in busy.headers
    assert told.headers["retry-after"] == "7"


# --- the HTTP around it -------------------------------------------------------------------------

def test_splunkd_headers(hec_server):
    with client(hec_server) as c:
        reply = c.post(RAW, content=b"a", headers=auth(hec_server))
    assert reply.headers["server"] == "Splunkd"
    assert reply.headers["content-type"] == "application/json; charset=UTF-8"
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.headers["x-frame-options"] == "SAMEORIGIN"
    assert "date" in reply.headers


def test_http_1_0_gets_one_reply_and_a_close(hec_server):
    request = (f"POST {RAW} HTTP/1.0\r\nAuthorization: Splunk {hec_server.token}\r\n"
               "Content-Length: 1\r\n\r\na").encode()
    reply = raw_exchange(hec_server, request)  # returns only once the server closed
    assert b" 200 " in reply.split(b"\r\n", 1)[0] and b'"code":0' in reply


def test_expect_100_continue(hec_server):
    head = (f"POST {RAW} HTTP/1.1\r\nHost: x\r\nAuthorization: Splunk {hec_server.token}\r\n"
            "Content-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n").encode()
    context = ssl.create_default_context(cafile=hec_server.ca_file)
    with socket.create_connection(("127.0.0.1", hec_server.port), timeout=5) as plain:
        with context.wrap_socket(plain, server_hostname="127.0.0.1") as tls:
            tls.sendall(head)
            assert tls.recv(1024).startswith(b"HTTP/1.1 100 Continue")
            tls.sendall(b"hello")
            reply = b""
            while chunk := tls.recv(65536):
                reply += chunk
    assert b'"code":0' in reply


def test_methods_other_than_post(hec_server):
    with client(hec_server) as c:
        get = c.get(EVENT, headers=auth(hec_server))
        options = c.options(EVENT)
        health_options = c.options("/services/collector/health")
    assert get.status_code == 405
    assert options.status_code == 200 and options.headers["allow"] == "POST,OPTIONS"
    assert health_options.headers["allow"] == "GET,HEAD,OPTIONS"


@pytest.mark.hec_server(fault="html")
def test_html_fault_answers_html_everywhere_and_check_cannot_say_would_deliver(hec_server):
    with client(hec_server) as c:
        for path in ("/services/collector/health", RAW, EVENT):
            reply = c.post(path, content=b"a", headers=auth(hec_server)) if path != \
                "/services/collector/health" else c.get(path)
            assert reply.headers["content-type"].startswith("text/html")
    result = invoke("check", "--ca-file", hec_server.ca_file, "--format", "json-report",
                    hec_server.destination_conf)
    assert json.loads(result.stdout)["logpush"]["would_deliver"] is not True


# --- serve's token options ------------------------------------------------------------------

@pytest.mark.parametrize(("spec", "token", "settings"), [
    ("t1", "t1", TokenSettings()),
    ("t1:ack,query-auth", "t1", TokenSettings(state="ack", query_auth=True)),
    ("t1:index=web,indexes=web|ops", "t1", TokenSettings(index="web", indexes=("web", "ops"))),
])
def test_token_specs(spec, token, settings):
    assert parse_token_spec(spec) == (token, settings)


def test_a_bad_token_option_is_one_line_and_exit_2():
    result = invoke("serve", "--port", "0", "--token", "t1:bogus")
    assert result.exit_code == 2
    assert "unknown token option 'bogus'" in result.stderr
