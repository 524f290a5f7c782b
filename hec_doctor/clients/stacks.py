"""Run one push through curl, Python's ``ssl`` or Node's ``https`` (I/O, no judgement).

Each runner takes the request the Go probe is given (``checks.push.push_request``: URL, headers
with the token, roots file, the address to dial, timeout) and returns a ``Measured``: the HTTP
status and body, or the stack's own error text verbatim. A token never appears on a command
line (other users of the machine can read those): curl reads it from its config on stdin, Node
from a JSON document on stdin.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

# What a client sends: the same empty POST as the Go probe's push (HEC answers a good token with
# code 5 "No data" and writes nothing).
READ_LIMIT = 65536


def _run(argv: list[str], document: bytes, timeout_s: float,
         cancellation: Any) -> tuple[int | None, bytes, bytes]:
    """Run a client to its end, its timeout, or the run's cancellation (then it is killed: a
    stopped run leaves no process behind). (exit code or None when cut short, stdout, stderr)."""
    import time

    from hec_doctor.net import deadline

    process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    until = time.monotonic() + timeout_s
    pending: bytes | None = document
    while True:
        try:
            out, err = process.communicate(pending, timeout=deadline.SLICE_S)
            return process.returncode, out, err
        except subprocess.TimeoutExpired:
            pending = None  # communicate keeps what it has not sent yet
            if deadline.interrupted(cancellation) or time.monotonic() >= until:
                process.kill()
                out, err = process.communicate()
                return None, out, err


@dataclass(frozen=True)
class Measured:
    """What one stack did.

    Attributes:
        present: the stack exists on this machine.
        stack: its name and version, with its TLS library (``curl 7.88.1 (OpenSSL/3.0.19)``).
        status: the HTTP status, None when no reply came.
        body: the start of the reply's body.
        error: the stack's own error text, verbatim, None when a reply came.
        protocol: the HTTP version spoken (``HTTP/1.1``, ``HTTP/2``), "" when unknown.
    """

    present: bool
    stack: str = ""
    status: int | None = None
    body: bytes = b""
    error: str | None = None
    protocol: str = ""


def _pinned(request: dict[str, Any]) -> tuple[str, str, int, str]:
    """(host, address to dial, port, path with query) of the request."""
    parts = urlsplit(request["url"])
    host = parts.hostname or ""
    port = parts.port or 443
    dial = request.get("dial") or ""
    address = dial.rsplit(":", 1)[0].strip("[]") if dial else host
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return host, address, port, path


# --- curl -------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def curl_stack() -> str:
    """``curl 7.88.1 (OpenSSL/3.0.19)``: the version and the TLS library it was built with
    (``curl --version``'s first line names it after ``libcurl/``), or "" when curl is absent."""
    curl = shutil.which("curl")
    if curl is None:
        return ""
    first = subprocess.run([curl, "--version"], capture_output=True, text=True,
                           timeout=10).stdout.split("\n", 1)[0].split()
    version = first[1] if len(first) > 1 else "?"
    tls = next((word for word in first if word.split("/")[0] in (
        "OpenSSL", "LibreSSL", "BoringSSL", "GnuTLS", "NSS", "mbedTLS", "wolfSSL",
        "rustls", "Schannel", "SecureTransport")), "an unknown TLS library")
    return f"curl {version} ({tls})"


def run_curl(request: dict[str, Any], timeout_s: float, cancellation: Any = None) -> Measured:
    """The FAQ's check, as a user runs it: ``--cacert`` (the roots), ``--resolve`` (the pinned
    address), no ``-k``; curl's own message on failure (``curl: (60) ...``)."""
    stack = curl_stack()
    if not stack:
        return Measured(False)
    host, address, port, path = _pinned(request)
    config = [
        f'url = "{_curl_quote(request["url"])}"',
        'request = "POST"',
        'data-binary = ""',
        f'cacert = "{_curl_quote(request["roots"])}"',
        f'resolve = "{_curl_quote(f"{host}:{port}:{address}")}"',
        f'max-time = "{timeout_s:g}"',
        f'connect-timeout = "{timeout_s:g}"',
        'write-out = "\\n%{http_code} %{http_version}"',
        "silent", "show-error",
    ]
    config += [f'header = "{_curl_quote(f"{name}: {value}")}"'
               for name, value in request["headers"].items()]
    returncode, stdout, stderr = _run([shutil.which("curl") or "curl", "--config", "-"],
                                      "\n".join(config).encode(), timeout_s * 3 + 5,
                                      cancellation)
    if returncode is None:
        return Measured(True, stack, error="curl was stopped: interrupted, or no end in "
                        f"{timeout_s * 3 + 5:g} s")
    body, _, trailer = stdout.rpartition(b"\n")
    code, _, version = trailer.decode("ascii", "replace").partition(" ")
    status = int(code) if code.isdigit() and code != "000" else None
    # curl's message is its first line; what follows is its standing advice (a link, "curl
    # failed to verify the legitimacy of the server ..."), the same for every failure.
    error = stderr.decode("utf-8", "replace").strip().split("\n", 1)[0] or None
    if status is None and error is None:
        error = f"curl ended with exit code {returncode}"
    protocol = {"1.1": "HTTP/1.1", "2": "HTTP/2", "1.0": "HTTP/1.0"}.get(version.strip(), "")
    return Measured(True, stack, status, body[:READ_LIMIT], None if status else error, protocol)


def _curl_quote(text: str) -> str:
    """A value inside double quotes of a curl config file (backslash escapes)."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


# --- Python's ssl -----------------------------------------------------------------------------

def python_stack() -> str:
    import platform
    import ssl

    return f"Python {platform.python_version()} ssl ({ssl.OPENSSL_VERSION})"


def run_python(request: dict[str, Any], timeout_s: float, cancellation: Any = None) -> Measured:
    """``ssl.create_default_context`` with the roots, as requests/urllib3 (and so Python HEC
    senders such as splunk-handler) verify: chain and host name by OpenSSL, Python's rules."""
    import http.client
    import socket
    import ssl

    host, address, port, path = _pinned(request)
    context = ssl.create_default_context(cafile=request["roots"])
    stack = python_stack()
    try:
        raw = socket.create_connection((address, port), timeout=timeout_s)
        try:
            tls = context.wrap_socket(raw, server_hostname=host)
        except BaseException:
            raw.close()
            raise
        connection = http.client.HTTPSConnection(host, port, timeout=timeout_s, context=context)
        connection.sock = tls  # the verified connection, dialled to the pinned address
        try:
            connection.request("POST", path, body=b"", headers=dict(request["headers"]))
            reply = connection.getresponse()
            body = reply.read(READ_LIMIT)
            return Measured(True, stack, reply.status, body, protocol="HTTP/1.1")
        finally:
            connection.close()
    except (OSError, http.client.HTTPException) as exc:
        return Measured(True, stack, error=str(exc) or type(exc).__name__)


# --- Node's https -----------------------------------------------------------------------------

_NODE_SCRIPT = r"""// hec-doctor --clients node
const https = require('https'), fs = require('fs');
const r = JSON.parse(fs.readFileSync(0, 'utf8'));
const out = (o) => { process.stdout.write(JSON.stringify(o)); process.exit(0); };
const req = https.request({host: r.address, servername: r.host, port: r.port, path: r.path,
  method: 'POST', headers: Object.assign({'Content-Length': '0'}, r.headers),
  ca: fs.readFileSync(r.roots), timeout: r.timeout_ms, agent: false}, (res) => {
  const chunks = []; let size = 0;
  res.on('data', (c) => { if (size < 65536) { chunks.push(c); size += c.length; } });
  res.on('end', () => out({status: res.statusCode, body: Buffer.concat(chunks).toString('base64'),
                           protocol: 'HTTP/' + res.httpVersion}));
  res.on('error', (e) => out({error: e.message, code: e.code || ''}));
});
req.on('timeout', () => req.destroy(new Error('timeout after ' + r.timeout_ms + ' ms')));
req.on('error', (e) => out({error: e.message, code: e.code || ''}));
req.end();
"""


@lru_cache(maxsize=1)
def node_stack() -> str:
    """``node v20.20.2 (OpenSSL 3.0.17)``: Node links its own OpenSSL (process.versions), or ""
    when node is absent."""
    node = shutil.which("node")
    if node is None:
        return ""
    done = subprocess.run([node, "-p", "process.version + ' (OpenSSL ' + "
                           "process.versions.openssl + ')'"],
                          capture_output=True, text=True, timeout=20)
    return f"node {done.stdout.strip()}" if done.returncode == 0 else ""


def run_node(request: dict[str, Any], timeout_s: float, cancellation: Any = None) -> Measured:
    """``https.request`` with the roots as its ``ca`` (Node's own bundle is then not used, as
    for every other stack here), SNI and host name check on the destination's host."""
    stack = node_stack()
    if not stack:
        return Measured(False)
    host, address, port, path = _pinned(request)
    document = {"host": host, "address": address, "port": port, "path": path,
                "headers": request["headers"], "roots": request["roots"],
                "timeout_ms": int(timeout_s * 1000)}
    returncode, stdout, stderr = _run([shutil.which("node") or "node", "-e", _NODE_SCRIPT],
                                      json.dumps(document).encode(), timeout_s * 3 + 5,
                                      cancellation)
    if returncode is None:
        return Measured(True, stack, error="node was stopped: interrupted, or no end in "
                        f"{timeout_s * 3 + 5:g} s")
    try:
        answer = json.loads(stdout or b"{}")
    except ValueError:
        answer = {}
    if "status" in answer:
        import base64

        return Measured(True, stack, int(answer["status"]),
                        base64.b64decode(answer.get("body", "")), protocol=answer["protocol"])
    error = answer.get("error") or stderr.decode("utf-8", "replace").strip()[:500]
    code = answer.get("code")
    return Measured(True, stack, error=f"{error} ({code})" if code else (error or "no answer"))


RUNNERS = {"curl": run_curl, "python": run_python, "node": run_node}
