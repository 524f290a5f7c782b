"""The few exceptions hec-doctor raises to its callers.

The tree::

    HecDoctorError            anything hec-doctor raises on purpose
     └── InputError           input that cannot be used at all (exit code 2)
          └── TargetError     a target that cannot be parsed as a URL, destination_conf or host

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
