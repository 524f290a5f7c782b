"""The command's exit codes, apart from the models so that start-up need not load them."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes of the ``hec-doctor`` command, a pure function of the report.

    Attributes:
        OK: no check failed (warnings allowed unless ``--strict``).
        CHECKS_FAILED: at least one check failed (or warned, with ``--strict``).
        USAGE: bad command line or input that cannot be parsed at all.
        INCOMPLETE: hec-doctor could not complete a check (an error) and nothing failed, or
            the report could not be written.
        INTERRUPTED: stopped by SIGINT (Ctrl-C), 128 + 2 as shells report it; what was done is
            reported.
        TERMINATED: stopped by SIGTERM, 128 + 15; what was done is reported.
    """

    OK = 0
    CHECKS_FAILED = 1
    USAGE = 2
    INCOMPLETE = 3
    INTERRUPTED = 130
    TERMINATED = 143
