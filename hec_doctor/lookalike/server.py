"""The look-alike's server: a threaded HTTPS server on loopback that only moves bytes.

The protocol is ``protocol.answer`` (a pure function); this module reads requests, records
what it received (in memory only: requests hold tokens), and writes the replies.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

from hec_doctor.lookalike.protocol import (
    FAULTS,
    AckBook,
    HecConfig,
    HecReply,
    answer,
    fault_name,
)
from hec_doctor.redact import fingerprint

__all__ = ["FAULTS", "AckBook", "HecConfig", "HecReply", "HecRequestHandler", "HecServer",
           "ReceivedRequest", "answer", "fault_name"]


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


class HecRequestHandler(BaseHTTPRequestHandler):
    """One connection's requests: read, record, answer (the server is ``self.server.hec``)."""

    protocol_version = "HTTP/1.1"
    timeout = 10
    server: "_QuietServer"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # requests are recorded, not logged: the log would hold tokens

    def setup(self) -> None:
        # Headers and body leave in two writes; without this, Nagle's algorithm and the client's
        # delayed ACK add 40 ms to every reply.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().setup()

    def _handle(self) -> None:
        hec = self.server.hec
        config = hec.config
        try:
            length = max(0, int(self.headers.get("Content-Length") or 0))
        except ValueError:
            length = 0
        body = self.rfile.read(min(length, config.max_body + 1)) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        authorization = headers.get("authorization")
        hec.received.append(ReceivedRequest(self.command, self.path, authorization, body))
        if fault_name(config.fault) == "slow":
            time.sleep(config.slow_s)
        reply = answer(self.command, self.path, headers, body, config, hec.acks)
        # Kept before the reply leaves: a client that reads its reply can rely on finding its
        # events already recorded (and written to --events).
        token = (authorization or "").partition(" ")[2]
        for event in reply.events:
            hec.keep({"received": _utc_now(), "token": fingerprint(token), **event})
        self.send_response(reply.status)
        for name, value in reply.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    do_GET = do_POST = do_PUT = do_DELETE = _handle  # noqa: N815


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    connections = 0
    _count_lock = threading.Lock()
    hec: "HecServer"

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
        self.acks = AckBook()
        self._on_event = on_event
        self._httpd = _QuietServer((host, port), HecRequestHandler)
        self._httpd.hec = self
        if context is not None:
            self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True,
                                                     do_handshake_on_connect=False)
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.1}, daemon=True)

    def keep(self, event: dict[str, object]) -> None:
        """Record an accepted event (and pass it to ``on_event``)."""
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
        """Start serving (a second call does nothing)."""
        if self._thread.ident is None:
            self._thread.start()

    def close(self) -> None:
        if self._thread.is_alive():
            self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(2)


def _utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
