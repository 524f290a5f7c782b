"""Certificates made on the spot, for the demo, ``serve``, the pytest plugin and the tests.

Besides ordinary chains it makes the kinds trustme cannot: CN-only, X.509 v1, SHA-1-signed,
expired, and a look-alike of Splunk's default SplunkCommonCA / SplunkServerDefaultCert pair. Keys
live in memory; ``server_context`` writes them only to a temporary directory it removes at once.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

_SHA256_RSA = bytes.fromhex("06092a864886f70d01010b")
_SHA1_RSA = bytes.fromhex("06092a864886f70d010105")
PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
_KEYS: dict[int, list[PrivateKey]] = {}


def _key(bits: int) -> PrivateKey:
    """An RSA key of ``bits`` bits, or an ECDSA P-256 key when ``bits`` is 256."""
    # Fresh RSA keys are slow to make; a few per size serve a whole run.
    pool = _KEYS.setdefault(bits, [])
    if len(pool) < 6:
        if bits == 256:
            pool.append(ec.generate_private_key(ec.SECP256R1()))
        else:
            pool.append(rsa.generate_private_key(public_exponent=65537, key_size=bits))
        return pool[-1]
    pool.append(pool.pop(0))
    return pool[-1]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@dataclass
class Issued:
    cert: x509.Certificate
    key: PrivateKey

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)

    @property
    def key_pem(self) -> bytes:
        return self.key.private_bytes(serialization.Encoding.PEM,
                                      serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())


def make_cert(
    cn: str | None,
    *,
    issuer: Issued | None = None,
    ca: bool = False,
    v1: bool = False,
    sha1: bool = False,
    sans: tuple[str, ...] = (),
    ip_sans: tuple[str, ...] = (),
    bits: int = 2048,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    server_auth: bool = True,
    organization: str | None = None,
    extra_names: tuple[tuple[x509.ObjectIdentifier, str], ...] = (),
) -> Issued:
    """A certificate signed by ``issuer`` (self-signed when None).

    ``bits`` is the RSA key size, or 256 for an ECDSA P-256 key (fast to make).
    """
    key = _key(bits)
    attrs = [x509.NameAttribute(oid, value) for oid, value in extra_names]
    if organization:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    if cn is not None:
        attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    subject = x509.Name(attrs)
    signer_key = issuer.key if issuer else key
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.cert.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or _now() - dt.timedelta(days=1))
        .not_valid_after(not_after or _now() + dt.timedelta(days=365))
    )
    if v1:
        builder._version = x509.Version.v1  # no public API makes v1; the builder honours it
    else:
        builder = builder.add_extension(
            x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        if issuer is not None:
            builder = builder.add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
                critical=False)
        if ca:
            builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None),
                                            critical=True)
            builder = builder.add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        else:
            names: list[x509.GeneralName] = [x509.DNSName(s) for s in sans]
            names += [x509.IPAddress(ipaddress.ip_address(s)) for s in ip_sans]
            if names:
                builder = builder.add_extension(x509.SubjectAlternativeName(names),
                                                critical=False)
            if server_auth is not None:
                usage = (ExtendedKeyUsageOID.SERVER_AUTH if server_auth
                         else ExtendedKeyUsageOID.CLIENT_AUTH)
                builder = builder.add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
    cert = builder.sign(signer_key, hashes.SHA256())
    if sha1:
        cert = _resign_sha1(cert, signer_key)
    return Issued(cert, key)


def _resign_sha1(cert: x509.Certificate, signer: PrivateKey) -> x509.Certificate:
    """The same certificate signed with SHA-1 (cryptography refuses to build one).

    Both signature-algorithm identifiers have the same length as SHA-256's, and an RSA signature
    has the key's length, so swapping bytes keeps every DER length intact.
    """
    der = cert.public_bytes(serialization.Encoding.DER)
    tbs = cert.tbs_certificate_bytes.replace(_SHA256_RSA, _SHA1_RSA)
    assert isinstance(signer, rsa.RSAPrivateKey), "SHA-1 re-signing is for RSA issuers"
    signature = signer.sign(tbs, padding.PKCS1v15(), hashes.SHA1())
    head = der[: der.index(cert.tbs_certificate_bytes)]
    tail = der[der.index(cert.tbs_certificate_bytes) + len(tbs):]
    tail = tail.replace(_SHA256_RSA, _SHA1_RSA)
    assert tail.endswith(cert.signature)
    tail = tail[: -len(signature)] + signature
    return x509.load_der_x509_certificate(head + tbs + tail)


def splunk_default(host_ca: Issued | None = None, *, sha1: bool = False) -> tuple[Issued, Issued]:
    """A look-alike of Splunk's default pair: SplunkCommonCA (v1) and SplunkServerDefaultCert."""
    ca = host_ca or make_cert(
        "SplunkCommonCA", v1=True, sha1=sha1, organization="Splunk",
        extra_names=((NameOID.COUNTRY_NAME, "US"), (NameOID.STATE_OR_PROVINCE_NAME, "CA"),
                     (NameOID.LOCALITY_NAME, "San Francisco")))
    leaf = make_cert("SplunkServerDefaultCert", issuer=ca, v1=True, sha1=sha1,
                     organization="SplunkUser")
    return ca, leaf


def write_pem(path: Path, *certs: Issued) -> str:
    path.write_bytes(b"".join(c.pem for c in certs))
    return str(path)


def server_context(chain: list[Issued], key: Issued, *,
                   max_version: ssl.TLSVersion | None = None) -> ssl.SSLContext:
    """A server context sending ``chain`` (leaf first) with ``key``'s private key."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.set_ciphers("DEFAULT:@SECLEVEL=0")  # serve SHA-1 and RSA-1024 certificates too
    if max_version is not None:
        with warnings.catch_warnings():  # serving an obsolete protocol is the point here
            warnings.simplefilter("ignore", DeprecationWarning)
            context.minimum_version = ssl.TLSVersion.TLSv1
            context.maximum_version = max_version
    load_chain(context, chain, key)
    return context


def load_chain(context: ssl.SSLContext, chain: list[Issued], key: Issued) -> None:
    """Make ``context`` send ``chain`` with ``key``: handshakes from now on use it (a running
    look-alike can change its certificate this way)."""
    with tempfile.TemporaryDirectory() as folder:
        cert_path, key_path = Path(folder, "chain.pem"), Path(folder, "key.pem")
        cert_path.write_bytes(b"".join(c.pem for c in chain))
        key_path.touch(mode=0o600)
        key_path.write_bytes(key.key_pem)
        context.load_cert_chain(cert_path, key_path)
