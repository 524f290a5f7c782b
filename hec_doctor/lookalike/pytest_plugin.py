"""pytest fixtures for testing log shippers against hec-doctor's HEC look-alike.

Installed with hec-doctor and loaded through the ``pytest11`` entry point, so a test only names
the fixture::

    def test_shipper_delivers(hec_server):
        ship(url=hec_server.url, token=hec_server.token, ca_file=hec_server.ca_file)
        assert hec_server.events[0]["event"] == "hello"

    @pytest.mark.hec_server(fault="busy")
    def test_shipper_retries_when_busy(hec_server): ...

``hec_server`` is a fresh HTTPS server on 127.0.0.1 for each test; its certificate is signed by a
CA made once per session (``hec_ca_file``). ``hec_server_factory`` starts more, each with its own
settings. Settings: ``tokens`` (token -> enabled/disabled/ack, or a ``TokenSettings`` with
query-string authentication, a default index and allowed indexes), ``ack`` (every token has
indexer acknowledgement on), ``fault`` (see ``hec_doctor.lookalike.server.FAULTS``), ``slow_s``,
``indexes`` (the indexes that exist; default ``main``), ``max_body`` (Splunk's
max_content_length; default Splunk's 800 MiB), ``retry_after`` (seconds for a Retry-After
header on busy replies; default none, as Splunk documents none).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    import ssl

    from hec_doctor.lookalike.server import HecConfig, HecServer, ReceivedRequest

LOOPBACK = "127.0.0.1"


@dataclass
class HecEndpoint:
    """A running look-alike and everything a client needs to reach it.

    Attributes:
        server: the underlying ``HecServer``.
        token: a token the server accepts (the first one when several were given).
        ca_file: path of the PEM CA that signed the server's certificate.
        channel: a fresh channel GUID, for clients that send one.
    """

    server: HecServer
    token: str
    ca_file: str
    channel: str

    @property
    def host(self) -> str:
        return LOOPBACK

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def base_url(self) -> str:
        return f"https://{LOOPBACK}:{self.port}"

    @property
    def url(self) -> str:
        """The raw endpoint, as Cloudflare Logpush posts to it."""
        return f"{self.base_url}/services/collector/raw"

    @property
    def event_url(self) -> str:
        return f"{self.base_url}/services/collector/event"

    @property
    def destination_conf(self) -> str:
        """A correct Logpush destination_conf for this server (it holds the token)."""
        from hec_doctor.hec.spec import destination_conf, logpush_params

        return destination_conf(LOOPBACK, self.port,
                                logpush_params(self.channel, f"Splunk%20{self.token}"))

    @property
    def config(self) -> HecConfig:
        """The live settings; change ``config.fault`` mid-test to make the server misbehave."""
        return self.server.config

    @property
    def events(self) -> list[dict[str, object]]:
        """Every event accepted so far, in arrival order."""
        return self.server.events

    @property
    def received(self) -> list[ReceivedRequest]:
        """Every request received so far (they hold tokens: do not print them)."""
        return self.server.received

    def set_fault(self, fault: str | None) -> None:
        """Change the fault mid-test (a name of ``FAULTS``; underscores are accepted too)."""
        from hec_doctor.lookalike.server import fault_name

        self.server.config.fault = fault_name(fault)


@dataclass(frozen=True)
class _SessionCA:
    context: ssl.SSLContext
    ca_file: str


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "hec_server(tokens=None, ack=False, fault=None, slow_s=2.0, indexes=None, "
        "max_body=None, retry_after=None): settings of the hec_server fixture for this test")


@pytest.fixture(scope="session")
def _hec_session_ca(tmp_path_factory: pytest.TempPathFactory) -> _SessionCA:
    from hec_doctor.lookalike.launch import local_pki

    pki = local_pki(ca_name="hec-doctor pytest CA")
    return _SessionCA(pki.context(), pki.write_ca(tmp_path_factory.mktemp("hec-ca") / "ca.pem"))


@pytest.fixture(scope="session")
def hec_ca_file(_hec_session_ca: _SessionCA) -> str:
    """Path of the PEM CA every look-alike's certificate is signed by."""
    return _hec_session_ca.ca_file


@pytest.fixture
def hec_server_factory(_hec_session_ca: _SessionCA) -> Iterator[Callable[..., HecEndpoint]]:
    """Starts look-alikes on demand: ``hec_server_factory(tokens=..., ack=..., fault=...)``."""
    from hec_doctor.lookalike.launch import start_server
    from hec_doctor.lookalike.server import HecConfig

    started: list[HecServer] = []

    def start(tokens: dict[str, Any] | None = None, ack: bool = False,
              fault: str | None = None, slow_s: float = 2.0,
              indexes: tuple[str, ...] | list[str] | None = None, max_body: int | None = None,
              retry_after: int | None = None) -> HecEndpoint:
        table: dict[str, Any] = dict(tokens) if tokens else {str(uuid.uuid4()): "enabled"}
        if ack:
            table = {token: "ack" for token in table}
        config = HecConfig(tokens=table, slow_s=slow_s, retry_after=retry_after)
        if indexes is not None:
            config.indexes = tuple(dict.fromkeys(("main", *indexes)))
        if max_body is not None:
            config.max_body = max_body
        server = start_server(config, _hec_session_ca.context, host=LOOPBACK)
        started.append(server)
        endpoint = HecEndpoint(server, next(iter(table)), _hec_session_ca.ca_file,
                               str(uuid.uuid4()))
        endpoint.set_fault(fault)
        return endpoint

    yield start
    for server in started:
        server.close()


@pytest.fixture
def hec_server(request: pytest.FixtureRequest,
               hec_server_factory: Callable[..., HecEndpoint]) -> HecEndpoint:
    """A fresh HEC look-alike for this test, set by ``@pytest.mark.hec_server(...)`` if given."""
    marker = request.node.get_closest_marker("hec_server")
    settings: dict[str, Any] = dict(marker.kwargs) if marker else {}
    return hec_server_factory(**settings)
