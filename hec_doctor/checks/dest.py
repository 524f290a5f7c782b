"""Offline lint of the destination: scheme, port, path, query parameters, host naming.

Each ``evaluate_*`` function is pure (a parsed destination in, an Outcome out) so the rules can be
tested as tables; the ``check_*`` wrappers only pick their input out of the context.
"""

from __future__ import annotations

import ipaddress
import re

from hec_doctor.checks.base import Context
from hec_doctor.destination import RAW_PATH, Destination, InputForm, Target
from hec_doctor.models import Outcome, Status
from hec_doctor.redact import placeholder

GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
LOGPUSH_PORTS = (443, 8088)  # the only ports Cloudflare's Splunk documentation names
SPLUNK_MANAGEMENT_PORT = 8089
SPLUNK_WEB_PORT = 8000
HEC_DEFAULT_PORT = 8088
CLOUDFLARE_SOURCETYPE = "cloudflare:json"
KNOWN_PARAMS = frozenset(
    {"channel", "insecure-skip-verify", "sourcetype", "index", "host", "source", "token"}
)

SKIP_VERIFY_TRADE_OFF = (
    "insecure-skip-verify=true is curl's -k: the connection is still encrypted, but the server is "
    "not authenticated, so anyone able to impersonate the endpoint (DNS, routing, a proxy) "
    "receives the HEC token and every log line. It is acceptable only when the owner cannot fix "
    "the certificate (for example a Splunk Cloud endpoint); the proper fix is a certificate from "
    "a public CA whose subjectAltName holds the HEC host name."
)


def suggested_destination_conf(target: Target, new_guid: str) -> str:
    """The destination_conf this target should be, token shown only as a placeholder.

    Args:
        target: the target as given.
        new_guid: a channel GUID to use when the given one is missing or malformed.
    """
    dest = target.destination
    port = dest.effective_port
    if port in (SPLUNK_MANAGEMENT_PORT, SPLUNK_WEB_PORT):
        port = HEC_DEFAULT_PORT
    channel = dest.param("channel")
    skip = dest.param("insecure-skip-verify")
    sourcetype = dest.param("sourcetype")
    params = [
        f"channel={channel.value if channel and GUID.fullmatch(channel.value) else new_guid}",
        "insecure-skip-verify="
        + (skip.value if skip and skip.value in ("true", "false") else "false"),
        f"sourcetype={sourcetype.raw_value if sourcetype and sourcetype.value else CLOUDFLARE_SOURCETYPE}",
    ]
    for extra in ("index", "host", "source"):
        param = dest.param(extra)
        if param is not None:
            params.append(f"{extra}={param.raw_value}")
    token = target.token
    auth = placeholder(token.token) if token else "<YOUR-HEC-TOKEN>"
    params.append(f"header_Authorization=Splunk%20{auth}")
    return f"splunk://{dest.host_for_url}:{port}{RAW_PATH}?" + "&".join(params)


def evaluate_parse(dest: Destination) -> Outcome:
    """What form the target has and what was assumed."""
    forms = {
        InputForm.URL: "HEC URL",
        InputForm.DESTINATION_CONF: "Logpush destination_conf",
        InputForm.BARE: "bare host",
    }
    summary = f"{forms[dest.form]} for {dest.host_for_url}:{dest.effective_port}{dest.path}"
    notes = [a for a in dest.assumptions]
    status = Status.PASS
    if dest.userinfo:
        status = Status.WARN
        notes.append(
            "the URL carries user[:password]@, which Logpush does not use and which may hold a "
            "secret; pass the token as header_Authorization instead"
        )
    if dest.fragment is not None:
        status = Status.WARN
        notes.append(
            "everything after '#' is dropped by URL parsers; if a token or parameter holds '#', "
            "encode it as %23"
        )
    return Outcome(status, summary, "; ".join(notes), data={"form": dest.form.value})


def evaluate_scheme(dest: Destination) -> Outcome:
    """https (HEC URL) and splunk (destination_conf) pass; everything else fails."""
    if dest.scheme in ("https", "splunk"):
        return Outcome(Status.PASS, f"{dest.scheme}:// is right")
    if dest.scheme == "http":
        return Outcome(
            Status.FAIL,
            "http:// is plain text; Logpush only supports Splunk HEC over HTTPS",
            "The token and the logs would travel unencrypted, and Logpush refuses it anyway. "
            "hec-doctor never sends the token over plain HTTP.",
            "Enable SSL on the HEC (it is on by default, Global Settings > Enable SSL) and use "
            "splunk:// in the destination_conf (https:// for a URL).",
        )
    return Outcome(
        Status.FAIL,
        f"{dest.scheme}:// is not a HEC scheme",
        "A Logpush destination_conf for Splunk starts with splunk://; a HEC URL with https://.",
        "Write splunk://<host>:<port>/services/collector/raw?... (or https:// for a URL).",
    )


def evaluate_port(dest: Destination) -> Outcome:
    """443 and 8088 pass; Splunk's management and web ports fail; other ports warn."""
    port = dest.effective_port
    if dest.port is None:
        if dest.form is InputForm.DESTINATION_CONF:
            return Outcome(
                Status.WARN,
                "no port in the destination_conf; a client would use 443",
                "Cloudflare documents splunk://<host>:<port>/...; say the port.",
                "Add :443 or :8088 (Splunk's HEC default) after the host.",
            )
        return Outcome(Status.PASS, "no port given: https means 443")
    if port in LOGPUSH_PORTS:
        return Outcome(Status.PASS, f"port {port} is one Logpush supports")
    if port == SPLUNK_MANAGEMENT_PORT:
        return Outcome(
            Status.FAIL,
            "port 8089 is Splunk's management (REST) port, not HEC",
            "splunkd's REST API answers there; it does not accept HEC events.",
            "Use the HEC port: 8088 by default (Settings > Data inputs > HTTP Event Collector > "
            "Global Settings), or 443 behind a load balancer.",
        )
    if port == SPLUNK_WEB_PORT:
        return Outcome(
            Status.FAIL,
            "port 8000 is Splunk Web, not HEC",
            "Splunk Web answers with a redirect to its login page; it does not accept HEC events.",
            "Use the HEC port: 8088 by default, or 443 behind a load balancer.",
        )
    return Outcome(
        Status.WARN,
        f"port {port} is not one Cloudflare documents (443 or 8088)",
        "Cloudflare's documentation says the HEC port must be 443 or 8088; other ports may be "
        "accepted today, but that is not documented.",
        "Serve HEC on 8088 or 443 (for example through a load balancer) if Logpush rejects it.",
    )


def evaluate_path(dest: Destination) -> Outcome:
    """Only the raw endpoint works for Logpush."""
    path = dest.path
    if path == RAW_PATH:
        return Outcome(Status.PASS, f"{RAW_PATH} is the raw endpoint Logpush needs")
    if path == RAW_PATH + "/1.0":
        return Outcome(
            Status.WARN,
            f"{path} is the versioned alias of the raw endpoint",
            "Splunk accepts it, but Cloudflare documents only /services/collector/raw.",
            f"Use {RAW_PATH}.",
        )
    if path in ("/services/collector", "/services/collector/event", "/services/collector/event/1.0"):
        return Outcome(
            Status.FAIL,
            f"{path} is the JSON event endpoint; Logpush only supports the raw endpoint",
            "The event endpoint wants each event wrapped as {\"event\": ...}; Logpush sends raw "
            "log lines, which it rejects (code 6 'Invalid data format' or 12 'Event field is "
            "required').",
            f"Use {RAW_PATH}.",
        )
    return Outcome(
        Status.FAIL,
        f"{path} is not a HEC endpoint",
        "Splunk answers 404 'The requested URL was not found on this server.' for unknown paths.",
        f"Use {RAW_PATH}.",
    )


def evaluate_channel(dest: Destination, new_guid: str) -> Outcome:
    """A channel is a GUID; missing warns, malformed fails."""
    channels = dest.params_named("channel")
    if not channels or not channels[0].value:
        return Outcome(
            Status.WARN,
            "no channel parameter",
            "A channel is required when the token has indexer acknowledgement on (code 10 "
            "'Data channel is missing'), and Cloudflare's examples always send one.",
            f"Add channel={new_guid} (a freshly generated GUID).",
            data={"suggested_channel": new_guid},
        )
    value = channels[0].value
    if not GUID.fullmatch(value):
        return Outcome(
            Status.FAIL,
            "the channel is not a GUID",
            "Splunk rejects a malformed channel with code 11 'Invalid data channel'; it must be "
            "8-4-4-4-12 hexadecimal digits.",
            f"Use channel={new_guid} (a freshly generated GUID).",
            data={"suggested_channel": new_guid},
        )
    return Outcome(Status.PASS, f"channel {value} is a GUID")


def evaluate_sourcetype(dest: Destination) -> Outcome:
    """sourcetype missing warns; anything but cloudflare:json gets a note."""
    param = dest.param("sourcetype")
    if param is None or not param.value:
        return Outcome(
            Status.WARN,
            "no sourcetype parameter",
            "Without it, Splunk uses the token's default sourcetype, and the Cloudflare App for "
            "Splunk finds nothing: it reads sourcetype cloudflare:json.",
            f"Add sourcetype={CLOUDFLARE_SOURCETYPE}.",
        )
    if param.value == CLOUDFLARE_SOURCETYPE:
        return Outcome(Status.PASS, f"sourcetype {CLOUDFLARE_SOURCETYPE}")
    return Outcome(
        Status.PASS,
        f"sourcetype {param.value}",
        f"The Cloudflare App for Splunk only reads sourcetype {CLOUDFLARE_SOURCETYPE}; "
        "keep this one only if nothing relies on the app.",
    )


def evaluate_skip_verify(dest: Destination, override: bool | None) -> Outcome:
    """Only true/false are values; true warns, with the trade-off spelled out."""
    param = dest.param("insecure-skip-verify")
    if param is not None and param.value not in ("true", "false"):
        return Outcome(
            Status.FAIL,
            f"insecure-skip-verify={param.value} is not true or false",
            "Logpush expects exactly true or false.",
            "Write insecure-skip-verify=false (or true, see `hec-doctor explain "
            "insecure-skip-verify`).",
        )
    value = override if override is not None else (param is not None and param.value == "true")
    origin = "--insecure-skip-verify" if override is not None else "the target"
    if value:
        return Outcome(
            Status.WARN,
            f"insecure-skip-verify is true (from {origin}): the server is not authenticated",
            SKIP_VERIFY_TRADE_OFF,
            "Fix the certificate and set insecure-skip-verify=false.",
        )
    if param is None and override is None:
        return Outcome(Status.PASS, "insecure-skip-verify not given: false, certificates verified")
    return Outcome(Status.PASS, f"insecure-skip-verify is false (from {origin})")


def evaluate_query(dest: Destination) -> Outcome:
    """Repeated parameters are ambiguous; unknown ones are noted."""
    names = [p.name for p in dest.params]
    repeated = sorted({n for n in names if names.count(n) > 1})
    conflicting = [n for n in repeated if len({p.value for p in dest.params_named(n)}) > 1]
    unknown = sorted(
        {n for n in names if n not in KNOWN_PARAMS and not n.startswith("header_")}
    )
    notes = []
    if unknown:
        notes.append("Not HEC or Logpush parameters (passed on as they are): " + ", ".join(unknown))
    if conflicting:
        return Outcome(
            Status.FAIL,
            "parameters given more than once with different values: " + ", ".join(conflicting),
            "Only the first value counts (Go's url.Values.Get); the others are silently ignored. "
            + " ".join(notes),
            "Keep one of each.",
        )
    if repeated:
        return Outcome(
            Status.WARN,
            "parameters given more than once: " + ", ".join(repeated),
            " ".join(notes),
            "Keep one of each.",
        )
    return Outcome(Status.PASS, f"{len(names)} query parameters, none repeated", " ".join(notes))


def evaluate_host(dest: Destination) -> Outcome:
    """Splunk Cloud host naming, and addresses Cloudflare cannot reach or verify."""
    host = dest.host.lower().rstrip(".")
    if dest.is_ip:
        address = ipaddress.ip_address(host.split("%")[0])
        if not address.is_global:
            return Outcome(
                Status.WARN,
                f"{host} is not a public address: Cloudflare's pushers cannot reach it",
                "Logpush connects from Cloudflare's network; a private, loopback or link-local "
                "address only works for local testing.",
                "Use the public DNS name of the HEC endpoint.",
            )
        return Outcome(
            Status.WARN,
            f"{host} is an IP address: the certificate must carry it as an IP SAN",
            "Go checks an IP host only against the certificate's IP subjectAltNames; public CAs "
            "rarely issue those.",
            "Use the DNS name the certificate is issued for.",
        )
    if host.endswith(".splunkcloud.com"):
        first = host.split(".")[0]
        if first.startswith(("http-inputs-", "input-")):
            return Outcome(Status.PASS, f"{host} is a Splunk Cloud HEC host name")
        if first.startswith("prd-p-") and dest.effective_port == HEC_DEFAULT_PORT:
            return Outcome(Status.PASS, f"{host} is a Splunk Cloud trial stack on 8088")
        stack = host[: -len(".splunkcloud.com")]
        return Outcome(
            Status.WARN,
            f"{host} lacks the http-inputs- prefix Splunk Cloud HEC hosts carry",
            "On Splunk Cloud, HEC is served at http-inputs-<stack>.splunkcloud.com (port 443); "
            "the bare stack name is Splunk Web and the search head.",
            f"Use http-inputs-{stack}.splunkcloud.com:443.",
        )
    if host == "localhost" or host.endswith(".localhost") or "." not in host:
        return Outcome(
            Status.WARN,
            f"{host} is not a public DNS name: Cloudflare's pushers cannot resolve it",
            "Logpush resolves the host with public DNS (health code 1105 when it cannot).",
            "Use the public DNS name of the HEC endpoint.",
        )
    return Outcome(Status.PASS, f"{host} is a public-looking host name")


def fresh_guid(ctx: Context) -> str:
    """One fresh channel GUID per run, so every suggestion in a report names the same one."""
    guid: str = ctx.facts.setdefault("guid", ctx.options.new_guid())
    return guid


def check_parse(ctx: Context) -> Outcome:
    return evaluate_parse(ctx.target.destination)


def check_scheme(ctx: Context) -> Outcome:
    return evaluate_scheme(ctx.target.destination)


def check_port(ctx: Context) -> Outcome:
    return evaluate_port(ctx.target.destination)


def check_path(ctx: Context) -> Outcome:
    return evaluate_path(ctx.target.destination)


def check_channel(ctx: Context) -> Outcome:
    return evaluate_channel(ctx.target.destination, fresh_guid(ctx))


def check_sourcetype(ctx: Context) -> Outcome:
    return evaluate_sourcetype(ctx.target.destination)


def check_skip_verify(ctx: Context) -> Outcome:
    target = ctx.target
    override = target.insecure_skip_verify if target.skip_verify_source == "option" else None
    return evaluate_skip_verify(target.destination, override)


def check_query(ctx: Context) -> Outcome:
    return evaluate_query(ctx.target.destination)


def check_host(ctx: Context) -> Outcome:
    return evaluate_host(ctx.target.destination)
