"""TLS: the handshake on a socket hec-doctor owns, and what the server really sent.

OpenSSL is driven through memory buffers, so every byte the server sends is seen: a plain-HTTP
answer, a TLS alert or an old protocol version is recorded as such, and the full chain is kept
even when it would not verify. Nothing is verified here (``CERT_NONE``): the verdict on the
chain is Go's, reached afterwards by ``hec_doctor.gox509.verify`` in ``hec_doctor.checks.tls``,
because OpenSSL's verdict is not the one Logpush reaches (CN fallback, intermediates, policies
differ).
This never lets a token out unverified: the token probes require ``tls.verify`` to have passed
(or insecure-skip-verify, which the report says), and a new connection must show the very leaf
that was judged (``checks.hec._stream``); tests/checks/test_hec.py and
tests/test_secrets_audit.py check that no token reaches a server that failed verification.
"""

from __future__ import annotations

import socket
import ssl
import time
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from hec_doctor.net import deadline as clock
from hec_doctor.net.errors import Kind, TransportError
from hec_doctor.net.http import TlsStream
from hec_doctor.net.tcp import TcpAttempt, connect

MAX_HANDSHAKE_BYTES = 256 * 1024  # a real chain is a few KB; more is a misbehaving server
# What Go 1.27's client offers in TLS 1.2 (crypto/tls cipher_suites.go: the preference order
# minus disabledCipherSuites: no RSA key exchange, no 3DES, no CBC-SHA256, no RC4), in OpenSSL's
# names. TLS 1.3's three suites are OpenSSL's defaults already. A server that only speaks what
# Go does not offer refuses this handshake as it refuses Go's.
GO_TLS12_CIPHERS = ":".join((
    "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
    "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
    "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
    "ECDHE-ECDSA-AES128-SHA", "ECDHE-RSA-AES128-SHA",
    "ECDHE-ECDSA-AES256-SHA", "ECDHE-RSA-AES256-SHA",
))


class HandshakeFailure(StrEnum):
    """What went wrong in an inspecting handshake (the TLS checks branch on it)."""

    PLAIN_HTTP = "plain_http"
    NOT_TLS = "not_tls"
    ALERT = "alert"
    OLD_VERSION = "old_version"
    TIMEOUT = "timeout"
    EOF = "eof"
    EOF_MIDWAY = "eof_midway"
    RESET = "reset"
    TOO_LARGE = "too_large"
    TLS_ERROR = "tls_error"


@dataclass(frozen=True)
class TlsFacts:
    """What the handshake showed.

    Attributes:
        server_name: the name sent as SNI (none for an IP) and verified against.
        version: the negotiated protocol, e.g. ``TLSv1.3``; None when the handshake failed.
        cipher: the negotiated cipher suite.
        chain: the certificates the server sent (DER), leaf first.
        failure: None, or what went wrong: ``plain_http``, ``not_tls``, ``alert``,
            ``old_version``, ``timeout``, ``eof``, ``eof_midway``, ``reset``, ``too_large``,
            ``tls_error``.
        alert: the TLS alert number the server sent, for ``alert`` and ``old_version``.
        server_version: the protocol version the server chose, when below TLS 1.2.
        message: a short description of the failure.
        elapsed_ms: time taken.
        measured_by: "" for this module's inspecting handshake; the Go version (``go1.27.3``)
            when the facts are those of the Go probe's own handshake.
        group: the key exchange group, where known (Go's name: ``X25519MLKEM768``).
    """

    server_name: str
    version: str | None = None
    cipher: str | None = None
    chain: tuple[bytes, ...] = ()
    failure: HandshakeFailure | None = None
    alert: int | None = None
    server_version: int | None = None
    message: str = ""
    elapsed_ms: float = 0.0
    measured_by: str = ""
    group: str | None = None


@lru_cache(maxsize=1)
def inspecting_context() -> ssl.SSLContext:
    """The one context of every inspecting handshake (made once: it costs a millisecond)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # verification is Go's, ported: gox509 judges the chain
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    # Offer Go's suites; security level 0 lets OpenSSL take whatever chain the server sends
    # (RSA-1024 keys, SHA-1 signatures): the verdict on it is gox509's, which must see it first.
    context.set_ciphers(GO_TLS12_CIPHERS + ":@SECLEVEL=0")
    return context


def handshake(sock: socket.socket, server_name: str,
              timeout_s: float) -> tuple[TlsFacts, TlsStream | None]:
    """Run a TLS handshake on a connected socket without verifying (I/O).

    Offers TLS 1.2 and 1.3 only, as Go's client does, and sends SNI unless the host is an IP.
    Returns the facts, and on success the open connection (the caller owns its socket).

    Raises:
        TransportError: CANCELLED when the run is interrupted.
    """
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = inspecting_context().wrap_bio(incoming, outgoing, server_hostname=server_name)
    received = bytearray()
    started = time.monotonic()
    deadline = started + timeout_s

    def failed(failure: HandshakeFailure, message: str, **fields: object) -> tuple[TlsFacts, None]:
        elapsed = (time.monotonic() - started) * 1000
        return TlsFacts(server_name, failure=failure, message=message, elapsed_ms=elapsed,
                        **fields), None  # type: ignore[arg-type]

    while True:
        try:
            tls.do_handshake()
            break
        except ssl.SSLWantReadError:
            pass
        except ssl.SSLError as exc:
            failure, message, extra = _read_failure(bytes(received), exc)
            return failed(failure, message, **extra)
        try:
            if outgoing.pending:
                clock.send_all(sock, outgoing.read(), deadline)
            data = clock.recv_some(sock, deadline)
        except TransportError as exc:
            if exc.kind is Kind.CANCELLED:
                raise
            if exc.kind is Kind.TIMEOUT:
                return failed(HandshakeFailure.TIMEOUT, f"no TLS answer within {timeout_s:g} s")
            if exc.kind is Kind.RESET:
                return failed(HandshakeFailure.RESET, "the server reset the connection")
            return failed(HandshakeFailure.TLS_ERROR, str(exc))
        if not data:
            failure, message, extra = _read_failure(bytes(received), None)
            return failed(failure, message, **extra)
        if len(received) >= MAX_HANDSHAKE_BYTES:
            return failed(HandshakeFailure.TOO_LARGE, "the server sent over 256 KiB in its hello")
        received += data[:MAX_HANDSHAKE_BYTES - len(received)]
        incoming.write(data)
    if outgoing.pending:
        try:
            clock.send_all(sock, outgoing.read(), deadline)
        except TransportError:
            pass  # the server's next read tells; our side of the handshake is done
    facts = TlsFacts(server_name, version=tls.version(), cipher=(tls.cipher() or ("",))[0],
                     chain=_peer_chain(tls), elapsed_ms=(time.monotonic() - started) * 1000)
    return facts, TlsStream(sock, tls, incoming, outgoing)


@dataclass(frozen=True)
class TlsConnection:
    """A TCP connection and the TLS handshake on it: ``open_tls``'s result.

    Attributes:
        attempt: the TCP attempt.
        tls: the handshake's facts, None when TCP did not connect.
        stream: the open connection, None when either step failed.
    """

    attempt: TcpAttempt
    tls: TlsFacts | None
    stream: TlsStream | None


def open_tls(address: str, port: int, server_name: str, timeout_s: float) -> TlsConnection:
    """Connect to ``address`` and run the inspecting handshake (I/O): the one sequence every
    new connection goes through. The caller owns the stream; a failed step closes its socket."""
    attempt, sock = connect(address, port, timeout_s)
    if sock is None:
        return TlsConnection(attempt, None, None)
    try:
        facts, stream = handshake(sock, server_name, timeout_s)
    except BaseException:
        sock.close()
        raise
    if stream is None:
        sock.close()
    return TlsConnection(attempt, facts, stream)


def _peer_chain(tls: ssl.SSLObject) -> tuple[bytes, ...]:
    """The chain exactly as sent (Python 3.13 has it public; 3.10-3.12 have the private call)."""
    getter = getattr(tls, "get_unverified_chain", None)
    if getter is not None:
        return tuple(getter())
    sslobj = tls._sslobj  # type: ignore[attr-defined]
    return tuple(cert.public_bytes(ssl._ssl.ENCODING_DER)  # type: ignore[attr-defined]
                 for cert in (sslobj.get_unverified_chain() or ()))


def _read_failure(received: bytes,
                  exc: ssl.SSLError | None) -> tuple[HandshakeFailure, str, dict[str, int]]:
    """What a failed handshake was, from the first bytes the server sent (RFC 8446 section 5.1
    record layout: type, version, length; an alert's second byte is its description)."""
    if not received:
        if exc is None:
            return HandshakeFailure.EOF, "the server closed the connection without a word", {}
        return HandshakeFailure.TLS_ERROR, str(exc.reason or exc), {}
    if received[:5] == b"HTTP/":
        return HandshakeFailure.PLAIN_HTTP, "the port answers plain HTTP, not TLS", {}
    record_type, version = received[0], int.from_bytes(received[1:3], "big")
    if record_type not in (0x15, 0x16) or (len(received) >= 3 and version >= 0x1000):
        return HandshakeFailure.NOT_TLS, "the port answers, but not with TLS", {}
    if record_type == 0x15 and len(received) >= 7:
        alert = received[6]
        failure = HandshakeFailure.OLD_VERSION if alert == 70 else HandshakeFailure.ALERT
        return failure, f"the server refused the handshake with alert {alert}", {"alert": alert}
    if record_type == 0x16 and len(received) >= 11 and received[5] == 2:
        server_version = int.from_bytes(received[9:11], "big")
        if server_version < 0x0303:
            return (HandshakeFailure.OLD_VERSION, "the server only speaks TLS below 1.2",
                    {"server_version": server_version})
    if exc is None:
        return (HandshakeFailure.EOF_MIDWAY,
                "the server closed the connection during the handshake", {})
    return HandshakeFailure.TLS_ERROR, str(exc.reason or exc), {}
