"""TLS: the handshake, the chain the server really sends, and the verdict Go will reach on it.

``handshake`` is the only I/O here. It drives OpenSSL through memory buffers on the socket the TCP
check opened, so it sees every byte the server sends: a plain-HTTP answer, a TLS alert or an old
protocol version is named exactly, and the full chain is kept even when it would not verify
(verification is Go's, done afterwards by ``hec_doctor.gox509``). The ``evaluate_*`` functions are
pure functions of the chain, the host name, the roots and the clock.
"""

from __future__ import annotations

import socket
import ssl
import time
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Sequence

from hec_doctor.checks.base import Context
from hec_doctor.checks.destination_lint import SKIP_VERIFY_TRADE_OFF
from hec_doctor.net.http import TlsStream
from hec_doctor.gox509 import (
    LEAF,
    TLS_PREFIX,
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

MAX_HANDSHAKE_BYTES = 256 * 1024  # a real chain is a few KB; more is a misbehaving server
RSA_MIN_BITS = 2048  # the CA/Browser Forum minimum; Splunk's historic default key is 1024 bits
SPLUNK_DEFAULT_CN = "SplunkServerDefaultCert"
SPLUNK_CA_CN = "SplunkCommonCA"
# Go's alert texts (crypto/tls alert.go) for the alerts a server sends a client at hello time.
GO_ALERTS = {
    10: "unexpected message", 20: "bad record MAC", 22: "record overflow",
    40: "handshake failure", 42: "bad certificate", 43: "unsupported certificate",
    46: "unknown certificate", 47: "illegal parameter", 48: "unknown certificate authority",
    49: "access denied", 50: "error decoding message", 51: "error decrypting message",
    70: "protocol version not supported", 71: "insufficient security level",
    80: "internal error", 86: "inappropriate fallback", 90: "user canceled",
    109: "missing extension", 110: "unsupported extension", 112: "unrecognized name",
    116: "certificate required", 120: "no application protocol",
}
SPLUNK_CERT_FIX = (
    "Install a certificate from a public CA whose subjectAltName holds the HEC host name: set "
    "serverCert (and sslPassword) in the [http] stanza of inputs.conf for HEC (server.conf "
    "[sslConfig] for splunkd), with the intermediates in the same PEM file after the leaf, and "
    "restart Splunk. On Splunk Cloud, use the http-inputs-<stack>.splunkcloud.com host, which "
    "serves a public certificate."
)


@dataclass(frozen=True)
class TlsFacts:
    """What the handshake showed.

    Attributes:
        server_name: the name sent as SNI and verified against (the target's host).
        version: the negotiated protocol, e.g. ``TLSv1.3``; None when the handshake failed.
        cipher: the negotiated cipher suite.
        chain: the certificates the server sent (DER), leaf first.
        failure: None, or what went wrong: ``plain_http``, ``not_tls``, ``alert``,
            ``old_version``, ``timeout``, ``eof``, ``reset``, ``tls_error``.
        go_error: the error Go's HTTP client reports for that failure.
        message: a short description of the failure.
        elapsed_ms: time taken.
    """

    server_name: str
    version: str | None = None
    cipher: str | None = None
    chain: tuple[bytes, ...] = ()
    failure: str | None = None
    go_error: str | None = None
    message: str = ""
    elapsed_ms: float = 0.0


@lru_cache(maxsize=1)
def _inspecting_context() -> ssl.SSLContext:
    """The one context of every inspecting handshake (made once: it costs a millisecond)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # we judge the chain ourselves, as Go would
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    # Let OpenSSL accept what Go accepts (RSA-1024 keys, SHA-1 certificates): the verdict on the
    # chain is gox509's, and it must first see the chain to judge it.
    context.set_ciphers("DEFAULT:@SECLEVEL=0")
    return context


def handshake(sock: socket.socket, server_name: str,
              timeout_s: float) -> tuple[TlsFacts, TlsStream | None]:
    """Run a TLS handshake on a connected socket without verifying (I/O).

    Offers TLS 1.2 and 1.3 only, as Go's client does, and sends SNI unless the host is an IP.
    Returns the facts, and on success the open connection (the caller owns its socket).
    """
    context = _inspecting_context()
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = context.wrap_bio(incoming, outgoing, server_hostname=server_name)
    received = bytearray()
    started = time.perf_counter()
    deadline = started + timeout_s

    def facts(**fields: object) -> TlsFacts:
        elapsed = (time.perf_counter() - started) * 1000
        return TlsFacts(server_name, elapsed_ms=elapsed, **fields)  # type: ignore[arg-type]

    def failed(**fields: object) -> tuple[TlsFacts, None]:
        return facts(**fields), None

    while True:
        try:
            tls.do_handshake()
            break
        except ssl.SSLWantReadError:
            pass
        except ssl.SSLError as exc:
            return failed(**_classify_failure(bytes(received), exc))
        try:
            if outgoing.pending:
                sock.sendall(outgoing.read())
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError
            sock.settimeout(remaining)
            data = sock.recv(65536)
        except TimeoutError:
            return failed(failure="timeout", go_error="net/http: TLS handshake timeout",
                          message=f"no TLS answer within {timeout_s:g} s")
        except ConnectionResetError:
            return failed(failure="reset", message="the server reset the connection",
                          go_error="read tcp <client>-><server>: read: connection reset by peer")
        except OSError as exc:
            return failed(failure="tls_error", message=str(exc), go_error=str(exc))
        if not data:
            return failed(**_classify_failure(bytes(received), None))
        if len(received) < MAX_HANDSHAKE_BYTES:
            received += data[:MAX_HANDSHAKE_BYTES - len(received)]
        elif len(received) >= MAX_HANDSHAKE_BYTES:
            return failed(failure="tls_error", go_error=None,
                          message="the server sent over 256 KiB in its hello")
        incoming.write(data)
    if outgoing.pending:
        try:
            sock.sendall(outgoing.read())
        except OSError:
            pass
    found = facts(version=tls.version(), cipher=(tls.cipher() or ("",))[0], chain=_peer_chain(tls))
    return found, TlsStream(sock, tls, incoming, outgoing)


def _peer_chain(tls: ssl.SSLObject) -> tuple[bytes, ...]:
    """The chain exactly as sent (Python 3.13 has it public; 3.10-3.12 have the private call)."""
    getter = getattr(tls, "get_unverified_chain", None)
    if getter is not None:
        return tuple(getter())
    sslobj = tls._sslobj  # type: ignore[attr-defined]
    return tuple(cert.public_bytes(ssl._ssl.ENCODING_DER)  # type: ignore[attr-defined]
                 for cert in (sslobj.get_unverified_chain() or ()))


def _classify_failure(received: bytes, exc: ssl.SSLError | None) -> dict[str, object]:
    """Name a failed handshake from the first bytes the server sent, as Go would."""
    if not received:
        if exc is None:
            return {"failure": "eof", "go_error": "EOF",
                    "message": "the server closed the connection without a word"}
        return {"failure": "tls_error", "go_error": None, "message": str(exc.reason or exc)}
    if received[:5] == b"HTTP/":
        return {"failure": "plain_http",
                "go_error": "http: server gave HTTP response to HTTPS client",
                "message": "the port answers plain HTTP, not TLS"}
    record_type, version = received[0], int.from_bytes(received[1:3], "big")
    if record_type not in (0x15, 0x16) or (len(received) >= 3 and version >= 0x1000):
        return {"failure": "not_tls",
                "go_error": "tls: first record does not look like a TLS handshake",
                "message": "the port answers, but not with TLS"}
    if record_type == 0x15 and len(received) >= 7:
        alert = received[6]
        text = GO_ALERTS.get(alert, f"alert({alert})")
        failure = "old_version" if alert == 70 else "alert"
        return {"failure": failure, "go_error": f"remote error: tls: {text}",
                "message": f"the server refused the handshake: {text}"}
    if record_type == 0x16 and len(received) >= 11 and received[5] == 2:
        server_version = int.from_bytes(received[9:11], "big")
        if server_version < 0x0303:
            return {"failure": "old_version",
                    "go_error": f"tls: server selected unsupported protocol version {server_version:x}",
                    "message": "the server only speaks TLS below 1.2"}
    if exc is None:
        return {"failure": "eof", "go_error": "unexpected EOF",
                "message": "the server closed the connection during the handshake"}
    return {"failure": "tls_error", "go_error": None, "message": str(exc.reason or exc)}


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
    "reset": ("Check the server's TLS settings and any firewall or load balancer.",
              "The connection was reset during the handshake."),
    "tls_error": ("Check the server's TLS configuration.", "The handshake failed."),
}


def evaluate_handshake(facts: TlsFacts) -> Outcome:
    """Judge the handshake itself (not the certificate)."""
    data = {"version": facts.version, "cipher": facts.cipher, "chain_length": len(facts.chain),
            "sni": facts.server_name, "go_error": facts.go_error}
    if facts.failure is None:
        if not facts.chain:
            return Outcome(Status.FAIL, "the server sent no certificate",
                           remediation="Configure a certificate for HEC.", data=data)
        return Outcome(Status.PASS, f"{facts.version}, {facts.cipher}, {len(facts.chain)} "
                       f"certificate(s) sent", data=data)
    fix, why = _HANDSHAKE_FAILURES[facts.failure]
    detail = why + (f" Go reports: {facts.go_error}" if facts.go_error else "")
    return Outcome(Status.FAIL, facts.message, detail, fix, data=data)


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
    data = {"go_error": TLS_PREFIX + go_error if go_error else None, "legacy_error": legacy,
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
        return Outcome(Status.FAIL, f"Logpush will fail: {TLS_PREFIX}{go_error}",
                       "Pushes will never succeed until the certificate is fixed. Setting "
                       "insecure-skip-verify=true would make them succeed at a cost: "
                       + SKIP_VERIFY_TRADE_OFF,
                       "Fix the certificate (see the failing tls checks above).", data=data)
    return Outcome(Status.WARN, "delivery works only because insecure-skip-verify is true",
                   f"With verification on, Go would say: {TLS_PREFIX}{go_error}. "
                   + SKIP_VERIFY_TRADE_OFF,
                   "Fix the certificate, then set insecure-skip-verify=false.", data=data)


def _chain(ctx: Context) -> list[GoCert]:
    cached = ctx.facts.get("chain")
    if cached is None:
        cached = [go_cert(der) for der in ctx.facts["tls"].chain]
        ctx.facts["chain"] = cached
    return list(cached)


def roots(ctx: Context) -> CertPool:
    """The trusted roots, read once per run (every check that judges a chain asks)."""
    if "roots" not in ctx.facts:
        from hec_doctor.trust import load_roots

        ctx.facts["roots"] = load_roots(ctx.options.ca_file)
    pool: CertPool = ctx.facts["roots"]
    return pool


def check_handshake(ctx: Context) -> Outcome:
    tcp = ctx.facts["tcp"]
    sock = tcp.sock
    try:
        facts, stream = handshake(sock, ctx.target.destination.host, ctx.options.timeout_s)
    except BaseException:
        sock.close()
        raise
    if stream is None:
        sock.close()
    else:
        ctx.facts["tls_stream"] = ctx.own(stream)  # the HEC probes reuse this connection
    ctx.facts["tls"] = facts
    if facts.go_error:
        ctx.facts.setdefault("go_error", facts.go_error)
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
        ctx.facts.setdefault("go_error", TLS_PREFIX + error)
        if legacy:
            ctx.facts["legacy_error"] = legacy
    ctx.facts["tls_verified"] = error is None
    return evaluate_verify(error, skip, legacy)

