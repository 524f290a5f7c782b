"""The few exceptions hec-doctor raises to its callers.

The tree::

    HecDoctorError            anything hec-doctor raises on purpose
     ├── InputError           input that cannot be used at all (exit code 2)
     │    └── TargetError     a target that cannot be parsed as a URL, destination_conf or host
     ├── FetchError           a remote source (the Cloudflare API) could not be read (exit 3)
     └── OutputError          the report could not be written: stdout, --output, --textfile
                              (a full disk, a closed pipe, an I/O error; exit 3)

Checks never raise: the runner turns any exception inside a check into a result with status
``error``. These exceptions are for what happens before any check can run.
"""

from __future__ import annotations


class HecDoctorError(Exception):
    """Base of every exception hec-doctor raises on purpose."""


class InputError(HecDoctorError):
    """Input that cannot be used at all; the CLI prints it on one line and exits with code 2."""


class TargetError(InputError):
    """A target that cannot be parsed as a HEC URL, a destination_conf or a host[:port]."""


class FetchError(HecDoctorError):
    """Input hec-doctor had to fetch and could not (network, server); the CLI exits with 3.

    Attributes:
        sent: False when the request never left (no connection was made); True when it may
            have reached the server.
    """

    def __init__(self, message: str, *, sent: bool = True) -> None:
        super().__init__(message)
        self.sent = sent


class OutputError(HecDoctorError):
    """The report could not be written where it was to go; the CLI exits with 3."""


def json_input(text: str, source: str, meant_to_be: str) -> object:
    """``text`` parsed as JSON, or an InputError saying in one line why not.

    Args:
        source: where the text came from (a path, ``stdin``), for the message.
        meant_to_be: what it should hold ("a Logpush job"), for the message about nesting.
    """
    import json

    try:
        return json.loads(text)
    except ValueError as exc:
        reason = (str(exc).splitlines() or [""])[0][:200]
        raise InputError(f"{source} is not valid JSON: {reason}") from None
    except RecursionError:
        raise InputError(f"{source} is nested too deeply to be {meant_to_be}") from None


# What a failed write to stdout raises: a full disk or quota, a closed pipe, an I/O error, a
# closed descriptor (errno names, as Linux numbers them, through the errno module).
def _output_errnos() -> frozenset[int]:
    import errno

    return frozenset({errno.ENOSPC, errno.EDQUOT, errno.EPIPE, errno.EIO, errno.EBADF,
                      errno.EFBIG})


OUTPUT_ERRNOS = _output_errnos()
