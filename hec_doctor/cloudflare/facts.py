"""Facts of Cloudflare Logpush jobs as Cloudflare documents them today, each beside its source.

Pure constants and small pure lookups; importing this costs nothing. Short source names:

- SDK-go: cloudflare/cloudflare-go, ``logpush/job.go``, type ``LogpushJob`` (generated from the
  API schema).
- DOC-api: cloudflare-docs, ``src/content/docs/logs/logpush/logpush-job/api-configuration.mdx``.
- DOC-datasets: cloudflare-docs, ``src/content/docs/logs/logpush/logpush-job/datasets/{zone,
  account}/*.md`` (one page per dataset, filed under its scope).
- DOC-output: cloudflare-docs, ``.../logpush-job/log-output-options.mdx``.
- DOC-splunk: cloudflare-docs, ``.../logpush-job/enable-destinations/splunk.mdx``.
- DOC-pull: cloudflare-docs, ``src/content/docs/logs/logpull/understanding-the-basics.mdx`` and
  ``enabling-log-retention.mdx``.
- DOC-permissions: cloudflare-docs, ``src/content/docs/logs/logpush/permissions.mdx``.
- DOC-logpush: cloudflare-docs, ``src/content/docs/logs/logpush/index.mdx`` (limits).
- PR-32514: cloudflare-docs pull request 32514 (merged 2026-08-04): retries, auto-disable,
  destination error codes.
"""

from __future__ import annotations

from datetime import timedelta

from hec_doctor.hec.spec import CLOUDFLARE_API_BASE

# DOC-datasets: the zone and account index pages (developers.cloudflare.com/logs/logpush/
# logpush-job/datasets/zone/ and .../account/, both "Last updated Apr 23, 2026"; read on
# 2026-12-06), one page per dataset, filed under its scope. Checked against the dataset enum of
# Cloudflare's API schema (35 names); nel_reports, page_shield_events (zone) and casb_findings
# (account) were missing before #25. firewall_events and websocket_analytics have a page under
# both scopes: there is a zone dataset and an account dataset of that name.
DATASETS_SOURCE = ("Cloudflare's Logpush dataset pages (zone and account scopes), last updated "
                   "2026-04-23, read 2026-12-06")
ZONE_DATASETS = frozenset({
    "account_abuse_protection_events", "dns_logs", "firewall_events", "http_requests",
    "nel_reports", "page_shield_events", "spectrum_events", "websocket_analytics",
    "zaraz_events",
})
ACCOUNT_DATASETS = frozenset({
    "access_requests", "audit_logs", "audit_logs_v2", "biso_user_actions", "casb_findings",
    "device_posture_results", "dex_application_tests", "dex_device_state_events",
    "dlp_forensic_copies", "dns_firewall_logs", "email_security_alerts",
    "email_security_post_delivery_events", "firewall_events", "gateway_dns", "gateway_http",
    "gateway_network", "ipsec_logs", "magic_bgp_logs", "magic_ids_detections",
    "mcp_portal_logs", "mnm_flow_logs", "network_analytics_logs", "sinkhole_http_logs",
    "ssh_logs", "turnstile_events", "warp_config_changes", "warp_toggle_changes",
    "websocket_analytics", "workers_trace_events", "zero_trust_network_sessions",
})
# DOC-permissions: "To view, create, update, or delete Logpush jobs for Zero Trust datasets
# (Access, Gateway, and DEX) users must have both the Logs Edit and Zero Trust: PII Read".
ZERO_TRUST_DATASETS = frozenset({
    "access_requests", "gateway_dns", "gateway_http", "gateway_network",
    "dex_application_tests", "dex_device_state_events",
})
# DOC-permissions: "all Logpush API operations require Logs: Write permission because Logpush
# jobs contain sensitive information" (Logs: Read covers Logpull and Instant Logs only).
API_PERMISSION = "Logs: Write"

# DOC-api "Kind" and SDK-go LogpushJob.Kind: "" (or absent) for Logpush, "edge" for Edge Log
# Delivery, "only supported for the http_requests dataset"; kind cannot be changed later.
EDGE_KIND = "edge"
EDGE_DATASETS = frozenset({"http_requests"})

# SDK-go LogpushJob: each max_upload_* is a range "or 0 to disable it". max_upload_bytes and
# max_upload_records: "not available for jobs with edge as its kind"; max_upload_interval_seconds:
# "only used for jobs with edge as its kind" (DOC-api lists it for every job without that
# restriction, so hec-doctor does not judge an interval on a regular job).
# "5 MB" and "1 GB" are not said to be decimal or binary: the range accepts both readings.
UPLOAD_LIMITS = {
    "max_upload_bytes": (5_000_000, 1_073_741_824, "5 MB to 1 GB"),
    "max_upload_records": (1_000, 1_000_000, "1,000 to 1,000,000 lines"),
    "max_upload_interval_seconds": (30, 300, "30 to 300 seconds"),
}
NOT_FOR_EDGE = ("max_upload_bytes", "max_upload_records")

# DOC-output: output_type is ndjson (the default) or csv; timestamp_format is unixnano (the API
# default when none is given), unix or rfc3339 (the dashboard's default); sample_rate is the
# share of records kept, 0 exclusive to 1 inclusive (DOC-api "Sampling rate"), default 1.
OUTPUT_TYPES = ("ndjson", "csv")
TIMESTAMP_FORMATS = ("unixnano", "unix", "rfc3339")
API_DEFAULT_TIMESTAMP_FORMAT = "unixnano"
# DOC-splunk: "For timestamp, Cloudflare recommends using timestamps=rfc3339".
SPLUNK_TIMESTAMP_FORMAT = "rfc3339"

# PR-32514: retries are bounded by the retention window, not a count, and a job is disabled
# automatically after 24 hours without a successful push.
AUTO_DISABLE_AFTER = timedelta(hours=24)
# DOC-pull: Logpull reaches back "at least 3 days and up to 7 days", for a zone's HTTP request
# logs only, and only when log retention was switched on (off by default).
LOGPULL_DATASET = "http_requests"
LOGPULL_SURE = timedelta(days=3)
LOGPULL_AT_MOST = timedelta(days=7)
# DOC-logpush "Limits": "a max limit of 4 Logpush jobs per zone".
JOBS_PER_ZONE = 4

SOURCES = {
    "SDK-go": "cloudflare-go logpush/job.go (LogpushJob)",
    "DOC-api": "developers.cloudflare.com/logs/logpush/logpush-job/api-configuration/",
    "DOC-datasets": "developers.cloudflare.com/logs/logpush/logpush-job/datasets/",
    "DOC-output": "developers.cloudflare.com/logs/logpush/logpush-job/log-output-options/",
    "DOC-splunk": "developers.cloudflare.com/logs/logpush/logpush-job/enable-destinations/"
                  "splunk/",
    "DOC-pull": "developers.cloudflare.com/logs/logpull/understanding-the-basics/",
    "PR-32514": "github.com/cloudflare/cloudflare-docs/pull/32514",
}


def dataset_scopes(dataset: str) -> tuple[str, ...]:
    """``("zones",)``, ``("accounts",)``, both (a name filed under both scopes), or ``()`` for a
    dataset DOC-datasets does not list."""
    return tuple(scope for scope, names in (("zones", ZONE_DATASETS),
                                            ("accounts", ACCOUNT_DATASETS))
                 if dataset in names)


def jobs_path(dataset: str, scope: tuple[str, str] | None = None) -> str:
    """The API path of a job's collection, for a fix: ``<base>/zones/<ZONE_ID>/logpush/jobs``.

    Args:
        dataset: the job's dataset (decides zones or accounts).
        scope: ``(zones|accounts, id)`` when the job was fetched from the API: the id is then
            known and wins.
    """
    if scope is not None:
        return f"{CLOUDFLARE_API_BASE}/{scope[0]}/{scope[1]}/logpush/jobs"
    scopes = dataset_scopes(dataset)
    if scopes == ("zones",):
        where = "zones/<ZONE_ID>"
    elif scopes == ("accounts",):
        where = "accounts/<ACCOUNT_ID>"
    else:
        where = "<zones/ZONE_ID or accounts/ACCOUNT_ID, where the job lives>"
    return f"{CLOUDFLARE_API_BASE}/{where}/logpush/jobs"
