"""What can go wrong on the wire, as data: a ``TransportError`` carries a ``Kind``, so callers
branch on the kind, never on an exception's wording."""

from __future__ import annotations

import errno
from enum import Enum


class Kind(str, Enum):
    """Why a network step ended without what it asked for.

    Attributes:
        TIMEOUT: the step's time budget ran out.
        CANCELLED: the run was interrupted (Ctrl-C).
        REFUSED: the peer refused the TCP connection.
        UNREACHABLE: no route to the address.
        RESET: the peer reset the connection.
        EOF: the peer closed the connection.
        PROTOCOL: the peer's bytes break the protocol (not HTTP, not TLS).
        TOO_LARGE: the peer sent more than hec-doctor reads.
        NOT_SENT: the request could not be put on the wire (refused by the HTTP layer).
        OTHER: any other operating-system error.
    """

    TIMEOUT = "timeout"
    CANCELLED = "cancelled"
    REFUSED = "refused"
    UNREACHABLE = "unreachable"
    RESET = "reset"
    EOF = "eof"
    PROTOCOL = "protocol"
    TOO_LARGE = "too_large"
    NOT_SENT = "not_sent"
    OTHER = "other"


class TransportError(Exception):
    """A network step that failed, with its kind and a short, printable message.

    Attributes:
        kind: why it failed.
        before_reply: the peer closed or reset the connection before a single byte of reply: on
            a kept-alive connection, the sign of an idle connection dropped (safe to retry).
    """

    def __init__(self, kind: Kind, message: str, *, before_reply: bool = False) -> None:
        super().__init__(message)
        self.kind = kind
        self.before_reply = before_reply


def kind_of(exc: OSError) -> Kind:
    """The kind of an operating-system error from a socket call."""
    if isinstance(exc, TimeoutError) or exc.errno == errno.ETIMEDOUT:
        return Kind.TIMEOUT
    if exc.errno == errno.ECONNREFUSED:
        return Kind.REFUSED
    if exc.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
        return Kind.UNREACHABLE
    if isinstance(exc, ConnectionResetError) or exc.errno in (errno.ECONNRESET, errno.EPIPE):
        return Kind.RESET
    return Kind.OTHER
