"""DNS: every A and AAAA address behind the host name, or the address pinned with --resolve."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass
from typing import Callable

from hec_doctor.checks.base import Context
from hec_doctor.models import Outcome, ResolveOverride, Status

LOGPUSH_DNS_HEALTH_CODE = 1105  # Logpush's job health code for "DNS resolution failure"


@dataclass(frozen=True)
class DnsFacts:
    """What resolving the host gave.

    Attributes:
        host: the name resolved.
        addresses: the addresses in the resolver's order (IPv4 and IPv6), empty on failure.
        source: ``dns``, ``--resolve`` or ``literal`` (the host is an IP address).
        error: ``no such host``, ``timeout`` or the resolver's message; None on success.
        elapsed_ms: time taken.
    """

    host: str
    addresses: tuple[str, ...]
    source: str
    error: str | None
    elapsed_ms: float


def resolve(host: str, port: int, timeout_s: float,
            overrides: tuple[ResolveOverride, ...] = (),
            resolver: Callable[[str, int], list[str]] | None = None) -> DnsFacts:
    """Resolve ``host`` (I/O), honouring ``--resolve`` pins and IP literals, within the timeout."""
    import time

    started = time.perf_counter()
    for pin in overrides:
        if pin.host.lower().rstrip(".") == host.lower().rstrip(".") and pin.port == port:
            return DnsFacts(host, (pin.address,), "--resolve", None, 0.0)
    if _is_ip(host):
        return DnsFacts(host, (host,), "literal", None, 0.0)
    outcome: dict[str, object] = {}

    def lookup() -> None:
        try:
            if resolver is not None:
                outcome["addresses"] = tuple(resolver(host, port))
                return
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            outcome["addresses"] = tuple(dict.fromkeys(str(info[4][0]) for info in infos))
        except socket.gaierror as exc:
            outcome["error"] = (
                "no such host" if exc.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", -5))
                else str(exc.strerror or exc)
            )
        except (OSError, UnicodeError) as exc:
            outcome["error"] = str(exc)

    # getaddrinfo has no timeout of its own; a daemon thread lets the run go on without it.
    worker = threading.Thread(target=lookup, name="hec-doctor-dns", daemon=True)
    worker.start()
    worker.join(timeout_s)
    elapsed = (time.perf_counter() - started) * 1000
    if worker.is_alive():
        return DnsFacts(host, (), "dns", "timeout", elapsed)
    error = outcome.get("error")
    addresses = outcome.get("addresses", ())
    assert isinstance(addresses, tuple)
    return DnsFacts(host, addresses, "dns", str(error) if error else None, elapsed)


def _is_ip(host: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    return True


def go_dns_error(facts: DnsFacts) -> str:
    """The error Go's dialer reports for a failed lookup."""
    if facts.error == "no such host":
        return f"dial tcp: lookup {facts.host}: no such host"
    if facts.error == "timeout":
        return f"dial tcp: lookup {facts.host}: i/o timeout"
    return f"dial tcp: lookup {facts.host}: {facts.error}"


def evaluate_dns(facts: DnsFacts, timeout_s: float) -> Outcome:
    """Judge a lookup."""
    data = {"addresses": list(facts.addresses), "source": facts.source,
            "elapsed_ms": round(facts.elapsed_ms, 3)}
    if facts.addresses:
        shown = ", ".join(facts.addresses)
        if facts.source == "--resolve":
            return Outcome(Status.PASS, f"{facts.host} pinned to {shown} with --resolve",
                           "DNS was not asked; the host name is still used for SNI and "
                           "certificate verification.", data=data)
        if facts.source == "literal":
            return Outcome(Status.PASS, f"{facts.host} is an IP address", data=data)
        return Outcome(Status.PASS, f"{facts.host} resolves to {shown}",
                       "Resolved with this machine's resolver; Logpush uses public DNS, so a "
                       "name that only resolves inside your network fails there.", data=data)
    if facts.error == "timeout":
        return Outcome(Status.FAIL, f"looking up {facts.host} took over {timeout_s:g} s",
                       f"Logpush reports DNS failures as health code {LOGPUSH_DNS_HEALTH_CODE}.",
                       "Check the domain's name servers answer.", data=data)
    return Outcome(
        Status.FAIL,
        f"{facts.host} does not resolve ({facts.error})",
        f"Logpush reports this as health code {LOGPUSH_DNS_HEALTH_CODE} (DNS resolution failure): "
        "the name needs a public A or AAAA record.",
        "Publish an A/AAAA record for the HEC host in public DNS (to test a server before the DNS "
        "cut-over, use --resolve HOST:PORT:ADDRESS).",
        data=data,
    )


def check_dns(ctx: Context) -> Outcome:
    dest = ctx.target.destination
    facts = resolve(dest.host, dest.effective_port, ctx.options.timeout_s, ctx.options.resolve,
                    ctx.options.resolver)
    ctx.facts["dns"] = facts
    if not facts.addresses:
        ctx.facts.setdefault("go_error", go_dns_error(facts))
    return evaluate_dns(facts, ctx.options.timeout_s)
