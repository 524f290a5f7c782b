"""``hec-doctor demo``: the real engine against HEC look-alikes in realistic states, on loopback.

One HTTPS server on 127.0.0.1 plays every scenario: it picks the certificate chain by the TLS
server name (SNI), so each scenario is a host name of its own under ``hec.example.com``, reached
through ``--resolve``-style pins and trusted through a demo root CA written to a temporary file.
The machine's DNS and trust store are never consulted. Each scenario states the diagnosis it must
get; the demo exits 0 only when every one got it.
"""

from __future__ import annotations

import ssl
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hec_doctor.gox509.text import TLS_VERIFY_PREFIX
from hec_doctor.models import Report, ResolveOverride, Status

DOMAIN = "hec.example.com"
PREFERRED_PORT = 8088  # Splunk's HEC port, so the port lint passes; any free port otherwise


@dataclass(frozen=True)
class DemoScenario:
    """One realistic server state and the diagnosis hec-doctor must give it.

    Attributes:
        name: the scenario's name, also the first label of its host name.
        story: what is wrong (or right) with the server, in one line.
        token_state: what the server thinks of the token the check sends: ``enabled``, ``ack``,
            or ``unknown``.
        check_id: the check that must carry the diagnosis.
        status: the status that check must have.
        predicted_error: the error text Logpush would report ({host} stands for the host
            name), or None when none is predicted.
        delivers: whether Logpush would deliver to this server.
    """

    name: str
    story: str
    token_state: str
    check_id: str
    status: Status
    predicted_error: str | None
    delivers: bool = False

    @property
    def host(self) -> str:
        return f"{self.name}.{DOMAIN}"


_VERIFY = TLS_VERIFY_PREFIX + "x509: "
SCENARIOS: tuple[DemoScenario, ...] = (
    DemoScenario("healthy", "a correct HEC: publicly-shaped chain, enabled token, ack off",
                 "enabled", "hec.token", Status.PASS, None, delivers=True),
    DemoScenario("splunk-default-cert", "Splunk's own SplunkServerDefaultCert (no SAN), "
                 "issued by SplunkCommonCA", "enabled", "tls.hostname", Status.FAIL,
                 _VERIFY + "certificate is not valid for any names, but wanted to match {host}"),
    DemoScenario("cn-only", "a certificate naming the host in its Common Name only",
                 "enabled", "tls.hostname", Status.FAIL,
                 _VERIFY + "certificate relies on legacy Common Name field, use SANs instead"),
    DemoScenario("missing-intermediate", "the server sends its certificate without the "
                 "intermediate", "enabled", "tls.chain", Status.FAIL,
                 _VERIFY + "certificate signed by unknown authority"),
    DemoScenario("wrong-token", "the token is not one this HEC knows", "unknown",
                 "hec.token", Status.FAIL, '{{"text":"Invalid token","code":4}}'),
    DemoScenario("ack-token", "the token has indexer acknowledgement on", "ack",
                 "hec.ack", Status.FAIL, None),
)


@dataclass(frozen=True)
class DemoOutcome:
    """A scenario's report and whether it got the diagnosis it must get."""

    scenario: DemoScenario
    report: Report
    problems: tuple[str, ...]

    @property
    def as_expected(self) -> bool:
        return not self.problems


def judge(scenario: DemoScenario, report: Report) -> tuple[str, ...]:
    """What differs between the report and the scenario's expected diagnosis (empty: none)."""
    problems = []
    result = report.result(scenario.check_id)
    if result is None or result.status is not scenario.status:
        got = result.status.value if result else "missing"
        problems.append(f"{scenario.check_id} is {got}, expected {scenario.status.value}")
    expected_error = (scenario.predicted_error.format(host=scenario.host)
                      if scenario.predicted_error else None)
    if report.logpush.would_deliver is not scenario.delivers:
        problems.append(f"would_deliver is {report.logpush.would_deliver}, "
                        f"expected {scenario.delivers}")
    if expected_error and not (report.logpush.predicted_error or "").endswith(expected_error):
        problems.append(f"predicted error {report.logpush.predicted_error!r} does not end "
                        f"with {expected_error!r}")
    if scenario.delivers and report.verdict is Status.FAIL:
        problems.append("the healthy server got a failing verdict")
    return tuple(problems)


def run_demo(scenarios: tuple[DemoScenario, ...] | None = None, *, timeout_s: float = 5.0,
             on_report: Callable[[DemoOutcome], None] | None = None) -> list[DemoOutcome]:
    """Start the look-alike, check every scenario with the real engine, and judge each report."""
    scenarios = SCENARIOS if scenarios is None else scenarios
    from hec_doctor.engine.run import run
    from hec_doctor.hec.spec import destination_conf, logpush_params
    from hec_doctor.lookalike.launch import start_server
    from hec_doctor.lookalike.server import HecConfig
    from hec_doctor.models import Options
    from hec_doctor.target import build_target

    tokens = {state: str(uuid.uuid4()) for state in ("enabled", "ack", "unknown")}
    config = HecConfig(tokens={tokens["enabled"]: "enabled", tokens["ack"]: "ack"})
    channel = str(uuid.uuid4())
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="hec-doctor-demo-") as folder:
        ca_file = Path(folder, "demo-root-ca.pem")
        context = _server_context(scenarios, ca_file)
        # 8088 when free (so the port lint passes); taken by a real Splunk or `hec-doctor
        # serve`, any port will do.
        with start_server(config, context, port=PREFERRED_PORT,
                          any_port_if_taken=True) as server:
            for scenario in scenarios:
                url = destination_conf(scenario.host, server.port, logpush_params(
                    channel, f"Splunk%20{tokens[scenario.token_state]}"))
                options = Options(timeout_s=timeout_s, ca_file=str(ca_file), resolve=(
                    ResolveOverride(scenario.host, server.port, server.host),))
                report = run(build_target(url), options)
                outcome = DemoOutcome(scenario, report, judge(scenario, report))
                outcomes.append(outcome)
                if on_report is not None:
                    on_report(outcome)
    return outcomes


def _server_context(scenarios: tuple[DemoScenario, ...], ca_file: Path) -> ssl.SSLContext:
    """One server context that answers each scenario's SNI name with that scenario's chain."""
    from hec_doctor.lookalike.pki import make_cert, server_context, splunk_default

    root = make_cert("hec-doctor demo root CA", ca=True, bits=256, organization="hec-doctor")
    inter = make_cert("hec-doctor demo intermediate CA", ca=True, issuer=root, bits=256)
    ca_file.write_bytes(root.pem)
    contexts = {}
    for scenario in scenarios:
        if scenario.name == "splunk-default-cert":
            splunk_ca, leaf = splunk_default()
            chain = [leaf, splunk_ca]
        elif scenario.name == "cn-only":
            leaf = make_cert(scenario.host, issuer=inter, bits=256)
            chain = [leaf, inter]
        else:
            leaf = make_cert(scenario.host, issuer=inter, sans=(scenario.host,), bits=256)
            chain = [leaf] if scenario.name == "missing-intermediate" else [leaf, inter]
        contexts[scenario.host] = server_context(chain, leaf)
    default = next(iter(contexts.values()))

    def choose(sock: ssl.SSLObject, name: str | None, _: ssl.SSLContext) -> None:
        sock.context = contexts.get(name or "", default)

    default.sni_callback = choose
    return default


def summary_table(outcomes: list[DemoOutcome]) -> str:
    """The closing table: one row a scenario, its diagnosis, and whether it was the expected one."""
    rows = [("scenario", "verdict", "diagnosis", "as expected")]
    for outcome in outcomes:
        result = outcome.report.result(outcome.scenario.check_id)
        diagnosis = f"{outcome.scenario.check_id}: {result.summary}" if result else "?"
        if len(diagnosis) > 70:
            diagnosis = diagnosis[:69] + "…"
        rows.append((outcome.scenario.name, outcome.report.verdict.value, diagnosis,
                     "yes" if outcome.as_expected else "NO"))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines) + "\n"
