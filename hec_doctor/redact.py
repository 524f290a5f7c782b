"""Keeping the HEC token (and every other secret) out of everything hec-doctor prints.

Secrets are redacted where they are put into output: the fields known to hold them (the
destination's ``header_*`` values, ``?token=``, a userinfo password) are rendered with a
placeholder by the code that builds them. Two safety nets remain, and both are written so that
they can never corrupt output:

- ``scrub_long``, the last scrub of a finished report, replaces only secrets long and random
  enough that a match cannot be an accident (a token ``pass`` must not turn the status
  ``"pass"`` into a placeholder, a token ``https`` must not rewrite URL schemes);
- ``redact_echo`` cleans text hec-doctor did not write (a server's reply, an exception message,
  a job's ``error_message``): long secrets anywhere, short ones only where they stand as a whole
  word.

Each target's report is scrubbed with that target's own secrets, so the cost stays linear in the
number of targets.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from enum import Enum
from typing import Any, NamedTuple
from urllib.parse import quote, quote_plus

# A Splunk token is a 36-character GUID: 4 of them identify it without helping anyone guess it.
# Shorter secrets (typos, test values) would be half revealed, so they show no characters at all.
FINGERPRINT_CHARS = 4
MIN_LENGTH_FOR_FINGERPRINT = 16
# The boundary scrub replaces a secret wherever it occurs only when a match cannot be an
# accident: 16 characters or more, with letters and digits both (a GUID always qualifies; words
# such as "insecure-skip-verify" or "SplunkServerDefaultCert", which reports print, never do).
MIN_SCRUB_CHARS = 16


def fingerprint(token: str) -> str:
    """A short, non-secret handle for a token, e.g. ``…197d``."""
    if len(token) >= MIN_LENGTH_FOR_FINGERPRINT:
        return "…" + token[-FINGERPRINT_CHARS:]
    return f"({len(token)} character{'' if len(token) == 1 else 's'})"


def placeholder(token: str, kind: str = "token") -> str:
    """What stands in for a secret in URLs and header values: ``<token …197d>``."""
    return f"<{kind} {fingerprint(token)}>"


@functools.lru_cache(maxsize=1024)
def secret_forms(secret: str) -> tuple[str, ...]:
    """Every spelling of a secret that could reach output: as is, URL-encoded (upper- and
    lower-case hex), form-encoded, and the escaped forms libraries print a control or non-ASCII
    character in (Python's repr ``\\t``/``\\x0b``, JSON's ``\\u0001``).

    Cached: a fleet asks for the same target's spellings at every redaction (about six times a
    target), and a fleet's targets often share one token."""
    import json

    forms = {secret, quote(secret, safe=""), quote_plus(secret), quote(secret),
             escaped(secret), json.dumps(secret, ensure_ascii=True)[1:-1],
             secret.encode("unicode_escape", "backslashreplace").decode("ascii")}
    forms |= {_lower_hex(f) for f in forms if "%" in f}
    return tuple(sorted((f for f in forms if f), key=len, reverse=True))


def _lower_hex(text: str) -> str:
    return re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), text)


def scrubbable(secret: str) -> bool:
    """True when ``secret`` is long and random enough to be replaced wherever it occurs."""
    return (len(secret) >= MIN_SCRUB_CHARS and any(c.isdigit() for c in secret)
            and any(c.isalpha() for c in secret))


def scrub_long(text: str, secrets: Iterable[str]) -> str:
    """Replace every spelling of every scrubbable secret in ``text`` by its placeholder."""
    return _replace_all(text, _replacements(secrets))


def _replacements(secrets: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """(spelling, placeholder) for every scrubbable secret, longest spelling first."""
    pairs = []
    for secret in secrets:
        if scrubbable(secret):
            stand_in = placeholder(secret)
            pairs += [(form, stand_in) for form in secret_forms(secret)]
    return tuple(pairs)


def _replace_all(text: str, pairs: tuple[tuple[str, str], ...]) -> str:
    for form, stand_in in pairs:
        if form in text:
            text = text.replace(form, stand_in)
    return text


def redact_echo(text: str, secrets: Iterable[str]) -> str:
    """Text hec-doctor did not write (a reply, an exception), with every secret replaced.

    Every spelling of a secret goes, in any letter case (a server may echo the header
    lower-cased: ``splunk%20<token>``). Long secrets go wherever they occur; a short one only
    where it stands as a word of its own (after a space in any encoding counts), so a one-letter
    test token does not shred the reply quoted around it.
    """
    wanted = tuple(s for s in secrets if s)
    if not wanted or not text:
        return text
    forms = _lowered_forms(wanted)
    if forms is not None and text.isascii():
        # Most text holds no secret: a substring test finds that without building the
        # expression (which costs a compile per target in a fleet, each target's secrets
        # differing). With text and spellings all ASCII, lower() is exactly re.I's folding.
        lowered = text.lower()
        if not any(form in lowered for form in forms):
            return text
    pattern, stand_ins = _echo_pattern(wanted)
    return pattern.sub(lambda found: stand_ins[found.group(0).lower()], text)


# After an escape (``%20``, ``%3D``, doubly or triply encoded) or a '+' counts as the start of a
# word: that is how a header is quoted inside a URL.
_WORD_START = (r"(?:(?<=%[0-9a-f]{2})|(?<=%25[0-9a-f]{2})|(?<=%2525[0-9a-f]{2})|(?<=\+)"
               r"|(?<![\w%]))")


@functools.lru_cache(maxsize=256)
def _lowered_forms(secrets: tuple[str, ...]) -> tuple[str, ...] | None:
    """Every spelling, lower-cased; None when one is not ASCII (``re.I`` folds some non-ASCII
    letters onto ASCII ones, which a substring test would not see)."""
    forms = {form.lower() for secret in secrets for form in secret_forms(secret)}
    return tuple(forms) if all(form.isascii() for form in forms) else None


@functools.lru_cache(maxsize=256)
def _echo_pattern(secrets: tuple[str, ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    """One expression for every spelling of every secret (longest first), and the placeholder
    of each spelling, by its lower-case form."""
    stand_ins: dict[str, str] = {}
    anywhere: list[str] = []
    as_words: list[str] = []
    for secret in secrets:
        for form in secret_forms(secret):
            if form.lower() in stand_ins:
                continue
            stand_ins[form.lower()] = placeholder(secret)
            (anywhere if scrubbable(secret) else as_words).append(form)
    alternatives = []
    if anywhere:
        alternatives.append("|".join(re.escape(f) for f in sorted(anywhere, key=len,
                                                                    reverse=True)))
    if as_words:
        words = "|".join(re.escape(f) for f in sorted(as_words, key=len, reverse=True))
        alternatives.append(rf"{_WORD_START}(?:{words})(?!\w)")
    return re.compile("|".join(f"(?:{a})" for a in alternatives), re.I), stand_ins


def scrub_value(value: object, secrets: tuple[str, ...], *, short_too: bool = False) -> object:
    """``value`` (a report, or any part of one) with ``scrub_long`` applied to every string in
    it: dataclass fields, tuples, lists and mappings alike. Dataclasses are rebuilt, not changed.

    The spellings are worked out once per call and a part is rebuilt only when a string in it
    changed: this runs on every report of a fleet, so it must cost little when nothing matches.

    Args:
        short_too: replace short secrets too, where they stand as words (``redact_echo``): for
            values a user marked secret on purpose (a Terraform plan's sensitive values),
            where a word of the report turning into a placeholder is the lesser harm.
    """
    if short_too:
        wanted = tuple(s for s in secrets if s.strip())
        return _scrub(value, lambda text: redact_echo(text, wanted)) if wanted else value
    pairs = _replacements(secrets)
    if not pairs or not _may_hold(value, pairs):
        return value
    return _scrub(value, lambda text: _replace_all(text, pairs))


def _may_hold(value: object, pairs: tuple[tuple[str, str], ...]) -> bool:
    """False only when no spelling can occur in any string inside ``value``.

    A pickle holds every string of the object as UTF-8, and a substring's UTF-8 is a substring
    of the whole's, so a spelling absent from the pickle is absent from every string: the walk
    (which rebuilds objects) is needed only for the rare report that holds a secret.
    """
    import pickle

    try:
        flat = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # something that does not pickle: walk it to be sure
        return True
    return any(form.encode("utf-8", "surrogatepass") in flat for form, _ in pairs)


def _scrub(value: object, clean: Callable[[str], str]) -> object:
    from dataclasses import fields, is_dataclass, replace

    if isinstance(value, str):
        if isinstance(value, Enum):  # a status or kind: a word of hec-doctor's, never a secret
            return value
        cleaned = clean(value)
        return value if cleaned == value else cleaned
    if isinstance(value, (tuple, list)):
        items = [_scrub(v, clean) for v in value]
        if all(new is old for new, old in zip(items, value, strict=True)):
            return value
        return type(value)(items)
    if isinstance(value, dict) or (hasattr(value, "items") and hasattr(value, "keys")):
        scrubbed = {k: _scrub(v, clean) for k, v in value.items()}
        if all(scrubbed[k] is v for k, v in value.items()):
            return value
        return scrubbed
    if is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for field in fields(value):
            if field.init:
                old = getattr(value, field.name)
                if not callable(old):
                    new = _scrub(old, clean)
                    if new is not old:
                        changes[field.name] = new
        return replace(value, **changes) if changes else value
    return value


# --- Credentials by their shape ---------------------------------------------------------------
#
# The rules above hide what the parser recognised as a secret. Broken input (the very input
# hec-doctor exists to diagnose) hides a token from the parser: ``&`` or ``;`` where ``?``
# belongs, ``:`` or ``%3D`` where ``=`` belongs, a bare ``Splunk%20<token>`` parameter, a token in
# the path. So every piece of input that reaches output is rendered by ``render_input``, which
# hides whatever is shaped like a credential wherever it sits, recognised or not:
#
# - the value after an authentication scheme word (``Splunk``, ``Bearer``, ``Basic``) and a
#   space in any spelling (`` ``, ``+``, ``%20``, ``%2520``, a tab);
# - the value after any name that says it is a credential (``Authorization``, ``token``,
#   ``auth``, ``secret``, ``password``, ``api-key``, every ``header_*``), whatever separates
#   them (``=``, ``:``, ``%3D``, spaces, ...), but not a port after a host name;
# - GUID-shaped values (HEC tokens are GUIDs): 8-4-4-4-12 hexadecimal, or 32 in a row.
#
# Matching runs on the percent-decoded text (decoded up to three times, so ``%2520`` is a
# space) and the spans found are mapped back onto the text as written.

_SCHEME_WORD = r"(?:splunk|bearer|basic)"
_SPACE = r"[ \t+]+"
_VALUE = r"[^\s&;#?\"'<>]+"
# A word holding one of these names a credential (``header_Authorization``, ``x-splunk-token``,
# ``oauth_token``, ``password``). Words are found first and judged apart: one expression for a
# name inside a word would backtrack quadratically on a long word ("tokentoken...").
_WORD = re.compile(r"[\w-]+")
_CREDENTIAL_NAME = re.compile(r"header_|auth|token|secret|passw|pwd|api[-_]?key|credential",
                              re.I)


class _Shape(NamedTuple):
    """A credential shape: where to look (``after_word``: right after a word that names a
    credential; otherwise anywhere), and the expression whose group ``value`` is the secret."""

    pattern: re.Pattern[str]
    after_word: bool = False

    def spans(self, view: str) -> Iterator[tuple[int, int]]:
        if not self.after_word:
            for anywhere in self.pattern.finditer(view):
                yield anywhere.start("value"), anywhere.end("value")
            return
        covered = 0  # a word inside a value already found is part of that secret
        for word in _WORD.finditer(view):
            if word.start() >= covered and _CREDENTIAL_NAME.search(word.group(0)):
                match = self.pattern.match(view, word.end())
                if match is not None:
                    covered = match.end("value")
                    yield match.start("value"), covered


_GUID_SHAPE = _Shape(re.compile(
    r"(?P<value>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    r"|(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f]))", re.I))
_USERINFO_SHAPE = _Shape(re.compile(r"//[^/@\s:?#]*:(?P<value>[^@/\s?#]+)@"))
_SHAPES = (
    # After a scheme word: "Splunk <token>", "Bearer+<token>", "basic%20<base64>".
    _Shape(re.compile(rf"(?<![A-Za-z]){_SCHEME_WORD}{_SPACE}(?P<value>{_VALUE})", re.I)),
    # After a credential's name and any separator; a scheme word after it stays visible. Not a
    # host's port ("hec-auth:8088/...").
    _Shape(re.compile(rf"[\s+=:,|]+(?:{_SCHEME_WORD}{_SPACE})?"
                      rf"(?!(?<=:)\d{{1,5}}(?:[/?#]|$))(?P<value>{_VALUE})", re.I),
           after_word=True),
    # A URL's user:password@ (HEC takes the token as a basic-auth password).
    _USERINFO_SHAPE,
    # GUID-shaped, wherever it is.
    _GUID_SHAPE,
)
# Free text (a job's name, an error message, a Terraform address) is prose: "Splunk HEC" and
# "token: expired" are words, not credentials. There only the unambiguous shapes count: a scheme
# word before an encoded space, ``name=value`` for a credential's name, ``Authorization:`` before
# a scheme word, and GUIDs.
_PROSE_SHAPES = (
    _Shape(re.compile(rf"(?<![A-Za-z]){_SCHEME_WORD}(?:%20|%2520|%09|\+)+(?P<value>{_VALUE})",
                      re.I)),
    _Shape(re.compile(rf"(?:=|%3D)(?P<value>{_VALUE})", re.I), after_word=True),
    _Shape(re.compile(rf"(?<![A-Za-z])authori[sz]ation\W{{0,3}}[ \t]*{_SCHEME_WORD}[ \t]+"
                      rf"(?P<value>{_VALUE})", re.I)),
    _USERINFO_SHAPE,
    _GUID_SHAPE,
)
# Characters that must never reach a terminal raw: C0 and C1 controls (a tab and a line break
# included: in a destination they are the very typo being diagnosed), and the invisible
# format characters that reorder or hide text (bidirectional overrides, zero-width spaces).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff"
                          "\ud800-\udfff]")
_MAX_DECODES = 3


class Span(NamedTuple):
    """A credential found in text as written: ``text[start:end]``, and its decoded value."""

    start: int
    end: int
    value: str


def escaped(text: str) -> str:
    """``text`` with every control and invisible character written as an escape (``\\t``,
    ``\\x1b``, ``\\u202e``), so that it prints as what it is and changes no terminal."""
    if not _UNPRINTABLE.search(text):
        return text
    named = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
    return _UNPRINTABLE.sub(lambda m: named.get(m.group(0)) or f"\\u{ord(m.group(0)):04x}"
                            if ord(m.group(0)) > 0xff else named.get(m.group(0))
                            or f"\\x{ord(m.group(0)):02x}", text)


def _decode_mapped(text: str) -> tuple[str, list[int]]:
    """``text`` percent-decoded (``%XX`` as one character per byte), with, for every decoded
    character, where it starts in ``text`` (and one entry more: the end)."""
    out: list[str] = []
    starts: list[int] = []
    i, n = 0, len(text)
    while i < n:
        if text[i] == "%" and _is_hex(text[i + 1:i + 3]):
            out.append(chr(int(text[i + 1:i + 3], 16)))
            starts.append(i)
            i += 3
        else:
            out.append(text[i])
            starts.append(i)
            i += 1
    starts.append(n)
    return "".join(out), starts


def _is_hex(pair: str) -> bool:
    return len(pair) == 2 and all(c in "0123456789abcdefABCDEF" for c in pair)


def credential_spans(text: str, *, prose: bool = False) -> list[Span]:
    """Every credential-shaped value in ``text`` (input as written), merged where they overlap,
    in order. ``prose``: ``text`` is free text, where only the unambiguous shapes count."""
    return list(_credential_spans(text, prose))


# A run renders the same input a dozen times (the report's target, each check's echo of it):
# the spans are a pure function of the text, found once.
@functools.lru_cache(maxsize=1024)
def _credential_spans(text: str, prose: bool) -> tuple[Span, ...]:
    return tuple(_find_credential_spans(text, prose=prose))


def _find_credential_spans(text: str, *, prose: bool = False) -> list[Span]:
    if prose:
        in_prose = [span for shape in _PROSE_SHAPES for span in shape.spans(text)]
        return [Span(start, end, _fully_decoded(text[start:end]))
                for start, end in _merged(in_prose)]
    views = [(text, list(range(len(text) + 1)))]
    decoded, starts = text, views[0][1]
    for _ in range(_MAX_DECODES):
        if "%" not in decoded:
            break
        again, inner = _decode_mapped(decoded)
        if again == decoded:
            break
        starts = [starts[i] for i in inner]
        decoded = again
        views.append((decoded, starts))
    found: list[tuple[int, int]] = []
    for view, where in views:
        for shape in _SHAPES:
            found += [(where[start], where[end]) for start, end in shape.spans(view)]
    spans = []
    for start, end in _merged(found):
        start += _scheme_word_length(text[start:end])
        if start < end:
            spans.append(Span(start, end, _fully_decoded(text[start:end])))
    return spans


def _merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


_LEADING_SCHEME_WORD = re.compile(rf"{_SCHEME_WORD}{_SPACE}", re.I)


def _scheme_word_length(written: str) -> int:
    """How much of a span, as written, is a leading scheme word and its space in any encoding
    (``Splunk%20``): it stays visible, since it is what a report diagnoses."""
    decoded, starts = written, list(range(len(written) + 1))
    for _ in range(_MAX_DECODES):
        found = _LEADING_SCHEME_WORD.match(decoded)
        if found is not None:
            return starts[found.end()]
        if "%" not in decoded:
            break
        again, inner = _decode_mapped(decoded)
        if again == decoded:
            break
        starts = [starts[i] for i in inner]
        decoded = again
    found = _LEADING_SCHEME_WORD.match(decoded)
    return starts[found.end()] if found is not None else 0


def _fully_decoded(text: str) -> str:
    for _ in range(_MAX_DECODES):
        if "%" not in text:
            break
        from urllib.parse import unquote

        again = unquote(text, errors="surrogateescape")
        if again == text:
            break
        text = again
    return text


def render_input(text: str, withheld: Iterable[tuple[int, int]] = (), *,
                 prose: bool = False) -> str:
    """Input as it may be shown: credential-shaped values (and the ``withheld`` spans the caller
    knows to be secret) as placeholders, control characters escaped. The only way input text
    reaches output. ``prose``: free text (a name, a message), see ``_PROSE_SHAPES``."""
    withheld = tuple(withheld)
    if not withheld:
        return _rendered(text, prose)
    return _render(text, withheld, prose)


@functools.lru_cache(maxsize=1024)
def _rendered(text: str, prose: bool) -> str:
    return _render(text, (), prose)


def _render(text: str, withheld: tuple[tuple[int, int], ...], prose: bool) -> str:
    tagged = sorted([(s.start, s.end, "token") for s in _credential_spans(text, prose)]
                    + [(start, end, "secret") for start, end in withheld])
    if not tagged:
        return escaped(text)
    merged: list[list[Any]] = []
    for start, end, kind in tagged:
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            merged[-1][2] = "token" if "token" in (kind, merged[-1][2]) else kind
        else:
            merged.append([start, end, kind])
    pieces, at = [], 0
    for start, end, kind in merged:
        pieces.append(escaped(text[at:start]))
        pieces.append(placeholder(_fully_decoded(text[start:end]), kind))
        at = end
    pieces.append(escaped(text[at:]))
    return "".join(pieces)


# A URL quoted in free text: Go's url.Error prints `Post "URL": ...`, and a pasted message may
# hold one bare. It ends at a quote, a space or an angle bracket, except for the space after a
# scheme word that is a parameter's value (`...?header_Authorization=Splunk <token>`, as a
# person types it): the token after that space is the URL's.
_AFTER_SCHEME_VALUE = "|".join(f"(?<={sep}{word})" for sep in ("=", ":", "%3d")
                               for word in ("splunk", "bearer", "basic"))
_QUOTED_URL = re.compile(rf"\b[a-z][a-z0-9+.-]*://[^\s\"'<>]+"
                         rf"(?:(?:{_AFTER_SCHEME_VALUE})[ \t]+[^\s\"'<>]+)?", re.I)


def render_message(text: str) -> str:
    """A message as it may be shown (an error someone pasted, a job's error_message): free text
    (``render_input``'s prose shapes), except that a URL quoted in it is judged as a URL, the
    shapes a destination's own text can hide in (``token=``, ``header_Authorization=...``)
    counting there as they do in a target."""
    pieces, at = [], 0
    for url in _QUOTED_URL.finditer(text):
        pieces += [render_input(text[at:url.start()], prose=True), render_input(url.group(0))]
        at = url.end()
    return "".join(pieces) + render_input(text[at:], prose=True)


def credentials_in(text: str) -> tuple[str, ...]:
    """The credential-shaped values of ``text``, as written and decoded, for the scrubs."""
    values: set[str] = set()
    for span in credential_spans(text):
        values.update((text[span.start:span.end], span.value))
    return tuple(sorted(v for v in values if v.strip()))


_CHARACTER_NAMES = {"\t": "a tab", "\n": "a line break (LF)", "\r": "a carriage return (CR)",
                    "\x0b": "a vertical tab", "\x0c": "a form feed", "\x00": "a NUL byte",
                    "\x1b": "an escape character", "\x7f": "a DEL character", " ": "a space"}


def bad_character(secret: str, *, allow_space: bool = False) -> str | None:
    """What first makes ``secret`` unusable in an HTTP header, named without the secret: ``"a
    tab (U+0009) at position 5"``, or None when every character is printable ASCII.

    Control characters cannot travel in a header (RFC 9110 section 5.5; Go's
    ``httpguts.ValidHeaderFieldValue`` refuses all but the tab), and a non-ASCII one is no part
    of any token Splunk or Cloudflare issues. Positions count characters from 1.
    """
    for position, char in enumerate(secret, 1):
        if char == " " and allow_space:
            continue
        if " " < char < "\x7f":
            continue
        if char in _CHARACTER_NAMES:
            what = _CHARACTER_NAMES[char]
        elif char.isascii() or "\x80" <= char <= "\x9f":
            what = "a control character"
        else:
            import unicodedata

            what = f"a non-ASCII character ({unicodedata.name(char, 'unnamed')})"
        return f"{what} (U+{ord(char):04X}) at position {position}"
    return None
