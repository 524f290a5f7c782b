"""hec-doctor's speed, measured against loopback HEC look-alikes. Prints each figure beside its target.

    python benchmarks/bench.py            # all figures
    python benchmarks/bench.py --quick    # fewer repetitions

Figures (issue #7): start-up of --version and --help; one full live check against a minimal httpx
script doing the same handshake and POST; connections per endpoint; 200 destinations at once
(wall time and peak memory of the process); a silent endpoint against the timeout. Nothing here
leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Callable, Iterator

ROWS: list[tuple[str, str, str, bool]] = []


def record(figure: str, measured: str, target: str, ok: bool) -> None:
    ROWS.append((figure, measured, target, ok))
    print(f"{figure:<46} {measured:>16}   target {target:<22} {'ok' if ok else 'MISSED'}",
          flush=True)


def wall(command: list[str], runs: int) -> float:
    """Median wall time of a command, in seconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def startup(runs: int) -> None:
    # The console script installed beside this interpreter (not a shell shim found on PATH).
    script = Path(sys.executable).parent / "hec-doctor"
    base = [str(script)] if script.exists() else [sys.executable, "-m", "hec_doctor"]
    python = wall([sys.executable, "-c", "pass"], runs)
    record("python -c pass (this interpreter, for scale)", f"{python * 1000:.0f} ms", "-", True)
    for flag in ("--version", "--help"):
        seconds = wall(base + [flag], runs)
        record(f"hec-doctor {flag}", f"{seconds * 1000:.0f} ms", "< 100 ms", seconds < 0.1)


@contextlib.contextmanager
def lookalikes(folder: Path) -> Iterator[dict[str, object]]:
    from hec_doctor.lookalike.server import HecConfig, HecServer
    from hec_doctor.lookalike.pki import make_cert, server_context, write_pem

    root = make_cert("bench CA", ca=True, bits=256)
    good = make_cert("127.0.0.1", issuer=root, ip_sans=("127.0.0.1",), bits=256)
    wrong = make_cert("other.example", issuer=root, sans=("other.example",), bits=256)
    ca_file = write_pem(folder / "ca.pem", root)
    token = str(uuid.uuid4())
    servers = {
        "healthy": HecServer(HecConfig(tokens={token: "enabled"}), server_context([good], good)),
        "wrong-name": HecServer(HecConfig(tokens={token: "enabled"}),
                                server_context([wrong], wrong)),
        "unhealthy": HecServer(HecConfig(tokens={token: "enabled"}, fault="unhealthy"),
                               server_context([good], good)),
        "ack": HecServer(HecConfig(tokens={token: "ack"}), server_context([good], good)),
    }
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        refused_port = closed.getsockname()[1]
    for server in servers.values():
        server.start()
    try:
        yield {"servers": servers, "ca_file": ca_file, "token": token,
               "refused_port": refused_port}
    finally:
        for server in servers.values():
            server.close()


def url(port: int) -> str:
    return f"https://127.0.0.1:{port}/services/collector/raw"


def single_check(env: dict[str, object], runs: int) -> None:
    import httpx

    from hec_doctor.target import build_target
    from hec_doctor.models import Options
    from hec_doctor.runner import run
    from hec_doctor.trust import load_roots

    server = env["servers"]["healthy"]  # type: ignore[index]
    token, ca_file = str(env["token"]), str(env["ca_file"])
    channel = str(uuid.uuid4())
    load_roots(ca_file)  # both sides start with their trust loaded

    def minimal() -> None:
        context = ssl.create_default_context(cafile=ca_file)
        with httpx.Client(verify=context, trust_env=False, timeout=5) as client:
            client.post(f"{url(server.port)}?channel={channel}", content=b"",
                        headers={"Authorization": f"Splunk {token}"})

    target = build_target(f"{url(server.port)}?channel={channel}", token_flag=token)

    def full() -> None:
        run(target, Options(ca_file=ca_file, timeout_s=5))

    def median(work: Callable[[], None]) -> float:
        work()
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            work()
            times.append(time.perf_counter() - started)
        return statistics.median(times)

    base, ours = median(minimal), median(full)
    record("minimal httpx handshake + POST", f"{base * 1000:.1f} ms", "-", True)
    record("full live check, one healthy endpoint", f"{ours * 1000:.1f} ms",
           f"<= 2x ({2 * base * 1000:.1f} ms)", ours <= 2 * base)
    before = server.connections
    full()
    used = server.connections - before
    record("connections per endpoint per address", str(used), "<= 3", used <= 3)


def fleet(env: dict[str, object], folder: Path, count: int) -> None:
    servers = env["servers"]  # type: ignore[assignment]
    ports = [servers[name].port for name in ("healthy", "wrong-name", "unhealthy", "ack")]
    ports.append(int(env["refused_port"]))  # type: ignore[arg-type]
    lines = [f"{url(ports[i % len(ports)])}?channel={uuid.uuid4()}" for i in range(count)]
    listing = folder / "targets.txt"
    listing.write_text("# bench fleet\n" + "\n".join(lines) + "\n")
    command = [sys.executable, "-m", "hec_doctor", "check", "--file", str(listing),
               "--ca-file", str(env["ca_file"]), "--token", str(env["token"]),
               "--format", "json", "--timeout", "3"]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, check=False)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    healthy = result.stdout.count(b'"would_deliver": true')
    record(f"{count} destinations (1/5 healthy; exit {result.returncode})", f"{seconds:.2f} s",
           "< 5 s", seconds < 5 and healthy == count // 5)
    record(f"{count} destinations: peak memory", f"{peak_mb:.0f} MB", "< 150 MB", peak_mb < 150)


def silent(timeout_s: float) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            with contextlib.suppress(OSError):
                held.append(listener.accept()[0])  # accept, never speak

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    command = [sys.executable, "-m", "hec_doctor", "check", url(listener.getsockname()[1]),
               "--timeout", str(timeout_s)]
    started = time.perf_counter()
    subprocess.run(command, capture_output=True, check=False)
    seconds = time.perf_counter() - started
    stop.set()
    thread.join(1)
    for conn in held:
        conn.close()
    listener.close()
    record(f"silent endpoint, --timeout {timeout_s:g}", f"{seconds:.2f} s",
           f"<= {timeout_s + 1:g} s", seconds <= timeout_s + 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--fleet", type=int, default=200, help="destinations in the fleet run")
    args = parser.parse_args()
    runs = 5 if args.quick else 15
    for name in ("SSL_CERT_FILE", "SSL_CERT_DIR", "HTTPS_PROXY", "https_proxy", "HEC_TOKEN"):
        os.environ.pop(name, None)
    print(f"hec-doctor benchmarks: Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
          f"{sys.platform}")
    startup(runs)
    with tempfile.TemporaryDirectory() as folder, lookalikes(Path(folder)) as env:
        single_check(env, runs * 2)
        fleet(env, Path(folder), args.fleet)
    silent(2.0)
    missed = [row for row in ROWS if not row[3]]
    print(f"{len(ROWS) - len(missed)} of {len(ROWS)} figures within target")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
