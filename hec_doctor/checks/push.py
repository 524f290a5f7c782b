"""Logpush's push, measured: the Go probe posts as the pusher does, and its facts are judged here.

``start`` sends the push to the Go probe as soon as the live checks begin, so it runs beside
them (a healthy check pays about one round trip more, not a second whole exchange);
``check_push`` waits for it and judges what Go saw, with the same reading of HEC's replies as
the Python probes (``hec_replies``). The ported verifier's prediction stays the explanation
(which rule, which certificate, which fix) and the fallback where there is no probe.

What counts as delivered, and redirects (logpush-api-facts.md, "Success, retry, disable"): a
batch is a success when "uploaded to your destination without errors or timeouts" (DOC-health),
and Cloudflare's own failure query filters ``status_neq:200`` (DOC-alerts): HTTP 200 is
delivery; no source says whether another 2xx counts, nor whether Logpush follows redirects.
Where no source says, the report gives both outcomes rather than guess.
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from hec_doctor.checks.base import Context
from hec_doctor.hec.spec import HEALTH_PATH, RAW_PATH
from hec_doctor.models import Outcome, PushOutcomeFacts, Status
from hec_doctor.redact import credentials_in

# Characters that stay as written in a request's query (as hec.py sends it).
_QUERY_SAFE = "%:/@-._~!$'()*+,;=?"
# Replies a proxy gives when the backend is down or slow: the destination fails now, and the
# token was never judged (RFC 9110 section 15.6).
PROXY_ERRORS = frozenset({502, 503, 504})


@dataclass(frozen=True)
class GoHealthReply:
    """The GET of HEC's health path the probe made after the push, on the push's transport.

    Attributes:
        status, headers, body: the reply (status 0: none came; ``error`` says why).
        truncated: the body ended early (Go's read error in ``read_error``).
        error: Go's error text when no reply came.
        reused: it went over the push's connection (no connection of its own).
    """

    status: int = 0
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    truncated: bool = False
    read_error: str = ""
    error: str = ""
    reused: bool = False

    @classmethod
    def from_probe(cls, answer: Mapping[str, Any]) -> GoHealthReply:
        return cls(status=int(answer.get("status", 0)), headers=dict(answer.get("headers") or {}),
                   body=str(answer.get("body", "")).encode("utf-8", "surrogateescape"),
                   truncated=bool(answer.get("truncated")),
                   read_error=str(answer.get("read_error", "")),
                   error=str(answer.get("error", "")), reused=bool(answer.get("reused")))


@dataclass(frozen=True)
class GoBodyLimit:
    """What the head of a push of ``size`` bytes got, no byte of its body sent.

    Attributes:
        size: the Content-Length the head declared.
        status, headers, body: a final reply to the head alone (status 0: none).
        ready: the server asked for the body (100 Continue) or let Go's wait lapse.
        error: Go's error when neither came.
    """

    size: int
    status: int = 0
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    ready: bool = False
    error: str = ""

    @classmethod
    def from_probe(cls, answer: Mapping[str, Any]) -> GoBodyLimit:
        return cls(size=int(answer.get("size", 0)), status=int(answer.get("status", 0)),
                   headers=dict(answer.get("headers") or {}),
                   body=str(answer.get("body", "")).encode("utf-8", "surrogateescape"),
                   ready=bool(answer.get("ready")), error=str(answer.get("error", "")))


@dataclass(frozen=True)
class PushFacts:
    """What the Go probe measured for one push.

    Attributes:
        go_version: the Go that measured (``go1.27.3``).
        error: Go's error text, whole (``Post "https://...": ...``), or "".
        go_error: the part Logpush's error_message shows (``url.Error``'s inner error), or "".
        tls_version, cipher_suite, group, alpn: the negotiated TLS parameters ("" unknown).
        chain: the DER certificates the server sent, as Go saw them.
        status, proto, headers, body: the HTTP reply (status 0: none).
        truncated: the body ended early (Go's read error in ``read_error``).
        redirect: what Go's client would do with a redirect (it was not followed), or None.
        phases: seconds from the start to each phase Go traced.
        health: the health GET that followed the push, or None (the push got no whole reply;
            hec.health then asks itself).
        body_limit: the body-limit question that followed the health GET, or None.
    """

    go_version: str
    error: str = ""
    go_error: str = ""
    tls_version: str = ""
    cipher_suite: str = ""
    group: str = ""
    alpn: str = ""
    chain: tuple[bytes, ...] = ()
    status: int = 0
    proto: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    truncated: bool = False
    read_error: str = ""
    redirect: Mapping[str, Any] | None = None
    phases: Mapping[str, float] = field(default_factory=dict)
    health: GoHealthReply | None = None
    body_limit: GoBodyLimit | None = None

    @classmethod
    def from_probe(cls, answer: Mapping[str, Any]) -> PushFacts:
        tls = answer.get("tls") or {}
        http = answer.get("http") or {}
        return cls(
            go_version=str(answer.get("go_version", "")),
            error=str(answer.get("error", "")),
            go_error=str(answer.get("error_inner") or answer.get("error") or ""),
            tls_version=str(tls.get("version", "")),
            cipher_suite=str(tls.get("cipher_suite", "")),
            group=str(tls.get("group", "")),
            alpn=str(tls.get("alpn", "")),
            chain=tuple(base64.b64decode(c) for c in tls.get("peer_certificates") or ()),
            status=int(http.get("status", 0)),
            proto=str(http.get("proto", "")),
            headers=dict(http.get("headers") or {}),
            body=str(http.get("body", "")).encode("utf-8", "surrogateescape"),
            truncated=bool(http.get("truncated")),
            read_error=str(http.get("read_error", "")),
            redirect=answer.get("redirect"),
            phases=dict(answer.get("phases") or {}),
            health=GoHealthReply.from_probe(answer["health"]) if answer.get("health") else None,
            body_limit=(GoBodyLimit.from_probe(answer["body_limit"])
                        if answer.get("body_limit") else None),
        )

    @property
    def timed_out(self) -> str:
        """Which of Go's steps ran out of time: ``dial``, ``handshake``, ``reply`` or ""
        (net/http transport.go: "TLS handshake timeout", "timeout awaiting response headers";
        client.go: "(Client.Timeout exceeded while awaiting headers)"; net's dial timeout is
        "dial tcp ADDRESS: i/o timeout")."""
        from hec_doctor.gox509.text import HANDSHAKE_TIMEOUT

        error = self.go_error
        if not error:
            return ""
        if error == HANDSHAKE_TIMEOUT:
            return "handshake"
        if error.startswith("dial tcp ") and error.endswith(": i/o timeout"):
            return "dial"
        if self.tls_version and ("timeout awaiting response headers" in error
                                 or "Client.Timeout exceeded while awaiting headers" in error):
            return "reply"
        return ""

    @property
    def connection(self) -> str:
        """``HTTP/2.0, TLS 1.3 (X25519MLKEM768, TLS_AES_128_GCM_SHA256)``, as far as known."""
        inner = ", ".join(x for x in (self.group, self.cipher_suite) if x)
        tls = (self.tls_version or "TLS") + (f" ({inner})" if inner else "")
        return f"{self.proto}, {tls}" if self.proto else tls


class _Pending:
    """The push under way in the probe, and what it came to."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.answer: dict[str, Any] | None = None  # as the probe sent it, parsed on first read
        self.facts: PushFacts | None = None
        self.unavailable = ""
        self.probe: Any = None
        self.number = 0
        self.until = float("inf")
        self.wait_s = 0.0


def probe_status() -> tuple[Any, str]:
    """(the shared probe, "") or (None, why there is none)."""
    from hec_doctor import goprobe

    path, why = goprobe.locate()
    return (goprobe.shared(path), "") if path else (None, why)


def push_request(ctx: Context) -> dict[str, Any]:
    """What the probe sends: the push Logpush makes for this destination, empty (nothing is
    written: HEC answers code 5 to an empty push with a good token), and without its channel
    (see below)."""
    target, options = ctx.target, ctx.options
    dest = target.destination
    # Logpush posts to the path as written; a path holding a credential's shape (a query typed
    # after '&') is not sent: the raw endpoint stands in, and the report says so.
    path = dest.path if not credentials_in(dest.path) else RAW_PATH
    # Without the channel, as the Python token probe: a token with indexer acknowledgement on
    # then answers code 10, so this one empty push proves the token and reveals useACK at once.
    params = [f"{p.name}={quote(p.raw_value, safe=_QUERY_SAFE)}" for p in dest.params
              if not p.name.lower().startswith("header_")
              and p.name.lower() not in ("authorization", "token", "channel")]
    url = f"https://{dest.host_for_url}:{dest.effective_port}{path}"
    if params:
        url += "?" + "&".join(params)
    headers = {}
    for param in dest.params:
        if param.name.lower().startswith("header_") and param.value and \
                param is not dest.auth_param():
            from hec_doctor.redact import bad_character

            if not bad_character(param.value, allow_space=True):
                headers[param.name[len("header_"):]] = param.value
    token = target.token
    if token is not None and token.token and not token.unsendable:
        headers["Authorization"] = token.authorization
    if options.ca_file:
        roots = options.ca_file
    else:
        import certifi

        roots = certifi.where()
    return {
        "url": url, "method": "POST", "roots": roots, "headers": headers,
        "insecure_skip_verify": target.insecure_skip_verify, "timeout_s": options.timeout_s,
        "dial": _dial(ctx), "now": options.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        # hec.health's question, asked on the push's connection once the push has its reply,
        # then hec.body_limit's (the head of a push this large, no body).
        "health_path": HEALTH_PATH,
        "body_limit": options.body_limit_bytes,
    }


def _dial(ctx: Context) -> str:
    """Where the probe connects: the first address hec-doctor's lookup found (``net.dns``,
    which honours ``--resolve``), so that Go resolves nothing itself."""
    dns = ctx.facts.dns
    dest = ctx.target.destination
    if dns is None or not dns.addresses:
        return ""
    address = dns.addresses[0]
    address = f"[{address}]" if ":" in address else address
    return f"{address}:{dest.effective_port}"


def start(ctx: Context) -> None:
    """Send the push to the Go probe now, to run beside the other live checks (nothing for a
    plain-HTTP destination, which is never pushed to)."""
    dest = ctx.target.destination
    if dest.scheme not in ("https", "splunk") or not ctx.options.go_probe:
        return
    probe, why = probe_status()
    pending = _Pending()
    ctx.facts.push_pending = pending
    request = push_request(ctx)
    if not request["dial"]:
        probe, why = None, "no address to push to"
    if probe is None:
        pending.unavailable = why
        pending.done.set()
        return
    # The probe bounds each of its steps by the timeout (the push's whole exchange by 3x, then
    # the health GET and the body-limit head by 1x each); this only guards against a probe
    # that stops answering.
    wait_s = 6 * ctx.options.timeout_s + 5

    def arrived(answer: dict[str, Any] | None, why: str) -> None:
        # Called from the probe's reader thread: keep it short (the run's thread parses).
        pending.answer, pending.unavailable = answer, why
        pending.done.set()

    from hec_doctor.goprobe import ProbeUnavailable

    try:
        pending.number = probe.submit(request, arrived)
    except ProbeUnavailable as exc:
        pending.unavailable = str(exc)
        pending.done.set()
        return
    pending.probe, pending.until = probe, time.monotonic() + wait_s
    pending.wait_s = wait_s


def measured(ctx: Context) -> PushFacts | None:
    """The push Go measured for this run (waiting for it), or None (see ``why_predicted``)."""
    pending = ctx.facts.push_pending
    if not pending:
        return None
    from hec_doctor.net import deadline

    while not pending.done.wait(deadline.SLICE_S):
        late = time.monotonic() >= pending.until
        if deadline.interrupted() or late:
            if pending.probe is not None:
                pending.probe.forget(pending.number)
            pending.unavailable = ("interrupted" if not late else
                                   f"no answer from the probe within {pending.wait_s:g} s")
            pending.done.set()
            return None
    if pending.facts is None and pending.answer is not None:
        try:
            pending.facts = PushFacts.from_probe(pending.answer)
        except Exception as exc:  # never lose the run for the probe's sake
            pending.unavailable = f"the probe failed: {type(exc).__name__}"
        pending.answer = None
    return pending.facts


def go_connection(ctx: Context) -> PushFacts | None:
    """The push Go measured, when its connection is the one the live checks judge, so that they
    make none of their own (one connection per target, as Logpush's push): Go's handshake
    completed and a reply came back, or Go waited its whole timeout for one.

    None otherwise, and the checks connect themselves: a failure that came fast (a refusal, an
    alert, a certificate Go rejected, an error after the handshake) costs little to measure
    again, and the inspecting handshake tells its classes apart where Go's one line does not.
    A timeout is not measured again (it would only wait as long again): see ``timed_out``.
    """
    facts = measured(ctx)
    if facts is None or not facts.tls_version or not facts.chain:
        return None
    return facts if facts.status or facts.timed_out == "reply" else None


def why_predicted(ctx: Context) -> str:
    """Why no measurement stands behind this run's verdict."""
    pending = ctx.facts.push_pending
    if not ctx.options.go_probe:
        return "turned off (--no-go-probe)"
    if not pending:
        return ("nothing was pushed: the name did not resolve"
                if ctx.facts.dns is None or not ctx.facts.dns.addresses
                else "no push for this destination")
    return pending.unavailable or "no measurement"


def reply_of(facts: PushFacts | GoHealthReply, secrets: tuple[str, ...]) -> Any:
    """An HTTP reply Go got (the push's, or the health GET's), as the Python probes' ``Reply``,
    so one reading judges both."""
    from hec_doctor.net.http import Reply

    return Reply(facts.status, dict(facts.headers), facts.body, secrets=secrets,
                 truncated=facts.truncated)


def check_push(ctx: Context) -> Outcome:
    facts = measured(ctx)
    if facts is None:
        return Outcome(Status.SKIP, f"not measured: no Go probe ({why_predicted(ctx)}); the "
                       "verdict is the ported verifier's prediction")
    ctx.facts.push = facts
    return evaluate_push(facts, reply_of(facts, ctx.target.secrets),
                         ctx.facts.go_error, ctx.target.token is not None)


def evaluate_push(facts: PushFacts, reply: Any, port_error: str | None,
                  with_token: bool) -> Outcome:
    """Judge what Go saw: its error, or HEC's (or something else's) reply to the push."""
    from dataclasses import replace

    typed = PushOutcomeFacts(http_status=facts.status or None,
                             tls_version=facts.tls_version or None,
                             redirect=dict(facts.redirect) if facts.redirect else None,
                             go_version=facts.go_version, go_error=facts.go_error or None)
    return replace(_judge_push(facts, reply, port_error, with_token), facts=typed)


def _judge_push(facts: PushFacts, reply: Any, port_error: str | None,
                with_token: bool) -> Outcome:
    from hec_doctor.checks.hec import token_accepted
    from hec_doctor.hec.replies import diagnose

    who = f"Go {facts.go_version.removeprefix('go')}"
    data: dict[str, Any] = {"measured_with": facts.go_version, "go_error": facts.go_error or None,
                            "http_status": facts.status or None, "proto": facts.proto or None,
                            "tls_version": facts.tls_version or None,
                            "group": facts.group or None, "alpn": facts.alpn or None,
                            "cipher_suite": facts.cipher_suite or None,
                            "redirect": dict(facts.redirect) if facts.redirect else None,
                            "port_error": port_error}
    agree = ""
    if facts.go_error and port_error and facts.go_error != port_error:
        agree = (f" The ported verifier predicted a different error ({port_error}); the "
                 "measurement stands.")
    elif not facts.go_error and port_error:
        agree = (f" The ported verifier predicted an error ({port_error}) that Go did not "
                 "give; the measurement stands.")
    elif facts.go_error and not port_error:
        agree = " The ported verifier did not predict this error; the measurement stands."
    data["agrees_with_port"] = not agree
    if facts.go_error:
        return Outcome(Status.FAIL, f"{who}'s client: {reply.echo(facts.go_error)}",
                       "Measured: this is the error Logpush's Go client meets, as its "
                       "error_message shows it." + agree, data=data)
    where = f"{who} pushed ({facts.connection})"
    if facts.redirect:
        return _redirect(facts, where, data, agree)
    if reply.truncated:
        return Outcome(Status.ERROR, f"not judged: {where}, and {reply.truncation} "
                       f"({facts.read_error})", "A reply cut short proves nothing." + agree,
                       data=data)
    code = reply.hec_code
    if facts.status in PROXY_ERRORS and code is None:
        data["token_judged"] = False
        return Outcome(Status.FAIL, f"{where}: HTTP {facts.status} from a proxy in front of "
                       "HEC: the destination fails now (the token was not judged)",
                       "Logpush retries such replies for a while, then drops the logs." + agree,
                       diagnose(reply).fix, data=data)
    from hec_doctor.checks.hec import token_not_judged

    if token_not_judged(reply):
        data["token_judged"] = False
        return Outcome(Status.ERROR, f"not judged: {where}: {diagnose(reply).summary}",
                       "HEC refused the push before judging the token; Logpush retries such "
                       "replies for a while, then drops logs." + agree,
                       diagnose(reply).fix + " Then run the check again.", data=data)
    if facts.status == 200 and code is None:
        return Outcome(Status.FAIL, f"{where}: HTTP 200 that is not HEC's ({reply.shown[:80]}):"
                       " Logpush would count every push as delivered while nothing reaches Splunk",
                       "HEC answers a push with JSON carrying a code; this answer comes from "
                       "something else (a load balancer's default, a catch-all)." + agree,
                       "Point the destination at the HEC itself, or fix the load balancer's "
                       "routing to it.", data=data)
    if with_token and (token_accepted(reply) or code == 10):
        return Outcome(Status.PASS, f"{where}: HEC accepted the token (code {code}, nothing "
                       "written)", agree.strip(), data=data)
    if 200 <= facts.status < 300 and code is not None and not with_token:
        return Outcome(Status.PASS, f"{where}: HEC answered code {code}", agree.strip(),
                       data=data)
    diagnosis = diagnose(reply)
    status = Status.FAIL if with_token or facts.status >= 500 else Status.WARN
    return Outcome(status, f"{where}: {diagnosis.summary}", agree.strip(), diagnosis.fix,
                   data=data)


def _redirect(facts: PushFacts, where: str, data: dict[str, Any], agree: str) -> Outcome:
    redirect = facts.redirect or {}
    status, next_url = redirect.get("status"), str(redirect.get("url", ""))
    method = redirect.get("method", "GET")
    clear = next_url.startswith("http://")
    sends = bool(redirect.get("sends_authorization"))
    if sends and clear:
        token = ("and sends the Authorization header, the HEC token, in clear text over plain "
                 "HTTP")
    elif sends:
        token = "with the Authorization header"
    else:
        token = "without the Authorization header (Go drops it for another host)"
    follows = (f"If Logpush follows redirects, as Go's client does by default, it sends a "
               f"{method} to {next_url} {token}"
               + (" and the body again" if redirect.get("resends_body") else "")
               + f". If it does not (no source says), every push fails with HTTP {status}.")
    data["clear_text_token"] = sends and clear
    return Outcome(Status.FAIL, f"{where}: HTTP {status} redirect to {next_url[:200]}",
                   follows + " hec-doctor did not follow it." + agree,
                   "Point the destination at the HEC endpoint itself: HEC never redirects.",
                   data=data)
