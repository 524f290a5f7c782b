"""The rules of issue #23 one by one: other tokens never move a verdict, echoes in any case,
sensitive plan values, watch labels, and the shape renderer's table."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from hec_doctor.cli import cli
from hec_doctor.engine.run import run
from hec_doctor.models import Options, Status
from hec_doctor.redact import credentials_in, redact_echo, render_input
from hec_doctor.target import build_target
from hec_doctor.watch.metrics import target_names
from tests.helpers import TOKEN, good_conf

OFFLINE = Options(offline=True)
FORMATS = ("text", "json", "junit", "github", "markdown")


# --- the renderer, as a table ------------------------------------------------------------------

@pytest.mark.parametrize(("written", "shown"), [
    # After a scheme word and a space in any spelling: the word stays, the value goes.
    ("x?header_Authorization=Splunk%20abc123", "x?header_Authorization=Splunk%20<token (6 characters)>"),
    ("x?Splunk+abc123", "x?Splunk+<token (6 characters)>"),
    ("x?a=Bearer%2520abc123", "x?a=Bearer%2520<token (6 characters)>"),
    ("x/raw/basic%09abc123", "x/raw/basic%09<token (6 characters)>"),
    # After a credential's name and any separator.
    ("x?header_Authorization:Splunk%20abc123", "x?header_Authorization:Splunk%20<token (6 characters)>"),
    ("x?token%3Dabc123", "x?token%3D<token (6 characters)>"),
    ("x?header%5FX-Api-Key=abc123", "x?header%5FX-Api-Key=<token (6 characters)>"),
    ("x?password=abc123&index=main", "x?password=<token (6 characters)>&index=main"),
    # A port after a host whose name holds a credential word is a port.
    ("https://hec-auth:8088/services/collector/raw", "https://hec-auth:8088/services/collector/raw"),
    # GUID-shaped, anywhere, in either case, with or without dashes.
    (f"x?channel={TOKEN.upper()}", "x?channel=<token …197D>"),
    (f"x/{TOKEN.replace('-', '')}", "x/<token …197d>"),
    # userinfo, and control characters escaped.
    ("https://u:pw12345@h/x", "https://u:<token (7 characters)>@h/x"),
    ("x?a=b\x1b[31mc\t", "x?a=b\\x1b[31mc\\t"),
    # Nothing shaped like a credential: left as written.
    ("splunk://hec.example.com:8088/services/collector/raw?sourcetype=cloudflare:json&index=main",
     "splunk://hec.example.com:8088/services/collector/raw?sourcetype=cloudflare:json&index=main"),
])
def test_render_input(written, shown):
    assert render_input(written) == shown


@pytest.mark.parametrize(("prose", "shown"), [
    ("error uploading to Splunk HEC: token expired", "error uploading to Splunk HEC: token expired"),
    ("Authorization: Bearer abc123 refused", "Authorization: Bearer <token (6 characters)> refused"),
    ("url https://h/x?token=abc123 failed", "url https://h/x?token=<token (6 characters)> failed"),
    (f"channel {TOKEN} unknown", "channel <token …197d> unknown"),
])
def test_render_prose(prose, shown):
    assert render_input(prose, prose=True) == shown


# --- echoes ----------------------------------------------------------------------------------

@pytest.mark.parametrize("token", [TOKEN, TOKEN.upper(), "abc12", "pass", "a1"])
@pytest.mark.parametrize("echo", ["invalid header splunk%20{t}", "invalid header SPLUNK%20{T}",
                                  "Authorization: Splunk {t}", "auth=splunk%2520{t};",
                                  "got '{t}'", "token%3D{T}"])
def test_an_echo_in_any_case_and_encoding_is_redacted(token, echo):
    text = echo.format(t=token.lower(), T=token.upper())
    redacted = redact_echo(text, (token,))
    assert token.lower() not in redacted.lower().replace("<token", "")
    assert "<token" in redacted


def test_a_short_token_inside_a_word_is_left_alone():
    # Word-bounded for short tokens: "pass" in "passed" is a word of the reply, not the token.
    assert redact_echo("3 checks passed", ("pass",)) == "3 checks passed"


# --- another token never moves the verdict on the conf's -----------------------------------------

@pytest.mark.parametrize("extra", [f"{TOKEN}\r", f" {TOKEN} ", f'"{TOKEN}"', f"Bearer {TOKEN}",
                                   "ab\x01cd", "tok\u00e9n"])
@pytest.mark.parametrize("source", ["--token", "HEC_TOKEN"])
def test_a_malformed_extra_token_gets_its_own_note_not_the_verdict(extra, source):
    target = build_target(good_conf(), **({"token": extra} if source == "--token"
                                          else {"ambient_token": extra}))
    report = run(target, OFFLINE)
    token = report.result("dest.token")
    assert token.status is Status.PASS, token
    assert "not judged" in token.detail and source in token.detail
    assert report.logpush.would_deliver is not False
    assert not any(r.status is Status.FAIL for r in report.checks), report.checks
    notice = next(n for n in target.notices if source in n)
    if "\r" in extra or "\x01" in extra or "\u00e9" in extra:
        assert "not tested: it holds" in notice and "tested in addition" not in notice


def test_a_malformed_extra_token_is_never_sent_and_never_flips_a_live_verdict(hec_server):
    conf = (f"splunk://127.0.0.1:{hec_server.port}/services/collector/raw?channel="
            f"0f8c3ab4-1b7c-4c1e-9d2a-5b6f7e8d9c0a&sourcetype=cloudflare:json"
            f"&header_Authorization=Splunk%20{hec_server.token}")
    result = CliRunner().invoke(cli, ["check", "--ca-file", hec_server.ca_file, "--format",
                                      "json-report", conf], env={"HEC_TOKEN": "bad\rtoken"})
    report = json.loads(result.stdout)
    assert result.exit_code == 0, result.output
    assert report["logpush"]["would_deliver"] is True
    token = next(c for c in report["checks"] if c["id"] == "hec.token")
    assert "also_tested" not in token["data"]
    assert all("bad" not in (r.authorization or "") for r in hec_server.received)
    assert not any("tested in addition" in n for n in report["notices"])


# --- sensitive plan values ------------------------------------------------------------------------

def _plan(name: str, sensitive: dict) -> dict:
    return {"format_version": "1.2", "resource_changes": [{
        "address": "cloudflare_logpush_job.s", "type": "cloudflare_logpush_job",
        "change": {"actions": ["create"], "before": None,
                   "after": {"zone_id": "0" * 32, "dataset": "http_requests", "name": name,
                             "enabled": True, "output_options": None,
                             "destination_conf": good_conf(sourcetype="zq7sourcetype")},
                   "after_unknown": {"id": True}, "after_sensitive": sensitive}}]}


@pytest.mark.parametrize("fmt", FORMATS)
def test_sensitive_values_never_appear_short_ones_included(tmp_path, fmt):
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(_plan("zeta9", {"name": True, "destination_conf": True})))
    result = CliRunner().invoke(cli, ["terraform", "--format", fmt, str(plan)])
    assert result.exit_code in (0, 1), result.output
    seen = result.stdout + result.stderr
    for secret in ("zeta9", "zq7sourcetype", TOKEN, TOKEN[-12:], "0f8c3ab4"):
        assert secret not in seen, (fmt, secret)
    if fmt == "json":
        report = json.loads(result.stdout)["reports"][0]
        shown = report["target"]["input"]
        assert shown.startswith("splunk://hec.example.com:8088/services/collector/raw?channel=")
        assert "sourcetype=<sensitive>" in shown and "header_Authorization=<sensitive>" in shown
        note = next(c for c in report["checks"] if c["id"] == "tf.resource")["detail"]
        assert "shown: its scheme, host, port, path and parameter names" in note
        assert "name (never shown)" in note


def test_a_conf_the_plan_does_not_mark_sensitive_shows_its_values(tmp_path):
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(_plan("zeta9", {})))
    result = CliRunner().invoke(cli, ["terraform", "--format", "json", str(plan)])
    assert "sourcetype=zq7sourcetype" in result.stdout and "zeta9" in result.stdout
    assert TOKEN not in result.stdout


# --- watch labels ----------------------------------------------------------------------------

def test_watch_labels_hold_the_parsed_host_and_port_only():
    typo = build_target(f"splunk://127.0.0.1:8088/services/collector/raw&channel=x"
                        f"&header_Authorization=Splunk%20{TOKEN}").destination
    guid_host = build_target(f"https://{TOKEN}:8088/services/collector/raw").destination
    names = target_names([(d.host, d.effective_port, d.path) for d in (typo, guid_host)])
    assert names == ["127.0.0.1:8088", "<token …197d>:8088"]


def test_an_unparseable_watch_target_is_named_by_position_never_by_text():
    result = CliRunner().invoke(cli, ["watch", "--once", "https://127.0.0.1:9/x",
                                      f"https://[Splunk%20{TOKEN}]/x"])
    assert result.exit_code == 2
    assert result.stderr.startswith("hec-doctor: error: arg 2: ")
    assert TOKEN not in result.output and TOKEN[-12:] not in result.output


def test_credentials_in_gives_every_spelling_the_scrubs_need():
    found = credentials_in(f"x?a=Splunk%2520{TOKEN[:8]}%2D{TOKEN[9:]}")
    assert TOKEN in found
