"""A hand-built report that exercises every part of the renderers."""

from __future__ import annotations

from hec_doctor.models import (
    CheckResult,
    LogpushPrediction,
    Report,
    Status,
    TargetSummary,
    TokenInfo,
)


def sample_report() -> Report:
    return Report(
        target=TargetSummary(
            input="splunk://hec.example.com:8088/services/collector/raw?channel=x"
            "&header_Authorization=Splunk%20<token …197d>",
            form="destination_conf",
            url="https://hec.example.com:8088/services/collector/raw?channel=x",
            host="hec.example.com",
            port=8088,
            path="/services/collector/raw",
            token=TokenInfo("header_Authorization", "…197d"),
            insecure_skip_verify=False,
            label="hec.example.com:8088",
        ),
        checks=(
            CheckResult("dest.scheme", "Scheme", Status.PASS, "splunk:// is right",
                        duration_ms=0.01),
            CheckResult("dest.sourcetype", "Sourcetype", Status.PASS, "sourcetype my:logs",
                        detail="The app reads cloudflare:json.", duration_ms=0.02),
            CheckResult("dest.channel", "Channel", Status.FAIL, "the channel is not a GUID",
                        detail="Splunk rejects it with code 11 <Invalid data channel> & more.",
                        remediation="Use channel=11111111-2222-4333-8444-555555555555.",
                        duration_ms=0.03, data={"suggested_channel": "1111"}),
            CheckResult("dest.port", "Port", Status.WARN, "port 9000 is not documented",
                        detail="Only 443 and 8088.", remediation="Use 8088.", duration_ms=0.04),
            CheckResult("tls.chain", "Chain", Status.ERROR, "internal error: ValueError: bad",
                        duration_ms=1.5),
            CheckResult("hec.token", "Token", Status.SKIP, "requires tls.chain (error)"),
        ),
        logpush=LogpushPrediction(
            would_deliver=False,
            predicted_error="x509: certificate relies on legacy Common Name field, use SANs "
            "instead",
            legacy_error="x509: certificate is valid for SplunkServerDefaultCert, not "
            "hec.example.com",
            basis="TLS as Go judges it",
        ),
        notices=("token: --token (<token …197d>) is used; HEC_TOKEN gave the same token",),
        suggested_destination_conf="splunk://hec.example.com:8088/services/collector/raw?"
        "channel=11111111-2222-4333-8444-555555555555",
        version="9.9.9",
    )
