"""TLS: the certificate chain the server sent, judged as Go (and so Logpush) judges it.

The handshake itself is transport (``hec_doctor.net.tls``); here its facts are judged: the
failure named with Go's own text, then the chain as crypto/x509 would verify it (ported in
``hec_doctor.gox509.verify``). The ``evaluate_*`` functions are pure functions of the facts,
the chain, the host name, the roots and the clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from hec_doctor.advice import SKIP_VERIFY_TRADE_OFF, SPLUNK_CERT_FIX
from hec_doctor.checks.base import Context
from hec_doctor.gox509 import text as gotext
from hec_doctor.gox509.parse import GoParseError, Name, outer_signature
from hec_doctor.gox509.text import TLS_VERIFY_PREFIX
from hec_doctor.gox509.verify import (
    LEAF,
    ROOT,
    CertPool,
    GoCert,
    Reason,
    Rejection,
    Verdict,
    chains_ignoring_name,
    go_cert,
    hostname_error,
    ip_string,
    is_valid,
    legacy_hostname_error,
    reason_of,
    rfc3339,
    verify,
)
from hec_doctor.models import (
    ChainExpiryFacts,
    HandshakeFacts,
    LeafIdentity,
    Outcome,
    Status,
    VerifyFacts,
)
from hec_doctor.net.tls import HandshakeFailure, TlsFacts, handshake

if TYPE_CHECKING:
    from hec_doctor.checks.push import PushFacts

RSA_MIN_BITS = 2048  # the CA/Browser Forum minimum; Splunk's historic default key is 1024 bits
SPLUNK_DEFAULT_CN = "SplunkServerDefaultCert"
SPLUNK_CA_CN = "SplunkCommonCA"


def go_handshake_error(facts: TlsFacts) -> str | None:
    """The error Go's HTTP client reports for a failed handshake, or None when the wording
    cannot be told (an OpenSSL-only failure)."""
    failure = facts.failure
    if failure is HandshakeFailure.PLAIN_HTTP:
        return gotext.PLAIN_HTTP
    if failure is HandshakeFailure.NOT_TLS:
        return gotext.NOT_TLS
    alerted = failure in (HandshakeFailure.ALERT, HandshakeFailure.OLD_VERSION)
    if alerted and facts.alert is not None:
        return gotext.remote_alert(facts.alert)
    if failure is HandshakeFailure.OLD_VERSION and facts.server_version is not None:
        return gotext.unsupported_version(facts.server_version)
    if failure is HandshakeFailure.TIMEOUT:
        return gotext.HANDSHAKE_TIMEOUT
    if failure is HandshakeFailure.EOF:
        return "EOF"
    if failure is HandshakeFailure.EOF_MIDWAY:
        return "unexpected EOF"
    if failure is HandshakeFailure.RESET:
        return "read tcp <client>-><server>: read: connection reset by peer"
    return None


# (fix, why) for each way a handshake fails.
_HANDSHAKE_FAILURES = {
    HandshakeFailure.PLAIN_HTTP: (
        "Turn SSL on for HEC (Global Settings > Enable SSL), or point at the HTTPS port.",
        "Logpush only speaks HTTPS; this listener speaks plain HTTP."),
    HandshakeFailure.NOT_TLS: (
        "Point at the HEC port (8088 by default); this port runs another protocol.",
        "Something answers on this port, but it is not a TLS server."),
    HandshakeFailure.OLD_VERSION: (
        "Allow TLS 1.2 and 1.3 (sslVersions = tls1.2 in inputs.conf [http]).",
        "Go clients, and so Logpush, require TLS 1.2 or later."),
    HandshakeFailure.ALERT: (
        "Check the server's TLS settings: certificate, ciphers, SNI.",
        "The server refused the handshake with a TLS alert."),
    HandshakeFailure.TIMEOUT: (
        "Check that the port runs TLS, and that nothing in between holds the connection.",
        "The server accepted the connection but never completed a TLS handshake."),
    HandshakeFailure.EOF: (
        "Check the server's TLS settings and any load balancer in front of it.",
        "The server closed the connection during the handshake."),
    HandshakeFailure.EOF_MIDWAY: (
        "Check the server's TLS settings and any load balancer in front of it.",
        "The server closed the connection during the handshake."),
    HandshakeFailure.TOO_LARGE: (
        "Check what serves TLS on this port.",
        "The server sent far more than any certificate chain in its hello."),
    HandshakeFailure.RESET: (
        "Check the server's TLS settings and any firewall or load balancer.",
        "The connection was reset during the handshake."),
    HandshakeFailure.TLS_ERROR: ("Check the server's TLS configuration.", "The handshake failed."),
}


def evaluate_handshake(facts: TlsFacts) -> Outcome:
    """Judge the handshake itself (not the certificate)."""
    go_error = go_handshake_error(facts)
    data = {"version": facts.version, "cipher": facts.cipher, "chain_length": len(facts.chain),
            "sni": facts.server_name, "go_error": go_error}
    by_go = ""
    if facts.measured_by:
        data |= {"measured_by": facts.measured_by, "group": facts.group}
        by_go = f" (Go {facts.measured_by.removeprefix('go')}'s own handshake)"
    typed = HandshakeFacts(version=facts.version or None, go_error=go_error)
    if facts.failure is None:
        if not facts.chain:
            return Outcome(Status.FAIL, "the server sent no certificate",
                           remediation="Configure a certificate for HEC.", data=data,
                           facts=typed)
        return Outcome(Status.PASS, f"{facts.version}, {facts.cipher}, {len(facts.chain)} "
                       f"certificate(s) sent{by_go}", data=data, facts=typed)
    fix, why = _HANDSHAKE_FAILURES[facts.failure or HandshakeFailure.TLS_ERROR]
    detail = why + (f" Go reports: {go_error}" if go_error else "")
    summary = facts.message + by_go
    if facts.alert is not None:
        summary = f"the server refused the handshake: {gotext.ALERTS.get(facts.alert, facts.alert)}"
    return Outcome(Status.FAIL, summary, detail, fix, data=data, facts=typed)


def evaluate_validity(leaf: GoCert, now: datetime, warn_days: int) -> Outcome:
    """The leaf's validity period, and how long is left."""
    data: dict[str, Any] = {"not_before": rfc3339(leaf.not_before),
                            "not_after": rfc3339(leaf.not_after)}
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


def name_of(cert: GoCert) -> str:
    """A certificate's short name: its CN, else its first organisation, else its serial."""
    subject = cert.subject
    return subject.common_name or (subject.organization[0] if subject.organization
                                   else f"serial {cert.serial}")


_ATTRIBUTE_NAMES = {(2, 5, 4, 3): "CN", (2, 5, 4, 10): "O", (2, 5, 4, 11): "OU",
                    (2, 5, 4, 6): "C", (2, 5, 4, 8): "ST", (2, 5, 4, 7): "L",
                    (1, 2, 840, 113549, 1, 9, 1): "emailAddress"}


def name_text(name: Name) -> str:
    """A distinguished name written as RFC 4514 does (most significant last)."""
    parts = [f"{_ATTRIBUTE_NAMES.get(kind, '.'.join(map(str, kind)))}={value}"
             for kind, value in reversed(name.attributes) if isinstance(value, str)]
    return ", ".join(parts) or "(empty name)"


def is_splunk_default(chain: Sequence[GoCert]) -> bool:
    """Splunk's default certificate: CN SplunkServerDefaultCert, or issued by SplunkCommonCA."""
    return any(c.subject.common_name in (SPLUNK_DEFAULT_CN, SPLUNK_CA_CN) for c in chain[:2])


def evaluate_hostname(chain: Sequence[GoCert], host: str) -> Outcome:
    """The host name against the SANs, as Go matches it."""
    leaf = chain[0]
    cn = leaf.subject.common_name
    error = hostname_error(leaf, host)
    names = list(leaf.dns_names) + [ip_string(ip) for ip in leaf.ip_addresses]
    data = {"san": names, "common_name": cn, "go_error": error,
            "legacy_error": legacy_hostname_error(leaf, host)}
    if error is None:
        note = ""
        if cn and cn.lower() != host.lower():
            note = (f"The CN ({cn}) differs from the host, which is fine: Go only reads the "
                    "subjectAltName.")
        return Outcome(Status.PASS, f"{host} matches the certificate's subjectAltName", note,
                       data=data)
    splunk = is_splunk_default(chain)
    reason = reason_of(error)
    ip_host = reason in (Reason.NO_IP_SANS, Reason.IP_NOT_MATCHED)
    if reason is Reason.LEGACY_COMMON_NAME:
        summary = f"the certificate names {host} only in its CN, with no subjectAltName"
        why = ("Go 1.15 and later ignore the CN; curl and browsers of old still accept it, so "
               "a passing curl check proves nothing here.")
    elif reason is Reason.NO_NAMES and leaf.has_san_extension:
        summary = ("the certificate's subjectAltName holds no DNS name or IP address (only "
                   "URI or email entries)")
        why = "Go matches a host name against the DNS and IP entries of the subjectAltName only."
    elif reason is Reason.NO_NAMES:
        summary = f"the certificate has no subjectAltName at all (CN {cn!r})"
        why = "Go matches host names against subjectAltName entries only."
    elif ip_host and any(name.lower() == host.strip("[]").lower() for name in leaf.dns_names):
        summary = (f"the certificate names {host} as a DNS name, but an IP address is matched "
                   "against IP subjectAltNames only")
        why = "Go (RFC 6125) never matches an IP address against a DNS subjectAltName."
    elif ip_host and not leaf.ip_addresses:
        summary = f"{host} is an IP address, and the certificate has no IP subjectAltName"
        why = "Go matches an IP address against the certificate's IP subjectAltNames only."
    else:
        summary = f"{host} is not among the certificate's names ({', '.join(names)[:200]})"
        why = "Go matches the host against the subjectAltName: wildcards cover one label only."
    if splunk:
        summary += ": this is Splunk's default certificate"
        why += (" Splunk's default certificate (SplunkServerDefaultCert, issued by "
                "SplunkCommonCA, the same CA in every install) can never be valid for your host.")
    fix = SPLUNK_CERT_FIX if splunk else (
        f"Issue a certificate whose subjectAltName holds {host} "
        f"({'an IP address entry' if ip_host else 'a DNS name entry'}).")
    return Outcome(Status.FAIL, summary, f"{why} Go reports: {error}", fix, data=data)


def _issuer_in(chain: Sequence[GoCert], cert: GoCert) -> GoCert | None:
    return next((c for c in chain if c.raw_subject == cert.raw_issuer and c is not cert), None)


@dataclass(frozen=True)
class ChainCause:
    """Why Go built no chain, named for people.

    Attributes:
        summary: what is wrong, one line.
        why: the rule behind it.
        fix: what to change.
    """

    summary: str
    why: str
    fix: str


_SERVE_CHAIN = ("Serve the full chain: the leaf, then each intermediate, in one PEM file "
                "(serverCert).")


def chain_cause(chain: Sequence[GoCert], roots: CertPool, verdict: Verdict,
                trust: str) -> ChainCause:
    """The actual reason no chain was built, from what Go rejected and why."""
    reason = reason_of(verdict.error)
    eku = reason is Reason.INCOMPATIBLE_KEY_USAGE or "key usage" in verdict.dropped
    if reason is Reason.NAME_CONSTRAINTS:
        return ChainCause("a CA's name constraints do not allow a name in the certificate",
                          "Go applies every CA's name constraints to every subjectAltName of "
                          "the certificates below it.",
                          "Get a certificate whose names the issuing CA may sign for, or a "
                          "CA without such constraints.")
    if reason is Reason.INCOMPATIBLE_KEY_USAGE or (
            reason is Reason.NO_VALID_CHAINS and (eku or "policies" in verdict.dropped)):
        what = ("does not allow TLS server authentication (extended key usage)"
                if eku else "has certificate policies that cannot be met "
                "(requireExplicitPolicy, inhibitPolicyMapping, inhibitAnyPolicy)")
        return ChainCause(f"every chain Go can build {what}",
                          "Go drops chains whose extended key usages or certificate policies "
                          "do not allow the use.",
                          "Use a certificate (and CA) issued for server authentication.")
    if reason is Reason.NO_VALID_CHAINS and "distrusted" in verdict.dropped:
        return ChainCause("the chain leads to a CA whose key Go distrusts",
                          "Go refuses a short list of CA keys outright (verify.go "
                          "distrustedSPKIHashes).", "Get a certificate from another CA.")
    if reason is Reason.SIGNATURE_CHECK_LIMIT:
        return ChainCause("too many candidate issuers: Go gave up after 100 signature checks",
                          "Go bounds the work of chain building.",
                          "Send only the certificates of one chain.")
    for rejection in verdict.rejected:
        cause = _rejection_cause(rejection)
        if cause is not None:
            return cause
    return _missing_issuer(chain, roots, trust)


def _rejection_cause(rejection: Rejection) -> ChainCause | None:
    candidate, reason = name_of(rejection.candidate), reason_of(rejection.error)
    role = "trusted root" if rejection.kind == ROOT else "intermediate"
    if reason is Reason.NOT_A_CA:
        version = " (an X.509 v1 certificate)" if rejection.candidate.version == 1 else ""
        return ChainCause(f"the intermediate {candidate!r} is not a CA{version}",
                          "Go uses a certificate as an issuer only when it is v3 with "
                          "basicConstraints CA:TRUE.",
                          "Issue the intermediate as X.509 v3 with basicConstraints CA:TRUE.")
    if reason is Reason.PARENT_CANNOT_SIGN:
        parent = rejection.candidate
        if parent.basic_constraints_valid and not parent.is_ca:
            what = "is not a CA (basicConstraints CA:FALSE)"
        elif not parent.basic_constraints_valid:
            what = "is not a CA (a v3 certificate without basicConstraints)"
        else:
            what = "may not sign certificates (its keyUsage lacks keyCertSign)"
        return ChainCause(f"the {role} {candidate!r} {what}",
                          "RFC 5280 4.2.1.9: only a CA certificate with keyCertSign may verify "
                          "certificate signatures, and Go checks it.",
                          "Use a CA certificate with basicConstraints CA:TRUE and keyCertSign.")
    if reason is Reason.PATH_LENGTH:
        return ChainCause(f"the path length limit of {candidate!r} "
                          f"(pathlen {rejection.candidate.max_path_len}) is exceeded",
                          "A CA's basicConstraints pathLenConstraint limits the intermediates "
                          "below it.", "Shorten the chain, or reissue the CA with a larger "
                          "path length.")
    if reason is Reason.UNHANDLED_CRITICAL_EXTENSION:
        return ChainCause(f"the {role} {candidate!r} carries a critical extension Go does "
                          "not handle", "Go refuses a certificate with a critical extension it "
                          "does not know (RFC 5280 4.2).", "Reissue it without that extension "
                          "marked critical.")
    if reason in (Reason.EXPIRED, Reason.NOT_YET_VALID):
        state = "has expired" if reason is Reason.EXPIRED else "is not yet valid"
        return ChainCause(f"the {role} {candidate!r} {state}",
                          "Go checks the validity period of every certificate in the chain, "
                          "roots included.", "Install the current certificate of that CA.")
    if reason is Reason.INSECURE_ALGORITHM:
        algorithm = rejection.child.signature_algorithm
        return ChainCause(f"a certificate in the chain is signed with {algorithm}",
                          "Go 1.18 and later refuse SHA-1 (and MD5) signatures on certificates.",
                          "Reissue the certificate with a SHA-256 signature.")
    if reason is Reason.RSA_KEY_TOO_SMALL:
        return ChainCause(f"the {role} {candidate!r} has an RSA key under 1024 bits",
                          "crypto/rsa refuses keys under 1024 bits (Go 1.24 and later).",
                          "Reissue the chain with RSA 2048+ or ECDSA keys.")
    if reason is Reason.KEY_TYPE_MISMATCH:
        return ChainCause("a signature's algorithm does not match the issuer's key type",
                          "Go checks that the signature algorithm names the issuer's kind of "
                          "key.", "Reissue the certificate with a signature of its issuer's "
                          "key type.")
    if reason is Reason.ALGORITHM_UNIMPLEMENTED:
        return ChainCause("a certificate is signed with an algorithm (or RSA-PSS parameters) "
                          "Go does not implement", "Go verifies SHA-256/384/512 with RSA "
                          "(PKCS #1 v1.5 or PSS with matching MGF1 and salt), ECDSA and Ed25519.",
                          "Reissue it with SHA256-RSA or ECDSA-SHA256.")
    if reason is Reason.SIGNATURE_INVALID:
        if rejection.kind == ROOT:
            return ChainCause(f"a trusted root is named {candidate!r}, but it did not sign this "
                              "certificate (another key)",
                              "A CA with the same name and a different key (a re-keyed or "
                              "look-alike root) cannot vouch for it.",
                              "Install a certificate issued by the trusted root, or send the "
                              "right intermediate.")
        return ChainCause(f"the intermediate {candidate!r} did not sign this certificate "
                          "(another key with the same name)", "The signature does not verify "
                          "with that intermediate's key.", _SERVE_CHAIN)
    return None


def _missing_issuer(chain: Sequence[GoCert], roots: CertPool, trust: str) -> ChainCause:
    leaf = chain[0]
    top, seen = leaf, {id(leaf)}
    while (parent := _issuer_in(chain, top)) is not None and id(parent) not in seen:
        seen.add(id(parent))
        top = parent
    wanted = top.issuer.attributes
    look_alike = next((c for c in (*chain, *roots.all()) if c.raw_subject != top.raw_issuer
                       and c.subject.attributes == wanted), None)
    if look_alike is not None:
        return ChainCause(f"the issuer of {name_of(top)!r} is named as {name_of(look_alike)!r} "
                          "is, but in another encoding", "Go matches an issuer by the exact "
                          "bytes of its name; names that read alike but differ in encoding "
                          "(PrintableString against UTF8String, attribute order) do not match.",
                          "Reissue the certificate with the issuer name encoded exactly as the "
                          "CA's subject.")
    if top.raw_issuer == top.raw_subject and top is leaf:
        return ChainCause("the certificate is self-signed",
                          f"Nothing vouches for it; {trust} do not include it.",
                          "Install a certificate from a public CA.")
    if top.raw_issuer == top.raw_subject:
        return ChainCause(f"the chain ends at {name_of(top)!r}, a CA that is not trusted",
                          f"{name_of(top)!r} is a private CA: Logpush trusts public CAs only, "
                          "and cannot be told to trust another.",
                          "Install a certificate from a public CA.")
    return ChainCause(f"the issuer of {name_of(top)!r} ({name_text(top.issuer)}) is neither sent "
                      "nor trusted",
                      "If it is an intermediate of a public CA, the server must send it: Go "
                      "never fetches missing intermediates (browsers do, which is why a browser "
                      "may show no error). If it is a private CA, Logpush cannot trust it.",
                      _SERVE_CHAIN)


def evaluate_chain(chain: Sequence[GoCert], roots: CertPool, now: datetime,
                   custom_roots: bool, verdict: Verdict | None = None) -> Outcome:
    """Does the sent chain lead to a trusted root, as Go builds (and filters) chains?"""
    verdict = verdict or chains_ignoring_name(chain, roots, now)
    data = {"sent": [name_of(c) for c in chain], "go_error": verdict.error}
    trust = "the --ca-file roots" if custom_roots else "certifi's Mozilla roots"
    if verdict.error is None:
        built = verdict.chains[0]
        return Outcome(Status.PASS, f"chains to {name_of(built[-1])} ({len(built)} "
                       "certificates)", f"Trusted by {trust}.", data=data)
    cause = chain_cause(chain, roots, verdict, trust)
    summary, fix = cause.summary, cause.fix
    if is_splunk_default(chain):
        summary += ": Splunk's default SplunkCommonCA"
        fix = SPLUNK_CERT_FIX
    return Outcome(Status.FAIL, summary, f"{cause.why} Go reports: {verdict.error}", fix,
                   data=data)


def evaluate_strength(chain: Sequence[GoCert]) -> Outcome:
    """Weak keys and signatures that still verify today but should not be relied on."""
    problems = []
    for cert in chain:
        name = cert.subject.common_name or "(no CN)"
        key = cert.public_key
        if key is not None and key.algorithm == "RSA" and key.rsa_bits < RSA_MIN_BITS:
            problems.append(f"{name} has a {key.rsa_bits}-bit RSA key")
        if cert.signature_hash in ("sha1", "md5") and cert.raw_issuer != cert.raw_subject:
            problems.append(f"{name} is signed with {cert.signature_algorithm}")
        if cert.version == 1:
            problems.append(f"{name} is an X.509 v1 certificate (no extensions)")
    if problems:
        return Outcome(Status.WARN, "; ".join(problems),
                       "Splunk's historic default certificates are v1, SHA-1 and RSA-1024.",
                       "Reissue with RSA 2048+ (or ECDSA P-256) and SHA-256, as X.509 v3.",
                       data={"problems": problems})
    return Outcome(Status.PASS, "keys and signatures are of current strength")


def verify_fix(error: str, failing: Sequence[str]) -> str:
    """The remedy for Go's verdict: the failing checks' own fixes when some failed above,
    else a remedy named from the error itself."""
    if failing:
        verb = "says" if len(failing) == 1 else "say"
        return f"Fix the certificate as {', '.join(failing)} above {verb}."
    if reason_of(error) is Reason.UNHANDLED_CRITICAL_EXTENSION:
        return ("Reissue the certificate without the critical extension Go does not handle "
                "(RFC 5280 4.2).")
    if reason_of(error) is Reason.INCOMPATIBLE_KEY_USAGE:
        return "Reissue the certificate with extended key usage serverAuth."
    return "Reissue the certificate so that Go accepts it (see the error above)."


def evaluate_verify(go_error: str | None, skip_verify: bool, legacy: str | None,
                    failing: Sequence[str] = ()) -> Outcome:
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
                       + SKIP_VERIFY_TRADE_OFF, verify_fix(go_error, failing), data=data)
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
        from hec_doctor.gox509.roots import load_roots

        ctx.facts.roots = load_roots(ctx.options.ca_file)
    return ctx.facts.roots


def _chain_verdict(ctx: Context) -> Verdict:
    if ctx.facts.chain_verdict is None:
        ctx.facts.chain_verdict = chains_ignoring_name(_chain(ctx), roots(ctx), ctx.options.now())
    return ctx.facts.chain_verdict


# The certificate signature algorithms Go lists in signature_algorithms_cert (crypto/tls
# common.go supportedSignatureAlgorithmsCert: every default scheme, SHA-1 included, no MD5, no
# SHA-224, no DSA, no rsa_pss_pss). An OpenSSL server (Splunk's TLS stack) will not present a
# certificate signed otherwise and ends the handshake with a handshake_failure alert (seen in
# the parity corpus for TLS 1.2 and 1.3; only the server's own certificate is checked).
_GO_CERT_SIGNATURES = {
    (1, 2, 840, 113549, 1, 1, 5), (1, 3, 14, 3, 2, 29), (1, 2, 840, 113549, 1, 1, 11),
    (1, 2, 840, 113549, 1, 1, 12), (1, 2, 840, 113549, 1, 1, 13), (1, 2, 840, 10045, 4, 1),
    (1, 2, 840, 10045, 4, 3, 2), (1, 2, 840, 10045, 4, 3, 3), (1, 2, 840, 10045, 4, 3, 4),
    (1, 3, 101, 112),
}
_PSS_HASHES = {(2, 16, 840, 1, 101, 3, 4, 2, 1), (2, 16, 840, 1, 101, 3, 4, 2, 2),
               (2, 16, 840, 1, 101, 3, 4, 2, 3)}


def _pss_listed(params: bytes | None) -> bool:
    """An RSASSA-PSS signature OpenSSL maps to an rsa_pss_rsae scheme Go lists: parameters it
    can read, trailer field 1, and a SHA-2 hash of 256 bits or more (salt and MGF1 hash not
    checked, as OpenSSL does not check them there)."""
    from hec_doctor.gox509.parse import SEQUENCE, Der, context

    body = Der(params or b"").read(SEQUENCE)
    if body is None:
        return False
    fields, hash_oid = Der(body), None
    while not fields.empty():
        read = fields.read_any()
        if read is None:
            return False
        tag, value = read
        if tag == context(0, constructed=True):
            ai = Der(value).read(SEQUENCE)
            hash_oid = Der(ai).read_oid() if ai is not None else None
        elif tag == context(3, constructed=True) and Der(value).read_int64() != 1:
            return False
    return hash_oid in _PSS_HASHES


def openssl_refusal(ders: Sequence[bytes]) -> str | None:
    """What Go reports when an OpenSSL-based server refuses its handshake because its own
    certificate (the leaf; the rest of the chain is sent as it is) is signed with an algorithm
    Go does not list in signature_algorithms_cert. Seen in TLS 1.2 and 1.3 alike."""
    found = outer_signature(ders[0]) if ders else None
    if found is None:
        return None
    oid, params, self_issued = found
    if self_issued or oid in _GO_CERT_SIGNATURES or (
            oid == (1, 2, 840, 113549, 1, 1, 10) and _pss_listed(params)):
        return None
    return gotext.remote_alert(40)


# crypto/tls handshake_client.go: the largest RSA key a client accepts (tlsmaxrsasize default).
MAX_RSA_BITS = 8192


def parse_refusal(ders: Sequence[bytes]) -> str | None:
    """What crypto/tls says when it will not take the certificates the server sent, before any
    verification: the first one Go cannot parse, or an RSA key over 8192 bits (each certificate
    in turn, extra ones included)."""
    for der in ders:
        try:
            cert = go_cert(der)
        except GoParseError as exc:
            return gotext.TLS_PARSE_PREFIX + str(exc)
        key = cert.public_key
        if key is not None and key.algorithm == "RSA" and key.rsa_bits > MAX_RSA_BITS:
            return (f"tls: server sent certificate containing RSA key larger than "
                    f"{MAX_RSA_BITS} bits")
    return None


def leaf_key_refusal(leaf: GoCert, tls_version: str | None) -> str | None:
    """What crypto/tls says about the leaf's key after verification (it applies with
    insecure-skip-verify too): a key type it does not support, or an RSA key crypto/rsa refuses
    when checking the handshake signature (Go 1.24+: under 1024 bits)."""
    key = leaf.public_key
    if key is None or key.algorithm == "DSA":
        kind = "*dsa.PublicKey" if key is not None else "<nil>"
        return f"tls: server's certificate contains an unsupported type of public key: {kind}"
    if key.algorithm == "MLDSA" and tls_version != "TLSv1.3":
        return "tls: server's certificate uses ML-DSA, which requires TLS 1.3"
    if key.algorithm == "RSA" and key.rsa_bits < 1024:
        return ("tls: invalid signature by the server certificate: crypto/rsa: "
                f"{key.rsa_bits}-bit keys are insecure (see "
                "https://go.dev/pkg/crypto/rsa#hdr-Minimum_key_size)")
    return None


def check_handshake(ctx: Context) -> Outcome:
    if ctx.facts.go_connection is not None:
        return _judge_go_handshake(ctx, ctx.facts.go_connection)
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
        refused = openssl_refusal(facts.chain)
        if refused is not None:
            ctx.facts.record_go_error(refused)
            ctx.facts.server_refuses_go = True
            refusing = HandshakeFacts(version=facts.version or None,
                                      go_error=go_error or refused, server_refuses_go=True)
            return Outcome(Status.FAIL, "the server will refuse Go's handshake: its certificate "
                           "is signed with an algorithm Go does not list",
                           "An OpenSSL-based server (Splunk's TLS stack) presents its "
                           "certificate only when the client lists the certificate's signature "
                           "algorithm in signature_algorithms_cert; Go lists SHA-256/384/512 "
                           "RSA, RSA-PSS "
                           "and ECDSA, Ed25519 and SHA-1, not MD5, SHA-224, DSA or RSA-PSS "
                           f"with other parameters. Go reports: {refused}",
                           "Reissue the chain with SHA256-RSA or ECDSA-SHA256 signatures.",
                           {**outcome.data, "go_error": refused}, facts=refusing)
        refusal = parse_refusal(facts.chain)
        if refusal is not None:
            ctx.facts.record_go_error(refusal)
            return Outcome(Status.FAIL, "Go refuses a certificate the server sent, before "
                           "verifying anything", f"Go reports: {refusal}",
                           "Reinstall a well-formed certificate chain from your CA.",
                           {**outcome.data, "parse_error": refusal},
                           facts=HandshakeFacts(version=facts.version or None,
                                                go_error=go_error or refusal))
    return outcome


# crypto/tls's VersionName against the names OpenSSL (and so this report) gives them.
_GO_VERSION_NAMES = {"TLS 1.3": "TLSv1.3", "TLS 1.2": "TLSv1.2", "TLS 1.1": "TLSv1.1",
                     "TLS 1.0": "TLSv1"}


def _judge_go_handshake(ctx: Context, push: PushFacts) -> Outcome:
    """The handshake the Go probe's push made (this run made none of its own): its version,
    suite, group and the chain the server sent Go, or the timeout Go ran into."""
    name, timeout_s = ctx.target.destination.host, ctx.options.timeout_s
    if push.timed_out == "handshake":
        facts = TlsFacts(name, failure=HandshakeFailure.TIMEOUT,
                         message=f"no TLS answer within {timeout_s:g} s",
                         elapsed_ms=timeout_s * 1000, measured_by=push.go_version)
    else:
        phases = push.phases
        elapsed = (phases.get("tls_done", 0.0) - phases.get("tls_start", 0.0)) * 1000
        facts = TlsFacts(name, version=_GO_VERSION_NAMES.get(push.tls_version, push.tls_version),
                         cipher=push.cipher_suite, chain=push.chain, elapsed_ms=max(elapsed, 0.0),
                         measured_by=push.go_version, group=push.group or None)
    ctx.facts.tls = facts
    go_error = go_handshake_error(facts)
    if go_error:
        ctx.facts.record_go_error(go_error)
    return evaluate_handshake(facts)


def check_validity(ctx: Context) -> Outcome:
    from dataclasses import replace

    chain = _chain(ctx)
    outcome = evaluate_validity(chain[0], ctx.options.now(), ctx.options.expiry_warn_days)
    expiry = chain_facts(chain, _chain_verdict(ctx))
    return replace(outcome, data={**outcome.data, **asdict(expiry)}, facts=expiry)


def chain_facts(chain: Any, verdict: Any) -> ChainExpiryFacts:
    """What a watcher keeps of the chain: the earliest notAfter of what the server sent, that of
    the chain Go verified (blackbox_exporter's two expiry metrics), and the leaf's identity."""
    import hashlib

    earliest = min(cert.not_after for cert in chain)
    verified = [min(cert.not_after for cert in built) for built in verdict.chains] \
        if verdict is not None and verdict.chains else []
    leaf = chain[0]

    def name(n: Any) -> str:
        parts = [f"CN={n.common_name}"] if n.common_name else []
        return ",".join(parts + [f"O={o}" for o in n.organization])

    return ChainExpiryFacts(
        not_after=rfc3339(leaf.not_after), earliest_not_after=rfc3339(earliest),
        verified_chain_not_after=rfc3339(min(verified)) if verified else None,
        leaf=LeafIdentity(fingerprint_sha256=hashlib.sha256(leaf.raw).hexdigest(),
                          subject=name(leaf.subject), issuer=name(leaf.issuer),
                          subjectalternative=",".join(leaf.dns_names),
                          serialnumber=format(leaf.serial, "x")))


def check_hostname(ctx: Context) -> Outcome:
    return evaluate_hostname(_chain(ctx), ctx.target.destination.host)


def check_chain(ctx: Context) -> Outcome:
    return evaluate_chain(_chain(ctx), roots(ctx), ctx.options.now(),
                          ctx.options.ca_file is not None, _chain_verdict(ctx))


def check_strength(ctx: Context) -> Outcome:
    return evaluate_strength(_chain(ctx))


def check_verify(ctx: Context) -> Outcome:
    chain = _chain(ctx)
    host = ctx.target.destination.host
    now = ctx.options.now()
    error = verify(chain, host, roots(ctx), now)
    leaf = chain[0]
    legacy = legacy_hostname_error(leaf, host) if error and error == hostname_error(
        leaf, host) else None
    skip = ctx.target.insecure_skip_verify
    if error and not skip:
        ctx.facts.record_go_error(TLS_VERIFY_PREFIX + error)
        if legacy:
            ctx.facts.legacy_error = legacy
    key_refusal = leaf_key_refusal(leaf, ctx.facts.tls.version if ctx.facts.tls else None)
    if key_refusal is not None:
        ctx.facts.record_go_error(key_refusal)
    ctx.facts.tls_verified = error is None
    failing = [name for name, failed in (
        ("tls.validity", now < leaf.not_before or now > leaf.not_after),
        ("tls.hostname", hostname_error(leaf, host) is not None),
        ("tls.chain", _chain_verdict(ctx).error is not None)) if failed]
    from dataclasses import replace

    verdict = VerifyFacts(
        go_error=(TLS_VERIFY_PREFIX + error if error and not skip else None) or key_refusal,
        verified=error is None, legacy_error=legacy if error and not skip else None)
    outcome = replace(evaluate_verify(error, skip, legacy, failing), facts=verdict)
    if key_refusal is not None and outcome.status is not Status.FAIL:
        return Outcome(Status.FAIL, f"Logpush will fail: {key_refusal}",
                       "Go refuses the server's key itself, whatever insecure-skip-verify says.",
                       "Reissue the certificate with an RSA 2048+ or ECDSA P-256 key.",
                       {**outcome.data, "key_refusal": key_refusal}, facts=verdict)
    return outcome
