"""``hec-doctor job``: Logpush jobs read from JSON (a file, stdin, or the Cloudflare API)."""

from __future__ import annotations

import os
from typing import Any

import click

from hec_doctor.commands.common import (
    cloudflare_api_options,
    concurrency_option,
    expiry_option,
    live_flag,
    live_options,
    report_options,
    run_and_write,
)
from hec_doctor.files import read_text_input
from hec_doctor.hec.spec import CLOUDFLARE_API_BASE
from hec_doctor.models import Options


@click.command()
@click.argument("source", required=False, metavar="FILE|-")
@cloudflare_api_options
@live_flag
@concurrency_option
@report_options
@live_options
@expiry_option
def job(source: str | None, zone_id: str | None, account_id: str | None, api_base: str | None,
        api_ca_file: str | None, live: bool, concurrency: int, strict: bool, fmt: str,
        output: str | None, color: str, ca_file: str | None, resolve: tuple[Any, ...],
        timeout_s: float, go_probe: bool, expiry_warn_days: int) -> int:
    """Explain Logpush jobs: one job, a list, or the API's envelope, from FILE or - (stdin).

    Each job gets: enabled or not (and by whom it was disabled), old v1 or current, dataset and
    scope, kind, deprecated fields, upload limits, output options, health in time (what is lost
    and what Logpull can still fetch), its error_message explained, and the full offline lint
    of a Splunk destination_conf (--live: the live checks too). No jobs is a normal answer.
    """
    from hec_doctor.cloudflare.jobs import bare_report, check_job, destination_secrets, parse_jobs
    from hec_doctor.engine.run_many import error_report

    chosen = [x for x in (source, zone_id, account_id) if x is not None]
    if len(chosen) != 1:
        raise click.UsageError("give exactly one of FILE, - (stdin), --zone or --account")
    text, origin = _read(source, zone_id, account_id, api_base, api_ca_file, timeout_s)
    jobs = parse_jobs(text, origin)
    if not jobs:
        # An empty list is the API's normal answer for a zone or account without jobs.
        click.echo(f"hec-doctor: no jobs: {origin} holds no Logpush job", err=True)
    scope = (("zones", zone_id) if zone_id else ("accounts", account_id or "")) if (
        zone_id or account_id) else None
    if ca_file is not None and live:
        from hec_doctor.gox509.roots import load_roots

        load_roots(ca_file)
    options = Options(timeout_s=timeout_s, ca_file=ca_file, resolve=resolve, go_probe=go_probe,
                      expiry_warn_days=expiry_warn_days)

    def work(one: Any) -> Any:
        return check_job(one, options, live=live, scope=scope)

    def failed(one: Any, exc: BaseException) -> Any:
        return error_report(bare_report(one), exc,
                            "hec-doctor failed on this job; the others went on",
                            destination_secrets(one))

    return run_and_write(jobs, work, failed, concurrency=concurrency if live else 1, fmt=fmt,
                         single=False, output=output, color=color, strict=strict,
                         progress_label="judging", noun="job")


def _read(source: str | None, zone_id: str | None, account_id: str | None, api_base: str | None,
          api_ca_file: str | None, timeout_s: float) -> tuple[str, str]:
    if source is not None:
        return read_text_input(source, 50_000_000), "stdin" if source == "-" else source
    from hec_doctor.cloudflare.api import check_api_token, fetch_jobs, jobs_url

    token = check_api_token(os.environ.get("CLOUDFLARE_API_TOKEN"))
    scope, scope_id = ("zones", zone_id) if zone_id else ("accounts", account_id)
    url = jobs_url(api_base or CLOUDFLARE_API_BASE, scope, scope_id or "")
    return fetch_jobs(url, token, timeout_s=timeout_s, ca_file=api_ca_file), url
