"""Offline lint of the HEC token and its encoding in ``header_Authorization``.

Logpush turns ``header_Authorization=<value>`` into the request header ``Authorization: <value>``
after percent-decoding, so the value must be exactly ``Splunk%20<token>`` (the FAQ's rule). The
token itself never appears in a finding: only its placeholder.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from hec_doctor.checks.base import Context
from hec_doctor.hec.spec import AUTH_PARAM, GUID, TOKEN_PAGE
from hec_doctor.models import LintFacts, Outcome, Status
from hec_doctor.redact import bad_character, placeholder
from hec_doctor.target import InputForm, Target, TokenCandidate

_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_QUOTES = "\"'`“”‘’"
# Characters that may stand unencoded in a query value without changing its meaning.
_SAFE = re.compile(r"[A-Za-z0-9\-._~%:@!$()*,/?]")
_SEVERITY = {Status.PASS: 0, Status.WARN: 1, Status.FAIL: 2}


@dataclass(frozen=True)
class TokenFinding:
    """One problem with a token or its encoding.

    Attributes:
        status: WARN or FAIL.
        summary: what is wrong, token redacted.
        fix: what to write instead.
        blocks_delivery: True when, as a failure, it proves Logpush cannot deliver whatever
            the server does; False when delivery depends on how the server is set up.
    """

    status: Status
    summary: str
    fix: str = ""
    blocks_delivery: bool = True


def lint_header_encoding(raw: str, token: str) -> list[TokenFinding]:
    """Findings about how ``header_Authorization`` is percent-encoded (the value as written)."""
    good = f"{AUTH_PARAM}=Splunk%20{placeholder(token)}"
    findings = []
    if _BAD_ESCAPE.search(raw):
        findings.append(TokenFinding(
            Status.FAIL, f"{AUTH_PARAM} has a '%' that starts no valid %XX escape",
            f"Encode a literal '%' as %25; the value should read {good}",
        ))
    if "%25" in raw.upper():
        findings.append(TokenFinding(
            Status.FAIL,
            f"{AUTH_PARAM} is percent-encoded twice (%25...): after decoding, the header still "
            "reads 'Splunk%20...' instead of 'Splunk ...'",
            f"Encode once: {good}",
        ))
    if " " in raw:
        findings.append(TokenFinding(
            Status.FAIL, f"{AUTH_PARAM} holds a raw space; it must be URL-encoded as %20",
            f"Write {good}",
        ))
    if "+" in raw:
        findings.append(TokenFinding(
            Status.WARN,
            f"{AUTH_PARAM} uses '+' for the space: some decoders keep it as a literal '+'",
            f"Use %20, as Cloudflare documents: {good}",
        ))
    if ";" in raw:
        findings.append(TokenFinding(
            Status.FAIL,
            f"{AUTH_PARAM} holds ';', which Go (1.17+) refuses in a query string",
            f"Encode it as %3B; the value should read {good}",
        ))
    odd = sorted({c for c in raw if not _SAFE.match(c) and c not in " +;" and c not in _QUOTES
                  and not _CONTROL.match(c)})
    if odd:
        findings.append(TokenFinding(
            Status.WARN,
            f"{AUTH_PARAM} holds unencoded special characters: {' '.join(odd)}",
            f"Percent-encode them; the value should read {good}",
        ))
    return findings


def lint_header_value(value: str, token: str) -> list[TokenFinding]:
    """Findings about the decoded Authorization header value: scheme word and spacing."""
    good = f"Splunk%20{placeholder(token)}"
    if not token:
        return [_empty_token(AUTH_PARAM)]
    findings = lint_token_text(value, token)
    words = value.strip().strip(_QUOTES).strip().split(" ")
    scheme = words[0]
    if len(words) == 1:
        findings.append(TokenFinding(
            Status.FAIL,
            "the Authorization value lacks the 'Splunk ' prefix: Splunk answers code 3 "
            "'Invalid authorization'",
            f"Write {AUTH_PARAM}={good}",
        ))
        return findings
    if scheme.lower() == "bearer":
        findings.append(TokenFinding(
            Status.FAIL,
            "the Authorization value uses 'Bearer'; HEC tokens use the 'Splunk' scheme",
            f"Write {AUTH_PARAM}={good}",
        ))
    elif scheme.lower() == "basic":
        findings.append(TokenFinding(
            Status.WARN,
            "the Authorization value uses Basic auth; Cloudflare documents only 'Splunk <token>'",
            f"Write {AUTH_PARAM}={good}",
        ))
    elif scheme.lower() != "splunk":
        findings.append(TokenFinding(
            Status.FAIL, f"the Authorization scheme '{scheme[:20]}' is not 'Splunk'",
            f"Write {AUTH_PARAM}={good}",
        ))
    elif len(words) > 2 and words[1].lower() == "splunk":
        findings.append(TokenFinding(
            Status.FAIL, "the Authorization value says 'Splunk Splunk': the prefix is doubled",
            f"Write {AUTH_PARAM}={good}",
        ))
    elif scheme != "Splunk":
        findings.append(TokenFinding(
            Status.WARN, f"the scheme is written '{scheme}'; Splunk documents 'Splunk'",
            f"Write {AUTH_PARAM}={good}",
        ))
    if "" in words[1:]:
        findings.append(TokenFinding(
            Status.FAIL, "more than one space between 'Splunk' and the token",
            f"Write {AUTH_PARAM}={good}",
        ))
    return findings


def _empty_token(source: str) -> TokenFinding:
    return TokenFinding(
        Status.FAIL,
        f"the token from {source} is empty: Splunk answers code 3 'Invalid authorization' (a "
        "scheme without a token) or code 2 'Token is required'",
        f"Put the token after the scheme: {AUTH_PARAM}=Splunk%20<YOUR-HEC-TOKEN> (copy it from "
        f"{TOKEN_PAGE}).",
    )


def invisible_characters(value: str) -> list[str]:
    """Characters that print as nothing or as a plain space but are not one: zero-width spaces
    and joiners, byte-order marks, no-break spaces and other Unicode format and space
    characters, named as Unicode names them (``U+200B ZERO WIDTH SPACE``)."""
    found = []
    for char in value:
        if char == " " or char.isascii():
            continue
        if unicodedata.category(char) in ("Cf", "Zs", "Zl", "Zp", "Mn", "Cc", "Co", "Cn"):
            name = unicodedata.name(char, "unnamed character")
            label = f"U+{ord(char):04X} {name}"
            if label not in found:
                found.append(label)
    return found


def lint_token_text(value: str, token: str) -> list[TokenFinding]:
    """Findings any token source shares: control characters, quotes, whitespace, shape."""
    findings = []
    hidden = invisible_characters(value)
    if hidden:
        findings.append(TokenFinding(
            Status.FAIL,
            f"the token holds invisible characters ({', '.join(hidden[:3])}; the first "
            f"{(bad_character(value, allow_space=True) or '').rpartition(' at ')[2]}): they are "
            "sent as part of it, and Splunk answers code 4 'Invalid token'",
            f"Type or paste the token again from {TOKEN_PAGE}, through a plain-text editor.",
        ))
    unusable = bad_character(token)
    if unusable is None and bad_character(value, allow_space=True):
        unusable = f"{bad_character(value, allow_space=True)} of the Authorization value"
    if _CONTROL.search(value):
        # Go's transport refuses a header value holding a control byte other than the tab
        # (net/http/transport.go validateHeaders, httpguts.ValidHeaderFieldValue) with this
        # text, and never sends the request.
        go_refuses = any(c < " " and c != "\t" or c == "\x7f" for c in value)
        findings.append(TokenFinding(
            Status.FAIL,
            f"the token holds {unusable}: it cannot be sent as a header "
            + ("(Go refuses: net/http: invalid header field value for \"Authorization\")"
               if go_refuses else "(Splunk would answer code 4 'Invalid token')")
            + ", and hec-doctor will not send it",
            f"Remove it: copy the token again from {TOKEN_PAGE}.",
        ))
    elif unusable is not None and not hidden:
        findings.append(TokenFinding(
            Status.FAIL,
            f"the token holds {unusable}: HEC tokens are GUIDs (ASCII), so Splunk would answer "
            "code 4 'Invalid token', and hec-doctor will not send it",
            f"Type or paste the token again from {TOKEN_PAGE}.",
        ))
    if value != value.strip() or value.strip() != value.strip().strip(_QUOTES):
        findings.append(TokenFinding(
            Status.FAIL, "the token has quotes or whitespace around it; they would be sent as part "
            "of it (code 4 'Invalid token')",
            "Remove them.",
        ))
    bare = token.strip().strip(_QUOTES).strip()
    if bare and not GUID.fullmatch(bare) and not _CONTROL.search(bare) and not hidden:
        findings.append(TokenFinding(
            Status.WARN, "the token is not GUID-shaped (HEC tokens are 8-4-4-4-12 hexadecimal)",
            "Check that the whole token was copied, and nothing else.",
        ))
    return findings


def lint_candidate(candidate: TokenCandidate) -> list[TokenFinding]:
    """Every finding for one token source."""
    if candidate.in_destination and candidate.source == "token":
        return [TokenFinding(
            Status.FAIL,
            "the token is in the query string (?token=): Splunk refuses it unless the token "
            "allows query-string auth (code 16), and it lands in every access log",
            f"Remove token= and pass it as {AUTH_PARAM}=Splunk%20{placeholder(candidate.token)} "
            "(the corrected destination_conf below does).",
            blocks_delivery=False,
        )]
    if candidate.in_destination:
        return (_lint_spelling(candidate.source, candidate.token)
                + lint_header_encoding(candidate.raw, candidate.token)
                + lint_header_value(candidate.authorization, candidate.token))
    if not candidate.token:
        return [_empty_token(candidate.source)]
    findings = lint_token_text(candidate.token, candidate.token)
    if candidate.token.lower().startswith("bearer "):
        findings.append(TokenFinding(
            Status.FAIL, f"{candidate.source} starts with 'Bearer'; give the token alone",
            "Give only the GUID; hec-doctor adds 'Splunk '.",
        ))
    return findings


def _lint_spelling(name: str, token: str) -> list[TokenFinding]:
    """The parameter that holds the token, spelled otherwise than Cloudflare documents."""
    good = f"{AUTH_PARAM}=Splunk%20{placeholder(token)}"
    if name == AUTH_PARAM:
        return []
    if name.lower() == AUTH_PARAM.lower():
        # HTTP header names are case-insensitive (RFC 9110 section 5.1), so the header would
        # be right; whether Logpush recognises its header_ prefix in another case is not
        # documented (DOC-splunk spells it header_Authorization).
        return [TokenFinding(
            Status.WARN,
            f"the token's parameter is spelled {name}; Cloudflare documents {AUTH_PARAM} (header "
            "names are case-insensitive, but whether Logpush reads this spelling is not "
            "documented)",
            f"Spell it as documented: {good}",
            blocks_delivery=False,
        )]
    return [TokenFinding(
        Status.FAIL,
        f"the token is in a parameter named {name}: Logpush sends only header_* parameters as "
        "request headers, so no Authorization header would reach Splunk (code 2 'Token is "
        "required')",
        f"Rename it: {good}",
    )]


def evaluate_token_encoding(target: Target) -> Outcome:
    """Lint every token source the target carries, and a token left in the query string."""
    dest = target.destination
    findings: list[tuple[str, TokenFinding]] = []
    own = target.token
    aside: list[str] = []
    for candidate in target.candidates:
        if candidate is own:
            findings += [(candidate.source, f) for f in lint_candidate(candidate)]
        else:
            # Logpush sends one token: another one given gets its own note, never the verdict.
            aside += [f"- [{f.status.value}, not judged: {candidate.source} is not the token "
                      f"Logpush sends] {f.summary}" for f in lint_candidate(candidate)]
    query_token = dest.param("token")
    if query_token is not None and (own is None or own.source != "token"):
        findings.append(("token", TokenFinding(
            Status.FAIL,
            "a token is also in the query string (?token=): it lands in every access log",
            "Remove token= from the destination.", blocks_delivery=False,
        )))
    if not target.candidates:
        if dest.form is InputForm.DESTINATION_CONF:
            findings.append(("", TokenFinding(
                Status.FAIL,
                f"the destination_conf has no {AUTH_PARAM}: Splunk answers code 2 "
                "'Token is required'",
                f"Add &{AUTH_PARAM}=Splunk%20<YOUR-HEC-TOKEN>",
            )))
        else:
            findings.append(("", TokenFinding(
                Status.WARN,
                "no token given: the token cannot be checked",
                "Set HEC_TOKEN in the environment (it stays out of shell history) or pass --token.",
            )))
    if not findings:
        assert own is not None
        return Outcome(
            Status.PASS, f"token from {own.source} ({placeholder(own.token)}) is well-formed",
            "\n".join(aside))
    worst = _worst([f for _, f in findings])
    lead = next(f for _, f in findings if f.status is worst)
    detail = ""
    if len(findings) > 1:
        detail = "\n".join(
            f"- [{f.status.value}] {f.summary}" + (f" (from {src})" if src else "")
            for src, f in findings
        )
    detail = "\n".join(filter(None, [detail, *aside]))
    fixes = list(dict.fromkeys(f.fix for _, f in findings if f.fix))
    blocking = any(f.blocks_delivery for _, f in findings if f.status is Status.FAIL)
    return Outcome(worst, lead.summary, detail, "\n".join(fixes),
                   data={"blocks_delivery": blocking} if worst is Status.FAIL else {},
                   facts=LintFacts(blocking) if worst is Status.FAIL else None)


def _worst(findings: list[TokenFinding]) -> Status:
    return max((f.status for f in findings), key=_SEVERITY.__getitem__)


def check_token_encoding(ctx: Context) -> Outcome:
    return evaluate_token_encoding(ctx.target)
