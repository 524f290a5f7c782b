"""A one-line progress bar on stderr, shown only when stderr is a terminal: how many are done,
and the short label of the last one (``FILE:LINE host:port``)."""

from __future__ import annotations

import threading
from typing import Any, TextIO

WIDTH = 30
LABEL_WIDTH = 48


class Progress:
    """Call ``update(done, total, report)`` from any thread; ``close()`` clears the line."""

    def __init__(self, stream: TextIO, *, label: str = "checking") -> None:
        self._stream = stream
        self._label = label
        self._lock = threading.Lock()
        self._shown = False
        self._width = 0

    @staticmethod
    def wanted(stream: TextIO) -> bool:
        try:
            return stream.isatty()
        except (AttributeError, ValueError):
            return False

    def update(self, done: int, total: int, report: Any = None) -> None:
        filled = WIDTH * done // max(total, 1)
        last = f" {report.label[:LABEL_WIDTH]}" if report is not None else ""
        line = f"\r{self._label} [{'#' * filled}{'.' * (WIDTH - filled)}] {done}/{total}{last}"
        with self._lock:
            self._stream.write(line.ljust(self._width))
            self._width = len(line)
            self._stream.flush()
            self._shown = True

    def close(self) -> None:
        with self._lock:
            if self._shown:
                self._stream.write("\r" + " " * self._width + "\r")
                self._stream.flush()
