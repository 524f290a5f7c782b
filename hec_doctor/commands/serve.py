"""``hec-doctor serve``: a local HEC look-alike for testing log shippers."""

from __future__ import annotations

import signal
import sys
import threading
from typing import Any

import click

from hec_doctor.commands.common import FiniteFloatRange
from hec_doctor.lookalike.server import FAULTS, fault_name


def _fault(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    try:
        return fault_name(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8088, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--token", "tokens", multiple=True, metavar="TOKEN[:OPTIONS]",
              help="A token HEC accepts (repeatable; default: a new GUID, printed at start). "
                   "OPTIONS, comma-separated: ack, disabled, query-auth (allowQueryStringAuth), "
                   "index=NAME (its default index), indexes=A|B (the only ones it may use).")
@click.option("--index", "indexes", multiple=True, metavar="NAME",
              help="An index that exists besides main (repeatable); others get code 7.")
@click.option("--max-content-length", "max_body", type=click.IntRange(1), metavar="BYTES",
              help="Largest body accepted (Splunk's max_content_length; default 838860800).")
@click.option("--retry-after", type=click.IntRange(1), metavar="SECONDS",
              help="Send Retry-After on busy replies (Splunk documents none: off by default).")
@click.option("--ack", is_flag=True,
              help="Indexer acknowledgement on: a channel is required, replies carry ackId, "
                   "/services/collector/ack answers.")
@click.option("--fault", callback=_fault, metavar="|".join(FAULTS),
              help="Misbehave as a broken HEC does (queues-full: health answers code 18 and "
                   "pushes code 9, as Splunk does with its queues full; 'unhealthy' is its old "
                   "name).")
@click.option("--slow-seconds", type=FiniteFloatRange(0, 600), default=2.0, show_default=True,
              help="Delay of each reply with --fault slow.")
@click.option("--cert", "cert_file", type=click.Path(exists=True, dir_okay=False),
              help="PEM certificate chain to serve (leaf first); default: made on the spot.")
@click.option("--key", "key_file", type=click.Path(exists=True, dir_okay=False),
              help="PEM private key of --cert.")
@click.option("--ca-out", type=click.Path(dir_okay=False, writable=True),
              help="Where to write the made-on-the-spot CA (default: a new temporary folder).")
@click.option("--name", "names", multiple=True, metavar="NAME",
              help="A DNS name or IP the made-on-the-spot certificate carries (repeatable; "
                   "default: localhost, 127.0.0.1, ::1).")
@click.option("--events", "events_file", type=click.File("a", encoding="utf-8", lazy=False),
              help="Append received events to this file as JSON lines (default: stdout).")
@click.option("--allow-remote", is_flag=True,
              help="Allow listening on an address other machines can reach.")
def serve(host: str, port: int, tokens: tuple[str, ...], indexes: tuple[str, ...],
          max_body: int | None, retry_after: int | None, ack: bool, fault: str | None,
          slow_seconds: float, cert_file: str | None, key_file: str | None, ca_out: str | None,
          names: tuple[str, ...], events_file: Any, allow_remote: bool) -> int:
    """Run a local Splunk HEC look-alike until Ctrl-C.

    It answers /services/collector/health, /raw, /event, /services/collector and /ack with
    Splunk's documented codes, and prints every event it accepts as one JSON line.
    """
    from hec_doctor.lookalike.launch import JsonLines, ServeSettings, is_loopback, start
    from hec_doctor.redact import fingerprint

    if not is_loopback(host):
        if not allow_remote:
            raise click.UsageError(f"{host} is reachable from other machines; pass "
                                   "--allow-remote to listen there anyway")
        click.echo(f"warning: listening on {host}: anyone who can reach it can send events, "
                   "and the tokens are test tokens", err=True)
    settings = ServeSettings(host=host, port=port, tokens=tokens, ack=ack, fault=fault,
                             slow_s=slow_seconds, indexes=indexes, max_body=max_body,
                             retry_after=retry_after, cert_file=cert_file, key_file=key_file,
                             ca_out=ca_out, names=names)
    stop = threading.Event()
    # Handlers first: a Ctrl-C that comes the moment the banner is out must still stop cleanly.
    previous = {sig: signal.signal(sig, lambda signum, frame: stop.set())
                for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        serving = start(settings, JsonLines(events_file or sys.stdout))
    except BaseException:
        _restore(previous)
        raise
    say = lambda text: click.echo(text, err=True)  # noqa: E731
    say(f"hec-doctor serve: HEC look-alike listening on {serving.url}")
    if serving.generated_token:
        say(f"token: {serving.tokens[0]}   (made up for this run; pass --token to choose)")
    else:
        say("tokens: " + ", ".join(fingerprint(t) for t in serving.tokens))
    if serving.ca_file:
        import shlex

        say(f"CA to trust: {serving.ca_file}")
        if serving.generated_token:
            # A token made up for this local look-alike opens nothing else: it is no secret,
            # and a command that pastes as is beats a placeholder.
            say("check it:    hec-doctor check --ca-file "
                f"{shlex.quote(serving.ca_file)} --token {serving.tokens[0]} "
                f"{shlex.quote(serving.url)}   (the made-up token is no secret)")
        else:
            say("check it:    HEC_TOKEN=<one of your tokens> hec-doctor check --ca-file "
                f"{shlex.quote(serving.ca_file)} {shlex.quote(serving.url)}")
    say(f"mode: ack {'on' if ack else 'off'}, fault {fault or 'none'}; Ctrl-C stops")
    try:
        while not stop.wait(0.5):
            pass
    finally:
        _restore(previous)
        serving.server.close()
    say("hec-doctor serve: stopped")
    return 0


def _restore(previous: dict[Any, Any]) -> None:
    for sig, handler in previous.items():
        signal.signal(sig, handler)
