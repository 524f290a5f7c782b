"""HTTP/1.1 over the TLS connection hec-doctor judged: h11 for the protocol, our socket for I/O.

The probes reuse the very connection whose certificate chain ``tls.verify`` judged, so the token
goes exactly where the verdict applies, and a check costs one connection, not two. Every exchange
has one deadline for everything (a server trickling a byte a second still ends on time) and
reads at most ``MAX_REPLY_BYTES`` of body and ``MAX_HEADER_BYTES`` of head.
"""

from __future__ import annotations

import json
import socket
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from hec_doctor.net import deadline as clock
from hec_doctor.net.errors import Kind, TransportError

MAX_REPLY_BYTES = 64 * 1024
MAX_HEADER_BYTES = 64 * 1024
MAX_SHOWN = 300  # characters of a reply's body quoted in a report


@dataclass(frozen=True)
class Reply:
    """What an HTTP exchange returned, bounded and decoded.

    Attributes:
        status: the HTTP status code.
        headers: response headers, names lower-case.
        body: at most the first 64 KiB of the body.
        secrets: what was sent with the request; a server may echo it back, so every text taken
            from the reply for a report (``echo``, ``shown``) has them redacted.
        truncated: the body ended early: the connection closed, reset or stalled before the
            message was complete (fewer bytes than ``Content-Length`` said, or a chunked body
            without its last chunk). Such a reply proves nothing, whatever its first bytes say.
    """

    status: int
    headers: Mapping[str, str]
    body: bytes
    secrets: tuple[str, ...] = field(default=(), repr=False, compare=False)
    truncated: bool = False

    @property
    def truncation(self) -> str:
        """How the body was cut short, for a report ("" when it was not)."""
        if not self.truncated:
            return ""
        length = self.headers.get("content-length", "")
        said = f" of the {length} that Content-Length announced" if length.isdigit() else ""
        return f"the reply was cut short: {len(self.body)} bytes of body arrived{said}"

    def echo(self, text: str) -> str:
        """Text from this reply, fit for a report: secrets sent with the request redacted."""
        if not self.secrets:
            return text
        from hec_doctor.redact import redact_echo

        return redact_echo(text, self.secrets)

    @property
    def json(self) -> dict[str, object] | None:
        try:
            value = json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return None
        return value if isinstance(value, dict) else None

    @property
    def hec_code(self) -> int | None:
        doc = self.json
        code = doc.get("code") if doc else None
        return code if isinstance(code, int) and not isinstance(code, bool) else None

    @property
    def shown(self) -> str:
        """The body as safe one-line text for a report."""
        text = self.body[:MAX_SHOWN * 4].decode("utf-8", "replace")
        text = "".join(c if c.isprintable() else " " for c in text)
        text = self.echo(" ".join(text.split()))
        return text[:MAX_SHOWN] + ("…" if len(text) > MAX_SHOWN else "")


class TlsStream:
    """A client TLS connection driven through memory buffers over a socket we own."""

    def __init__(self, sock: socket.socket, tls: ssl.SSLObject, incoming: ssl.MemoryBIO,
                 outgoing: ssl.MemoryBIO) -> None:
        self.sock, self._tls = sock, tls
        self._incoming, self._outgoing = incoming, outgoing
        self.reusable = True
        self.exchanges = 0  # requests sent on this connection so far

    def _flush(self, deadline: float) -> None:
        while self._outgoing.pending:
            clock.send_all(self.sock, self._outgoing.read(), deadline)

    def send(self, data: bytes, deadline: float) -> None:
        try:
            self._tls.write(data)
            self._flush(deadline)
        except ssl.SSLError as exc:
            raise TransportError(Kind.PROTOCOL, f"TLS: {exc.reason or exc}",
                                 before_reply=True) from None
        except TransportError as exc:
            raise TransportError(exc.kind, str(exc), before_reply=True) from None

    def recv(self, deadline: float) -> bytes:
        """The next decrypted bytes; b"" when the server closed the connection."""
        while True:
            try:
                return self._tls.read(65536)
            except ssl.SSLWantReadError:
                pass
            except (ssl.SSLZeroReturnError, ssl.SSLEOFError):
                return b""
            except ssl.SSLError as exc:
                raise TransportError(Kind.PROTOCOL, f"TLS: {exc.reason or exc}") from None
            self._flush(deadline)
            data = clock.recv_some(self.sock, deadline)
            if data:
                self._incoming.write(data)
            elif self._incoming.eof:
                return b""  # EOF already given to TLS and it still wants more: nothing comes
            else:
                self._incoming.write_eof()

    def close(self) -> None:
        self.reusable = False
        self.sock.close()


def http_exchange(stream: TlsStream, method: str, target: str, headers: list[tuple[str, str]],
                  body: bytes, timeout_s: float) -> Reply:
    """Send one request and read its reply, all within ``timeout_s`` (I/O).

    Raises:
        TransportError: when no complete reply head arrived in time, or the reply is not HTTP.
    """
    import h11

    deadline = time.monotonic() + timeout_s
    connection = h11.Connection(our_role=h11.CLIENT, max_incomplete_event_size=MAX_HEADER_BYTES)
    framing = [("Content-Length", str(len(body)))] if method == "POST" or body else []
    try:
        outgoing = connection.send(h11.Request(method=method, target=target,
                                               headers=headers + framing))
        if body:
            outgoing += connection.send(h11.Data(data=body))
        outgoing += connection.send(h11.EndOfMessage())
    except h11.LocalProtocolError as exc:  # h11 refuses CR, LF and controls in the request
        raise TransportError(Kind.NOT_SENT, f"request not sent: {exc}") from None
    stream.exchanges += 1
    stream.send(outgoing, deadline)
    status, reply_headers, received = 0, {}, bytearray()
    got_bytes = closed = cut_short = bounded = False
    try:
        while True:
            event = connection.next_event()
            if event is h11.NEED_DATA:
                try:
                    data = stream.recv(deadline)
                except TransportError as exc:
                    stream.reusable = False
                    if status:  # the head arrived: keep what the body had so far
                        cut_short = True
                        break
                    if exc.kind is Kind.RESET and not got_bytes:
                        raise TransportError(exc.kind, str(exc), before_reply=True) from None
                    raise
                closed = closed or not data
                got_bytes = got_bytes or bool(data)
                connection.receive_data(data)
                continue
            if isinstance(event, h11.Response):
                # h11 bounds a head that arrives in pieces; one that arrives whole is measured
                # here, so the 64 KiB bound holds however the server sends it.
                head = sum(len(name) + len(value) + 4 for name, value in event.headers)
                if head + len(event.reason) > MAX_HEADER_BYTES:
                    stream.reusable = False
                    raise TransportError(Kind.TOO_LARGE, "the reply's head exceeds "
                                         f"{MAX_HEADER_BYTES // 1024} KiB")
                status = event.status_code
                reply_headers = {name.decode("latin-1").lower(): value.decode("latin-1")
                                 for name, value in event.headers}
            elif isinstance(event, h11.Data):
                received += event.data
                if len(received) >= MAX_REPLY_BYTES:
                    stream.reusable = False  # the rest is left unread: never reuse
                    bounded = True
                    break
            elif isinstance(event, (h11.EndOfMessage, h11.ConnectionClosed)):
                break
    except h11.RemoteProtocolError as exc:
        stream.reusable = False
        if status:  # the peer broke off the body ("peer closed connection without sending
            # complete message body"): what arrived is kept, marked as cut short
            return Reply(status, reply_headers, bytes(received[:MAX_REPLY_BYTES]),
                         truncated=True)
        if closed:
            raise TransportError(Kind.EOF, "the server closed the connection without replying",
                                 before_reply=not got_bytes) from None
        if exc.error_status_hint == 431:  # h11's "request header too large" hint: our bound
            raise TransportError(Kind.TOO_LARGE, "the reply's head exceeds "
                                 f"{MAX_HEADER_BYTES // 1024} KiB") from None
        raise TransportError(Kind.PROTOCOL, f"the reply is not valid HTTP ({exc})") from None
    if status == 0:
        stream.reusable = False
        raise TransportError(Kind.EOF, "the server closed the connection without replying",
                             before_reply=not got_bytes)
    if connection.our_state is not h11.DONE or connection.their_state is not h11.DONE:
        stream.reusable = False
        cut_short = cut_short or (not bounded and connection.their_state is h11.SEND_BODY)
    body = decoded_body(reply_headers, bytes(received[:MAX_REPLY_BYTES]))
    return Reply(status, reply_headers, body, truncated=cut_short)


def decoded_body(headers: Mapping[str, str], body: bytes) -> bytes:
    """The body as sent, unzipped when the server gzip-encoded it without being asked (the
    probes send no Accept-Encoding; Go's client asks for gzip and unzips, so a Logpush push
    reads such a reply fine). At most ``MAX_REPLY_BYTES`` come out; a body that does not unzip
    stays as it came."""
    if headers.get("content-encoding", "").strip().lower() != "gzip" or not body:
        return body
    import zlib

    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(body, MAX_REPLY_BYTES)
    except zlib.error:
        return body
