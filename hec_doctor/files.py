"""Files as a Unix tool reads and writes them.

Reading: a file or ``-`` (stdin), bounded, UTF-8 with a byte-order mark dropped (with a notice),
every failure one line (``InputError``, exit code 2).

Writing a report:
A regular file (or a new one) is written beside itself and moved into place when the run is over,
so it never holds half a report; a symbolic link is followed, so the file it names is the one
replaced; anything else (a device such as /dev/null or /dev/stdout, a FIFO) is written straight
through, never replaced. A new file gets the mode the umask allows (as ``>`` would give it), a
replaced one keeps its own.
"""

from __future__ import annotations

import os
import stat
import sys
from typing import IO, Any

from hec_doctor.errors import InputError, OutputError


def read_text_input(path: str, limit_bytes: int) -> str:
    """A file's (or, for ``-``, stdin's) UTF-8 text, at most ``limit_bytes`` long.

    Raises:
        InputError: unreadable, too large, or not UTF-8 (one line, exit code 2).
    """
    name = "stdin" if path == "-" else path
    try:
        if path == "-":
            data = open_stdin().buffer.read(limit_bytes + 1)
        else:
            with open(path, "rb") as handle:
                data = handle.read(limit_bytes + 1)
    except OSError as exc:
        raise InputError(f"cannot read {name}: {exc.strerror or exc}") from None
    if len(data) > limit_bytes:
        raise InputError(f"{name} is larger than {limit_bytes // 1_000_000} MB")
    return decode_text(data, name)


def open_stdin() -> Any:
    """stdin, or a one-line error when it is closed (``<&-``: Python then has no sys.stdin)."""
    if sys.stdin is None:
        raise InputError("stdin is closed: nothing to read for '-'")
    return sys.stdin


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 text of a file, a leading byte-order mark dropped with a notice on stderr (Windows
    editors write one; it is no part of the first line).

    Raises:
        InputError: the bytes are not UTF-8 (named with the offset of the first bad byte).
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name} is not UTF-8 text (byte {exc.start + 1} cannot be "
                         "decoded)") from None
    if text.startswith("\ufeff"):
        sys.stderr.write(f"hec-doctor: notice: {name} starts with a byte-order mark (U+FEFF); "
                         "it is ignored\n")
        text = text[1:]
    return text


class OutputFile:
    """A report on its way to ``path``: ``write``, then ``commit`` (or ``discard``).

    Raises:
        OutputError: the file cannot be created or written (one line, exit code 3).
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.real = os.path.realpath(path)
        self._temp: str | None = None
        try:
            existing = os.stat(self.real)
        except FileNotFoundError:
            existing = None
        except OSError as exc:
            raise self._error(exc) from None
        try:
            if existing is not None and not stat.S_ISREG(existing.st_mode):
                self.handle: IO[str] = open(self.real, "w", encoding="utf-8")
                return
            import tempfile

            self.mode = (stat.S_IMODE(existing.st_mode) if existing is not None
                         else 0o666 & ~_umask())
            descriptor, self._temp = tempfile.mkstemp(
                dir=os.path.dirname(self.real) or ".", prefix=".hec-doctor-")
            self.handle = os.fdopen(descriptor, "w", encoding="utf-8")
        except OSError as exc:
            raise self._error(exc) from None

    def write(self, text: str) -> None:
        try:
            self.handle.write(text)
        except OSError as exc:
            self.discard()
            raise self._error(exc) from None

    def commit(self) -> None:
        """Finish the file: flushed, given its mode, moved into place."""
        try:
            self.handle.flush()
            if self._temp is not None:
                os.fchmod(self.handle.fileno(), self.mode)
            self.handle.close()
            if self._temp is not None:
                os.replace(self._temp, self.real)
                self._temp = None
        except OSError as exc:
            self.discard()
            raise self._error(exc) from None

    def discard(self) -> None:
        """Drop what was written (the run did not get to the end); the old file stays."""
        try:
            self.handle.close()
        except OSError:
            pass
        if self._temp is not None:
            try:
                os.unlink(self._temp)
            except OSError:
                pass
            self._temp = None

    def _error(self, exc: OSError) -> OutputError:
        return OutputError(f"cannot write {self.path}: {exc.strerror or exc}")


def write_file(path: str, text: str) -> None:
    """``text`` to ``path``, as ``OutputFile`` writes it (all or nothing for a regular file)."""
    out = OutputFile(path)
    out.write(text)
    out.commit()


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
