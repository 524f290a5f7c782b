"""HTTP/1.1 over the TLS connection hec-doctor judged: h11 for the protocol, our socket for I/O.

The probes reuse the very connection whose certificate chain ``tls.verify`` judged, so the token
goes exactly where the verdict applies, and a check costs one connection, not two. Every exchange
has one deadline for everything (a server trickling a byte a second still ends on time) and
reads at most ``MAX_REPLY_BYTES`` of body and ``MAX_HEADER_BYTES`` of head.
"""

from __future__ import annotations

import socket
import ssl
import time

from hec_doctor.hec_replies import Reply

MAX_REPLY_BYTES = 64 * 1024
MAX_HEADER_BYTES = 64 * 1024


class WireError(Exception):
    """No (complete) HTTP reply: timeout, reset, EOF, or a reply that is not HTTP.

    ``before_reply`` is True when the server closed or reset the connection before a single
    byte of reply: on a kept-alive connection, the sign of an idle connection dropped.
    """

    def __init__(self, message: str, *, before_reply: bool = False) -> None:
        super().__init__(message)
        self.before_reply = before_reply


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
            self.sock.settimeout(_remaining(deadline))
            self.sock.sendall(self._outgoing.read())

    def send(self, data: bytes, deadline: float) -> None:
        try:
            self._tls.write(data)
            self._flush(deadline)
        except (OSError, ssl.SSLError) as exc:
            raise WireError(_describe(exc), before_reply=True) from None

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
                raise WireError(_describe(exc)) from None
            try:
                self._flush(deadline)
                self.sock.settimeout(_remaining(deadline))
                data = self.sock.recv(65536)
            except (OSError, ssl.SSLError) as exc:
                raise WireError(_describe(exc)) from None
            if data:
                self._incoming.write(data)
            elif self._incoming.eof:
                return b""  # EOF already given to TLS and it still wants more: nothing comes
            else:
                self._incoming.write_eof()

    def close(self) -> None:
        self.reusable = False
        self.sock.close()


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    return left


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, ConnectionResetError):
        return "the server reset the connection"
    return f"{type(exc).__name__}: {str(exc)[:200]}"


def http_exchange(stream: TlsStream, method: str, target: str, headers: list[tuple[str, str]],
                  body: bytes, timeout_s: float) -> Reply:
    """Send one request and read its reply, all within ``timeout_s`` (I/O).

    Raises:
        WireError: when no complete reply head arrived in time, or the reply is not HTTP.
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
        raise WireError(f"request not sent: {exc}") from None
    stream.exchanges += 1
    stream.send(outgoing, deadline)
    status, reply_headers, received, closed = 0, {}, bytearray(), False
    got_bytes = False
    try:
        while True:
            event = connection.next_event()
            if event is h11.NEED_DATA:
                try:
                    data = stream.recv(deadline)
                    closed = closed or not data
                    got_bytes = got_bytes or bool(data)
                    connection.receive_data(data)
                except WireError as exc:
                    stream.reusable = False
                    if status:  # the head arrived: keep what the body had so far
                        break
                    if not got_bytes and "reset" in str(exc):
                        raise WireError(str(exc), before_reply=True) from None
                    raise
                continue
            if isinstance(event, h11.Response):
                # h11 bounds a head that arrives in pieces; one that arrives whole is measured
                # here, so the 64 KiB bound holds however the server sends it.
                head = sum(len(name) + len(value) + 4 for name, value in event.headers)
                if head + len(event.reason) > MAX_HEADER_BYTES:
                    stream.reusable = False
                    raise WireError(f"the reply's head exceeds {MAX_HEADER_BYTES // 1024} KiB")
                status = event.status_code
                reply_headers = {name.decode("latin-1").lower(): value.decode("latin-1")
                                 for name, value in event.headers}
            elif isinstance(event, h11.Data):
                received += event.data
                if len(received) >= MAX_REPLY_BYTES:
                    stream.reusable = False  # the rest is left unread: never reuse
                    break
            elif isinstance(event, (h11.EndOfMessage, h11.ConnectionClosed)):
                break
    except h11.RemoteProtocolError as exc:
        stream.reusable = False
        if status:
            return Reply(status, reply_headers, bytes(received[:MAX_REPLY_BYTES]))
        if closed:
            raise WireError("the server closed the connection without replying",
                            before_reply=not got_bytes) from None
        if "exceeds" in str(exc) or "too long" in str(exc).lower():
            raise WireError(f"the reply's head exceeds {MAX_HEADER_BYTES // 1024} KiB") from None
        raise WireError(f"the reply is not valid HTTP ({exc})") from None
    if status == 0:
        stream.reusable = False
        raise WireError("the server closed the connection without replying",
                        before_reply=not got_bytes)
    if connection.our_state is not h11.DONE or connection.their_state is not h11.DONE:
        stream.reusable = False
    return Reply(status, reply_headers, bytes(received[:MAX_REPLY_BYTES]))
