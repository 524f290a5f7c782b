"""``hec-doctor check``: the whole engine against one destination or many."""

from __future__ import annotations

import os
from typing import Any

import click

from hec_doctor.commands.common import (
    cloudflare_api_options,
    concurrency_option,
    expiry_option,
    live_options,
    report_options,
    run_and_write,
)
from hec_doctor.commands.targets import gather_targets, target_file_option
from hec_doctor.errors import InputError
from hec_doctor.models import Options, Report


@click.command()
@click.argument("targets", nargs=-1, metavar="TARGET...")
@target_file_option
@concurrency_option
@click.option("--workers", default="auto", show_default=True, metavar="N|auto",
              callback=lambda ctx, param, value: _workers(value),
              help="Processes that share the targets (auto: one per core once there are "
                   "100 targets or more per core). Output and exit code do not change.")
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
@click.option("--cloudflare-validate", is_flag=True,
              help="Also ask Cloudflare's API to validate each destination_conf for the zone "
                   "or account given (--zone or --account). Sends the destination_conf, HEC "
                   "token included, to Cloudflare.")
@cloudflare_api_options
@click.option("--clients", "clients", default="go", show_default=True, metavar="LIST",
              callback=lambda ctx, param, value: _clients(value),
              help="Push through these client stacks side by side, comma-separated: go, curl, "
                   "python, node (each with the same roots, --resolve pin and token; a stack "
                   "not on this machine is listed as not present).")
@click.option("--judge", default="go", show_default=True,
              type=click.Choice(["go", "curl", "python", "node"]),
              help="The client whose outcome sets the exit code (one of --clients): for a "
                   "pipeline that ships with a sender other than Logpush's Go client.")
def check(targets: tuple[str, ...], target_file: Any, concurrency: int, workers: str,
          offline: bool,
          token_flag: str | None, skip_verify: bool | None, strict: bool, fmt: str,
          output: str | None, color: str, ca_file: str | None, resolve: tuple[Any, ...],
          timeout_s: float, go_probe: bool, expiry_warn_days: int, send_event: bool,
          event_file: Any,
          cloudflare_validate: bool, zone_id: str | None, account_id: str | None,
          api_base: str | None, api_ca_file: str | None, clients: tuple[str, ...],
          judge: str) -> int:
    """Check each TARGET: a HEC URL, a Logpush destination_conf (splunk://...), or host[:port].

    Several targets (and --file, and '-' for stdin) are checked concurrently; reports come in
    input order, then a summary.

    \b
    Exit codes: 0 no failure (warnings allowed), 1 a check failed (or warned with --strict),
    2 bad input, 3 hec-doctor could not complete a check.
    """
    from hec_doctor.target import build_target

    texts = gather_targets(targets, target_file)
    parsed = []
    for origin, text in texts:
        try:
            parsed.append(build_target(text, token=token_flag,
                                       ambient_token=os.environ.get("HEC_TOKEN"),
                                       insecure_skip_verify=skip_verify,
                                       # A line of a file is always named: annotations and
                                       # SARIF put the finding on it.
                                       origin=origin if len(texts) > 1
                                       or not origin.startswith("arg ") else ""))
        except InputError as exc:
            raise InputError(f"{origin}: {exc}" if len(texts) > 1 else str(exc)) from None
    if ca_file is not None:
        from hec_doctor.gox509.roots import load_roots

        load_roots(ca_file)  # a bad file is a usage error (exit 2), not a failed check
    event = event_file.read(1_000_001) if event_file is not None else None
    if event is not None and (len(event) > 1_000_000 or not event.strip()):
        raise click.BadParameter("the event file must hold 1 byte to 1 MB",
                                 param_hint="--event-file")
    if judge not in clients:
        raise click.UsageError(f"--judge {judge} needs {judge} in --clients")
    if offline and clients != ("go",):
        raise click.UsageError("--clients pushes to the destination; --offline promises no "
                               "network access: choose one")
    options = Options(offline=offline, timeout_s=timeout_s, go_probe=go_probe, ca_file=ca_file,
                      clients=clients, judge=judge,
                      resolve=resolve,
                      expiry_warn_days=expiry_warn_days, send_event=send_event or event is not None,
                      event=event)
    from functools import partial

    from hec_doctor.engine.run import run

    work: Any = partial(run, options=options)
    if cloudflare_validate and offline:
        raise click.UsageError("--cloudflare-validate contacts Cloudflare's API; --offline "
                               "promises no network access: choose one")
    validation = _validation(cloudflare_validate, zone_id, account_id, api_base, api_ca_file,
                             timeout_s)
    if validation is not None:
        from hec_doctor.cloudflare.validate import run_and_validate

        work = partial(run_and_validate, options=options, validation=validation)
    return run_and_write(parsed, work, failed_target,
                         concurrency=concurrency, fmt=fmt, single=len(parsed) == 1,
                         output=output, color=color, strict=strict,
                         processes=worker_count(workers, len(parsed)))


def failed_target(target: Any, exc: BaseException) -> Report:
    """The report of a target whose run raised, or never started (module-level: it crosses into
    worker processes)."""
    from hec_doctor.engine.run import summarise
    from hec_doctor.engine.run_many import error_report

    base = Report(target=summarise(target), checks=())
    return error_report(base, exc, "hec-doctor failed on this target; others went on",
                        target.secrets)


# Below this many targets a second process costs more to start (about 0.2 s) than it saves.
MIN_TARGETS_PER_EXTRA_WORKER = 100


def worker_count(workers: str, targets: int) -> int:
    """How many processes check the targets: ``--workers N``, or with ``auto`` one per usable
    core once there are enough targets to share. Offline runs too: their checks cost about
    1.6 ms a target, so a second process already paid for itself at 100 targets (0.38 s ->
    0.33 s, best of five) and took 5,000 from 8.6 s to 6.0 s."""
    if workers != "auto":
        return int(workers)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, targets // MIN_TARGETS_PER_EXTRA_WORKER))


def _validation(wanted: bool, zone_id: str | None, account_id: str | None,
                api_base: str | None, api_ca_file: str | None, timeout_s: float) -> Any:
    """Where to ask Cloudflare, or None without --cloudflare-validate."""
    if not wanted:
        if zone_id or account_id or api_base or api_ca_file:
            raise click.UsageError("--zone, --account, --api-base and --api-ca-file go with "
                                   "--cloudflare-validate")
        return None
    from hec_doctor.cloudflare.api import validate_url
    from hec_doctor.cloudflare.validate import Validation
    from hec_doctor.hec.spec import CLOUDFLARE_API_BASE

    if (zone_id is None) == (account_id is None):
        raise click.UsageError("--cloudflare-validate needs exactly one of --zone or --account")
    from hec_doctor.cloudflare.api import check_api_token

    token = check_api_token(os.environ.get("CLOUDFLARE_API_TOKEN"))
    scope, scope_id = ("zones", zone_id) if zone_id else ("accounts", account_id)
    url = validate_url(api_base or CLOUDFLARE_API_BASE, scope, scope_id or "")
    from hec_doctor.cloudflare.api import api_trust

    api_trust(api_ca_file)  # a bad file is a usage error (exit 2), not each target's error
    return Validation(url=url, api_token=token, timeout_s=timeout_s, ca_file=api_ca_file)


def _clients(value: str) -> tuple[str, ...]:
    from hec_doctor.models import CLIENTS

    names = [name.strip().lower() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in CLIENTS]
    if unknown or not names:
        raise click.BadParameter(f"{value!r}: choose from {', '.join(CLIENTS)}",
                                 param_hint="--clients")
    return tuple(name for name in CLIENTS if name in names)


def _workers(value: str) -> str:
    if value == "auto" or (value.isdigit() and 1 <= int(value) <= 64):
        return value
    raise click.BadParameter(f"{value!r} is neither 'auto' nor a number from 1 to 64",
                             param_hint="--workers")
