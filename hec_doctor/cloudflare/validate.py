"""``check --cloudflare-validate``: Cloudflare's own verdict on a destination_conf, beside
hec-doctor's prediction.

This sends the destination_conf, and so the HEC token in it, to Cloudflare's API (over verified
HTTPS, with the user's API token), and Cloudflare then contacts the destination itself. It is
opt-in, and every report it touches says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from hec_doctor.errors import FetchError, InputError
from hec_doctor.models import Options, Outcome, Report, Status, check_id

CHECK_ID = "cloudflare.validate"
TITLE = check_id(CHECK_ID).title
SENT_NOTICE = ("--cloudflare-validate sent this destination_conf, with its HEC token, to "
               "Cloudflare's API, which then contacted the destination")
# What the notice says when Cloudflare gave no verdict: the request may have reached it (and
# the destination_conf with its token with it), or never left.
NO_VERDICT_NOTICE = ("--cloudflare-validate sent this destination_conf, with its HEC token, "
                     "to Cloudflare's API, which gave no verdict")
NOT_SENT_NOTICE = ("--cloudflare-validate could not connect to Cloudflare's API: the "
                   "destination_conf was not sent")


@dataclass(frozen=True)
class Validation:
    """Where and how to ask Cloudflare (the API token is never shown)."""

    url: str
    api_token: str = field(repr=False)
    timeout_s: float
    ca_file: str | None


def run_and_validate(target: object, options: Options, validation: Validation) -> Report:
    """``runner.run``, then Cloudflare's verdict added as the report's last check."""
    from hec_doctor.engine.run import run

    return add_verdict(run(target, options), target, validation)  # type: ignore[arg-type]


def add_verdict(report: Report, target: object, validation: Validation) -> Report:
    from hec_doctor.cloudflare.api import validate_destination
    from hec_doctor.engine.run import result_of
    from hec_doctor.redact import redact_echo, scrub_value

    destination = target.destination  # type: ignore[attr-defined]
    secrets = (*target.secrets, validation.api_token)  # type: ignore[attr-defined]
    if destination.form.value != "destination_conf":
        outcome = Outcome(Status.SKIP, "not asked: Cloudflare validates a destination_conf "
                                       "(splunk://...), and this target is not one")
        return replace(report, checks=report.checks + (result_of(CHECK_ID, TITLE, outcome),))
    try:
        valid, message = validate_destination(
            validation.url, destination.text, validation.api_token,
            timeout_s=validation.timeout_s, ca_file=validation.ca_file)
    except (InputError, FetchError) as exc:
        outcome = Outcome(Status.ERROR, f"Cloudflare's validation could not be had: {exc}")
        notice = NOT_SENT_NOTICE if isinstance(exc, FetchError) and not exc.sent \
            else NO_VERDICT_NOTICE
    else:
        outcome = compare(valid, message and redact_echo(message, secrets),
                          report.logpush.would_deliver)
        notice = SENT_NOTICE if valid is not None else NO_VERDICT_NOTICE
    result = result_of(CHECK_ID, TITLE, outcome)
    whole = replace(report, checks=report.checks + (result,),
                    notices=report.notices + (notice,))
    scrubbed: Report = scrub_value(whole, secrets)  # type: ignore[assignment]
    return scrubbed



def compare(valid: bool | None, message: str | None, ours: bool | None) -> Outcome:
    """Cloudflare's ``{valid, message}`` as a result, with a note where hec-doctor's prediction
    (``would_deliver``: True, False, or None when not judged) says otherwise."""
    said = f": {message}" if message else ""
    data = {"valid": valid, "message": message, "would_deliver": ours,
            "agrees": None if valid is None or ours is None else valid == ours}
    if valid is None:
        return Outcome(Status.ERROR, f"Cloudflare gave no verdict{said}", data=data)
    theirs = "valid" if valid else "not valid"
    if ours is None:
        note = "hec-doctor did not predict delivery (see the checks above), so there is nothing " \
               "to compare"
    elif valid == ours:
        note = "hec-doctor's prediction agrees"
    elif valid:
        note = ("they differ: hec-doctor predicts Logpush will not deliver; the checks above "
                "that failed say why")
    else:
        note = ("they differ: hec-doctor predicted delivery and Cloudflare refused; "
                "`hec-doctor explain` reads Cloudflare's message")
    status = Status.PASS if valid else Status.FAIL
    remediation = "" if valid else "Fix what Cloudflare names, then validate again."
    return Outcome(status, f"Cloudflare says the destination is {theirs}{said}", note,
                   remediation, data)
