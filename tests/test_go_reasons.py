"""The port returns a typed reason beside Go's text (issue #28), and the TLS checks branch on
the reason, never on the words of the text: a text with the right words and no reason is not
mistaken for the port's verdict."""

from __future__ import annotations

import pickle

import pytest

from hec_doctor.checks.tls import chain_cause, evaluate_hostname, verify_fix
from hec_doctor.gox509.verify import (
    CertPool,
    GoError,
    Reason,
    examine,
    go_cert,
    reason_of,
)
from tests.certs import NOW
from tests.tlscases import EXPECTED, build_scenarios

REASONS = {
    "wrong_host": Reason.NAME_NOT_MATCHED,
    "wildcard_two_labels": Reason.NAME_NOT_MATCHED,
    "cn_only": Reason.LEGACY_COMMON_NAME,
    "splunk_default": Reason.NO_NAMES,
    "missing_intermediate": Reason.UNKNOWN_AUTHORITY,
    "private_ca": Reason.UNKNOWN_AUTHORITY,
    "self_signed": Reason.UNKNOWN_AUTHORITY,
    "expired": Reason.EXPIRED,
    "not_yet_valid": Reason.NOT_YET_VALID,
    "v1_intermediate": Reason.NOT_A_CA,
    "sha1_leaf": Reason.UNKNOWN_AUTHORITY,
    "client_auth_only": Reason.INCOMPATIBLE_KEY_USAGE,
    "ip_without_ip_san": Reason.NO_IP_SANS,
}


@pytest.fixture(scope="module")
def scenarios():
    return build_scenarios()


def _verdict(scenario):
    chain = [go_cert(issued.der) for issued in scenario.chain]
    return chain, examine(chain, scenario.host, CertPool([go_cert(scenario.root.der)]), NOW)


@pytest.mark.parametrize("name", sorted(REASONS))
def test_every_refusal_carries_its_reason_beside_gos_exact_text(scenarios, name):
    _, verdict = _verdict(scenarios[name])
    assert isinstance(verdict.error, GoError)
    assert reason_of(verdict.error) is REASONS[name]
    if EXPECTED.get(name):
        assert verdict.error == EXPECTED[name]  # still the text, to the letter
    assert pickle.loads(pickle.dumps(verdict.error)).reason is REASONS[name]


def test_the_rejected_issuers_carry_reasons_too(scenarios):
    chain, verdict = _verdict(scenarios["sha1_leaf"])
    assert [reason_of(r.error) for r in verdict.rejected] == [Reason.INSECURE_ALGORITHM]
    cause = chain_cause(chain, CertPool([go_cert(scenarios["sha1_leaf"].root.der)]), verdict,
                        "the trusted roots")
    assert "SHA1-RSA" in cause.summary


def test_the_checks_read_the_reason_not_the_words(scenarios):
    text = "x509: unhandled critical extension"
    assert verify_fix(GoError(text, Reason.UNHANDLED_CRITICAL_EXTENSION), []).startswith(
        "Reissue the certificate without the critical extension")
    assert verify_fix(text, []) == "Reissue the certificate so that Go accepts it (see the " \
        "error above)."
    chain, _ = _verdict(scenarios["cn_only"])
    assert "only in its CN" in evaluate_hostname(chain, "hec.test").summary
