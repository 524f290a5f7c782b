"""TCP: connecting to an endpoint's addresses in order, as Go's dialer does."""

from __future__ import annotations

import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass

from hec_doctor.net import deadline as clock
from hec_doctor.net.errors import Kind, TransportError


@dataclass(frozen=True)
class TcpAttempt:
    """One connection attempt.

    Attributes:
        address: the IP address tried.
        outcome: ``connected``, or the ``Kind`` of the failure (``refused``, ``timeout``,
            ``unreachable``, ``other``...).
        message: the system's word for a failure, as Go writes it (lower-case strerror).
        elapsed_ms: time taken.
    """

    address: str
    outcome: str
    message: str
    elapsed_ms: float


@dataclass(frozen=True)
class TcpFacts:
    """The attempts made, in order; the last one connected if any did.

    Attributes:
        port: the port connected to.
        attempts: every attempt, in order.
        sock: the connected socket (handed on to the TLS handshake), or None.
    """

    port: int
    attempts: tuple[TcpAttempt, ...]
    sock: socket.socket | None = None

    @property
    def connected(self) -> TcpAttempt | None:
        return next((a for a in self.attempts if a.outcome == "connected"), None)


def connect(address: str, port: int, timeout_s: float) -> tuple[TcpAttempt, socket.socket | None]:
    """One TCP connection attempt (I/O).

    Raises:
        TransportError: CANCELLED when the run is interrupted.
    """
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    started = time.monotonic()
    try:
        clock.connect(sock, (address, port), started + timeout_s)
    except TransportError as exc:
        sock.close()
        if exc.kind is Kind.CANCELLED:
            raise
        message = "i/o timeout" if exc.kind is Kind.TIMEOUT else str(exc)
        return TcpAttempt(address, exc.kind.value, message, _ms(started)), None
    except OSError as exc:  # the socket call itself (an address family the host lacks)
        sock.close()
        return TcpAttempt(address, Kind.OTHER.value, clock.describe(exc), _ms(started)), None
    sock.setblocking(True)
    return TcpAttempt(address, "connected", "", _ms(started)), sock


def connect_first(addresses: Sequence[str], port: int, timeout_s: float) -> TcpFacts:
    """Try the addresses in order until one connects (I/O), as Go's dialer does."""
    attempts = []
    for address in addresses:
        attempt, sock = connect(address, port, timeout_s)
        attempts.append(attempt)
        if sock is not None:
            return TcpFacts(port, tuple(attempts), sock)
    return TcpFacts(port, tuple(attempts))


def _ms(started: float) -> float:
    return (time.monotonic() - started) * 1000
