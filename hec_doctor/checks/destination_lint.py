"""Offline lint of the destination: scheme, port, path, query parameters, host naming.

Each ``evaluate_*`` function is pure (a parsed destination in, an Outcome out) so the rules can be
tested as tables; the ``check_*`` wrappers only pick their input out of the context.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass

from hec_doctor.advice import SKIP_VERIFY_TRADE_OFF
from hec_doctor.checks.base import Context
from hec_doctor.hec.spec import (
    AUTH_PARAM,
    CLOUDFLARE_SOURCETYPE,
    GUID,
    HEC_DEFAULT_PORT,
    LOGPUSH_DNS_HEALTH_CODE,
    LOGPUSH_PORTS,
    RAW_PATH,
    SPLUNK_MANAGEMENT_PORT,
    SPLUNK_WEB_PORT,
    TOKEN_PAGE,
    destination_conf,
)
from hec_doctor.models import CheckResult, ConfCorrection, LintFacts, Outcome, Status
from hec_doctor.redact import placeholder, render_input
from hec_doctor.target import Destination, InputForm, Target, is_auth_param

KNOWN_PARAMS = frozenset(
    {"channel", "insecure-skip-verify", "sourcetype", "index", "host", "source", "token"}
)


def corrected_destination_conf(target: Target, results: Sequence[CheckResult]) -> str | None:
    """The destination_conf this target should be (secrets as placeholders), or None when that
    is the input itself.

    What changes comes from the lint's findings (each one's ``LintFacts.correction``: port,
    Splunk Cloud host, channel, sourcetype, insecure-skip-verify), applied in check order; the
    rest is how a destination_conf is written: ``splunk://``, the raw path, the IDN form of the
    host, the input's parameters in their order and spelling, the token under
    ``header_Authorization`` as ``Splunk%20<placeholder>`` (any spelling of it, ``token=`` or
    ``Authorization=`` included), repeats dropped (Go reads the first), userinfo and fragment
    left out. A HEC URL or bare host always differs: it is not a destination_conf.
    """
    dest = target.destination
    host, port = dest.host_for_url, dest.effective_port
    changed: dict[str, str] = {}
    for result in results:
        lint = result.facts_as(LintFacts)
        if lint is None or lint.correction is None:
            continue
        host = lint.correction.host or host
        port = lint.correction.port or port
        changed.update(lint.correction.params)
    token = target.token
    auth = f"{AUTH_PARAM}=Splunk%20" + (placeholder(token.token) if token and token.token
                                        else "<YOUR-HEC-TOKEN>")
    params: list[str] = []
    seen: set[str] = set()
    for param in dest.params:
        key = AUTH_PARAM if is_auth_param(param.name) or param.name.lower() == "authorization" \
            or param.name == "token" else param.name
        if key in seen:
            continue  # Go's url.Values.Get reads the first; the others only confuse
        seen.add(key)
        if key == AUTH_PARAM:
            params.append(auth)
        elif key in changed:
            params.append(f"{key}={changed[key]}")
        else:
            params.append(param.shown())
    if "channel" not in seen and "channel" in changed:
        params.insert(0, f"channel={changed['channel']}")
    params += [f"{key}={value}" for key, value in changed.items()
               if key not in seen and key != "channel"]
    if AUTH_PARAM not in seen:
        params.append(auth)
    corrected = destination_conf(host, port, params)
    if dest.form is InputForm.DESTINATION_CONF and corrected == dest.shown_text:
        return None
    return corrected


def _correcting(*, port: int | None = None, params: dict[str, str] | None = None) -> LintFacts:
    """The facts of a finding that changes the port or parameters of the corrected conf."""
    return LintFacts(correction=ConfCorrection(port=port, params=params or {}))


def evaluate_parse(dest: Destination) -> Outcome:
    """What form the target has and what was assumed."""
    forms = {
        InputForm.URL: "HEC URL",
        InputForm.DESTINATION_CONF: "Logpush destination_conf",
        InputForm.BARE: "bare host",
    }
    summary = (f"{forms[dest.form]} for {dest.host_for_url}:{dest.effective_port}"
               f"{dest.shown_path}")
    notes = [a for a in dest.assumptions]
    status = Status.PASS
    if dest.surrounding and dest.form is InputForm.DESTINATION_CONF:
        shown = render_input(dest.surrounding)
        if dest.surrounding.strip(" "):
            # Cloudflare's API checks a destination_conf against ^[a-zA-Z0-9\.,_:/?%+&=\{\}-]+$
            # ("config string must match", message_catalog cloudflare.config-string): a line
            # break or tab around it is refused at create or update.
            return Outcome(
                Status.FAIL,
                f"the destination_conf has '{shown}' around it: Cloudflare's API refuses it "
                "(config string must match ^[a-zA-Z0-9\\.,_:/?%+&=\\{\\}-]+$)",
                "A Terraform heredoc keeps the line break before its closing marker; a value "
                "read from a file keeps its last line break.",
                "Write the destination_conf as a quoted string, or wrap the heredoc in chomp() "
                "(trimspace() for other whitespace).",
                data={"form": dest.form.value})
        status = Status.WARN
        notes.append(f"the destination_conf has spaces around it ('{shown}'), which Cloudflare's "
                     "API refuses: remove them")
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
            f"Use the HEC port: 8088 by default ({TOKEN_PAGE} > Global Settings), or 443 "
            "behind a load balancer.",
            facts=_correcting(port=HEC_DEFAULT_PORT),
        )
    if port == SPLUNK_WEB_PORT:
        return Outcome(
            Status.FAIL,
            "port 8000 is Splunk Web, not HEC",
            "Splunk Web answers with a redirect to its login page; it does not accept HEC events.",
            "Use the HEC port: 8088 by default, or 443 behind a load balancer.",
            facts=_correcting(port=HEC_DEFAULT_PORT),
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
    misplaced = _query_in_path(dest)
    if misplaced is not None:
        return Outcome(
            Status.FAIL,
            f"the path {dest.shown_path} holds the query: '{misplaced}' stands where '?' belongs",
            "Without '?' the parameters are part of the path: the channel, sourcetype and "
            f"{AUTH_PARAM} are never read (no token reaches Splunk), and Splunk answers 404 "
            "for the unknown path.",
            f"Write {RAW_PATH}?channel=...&{AUTH_PARAM}=Splunk%20<token> with '?' before the "
            "first parameter and '&' between them.",
        )
    path = dest.shown_path
    if dest.path == RAW_PATH:
        return Outcome(Status.PASS, f"{RAW_PATH} is the raw endpoint Logpush needs")
    if dest.path == RAW_PATH + "/1.0":
        return Outcome(
            Status.WARN,
            f"{path} is the versioned alias of the raw endpoint",
            "Splunk accepts it, but Cloudflare documents only /services/collector/raw.",
            f"Use {RAW_PATH}.",
        )
    if dest.path in ("/services/collector", "/services/collector/event",
                     "/services/collector/event/1.0"):
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


def _query_in_path(dest: Destination) -> str | None:
    """The ``&`` or ``;`` that stands where ``?`` belongs (``raw&channel=...``), or None."""
    if dest.params or not dest.path.startswith("/services/collector"):
        return None
    found = re.search(r"[&;][^&;=/]*=", dest.path)
    return found.group(0)[0] if found else None


def _shown_name(dest: Destination, name: str) -> str:
    param = dest.param(name)
    return param.shown_name if param is not None else name


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
            facts=_correcting(params={"channel": new_guid}),
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
            facts=_correcting(params={"channel": new_guid}),
        )
    return Outcome(Status.PASS, f"channel {channels[0].shown_value} is a GUID")


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
            facts=_correcting(params={"sourcetype": CLOUDFLARE_SOURCETYPE}),
        )
    if param.value == CLOUDFLARE_SOURCETYPE:
        return Outcome(Status.PASS, f"sourcetype {CLOUDFLARE_SOURCETYPE}")
    return Outcome(
        Status.PASS,
        f"sourcetype {param.shown_value}",
        f"The Cloudflare App for Splunk only reads sourcetype {CLOUDFLARE_SOURCETYPE}; "
        "keep this one only if nothing relies on the app.",
    )


def evaluate_skip_verify(dest: Destination, override: bool | None) -> Outcome:
    """Only true/false are values; true warns, with the trade-off spelled out."""
    param = dest.param("insecure-skip-verify")
    if param is not None and param.value not in ("true", "false"):
        return Outcome(
            Status.FAIL,
            f"insecure-skip-verify={param.shown_value} is not true or false",
            "Logpush expects exactly true or false.",
            "Write insecure-skip-verify=false (or true, see `hec-doctor explain "
            "insecure-skip-verify`).",
            facts=_correcting(params={"insecure-skip-verify": "false"}),
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
    repeated = [_shown_name(dest, n) for n in repeated]
    conflicting = [_shown_name(dest, n) for n in conflicting]
    unknown = sorted(
        {p.shown_name for p in dest.params
         if p.name not in KNOWN_PARAMS and not p.name.startswith("header_")}
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


# DNS limits (RFC 1035 section 2.3.4): 63 octets a label, 255 a name on the wire, which is 253
# characters written out without the trailing dot. Go's resolver refuses longer names too
# (net.isDomainName), so the lookup fails before any packet leaves.
MAX_LABEL_CHARS = 63
MAX_NAME_CHARS = 253


@dataclass(frozen=True)
class SplunkCloudHost:
    """A Splunk Cloud host name, judged against the HEC host forms Splunk documents.

    Splunk Cloud Platform's "Set up and use HTTP Event Collector in Splunk Web" (Getting Data In
    manual, section "Send data to HTTP Event Collector on Splunk Cloud Platform"):
    ``http-inputs-<host>.splunkcloud.com`` on AWS and for free trials (port 8088 on trials, 443
    otherwise), ``http-inputs.<host>.splunkcloud.com`` on Google Cloud and Azure, and
    ``http-inputs.<host>.splunkcloudgc.com`` for FedRAMP Moderate on AWS GovCloud. Older manuals
    (7.x, "Send data to HTTP Event Collector") give ``input-<host>`` for self-service stacks.

    Attributes:
        form: ``aws`` (http-inputs-), ``gcp-azure`` (http-inputs.), ``govcloud``,
            ``self-service`` (input-, older manuals), ``trial`` (prd-p-), or ``stack`` (no
            HEC prefix: the stack's Splunk Web).
        suggestion: the HEC host to use instead, or None when this one is a HEC form.
        summary: one line on what was found.
    """

    form: str
    suggestion: str | None
    summary: str


def splunk_cloud_host(host: str, port: int) -> SplunkCloudHost | None:
    """The Splunk Cloud HEC form of ``host``, or None when it is not a Splunk Cloud name."""
    name = host.lower().rstrip(".")
    domain = next((d for d in ("splunkcloudgc.com", "splunkcloud.com")
                   if name.endswith("." + d)), None)
    if domain is None:
        return None
    stack = name[: -len(domain) - 1]
    first, _, below = stack.partition(".")
    if domain == "splunkcloudgc.com":
        if first == "http-inputs" and below:
            return SplunkCloudHost("govcloud", None, f"{host} is a Splunk Cloud GovCloud HEC host")
        bare = stack.removeprefix("http-inputs-")
        return SplunkCloudHost(
            "stack", f"http-inputs.{bare}.{domain}",
            f"{host} is not the HEC host: on AWS GovCloud (FedRAMP) Splunk Cloud serves HEC at "
            f"http-inputs.<stack>.{domain}")
    if first.startswith("http-inputs-") and not below:
        return SplunkCloudHost("aws", None, f"{host} is a Splunk Cloud HEC host (AWS form)")
    if first == "http-inputs" and below:
        return SplunkCloudHost("gcp-azure", None,
                               f"{host} is a Splunk Cloud HEC host (Google Cloud or Azure form)")
    if first.startswith("input-") and not below:
        return SplunkCloudHost("self-service", None,
                               f"{host} is a Splunk Cloud HEC host (the input- form of older "
                               "self-service stacks)")
    if first.startswith("prd-p-") and not below and port == HEC_DEFAULT_PORT:
        return SplunkCloudHost("trial", None, f"{host} is a Splunk Cloud trial stack")
    return SplunkCloudHost(
        "stack", f"http-inputs-{stack}.{domain}",
        f"{host} lacks the http-inputs- (or http-inputs.) prefix of Splunk Cloud HEC hosts")


def evaluate_host(dest: Destination) -> Outcome:
    """Host naming: DNS limits, Unicode names, Splunk Cloud's HEC host forms, and addresses
    Cloudflare cannot reach or verify."""
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
    long_label = next((label for label in host.split(".") if len(label) > MAX_LABEL_CHARS), None)
    if long_label is not None or len(host) > MAX_NAME_CHARS:
        what = (f"the label {render_input(long_label)[:20]}… has {len(long_label)} characters; "
                f"DNS allows {MAX_LABEL_CHARS}" if long_label is not None else
                f"the name has {len(host)} characters; DNS allows {MAX_NAME_CHARS}")
        return Outcome(
            Status.FAIL, f"{render_input(dest.host)[:80]} cannot be a DNS name: {what}",
            "RFC 1035 limits labels to 63 characters and names to 253; no resolver, Go's "
            f"included, looks such a name up (Logpush health code {LOGPUSH_DNS_HEALTH_CODE}).",
            "Use the HEC host's real DNS name.")
    if dest.host_as_written and not dest.host_as_written.isascii():
        return Outcome(
            Status.WARN,
            f"{dest.shown_host} is written in Unicode; its IDN (punycode) form is {dest.host}",
            "DNS and certificates carry the IDN form: the certificate's subjectAltName must hold "
            f"{dest.host}, and Cloudflare's validation of a Unicode host is not documented.",
            f"Write the host as {dest.host} (the corrected destination_conf below does).",
            data={"idn": dest.host})
    cloud = splunk_cloud_host(host, dest.effective_port)
    if cloud is not None:
        if cloud.suggestion is None:
            return Outcome(Status.PASS, cloud.summary, data={"splunk_cloud": cloud.form})
        alternative = ""
        if cloud.suggestion.startswith("http-inputs-"):
            alternative = (" (on Google Cloud or Azure: "
                           + cloud.suggestion.replace("http-inputs-", "http-inputs.", 1) + ")")
        return Outcome(
            Status.WARN, cloud.summary,
            "Splunk Cloud serves HEC at http-inputs-<stack>.splunkcloud.com on AWS, "
            "http-inputs.<stack>.splunkcloud.com on Google Cloud and Azure, and "
            "http-inputs.<stack>.splunkcloudgc.com on AWS GovCloud; the bare stack name is "
            "Splunk Web and the search head.",
            f"Use {cloud.suggestion}:443{alternative}.",
            data={"splunk_cloud": cloud.form, "suggested_host": cloud.suggestion},
            facts=LintFacts(correction=ConfCorrection(host=cloud.suggestion, port=443)))
    if host == "localhost" or host.endswith(".localhost") or "." not in host:
        return Outcome(
            Status.WARN,
            f"{host} is not a public DNS name: Cloudflare's pushers cannot resolve it",
            f"Logpush resolves the host with public DNS (health code {LOGPUSH_DNS_HEALTH_CODE} "
            "when it cannot).",
            "Use the public DNS name of the HEC endpoint.",
        )
    return Outcome(Status.PASS, f"{host} is a public-looking host name")


def check_parse(ctx: Context) -> Outcome:
    return evaluate_parse(ctx.target.destination)


def check_scheme(ctx: Context) -> Outcome:
    return evaluate_scheme(ctx.target.destination)


def check_port(ctx: Context) -> Outcome:
    return evaluate_port(ctx.target.destination)


def check_path(ctx: Context) -> Outcome:
    return evaluate_path(ctx.target.destination)


def check_channel(ctx: Context) -> Outcome:
    return evaluate_channel(ctx.target.destination, ctx.fresh_guid())


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
