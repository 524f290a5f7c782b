"""A one-line progress bar on stderr, shown only when stderr is a terminal."""

from __future__ import annotations

import threading
from typing import TextIO

WIDTH = 30


class Progress:
    """Call ``update(done, total)`` from any thread; ``close()`` clears the line."""

    def __init__(self, stream: TextIO, *, label: str = "checking") -> None:
        self._stream = stream
        self._label = label
        self._lock = threading.Lock()
        self._shown = False

    @staticmethod
    def wanted(stream: TextIO) -> bool:
        try:
            return stream.isatty()
        except (AttributeError, ValueError):
            return False

    def update(self, done: int, total: int) -> None:
        filled = WIDTH * done // max(total, 1)
        line = f"\r{self._label} [{'#' * filled}{'.' * (WIDTH - filled)}] {done}/{total}"
        with self._lock:
            self._stream.write(line)
            self._stream.flush()
            self._shown = True

    def close(self) -> None:
        with self._lock:
            if self._shown:
                self._stream.write("\r" + " " * (len(self._label) + WIDTH + 24) + "\r")
                self._stream.flush()
