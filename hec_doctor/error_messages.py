"""The error messages Logpush users meet in a job's ``error_message``: cause and fix for each.

Pure data and one pure classifier. Each class carries a real example (Go's exact text, or a HEC
reply as Splunk writes it); the tests feed every example back through ``explain_message``. An
unknown message is never dropped: it is shown verbatim with the nearest known family.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hec_doctor.advice import CERT_FIX, SPLUNK_CLOUD_CERT
from hec_doctor.gotext import TLS_VERIFY_PREFIX
from hec_doctor.hec_replies import CODES


@dataclass(frozen=True)
class MessageClass:
    """A kind of error message.

    Attributes:
        id: a stable name (``tls.hostname-mismatch``); the part before the dot is its family.
        pattern: a regular expression searched in the message.
        title: the kind in a few words.
        cause: why it happens.
        fix: what to change.
        example: a real message of this kind.
        topic: the ``hec-doctor explain`` topic with more, or "".
    """

    id: str
    pattern: str
    title: str
    cause: str
    fix: str
    example: str
    topic: str = ""

    @property
    def family(self) -> str:
        return self.id.split(".")[0]


_TLS = TLS_VERIFY_PREFIX
CLASSES: tuple[MessageClass, ...] = (
    MessageClass(
        "tls.splunk-default-cert", r"SplunkServerDefaultCert",
        "Splunk's default certificate",
        "The HEC serves the SplunkServerDefaultCert that Splunk makes at install, issued by "
        "SplunkCommonCA: no public CA signed it and it does not name your host.",
        CERT_FIX + " " + SPLUNK_CLOUD_CERT,
        "x509: certificate is valid for SplunkServerDefaultCert, not "
        "http-inputs-acme.splunkcloud.com", "splunk-default-cert"),
    MessageClass(
        "tls.hostname-mismatch", r"x509: certificate is valid for (?P<names>.+), not (?P<host>\S+)",
        "certificate issued for other names",
        "The certificate does not name the host in the destination_conf. (Go 1.14 and older "
        "listed the Common Name here when the certificate had no subjectAltName.)",
        CERT_FIX + " Or use a host name the certificate already carries.",
        _TLS + "x509: certificate is valid for other.example, www.other.example, not "
        "hec.example.com"),
    MessageClass(
        "tls.no-names", r"x509: certificate is not valid for any names, but wanted to match "
        r"(?P<host>\S+)", "certificate with no subjectAltName",
        "The certificate carries no subjectAltName at all (typical of Splunk's default and "
        "other self-made certificates); Go matches host names against SANs only.",
        CERT_FIX, _TLS + "x509: certificate is not valid for any names, but wanted to match "
        "hec.example.com", "splunk-default-cert"),
    MessageClass(
        "tls.legacy-cn", r"x509: certificate relies on legacy Common Name field",
        "Common-Name-only certificate",
        "The host name is only in the certificate's Common Name; Go (1.15 and later) ignores "
        "the CN. curl still accepts it, so a passing curl check proves nothing here.",
        "Reissue the certificate with the host name as a DNS subjectAltName.",
        _TLS + "x509: certificate relies on legacy Common Name field, use SANs instead"),
    MessageClass(
        "tls.ip-sans", r"cannot validate certificate for (?P<host>\S+) because it doesn't "
        r"contain any IP SANs", "IP address without IP SAN",
        "The destination names an IP address, and the certificate has no IP subjectAltName.",
        "Use the DNS name the certificate is issued for.",
        _TLS + "x509: cannot validate certificate for 203.0.113.7 because it doesn't contain "
        "any IP SANs"),
    MessageClass(
        "tls.unknown-authority", r"x509: certificate signed by unknown authority",
        "untrusted or incomplete certificate chain",
        "Go could not build a chain to a public root: a private or self-signed CA, or the server "
        "does not send its intermediate certificate (Go never fetches missing intermediates).",
        "Serve the full chain (leaf then intermediates; serverCert's file holds them in order), "
        "from a public CA. Run hec-doctor check to see which.",
        _TLS + "x509: certificate signed by unknown authority"),
    MessageClass(
        "tls.expired", r"x509: certificate has expired or is not yet valid",
        "expired (or not yet valid) certificate",
        "The certificate's validity period does not include the current time.",
        "Renew the certificate and restart splunkd (or the load balancer serving it).",
        _TLS + "x509: certificate has expired or is not yet valid: current time "
        "2026-11-27T12:00:00Z is after 2026-11-01T00:00:00Z"),
    MessageClass(
        "tls.not-ca", r"x509: certificate is not authorized to sign other certificates",
        "a non-CA certificate in the issuer's place",
        "An intermediate in the chain is not marked as a CA (often an X.509 v1 certificate, "
        "such as Splunk's old SplunkCommonCA, sent as intermediate).",
        "Serve a chain whose intermediates are proper CA certificates from a public CA.",
        _TLS + "x509: certificate is not authorized to sign other certificates"),
    MessageClass(
        "tls.key-usage", r"x509: certificate specifies an incompatible key usage",
        "certificate not for servers",
        "The certificate's extended key usage does not include TLS server authentication.",
        "Reissue the certificate for server authentication (EKU serverAuth).",
        _TLS + "x509: certificate specifies an incompatible key usage"),
    MessageClass(
        "tls.plain-http", r"server gave HTTP response to HTTPS client",
        "HEC without SSL",
        "The port answers plain HTTP: HEC has SSL turned off (enableSSL = 0).",
        "Turn SSL on for HEC (Global Settings > Enable SSL) with a proper certificate; Logpush "
        "only speaks HTTPS.",
        'Post "https://hec.example.com:8088/services/collector/raw?channel=x": http: server '
        "gave HTTP response to HTTPS client"),
    MessageClass(
        "tls.not-tls", r"first record does not look like a TLS handshake",
        "not a TLS server", "Something other than a TLS server answers on this port.",
        "Point the destination at the HEC port (8088 by default, or 443 behind a load balancer).",
        "tls: first record does not look like a TLS handshake"),
    MessageClass(
        "tls.version", r"protocol version not supported",
        "TLS version too old", "The server offers nothing newer than TLS 1.1; Go needs 1.2.",
        "Allow TLS 1.2 and 1.3 on the HEC (sslVersions = tls1.2 in server.conf / inputs.conf).",
        "remote error: tls: protocol version not supported"),
    MessageClass(
        "tls.handshake-timeout", r"TLS handshake timeout",
        "TLS handshake timed out",
        "TCP connected but the TLS handshake did not finish in time: an overloaded HEC, or a "
        "firewall or proxy holding the connection.", "Check what answers on the port and its load.",
        'Post "https://hec.example.com:8088/services/collector/raw": net/http: TLS handshake '
        "timeout"),
    MessageClass(
        "net.refused", r"connection refused", "connection refused",
        "Nothing listens on that address and port (HEC disabled, wrong port, or a firewall that "
        "rejects).", "Enable HEC (Global Settings > All Tokens: Enabled) and check the port.",
        "dial tcp 203.0.113.7:8088: connect: connection refused"),
    MessageClass(
        "net.dns", r"no such host|\b1105\b|server misbehaving",
        "host name does not resolve",
        "Public DNS has no address for the host (Logpush health code 1105).",
        "Publish an A/AAAA record for the host, or fix the host name in destination_conf.",
        "dial tcp: lookup hec.example.com: no such host"),
    MessageClass(
        "net.timeout", r"i/o timeout|deadline exceeded|Client\.Timeout|timed out",
        "connection timed out",
        "No answer in time: a firewall dropping Cloudflare's addresses, or an overloaded HEC.",
        "Allow Cloudflare's egress IP ranges (https://www.cloudflare.com/ips/) to the HEC port.",
        "dial tcp 203.0.113.7:8088: i/o timeout"),
    MessageClass(
        "net.reset", r"connection reset by peer|\bEOF\b|broken pipe",
        "connection dropped",
        "The server or something in between closed the connection mid-request (a load "
        "balancer's limits, a proxy, or plain HTTP on an SSL port).",
        "Check the load balancer's idle and size limits and that the port speaks TLS.",
        'Post "https://hec.example.com:8088/services/collector/raw": EOF'),
    MessageClass(
        "logpush.too-early", r"too early: logs older than (?P<age>\S+) are not available",
        "the job fell more than 7 days behind",
        "Logpush resumes from the last pushed batch; after failing (or being off) for longer "
        "than the logs are kept for pushing (168h = 7 days), the next batch no longer exists. "
        "Those logs cannot be pushed any more.",
        "Fix what made the job fail, then re-create the job (a new job starts from now) or "
        "upgrade a v1 job to v2 (PUT {\"logstream\": true}). Logpull can still fetch the last 72 "
        "hours.",
        "error 400: error transferring data: bad response: error parsing parameters: error "
        "parsing time: invalid time range: too early: logs older than 168h0m0s are not "
        "available", "logpush-versions"),
    MessageClass(
        "hec.code", r'"code"\s*:\s*(?P<code>\d+)', "HEC refused the push",
        "Splunk answered with a HEC status code (see below).", "See below.",
        '{"text":"Invalid token","code":4}'),
    MessageClass(
        "hec.text", r"(?P<text>Invalid token|Token disabled|Token is required|Invalid "
        r"authorization|Data channel is missing|Incorrect index|Server is busy)",
        "HEC refused the push", "Splunk answered with a HEC status text (see below).",
        "See below.", "error 403: Invalid token"),
    MessageClass(
        "http.not-found", r"\b404\b|[Nn]ot [Ff]ound", "wrong path (404)",
        "The path is not a HEC endpoint on this server, or a proxy in front does not route it.",
        "Use /services/collector/raw on the HEC port.", "error 404: 404 page not found"),
    MessageClass(
        "http.too-large", r"\b413\b|max_content_length", "batch too large (413)",
        "The batch exceeds Splunk's max_content_length (or a proxy's body limit).",
        "Raise max_content_length in limits.conf [http_input], or lower max_upload_bytes on the "
        "job.", "error 413: Content-Length of request exceeds max_content_length"),
    MessageClass(
        "http.unavailable", r"\b(502|503|504|429)\b", "HEC or a proxy unavailable",
        "A proxy or the HEC itself was overloaded or down (502/504 gateways, 503 busy, 429 "
        "rate limit).", "Check the HEC's queues and what sits in front of it.",
        "error 503: Service Unavailable"),
)
_FAMILY_WORDS = (
    ("tls", ("x509", "tls", "certificate", "handshake")),
    ("net", ("dial", "tcp", "connect", "lookup", "network", "socket")),
    ("hec", ("token", "hec", "splunk", "index", "channel")),
    ("logpush", ("logs older", "time range", "backfill", "logpush")),
    ("http", ("error 4", "error 5", "status", "http")),
)
_FAMILY_TITLES = {
    "tls": "a TLS or certificate problem", "net": "a network problem",
    "hec": "a HEC reply", "logpush": "a Logpush scheduling problem",
    "http": "an HTTP reply from the server or a proxy",
}


@dataclass(frozen=True)
class Explanation:
    """What a message means.

    Attributes:
        message: the message, verbatim.
        matched: the class that matched, or None when the message is unknown.
        nearest_family: for an unknown message, the family its words point to ("" if none).
        cause, fix: the explanation (for a HEC code, the code's own).
        details: what was read from the message (host, names, code, ...).
    """

    message: str
    matched: MessageClass | None
    nearest_family: str
    cause: str
    fix: str
    details: tuple[tuple[str, str], ...] = ()

    @property
    def title(self) -> str:
        if self.matched is not None:
            return self.matched.title
        family = _FAMILY_TITLES.get(self.nearest_family)
        return f"unknown message (nearest: {family})" if family else "unknown message"


def explain_message(message: str) -> Explanation:
    """The first class whose pattern occurs in ``message``, or the nearest family."""
    for cls in CLASSES:
        found = re.search(cls.pattern, message)
        if found is None:
            continue
        details = tuple((k, v) for k, v in found.groupdict().items() if v is not None)
        cause, fix = cls.cause, cls.fix
        code = _hec_code(cls, found)
        if cls.family == "hec" and code not in CODES:
            continue  # {"code":404} is Splunk's not-found page, classified below
        if code is not None:
            entry = CODES[code]
            cause = f"HEC code {code} '{entry.text}': {entry.cause}"
            fix = entry.fix or "Nothing to fix: this code is not an error."
        return Explanation(message, cls, cls.family, cause, fix, details)
    family = _nearest_family(message)
    return Explanation(
        message, None, family,
        "hec-doctor does not know this message"
        + (f"; its words point to {_FAMILY_TITLES[family]}" if family else "") + ".",
        "Run hec-doctor check on the job's destination_conf: it tests each step Logpush takes.")


def _hec_code(cls: MessageClass, found: re.Match[str]) -> int | None:
    """The HEC code a ``hec.*`` match names (None for other classes)."""
    if cls.id == "hec.code":
        return int(found.group("code"))
    if cls.id == "hec.text":
        return next((c.code for c in CODES.values() if c.text == found.group("text")), None)
    return None


def _nearest_family(message: str) -> str:
    lowered = message.lower()
    best, best_hits = "", 0
    for family, words in _FAMILY_WORDS:
        hits = sum(word in lowered for word in words)
        if hits > best_hits:
            best, best_hits = family, hits
    return best
