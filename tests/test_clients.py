""""curl works, Logpush doesn't" (issue #29): the same push through Go (the probe), curl, Python's
ssl and Node's https, against look-alikes whose certificates and front ends sit where the stacks
differ. Every expectation is what that stack did when this suite was written, run here again:
the tool reports each one's outcome and words, measured.
"""

from __future__ import annotations

import json
import os
import shutil
import ssl
import subprocess
import sys
import uuid

import pytest
from click.testing import CliRunner

from hec_doctor.cli import cli
from hec_doctor.lookalike.launch import start_server
from hec_doctor.lookalike.pki import make_cert, server_context, write_pem
from hec_doctor.lookalike.server import HecConfig, HecServer
from hec_doctor.messages.classify import explain_message
from tests.frontends import free_port, haproxy

HOST = "hec.test"
TOKEN = "5f0c1e2d-3b4a-4c5d-8e6f-7a8b9c0d1e2f"
ALL = "go,curl,python,node"


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clients-pki")
    root = make_cert("Test Root", ca=True)
    inter = make_cert("Test Intermediate", ca=True, issuer=root)
    return {"root": root, "inter": inter, "folder": folder,
            "ca": write_pem(folder / "ca.pem", root)}


def _tools():
    for tool in ("curl", "node"):
        assert shutil.which(tool), f"missing tool: {tool} (scripts/install-test-tools)"


def push(pki, chain, *args, max_version=None, port=None, host=HOST):
    """Run check --clients against a look-alike serving ``chain``; (exit code, {client: row},
    the requests the server received)."""
    _tools()
    server = start_server(HecConfig(tokens={TOKEN: "enabled"}),
                          server_context(chain, chain[0], max_version=max_version))
    try:
        port = server.port
        conf = (f"splunk://{host}:{port}/services/collector/raw?channel={uuid.uuid4()}"
                f"&sourcetype=cloudflare:json&header_Authorization=Splunk%20{TOKEN}")
        result = CliRunner().invoke(cli, [
            "check", "--format", "json-report", "--ca-file", pki["ca"], "--timeout", "3",
            "--resolve", f"{host}:{port}:127.0.0.1", "--clients", ALL, *args, conf])
        received = list(server.received)
    finally:
        server.close()
    report = json.loads(result.stdout)
    return result.exit_code, {row["client"]: row for row in report["clients"]}, received


def _posts(received):
    return [r for r in received if r.method == "POST"]


def test_a_sound_destination_is_delivered_by_every_stack(pki):
    leaf = make_cert(HOST, issuer=pki["root"], sans=(HOST,))
    code, rows, received = push(pki, [leaf])
    assert code in (0, 1)
    for name in ("go", "curl", "python", "node"):
        row = rows[name]
        assert row["present"] and row["delivered"] is True, row
        assert (row["http_status"], row["hec_code"]) == (400, 5) and row["why"] is None
    assert "OpenSSL" in rows["curl"]["stack"] and rows["go"]["stack"].startswith("Go 1.27.3")
    assert rows["node"]["stack"].startswith("node v") and "OpenSSL" in rows["node"]["stack"]
    # each stack sent the token once (Go's push also served as hec.token's answer)
    assert len(_posts(received)) == 4
    assert all(r.authorization == f"Splunk {TOKEN}" for r in _posts(received))


def test_a_common_name_only_certificate_works_with_curl_and_not_with_go(pki):
    # The support thread itself: no subjectAltName, the host only in the CN.
    leaf = make_cert(HOST, issuer=pki["root"])
    code, rows, received = push(pki, [leaf])
    assert code == 1
    assert rows["go"]["delivered"] is False
    assert rows["go"]["error"] == ("tls: failed to verify certificate: x509: certificate relies "
                                   "on legacy Common Name field, use SANs instead")
    for name in ("curl", "python", "node"):
        assert rows[name]["delivered"] is True, rows[name]
        assert "Common Name" in rows[name]["why"] and "Go 1.15" in rows[name]["why"]
    assert "curl lib/vtls/openssl.c" in rows["curl"]["why"]
    # the flag the python row's reason names, as this Python sets it by default
    assert ssl.create_default_context().hostname_checks_common_name is True
    # Go sent nothing (it refused the certificate); the three others sent the token once each
    assert len(_posts(received)) == 3
    # --judge curl: the pipeline ships with curl, which delivers: exit 0
    assert push(pki, [leaf], "--judge", "curl")[0] == 0
    assert push(pki, [leaf], "--judge", "go")[0] == 1


def test_a_sha1_signature_is_refused_by_every_stack_in_its_own_words(pki):
    leaf = make_cert(HOST, issuer=pki["root"], sans=(HOST,), sha1=True)
    code, rows, received = push(pki, [leaf])
    assert code == 1
    assert "insecure algorithm SHA1-RSA" in rows["go"]["error"]
    assert rows["curl"]["error"] == ("curl: (60) SSL certificate problem: CA signature digest "
                                     "algorithm too weak")
    assert rows["python"]["error"].startswith("[SSL: CERTIFICATE_VERIFY_FAILED] certificate "
                                              "verify failed: CA signature digest algorithm "
                                              "too weak")
    assert rows["node"]["error"].startswith("CA signature digest algorithm too weak")
    assert all(rows[n]["delivered"] is False and rows[n]["why"] is None for n in rows)
    assert _posts(received) == []  # no stack sent the token to a server it did not verify
    # explain knows each stack's wording of it, and names Go's
    for name in ("go", "curl", "python", "node"):
        assert explain_message(rows[name]["error"]).matched.id == "tls.insecure-signature"


def test_a_missing_intermediate_fails_everywhere(pki):
    leaf = make_cert(HOST, issuer=pki["inter"], sans=(HOST,))
    code, rows, received = push(pki, [leaf])
    assert code == 1 and all(row["delivered"] is False for row in rows.values())
    assert rows["curl"]["error"] == ("curl: (60) SSL certificate problem: unable to get local "
                                     "issuer certificate")
    assert rows["node"]["error"] == ("unable to verify the first certificate "
                                     "(UNABLE_TO_VERIFY_LEAF_SIGNATURE)")
    assert _posts(received) == []
    for name in ("curl", "python", "node"):
        assert explain_message(rows[name]["error"]).matched.id == "tls.unknown-authority"


def test_a_wrong_host_name_in_each_stacks_words(pki):
    leaf = make_cert("other.example", issuer=pki["root"],
                     sans=("other.example", "www.other.example"))
    code, rows, received = push(pki, [leaf])
    assert all(row["delivered"] is False for row in rows.values()) and _posts(received) == []
    assert rows["curl"]["error"] == ("curl: (60) SSL: no alternative certificate subject name "
                                     "matches target host name 'hec.test'")
    assert rows["node"]["error"] == (
        "Hostname/IP does not match certificate's altnames: Host: hec.test. is not in the "
        "cert's altnames: DNS:other.example, DNS:www.other.example "
        "(ERR_TLS_CERT_ALTNAME_INVALID)")
    for name in ("go", "curl", "python", "node"):
        assert explain_message(rows[name]["error"]).matched.id == "tls.hostname-mismatch"


def test_tls_1_1_only_is_refused_by_every_stack(pki):
    leaf = make_cert(HOST, issuer=pki["root"], sans=(HOST,))
    code, rows, received = push(pki, [leaf], max_version=ssl.TLSVersion.TLSv1_1)
    assert code == 1 and all(row["delivered"] is False for row in rows.values())
    assert _posts(received) == []
    assert rows["go"]["error"] == "remote error: tls: protocol version not supported"
    assert rows["python"]["error"].startswith("[SSL: TLSV1_ALERT_PROTOCOL_VERSION]")
    assert "legacy sigalg disallowed or unsupported" in rows["curl"]["error"]
    assert "tlsv1 alert protocol version" in rows["node"]["error"]
    for name in ("go", "curl", "python", "node"):
        assert explain_message(rows[name]["error"]).matched.id == "tls.version", rows[name]


def test_h2_advertised_in_front_of_http1_breaks_go_and_curl_not_python_or_node(pki, tmp_path):
    # A TLS load balancer in TCP mode advertising h2 in front of HEC, which speaks HTTP/1.1
    # only: a stack that negotiates h2 sends its preface to splunkd.
    _tools()
    leaf = make_cert(HOST, issuer=pki["root"], sans=(HOST,))
    both = tmp_path / "both.pem"
    both.write_bytes(leaf.pem + leaf.key_pem)
    backend = HecServer(HecConfig(tokens={TOKEN: "enabled"}), None)
    backend.start()
    port = free_port()
    config = (f"global\n  maxconn 64\ndefaults\n  mode tcp\n  timeout connect 2s\n"
              f"  timeout client 5s\n  timeout server 5s\n"
              f"frontend hec\n  bind 127.0.0.1:{port} ssl crt {both} alpn h2,http/1.1\n"
              f"  default_backend splunk\nbackend splunk\n  server s1 127.0.0.1:{backend.port}\n")
    conf = (f"splunk://{HOST}:{port}/services/collector/raw?channel={uuid.uuid4()}"
            f"&sourcetype=cloudflare:json&header_Authorization=Splunk%20{TOKEN}")
    try:
        with haproxy(tmp_path / "haproxy", port, config):
            result = CliRunner().invoke(cli, [
                "check", "--format", "json-report", "--ca-file", pki["ca"], "--timeout", "3",
                "--resolve", f"{HOST}:{port}:127.0.0.1", "--clients", ALL, conf])
    finally:
        backend.close()
    rows = {row["client"]: row for row in json.loads(result.stdout)["clients"]}
    assert rows["go"]["delivered"] is False and "http2" in rows["go"]["error"]
    assert rows["curl"]["delivered"] is False, rows["curl"]  # curl offers h2 too (nghttp2)
    for name in ("python", "node"):
        assert rows[name]["delivered"] is True and rows[name]["protocol"] == "HTTP/1.1"
        assert "HTTP/2" in rows[name]["why"] and "ALPN" in rows[name]["why"]


def test_a_wildcard_over_a_top_level_name_works_with_go_and_no_other_stack(pki):
    # The other direction: Go delivers where curl, Python and Node refuse.
    leaf = make_cert("x", issuer=pki["root"], sans=("*.test",))
    code, rows, received = push(pki, [leaf])
    assert rows["go"]["delivered"] is True
    for name in ("curl", "python", "node"):
        assert rows[name]["delivered"] is False, rows[name]
        assert "*.<tld>" in rows[name]["why"] and "matchHostnames" in rows[name]["why"]
    assert "hostcheck.c" in rows["curl"]["why"] and "*.tld" in rows["node"]["why"]
    assert len(_posts(received)) == 1  # Go's push alone: the others refused the name first


def test_an_ip_host_and_its_ip_san_is_delivered_everywhere(pki):
    leaf = make_cert("ip", issuer=pki["root"], ip_sans=("127.0.0.1",))
    _, rows, _ = push(pki, [leaf], host="127.0.0.1")
    assert all(row["delivered"] is True and row["why"] is None for row in rows.values())


def test_an_ip_host_only_in_the_common_name_works_with_curl_alone(pki):
    leaf = make_cert("127.0.0.1", issuer=pki["root"])
    _, rows, _ = push(pki, [leaf], host="127.0.0.1")
    assert rows["go"]["delivered"] is False and rows["curl"]["delivered"] is True
    assert "Common Name" in rows["curl"]["why"]
    assert rows["python"]["error"].startswith("[SSL: CERTIFICATE_VERIFY_FAILED] certificate "
                                              "verify failed: IP address mismatch")
    assert rows["node"]["error"].startswith("Hostname/IP does not match certificate's altnames: "
                                            "IP: 127.0.0.1 is not in the cert's list")
    for name in ("python", "node"):
        assert explain_message(rows[name]["error"]).matched.id == "tls.ip-sans"


def _leaf_with(pki, key, **sign):
    """A leaf for HOST with ``key``, signed by the test root with ``sign``'s padding."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    from hec_doctor.lookalike.pki import Issued

    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)]))
            .issuer_name(pki["root"].cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(HOST)]), critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .sign(pki["root"].key, hashes.SHA256(), **sign))
    return Issued(cert, key)


def test_an_ed25519_leaf_is_delivered_everywhere(pki):
    from cryptography.hazmat.primitives.asymmetric import ed25519

    _, rows, _ = push(pki, [_leaf_with(pki, ed25519.Ed25519PrivateKey.generate())])
    assert all(row["delivered"] is True for row in rows.values()), rows


@pytest.mark.parametrize(("salt", "go_delivers"), [("hash", True), ("max", False)])
def test_rsa_pss_signatures_go_accepts_only_with_a_salt_as_long_as_the_hash(pki, salt,
                                                                           go_delivers):
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()),
                      salt_length=32 if salt == "hash" else padding.PSS.MAX_LENGTH)
    _, rows, _ = push(pki, [_leaf_with(pki, key, rsa_padding=pss)])
    assert rows["go"]["delivered"] is go_delivers
    for name in ("curl", "python", "node"):
        assert rows[name]["delivered"] is True
        assert (rows[name]["why"] is None) is go_delivers
    if not go_delivers:
        assert "algorithm unimplemented" in rows["go"]["error"]
        assert "salt" in rows["curl"]["why"] and "getSignatureAlgorithmFromAI" in rows["curl"]["why"]


def test_a_stack_not_on_this_machine_is_listed_as_not_present(pki, tmp_path):
    # PATH without curl and node: both are "not present", never guessed.
    leaf = make_cert(HOST, issuer=pki["root"], sans=(HOST,))
    server = start_server(HecConfig(tokens={TOKEN: "enabled"}), server_context([leaf], leaf))
    bare = tmp_path / "bin"
    bare.mkdir()
    conf = (f"splunk://{HOST}:{server.port}/services/collector/raw?channel={uuid.uuid4()}"
            f"&header_Authorization=Splunk%20{TOKEN}")
    try:
        done = subprocess.run(
            [sys.executable, "-m", "hec_doctor", "check", "--format", "json-report",
             "--ca-file", pki["ca"], "--resolve", f"{HOST}:{server.port}:127.0.0.1",
             "--clients", ALL, "--judge", "node", conf],
            capture_output=True, text=True, timeout=60,
            env={**os.environ, "PATH": str(bare)})
    finally:
        server.close()
    rows = {row["client"]: row for row in json.loads(done.stdout)["clients"]}
    assert rows["curl"] == {**rows["curl"], "present": False, "delivered": None, "stack": ""}
    assert rows["node"]["present"] is False and rows["python"]["delivered"] is True
    assert done.returncode == 3  # the judge is not present: not judged, not a pass


@pytest.mark.parametrize(("args", "message"), [
    (["--clients", "go,lynx"], "'go,lynx': choose from go, curl, python, node"),
    (["--clients", "go", "--judge", "curl"], "--judge curl needs curl in --clients"),
    (["--clients", "go,curl", "--offline"], "--clients pushes to the destination"),
])
def test_bad_client_choices_are_usage_errors(args, message):
    result = CliRunner().invoke(cli, ["check", *args, "hec.example.com:8088"])
    assert result.exit_code == 2 and message in result.output, result.output


def test_without_clients_the_report_has_none(pki):
    result = CliRunner().invoke(cli, ["check", "--offline", "--format", "json-report",
                                      "hec.example.com:8088"])
    assert json.loads(result.stdout)["clients"] is None


def test_the_text_report_shows_the_table(pki):
    leaf = make_cert(HOST, issuer=pki["root"])
    server = start_server(HecConfig(tokens={TOKEN: "enabled"}), server_context([leaf], leaf))
    conf = (f"splunk://{HOST}:{server.port}/services/collector/raw?channel={uuid.uuid4()}"
            f"&header_Authorization=Splunk%20{TOKEN}")
    try:
        result = CliRunner().invoke(cli, ["check", "--ca-file", pki["ca"], "--resolve",
                                          f"{HOST}:{server.port}:127.0.0.1", "--clients",
                                          "go,curl", conf])
    finally:
        server.close()
    text = result.stdout
    assert "Client stacks (the same push through each):" in text
    assert "  go    does NOT deliver: tls: failed to verify certificate" in text
    assert "  curl  delivers (HTTP 400, code 5)" in text and "why: curl 7." in text
    assert TOKEN not in text and TOKEN not in result.output


def test_the_token_never_shows_in_any_stacks_words(pki):
    # A reply echoing the token: each stack's row is redacted.
    leaf = make_cert(HOST, issuer=pki["root"], sans=(HOST,))
    _, rows, _ = push(pki, [leaf])
    assert TOKEN not in json.dumps(rows)


def test_every_row_is_schema_shaped(pki):
    leaf = make_cert(HOST, issuer=pki["root"], sans=(HOST,))
    _, rows, _ = push(pki, [leaf])
    assert set(rows) == {"go", "curl", "python", "node"}
    assert all(set(row) == {"client", "present", "stack", "delivered", "error", "http_status",
                            "hec_code", "protocol", "measured", "why"} for row in rows.values())




def test_without_the_go_probe_the_go_row_is_the_ports_prediction_and_says_so(pki):
    leaf = make_cert(HOST, issuer=pki["root"])
    _, rows, _ = push(pki, [leaf], "--no-go-probe")
    go = rows["go"]
    assert go["measured"] is False and "predicted by the ported verifier" in go["stack"]
    assert go["delivered"] is False and "legacy Common Name" in go["error"]
    assert rows["curl"]["measured"] is True and rows["curl"]["delivered"] is True
