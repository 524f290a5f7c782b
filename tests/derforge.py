"""Certificates built byte by byte, for the Go parity corpus: every field can be written as a
real (or a broken) CA would write it, which cryptography's builder does not allow (negative
serials, duplicate extensions, mismatched signature algorithms, IPv4-mapped SANs, odd name
constraints, policy extensions, PSS parameters, v1 and v4 certificates). Keys are made at test
time and kept in memory; nothing here is committed as a certificate or key."""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass, field
from functools import cache

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


# --- DER encoding

def _length(n: int) -> bytes:
    if n < 128:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def tlv(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + _length(len(content)) + content


def seq(*items: bytes) -> bytes:
    return tlv(0x30, b"".join(items))


def set_of(*items: bytes) -> bytes:
    return tlv(0x31, b"".join(items))


def integer(value: int) -> bytes:
    size = max(1, (value.bit_length() + 8) // 8)
    return tlv(0x02, value.to_bytes(size, "big", signed=True))


def oid_body(dotted: str) -> bytes:
    parts = [int(p) for p in dotted.split(".")]
    out = bytearray()
    for number in [parts[0] * 40 + parts[1], *parts[2:]]:
        chunk = [number & 0x7F]
        number >>= 7
        while number:
            chunk.append(0x80 | (number & 0x7F))
            number >>= 7
        out += bytes(reversed(chunk))
    return bytes(out)


def oid(dotted: str) -> bytes:
    return tlv(0x06, oid_body(dotted))


def octets(data: bytes) -> bytes:
    return tlv(0x04, data)


def bits(data: bytes, unused: int = 0) -> bytes:
    return tlv(0x03, bytes([unused]) + data)


def boolean(value: bool) -> bytes:
    return tlv(0x01, b"\xff" if value else b"\x00")


NULL = b"\x05\x00"


def ctx(number: int, content: bytes, constructed: bool = False) -> bytes:
    return tlv(0x80 | (0x20 if constructed else 0) | number, content)


def utc_time(moment: dt.datetime, text: str | None = None) -> bytes:
    return tlv(0x17, (text or moment.strftime("%y%m%d%H%M%SZ")).encode())


def gen_time(moment: dt.datetime, text: str | None = None) -> bytes:
    return tlv(0x18, (text or moment.strftime("%Y%m%d%H%M%SZ")).encode())


def time_of(moment: dt.datetime) -> bytes:
    return utc_time(moment) if 1950 <= moment.year < 2050 else gen_time(moment)


def name(cn: str | None = None, o: str | None = None, *, string_tag: int = 0x0C,
         extra: tuple[tuple[str, bytes], ...] = ()) -> bytes:
    """A Name: O then CN, each in its own RDN, values as UTF8String (or ``string_tag``)."""
    rdns = [set_of(seq(oid(kind), value)) for kind, value in extra]
    if o is not None:
        rdns.append(set_of(seq(oid("2.5.4.10"), tlv(string_tag, o.encode()))))
    if cn is not None:
        rdns.append(set_of(seq(oid("2.5.4.3"), tlv(string_tag, cn.encode()))))
    return seq(*rdns)


# --- extensions

def ext(dotted: str, value: bytes, critical: bool = False) -> bytes:
    return seq(oid(dotted), *([boolean(True)] if critical else []), octets(value))


def basic_constraints(ca: bool, path_len: int | None = None, critical: bool = True) -> bytes:
    body = (boolean(True) if ca else b"") + (integer(path_len) if path_len is not None else b"")
    return ext("2.5.29.19", seq(body), critical)


def key_usage(*flags: int, critical: bool = True) -> bytes:
    """Key usage from bit numbers (0 digitalSignature ... 5 keyCertSign, 6 cRLSign)."""
    value = 0
    for flag in flags:
        value |= 1 << (15 - flag)
    data = value.to_bytes(2, "big").rstrip(b"\0") or b"\0"
    unused = 0
    while unused < 7 and not data[-1] >> unused & 1:
        unused += 1
    return ext("2.5.29.15", bits(data, unused), critical)


def general_names(*, dns: tuple[str, ...] = (), ips: tuple[str, ...] = (),
                  emails: tuple[str, ...] = (), uris: tuple[str, ...] = (),
                  raw: tuple[bytes, ...] = ()) -> bytes:
    parts = [ctx(1, e.encode()) for e in emails] + [ctx(2, d.encode()) for d in dns]
    parts += [ctx(6, u.encode()) for u in uris]
    parts += [ctx(7, ipaddress.ip_address(i).packed) for i in ips]
    return b"".join(parts + list(raw))


def san(critical: bool = False, **names: object) -> bytes:
    return ext("2.5.29.17", seq(general_names(**names)), critical)  # type: ignore[arg-type]


def subtree(kind: str, value: str | bytes) -> bytes:
    number = {"email": 1, "dns": 2, "uri": 6, "ip": 7}[kind]
    if kind == "ip" and isinstance(value, str):
        network = ipaddress.ip_network(value, strict=False)
        data = network.network_address.packed + network.netmask.packed
        if "/" in value and not ipaddress.ip_interface(value).ip == network.network_address:
            data = ipaddress.ip_interface(value).ip.packed + network.netmask.packed
        return seq(ctx(number, data))
    return seq(ctx(number, value if isinstance(value, bytes) else value.encode()))


def name_constraints(permitted: tuple[bytes, ...] = (), excluded: tuple[bytes, ...] = (),
                     critical: bool = True) -> bytes:
    body = b""
    if permitted:
        body += ctx(0, b"".join(permitted), constructed=True)
    if excluded:
        body += ctx(1, b"".join(excluded), constructed=True)
    return ext("2.5.29.30", seq(body), critical)


SERVER_AUTH, CLIENT_AUTH, ANY_EKU = "1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2", "2.5.29.37.0"


def eku(*usages: str) -> bytes:
    return ext("2.5.29.37", seq(*(oid(u) for u in usages)))


ANY_POLICY = "2.5.29.32.0"


def policies(*dotted: str, critical: bool = False) -> bytes:
    return ext("2.5.29.32", seq(*(seq(oid(p)) for p in dotted)), critical)


def policy_constraints(require: int | None = None, inhibit: int | None = None) -> bytes:
    body = b""
    if require is not None:
        body += ctx(0, integer(require)[2:])
    if inhibit is not None:
        body += ctx(1, integer(inhibit)[2:])
    return ext("2.5.29.36", seq(body), True)


def policy_mappings(*pairs: tuple[str, str]) -> bytes:
    return ext("2.5.29.33", seq(*(seq(oid(a), oid(b)) for a, b in pairs)), True)


def inhibit_any_policy(n: int) -> bytes:
    return ext("2.5.29.54", integer(n), True)


def skid(key_id: bytes, critical: bool = False) -> bytes:
    return ext("2.5.29.14", octets(key_id), critical)


def akid(key_id: bytes, critical: bool = False) -> bytes:
    return ext("2.5.29.35", seq(ctx(0, key_id)), critical)


# --- keys and signatures

@cache
def _pooled_key(kind: str, slot: int) -> object:
    if kind == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    if kind == "ec384":
        return ec.generate_private_key(ec.SECP384R1())
    if kind == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    bits_wanted = int(kind.removeprefix("rsa"))
    if bits_wanted < 1024:  # cryptography refuses to make these, but loads them
        return _small_rsa(bits_wanted)
    return rsa.generate_private_key(public_exponent=65537, key_size=bits_wanted)


def _probable_prime(bits_wanted: int) -> int:
    import secrets

    while True:
        candidate = secrets.randbits(bits_wanted) | (1 << (bits_wanted - 1)) | 1
        if all(candidate % p for p in (3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)) and all(
                _miller_rabin(candidate, secrets.randbelow(candidate - 3) + 2) for _ in range(24)):
            return candidate


def _miller_rabin(n: int, a: int) -> bool:
    d, r = n - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    x = pow(a, d, n)
    if x in (1, n - 1):
        return True
    for _ in range(r - 1):
        x = pow(x, 2, n)
        if x == n - 1:
            return True
    return False


def _small_rsa(bits_wanted: int) -> rsa.RSAPrivateKey:
    """An RSA key under 1024 bits, for the keys Go must refuse."""
    e = 65537
    while True:
        p, q = _probable_prime(bits_wanted // 2), _probable_prime(bits_wanted // 2)
        n = p * q
        if p != q and n.bit_length() == bits_wanted and (p - 1) % e and (q - 1) % e:
            break
    d = pow(e, -1, (p - 1) * (q - 1))
    numbers = rsa.RSAPrivateNumbers(p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p),
                                    rsa.RSAPublicNumbers(e, n))
    return numbers.private_key(unsafe_skip_rsa_key_validation=True)


_SLOTS: dict[str, int] = {}


def new_key(kind: str = "ec") -> object:
    """A key of ``kind`` (ec, ec384, ed25519, rsa512, rsa1024, rsa2048...): a few per kind are
    made once and then reused round-robin, so a corpus of many certificates stays fast."""
    slot = _SLOTS.get(kind, 0)
    _SLOTS[kind] = (slot + 1) % 4
    return _pooled_key(kind, slot)


def spki(key: object) -> bytes:
    return key.public_key().public_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def key_id(key: object) -> bytes:
    import hashlib

    return hashlib.sha1(spki(key)).digest()


SIGS = {
    "ecdsa-sha256": ("1.2.840.10045.4.3.2", False),
    "ecdsa-sha1": ("1.2.840.10045.4.1", False),
    "rsa-sha256": ("1.2.840.113549.1.1.11", True),
    "rsa-sha1": ("1.2.840.113549.1.1.5", True),
    "rsa-md5": ("1.2.840.113549.1.1.4", True),
    "ed25519": ("1.3.101.112", False),
}


def pss_params(hash_oid: str = "2.16.840.1.101.3.4.2.1", salt: int = 32,
               mgf_hash: str | None = None, trailer: int | None = None) -> bytes:
    body = ctx(0, seq(oid(hash_oid), NULL), True)
    body += ctx(1, seq(oid("1.2.840.113549.1.1.8"), seq(oid(mgf_hash or hash_oid), NULL)), True)
    body += ctx(2, integer(salt), True)
    if trailer is not None:
        body += ctx(3, integer(trailer), True)
    return seq(body)


def algorithm(sig: str, params: bytes | None = None) -> bytes:
    if sig == "rsa-pss":
        return seq(oid("1.2.840.113549.1.1.10"), params or pss_params())
    dotted, with_null = SIGS[sig]
    return seq(oid(dotted), NULL) if with_null else seq(oid(dotted))


def default_sig(key: object) -> str:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return "ecdsa-sha256"
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return "ed25519"
    return "rsa-sha256"


def sign(data: bytes, key: object, sig: str, salt: int = 32) -> bytes:
    if sig.startswith("ecdsa"):
        digest = hashes.SHA1() if sig.endswith("sha1") else hashes.SHA256()
        return key.sign(data, ec.ECDSA(digest))  # type: ignore[attr-defined]
    if sig == "ed25519":
        return key.sign(data)  # type: ignore[attr-defined]
    if sig == "rsa-pss":
        return key.sign(data, padding.PSS(padding.MGF1(hashes.SHA256()), salt),  # type: ignore
                        hashes.SHA256())
    digest = {"rsa-sha256": hashes.SHA256(), "rsa-sha1": hashes.SHA1(),
              "rsa-md5": hashes.MD5()}[sig]
    return key.sign(data, padding.PKCS1v15(), digest)  # type: ignore[attr-defined]


# --- certificates

@dataclass
class Forged:
    """A certificate made here, with its key and the parts a child needs."""

    der: bytes
    key: object
    subject: bytes
    key_identifier: bytes

    @property
    def pem(self) -> bytes:
        import base64

        body = base64.encodebytes(self.der)
        return b"-----BEGIN CERTIFICATE-----\n" + body + b"-----END CERTIFICATE-----\n"

    @property
    def key_pem(self) -> bytes:
        return self.key.private_bytes(  # type: ignore[attr-defined]
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption())


@dataclass
class Spec:
    """Everything a certificate holds, each part overridable as raw DER."""

    subject: bytes
    extensions: list[bytes] = field(default_factory=list)
    serial: bytes | None = None
    version: int = 3
    not_before: bytes | None = None
    not_after: bytes | None = None
    sig: str | None = None
    inner_algorithm: bytes | None = None
    outer_algorithm: bytes | None = None
    pss_salt: int = 32
    issuer_name: bytes | None = None
    spki: bytes | None = None


def forge(spec: Spec, key: object, issuer: Forged | None = None) -> Forged:
    """Build and sign the certificate (self-signed when ``issuer`` is None)."""
    signer = issuer.key if issuer else key
    sig = spec.sig or default_sig(signer)
    inner = spec.inner_algorithm or algorithm(sig)
    outer = spec.outer_algorithm or inner
    version = b"" if spec.version == 1 else ctx(0, integer(spec.version - 1), True)
    serial = spec.serial or integer(int.from_bytes(key_id(key)[:8], "big") >> 1 | 1)
    validity = seq(spec.not_before or time_of(NOW - dt.timedelta(days=1)),
                   spec.not_after or time_of(NOW + dt.timedelta(days=365)))
    extensions = ctx(3, seq(*spec.extensions), True) if spec.extensions else b""
    tbs = seq(version, serial, inner, spec.issuer_name or (issuer.subject if issuer else
                                                           spec.subject),
              validity, spec.subject, spec.spki or spki(key), extensions)
    signature = sign(tbs, signer, sig, spec.pss_salt)
    return Forged(seq(tbs, outer, bits(signature)), key, spec.subject, key_id(key))


def ca(cn: str, issuer: Forged | None = None, *, key_kind: str = "ec",
       extra: tuple[bytes, ...] = (), path_len: int | None = None, **spec: object) -> Forged:
    """A CA certificate: v3, CA:TRUE, keyCertSign, SKID (and AKID under an issuer)."""
    key = new_key(key_kind)
    extensions = [basic_constraints(True, path_len), key_usage(5, 6), skid(key_id(key))]
    if issuer is not None:
        extensions.append(akid(issuer.key_identifier))
    return forge(Spec(name(cn, "hec-doctor parity"), extensions + list(extra), **spec),
                 key, issuer)  # type: ignore[arg-type]


def leaf(host: str, issuer: Forged, *, key_kind: str = "ec", extra: tuple[bytes, ...] = (),
         names: bytes | None = None, usages: tuple[str, ...] = (SERVER_AUTH,),
         **spec: object) -> Forged:
    """A server certificate for ``host`` (DNS or IP SAN), serverAuth, AKID."""
    key = new_key(key_kind)
    if names is None:
        try:
            ipaddress.ip_address(host)
            names = san(ips=(host,))
        except ValueError:
            names = san(dns=(host,))
    extensions = [names] if names else []
    extensions += [akid(issuer.key_identifier)]
    if usages:
        extensions.append(eku(*usages))
    return forge(Spec(name(host), extensions + list(extra), **spec),  # type: ignore[arg-type]
                 key, issuer)
