"""A Splunk HEC look-alike: answers as Splunk documents, for tests, the demo and users' own tests.

``answer`` is the whole protocol as a pure function (request in, reply out); ``HecServer`` only
moves bytes: a threaded HTTPS server on loopback that records what it received.
"""

from __future__ import annotations

import json
import re
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Mapping
from urllib.parse import parse_qs, urlsplit

from hec_doctor.redact import fingerprint

_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
EVENT_PATHS = ("/services/collector", "/services/collector/event",
               "/services/collector/event/1.0")
RAW_PATHS = ("/services/collector/raw", "/services/collector/raw/1.0")
HEALTH_PATHS = ("/services/collector/health", "/services/collector/health/1.0")
# The faults the look-alike can play, by their documented (hyphenated) names; the same names with
# underscores are accepted everywhere too (the CLI, HecConfig, the pytest marker, set_fault).
FAULTS = ("busy", "unhealthy", "disabled-token", "incorrect-index", "slow", "proxy-502",
          "redirect", "html")


def fault_name(name: str | None) -> str | None:
    """A fault's documented name (``disabled_token`` gives ``disabled-token``), or None.

    Raises:
        ValueError: for a name that is no fault.
    """
    if name is None:
        return None
    canonical = name.strip().lower().replace("_", "-")
    if canonical not in FAULTS:
        raise ValueError(f"unknown fault {name!r}; choose from {', '.join(FAULTS)}")
    return canonical


@dataclass
class HecConfig:
    """What the look-alike accepts.

    Attributes:
        tokens: token -> ``enabled``, ``disabled`` or ``ack`` (indexer acknowledgement on).
        fault: None, or one of FAULTS (hyphens or underscores).
        max_body: bytes accepted in one request (Splunk's max_content_length).
        slow_s: how long the ``slow`` fault waits before each reply.
    """

    tokens: dict[str, str] = field(default_factory=dict)
    fault: str | None = None
    max_body: int = 1_000_000
    slow_s: float = 2.0


@dataclass(frozen=True)
class HecReply:
    """One reply; ``events`` holds what a successful post would have indexed."""

    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()
    events: tuple[dict[str, object], ...] = ()


def _json(status: int, text: str, code: int, **extra: object) -> HecReply:
    document = {"text": text, "code": code, **extra}
    body = json.dumps(document, separators=(",", ":")).encode()  # compact, as Splunk writes it
    return HecReply(status, body, (("Content-Type", "application/json"),))


class AckBook:
    """Acknowledgement ids per channel, as a useACK token's channel hands them out."""

    def __init__(self) -> None:
        self._issued: dict[str, int] = {}
        self._lock = threading.Lock()

    def issue(self, channel: str) -> int:
        with self._lock:
            value = self._issued.get(channel, 0)
            self._issued[channel] = value + 1
            return value

    def status(self, channel: str, ack_ids: list[object]) -> dict[str, bool]:
        with self._lock:
            issued = self._issued.get(channel, 0)
        # Everything issued is reported indexed at once: the look-alike has no indexing lag.
        return {str(i): isinstance(i, int) and 0 <= i < issued for i in ack_ids}


def answer(method: str, target: str, headers: Mapping[str, str], body: bytes,
           config: HecConfig, acks: AckBook | None = None) -> HecReply:
    """Splunk's reply to one request (header names lower-case)."""
    parts = urlsplit(target)
    path, query = parts.path, parse_qs(parts.query)
    fault = fault_name(config.fault)
    acks = acks if acks is not None else AckBook()
    channel = (query.get("channel") or [headers.get("x-splunk-request-channel", "")])[0]
    if fault == "proxy-502":
        return HecReply(502, b"<html><body><h1>502 Bad Gateway</h1></body></html>",
                        (("Content-Type", "text/html"),))
    if fault == "redirect":
        return HecReply(303, b"", (("Location", "/en-US/account/login?return_to=%2F"),))
    if path in HEALTH_PATHS:
        if fault == "unhealthy":
            return _json(503, "HEC is unhealthy, queues are full", 18)
        return _json(200, "HEC is healthy", 17)
    if path == "/services/collector/ack" and method == "POST":
        token_error, state = _authorise(headers, config)
        if token_error is not None:
            return token_error
        if state != "ack":
            return _json(400, "ACK is disabled", 14)
        if not channel:
            return _json(400, "Data channel is missing", 10)
        try:
            ack_ids = json.loads(body)["acks"]
            assert isinstance(ack_ids, list)
        except (ValueError, TypeError, KeyError, AssertionError):
            return _json(400, "Invalid data format", 6)
        document = {"acks": acks.status(channel, ack_ids)}
        return HecReply(200, json.dumps(document, separators=(",", ":")).encode(), (("Content-Type", "application/json"),))
    if path not in RAW_PATHS + EVENT_PATHS:
        if fault == "html":
            return HecReply(404, b"<!doctype html><title>Not found</title>",
                            (("Content-Type", "text/html"),))
        return _json(404, "The requested URL was not found on this server.", 404)
    if method != "POST":
        return _json(400, "Invalid data format", 6)
    if fault in ("busy", "unhealthy"):  # full queues refuse data as well as health
        return HecReply(503, b'{"text":"Server is busy","code":9}',
                        (("Content-Type", "application/json"), ("Retry-After", "30")))
    token_error, state = _authorise(headers, config)
    if token_error is not None:
        return token_error
    if state == "ack" and not channel:
        return _json(400, "Data channel is missing", 10)
    if channel and not _GUID.fullmatch(channel):
        return _json(400, "Invalid data channel", 11)
    if not body.strip():
        return _json(400, "No data", 5)
    if len(body) > config.max_body:
        return HecReply(413, b"Content-Length of request exceeds max_content_length",
                        (("Content-Type", "text/plain"),))
    if fault == "incorrect-index" or query.get("index") == ["forbidden"]:
        return _json(400, "Incorrect index", 7, **{"invalid-event-number": 0})
    defaults = {name: query[name][0] for name in ("index", "sourcetype", "source", "host")
                if name in query}
    if path in EVENT_PATHS:
        events, failure = _json_events(body, defaults)
        if failure is not None:
            return failure
    else:
        events = _raw_events(body, defaults)
    if channel:
        events = [{"channel": channel, **event} for event in events]
    extra = {"ackId": acks.issue(channel)} if state == "ack" else {}
    reply = _json(200, "Success", 0, **extra)
    return HecReply(reply.status, reply.body, reply.headers, tuple(events))


def _raw_events(body: bytes, defaults: dict[str, str]) -> list[dict[str, object]]:
    text = body.decode("utf-8", "replace")
    return [{"endpoint": "raw", "index": "main", **defaults, "event": line}
            for line in text.splitlines() if line.strip()]


def _json_events(body: bytes, defaults: dict[str, str]
                 ) -> tuple[list[dict[str, object]], HecReply | None]:
    """Splunk's /event body: JSON objects one after another, each with an ``event`` field."""
    decoder = json.JSONDecoder()
    text = body.decode("utf-8", "replace")
    events: list[dict[str, object]] = []
    position = 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position == len(text):
            return events, None
        number = {"invalid-event-number": len(events)}
        try:
            document, position = decoder.raw_decode(text, position)
        except ValueError:
            return [], _json(400, "Invalid data format", 6, **number)
        if not isinstance(document, dict) or "event" not in document:
            return [], _json(400, "Event field is required", 12, **number)
        if document["event"] in ("", None):
            return [], _json(400, "Event field cannot be blank", 13, **number)
        fields = {k: document[k] for k in ("index", "sourcetype", "source", "host", "time",
                                           "fields") if k in document}
        events.append({"endpoint": "event", "index": "main", **defaults, **fields,
                       "event": document["event"]})


def _authorise(headers: Mapping[str, str], config: HecConfig) -> tuple[HecReply | None, str]:
    fault = fault_name(config.fault)
    value = headers.get("authorization")
    if value is None:
        return _json(401, "Token is required", 2), ""
    scheme, _, token = value.partition(" ")
    if scheme != "Splunk" or not token:
        return _json(401, "Invalid authorization", 3), ""
    state = config.tokens.get(token)
    if state is None:
        return _json(403, "Invalid token", 4), ""
    if state == "disabled" or fault == "disabled-token":
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
    connections = 0
    _count_lock = threading.Lock()

    def verify_request(self, request: object, client_address: object) -> bool:
        with self._count_lock:
            self.connections += 1
        return True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that aborts its handshake (as a verifying client should) is no news


EventSink = Callable[[dict[str, object]], None]


class HecServer:
    """A threaded HTTPS (or, for tests of what must never happen, plain HTTP) HEC look-alike.

    Every request is kept in ``received`` (in memory only: it holds tokens) and every event a
    successful post carried in ``events``, each also passed to ``on_event`` when given. An event
    names its token by fingerprint only, so it can be printed or written to a file.
    """

    def __init__(self, config: HecConfig, context: ssl.SSLContext | None,
                 host: str = "127.0.0.1", port: int = 0,
                 on_event: EventSink | None = None) -> None:
        self.config = config
        self.received: list[ReceivedRequest] = []
        self.events: list[dict[str, object]] = []
        self._acks = AckBook()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = 10

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass  # requests are recorded, not logged: the log would hold tokens

            def setup(self) -> None:
                # Headers and body leave in two writes; without this, Nagle's algorithm and the
                # client's delayed ACK add 40 ms to every reply.
                self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                super().setup()

            def _handle(self) -> None:
                try:
                    length = max(0, int(self.headers.get("Content-Length") or 0))
                except ValueError:
                    length = 0
                body = self.rfile.read(min(length, config.max_body + 1)) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                authorization = headers.get("authorization")
                server.received.append(ReceivedRequest(self.command, self.path, authorization,
                                                       body))
                if fault_name(config.fault) == "slow":
                    time.sleep(config.slow_s)
                reply = answer(self.command, self.path, headers, body, config, server._acks)
                # Kept before the reply leaves: a client that reads its reply can rely on
                # finding its events already recorded (and written to --events).
                token = (authorization or "").partition(" ")[2]
                for event in reply.events:
                    server._keep({"received": _utc_now(), "token": fingerprint(token),
                                  **event})
                self.send_response(reply.status)
                for name, value in reply.headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            do_GET = do_POST = do_PUT = do_DELETE = _handle  # noqa: N815

        self._on_event = on_event
        self._httpd = _QuietServer((host, port), Handler)
        self._httpd.daemon_threads = True
        if context is not None:
            self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True,
                                                     do_handshake_on_connect=False)
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.1}, daemon=True)

    def _keep(self, event: dict[str, object]) -> None:
        self.events.append(event)
        if self._on_event is not None:
            self._on_event(event)

    @property
    def host(self) -> str:
        return str(self._httpd.server_address[0])

    @property
    def connections(self) -> int:
        """TCP connections accepted so far."""
        return self._httpd.connections

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def __enter__(self) -> "HecServer":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        if self._thread.is_alive():
            self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(2)


def _utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
