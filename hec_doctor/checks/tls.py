"""TLS: the certificate chain the server sent, judged as Go (and so Logpush) judges it.

The handshake itself is transport (``hec_doctor.net.tls``); here its facts are judged: the
failure named with Go's own text, then the chain as crypto/x509 would verify it (ported in
``hec_doctor.gox509``). The ``evaluate_*`` functions are pure functions of the facts, the chain,
the host name, the roots and the clock.
"""

from __future__ import annotations

from datetime import datetime
from typing import Sequence

from hec_doctor import gotext
from hec_doctor.advice import SKIP_VERIFY_TRADE_OFF, SPLUNK_CERT_FIX
from hec_doctor.checks.base import Context
from hec_doctor.gotext import TLS_VERIFY_PREFIX
from hec_doctor.gox509 import (
    LEAF,
    CertPool,
    GoCert,
    chains_ignoring_name,
    go_cert,
    hostname_error,
    is_valid,
    legacy_hostname_error,
    rfc3339,
    verify,
)
from hec_doctor.models import Outcome, Status
from hec_doctor.net.tls import TlsFacts, handshake

RSA_MIN_BITS = 2048  # the CA/Browser Forum minimum; Splunk's historic default key is 1024 bits
SPLUNK_DEFAULT_CN = "SplunkServerDefaultCert"
SPLUNK_CA_CN = "SplunkCommonCA"


def go_handshake_error(facts: TlsFacts) -> str | None:
    """The error Go's HTTP client reports for a failed handshake, or None when the wording
    cannot be told (an OpenSSL-only failure)."""
    failure = facts.failure
    if failure == "plain_http":
        return gotext.PLAIN_HTTP
    if failure == "not_tls":
        return gotext.NOT_TLS
    if failure in ("alert", "old_version") and facts.alert is not None:
        return gotext.remote_alert(facts.alert)
    if failure == "old_version" and facts.server_version is not None:
        return gotext.unsupported_version(facts.server_version)
    if failure == "timeout":
        return gotext.HANDSHAKE_TIMEOUT
    if failure == "eof":
        return "EOF"
    if failure == "eof_midway":
        return "unexpected EOF"
    if failure == "reset":
        return "read tcp <client>-><server>: read: connection reset by peer"
    return None


_HANDSHAKE_FAILURES = {
    "plain_http": ("Turn SSL on for HEC (Global Settings > Enable SSL), or point at the "
                   "HTTPS port.", "Logpush only speaks HTTPS; this listener speaks plain HTTP."),
    "not_tls": ("Point at the HEC port (8088 by default); this port runs another protocol.",
                "Something answers on this port, but it is not a TLS server."),
    "old_version": ("Allow TLS 1.2 and 1.3 (sslVersions = tls1.2 in inputs.conf [http]).",
                    "Go clients, and so Logpush, require TLS 1.2 or later."),
    "alert": ("Check the server's TLS settings: certificate, ciphers, SNI.",
              "The server refused the handshake with a TLS alert."),
    "timeout": ("Check that the port runs TLS, and that nothing in between holds the "
                "connection.", "The server accepted the connection but never completed a TLS "
                "handshake."),
    "eof": ("Check the server's TLS settings and any load balancer in front of it.",
            "The server closed the connection during the handshake."),
    "eof_midway": ("Check the server's TLS settings and any load balancer in front of it.",
                   "The server closed the connection during the handshake."),
    "too_large": ("Check what serves TLS on this port.",
                  "The server sent far more than any certificate chain in its hello."),
    "reset": ("Check the server's TLS settings and any firewall or load balancer.",
              "The connection was reset during the handshake."),
    "tls_error": ("Check the server's TLS configuration.", "The handshake failed."),
}


def evaluate_handshake(facts: TlsFacts) -> Outcome:
    """Judge the handshake itself (not the certificate)."""
    go_error = go_handshake_error(facts)
    data = {"version": facts.version, "cipher": facts.cipher, "chain_length": len(facts.chain),
            "sni": facts.server_name, "go_error": go_error}
    if facts.failure is None:
        if not facts.chain:
            return Outcome(Status.FAIL, "the server sent no certificate",
                           remediation="Configure a certificate for HEC.", data=data)
        return Outcome(Status.PASS, f"{facts.version}, {facts.cipher}, {len(facts.chain)} "
                       f"certificate(s) sent", data=data)
    fix, why = _HANDSHAKE_FAILURES.get(facts.failure, _HANDSHAKE_FAILURES["tls_error"])
    detail = why + (f" Go reports: {go_error}" if go_error else "")
    summary = facts.message
    if facts.alert is not None:
        summary = f"the server refused the handshake: {gotext.ALERTS.get(facts.alert, facts.alert)}"
    return Outcome(Status.FAIL, summary, detail, fix, data=data)


def evaluate_validity(leaf: GoCert, now: datetime, warn_days: int) -> Outcome:
    """The leaf's validity period, and how long is left."""
    data = {"not_before": rfc3339(leaf.not_before), "not_after": rfc3339(leaf.not_after)}
    error = is_valid(leaf, LEAF, [], now) if not leaf.unhandled_critical else None
    if now > leaf.not_after:
        return Outcome(Status.FAIL, f"the certificate expired on {rfc3339(leaf.not_after)}",
                       f"Go reports: {error}", "Renew the certificate and install it on every "
                       "HEC node.", data=data)
    if now < leaf.not_before:
        return Outcome(Status.FAIL, f"the certificate is not valid before "
                       f"{rfc3339(leaf.not_before)}",
                       f"Go reports: {error}. Check the clock of the machine that issued it.",
                       "Install a certificate whose validity has begun.", data=data)
    days_left = (leaf.not_after - now).days
    data["days_left"] = days_left
    if days_left < warn_days:
        return Outcome(Status.WARN, f"the certificate expires in {days_left} days "
                       f"({rfc3339(leaf.not_after)})",
                       "Logpush stops delivering the moment it expires, and does not backfill.",
                       "Renew it now.", data=data)
    return Outcome(Status.PASS, f"valid until {rfc3339(leaf.not_after)} ({days_left} days left)",
                   data=data)


def is_splunk_default(chain: Sequence[GoCert]) -> bool:
    """Splunk's default certificate: CN SplunkServerDefaultCert, or issued by SplunkCommonCA."""
    return any(c.common_name in (SPLUNK_DEFAULT_CN, SPLUNK_CA_CN) for c in chain[:2])


def evaluate_hostname(chain: Sequence[GoCert], host: str) -> Outcome:
    """The host name against the SANs, as Go matches it."""
    leaf = chain[0]
    error = hostname_error(leaf, host)
    names = list(leaf.dns_names) + [str(ip) for ip in leaf.ip_addresses]
    data = {"san": names, "common_name": leaf.common_name, "go_error": error,
            "legacy_error": legacy_hostname_error(leaf, host)}
    if error is None:
        note = ""
        if leaf.common_name and leaf.common_name.lower() != host.lower():
            note = (f"The CN ({leaf.common_name}) differs from the host, which is fine: Go only "
                    "reads the subjectAltName.")
        return Outcome(Status.PASS, f"{host} matches the certificate's subjectAltName", note,
                       data=data)
    splunk = is_splunk_default(chain)
    if "legacy Common Name" in error:
        summary = f"the certificate names {host} only in its CN, with no subjectAltName"
        why = ("Go 1.15 and later ignore the CN; curl and browsers of old still accept it, so "
               "a passing curl check proves nothing here.")
    elif "not valid for any names" in error:
        summary = f"the certificate has no subjectAltName at all (CN {leaf.common_name!r})"
        why = "Go matches host names against subjectAltName entries only."
    else:
        summary = f"{host} is not among the certificate's names ({', '.join(names)[:200]})"
        why = "Go matches the host against the subjectAltName: wildcards cover one label only."
    if splunk:
        summary += ": this is Splunk's default certificate"
        why += (" Splunk's default certificate (SplunkServerDefaultCert, issued by "
                "SplunkCommonCA, the same CA in every install) can never be valid for your host.")
    fix = SPLUNK_CERT_FIX if splunk else (
        f"Issue a certificate whose subjectAltName holds {host} (DNS name; IP SAN for an IP).")
    return Outcome(Status.FAIL, summary, f"{why} Go reports: {error}", fix, data=data)


def _issuer_in(chain: Sequence[GoCert], cert: GoCert) -> GoCert | None:
    return next((c for c in chain if c.raw_subject == cert.raw_issuer and c is not cert), None)


def evaluate_chain(chain: Sequence[GoCert], roots: CertPool, now: datetime,
                   custom_roots: bool) -> Outcome:
    """Does the sent chain lead to a trusted root, as Go builds chains?"""
    chains, error = chains_ignoring_name(chain, roots, now)
    data = {"sent": [c.common_name or c.organization[:1] for c in chain], "go_error": error}
    trust = "the --ca-file roots" if custom_roots else "certifi's Mozilla roots"
    if chains:
        built = chains[0]
        top = built[-1]
        return Outcome(Status.PASS, f"chains to {top.common_name or top.organization[:1]!s} "
                       f"({len(built)} certificates)", f"Trusted by {trust}.", data=data)
    leaf = chain[0]
    top = leaf
    seen = {id(leaf)}
    while (parent := _issuer_in(chain, top)) is not None and id(parent) not in seen:
        seen.add(id(parent))
        top = parent
    splunk = is_splunk_default(chain)
    assert error is not None
    if "not authorized to sign" in error:
        summary = "an intermediate is an X.509 v1 certificate (or lacks CA:TRUE)"
        why = "Go refuses to use a certificate as an issuer unless it is v3 with CA:TRUE."
        fix = "Issue the intermediate as X.509 v3 with basicConstraints CA:TRUE."
    elif "insecure algorithm" in error:
        summary = "a certificate in the chain is signed with SHA-1 (or MD5)"
        why = "Go 1.18 and later refuse SHA-1 signatures on certificates."
        fix = "Reissue the certificate with a SHA-256 signature."
    elif "expired" in error:
        summary = "a certificate in the chain has expired or is not yet valid"
        why = "Go checks every intermediate's validity period."
        fix = "Install the current intermediate certificate from your CA."
    elif top.raw_issuer == top.raw_subject and top is leaf:
        summary = "the certificate is self-signed"
        why = f"Nothing vouches for it; {trust} do not include it."
        fix = "Install a certificate from a public CA."
    elif top.raw_issuer == top.raw_subject:
        summary = f"the chain ends at {top.common_name!r}, a CA that is not trusted"
        why = (f"{top.common_name!r} is a private CA: Logpush trusts public CAs only, "
               "and cannot be told to trust another.")
        fix = "Install a certificate from a public CA."
    else:
        issuer = top.cert.issuer.rfc4514_string()
        summary = f"the issuer of {top.common_name!r} ({issuer}) is neither sent nor trusted"
        why = ("If it is an intermediate of a public CA, the server must send it: Go never "
               "fetches missing intermediates (browsers do, which is why a browser may show no "
               "error). If it is a private CA, Logpush cannot trust it.")
        fix = ("Serve the full chain: the leaf, then each intermediate, in one PEM file "
               "(serverCert).")
    if splunk:
        summary += ": Splunk's default SplunkCommonCA"
        fix = SPLUNK_CERT_FIX
    return Outcome(Status.FAIL, summary, f"{why} Go reports: {error}", fix, data=data)


def evaluate_strength(chain: Sequence[GoCert]) -> Outcome:
    """Weak keys and signatures that still verify today but should not be relied on."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    problems = []
    for cert in chain:
        name = cert.common_name or "(no CN)"
        key = cert.cert.public_key()
        if isinstance(key, rsa.RSAPublicKey) and key.key_size < RSA_MIN_BITS:
            problems.append(f"{name} has a {key.key_size}-bit RSA key")
        if cert.signature_hash in ("sha1", "md5", "md2") and cert.raw_issuer != cert.raw_subject:
            problems.append(f"{name} is signed with {cert.signature_algorithm}")
        if cert.version == 1:
            problems.append(f"{name} is an X.509 v1 certificate (no extensions)")
    if problems:
        return Outcome(Status.WARN, "; ".join(problems),
                       "Splunk's historic default certificates are v1, SHA-1 and RSA-1024.",
                       "Reissue with RSA 2048+ (or ECDSA P-256) and SHA-256, as X.509 v3.",
                       data={"problems": problems})
    return Outcome(Status.PASS, "keys and signatures are of current strength")


def evaluate_verify(go_error: str | None, skip_verify: bool, legacy: str | None) -> Outcome:
    """Go's verdict on the whole chain, and what insecure-skip-verify means for this endpoint."""
    data = {"go_error": TLS_VERIFY_PREFIX + go_error if go_error else None, "legacy_error": legacy,
            "insecure_skip_verify": skip_verify}
    if go_error is None and not skip_verify:
        return Outcome(Status.PASS, "Go (and so Logpush) accepts this certificate chain",
                       "insecure-skip-verify=false is right: the server is authenticated.",
                       data=data)
    if go_error is None:
        return Outcome(Status.WARN, "the certificate is fine, yet insecure-skip-verify is true",
                       "Turning verification off buys nothing here and costs the authentication "
                       "of the server. " + SKIP_VERIFY_TRADE_OFF,
                       "Set insecure-skip-verify=false.", data=data)
    if not skip_verify:
        return Outcome(Status.FAIL, f"Logpush will fail: {TLS_VERIFY_PREFIX}{go_error}",
                       "Pushes will never succeed until the certificate is fixed. Setting "
                       "insecure-skip-verify=true would make them succeed at a cost: "
                       + SKIP_VERIFY_TRADE_OFF,
                       "Fix the certificate (see the failing tls checks above).", data=data)
    return Outcome(Status.WARN, "delivery works only because insecure-skip-verify is true",
                   f"With verification on, Go would say: {TLS_VERIFY_PREFIX}{go_error}. "
                   + SKIP_VERIFY_TRADE_OFF,
                   "Fix the certificate, then set insecure-skip-verify=false.", data=data)


def _chain(ctx: Context) -> list[GoCert]:
    if ctx.facts.chain is None:
        assert ctx.facts.tls is not None
        ctx.facts.chain = tuple(go_cert(der) for der in ctx.facts.tls.chain)
    return list(ctx.facts.chain)


def roots(ctx: Context) -> CertPool:
    """The trusted roots, read once per run (every check that judges a chain asks)."""
    if ctx.facts.roots is None:
        from hec_doctor.trust import load_roots

        ctx.facts.roots = load_roots(ctx.options.ca_file)
    return ctx.facts.roots


def check_handshake(ctx: Context) -> Outcome:
    tcp = ctx.facts.tcp
    assert tcp is not None and tcp.sock is not None
    facts, stream = handshake(tcp.sock, ctx.target.destination.host, ctx.options.timeout_s)
    if stream is None:
        tcp.sock.close()
    else:
        ctx.facts.stream = ctx.own(stream)  # the HEC probes reuse this connection
    ctx.facts.tls = facts
    go_error = go_handshake_error(facts)
    if go_error:
        ctx.facts.record_go_error(go_error)
    outcome = evaluate_handshake(facts)
    if facts.failure is None and facts.chain:
        try:
            _chain(ctx)
        except ValueError as exc:
            # Go fails too ("tls: failed to parse certificate from server: x509: ..."), but its
            # wording depends on the fault and its own parser: no exact text is claimed.
            return Outcome(Status.FAIL, "the server sent a certificate that cannot be parsed",
                           str(exc)[:300], "Reinstall a valid PEM certificate and its chain.",
                           {**outcome.data, "parse_error": True})
    return outcome


def check_validity(ctx: Context) -> Outcome:
    return evaluate_validity(_chain(ctx)[0], ctx.options.now(), ctx.options.expiry_warn_days)


def check_hostname(ctx: Context) -> Outcome:
    return evaluate_hostname(_chain(ctx), ctx.target.destination.host)


def check_chain(ctx: Context) -> Outcome:
    return evaluate_chain(_chain(ctx), roots(ctx), ctx.options.now(), ctx.options.ca_file is not None)


def check_strength(ctx: Context) -> Outcome:
    return evaluate_strength(_chain(ctx))


def check_verify(ctx: Context) -> Outcome:
    chain = _chain(ctx)
    host = ctx.target.destination.host
    error = verify(chain, host, roots(ctx), ctx.options.now())
    legacy = legacy_hostname_error(chain[0], host) if error and error == hostname_error(
        chain[0], host) else None
    skip = ctx.target.insecure_skip_verify
    if error and not skip:
        ctx.facts.record_go_error(TLS_VERIFY_PREFIX + error)
        if legacy:
            ctx.facts.legacy_error = legacy
    ctx.facts.tls_verified = error is None
    return evaluate_verify(error, skip, legacy)
