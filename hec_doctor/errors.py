"""The few exceptions hec-doctor raises to its callers.

The tree::

    HecDoctorError            anything hec-doctor raises on purpose
     ├── InputError           input that cannot be used at all (exit code 2)
     │    └── TargetError     a target that cannot be parsed as a URL, destination_conf or host
     └── FetchError           a remote source (the Cloudflare API) could not be read (exit 3)

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
    """Input hec-doctor had to fetch and could not (network, server); the CLI exits with 3."""
