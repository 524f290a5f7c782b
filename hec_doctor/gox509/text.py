"""The error texts Go's HTTP client prints, and so Logpush's Go pusher, each written once.

Sources (Go 1.27, read at the source): crypto/tls ``handshake_client.go`` (the verify and parse
prefixes, Go 1.20+), ``alert.go`` (alert texts), ``conn.go`` (record-layer texts), net/http
``transport.go`` (plain HTTP, TLS handshake timeout), net ``dial.go``/``net.go`` (dial texts).
Pure strings: ``explain`` uses them without loading any TLS code.
"""

from __future__ import annotations

# The Go release whose crypto/x509 and crypto/tls hec-doctor ports, with the GODEBUG defaults of
# a module whose go line is that release (how a pusher built today is built).
GO_VERSION = "1.27"
TLS_VERIFY_PREFIX = "tls: failed to verify certificate: "
TLS_PARSE_PREFIX = "tls: failed to parse certificate from server: "
PLAIN_HTTP = "http: server gave HTTP response to HTTPS client"
NOT_TLS = "tls: first record does not look like a TLS handshake"
HANDSHAKE_TIMEOUT = "net/http: TLS handshake timeout"
# crypto/tls alert.go: the texts of the alerts a server sends a client at hello time.
ALERTS = {
    10: "unexpected message", 20: "bad record MAC", 22: "record overflow",
    40: "handshake failure", 42: "bad certificate", 43: "unsupported certificate",
    46: "unknown certificate", 47: "illegal parameter", 48: "unknown certificate authority",
    49: "access denied", 50: "error decoding message", 51: "error decrypting message",
    70: "protocol version not supported", 71: "insufficient security level",
    80: "internal error", 86: "inappropriate fallback", 90: "user canceled",
    109: "missing extension", 110: "unsupported extension", 112: "unrecognized name",
    116: "certificate required", 120: "no application protocol",
}


def remote_alert(alert: int) -> str:
    """``remote error: tls: <text>`` for an alert the server sent."""
    return f"remote error: tls: {ALERTS.get(alert, f'alert({alert})')}"


def unsupported_version(version: int) -> str:
    """crypto/tls's text for a ServerHello choosing a version below TLS 1.2."""
    return f"tls: server selected unsupported protocol version {version:x}"


def host_port(address: str, port: int) -> str:
    """``address:port`` as Go's net.JoinHostPort writes it (IPv6 in brackets)."""
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


def dial_error(address: str, port: int, outcome: str, message: str) -> str:
    """What Go's dialer reports for a failed connection attempt."""
    where = host_port(address, port)
    if outcome == "timeout":
        return f"dial tcp {where}: i/o timeout"
    return f"dial tcp {where}: connect: {message}"


def lookup_error(host: str, error: str) -> str:
    """What Go's dialer reports for a failed name lookup."""
    if error == "timeout":
        return f"dial tcp: lookup {host}: i/o timeout"
    return f"dial tcp: lookup {host}: {error}"
