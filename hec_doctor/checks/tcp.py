"""TCP: connecting to the endpoint's addresses in order, as Go's dialer does."""

from __future__ import annotations

import errno
import os
import socket
import time
from dataclasses import dataclass, field

from hec_doctor.checks.base import Context
from hec_doctor.models import Outcome, Status


@dataclass(frozen=True)
class TcpAttempt:
    """One connection attempt.

    Attributes:
        address: the IP address tried.
        outcome: ``connected``, ``refused``, ``timeout``, ``unreachable`` or ``error``.
        message: the system's word for a failure (Go's wording: lower-case strerror).
        elapsed_ms: time taken.
    """

    address: str
    outcome: str
    message: str
    elapsed_ms: float


@dataclass
class TcpFacts:
    """The attempts made and the connected socket (handed on to the TLS check).

    Attributes:
        port: the port connected to.
        attempts: every attempt in order; the last one connected if any did.
        sock: the connected socket, or None.
    """

    port: int
    attempts: list[TcpAttempt] = field(default_factory=list)
    sock: socket.socket | None = None

    @property
    def connected(self) -> TcpAttempt | None:
        return next((a for a in self.attempts if a.outcome == "connected"), None)


def connect(address: str, port: int, timeout_s: float) -> tuple[TcpAttempt, socket.socket | None]:
    """One TCP connection attempt (I/O)."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.settimeout(timeout_s)
    started = time.perf_counter()
    try:
        sock.connect((address, port))
    except OSError as exc:
        sock.close()
        elapsed = (time.perf_counter() - started) * 1000
        return TcpAttempt(address, _classify(exc), _message(exc), elapsed), None
    elapsed = (time.perf_counter() - started) * 1000
    return TcpAttempt(address, "connected", "", elapsed), sock


def _classify(exc: OSError) -> str:
    if isinstance(exc, TimeoutError) or exc.errno == errno.ETIMEDOUT:
        return "timeout"
    if exc.errno == errno.ECONNREFUSED:
        return "refused"
    if exc.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
        return "unreachable"
    return "error"


def _message(exc: OSError) -> str:
    if isinstance(exc, TimeoutError) and exc.errno is None:
        return "i/o timeout"
    text = os.strerror(exc.errno) if exc.errno else str(exc)
    return text[:1].lower() + text[1:]


def host_port(address: str, port: int) -> str:
    """``address:port`` as Go writes it (IPv6 in brackets)."""
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


def go_dial_error(attempt: TcpAttempt, port: int) -> str:
    """The error Go's dialer reports for a failed attempt."""
    where = host_port(attempt.address, port)
    if attempt.outcome == "timeout":
        return f"dial tcp {where}: i/o timeout"
    return f"dial tcp {where}: connect: {attempt.message}"


_ADVICE = {
    "refused": ("nothing listens on port {port} at {address}: the connection was refused",
                "HEC may be disabled (Settings > Data inputs > HTTP Event Collector > Global "
                "Settings > All Tokens: Enabled), bound to another port, or a firewall rejects "
                "the connection.",
                "Enable HEC and check its port (default 8088), or fix the port in the target."),
    "timeout": ("no answer from {address} port {port} within the timeout",
                "A firewall or security group most likely drops the packets silently.",
                "Allow inbound TCP on this port from Cloudflare's IP ranges "
                "(https://www.cloudflare.com/ips/)."),
    "unreachable": ("{address} is unreachable ({message})",
                    "No route leads to this address from here.",
                    "Check the address and the network path."),
    "error": ("connecting to {address} port {port} failed ({message})", "", ""),
}


def evaluate_tcp(facts: TcpFacts) -> Outcome:
    """Judge the connection attempts."""
    data = {"attempts": [a.__dict__ for a in facts.attempts]}
    good = facts.connected
    failed = [a for a in facts.attempts if a.outcome != "connected"]
    if good is not None:
        summary = f"connected to {host_port(good.address, facts.port)} in {good.elapsed_ms:.0f} ms"
        if failed:
            return Outcome(Status.WARN, summary + f" after {len(failed)} failed address(es)",
                           "; ".join(f"{a.address}: {a.outcome}" for a in failed),
                           "Remove or fix the addresses that do not answer: clients that try "
                           "them first wait or fail.", data=data)
        return Outcome(Status.PASS, summary, data=data)
    first = failed[0]
    summary, detail, fix = _ADVICE[first.outcome]
    return Outcome(Status.FAIL,
                   summary.format(address=first.address, port=facts.port, message=first.message),
                   detail, fix, data=data)


def check_tcp(ctx: Context) -> Outcome:
    dns = ctx.facts["dns"]
    port = ctx.target.destination.effective_port
    facts = TcpFacts(port)
    for address in dns.addresses:
        attempt, sock = connect(address, port, ctx.options.timeout_s)
        facts.attempts.append(attempt)
        if sock is not None:
            facts.sock = ctx.own(sock)
            break
    ctx.facts["tcp"] = facts
    if facts.sock is None and facts.attempts:
        ctx.facts.setdefault("go_error", go_dial_error(facts.attempts[0], port))
    return evaluate_tcp(facts)
