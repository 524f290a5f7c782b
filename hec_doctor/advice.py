"""Fixes hec-doctor gives in more than one place (checks, explain, topics), each written once."""

from __future__ import annotations

from hec_doctor.hec.spec import TOKEN_PAGE

CERT_FIX = ("Install a certificate from a public CA whose subjectAltName holds the host name "
            "Logpush connects to (serverCert in inputs.conf [http] on the HEC).")
SPLUNK_CLOUD_CERT = ("On Splunk Cloud, use the http-inputs-<stack>.splunkcloud.com host, which "
                     "serves a public certificate.")
SPLUNK_CERT_FIX = (
    "Install a certificate from a public CA whose subjectAltName holds the HEC host name: set "
    "serverCert (and sslPassword) in the [http] stanza of inputs.conf for HEC (server.conf "
    "[sslConfig] for splunkd), with the intermediates in the same PEM file after the leaf, and "
    "restart Splunk. " + SPLUNK_CLOUD_CERT
)
SKIP_VERIFY_TRADE_OFF = (
    "insecure-skip-verify=true is curl's -k: the connection is still encrypted, but the server is "
    "not authenticated, so anyone able to impersonate the endpoint (DNS, routing, a proxy) "
    "receives the HEC token and every log line. It is acceptable only when the owner cannot fix "
    "the certificate (for example a Splunk Cloud endpoint); the proper fix is a certificate from "
    "a public CA whose subjectAltName holds the HEC host name."
)
COPY_TOKEN_AGAIN = f"copy the token again from {TOKEN_PAGE}"
