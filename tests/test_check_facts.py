"""The typed facts of each check family are the contract predict and observe read (issue #28):
predict reads no ``ctx.facts`` side channel either (the Go error of the first failing step, Go's
verdict on the chain and the probe's measurement all come from the results).

``data`` is the report's JSON view; ``engine.predict`` and ``watch.metrics`` must conclude the same
thing with every ``data`` emptied, so neither reads a key a check might rename. Run against the
look-alike in the states that exercise each family (healthy, a refused token, indexer
acknowledgement, a proxy's 502, a redirect, a health fault, a test event), measured with the Go
probe and predicted by the port.
"""

from __future__ import annotations

from dataclasses import asdict, replace

import pytest

from hec_doctor.engine import predict as predict_module
from hec_doctor.engine import run as run_module
from hec_doctor.models import (
    AckFacts,
    ChainExpiryFacts,
    ConnectFacts,
    HandshakeFacts,
    HecReplyFacts,
    LintFacts,
    Options,
    PushOutcomeFacts,
    Report,
    ResolveFacts,
    VerifyFacts,
)
from hec_doctor.target import build_target
from hec_doctor.watch.metrics import samples

STATES = [
    pytest.param({}, id="healthy"),
    pytest.param({"fault": "disabled-token"}, id="disabled-token"),
    pytest.param({"ack": True}, id="ack"),
    pytest.param({"fault": "proxy-502"}, id="proxy-502"),
    pytest.param({"fault": "redirect"}, id="redirect"),
    pytest.param({"fault": "queues-full"}, id="queues-full"),
]


FAMILIES = {"hec.token": HecReplyFacts, "hec.health": HecReplyFacts, "hec.event": HecReplyFacts,
            "hec.ack": AckFacts, "net.dns": ResolveFacts, "net.tcp": ConnectFacts,
            "tls.handshake": HandshakeFacts, "tls.validity": ChainExpiryFacts,
            "tls.verify": VerifyFacts, "logpush.push": PushOutcomeFacts}


def _without_data(results):
    return tuple(replace(r, data={}) for r in results)


def _run(endpoint, *, channel: bool = True, go_probe: bool = True, **options) -> tuple[
        Report, list]:
    """A live run whose predict is also called on the results with ``data`` emptied; the two
    predictions are returned with the report."""
    pairs: list = []
    real = predict_module.predict

    def both(results, ctx):
        from hec_doctor.checks.base import Context

        fresh = Context(target=ctx.target, options=ctx.options)  # no facts gathered at all
        pairs.append((real(results, ctx), real(_without_data(results), fresh)))
        return pairs[-1][0]

    query = f"?channel={endpoint.channel}&" if channel else "?"
    conf = (f"splunk://127.0.0.1:{endpoint.port}/services/collector/raw{query}"
            f"sourcetype=cloudflare:json&header_Authorization=Splunk%20{endpoint.token}")
    original = run_module.predict
    run_module.predict = both
    try:
        report = run_module.run(build_target(conf), Options(
            ca_file=endpoint.ca_file, timeout_s=3, go_probe=go_probe, **options))
    finally:
        run_module.predict = original
    return report, pairs


@pytest.mark.parametrize("go_probe", [True, False], ids=["measured", "predicted"])
@pytest.mark.parametrize("state", STATES)
def test_predict_and_observe_read_the_typed_facts_not_data(hec_server_factory, state, go_probe):
    endpoint = hec_server_factory(**state)
    report, pairs = _run(endpoint, channel="ack" not in state, go_probe=go_probe)
    [(with_data, without)] = pairs
    assert without == with_data
    # every family that reached a conclusion carries its facts (else both sides read nothing)
    for result in report.checks:
        kind = FAMILIES.get(result.id)
        if kind is not None and result.data:
            assert result.facts_as(kind) is not None, result.id
    stripped = replace(report, checks=_without_data(report.checks))
    assert samples(stripped, 1.0, 2.0) == samples(report, 1.0, 2.0)
    # and the series that come from those facts are there at all
    names = {s.name for s in samples(report, 1.0, 2.0)}
    assert {"probe_ssl_earliest_cert_expiry", "probe_tls_version_info",
            "hec_doctor_certificate_expiry_timestamp_seconds"} <= names


def test_each_family_concludes_its_typed_facts_and_data_is_their_view(hec_server_factory):
    endpoint = hec_server_factory()
    report, _ = _run(endpoint, send_event=True)
    by_id = {r.id: r for r in report.checks}
    token = by_id["hec.token"].facts_as(HecReplyFacts)
    assert token == HecReplyFacts(400, 5, '{"text":"No data","code":5}')
    assert {k: by_id["hec.token"].data[k] for k in ("http_status", "code", "reply")} == {
        "http_status": token.http_status, "code": token.code, "reply": token.reply}
    assert by_id["hec.health"].facts_as(HecReplyFacts).code == 17
    assert by_id["hec.event"].facts_as(HecReplyFacts) == HecReplyFacts(200, 0)
    assert by_id["hec.ack"].facts_as(AckFacts) == AckFacts(has_channel=True)
    assert by_id["net.tcp"].facts_as(ConnectFacts) == ConnectFacts(connected="127.0.0.1")
    assert by_id["tls.handshake"].facts_as(HandshakeFacts).version == "TLSv1.3"
    expiry = by_id["tls.validity"].facts_as(ChainExpiryFacts)
    assert {k: v for k, v in asdict(expiry).items()} == {
        k: by_id["tls.validity"].data[k] for k in asdict(expiry)}
    assert expiry.verified_chain_not_after is not None
    pushed = by_id["logpush.push"].facts_as(PushOutcomeFacts)
    assert pushed.http_status == 400 and pushed.tls_version == "TLS 1.3"
    # a family's facts are not another's
    assert by_id["hec.token"].facts_as(AckFacts) is None


def test_a_lint_failure_that_does_not_block_delivery_says_so_in_its_facts(hec_server_factory):
    # token= beside header_Authorization: a failure Logpush may live with (token_lint.py).
    endpoint = hec_server_factory()
    conf = (f"splunk://127.0.0.1:{endpoint.port}/services/collector/raw?channel="
            f"{endpoint.channel}&header_Authorization=Splunk%20{endpoint.token}"
            f"&token={endpoint.token}")
    report = run_module.run(build_target(conf), Options(offline=True))
    failed = [r for r in report.checks
              if r.facts_as(LintFacts) is not None and r.status.value == "fail"]
    assert failed, [(r.id, r.status) for r in report.checks]
    assert all(r.facts_as(LintFacts).blocks_delivery == r.data["blocks_delivery"]
               for r in failed)
