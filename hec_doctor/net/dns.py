"""DNS: every A and AAAA address behind a host name, or the address pinned with --resolve."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from hec_doctor.models import ResolveOverride
from hec_doctor.net.deadline import budget
from hec_doctor.net.errors import Kind, TransportError


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


def same_host(a: str, b: str) -> bool:
    """Host names compared as DNS compares them: case-insensitively, one trailing dot aside,
    and a Unicode name as its IDN form."""
    def norm(name: str) -> str:
        name = name.rstrip(".")
        if not name.isascii():
            try:
                name = name.encode("idna").decode("ascii")
            except UnicodeError:
                pass
        return name.lower()
    return norm(a) == norm(b)


def resolve(host: str, port: int, timeout_s: float,
            overrides: tuple[ResolveOverride, ...] = (),
            resolver: Callable[[str, int], list[str]] | None = None) -> DnsFacts:
    """Resolve ``host`` (I/O), honouring ``--resolve`` pins and IP literals, within the timeout.

    Raises:
        TransportError: CANCELLED when the run is interrupted while waiting.
    """
    started = time.monotonic()
    for pin in overrides:
        if same_host(pin.host, host) and pin.port == port:
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
                "no such host"
                if exc.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", -5))
                else str(exc.strerror or exc)
            )
        except (OSError, UnicodeError) as exc:
            outcome["error"] = str(exc)

    # getaddrinfo has no timeout of its own; a daemon thread lets the run go on without it.
    worker = threading.Thread(target=lookup, name="hec-doctor-dns", daemon=True)
    worker.start()
    deadline = started + timeout_s
    try:
        while worker.is_alive():
            worker.join(budget(deadline))
    except TransportError as exc:
        if exc.kind is Kind.CANCELLED:
            raise
    elapsed = (time.monotonic() - started) * 1000
    if worker.is_alive():
        return DnsFacts(host, (), "dns", "timeout", elapsed)
    error = outcome.get("error")
    addresses = outcome.get("addresses", ())
    assert isinstance(addresses, tuple)
    return DnsFacts(host, addresses, "dns", str(error) if error else None, elapsed)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    return True
