"""Facts of Splunk HEC and Cloudflare Logpush that more than one module needs, each written once
beside its source. Pure constants and one pure builder; importing this costs nothing."""

from __future__ import annotations

import re

# --- Splunk HEC (Splunk's "HTTP Event Collector REST API endpoints" and "Set up and use HTTP
# Event Collector in Splunk Web"; hec-facts.md)
RAW_PATH = "/services/collector/raw"
HEALTH_PATH = "/services/collector/health"
ACK_PATH = "/services/collector/ack"
RAW_PATHS = (RAW_PATH, RAW_PATH + "/1.0")
EVENT_PATHS = ("/services/collector", "/services/collector/event",
               "/services/collector/event/1.0")
HEALTH_PATHS = (HEALTH_PATH, HEALTH_PATH + "/1.0")
HEC_DEFAULT_PORT = 8088  # inputs.conf [http] port
SPLUNK_MANAGEMENT_PORT = 8089  # splunkd's REST API
SPLUNK_WEB_PORT = 8000
# HEC tokens and channels are GUIDs: 8-4-4-4-12 hexadecimal digits.
GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
TOKEN_PAGE = "Settings > Data inputs > HTTP Event Collector"

# --- Cloudflare Logpush to Splunk (DOC-splunk: cloudflare-docs, logs/get-started/
# enable-destinations/splunk.mdx; logpush-api-facts.md)
AUTH_PARAM = "header_Authorization"
CLOUDFLARE_SOURCETYPE = "cloudflare:json"  # what the Cloudflare App for Splunk reads
LOGPUSH_PORTS = (443, 8088)  # the only ports Cloudflare's Splunk documentation names
LOGPUSH_DNS_HEALTH_CODE = 1105  # Logpush's destination error code for "DNS resolution failure"
CLOUDFLARE_API_BASE = "https://api.cloudflare.com/client/v4"


def destination_conf(host_for_url: str, port: int, params: list[str] | tuple[str, ...]) -> str:
    """A Logpush Splunk destination_conf: ``splunk://host:port/services/collector/raw?...``.

    Args:
        host_for_url: the host as written in a URL (IPv6 in brackets).
        port: the HEC port.
        params: ``name=value`` pieces, already encoded, in order.
    """
    return f"splunk://{host_for_url}:{port}{RAW_PATH}?" + "&".join(params)


def logpush_params(channel: str, authorization: str, *, sourcetype: str = CLOUDFLARE_SOURCETYPE,
                   skip_verify: str = "false") -> list[str]:
    """The parameters of a correct destination_conf, in Cloudflare's documented order."""
    return [f"channel={channel}", f"insecure-skip-verify={skip_verify}",
            f"sourcetype={sourcetype}", f"{AUTH_PARAM}={authorization}"]
