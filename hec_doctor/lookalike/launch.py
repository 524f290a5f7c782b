"""``hec-doctor serve``: a local HEC look-alike for users' own tests of their log shippers.

This module turns the command's choices into a running ``HecServer``: it makes (or loads) the
certificate, writes the CA a client should trust, decides which tokens exist, and writes each
received event as one JSON line. The CLI only parses options and waits for Ctrl-C.
"""

from __future__ import annotations

import ipaddress
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Callable

from hec_doctor.errors import InputError

if TYPE_CHECKING:  # the server and ssl load only when serving, so --help stays fast
    import ssl

    from hec_doctor.lookalike.server import HecServer



def is_loopback(host: str) -> bool:
    """True for localhost and 127.0.0.0/8 or ::1 literals: addresses nobody else can reach."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass
class ServeSettings:
    """What ``serve`` was asked for (already validated by the CLI).

    Attributes:
        host: the address to bind.
        port: the port to bind (0: any free port).
        tokens: the tokens HEC knows; empty means "make one up and print it".
        ack: indexer acknowledgement on for every token.
        fault: a fault of ``hec_doctor.lookalike.server.FAULTS``, or None.
        slow_s: the delay of the ``slow`` fault.
        cert_file, key_file: the user's own certificate chain and key, or None to make one.
        ca_out: where to write the made-up CA (None: a fresh temporary directory).
        names: the DNS names and IP addresses the made-up certificate carries.
    """

    host: str = "127.0.0.1"
    port: int = 8088
    tokens: tuple[str, ...] = ()
    ack: bool = False
    fault: str | None = None
    slow_s: float = 2.0
    cert_file: str | None = None
    key_file: str | None = None
    ca_out: str | None = None
    names: tuple[str, ...] = field(default_factory=tuple)


@dataclass
class Serving:
    """A started server and what the user needs to point a client at it."""

    server: "HecServer"
    tokens: tuple[str, ...]
    generated_token: bool
    ca_file: str | None
    url: str


def start(settings: ServeSettings, on_event: Callable[[dict[str, object]], None]) -> Serving:
    """Bind and start the look-alike; raises InputError for anything the user must change."""
    import uuid

    from hec_doctor.lookalike.server import HecConfig, HecServer

    tokens = settings.tokens or (str(uuid.uuid4()),)
    state = "ack" if settings.ack else "enabled"
    config = HecConfig(tokens={token: state for token in tokens},
                       fault=settings.fault,
                       slow_s=settings.slow_s)
    context, ca_file = _tls(settings)
    try:
        server = HecServer(config, context, host=settings.host, port=settings.port,
                           on_event=on_event)
    except OSError as exc:
        raise InputError(f"cannot listen on {settings.host}:{settings.port}: "
                         f"{exc.strerror or exc}") from None
    server.start()
    host = f"[{server.host}]" if ":" in server.host else server.host
    return Serving(server, tokens, not settings.tokens, ca_file,
                   f"https://{host}:{server.port}/services/collector/raw")


def _tls(settings: ServeSettings) -> tuple["ssl.SSLContext", str | None]:
    import ssl

    if settings.cert_file or settings.key_file:
        if not (settings.cert_file and settings.key_file):
            raise InputError("--cert and --key go together")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        try:
            context.load_cert_chain(settings.cert_file, settings.key_file)
        except (OSError, ssl.SSLError) as exc:
            raise InputError(f"cannot load --cert/--key: {exc}") from None
        return context, None
    from hec_doctor.lookalike.pki import make_cert, server_context

    names = settings.names or ("localhost", "127.0.0.1", "::1")
    if settings.host not in names and settings.host not in ("0.0.0.0", "::"):
        names = (*names, settings.host)
    dns, ips = [], []
    for name in names:
        try:
            ips.append(str(ipaddress.ip_address(name.strip("[]"))))
        except ValueError:
            dns.append(name)
    root = make_cert("hec-doctor serve CA", ca=True, bits=256, organization="hec-doctor")
    leaf = make_cert(dns[0] if dns else "hec-doctor serve", issuer=root, sans=tuple(dns),
                     ip_sans=tuple(ips), bits=256)
    ca_path = Path(settings.ca_out) if settings.ca_out else _fresh_ca_path()
    try:
        ca_path.write_bytes(root.pem)
    except OSError as exc:
        raise InputError(f"cannot write the CA to {ca_path}: {exc.strerror}") from None
    return server_context([leaf], leaf), str(ca_path)


def _fresh_ca_path() -> Path:
    import tempfile

    return Path(tempfile.mkdtemp(prefix="hec-doctor-serve-"), "ca.pem")


class JsonLines:
    """Writes each event as one JSON line, flushed at once, safe across server threads."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._lock = threading.Lock()

    def __call__(self, event: dict[str, object]) -> None:
        line = json.dumps(event, ensure_ascii=False, default=str)
        with self._lock:
            self._stream.write(line + "\n")
            self._stream.flush()
