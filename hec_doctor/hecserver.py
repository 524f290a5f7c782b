"""A Splunk HEC look-alike: answers as Splunk documents, for tests, the demo and users' own tests.

``answer`` is the whole protocol as a pure function (request in, reply out); ``HecServer`` only
moves bytes: a threaded HTTPS server on loopback that records what it received.
"""

from __future__ import annotations

import json
import re
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Mapping
from urllib.parse import parse_qs, urlsplit

_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
EVENT_PATHS = ("/services/collector", "/services/collector/event",
               "/services/collector/event/1.0")
RAW_PATHS = ("/services/collector/raw", "/services/collector/raw/1.0")
HEALTH_PATHS = ("/services/collector/health", "/services/collector/health/1.0")
FAULTS = ("busy", "unhealthy", "incorrect_index", "slow", "proxy_502", "redirect", "html")
SLOW_REPLY_S = 2.0


@dataclass
class HecConfig:
    """What the look-alike accepts.

    Attributes:
        tokens: token -> ``enabled``, ``disabled`` or ``ack`` (indexer acknowledgement on).
        fault: None, or one of FAULTS.
        max_body: bytes accepted in one request (Splunk's max_content_length).
    """

    tokens: dict[str, str] = field(default_factory=dict)
    fault: str | None = None
    max_body: int = 1_000_000


@dataclass(frozen=True)
class HecReply:
    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


def _json(status: int, text: str, code: int, **extra: object) -> HecReply:
    document = {"text": text, "code": code, **extra}
    return HecReply(status, json.dumps(document).encode(), (("Content-Type", "application/json"),))


class _AckCounter:
    def __init__(self) -> None:
        self._next = 0
        self._lock = threading.Lock()

    def take(self) -> int:
        with self._lock:
            value, self._next = self._next, self._next + 1
            return value


def answer(method: str, target: str, headers: Mapping[str, str], body: bytes,
           config: HecConfig, acks: _AckCounter | None = None) -> HecReply:
    """Splunk's reply to one request (header names lower-case)."""
    parts = urlsplit(target)
    path, query = parts.path, parse_qs(parts.query)
    if config.fault == "proxy_502":
        return HecReply(502, b"<html><body><h1>502 Bad Gateway</h1></body></html>",
                        (("Content-Type", "text/html"),))
    if config.fault == "redirect":
        return HecReply(303, b"", (("Location", "/en-US/account/login?return_to=%2F"),))
    if path in HEALTH_PATHS:
        if config.fault == "unhealthy":
            return _json(503, "HEC is unhealthy, queues are full", 18)
        return _json(200, "HEC is healthy", 17)
    if path == "/services/collector/ack" and method == "POST":
        token_error, state = _authorise(headers, config)
        if token_error is not None:
            return token_error
        if state != "ack":
            return _json(400, "ACK is disabled", 14)
        return HecReply(200, b'{"acks":{}}', (("Content-Type", "application/json"),))
    if path not in RAW_PATHS + EVENT_PATHS:
        if config.fault == "html":
            return HecReply(404, b"<!doctype html><title>Not found</title>",
                            (("Content-Type", "text/html"),))
        return _json(404, "The requested URL was not found on this server.", 404)
    if method != "POST":
        return _json(400, "Invalid data format", 6)
    if config.fault == "busy":
        return HecReply(503, b'{"text":"Server is busy","code":9}',
                        (("Content-Type", "application/json"), ("Retry-After", "30")))
    token_error, state = _authorise(headers, config)
    if token_error is not None:
        return token_error
    channel = (query.get("channel") or [headers.get("x-splunk-request-channel", "")])[0]
    if state == "ack" and not channel:
        return _json(400, "Data channel is missing", 10)
    if channel and not _GUID.fullmatch(channel):
        return _json(400, "Invalid data channel", 11)
    if not body.strip():
        return _json(400, "No data", 5)
    if len(body) > config.max_body:
        return HecReply(413, b"Content-Length of request exceeds max_content_length",
                        (("Content-Type", "text/plain"),))
    if config.fault == "incorrect_index" or query.get("index") == ["forbidden"]:
        return _json(400, "Incorrect index", 7, **{"invalid-event-number": 0})
    if path in EVENT_PATHS:
        try:
            document = json.loads(body.splitlines()[0])
        except ValueError:
            return _json(400, "Invalid data format", 6, **{"invalid-event-number": 0})
        if not isinstance(document, dict) or "event" not in document:
            return _json(400, "Event field is required", 12, **{"invalid-event-number": 0})
    if state == "ack":
        return _json(200, "Success", 0, ackId=(acks or _AckCounter()).take())
    return _json(200, "Success", 0)


def _authorise(headers: Mapping[str, str], config: HecConfig) -> tuple[HecReply | None, str]:
    value = headers.get("authorization")
    if value is None:
        return _json(401, "Token is required", 2), ""
    scheme, _, token = value.partition(" ")
    if scheme != "Splunk" or not token:
        return _json(401, "Invalid authorization", 3), ""
    state = config.tokens.get(token)
    if state is None:
        return _json(403, "Invalid token", 4), ""
    if state == "disabled":
        return _json(403, "Token disabled", 1), ""
    return None, state


@dataclass(frozen=True)
class ReceivedRequest:
    """What the look-alike received (kept in memory, never printed).

    Attributes:
        method: the HTTP method.
        target: the request target (path and query).
        authorization: the Authorization header, or None.
        body: the body.
    """

    method: str
    target: str
    authorization: str | None
    body: bytes


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that aborts its handshake (as a verifying client should) is no news


class HecServer:
    """A threaded HTTPS (or, for tests of what must never happen, plain HTTP) HEC look-alike."""

    def __init__(self, config: HecConfig, context: ssl.SSLContext | None,
                 host: str = "127.0.0.1", port: int = 0) -> None:
        self.config = config
        self.received: list[ReceivedRequest] = []
        self._acks = _AckCounter()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = 10

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass  # requests are recorded, not logged: the log would hold tokens

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(min(length, config.max_body + 1)) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                server.received.append(ReceivedRequest(
                    self.command, self.path, headers.get("authorization"), body))
                if config.fault == "slow":
                    time.sleep(SLOW_REPLY_S)
                reply = answer(self.command, self.path, headers, body, config, server._acks)
                self.send_response(reply.status)
                for name, value in reply.headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            do_GET = do_POST = do_PUT = do_DELETE = _handle  # noqa: N815

        self._httpd = _QuietServer((host, port), Handler)
        self._httpd.daemon_threads = True
        if context is not None:
            self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True,
                                                     do_handshake_on_connect=False)
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.1}, daemon=True)

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def __enter__(self) -> "HecServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(2)
