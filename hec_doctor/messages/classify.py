"""What an error message means: unwrap it, classify it against the catalog, explain it. Pure.

Messages arrive wrapped: a job's ``error_message`` quoted as JSON, the Cloudflare API's error
envelope, Go's ``Post "<url>": `` prefix, Logpush's ``error validating destination: error
writing object: `` prefix. ``unwrap`` peels those layers (keeping what each one said), the
innermost message is classified first, and matching ignores case. An unknown message is never
dropped: it is shown verbatim with the nearest known family.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache

from hec_doctor.hec.replies import CODES
from hec_doctor.messages.catalog import (
    CLASSES,
    CLOUDFLARE_API,
    GO,
    TLS_ALERTS,
    VALIDATION,
    MessageClass,
    Wording,
)

__all__ = ["CLASSES", "Explanation", "Unwrapped", "explain_message", "unwrap"]

_FAMILY_WORDS = (
    ("tls", ("x509", "tls", "ssl", "certificate", "handshake")),
    ("net", ("dial", "tcp", "connect", "lookup", "network", "socket", "host")),
    ("hec", ("token", "hec", "splunk", "index", "channel")),
    ("logpush", ("logs older", "time range", "backfill", "logpush", "logpull")),
    ("cloudflare", ("destination", "job", "zone", "account", "api")),
    ("http", ("error 4", "error 5", "status", "http")),
)
_FAMILY_TITLES = {
    "tls": "a TLS or certificate problem", "net": "a network problem",
    "hec": "a HEC reply", "logpush": "a Logpush scheduling problem",
    "cloudflare": "an error from Cloudflare's API", "http": "an HTTP reply from the server or a "
    "proxy",
}
# Cloudflare API error codes whose meaning for Logpush is documented or shown in real replies.
_API_CODES = {
    1002: "it refused the destination when the job was created or updated",
    1004: "the request is not allowed for this token or plan",
    6003: "it could not read the request's headers",
    9109: "it did not accept the token for this resource",
    10000: "it did not accept the token",
}
# Who printed a message, told by marks only that program leaves.
_SPEAKERS = (
    (re.compile(r"SSL_connect returned=|OpenSSL::SSL|Failed to open TCP connection|"
                r"Net::(?:Open|Read)Timeout|getaddrinfo:"), "Ruby (net/http over OpenSSL)"),
    (re.compile(r"javax\.net\.ssl|sun\.security|java\.(?:net|security)|PKIX path"), "Java"),
    (re.compile(r"curl: \(\d+\)|SSL certificate problem:"), "curl (OpenSSL)"),
    (re.compile(r"\[SSL: |_ssl\.c:"), "Python (OpenSSL)"),
    # Node: its own host name check (lib/tls.js), and an error's code in parentheses as
    # hec-doctor's Node client prints it (OpenSSL's verify codes, ERR_TLS_*, EPROTO).
    (re.compile(r"Hostname/IP does not match certificate's altnames|\((?:ERR_TLS_\w+|"
                r"UNABLE_TO_\w+|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|CERT_\w+|"
                r"EPROTO)\)$"), "Node (OpenSSL)"),
    (re.compile(r"x509: |\btls: |net/http: |^(?:Post|Put) \"|dial tcp|Client\.Timeout"), GO),
)


_FOREIGN = frozenset(name for _, name in _SPEAKERS) - {GO}
_FOREIGN_WORDINGS = frozenset({"OpenSSL", "OpenSSL (Python)", "curl", "Java", "Ruby", "Node",
                               "OpenSSL (curl)", "OpenSSL (curl, Python, Node)"})


@dataclass(frozen=True)
class Unwrapped:
    """A message with its wrappers peeled off.

    Attributes:
        texts: the message at each depth, innermost first, the whole message last.
        context: what each wrapper said, outermost first.
        details: what the wrappers named (url, api_code).
    """

    texts: tuple[str, ...]
    context: tuple[str, ...]
    details: tuple[tuple[str, str], ...]


# Details hec-doctor writes itself (not read from the message): shown as they are.
_OWN_DETAILS = frozenset({"alert_meaning", "go_example"})


@dataclass(frozen=True)
class Explanation:
    """What a message means.

    Attributes:
        message: the message, verbatim.
        matched: the class that matched, or None when the message is unknown.
        nearest_family: for an unknown message, the family its words point to ("" if none).
        cause, fix: the explanation (for a HEC code, the code's own).
        details: what was read from the message (host, names, code, url, ...).
        producer: who printed the message ("" when unknown).
        context: what the wrappers around the message said, outermost first.
        generic: explained for a destination other than Splunk HEC.
    """

    message: str
    matched: MessageClass | None
    nearest_family: str
    cause: str
    fix: str
    details: tuple[tuple[str, str], ...] = ()
    producer: str = ""
    context: tuple[str, ...] = ()
    generic: bool = False

    def rendered(self) -> Explanation:
        """This explanation as it may be shown: what came from the message (the message, what
        its wrappers said, what was read from it) with credential shapes hidden; the class's
        own words as they are."""
        from dataclasses import replace

        from hec_doctor.redact import render_input, render_message

        def shown(name: str, value: str) -> str:
            if name in _OWN_DETAILS:
                return value
            return render_input(value) if name == "url" else render_message(value)

        return replace(self, message=render_message(self.message),
                       details=tuple((name, shown(name, value)) for name, value in self.details),
                       context=tuple(render_message(layer) for layer in self.context))

    @property
    def title(self) -> str:
        if self.matched is not None:
            return (self.generic and self.matched.title_any) or self.matched.title
        family = _FAMILY_TITLES.get(self.nearest_family)
        return f"unknown message (nearest: {family})" if family else "unknown message"


def unwrap(message: str) -> Unwrapped:
    """Peel JSON quoting, the Cloudflare API envelope, Go's request prefix and Logpush's
    validation prefixes off ``message``."""
    texts = [message]
    context: list[str] = []
    details: list[tuple[str, str]] = []
    text = message.strip()
    for _ in range(8):  # each layer shortens the text; a bound keeps odd input cheap
        peeled = _peel(text, context, details)
        if peeled is None or peeled == text:
            break
        text = peeled
        texts.append(text)
    return Unwrapped(tuple(reversed(texts)), tuple(context), tuple(details))


_GO_REQUEST = re.compile(r'^(?:Post|Put|Get) "(?P<url>[^"]*)":\s*(?P<rest>.+)$', re.S)
_VALIDATION = re.compile(r"^.*?(?:error validating destination|invalid destination "
                         r"configuration):\s*(?P<rest>.+)$", re.I | re.S)
_WRITING = re.compile(r"^error writing object:\s*(?P<rest>.+)$", re.I | re.S)


def _peel(text: str, context: list[str], details: list[tuple[str, str]]) -> str | None:
    """One layer off ``text`` (recording what it said), or None when there is none."""
    if text[:1] in '"{' and text[-1:] in '"}':
        try:
            document = json.loads(text)
        except (ValueError, RecursionError):
            document = None
        if isinstance(document, str):
            context.append("quoted as a JSON string")
            return document.strip()
        if isinstance(document, dict):
            return _from_object(document, context, details)
    found = _GO_REQUEST.match(text)
    if found:
        details.append(("url", found.group("url")))
        context.append(f"Go's HTTP client, sending to {found.group('url')}")
        return found.group("rest").strip()
    found = _VALIDATION.match(text)
    if found:
        context.append("Cloudflare's destination validation, when the job was created or "
                       "updated")
        return found.group("rest").strip()
    found = _WRITING.match(text)
    if found:
        context.append("writing Cloudflare's small test object to the destination")
        return found.group("rest").strip()
    return None


def _from_object(document: dict, context: list[str],
                 details: list[tuple[str, str]]) -> str | None:
    errors = document.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        first = errors[0]
        code = first.get("code")
        said = [str(first.get("message", ""))]
        chain = first.get("error_chain")
        if isinstance(chain, list):
            said += [str(link.get("message", "")) for link in chain if isinstance(link, dict)]
        if isinstance(code, int):
            details.append(("api_code", str(code)))
            meaning = _API_CODES.get(code)
            context.append(f"the Cloudflare API's error {code}"
                           + (f": {meaning}" if meaning else ""))
        else:
            context.append("the Cloudflare API's error envelope")
        return ": ".join(part for part in said if part) or None
    message = document.get("error_message")
    if isinstance(message, str) and message:
        context.append("a Logpush job's error_message")
        return message
    return None  # a HEC reply ({"text", "code"}) and anything else is matched as it is


def explain_message(message: str, destination: str = "splunk") -> Explanation:
    """The class a message belongs to (innermost text first), or the nearest family.

    Args:
        message: the message, as pasted or as a job's error_message.
        destination: the destination's scheme; for anything but ``splunk`` no HEC reply is
            read into the message and fixes name no Splunk setting.
    """
    unwrapped = unwrap(message)
    splunk = destination == "splunk"
    for text in unwrapped.texts:
        for cls in CLASSES:
            if cls.splunk_only and not splunk:
                continue
            found, wording = _search(cls, text)
            if found is None or not _reads(cls, found):
                continue
            return _explained(message, unwrapped, cls, found, wording, splunk)
    family = _nearest_family(message, splunk)
    return Explanation(
        message, None, family,
        "hec-doctor does not know this message"
        + (f"; its words point to {_FAMILY_TITLES[family]}" if family else "") + ".",
        "Run hec-doctor check on the job's destination_conf: it tests each step Logpush takes."
        if splunk else "hec-doctor does not deep-check this destination; its provider's "
        "documentation covers its own errors.",
        unwrapped.details, _speaker(message, None), unwrapped.context, generic=not splunk)


def _search(cls: MessageClass, text: str) -> tuple[re.Match[str] | None, Wording | None]:
    found = _compiled(cls.pattern).search(text)
    if found is not None:
        return found, None
    for wording in cls.wordings:
        found = _compiled(wording.pattern).search(text)
        if found is not None:
            return found, wording
    return None, None


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _reads(cls: MessageClass, found: re.Match[str]) -> bool:
    """Whether a match means what its class says (a HEC code must be one Splunk has)."""
    return cls.id != "hec.code" or int(found.group("code")) in CODES


def _explained(message: str, unwrapped: Unwrapped, cls: MessageClass, found: re.Match[str],
               wording: Wording | None, splunk: bool) -> Explanation:
    details = [(k, v) for k, v in found.groupdict().items() if v is not None]
    # A message naming the destination's kind ("error uploading to https: ...") is about that
    # kind, whatever the caller assumed: a Splunk destination_conf's scheme is splunk.
    named = found.groupdict().get("scheme")
    if named and named.lower() != "splunk":
        splunk = False
    alert = found.groupdict().get("alert")
    if alert and cls.id == "tls.remote-alert":
        meaning = TLS_ALERTS.get(alert.strip().lower())
        if meaning is not None:
            details.append(("alert_meaning", meaning))
    cause = cls.cause if splunk or not cls.cause_any else cls.cause_any
    fix = cls.fix if splunk or not cls.fix_any else cls.fix_any
    code = _hec_code(cls, found)
    if code is not None:
        entry = CODES[code]
        cause = f"HEC code {code} '{entry.text}': {entry.cause}"
        fix = entry.fix or "Nothing to fix: this code is not an error."
    if not splunk:
        fix = _without_hec_doctor_check(fix)
    producer = _wrapper_speaker(unwrapped) or _speaker(message, wording) or cls.producer
    if producer in _FOREIGN or (wording is not None and wording.speaker in _FOREIGN_WORDINGS):
        # Another client's words: show what Logpush's own Go client says for the same failure.
        details.append(("go_example", cls.example))
    return Explanation(message, cls, cls.family, cause, fix,
                       tuple(unwrapped.details) + tuple(details), producer, unwrapped.context,
                       generic=not splunk)


def _without_hec_doctor_check(fix: str) -> str:
    """A fix for a destination hec-doctor does not check: the sentences sending the user to
    ``hec-doctor check`` go (it checks Splunk HEC destinations only)."""
    if "hec-doctor check" not in fix:
        return fix
    kept = [s for s in re.split(r"(?<=[.:;])\s+", fix) if "hec-doctor check" not in s]
    return " ".join(kept) or ("Check the endpoint with its provider's own tools; hec-doctor "
                              "checks Splunk HEC destinations only.")


def _wrapper_speaker(unwrapped: Unwrapped) -> str:
    """Cloudflare, when a wrapper shows Cloudflare said it (its API, or its validation)."""
    if any(layer.startswith("Cloudflare's destination validation") for layer in unwrapped.context):
        return VALIDATION
    if any(layer.startswith("the Cloudflare API") for layer in unwrapped.context):
        return CLOUDFLARE_API
    return ""


def _speaker(message: str, wording: Wording | None) -> str:
    for marks, name in _SPEAKERS:
        if marks.search(message):
            return name
    return wording.speaker if wording is not None else ""


def _hec_code(cls: MessageClass, found: re.Match[str]) -> int | None:
    """The HEC code a ``hec.code``/``hec.text`` match names (None for other classes)."""
    if cls.id == "hec.code":
        return int(found.group("code"))
    if cls.id == "hec.text":
        said = found.group("text").lower()
        return next((c.code for c in CODES.values() if c.text.lower() == said), None)
    return None


def _nearest_family(message: str, splunk: bool = True) -> str:
    lowered = message.lower()
    best, best_hits = "", 0
    for family, words in _FAMILY_WORDS:
        if family == "hec" and not splunk:
            continue
        hits = sum(word in lowered for word in words)
        if hits > best_hits:
            best, best_hits = family, hits
    return best
