"""Shared test set-up: a clean environment, so nothing on this machine changes a verdict."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import hec_doctor

pytest_plugins = ["pytester"]

# scripts/ci runs the suite against the wheel installed in a fresh virtual environment: make sure
# it is that installation under test, not the source tree beside it.
if os.environ.get("HEC_DOCTOR_TESTS_INSTALLED") == "1":
    _SOURCE = Path(__file__).resolve().parent.parent / "hec_doctor"
    assert Path(hec_doctor.__file__).resolve().parent != _SOURCE, (
        f"testing the source tree ({hec_doctor.__file__}), not the installed wheel")

# Variables that change how TLS, proxies or hec-doctor itself behave.
_SCRUBBED = (
    "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE",
    "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY",
    "http_proxy", "https_proxy", "all_proxy", "no_proxy",
    "HEC_TOKEN", "NO_COLOR", "GITHUB_STEP_SUMMARY", "CLOUDFLARE_API_TOKEN",
)

@pytest.fixture(scope="session")
def go_client(tmp_path_factory) -> str:
    """The Go reference client, built once per session (skips when no Go toolchain)."""
    from tests.goclient import build_go_client

    return build_go_client(tmp_path_factory)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _SCRUBBED:
        monkeypatch.delenv(name, raising=False)
