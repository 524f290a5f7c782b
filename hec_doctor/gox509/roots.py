"""The trust roots a cloud pusher would use: certifi's Mozilla bundle, or the user's ``--ca-file``.

Never the machine's own store: Logpush does not trust what this machine trusts. Each root is
indexed by its subject straight from the DER (a few microseconds) and parsed in full only when a
chain asks for it, so a run judges its chain against the roots it needs, not all of them.
"""

from __future__ import annotations

import base64
import binascii
import re
from functools import lru_cache, partial

from hec_doctor.errors import InputError
from hec_doctor.gox509.parse import SEQUENCE, Der, GoParseError, context, parse_certificate
from hec_doctor.gox509.verify import CertPool, GoCert

_PEM = re.compile(rb"-----BEGIN CERTIFICATE-----\r?\n(.*?)-----END CERTIFICATE-----", re.S)


def load_roots(ca_file: str | None) -> CertPool:
    """The trusted roots: the certificates in ``ca_file``, or certifi's bundle when None.

    Raises:
        InputError: when the file cannot be read or holds no certificate.
    """
    if ca_file is None:
        import certifi

        ca_file = certifi.where()
    try:
        with open(ca_file, "rb") as handle:
            pem = handle.read()
    except OSError as exc:
        raise InputError(f"cannot read CA file {ca_file}: {exc.strerror}") from None
    return _pool(pem, ca_file)


@lru_cache(maxsize=8)
def _pool(pem: bytes, path: str) -> CertPool:
    """Keyed by content, so a file rewritten in place is read anew."""
    pool = CertPool()
    for block in _PEM.findall(pem):
        if b":" in block.split(b"\n", 1)[0]:
            continue  # a PEM block with headers: Go's AppendCertsFromPEM skips it
        try:
            der = base64.b64decode(b"".join(block.split()), validate=True)
        except (binascii.Error, ValueError):
            continue
        subject = _raw_subject(der)
        if subject is not None:
            pool.add_lazy(der, subject, partial(_parse_or_none, der))
    if not len(pool):
        raise InputError(f"{path} holds no PEM certificate")
    return pool


def _raw_subject(der: bytes) -> bytes | None:
    """The subject's DER, read by walking the TBSCertificate's first fields."""
    whole = Der(der).read(SEQUENCE)
    tbs = Der(whole).read(SEQUENCE) if whole is not None else None
    if tbs is None:
        return None
    fields = Der(tbs)
    if fields.peek(context(0, constructed=True)):
        fields.read_any()
    for _ in range(4):  # serial, signature algorithm, issuer, validity
        if fields.read_any() is None:
            return None
    return fields.read(SEQUENCE, with_header=True)


def _parse_or_none(der: bytes) -> GoCert | None:
    # Go's AppendCertsFromPEM skips what ParseCertificate refuses.
    try:
        return parse_certificate(der)
    except GoParseError:
        return None
