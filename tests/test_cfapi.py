"""``hec-doctor job --zone/--account``: the jobs API read from a local HTTPS stand-in."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from hec_doctor.lookalike.pki import make_cert, server_context, write_pem
from tests.helpers import invoke

API_TOKEN = "cfAPItoken-Zx8Qw3Rt6Yu9Io2Pa5Sd7Fg1Hj4Kl0"
ZONE = "023e105f4ecef8ad9ca31a8372d0c353"
ACCOUNT = "01a7362d577a6c3019a474fd6f485823"
JOBS = json.loads((Path(__file__).parent.parent / "fixtures" / "jobs" / "envelope.json")
                  .read_text())


class Api:
    def __init__(self) -> None:
        self.requests: list[tuple[str, str | None]] = []
        self.redirect = False
        self.reply: tuple[int, object] | None = None  # (status, body) instead of the jobs
        # POST .../logpush/validate/destination: the bodies received, and the answer to give
        # (the API envelope around DestinationValidateResponse {valid, message}).
        self.posted: list[dict[str, object]] = []
        self.validation: tuple[int, object] = (200, {
            "errors": [], "messages": [], "success": True,
            "result": {"valid": True, "message": ""}})


@contextlib.contextmanager
def api_server(tmp_path: Path) -> Iterator[tuple[str, str, Api]]:
    root = make_cert("API test CA", ca=True, bits=256)
    leaf = make_cert("127.0.0.1", issuer=root, ip_sans=("127.0.0.1",), bits=256)
    ca_file = write_pem(tmp_path / "api-ca.pem", root)
    state = Api()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            state.requests.append((self.path, self.headers.get("Authorization")))
            if state.redirect:
                self.send_response(302)
                self.send_header("Location", "https://127.0.0.1:1/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if state.reply is not None:
                status, body = state.reply
            elif self.headers.get("Authorization") != f"Bearer {API_TOKEN}":
                body = {"result": None, "success": False,
                        "errors": [{"code": 10000, "message": "Authentication error"}]}
                status = 403
            elif self.path in (f"/client/v4/zones/{ZONE}/logpush/jobs",
                               f"/client/v4/accounts/{ACCOUNT}/logpush/jobs"):
                body, status = JOBS, 200
            else:
                body, status = {"success": False, "errors": [{"code": 7003,
                                                               "message": "No route"}]}, 404
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            state.posted.append(json.loads(self.rfile.read(length) or b"null"))
            state.requests.append((self.path, self.headers.get("Authorization")))
            if self.headers.get("Authorization") != f"Bearer {API_TOKEN}":
                status, body = 403, {"result": None, "success": False, "errors": [
                    {"code": 10000, "message": "Authentication error"}]}
            elif self.path in (f"/client/v4/zones/{ZONE}/logpush/validate/destination",
                               f"/client/v4/accounts/{ACCOUNT}/logpush/validate/destination"):
                status, body = state.validation
            else:
                status, body = 404, {"success": False, "errors": [{"code": 7003,
                                                                   "message": "No route"}]}
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.socket = server_context([leaf], leaf).wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1},
                              daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{httpd.server_address[1]}/client/v4", ca_file, state
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def api(tmp_path):
    with api_server(tmp_path) as served:
        yield served


def job(*args: str, env: dict[str, str] | None = None):
    return invoke("job", *args, env={"CLOUDFLARE_API_TOKEN": API_TOKEN} if env is None else env)


@pytest.mark.parametrize(("scope", "scope_id"), [("--zone", ZONE), ("--account", ACCOUNT)])
def test_jobs_are_fetched_and_judged(api, scope, scope_id):
    base, ca_file, state = api
    result = job(scope, scope_id, "--api-base", base, "--api-ca-file", ca_file, "--format",
                 "json")
    document = json.loads(result.stdout)
    assert [r["job"]["id"] for r in document["reports"]] == [41, 42, 3139]
    assert result.exit_code == 1  # job 41 is failing
    assert state.requests == [(f"/client/v4/{scope[2:]}s/{scope_id}/logpush/jobs",
                               f"Bearer {API_TOKEN}")]
    assert API_TOKEN not in result.stdout + result.stderr


def test_refused_token_is_exit_2_and_never_echoed(api):
    base, ca_file, _ = api
    result = job("--zone", ZONE, "--api-base", base, "--api-ca-file", ca_file,
                 env={"CLOUDFLARE_API_TOKEN": "wrong-" + API_TOKEN})
    assert result.exit_code == 2
    assert ("refused the request (HTTP 403: Authentication error [10000]): create an API token "
            "with Logs: Write") in result.stderr
    assert API_TOKEN not in result.stderr


def test_redirects_are_not_followed(api):
    base, ca_file, state = api
    state.redirect = True
    result = job("--zone", ZONE, "--api-base", base, "--api-ca-file", ca_file)
    assert result.exit_code == 3
    assert "answered HTTP 302" in result.stderr
    assert len(state.requests) == 1


def test_unverified_api_gets_no_token(api):
    base, _, state = api
    result = job("--zone", ZONE, "--api-base", base)  # the stand-in's CA is not trusted
    assert result.exit_code == 3
    assert "cannot reach the Cloudflare API" in result.stderr
    assert state.requests == []  # the handshake failed before any request was sent


@pytest.mark.parametrize(("args", "env", "words"), [
    (("--zone", ZONE), {}, "set CLOUDFLARE_API_TOKEN"),
    (("--zone", "not-a-zone"), None, "zone id 'not-a-zone' is not 32 hexadecimal characters"),
    (("--zone", ZONE, "--api-base", "http://127.0.0.1:9/client/v4"), None,
     "--api-base must be an https:// URL"),
    (("--zone", ZONE), {"CLOUDFLARE_API_TOKEN": "a\r\nX-Evil: 1"},
     "holds a carriage return (CR) (U+000D) at position 2"),
    (("--zone", ZONE), {"CLOUDFLARE_API_TOKEN": "cfsecret\tvalue"},
     "holds a tab (U+0009) at position 9"),
    (("--zone", ZONE), {"CLOUDFLARE_API_TOKEN": "cfsecret\x0bvalue"},
     "holds a vertical tab (U+000B) at position 9"),
    (("--zone", ZONE), {"CLOUDFLARE_API_TOKEN": "cfsecret\x0cvalue"},
     "holds a form feed (U+000C) at position 9"),
    (("--zone", ZONE), {"CLOUDFLARE_API_TOKEN": "cfsecret\x01value"},
     "holds a control character (U+0001) at position 9"),
    (("--zone", ZONE), {"CLOUDFLARE_API_TOKEN": "cfsecrét"},
     "holds a non-ASCII character (LATIN SMALL LETTER E WITH ACUTE) (U+00E9) at position 7"),
])
def test_api_usage_errors(args, env, words):
    result = job(*args, env=env)
    assert result.exit_code == 2
    assert words in result.stderr
    token = (env or {}).get("CLOUDFLARE_API_TOKEN")
    if token:  # named by position, never shown
        assert token not in result.output and "secret" not in result.output
    assert len(result.stderr.splitlines()) == 1


def test_fetched_jobs_fixes_name_the_real_zone(api):
    base, ca_file, _ = api
    result = job("--zone", ZONE, "--api-base", base, "--api-ca-file", ca_file, "--format",
                 "json")
    faq_job = json.loads(result.stdout)["reports"][2]
    enabled = next(c for c in faq_job["checks"] if c["id"] == "job.enabled")
    assert (f"PUT https://api.cloudflare.com/client/v4/zones/{ZONE}/logpush/jobs/3139"
            in enabled["remediation"])


def test_a_zone_without_jobs_is_a_normal_answer(api):
    base, ca_file, state = api
    # The API's envelope with an empty result: what a zone without jobs answers.
    state.reply = (200, {"errors": [], "messages": [], "result": [], "success": True})
    result = job("--zone", ZONE, "--api-base", base, "--api-ca-file", ca_file)
    assert result.exit_code == 0
    assert "no jobs" in result.stderr


def test_zero_trust_permission_refusal_names_both_permissions(api):
    base, ca_file, state = api
    # The envelope shape of every API error; the words are cloudflare-docs permissions.mdx's.
    state.reply = (403, {"result": None, "success": False, "errors": [
        {"code": 1004, "message": "reading job for product 'gateway' is not allowed"}]})
    result = job("--account", ACCOUNT, "--api-base", base, "--api-ca-file", ca_file)
    assert result.exit_code == 2
    assert "Logs: Write" in result.stderr and "Zero Trust: PII Read" in result.stderr
