"""Named hostile inputs: each gets a report with the right finding, or one line and exit 2."""

from __future__ import annotations

import pytest

from hec_doctor.engine.run import run
from hec_doctor.models import Options, Status
from hec_doctor.target import build_target
from tests.helpers import CHANNEL, TOKEN, good_conf, invoke

RAW = "/services/collector/raw"


def offline(text: str, **kwargs):
    return run(build_target(text, **kwargs), Options(offline=True))


@pytest.mark.parametrize(("text", "host", "port"), [
    (f"https://bücher.example:8088{RAW}", "xn--bcher-kva.example", 8088),
    (f"https://[2001:db8::1]:8088{RAW}", "2001:db8::1", 8088),
    (f"https://[fe80::1%25eth0]:8088{RAW}", "fe80::1%eth0", 8088),
    ("2001:db8::1", "2001:db8::1", 443),
    ("[2001:db8::1]:8088", "2001:db8::1", 8088),
    (f"https://HEC.Example.COM.:443{RAW}", "hec.example.com.", 443),
])
def test_hosts_of_every_shape(text, host, port):
    report = offline(text)
    assert (report.target.host.lower(), report.target.port) == (host, port)
    assert not [c for c in report.checks if c.status is Status.ERROR]


@pytest.mark.parametrize(("text", "words"), [
    (f"https://2001:db8::1:8088{RAW}", "an IPv6 address in a URL goes in brackets"),
    (f"https://hec.example.com:0{RAW}", "port 0"),
    (f"https://hec.example.com:65536{RAW}", "port '65536' is not a number from 1 to 65535"),
    (f"https://hec.example.com:-1{RAW}", "is not a number from 1 to 65535"),
    (f"https://hec.exa\x00mple.com:8088{RAW}", "space or control character"),
    (f"https://hec.example.com\r\nX-Injected: 1:8088{RAW}", ""),
    (f"https://[::1{RAW}", "cannot parse the target"),
    ("https://" + "a" * 9000, "characters long"),
])
def test_unusable_targets_are_one_line_exit_2(text, words):
    result = invoke("check", "--offline", "--", text)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("hec-doctor: error: ") and words in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.output


def test_userinfo_is_warned_about_and_never_shown():
    report = offline(f"https://splunk:{TOKEN}@hec.example.com:8088{RAW}")
    assert report.result("dest.parse").status is Status.WARN
    assert report.target.input == f"https://<userinfo>@hec.example.com:8088{RAW}"
    result = invoke("check", "--offline", "--format", "json",
                    f"https://splunk:{TOKEN}@hec.example.com:8088{RAW}")
    assert TOKEN not in result.stdout + result.stderr


def test_fragment_is_warned_about():
    result = offline(good_conf() + "#part").result("dest.parse")
    assert result.status is Status.WARN
    assert "everything after '#' is dropped" in result.detail


@pytest.mark.parametrize(("extra", "status", "words"), [
    (f"&channel={CHANNEL}", Status.WARN, "more than once"),
    ("&channel=0f8c3ab4-0000-4c1e-9d2a-5b6f7e8d9c0a", Status.FAIL, "different values"),
])
def test_repeated_parameters(extra, status, words):
    result = offline(good_conf() + extra).result("dest.query")
    assert result.status is status and words in result.summary


@pytest.mark.parametrize(("conf", "check_id", "words"), [
    (good_conf(header_Authorization=f"Splunk%2520{TOKEN}"), "dest.token", "percent-encoded twice"),
    (good_conf(channel="%zz"), "dest.channel", "not a GUID"),
    (good_conf().replace("collector/raw", "collector%2Fraw"), "dest.path", "not a HEC endpoint"),
    (good_conf(channel="abc%00def"), "dest.channel", "not a GUID"),
    (good_conf(header_Authorization=f"Splunk%20{TOKEN}%0D%0AX-Injected:%201"), "dest.token",
     "carriage return (CR) (U+000D) at position 37"),
    (good_conf(header_Authorization=f"Splunk+{TOKEN}"), "dest.token", ""),
])
def test_percent_encodings_of_every_kind(conf, check_id, words):
    result = offline(conf).result(check_id)
    assert result.status in (Status.FAIL, Status.WARN), result
    assert words in result.summary + result.detail


def test_crlf_in_a_token_can_never_inject_a_header(hec_server):
    evil = f"{hec_server.token}\r\nX-Injected: 1"
    result = invoke("check", "--ca-file", hec_server.ca_file, "--token", evil,
                    "--send-event", hec_server.url)
    assert result.exit_code == 1
    assert "carriage return (CR) (U+000D) at position 37" in result.stdout
    assert all(r.authorization is None or "\n" not in r.authorization
               for r in hec_server.received)
    assert not any("X-Injected" in (r.authorization or "") for r in hec_server.received)


def test_crlf_in_a_channel_is_sent_encoded_or_not_at_all(hec_server):
    conf = hec_server.destination_conf.replace(f"channel={hec_server.channel}",
                                               "channel=abc\r\nX-Injected:%201")
    result = invoke("check", "--ca-file", hec_server.ca_file, "--send-event", "--", conf)
    assert result.exit_code in (1, 2)
    for request in hec_server.received:
        assert "\r" not in request.target and "\n" not in request.target
        assert " " not in request.target


def test_control_characters_in_a_path_are_reported_not_sent(hec_server):
    result = invoke("check", "--ca-file", hec_server.ca_file, "--",
                    hec_server.url.replace("/raw", "/ra\x07w"))
    assert result.exit_code in (1, 2)
    assert "Traceback" not in result.output
    assert all("\x07" not in r.target for r in hec_server.received)
