"""Option parsing and output helpers shared by the commands."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import signal
import sys
import threading
from collections.abc import Iterator
from typing import Any

import click

from hec_doctor.errors import InputError, OutputError
from hec_doctor.exitcodes import ExitCode
from hec_doctor.models import (
    DEFAULT_CONCURRENCY,
    DEFAULT_EXPIRY_WARN_DAYS,
    DEFAULT_TIMEOUT_S,
    ResolveOverride,
)
from hec_doctor.render import OutputFormat
from hec_doctor.term import want_color  # noqa: F401 (the commands import it from here)


class FiniteFloatRange(click.FloatRange):
    """click's FloatRange, without NaN: every comparison with NaN is false, so FloatRange lets
    ``nan`` through whatever its bounds (``--timeout nan`` reached the network code, where a
    NaN wait reads as an interruption)."""

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if number != number:
            self.fail(f"{value!r} is not a number", param, ctx)
        return number


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


def echo_out(text: str, *, color: bool = False) -> None:
    """``text`` to stdout; a stdout that cannot be written (a full disk, a closed pipe) is one
    line and exit code 3, never a traceback."""
    try:
        click.echo(text, nl=False, color=color)
        sys.stdout.flush()
    except OSError as exc:
        raise OutputError(f"cannot write to stdout: {exc.strerror or exc}") from None


def summary_to_stderr(report: Any) -> None:
    counts = report.counts()
    parts = ", ".join(f"{n} {status.value}" for status, n in counts.items() if n)
    click.echo(f"verdict: {report.verdict.value} ({parts})", err=True)


class Output:
    """Where a batch goes, report by report as they arrive.

    The report goes to stdout, or to ``--output`` (written to a temporary file beside it and
    moved into place once the run is over, so the file never holds half a report); summaries
    and notices go to stderr; with ``--format github`` and ``GITHUB_STEP_SUMMARY`` set, a
    Markdown summary is appended to that file at the end. Reports arrive redacted (the engine
    redacts secrets where it puts them in, and scrubs each finished report), so nothing here
    touches secrets.
    """

    def __init__(self, fmt: str, *, single: bool, output: str | None, color: str,
                 also: tuple[tuple[str, str], ...] = (), debug: bool = False) -> None:
        from hec_doctor.render import writer

        self.fmt, self.single, self.output = OutputFormat(fmt), single, output
        self.debug = debug
        self.color = output is None and self.fmt is OutputFormat.TEXT and want_color(color)
        self.machine = self.fmt is not OutputFormat.TEXT or output is not None
        self.writer = writer(self.fmt, single=single, color=self.color)
        step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
        self.step_summary = step_summary if self.fmt is OutputFormat.GITHUB else None
        self.step_writer = writer(OutputFormat.MARKDOWN) if self.step_summary else None
        self.last: Any = None
        self.file: Any = None
        # --also: other formats of the same reports, each written whole at the end.
        self.also: list[tuple[str, Any, list[str]]] = [
            (path, writer(OutputFormat(kind), single=single), []) for kind, path in also]
        for _, also_writer, parts in self.also:
            parts.append(also_writer.start())
        if output is not None:
            from hec_doctor.files import OutputFile

            self.file = OutputFile(output)
        self._write(self.writer.start())

    def _write(self, text: str) -> None:
        if not text:
            return
        if self.file is not None:
            self.file.write(text)
        else:
            echo_out(text, color=self.color)

    def add(self, report: Any) -> None:
        """Write one report (in input order)."""
        self.last = report
        self._write(self.writer.add(report))
        for _, also_writer, parts in self.also:
            parts.append(also_writer.add(report))
        if self.step_writer is not None:
            self.step_writer.add(report)
        if self.machine:
            for notice in report.notices:
                click.echo(f"notice: {notice}", err=True)
        if self.debug:
            click.echo(debug_text(report), err=True, nl=False)

    def finish(self, tally: Any) -> None:
        """Write what comes after the reports, then the summaries."""
        from hec_doctor.render.text import summary

        self._write(self.writer.finish(tally))
        if self.file is not None:
            self.file.commit()
        from hec_doctor.files import write_file

        for path, also_writer, parts in self.also:
            write_file(path, "".join(parts) + also_writer.finish(tally))
        if self.machine:
            if self.single and self.last is not None:
                summary_to_stderr(self.last)
            else:
                click.echo(summary(tally), nl=False, err=True)
        if self.output is not None:
            click.echo(f"report written to {self.output}", err=True)
        if self.step_writer is not None:
            try:
                with open(self.step_summary, "a", encoding="utf-8") as handle:  # type: ignore
                    handle.write(self.step_writer.finish(tally))
            except OSError as exc:
                click.echo(f"hec-doctor: cannot write GITHUB_STEP_SUMMARY: {exc.strerror}",
                           err=True)

    def discard(self) -> None:
        """Drop a half-written --output file (the run did not get to the end)."""
        if self.file is not None:
            self.file.discard()


def debug_text(report: Any) -> str:
    """What ``--debug`` adds on stderr for one report: each bug's traceback and the HTTP
    exchanges (both redacted where they were made)."""
    lines = [f"debug: {report.label or report.target.input}"]
    for check in report.checks:
        if check.traceback:
            lines.append(f"debug: {check.id} failed inside hec-doctor (a bug; please report "
                         "it with this traceback):")
            lines += ["  " + line for line in check.traceback.rstrip().splitlines()]
    if report.wire:
        lines.append("debug: HTTP exchanges (> sent, < received):")
        lines += ["  " + line for line in report.wire]
    elif not any(check.traceback for check in report.checks):
        lines.append("debug: no HTTP exchange and no bug to show")
    return "\n".join(lines) + "\n"


def run_and_write(items: Any, work: Any, failed: Any, *, concurrency: int, fmt: str,
                  single: bool, output: str | None, color: str, strict: bool,
                  progress_label: str = "checking", noun: str = "target",
                  processes: int = 1) -> int:
    """Run ``work`` over the items (``run_many``), write each report as it comes, and return
    the exit code: the worst over all reports, or 130 when the run was interrupted.

    One Ctrl-C stops the run within a fraction of a second (in-flight network steps are cut
    short and reported as interrupted, targets not started are reported as such); a second
    one exits at once.
    """
    from hec_doctor.engine.run_many import RunMany
    from hec_doctor.models import Tally
    from hec_doctor.progress import Progress

    context = click.get_current_context(silent=True)
    meta = context.meta if context is not None else {}
    also = meta.get("hec_doctor.also", ())
    if len(items) != 1 and OutputFormat.JSON_REPORT.value in (fmt, *(f for f, _ in also)):
        raise InputError(f"json-report is one report on its own, and {len(items)} targets were "
                         "given: use --format json (the batch envelope) instead")
    out = Output(fmt, single=single, output=output, color=color, also=also,
                 debug=bool(meta.get("hec_doctor.debug")))
    progress = (Progress(sys.stderr, label=progress_label)
                if len(items) > 1 and Progress.wanted(sys.stderr) else None)
    if progress is not None:
        progress.update(0, len(items))  # from the start, not once the first target is done
    tally = Tally(strict=strict, noun=noun)
    runs = RunMany(items, work, failed, concurrency=concurrency, processes=processes,
                   on_done=progress.update if progress else None,
                   on_interrupt=lambda: click.echo(
                       "\nhec-doctor: interrupted; reporting what was done (Ctrl-C again to quit "
                       "at once)", err=True))
    stopped_by: list[int] = []
    try:
        with _interrupts_stop(runs, stopped_by):
            for report in runs:
                tally.add(report)
                out.add(report)
    except BaseException:
        out.discard()
        raise
    finally:
        if progress is not None:
            progress.close()
    out.finish(tally)
    if runs.interrupted:
        return int(ExitCode.TERMINATED if stopped_by == [signal.SIGTERM]
                   else ExitCode.INTERRUPTED)
    return int(tally.exit_code)


@contextlib.contextmanager
def _interrupts_stop(runs: Any, stopped_by: list[int]) -> Iterator[None]:
    """While the run lasts, Ctrl-C or SIGTERM stops it instead of ending the process (what was
    done is reported, workers stop, a half-written --output is dropped); a second one ends it
    at once, with 128 + the signal's number."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_signal(signum: int, frame: Any) -> None:
        if runs.interrupted:
            os._exit(128 + signum)
        stopped_by.append(signum)
        runs.stop()

    previous = {signum: signal.signal(signum, on_signal)
                for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        # Once stopped, a second signal must still end the process at once while the partial
        # report is written: restoring Python's handler here would turn it into a
        # KeyboardInterrupt escaping as a traceback-less death by SIGINT (exit -2, not 130).
        if not stopped_by:
            for signum, handler in previous.items():
                signal.signal(signum, handler)


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
        click.option("--also", metavar="FORMAT:FILE", multiple=True, expose_value=False,
                     callback=_also,
                     help="Also write the report in FORMAT to FILE (repeatable), from the same "
                          "run: e.g. --format github --also sarif:report.sarif."),
        click.option("--debug", is_flag=True, expose_value=False,
                     callback=lambda ctx, param, value: ctx.meta.__setitem__(
                         "hec_doctor.debug", value),
                     help="Print to stderr the traceback of any bug inside a check and the "
                          "HTTP exchanges, every secret redacted."),
        color_option,
    )):
        command = option(command)
    return command


def _also(ctx: click.Context, param: Any, values: tuple[str, ...]) -> None:
    """``--also FORMAT:FILE``: kept on the context for ``run_and_write``."""
    found = []
    for value in values:
        fmt, colon, path = value.partition(":")
        if not colon or fmt not in FORMATS or not path:
            raise click.BadParameter(f"{value!r} is not FORMAT:FILE with FORMAT one of "
                                     f"{', '.join(FORMATS)}", param_hint="--also")
        found.append((fmt, path))
    ctx.meta["hec_doctor.also"] = tuple(found)


concurrency_option = click.option(
    "--concurrency", type=click.IntRange(1, 256), default=DEFAULT_CONCURRENCY, show_default=True,
    help="How many targets are checked at once.")
live_flag = click.option(
    "--live", is_flag=True,
    help="Also run the live checks against each Splunk destination (in a plan, each one known "
         "before apply).")
expiry_option = click.option(
    "--expiry-warn-days", type=click.IntRange(min=0), default=DEFAULT_EXPIRY_WARN_DAYS,
    show_default=True, help="Warn when the certificate expires within this many days.")


def cloudflare_api_options(command: Any) -> Any:
    """--zone, --account, --api-base and --api-ca-file: one meaning wherever they appear (the
    Cloudflare zone or account the command asks the API about, and how to reach the API). What
    a command asks it is the command's own help; the token is always CLOUDFLARE_API_TOKEN."""
    from hec_doctor.hec.spec import CLOUDFLARE_API_BASE

    for option in reversed((
        click.option("--zone", "zone_id", metavar="ZONE_ID",
                     help="The Cloudflare zone to ask the API about (CLOUDFLARE_API_TOKEN)."),
        click.option("--account", "account_id", metavar="ACCOUNT_ID",
                     help="The Cloudflare account to ask the API about (CLOUDFLARE_API_TOKEN)."),
        click.option("--api-base", default=None, metavar="URL",
                     help=f"The Cloudflare API's base URL, https only (default: "
                          f"{CLOUDFLARE_API_BASE})."),
        click.option("--api-ca-file", type=click.Path(dir_okay=False),
                     help="Trust this PEM CA for the Cloudflare API (for a local stand-in)."),
    )):
        command = option(command)
    return command


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
        click.option("--timeout", "timeout_s", type=FiniteFloatRange(min=0.1, max=300),
                     default=DEFAULT_TIMEOUT_S, show_default=True,
                     help="Seconds allowed for each network step."),
        click.option("--go-probe/--no-go-probe", "go_probe", default=True, show_default=True,
                     help="Measure the push with Go's own client (the Go probe built with "
                          "hec-doctor); --no-go-probe predicts with the ported verifier "
                          "alone."),
    )):
        command = option(command)
    return command
