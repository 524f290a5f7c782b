"""DNS: every A and AAAA address behind the host name, judged as Logpush would meet it."""

from __future__ import annotations

from hec_doctor.checks.base import Context
from hec_doctor.gox509.text import lookup_error
from hec_doctor.hec.spec import LOGPUSH_DNS_HEALTH_CODE
from hec_doctor.models import Outcome, ResolveFacts, Status
from hec_doctor.net.dns import DnsFacts, resolve


def go_dns_error(facts: DnsFacts) -> str:
    """The error Go's dialer reports for a failed lookup."""
    return lookup_error(facts.host, facts.error or "no such host")


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
    ctx.facts.dns = facts
    if not facts.addresses:
        ctx.facts.record_go_error(go_dns_error(facts))
    from dataclasses import replace

    return replace(evaluate_dns(facts, ctx.options.timeout_s), facts=ResolveFacts(
        go_error=go_dns_error(facts) if not facts.addresses else None))
