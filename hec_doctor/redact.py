"""Keeping the HEC token out of everything hec-doctor prints.

The token is replaced by a fingerprint wherever it could appear. The last four characters identify
a token to its owner; for a token too short to spare four characters, only its length is shown.
"""

from __future__ import annotations

from typing import Callable
from urllib.parse import quote, quote_plus

# A Splunk token is a 36-character GUID: 4 of them identify it without helping anyone guess it.
# Shorter secrets (typos, test values) would be half revealed, so they show no characters at all.
FINGERPRINT_CHARS = 4
MIN_LENGTH_FOR_FINGERPRINT = 16


def fingerprint(token: str) -> str:
    """A short, non-secret handle for a token, e.g. ``…197d``."""
    if len(token) >= MIN_LENGTH_FOR_FINGERPRINT:
        return "…" + token[-FINGERPRINT_CHARS:]
    return f"({len(token)} characters)"


def placeholder(token: str) -> str:
    """What stands in for the token in URLs and header values: ``<token …197d>``."""
    return f"<token {fingerprint(token)}>"


def secret_forms(secret: str) -> tuple[str, ...]:
    """Every spelling of a secret that could reach output: as is, URL-encoded, form-encoded."""
    forms = {secret, quote(secret, safe=""), quote_plus(secret), quote(secret)}
    return tuple(sorted((f for f in forms if f), key=len, reverse=True))


def scrub(text: str, secrets: tuple[str, ...],
          escape: Callable[[str], str] | None = None) -> str:
    """Replace every spelling of every secret in ``text`` by its placeholder.

    This is the last line of defence at the output boundary; the reports are built redacted.
    ``escape`` makes the placeholder safe in the format at hand (XML, Markdown).
    """
    for secret in secrets:
        # Secrets under 4 characters would erase ordinary words; the lint flags such tokens anyway.
        if len(secret) < 4:
            continue
        stand_in = placeholder(secret)
        if escape is not None:
            stand_in = escape(stand_in)
        for form in secret_forms(secret):
            text = text.replace(form, stand_in)
    return text
