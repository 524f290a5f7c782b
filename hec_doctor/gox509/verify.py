"""Go's certificate verification, ported: the error text Logpush's Go pusher will report.

This follows crypto/x509's ``Certificate.Verify`` (Go 1.27.3: verify.go, constraints.go,
x509.go) step by step, because the first failure in Go's own order is the error users see:

1. the leaf's critical extensions and validity period (``isValid``);
2. the host name, against SANs only (``VerifyHostname``);
3. chain building (``buildChains``): candidates in Go's order, signatures checked as Go checks
   them (SHA-1 and MD5 refused, RSA keys under 1024 bits refused by crypto/rsa, a signature
   algorithm that does not fit the issuer's key named), at most 100 signature checks, and Go's
   quirk that the last candidate's validity error, not "unknown authority", is returned;
4. every candidate chain filtered as Go filters them: certificate policies (RFC 5280 as
   updated by RFC 9618), extended key usage, name constraints (DNS, IP, email and URI,
   permitted and excluded, applied to every SAN of every certificate below the constraining
   CA), and Go's distrusted-key list; the error then depends on why the last chains fell.

crypto/tls wraps the result as ``tls: failed to verify certificate: <x509 error>``. Pure:
certificates (parsed by ``goparse``, Go's parser ported), roots and the clock come in as
arguments. Each text is checked against a real Go client by tests/test_go_parity.py.
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from functools import lru_cache

from hec_doctor.gox509.parse import (
    ANY_POLICY,
    EKU_ANY,
    EKU_SERVER_AUTH,
    GoParseError,
    IPNet,
    Mailbox,
    ParsedCert,
    domain_name_valid,
    go_quote,
    parse_certificate,
    parse_mailbox,
)

GoCert = ParsedCert


class Reason(StrEnum):
    """Why the port refused, beside Go's text: what the checks branch on, so that no check
    reads the words of an error text (which follow Go's wording, not ours)."""

    UNHANDLED_CRITICAL_EXTENSION = "unhandled_critical_extension"
    ISSUER_NAME_MISMATCH = "issuer_name_mismatch"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    NOT_A_CA = "not_a_ca"
    PATH_LENGTH = "path_length"
    PARENT_CANNOT_SIGN = "parent_cannot_sign"
    ALGORITHM_UNIMPLEMENTED = "algorithm_unimplemented"
    INSECURE_ALGORITHM = "insecure_algorithm"
    KEY_TYPE_MISMATCH = "key_type_mismatch"
    RSA_KEY_TOO_SMALL = "rsa_key_too_small"
    SIGNATURE_INVALID = "signature_invalid"
    SIGNATURE_CHECK_LIMIT = "signature_check_limit"
    UNKNOWN_AUTHORITY = "unknown_authority"
    LEGACY_COMMON_NAME = "legacy_common_name"
    NO_IP_SANS = "no_ip_sans"
    IP_NOT_MATCHED = "ip_not_matched"
    NO_NAMES = "no_names"
    NAME_NOT_MATCHED = "name_not_matched"
    NAME_CONSTRAINTS = "name_constraints"
    INCOMPATIBLE_KEY_USAGE = "incompatible_key_usage"
    NO_VALID_CHAINS = "no_valid_chains"


class GoError(str):
    """Go's error text, to the letter, carrying the port's ``Reason`` for it. It is the text
    everywhere a string is expected (reports, comparisons with Go's own output)."""

    reason: Reason

    def __new__(cls, text: str, reason: Reason) -> GoError:
        error = super().__new__(cls, text)
        error.reason = reason
        return error

    def __reduce__(self) -> tuple[type[GoError], tuple[str, Reason]]:
        return GoError, (str(self), self.reason)


def reason_of(error: str | None) -> Reason | None:
    """The port's reason for an error it produced (None for no error, or another's text)."""
    return error.reason if isinstance(error, GoError) else None


MAX_NAMES_INCLUDED = 100
MAX_SIGNATURE_CHECKS = 100  # verify.go maxChainSignatureChecks
LEAF, INTERMEDIATE, ROOT = "leaf", "intermediate", "root"
KEY_USAGE_CERT_SIGN = 32
SIGNATURE_LIMIT = GoError("x509: signature check attempts limit reached while verifying "
                          "certificate chain", Reason.SIGNATURE_CHECK_LIMIT)
UNSUPPORTED = GoError("x509: cannot verify signature: algorithm unimplemented",
                      Reason.ALGORITHM_UNIMPLEMENTED)
# verify.go distrustedSPKIHashes: SHA-256 of the SubjectPublicKeyInfo of keys Go refuses.
DISTRUSTED_SPKI = frozenset({
    "ebed6475c2c2d80fcb199f3fe8dd6e6b3ce60b77eb15d4e42c3dec0c6f5b5105",
    "49dd353dc2b919a3770645117d0e60c16115e7d1bc259eefe734b00ea434fe5f",
    "e0254c7fcdc265e2f0f8a428dabb75ab4ae039b4872d62f5ee57f0877d5a8a41",
    "5c0660a2b164910d8ff589c18e14552e9e0ec237dcefe2cb736d41a4811f81a0",
    "43bffa19d6ef651451f6841e019931e96f6f2eaeff28ab4b6f1ce4576de2717b",
    "63ecefee431d49523bc1136c4e72d0206a477086caf606cd5cf025686c109cf8",
    "ec4ffa1ad0ac88081314b7aaffef6a91f97cd57291bb5ba686c5415f5eb4f6b6",
    "92c063d67e8f14db71d288e11266ffdaf69cbf115f7bab14f3bc2f68d25e0e30",
})
# fmt's %T of each public key type, and PublicKeyAlgorithm.String() (x509.go).
_KEY_TYPES = {"RSA": "*rsa.PublicKey", "ECDSA": "*ecdsa.PublicKey", "Ed25519": "ed25519.PublicKey",
              "DSA": "*dsa.PublicKey", "MLDSA": "*mldsa.PublicKey"}
_ALGORITHM_NAMES = {"RSA": "RSA", "ECDSA": "ECDSA", "Ed25519": "Ed25519", "DSA": "DSA",
                    "MLDSA": "ML-DSA"}


@lru_cache(maxsize=1024)
def go_cert(der: bytes) -> GoCert:
    """Go's ``x509.ParseCertificate``.

    A fleet meets the same few certificates again and again, and the parse is a pure function
    of the bytes (the result is frozen), so each distinct certificate is parsed once.

    Raises:
        GoParseError (a ValueError): with Go's text (not cached: raised afresh each time).
    """
    return parse_certificate(der)


class CertPool:
    """Go's CertPool: certificates by raw subject, deduplicated by content (SHA-224 of the DER),
    parsed only when a chain asks for them (as Go's lazy pool does)."""

    def __init__(self, certs: Iterable[GoCert] = ()) -> None:
        self._by_name: dict[bytes, list[Callable[[], GoCert | None]]] = {}
        self._sums: set[bytes] = set()
        for cert in certs:
            self.add(cert)

    def add(self, cert: GoCert) -> None:
        self.add_lazy(cert.raw, cert.raw_subject, lambda: cert)

    def add_lazy(self, raw: bytes, raw_subject: bytes, get: Callable[[], GoCert | None]) -> None:
        """Add a certificate known by its DER and subject; ``get`` parses it when needed (and
        returns None when it does not parse: Go's pool skips such certificates)."""
        digest = hashlib.sha224(raw).digest()
        if digest in self._sums:
            return
        self._sums.add(digest)
        cache: list[GoCert | None] = []

        def once() -> GoCert | None:
            if not cache:
                cache.append(get())
            return cache[0]

        self._by_name.setdefault(raw_subject, []).append(once)

    def contains(self, cert: GoCert) -> bool:
        return hashlib.sha224(cert.raw).digest() in self._sums

    def __len__(self) -> int:
        return len(self._sums)

    def all(self) -> list[GoCert]:
        """Every certificate that parses (for diagnosis: this parses them all)."""
        return [c for name in self._by_name for c in self.named(name)]

    def named(self, raw_subject: bytes) -> list[GoCert]:
        return [c for c in (get() for get in self._by_name.get(raw_subject, ())) if c]

    def find_potential_parents(self, cert: GoCert) -> list[GoCert]:
        """Candidates in Go's order: key ids match, one key id missing, key ids differ."""
        matching, one, mismatch = [], [], []
        for candidate in self.named(cert.raw_issuer):
            if candidate.subject_key_id == cert.authority_key_id:
                matching.append(candidate)
            elif bool(candidate.subject_key_id) != bool(cert.authority_key_id):
                one.append(candidate)
            else:
                mismatch.append(candidate)
        return matching + one + mismatch


def rfc3339(moment: datetime) -> str:
    """Go's time.Format(time.RFC3339): the time in its own zone, "Z" for UTC."""
    offset = moment.utcoffset()
    if offset is None or not offset:
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def is_valid(cert: GoCert, cert_type: str, chain: Sequence[GoCert], now: datetime) -> str | None:
    """Go's Certificate.isValid: the checks on one certificate in its place in a chain."""
    if cert.unhandled_critical:
        return GoError("x509: unhandled critical extension",
                       Reason.UNHANDLED_CRITICAL_EXTENSION)
    if chain and chain[-1].raw_issuer != cert.raw_subject:
        return GoError("x509: issuer name does not match subject from issuing certificate",
                       Reason.ISSUER_NAME_MISMATCH)
    expired = "x509: certificate has expired or is not yet valid: current time "
    if now < cert.not_before:
        return GoError(f"{expired}{rfc3339(now)} is before {rfc3339(cert.not_before)}",
                       Reason.NOT_YET_VALID)
    if now > cert.not_after:
        return GoError(f"{expired}{rfc3339(now)} is after {rfc3339(cert.not_after)}",
                       Reason.EXPIRED)
    if cert_type == INTERMEDIATE and (not cert.basic_constraints_valid or not cert.is_ca):
        return GoError("x509: certificate is not authorized to sign other certificates",
                       Reason.NOT_A_CA)
    if cert.basic_constraints_valid and cert.max_path_len >= 0:
        if len(chain) - 1 > cert.max_path_len:
            return GoError("x509: too many intermediates for path length constraint",
                           Reason.PATH_LENGTH)
    return None


def check_signature_from(child: GoCert, parent: GoCert) -> str | None:
    """Go's Certificate.CheckSignatureFrom: the error text, or None when the signature holds."""
    cannot_sign = GoError("x509: invalid signature: parent certificate cannot sign this kind "
                          "of certificate", Reason.PARENT_CANNOT_SIGN)
    if (parent.version == 3 and not parent.basic_constraints_valid) or (
            parent.basic_constraints_valid and not parent.is_ca):
        return cannot_sign
    if parent.key_usage and not parent.key_usage & KEY_USAGE_CERT_SIGN:
        return cannot_sign
    if not parent.public_key_algorithm:
        return UNSUPPORTED
    return check_signature(child, parent)


def check_signature(child: GoCert, parent: GoCert) -> str | None:
    """x509.go checkSignature, for a certificate's signature (SHA-1 not allowed)."""
    algorithm, needs = child.signature_algorithm, child.signature_key_algorithm
    if not child.signature_hash and needs not in ("Ed25519", "MLDSA"):
        return UNSUPPORTED
    if child.signature_hash in ("md5", "sha1"):
        return GoError(f"x509: cannot verify signature: insecure algorithm {algorithm}",
                       Reason.INSECURE_ALGORITHM)
    key = parent.public_key
    have = parent.public_key_algorithm
    if key is None or have not in ("RSA", "ECDSA", "Ed25519", "MLDSA"):
        return UNSUPPORTED  # a DSA key: Go has no case for it
    if needs != have:
        return GoError(f"x509: signature algorithm specifies an {_ALGORITHM_NAMES[needs]} public "
                       f"key, but have public key of type {_KEY_TYPES[have]}",
                       Reason.KEY_TYPE_MISMATCH)
    if have == "MLDSA":
        return UNSUPPORTED  # not verifiable here; no HEC endpoint is known to use ML-DSA
    if have == "RSA" and key.rsa_bits < 1024:  # crypto/rsa checkKeySize, rsa1024min=1
        return GoError(f"crypto/rsa: {key.rsa_bits}-bit keys are insecure (see "
                       "https://go.dev/pkg/crypto/rsa#hdr-Minimum_key_size)",
                       Reason.RSA_KEY_TOO_SMALL)
    # The answer depends only on the child's bytes and the parent's key, so a fleet behind one
    # certificate verifies it once.
    cache_key = (child.raw, key.spki, have)
    if cache_key not in _VERIFIED:
        if len(_VERIFIED) >= 1024:
            _VERIFIED.clear()
        _VERIFIED[cache_key] = _verify(child, key.spki, have)
    return _VERIFIED[cache_key]


_VERIFIED: dict[tuple[bytes, bytes, str], str | None] = {}


def _verify(child: GoCert, spki: bytes, algorithm: str) -> str | None:
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    failure = GoError({"RSA": "crypto/rsa: verification error",
                       "ECDSA": "x509: ECDSA verification failure",
                       "Ed25519": "x509: Ed25519 verification failure"}[algorithm],
                      Reason.SIGNATURE_INVALID)
    hash_class: type[hashes.HashAlgorithm] | None = {
        "sha256": hashes.SHA256, "sha384": hashes.SHA384,
        "sha512": hashes.SHA512}.get(child.signature_hash)
    try:
        key = load_der_public_key(spki)
        # A key of another kind than the algorithm named fails as Go's type switch fails.
        if algorithm == "RSA" and isinstance(key, rsa.RSAPublicKey) and hash_class is not None:
            digest = hash_class()
            scheme: padding.AsymmetricPadding = (
                padding.PSS(padding.MGF1(digest), digest.digest_size)
                if child.signature_is_pss else padding.PKCS1v15())
            key.verify(child.signature, child.raw_tbs, scheme, digest)
        elif (algorithm == "ECDSA" and isinstance(key, ec.EllipticCurvePublicKey)
              and hash_class is not None):
            key.verify(child.signature, child.raw_tbs, ec.ECDSA(hash_class()))
        elif algorithm == "Ed25519" and isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(child.signature, child.raw_tbs)
        else:
            return failure
    except (InvalidSignature, ValueError, TypeError):
        return failure
    except UnsupportedAlgorithm:
        return UNSUPPORTED
    return None


def _already_in_chain(candidate: GoCert, chain: Sequence[GoCert]) -> bool:
    for cert in chain:
        if cert.raw_subject != candidate.raw_subject or cert.raw_spki != candidate.raw_spki:
            continue
        if candidate.san_value is None and cert.san_value is None:
            return True
        if candidate.san_value is None or cert.san_value is None:
            return False
        if candidate.san_value == cert.san_value:
            return True
    return False


def _unknown_authority(hint_err: str | None, hint_cert: GoCert | None) -> GoError:
    text = "x509: certificate signed by unknown authority"
    if hint_err is not None and hint_cert is not None:
        name = hint_cert.subject.common_name
        if not name:
            name = (hint_cert.subject.organization[0] if hint_cert.subject.organization
                    else f"serial:{hint_cert.serial}")
        text += (f" (possibly because of {go_quote(hint_err)} while trying to verify candidate "
                 f"authority certificate {go_quote(name)})")
    return GoError(text, Reason.UNKNOWN_AUTHORITY)


@dataclass
class _Search:
    roots: CertPool
    intermediates: CertPool
    now: datetime
    signature_checks: int = 0


@dataclass(frozen=True)
class Rejection:
    """Why a candidate issuer was turned down while building chains (for diagnosis).

    Attributes:
        child: the certificate whose issuer was sought.
        candidate: the candidate issuer.
        kind: ``root`` or ``intermediate``.
        error: Go's error for it.
    """

    child: GoCert
    candidate: GoCert
    kind: str
    error: str


def _build_chains(cert: GoCert, chain: list[GoCert], search: _Search,
                  rejected: list[Rejection]) -> tuple[list[list[GoCert]], str | None]:
    """Go's buildChains, including which error survives when no chain is found."""
    chains: list[list[GoCert]] = []
    err: str | None = None
    hint_err: str | None = None
    hint_cert: GoCert | None = None
    for cert_type, pool in ((ROOT, search.roots), (INTERMEDIATE, search.intermediates)):
        for candidate in pool.find_potential_parents(cert):
            search.signature_checks += 1
            if search.signature_checks > MAX_SIGNATURE_CHECKS:
                err = SIGNATURE_LIMIT
                break
            if candidate.public_key is None or _already_in_chain(candidate, chain):
                continue
            sig_err = check_signature_from(cert, candidate)
            if sig_err is not None:
                rejected.append(Rejection(cert, candidate, cert_type, sig_err))
                if hint_err is None:
                    hint_err, hint_cert = sig_err, candidate
                continue
            # As in Go, this assignment also clears an earlier candidate's error.
            err = is_valid(candidate, cert_type, chain, search.now)
            if err is not None:
                rejected.append(Rejection(cert, candidate, cert_type, err))
                if hint_err is None:
                    hint_err, hint_cert = err, candidate
                continue
            if cert_type == ROOT:
                chains.append(chain + [candidate])
            else:
                child_chains, err = _build_chains(candidate, chain + [candidate], search,
                                                  rejected)
                chains.extend(child_chains)
                if err == SIGNATURE_LIMIT:
                    break
        if err == SIGNATURE_LIMIT:
            break
    if chains:
        return chains, None
    return chains, err if err is not None else _unknown_authority(hint_err, hint_cert)


# --- extended key usage (verify.go checkChainForKeyUsage, for the one usage a client asks)

def _chain_allows_server_auth(chain: Sequence[GoCert]) -> bool:
    for cert in reversed(chain):
        if not cert.ext_key_usage and not cert.unknown_ext_key_usage:
            continue
        if EKU_ANY in cert.ext_key_usage:
            continue
        if EKU_SERVER_AUTH not in cert.ext_key_usage:
            return False
    return True


# --- host names (verify.go VerifyHostname and HostnameError)

def _go_ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """netip.ParseAddr, then net.IP(addr.AsSlice()): zones dropped, IPv4-mapped IPv6 kept as
    16 bytes (net.IP.Equal and String then treat it as the IPv4 address)."""
    try:
        return ipaddress.ip_address(text.split("%", 1)[0] if ":" in text else text)
    except ValueError:
        return None


def _ip_equal(a: ipaddress.IPv4Address | ipaddress.IPv6Address, san: bytes) -> bool:
    """net.IP.Equal: same bytes, or the same IPv4 address in its 4- and 16-byte forms."""
    mine = _v4_form(a.packed)
    theirs = _v4_form(san)
    return mine == theirs


def _v4_form(packed: bytes) -> bytes:
    return packed[12:] if len(packed) == 16 and packed[:12] == b"\0" * 10 + b"\xff\xff" else packed


def ip_string(packed: bytes) -> str:
    """net.IP.String: dotted quad for IPv4 (and IPv4-mapped IPv6), RFC 5952 for IPv6."""
    packed = _v4_form(packed)
    return str(ipaddress.ip_address(packed))


def hostname_error(cert: GoCert, host: str) -> str | None:
    """Go's VerifyHostname: None when the host matches, else HostnameError's text."""
    candidate = host[1:-1] if len(host) >= 3 and host[0] == "[" and host[-1] == "]" else host
    ip = _go_ip(candidate)
    if ip is not None:
        if any(_ip_equal(ip, san) for san in cert.ip_addresses):
            return None
        return _hostname_error_text(cert, ip_string(ip.packed))
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
    if not cert.has_san_extension and _match_hostnames(cert.subject.common_name,
                                                       _split_hostname(host)):
        return GoError("x509: certificate relies on legacy Common Name field, use SANs instead",
                       Reason.LEGACY_COMMON_NAME)
    if _go_ip(host) is not None and "%" not in host:
        if not cert.ip_addresses:
            return GoError(f"x509: cannot validate certificate for {host} because it doesn't "
                           "contain any IP SANs", Reason.NO_IP_SANS)
        if len(cert.ip_addresses) >= MAX_NAMES_INCLUDED:
            return GoError(f"x509: certificate is valid for {len(cert.ip_addresses)} IP SANs, "
                           f"but none matched {host}", Reason.IP_NOT_MATCHED)
        valid = ", ".join(ip_string(ip) for ip in cert.ip_addresses)
        mismatch = Reason.IP_NOT_MATCHED
    else:
        if len(cert.dns_names) >= MAX_NAMES_INCLUDED:
            return GoError(f"x509: certificate is valid for {len(cert.dns_names)} names, but "
                           f"none matched {host}", Reason.NAME_NOT_MATCHED)
        valid = ", ".join(cert.dns_names)
        mismatch = Reason.NAME_NOT_MATCHED
    if not valid:
        return GoError(f"x509: certificate is not valid for any names, but wanted to match "
                       f"{host}", Reason.NO_NAMES)
    return GoError(f"x509: certificate is valid for {valid}, not {host}", mismatch)


def legacy_hostname_error(cert: GoCert, host: str) -> str | None:
    """What Go 1.14 and earlier said: with no SANs, the CN was taken as a host name.

    That fallback is where the FAQ's ``x509: certificate is valid for SplunkServerDefaultCert,
    not <host>`` comes from. Returns None when the old text would be the same as today's or when
    old Go would have accepted the name.
    """
    cn = cert.subject.common_name
    if cert.dns_names or cert.ip_addresses or not cn:
        return None
    if not _valid_hostname(cn, pattern=True):
        return None
    if _match_hostnames(cn, _split_hostname(host)):
        return None
    return f"x509: certificate is valid for {cn}, not {host}"


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
    return all((i == 0 and p == "*") or p == h
               for i, (p, h) in enumerate(zip(pattern_parts, host_parts, strict=False)))


# --- name constraints (constraints.go, Go 1.27)

def _dns_key(name: str) -> bytes:
    """dnsCompare's order: the name reversed, case folded, '.' sorting before everything."""
    folded = bytes((0 if b == 0x2E else (b + 32 if 0x41 <= b <= 0x5A else b))
                   for b in name.encode("utf-8", "surrogateescape"))
    return folded[::-1]


def _dns_compare(a: str, b: str) -> int:
    ka, kb = _dns_key(a), _dns_key(b)
    return (ka > kb) - (ka < kb)


def dns_has_suffix(a: str, b: str) -> bool:
    """constraints.go dnsHasSuffix: is constraint ``a`` a label suffix of name ``b``?"""
    if len(a) > len(b):
        return False
    if _lower_ascii(a) != _lower_ascii(b[len(b) - len(a):]):
        return False
    if a[0] != "." and len(b) > len(a) and b[len(b) - len(a) - 1] != ".":
        return False
    return True


def _sort_and_prune(items: list, compare: Callable, subset: Callable) -> list:
    from functools import cmp_to_key

    if len(items) < 2:
        return list(items)
    ordered = sorted(items, key=cmp_to_key(compare))
    kept = [ordered[0]]
    for item in ordered[1:]:
        if not subset(kept[-1], item):
            kept.append(item)
    return kept


def _search(items: list, target: object, compare: Callable, match: Callable) -> object | None:
    """nameConstraintsSet.search: the lower bound by binary search, then the one before it."""
    if not items:
        return None
    low, high = 0, len(items)
    while low < high:
        middle = (low + high) // 2
        if compare(items[middle], target) < 0:
            low = middle + 1
        else:
            high = middle
    if low < len(items) and compare(items[low], target) == 0:
        return items[low]
    constraint = items[0] if low == 0 else items[low - 1]
    return constraint if match(constraint, target) else None


class _DnsConstraints:
    def __init__(self, names: Sequence[str], permitted: bool) -> None:
        self.all = any(not n for n in names)
        self.permitted = permitted
        self.set = _sort_and_prune(list(names), _dns_compare, dns_has_suffix)
        self.parents: dict[str, str] = {}
        if not permitted:
            for name in self.set:
                lowered = name.lower()
                trimmed = _trim_first_label(lowered)
                if trimmed:
                    self.parents[trimmed] = lowered

    def query(self, name: str) -> tuple[str, bool]:
        if self.all:
            return "", True
        found = _search(self.set, name, _dns_compare, dns_has_suffix)
        if found is not None:
            return str(found), True
        if not self.permitted and name.startswith("*"):
            parent = self.parents.get(_trim_first_label(name.lower()))
            if parent is not None:
                return parent, True
        return "", False


def _trim_first_label(name: str) -> str:
    dot = name.find(".")
    return "" if dot < 0 else name[dot:]


def _masked(net: IPNet) -> IPNet:
    return IPNet(bytes(a & m for a, m in zip(net.ip, net.mask, strict=False)), net.mask)


def _ip_contains(net: IPNet, ip: bytes) -> bool:
    return len(ip) == len(net.ip) and all(a & m == b & m
                                          for a, b, m in zip(net.ip, ip, net.mask, strict=False))


def _ip_subset(a: IPNet, b: IPNet) -> bool:
    if not _ip_contains(a, b.ip):
        return False
    broadcast = bytes(x | (~m & 0xFF) for x, m in zip(b.ip, b.mask, strict=False))
    return _ip_contains(a, broadcast)


def _ip_compare(a: IPNet, b: IPNet) -> int:
    return ((a.ip, a.mask) > (b.ip, b.mask)) - ((a.ip, a.mask) < (b.ip, b.mask))


class _IpConstraints:
    def __init__(self, nets: Sequence[IPNet]) -> None:
        masked = [_masked(n) if len(n.ip) == len(n.mask) else n for n in nets]
        self.v4 = _sort_and_prune([n for n in masked if len(n.ip) == 4], _ip_compare, _ip_subset)
        self.v6 = _sort_and_prune([n for n in masked if len(n.ip) != 4], _ip_compare, _ip_subset)

    def query(self, ip: bytes) -> tuple[IPNet | None, bool]:
        items = self.v4 if len(ip) == 4 else self.v6
        found = _search(items, ip, lambda c, t: (c.ip > t) - (c.ip < t), _ip_contains)
        return (found, True) if found is not None else (None, False)  # type: ignore[return-value]


def _ipnet_string(net: IPNet) -> str:
    """net.IPNet.String: address/prefix length, or address/hex mask when not canonical."""
    bits = "".join(f"{b:08b}" for b in net.mask)
    ones = len(bits) - len(bits.lstrip("1"))
    canonical = "0" not in bits or "1" not in bits[bits.index("0"):]
    suffix = str(ones) if canonical else net.mask.hex()
    return f"{ip_string(net.ip)}/{suffix}"


class _EmailConstraints:
    def __init__(self, values: Sequence[str], permitted: bool) -> None:
        self.full: set[tuple[str, str]] = set()
        domains = []
        for value in values:
            if "@" not in value:
                domains.append(value)
                continue
            mailbox = parse_mailbox(value)
            if mailbox is not None:
                self.full.add((mailbox.local, mailbox.domain.lower()))
        self.dns = _DnsConstraints(domains, permitted) if domains else None

    def query(self, mailbox: Mailbox) -> tuple[str, bool]:
        if (mailbox.local, mailbox.domain) in self.full:
            return f"{mailbox.local}@{mailbox.domain}", True
        if self.dns is None:
            return "", False
        return self.dns.query(mailbox.domain)


@dataclass
class _Constraints:
    kind: str
    permitted: object | None
    excluded: object | None

    def check(self, value: object, shown: str) -> str | None:
        if self.permitted is not None:
            _, found = self.permitted.query(value)  # type: ignore[attr-defined]
            if not found:
                return f"{self.kind} {go_quote(shown)} is not permitted by any constraint"
        if self.excluded is not None:
            constraint, found = self.excluded.query(value)  # type: ignore[attr-defined]
            if found:
                text = _ipnet_string(constraint) if isinstance(constraint, IPNet) else constraint
                return f"{self.kind} {go_quote(shown)} is excluded by constraint {go_quote(text)}"
        return None


def _cert_constraints(cert: GoCert) -> dict[str, _Constraints]:
    def dns(names: Sequence[str], permitted: bool) -> _DnsConstraints | None:
        return _DnsConstraints(names, permitted) if names else None

    def ips(nets: Sequence[IPNet]) -> _IpConstraints | None:
        return _IpConstraints(nets) if nets else None

    def emails(values: Sequence[str], permitted: bool) -> _EmailConstraints | None:
        return _EmailConstraints(values, permitted) if values else None

    return {
        "ip": _Constraints("IP address", ips(cert.permitted_ips), ips(cert.excluded_ips)),
        "dns": _Constraints("DNS name", dns(cert.permitted_dns, True),
                            dns(cert.excluded_dns, False)),
        "uri": _Constraints("URI", dns(cert.permitted_uris, True),
                            dns(cert.excluded_uris, False)),
        "email": _Constraints("email address", emails(cert.permitted_emails, True),
                              emails(cert.excluded_emails, False)),
    }


def check_chain_constraints(chain: Sequence[GoCert]) -> str | None:
    """constraints.go checkChainConstraints: every CA's name constraints, applied to every SAN
    of every certificate below it. Returns the detail of the first violation, or None."""
    constraining = [(i, _cert_constraints(c)) for i, c in enumerate(chain)
                    if c.has_name_constraints]
    if not constraining:
        return None
    for i, cert in enumerate(chain):
        if not cert.has_san_extension:
            continue
        above = [cc for index, cc in constraining if index > i]
        if not above:
            return None
        uris, problem = _parse_uris(cert)
        if problem:
            return problem
        mailboxes = []
        for email in cert.email_addresses:
            mailbox = parse_mailbox(email)
            if mailbox is None:
                return f"cannot parse rfc822Name {go_quote(email)}"
            mailboxes.append(Mailbox(mailbox.local, mailbox.domain.lower()))
        for cc in above:
            for ip in cert.ip_addresses:
                error = cc["ip"].check(ip, ip_string(ip))
                if error:
                    return error
            for name in cert.dns_names:
                if not domain_name_valid(name, constraint=False):
                    return f"x509: cannot parse dnsName {go_quote(name)}"
                error = cc["dns"].check(name, name)
                if error:
                    return error
            for uri, host in uris:
                if not domain_name_valid(host, constraint=False):
                    return f"x509: internal error: URI SAN {go_quote(uri)} failed to parse"
                error = cc["uri"].check(host, uri)
                if error:
                    return error
            for mailbox in mailboxes:
                if not domain_name_valid(mailbox.domain, constraint=False):
                    return f"x509: cannot parse rfc822Name {go_quote(str(mailbox))}"
                error = cc["email"].check(mailbox, str(mailbox))
                if error:
                    return error
    return None


def _parse_uris(cert: GoCert) -> tuple[list[tuple[str, str]], str | None]:
    """constraints.go parseURIs: each URI SAN and its host, or why it cannot be constrained."""
    parsed = []
    for uri, raw_host in zip(cert.uris, cert.uri_hosts, strict=True):
        host = raw_host.lower()
        if not host:
            return [], (f"URI with empty host ({go_quote(uri)}) cannot be matched against "
                        "constraints")
        if ":" in host and not host.endswith("]"):
            host = host.rsplit(":", 1)[0]
        if _go_ip(host) is not None or (host.startswith("[") and host.endswith("]")):
            return [], f"URI with IP ({go_quote(uri)}) cannot be matched against constraints"
        parsed.append((uri, host))
    return parsed, None


# --- certificate policies (verify.go policiesValid: RFC 5280 6.1, as updated by RFC 9618)

class _Node:
    __slots__ = ("valid", "expected", "parents", "children")

    def __init__(self, valid: bytes, parents: Iterable[_Node] = ()) -> None:
        self.valid = valid
        self.expected: list[bytes] = [valid]
        self.parents: set[_Node] = set()
        self.children: set[_Node] = set()
        for parent in parents:
            parent.children.add(self)
            self.parents.add(parent)


class _PolicyGraph:
    def __init__(self) -> None:
        self.strata: list[dict[bytes, _Node]] = [{ANY_POLICY: _Node(ANY_POLICY)}]
        self.parent_index: dict[bytes, list[_Node]] = {}
        self.depth = 0

    def insert(self, node: _Node) -> None:
        self.strata[self.depth][node.valid] = node

    def parents_with_expected(self, expected: bytes) -> list[_Node]:
        return [] if self.depth == 0 else self.parent_index.get(expected, [])

    def parent_with_any(self) -> _Node | None:
        return None if self.depth == 0 else self.strata[self.depth - 1].get(ANY_POLICY)

    def parents(self) -> list[_Node]:
        return [] if self.depth == 0 else list(self.strata[self.depth - 1].values())

    def leaves(self) -> dict[bytes, _Node]:
        return self.strata[self.depth]

    def delete_leaf(self, policy: bytes) -> None:
        node = self.strata[self.depth].pop(policy, None)
        if node is None:
            return
        for parent in node.parents:
            parent.children.discard(node)
        for child in node.children:
            child.parents.discard(node)

    def valid_policy_nodes(self) -> list[_Node]:
        found = []
        for level in range(self.depth, -1, -1):
            for node in self.strata[level].values():
                if node.valid == ANY_POLICY:
                    continue
                if len(node.parents) == 1 and next(iter(node.parents)).valid == ANY_POLICY:
                    found.append(node)
        return found

    def prune(self) -> None:
        for level in range(self.depth - 1, 0, -1):
            for key, node in list(self.strata[level].items()):
                if not node.children:
                    for parent in node.parents:
                        parent.children.discard(node)
                    del self.strata[level][key]

    def increase_depth(self) -> None:
        self.parent_index = {}
        for node in self.strata[self.depth].values():
            for expected in node.expected:
                self.parent_index.setdefault(expected, []).append(node)
        self.depth += 1
        self.strata.append({})


def policies_valid(chain: Sequence[GoCert]) -> bool:
    """verify.go policiesValid with Go's default options (any policy acceptable, no explicit
    policy required, mapping and anyPolicy not inhibited by the caller)."""
    if len(chain) == 1:
        return True
    n = len(chain) - 1
    graph: _PolicyGraph | None = _PolicyGraph()
    inhibit_any = explicit = mapping = n + 1
    for i in range(n - 1, -1, -1):
        cert = chain[i]
        self_signed = cert.raw_issuer == cert.raw_subject
        if not cert.policies:
            graph = None
        if explicit == 0 and graph is None:
            return False
        if graph is not None:
            graph.increase_depth()
            seen = set()
            for policy in cert.policies:
                seen.add(policy)
                if policy == ANY_POLICY:
                    continue
                parents = graph.parents_with_expected(policy)
                if not parents:
                    any_parent = graph.parent_with_any()
                    if any_parent is not None:
                        parents = [any_parent]
                if parents:
                    graph.insert(_Node(policy, parents))
            if ANY_POLICY in seen and (inhibit_any > 0 or (n - i < n and self_signed)):
                missing: dict[bytes, list[_Node]] = {}
                leaves = graph.leaves()
                for parent in graph.parents():
                    for expected in parent.expected:
                        if expected not in leaves:
                            missing.setdefault(expected, []).append(parent)
                for policy, parents in missing.items():
                    graph.insert(_Node(policy, parents))
            graph.prune()
            if i != 0 and cert.policy_mappings:
                mappings: dict[bytes, list[bytes]] = {}
                for issuer_policy, subject_policy in cert.policy_mappings:
                    if mapping > 0:
                        if ANY_POLICY in (issuer_policy, subject_policy):
                            return False
                        mappings.setdefault(issuer_policy, []).append(subject_policy)
                    else:
                        graph.delete_leaf(issuer_policy)
                graph.prune()
                for issuer_policy, subject_policies in mappings.items():
                    leaf = graph.leaves().get(issuer_policy)
                    if leaf is not None:
                        leaf.expected = subject_policies
                    else:
                        any_leaf = graph.leaves().get(ANY_POLICY)
                        if any_leaf is not None:
                            node = _Node(issuer_policy, [any_leaf])
                            node.expected = subject_policies
                            graph.insert(node)
        if i != 0:
            if not self_signed:
                explicit, mapping, inhibit_any = (max(explicit - 1, 0), max(mapping - 1, 0),
                                                  max(inhibit_any - 1, 0))
            if ((cert.require_explicit_policy > 0 or cert.require_explicit_policy_zero)
                    and cert.require_explicit_policy < explicit):
                explicit = cert.require_explicit_policy
            if ((cert.inhibit_policy_mapping > 0 or cert.inhibit_policy_mapping_zero)
                    and cert.inhibit_policy_mapping < mapping):
                mapping = cert.inhibit_policy_mapping
            if ((cert.inhibit_any_policy > 0 or cert.inhibit_any_policy_zero)
                    and cert.inhibit_any_policy < inhibit_any):
                inhibit_any = cert.inhibit_any_policy
    if explicit > 0:
        explicit -= 1
    if chain[0].require_explicit_policy_zero:
        explicit = 0
    valid: list[_Node] = []
    if graph is not None:
        valid = graph.valid_policy_nodes()
        current_any = graph.leaves().get(ANY_POLICY)
        if current_any is not None:
            valid.append(current_any)
    authority = {node.valid for node in valid}
    return not (explicit == 0 and not authority)


# --- the whole verification

@dataclass(frozen=True)
class Verdict:
    """What ``verify`` found, for the prediction and for naming the cause.

    Attributes:
        error: Go's x509 error text, or None when Go accepts the chain.
        chains: the chains that survived.
        rejected: every candidate issuer turned down while building chains, and why.
        dropped: why candidate chains were dropped after building (``policies``,
            ``key usage``, ``name constraints``, ``distrusted``), in order.
    """

    error: str | None
    chains: tuple[tuple[GoCert, ...], ...] = ()
    rejected: tuple[Rejection, ...] = ()
    dropped: tuple[str, ...] = ()


def verify(chain: Sequence[GoCert], server_name: str, roots: CertPool, now: datetime) -> str | None:
    """Go's ``Certificate.Verify`` as crypto/tls calls it for a server's chain.

    Args:
        chain: the certificates as the server sent them, leaf first.
        server_name: the host name (or IP) the client connected to, as written.
        roots: the trusted roots.
        now: the current time.

    Returns:
        None when Go accepts the chain, else the x509 error text Go produces.
    """
    return examine(chain, server_name, roots, now).error


def examine(chain: Sequence[GoCert], server_name: str, roots: CertPool,
            now: datetime) -> Verdict:
    """``verify``, keeping what diagnosis needs (see ``Verdict``)."""
    leaf = chain[0]
    err = is_valid(leaf, LEAF, [], now)
    if err is not None:
        return Verdict(err)
    if server_name:
        err = hostname_error(leaf, server_name)
        if err is not None:
            return Verdict(err)
    return _chains(chain, roots, now)


def _chains(chain: Sequence[GoCert], roots: CertPool, now: datetime) -> Verdict:
    leaf = chain[0]
    rejected: list[Rejection] = []
    if roots.contains(leaf):
        candidates = [[leaf]]
    else:
        search = _Search(roots, CertPool(chain[1:]), now)
        candidates, err = _build_chains(leaf, [leaf], search, rejected)
        if err is not None:
            return Verdict(err, rejected=tuple(rejected))
    kept, dropped = [], []
    invalid_policies = incompatible = 0
    constraints_error: str | None = None
    for candidate in candidates:
        if not policies_valid(candidate):
            invalid_policies += 1
            dropped.append("policies")
            continue
        if not _chain_allows_server_auth(candidate):
            incompatible += 1
            dropped.append("key usage")
            continue
        problem = check_chain_constraints(candidate)
        if problem is not None:
            if constraints_error is None:
                constraints_error = GoError(
                    "x509: a root or intermediate certificate is not authorized to sign for "
                    f"this name: {problem}", Reason.NAME_CONSTRAINTS)
            dropped.append("name constraints")
            continue
        if any(hashlib.sha256(c.raw_spki).hexdigest() in DISTRUSTED_SPKI for c in candidate):
            dropped.append("distrusted")
            continue
        kept.append(tuple(candidate))
    done = (tuple(kept), tuple(rejected), tuple(dropped))
    if kept:
        return Verdict(None, *done)
    if constraints_error is not None:
        return Verdict(constraints_error, *done)
    details = []
    if incompatible:
        if not invalid_policies:
            return Verdict(GoError("x509: certificate specifies an incompatible key usage",
                                   Reason.INCOMPATIBLE_KEY_USAGE), *done)
        details.append(f"{incompatible} candidate chains with incompatible key usage")
    if invalid_policies:
        details.append(f"{invalid_policies} candidate chains with invalid policies")
    text = "x509: no valid chains built"
    return Verdict(GoError(f"{text}: {', '.join(details)}" if details else text,
                           Reason.NO_VALID_CHAINS), *done)


def chains_ignoring_name(chain: Sequence[GoCert], roots: CertPool, now: datetime) -> Verdict:
    """Chain building and filtering alone (no validity or name check of the leaf), for
    diagnosis of the chain on its own."""
    return _chains(chain, roots, now)


__all__ = ["CertPool", "GoCert", "GoParseError", "Rejection", "Verdict", "check_chain_constraints",
           "check_signature_from", "chains_ignoring_name", "examine", "go_cert", "go_quote",
           "hostname_error", "ip_string", "is_valid", "legacy_hostname_error", "policies_valid",
           "rfc3339", "verify"]
