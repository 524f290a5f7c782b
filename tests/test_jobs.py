"""``hec-doctor job`` and ``hec-doctor explain``: job JSON in every shape, health in time, the
error-message catalog, and the jobs API read from a local stand-in."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from hec_doctor.errors import InputError
from hec_doctor.jobs import judge_job, parse_jobs
from hec_doctor.error_messages import CLASSES, explain_message
from hec_doctor.models import Status
from hec_doctor.topics import TOPICS
from tests.helpers import P as TLS_PREFIX
from tests.tlscases import EXPECTED as GO_TEXTS
from tests.helpers import invoke

JOBS = Path(__file__).parent.parent / "fixtures" / "jobs"
NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.timezone.utc)
FAQ_V1, FAQ_V2 = (json.loads((JOBS / f"faq-{v}.json").read_text()) for v in ("v1", "v2"))


def statuses(job: dict, now: dt.datetime = NOW) -> dict[str, Status]:
    return {check_id: outcome.status for check_id, outcome in judge_job(job, now).items()}


# --- reading job JSON ---------------------------------------------------------------------

@pytest.mark.parametrize(("text", "ids"), [
    (json.dumps(FAQ_V2), [3139]),
    (json.dumps([FAQ_V2, FAQ_V1]), [3139, 2]),
    (json.dumps({"result": [FAQ_V1], "success": True, "errors": [], "messages": []}), [2]),
    (json.dumps({"result": FAQ_V1, "success": True}), [2]),  # GET .../jobs/<id> answers one
    (json.dumps({"result": None, "success": True}), []),
])
def test_every_shape_is_read(text, ids):
    assert [job["id"] for job in parse_jobs(text)] == ids


@pytest.mark.parametrize(("text", "words"), [
    ("{", "is not valid JSON"),
    ("", "is not valid JSON"),
    ("[1, 2]", "item 0 is not a Logpush job"),
    ('{"name": "no id"}', "item 0 is not a Logpush job"),
    ('{"result": [], "success": false, "errors": [{"code": 10000, "message": "Authentication '
     'error"}]}', "success=false (Authentication error)"),
    ("[" * 100_000, "nested too deeply"),
    ('{"result": [], "success": false, "errors": 5}', "success=false (no error given)"),
])
def test_bad_json_is_one_clear_error(text, words):
    with pytest.raises(InputError, match=words.replace("(", r"\(").replace(")", r"\)")):
        parse_jobs(text)


# --- the FAQ's two jobs -------------------------------------------------------------------

def test_faq_v2_job():
    assert statuses(FAQ_V2) == {
        "job.enabled": Status.WARN,  # turned off, no error recorded
        "job.version": Status.PASS,
        "job.options": Status.WARN,  # frequency and logpull_options
        "job.kind": Status.PASS,
        "job.health": Status.PASS,
        "job.error_message": Status.PASS,
        "job.destination": Status.SKIP,  # cos://, not Splunk
    }


def test_faq_v1_job_failing_with_the_168h_error():
    judged = judge_job(FAQ_V1, NOW)
    assert {k: o.status for k, o in judged.items()} == {
        "job.enabled": Status.FAIL, "job.version": Status.WARN, "job.options": Status.WARN,
        "job.kind": Status.PASS, "job.health": Status.FAIL, "job.error_message": Status.FAIL,
        "job.destination": Status.SKIP,
    }
    assert 'PUT https://api.cloudflare.com/client/v4/zones/<ZONE_ID>/logpush/jobs/2 with ' \
           '{"logstream": true}' in judged["job.version"].remediation
    assert judged["job.options"].data["deprecated"] == ["frequency", "logpull_options"]
    health = judged["job.health"]
    assert health.summary.startswith("failing: last error at 2021-03-24T20:56:44Z")
    assert "7 days before the last error" in health.summary
    assert ("Logs from 2021-03-17T20:50:00Z to 2026-11-24T12:00:00Z are lost for good; Logpull "
            "can still fetch those since 2026-11-24T12:00:00Z") in health.detail
    message = judged["job.error_message"]
    assert message.data["class"] == "logpush.too-early"
    assert message.data["age"] == "168h0m0s"
    assert FAQ_V1["error_message"] in message.summary  # verbatim, never dropped


# --- health in time -----------------------------------------------------------------------

def _job(**fields):
    base = {"id": 7, "enabled": True, "logstream": True, "kind": "",
            "destination_conf": "s3://bucket", "last_complete": None, "last_error": None}
    return {**base, **fields}


@pytest.mark.parametrize(("fields", "status", "words"), [
    ({"last_complete": "2026-11-27T11:59:00Z"}, Status.PASS, "(1 minutes ago); no error"),
    ({"last_complete": "2026-11-25T11:00:00Z"}, Status.WARN, "no push completed for 2 days"),
    ({}, Status.WARN, "no push has completed yet"),
    ({"last_complete": "2026-11-27T10:00:00Z", "last_error": "2026-11-27T11:30:00Z"},
     Status.FAIL, "failing: last error at 2026-11-27T11:30:00Z (30 minutes ago)"),
    ({"last_complete": "2026-11-27T11:50:00Z", "last_error": "2026-11-27T11:00:00Z"},
     Status.WARN, "recovered"),
    ({"last_error": "2026-11-27T11:00:00Z"}, Status.FAIL, "no push has ever completed"),
    ({"last_complete": "yesterday"}, Status.WARN, "is not an RFC 3339 time"),
])
def test_health_in_time(fields, status, words):
    outcome = judge_job(_job(**fields), NOW)["job.health"]
    assert outcome.status is status
    assert words in outcome.summary


def test_recent_gap_is_still_fetchable_with_logpull():
    outcome = judge_job(_job(last_complete="2026-11-27T06:00:00Z",
                             last_error="2026-11-27T11:00:00Z"), NOW)["job.health"]
    assert "All of them are younger than 72 hours" in outcome.detail


@pytest.mark.parametrize(("fields", "status"), [
    ({"kind": "edge"}, Status.PASS), ({"kind": "bogus"}, Status.WARN),
    ({"enabled": None}, Status.WARN),
])
def test_kind_and_enabled_edges(fields, status):
    judged = statuses(_job(**fields))
    key = "job.kind" if "kind" in fields else "job.enabled"
    assert judged[key] is status


def test_output_options_replaces_logpull_options():
    assert statuses(_job(logpull_options="fields=A", output_options={"field_names": ["A"]}))[
        "job.options"] is Status.PASS


# --- error_message catalog ----------------------------------------------------------------

@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.id)
def test_every_catalog_entry_explains_its_own_example(cls):
    explanation = explain_message(cls.example)
    assert explanation.matched is cls
    assert explanation.cause and explanation.fix


@pytest.mark.parametrize(("scenario", "class_id"), [
    ("wrong_host", "tls.hostname-mismatch"), ("wildcard_two_labels", "tls.hostname-mismatch"),
    ("cn_only", "tls.legacy-cn"), ("splunk_default", "tls.no-names"),
    ("missing_intermediate", "tls.unknown-authority"), ("sha1_leaf", "tls.unknown-authority"),
    ("v1_intermediate", "tls.not-ca"), ("client_auth_only", "tls.key-usage"),
    ("ip_without_ip_san", "tls.ip-sans"),
])
def test_go_texts_verified_by_the_parity_tests_are_classified(scenario, class_id):
    # These texts are the ones test_go_parity.py checks against a real Go client.
    message = f'Post "https://hec.test:8088/services/collector/raw": {TLS_PREFIX}{GO_TEXTS[scenario]}'
    assert explain_message(message).matched.id == class_id


@pytest.mark.parametrize(("message", "code", "words"), [
    ('{"text":"Invalid token","code":4}', 4, "Splunk does not know this token"),
    ('error 403: {"text":"Token disabled","code":1}', 1, "disabled"),
    ('{"text":"Data channel is missing","code":10}', 10, "acknowledgement"),
    ("error 400: Incorrect index", 7, "index"),
])
def test_hec_codes_in_error_bodies(message, code, words):
    explanation = explain_message(message)
    assert explanation.cause.startswith(f"HEC code {code} ")
    assert words in explanation.cause


def test_splunk_not_found_body_is_a_404_not_a_hec_code():
    body = '{"text":"The requested URL was not found on this server.","code":404}'
    assert explain_message(body).matched.id == "http.not-found"


@pytest.mark.parametrize(("message", "family"), [
    ("x509: something new and strange", "tls"),
    ("dial tcp: weird socket thing", "net"),
    ("completely unrelated words", ""),
])
def test_unknown_messages_keep_their_text_and_get_the_nearest_family(message, family):
    explanation = explain_message(message)
    assert explanation.matched is None
    assert explanation.message == message
    assert explanation.nearest_family == family


# --- the command --------------------------------------------------------------------------

def test_job_command_on_a_list_exits_1_and_names_both_jobs():
    result = invoke("job", str(JOBS / "list.json"), "--color", "never")
    assert result.exit_code == 1
    assert "Logpush job 3139 'theburritobot.com-cos' (http_requests, v2, disabled)" in result.stdout
    assert "Logpush job 2 'theburritobot.com-gcs' (http_requests, v1, disabled)" in result.stdout
    assert "Summary: 2 jobs: 1 warn, 1 fail" in result.stdout


def test_job_from_stdin_as_json_envelope():
    result = CliInput(json.dumps(FAQ_V2)).run("job", "-", "--format", "json")
    document = json.loads(result.stdout)
    assert document["schema"] == "hec-doctor.batch/1"
    assert document["reports"][0]["job"]["version"] == "v2"
    assert document["reports"][0]["target"]["input"] == "cos://logpush/…"


def test_splunk_job_is_linted_and_its_token_never_shown():
    envelope = (JOBS / "envelope.json").read_text()
    for fmt in ("text", "json", "junit", "github", "markdown"):
        result = invoke("job", str(JOBS / "envelope.json"), "--format", fmt)
        assert result.exit_code == 1
        for token in ("e6d94e8c-5792-4ad1-be3c-29bcaee0197d",
                      "aaaaaaaa-1111-4222-8333-bbbbbbbbbbbb"):
            assert token in envelope
            assert token not in result.stdout + result.stderr
    text = invoke("job", str(JOBS / "envelope.json"), "--color", "never").stdout
    assert "PASS  dest.port" in text and "SKIP  net.dns" in text
    assert "certificate with no subjectAltName: tls: failed to verify" in text


def test_non_splunk_destinations_are_reported_with_credentials_hidden(tmp_path):
    job = _job(destination_conf="https://endpoint.collection.sumologic.com/receiver/v1/http/"
                                "SECRETSECRETSECRET?header_X-Key=K3Y")
    path = tmp_path / "sumo.json"
    path.write_text(json.dumps(job))
    result = invoke("job", str(path), "--format", "json")
    report = json.loads(result.stdout)["reports"][0]
    assert report["target"]["input"] == "https://endpoint.collection.sumologic.com/…"
    assert "SECRET" not in result.stdout and "K3Y" not in result.stdout
    assert [c["id"] for c in report["checks"]][-1] == "job.destination"


@pytest.mark.parametrize(("args", "words"), [
    ((), "give exactly one of FILE"),
    (("x.json", "--zone", "0" * 32), "give exactly one of FILE"),
    (("/nonexistent/jobs.json",), "cannot read /nonexistent/jobs.json"),
])
def test_job_usage_errors_are_one_line(args, words):
    result = invoke("job", *args)
    assert result.exit_code == 2
    assert words in result.stderr and len(result.stderr.splitlines()) == 1


def test_malformed_job_file_exits_2(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"id": 1,')
    result = invoke("job", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"hec-doctor: error: {path} is not valid JSON")


def test_live_job_checks_its_destination(hec_server, tmp_path):
    path = tmp_path / "job.json"
    path.write_text(json.dumps(_job(destination_conf=hec_server.destination_conf,
                                    last_complete="2026-11-27T11:59:00Z")))
    result = invoke("job", str(path), "--live", "--ca-file", hec_server.ca_file,
                    "--color", "never")
    assert "PASS  hec.token" in result.stdout
    assert hec_server.token not in result.stdout + result.stderr
    offline = invoke("job", str(path), "--color", "never")
    assert "SKIP  hec.token                  not run: --offline" in offline.stdout


# --- explain ------------------------------------------------------------------------------

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


def test_explain_unknown_topic_exits_2_and_lists_topics():
    result = invoke("explain", "insecure")
    assert result.exit_code == 2
    assert "topics: insecure-skip-verify, channel" in result.stderr


def test_explain_without_argument_lists_topics():
    result = invoke("explain")
    assert all(name in result.stdout for name in TOPICS)


class CliInput:
    def __init__(self, stdin: str) -> None:
        self.stdin = stdin

    def run(self, *args: str):
        from click.testing import CliRunner

        from hec_doctor.cli import cli

        return CliRunner().invoke(cli, list(args), input=self.stdin)
