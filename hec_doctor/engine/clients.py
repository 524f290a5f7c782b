"""The destination through every client stack asked for, side by side (``check --clients``).

The other stacks start when the Go probe's push does (once the name resolved), on their own
threads, with the very request the probe gets; the run collects them at its end. ``go`` is read
from the run itself: the probe's measurement, or the port's prediction where there is no probe
(said so). Where a stack's outcome differs from Go's, ``why_differs`` names the reason when it
is a known difference between the stacks, with its sources, and says nothing otherwise.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from typing import Any

from hec_doctor.checks.base import Context
from hec_doctor.clients.stacks import RUNNERS, Measured
from hec_doctor.gox509.text import GO_VERSION
from hec_doctor.models import CLIENTS, CheckResult, ClientResult, LogpushPrediction, Status
from hec_doctor.redact import redact_echo


class _Started:
    """The other stacks' threads of one run, and what each measured."""

    def __init__(self) -> None:
        self.threads: dict[str, threading.Thread] = {}
        self.measured: dict[str, Measured] = {}
        self.not_run: str = ""


def start(ctx: Context) -> None:
    """Start every stack besides Go on its own thread, with the push request Go gets."""
    from hec_doctor.checks.push import push_request
    from hec_doctor.net import deadline

    started = _Started()
    ctx.facts.clients = started
    dest = ctx.target.destination
    if dest.scheme not in ("https", "splunk"):
        started.not_run = "not run: the destination is not HTTPS"
        return
    request = push_request(ctx)
    if not request["dial"]:
        started.not_run = "not run: the name did not resolve"
        return
    cancellation = deadline.current()
    for name in ctx.options.clients:
        runner = RUNNERS.get(name)
        if runner is None:
            continue

        def measure(name: str = name, runner: Any = runner) -> None:
            try:
                started.measured[name] = runner(request, ctx.options.timeout_s, cancellation)
            except Exception as exc:  # a client's failure is its row, never the run's
                started.measured[name] = Measured(True, error=f"hec-doctor could not run it: "
                                                  f"{type(exc).__name__}: {exc}")

        thread = threading.Thread(target=measure, daemon=True, name=f"hec-doctor-{name}")
        started.threads[name] = thread
        thread.start()


def collect(ctx: Context, results: Sequence[CheckResult],
            prediction: LogpushPrediction) -> tuple[ClientResult, ...]:
    """Every stack asked for, in ``CLIENTS`` order: Go's from the run, the others measured."""
    from hec_doctor.net import deadline

    if ctx.options.clients == ("go",):
        return ()
    started: _Started | None = ctx.facts.clients
    with_token = ctx.target.token is not None and not ctx.target.token.unsendable
    rows: list[ClientResult] = []
    go = _go(ctx, results, prediction, with_token)
    for name in CLIENTS:
        if name not in ctx.options.clients:
            continue
        if name == "go":
            rows.append(go)
            continue
        thread = started.threads.get(name) if started is not None else None
        if thread is None:
            why = started.not_run if started is not None and started.not_run else (
                "not run: the live checks did not get that far")
            rows.append(ClientResult(name, True, error=why))
            continue
        while thread.is_alive() and not deadline.interrupted():
            thread.join(deadline.SLICE_S)
        # Cancelled: the thread kills its client within a slice; wait for that, so no client
        # outlives the run (bounded: the run is ending).
        thread.join(5 * deadline.SLICE_S)
        measured = started.measured.get(name) if started is not None else None
        if measured is None:
            rows.append(ClientResult(name, True, error="interrupted"))
            continue
        rows.append(_judged(name, measured, with_token, ctx.target.secrets))
    reasons = _go_reasons(ctx)
    return tuple(row if row.client == "go" else _with_why(row, go, reasons) for row in rows)


def _judged(name: str, measured: Measured, with_token: bool,
            secrets: tuple[str, ...]) -> ClientResult:
    if not measured.present:
        return ClientResult(name, False)
    code = _hec_code(measured.body)
    delivered: bool | None = None
    if measured.status is None:
        delivered = False
    elif with_token:
        delivered = _accepted(measured.status, code)
    return ClientResult(
        name, True, measured.stack, delivered,
        redact_echo(measured.error, secrets) if measured.error else None,
        measured.status, code, measured.protocol)


def _accepted(status: int, code: int | None) -> bool:
    """HEC took the token of an empty push: code 5 "No data" with HTTP 400 or code 0 with 200
    (as ``checks.hec.token_accepted``), or code 10, a known token that demands a channel (as
    ``checks.push`` counts the Go probe's push)."""
    return (code, status) in ((5, 400), (0, 200)) or code == 10


def _hec_code(body: bytes) -> int | None:
    try:
        code = json.loads(body.decode("utf-8", "replace")).get("code")
    except (ValueError, AttributeError):
        return None
    return code if isinstance(code, int) and not isinstance(code, bool) else None


def _go(ctx: Context, results: Sequence[CheckResult], prediction: LogpushPrediction,
        with_token: bool) -> ClientResult:
    """Go's row: what the probe measured (``logpush.push``), else the port's prediction."""
    facts = ctx.facts.push
    push = next((r for r in results if r.id == "logpush.push"), None)
    if facts is not None:
        delivered: bool | None = None
        if facts.go_error:
            delivered = False
        elif with_token and push is not None and push.status in (Status.PASS, Status.FAIL):
            delivered = push.status is Status.PASS
        return ClientResult(
            "go", True, f"Go {facts.go_version.removeprefix('go')} (the Go probe)", delivered,
            facts.go_error or None, facts.status or None, _hec_code(facts.body),
            facts.proto or "")
    return ClientResult(
        "go", True, f"Go {GO_VERSION} (predicted by the ported verifier: no Go probe)",
        prediction.would_deliver, prediction.predicted_error, measured=False)


def _go_reasons(ctx: Context) -> frozenset[str]:
    """What the port found about the server that other stacks judge differently."""
    from hec_doctor.gox509.verify import Reason, go_cert, hostname_error, reason_of

    found: set[str] = set()
    tls = ctx.facts.tls
    host = ctx.target.destination.host
    chain: list[Any] = list(ctx.facts.chain or ())  # parsed once by the tls.* checks
    if not chain and tls is not None:
        try:
            chain = [go_cert(der) for der in tls.chain]
        except Exception:  # an unparseable certificate: Go's own parse error says enough
            chain = []
    if chain:
        leaf = chain[0]
        name_error = hostname_error(leaf, host)
        if reason_of(name_error) is Reason.LEGACY_COMMON_NAME:
            found.add("common_name")
        if any(cert.signature_hash in ("sha1", "md5") for cert in chain):
            found.add("sha1")
        verdict = ctx.facts.chain_verdict
        if verdict is not None and any(cert.signature_oid_is_pss for cert in chain) and any(
                reason_of(r.error) is Reason.ALGORITHM_UNIMPLEMENTED for r in verdict.rejected):
            found.add("pss")
        if name_error is None and any(
                name.startswith("*.") and name.count(".") == 1 for name in leaf.dns_names):
            found.add("tld_wildcard")
    push = ctx.facts.push
    if push is not None and push.alpn == "h2" and push.go_error:
        found.add("http2")  # Go negotiated HTTP/2 through ALPN, and the push failed
    return frozenset(found)


# Known differences between the stacks, each with the sources that show it. tests/test_clients.py
# runs every stack against servers made to show each one. First those where another stack
# delivers and Go does not, then the other way round.
_ACCEPTED_WHERE_GO_REFUSES = {
    "common_name": (
        "{stack} accepts a host name found in the Common Name when the certificate has no DNS "
        "names; Go 1.15 and later ignore the Common Name (Go crypto/x509 verify.go, "
        "VerifyHostname; {cn_source})"),
    "http2": (
        "{stack} spoke {protocol}; Go's client negotiates HTTP/2 whenever the server offers h2 "
        "in ALPN, and this server's HTTP/2 fails (Go net/http transport.go, "
        "TLSNextProto \"h2\")"),
    "sha1": (
        "{stack} accepts the SHA-1 signature; Go 1.18 and later refuse SHA-1 signatures on "
        "certificates (Go crypto/x509 x509.go, InsecureAlgorithmError)"),
    "pss": (
        "{stack} accepts an RSA-PSS signature whose salt length is not its hash's length; Go "
        "accepts RSA-PSS only with MGF1 on the same hash and a salt as long as the hash (Go "
        "crypto/x509 x509.go, getSignatureAlgorithmFromAI), else 'algorithm unimplemented'"),
}
_REFUSED_WHERE_GO_ACCEPTS = {
    "tld_wildcard": (
        "{stack} refuses a wildcard that covers a whole top-level name (*.<tld>: "
        "{wildcard_source}); Go matches a left-most wildcard label over any name (Go "
        "crypto/x509 verify.go, matchHostnames)"),
}
# Where each stack's rule is written.
_CN_SOURCES = {
    "curl": "curl lib/vtls/openssl.c verifyhost: the CN only when no DNS or IP name is present",
    "python": "CPython ssl, SSLContext.hostname_checks_common_name, true by default, through "
              "OpenSSL X509_check_host",
    "node": "Node lib/tls.js checkServerIdentity: the CN when there are no DNS names",
}
_WILDCARD_SOURCES = {
    "curl": "curl lib/vtls/hostcheck.c, 'We require at least 2 dots in the pattern'",
    "python": "OpenSSL X509_check_host, crypto/x509/v3_utl.c, which CPython's ssl uses",
    "node": "Node lib/tls.js check(), '*.tld wildcards are not allowed'",
}


def _with_why(row: ClientResult, go: ClientResult, reasons: frozenset[str]) -> ClientResult:
    from dataclasses import replace

    if not row.present or row.delivered is None or go.delivered is None \
            or row.delivered == go.delivered:
        return row
    known = _ACCEPTED_WHERE_GO_REFUSES if row.delivered else _REFUSED_WHERE_GO_ACCEPTS
    for reason, text in known.items():
        if reason in reasons:
            stack = row.stack.split(" (")[0] or row.client
            why = text.format(stack=stack, protocol=row.protocol or "HTTP/1.1",
                              cn_source=_CN_SOURCES.get(row.client, ""),
                              wildcard_source=_WILDCARD_SOURCES.get(row.client, ""))
            return replace(row, why=why)
    return row
