"""TCP: the connection attempts judged (refused, timed out and unreachable told apart)."""

from __future__ import annotations

from dataclasses import asdict

from hec_doctor.checks.base import Context
from hec_doctor.gox509.text import dial_error, host_port
from hec_doctor.hec.spec import TOKEN_PAGE
from hec_doctor.models import ConnectFacts, Outcome, Status
from hec_doctor.net.tcp import TcpAttempt, TcpFacts, connect_first

_ADVICE = {
    "refused": ("nothing listens on port {port} at {address}: the connection was refused",
                f"HEC may be disabled ({TOKEN_PAGE} > Global Settings > All Tokens: Enabled), "
                "bound to another port, or a firewall rejects the connection.",
                "Enable HEC and check its port (default 8088), or fix the port in the target."),
    "timeout": ("no answer from {address} port {port} within the timeout",
                "A firewall or security group most likely drops the packets silently.",
                "Allow inbound TCP on this port from Cloudflare's IP ranges "
                "(https://www.cloudflare.com/ips/)."),
    "unreachable": ("{address} is unreachable ({message})",
                    "No route leads to this address from here.",
                    "Check the address and the network path."),
    "other": ("connecting to {address} port {port} failed ({message})", "", ""),
}


def evaluate_tcp(facts: TcpFacts) -> Outcome:
    """Judge the connection attempts."""
    from dataclasses import replace

    connected = ConnectFacts(
        connected=facts.connected.address if facts.connected is not None else None,
        go_error=dial_error(facts.attempts[0].address, facts.port, facts.attempts[0].outcome,
                            facts.attempts[0].message)
        if facts.connected is None and facts.attempts else None)
    return replace(_judge_tcp(facts), facts=connected)


def _judge_tcp(facts: TcpFacts) -> Outcome:
    data = {"attempts": [asdict(a) for a in facts.attempts]}
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
    summary, detail, fix = _ADVICE.get(first.outcome, _ADVICE["other"])
    return Outcome(Status.FAIL,
                   summary.format(address=first.address, port=facts.port, message=first.message),
                   detail, fix, data=data)


def check_tcp(ctx: Context) -> Outcome:
    assert ctx.facts.dns is not None
    port = ctx.target.destination.effective_port
    facts = _measured_by_go(ctx, port) or connect_first(ctx.facts.dns.addresses, port,
                                                        ctx.options.timeout_s)
    if facts.sock is not None:
        ctx.own(facts.sock)
    ctx.facts.tcp = facts
    if facts.connected is None and facts.attempts:
        first = facts.attempts[0]
        ctx.facts.record_go_error(dial_error(first.address, port, first.outcome, first.message))
    return evaluate_tcp(facts)


def _measured_by_go(ctx: Context, port: int) -> TcpFacts | None:
    """The connection the Go probe's push made, when it stands for this run's (see
    ``push.go_connection``), or a dial that timed out for Go (the one address there is: it
    would only time out again). None: connect here."""
    from hec_doctor.checks.push import go_connection, measured

    assert ctx.facts.dns is not None
    addresses = ctx.facts.dns.addresses
    go = go_connection(ctx)
    pushed = go or measured(ctx)
    if pushed is None or not addresses:
        return None
    if go is not None or pushed.timed_out == "handshake":
        ctx.facts.go_connection = pushed
        connected_ms = pushed.phases.get("connect_done", 0.0) * 1000
        return TcpFacts(port, (TcpAttempt(addresses[0], "connected", "", connected_ms),))
    if pushed.timed_out == "dial" and len(addresses) == 1:
        ctx.facts.go_connection = pushed
        return TcpFacts(port, (TcpAttempt(addresses[0], "timeout", "i/o timeout",
                                          ctx.options.timeout_s * 1000),))
    return None
