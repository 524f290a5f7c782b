"""Named TLS scenarios shared by the live tests and the Go parity tests.

Each scenario says what chain a loopback server presents for the host ``hec.test`` and which
root the client trusts; the expected Go error text is written out in full in the tests.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from tests.certs import NOW, Issued, make_cert, splunk_default

HOST = "hec.test"


@dataclass
class Scenario:
    chain: list[Issued]
    root: Issued
    host: str = HOST
    key: Issued | None = None
    extra: dict[str, object] = field(default_factory=dict)


def build_scenarios() -> dict[str, Scenario]:
    root = make_cert("Test Root CA", ca=True, organization="hec-doctor tests")
    inter = make_cert("Test Intermediate CA", ca=True, issuer=root)
    other_root = make_cert("Private CA", ca=True)
    good = make_cert(HOST, issuer=root, sans=(HOST,))
    via_inter = make_cert(HOST, issuer=inter, sans=(HOST,))
    splunk_ca, splunk_leaf = splunk_default()
    v1_inter = make_cert("Old Intermediate", issuer=root, v1=True)
    return {
        "good": Scenario([good], root),
        "good_with_intermediate": Scenario([via_inter, inter], root),
        "wildcard": Scenario([make_cert("*.test", issuer=root, sans=("*.test",))], root),
        "wrong_host": Scenario([make_cert("other.example", issuer=root,
                                          sans=("other.example", "www.other.example"))], root),
        "wildcard_two_labels": Scenario([make_cert("x", issuer=root, sans=("*.hec.test",))],
                                        root),
        "cn_only": Scenario([make_cert(HOST, issuer=root)], root),
        "cn_differs_san_matches": Scenario([make_cert("Some Name", issuer=root,
                                                      sans=(HOST,))], root),
        "splunk_default": Scenario([splunk_leaf, splunk_ca], root),
        "splunk_default_trusted_ca": Scenario([splunk_leaf, splunk_ca], splunk_ca),
        "missing_intermediate": Scenario([via_inter], root),
        "private_ca": Scenario([make_cert(HOST, issuer=other_root, sans=(HOST,)), other_root],
                               root),
        "self_signed": Scenario([make_cert(HOST, sans=(HOST,))], root),
        "expired": Scenario([make_cert(HOST, issuer=root, sans=(HOST,),
                                       not_before=NOW - dt.timedelta(days=400),
                                       not_after=NOW - dt.timedelta(days=3))], root),
        "not_yet_valid": Scenario([make_cert(HOST, issuer=root, sans=(HOST,),
                                             not_before=NOW + dt.timedelta(days=2),
                                             not_after=NOW + dt.timedelta(days=400))], root),
        "expiring_soon": Scenario([make_cert(HOST, issuer=root, sans=(HOST,),
                                             not_after=NOW + dt.timedelta(days=10))], root),
        "v1_intermediate": Scenario([make_cert(HOST, issuer=v1_inter, sans=(HOST,)), v1_inter],
                                    root),
        "sha1_leaf": Scenario([make_cert(HOST, issuer=root, sans=(HOST,), sha1=True)], root),
        "client_auth_only": Scenario([make_cert(HOST, issuer=root, sans=(HOST,),
                                                server_auth=False)], root),
        "weak_key": Scenario([make_cert(HOST, issuer=root, sans=(HOST,), bits=1024)], root),
        "ip_with_ip_san": Scenario([make_cert("ip", issuer=root, ip_sans=("127.0.0.1",))], root,
                                   host="127.0.0.1"),
        "ip_without_ip_san": Scenario([good], root, host="127.0.0.1"),
        "chain_of_fifty": Scenario(_long_chain(root, 49), root),
    }


def _long_chain(root: Issued, intermediates: int) -> list[Issued]:
    """A leaf under ``intermediates`` CAs in a row, as sent: leaf first, root's child last."""
    issuer, cas = root, []
    for depth in range(intermediates):
        issuer = make_cert(f"Intermediate {depth}", ca=True, issuer=issuer, bits=256)
        cas.append(issuer)
    return [make_cert(HOST, issuer=issuer, sans=(HOST,), bits=256), *reversed(cas)]


# The error Go prints for each scenario (after tls: failed to verify certificate: ), or None
# when Go accepts the chain; checked against real Go in test_go_parity.py.
EXPECTED = {
    "good": None,
    "good_with_intermediate": None,
    "wildcard": None,
    "cn_differs_san_matches": None,
    "ip_with_ip_san": None,
    "expiring_soon": None,
    "weak_key": None,
    "chain_of_fifty": None,  # Go builds it: 49 signature checks, within its budget of 100
    "wrong_host": "x509: certificate is valid for other.example, www.other.example, not hec.test",
    "wildcard_two_labels": "x509: certificate is valid for *.hec.test, not hec.test",
    "cn_only": "x509: certificate relies on legacy Common Name field, use SANs instead",
    "splunk_default": "x509: certificate is not valid for any names, but wanted to match hec.test",
    "missing_intermediate": "x509: certificate signed by unknown authority",
    "private_ca": "x509: certificate signed by unknown authority",
    "self_signed": "x509: certificate signed by unknown authority",
    "expired": None,  # depends on dates: checked below
    "v1_intermediate": "x509: certificate is not authorized to sign other certificates",
    "sha1_leaf": 'x509: certificate signed by unknown authority (possibly because of "x509: '
                 'cannot verify signature: insecure algorithm SHA1-RSA" while trying to verify '
                 'candidate authority certificate "Test Root CA")',
    "client_auth_only": "x509: certificate specifies an incompatible key usage",
    "ip_without_ip_san": "x509: cannot validate certificate for 127.0.0.1 because it doesn't "
                         "contain any IP SANs",
}
