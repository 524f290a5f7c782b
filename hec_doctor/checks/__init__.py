"""The ordered registry of checks: the one place that says what runs, in which order, after what.

Adding a check means adding its function to a family module and one row here.

Internal: not part of the public API (that is ``hec_doctor.__all__``); it may change
between versions.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from hec_doctor import models
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

def _spec(check_id: str, run: Callable[[Context], Outcome], *, requires: tuple[str, ...] = (),
          live: bool = False) -> CheckSpec:
    """A registry row; its title is the one ``models.CHECK_IDS`` gives the id."""
    return CheckSpec(check_id, models.check_id(check_id).title, run, requires=requires, live=live)


CHECKS: tuple[CheckSpec, ...] = (
    _spec("dest.parse", dest.check_parse),
    _spec("dest.scheme", dest.check_scheme),
    _spec("dest.port", dest.check_port),
    _spec("dest.path", dest.check_path),
    _spec("dest.host", dest.check_host),
    _spec("dest.query", dest.check_query),
    _spec("dest.channel", dest.check_channel),
    _spec("dest.sourcetype", dest.check_sourcetype),
    _spec("dest.insecure_skip_verify", dest.check_skip_verify),
    _spec("dest.token", token.check_token_encoding),
    _spec("net.dns", live_dns.check_dns, requires=("dest.parse",), live=True),
    _spec("net.tcp", live_tcp.check_tcp, requires=("net.dns",), live=True),
    _spec("tls.handshake", live_tls.check_handshake,
          requires=("net.tcp", "dest.scheme"), live=True),
    _spec("tls.validity", live_tls.check_validity,
          requires=("tls.handshake",), live=True),
    _spec("tls.hostname", live_tls.check_hostname,
          requires=("tls.handshake",), live=True),
    _spec("tls.chain", live_tls.check_chain,
          requires=("tls.handshake",), live=True),
    _spec("tls.strength", live_tls.check_strength,
          requires=("tls.handshake",), live=True),
    _spec("tls.verify", live_tls.check_verify,
          requires=("tls.handshake",), live=True),
    _spec("hec.health", live_hec.check_health,
          requires=("tls.verify",), live=True),
    # The token only travels after Go's verdict passed (or insecure-skip-verify made it a
    # warning) and after the offline lint found the token sendable (no CR/LF, no quotes).
    _spec("hec.token", live_hec.check_token_reply,
          requires=("tls.verify", "dest.token", "dest.scheme"), live=True),
    _spec("hec.ack", live_hec.check_ack,
          requires=("hec.token",), live=True),
    _spec("hec.event", live_hec.check_event,
          requires=("hec.token",), live=True),
    _spec("hec.addresses", live_hec.check_addresses,
          requires=("tls.handshake",), live=True),
    # Measured by the Go probe after the push and the health GET, on the same connection.
    _spec("hec.body_limit", live_hec.check_body_limit,
          requires=("hec.health",), live=True),
    # Measured: the Go probe's push, sent when the live checks began (runner), judged last.
    # Not gated on the port's verdicts: where they disagree, the measurement stands.
    _spec("logpush.push", live_push.check_push,
          requires=("dest.parse", "dest.scheme"), live=True),
)
