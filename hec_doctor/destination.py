"""Parsing what the user points hec-doctor at: a HEC URL, a Logpush destination_conf, or a host.

Pure functions only. The query string is split by hand, not by urllib, because the lint must see
it exactly as written: a raw space, a ``+`` or a doubled ``%2520`` in ``header_Authorization`` is
the very thing being diagnosed, and urllib would silently normalise it (it even deletes tabs and
newlines from URLs, see bpo-43882).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from enum import Enum
from urllib.parse import unquote, unquote_plus, urlsplit

from hec_doctor.errors import InputError, TargetError
from hec_doctor.redact import placeholder

RAW_PATH = "/services/collector/raw"
DEFAULT_PORT = 443  # what an https URL without a port connects to
AUTH_PARAM = "header_Authorization"

# Letters, digits, '-', '.', and '_' (not valid in DNS host names but found in private
# deployments; Go accepts it too).
_HOST_NAME = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_.])?")
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


class InputForm(str, Enum):
    """How the target was written."""

    URL = "url"
    DESTINATION_CONF = "destination_conf"
    BARE = "bare"


@dataclass(frozen=True)
class QueryParam:
    """One ``name=value`` pair of the query, exactly as written and decoded.

    Attributes:
        name: the parameter name, percent-decoded.
        raw_value: the value as written in the input.
        value: the value decoded as Go's ``url.ParseQuery`` decodes it (``+`` is a space), since
            Logpush is a Go program.
    """

    name: str
    raw_value: str
    value: str


@dataclass(frozen=True)
class Destination:
    """A parsed target.

    Attributes:
        text: the input as given. It may hold the token: never print it, use ``display()``.
        form: how the input was written.
        scheme: the scheme, lower-case (``https`` assumed for a bare host).
        host: host name (IDN converted to ASCII) or IP address without brackets.
        port: the port written in the input, or None.
        path: the path as written (the raw path assumed for a bare host without one).
        params: the query parameters in order, repeats included.
        fragment: anything after ``#``, or None.
        userinfo: True when the input carries ``user[:password]@``.
        assumptions: what hec-doctor filled in because the input did not say.
        userinfo_text: the ``user[:password]`` as written ("" when none): a secret, since HEC
            accepts the token as a basic-auth password.
    """

    text: str
    form: InputForm
    scheme: str
    host: str
    port: int | None
    path: str
    params: tuple[QueryParam, ...]
    fragment: str | None
    userinfo: bool
    assumptions: tuple[str, ...] = ()
    userinfo_text: str = ""

    @property
    def shown_text(self) -> str:
        """The input as written, with any ``user[:password]@`` replaced by ``<userinfo>@``."""
        if not self.userinfo_text:
            return self.text
        return self.text.replace(self.userinfo_text + "@", "<userinfo>@", 1)

    @property
    def effective_port(self) -> int:
        """The port a client connects to."""
        return self.port if self.port is not None else DEFAULT_PORT

    @property
    def is_ip(self) -> bool:
        """True when the host is an IP address literal."""
        try:
            ipaddress.ip_address(self.host)
        except ValueError:
            return False
        return True

    @property
    def host_for_url(self) -> str:
        """The host as it is written in a URL: IPv6 addresses in brackets."""
        if ":" in self.host:
            return f"[{self.host.replace('%', '%25')}]"
        return self.host

    def param(self, name: str) -> QueryParam | None:
        """The first parameter with this name (as Go's ``url.Values.Get`` picks), or None."""
        return next((p for p in self.params if p.name == name), None)

    def params_named(self, name: str) -> tuple[QueryParam, ...]:
        """Every parameter with this name, in order."""
        return tuple(p for p in self.params if p.name == name)

    def https_url(self, *, include_auth: bool = False) -> str:
        """The HTTPS URL a client posts to: the query without ``header_*`` parameters.

        Args:
            include_auth: keep ``header_Authorization`` in the query (for display, redacted).
        """
        query = "&".join(
            f"{p.name}={p.raw_value}"
            for p in self.params
            if include_auth or not p.name.startswith("header_")
        )
        url = f"https://{self.host_for_url}:{self.effective_port}{self.path}"
        return f"{url}?{query}" if query else url


# Cloudflare's API caps destination_conf at 4096 characters; twice that leaves room for a URL
# written out by hand and keeps every parser's work small on hostile input.
MAX_TARGET_CHARS = 8192
MAX_TOKEN_CHARS = 4096


def parse_target(text: str) -> Destination:
    """Parse a HEC URL, a Logpush destination_conf or a bare ``host[:port]``.

    Args:
        text: the target as the user gave it.

    Returns:
        The parsed destination.

    Raises:
        TargetError: when the input cannot be read as any of the three forms.
    """
    if len(text) > MAX_TARGET_CHARS:
        raise TargetError(f"the target is {len(text)} characters long; Cloudflare accepts a "
                          f"destination_conf of at most 4096 (hec-doctor reads up to "
                          f"{MAX_TARGET_CHARS})")
    text = text.strip()
    if not text:
        raise TargetError("the target is empty: give a HEC URL, a destination_conf or a host")
    before_fragment, hash_sign, fragment = text.partition("#")
    base, _, raw_query = before_fragment.partition("?")
    if _CONTROL.search(base):
        raise TargetError(
            "the target has a space or control character before the query string; "
            "quote it as one shell argument and percent-encode spaces"
        )
    assumptions: list[str] = []
    if "://" in base:
        scheme_text = base.split("://", 1)[0].lower()
        form = InputForm.DESTINATION_CONF if scheme_text == "splunk" else InputForm.URL
        parts = _split(base)
    else:
        form = InputForm.BARE
        bare_ip = _bare_ipv6(base)
        parts = _split(f"https://[{bare_ip}]" if bare_ip else f"https://{base}")
        assumptions.append("no scheme given: assumed https://")
    scheme = parts.scheme.lower()
    if not scheme or not re.fullmatch(r"[a-z][a-z0-9+.-]*", scheme):
        raise TargetError(f"cannot read a scheme in the target (got {scheme!r})")
    host = _host(parts)
    port = _port(parts)
    path = parts.path
    if form is InputForm.BARE and not path:
        path = RAW_PATH
        assumptions.append(f"no path given: assumed {RAW_PATH}")
    return Destination(
        text=text,
        form=form,
        scheme=scheme,
        host=host,
        port=port,
        path=path or "/",
        params=_split_query(raw_query),
        fragment=fragment if hash_sign else None,
        userinfo="@" in parts.netloc,
        assumptions=tuple(assumptions),
        userinfo_text=parts.netloc.rpartition("@")[0],
    )


def _split(url: str):  # type: ignore[no-untyped-def]
    try:
        return urlsplit(url)
    except ValueError as exc:  # "Invalid IPv6 URL" and kin
        raise TargetError(f"cannot parse the target: {exc}") from None


def _bare_ipv6(base: str) -> str | None:
    """An IPv6 literal written without brackets and without a port, e.g. ``::1``."""
    if base.count(":") < 2 or "[" in base or "/" in base:
        return None
    try:
        ipaddress.IPv6Address(base)
    except ValueError:
        raise TargetError(
            f"{base!r} is not a valid IPv6 address (write [address]:port for a port)"
        ) from None
    return base


def _host(parts) -> str:  # type: ignore[no-untyped-def]
    netloc_host = parts.netloc.rpartition("@")[2]
    if netloc_host.startswith("["):
        literal = unquote(netloc_host[1:].partition("]")[0])
        try:
            return str(ipaddress.IPv6Address(literal))
        except ValueError:
            raise TargetError(f"[{literal}] is not a valid IPv6 address") from None
    host = parts.hostname or ""
    if not host:
        raise TargetError("the target has no host name")
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise TargetError(f"{host!r} is not a valid internationalised host name") from None
    if not _HOST_NAME.fullmatch(host) or ".." in host:
        raise TargetError(f"{host!r} is not a valid host name")
    return host


def _port(parts) -> int | None:  # type: ignore[no-untyped-def]
    hostport = parts.netloc.rpartition("@")[2]
    if hostport.count(":") > 1 and not hostport.startswith("["):
        raise TargetError(f"{hostport!r}: an IPv6 address in a URL goes in brackets, e.g. "
                          "https://[2001:db8::1]:8088/services/collector/raw")
    try:
        port = parts.port
    except ValueError:
        written = parts.netloc.rpartition(":")[2]
        raise TargetError(f"port {written!r} is not a number from 1 to 65535") from None
    if port == 0:
        raise TargetError("port 0 cannot be connected to: use 443 or 8088")
    return port


def _split_query(raw_query: str) -> tuple[QueryParam, ...]:
    params = []
    for piece in raw_query.split("&"):
        if not piece:
            continue
        raw_name, _, raw_value = piece.partition("=")
        params.append(QueryParam(unquote_plus(raw_name), raw_value, unquote_plus(raw_value)))
    return tuple(params)


@dataclass(frozen=True)
class TokenCandidate:
    """A token as one source gave it.

    Attributes:
        source: ``--token``, ``header_Authorization`` or ``HEC_TOKEN``.
        raw: the value as given (for header_Authorization: still percent-encoded).
        authorization: the Authorization header value a client would send with it.
        token: the token itself, as far as it can be told apart from the auth scheme.
    """

    source: str
    raw: str
    authorization: str
    token: str


@dataclass(frozen=True)
class Target:
    """A destination plus the token and trust settings to check it with.

    Attributes:
        destination: the parsed target.
        candidates: every token given, in precedence order; the first one is used.
        insecure_skip_verify: whether certificate verification is off.
        skip_verify_source: where that value came from.
        notices: remarks for the report (which token won, what was assumed).
    """

    destination: Destination
    candidates: tuple[TokenCandidate, ...]
    insecure_skip_verify: bool
    skip_verify_source: str
    notices: tuple[str, ...]

    @property
    def token(self) -> TokenCandidate | None:
        """The token that will be used, or None."""
        return self.candidates[0] if self.candidates else None

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every secret the input carries, for the last scrub of output.

        The bare tokens suffice where a raw value contains its token (the scrub also replaces
        encoded spellings); a raw value the token could not be told apart from is kept whole.
        """
        values: set[str] = set()
        for candidate in self.candidates:
            values.add(candidate.token)
            if candidate.token not in candidate.raw:
                values.add(candidate.raw)
        for param in self.destination.params:
            if param.name == "token":
                values.add(param.value)
        password = self.destination.userinfo_text.partition(":")[2]
        if password:  # HEC takes the token as a basic-auth password
            values.add(password)
        return tuple(v for v in values if v.strip())


def build_target(
    text: str,
    *,
    token_flag: str | None = None,
    token_env: str | None = None,
    skip_verify_flag: bool | None = None,
) -> Target:
    """Parse the target and settle which token and which insecure-skip-verify value apply.

    The token's precedence: ``--token`` (said on purpose for this run), then the destination_conf's
    ``header_Authorization`` (what Logpush itself will send), then ``HEC_TOKEN`` (ambient, maybe
    set for another endpoint).

    Raises:
        TargetError: when the target cannot be parsed.
    """
    destination = parse_target(text)
    for name, value in (("--token", token_flag), ("HEC_TOKEN", token_env)):
        if value is not None and len(value) > MAX_TOKEN_CHARS:
            raise InputError(f"the token from {name} is {len(value)} characters long; a HEC "
                             "token is a 36-character GUID")
    candidates: list[TokenCandidate] = []
    if token_flag is not None:
        candidates.append(_flag_candidate("--token", token_flag))
    header = destination.param(AUTH_PARAM)
    if header is not None:
        decoded = header.value
        scheme, _, rest = decoded.strip().partition(" ")
        token = rest.strip() if rest.strip() else decoded.strip()
        candidates.append(TokenCandidate(AUTH_PARAM, header.raw_value, decoded, token or decoded))
    if token_env is not None and token_env != "":
        candidates.append(_flag_candidate("HEC_TOKEN", token_env))

    notices: list[str] = []
    if len(candidates) > 1:
        winner, others = candidates[0], candidates[1:]
        same = all(c.token == winner.token for c in others)
        names = " and ".join(c.source for c in others)
        notices.append(
            f"token: {winner.source} ({placeholder(winner.token)}) is used; {names} "
            + ("gave the same token" if same else "gave a different token and is ignored")
        )

    skip_verify, source = False, "default"
    query_value = destination.param("insecure-skip-verify")
    if query_value is not None and query_value.value in ("true", "false"):
        skip_verify, source = query_value.value == "true", "query"
    if skip_verify_flag is not None:
        if query_value is not None and skip_verify_flag != skip_verify:
            notices.append(
                f"--{'' if skip_verify_flag else 'no-'}insecure-skip-verify overrides "
                f"insecure-skip-verify={query_value.value} in the target"
            )
        skip_verify, source = skip_verify_flag, "option"
    return Target(destination, tuple(candidates), skip_verify, source, tuple(notices))


def _flag_candidate(source: str, value: str) -> TokenCandidate:
    """A token given on its own; a leading ``Splunk `` is tolerated and not doubled."""
    stripped = value.strip()
    if stripped.lower().startswith("splunk "):
        token = stripped[7:].strip()
        return TokenCandidate(source, value, f"Splunk {token}", token)
    return TokenCandidate(source, value, f"Splunk {value}", value)
