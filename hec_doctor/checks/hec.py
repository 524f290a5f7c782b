"""HEC protocol probes: health, a token check that writes nothing, indexer acknowledgement, and
(only with --send-event) a Logpush-shaped test event.

Safety rules, enforced by the registry's prerequisites and by ``exchange``: the token only goes
out over TLS, on the connection whose certificate chain was judged (a new connection must show
the same certificate), only after Go's verdict on that chain passed (or insecure-skip-verify is
true, which the report then says); redirects are never followed; every reply is read to at most
64 KiB within the step's time budget (see ``wire``).
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from hec_doctor.checks.base import Context
from hec_doctor.hec.replies import CODES, diagnose
from hec_doctor.hec.spec import HEALTH_PATH, RAW_PATH, RAW_PATHS
from hec_doctor.models import AckFacts, AddressesFacts, HecReplyFacts, Outcome, Status
from hec_doctor.net.errors import Kind, TransportError
from hec_doctor.net.http import Reply, TlsStream, http_exchange
from hec_doctor.redact import fingerprint, redact_echo

if TYPE_CHECKING:
    from hec_doctor.checks.push import PushFacts

_QUERY_SAFE = "%:/@-._~!$'()*+,;=?"
# The FAQ's sample line: what a Logpush batch line for http_requests looks like.
FAQ_EVENT = (b'{"BotScore":99,"BotScoreSrc":"Machine Learning","CacheCacheStatus":"miss",'
             b'"CacheResponseBytes":2478}')
USER_AGENT = "hec-doctor (Logpush pre-flight check)"


class ProbeError(Exception):
    """An exchange that produced no HTTP reply (TLS failure, timeout, reset)."""


def _judged_address(ctx: Context) -> str:
    tcp = ctx.facts.tcp
    assert tcp is not None and tcp.connected is not None
    return tcp.connected.address


def _stream(ctx: Context, address: str) -> TlsStream:
    """The judged connection when it can carry another request; else a new one to ``address``
    that must present the very certificate that was judged (I/O)."""
    from hec_doctor.net.tls import open_tls

    stream = ctx.facts.stream
    if stream is not None and stream.reusable and address == _judged_address(ctx):
        return stream
    dest = ctx.target.destination
    opened = open_tls(address, dest.effective_port, dest.host, ctx.options.timeout_s)
    if opened.stream is None:
        failure = opened.attempt.outcome if opened.tls is None else opened.tls.failure
        raise ProbeError(f"cannot reconnect: {'tcp' if opened.tls is None else 'TLS'} {failure}")
    fresh = ctx.own(opened.stream)
    assert opened.tls is not None and ctx.facts.tls is not None
    if opened.tls.chain[:1] != ctx.facts.tls.chain[:1] and not ctx.target.insecure_skip_verify:
        fresh.close()
        raise ProbeError("on a new connection the server presented a different certificate "
                         "than the one judged; nothing was sent")
    if address == _judged_address(ctx):
        ctx.facts.stream = fresh
    return fresh


def exchange(ctx: Context, method: str, path: str, *, query: str = "",
             body: bytes = b"", authorization: str | None = None,
             address: str | None = None, stream: TlsStream | None = None) -> Reply:
    """One request over the judged TLS connection, with the real host in Host (I/O).

    Raises:
        ProbeError: when no HTTP reply came back.
        TransportError: CANCELLED when the run is interrupted.
    """
    dest = ctx.target.destination
    address = address or _judged_address(ctx)
    host_header = dest.host_for_url if dest.effective_port == 443 else (
        f"{dest.host_for_url}:{dest.effective_port}")
    headers = [("Host", host_header), ("User-Agent", USER_AGENT)]
    if authorization is not None:
        headers.append(("Authorization", authorization))
    if method == "POST":
        headers.append(("Content-Type", "text/plain"))
    target = path + (f"?{query}" if query else "")
    _trace_request(ctx, address, method, target, headers, body)
    try:
        channel = stream or _stream(ctx, address)
        reused = channel.exchanges > 0
        try:
            reply = http_exchange(channel, method, target, headers, body, ctx.options.timeout_s)
        except TransportError as exc:
            # A kept-alive connection the server dropped while idle: one fresh try, as any
            # HTTP client does. Every probe here is safe to repeat (the event at worst twice).
            if stream is not None or not reused or not exc.before_reply:
                raise
            channel.reusable = False
            reply = http_exchange(_stream(ctx, address), method, target, headers, body,
                                  ctx.options.timeout_s)
    except TransportError as exc:
        ctx.facts.wire.append(f"< no reply: {redact_echo(str(exc), ctx.target.secrets)}")
        if exc.kind is Kind.CANCELLED:
            raise
        raise ProbeError(f"no reply within {ctx.options.timeout_s:g} s"
                         if exc.kind is Kind.TIMEOUT else str(exc)) from None
    reply = replace(reply, secrets=ctx.target.secrets)
    _trace_reply(ctx, reply)
    return reply


def _trace_request(ctx: Context, address: str, method: str, target: str,
                   headers: list[tuple[str, str]], body: bytes) -> None:
    """The request as ``--debug`` shows it: the token only as its fingerprint."""
    from hec_doctor.redact import render_input

    secrets = ctx.target.secrets
    wire = ctx.facts.wire
    shown = redact_echo(render_input(target), secrets)
    wire.append(f"> {method} {shown} HTTP/1.1  (to {address})")
    for name, value in headers:
        if name.lower() == "authorization":
            scheme = value.split(" ", 1)[0]
            token = value.split(" ", 1)[1] if " " in value else value
            value = f"{scheme} <token {fingerprint(token)}>"
        wire.append(f"> {name}: {redact_echo(value, secrets)}")
    if body:
        wire.append(f"> ({len(body)} bytes of body)")


def _trace_reply(ctx: Context, reply: Reply) -> None:
    wire = ctx.facts.wire
    wire.append(f"< HTTP {reply.status}" + ("  (cut short)" if reply.truncated else ""))
    for name, value in reply.headers.items():
        wire.append(f"< {name}: {reply.echo(value)[:200]}")
    if reply.body:
        wire.append(f"< {reply.shown}")


def _event_query(ctx: Context) -> str:
    """The query of a Logpush-shaped post: the destination's HEC parameters, and a channel."""
    # Values go as written, except that anything unsafe in a request line (spaces, CR, LF,
    # controls) is percent-encoded: no parameter can split the request.
    params = [f"{p.name}={quote(p.raw_value, safe=_QUERY_SAFE)}"
              for p in ctx.target.destination.params
              if p.name in ("channel", "sourcetype", "index", "host", "source")]
    if not ctx.target.destination.param("channel"):
        params.insert(0, f"channel={ctx.fresh_guid()}")
    return "&".join(params)


def evaluate_health(reply: Reply) -> Outcome:
    """Judge the health endpoint's reply."""
    note = ("Health does not prove the token: Splunk ignores the token there. The token check "
            "below does.")
    code = reply.hec_code
    data = {"http_status": reply.status, "code": code, "bytes_read": len(reply.body)}
    facts = HecReplyFacts(reply.status, code, truncated=reply.truncated)
    if reply.truncated:
        return Outcome(Status.ERROR, f"not judged: {reply.truncation}", note,
                       "Look at what is in front of HEC, then run the check again.",
                       data={**data, "truncated": True}, facts=facts)
    if code == 17:
        return Outcome(Status.PASS, "HEC is healthy (code 17)", note, data=data, facts=facts)
    diagnosis = diagnose(reply)
    return Outcome(Status.FAIL, diagnosis.summary, note, diagnosis.fix, data=data, facts=facts)


# Replies that say HEC could not take the request at all (overload, shutdown, an internal
# error): they come before or instead of a verdict on the token, so they judge nothing about it.
# Codes and HTTP pairs from Splunk's "Troubleshoot HTTP Event Collector" table (hec-facts.md).
NOT_JUDGED_CODES = frozenset({8, 9, 18, 19, 20, 23, 24})
NOT_JUDGED_HTTP = frozenset({429, 502, 503, 504})


def token_accepted(reply: Reply) -> bool:
    """True for the replies that prove HEC accepted the token of an empty POST: code 5 'No
    data' with HTTP 400, as Splunk pairs them, or code 0 with HTTP 200, and complete."""
    return not reply.truncated and (reply.hec_code, reply.status) in ((5, 400), (0, 200))


def token_not_judged(reply: Reply) -> bool:
    """True when HEC (or something in front of it) refused the request without judging the token."""
    code = reply.hec_code
    return code in NOT_JUDGED_CODES or (code is None and reply.status in NOT_JUDGED_HTTP)


def evaluate_token_reply(reply: Reply, sent_unverified: bool) -> Outcome:
    """Judge the reply to an empty POST carrying the token (nothing is written)."""
    code = reply.hec_code
    data = {"http_status": reply.status, "code": code, "reply": reply.shown}
    facts = HecReplyFacts(reply.status, code, reply.shown, truncated=reply.truncated)
    caveat = (" The token was sent without authentication of the server, because "
              "insecure-skip-verify is true." if sent_unverified else "")
    if reply.truncated:
        data["truncated"] = True
        return Outcome(Status.ERROR, f"not judged: {reply.truncation}",
                       "A reply cut short is no proof that HEC accepted the token, whatever its "
                       "first bytes say: Go's client reading it would get 'unexpected EOF'. "
                       "Something between the client and Splunk (or Splunk itself) broke the "
                       "connection off." + caveat,
                       "Look at the load balancer or proxy in front of HEC (idle and body "
                       "timeouts, connection limits), then run the check again.", data=data,
                       facts=facts)
    if token_accepted(reply) or code == 10:
        what = {5: "code 5 'No data': nothing was written",
                10: "code 10: the token is known, and demands a channel",
                0: "code 0 to an empty request"}[code]  # type: ignore[index]
        return Outcome(Status.PASS, f"the token is accepted ({what})", caveat.strip(), data=data,
                       facts=facts)
    diagnosis = diagnose(reply)
    if token_not_judged(reply):
        return Outcome(Status.ERROR, f"not judged: {diagnosis.summary}",
                       "HEC refused the request before judging the token; Logpush retries such "
                       "replies for a while, then drops logs." + caveat,
                       diagnosis.fix + " Then run the check again.", data=data, facts=facts)
    return Outcome(Status.FAIL, diagnosis.summary, caveat.strip(), diagnosis.fix, data=data,
                   facts=facts)


def evaluate_ack(reply: Reply, has_channel: bool) -> Outcome:
    """Indexer acknowledgement on a Logpush token is a trap: Logpush never polls /ack."""
    entry = CODES[10]
    if reply.hec_code == 10 or "ackId" in (reply.json or {}):
        consequence = ("every push fails with code 10 'Data channel is missing'" if not has_channel
                       else "events are accepted but acknowledgements pile up unread until the "
                       "ACK capacity is reached (code 26)")
        return Outcome(Status.FAIL, "the token has indexer acknowledgement on (useACK)",
                       f"Logpush never polls /services/collector/ack: {consequence}.", entry.fix)
    return Outcome(Status.PASS, "indexer acknowledgement is off for this token")


def evaluate_event(reply: Reply, index: str | None, sourcetype: str | None) -> Outcome:
    """Judge the reply to the Logpush-shaped test event."""
    if reply.truncated:
        return Outcome(Status.ERROR, f"not judged: {reply.truncation}",
                       "A reply cut short is no proof that the event was accepted.",
                       "Look at what is in front of HEC, then run the check again.",
                       data={"http_status": reply.status, "truncated": True},
                       facts=HecReplyFacts(reply.status, truncated=True))
    if reply.hec_code == 0 and reply.status == 200:
        where = (f"index={index or '<the token default index>'} "
                 f"sourcetype={sourcetype or '<the token default>'}")
        search = (f'index={index or "*"} sourcetype="{sourcetype or "*"}" BotScore=99 '
                  "earliest=-15m")
        return Outcome(Status.PASS,
                       'the test event was accepted ({"text":"Success","code":0})',
                       f"It went to {where}. Find it in Splunk with: {search}",
                       data={"index": index, "sourcetype": sourcetype},
                       facts=HecReplyFacts(reply.status, 0))
    diagnosis = diagnose(reply)
    return Outcome(Status.FAIL, diagnosis.summary, "", diagnosis.fix,
                   data={"http_status": reply.status, "reply": reply.shown},
                   facts=HecReplyFacts(reply.status, reply.hec_code, reply.shown))


def _probe(ctx: Context, method: str, path: str, **kwargs: Any) -> Reply | Outcome:
    try:
        return exchange(ctx, method, path, **kwargs)
    except ProbeError as exc:
        return _no_reply(ctx, redact_echo(str(exc), ctx.target.secrets))


def _no_reply(ctx: Context, why: str) -> Outcome:
    """A request over a working TLS connection got no HTTP answer; later probes are not sent
    (they would only wait as long again)."""
    ctx.facts.silent_http = True
    return Outcome(Status.FAIL, f"no HTTP reply: {why}",
                   "The TLS connection worked, but the request got no answer.",
                   "Check what serves HTTPS on this port.")


def check_health(ctx: Context) -> Outcome:
    go = ctx.facts.go_connection
    if go is not None and go.tls_version:
        judged = _go_health(ctx, go)
        if judged is not None:
            return judged
    reply = _probe(ctx, "GET", HEALTH_PATH)
    if isinstance(reply, Outcome):
        return reply
    ctx.facts.health = reply
    return evaluate_health(reply)


def _go_health(ctx: Context, go: PushFacts) -> Outcome | None:
    """The health GET the Go probe made on the push's connection (this run made none of its
    own), or the push's silence; None when Go did not ask (the push's reply was cut short), and
    the check asks itself."""
    from hec_doctor.checks.push import reply_of

    if not go.status:  # Go waited its whole timeout for the push's reply (push.timed_out)
        return _no_reply(ctx, f"no reply within {ctx.options.timeout_s:g} s (to the push Go "
                         "sent on this connection; health was not asked of a silent server)")
    health = go.health
    if health is None:
        return None
    ctx.facts.wire.append(f"> GET {HEALTH_PATH} HTTP/1.1  (sent by the Go probe, " + (
        "on the push's connection)" if health.reused else "on a new connection)"))
    if not health.status:
        why = redact_echo(health.error, ctx.target.secrets)
        ctx.facts.wire.append(f"< no reply: {why}")
        return _no_reply(ctx, why)
    reply = reply_of(health, ctx.target.secrets)
    _trace_reply(ctx, reply)
    ctx.facts.health = reply
    return evaluate_health(reply)


def check_token_reply(ctx: Context) -> Outcome:
    token = ctx.target.token
    if token is None:
        return Outcome(Status.SKIP, "no token given (set HEC_TOKEN or pass --token)")
    if token.unsendable:
        return Outcome(Status.SKIP, f"not sent: the token holds {token.unsendable} (see "
                       "dest.token)")
    from hec_doctor.checks.push import measured as measured_push
    from hec_doctor.checks.push import reply_of

    if ctx.facts.silent_http:
        pushed = measured_push(ctx)
        carried = (" by hec-doctor; only Go's push carried it, and got no reply either (see "
                   "logpush.push)") if pushed is not None and not pushed.status else ""
        return Outcome(Status.SKIP, "not run: the server gave no HTTP reply to hec.health, "
                       "so the token was not sent" + carried)
    path = token_path(ctx)

    facts = measured_push(ctx)
    if facts is not None and facts.go_error:
        return Outcome(Status.SKIP, "not sent by hec-doctor: Go's client failed before HEC "
                       f"answered ({facts.go_error}; see logpush.push)")
    if facts is not None and facts.status:
        # The Go probe's push carried the token: its reply is the answer, and the token
        # travelled once, as Logpush sends it.
        reply = reply_of(facts, ctx.target.secrets)
        measured = f" Measured: Go {facts.go_version.removeprefix('go')}'s push carried it."
    else:
        # No channel on purpose: an indexer-acknowledgement token answers code 10, so this one
        # request proves the token and reveals useACK at once.
        reply = _probe(ctx, "POST", path, authorization=token.authorization)
        if isinstance(reply, Outcome):
            return reply
        measured = ""
    ctx.facts.token_reply = reply
    sent_unverified = not ctx.facts.tls_verified
    outcome = evaluate_token_reply(reply, sent_unverified)
    if measured:
        outcome = replace(outcome, detail=(outcome.detail + measured).strip())
    also = [_also_tested(ctx, extra, path) for extra in ctx.target.extra_tokens]
    if not also:
        return outcome
    lines = [f"{row['source']} ({row['fingerprint']}) was tested too: {row['result']}"
             for row in also]
    if token.in_destination:
        lines.insert(0, f"Judged on {token.source}, the token Logpush sends.")
    detail = " ".join(filter(None, (outcome.detail, *lines)))
    return replace(outcome, detail=detail, data={**outcome.data, "also_tested": also})


def token_path(ctx: Context) -> str:
    """The raw endpoint as the destination names it (``/raw`` or ``/raw/1.0``)."""
    path = ctx.target.destination.path
    return path if path in RAW_PATHS else RAW_PATH


def _also_tested(ctx: Context, candidate: Any, path: str) -> dict[str, Any]:
    """The answer to one more token given besides the destination's (``--token``, HEC_TOKEN)."""
    row: dict[str, Any] = {"source": candidate.source,
                           "fingerprint": fingerprint(candidate.token)}
    try:
        reply = exchange(ctx, "POST", path, authorization=candidate.authorization)
    except ProbeError as exc:
        row.update(code=None, result=f"no reply ({exc})")
        return row
    row["code"] = reply.hec_code
    row["result"] = ("accepted" if token_accepted(reply) or reply.hec_code == 10
                     else diagnose(reply).summary)
    return row


def check_ack(ctx: Context) -> Outcome:
    reply = ctx.facts.token_reply
    assert reply is not None
    has_channel = ctx.target.destination.param("channel") is not None
    outcome = evaluate_ack(reply, has_channel)
    return replace(outcome, data={"has_channel": has_channel}, facts=AckFacts(has_channel))


def check_event(ctx: Context) -> Outcome:
    if not ctx.options.send_event:
        return Outcome(Status.SKIP, "not run: pass --send-event to post a test event "
                       "(it writes one event to the index)")
    token = ctx.target.token
    assert token is not None
    dest = ctx.target.destination
    reply = _probe(ctx, "POST", token_path(ctx), query=_event_query(ctx),
                   body=ctx.options.event or FAQ_EVENT, authorization=token.authorization)
    if isinstance(reply, Outcome):
        return reply
    ctx.facts.event_reply = reply
    index, sourcetype = dest.param("index"), dest.param("sourcetype")
    return evaluate_event(reply, index.value if index else None,
                          sourcetype.value if sourcetype else None)


def check_addresses(ctx: Context) -> Outcome:
    """Every address behind the name: the same certificate and the same token answer?"""
    from hec_doctor.checks.tls import roots
    from hec_doctor.gox509.verify import go_cert, rfc3339, verify
    from hec_doctor.net.tls import open_tls

    assert ctx.facts.dns is not None
    addresses = ctx.facts.dns.addresses
    if len(addresses) < 2:
        return Outcome(Status.PASS, "one address: nothing to compare")
    dest, options = ctx.target.destination, ctx.options
    trusted = roots(ctx)
    token = ctx.target.token
    token_sent = ctx.facts.token_reply is not None  # only where the token check itself sent it
    rows: list[dict[str, Any]] = []
    for address in addresses:
        row: dict[str, Any] = {"address": address}
        rows.append(row)
        opened = open_tls(address, dest.effective_port, dest.host, options.timeout_s)
        if opened.tls is None:
            row["state"] = f"tcp {opened.attempt.outcome}"
            continue
        if opened.stream is None:
            row["state"] = f"tls {opened.tls.failure}"
            continue
        stream = ctx.own(opened.stream)
        row["certificate"] = hashlib.sha256(opened.tls.chain[0]).hexdigest()[:16]
        chain = [go_cert(d) for d in opened.tls.chain]
        row["not_after"] = rfc3339(chain[0].not_after)
        error = verify(chain, dest.host, trusted, options.now())
        row["state"] = "verified" if error is None else error
        if token_sent and token and (error is None or ctx.target.insecure_skip_verify):
            try:
                reply = exchange(ctx, "POST", token_path(ctx), address=address, stream=stream,
                                 authorization=token.authorization)
                row["token_code"] = reply.hec_code
            except ProbeError as exc:
                row["token_code"] = f"no reply ({exc})"
    shapes = {(r.get("state"), r.get("certificate"), r.get("token_code")) for r in rows}
    data = {"addresses": rows}
    facts = AddressesFacts({r["address"]: r["not_after"] for r in rows if "not_after" in r})
    listing = "; ".join(
        f"{r['address']}: {r.get('state')}" + (f", cert {r['certificate']}" if "certificate" in r
                                               else "")
        + (f", token code {r['token_code']}" if "token_code" in r else "") for r in rows)
    if len(shapes) == 1:
        return Outcome(Status.PASS, f"all {len(rows)} addresses answer alike", listing, data=data,
                       facts=facts)
    return Outcome(
        Status.FAIL, f"the {len(rows)} addresses behind {dest.host} do not answer alike",
        "Logpush connects to any of them, so pushes fail intermittently (for example an "
        "intermittent code 4 where a token is missing on one indexer). " + listing,
        "Install the same certificate and the same tokens on every node behind the name, or "
        "remove the odd address from DNS.", data=data, facts=facts)


def check_body_limit(ctx: Context) -> Outcome:
    """Does something in front of HEC (or HEC itself) refuse a push of Logpush's batch size?
    Asked by the Go probe with the head of such a push and no byte of its body (see
    ``probe.go``'s askBodyLimit), after the health GET, without the token."""
    from hec_doctor.checks.push import measured, why_predicted

    go = measured(ctx)
    if go is None:
        return Outcome(Status.SKIP, f"not measured: no Go probe ({why_predicted(ctx)}); it "
                       "sends the head of a large push and withholds its body")
    asked = go.body_limit
    if asked is None:
        return Outcome(Status.SKIP, "not asked: the push or the health GET got no reply")
    from hec_doctor.models import SMALLEST_UPLOAD_BYTES

    outcome = evaluate_body_limit(asked.size, asked.status, asked.body, asked.ready,
                                  asked.error, ctx.target.secrets)
    why = ("the smallest max_upload_bytes a job can set" if asked.size == SMALLEST_UPLOAD_BYTES
           else "the job's max_upload_bytes")
    return replace(outcome, data={**outcome.data, "size_is": why})


def evaluate_body_limit(size: int, status: int, body: bytes, ready: bool, error: str,
                        secrets: tuple[str, ...]) -> Outcome:
    """Judge the answer to the head of a push of ``size`` bytes sent alone."""
    megabytes = f"{size / 1_000_000:g} MB"
    data: dict[str, Any] = {"size": size, "http_status": status or None, "ready": ready}
    if status == 413:
        shown = redact_echo(body.decode("utf-8", "replace"), secrets)
        words = " ".join(shown.split())[:80]
        return Outcome(
            Status.WARN, f"a push of {megabytes} is refused before any of it is sent: HTTP 413"
            + (f" ({words})" if words else ""),
            # nginx's default: "Syntax: client_max_body_size size; Default: 1m;"
            # (nginx.org, ngx_http_core_module; Debian's nginx 1.22.1 answers a 5 MB head with
            # 413 when the directive is left out, tests/test_frontends.py).
            "Something in front of HEC (nginx refuses bodies over client_max_body_size, 1 MB "
            "unless set; a load balancer's or proxy's request size limit) or HEC itself "
            "(limits.conf [http_input] max_content_length) refuses a request of this size from "
            "its Content-Length alone. Logpush's batches reach the job's max_upload_bytes "
            "(5 MB to 1 GB, uncompressed; whether pushes to Splunk are compressed has no "
            "public source) unless the job caps them: small test pushes pass while busy "
            "periods fail with this 413.",
            "Raise the limit above the job's max_upload_bytes (nginx: client_max_body_size), "
            "or cap the job's batches below it with max_upload_bytes or max_upload_records.",
            data=data)
    if ready:
        return Outcome(Status.PASS, f"a push of {megabytes} is not refused for its size: no "
                       "413 to its head, and the body was awaited (hec-doctor sent none of it)",
                       "What HEC does with a body over its own max_content_length once it has "
                       "read it cannot be seen without sending one.", data=data)
    if status:
        return Outcome(Status.PASS, f"a push of {megabytes} is not refused for its size: the "
                       f"head alone got HTTP {status}, not 413", data=data)
    return Outcome(Status.SKIP, f"not judged: no answer to the head of a {megabytes} push ("
                   + redact_echo(error, secrets) + ")", data=data)
