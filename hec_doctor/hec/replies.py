"""Every reply a HEC endpoint gives, with its cause and the fix: Splunk's codes 0-27 and the
non-HEC replies met in the field. Pure data and one pure classifier."""

from __future__ import annotations

from dataclasses import dataclass

from hec_doctor.hec.spec import TOKEN_PAGE

# Not imported from typing, which explain would otherwise load for nothing (type checkers read
# any TYPE_CHECKING as true).
TYPE_CHECKING = False

if TYPE_CHECKING:  # explain reads the code table without loading any network code
    from hec_doctor.net.http import Reply


@dataclass(frozen=True)
class HecCode:
    """One of Splunk's HEC status codes.

    Attributes:
        code: the number in the reply's ``code`` field.
        http: the HTTP status Splunk pairs it with.
        text: Splunk's ``text``.
        cause: what it means for this endpoint.
        fix: what to change.
    """

    code: int
    http: int
    text: str
    cause: str
    fix: str


CODES: dict[int, HecCode] = {c.code: c for c in (
    HecCode(0, 200, "Success", "the event was accepted", ""),
    HecCode(1, 403, "Token disabled", "the token exists but is disabled",
            f"Enable the token ({TOKEN_PAGE} > Enable)."),
    HecCode(2, 401, "Token is required", "no Authorization header reached Splunk",
            "Set header_Authorization=Splunk%20<token> in the destination_conf."),
    HecCode(3, 401, "Invalid authorization",
            "the Authorization header is malformed, most often without the word 'Splunk'",
            "Send exactly 'Authorization: Splunk <token>' "
            "(header_Authorization=Splunk%20<token>)."),
    HecCode(4, 403, "Invalid token", "Splunk does not know this token",
            f"Copy the token value again from {TOKEN_PAGE}; behind a load balancer, make sure "
            "every indexer has it (a token missing on some gives intermittent code 4)."),
    HecCode(5, 400, "No data", "the token is accepted; the request had no event",
            ""),
    HecCode(6, 400, "Invalid data format", "the body is not what this endpoint expects",
            "Use /services/collector/raw for Logpush (the event endpoint wants JSON envelopes)."),
    HecCode(7, 400, "Incorrect index",
            "the index is not allowed for this token, or does not exist",
            "Add the index to the token's allowed indexes, or drop index= from the destination."),
    HecCode(8, 500, "Internal server error", "Splunk failed internally",
            "Check splunkd.log on the indexer."),
    HecCode(9, 503, "Server is busy", "the indexer's queues are full",
            "Add indexing capacity or check for blocked queues; Logpush retries for a while, then "
            "drops logs."),
    HecCode(10, 400, "Data channel is missing",
            "the token has indexer acknowledgement on, which requires a channel",
            f"Turn indexer acknowledgement off for this token ({TOKEN_PAGE} > Edit): Logpush "
            "never polls /services/collector/ack."),
    HecCode(11, 400, "Invalid data channel", "the channel is not a GUID",
            "Use a random GUID as channel."),
    HecCode(12, 400, "Event field is required", "a JSON event without an 'event' field",
            "Use /services/collector/raw for Logpush."),
    HecCode(13, 400, "Event field cannot be blank", "a JSON event with an empty 'event'",
            "Use /services/collector/raw for Logpush."),
    HecCode(14, 400, "ACK is disabled", "an /ack request for a token without acknowledgement",
            "Nothing to do for Logpush: it never asks for acknowledgements."),
    HecCode(15, 400, "Error in handling indexed fields", "malformed indexed fields in an event",
            "Use /services/collector/raw for Logpush."),
    HecCode(16, 400, "Query string authorization is not enabled",
            "the token was sent as ?token= and the token does not allow that",
            "Send it as header_Authorization=Splunk%20<token>, not in the query string."),
    HecCode(17, 200, "HEC is healthy", "the HEC input is up", ""),
    HecCode(18, 503, "HEC is unhealthy, queues are full", "the indexing queues are full",
            "Add indexing capacity or find what blocks the queues."),
    HecCode(19, 503, "HEC is unhealthy, ack service unavailable",
            "the acknowledgement service is down", "Check splunkd.log; restart HEC."),
    HecCode(20, 503, "HEC is unhealthy, queues are full, ack service unavailable",
            "queues full and acknowledgement service down", "Check the indexers' health."),
    HecCode(21, 400, "Invalid token", "the token given to the health endpoint is unknown",
            f"Copy the token again from {TOKEN_PAGE}."),
    HecCode(22, 400, "Token disabled", "the token given to the health endpoint is disabled",
            "Enable the token."),
    HecCode(23, 503, "Server is shutting down", "Splunk is stopping", "Retry after restart."),
    HecCode(24, 503, "Queue is at capacity", "the HEC queue is full", "Add capacity."),
    HecCode(25, 200, "Queue is near capacity", "the HEC queue is nearly full", "Add capacity."),
    HecCode(26, 429, "ACK is at capacity", "too many pending acknowledgements",
            "Turn indexer acknowledgement off for Logpush tokens."),
    HecCode(27, 200, "ACK is near capacity", "pending acknowledgements near the limit",
            "Turn indexer acknowledgement off for Logpush tokens."),
)}
# Codes 23-27 come from secondary sources only (Splunk's own list stops at 22 in older docs).


@dataclass(frozen=True)
class Diagnosis:
    """A reply explained.

    Attributes:
        kind: ``hec`` (a Splunk code), ``redirect``, ``cloudflare``, ``not_found``, ``too_large``,
            ``rate_limited``, ``proxy``, ``html``, ``unknown``.
        summary: one line.
        fix: what to change.
        code: the HEC code, when there is one.
    """

    kind: str
    summary: str
    fix: str
    code: int | None = None


def diagnose(reply: Reply) -> Diagnosis:
    """Explain any reply: a HEC code, or what else answered."""
    headers = reply.headers
    code = reply.hec_code
    retry = headers.get("retry-after")
    retry_note = f" (Retry-After: {retry})" if retry else ""
    if 300 <= reply.status < 400:
        where = reply.echo(headers.get("location", "(no Location)"))
        web = "/account/login" in where or "/en-US/" in where
        return Diagnosis(
            "redirect",
            f"HTTP {reply.status} redirect to {where[:200]}"
            + (": this is Splunk Web (port 8000), not HEC" if web else ""),
            "Point at the HEC port and path directly: HEC never redirects, and Logpush does not "
            "follow redirects with the token.")
    if headers.get("server", "").lower() == "cloudflare" or "cf-ray" in headers:
        if code is None:
            return Diagnosis(
                "cloudflare",
                f"HTTP {reply.status} from Cloudflare itself: the HEC host is proxied by "
                "Cloudflare and its security rules answered",
                "Add a WAF skip rule for Logpush's requests to the HEC host (Cloudflare's Logpush "
                "docs for Splunk describe it), or do not proxy the HEC host.")
    if code is not None and code in CODES:
        entry = CODES[code]
        return Diagnosis("hec", f"HEC code {code} '{entry.text}': {entry.cause}{retry_note}",
                         entry.fix, code)
    if reply.status == 404:
        return Diagnosis("not_found", "HTTP 404: this path is not a HEC endpoint",
                         "Use /services/collector/raw.")
    if reply.status == 413:
        return Diagnosis("too_large", "HTTP 413: the body exceeds max_content_length",
                         "Raise max_content_length in limits.conf [http_input] (Logpush sends "
                         "batches of several MB).")
    if reply.status == 429 or (reply.status == 503 and code is None):
        return Diagnosis("rate_limited", f"HTTP {reply.status}: the server is overloaded"
                         f"{retry_note}", "Add capacity; Logpush retries, then drops logs.")
    content_type = headers.get("content-type", "")
    if reply.status in (502, 504):
        return Diagnosis("proxy", f"HTTP {reply.status} from a proxy or load balancer: the HEC "
                         "behind it did not answer", "Check the load balancer's backends and "
                         "health checks.")
    if "html" in content_type or reply.body.lstrip()[:1] == b"<":
        return Diagnosis("html", f"HTTP {reply.status} with an HTML page: this is not HEC",
                         "Point at the HEC port (8088 by default) and path.")
    if code is not None:
        return Diagnosis("unknown", f"HTTP {reply.status} with unknown HEC code {code}: "
                         f"{reply.shown}", "Look the code up in Splunk's HEC documentation.",
                         code)
    return Diagnosis("unknown", f"HTTP {reply.status}, not a HEC reply: {reply.shown or '(empty)'}",
                     "Check what answers on this port.")
