"""Shared test set-up: a clean environment, so nothing on this machine changes a verdict."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

import hec_doctor

pytest_plugins = ["pytester"]

# Two speeds for the property tests: "ci" (the default, what scripts/ci runs) and "quick", the
# edit-test loop README describes (HYPOTHESIS_PROFILE=quick). tests.helpers.examples() gives the
# per-test counts for each.
settings.register_profile("ci", deadline=None)
settings.register_profile("quick", deadline=None, max_examples=10)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Marks by module, so the quick loop can leave out what needs Go, is slow by design (property
# tests over whole processes) or waits on the clock (signals, timeouts, intervals):
#   pytest -m "not go and not slow and not timing"
_MARKS = {
    "go": {"test_go_parity_corpus", "test_go_parity", "test_frontends", "test_goprobe",
           "test_clients"},
    "slow": {"test_secrets_by_shape", "test_fuzz", "test_monitoring", "test_pytest_plugin",
             "test_readme_code"},
    "timing": {"test_hostile_servers", "test_interrupt", "test_unix_manners", "test_watch"},
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = item.path.stem
        for mark, modules in _MARKS.items():
            if module in modules:
                item.add_marker(getattr(pytest.mark, mark))

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
    """The Go reference client, built once per session (fails, naming Go, when absent)."""
    from tests.goclient import build_go_client

    return build_go_client(tmp_path_factory)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _SCRUBBED:
        monkeypatch.delenv(name, raising=False)
