"""Parsing what the user points hec-doctor at: a HEC URL, a Logpush destination_conf, or a host.

Pure functions only. The query string is split by hand, not by urllib, because the lint must see
it exactly as written: a raw space, a ``+`` or a doubled ``%2520`` in ``header_Authorization`` is
the very thing being diagnosed, and urllib would silently normalise it (it even deletes tabs and
newlines from URLs, see bpo-43882).
"""

from __future__ import annotations

import functools
import ipaddress
import re
from dataclasses import dataclass, replace
from enum import Enum
from urllib.parse import unquote, unquote_plus, urlsplit

from hec_doctor.errors import InputError, TargetError
from hec_doctor.hec.spec import AUTH_PARAM, RAW_PATH
from hec_doctor.redact import bad_character, credentials_in, placeholder, render_input

DEFAULT_PORT = 443  # what an https URL without a port connects to
# What stands in for every parameter value of a destination_conf a Terraform plan marks sensitive.
SENSITIVE = "<sensitive>"
# Query parameters whose value is a secret for output: every header_* (Logpush turns them into
# request headers: Authorization, API keys), the query-string token, and any name that says so.
_SECRET_NAME = re.compile(r"token|secret|passw|pwd|key|auth|sig|credential|session|cookie", re.I)
# The scheme word at the start of an Authorization value, as written (kept when the value is shown).
_AUTH_SCHEME_PREFIX = re.compile(r"(?:%20|\+| )*[A-Za-z]{1,20}(?:%20|%09|\+| )+")

# Letters, digits, '-', '.', and '_' (not valid in DNS host names but found in private
# deployments; Go accepts it too).
_HOST_NAME = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_.])?")
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


class InputForm(str, Enum):
    """How the target was written."""

    URL = "url"
    DESTINATION_CONF = "destination_conf"
    BARE = "bare"


def is_secret_param(name: str) -> bool:
    """True when a query parameter of this name holds a secret (never printed as written)."""
    return name.lower().startswith("header_") or bool(_SECRET_NAME.search(name))


def is_auth_param(name: str) -> bool:
    """``header_Authorization`` in any case: HTTP header names are case-insensitive."""
    return name.lower() == AUTH_PARAM.lower()


@dataclass(frozen=True)
class QueryParam:
    """One ``name=value`` pair of the query, exactly as written and decoded.

    Attributes:
        name: the parameter name, percent-decoded.
        raw_value: the value as written in the input.
        value: the value decoded as Go's ``url.ParseQuery`` decodes it (``+`` is a space), since
            Logpush is a Go program.
        raw_name: the name as written.
    """

    name: str
    raw_value: str
    value: str
    raw_name: str = ""
    has_equals: bool = True
    withheld: bool = False
    sensitive: bool = False

    @property
    def secret(self) -> bool:
        """True when the value is a secret: by its name (every ``header_*``, ``token``, ...), or
        because the destination holds no recognised token, so an unknown parameter may be it."""
        return self.withheld or is_secret_param(self.name)

    @property
    def shown_name(self) -> str:
        """The name as written, rendered for output (credential shapes hidden)."""
        written = self.raw_name or self.name
        shown = render_input(written)
        if self.withheld and not self.has_equals and shown == written:
            return placeholder(self.name, "secret") if self.name else ""
        return shown

    @property
    def shown_value(self) -> str:
        """The value as written, rendered for output: a placeholder for a secret (an
        Authorization value keeps its scheme word), credential shapes hidden in any other."""
        if self.sensitive:
            return SENSITIVE if self.raw_value else ""
        if self.secret:
            return shown_secret_value(self.raw_value, self.value, self.name)
        return render_input(self.raw_value)

    def shown(self) -> str:
        """``name=value`` as written, with a secret value replaced by its placeholder.

        An Authorization value keeps its scheme word as written (``Splunk%20``, ``Bearer+``), so
        a report can still show what is wrong with it.
        """
        if not self.has_equals:
            return self.shown_name
        return f"{self.shown_name}={self.shown_value}"


def shown_secret_value(raw_value: str, value: str, name: str) -> str:
    """A secret query value for output: its placeholder (an auth value keeps its scheme word)."""
    if not raw_value:
        return ""
    if is_auth_param(name) or name.lower() == "authorization":
        prefix = _AUTH_SCHEME_PREFIX.match(raw_value)
        if prefix is not None:
            token = split_authorization(value)[1]
            return render_input(prefix.group(0)) + (placeholder(token) if token else "")
        return placeholder(value)
    return placeholder(value, "token" if name == "token" else "secret")


def split_authorization(value: str) -> tuple[str, str]:
    """An Authorization header value split into its scheme word and the token after it.

    ``"Splunk e6d9..."`` gives ``("Splunk", "e6d9...")``; ``"Splunk "`` gives ``("Splunk", "")``
    (an empty token); a value with no space is all token and no scheme.
    """
    stripped = value.strip()
    scheme, space, rest = stripped.partition(" ")
    if not space:
        if value != stripped and stripped.isalpha() and value.lstrip() == value:
            return stripped, ""  # "Splunk " with nothing after it
        return "", stripped
    return scheme, rest.strip()


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
        host_as_written: the host as the input wrote it; differs from ``host`` for a Unicode
            (internationalised) name, whose IDN form ``host`` holds.
        surrounding: the whitespace the input had around it (stripped before parsing), e.g. the
            line break a Terraform heredoc keeps at the end of its value.
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
    host_as_written: str = ""
    surrounding: str = ""

    @property
    def shown_text(self) -> str:
        """The input as written, with every secret replaced by its placeholder.

        Secret parameter values (every ``header_*``, ``token``, ...) show their placeholder, a
        ``user[:password]@`` shows as ``<userinfo>@``, and anything after ``#`` (which may be the
        rest of a token holding an unencoded '#') is withheld.
        """
        before_fragment, hash_sign, fragment = self.text.partition("#")
        base, question, raw_query = before_fragment.partition("?")
        shown = _shown_base(base, self.userinfo_text, self.withholds_unknown)
        if question:
            pieces = [_parse_piece(piece, self.withholds_unknown,
                                   sensitive=self.sensitive).shown() if piece else ""
                      for piece in raw_query.split("&")]
            shown += "?" + "&".join(pieces)
        if hash_sign:
            shown += f"#<fragment ({len(fragment)} characters)>" if fragment else "#"
        return shown

    @property
    def sensitive(self) -> bool:
        """True when the target as a whole is a secret (see ``parse_target``)."""
        return any(p.sensitive for p in self.params)

    @property
    def withholds_unknown(self) -> bool:
        """True when the destination holds no recognised token: then any unknown parameter may
        be it, and its value is shown only as a placeholder."""
        return _recognised_token(self.params) is None

    @property
    def shown_path(self) -> str:
        """The path as written, rendered for output (see ``shown_text``)."""
        return _shown_base(self.path, "", self.withholds_unknown)

    @property
    def shown_host(self) -> str:
        """The host as written, rendered for output (a Unicode name as written; a GUID-shaped
        label hidden like any other credential shape)."""
        return render_input(self.host_as_written or self.host)

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

    def auth_param(self) -> QueryParam | None:
        """The first ``header_Authorization`` in any spelling of its case, or None."""
        return next((p for p in self.params if is_auth_param(p.name)), None)

    def params_named(self, name: str) -> tuple[QueryParam, ...]:
        """Every parameter with this name, in order."""
        return tuple(p for p in self.params if p.name == name)

    def https_url(self) -> str:
        """The HTTPS URL a client posts to, for display: the query without ``header_*``
        parameters (they travel as headers), other secrets as placeholders."""
        query = "&".join(p.shown() for p in self.params if not p.name.lower().startswith("header_"))
        url = f"https://{self.host_for_url}:{self.effective_port}{self.shown_path}"
        return f"{url}?{query}" if query else url


# Cloudflare's API caps destination_conf at 4096 characters; twice that leaves room for a URL
# written out by hand and keeps every parser's work small on hostile input.
MAX_TARGET_CHARS = 8192
MAX_TOKEN_CHARS = 4096


def parse_target(text: str, *, sensitive: bool = False) -> Destination:
    """Parse a HEC URL, a Logpush destination_conf or a bare ``host[:port]``.

    Args:
        text: the target as the user gave it.
        sensitive: the whole target is a secret (a Terraform plan marks it so): its parameter
            values are shown as ``<sensitive>``; scheme, host, port, path and parameter names
            are configuration and stay visible.

    Returns:
        The parsed destination.

    Raises:
        TargetError: when the input cannot be read as any of the three forms.
    """
    if len(text) > MAX_TARGET_CHARS:
        raise TargetError(f"the target is {len(text)} characters long; Cloudflare accepts a "
                          f"destination_conf of at most 4096 (hec-doctor reads up to "
                          f"{MAX_TARGET_CHARS})")
    written = text
    text = text.strip()
    if not text:
        raise TargetError("the target is empty: give a HEC URL, a destination_conf or a host")
    before = written[:len(written) - len(written.lstrip())]
    after = written[len(written.rstrip()):]
    before_fragment, hash_sign, fragment = text.partition("#")
    base, _, raw_query = before_fragment.partition("?")
    if _CONTROL.search(base):
        raise TargetError(
            "the target has a space or control character before the query string; "
            "quote it as one shell argument and percent-encode spaces"
        )
    assumptions: list[str] = []
    _refuse_missing_slashes(base)
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
        raise TargetError(f"cannot read a scheme in the target (got {_quoted(scheme)})")
    host, host_as_written = _host(parts)
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
        params=_split_query(raw_query, sensitive),
        fragment=fragment if hash_sign else None,
        userinfo="@" in parts.netloc,
        assumptions=tuple(assumptions),
        userinfo_text=parts.netloc.rpartition("@")[0],
        host_as_written=host_as_written,
        surrounding=before + after,
    )


_SCHEME_WITHOUT_SLASHES = re.compile(r"(splunk|https?):/?(?!/)", re.I)


def _refuse_missing_slashes(base: str) -> None:
    """``splunk:host:8088/...`` lacks the ``//`` after the scheme; ``splunk:8088`` is a host."""
    if "://" in base:
        return
    found = _SCHEME_WITHOUT_SLASHES.match(base)
    if found is None or re.match(r"\d+(?:/|$)", base[found.end():]):
        return
    scheme = found.group(1).lower()
    raise TargetError(f"{_quoted(found.group(0))} lacks the '//' after the scheme: write "
                      f"{scheme}://{render_input(base[found.end():])[:60]}...")


def _quoted(text: str) -> str:
    """A piece of input quoted in an error message: rendered, never raw."""
    return f"'{render_input(text)}'"


def _split(url: str):
    try:
        return urlsplit(url)
    except ValueError as exc:  # "Invalid IPv6 URL" and kin
        raise TargetError(f"cannot parse the target: {render_input(str(exc))}") from None


def _bare_ipv6(base: str) -> str | None:
    """An IPv6 literal written without brackets and without a port, e.g. ``::1``."""
    if base.count(":") < 2 or "[" in base or "/" in base:
        return None
    try:
        ipaddress.IPv6Address(base)
    except ValueError:
        raise TargetError(
            f"{_quoted(base)} is not a valid IPv6 address (write [address]:port for a port)"
        ) from None
    return base


def _host(parts) -> tuple[str, str]:
    """The host in ASCII (IDN form for a Unicode name) and the host as written."""
    netloc_host = parts.netloc.rpartition("@")[2]
    if netloc_host.startswith("["):
        literal = unquote(netloc_host[1:].partition("]")[0])
        try:
            address = str(ipaddress.IPv6Address(literal))
        except ValueError:
            raise TargetError(f"[{render_input(literal)}] is not a valid IPv6 address") from None
        return address, address
    # Not parts.hostname, which lower-cases: Go prints the host as written ("not HEC.Example.com").
    host = netloc_host.partition(":")[0]
    if not host:
        raise TargetError("the target has no host name")
    written = host
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise TargetError(f"{_quoted(host)} is not a valid internationalised host "
                              "name") from None
    if not _HOST_NAME.fullmatch(host) or ".." in host:
        raise TargetError(f"{_quoted(host)} is not a valid host name")
    return host, written


def _port(parts) -> int | None:
    hostport = parts.netloc.rpartition("@")[2]
    if hostport.count(":") > 1 and not hostport.startswith("["):
        raise TargetError(f"{_quoted(hostport)}: an IPv6 address in a URL goes in brackets, e.g. "
                          "https://[2001:db8::1]:8088/services/collector/raw")
    try:
        port = parts.port
    except ValueError:
        written = parts.netloc.rpartition(":")[2]
        raise TargetError(f"port {_quoted(written)} is not a number from 1 to 65535") from None
    if port == 0:
        raise TargetError("port 0 cannot be connected to: use 443 or 8088")
    return port


def _split_query(raw_query: str, sensitive: bool = False) -> tuple[QueryParam, ...]:
    params = tuple(_parse_piece(piece, sensitive=sensitive)
                   for piece in raw_query.split("&") if piece)
    if _recognised_token(params) is not None:
        return params
    # No recognised token: any unknown parameter may be it (a typo hid it from this parser).
    return tuple(replace(p, withheld=p.name not in _SHOWN_PARAMS) for p in params)


# Parameters whose values are configuration, shown as written even when the destination holds no
# recognised token (the rest may be that token, misnamed).
_SHOWN_PARAMS = frozenset({"channel", "insecure-skip-verify", "sourcetype", "index", "host",
                           "source"})


def _parse_piece(piece: str, withhold_unknown: bool = False, *,
                 sensitive: bool = False) -> QueryParam:
    raw_name, equals, raw_value = piece.partition("=")
    name = unquote_plus(raw_name)
    return QueryParam(name, raw_value, unquote_plus(raw_value), raw_name, bool(equals),
                      withhold_unknown and name not in _SHOWN_PARAMS, sensitive)


def _recognised_token(params: tuple[QueryParam, ...]) -> QueryParam | None:
    """The parameter that holds the destination's token, as Logpush (or a lenient reading of a
    misspelling) would find it: ``header_Authorization`` in any case, else ``Authorization`` or
    ``token``."""
    found = next((p for p in params if is_auth_param(p.name)), None)
    if found is None:
        found = next((p for p in params
                      if p.name.lower() == "authorization" or p.name == "token"), None)
    return found


def _shown_base(base: str, userinfo_text: str, withhold_unknown: bool) -> str:
    """The part before ``?`` rendered for output: userinfo withheld, credential shapes hidden,
    and, when ``&`` or ``;`` stands where ``?`` belongs, the parameters after it rendered as a
    query (unknown values withheld when the destination holds no recognised token)."""
    if userinfo_text:
        scheme, slashes, rest = base.partition("//")
        if slashes and rest.startswith(userinfo_text + "@"):
            return (render_input(scheme + slashes) + "<userinfo>@"
                    + _shown_base(rest[len(userinfo_text) + 1:], "", withhold_unknown))
    after_authority = base.find("/", base.find("//") + 2 if "//" in base else 0)
    cut = min((i for i in (base.find("&", after_authority), base.find(";", after_authority))
               if i >= 0 and after_authority >= 0), default=-1)
    if cut < 0:
        return render_input(base)
    pieces = re.split(r"([&;])", base[cut + 1:])
    shown = [piece if piece in ("&", ";") or not piece
             else _parse_piece(piece, withhold_unknown).shown() for piece in pieces]
    return render_input(base[:cut]) + base[cut] + "".join(shown)


@dataclass(frozen=True)
class TokenCandidate:
    """A token as one source gave it.

    Attributes:
        source: ``--token``, ``HEC_TOKEN``, or the query parameter that holds it, named as
            written (``header_Authorization``, ``header_authorization``, ``Authorization``,
            ``token``).
        raw: the value as given (from the query: still percent-encoded).
        authorization: the Authorization header value a client would send with it.
        token: the token itself, as far as it can be told apart from the auth scheme ("" when
            the value names a scheme and nothing after it).
        in_destination: True when the destination itself holds it: what Logpush will send.
    """

    source: str
    raw: str
    authorization: str
    token: str
    in_destination: bool = False

    @property
    def unsendable(self) -> str | None:
        """Why this token cannot go in a header (``"a tab (U+0009) at position 5"``), or None.
        hec-doctor never sends such a token: it is reported by ``dest.token`` instead."""
        return bad_character(self.authorization, allow_space=True)


@dataclass(frozen=True)
class Target:
    """A destination plus the token and trust settings to check it with.

    Attributes:
        destination: the parsed target.
        candidates: every token given, the judged one first: the destination's own (what
            Logpush sends), else ``--token``, else ``HEC_TOKEN``.
        insecure_skip_verify: whether certificate verification is off.
        skip_verify_source: where that value came from.
        notices: remarks for the report (which token is judged, what was assumed).
        origin: where the target came from (``FILE:LINE``, ``stdin:LINE``, ``arg 2``), or "".
    """

    destination: Destination
    candidates: tuple[TokenCandidate, ...]
    insecure_skip_verify: bool
    skip_verify_source: str
    notices: tuple[str, ...]
    origin: str = ""

    @property
    def token(self) -> TokenCandidate | None:
        """The token that is judged (for a destination_conf: the one Logpush sends), or None."""
        return self.candidates[0] if self.candidates else None

    @property
    def extra_tokens(self) -> tuple[TokenCandidate, ...]:
        """Tokens given besides the destination's own and different from it: tested in addition,
        never instead (Logpush sends the destination's)."""
        first = self.token
        if first is None or not first.in_destination:
            return ()
        seen = {first.token}
        extra = []
        for candidate in self.candidates[1:]:
            if candidate.token not in seen and candidate.token and not candidate.unsendable:
                seen.add(candidate.token)
                extra.append(candidate)
        return tuple(extra)

    @property
    def label(self) -> str:
        """A short, findable name among many targets: ``FILE:LINE host:port``."""
        dest = self.destination
        where = f"{dest.host_for_url}:{dest.effective_port}"
        return f"{self.origin} {where}" if self.origin else where

    @functools.cached_property
    def secrets(self) -> tuple[str, ...]:
        """Every secret the input carries, for the safety nets of output (see ``redact``).
        Worked out once per target (the checks and scrubs ask for it many times)."""
        values: set[str] = set(credentials_in(self.destination.text))
        for candidate in self.candidates:
            values.update((candidate.token, candidate.raw, candidate.authorization))
        for param in self.destination.params:
            if param.secret:
                values.update((param.value, param.raw_value))
            if param.withheld and not param.has_equals:
                values.add(param.name)
        password = self.destination.userinfo_text.partition(":")[2]
        if password:  # HEC takes the token as a basic-auth password
            values.add(password)
        return tuple(sorted(v for v in values if v.strip()))


def build_target(
    text: str,
    *,
    token: str | None = None,
    ambient_token: str | None = None,
    insecure_skip_verify: bool | None = None,
    origin: str = "",
    sensitive: bool = False,
) -> Target:
    """Parse the target and settle which token and which insecure-skip-verify value apply.

    The destination's own token (``header_Authorization``, in any spelling, or a misplaced
    ``Authorization=`` or ``token=``) is what Logpush sends, so it is the one judged; ``--token``
    and ``HEC_TOKEN`` are tested in addition when they differ. Without a token in the destination,
    ``--token`` (said on purpose for this run) wins over ``HEC_TOKEN`` (ambient, maybe set for
    another endpoint).

    Args:
        text: the destination: a destination_conf, an https URL or host[:port].
        token: a token given on purpose for this run (the command line's ``--token``).
        ambient_token: a token from the surroundings, used when nothing more specific is
            given (the command line passes ``HEC_TOKEN`` from the environment).
        insecure_skip_verify: overrides the destination's own ``insecure-skip-verify``.
        origin: where the text came from (``FILE:LINE``), for labels and locations.
        sensitive: the whole destination is secret (a Terraform value marked sensitive).

    Raises:
        TargetError: when the target cannot be parsed.
    """
    destination = parse_target(text, sensitive=sensitive)
    for name, value in (("--token", token), ("HEC_TOKEN", ambient_token)):
        if value is not None and len(value) > MAX_TOKEN_CHARS:
            raise InputError(f"the token from {name} is {len(value)} characters long; a HEC "
                             "token is a 36-character GUID")
    candidates: list[TokenCandidate] = []
    own = _destination_candidate(destination)
    if own is not None:
        candidates.append(own)
    if token is not None:
        candidates.append(_flag_candidate("--token", token))
    if ambient_token is not None and ambient_token != "":
        candidates.append(_flag_candidate("HEC_TOKEN", ambient_token))
    notices = [_token_notice(candidates)] if len(candidates) > 1 else []

    skip_verify, source = False, "default"
    query_value = destination.param("insecure-skip-verify")
    if query_value is not None and query_value.value in ("true", "false"):
        skip_verify, source = query_value.value == "true", "query"
    if insecure_skip_verify is not None:
        if query_value is not None and insecure_skip_verify != skip_verify:
            notices.append(
                f"--{'' if insecure_skip_verify else 'no-'}insecure-skip-verify overrides "
                f"insecure-skip-verify={query_value.value} in the target"
            )
        skip_verify, source = insecure_skip_verify, "option"
    return Target(destination, tuple(candidates), skip_verify, source, tuple(notices), origin)


def _destination_candidate(destination: Destination) -> TokenCandidate | None:
    """The token the destination itself holds: where Logpush would take it from."""
    param = _recognised_token(destination.params)  # misplaced is still its token (a secret)
    if param is None:
        return None
    if param.name == "token":
        return TokenCandidate("token", param.raw_value, f"Splunk {param.value}", param.value,
                              in_destination=True)
    token = split_authorization(param.value)[1]
    return TokenCandidate(param.raw_name or param.name, param.raw_value, param.value, token,
                          in_destination=True)


def _token_notice(candidates: list[TokenCandidate]) -> str:
    winner, others = candidates[0], candidates[1:]
    if winner.in_destination:
        said = []
        for other in others:
            if other.token == winner.token:
                said.append(f"{other.source} gave the same token")
            elif other.unsendable or not other.token:
                said.append(f"{other.source} gave another token ({placeholder(other.token)}), "
                            "not tested: " + (f"it holds {other.unsendable}" if other.token
                                              else "it is empty"))
            else:
                said.append(f"{other.source} gave another token ({placeholder(other.token)}), "
                            "tested in addition")
        return (f"token: {winner.source} in the destination ({placeholder(winner.token)}) is "
                "what Logpush sends and is the one judged; " + "; ".join(said))
    same = all(c.token == winner.token for c in others)
    names = " and ".join(c.source for c in others)
    return (f"token: {winner.source} ({placeholder(winner.token)}) is used; {names} "
            + ("gave the same token" if same else "gave a different token and is ignored"))


def _flag_candidate(source: str, value: str) -> TokenCandidate:
    """A token given on its own; a leading ``Splunk `` is tolerated and not doubled."""
    stripped = value.strip()
    if stripped.lower().startswith("splunk "):
        token = stripped[7:].strip()
        return TokenCandidate(source, value, f"Splunk {token}", token)
    return TokenCandidate(source, value, f"Splunk {value}", value)
