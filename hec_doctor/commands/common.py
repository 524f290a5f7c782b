"""Option parsing and output helpers shared by the commands."""

from __future__ import annotations

import ipaddress
import os
import sys
from typing import Any

import click

from hec_doctor.errors import InputError
from hec_doctor.models import (
    DEFAULT_CONCURRENCY,
    DEFAULT_EXPIRY_WARN_DAYS,
    DEFAULT_TIMEOUT_S,
    ResolveOverride,
)
from hec_doctor.render import OutputFormat


def parse_resolve(value: str) -> Any:
    """``HOST:PORT:ADDRESS`` (ADDRESS may be an IPv6 address, bracketed or not)."""
    host, _, rest = value.partition(":")
    port_text, _, address = rest.partition(":")
    address = address.strip("[]")
    try:
        port = int(port_text)
        ipaddress.ip_address(address)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not HOST:PORT:ADDRESS with a numeric port and an IP address",
            param_hint="--resolve") from None
    if not host or not 0 < port < 65536:
        raise click.BadParameter(f"{value!r}: need a host and a port from 1 to 65535",
                                 param_hint="--resolve")
    return ResolveOverride(host, port, address)


def want_color(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def summary_to_stderr(report: Any) -> None:
    counts = report.counts()
    parts = ", ".join(f"{n} {status.value}" for status, n in counts.items() if n)
    click.echo(f"verdict: {report.verdict.value} ({parts})", err=True)


def emit(batch: Any, *, fmt: str, single: bool, output: str | None, color: str) -> None:
    """Render the batch to stdout (or ``--output``), and the summary and notices to stderr.

    Reports arrive redacted (the engine redacts secrets where it puts them in, and scrubs each
    finished report), so nothing here touches secrets. With ``--format github`` and
    ``GITHUB_STEP_SUMMARY`` set, a Markdown summary is appended to that file.
    """
    from hec_doctor.render import OutputFormat, render
    from hec_doctor.render.text import summary

    use_color = output is None and fmt == "text" and want_color(color)
    text = render(OutputFormat(fmt), batch, single=single, color=use_color)
    if output is None:
        click.echo(text, nl=False, color=use_color)
    else:
        write_text(output, text)
    if fmt != "text" or output is not None:
        if single:
            summary_to_stderr(batch.reports[0])
        else:
            click.echo(summary(batch), nl=False, err=True)
        for report in batch.reports:
            for notice in report.notices:
                click.echo(f"notice: {notice}", err=True)
    if output is not None:
        click.echo(f"report written to {output}", err=True)
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if fmt == "github" and step_summary:
        markdown = render(OutputFormat.MARKDOWN, batch)
        try:
            with open(step_summary, "a", encoding="utf-8") as handle:
                handle.write(markdown)
        except OSError as exc:
            click.echo(f"hec-doctor: cannot write GITHUB_STEP_SUMMARY: {exc.strerror}", err=True)


FORMATS = [fmt.value for fmt in OutputFormat]

color_option = click.option(
    "--color", type=click.Choice(["auto", "always", "never"]), default="auto",
    show_default=True, help="Colour the text output (auto: on a terminal, no NO_COLOR).")


def report_options(command: Any) -> Any:
    """--strict, --format, --output and --color: how a batch of reports is judged and written."""
    for option in reversed((
        click.option("--strict", is_flag=True, help="Treat warnings as failures (exit code 1)."),
        click.option("--format", "fmt", type=click.Choice(FORMATS), default="text",
                     show_default=True, help="Report format."),
        click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
                     help="Write the report to this file (after the run) instead of stdout."),
        color_option,
    )):
        command = option(command)
    return command


concurrency_option = click.option(
    "--concurrency", type=click.IntRange(1, 256), default=DEFAULT_CONCURRENCY, show_default=True,
    help="How many targets are checked at once.")
expiry_option = click.option(
    "--expiry-warn-days", type=click.IntRange(min=0), default=DEFAULT_EXPIRY_WARN_DAYS,
    show_default=True, help="Warn when the certificate expires within this many days.")


def live_options(command: Any) -> Any:
    """--ca-file, --resolve and --timeout: how live checks connect and whom they trust."""
    for option in reversed((
        click.option("--ca-file", type=click.Path(dir_okay=False),
                      help="Trust the roots in this PEM file instead of certifi's Mozilla "
                           "bundle."),
        click.option("--resolve", "resolve", multiple=True, metavar="HOST:PORT:ADDRESS",
                     callback=lambda ctx, param, value: tuple(parse_resolve(v) for v in value),
                     help="Connect to ADDRESS for HOST:PORT, keeping HOST for SNI and "
                          "verification (as curl's --resolve). Repeatable."),
        click.option("--timeout", "timeout_s", type=click.FloatRange(min=0.1, max=300),
                     default=DEFAULT_TIMEOUT_S, show_default=True,
                     help="Seconds allowed for each network step."),
    )):
        command = option(command)
    return command


def write_text(path: str, text: str) -> None:

    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from None
