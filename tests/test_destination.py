"""Parsing targets: the three input forms, token precedence, and input that cannot be parsed."""

from __future__ import annotations

import pytest

from hec_doctor.errors import TargetError
from hec_doctor.target import InputForm, build_target, parse_target
from tests.helpers import TOKEN, good_conf


@pytest.mark.parametrize(
    ("text", "form", "scheme", "host", "port", "path"),
    [
        ("https://hec.example.com:8088/services/collector/raw?channel=x", InputForm.URL, "https",
         "hec.example.com", 8088, "/services/collector/raw"),
        (good_conf(), InputForm.DESTINATION_CONF, "splunk", "hec.example.com", 8088,
         "/services/collector/raw"),
        ("hec.example.com", InputForm.BARE, "https", "hec.example.com", None,
         "/services/collector/raw"),
        ("hec.example.com:8088", InputForm.BARE, "https", "hec.example.com", 8088,
         "/services/collector/raw"),
        ("hec.example.com:8088/services/collector", InputForm.BARE, "https", "hec.example.com",
         8088, "/services/collector"),
        # The host keeps its case: Go prints it as written ("not HEC.Example.com").
        ("HTTP://HEC.Example.com/x", InputForm.URL, "http", "HEC.Example.com", None, "/x"),
        ("[2001:db8::1]:8088", InputForm.BARE, "https", "2001:db8::1", 8088,
         "/services/collector/raw"),
        ("2001:db8::1", InputForm.BARE, "https", "2001:db8::1", None, "/services/collector/raw"),
        ("https://[fe80::1%25eth0]:8088/services/collector/raw", InputForm.URL, "https",
         "fe80::1%eth0", 8088, "/services/collector/raw"),
        ("bücher.example", InputForm.BARE, "https", "xn--bcher-kva.example", None,
         "/services/collector/raw"),
        ("ftp://hec.example.com/", InputForm.URL, "ftp", "hec.example.com", None, "/"),
    ],
)
def test_parse_target_forms(text, form, scheme, host, port, path):
    dest = parse_target(text)
    assert (dest.form, dest.scheme, dest.host, dest.port, dest.path) == (
        form, scheme, host, port, path)


def test_parse_target_bare_host_says_what_it_assumed():
    dest = parse_target("hec.example.com")
    assert dest.assumptions == (
        "no scheme given: assumed https://",
        "no path given: assumed /services/collector/raw",
    )
    assert parse_target("https://hec.example.com/services/collector/raw").assumptions == ()


def test_parse_target_keeps_query_as_written():
    dest = parse_target(good_conf(header_Authorization=f"Splunk+{TOKEN}"))
    auth = dest.param("header_Authorization")
    assert auth is not None and auth.raw_value == f"Splunk+{TOKEN}"
    # A newline inside the query survives (urllib would delete it) so the lint can see it.
    dest = parse_target(good_conf(header_Authorization=f"Splunk%20{TOKEN}\n", extra="1"))
    assert dest.param("header_Authorization").value.endswith("\n")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("https://", "no host"),
        ("https://hec.example.com:65536/", "65535"),
        ("https://hec.example.com:0/", "port 0"),
        ("https://hec.example.com:abc/", "not a number"),
        ("https://[::1/", "IPv6"),
        ("https://[zz::1]:8088/", "IPv6"),
        ("1:2:3", "not a valid IPv6"),
        ("hec example.com", "space or control"),
        ("https://hec\x00.example.com/", "space or control"),
        ("https://hec..example.com/", "not a valid host"),
        ("https://-hec.example.com!/", "not a valid host"),
        ("://hec.example.com", "scheme"),
    ],
)
def test_parse_target_rejects_unparseable_input(text, message):
    with pytest.raises(TargetError, match=message):
        parse_target(text)


def test_build_target_token_precedence_destination_then_flag_then_env():
    other = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
    # Logpush sends the destination's token: that one is judged; --token is tested in addition.
    target = build_target(good_conf(), token=other, ambient_token=TOKEN)
    assert target.token.source == "header_Authorization" and target.token.token == TOKEN
    assert [c.source for c in target.extra_tokens] == ["--token"]
    assert "is what Logpush sends and is the one judged" in target.notices[0]
    assert "--token gave another token (<token …eeee>), tested in addition" in target.notices[0]

    target = build_target("hec.example.com", token=other, ambient_token=TOKEN)
    assert target.token.source == "--token" and target.extra_tokens == ()
    assert "--token (<token …eeee>) is used" in target.notices[0]
    assert "different token" in target.notices[0]

    target = build_target(good_conf(), ambient_token=other)
    assert target.token.source == "header_Authorization" and target.token.token == TOKEN

    target = build_target("hec.example.com", ambient_token=other)
    assert target.token.source == "HEC_TOKEN" and target.token.authorization == f"Splunk {other}"
    assert target.notices == ()


def test_build_target_same_token_twice_is_said_to_agree():
    target = build_target(good_conf(), ambient_token=TOKEN)
    assert "gave the same token" in target.notices[0]


def test_build_target_flag_token_with_splunk_prefix_is_not_doubled():
    target = build_target("hec.example.com", token=f"Splunk {TOKEN}")
    assert target.token.authorization == f"Splunk {TOKEN}"


@pytest.mark.parametrize(
    ("query", "flag", "value", "source"),
    [
        ("false", None, False, "query"),
        ("true", None, True, "query"),
        (None, None, False, "default"),
        ("false", True, True, "option"),
        ("true", False, False, "option"),
        ("maybe", None, False, "default"),
    ],
)
def test_build_target_insecure_skip_verify(query, flag, value, source):
    target = build_target(good_conf(**{"insecure-skip-verify": query}), insecure_skip_verify=flag)
    assert (target.insecure_skip_verify, target.skip_verify_source) == (value, source)


def test_build_target_flag_overriding_query_is_noted():
    target = build_target(good_conf(), insecure_skip_verify=True)
    assert any("overrides insecure-skip-verify=false" in n for n in target.notices)


def test_https_url_drops_header_params():
    dest = parse_target(good_conf())
    assert dest.https_url() == (
        "https://hec.example.com:8088/services/collector/raw?channel="
        "<token …9c0a>&insecure-skip-verify=false&sourcetype=cloudflare:json"
    )
    assert TOKEN not in dest.https_url()
