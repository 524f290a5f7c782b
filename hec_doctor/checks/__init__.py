"""The ordered registry of checks: the one place that says what runs, in which order, after what.

Adding a check means adding its function to a family module and one row here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from hec_doctor.checks import destination_lint as dest
from hec_doctor.checks import token_lint as token
from hec_doctor.checks.base import CheckSpec, Context
from hec_doctor.models import Outcome

__all__ = ["CHECKS", "CheckSpec", "Context"]


def _live(module: str, name: str) -> Callable[[Context], Outcome]:
    """A live check, imported when it first runs: an offline run never loads the TLS, x509 and
    HTTP code (start-up is what a user pays for every command)."""
    def run(ctx: Context) -> Outcome:
        check: Callable[[Context], Outcome] = getattr(
            importlib.import_module(f"hec_doctor.checks.{module}"), name)
        return check(ctx)

    run.__qualname__ = run.__name__ = f"{module}.{name}"
    return run


class _Family:
    """``live_tls.check_handshake`` and the like, resolved lazily (see ``_live``)."""

    def __init__(self, module: str) -> None:
        self._module = module

    def __getattr__(self, name: str) -> Callable[[Context], Outcome]:
        return _live(self._module, name)


# Named apart from the submodules: ``hec_doctor.checks.push`` must stay the module once imported
# (a family object under the same name made ``from hec_doctor.checks import push`` depend on
# import order).
live_dns, live_tcp, live_tls, live_hec, live_push = (
    _Family(name) for name in ("dns", "tcp", "tls", "hec", "push"))

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
    CheckSpec("dest.token", "Token and its encoding", token.check_token_encoding),
    CheckSpec("net.dns", "DNS", live_dns.check_dns, requires=("dest.parse",), live=True),
    CheckSpec("net.tcp", "TCP connection", live_tcp.check_tcp, requires=("net.dns",), live=True),
    CheckSpec("tls.handshake", "TLS handshake", live_tls.check_handshake,
              requires=("net.tcp", "dest.scheme"), live=True),
    CheckSpec("tls.validity", "Certificate validity period", live_tls.check_validity,
              requires=("tls.handshake",), live=True),
    CheckSpec("tls.hostname", "Host name (subjectAltName)", live_tls.check_hostname,
              requires=("tls.handshake",), live=True),
    CheckSpec("tls.chain", "Chain of trust", live_tls.check_chain,
              requires=("tls.handshake",), live=True),
    CheckSpec("tls.strength", "Keys and signatures", live_tls.check_strength,
              requires=("tls.handshake",), live=True),
    CheckSpec("tls.verify", "Go's verdict and insecure-skip-verify", live_tls.check_verify,
              requires=("tls.handshake",), live=True),
    CheckSpec("hec.health", "HEC health endpoint", live_hec.check_health,
              requires=("tls.verify",), live=True),
    # The token only travels after Go's verdict passed (or insecure-skip-verify made it a
    # warning) and after the offline lint found the token sendable (no CR/LF, no quotes).
    CheckSpec("hec.token", "Token accepted (nothing written)", live_hec.check_token_reply,
              requires=("tls.verify", "dest.token", "dest.scheme"), live=True),
    CheckSpec("hec.ack", "Indexer acknowledgement off", live_hec.check_ack,
              requires=("hec.token",), live=True),
    CheckSpec("hec.event", "Logpush-shaped test event", live_hec.check_event,
              requires=("hec.token",), live=True),
    CheckSpec("hec.addresses", "Every address behind the name", live_hec.check_addresses,
              requires=("tls.handshake",), live=True),
    # Measured: the Go probe's push, sent when the live checks began (runner), judged last.
    # Not gated on the port's verdicts: where they disagree, the measurement stands.
    CheckSpec("logpush.push", "Logpush's push, measured with Go", live_push.check_push,
              requires=("dest.parse", "dest.scheme"), live=True),
)
