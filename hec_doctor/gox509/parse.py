"""Go's certificate parser, ported: what crypto/x509's ``ParseCertificate`` reads, and the exact
error it gives when it refuses a certificate.

Go parses every certificate a server sends before it verifies anything, and a certificate it
cannot parse fails the handshake with ``tls: failed to parse certificate from server: <error>``.
Its parser (crypto/x509 parser.go, on golang.org/x/crypto/cryptobyte) is stricter than OpenSSL's
in places (DER lengths and integers, negative serial numbers, duplicate extensions, inner and
outer signature algorithms, IPv4-mapped IPv6 SANs, name constraint forms) and laxer in others,
so hec-doctor cannot lean on another parser: this module follows parser.go step by step (Go
1.27.3, with the GODEBUG defaults of a module whose go line is 1.27). Pure: bytes in, a
``ParsedCert`` out, or ``GoParseError`` with Go's text.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

# --- cryptobyte/asn1 tags
BOOLEAN, INTEGER, BIT_STRING, OCTET_STRING, NULL, OID = 0x01, 0x02, 0x03, 0x04, 0x05, 0x06
UTF8_STRING, SEQUENCE, SET = 0x0C, 0x30, 0x31
NUMERIC_STRING, PRINTABLE_STRING, T61_STRING, IA5_STRING = 0x12, 0x13, 0x14, 0x16
UTC_TIME, GENERALIZED_TIME, BMP_STRING = 0x17, 0x18, 0x1E


def context(number: int, constructed: bool = False) -> int:
    return 0x80 | (0x20 if constructed else 0) | number


class GoParseError(ValueError):
    """Go refuses the certificate; ``str(error)`` is Go's own text (``x509: ...``)."""


class Der:
    """golang.org/x/crypto/cryptobyte's ``String``: a DER reader that refuses what DER forbids
    (indefinite or non-minimal lengths, high tag numbers)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def empty(self) -> bool:
        return not self.data

    def peek(self, tag: int) -> bool:
        return bool(self.data) and self.data[0] == tag

    def _element(self) -> tuple[int, int, int] | None:
        """(tag, header length, total length) of the next element, or None."""
        data = self.data
        if len(data) < 2:
            return None
        tag, first = data[0], data[1]
        if tag & 0x1F == 0x1F:
            return None  # high-tag-number form: cryptobyte supports tags below 31 only
        if first & 0x80 == 0:
            return tag, 2, 2 + first
        count = first & 0x7F
        if count == 0 or count > 4 or len(data) < 2 + count:
            return None
        length = int.from_bytes(data[2:2 + count], "big")
        if length < 128 or length >> ((count - 1) * 8) == 0:
            return None  # DER: the shortest length form, no leading zero octet
        return tag, 2 + count, 2 + count + length

    def read_any(self, *, with_header: bool = False) -> tuple[int, bytes] | None:
        """The next element (its tag and contents, or whole with ``with_header``)."""
        found = self._element()
        if found is None or found[2] > len(self.data):
            return None
        tag, header, total = found
        element, self.data = self.data[:total], self.data[total:]
        return tag, element if with_header else element[header:]

    def read(self, tag: int, *, with_header: bool = False) -> bytes | None:
        """The next element's contents when it has ``tag``; None otherwise (nothing consumed)."""
        found = self._element()
        if found is None or found[0] != tag:
            return None
        read = self.read_any(with_header=with_header)
        return None if read is None else read[1]

    def read_optional(self, tag: int) -> tuple[bool, bytes | None]:
        """(present, contents): contents None when present but malformed."""
        if not self.peek(tag):
            return False, b""
        return True, self.read(tag)

    def read_integer(self, tag: int = INTEGER) -> int | None:
        contents = self.read(tag)
        if contents is None or not minimal_integer(contents):
            return None
        return int.from_bytes(contents, "big", signed=True)

    def read_int64(self, tag: int = INTEGER) -> int | None:
        contents = self.read(tag)
        if contents is None or not minimal_integer(contents) or len(contents) > 8:
            return None
        return int.from_bytes(contents, "big", signed=True)

    def read_uint64(self) -> int | None:
        contents = self.read(INTEGER)
        if contents is None or not minimal_integer(contents) or contents[0] & 0x80:
            return None
        if len(contents) > 9 or (len(contents) == 9 and contents[0] != 0):
            return None
        return int.from_bytes(contents, "big")

    def read_boolean(self) -> bool | None:
        contents = self.read(BOOLEAN)
        if contents is None or len(contents) != 1 or contents[0] not in (0, 0xFF):
            return None
        return contents[0] == 0xFF

    def read_oid(self) -> tuple[int, ...] | None:
        contents = self.read(OID)
        return None if contents is None else decode_oid(contents)

    def read_bit_string(self) -> tuple[bytes, int] | None:
        """(bytes, bit length) of a BIT STRING with valid padding."""
        contents = self.read(BIT_STRING)
        if not contents:
            return None
        padding, rest = contents[0], contents[1:]
        if padding > 7 or (not rest and padding) or (rest and rest[-1] & ((1 << padding) - 1)):
            return None
        return rest, len(rest) * 8 - padding


def minimal_integer(contents: bytes) -> bool:
    """cryptobyte's checkASN1Integer: at least one octet, no redundant leading octet."""
    if not contents:
        return False
    if len(contents) == 1:
        return True
    return not ((contents[0] == 0 and contents[1] & 0x80 == 0)
                or (contents[0] == 0xFF and contents[1] & 0x80))


def _base128(data: bytes, at: int) -> tuple[int, int] | None:
    value = 0
    for i in range(5):
        if at >= len(data) or value >= 1 << (31 - 7):
            return None
        byte = data[at]
        at += 1
        if i == 0 and byte == 0x80:
            return None  # X.690 8.19.2: the fewest octets
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, at
    return None


def decode_oid(contents: bytes) -> tuple[int, ...] | None:
    """cryptobyte's ReadASN1ObjectIdentifier over the contents octets."""
    if not contents:
        return None
    first = _base128(contents, 0)
    if first is None:
        return None
    value, at = first
    parts = [value // 40, value % 40] if value < 80 else [2, value - 80]
    while at < len(contents):
        nxt = _base128(contents, at)
        if nxt is None:
            return None
        value, at = nxt
        parts.append(value)
    return tuple(parts)


def oid_text(oid: tuple[int, ...]) -> str:
    return ".".join(map(str, oid))


# --- strings (parser.go parseASN1String)

def _printable(byte: int) -> bool:
    char = chr(byte)
    return (char.isascii() and char.isalnum()) or char in " '()+,-./:=?*&"


def parse_string(tag: int, value: bytes) -> str:
    if tag == T61_STRING:
        return value.decode("latin-1")
    if tag == PRINTABLE_STRING:
        if not all(_printable(b) for b in value):
            raise GoParseError("invalid PrintableString")
        return value.decode("ascii")
    if tag == UTF8_STRING:
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            raise GoParseError("invalid UTF-8 string") from None
    if tag == BMP_STRING:
        if len(value) % 2:
            raise GoParseError("invalid BMPString")
        if len(value) >= 2 and value[-2:] == b"\0\0":
            value = value[:-2]
        points = [int.from_bytes(value[i:i + 2], "big") for i in range(0, len(value), 2)]
        if any(p in (0xFFFE, 0xFFFF) or 0xFDD0 <= p <= 0xFDEF or 0xD800 <= p <= 0xDFFF
               for p in points):
            raise GoParseError("invalid BMPString")
        return "".join(map(chr, points))
    if tag == IA5_STRING:
        if any(b > 0x7F for b in value):
            raise GoParseError("invalid IA5String")
        return value.decode("ascii")
    if tag == NUMERIC_STRING:
        if not all(chr(b).isdigit() and b < 0x80 or b == 0x20 for b in value):
            raise GoParseError("invalid NumericString")
        return value.decode("ascii")
    raise GoParseError(f"unsupported string type: {tag}")


_STRING_TAGS = (T61_STRING, PRINTABLE_STRING, UTF8_STRING, BMP_STRING, IA5_STRING,
                NUMERIC_STRING)


def _read_any_value(der: Der) -> object:
    """parser.go readASN1Any: an attribute value (a string, or whatever else it holds)."""
    element = der.read_any(with_header=True)
    if element is None:
        raise GoParseError("invalid ASN.1 element")
    tag, whole = element
    inner = Der(whole)
    if tag in _STRING_TAGS:
        contents = inner.read(tag)
        if contents is None:
            raise GoParseError("invalid ASN.1 element")
        return parse_string(tag, contents)
    if tag == INTEGER:
        value = inner.read_int64()
        if value is None:
            raise GoParseError("invalid ASN.1 integer")
        return value
    if tag == BIT_STRING:
        if inner.read_bit_string() is None:
            raise GoParseError("invalid ASN.1 BIT STRING")
        return None
    if tag == OCTET_STRING:
        if inner.read(OCTET_STRING) is None:
            raise GoParseError("invalid ASN.1 OCTET STRING")
        return None
    if tag == OID:
        if inner.read_oid() is None:
            raise GoParseError("invalid ASN.1 OBJECT IDENTIFIER")
        return None
    if tag in (UTC_TIME, GENERALIZED_TIME):
        read_time(inner)
        return None
    if tag == BOOLEAN:
        if inner.read_boolean() is None:
            raise GoParseError("invalid ASN.1 BOOLEAN")
        return None
    if tag == NULL:
        return None
    if inner.read_any() is None:
        raise GoParseError("invalid ASN.1 element")
    return None


@dataclass(frozen=True)
class Name:
    """The parts of a Name that verification and diagnosis read (pkix.Name, filled as Go's
    FillFromRDNSequence fills it: the last CommonName wins, organisations in order)."""

    common_name: str = ""
    organization: tuple[str, ...] = ()
    attributes: tuple[tuple[tuple[int, ...], object], ...] = ()


def parse_name(raw: bytes) -> Name:
    outer = Der(raw)
    seq = outer.read(SEQUENCE)
    if seq is None:
        raise GoParseError("x509: invalid RDNSequence")
    der = Der(seq)
    common_name, organization, attributes = "", [], []
    while not der.empty():
        rdn = der.read(SET)
        if rdn is None:
            raise GoParseError("x509: invalid RDNSequence")
        rdn_der = Der(rdn)
        while not rdn_der.empty():
            atav = rdn_der.read(SEQUENCE)
            if atav is None:
                raise GoParseError("x509: invalid RDNSequence: invalid attribute")
            atav_der = Der(atav)
            kind = atav_der.read_oid()
            if kind is None:
                raise GoParseError("x509: invalid RDNSequence: invalid attribute type")
            try:
                value = _read_any_value(atav_der)
            except GoParseError as exc:
                raise GoParseError(
                    f"x509: invalid RDNSequence: invalid attribute value: {exc}") from None
            attributes.append((kind, value))
            if isinstance(value, str) and kind == (2, 5, 4, 3):
                common_name = value
            elif isinstance(value, str) and kind == (2, 5, 4, 10):
                organization.append(value)
    return Name(common_name, tuple(organization), tuple(attributes))


# --- time (cryptobyte ReadASN1UTCTime / ReadASN1GeneralizedTime over Go's time.Parse)

_UTC = re.compile(r"(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(Z|[+-]\d{4})")
_GENERALIZED = re.compile(r"(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(Z|[+-]\d{4})")


def _zone(text: str) -> timezone | None:
    if text == "Z":
        return UTC
    hours, minutes = int(text[1:3]), int(text[3:5])
    if hours > 24 or minutes > 60:  # Go's time.Parse range for a numeric zone
        return None
    offset = timedelta(hours=hours, minutes=minutes)
    if offset == timedelta(0):
        return None  # Go formats a zero offset as "Z": "+0000" does not survive the round trip
    return timezone(-offset if text[0] == "-" else offset)


def read_time(der: Der) -> datetime:
    if der.peek(UTC_TIME):
        contents = der.read(UTC_TIME)
        match = _UTC.fullmatch(contents.decode("latin-1")) if contents is not None else None
        moment = _time_of(match, two_digit_year=True) if match else None
        if moment is None:
            raise GoParseError("x509: malformed UTCTime")
        return moment
    if der.peek(GENERALIZED_TIME):
        contents = der.read(GENERALIZED_TIME)
        match = _GENERALIZED.fullmatch(contents.decode("latin-1")) if contents else None
        moment = _time_of(match, two_digit_year=False) if match else None
        if moment is None:
            raise GoParseError("x509: malformed GeneralizedTime")
        return moment
    raise GoParseError("x509: unsupported time format")


def _time_of(match: re.Match[str], *, two_digit_year: bool) -> datetime | None:
    year_text, month, day, hour, minute, second, zone_text = match.groups()
    year = int(year_text)
    if two_digit_year:
        year += 1900 if year >= 69 else 2000  # Go's "06" layout
        if year >= 2050:
            year -= 100  # RFC 5280 4.1.2.5.1: 50-99 are 1950-1999
    zone = _zone(zone_text)
    if zone is None:
        return None
    try:
        return datetime(year, int(month), int(day), int(hour), int(minute),
                        int(second or 0), tzinfo=zone)
    except ValueError:
        return None


# --- the certificate

OID_SIGNATURE = {
    (1, 2, 840, 113549, 1, 1, 4): ("MD5-RSA", "md5", "RSA"),
    (1, 2, 840, 113549, 1, 1, 5): ("SHA1-RSA", "sha1", "RSA"),
    (1, 3, 14, 3, 2, 29): ("SHA1-RSA", "sha1", "RSA"),
    (1, 2, 840, 113549, 1, 1, 11): ("SHA256-RSA", "sha256", "RSA"),
    (1, 2, 840, 113549, 1, 1, 12): ("SHA384-RSA", "sha384", "RSA"),
    (1, 2, 840, 113549, 1, 1, 13): ("SHA512-RSA", "sha512", "RSA"),
    (1, 2, 840, 10040, 4, 3): ("DSA-SHA1", "sha1", "DSA"),
    (2, 16, 840, 1, 101, 3, 4, 3, 2): ("DSA-SHA256", "sha256", "DSA"),
    (1, 2, 840, 10045, 4, 1): ("ECDSA-SHA1", "sha1", "ECDSA"),
    (1, 2, 840, 10045, 4, 3, 2): ("ECDSA-SHA256", "sha256", "ECDSA"),
    (1, 2, 840, 10045, 4, 3, 3): ("ECDSA-SHA384", "sha384", "ECDSA"),
    (1, 2, 840, 10045, 4, 3, 4): ("ECDSA-SHA512", "sha512", "ECDSA"),
    (1, 3, 101, 112): ("Ed25519", "", "Ed25519"),
    (2, 16, 840, 1, 101, 3, 4, 3, 17): ("ML-DSA-44", "", "MLDSA"),
    (2, 16, 840, 1, 101, 3, 4, 3, 18): ("ML-DSA-65", "", "MLDSA"),
    (2, 16, 840, 1, 101, 3, 4, 3, 19): ("ML-DSA-87", "", "MLDSA"),
}
OID_RSA_PSS = (1, 2, 840, 113549, 1, 1, 10)
# x509.go pssParametersSHA256/384/512, the DER of the only RSASSA-PSS parameters Go accepts
# (the MGF1 hash equal to the message hash, the salt as long as the hash, trailer field 1);
# getSignatureAlgorithmFromAI re-encodes what it reads, so these are compared semantically.
_PSS: dict[tuple[int, ...], tuple[str, str, int]] = {
        (2, 16, 840, 1, 101, 3, 4, 2, 1): ("SHA256-RSAPSS", "sha256", 32),
        (2, 16, 840, 1, 101, 3, 4, 2, 2): ("SHA384-RSAPSS", "sha384", 48),
        (2, 16, 840, 1, 101, 3, 4, 2, 3): ("SHA512-RSAPSS", "sha512", 64)}
OID_KEY = {(1, 2, 840, 113549, 1, 1, 1): "RSA", (1, 2, 840, 10040, 4, 1): "DSA",
           (1, 2, 840, 10045, 2, 1): "ECDSA", (1, 3, 101, 112): "Ed25519",
           (2, 16, 840, 1, 101, 3, 4, 3, 17): "MLDSA", (2, 16, 840, 1, 101, 3, 4, 3, 18): "MLDSA",
           (2, 16, 840, 1, 101, 3, 4, 3, 19): "MLDSA"}
CURVES = {(1, 3, 132, 0, 33): "P-224", (1, 2, 840, 10045, 3, 1, 7): "P-256",
          (1, 3, 132, 0, 34): "P-384", (1, 3, 132, 0, 35): "P-521"}
EKU_ANY = (2, 5, 29, 37, 0)
EKU_SERVER_AUTH = (1, 3, 6, 1, 5, 5, 7, 3, 1)
_KNOWN_EKUS = {EKU_ANY, *((1, 3, 6, 1, 5, 5, 7, 3, n) for n in range(1, 10)),
               (1, 3, 6, 1, 4, 1, 311, 10, 3, 3), (2, 16, 840, 1, 113730, 4, 1),
               (1, 3, 6, 1, 4, 1, 311, 2, 1, 22), (1, 3, 6, 1, 4, 1, 311, 61, 1, 1)}
OID_AIA = (1, 3, 6, 1, 5, 5, 7, 1, 1)
OID_SAN = (2, 5, 29, 17)
OID_NAME_CONSTRAINTS = (2, 5, 29, 30)
ANY_POLICY = b"\x55\x1d\x20\x00"  # 2.5.29.32.0, as DER contents
NULL_DER = b"\x05\x00"


@dataclass(frozen=True)
class PublicKey:
    """The public key as Go parsed it: its algorithm, and for RSA the modulus and exponent, for
    ECDSA the curve and point, for Ed25519 the 32 bytes. ``spki`` is the whole DER, for
    signature checks."""

    algorithm: str
    spki: bytes
    rsa_n: int = 0
    rsa_e: int = 0
    curve: str = ""

    @property
    def rsa_bits(self) -> int:
        return self.rsa_n.bit_length()


@dataclass(frozen=True)
class IPNet:
    """A name constraint's IP range (net.IPNet): the address as encoded, and its mask."""

    ip: bytes
    mask: bytes


@dataclass(frozen=True)
class ParsedCert:
    """The fields of a certificate Go's verification reads, named as crypto/x509 names them."""

    raw: bytes
    raw_tbs: bytes
    raw_subject: bytes
    raw_issuer: bytes
    raw_spki: bytes
    version: int
    serial: int
    signature_algorithm: str  # Go's SignatureAlgorithm.String(): "SHA256-RSA", or "0"
    signature_hash: str
    signature_key_algorithm: str  # what the signature algorithm needs: RSA, ECDSA, ...
    signature_is_pss: bool
    signature: bytes
    subject: Name
    issuer: Name
    not_before: datetime
    not_after: datetime
    public_key_algorithm: str  # "" for UnknownPublicKeyAlgorithm
    public_key: PublicKey | None
    extension_oids: tuple[tuple[int, ...], ...] = ()
    key_usage: int = 0
    basic_constraints_valid: bool = False
    is_ca: bool = False
    max_path_len: int = -1
    dns_names: tuple[str, ...] = ()
    email_addresses: tuple[str, ...] = ()
    ip_addresses: tuple[bytes, ...] = ()
    uris: tuple[str, ...] = ()
    uri_hosts: tuple[str, ...] = ()
    san_value: bytes | None = None
    permitted_dns: tuple[str, ...] = ()
    excluded_dns: tuple[str, ...] = ()
    permitted_ips: tuple[IPNet, ...] = ()
    excluded_ips: tuple[IPNet, ...] = ()
    permitted_emails: tuple[str, ...] = ()
    excluded_emails: tuple[str, ...] = ()
    permitted_uris: tuple[str, ...] = ()
    excluded_uris: tuple[str, ...] = ()
    ext_key_usage: tuple[tuple[int, ...], ...] = ()
    unknown_ext_key_usage: tuple[tuple[int, ...], ...] = ()
    subject_key_id: bytes = b""
    authority_key_id: bytes = b""
    policies: tuple[bytes, ...] = ()
    policy_mappings: tuple[tuple[bytes, bytes], ...] = ()
    require_explicit_policy: int = 0
    require_explicit_policy_zero: bool = False
    inhibit_policy_mapping: int = 0
    inhibit_policy_mapping_zero: bool = False
    inhibit_any_policy: int = 0
    inhibit_any_policy_zero: bool = False
    unhandled_critical: tuple[tuple[int, ...], ...] = ()
    signature_oid_is_pss: bool = False  # RSASSA-PSS by its OID, whether or not Go accepts it

    @property
    def has_san_extension(self) -> bool:
        return OID_SAN in self.extension_oids

    @property
    def has_name_constraints(self) -> bool:
        return OID_NAME_CONSTRAINTS in self.extension_oids


def parse_certificate(der: bytes) -> ParsedCert:
    """Go's ``x509.ParseCertificate``.

    Raises:
        GoParseError: with the text Go gives (crypto/tls prefixes it with ``tls: failed to
            parse certificate from server: ``).
    """
    whole = Der(der).read(SEQUENCE, with_header=True)
    if whole is None:
        raise GoParseError("x509: malformed certificate")
    cert = _parse(whole)
    if len(der) != len(whole):
        raise GoParseError("x509: trailing data")
    return cert


def _parse(raw: bytes) -> ParsedCert:
    body = Der(raw).read(SEQUENCE)
    if body is None:
        raise GoParseError("x509: malformed certificate")
    outer = Der(body)
    raw_tbs = outer.read(SEQUENCE, with_header=True)
    if raw_tbs is None:
        raise GoParseError("x509: malformed tbs certificate")
    tbs_body = Der(raw_tbs).read(SEQUENCE)
    if tbs_body is None:
        raise GoParseError("x509: malformed tbs certificate")
    tbs = Der(tbs_body)
    present, explicit = tbs.read_optional(context(0, constructed=True))
    version = 0
    if present:
        inner = Der(explicit) if explicit is not None else None
        number = inner.read_int64() if inner is not None else None
        if number is None or not inner.empty():  # type: ignore[union-attr]
            raise GoParseError("x509: malformed version")
        version = number
    if version < 0:
        raise GoParseError("x509: malformed version")
    version += 1
    if version > 3:
        raise GoParseError("x509: invalid version")
    serial = tbs.read_integer()
    if serial is None:
        raise GoParseError("x509: malformed serial number")
    if serial < 0:  # x509negativeserial=0 since Go 1.23
        raise GoParseError("x509: negative serial number")
    sig_ai = tbs.read(SEQUENCE)
    if sig_ai is None:
        raise GoParseError("x509: malformed signature algorithm identifier")
    outer_ai = outer.read(SEQUENCE)
    if outer_ai is None:
        raise GoParseError("x509: malformed algorithm identifier")
    if outer_ai != sig_ai:
        raise GoParseError("x509: inner and outer signature algorithm identifiers don't match")
    sig_oid, sig_params = _parse_ai(sig_ai)
    sig_name, sig_hash, sig_key, sig_pss = signature_algorithm(sig_oid, sig_params)
    raw_issuer = tbs.read(SEQUENCE, with_header=True)
    if raw_issuer is None:
        raise GoParseError("x509: malformed issuer")
    issuer = parse_name(raw_issuer)
    validity = tbs.read(SEQUENCE)
    if validity is None:
        raise GoParseError("x509: malformed validity")
    validity_der = Der(validity)
    not_before = read_time(validity_der)
    not_after = read_time(validity_der)
    raw_subject = tbs.read(SEQUENCE, with_header=True)
    if raw_subject is None:
        raise GoParseError("x509: malformed issuer")  # sic: Go's text for the subject too
    subject = parse_name(raw_subject)
    raw_spki = tbs.read(SEQUENCE, with_header=True)
    if raw_spki is None:
        raise GoParseError("x509: malformed spki")
    spki_body = Der(raw_spki).read(SEQUENCE)
    if spki_body is None:
        raise GoParseError("x509: malformed spki")
    spki = Der(spki_body)
    pk_ai = spki.read(SEQUENCE)
    if pk_ai is None:
        raise GoParseError("x509: malformed public key algorithm identifier")
    pk_oid, pk_params = _parse_ai(pk_ai)
    key_bits = spki.read_bit_string()
    if key_bits is None:
        raise GoParseError("x509: malformed subjectPublicKey")
    key_algorithm = OID_KEY.get(pk_oid, "")
    public_key = (_parse_public_key(key_algorithm, pk_oid, pk_params, key_bits, raw_spki)
                  if key_algorithm else None)
    fields: dict[str, object] = {}
    if version > 1:
        for number, what in ((1, "issuerUniqueID"), (2, "subjectUniqueID")):
            if tbs.peek(context(number)) and tbs.read(context(number)) is None:
                raise GoParseError(f"x509: malformed {what}")
        if version == 3:
            present, extensions = tbs.read_optional(context(3, constructed=True))
            if extensions is None:
                raise GoParseError("x509: malformed extensions")
            if present:
                fields = _parse_extensions(extensions)
    signature = outer.read_bit_string()
    if signature is None:
        raise GoParseError("x509: malformed signature")
    sig_bytes, sig_bit_length = signature
    return ParsedCert(
        raw=raw, raw_tbs=raw_tbs, raw_subject=raw_subject, raw_issuer=raw_issuer,
        raw_spki=raw_spki, version=version, serial=serial, signature_algorithm=sig_name,
        signature_hash=sig_hash, signature_key_algorithm=sig_key, signature_is_pss=sig_pss,
        signature_oid_is_pss=sig_oid == OID_RSA_PSS,
        signature=_right_align(sig_bytes, sig_bit_length), subject=subject, issuer=issuer,
        not_before=not_before, not_after=not_after, public_key_algorithm=key_algorithm,
        public_key=public_key, **fields)  # type: ignore[arg-type]


def outer_signature(der: bytes) -> tuple[tuple[int, ...], bytes | None, bool] | None:
    """A certificate's outer signature algorithm (OID and parameters' DER) and whether it is
    self-issued (subject equals issuer), read without judging anything else; None when the DER
    is too broken to tell."""
    body = Der(der).read(SEQUENCE)
    outer = Der(body) if body is not None else None
    tbs = outer.read(SEQUENCE) if outer is not None else None
    algorithm = outer.read(SEQUENCE) if outer is not None and tbs is not None else None
    if tbs is None or algorithm is None:
        return None
    fields = Der(tbs)
    if fields.peek(context(0, constructed=True)):
        fields.read_any()
    fields.read_any()  # serial
    fields.read_any()  # signature algorithm
    issuer = fields.read(SEQUENCE, with_header=True)
    fields.read_any()  # validity
    subject = fields.read(SEQUENCE, with_header=True)
    try:
        oid, params = _parse_ai(algorithm)
    except GoParseError:
        return None
    return oid, params, issuer is not None and issuer == subject


def _right_align(data: bytes, bit_length: int) -> bytes:
    shift = len(data) * 8 - bit_length
    if shift == 0 or not data:
        return data
    value = int.from_bytes(data, "big") >> shift
    return value.to_bytes((bit_length + 7) // 8, "big")


def _parse_ai(contents: bytes) -> tuple[tuple[int, ...], bytes | None]:
    """parseAI: the algorithm OID, and the parameters' whole DER (None when absent)."""
    der = Der(contents)
    oid = der.read_oid()
    if oid is None:
        raise GoParseError("x509: malformed OID")
    if der.empty():
        return oid, None
    params = der.read_any(with_header=True)
    if params is None:
        raise GoParseError("x509: malformed parameters")
    return oid, params[1]


def signature_algorithm(oid: tuple[int, ...],
                        params: bytes | None) -> tuple[str, str, str, bool]:
    """getSignatureAlgorithmFromAI: (Go's name, hash, key algorithm, is PSS); an algorithm Go
    does not know (or RSASSA-PSS with parameters it does not accept) is named "0"."""
    if oid != OID_RSA_PSS:
        known = OID_SIGNATURE.get(oid)
        if known is None or (known[2] in ("Ed25519", "MLDSA") and params):
            return "0", "", "", False
        return known[0], known[1], known[2], False
    pss = _pss_parameters(params or b"")
    if pss is None:
        return "0", "", "", False
    return pss[0], pss[1], "RSA", True


def _pss_parameters(params: bytes) -> tuple[str, str] | None:
    """Go's reading of RSASSA-PSS-params (x509.go getSignatureAlgorithmFromAI)."""
    der = Der(params)
    body = der.read(SEQUENCE)
    if body is None:
        return None
    fields = Der(body)
    # The DEFAULTs: SHA-1 and MGF1(SHA-1).
    hash_oid: tuple[int, ...] = (1, 3, 14, 3, 2, 26)
    hash_params = b""
    mgf_oid: tuple[int, ...] = (1, 2, 840, 113549, 1, 1, 8)
    mgf_hash: tuple[int, ...] = (1, 3, 14, 3, 2, 26)
    mgf_hash_params = b""
    salt, trailer = 20, 1
    for number in range(4):
        present, value = fields.read_optional(context(number, constructed=True))
        if not present:
            continue
        if value is None:
            return None
        inner = Der(value)
        if number in (0, 1):
            ai = inner.read(SEQUENCE)
            if ai is None:
                return None
            ai_der = Der(ai)
            algo = ai_der.read_oid()
            rest = ai_der.read_any(with_header=True) if not ai_der.empty() else None
            if algo is None:
                return None
            if number == 0:
                hash_oid, hash_params = algo, rest[1] if rest else b""
            else:
                mgf_oid = algo
                inner_ai = Der(rest[1]).read(SEQUENCE) if rest else None
                if inner_ai is None:
                    return None
                inner_der = Der(inner_ai)
                mgf_hash = inner_der.read_oid() or ()
                tail = inner_der.read_any(with_header=True) if not inner_der.empty() else None
                mgf_hash_params = tail[1] if tail else b""
        else:
            number_value = inner.read_int64()
            if number_value is None:
                return None
            if number == 2:
                salt = number_value
            else:
                trailer = number_value
    if ((hash_params and hash_params != NULL_DER) or mgf_oid != (1, 2, 840, 113549, 1, 1, 8)
            or mgf_hash != hash_oid or (mgf_hash_params and mgf_hash_params != NULL_DER)
            or trailer != 1):
        return None
    known = _PSS.get(hash_oid)
    if known is None or salt != known[2]:
        return None
    return known[0], known[1]


def _parse_public_key(algorithm: str, oid: tuple[int, ...], params: bytes | None,
                      key_bits: tuple[bytes, int], spki: bytes) -> PublicKey:
    data = _right_align(*key_bits)
    if algorithm == "RSA":
        if params != NULL_DER:
            raise GoParseError("x509: RSA key missing NULL parameters")
        body = Der(data).read(SEQUENCE)
        if body is None:
            raise GoParseError("x509: invalid RSA public key")
        der = Der(body)
        modulus = der.read_integer()
        if modulus is None:
            raise GoParseError("x509: invalid RSA modulus")
        exponent = der.read_int64()
        if exponent is None:
            raise GoParseError("x509: invalid RSA public exponent")
        if modulus <= 0:
            raise GoParseError("x509: RSA modulus is not a positive number")
        if exponent <= 0:
            raise GoParseError("x509: RSA public exponent is not a positive number")
        return PublicKey("RSA", spki, rsa_n=modulus, rsa_e=exponent)
    if algorithm == "ECDSA":
        curve_oid = Der(params or b"").read_oid()
        if curve_oid is None:
            raise GoParseError("x509: invalid ECDSA parameters")
        curve = CURVES.get(curve_oid)
        if curve is None:
            raise GoParseError("x509: unsupported elliptic curve")
        if not data or data[0] != 4:
            raise GoParseError("ecdsa: invalid uncompressed public key")
        return PublicKey("ECDSA", spki, curve=curve)
    if algorithm == "Ed25519":
        if params:
            raise GoParseError("x509: Ed25519 key encoded with illegal parameters")
        if len(data) != 32:
            raise GoParseError("x509: wrong Ed25519 public key size")
        return PublicKey("Ed25519", spki)
    if algorithm == "DSA":
        if Der(data).read_integer() is None:
            raise GoParseError("x509: invalid DSA public key")
        return PublicKey("DSA", spki)
    if params:
        raise GoParseError("x509: ML-DSA key encoded with illegal parameters")
    return PublicKey(algorithm, spki)


def _parse_extensions(contents: bytes) -> dict[str, object]:
    body = Der(contents).read(SEQUENCE)
    if body is None:
        raise GoParseError("x509: malformed extensions")
    der = Der(body)
    extensions: list[tuple[tuple[int, ...], bool, bytes]] = []
    seen: set[tuple[int, ...]] = set()
    while not der.empty():
        extension = der.read(SEQUENCE)
        if extension is None:
            raise GoParseError("x509: malformed extension")
        ext = Der(extension)
        oid = ext.read_oid()
        if oid is None:
            raise GoParseError("x509: malformed extension OID field")
        critical = False
        if ext.peek(BOOLEAN):
            flag = ext.read_boolean()
            if flag is None:
                raise GoParseError("x509: malformed extension critical field")
            critical = flag
        value = ext.read(OCTET_STRING)
        if value is None:
            raise GoParseError("x509: malformed extension value field")
        if oid in seen:
            raise GoParseError("x509: certificate contains duplicate extension with OID "
                               f'"{oid_text(oid)}"')
        seen.add(oid)
        extensions.append((oid, critical, value))
    return _process_extensions(extensions)


def _process_extensions(extensions: list[tuple[tuple[int, ...], bool, bytes]]
                        ) -> dict[str, object]:
    """parser.go processExtensions: each known extension read, unknown critical ones kept."""
    out: dict[str, object] = {"extension_oids": tuple(oid for oid, _, _ in extensions)}
    unhandled_critical = []
    for oid, critical, value in extensions:
        unhandled = False
        if len(oid) == 4 and oid[:3] == (2, 5, 29):
            kind = oid[3]
            if kind == 15:
                out["key_usage"] = _key_usage(value)
            elif kind == 19:
                out["is_ca"], out["max_path_len"] = _basic_constraints(value)
                out["basic_constraints_valid"] = True
            elif kind == 17:
                names = _subject_alt_names(value)
                out.update(names)
                out["san_value"] = value
                if not any(names.values()):
                    unhandled = True
            elif kind == 30:
                constraints, unhandled = _name_constraints(value)
                out.update(constraints)
            elif kind == 31:
                _crl_distribution_points(value)
            elif kind == 35:
                if critical:
                    raise GoParseError("x509: authority key identifier incorrectly marked "
                                       "critical")
                out["authority_key_id"] = _authority_key_id(value)
            elif kind == 36:
                out.update(_policy_constraints(value))
            elif kind == 37:
                out["ext_key_usage"], out["unknown_ext_key_usage"] = _ext_key_usage(value)
            elif kind == 14:
                if critical:
                    raise GoParseError("x509: subject key identifier incorrectly marked critical")
                key_id = Der(value).read(OCTET_STRING)
                if key_id is None:
                    raise GoParseError("x509: invalid subject key identifier")
                out["subject_key_id"] = key_id
            elif kind == 32:
                out["policies"] = _certificate_policies(value)
            elif kind == 33:
                out["policy_mappings"] = _policy_mappings(value)
            elif kind == 54:
                inhibit = Der(value).read_int64()
                if inhibit is None:
                    raise GoParseError("x509: invalid inhibit any policy extension")
                out["inhibit_any_policy"] = inhibit
                out["inhibit_any_policy_zero"] = inhibit == 0
            else:
                unhandled = True
        elif oid == OID_AIA:
            if critical:
                raise GoParseError("x509: authority info access incorrectly marked critical")
            _authority_info_access(value)
        else:
            unhandled = True
        if critical and unhandled:
            unhandled_critical.append(oid)
    out["unhandled_critical"] = tuple(unhandled_critical)
    return out


def _key_usage(value: bytes) -> int:
    bits = Der(value).read_bit_string()
    if bits is None:
        raise GoParseError("x509: invalid key usage")
    data, length = bits
    usage = 0
    for i in range(9):
        if i < length and data[i // 8] >> (7 - i % 8) & 1:
            usage |= 1 << i
    return usage


def _basic_constraints(value: bytes) -> tuple[bool, int]:
    body = Der(value).read(SEQUENCE)
    if body is None:
        raise GoParseError("x509: invalid basic constraints")
    der = Der(body)
    is_ca = False
    if der.peek(BOOLEAN):
        flag = der.read_boolean()
        if flag is None:
            raise GoParseError("x509: invalid basic constraints")
        is_ca = flag
    max_path_len = -1
    if der.peek(INTEGER):
        number = der.read_uint64()
        if number is None or number > 2**63 - 1:
            raise GoParseError("x509: invalid basic constraints")
        max_path_len = number
    return is_ca, max_path_len


def _ia5(data: bytes) -> str | None:
    """The bytes as a string, or None when one is not ASCII (Go's isIA5String: any byte over
    0x7F makes a rune over MaxASCII, or an invalid one)."""
    return None if any(b > 0x7F for b in data) else data.decode("ascii")


def _subject_alt_names(value: bytes) -> dict[str, tuple[object, ...]]:
    body = Der(value).read(SEQUENCE)
    if body is None:
        raise GoParseError("x509: invalid subject alternative names")
    der = Der(body)
    dns: list[str] = []
    emails: list[str] = []
    ips: list[bytes] = []
    uris: list[str] = []
    uri_hosts: list[str] = []
    while not der.empty():
        read = der.read_any()
        if read is None:
            raise GoParseError("x509: invalid subject alternative name")
        tag, data = read
        kind = tag ^ 0x80
        if kind == 1:
            text = _ia5(data)
            if text is None:
                raise GoParseError("x509: SAN rfc822Name is malformed")
            emails.append(text)
        elif kind == 2:
            text = _ia5(data)
            if text is None:
                raise GoParseError("x509: SAN dNSName is malformed")
            dns.append(text)
        elif kind == 6:
            text = _ia5(data)
            if text is None:
                raise GoParseError("x509: SAN uniformResourceIdentifier is malformed")
            host = _uri_host(text)
            if host and not domain_name_valid(host, constraint=False):
                raise GoParseError(f"x509: cannot parse URI {go_quote(text)}: invalid domain")
            uris.append(text)
            uri_hosts.append(host)
        elif kind == 7:
            if len(data) == 16:
                if data[:12] == b"\0" * 10 + b"\xff\xff":  # net.IP.To4() != nil
                    raise GoParseError("x509: SAN iPAddress contains IPv4-mapped IPv6 address")
                ips.append(data)
            elif len(data) == 4:
                ips.append(data)
            else:
                raise GoParseError(f"x509: cannot parse IP address of length {len(data)}")
    return {"dns_names": tuple(dns), "email_addresses": tuple(emails),
            "ip_addresses": tuple(ips), "uris": tuple(uris), "uri_hosts": tuple(uri_hosts)}


def _uri_host(uri: str) -> str:
    """Go's url.URL.Host of a URI: the authority after "//", without userinfo."""
    scheme, colon, rest = uri.partition(":")
    if not colon or not rest.startswith("//"):
        return ""
    authority = re.split(r"[/?#]", rest[2:], maxsplit=1)[0]
    return authority.rpartition("@")[2]


def _authority_key_id(value: bytes) -> bytes:
    body = Der(value).read(SEQUENCE)
    if body is None:
        raise GoParseError("x509: invalid authority key identifier")
    der = Der(body)
    if der.peek(context(0)):
        key_id = der.read(context(0))
        if key_id is None:
            raise GoParseError("x509: invalid authority key identifier")
        return key_id
    return b""


def _ext_key_usage(value: bytes) -> tuple[tuple[tuple[int, ...], ...],
                                          tuple[tuple[int, ...], ...]]:
    body = Der(value).read(SEQUENCE)
    if body is None:
        raise GoParseError("x509: invalid extended key usages")
    der = Der(body)
    known: list[tuple[int, ...]] = []
    unknown: list[tuple[int, ...]] = []
    while not der.empty():
        oid = der.read_oid()
        if oid is None:
            raise GoParseError("x509: invalid extended key usages")
        (known if oid in _KNOWN_EKUS else unknown).append(oid)
    return tuple(known), tuple(unknown)


def _certificate_policies(value: bytes) -> tuple[bytes, ...]:
    body = Der(value).read(SEQUENCE)
    if body is None:
        raise GoParseError("x509: invalid certificate policies")
    der = Der(body)
    seen: list[bytes] = []
    while not der.empty():
        info = der.read(SEQUENCE)
        oid = Der(info).read(OID) if info is not None else None
        if oid is None or oid in seen or not _valid_oid_der(oid):
            raise GoParseError("x509: invalid certificate policies")
        seen.append(oid)
    return tuple(seen)


def _valid_oid_der(contents: bytes) -> bool:
    """x509.OID's newOIDFromDER: base-128 arcs of any size, each minimally encoded."""
    if not contents or contents[-1] & 0x80:
        return False
    start = True
    for byte in contents:
        if start and byte == 0x80:
            return False
        start = not byte & 0x80
    return True


def _policy_mappings(value: bytes) -> tuple[tuple[bytes, bytes], ...]:
    body = Der(value).read(SEQUENCE)
    if body is None:
        raise GoParseError("x509: invalid policy mappings extension")
    der = Der(body)
    mappings = []
    while not der.empty():
        pair = der.read(SEQUENCE)
        pair_der = Der(pair) if pair is not None else None
        issuer = pair_der.read(OID) if pair_der is not None else None
        subject = pair_der.read(OID) if pair_der is not None else None
        if issuer is None or subject is None:
            raise GoParseError("x509: invalid policy mappings extension")
        mappings.append((issuer, subject))
    return tuple(mappings)


def _policy_constraints(value: bytes) -> dict[str, object]:
    body = Der(value).read(SEQUENCE)
    if body is None:
        raise GoParseError("x509: invalid policy constraints extension")
    der = Der(body)
    out: dict[str, object] = {}
    for number, name in ((0, "require_explicit_policy"), (1, "inhibit_policy_mapping")):
        if der.peek(context(number)):
            found = der.read_int64(context(number))
            if found is None:
                raise GoParseError("x509: invalid policy constraints extension")
            out[name] = found
            out[name + "_zero"] = found == 0
    return out


def _crl_distribution_points(value: bytes) -> None:
    body = Der(value).read(SEQUENCE)
    if body is None:
        raise GoParseError("x509: invalid CRL distribution points")
    der = Der(body)
    while not der.empty():
        point = der.read(SEQUENCE)
        if point is None:
            raise GoParseError("x509: invalid CRL distribution point")
        point_der = Der(point)
        present, name = point_der.read_optional(context(0, constructed=True))
        if name is None:
            raise GoParseError("x509: invalid CRL distribution point")
        if not present:
            continue
        full = Der(name).read(context(0, constructed=True))
        if full is None:
            raise GoParseError("x509: invalid CRL distribution point")
        full_der = Der(full)
        while not full_der.empty() and full_der.peek(context(6)):
            if full_der.read(context(6)) is None:
                raise GoParseError("x509: invalid CRL distribution point")


def _authority_info_access(value: bytes) -> None:
    body = Der(value).read(SEQUENCE)
    if body is None:
        raise GoParseError("x509: invalid authority info access")
    der = Der(body)
    while not der.empty():
        access = der.read(SEQUENCE)
        access_der = Der(access) if access is not None else None
        if access_der is None or access_der.read_oid() is None:
            raise GoParseError("x509: invalid authority info access")
        if access_der.peek(context(6)) and access_der.read(context(6)) is None:
            raise GoParseError("x509: invalid authority info access")


def _valid_ip_mask(mask: bytes) -> bool:
    seen_zero = False
    for byte in mask:
        if seen_zero:
            if byte:
                return False
            continue
        if byte in (0x00, 0x80, 0xC0, 0xE0, 0xF0, 0xF8, 0xFC, 0xFE):
            seen_zero = True
        elif byte != 0xFF:
            return False
    return True


def _name_constraints(value: bytes) -> tuple[dict[str, object], bool]:
    """parser.go parseNameConstraintsExtension: permitted and excluded subtrees by kind."""
    outer = Der(value)
    top = outer.read(SEQUENCE)
    invalid = GoParseError("x509: invalid NameConstraints extension")
    if top is None or not outer.empty():
        raise invalid
    top_der = Der(top)
    has_permitted, permitted = top_der.read_optional(context(0, constructed=True))
    has_excluded, excluded = top_der.read_optional(context(1, constructed=True))
    if permitted is None or excluded is None or not top_der.empty():
        raise invalid
    if (not has_permitted and not has_excluded) or (not permitted and not excluded):
        raise GoParseError("x509: empty name constraints extension")
    unhandled = False

    def values(subtrees: bytes) -> tuple[list[str], list[IPNet], list[str], list[str]]:
        nonlocal unhandled
        der = Der(subtrees)
        dns: list[str] = []
        ips: list[IPNet] = []
        emails: list[str] = []
        uris: list[str] = []
        while not der.empty():
            subtree = der.read(SEQUENCE)
            base = Der(subtree).read_any() if subtree is not None else None
            if base is None:
                raise GoParseError("x509: invalid NameConstraints extension")
            tag, data = base
            if tag == context(2):
                text = _constraint_text(data)
                if not domain_name_valid(text, constraint=True):
                    raise GoParseError(f"x509: failed to parse dnsName constraint "
                                       f"{go_quote(text)}")
                dns.append(text)
            elif tag == context(7):
                if len(data) not in (8, 32):
                    raise GoParseError(f"x509: IP constraint contained value of length "
                                       f"{len(data)}")
                half = len(data) // 2
                address, mask = data[:half], data[half:]
                if not _valid_ip_mask(mask):
                    raise GoParseError(f"x509: IP constraint contained invalid mask "
                                       f"{mask.hex()}")
                if half == 16 and address[:12] == b"\0" * 10 + b"\xff\xff":
                    raise GoParseError("x509: IP constraint contained IPv4-mapped IPv6 address")
                ips.append(IPNet(address, mask))
            elif tag == context(1):
                text = _constraint_text(data)
                valid = (parse_mailbox(text) is not None if "@" in text
                         else domain_name_valid(text, constraint=True))
                if not valid:
                    raise GoParseError(f"x509: failed to parse rfc822Name constraint "
                                       f"{go_quote(text)}")
                emails.append(text)
            elif tag == context(6):
                text = _constraint_text(data)
                if _parse_ip(text) is not None:
                    raise GoParseError(f"x509: failed to parse URI constraint {go_quote(text)}: "
                                       "cannot be IP address")
                if not domain_name_valid(text, constraint=True):
                    raise GoParseError(f"x509: failed to parse URI constraint {go_quote(text)}")
                uris.append(text)
            else:
                unhandled = True
        return dns, ips, emails, uris

    p_dns, p_ips, p_emails, p_uris = values(permitted or b"")
    e_dns, e_ips, e_emails, e_uris = values(excluded or b"")
    return {"permitted_dns": tuple(p_dns), "excluded_dns": tuple(e_dns),
            "permitted_ips": tuple(p_ips), "excluded_ips": tuple(e_ips),
            "permitted_emails": tuple(p_emails), "excluded_emails": tuple(e_emails),
            "permitted_uris": tuple(p_uris), "excluded_uris": tuple(e_uris)}, unhandled


def _constraint_text(data: bytes) -> str:
    text = data.decode("utf-8", "replace")
    if any(ord(c) > 0x7F for c in text):
        raise GoParseError(f"x509: invalid constraint value: x509: {go_quote(text)} cannot be "
                           "encoded as an IA5String")
    return text


def _parse_ip(text: str) -> bytes | None:
    """net.ParseIP: an IPv4 or IPv6 address (no zone), as 4 or 16 bytes."""
    try:
        return ipaddress.ip_address(text).packed
    except ValueError:
        return None


def domain_name_valid(name: str, *, constraint: bool) -> bool:
    """parser.go domainNameValid (Go 1.27: the length checks are disabled, see #75835)."""
    if not name:
        return True
    if name.endswith("."):
        return False
    if constraint and name.startswith("."):
        name = name[1:]
    return all(label and all(33 <= ord(c) <= 126 for c in label) for label in name.split("."))


@dataclass(frozen=True)
class Mailbox:
    """An rfc2821Mailbox: the local part (unescaped) and the domain."""

    local: str
    domain: str

    def __str__(self) -> str:
        return f"{self.local}@{self.domain}"


_ATEXT = set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!#$%&'*+-/=?^_`{|}~.")


def parse_mailbox(text: str) -> Mailbox | None:
    """verify.go parseRFC2821Mailbox."""
    data = text.encode("utf-8", "surrogateescape")
    if not data:
        return None
    local = bytearray()
    i = 0
    if data[0] == ord('"'):
        i = 1
        while True:
            if i >= len(data):
                return None
            c = data[i]
            i += 1
            if c == ord('"'):
                break
            if c == ord("\\"):
                if i >= len(data):
                    return None
                nxt = data[i]
                if nxt in (11, 12) or 1 <= nxt <= 9 or 14 <= nxt <= 127:
                    local.append(nxt)
                    i += 1
                else:
                    return None
            elif (c in (11, 12, 32, 33, 127) or 1 <= c <= 8 or 14 <= c <= 31
                  or 35 <= c <= 91 or 93 <= c <= 126):
                local.append(c)
            else:
                return None
    else:
        while i < len(data):
            c = data[i]
            if c == ord("\\"):
                i += 1
                if i >= len(data):
                    return None
                local.append(data[i])
                i += 1
                continue
            if chr(c) in _ATEXT:
                local.append(c)
                i += 1
                continue
            break
        if not local:
            return None
        if local[0] == ord(".") or local[-1] == ord(".") or b".." in local:
            return None
    if i >= len(data) or data[i] != ord("@"):
        return None
    domain = data[i + 1:].decode("utf-8", "surrogateescape")
    if not domain_name_valid(domain, constraint=False) or "@" in domain:
        return None
    return Mailbox(local.decode("latin-1"), domain)


def go_quote(text: str) -> str:
    """Go's strconv.Quote (what %q prints for a string)."""
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
        elif char == "\a":
            out.append("\\a")
        elif char == "\b":
            out.append("\\b")
        elif char == "\f":
            out.append("\\f")
        elif char == "\v":
            out.append("\\v")
        elif char == "\ufffd" or char.isprintable():
            out.append(char)
        elif ord(char) < 0x80:
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) < 0x10000:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    out.append('"')
    return "".join(out)


__all__ = ["GoParseError", "IPNet", "Mailbox", "Name", "ParsedCert", "PublicKey",
           "domain_name_valid", "go_quote", "parse_certificate", "parse_mailbox"]
