"""The trust roots a cloud pusher would use: certifi's Mozilla bundle, or the user's ``--ca-file``.

Never the machine's own store: Logpush does not trust what this machine trusts.
"""

from __future__ import annotations

import warnings
from functools import lru_cache

from hec_doctor.errors import InputError
from hec_doctor.gox509 import CertPool, go_cert


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
    return _parse(pem, ca_file)


@lru_cache(maxsize=8)
def _parse(pem: bytes, path: str) -> CertPool:
    """Parsing is the slow part; keyed by content, so a file rewritten in place is read anew."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding
    from cryptography.utils import CryptographyDeprecationWarning

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CryptographyDeprecationWarning)
            certs = x509.load_pem_x509_certificates(pem)
    except ValueError:
        raise InputError(f"{path} holds no PEM certificate") from None
    pool = CertPool()
    for cert in certs:
        try:
            pool.add(go_cert(cert.public_bytes(Encoding.DER)))
        except ValueError:
            continue  # Go's AppendCertsFromPEM skips what it cannot parse, too
    return pool
