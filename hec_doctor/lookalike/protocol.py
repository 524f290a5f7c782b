"""The Splunk HEC protocol as the look-alike plays it: one pure function from a request to
Splunk's reply, with Splunk's codes and texts taken from the same table ``check`` judges with
(``hec_doctor.hec_replies.CODES``), so the two cannot drift."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Mapping
from urllib.parse import parse_qs, urlsplit

from hec_doctor.hec_replies import CODES
from hec_doctor.spec import ACK_PATH, EVENT_PATHS, GUID, HEALTH_PATHS, RAW_PATHS

# The faults the look-alike can play, by their documented (hyphenated) names; the same names with
# underscores are accepted everywhere too (the CLI, HecConfig, the pytest marker, set_fault).
FAULTS = ("busy", "unhealthy", "disabled-token", "incorrect-index", "slow", "proxy-502",
          "redirect", "html")


def fault_name(name: str | None) -> str | None:
    """A fault's documented name (``disabled_token`` gives ``disabled-token``), or None.

    Raises:
        ValueError: for a name that is no fault.
    """
    if name is None:
        return None
    canonical = name.strip().lower().replace("_", "-")
    if canonical not in FAULTS:
        raise ValueError(f"unknown fault {name!r}; choose from {', '.join(FAULTS)}")
    return canonical


@dataclass
class HecConfig:
    """What the look-alike accepts.

    Attributes:
        tokens: token -> ``enabled``, ``disabled`` or ``ack`` (indexer acknowledgement on).
        fault: None, or one of FAULTS (hyphens or underscores).
        max_body: bytes accepted in one request (Splunk's max_content_length).
        slow_s: how long the ``slow`` fault waits before each reply.
    """

    tokens: dict[str, str] = field(default_factory=dict)
    fault: str | None = None
    max_body: int = 1_000_000
    slow_s: float = 2.0


@dataclass(frozen=True)
class HecReply:
    """One reply; ``events`` holds what a successful post would have indexed."""

    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()
    events: tuple[dict[str, object], ...] = ()


def _document(status: int, document: Mapping[str, object],
              headers: tuple[tuple[str, str], ...] = ()) -> HecReply:
    body = json.dumps(document, separators=(",", ":")).encode()  # compact, as Splunk writes it
    return HecReply(status, body, (("Content-Type", "application/json"), *headers))


def _code(code: int, *headers: tuple[str, str], **extra: object) -> HecReply:
    """Splunk's reply for a HEC code: its HTTP status and ``{"text", "code"}`` from the table."""
    entry = CODES[code]
    return _document(entry.http, {"text": entry.text, "code": code, **extra}, headers)


NOT_FOUND = {"text": "The requested URL was not found on this server.", "code": 404}


class AckBook:
    """Acknowledgement ids per channel, as a useACK token's channel hands them out."""

    def __init__(self) -> None:
        self._issued: dict[str, int] = {}
        self._lock = threading.Lock()

    def issue(self, channel: str) -> int:
        with self._lock:
            value = self._issued.get(channel, 0)
            self._issued[channel] = value + 1
            return value

    def status(self, channel: str, ack_ids: list[object]) -> dict[str, bool]:
        with self._lock:
            issued = self._issued.get(channel, 0)
        # Everything issued is reported indexed at once: the look-alike has no indexing lag.
        return {str(i): isinstance(i, int) and 0 <= i < issued for i in ack_ids}


def answer(method: str, target: str, headers: Mapping[str, str], body: bytes,
           config: HecConfig, acks: AckBook | None = None) -> HecReply:
    """Splunk's reply to one request (header names lower-case)."""
    parts = urlsplit(target)
    path, query = parts.path, parse_qs(parts.query)
    fault = fault_name(config.fault)
    acks = acks if acks is not None else AckBook()
    channel = (query.get("channel") or [headers.get("x-splunk-request-channel", "")])[0]
    if fault == "proxy-502":
        return HecReply(502, b"<html><body><h1>502 Bad Gateway</h1></body></html>",
                        (("Content-Type", "text/html"),))
    if fault == "redirect":
        return HecReply(303, b"", (("Location", "/en-US/account/login?return_to=%2F"),))
    if path in HEALTH_PATHS:
        if fault == "unhealthy":
            return _code(18)
        return _code(17)
    if path == ACK_PATH and method == "POST":
        token_error, state = _authorise(headers, config)
        if token_error is not None:
            return token_error
        if state != "ack":
            return _code(14)
        if not channel:
            return _code(10)
        try:
            ack_ids = json.loads(body)["acks"]
            assert isinstance(ack_ids, list)
        except (ValueError, TypeError, KeyError, AssertionError):
            return _code(6)
        return _document(200, {"acks": acks.status(channel, ack_ids)})
    if path not in RAW_PATHS + EVENT_PATHS:
        if fault == "html":
            return HecReply(404, b"<!doctype html><title>Not found</title>",
                            (("Content-Type", "text/html"),))
        return _document(404, NOT_FOUND)
    if method != "POST":
        return _code(6)
    if fault in ("busy", "unhealthy"):  # full queues refuse data as well as health
        return _code(9, ("Retry-After", "30"))
    token_error, state = _authorise(headers, config)
    if token_error is not None:
        return token_error
    if state == "ack" and not channel:
        return _code(10)
    if channel and not GUID.fullmatch(channel):
        return _code(11)
    if not body.strip():
        return _code(5)
    if len(body) > config.max_body:
        return HecReply(413, b"Content-Length of request exceeds max_content_length",
                        (("Content-Type", "text/plain"),))
    if fault == "incorrect-index" or query.get("index") == ["forbidden"]:
        return _code(7, **{"invalid-event-number": 0})
    defaults = {name: query[name][0] for name in ("index", "sourcetype", "source", "host")
                if name in query}
    if path in EVENT_PATHS:
        events, failure = _json_events(body, defaults)
        if failure is not None:
            return failure
    else:
        events = _raw_events(body, defaults)
    if channel:
        events = [{"channel": channel, **event} for event in events]
    extra = {"ackId": acks.issue(channel)} if state == "ack" else {}
    reply = _code(0, **extra)
    return HecReply(reply.status, reply.body, reply.headers, tuple(events))


def _raw_events(body: bytes, defaults: dict[str, str]) -> list[dict[str, object]]:
    text = body.decode("utf-8", "replace")
    return [{"endpoint": "raw", "index": "main", **defaults, "event": line}
            for line in text.splitlines() if line.strip()]


def _json_events(body: bytes, defaults: dict[str, str]
                 ) -> tuple[list[dict[str, object]], HecReply | None]:
    """Splunk's /event body: JSON objects one after another, each with an ``event`` field."""
    decoder = json.JSONDecoder()
    text = body.decode("utf-8", "replace")
    events: list[dict[str, object]] = []
    position = 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position == len(text):
            return events, None
        number = {"invalid-event-number": len(events)}
        try:
            document, position = decoder.raw_decode(text, position)
        except ValueError:
            return [], _code(6, **number)
        if not isinstance(document, dict) or "event" not in document:
            return [], _code(12, **number)
        if document["event"] in ("", None):
            return [], _code(13, **number)
        fields = {k: document[k] for k in ("index", "sourcetype", "source", "host", "time",
                                           "fields") if k in document}
        events.append({"endpoint": "event", "index": "main", **defaults, **fields,
                       "event": document["event"]})


def _authorise(headers: Mapping[str, str], config: HecConfig) -> tuple[HecReply | None, str]:
    fault = fault_name(config.fault)
    value = headers.get("authorization")
    if value is None:
        return _code(2), ""
    scheme, _, token = value.partition(" ")
    if scheme != "Splunk" or not token:
        return _code(3), ""
    state = config.tokens.get(token)
    if state is None:
        return _code(4), ""
    if state == "disabled" or fault == "disabled-token":
        return _code(1), ""
    return None, state


