"""Launching the look-alike: the one place a CA and certificate are made for it and a server is
bound and started, for ``hec-doctor serve``, the demo and the pytest fixtures alike.

``local_pki`` makes a CA and a server certificate for some names; ``start_server`` binds and
starts a ``HecServer``; ``start`` turns ``serve``'s choices into a running server (it also loads
a user's own certificate, writes the CA a client should trust, and picks the tokens).
"""

from __future__ import annotations

import ipaddress
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from hec_doctor.errors import InputError

if TYPE_CHECKING:  # the server and ssl load only when serving, so --help stays fast
    import ssl

    from hec_doctor.lookalike.pki import Issued
    from hec_doctor.lookalike.server import HecConfig, HecServer



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
        tokens: the tokens HEC knows, each ``TOKEN[:OPTION,...]`` (see
            ``protocol.parse_token_spec``); empty means "make one up and print it".
        indexes: the indexes that exist besides Splunk's ``main``.
        max_body: Splunk's max_content_length (None: Splunk's default).
        retry_after: seconds for a Retry-After header on busy replies, or None.
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
    indexes: tuple[str, ...] = ()
    max_body: int | None = None
    retry_after: int | None = None
    cert_file: str | None = None
    key_file: str | None = None
    ca_out: str | None = None
    names: tuple[str, ...] = field(default_factory=tuple)


LOCAL_NAMES = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class LocalPki:
    """A CA made on the spot and a server certificate it signed (ECDSA keys: fast to make).

    Attributes:
        root: the CA; clients trust it (``write_ca``).
        leaf: the server's certificate, for the names given.
    """

    root: Issued
    leaf: Issued

    def context(self) -> ssl.SSLContext:
        """A server context sending the leaf with its key."""
        from hec_doctor.lookalike.pki import server_context

        return server_context([self.leaf], self.leaf)

    def write_ca(self, path: Path) -> str:
        """Write the CA (PEM) for clients to trust; returns the path."""
        try:
            path.write_bytes(self.root.pem)
        except OSError as exc:
            raise InputError(f"cannot write the CA to {path}: {exc.strerror}") from None
        return str(path)


def local_pki(names: tuple[str, ...] = LOCAL_NAMES, *, ca_name: str = "hec-doctor CA") -> LocalPki:
    """A CA and a certificate for ``names`` (DNS names and IP addresses, mixed)."""
    from hec_doctor.lookalike.pki import make_cert

    dns, ips = [], []
    for name in names:
        try:
            ips.append(str(ipaddress.ip_address(name.strip("[]"))))
        except ValueError:
            dns.append(name)
    root = make_cert(ca_name, ca=True, bits=256, organization="hec-doctor")
    leaf = make_cert(dns[0] if dns else ca_name, issuer=root, sans=tuple(dns),
                     ip_sans=tuple(ips), bits=256)
    return LocalPki(root, leaf)


def start_server(config: HecConfig, context: ssl.SSLContext | None, *,
                 host: str = "127.0.0.1", port: int = 0, any_port_if_taken: bool = False,
                 on_event: Callable[[dict[str, object]], None] | None = None) -> HecServer:
    """Bind and start a look-alike.

    Args:
        any_port_if_taken: when ``port`` is taken, listen on any free port instead.

    Raises:
        InputError: when the address cannot be listened on.
    """
    from hec_doctor.lookalike.server import HecServer

    try:
        server = HecServer(config, context, host=host, port=port, on_event=on_event)
    except OSError as exc:
        if not any_port_if_taken:
            raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
        server = HecServer(config, context, host=host, port=0, on_event=on_event)
    server.start()
    return server


@dataclass
class Serving:
    """A started server and what the user needs to point a client at it."""

    server: HecServer
    tokens: tuple[str, ...]
    generated_token: bool
    ca_file: str | None
    url: str


def start(settings: ServeSettings, on_event: Callable[[dict[str, object]], None]) -> Serving:
    """Bind and start the look-alike; raises InputError for anything the user must change."""
    import uuid

    from hec_doctor.lookalike.protocol import parse_token_spec
    from hec_doctor.lookalike.server import HecConfig

    try:
        table = dict(parse_token_spec(spec, ack=settings.ack)
                     for spec in settings.tokens or (str(uuid.uuid4()),))
    except ValueError as exc:
        raise InputError(f"--token: {exc}") from None
    tokens = tuple(table)
    config = HecConfig(tokens=dict(table), fault=settings.fault, slow_s=settings.slow_s,
                       indexes=tuple(dict.fromkeys(("main", *settings.indexes))),
                       retry_after=settings.retry_after)
    if settings.max_body is not None:
        config.max_body = settings.max_body
    context, ca_file = _tls(settings)
    server = start_server(config, context, host=settings.host, port=settings.port,
                          on_event=on_event)
    host = f"[{server.host}]" if ":" in server.host else server.host
    return Serving(server, tokens, not settings.tokens, ca_file,
                   f"https://{host}:{server.port}/services/collector/raw")


def _tls(settings: ServeSettings) -> tuple[ssl.SSLContext, str | None]:
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
    names = settings.names or LOCAL_NAMES
    if settings.host not in names and settings.host not in ("0.0.0.0", "::"):
        names = (*names, settings.host)
    pki = local_pki(names, ca_name="hec-doctor serve CA")
    ca_path = Path(settings.ca_out) if settings.ca_out else _fresh_ca_path()
    return pki.context(), pki.write_ca(ca_path)


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
