"""The ordered registry of checks: the one place that says what runs, in which order, after what.

Adding a check means adding its function to a family module and one row here.
"""

from __future__ import annotations

from hec_doctor.checks import dest, token
from hec_doctor.checks.base import CheckSpec, Context

__all__ = ["CHECKS", "CheckSpec", "Context"]

CHECKS: tuple[CheckSpec, ...] = (
    CheckSpec("dest.parse", "Target", dest.check_parse),
    CheckSpec("dest.scheme", "Scheme", dest.check_scheme),
    CheckSpec("dest.port", "Port", dest.check_port),
    CheckSpec("dest.path", "Endpoint path", dest.check_path),
    CheckSpec("dest.host", "Host name", dest.check_host),
    CheckSpec("dest.query", "Query parameters", dest.check_query),
    CheckSpec("dest.channel", "Channel", dest.check_channel),
    CheckSpec("dest.sourcetype", "Sourcetype", dest.check_sourcetype),
    CheckSpec("dest.insecure_skip_verify", "insecure-skip-verify", dest.check_skip_verify),
    CheckSpec("dest.token", "Token and its encoding", token.check_token),
)
