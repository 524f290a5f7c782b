"""Blocking socket calls that end by a deadline, or at once when the run is interrupted.

Every wait is cut into slices of at most ``SLICE_S``; between slices the process-wide stop flag
is read, so one Ctrl-C ends every network step of every target within a fraction of a second
instead of after each step's own timeout.
"""

from __future__ import annotations

import errno
import os
import select
import socket
import threading
import time

from hec_doctor.net.errors import Kind, TransportError, kind_of

SLICE_S = 0.1  # how long a blocked call may go without looking at the stop flag
_stop = threading.Event()


def interrupt() -> None:
    """Stop every network wait in this process (they raise ``TransportError(CANCELLED)``)."""
    _stop.set()


def reset() -> None:
    """Allow network waits again (after an interrupt, for the next run in the same process)."""
    _stop.clear()


def interrupted() -> bool:
    return _stop.is_set()


def budget(deadline: float) -> float:
    """Seconds the next blocking call may wait: the rest of the budget, at most one slice.

    Raises:
        TransportError: CANCELLED after an interrupt, TIMEOUT once the deadline has passed.
    """
    if _stop.is_set():
        raise TransportError(Kind.CANCELLED, "interrupted")
    left = deadline - time.monotonic()
    if left <= 0:
        raise TransportError(Kind.TIMEOUT, "timed out")
    return min(left, SLICE_S)


def sleep_until(deadline: float) -> None:
    """Wait until the deadline, or raise CANCELLED on an interrupt."""
    while time.monotonic() < deadline:
        _stop.wait(budget(deadline))
    if _stop.is_set():
        raise TransportError(Kind.CANCELLED, "interrupted")


def connect(sock: socket.socket, address: tuple[str, int], deadline: float) -> None:
    """``sock.connect`` by the deadline.

    Raises:
        TransportError: refused, unreachable, timeout, cancelled, ...
    """
    sock.setblocking(False)
    code = sock.connect_ex(address)
    while code in _CONNECTING:
        _, writable, _ = select.select([], [sock], [], budget(deadline))
        if writable:
            code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            break
    if code:
        error = OSError(code, _strerror(code))
        raise TransportError(kind_of(error), _strerror(code))


_CONNECTING = (errno.EINPROGRESS, errno.EALREADY, errno.EAGAIN, errno.EWOULDBLOCK)


def _strerror(code: int) -> str:
    text = os.strerror(code)
    return text[:1].lower() + text[1:]  # Go's wording: "connection refused"


def send_all(sock: socket.socket, data: bytes, deadline: float) -> None:
    """Send every byte by the deadline."""
    view = memoryview(data)
    while view:
        sock.settimeout(budget(deadline))
        try:
            sent = sock.send(view)
        except TimeoutError:
            continue
        except OSError as exc:
            raise TransportError(kind_of(exc), describe(exc)) from None
        view = view[sent:]


def recv_some(sock: socket.socket, deadline: float, size: int = 65536) -> bytes:
    """The next bytes from the socket, b"" when the peer closed it."""
    while True:
        sock.settimeout(budget(deadline))
        try:
            return sock.recv(size)
        except TimeoutError:
            continue
        except OSError as exc:
            raise TransportError(kind_of(exc), describe(exc)) from None


def describe(exc: OSError) -> str:
    """A short message for a socket error, as Go words the common ones."""
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, ConnectionResetError):
        return "the server reset the connection"
    text = exc.strerror or str(exc)
    return text[:1].lower() + text[1:200]
