"""What every check module shares: the facts a run gathers, the context a check reads, and the
registry row that names a check."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hec_doctor.models import Options, Outcome
from hec_doctor.target import Target

if TYPE_CHECKING:  # the types only: a run that stays offline loads none of these
    from hec_doctor.checks.push import PushFacts
    from hec_doctor.gox509.verify import CertPool, GoCert, Verdict
    from hec_doctor.net.dns import DnsFacts
    from hec_doctor.net.http import Reply, TlsStream
    from hec_doctor.net.tcp import TcpFacts
    from hec_doctor.net.tls import TlsFacts


@dataclass
class Facts:
    """What the checks of one run gathered, one field per fact, each set by one check.

    Every fact object is frozen; this record only fills in as the run goes, so later checks and
    ``logpush.predict`` judge what earlier checks saw without connecting again.

    Attributes:
        guid: the one fresh channel GUID of this run (every suggestion names the same).
        dns: what resolving the host gave (``net.dns``).
        tcp: the connection attempts and the connected socket (``net.tcp``).
        tls: what the handshake showed (``tls.handshake``).
        stream: the judged TLS connection, which the HEC probes reuse.
        chain: the sent chain, parsed as Go reads it.
        roots: the trusted roots, read once per run.
        chain_verdict: Go's chain building over the sent chain (the leaf's name aside).
        go_error: the first error Go's client would report (Go stops at the first failure).
        legacy_error: what Go 1.14 and earlier said instead, where it differs.
        tls_verified: whether Go's verification of the chain passed (None: not judged).
        health, token_reply, event_reply: the HEC probes' replies.
        silent_http: the server gave no HTTP reply, so later probes are not sent.
        server_refuses_go: the server would end Go's handshake (predicted, not seen: our own
            handshake offers more than Go's).
        push_pending: the push sent to the Go probe when the live checks began (``push``).
        push: what the Go probe measured, once ``logpush.push`` has read it.
        go_connection: the Go probe's push, when its connection stands for this run's (set by
            ``net.tcp``; the TLS and health checks then judge it instead of connecting).
        clients: the other client stacks' pushes under way (``engine.clients``).
        wire: the HTTP exchanges as ``--debug`` prints them (heads and a body excerpt, every
            secret redacted).
    """

    guid: str | None = None
    dns: DnsFacts | None = None
    tcp: TcpFacts | None = None
    tls: TlsFacts | None = None
    stream: TlsStream | None = None
    chain: tuple[GoCert, ...] | None = None
    roots: CertPool | None = None
    chain_verdict: Verdict | None = None
    go_error: str | None = None
    legacy_error: str | None = None
    tls_verified: bool | None = None
    health: Reply | None = None
    token_reply: Reply | None = None
    event_reply: Reply | None = None
    silent_http: bool = False
    server_refuses_go: bool = False
    push_pending: Any = None
    push: PushFacts | None = None
    go_connection: PushFacts | None = None
    clients: Any = None
    wire: list[str] = field(default_factory=list)

    def record_go_error(self, text: str) -> None:
        """Keep the first error Go would report; later ones never show (Go stops there)."""
        if self.go_error is None:
            self.go_error = text


@dataclass
class Context:
    """What a check may read: the target, the options, and the facts gathered so far.

    Attributes:
        target: the destination and its token.
        options: how to check.
        facts: what earlier checks gathered.
        resources: open sockets to close when the run ends.
    """

    target: Target
    options: Options
    facts: Facts = field(default_factory=Facts)
    resources: list[Any] = field(default_factory=list)

    def own(self, resource: Any) -> Any:
        """Register something with a ``close()`` (a socket) to be closed when the run ends,
        whether or not a later check consumed it."""
        self.resources.append(resource)
        return resource

    def close(self) -> None:
        while self.resources:
            try:
                self.resources.pop().close()
            except OSError:
                pass

    def fresh_guid(self) -> str:
        """One fresh channel GUID per run, so every suggestion in a report names the same one."""
        if self.facts.guid is None:
            self.facts.guid = self.options.new_guid()
        return self.facts.guid


@dataclass(frozen=True)
class CheckSpec:
    """One row of the registry.

    Attributes:
        id: the stable dotted id (``dest.port``), public interface.
        title: short human name.
        run: the check: a function of the context returning an Outcome.
        requires: ids of checks that must pass (or warn) first; otherwise this one is skipped.
        live: True when the check touches the network (skipped with ``--offline``).
    """

    id: str
    title: str
    run: Callable[[Context], Outcome]
    requires: tuple[str, ...] = ()
    live: bool = False
