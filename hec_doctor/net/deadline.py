"""Blocking socket calls that end by a deadline, or at once when their run is cancelled.

Every wait is cut into slices of at most ``SLICE_S``; between slices the run's ``Cancellation``
is read, so one Ctrl-C ends every network step of every target of that run within a fraction of
a second instead of after each step's own timeout. The token belongs to a run, not to the
process: another run in the same process (a ``/probe`` beside a stopping watch round, a test
after an interrupted one) is not touched, and nothing needs resetting.

A run carries its token in a context variable (``cancellable``), set by whoever runs it
(``engine.run_many`` for each target it starts); a thread a run starts for itself takes the
token along explicitly (``current``).
"""

from __future__ import annotations

import errno
import os
import select
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from hec_doctor.net.errors import Kind, TransportError, kind_of

SLICE_S = 0.1  # how long a blocked call may go without looking at the cancellation


class Cancellation:
    """One run's stop: cancelled once (Ctrl-C, SIGTERM, the watch ending), read by every wait
    of the run. Safe to cancel from a signal handler or another thread."""

    __slots__ = ("_event",)

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def wait(self, seconds: float) -> bool:
        """Wait up to ``seconds``; True when cancelled meanwhile."""
        return self._event.wait(seconds)


_current: ContextVar[Cancellation | None] = ContextVar("hec_doctor_cancellation", default=None)


@contextmanager
def cancellable(cancellation: Cancellation | None) -> Iterator[None]:
    """Run the block with ``cancellation`` as the token its network waits read."""
    mark = _current.set(cancellation)
    try:
        yield
    finally:
        _current.reset(mark)


def current() -> Cancellation | None:
    """The token of the run this code is part of (None outside any: never cancelled)."""
    return _current.get()


def interrupted(cancellation: Cancellation | None = None) -> bool:
    """True once the run (``cancellation``, else the current run's token) was cancelled."""
    token = cancellation if cancellation is not None else _current.get()
    return token is not None and token.cancelled


def budget(deadline: float) -> float:
    """Seconds the next blocking call may wait: the rest of the budget, at most one slice.

    Raises:
        TransportError: CANCELLED once the run is cancelled, TIMEOUT once the deadline has
            passed.
    """
    if interrupted():
        raise TransportError(Kind.CANCELLED, "interrupted")
    left = deadline - time.monotonic()
    if left <= 0:
        raise TransportError(Kind.TIMEOUT, "timed out")
    return min(left, SLICE_S)


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
