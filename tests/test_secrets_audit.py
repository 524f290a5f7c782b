"""The secrets audit: every scenario, every output format, and a distinctive token.

Neither the token nor any encoded spelling of it may appear in stdout, stderr or the GitHub step
summary; no plain-HTTP server and no server whose certificate failed may ever receive it
(unless insecure-skip-verify was chosen, which the report then says).
"""

from __future__ import annotations

import base64
import json
import xml.etree.ElementTree as ET
from urllib.parse import quote, quote_plus

import pytest
from click.testing import CliRunner

from hec_doctor.cli import cli
from hec_doctor.lookalike.pki import make_cert, server_context, write_pem
from hec_doctor.lookalike.server import HecConfig, HecServer

SECRET = "7e57a0d1-5ec2-4e7a-9d1e-c0ffee5ec2e7"
API_SECRET = "cfAPIsecret-7e57a0d15ec24e7a9d1ec0ffee"
FORMATS = ("text", "json", "junit", "github", "markdown")
HEADER_SPELLINGS = ("header_authorization", "HEADER_Authorization", "hEaDeR_aUtHoRiZaTiOn",
                    "Authorization", "authorization")
SPELLINGS = (SECRET, quote(SECRET, safe=""), quote_plus(SECRET), f"Splunk%20{SECRET}",
             f"Splunk {SECRET}", base64.b64encode(SECRET.encode()).decode(), SECRET.upper(),
             SECRET.replace("-", ""))


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    folder = tmp_path_factory.mktemp("audit")
    root = make_cert("Audit Root", ca=True, bits=256)
    good = make_cert("127.0.0.1", issuer=root, ip_sans=("127.0.0.1",), bits=256)
    wrong = make_cert("other.example", issuer=root, sans=("other.example",), bits=256)
    made = {
        "healthy": HecServer(HecConfig(tokens={SECRET: "enabled"}), server_context([good], good)),
        "disabled": HecServer(HecConfig(tokens={SECRET: "disabled"}),
                              server_context([good], good)),
        "ack": HecServer(HecConfig(tokens={SECRET: "ack"}), server_context([good], good)),
        "busy": HecServer(HecConfig(tokens={SECRET: "enabled"}, fault="busy"),
                          server_context([good], good)),
        "redirect": HecServer(HecConfig(tokens={SECRET: "enabled"}, fault="redirect"),
                              server_context([good], good)),
        "unknown": HecServer(HecConfig(tokens={}), server_context([good], good)),
        "wrong_cert": HecServer(HecConfig(tokens={SECRET: "enabled"}),
                                server_context([wrong], wrong)),
        "plain_http": HecServer(HecConfig(tokens={SECRET: "enabled"}), None),
    }
    for server in made.values():
        server.start()
    yield {"servers": made, "ca": write_pem(folder / "ca.pem", root), "folder": folder}
    for server in made.values():
        server.close()


def _conf(port: int, **params: str) -> str:
    query = {"channel": "0f8c3ab4-1b7c-4c1e-9d2a-5b6f7e8d9c0a", "sourcetype": "cloudflare:json",
             "header_Authorization": f"Splunk%20{SECRET}", **params}
    return (f"splunk://127.0.0.1:{port}/services/collector/raw?"
            + "&".join(f"{k}={v}" for k, v in query.items() if v is not None))


def _scenarios(env) -> dict[str, tuple[list[str], dict[str, str]]]:
    s, ca = env["servers"], env["ca"]
    jobs = env["folder"] / "jobs.json"
    jobs.write_text(json.dumps([{"id": 1, "enabled": True, "logstream": True,
                                 "destination_conf": _conf(s["healthy"].port),
                                 "error_message": f"error 403: token {SECRET} refused"}]))
    live = ["--ca-file", ca, "--timeout", "2"]
    return {
        "healthy + event": (["check", *live, "--send-event", _conf(s["healthy"].port)], {}),
        "disabled": (["check", *live, _conf(s["disabled"].port)], {}),
        "ack": (["check", *live, _conf(s["ack"].port)], {}),
        "busy": (["check", *live, _conf(s["busy"].port)], {}),
        "redirect": (["check", *live, _conf(s["redirect"].port)], {}),
        "unknown token": (["check", *live, _conf(s["unknown"].port)], {}),
        "wrong certificate": (["check", *live, _conf(s["wrong_cert"].port)], {}),
        "wrong certificate, skip-verify": (
            ["check", *live, _conf(s["wrong_cert"].port, **{"insecure-skip-verify": "true"})], {}),
        "plain http": (["check", *live, f"http://127.0.0.1:{s['plain_http'].port}"
                        "/services/collector/raw"], {"HEC_TOKEN": SECRET}),
        "token flag": (["check", "--offline", "--token", SECRET, "hec.example.com"], {}),
        "token env": (["check", "--offline", "hec.example.com"], {"HEC_TOKEN": SECRET}),
        "userinfo": (["check", "--offline",
                      f"https://splunk:{SECRET}@hec.example.com/services/collector/raw"], {}),
        "bad token": (["check", "--offline", "--token", SECRET + "\r\nX: 1", "h.example"], {}),
        "many targets": (["check", "--offline", _conf(8088), _conf(8089)], {}),
        "job file": (["job", str(jobs), *live, "--live"], {}),
        "usage error": (["check", "--offline", "--", f"https://[{SECRET}"], {}),
        "usage error with a token": (["check", "--token", SECRET, "--timeout", "soon",
                                      "h.example"], {}),
        "api refused": (["job", "--zone", "0" * 32, "--api-base", "http://127.0.0.1:9/v4"],
                        {"CLOUDFLARE_API_TOKEN": API_SECRET}),
        # Every spelling of the header (issue #12): the token is found and redacted in each.
        **{f"spelled {name}": (["check", *live, _conf(s["healthy"].port, header_Authorization=None,
                                                      **{name: f"Splunk%20{SECRET}"})], {})
           for name in HEADER_SPELLINGS},
        "other header_ and secret-named parameters": (
            ["check", "--offline", _conf(8088, **{"header_X-Api-Key": SECRET, "password": SECRET,
                                                  "x_signature": SECRET})], {}),
        "token in the query string": (["check", *live, _conf(s["healthy"].port,
                                                             header_Authorization=None,
                                                             token=SECRET)], {}),
    }


SCENARIO_NAMES = [
    "healthy + event", "disabled", "ack", "busy", "redirect", "unknown token",
    "wrong certificate", "wrong certificate, skip-verify", "plain http", "token flag",
    "token env", "userinfo", "bad token", "many targets", "job file", "usage error",
    "usage error with a token", "api refused",
    *(f"spelled {name}" for name in ("header_authorization", "HEADER_Authorization",
                                     "hEaDeR_aUtHoRiZaTiOn", "Authorization", "authorization")),
    "other header_ and secret-named parameters", "token in the query string",
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_no_output_ever_holds_the_token(servers, tmp_path, name, fmt):
    args, env = _scenarios(servers)[name]
    summary = tmp_path / "step-summary.md"
    result = CliRunner().invoke(cli, [args[0], "--format", fmt, *args[1:]],
                                env={**env, "GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    seen = result.stdout + result.stderr + (summary.read_text() if summary.exists() else "")
    for spelling in (*SPELLINGS, API_SECRET):
        assert spelling not in seen, (name, fmt, spelling)


def test_the_token_never_reached_a_server_it_must_not(servers):
    s = servers["servers"]

    def carried(server: HecServer) -> int:
        return sum(SECRET in (r.authorization or "") for r in server.received)

    for name in SCENARIO_NAMES:
        before = {key: carried(server) for key, server in s.items()}
        args, env = _scenarios(servers)[name]
        CliRunner().invoke(cli, args, env=env)
        sent = {key: carried(server) - before[key] for key, server in s.items()}
        assert sent["plain_http"] == 0, name  # never over plain HTTP
        if name == "wrong certificate, skip-verify":
            assert sent["wrong_cert"] == 1, name  # the one token probe the user chose
        else:
            assert sent["wrong_cert"] == 0, name
    assert s["plain_http"].received == []  # not even a request without the token
    assert carried(s["healthy"]) > 0  # the audit is not vacuous


def test_skip_verify_send_is_said_in_the_report(servers):
    args, env = _scenarios(servers)["wrong certificate, skip-verify"]
    before = len(servers["servers"]["wrong_cert"].received)
    result = CliRunner().invoke(cli, args, env=env)
    after = servers["servers"]["wrong_cert"].received[before:]
    assert any(SECRET in (r.authorization or "") for r in after)
    assert "without" in result.stdout and "authentic" in result.stdout
    args, env = _scenarios(servers)["wrong certificate"]
    before = len(servers["servers"]["wrong_cert"].received)
    CliRunner().invoke(cli, args, env=env)
    assert servers["servers"]["wrong_cert"].received[before:] == []


# --- short and word-like tokens (issue #12) --------------------------------------------------
# A token that is also an ordinary word must be redacted where it is put in, and nowhere else:
# the status "pass", the scheme "https", the word "Splunk" stay as they are in every format.
SHORT_TOKENS = ("", "a", "pass", "json", "fail", "https", "Splunk")
STATUSES = {"pass", "warn", "fail", "skip", "error"}


@pytest.fixture(scope="module")
def short_token_server(tmp_path_factory):
    root = make_cert("Short Root", ca=True, bits=256)
    leaf = make_cert("127.0.0.1", issuer=root, ip_sans=("127.0.0.1",), bits=256)
    server = HecServer(HecConfig(tokens={t: "enabled" for t in SHORT_TOKENS if t}),
                       server_context([leaf], leaf))
    server.start()
    yield server, write_pem(tmp_path_factory.mktemp("short") / "ca.pem", root)
    server.close()


def _short_conf(port: int, token: str) -> str:
    return (f"splunk://127.0.0.1:{port}/services/collector/raw?channel="
            f"0f8c3ab4-1b7c-4c1e-9d2a-5b6f7e8d9c0a&insecure-skip-verify=false"
            f"&sourcetype=cloudflare:json&header_Authorization=Splunk%20{token}")


@pytest.mark.parametrize("live", [False, True], ids=["offline", "live"])
@pytest.mark.parametrize("token", SHORT_TOKENS)
def test_short_tokens_leave_every_format_valid_and_truthful(short_token_server, token, live):
    server, ca = short_token_server
    base = ["check", "--ca-file", ca, "--timeout", "2"] if live else ["check", "--offline"]
    conf = _short_conf(server.port, token)
    outputs = {}
    for fmt in FORMATS:
        result = CliRunner().invoke(cli, [base[0], "--format", fmt, *base[1:], conf])
        assert result.exit_code in (0, 1, 3), (fmt, result.output)
        outputs[fmt] = result.stdout
        # Where the token was written, the placeholder stands, in every format.
        if token:
            assert f"Splunk%20{token}" not in result.stdout, fmt
    report = json.loads(outputs["json"])["reports"][0]
    assert {c["status"] for c in report["checks"]} <= STATUSES
    assert report["verdict"] in STATUSES
    assert report["target"]["url"].startswith("https://127.0.0.1:")
    assert report["target"]["input"].startswith("splunk://127.0.0.1:")
    shown = report["target"]["input"].split("header_Authorization=")[1]
    chars = f"{len(token)} character{'' if len(token) == 1 else 's'}"
    assert shown == (f"Splunk%20<token ({chars})>" if token else "Splunk%20")
    conf_out = report["suggested_destination_conf"]
    assert conf_out is None or conf_out.startswith("splunk://127.0.0.1:")
    if conf_out is not None:
        assert "&sourcetype=cloudflare:json&" in conf_out
        assert conf_out.endswith("header_Authorization=Splunk%20<YOUR-HEC-TOKEN>" if not token
                                 else f"header_Authorization=Splunk%20<token ({chars})>")
    junit = ET.fromstring(outputs["junit"])
    assert {tc.get("name") for tc in junit.iter("testcase")} >= {"dest.token", "hec.token"}
    assert "Verdict: " + report["verdict"].upper() in outputs["text"]
    assert outputs["github"].rstrip().splitlines()[-1].startswith("::notice title=hec-doctor::")
    assert outputs["markdown"].startswith("## hec-doctor:")
    if live and token and token != "a":
        # The token the destination holds is what was tested, and HEC knows it.
        token_check = next(c for c in report["checks"] if c["id"] == "hec.token")
        assert token_check["status"] in ("pass", "fail"), token_check
