"""``hec-doctor check``: the whole engine against one destination."""

from __future__ import annotations

import os
from typing import Any

import click

from hec_doctor.commands.common import parse_resolve, summary_to_stderr, want_color, write_text

@click.command()
@click.argument("target")
@click.option("--offline", is_flag=True, help="Lint the destination only; no network access.")
@click.option("--token", "token_flag", metavar="TOKEN",
              help="HEC token (prefer the HEC_TOKEN environment variable: no shell history).")
@click.option("--insecure-skip-verify/--no-insecure-skip-verify", "skip_verify", default=None,
              help="Override the target's insecure-skip-verify parameter.")
@click.option("--strict", is_flag=True, help="Treat warnings as failures (exit code 1).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Report format.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="Write the report to this file (after the run) instead of stdout.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto",
              show_default=True, help="Colour the text report (auto: on a terminal, no NO_COLOR).")
@click.option("--ca-file", type=click.Path(dir_okay=False),
              help="Trust the roots in this PEM file instead of certifi's Mozilla bundle.")
@click.option("--resolve", "resolve", multiple=True, metavar="HOST:PORT:ADDRESS",
              callback=lambda ctx, param, value: tuple(parse_resolve(v) for v in value),
              help="Connect to ADDRESS for HOST:PORT, keeping HOST for SNI and verification "
                   "(as curl's --resolve). Repeatable.")
@click.option("--timeout", "timeout_s", type=click.FloatRange(min=0.1, max=300), default=5.0,
              show_default=True, help="Seconds allowed for each network step.")
@click.option("--expiry-warn-days", type=click.IntRange(min=0), default=30, show_default=True,
              help="Warn when the certificate expires within this many days.")
@click.option("--send-event", is_flag=True,
              help="Post a Logpush-shaped test event (writes one event to the index).")
@click.option("--event-file", type=click.File("rb"),
              help="The test event's body (default: the FAQ's sample line).")
def check(target: str, offline: bool, token_flag: str | None, skip_verify: bool | None,
          strict: bool, fmt: str, output: str | None, color: str, ca_file: str | None,
          resolve: tuple[Any, ...], timeout_s: float, expiry_warn_days: int,
          send_event: bool, event_file: Any) -> int:
    """Check TARGET: a HEC URL, a Logpush destination_conf (splunk://...), or host[:port].

    \b
    Exit codes: 0 no failure (warnings allowed), 1 a check failed (or warned with --strict),
    2 bad input, 3 hec-doctor could not complete a check.
    """
    from hec_doctor.destination import build_target
    from hec_doctor.models import Options, exit_code_for
    from hec_doctor.redact import scrub
    from hec_doctor.render import OutputFormat, renderer_for
    from hec_doctor.runner import run

    parsed = build_target(
        target,
        token_flag=token_flag,
        token_env=os.environ.get("HEC_TOKEN"),
        skip_verify_flag=skip_verify,
    )
    if ca_file is not None:
        from hec_doctor.trust import load_roots

        load_roots(ca_file)  # a bad file is a usage error (exit 2), not a failed check
    event = event_file.read(1_000_001) if event_file is not None else None
    if event is not None and (len(event) > 1_000_000 or not event.strip()):
        raise click.BadParameter("the event file must hold 1 byte to 1 MB", param_hint="--event-file")
    options = Options(offline=offline, timeout_s=timeout_s, ca_file=ca_file, resolve=resolve,
                      expiry_warn_days=expiry_warn_days, send_event=send_event or event is not None,
                      event=event)
    report = run(parsed, options)
    use_color = output is None and want_color(color)
    text = renderer_for(OutputFormat(fmt), color=use_color)(report)
    text = scrub(text, parsed.secrets)
    if output is None:
        click.echo(text, nl=False, color=use_color)
        if fmt != "text":
            summary_to_stderr(report)
    else:
        write_text(output, text)
        summary_to_stderr(report)
        click.echo(f"report written to {output}", err=True)
    if fmt != "text":
        for notice in report.notices:
            click.echo(scrub(f"notice: {notice}", parsed.secrets), err=True)
    return exit_code_for(report, strict=strict)
