"""``hec-doctor explain``: every message kind from its real example (``source`` in the catalog
says where each was published), the same failures in other clients' words, the wrappers real
messages arrive in, and the topics."""

from __future__ import annotations

import json

import pytest

from hec_doctor.messages.classify import CLASSES, explain_message, unwrap
from hec_doctor.messages.topics import TOPICS
from tests import jobdata
from tests.helpers import P as TLS_PREFIX
from tests.helpers import invoke
from tests.tlscases import EXPECTED as GO_TEXTS

WORDINGS = [(cls, wording) for cls in CLASSES for wording in cls.wordings]


# --- the catalog against its own examples --------------------------------------------------

@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.id)
def test_every_catalog_entry_explains_its_own_example(cls):
    explanation = explain_message(cls.example)
    assert explanation.matched is cls
    assert explanation.cause and explanation.fix and cls.source


@pytest.mark.parametrize(("cls", "wording"), WORDINGS,
                         ids=[f"{c.id}-{w.speaker}" for c, w in WORDINGS])
def test_other_clients_words_for_the_same_failure(cls, wording):
    explanation = explain_message(wording.example)
    assert explanation.matched is cls
    assert wording.source
    if wording.speaker != "Cloudflare":
        # Not Logpush's own words: the explanation shows what Logpush's Go client says.
        assert dict(explanation.details)["go_example"] == cls.example
        assert explanation.producer != "Go (Logpush's pusher is a Go program)"


@pytest.mark.parametrize(("scenario", "class_id"), [
    ("wrong_host", "tls.hostname-mismatch"), ("wildcard_two_labels", "tls.hostname-mismatch"),
    ("cn_only", "tls.legacy-cn"), ("splunk_default", "tls.no-names"),
    ("missing_intermediate", "tls.unknown-authority"), ("sha1_leaf", "tls.insecure-signature"),
    ("v1_intermediate", "tls.not-ca"), ("client_auth_only", "tls.key-usage"),
    ("ip_without_ip_san", "tls.ip-sans"),
])
def test_go_texts_verified_by_the_parity_tests_are_classified(scenario, class_id):
    # These texts are the ones test_go_parity.py checks against a real Go client.
    message = f'Post "https://hec.test:8088/services/collector/raw": {TLS_PREFIX}{GO_TEXTS[scenario]}'
    assert explain_message(message).matched.id == class_id


# --- wrappers and case ---------------------------------------------------------------------

FAQ_168H = ("error 400: error transferring data: bad response: error parsing parameters: error "
            "parsing time: invalid time range: too early: logs older than 168h0m0s are not "
            "available")  # logpush-faq.md, the failing job's error_message


@pytest.mark.parametrize("message", [
    FAQ_168H, FAQ_168H.upper(), json.dumps(FAQ_168H),
    json.dumps({"error_message": FAQ_168H, "id": 2}),
])
def test_case_and_json_quoting_do_not_matter(message):
    assert explain_message(message).matched.id == "logpush.too-early"


def test_go_request_prefix_is_peeled_and_its_url_kept():
    message = ('Post "https://hec.example.com:8088/services/collector/raw?channel=x": '
               + TLS_PREFIX + GO_TEXTS["missing_intermediate"])
    explanation = explain_message(json.dumps(message))
    assert explanation.matched.id == "tls.unknown-authority"
    assert dict(explanation.details)["url"] == ("https://hec.example.com:8088/services/collector/"
                                                "raw?channel=x")
    assert explanation.context[0] == "quoted as a JSON string"


def test_cloudflare_envelope_and_validation_prefixes_are_peeled():
    # cloudflare/terraform-provider-cloudflare PR 7044: the API's reply to a PUT.
    body = ('{"errors":[{"code":1002,"message":"error validating destination: error writing '
            'object: DNSError"}]}')
    unwrapped = unwrap(body)
    assert unwrapped.texts[0] == "DNSError"
    explanation = explain_message(body)
    assert explanation.matched.id == "net.dns"
    assert explanation.producer.startswith("Cloudflare's destination validation")
    assert explanation.context[0].startswith("the Cloudflare API's error 1002: it refused the "
                                             "destination when the job was created or updated")
    assert dict(explanation.details)["api_code"] == "1002"


# --- Cloudflare's own errors ---------------------------------------------------------------

@pytest.mark.parametrize(("message", "class_id", "words"), [
    # cloudflare-docs PR 8865: what an HTTP destination that refuses the test object gives.
    ("error validating destination: error writing object: error uploading",
     "cloudflare.validation-upload", "gzipped test object"),
    # A Logpush receiver's troubleshooting table (public GitHub): a POST to a path that takes
    # only GET, on an HTTP destination ("to https"): its fix is that destination's (#25), not
    # a HEC path.
    ("Invalid destination configuration: error writing object: error uploading to https: "
     "status:405", "cloudflare.validation-upload", "accept a POST of a gzipped body"),
    # The same table: a raw space in header_Authorization.
    ('invalid destination_conf: config string must match "^[a-zA-Z0-9\\.,_:/?%+&=\\{\\}-]+$"',
     "cloudflare.config-string", "Splunk%20<token>"),
    # cloudflare-docs logs/logpush/index.mdx ("Limits").
    ("creating a new job is not allowed: exceeded max jobs allowed", "cloudflare.job-limit",
     "at most 4 Logpush jobs"),
    # A Cloudflare provider's test notes (public GitHub), an account without the entitlement.
    ("Forbidden: creating a new job (for gateway_dns dataset) is not allowed: exceeded max jobs "
     "allowed", "cloudflare.job-limit", "not entitled"),
    # cloudflare-docs logs/logpush/permissions.mdx.
    ("reading job for product '<product>' is not allowed (1004)", "cloudflare.permission",
     "Zero Trust: PII Read"),
    # Cloudflare API replies as posted in public repositories.
    ('{"success":false,"errors":[{"code":10000,"message":"Authentication error"}]}',
     "cloudflare.api-auth", "Logs: Write"),
    ('{"success":false,"errors":[{"code":9109,"message":"Invalid access token"}]}',
     "cloudflare.api-auth", "Logs: Write"),
    ('{"success":false,"errors":[{"code":6003,"message":"Invalid request headers",'
     '"error_chain":[{"code":6111,"message":"Invalid format for Authorization header"}]}]}',
     "cloudflare.api-token-format", "empty, cut short"),
    # cloudflare-docs enable-destinations/splunk.mdx: a 504 from the API for a wrong URL.
    ("504 Gateway Timeout", "http.gateway-timeout", "wrong URL"),
])
def test_cloudflare_errors(message, class_id, words):
    explanation = explain_message(message)
    assert explanation.matched.id == class_id
    assert words in explanation.cause + explanation.fix


def test_ownership_challenge_is_explained_as_storage_only():
    explanation = explain_message("error validating destination: invalid ownership challenge")
    assert explanation.matched.id == "cloudflare.ownership"
    assert "Splunk destinations need none" in explanation.cause


# --- meanings the issue named --------------------------------------------------------------

@pytest.mark.parametrize(("message", "class_id", "words"), [
    # Go 1.27 net/http: every timeout wording Go's client can give, each with its own cause.
    ('Post "https://hec.example.com:8088/services/collector/raw": net/http: request canceled '
     "while waiting for connection (Client.Timeout exceeded while awaiting headers)",
     "net.no-connection", "the request was never sent"),
    ('Post "https://hec.example.com:8088/services/collector/raw": dial tcp 203.0.113.7:8088: '
     "i/o timeout", "net.connect-timeout", ""),
    ('Post "https://hec.example.com:8088/services/collector/raw": net/http: TLS handshake '
     "timeout", "tls.handshake-timeout", "TLS handshake did not finish"),
    ('Post "https://hec.example.com:8088/services/collector/raw": net/http: timeout awaiting '
     "response headers", "net.header-timeout", "sent the request"),
    ('Post "https://hec.example.com:8088/services/collector/raw": context deadline exceeded '
     "(Client.Timeout exceeded while awaiting headers)", "net.no-answer", "request was sent"),
    ("context deadline exceeded (Client.Timeout or context cancellation while reading body)",
     "net.body-timeout", "body did not finish"),
])
def test_every_go_timeout_is_told_apart(message, class_id, words):
    explanation = explain_message(message)
    assert explanation.matched.id == class_id
    assert words in explanation.cause


@pytest.mark.parametrize(("message", "class_id", "words"), [
    # Measured in tests/test_frontends.py: Go against nginx limited to X448 or ffdhe2048.
    ("remote error: tls: handshake failure", "tls.handshake-failure", "key exchange group"),
    ("remote error: tls: unrecognized name", "tls.unrecognized-name", "SNI"),
    # Measured in tests/test_frontends.py: a TLS 1.3 server requiring a client certificate.
    ("remote error: tls: certificate required", "tls.remote-alert", "mutual TLS"),
    ("remote error: tls: access denied", "tls.remote-alert", "access rule"),
    ('Post "https://hec.example.com:8088/services/collector/raw": dial tcp 203.0.113.7:8088: '
     "connect: no route to host", "net.no-route", "EHOSTUNREACH"),
    ("http2: server sent GOAWAY and closed the connection; LastStreamID=1, "
     'ErrCode=PROTOCOL_ERROR, debug=""', "net.h2-goaway", "GOAWAY"),
    ('Post "https://hec.example.com/x": net/http: HTTP/1.x transport connection broken: '
     'malformed HTTP response "\x15\x03\x01\x00\x02\x02"', "net.malformed-reply",
     "plain HTTP spoken to a port that speaks TLS"),
    ("x509: certificate has expired or is not yet valid: current time 2026-11-27T12:00:00Z is "
     "before 2026-12-01T00:00:00Z", "tls.not-yet-valid", "issued for the future"),
    ("x509: certificate has expired or is not yet valid: current time 2026-11-27T12:00:00Z is "
     "after 2026-11-01T00:00:00Z", "tls.expired", "notAfter has passed"),
])
def test_go_tls_and_transport_errors(message, class_id, words):
    explanation = explain_message(message)
    assert explanation.matched.id == class_id, explanation.matched
    assert words in explanation.cause + " ".join(v for _, v in explanation.details)


def test_validity_fixes_differ_by_direction():
    after = explain_message("x509: certificate has expired or is not yet valid: current time "
                            "2026-11-27T12:00:00Z is after 2026-11-01T00:00:00Z")
    before = explain_message("x509: certificate has expired or is not yet valid: current time "
                             "2026-11-27T12:00:00Z is before 2026-12-01T00:00:00Z")
    assert "Renew" in after.fix and "Renew" not in before.fix and "notBefore" in before.fix


def test_client_timeout_means_the_hec_did_not_answer_not_a_firewall():
    # Go 1.27 net/http/client.go appends "(Client.Timeout exceeded while awaiting headers)".
    message = ('Post "https://hec.example.com:8088/services/collector/raw?channel=x": context '
               "deadline exceeded (Client.Timeout exceeded while awaiting headers)")
    explanation = explain_message(message)
    assert explanation.matched.id == "net.no-answer"
    assert "the request was sent" in explanation.cause and "not a firewall" in explanation.cause
    dial = ('Post "https://hec.example.com:8088/services/collector/raw": dial tcp '
            "203.0.113.7:8088: i/o timeout (Client.Timeout exceeded while awaiting headers)")
    assert explain_message(dial).matched.id == "net.connect-timeout"


def test_hec_code_5_as_a_job_error_is_a_lost_body_not_nothing_to_fix():
    explanation = explain_message('{"text":"No data","code":5}')
    assert explanation.matched.id == "hec.no-data"
    assert "empty body" in explanation.cause and "proxy" in explanation.cause
    assert "Nothing to fix" not in explanation.fix


def test_the_168h_message_is_said_to_come_from_logpull():
    explanation = explain_message(FAQ_168H)
    assert explanation.producer == "the Logpull API"
    assert "Logpull API keeps logs at most 7 days" in explanation.cause


@pytest.mark.parametrize(("message", "class_id"), [
    ("1105", "net.dns"),  # cloudflare-docs PR 20684: 1105 is a DNS resolution failure
    ("error code 1103", "logpush.destination-code"),
    ("dial tcp 203.0.113.7:1101: connect: connection refused", "net.refused"),  # a port
])
def test_logpush_destination_codes(message, class_id):
    explanation = explain_message(message)
    assert explanation.matched.id == class_id
    if class_id == "logpush.destination-code":
        assert "does not guess" in explanation.cause


# --- HEC replies ---------------------------------------------------------------------------

@pytest.mark.parametrize(("message", "code", "words"), [
    ('{"text":"Invalid token","code":4}', 4, "Splunk does not know this token"),
    ('error 403: {"text":"Token disabled","code":1}', 1, "disabled"),
    ('{"text":"Data channel is missing","code":10}', 10, "acknowledgement"),
    ("error 400: Incorrect index", 7, "index"),
    ("ERROR 403: INVALID TOKEN", 4, "Splunk does not know this token"),
])
def test_hec_codes_in_error_bodies(message, code, words):
    explanation = explain_message(message)
    assert explanation.cause.startswith(f"HEC code {code} ")
    assert words in explanation.cause


def test_splunk_not_found_body_is_a_404_not_a_hec_code():
    body = '{"text":"The requested URL was not found on this server.","code":404}'
    assert explain_message(body).matched.id == "http.not-found"


def test_hec_replies_are_not_read_into_other_destinations_errors():
    explanation = explain_message('{"text":"Invalid token","code":4}', destination="datadog")
    assert explanation.matched is None or explanation.matched.family != "hec"
    assert "Splunk" not in explanation.title + explanation.cause + explanation.fix


@pytest.mark.parametrize(("message", "family"), [
    ("x509: something new and strange", "tls"),
    ("dial tcp: weird socket thing", "net"),
    ("completely unrelated words", ""),
    (jobdata.AZURE_SAS_ERROR, ""),
])
def test_unknown_messages_keep_their_text_and_get_the_nearest_family(message, family):
    explanation = explain_message(message)
    assert explanation.matched is None
    assert explanation.message == message
    assert explanation.nearest_family == family


# --- the command ---------------------------------------------------------------------------

@pytest.mark.parametrize("topic", list(TOPICS))
def test_every_topic_is_explained(topic):
    result = invoke("explain", topic)
    assert result.exit_code == 0
    assert result.stdout.startswith(TOPICS[topic].title)


def test_explain_message_unquoted_and_as_json():
    words = "x509: certificate relies on legacy Common Name field, use SANs instead".split()
    assert "(tls.legacy-cn)" in invoke("explain", *words).stdout
    document = json.loads(invoke("explain", "--format", "json", "dial tcp 192.0.2.1:8088: "
                                 "connect: connection refused").stdout)
    assert document["class"] == "net.refused"
    assert document["producer"] == "Go (Logpush's pusher is a Go program)"
    assert document["context"] == []


def test_explain_shows_who_said_it_and_the_wrappers():
    text = invoke("explain", '{"errors":[{"code":1002,"message":"error validating destination: '
                  'error writing object: DNSError"}]}', "--color", "never").stdout
    assert "said by:  Cloudflare's destination validation" in text
    assert "within:   the Cloudflare API's error 1002" in text


def test_explain_unknown_topic_exits_2_and_lists_topics():
    result = invoke("explain", "insecure")
    assert result.exit_code == 2
    assert "topics: insecure-skip-verify, channel" in result.stderr


def test_explain_without_argument_lists_topics():
    result = invoke("explain")
    assert all(name in result.stdout for name in TOPICS)


@pytest.mark.parametrize("words", [
    ["insecure-skip-verify"],
    ["x509: certificate signed by unknown authority"],
    ['{"text":"Invalid token","code":4}'],
    ["no-such-topic"],
])
def test_the_fast_path_and_the_command_print_the_same(words, capsys):
    # cli.main answers `explain` without loading click (start-up); the click command is the
    # other door. Both go through render.explanation.explain_text, so they agree.
    from click.testing import CliRunner

    from hec_doctor.cli import cli, main

    code = main(["explain", *words])
    fast = capsys.readouterr()
    command = CliRunner().invoke(cli, ["explain", *words])
    assert (code, fast.out) == (command.exit_code, command.stdout)


# --- what a pasted message carries is shown redacted ----------------------------------------

_TOKEN = "5f1c2a9e-0b7d-4c33-9e61-d2a8b4c7e910"
_SHORT = "abcd1234abcd1234abcd"  # not GUID-shaped: hidden for where it sits
# Go's client error is url.Error, `Post "URL": inner` (net/http client.go), with the URL as the
# job has it: a destination_conf mistyped so its header landed in the query, or a token= query.
LEAKY = [
    ('Post "https://hec.example.com:8088/services/collector/raw?channel=x&header_Authorization'
     f'=Splunk%20{_SHORT}": ' + TLS_PREFIX + GO_TEXTS["missing_intermediate"],
     "tls.unknown-authority", "header_Authorization=Splunk%20<token"),
    (f'Post "https://hec.example.com/services/collector/raw?token={_SHORT}": EOF',
     "net.reset", "token=<token"),
    (f'Post "https://hec.example.com/services/collector/raw?Authorization=Splunk {_SHORT}": '
     "EOF", "net.reset", "Authorization=Splunk <token"),
    (f"Authorization: Splunk {_TOKEN} was refused", None, "Splunk <token …e910>"),
    (f"curl https://user:{_SHORT}@hec.example.com/services/collector/raw: 401", None,
     "user:<token"),
]


@pytest.mark.parametrize(("message", "class_id", "shown"), LEAKY)
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_pasted_message_is_shown_with_its_secrets_hidden(message, class_id, shown, fmt):
    secret = _TOKEN if _TOKEN in message else _SHORT
    result = invoke("explain", "--format", fmt, "--color", "never", message)
    assert result.exit_code == 0
    assert secret not in result.output and secret[:12] not in result.output
    assert shown in (json.loads(result.stdout)["message"] if fmt == "json" else result.stdout)
    # Judged on the message as pasted: hiding is for the output only.
    found = explain_message(message).matched
    assert (found.id if found else None) == class_id
    if class_id is not None and fmt == "json":
        assert json.loads(result.stdout)["class"] == class_id


@pytest.mark.parametrize(("message", "class_id", "shown"), LEAKY[:2])
def test_the_fast_path_hides_them_too(message, class_id, shown, capsys):
    from hec_doctor import cli as entry

    assert entry.main(["explain", message]) == 0
    out = capsys.readouterr().out
    assert _SHORT not in out and shown in out


def test_a_message_without_secrets_is_shown_as_written():
    message = ('Post "https://hec.example.com:8088/services/collector/raw?channel=x": '
               + TLS_PREFIX + GO_TEXTS["missing_intermediate"])
    document = json.loads(invoke("explain", "--format", "json", message).stdout)
    assert document["message"] == message
    assert dict(document["details"])["url"] == ("https://hec.example.com:8088/services/"
                                                "collector/raw?channel=x")


@pytest.mark.parametrize(("word", "code"), [
    ("abcdef12-3456-4abc-8def-0123456789ab", 2),  # read as a topic's name: unknown
    (_TOKEN, 0),  # read as a message: unknown, explained
])
def test_a_token_given_alone_is_not_echoed(word, code):
    result = invoke("explain", word)
    assert result.exit_code == code
    assert word not in result.output and word[:12] not in result.output
    assert f"<token …{word[-4:]}>" in result.output
