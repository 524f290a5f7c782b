"""The Splunk HEC protocol as the look-alike plays it: one pure function from a request to
Splunk's reply, with Splunk's codes and texts taken from the same table ``check`` judges with
(``hec_doctor.hec.replies.CODES``), so the two cannot drift."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qs, urlsplit

from hec_doctor.hec.replies import CODES
from hec_doctor.hec.spec import ACK_PATH, EVENT_PATHS, GUID, HEALTH_PATHS, RAW_PATHS

# The faults the look-alike can play, by their documented (hyphenated) names; the same names with
# underscores are accepted everywhere too (the CLI, HecConfig, the pytest marker, set_fault).
# queues-full is what Splunk does when its indexing queues are full (hec-facts.md, Splunk's
# "Troubleshoot HTTP Event Collector" table): the health endpoint answers code 18 "HEC is
# unhealthy, queues are full", and a push with a good token code 9 "Server is busy".
FAULTS = ("busy", "queues-full", "disabled-token", "incorrect-index", "slow", "proxy-502",
          "redirect", "html")
# Older names, still accepted: "unhealthy" played queues-full under a name that promised only
# half of it (issue #27).
ALIASES = {"unhealthy": "queues-full"}


def fault_name(name: str | None) -> str | None:
    """A fault's documented name (``disabled_token`` gives ``disabled-token``), or None.

    Raises:
        ValueError: for a name that is no fault.
    """
    if name is None:
        return None
    canonical = name.strip().lower().replace("_", "-")
    canonical = ALIASES.get(canonical, canonical)
    if canonical not in FAULTS:
        raise ValueError(f"unknown fault {name!r}; choose from {', '.join(FAULTS)}")
    return canonical


# Splunk Enterprise's default limits.conf [http_input] max_content_length: 838860800 bytes
# (800 MiB), as measured on splunk/splunk:10.4.3 by a public HEC conformance suite (2026-09-25).
SPLUNK_MAX_CONTENT_LENGTH = 838_860_800
# Splunk's own index for events that name none (inputs.conf [http] index: "the default index").
DEFAULT_INDEX = "main"


@dataclass(frozen=True)
class TokenSettings:
    """One token's settings, as a [http://name] stanza of inputs.conf.spec holds them.

    Attributes:
        state: ``enabled``, ``disabled`` or ``ack`` (useACK = true).
        query_auth: allowQueryStringAuth: the token may come as ``?token=`` (default false).
        index: the token's default index (default: Splunk's ``main``).
        indexes: the indexes its events may name; empty means any known index ("If you do
            not specify this value, the index list is empty, and any index can be used").
    """

    state: str = "enabled"
    query_auth: bool = False
    index: str = DEFAULT_INDEX
    indexes: tuple[str, ...] = ()


def parse_token_spec(spec: str, *, ack: bool = False) -> tuple[str, TokenSettings]:
    """``TOKEN`` or ``TOKEN:OPTION,...`` (``serve --token``): the token and its settings.

    Options: ``ack``, ``disabled``, ``query-auth``, ``index=NAME``, ``indexes=A|B``.

    Raises:
        ValueError: for an empty token or an unknown option.
    """
    token, _, options = spec.partition(":")
    if not token.strip():
        raise ValueError(f"empty token in {spec!r}")
    settings = TokenSettings(state="ack" if ack else "enabled")
    for option in filter(None, (o.strip() for o in options.split(","))):
        name, _, value = option.partition("=")
        if option in ("ack", "disabled"):
            settings = replace(settings, state=option)
        elif option == "query-auth":
            settings = replace(settings, query_auth=True)
        elif name == "index" and value:
            settings = replace(settings, index=value)
        elif name == "indexes" and value:
            settings = replace(settings, indexes=tuple(value.split("|")))
        else:
            raise ValueError(f"unknown token option {option!r}; use ack, disabled, query-auth, "
                             "index=NAME or indexes=A|B")
    return token.strip(), settings


@dataclass
class HecConfig:
    """What the look-alike accepts.

    Attributes:
        tokens: token -> its state (``enabled``, ``disabled`` or ``ack``) or TokenSettings.
        fault: None, or one of FAULTS (hyphens or underscores).
        max_body: bytes accepted in one request (Splunk's max_content_length).
        slow_s: how long the ``slow`` fault waits before each reply.
        indexes: the indexes that exist; an event naming another gets code 7.
        retry_after: seconds for a ``Retry-After`` header on busy replies, or None (Splunk's
            documentation names no such header, so none is sent unless asked for).
    """

    tokens: dict[str, str | TokenSettings] = field(default_factory=dict)
    fault: str | None = None
    max_body: int = SPLUNK_MAX_CONTENT_LENGTH
    slow_s: float = 2.0
    indexes: tuple[str, ...] = (DEFAULT_INDEX,)
    retry_after: int | None = None

    def token(self, token: str) -> TokenSettings | None:
        """A token's settings, or None for a token HEC does not know."""
        settings = self.tokens.get(token)
        if settings is None or isinstance(settings, TokenSettings):
            return settings
        return TokenSettings(state=settings)


@dataclass(frozen=True)
class HecReply:
    """One reply; ``events`` holds what a successful post would have indexed; ``close`` asks
    the server to close the connection after it (the request's body was not read)."""

    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()
    events: tuple[dict[str, object], ...] = ()
    close: bool = False


def _document(status: int, document: Mapping[str, object],
              headers: tuple[tuple[str, str], ...] = ()) -> HecReply:
    body = json.dumps(document, separators=(",", ":")).encode()  # compact, as Splunk writes it
    return HecReply(status, body, (("Content-Type", "application/json; charset=UTF-8"),
                                   *headers))


def code_reply(code: int, *headers: tuple[str, str], **extra: object) -> HecReply:
    """Splunk's reply for a HEC code: its HTTP status and ``{"text", "code"}`` from the table."""
    entry = CODES[code]
    return _document(entry.http, {"text": entry.text, "code": code, **extra}, headers)


NOT_FOUND = {"text": "The requested URL was not found on this server.", "code": 404}
HTML = (("Content-Type", "text/html"),)


class AckBook:
    """Acknowledgement ids per token and channel, as a useACK token's channel hands them out.

    Splunk counts ids from 0 per channel, reports an id true once indexed, and forgets an id once
    it has answered true: polled again, it is false (measured on splunk/splunk:10.4.3 by a public
    HEC conformance suite, 2026-09-26).
    """

    def __init__(self) -> None:
        self._next: dict[tuple[str, str], int] = {}
        self._pending: dict[tuple[str, str], set[int]] = {}
        self._lock = threading.Lock()

    def issue(self, token: str, channel: str) -> int:
        with self._lock:
            key = (token, channel)
            value = self._next.get(key, 0)
            self._next[key] = value + 1
            self._pending.setdefault(key, set()).add(value)
            return value

    def status(self, token: str, channel: str, ack_ids: list[object]) -> dict[str, bool]:
        with self._lock:
            pending = self._pending.get((token, channel), set())
            # Everything issued is indexed at once: the look-alike has no indexing lag.
            answer = {str(i): isinstance(i, int) and i in pending for i in ack_ids}
            pending.difference_update(i for i in ack_ids if isinstance(i, int))
            return answer


def answer(method: str, target: str, headers: Mapping[str, str], body: bytes,
           config: HecConfig, acks: AckBook | None = None) -> HecReply:
    """Splunk's reply to one request (header names lower-case; ``body`` already decoded from
    any Content-Encoding and Transfer-Encoding)."""
    parts = urlsplit(target)
    path, query = parts.path, parse_qs(parts.query, keep_blank_values=True)
    fault = fault_name(config.fault)
    acks = acks if acks is not None else AckBook()
    channel = (query.get("channel") or [headers.get("x-splunk-request-channel", "")])[0]
    if fault == "proxy-502":
        return HecReply(502, b"<html><body><h1>502 Bad Gateway</h1></body></html>", HTML)
    if fault == "redirect":
        return HecReply(303, b"", (("Location", "/en-US/account/login?return_to=%2F"),))
    if fault == "html":  # something else answers: every path, health and token included
        return HecReply(200, b"<!doctype html><title>Welcome</title><p>It works.", HTML)
    known = path in HEALTH_PATHS + RAW_PATHS + EVENT_PATHS or path == ACK_PATH
    if not known:
        return _document(404, NOT_FOUND)
    if method == "OPTIONS":
        # Measured: every route answers OPTIONS with 200, an empty body, no token needed.
        allow = "GET,HEAD,OPTIONS" if path in HEALTH_PATHS else "POST,OPTIONS"
        return HecReply(200, b"", (("Allow", allow),))
    if path in HEALTH_PATHS:
        # Health checks no token (measured: no token, the token and a bogus one alike).
        return code_reply(18) if fault == "queues-full" else code_reply(17)
    if method != "POST":
        return _document(405, NOT_FOUND)  # measured: GET on /event is 405 with this body
    token, token_error = _authorise(headers, query, config)
    if token_error is not None:
        return token_error
    assert token is not None
    settings = config.token(token)
    assert settings is not None
    if path == ACK_PATH:
        return _ack(settings, token, channel, body, acks)
    if settings.state == "ack" and not channel:
        return code_reply(10)
    if channel and not GUID.fullmatch(channel):
        return code_reply(11)
    if fault in ("busy", "queues-full"):
        # Real busy replies carry invalid-event-number: Splunk had accepted the token and was
        # taking events when its queues refused them (splunk-connect-for-kubernetes #474, #555).
        extra = (("Retry-After", str(config.retry_after)),) if config.retry_after else ()
        return code_reply(9, *extra, **{"invalid-event-number": 0})
    if not body.strip():
        return code_reply(5)
    if fault == "incorrect-index":
        return code_reply(7, **{"invalid-event-number": 0})
    defaults: dict[str, str] = {name: query[name][0]
                                for name in ("index", "sourcetype", "source", "host")
                                if name in query}
    defaults.setdefault("index", settings.index)
    if path in EVENT_PATHS:
        events, failure = _json_events(body, defaults, settings, config)
        if failure is not None:
            return failure
    else:
        if not _index_allowed(defaults["index"], settings, config):
            return code_reply(7, **{"invalid-event-number": 0})
        events = _raw_events(body, defaults)
    if channel:
        events = [{"channel": channel, **event} for event in events]
    acked = {"ackId": acks.issue(token, channel)} if settings.state == "ack" else {}
    reply = code_reply(0, **acked)
    return HecReply(reply.status, reply.body, reply.headers, tuple(events))


def _ack(settings: TokenSettings, token: str, channel: str, body: bytes,
         acks: AckBook) -> HecReply:
    if settings.state != "ack":
        return code_reply(14)
    if not channel:
        return code_reply(10)
    try:
        ack_ids = json.loads(body)["acks"]
        assert isinstance(ack_ids, list)
    except (ValueError, TypeError, KeyError, AssertionError):
        return code_reply(6)
    return _document(200, {"acks": acks.status(token, channel, ack_ids)})


def _index_allowed(index: object, settings: TokenSettings, config: HecConfig) -> bool:
    """inputs.conf.spec: the token's ``indexes`` limit where its events may go (empty: any);
    an index that does not exist is refused as well (code 7, "Incorrect index")."""
    if not isinstance(index, str):
        return False
    if settings.indexes:
        return index in settings.indexes
    return index in config.indexes or index == settings.index


def _raw_events(body: bytes, defaults: dict[str, str]) -> list[dict[str, object]]:
    text = body.decode("utf-8", "replace")
    return [{"endpoint": "raw", **defaults, "event": line}
            for line in text.splitlines() if line.strip()]


def _json_events(body: bytes, defaults: dict[str, str], settings: TokenSettings,
                 config: HecConfig) -> tuple[list[dict[str, object]], HecReply | None]:
    """Splunk's /event body: JSON objects one after another, each with an ``event`` field.

    Per object, as measured on splunk/splunk:10.4.3 (a public HEC conformance suite,
    2026-09-25/26): invalid JSON is code 6; ``event`` null or false code 6; a blank string code
    13; neither ``event`` nor ``fields`` code 12; ``fields`` holding an object (or an array of
    objects) code 15; an index the token may not use code 7. Each refusal names the object.
    """
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
            return [], code_reply(6, **number)
        if not isinstance(document, dict) or "event" not in document:
            return [], code_reply(12, **number)
        event = document["event"]
        if event is None or event is False:
            return [], code_reply(6, **number)
        if isinstance(event, str) and not event.strip():
            return [], code_reply(13, **number)
        fields = document.get("fields")
        if isinstance(fields, dict) and any(
                isinstance(v, dict) or (isinstance(v, list) and any(isinstance(x, (dict, list))
                                                                     for x in v))
                for v in fields.values()):
            return [], code_reply(15, **number)
        meta = {k: document[k] for k in ("index", "sourcetype", "source", "host", "time",
                                         "fields") if k in document}
        merged = {**defaults, **meta}
        if not _index_allowed(merged.get("index"), settings, config):
            return [], code_reply(7, **number)
        events.append({"endpoint": "event", **merged, "event": event})


def _authorise(headers: Mapping[str, str], query: Mapping[str, list[str]],
               config: HecConfig) -> tuple[str | None, HecReply | None]:
    """The token a request carries, or Splunk's refusal.

    Splunk's ways (Format events for HTTP Event Collector): ``Authorization: Splunk <token>``;
    basic authentication with the token as the password and any user; ``?token=`` only for a
    token with allowQueryStringAuth, and a query token "takes precedence, even if this feature
    is disabled" (inputs.conf.spec), so a refused one is code 16 whatever the header says.
    """
    fault = fault_name(config.fault)
    if "token" in query:
        token = query["token"][0]
        settings = config.token(token)
        if settings is None:
            return None, code_reply(4)
        if not settings.query_auth:
            return None, code_reply(16)
    else:
        value = headers.get("authorization")
        if value is None:
            return None, code_reply(2)
        scheme, _, credentials = value.strip().partition(" ")
        if scheme == "Basic":
            try:
                token = base64.b64decode(credentials, validate=True).decode().partition(":")[2]
            except (ValueError, UnicodeDecodeError):
                return None, code_reply(3)
        elif scheme == "Splunk":
            token = credentials.strip()
        else:
            return None, code_reply(3)
        if not token:
            return None, code_reply(3)
        settings = config.token(token)
        if settings is None:
            return None, code_reply(4)
    if settings.state == "disabled" or fault == "disabled-token":
        return None, code_reply(1)
    return token, None
