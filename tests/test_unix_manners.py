"""A Unix tool's manners (issue #23): output files, signals, closed and odd input, full disks.

Each test runs the real command in its own process where the behaviour belongs to a process
(signals, a closed stdin, a full stdout), and pairs what must work with what must fail cleanly.
"""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.helpers import good_conf

HEC = [sys.executable, "-m", "hec_doctor"]
ENV = {k: v for k, v in os.environ.items() if k not in ("HEC_TOKEN", "CLOUDFLARE_API_TOKEN")}


def run(*args: str, stdin: int | None = subprocess.DEVNULL, umask: int | None = None,
        **kwargs) -> subprocess.CompletedProcess[str]:
    def set_umask() -> None:
        if umask is not None:
            os.umask(umask)
    return subprocess.run([*HEC, *args], capture_output=True, text=True, timeout=60, env=ENV,
                          stdin=stdin, preexec_fn=set_umask, **kwargs)


def one_line_error(result: subprocess.CompletedProcess[str], code: int, words: str) -> None:
    assert result.returncode == code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("hec-doctor: error")]
    assert len(lines) == 1 and words.lower() in lines[0].lower(), result.stderr


# --- --output and --textfile --------------------------------------------------------------------

def test_output_to_a_new_file_gets_the_umask_mode(tmp_path):
    for umask, mode in ((0o022, 0o644), (0o077, 0o600), (0o002, 0o664)):
        path = tmp_path / f"report-{umask:o}.json"
        result = run("check", "--offline", "--format", "json", "-o", str(path), good_conf(),
                     umask=umask)
        assert result.returncode == 0, result.stderr
        assert stat.S_IMODE(path.stat().st_mode) == mode


def test_output_over_a_file_keeps_its_mode_and_replaces_it_whole(tmp_path):
    path = tmp_path / "report.json"
    path.write_text("old")
    path.chmod(0o640)
    result = run("check", "--offline", "--format", "json", "-o", str(path), good_conf())
    assert result.returncode == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert path.read_text().startswith("{")
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary file left


def test_output_through_a_symlink_writes_its_target(tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    result = run("check", "--offline", "--format", "json", "-o", str(link), good_conf())
    assert result.returncode == 0
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text().startswith("{")


def test_output_to_a_fifo_is_written_through_not_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    result = run("check", "--offline", "--format", "json", "-o", str(fifo), good_conf())
    reader.join(10)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert got and got[0].startswith(b"{")


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_output_to_a_device_is_written_through_not_replaced(tmp_path):
    # A copy of /dev/null (character device 1,3) in the test's own folder: on main, --output
    # replaced such a node with a regular file (as root, /dev/null itself).
    null = tmp_path / "null"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    for command in (("check", "--offline", "-o", str(null), good_conf()),
                    ("watch", "--once", "--timeout", "0.2", "--textfile", str(null),
                     "https://127.0.0.1:9/services/collector/raw")):
        result = run(*command)
        assert result.returncode in (0, 1), result.stderr
        assert stat.S_ISCHR(null.stat().st_mode), command


def test_a_full_disk_is_one_line_and_exit_3(tmp_path):
    full = tmp_path / "full"
    os.mknod(full, stat.S_IFCHR | 0o666, os.makedev(1, 7))  # as /dev/full
    one_line_error(run("check", "--offline", "-o", str(full), good_conf()), 3,
                   "No space left on device")
    assert stat.S_ISCHR(full.stat().st_mode)
    with open(full, "w") as stdout:
        for command in (("check", "--offline", good_conf()), ("explain", "channel"),
                        ("explain", "x509: certificate signed by unknown authority"),
                        ("explain", "channel", "--format", "json")):
            one_line_error(_run_to(stdout, *command), 3,
                           "cannot write to stdout: No space left on device")


def _run_to(stdout, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([*HEC, *args], stdout=stdout, stderr=subprocess.PIPE, text=True,
                          timeout=60, env=ENV, stdin=subprocess.DEVNULL)
    return subprocess.CompletedProcess(done.args, done.returncode, "", done.stderr)


def test_textfile_follows_symlinks_and_gets_the_umask_mode(tmp_path):
    real = tmp_path / "hec.prom"
    link = tmp_path / "link.prom"
    link.symlink_to(real)
    result = run("watch", "--once", "--timeout", "0.2", "--textfile", str(link),
                 "https://127.0.0.1:9/services/collector/raw", umask=0o022)
    assert result.returncode in (0, 1), result.stderr
    assert link.is_symlink() and "hec_doctor_" in real.read_text()
    assert stat.S_IMODE(real.stat().st_mode) == 0o644


# --- signals -------------------------------------------------------------------------------------

@pytest.fixture()
def silent_port():
    """A TCP port that accepts and never answers (each check waits for its whole timeout)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(512)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue
    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join(2)
    for conn in held:
        conn.close()
    listener.close()


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _fleet(port: int, folder: Path) -> Path:
    listing = folder / "targets.txt"
    listing.write_text("".join(f"https://127.0.0.1:{port}/services/collector/raw?n={i}\n"
                               for i in range(400)))
    return listing


def _start_fleet(port: int, folder: Path, output: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [*HEC, "check", "--file", str(_fleet(port, folder)), "--workers", "2", "--timeout",
         "30", "--format", "json", "-o", str(output)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
        stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while len(_children(process.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # the workers are under way, each check waiting on the silent server
    return process


def test_sigterm_stops_workers_writes_the_partial_report_and_exits_143(silent_port, tmp_path):
    output = tmp_path / "report.json"
    process = _start_fleet(silent_port, tmp_path, output)
    workers = _children(process.pid)
    assert len(workers) >= 2
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=20)
    took = time.monotonic() - started
    assert process.returncode == 143, stderr
    assert took < 5, took
    assert "Traceback" not in stderr
    import json

    report = json.loads(output.read_text())
    assert len(report["reports"]) == 400  # every target reported, the unfinished as such
    assert any(c["summary"].startswith("interrupted") for r in report["reports"]
               for c in r["checks"])
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".hec-doctor")] == []
    deadline = time.monotonic() + 5
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(w) for w in workers)


def test_workers_die_when_the_parent_is_killed(silent_port, tmp_path):
    process = _start_fleet(silent_port, tmp_path, tmp_path / "report.json")
    workers = _children(process.pid)
    assert len(workers) >= 2
    process.kill()
    process.communicate(timeout=10)
    deadline = time.monotonic() + 5
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(w) for w in workers), "orphaned workers keep probing"


# --- input that is closed, odd or unreadable -----------------------------------------------------

@pytest.mark.parametrize("args", [("check", "--offline", "-"), ("check", "--offline",
                                                                 "--file", "-"),
                                  ("job", "-"), ("terraform", "-")])
def test_closed_stdin_is_one_line_and_exit_2(args):
    result = subprocess.run([*HEC, *args], capture_output=True, text=True, timeout=60,
                            env=ENV, stdin=subprocess.DEVNULL, close_fds=True,
                            preexec_fn=lambda: os.close(0))
    one_line_error(result, 2, "stdin is closed")


def test_a_lone_surrogate_escape_in_a_tf_file_is_named(tmp_path):
    tf = tmp_path / "main.tf"
    tf.write_text('resource "cloudflare_logpush_job" "x" {\n'
                  '  destination_conf = "splunk://h.example.com:8088/services/collector/raw'
                  '?sourcetype=\\uD800"\n}\n')
    one_line_error(run("lint", str(tf)), 2, f"{tf}: line 2: \\uD800 is a lone surrogate")


def test_a_byte_order_mark_is_dropped_with_a_notice(tmp_path):
    listing = tmp_path / "hec-destinations.txt"
    listing.write_bytes(b"\xef\xbb\xbf" + good_conf().encode() + b"\n")
    for args in (("check", "--offline", "--file", str(listing)), ("lint", str(listing))):
        result = run(*args)
        assert result.returncode == 0, result.stderr
        assert "starts with a byte-order mark (U+FEFF); it is ignored" in result.stderr


@pytest.mark.parametrize(("path", "words"), [
    ("/proc/self/mem", "Input/output error"),  # reading it from the start gives EIO
    ("/", "Is a directory"),
    ("/nonexistent/targets.txt", "No such file or directory"),
])
def test_unreadable_files_are_one_line_and_exit_2(path, words):
    for args in (("check", "--offline", "--file", path), ("lint", path), ("job", path),
                 ("terraform", path)):
        one_line_error(run(*args), 2, words)


def test_a_file_that_is_not_utf8_names_the_byte(tmp_path):
    listing = tmp_path / "targets.txt"
    listing.write_bytes(good_conf().encode() + b"\n\xff\n")
    one_line_error(run("check", "--offline", "--file", str(listing)), 2,
                   "is not UTF-8 text (byte")


def test_control_characters_never_reach_the_terminal_raw():
    conf = good_conf(sourcetype="a\x1b[31mred\x07", index="b\u202ec")
    for fmt in ("text", "github", "markdown", "junit", "json"):
        result = run("check", "--offline", "--format", fmt, conf)
        assert result.returncode in (0, 1), result.stderr
        out = result.stdout + result.stderr
        assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out, fmt
        if fmt in ("text", "json"):  # the formats that show the input as written
            assert "\\x1b[31mred\\x07" in out or "\\\\x1b[31mred\\\\x07" in out, fmt
