"""``hec-doctor terraform``: the Logpush jobs a Terraform plan creates or changes."""

from __future__ import annotations

from typing import Any

import click

from hec_doctor.commands.common import (
    concurrency_option,
    expiry_option,
    live_flag,
    live_options,
    report_options,
    run_and_write,
)
from hec_doctor.files import read_text_input
from hec_doctor.models import Options

MAX_PLAN_BYTES = 200_000_000


@click.command()
@click.argument("plan_file", metavar="PLAN.json|-")
@live_flag
@concurrency_option
@report_options
@live_options
@expiry_option
def terraform(plan_file: str, live: bool, concurrency: int, strict: bool, fmt: str,
              output: str | None, color: str, ca_file: str | None, resolve: tuple[Any, ...],
              timeout_s: float, go_probe: bool, expiry_warn_days: int) -> int:
    """Check every cloudflare_logpush_job a Terraform plan creates, updates or replaces.

    PLAN.json is `terraform show -json tfplan` (or - for stdin); the Cloudflare provider's 5.x
    and 4.x schemas are both read. Each job is labelled by its resource address; values unknown
    until apply are reported as such, and values the plan marks sensitive are never shown. A
    plan without such a resource exits 0.

    \b
    Exit codes: as `check`: 0 no failure, 1 a check failed (or warned with --strict), 2 bad
    input, 3 hec-doctor could not complete a check.
    """
    from hec_doctor.cloudflare.jobs import bare_report, check_planned_job
    from hec_doctor.cloudflare.terraform import parse_plan, planned_jobs
    from hec_doctor.engine.run_many import error_report

    origin = "stdin" if plan_file == "-" else plan_file
    planned = planned_jobs(parse_plan(read_text_input(plan_file, MAX_PLAN_BYTES), origin))
    if not planned:
        click.echo(f"hec-doctor: {origin} creates or changes no cloudflare_logpush_job; "
                   "nothing to check", err=True)
    if ca_file is not None and live:
        from hec_doctor.gox509.roots import load_roots

        load_roots(ca_file)
    options = Options(timeout_s=timeout_s, ca_file=ca_file, resolve=resolve, go_probe=go_probe,
                      expiry_warn_days=expiry_warn_days)

    def work(one: Any) -> Any:
        return check_planned_job(one, options, live=live)

    def failed(one: Any, exc: BaseException) -> Any:
        return error_report(bare_report(one.job), exc,
                            "hec-doctor failed on this resource; the others went on",
                            one.secrets)

    return run_and_write(planned, work, failed, concurrency=concurrency if live else 1,
                         fmt=fmt, single=False, output=output, color=color, strict=strict,
                         progress_label="checking", noun="job")

