"""Loopback servers for tests: a TLS server with any chain, and raw TCP misbehavers.

Each binds 127.0.0.1 on a free port, runs in daemon threads, and stops when its context exits.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
from collections.abc import Callable, Iterator

from hec_doctor.lookalike.pki import Issued, make_cert, server_context

LOOPBACK = "127.0.0.1"


def _serve(listener: socket.socket, handle: Callable[[socket.socket], None],
           stop: threading.Event) -> None:
    listener.settimeout(0.2)
    while not stop.is_set():
        try:
            conn, _ = listener.accept()
        except (TimeoutError, OSError):
            continue
        threading.Thread(target=_guarded, args=(handle, conn), daemon=True).start()


def _guarded(handle: Callable[[socket.socket], None], conn: socket.socket) -> None:
    try:
        conn.settimeout(10)
        handle(conn)
    except (OSError, ssl.SSLError):
        pass
    finally:
        conn.close()


@contextlib.contextmanager
def raw_server(handle: Callable[[socket.socket], None]) -> Iterator[int]:
    """A TCP server calling ``handle(conn)`` for each connection; yields its port."""
    listener = socket.socket()
    listener.bind((LOOPBACK, 0))
    listener.listen(16)
    stop = threading.Event()
    thread = threading.Thread(target=_serve, args=(listener, handle, stop), daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(2)
        listener.close()


def http_reply(body: bytes = b"hello", status: str = "200 OK") -> Callable[[socket.socket], None]:
    def handle(conn: socket.socket) -> None:
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 " + status.encode() + b"\r\nContent-Length: "
                     + str(len(body)).encode() + b"\r\n\r\n" + body)
    return handle


def silent(conn: socket.socket) -> None:
    conn.settimeout(15)
    with contextlib.suppress(OSError):
        conn.recv(65536)
        conn.recv(65536)


def greeter(banner: bytes) -> Callable[[socket.socket], None]:
    def handle(conn: socket.socket) -> None:
        conn.sendall(banner)
        conn.recv(65536)
    return handle


def tls_handler(context: ssl.SSLContext,
                then: Callable[[ssl.SSLSocket], None] | None = None
                ) -> Callable[[socket.socket], None]:
    def handle(conn: socket.socket) -> None:
        with context.wrap_socket(conn, server_side=True) as tls:
            if then is not None:
                then(tls)
            else:
                http_reply(b'{"text":"HEC is healthy","code":17}')(tls)
    return handle


@contextlib.contextmanager
def tls_server(chain: list[Issued], *, key: Issued | None = None,
               max_version: ssl.TLSVersion | None = None) -> Iterator[int]:
    """A TLS server presenting ``chain`` (leaf first); yields its port."""
    context = server_context(chain, key or chain[0], max_version=max_version)
    with raw_server(tls_handler(context)) as port:
        yield port


def malformed_intermediate_context(root: Issued, host: str) -> ssl.SSLContext:
    """A server context whose chain holds an intermediate no strict parser accepts.

    The intermediate's subject key identifier is turned from an OCTET STRING into an INTEGER:
    OpenSSL still loads and sends it; Go and cryptography refuse to parse it.
    """
    import base64
    import tempfile
    from pathlib import Path

    from cryptography import x509

    inter = make_cert("Intermediate", ca=True, issuer=root, bits=256)
    leaf = make_cert(host, issuer=inter, sans=() if host[0].isdigit() else (host,),
                     ip_sans=(host,) if host[0].isdigit() else (), bits=256)
    ski = inter.cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
    der = inter.der
    at = der.index(b"\x04\x14" + ski)
    broken = der[:at] + b"\x02\x14" + der[at + 2:]
    pem = (b"-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(broken)
           + b"-----END CERTIFICATE-----\n")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "chain.pem").write_bytes(leaf.pem + pem)
        Path(folder, "key.pem").write_bytes(leaf.key_pem)
        context.load_cert_chain(Path(folder, "chain.pem"), Path(folder, "key.pem"))
    return context
