"""``hec-doctor watch``: keep checking HEC destinations and export what is found to Prometheus."""

from __future__ import annotations

import os
import signal
import sys
import threading
from typing import Any

import click

from hec_doctor.commands.common import (
    FiniteFloatRange,
    concurrency_option,
    expiry_option,
    live_options,
)
from hec_doctor.commands.targets import target_file_option
from hec_doctor.errors import InputError
from hec_doctor.models import Options


def _listen(value: str) -> tuple[str, int]:
    from hec_doctor.watch.metrics import DEFAULT_LISTEN

    host, _, port_text = value.rpartition(":")
    host = host.strip("[]") or DEFAULT_LISTEN[0]
    if not port_text.isdigit() or not 0 <= int(port_text) < 65536:
        raise click.BadParameter(f"{value!r} is not [HOST:]PORT", param_hint="--listen")
    return host, int(port_text)


@click.command()
@click.argument("targets", nargs=-1, metavar="TARGET...")
@target_file_option
# At most a week: a wait longer than the OS allows (threading's TIMEOUT_MAX) or an infinite
# one ended the exporter with an internal error after its first round.
@click.option("--interval", "interval_s", type=FiniteFloatRange(min=1, max=7 * 86400),
              default=300, show_default=True,
              help="Seconds between rounds (each varies by up to 10%), at most a week.")
@click.option("--listen", default="127.0.0.1:18088", show_default=True, metavar="[HOST:]PORT",
              help="Where to serve /metrics (port 0: any free port, printed on stderr).")
@click.option("--once", is_flag=True, help="Run one round, write the metrics, and exit.")
@click.option("--textfile", type=click.Path(dir_okay=False, writable=True),
              help="Also write the metrics to FILE after each round (atomically), for "
                   "node_exporter's textfile collector; with --once, instead of serving.")
@click.option("--token", "token_flag", metavar="TOKEN",
              help="HEC token (prefer the HEC_TOKEN environment variable: no shell history).")
@click.option("--config", "config_file", metavar="FILE",
              help="Serve /probe?target=...&module=... for the destinations FILE allows (TOML; "
                   "tokens come from it), as blackbox_exporter: Prometheus schedules the "
                   "probes. No TARGET then.")
@concurrency_option
@live_options
@expiry_option
def watch(targets: tuple[str, ...], target_file: Any, interval_s: float, listen: str,
          once: bool, textfile: str | None, token_flag: str | None, config_file: str | None,
          concurrency: int, ca_file: str | None, resolve: tuple[Any, ...], timeout_s: float,
          go_probe: bool, expiry_warn_days: int) -> int:
    """Run the live checks on each TARGET every --interval seconds and serve the results as
    Prometheus metrics on --listen (http://HOST:PORT/metrics).

    The token goes once per round per address, and only where `check` would send it. A target
    that hangs or vanishes holds up nothing but itself (every step has --timeout). SIGTERM or
    Ctrl-C ends the watch cleanly. --once runs one round and writes the metrics to --textfile
    (or stdout), and exits as `check` does. With --config, it serves /probe instead.
    """
    from functools import partial

    if config_file is not None:
        if targets or target_file or once or textfile:
            raise click.UsageError("--config serves /probe for the destinations it names: no "
                                   "TARGET, --file, --once or --textfile with it")
        return _serve_probes(config_file, listen)
    from hec_doctor.commands.check import failed_target
    from hec_doctor.commands.targets import gather_targets
    from hec_doctor.engine.run import run
    from hec_doctor.target import build_target
    from hec_doctor.watch.metrics import Metrics, Watcher, target_names

    texts = gather_targets(targets, target_file)
    parsed = []
    for origin, text in texts:
        try:
            parsed.append(build_target(text, token=token_flag,
                                       ambient_token=os.environ.get("HEC_TOKEN"), origin=origin))
        except InputError as exc:
            raise InputError(f"{origin}: {exc}") from None
    if ca_file is not None:
        from hec_doctor.gox509.roots import load_roots

        load_roots(ca_file)
    host_port = None if once else _listen(listen)
    names = target_names([(t.destination.host, t.destination.effective_port,
                           t.destination.path) for t in parsed])
    options = Options(timeout_s=timeout_s, ca_file=ca_file, resolve=resolve, go_probe=go_probe,
                      expiry_warn_days=expiry_warn_days)
    metrics = Metrics(counters=not once)

    def write_textfile() -> None:
        if textfile is not None:
            from hec_doctor.files import write_file

            # As write_to_textfile would, but through a device, FIFO or symlink as a Unix
            # tool writes, and with the umask's mode (prometheus_client's temp file is 0600).
            write_file(textfile, metrics.exposition())

    watcher = Watcher(list(zip(names, parsed, strict=True)), partial(run, options=options),
                      failed_target, metrics, concurrency=concurrency, after_round=write_textfile)
    if once:
        from hec_doctor.models import Tally

        tally = Tally()
        watcher.on_report = tally.add
        watcher.one_round()
        if textfile is None:
            click.echo(metrics.exposition(), nl=False)
        else:
            click.echo(f"hec-doctor: metrics of {len(parsed)} target(s) written to {textfile}",
                       err=True)
        return int(tally.exit_code)  # as check: 0, 1 a check failed, 3 not completed
    assert host_port is not None
    from prometheus_client import start_http_server

    try:
        server, _thread = start_http_server(host_port[1], host_port[0], metrics.registry)
    except OSError as exc:
        raise InputError(f"cannot listen on {listen}: {exc.strerror}") from None
    host, port = server.server_address[:2]
    click.echo(f"hec-doctor: serving metrics of {len(parsed)} target(s) on "
               f"http://{host!s}:{port}/metrics every {interval_s:g} s "
               "(SIGTERM or Ctrl-C to stop)", err=True)
    sys.stderr.flush()
    previous = _stop_on_signals(watcher)
    try:
        watcher.run(interval_s)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        server.shutdown()
        server.server_close()
    click.echo("hec-doctor: watch stopped", err=True)
    return 0


def _serve_probes(config_file: str, listen: str) -> int:
    from hec_doctor.watch.exporter import Exporter, load_config, serve

    exporter = Exporter(load_config(config_file))
    host, port = _listen(listen)
    try:
        server = serve(exporter, host, port)
    except OSError as exc:
        raise InputError(f"cannot listen on {listen}: {exc.strerror}") from None
    bound = server.server_address
    click.echo(f"hec-doctor: serving /probe for {len(exporter.config.targets)} target(s) on "
               f"http://{bound[0]}:{bound[1]}/ (SIGTERM or Ctrl-C to stop)", err=True)
    sys.stderr.flush()
    stop = threading.Event()
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.signal(signum, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        server.shutdown()
        server.server_close()
    click.echo("hec-doctor: exporter stopped", err=True)
    return 0


def _stop_on_signals(watcher: Any) -> dict[int, Any]:
    """SIGTERM and SIGINT end the watch (from the main thread only, where signals arrive)."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    previous: dict[int, Any] = {}
    for signum in (signal.SIGTERM, signal.SIGINT):
        previous[signum] = signal.signal(signum, lambda *_: watcher.stop())
    return previous
