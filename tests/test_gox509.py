"""Go's host-name rules, as a table (the live and Go parity tests cover the rest of gox509)."""

from __future__ import annotations

import pytest

from hec_doctor.gox509.verify import go_cert, go_quote, hostname_error, legacy_hostname_error
from tests.certs import make_cert


def cert(cn="leaf", sans=(), ips=()):
    return go_cert(make_cert(cn, sans=sans, ip_sans=ips).der)


@pytest.mark.parametrize(
    ("sans", "host", "matches"),
    [
        (("hec.example.com",), "hec.example.com", True),
        (("hec.example.com",), "HEC.Example.COM", True),
        (("hec.example.com",), "hec.example.com.", True),
        (("HEC.example.com",), "hec.example.com", True),
        (("*.example.com",), "hec.example.com", True),
        (("*.example.com",), "a.hec.example.com", False),
        (("*.example.com",), "example.com", False),
        (("h*.example.com",), "hec.example.com", False),
        (("hec.example.com",), "other.example.com", False),
        (("hec_1.example.com",), "hec_1.example.com", True),
    ],
)
def test_hostname_matching_follows_go(sans, host, matches):
    assert (hostname_error(cert(sans=sans), host) is None) is matches


@pytest.mark.parametrize(
    ("cn", "sans", "ips", "host", "text"),
    [
        ("hec.example.com", (), (), "hec.example.com",
         "x509: certificate relies on legacy Common Name field, use SANs instead"),
        ("SplunkServerDefaultCert", (), (), "hec.example.com",
         "x509: certificate is not valid for any names, but wanted to match hec.example.com"),
        ("x", ("a.example", "b.example"), (), "hec.example.com",
         "x509: certificate is valid for a.example, b.example, not hec.example.com"),
        ("x", ("a.example",), (), "10.0.0.1",
         "x509: cannot validate certificate for 10.0.0.1 because it doesn't contain any IP SANs"),
        ("x", (), ("10.0.0.2",), "10.0.0.1", "x509: certificate is valid for 10.0.0.2, not 10.0.0.1"),
    ],
)
def test_hostname_error_texts(cn, sans, ips, host, text):
    assert hostname_error(cert(cn, sans, ips), host) == text


def test_legacy_text_only_where_old_go_differed():
    assert legacy_hostname_error(cert("SplunkServerDefaultCert"), "hec.example.com") == (
        "x509: certificate is valid for SplunkServerDefaultCert, not hec.example.com")
    assert legacy_hostname_error(cert("hec.example.com"), "hec.example.com") is None
    assert legacy_hostname_error(cert("x", ("a.example",)), "hec.example.com") is None


def test_go_quote():
    assert go_quote('a "b" \\ c') == '"a \\"b\\" \\\\ c"'
    assert go_quote("é\x01\n") == '"é\\x01\\n"'
