"""Option parsing and output helpers shared by the commands."""

from __future__ import annotations

import os
import sys
from typing import Any

import click


def parse_resolve(value: str) -> Any:
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


def write_text(path: str, text: str) -> None:
    from hec_doctor.errors import InputError

    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from None
