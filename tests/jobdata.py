"""Real Logpush job shapes, each copied from where Cloudflare (or a user) published it.

Placeholders in the originals (``<JOB_ID>``, ``<SPLUNK_ENDPOINT_URL>``, secrets) are filled with
harmless values; field names, types, nesting and the values that matter are as published.
"""

from __future__ import annotations

from typing import Any

SPLUNK_CONF = ("splunk://splunk.example.com:8088/services/collector/raw?channel="
               "0f8c3ab4-1b7c-4c1e-9d2a-5b6f7e8d9c0a&insecure-skip-verify=false&sourcetype="
               "cloudflare:json&header_Authorization=Splunk%20e6d94e8c-5792-4ad1-be3c-29bcaee0197d")

# cloudflare-docs enable-destinations/splunk.mdx, "1. Create a job": the create response.
# Jobs are created disabled; nothing has run yet.
DOC_SPLUNK_CREATED: dict[str, Any] = {
    "id": 146, "dataset": "http_requests", "enabled": False, "name": "example.com",
    "output_options": {"field_names": ["ClientIP", "ClientRequestHost", "ClientRequestMethod",
                                       "ClientRequestURI", "EdgeEndTimestamp",
                                       "EdgeResponseBytes", "EdgeResponseStatus",
                                       "EdgeStartTimestamp", "RayID"],
                       "timestamp_format": "rfc3339"},
    "destination_conf": SPLUNK_CONF, "last_complete": None, "last_error": None,
    "error_message": None,
}
# The same page, "2. Enable (update) a job": the response after PUT {"enabled": true}.
DOC_SPLUNK_ENABLED: dict[str, Any] = {**DOC_SPLUNK_CREATED, "enabled": True}

# cloudflare-docs api-configuration.mdx, "Kind": an Edge Log Delivery job's create request
# (the response echoes it).
DOC_EDGE: dict[str, Any] = {
    "id": 147, "name": "example.com", "destination_conf": "s3://logs-bucket?region=us-west-2",
    "dataset": "http_requests", "kind": "edge", "enabled": True,
    "output_options": {"field_names": ["ClientIP", "RayID"], "timestamp_format": "rfc3339"},
    "last_complete": None, "last_error": None, "error_message": None,
}

# cloudflare-docs log-output-options.mdx, "Replace logpull_options": the old form, with
# sample=0.1.
DOC_LOGPULL_OPTIONS: dict[str, Any] = {
    "id": 148, "dataset": "http_requests", "enabled": False, "name": "example.com",
    "logpull_options": "fields=ClientIP,EdgeStartTimestamp,RayID&sample=0.1&timestamps=rfc3339",
    "destination_conf": "s3://logs-bucket?region=us-west-2",
}

# cloudflare/terraform-provider-cloudflare issue 3186: an account-scoped gateway_dns job to S3.
TF_GATEWAY_DNS: dict[str, Any] = {
    "id": 3186, "enabled": True, "name": "Gateway-DNS", "dataset": "gateway_dns",
    "destination_conf": "s3://some-bucket/gateway-dns?region=us-east-1&sse=AES256",
    "last_complete": None, "last_error": None, "error_message": None,
}

# cloudflare/terraform-provider-cloudflare issue 2181: a Datadog job (key filled in).
TF_DATADOG: dict[str, Any] = {
    "id": 2181, "enabled": True, "name": "datadog-http-requests", "dataset": "http_requests",
    "logpull_options": "fields=BotScore,ClientIP,EdgeStartTimestamp&timestamps=rfc3339",
    "destination_conf": "datadog://http-intake.logs.us5.datadoghq.com/api/v2/logs?"
                        "header_DD-API-KEY=0123456789abcdef0123456789abcdef&ddsource=cloudflare"
                        "&service=cloudflare&ddtags=env:prod",
    "filter": '{"key":"ClientCountry","operator":"!eq","value":"us"}',
}

# cloudflare/terraform-provider-cloudflare issue 2118: a GCS job with the deprecated frequency.
TF_GCS_FREQUENCY: dict[str, Any] = {
    "id": 2118, "dataset": "http_requests", "destination_conf": "gs://omnisend-cf-logs/x/{DATE}",
    "enabled": True, "frequency": "high",
    "logpull_options": "fields=ClientRequestHost,EdgeEndTimestamp&timestamps=rfc3339",
}

# cloudflare-docs PR 26572: the error an Azure destination gives for a wrong SAS token.
AZURE_SAS_ERROR = "signedResourceTypes must be Object only (srt=o)"


def job(**fields: Any) -> dict[str, Any]:
    """DOC_SPLUNK_ENABLED with some fields changed (the API's own field set and types)."""
    return {**DOC_SPLUNK_ENABLED, **fields}
