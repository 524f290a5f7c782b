"""Reading Logpush jobs from the Cloudflare API (``hec-doctor job --zone/--account``).

The API token is a secret under the same rules as the HEC token: sent only over verified HTTPS,
to the API base given, never printed (messages are scrubbed of it), and never with a redirect
followed.
"""

from __future__ import annotations

import re
import ssl
from typing import Any

from hec_doctor.errors import FetchError, InputError
from hec_doctor.redact import bad_character, redact_echo

MAX_REPLY_BYTES = 10 * 1024 * 1024
_ID = re.compile(r"[0-9a-fA-F]{32}")


def jobs_url(api_base: str, scope: str, scope_id: str) -> str:
    """``<api_base>/<zones|accounts>/<id>/logpush/jobs``, after checking both parts."""
    if scope not in ("zones", "accounts"):
        raise InputError(f"unknown scope {scope!r}")  # pragma: no cover - the CLI passes these
    if not _ID.fullmatch(scope_id):
        raise InputError(f"{scope[:-1]} id {scope_id!r} is not 32 hexadecimal characters")
    if not api_base.lower().startswith("https://"):
        raise InputError("--api-base must be an https:// URL: the API token is never sent over "
                         "plain HTTP")
    return f"{api_base.rstrip('/')}/{scope}/{scope_id}/logpush/jobs"


def fetch_jobs(url: str, api_token: str, *, timeout_s: float, ca_file: str | None) -> str:
    """The API's reply body (JSON text) for GET ``url`` (see ``api_call``)."""
    return api_call("GET", url, api_token, timeout_s=timeout_s, ca_file=ca_file)


def validate_url(api_base: str, scope: str, scope_id: str) -> str:
    """``<api_base>/<zones|accounts>/<id>/logpush/validate/destination``: Cloudflare's own check
    of a destination_conf (POST ``{"destination_conf": ...}``; the reply's ``result`` is
    ``{"valid": bool, "message": str}``, both nullable). Sources: cloudflare-python
    ``resources/logpush/validate.py`` (``destination``), and the API schema's
    DestinationValidateResponse; the operation needs Logs Write."""
    return jobs_url(api_base, scope, scope_id).removesuffix("/jobs") + "/validate/destination"


def validate_destination(url: str, destination_conf: str, api_token: str, *, timeout_s: float,
                         ca_file: str | None) -> tuple[bool | None, str | None]:
    """Cloudflare's ``(valid, message)`` for a destination_conf (message redacted of the API
    token; the caller redacts the destination's own secrets).

    Raises:
        InputError, FetchError: as ``api_call``, and FetchError for a reply without a result.
    """
    import json

    text = api_call("POST", url, api_token, timeout_s=timeout_s, ca_file=ca_file,
                    body={"destination_conf": destination_conf}, accept=(200, 400))
    try:
        document = json.loads(text)
        result = document.get("result")
    except (ValueError, AttributeError):
        document, result = {}, None
    if not isinstance(result, dict) and document.get("success") is False:
        # The schema answers 4XX with the common failure envelope ("Validate destination
        # response failure"): its errors are Cloudflare's reasons for refusing the destination.
        errors = document.get("errors") if isinstance(document.get("errors"), list) else []
        said = "; ".join(str(e.get("message")) for e in errors if isinstance(e, dict))
        return False, said or None
    if not isinstance(result, dict):
        raise FetchError("the Cloudflare API's validation reply has no result object")
    valid, message = result.get("valid"), result.get("message")
    return (valid if isinstance(valid, bool) else None,
            message if isinstance(message, str) and message else None)


def check_api_token(api_token: str | None) -> str:
    """The API token from CLOUDFLARE_API_TOKEN, refused (exit code 2) when it is missing or
    holds a character no API token has, named with its position, never the token.

    Raises:
        InputError: the token is missing, empty, or holds a control or non-ASCII character.
    """
    if not api_token:
        raise InputError("set CLOUDFLARE_API_TOKEN (a token with Logs: Write, which every "
                         "Logpush API operation needs)")
    problem = bad_character(api_token)
    if problem is not None:
        raise InputError(f"CLOUDFLARE_API_TOKEN holds {problem}: an API token is printable "
                         "ASCII; copy it again from the Cloudflare dashboard (My Profile > API "
                         "Tokens)")
    return api_token


def api_trust(ca_file: str | None) -> Any:
    """What the API's certificate is verified against: the system's roots, or ``ca_file``.

    Raises:
        InputError: ``ca_file`` cannot be read or holds no certificate (commands call this
            before any request, so a bad file is a usage error, not a failed check).
    """
    if ca_file is None:
        return True
    try:
        return ssl.create_default_context(cafile=ca_file)
    except (OSError, ssl.SSLError) as exc:
        from hec_doctor.redact import escaped

        raise InputError(f"cannot load --api-ca-file {escaped(ca_file)}: {exc}") from None


def api_call(method: str, url: str, api_token: str, *, timeout_s: float, ca_file: str | None,
             body: object = None, accept: tuple[int, ...] = (200,)) -> str:
    """The API's reply body (JSON text) for ``method url`` (with a JSON ``body``), when its
    status is one of ``accept``.

    Raises:
        InputError: the token is unusable or the API refused it (401/403).
        FetchError: the API could not be reached or answered something else.
    """
    import httpx

    check_api_token(api_token)
    secrets = (api_token,)
    verify = api_trust(ca_file)
    try:
        with httpx.Client(verify=verify, follow_redirects=False, timeout=timeout_s) as client:
            with client.stream(method, url, json=body, headers={
                    "Authorization": f"Bearer {api_token}", "Accept": "application/json",
                    "User-Agent": "hec-doctor"}) as reply:
                received = b""
                for chunk in reply.iter_bytes():
                    received += chunk
                    if len(received) > MAX_REPLY_BYTES:
                        raise FetchError(f"the API's reply exceeds {MAX_REPLY_BYTES} bytes")
                status = reply.status_code
    except (httpx.HTTPError, ValueError, OSError) as exc:
        from hec_doctor.redact import render_input

        # Library messages may quote a header: every one goes through the scrub. The URL is
        # input (--api-base), shown rendered: a user:password@ in it is hidden.
        raise FetchError(redact_echo(f"cannot reach the Cloudflare API at {render_input(url)}: "
                                     f"{type(exc).__name__}: {exc}", secrets),
                         sent=not isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))
                         ) from None
    text = received.decode("utf-8", "replace")
    if status in accept:
        return redact_echo(text, secrets)
    if status in (400, 401, 403):
        raise InputError(redact_echo(f"the Cloudflare API refused the request (HTTP {status}"
                                     f"{_api_errors(text)}): {_refusal_fix(text)}", secrets))
    raise FetchError(redact_echo(
        f"the Cloudflare API answered HTTP {status}{_api_errors(text)}", secrets))


def _refusal_fix(text: str) -> str:
    """What to do about a refused API request, from the API's own error (explain's catalog)."""
    from hec_doctor.messages.classify import explain_message

    explanation = explain_message(text, destination="api")
    if explanation.matched is not None and explanation.matched.family == "cloudflare":
        return explanation.fix[:1].lower() + explanation.fix[1:]
    # cloudflare-docs logs/logpush/permissions.mdx: "all Logpush API operations require Logs:
    # Write permission", zone-scoped for zone datasets, account-scoped for account datasets.
    return ("the token needs Logs: Write on this zone or account (every Logpush API operation "
            "requires it)")


def _api_errors(text: str) -> str:
    import json

    try:
        errors = json.loads(text).get("errors") or []
    except (ValueError, AttributeError):
        return ""
    said = "; ".join(f"{e.get('message')} [{e.get('code')}]" for e in errors[:3]
                     if isinstance(e, dict))
    return f": {said[:300]}" if said else ""
