"""Shared test set-up: a clean environment, so nothing on this machine changes a verdict."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

# Variables that change how TLS, proxies or hec-doctor itself behave.
_SCRUBBED = (
    "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE",
    "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY",
    "http_proxy", "https_proxy", "all_proxy", "no_proxy",
    "HEC_TOKEN", "NO_COLOR", "GITHUB_STEP_SUMMARY", "CLOUDFLARE_API_TOKEN",
)

TOKEN = "e6d94e8c-5792-4ad1-be3c-29bcaee0197d"
CHANNEL = "0f8c3ab4-1b7c-4c1e-9d2a-5b6f7e8d9c0a"
FIXED_GUID = "11111111-2222-4333-8444-555555555555"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _SCRUBBED:
        monkeypatch.delenv(name, raising=False)


def good_conf(**overrides: str) -> str:
    """A correct destination_conf, with any parameter replaced (value None drops it)."""
    params = {
        "channel": CHANNEL,
        "insecure-skip-verify": "false",
        "sourcetype": "cloudflare:json",
        "header_Authorization": f"Splunk%20{TOKEN}",
    }
    params.update(overrides)
    query = "&".join(f"{k}={v}" for k, v in params.items() if v is not None)
    return f"splunk://hec.example.com:8088/services/collector/raw?{query}"
