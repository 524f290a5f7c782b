"""``hec-doctor check``: the whole engine against one destination or many."""

from __future__ import annotations

import os
import re
import sys
from typing import Any

import click

from hec_doctor.errors import InputError
from hec_doctor.commands.common import (
    concurrency_option,
    expiry_option,
    live_options,
    report_options,
    run_and_write,
)
from hec_doctor.models import Options, Report


@click.command()
@click.argument("targets", nargs=-1, metavar="TARGET...")
@click.option("--file", "target_file", type=click.File("r", encoding="utf-8"),
              help="Read targets from FILE, one per line ('#' starts a comment; '-' is stdin).")
@concurrency_option
@click.option("--offline", is_flag=True, help="Lint the destination only; no network access.")
@click.option("--token", "token_flag", metavar="TOKEN",
              help="HEC token (prefer the HEC_TOKEN environment variable: no shell history).")
@click.option("--insecure-skip-verify/--no-insecure-skip-verify", "skip_verify", default=None,
              help="Override the target's insecure-skip-verify parameter.")
@report_options
@live_options
@expiry_option
@click.option("--send-event", is_flag=True,
              help="Post a Logpush-shaped test event (writes one event to the index).")
@click.option("--event-file", type=click.File("rb"),
              help="The test event's body (default: the FAQ's sample line).")
def check(targets: tuple[str, ...], target_file: Any, concurrency: int, offline: bool,
          token_flag: str | None, skip_verify: bool | None, strict: bool, fmt: str,
          output: str | None, color: str, ca_file: str | None, resolve: tuple[Any, ...],
          timeout_s: float, expiry_warn_days: int, send_event: bool, event_file: Any) -> int:
    """Check each TARGET: a HEC URL, a Logpush destination_conf (splunk://...), or host[:port].

    Several targets (and --file, and '-' for stdin) are checked concurrently; reports come in
    input order, then a summary.

    \b
    Exit codes: 0 no failure (warnings allowed), 1 a check failed (or warned with --strict),
    2 bad input, 3 hec-doctor could not complete a check.
    """
    from hec_doctor.target import build_target

    texts = _gather(targets, target_file)
    parsed = []
    for origin, text in texts:
        try:
            parsed.append(build_target(text, token_flag=token_flag,
                                       token_env=os.environ.get("HEC_TOKEN"),
                                       skip_verify_flag=skip_verify,
                                       origin=origin if len(texts) > 1 else ""))
        except InputError as exc:
            raise InputError(f"{origin}: {exc}" if len(texts) > 1 else str(exc)) from None
    if ca_file is not None:
        from hec_doctor.trust import load_roots

        load_roots(ca_file)  # a bad file is a usage error (exit 2), not a failed check
    event = event_file.read(1_000_001) if event_file is not None else None
    if event is not None and (len(event) > 1_000_000 or not event.strip()):
        raise click.BadParameter("the event file must hold 1 byte to 1 MB", param_hint="--event-file")
    options = Options(offline=offline, timeout_s=timeout_s, ca_file=ca_file, resolve=resolve,
                      expiry_warn_days=expiry_warn_days, send_event=send_event or event is not None,
                      event=event)
    from hec_doctor.run_many import error_report
    from hec_doctor.runner import run, summarise

    def failed(target: Any, exc: BaseException) -> Report:
        base = Report(target=summarise(target), checks=())
        return error_report(base, exc, "hec-doctor failed on this target; others went on",
                            target.secrets)

    return run_and_write(parsed, lambda target: run(target, options), failed,
                         concurrency=concurrency, fmt=fmt, single=len(parsed) == 1,
                         output=output, color=color, strict=strict)


def _gather(targets: tuple[str, ...], target_file: Any) -> list[tuple[str, str]]:
    """(origin, text) for every target: arguments, then --file lines; '-' reads stdin."""

    gathered: list[tuple[str, str]] = []
    for position, target in enumerate(targets, 1):
        if target == "-":
            gathered += _lines(sys.stdin, "stdin")
        else:
            gathered.append((f"arg {position}", target))
    if target_file is not None:
        gathered += _lines(target_file, getattr(target_file, "name", "file"))
    if not gathered:
        raise InputError("no target given (pass TARGET, --file FILE, or - for stdin)")
    return gathered


def _lines(stream: Any, name: str) -> list[tuple[str, str]]:

    found = []
    try:
        for number, line in enumerate(stream, 1):
            text = "" if line.lstrip().startswith("#") else re.split(r"\s#", line, 1)[0].strip()
            if text:
                found.append((f"{name}:{number}", text))
    except UnicodeDecodeError:
        raise InputError(f"{name} is not UTF-8 text") from None
    return found
