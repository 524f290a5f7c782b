"""The look-alike's server: a threaded HTTPS server on loopback that only moves bytes.

The protocol is ``protocol.answer`` (a pure function); this module reads requests, records
what it received (in memory only: requests hold tokens), and writes the replies.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from hec_doctor.lookalike.protocol import (
    FAULTS,
    AckBook,
    HecConfig,
    HecReply,
    TokenSettings,
    answer,
    code_reply,
    fault_name,
)
from hec_doctor.redact import fingerprint

# What splunkd sends with every reply (a captured splunkd reply: Date, X-Content-Type-Options,
# X-Frame-Options, Server: Splunkd); Date and Server come from the handler itself.
SPLUNKD_HEADERS = (("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "SAMEORIGIN"))


def _gunzip(data: bytes, limit: int) -> bytes | None:
    """A gzip body decompressed, or None when it inflates past ``limit`` (a bomb stops there)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    plain = inflater.decompress(data, limit + 1)
    if len(plain) > limit:
        return None
    if not inflater.eof:
        raise EOFError("truncated gzip body")
    return plain


__all__ = ["FAULTS", "AckBook", "HecConfig", "HecReply", "HecRequestHandler", "HecServer",
           "ReceivedRequest", "TokenSettings", "answer", "fault_name"]


class _Incomplete(Exception):
    """The connection ended before the request's body was whole."""


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
    server: _QuietServer

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
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            body, refusal = self._body(headers, config.max_body)
        except _Incomplete:
            # The client closed before its body was whole (as hec-doctor's body-limit question
            # does once asked for the body): no request was made, so nothing is recorded or
            # answered (RFC 9112 section 8: an incomplete message is not processed).
            self.close_connection = True
            return
        authorization = headers.get("authorization")
        hec.received.append(ReceivedRequest(self.command, self.path, authorization, body))
        if refusal is None and fault_name(config.fault) == "slow":
            time.sleep(config.slow_s)
        reply = refusal or answer(self.command, self.path, headers, body, config, hec.acks)
        # Kept before the reply leaves: a client that reads its reply can rely on finding its
        # events already recorded (and written to --events).
        token = (authorization or "").partition(" ")[2]
        for event in reply.events:
            hec.keep({"received": _utc_now(), "token": fingerprint(token), **event})
        if reply.close:
            self.close_connection = True
        self.send_response(reply.status)
        for name, value in (*reply.headers, *SPLUNKD_HEADERS):
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        if reply.close:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)

    def version_string(self) -> str:
        return "Splunkd"

    def _body(self, headers: dict[str, str], limit: int) -> tuple[bytes, HecReply | None]:
        """The request body, de-chunked and decompressed, or the reply refusing it.

        A body over ``limit`` is refused with 413 before it is read, and the connection is then
        closed (the unread bytes must not be taken for the next request). gzip bodies are
        decompressed (Splunk indexes them on /event and /raw); other encodings get 415, as
        Splunk answers deflate (both measured on splunk/splunk:10.4.3 by a public HEC
        conformance suite, 2026-09-25).
        """
        too_large = HecReply(413, b"Content-Length of request exceeds max_content_length",
                             (("Content-Type", "text/plain"),), close=True)
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body = self._chunks(limit)
            if body is None:
                return b"", too_large
        else:
            try:
                length = max(0, int(headers.get("content-length") or 0))
            except ValueError:
                length = 0
            if length > limit:
                return b"", too_large
            body = self.rfile.read(length) if length else b""
            if len(body) < length:
                raise _Incomplete
        encoding = headers.get("content-encoding", "identity").strip().lower()
        if encoding in ("", "identity"):
            return body, None
        if encoding != "gzip":
            return body, HecReply(415, b"<html><body>Unsupported Media Type</body></html>",
                                  (("Content-Type", "text/html"),))
        try:
            plain = _gunzip(body, limit)
        except (OSError, EOFError, zlib.error):
            # What Splunk answers a corrupt gzip body was not measured; code 6 ("Invalid data
            # format") is the look-alike's choice, from the shared code table.
            return body, code_reply(6)
        return (plain, None) if plain is not None else (b"", too_large)

    def _chunks(self, limit: int) -> bytes | None:
        """A chunked body (RFC 9112 section 7.1), or None once it passes ``limit``."""
        body = bytearray()
        while True:
            size_line = self.rfile.readline(1024)
            try:
                size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
            except ValueError:
                size = 0
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass  # trailer fields
                return bytes(body)
            if len(body) + size > limit:
                return None
            body += self.rfile.read(size)
            self.rfile.readline(8)  # the CRLF after the chunk

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = _handle  # noqa: N815


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    connections = 0
    _count_lock = threading.Lock()
    hec: HecServer

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

    def use_certificate(self, chain: list[Any], key: Any) -> None:
        """Serve ``chain`` (leaf first, ``pki.Issued``) from the next handshake on."""
        from hec_doctor.lookalike.pki import load_chain

        context = getattr(self._httpd.socket, "context", None)
        if context is None:
            raise ValueError("a plain-HTTP look-alike has no certificate")
        load_chain(context, chain, key)

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

    def __enter__(self) -> HecServer:
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
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
