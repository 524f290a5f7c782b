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

import re
from typing import Iterable
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


def secret_forms(secret: str) -> tuple[str, ...]:
    """Every spelling of a secret that could reach output: as is, URL-encoded, form-encoded."""
    forms = {secret, quote(secret, safe=""), quote_plus(secret), quote(secret)}
    return tuple(sorted((f for f in forms if f), key=len, reverse=True))


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

    Long secrets go wherever they occur; a short one only where it stands as a whole word, so a
    one-letter test token does not shred the reply quoted around it.
    """
    for secret in secrets:
        if not secret:
            continue
        stand_in = placeholder(secret)
        for form in secret_forms(secret):
            if scrubbable(secret):
                text = text.replace(form, stand_in)
            elif form in text:
                text = re.sub(rf"(?<![\w%]){re.escape(form)}(?!\w)", stand_in, text)
    return text


def scrub_value(value: object, secrets: tuple[str, ...]) -> object:
    """``value`` (a report, or any part of one) with ``scrub_long`` applied to every string in
    it: dataclass fields, tuples, lists and mappings alike. Dataclasses are rebuilt, not changed.

    The spellings are worked out once per call and a part is rebuilt only when a string in it
    changed: this runs on every report of a fleet, so it must cost little when nothing matches.
    """
    pairs = _replacements(secrets)
    if not pairs or not _may_hold(value, pairs):
        return value
    return _scrub(value, pairs)


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


def _scrub(value: object, pairs: tuple[tuple[str, str], ...]) -> object:
    from dataclasses import fields, is_dataclass, replace

    if isinstance(value, str):
        return _replace_all(value, pairs)
    if isinstance(value, (tuple, list)):
        items = [_scrub(v, pairs) for v in value]
        if all(new is old for new, old in zip(items, value)):
            return value
        return type(value)(items)
    if isinstance(value, dict) or (hasattr(value, "items") and hasattr(value, "keys")):
        scrubbed = {k: _scrub(v, pairs) for k, v in value.items()}  # type: ignore[attr-defined]
        if all(scrubbed[k] is v for k, v in value.items()):  # type: ignore[attr-defined]
            return value
        return scrubbed
    if is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for field in fields(value):
            if field.init:
                old = getattr(value, field.name)
                if not callable(old):
                    new = _scrub(old, pairs)
                    if new is not old:
                        changes[field.name] = new
        return replace(value, **changes) if changes else value
    return value
