"""Go's certificate verification, ported: the error text Logpush's Go pusher will report.

This follows crypto/x509's ``Certificate.Verify`` (Go 1.17 and later; texts as of Go 1.27) step by
step, because the first failure in Go's own order is the error users see: the leaf's critical
extensions and validity period, then the host name (SANs only), then chain building with Go's
candidate order and its quirk that the last candidate's validity error, not "unknown authority",
is returned when every candidate failed. crypto/tls wraps the result as
``tls: failed to verify certificate: <x509 error>`` (Go 1.20 and later).

Not ported (rare on HEC endpoints, said in the report's basis): name constraints, certificate
policies, Go's distrusted-root list and its limit of 100 signature checks.

Pure: certificates, roots and the clock come in as arguments. Each text is checked against a
real Go client by tests/test_go_parity.py.
"""

from __future__ import annotations

import hashlib
import ipaddress
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterable, Sequence

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, ExtensionOID, NameOID

# Go's SignatureAlgorithm names, by signature OID (crypto/x509 signatureAlgorithmDetails).
_SIG_NAMES = {
    "1.2.840.113549.1.1.2": ("MD2-RSA", "md2"),
    "1.2.840.113549.1.1.4": ("MD5-RSA", "md5"),
    "1.2.840.113549.1.1.5": ("SHA1-RSA", "sha1"),
    "1.3.14.3.2.29": ("SHA1-RSA", "sha1"),
    "1.2.840.113549.1.1.11": ("SHA256-RSA", "sha256"),
    "1.2.840.113549.1.1.12": ("SHA384-RSA", "sha384"),
    "1.2.840.113549.1.1.13": ("SHA512-RSA", "sha512"),
    "1.2.840.10040.4.3": ("DSA-SHA1", "sha1"),
    "2.16.840.1.101.3.4.3.2": ("DSA-SHA256", "sha256"),
    "1.2.840.10045.4.1": ("ECDSA-SHA1", "sha1"),
    "1.2.840.10045.4.3.2": ("ECDSA-SHA256", "sha256"),
    "1.2.840.10045.4.3.3": ("ECDSA-SHA384", "sha384"),
    "1.2.840.10045.4.3.4": ("ECDSA-SHA512", "sha512"),
    "1.3.101.112": ("Ed25519", ""),
}
_PSS_NAMES = {"sha256": "SHA256-RSAPSS", "sha384": "SHA384-RSAPSS", "sha512": "SHA512-RSAPSS"}
_HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512,
           "sha1": hashes.SHA1}
# Critical extensions Go parses (anything else critical fails with "unhandled critical extension").
_HANDLED_CRITICAL = {
    ExtensionOID.KEY_USAGE, ExtensionOID.BASIC_CONSTRAINTS, ExtensionOID.SUBJECT_ALTERNATIVE_NAME,
    ExtensionOID.NAME_CONSTRAINTS, ExtensionOID.CRL_DISTRIBUTION_POINTS,
    ExtensionOID.AUTHORITY_KEY_IDENTIFIER, ExtensionOID.SUBJECT_KEY_IDENTIFIER,
    ExtensionOID.EXTENDED_KEY_USAGE, ExtensionOID.CERTIFICATE_POLICIES,
    ExtensionOID.POLICY_CONSTRAINTS, ExtensionOID.INHIBIT_ANY_POLICY, ExtensionOID.POLICY_MAPPINGS,
    ExtensionOID.AUTHORITY_INFORMATION_ACCESS,
}
_SERVER_AUTH = ExtendedKeyUsageOID.SERVER_AUTH.dotted_string
_ANY_EKU = "2.5.29.37.0"
MAX_NAMES_INCLUDED = 100

LEAF, INTERMEDIATE, ROOT = "leaf", "intermediate", "root"


@dataclass(frozen=True, eq=False)
class GoCert:
    """The fields of a certificate that Go's verification reads, named as Go names them."""

    raw: bytes
    raw_subject: bytes
    raw_issuer: bytes
    common_name: str
    organization: tuple[str, ...]
    serial: int
    not_before: datetime
    not_after: datetime
    version: int
    basic_constraints_valid: bool
    is_ca: bool
    max_path_len: int
    key_usage_present: bool
    key_cert_sign: bool
    ext_key_usage: tuple[str, ...]
    has_san_extension: bool
    san_value: bytes | None
    dns_names: tuple[str, ...]
    ip_addresses: tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, ...]
    subject_key_id: bytes
    authority_key_id: bytes
    signature_algorithm: str
    signature_hash: str
    unhandled_critical: bool
    spki: bytes
    cert: x509.Certificate = field(repr=False)

    @property
    def fingerprint(self) -> bytes:
        return hashlib.sha224(self.raw).digest()


def go_cert(der: bytes) -> GoCert:
    """Read a DER certificate into the fields Go verification uses.

    Raises:
        ValueError: when the certificate cannot be parsed.
    """
    with warnings.catch_warnings():
        # Old roots with a zero serial number are still trusted by Go; parse them quietly.
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        return _go_cert(der)


def _go_cert(der: bytes) -> GoCert:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    cert = x509.load_der_x509_certificate(der)
    exts = {e.oid: e for e in cert.extensions}
    bc = exts.get(ExtensionOID.BASIC_CONSTRAINTS)
    ku = exts.get(ExtensionOID.KEY_USAGE)
    eku = exts.get(ExtensionOID.EXTENDED_KEY_USAGE)
    san = exts.get(ExtensionOID.SUBJECT_ALTERNATIVE_NAME)
    skid = exts.get(ExtensionOID.SUBJECT_KEY_IDENTIFIER)
    akid = exts.get(ExtensionOID.AUTHORITY_KEY_IDENTIFIER)
    sig_oid = cert.signature_algorithm_oid.dotted_string
    name, hash_name = _SIG_NAMES.get(sig_oid, ("0", ""))
    if sig_oid == "1.2.840.113549.1.1.10":  # RSASSA-PSS: the hash is in the parameters
        algorithm = cert.signature_hash_algorithm
        hash_name = algorithm.name if algorithm else ""
        name = _PSS_NAMES.get(hash_name, "0")
    path_len = -1
    if bc is not None and bc.value.path_length is not None:
        path_len = bc.value.path_length
    return GoCert(
        raw=der,
        raw_subject=cert.subject.public_bytes(),
        raw_issuer=cert.issuer.public_bytes(),
        common_name=_last_attribute(cert.subject, NameOID.COMMON_NAME),
        organization=tuple(str(a.value) for a in cert.subject.get_attributes_for_oid(
            NameOID.ORGANIZATION_NAME)),
        serial=cert.serial_number,
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        version=1 if cert.version is x509.Version.v1 else 3,
        basic_constraints_valid=bc is not None,
        is_ca=bool(bc and bc.value.ca),
        max_path_len=path_len,
        key_usage_present=ku is not None,
        key_cert_sign=bool(ku and ku.value.key_cert_sign),
        ext_key_usage=tuple(o.dotted_string for o in eku.value) if eku else (),
        has_san_extension=san is not None,
        san_value=san.value.public_bytes() if san else None,
        dns_names=tuple(san.value.get_values_for_type(x509.DNSName)) if san else (),
        ip_addresses=tuple(san.value.get_values_for_type(x509.IPAddress)) if san else (),
        subject_key_id=skid.value.digest if skid else b"",
        authority_key_id=(akid.value.key_identifier or b"") if akid else b"",
        signature_algorithm=name,
        signature_hash=hash_name,
        unhandled_critical=any(e.critical and e.oid not in _HANDLED_CRITICAL
                               for e in cert.extensions),
        spki=cert.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo),
        cert=cert,
    )


def _last_attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    # Go keeps the last value of a repeated attribute (pkix.Name.FillFromRDNSequence).
    values = name.get_attributes_for_oid(oid)
    return str(values[-1].value) if values else ""


class CertPool:
    """Go's CertPool: certificates indexed by raw subject, deduplicated by content."""

    def __init__(self, certs: Iterable[GoCert] = ()) -> None:
        self._by_name: dict[bytes, list[GoCert]] = {}
        self._sums: set[bytes] = set()
        for cert in certs:
            self.add(cert)

    def add(self, cert: GoCert) -> None:
        if cert.fingerprint in self._sums:
            return
        self._sums.add(cert.fingerprint)
        self._by_name.setdefault(cert.raw_subject, []).append(cert)

    def contains(self, cert: GoCert) -> bool:
        return cert.fingerprint in self._sums

    def __len__(self) -> int:
        return len(self._sums)

    def find_potential_parents(self, cert: GoCert) -> list[GoCert]:
        """Candidates in Go's order: key ids match, one key id missing, key ids differ."""
        matching, one, mismatch = [], [], []
        for candidate in self._by_name.get(cert.raw_issuer, []):
            if candidate.subject_key_id == cert.authority_key_id:
                matching.append(candidate)
            elif bool(candidate.subject_key_id) != bool(cert.authority_key_id):
                one.append(candidate)
            else:
                mismatch.append(candidate)
        return matching + one + mismatch


def rfc3339(moment: datetime) -> str:
    """Go's time.Format(time.RFC3339) of a UTC time."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def go_quote(text: str) -> str:
    """Go's strconv.Quote, for the texts that appear in x509 errors."""
    out = ['"']
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif char == "\r":
            out.append("\\r")
        elif char.isprintable():
            out.append(char)
        elif ord(char) < 0x80:
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) < 0x10000:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    out.append('"')
    return "".join(out)


def is_valid(cert: GoCert, cert_type: str, chain: Sequence[GoCert], now: datetime) -> str | None:
    """Go's Certificate.isValid: the checks on one certificate in its place in a chain."""
    if cert.unhandled_critical:
        return "x509: unhandled critical extension"
    if chain and chain[-1].raw_issuer != cert.raw_subject:
        return "x509: issuer name does not match subject from issuing certificate"
    expired = "x509: certificate has expired or is not yet valid: current time "
    if now < cert.not_before:
        return f"{expired}{rfc3339(now)} is before {rfc3339(cert.not_before)}"
    if now > cert.not_after:
        return f"{expired}{rfc3339(now)} is after {rfc3339(cert.not_after)}"
    if cert_type == INTERMEDIATE and (not cert.basic_constraints_valid or not cert.is_ca):
        return "x509: certificate is not authorized to sign other certificates"
    if cert.basic_constraints_valid and cert.max_path_len >= 0:
        if len(chain) - 1 > cert.max_path_len:
            return "x509: too many intermediates for path length constraint"
    return None


def check_signature_from(child: GoCert, parent: GoCert) -> str | None:
    """Go's Certificate.CheckSignatureFrom: the error text, or None when the signature holds."""
    if (parent.version == 3 and not parent.basic_constraints_valid) or (
        parent.basic_constraints_valid and not parent.is_ca
    ):
        return "x509: invalid signature: parent certificate cannot sign this kind of certificate"
    if parent.key_usage_present and not parent.key_cert_sign:
        return "x509: invalid signature: parent certificate cannot sign this kind of certificate"
    if child.signature_hash in ("md5", "md2", "sha1"):
        # SHA-1 is refused outright since Go 1.18 (MD5 long before): no signature is computed.
        return f"x509: cannot verify signature: insecure algorithm {child.signature_algorithm}"
    return _verify_signature(child, parent)


def _verify_signature(child: GoCert, parent: GoCert) -> str | None:
    key = parent.cert.public_key()
    tbs, signature = child.cert.tbs_certificate_bytes, child.cert.signature
    name = child.signature_algorithm
    hash_cls = _HASHES.get(child.signature_hash)
    try:
        if isinstance(key, rsa.RSAPublicKey) and name.endswith("-RSA") and hash_cls:
            key.verify(signature, tbs, padding.PKCS1v15(), hash_cls())
        elif isinstance(key, rsa.RSAPublicKey) and name.endswith("-RSAPSS") and hash_cls:
            key.verify(signature, tbs,
                       padding.PSS(padding.MGF1(hash_cls()), hash_cls.digest_size), hash_cls())
        elif isinstance(key, ec.EllipticCurvePublicKey) and name.startswith("ECDSA") and hash_cls:
            try:
                key.verify(signature, tbs, ec.ECDSA(hash_cls()))
            except InvalidSignature:
                return "x509: ECDSA verification failure"
        elif isinstance(key, ed25519.Ed25519PublicKey) and name == "Ed25519":
            try:
                key.verify(signature, tbs)
            except InvalidSignature:
                return "x509: Ed25519 verification failure"
        else:
            return "x509: cannot verify signature: algorithm unimplemented"
    except InvalidSignature:
        return "crypto/rsa: verification error"
    except UnsupportedAlgorithm:
        return "x509: cannot verify signature: algorithm unimplemented"
    return None


def _already_in_chain(candidate: GoCert, chain: Sequence[GoCert]) -> bool:
    for cert in chain:
        if cert.raw_subject != candidate.raw_subject or cert.spki != candidate.spki:
            continue
        if candidate.san_value is None and cert.san_value is None:
            return True
        if candidate.san_value is None or cert.san_value is None:
            return False
        if candidate.san_value == cert.san_value:
            return True
    return False


def _unknown_authority(hint_err: str | None, hint_cert: GoCert | None) -> str:
    text = "x509: certificate signed by unknown authority"
    if hint_err is not None and hint_cert is not None:
        name = hint_cert.common_name
        if not name:
            name = hint_cert.organization[0] if hint_cert.organization else (
                f"serial:{hint_cert.serial}")
        text += (f" (possibly because of {go_quote(hint_err)} while trying to verify candidate "
                 f"authority certificate {go_quote(name)})")
    return text


@dataclass
class _Search:
    roots: CertPool
    intermediates: CertPool
    now: datetime


def _build_chains(cert: GoCert, chain: list[GoCert], search: _Search
                  ) -> tuple[list[list[GoCert]], str | None]:
    """Go's buildChains, including which error survives when no chain is found."""
    chains: list[list[GoCert]] = []
    err: str | None = None
    hint_err: str | None = None
    hint_cert: GoCert | None = None
    for cert_type, pool in ((ROOT, search.roots), (INTERMEDIATE, search.intermediates)):
        for candidate in pool.find_potential_parents(cert):
            if _already_in_chain(candidate, chain):
                continue
            sig_err = check_signature_from(cert, candidate)
            if sig_err is not None:
                if hint_err is None:
                    hint_err, hint_cert = sig_err, candidate
                continue
            # As in Go, this assignment also clears an earlier candidate's error.
            err = is_valid(candidate, cert_type, chain, search.now)
            if err is not None:
                if hint_err is None:
                    hint_err, hint_cert = err, candidate
                continue
            if cert_type == ROOT:
                chains.append(chain + [candidate])
            else:
                child_chains, err = _build_chains(candidate, chain + [candidate], search)
                chains.extend(child_chains)
    if chains:
        return chains, None
    return chains, err if err is not None else _unknown_authority(hint_err, hint_cert)


def _chain_allows_server_auth(chain: Sequence[GoCert]) -> bool:
    """Go's checkChainForKeyUsage for the one usage a TLS client asks for."""
    for cert in reversed(chain):
        if not cert.ext_key_usage:
            continue
        if _ANY_EKU in cert.ext_key_usage:
            continue
        if _SERVER_AUTH not in cert.ext_key_usage:
            return False
    return True


def hostname_error(cert: GoCert, host: str) -> str | None:
    """Go's VerifyHostname: None when the host matches, else HostnameError's text."""
    candidate = host[1:-1] if len(host) >= 3 and host[0] == "[" and host[-1] == "]" else host
    ip = _parse_ip(candidate.split("%")[0])
    if ip is not None:
        if any(ip == san for san in cert.ip_addresses):
            return None
        return _hostname_error_text(cert, str(ip))
    lowered = _lower_ascii(host)
    valid_input = _valid_hostname(lowered, pattern=False)
    parts = _split_hostname(lowered)
    for name in cert.dns_names:
        if valid_input and _valid_hostname(name, pattern=True):
            if _match_hostnames(name, parts):
                return None
        elif _match_exactly(name, lowered):
            return None
    return _hostname_error_text(cert, host)


def _hostname_error_text(cert: GoCert, host: str) -> str:
    """HostnameError.Error(), in its own order: the legacy-CN text comes first."""
    if not cert.has_san_extension and _match_hostnames(cert.common_name, _split_hostname(host)):
        return "x509: certificate relies on legacy Common Name field, use SANs instead"
    ip = _parse_ip(host)
    if ip is not None:
        if not cert.ip_addresses:
            return f"x509: cannot validate certificate for {host} because it doesn't contain any IP SANs"
        if len(cert.ip_addresses) >= MAX_NAMES_INCLUDED:
            return (f"x509: certificate is valid for {len(cert.ip_addresses)} IP SANs, but none "
                    f"matched {host}")
        valid = ", ".join(map(str, cert.ip_addresses))
    else:
        if len(cert.dns_names) >= MAX_NAMES_INCLUDED:
            return (f"x509: certificate is valid for {len(cert.dns_names)} names, but none "
                    f"matched {host}")
        valid = ", ".join(cert.dns_names)
    if not valid:
        return f"x509: certificate is not valid for any names, but wanted to match {host}"
    return f"x509: certificate is valid for {valid}, not {host}"


def _parse_ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def legacy_hostname_error(cert: GoCert, host: str) -> str | None:
    """What Go 1.14 and earlier said: with no SANs, the CN was taken as a host name.

    That fallback is where the FAQ's ``x509: certificate is valid for SplunkServerDefaultCert,
    not <host>`` comes from. Returns None when the old text would be the same as today's or when
    old Go would have accepted the name.
    """
    if cert.dns_names or cert.ip_addresses or not cert.common_name:
        return None
    if not _valid_hostname(cert.common_name, pattern=True):
        return None
    if _match_hostnames(cert.common_name, _split_hostname(host)):
        return None
    return f"x509: certificate is valid for {cert.common_name}, not {host}"


def _lower_ascii(text: str) -> str:
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in text)


def _split_hostname(host: str) -> list[str]:
    return _lower_ascii(host.removesuffix(".")).split(".")


def _valid_hostname(host: str, *, pattern: bool) -> bool:
    if not pattern:
        host = host.removesuffix(".")
    if not host or host == "*":
        return False
    for i, part in enumerate(host.split(".")):
        if not part:
            return False
        if pattern and i == 0 and part == "*":
            continue
        for j, char in enumerate(part):
            if char.isascii() and (char.isalnum() or char == "_" or (char == "-" and j != 0)):
                continue
            return False
    return True


def _match_exactly(a: str, b: str) -> bool:
    if a in ("", ".") or b in ("", "."):
        return False
    return _lower_ascii(a) == _lower_ascii(b)


def _match_hostnames(pattern: str, host_parts: list[str]) -> bool:
    pattern = _lower_ascii(pattern)
    if not pattern or not host_parts:
        return False
    pattern_parts = pattern.split(".")
    if len(pattern_parts) != len(host_parts):
        return False
    return all((i == 0 and p == "*") or p == h for i, (p, h) in enumerate(zip(pattern_parts, host_parts)))


def verify(chain: Sequence[GoCert], server_name: str, roots: CertPool, now: datetime) -> str | None:
    """Go's ``Certificate.Verify`` as crypto/tls calls it for a server's chain.

    Args:
        chain: the certificates as the server sent them, leaf first.
        server_name: the host name (or IP) the client connected to.
        roots: the trusted roots.
        now: the current time.

    Returns:
        None when Go accepts the chain, else the x509 error text Go produces.
    """
    leaf = chain[0]
    search = _Search(roots, CertPool(chain[1:]), now)
    err = is_valid(leaf, LEAF, [], now)
    if err is not None:
        return err
    if server_name:
        err = hostname_error(leaf, server_name)
        if err is not None:
            return err
    if roots.contains(leaf):
        candidates = [[leaf]]
    else:
        candidates, err = _build_chains(leaf, [leaf], search)
        if err is not None:
            return err
    if not any(_chain_allows_server_auth(c) for c in candidates):
        return "x509: certificate specifies an incompatible key usage"
    return None


def chains_ignoring_name(chain: Sequence[GoCert], roots: CertPool, now: datetime
                         ) -> tuple[list[list[GoCert]], str | None]:
    """The chain-building step alone (no validity or name check of the leaf), for diagnosis."""
    leaf = chain[0]
    if roots.contains(leaf):
        return [[leaf]], None
    return _build_chains(leaf, [leaf], _Search(roots, CertPool(chain[1:]), now))
