"""The ``hec-doctor`` command: a thin click layer over the engine.

It parses options into a Target and Options, runs the checks, renders the report to stdout (or
``--output``), writes notices to stderr, and exits with ``exit_code_for(report)``. Bad input is one
line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from hec_doctor import __version__

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class _OneLineErrors(click.Group):
    """A group whose usage errors are one line on stderr with exit code 2."""

    def main(self, args: Any = None, prog_name: str | None = None,  # type: ignore[override]
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        from hec_doctor.errors import InputError
        from hec_doctor.models import ExitCode

        try:
            code = super().main(args, prog_name or "hec-doctor", complete_var,
                                standalone_mode=False, **extra)
        except click.UsageError as exc:
            hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
            click.echo(f"hec-doctor: error: {exc.format_message()}{hint}", err=True)
            code = ExitCode.USAGE
        except InputError as exc:
            click.echo(f"hec-doctor: error: {exc}", err=True)
            code = ExitCode.USAGE
        except click.Abort:
            click.echo("hec-doctor: interrupted", err=True)
            code = 130
        code = int(code or 0)
        if standalone_mode:
            sys.exit(code)
        return code


@click.group(cls=_OneLineErrors, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", prog_name="hec-doctor")
def cli() -> None:
    """Check a Splunk HEC destination before Cloudflare Logpush (or anything else) uses it."""


@cli.command()
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
              callback=lambda ctx, param, value: tuple(_parse_resolve(v) for v in value),
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
    use_color = output is None and _want_color(color)
    text = renderer_for(OutputFormat(fmt), color=use_color)(report)
    text = scrub(text, parsed.secrets)
    if output is None:
        click.echo(text, nl=False, color=use_color)
        if fmt != "text":
            _summary_to_stderr(report)
    else:
        _write(output, text)
        _summary_to_stderr(report)
        click.echo(f"report written to {output}", err=True)
    if fmt != "text":
        for notice in report.notices:
            click.echo(scrub(f"notice: {notice}", parsed.secrets), err=True)
    return exit_code_for(report, strict=strict)


def _parse_resolve(value: str) -> Any:
    """``HOST:PORT:ADDRESS`` (ADDRESS may be an IPv6 address, bracketed or not)."""
    import ipaddress

    from hec_doctor.models import ResolveOverride

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


def _want_color(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def _summary_to_stderr(report: Any) -> None:
    counts = report.counts()
    parts = ", ".join(f"{n} {status.value}" for status, n in counts.items() if n)
    click.echo(f"verdict: {report.verdict.value} ({parts})", err=True)


def _write(path: str, text: str) -> None:
    from hec_doctor.errors import InputError

    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from None


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code (the console script's entry point)."""
    code: int = cli.main(args=argv, prog_name="hec-doctor", standalone_mode=False)
    return code
