"""What many test modules share: the tokens and destinations they use, the CLI runner, and a
live check against a loopback server. Tests import from here, never from each other."""

from __future__ import annotations

import os

from click.testing import CliRunner

from hec_doctor.cli import cli
from hec_doctor.engine.run import run
from hec_doctor.gox509.text import TLS_VERIFY_PREFIX as P  # Go's prefix, in short
from hec_doctor.models import Options, Report, ResolveOverride
from hec_doctor.target import build_target
from tests.certs import NOW

__all__ = ["CHANNEL", "FIXED_GUID", "P", "TOKEN", "check_live", "good_conf", "invoke"]

TOKEN = "e6d94e8c-5792-4ad1-be3c-29bcaee0197d"
CHANNEL = "0f8c3ab4-1b7c-4c1e-9d2a-5b6f7e8d9c0a"
FIXED_GUID = "11111111-2222-4333-8444-555555555555"


def good_conf(**overrides: str | None) -> str:
    """A correct destination_conf, with any parameter replaced (value None drops it)."""
    params: dict[str, str | None] = {
        "channel": CHANNEL,
        "insecure-skip-verify": "false",
        "sourcetype": "cloudflare:json",
        "header_Authorization": f"Splunk%20{TOKEN}",
    }
    params.update(overrides)
    query = "&".join(f"{k}={v}" for k, v in params.items() if v is not None)
    return f"splunk://hec.example.com:8088/services/collector/raw?{query}"


def invoke(*args: str, env: dict[str, str] | None = None, input_text: str | None = None):
    """The command line, in process: a click result with stdout and stderr apart."""
    return CliRunner().invoke(cli, list(args), env=env, input=input_text)


def check_live(host: str, port: int, ca_file: str | None = None, *, skip_verify: bool = False,
               timeout_s: float = 3.0) -> Report:
    """The engine against a loopback server, with ``host`` pinned to 127.0.0.1 and the test
    clock; no token (so nothing is sent beyond health)."""
    written = f"[{host}]" if ":" in host else host
    target = build_target(f"https://{written}:{port}/services/collector/raw",
                          insecure_skip_verify=skip_verify or None)
    pins = () if host == "127.0.0.1" else (ResolveOverride(host, port, "127.0.0.1"),)
    return run(target, Options(ca_file=ca_file, resolve=pins, timeout_s=timeout_s,
                               now=lambda: NOW))


# The quick loop (HYPOTHESIS_PROFILE=quick, see tests/conftest.py) draws far fewer examples; CI
# draws every one the test asks for.
QUICK = os.environ.get("HYPOTHESIS_PROFILE") == "quick"


def examples(ci: int, quick: int = 10) -> int:
    """How many examples a property test draws: ``ci`` in CI, ``quick`` in the quick loop."""
    return quick if QUICK else ci
