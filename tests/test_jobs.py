"""``hec-doctor job``: real job shapes (``tests/jobdata.py`` names where each was published)
judged as Cloudflare documents jobs today, and the command in every output format."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from hec_doctor.cloudflare.job_checks import judge_job
from hec_doctor.cloudflare.jobs import parse_jobs
from hec_doctor.errors import InputError
from hec_doctor.models import Status
from tests import jobdata
from tests.helpers import invoke

JOBS = Path(__file__).parent.parent / "fixtures" / "jobs"
NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
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


# --- the FAQ's two jobs (logpush-faq.md, "How can I check my Logpush version") -----------

def test_faq_job_with_logstream_true():
    assert statuses(FAQ_V2) == {
        "job.enabled": Status.WARN,  # turned off by a person: no error recorded
        "job.version": Status.PASS,
        "job.dataset": Status.PASS,
        "job.kind": Status.PASS,
        "job.options": Status.WARN,  # frequency and logpull_options
        "job.upload": Status.PASS,
        "job.output": Status.PASS,  # timestamps=rfc3339 from logpull_options
        "job.health": Status.PASS,
        "job.error_message": Status.PASS,
        "job.destination": Status.SKIP,  # cos://, not Splunk
    }


def test_faq_failing_job_with_the_168h_error():
    judged = judge_job(FAQ_V1, NOW)
    assert {k: o.status for k, o in judged.items()} == {
        "job.enabled": Status.FAIL, "job.version": Status.PASS, "job.dataset": Status.PASS,
        "job.kind": Status.PASS, "job.options": Status.WARN, "job.upload": Status.PASS,
        "job.output": Status.PASS, "job.health": Status.FAIL, "job.error_message": Status.FAIL,
        "job.destination": Status.SKIP,
    }
    # No logstream field: the FAQ called that v1, but current jobs never carry it.
    assert judged["job.version"].summary == "a current job (no logstream field)"
    assert judged["job.options"].data["deprecated"] == ["frequency", "logpull_options"]
    assert "after failing for about 7 days, as Logpush does after 24 hours" in \
        judged["job.enabled"].summary
    health = judged["job.health"]
    assert health.summary.startswith("failing now: last error at 2021-03-24T20:56:44Z (")
    assert "logs were pushed up to 2021-03-17T20:50:00Z" in health.summary
    assert "those since 2026-11-24T12:00:00Z can be fetched, perhaps back to " \
           "2026-11-20T12:00:00Z; older ones are lost" in health.detail
    assert "only if log retention was switched on beforehand" in health.detail
    message = judged["job.error_message"]
    assert message.data["class"] == "logpush.too-early"
    assert message.data["producer"] == "the Logpull API"
    assert message.data["age"] == "168h0m0s"
    assert FAQ_V1["error_message"] in message.summary  # verbatim, never dropped


# --- v1 only when the job says so; edge jobs are neither -----------------------------------

@pytest.mark.parametrize("shape", [jobdata.DOC_SPLUNK_ENABLED, jobdata.TF_GATEWAY_DNS,
                                   jobdata.TF_DATADOG, jobdata.DOC_EDGE],
                         ids=["doc-splunk", "tf-gateway-dns", "tf-datadog", "doc-edge"])
def test_jobs_as_the_api_returns_them_today_are_not_called_v1(shape):
    outcome = judge_job(shape, NOW)["job.version"]
    assert outcome.status is Status.PASS
    assert "old" not in outcome.summary


def test_only_logstream_false_is_an_old_job_and_its_fix_uses_the_scope():
    outcome = judge_job(jobdata.job(logstream=False), NOW)["job.version"]
    assert outcome.status is Status.WARN
    assert outcome.remediation.startswith(
        "Upgrade as the Logpush FAQ documented: PUT https://api.cloudflare.com/client/v4/zones/"
        '<ZONE_ID>/logpush/jobs/146 with {"logstream": true}')


def test_edge_jobs_are_not_v1_or_v2_and_only_carry_http_requests():
    assert judge_job({**jobdata.DOC_EDGE, "logstream": False}, NOW)["job.version"].summary == \
        "an Edge Log Delivery job: not a Logpush v1 or v2 job"
    wrong = judge_job({**jobdata.DOC_EDGE, "dataset": "firewall_events"}, NOW)["job.kind"]
    assert wrong.status is Status.FAIL
    assert "supports only http_requests" in wrong.summary


def test_strict_does_not_fail_a_healthy_job_without_logstream(tmp_path):
    path = tmp_path / "job.json"
    path.write_text(json.dumps(jobdata.job(last_complete="2026-11-27T11:58:00Z")))
    result = invoke("job", str(path), "--strict", "--format", "json")
    report = json.loads(result.stdout)["reports"][0]
    version = next(c for c in report["checks"] if c["id"] == "job.version")
    assert version["status"] == "pass"
    assert report["job"]["version"] is None


# --- scope: /zones or /accounts in every fix ----------------------------------------------

def test_account_dataset_fixes_use_accounts():
    judged = judge_job({**jobdata.TF_GATEWAY_DNS, "enabled": False}, NOW)
    assert "/accounts/<ACCOUNT_ID>/logpush/jobs/3186 with" in judged["job.enabled"].remediation
    assert judged["job.dataset"].summary.startswith("gateway_dns: an account dataset")
    assert "Zero Trust: PII Read" in judged["job.dataset"].detail


def test_zone_dataset_fixes_use_zones_and_a_fetched_scope_gives_the_real_id():
    disabled = jobdata.job(enabled=False, last_complete="2026-11-27T10:00:00Z")
    assert "/zones/<ZONE_ID>/logpush/jobs/146" in judge_job(disabled, NOW)[
        "job.enabled"].remediation
    fetched = judge_job(disabled, NOW, scope=("zones", "a" * 32))
    assert f"/zones/{'a' * 32}/logpush/jobs/146" in fetched["job.enabled"].remediation


def test_a_dataset_under_both_scopes_and_an_unknown_one_are_said_as_such():
    both = judge_job(jobdata.job(dataset="firewall_events", enabled=False), NOW)
    assert "<zones/ZONE_ID or accounts/ACCOUNT_ID" in both["job.enabled"].remediation
    unknown = judge_job(jobdata.job(dataset="brand_new_events"), NOW)["job.dataset"]
    assert unknown.status is Status.SKIP and "not judged" in unknown.summary


# --- enabled, and who disabled it ---------------------------------------------------------

def test_a_job_as_created_was_never_switched_on():
    judged = judge_job(jobdata.DOC_SPLUNK_CREATED, NOW)
    assert judged["job.enabled"].summary == ("the job is disabled and never completed a push: "
                                             "most likely it was never switched on")
    assert judged["job.health"].status is Status.SKIP


@pytest.mark.parametrize(("last_complete", "last_error", "words"), [
    ("2026-11-27T09:00:00Z", "2026-11-27T11:00:00Z",
     "after failing for about 2 hours: a person disabled it"),
    ("2026-11-26T02:00:00Z", "2026-11-27T08:00:00Z",
     "after failing for about 30 hours, as Logpush does after 24 hours"),
    (None, "2026-11-27T08:00:00Z", "whether Logpush or a person disabled it is not judged"),
])
def test_who_disabled_a_failing_job(last_complete, last_error, words):
    outcome = judge_job(jobdata.job(enabled=False, last_complete=last_complete,
                                    last_error=last_error, error_message="EOF"), NOW)
    assert outcome["job.enabled"].status is Status.FAIL
    assert words in outcome["job.enabled"].summary


def test_disabled_without_error_was_turned_off_by_a_person():
    outcome = judge_job(jobdata.job(enabled=False, last_complete="2026-11-27T06:00:00Z"),
                        NOW)["job.enabled"]
    assert outcome.status is Status.WARN
    assert "a person (or an API client) turned it off" in outcome.detail


# --- health in time: last_error means failing now ------------------------------------------

@pytest.mark.parametrize(("fields", "status", "words"), [
    ({"last_complete": "2026-11-27T11:59:00Z"}, Status.PASS,
     "logs pushed up to 2026-11-27T11:59:00Z (1 minute ago); no error"),
    ({"last_complete": "2026-11-25T11:00:00Z"}, Status.WARN, "nothing pushed for 2 days"),
    ({}, Status.WARN, "no push has completed yet"),
    ({"last_complete": "2026-11-27T10:00:00Z", "last_error": "2026-11-27T11:30:00Z"},
     Status.FAIL, "failing now: last error at 2026-11-27T11:30:00Z (30 minutes ago)"),
    # An error older than the last completed log time: SDK-go says non-null last_error is
    # failing now, so there is no "recovered" state.
    ({"last_complete": "2026-11-27T11:50:00Z", "last_error": "2026-11-27T11:00:00Z"},
     Status.FAIL, "failing now: last error at 2026-11-27T11:00:00Z"),
    ({"last_error": "2026-11-27T11:00:00Z"}, Status.FAIL, "no push has ever completed"),
    ({"last_complete": "yesterday"}, Status.WARN, "is not an RFC 3339 time"),
    ({"last_complete": "2026-11-30T12:00:00Z"}, Status.WARN,
     "last_complete is 2026-11-30T12:00:00Z (3 days in the future)"),
    ({"last_complete": "2026-11-27T12:03:00+00:00"}, Status.PASS, "(0 minutes ago)"),
])
def test_health_in_time(fields, status, words):
    outcome = judge_job(jobdata.job(**fields), NOW)["job.health"]
    assert outcome.status is status
    assert words in outcome.summary
    assert "recovered" not in outcome.summary


def test_failing_job_retry_behaviour_is_pr_32514s():
    detail = judge_job(jobdata.job(last_complete="2026-11-27T10:00:00Z",
                                   last_error="2026-11-27T11:30:00Z"), NOW)["job.health"].detail
    assert "disables the job after 24 hours without a successful push (PR-32514)" in detail
    assert "five times" not in detail


@pytest.mark.parametrize(("shape", "last_complete", "words"), [
    (jobdata.job(), "2026-11-27T06:00:00Z",
     "All of them are less than 3 days old: the Logpull API can fetch them, only if log "
     "retention was switched on beforehand"),
    (jobdata.job(), "2026-11-22T06:00:00Z", "those since 2026-11-24T12:00:00Z can be fetched"),
    (jobdata.TF_GATEWAY_DNS, "2026-11-27T06:00:00Z",
     "Only a zone's http_requests logs can be fetched again (with Logpull); gateway_dns logs "
     "that were not pushed are lost."),
])
def test_what_can_be_fetched_again_depends_on_the_dataset(shape, last_complete, words):
    failing = {**shape, "last_complete": last_complete, "last_error": "2026-11-27T11:00:00Z",
               "error_message": "EOF"}
    assert words in judge_job(failing, NOW)["job.health"].detail


# --- upload limits and output options -----------------------------------------------------

@pytest.mark.parametrize(("fields", "status", "words"), [
    ({}, Status.PASS, "no max_upload_* set"),
    ({"max_upload_bytes": 5_000_000, "max_upload_records": 1000}, Status.PASS, "within"),
    ({"max_upload_bytes": 0, "max_upload_records": 0}, Status.PASS, "within"),
    ({"max_upload_bytes": 1_000}, Status.WARN, "max_upload_bytes 1000 is outside 5 MB to 1 GB"),
    ({"max_upload_records": 2_000_000}, Status.WARN, "outside 1,000 to 1,000,000 lines"),
    ({"max_upload_interval_seconds": 10}, Status.WARN, "outside 30 to 300 seconds"),
    ({"max_upload_records": "1000"}, Status.WARN, "is not a whole number"),
    ({"max_upload_records": True}, Status.WARN, "is not a whole number"),
    ({"max_upload_records": 5000.0}, Status.PASS, "max_upload_records=5000"),
])
def test_upload_limits(fields, status, words):
    outcome = judge_job(jobdata.job(**fields), NOW)["job.upload"]
    assert outcome.status is status and words in outcome.summary


def test_edge_jobs_take_no_byte_or_record_limit():
    outcome = judge_job({**jobdata.DOC_EDGE, "max_upload_bytes": 5_000_000,
                         "max_upload_interval_seconds": 60}, NOW)["job.upload"]
    assert outcome.status is Status.WARN
    assert outcome.summary == "max_upload_bytes is not available for edge jobs"


@pytest.mark.parametrize(("shape", "status", "words"), [
    (jobdata.DOC_SPLUNK_ENABLED, Status.PASS, "ndjson records, timestamps rfc3339"),
    (jobdata.DOC_LOGPULL_OPTIONS, Status.WARN, "sample_rate 0.1 keeps 10% of records"),
    (jobdata.job(output_options={"output_type": "csv", "timestamp_format": "rfc3339"}),
     Status.WARN, "CSV records sent with sourcetype=cloudflare:json"),
    (jobdata.job(output_options={"field_names": ["RayID"]}), Status.WARN,
     "timestamp_format unixnano (the API default): Cloudflare's Splunk guide recommends "
     "rfc3339"),
    (jobdata.job(output_options={"sample_rate": 0}), Status.WARN, "outside 0 (exclusive) to 1"),
    (jobdata.job(output_options="ndjson"), Status.WARN, "not an object"),
    (jobdata.TF_DATADOG, Status.PASS, "ndjson records, timestamps rfc3339"),
])
def test_output_options(shape, status, words):
    outcome = judge_job(shape, NOW)["job.output"]
    assert outcome.status is status and words in outcome.summary


# --- other destinations: no Splunk advice ---------------------------------------------------

@pytest.mark.parametrize(("shape", "message"), [
    (jobdata.TF_GATEWAY_DNS, "tls: failed to verify certificate: x509: certificate signed by "
                             "unknown authority"),
    (jobdata.TF_DATADOG, '{"text":"Invalid token","code":4}'),
    ({**jobdata.TF_GATEWAY_DNS, "destination_conf": "azure://container/dir?sv=x"},
     jobdata.AZURE_SAS_ERROR),
    (jobdata.TF_GATEWAY_DNS, "dial tcp 203.0.113.7:443: connect: connection refused"),
])
def test_other_destinations_get_no_splunk_advice(shape, message):
    judged = judge_job({**shape, "last_error": "2026-11-27T11:00:00Z",
                        "error_message": message}, NOW)
    explained = judged["job.error_message"]
    words = f"{explained.summary} {explained.detail} {explained.remediation}"
    for splunk_word in ("Splunk", "HEC", "serverCert", "inputs.conf"):
        assert splunk_word not in words.replace(message, "")
    assert "does not deep-check" in judged["job.destination"].summary


# Destinations of every kind Cloudflare documents (DOC-api: r2, gs, s3, sumo, https, azure,
# splunk, datadog), each failing with a timeout and a handshake failure, and disabled.
OTHER_CONFS = ("r2://logs/http?account-id=0f&access-key-id=K&secret-access-key=S",
               "gs://logs-bucket/http", "s3://logs-bucket/http?region=us-east-1",
               "azure://container/dir?sv=2020&sig=S", "datadog://http-intake.logs.datadoghq.com/"
               "api/v2/logs?header_DD-API-KEY=K", "https://logs.example.com/ingest")


@pytest.mark.parametrize("conf", OTHER_CONFS)
@pytest.mark.parametrize("message", [
    "net/http: request canceled while waiting for connection (Client.Timeout exceeded while "
    "awaiting headers)", "remote error: tls: handshake failure", "connection refused", ""])
def test_other_destinations_are_never_sent_to_hec_doctor_check(conf, message):
    shape = {**jobdata.TF_GATEWAY_DNS, "destination_conf": conf, "enabled": False,
             "last_error": "2026-11-27T11:00:00Z", "error_message": message or None}
    judged = judge_job(shape, NOW)
    for outcome in judged.values():
        assert "hec-doctor check" not in f"{outcome.detail} {outcome.remediation}", outcome


# --- odd values ---------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["true", 1, None, [True]])
def test_enabled_that_is_not_a_boolean_is_one_finding(value):
    judged = judge_job(jobdata.job(enabled=value, last_complete="2026-11-20T00:00:00Z"), NOW)
    assert judged["job.enabled"].status is Status.WARN
    assert "cannot tell whether the job runs" in judged["job.enabled"].summary
    # Nothing else reads it as true: no "nothing pushed for N days while enabled" warning.
    assert judged["job.health"].status is Status.PASS


@pytest.mark.parametrize(("given", "json_id", "text_id"), [
    (7, 7, "7"), ("7", "7", "7"), (7.5, 7.5, "7.5"), (True, True, "true"),
    ([1, 2], "[1, 2]", "[1, 2]"),
])
def test_ids_of_any_json_type_are_shown_as_given(tmp_path, given, json_id, text_id):
    path = tmp_path / "job.json"
    path.write_text(json.dumps({**FAQ_V2, "id": given}))
    assert json.loads(invoke("job", str(path), "--format", "json").stdout)["reports"][0][
        "job"]["id"] == json_id
    assert f"Logpush job {text_id} " in invoke("job", str(path), "--color", "never").stdout


def test_huge_strings_are_shortened(tmp_path):
    path = tmp_path / "job.json"
    path.write_text(json.dumps({**FAQ_V1, "name": "n" * 100_000,
                                "error_message": "e" * 100_000}))
    result = invoke("job", str(path), "--color", "never")
    assert max(len(line) for line in result.stdout.splitlines()) < 1000
    assert "more characters)" in result.stdout


@pytest.mark.parametrize("text", ["[]", '{"result": [], "success": true, "errors": [], '
                                        '"messages": []}', '{"result": null, "success": true}'])
@pytest.mark.parametrize("fmt", ["text", "json", "junit", "github", "markdown"])
def test_no_jobs_is_a_normal_answer(tmp_path, text, fmt):
    path = tmp_path / "jobs.json"
    path.write_text(text)
    result = invoke("job", str(path), "--format", fmt)
    assert result.exit_code == 0
    assert "no jobs" in result.stderr
    if fmt == "json":
        assert json.loads(result.stdout)["reports"] == []
    if fmt == "text":
        assert result.stdout == "Summary: no jobs; verdict PASS\n"


# --- the command --------------------------------------------------------------------------

def test_job_command_on_a_list_exits_1_and_names_both_jobs():
    result = invoke("job", str(JOBS / "list.json"), "--color", "never")
    assert result.exit_code == 1
    assert "Logpush job 3139 'theburritobot.com-cos' (http_requests, v2, disabled)" in result.stdout
    assert "Logpush job 2 'theburritobot.com-gcs' (http_requests, disabled)" in result.stdout
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
    job = jobdata.job(destination_conf="https://endpoint.collection.sumologic.com/receiver/v1/"
                                       "http/SECRETSECRETSECRET?header_X-Key=K3Y")
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
    path.write_text(json.dumps(jobdata.job(destination_conf=hec_server.destination_conf,
                                           last_complete="2026-11-27T11:59:00Z")))
    result = invoke("job", str(path), "--live", "--ca-file", hec_server.ca_file,
                    "--color", "never")
    assert "PASS  hec.token" in result.stdout
    assert hec_server.token not in result.stdout + result.stderr
    offline = invoke("job", str(path), "--color", "never")
    assert "SKIP  hec.token                  not run: --offline" in offline.stdout


class CliInput:
    def __init__(self, stdin: str) -> None:
        self.stdin = stdin

    def run(self, *args: str):
        from click.testing import CliRunner

        from hec_doctor.cli import cli

        return CliRunner().invoke(cli, list(args), input=self.stdin)


@pytest.mark.parametrize(("dataset", "scopes"), [
    # developers.cloudflare.com/logs/logpush/logpush-job/datasets/zone/ (Apr 23, 2026).
    ("nel_reports", ["zones"]), ("page_shield_events", ["zones"]),
    # .../datasets/account/ (Apr 23, 2026).
    ("casb_findings", ["accounts"]),
    ("firewall_events", ["zones", "accounts"]),
])
def test_datasets_as_cloudflare_files_them(dataset, scopes):
    outcome = judge_job(jobdata.job(dataset=dataset), NOW)["job.dataset"]
    assert outcome.status is Status.PASS and outcome.data["scopes"] == scopes


@pytest.mark.parametrize(("dataset", "scope", "words"), [
    ("nel_reports", ("accounts", "a" * 32), "a zone dataset, but the job is under /accounts"),
    ("gateway_dns", ("zones", "z" * 32), "an account dataset, but the job is under /zones"),
])
def test_a_dataset_under_the_other_scope_is_refused(dataset, scope, words):
    outcome = judge_job(jobdata.job(dataset=dataset), NOW, scope)["job.dataset"]
    assert outcome.status is Status.FAIL and words in outcome.summary
    assert "Set " in outcome.remediation


def test_an_unknown_dataset_names_the_list_it_was_checked_against():
    outcome = judge_job(jobdata.job(dataset="brand_new_events"), NOW)["job.dataset"]
    assert outcome.status is Status.SKIP and "last updated 2026-04-23" in outcome.detail


@pytest.mark.parametrize("conf", [
    "https://hec.example.com:8088/services/collector/raw?header_Authorization=Splunk%20x",
    "https://lb.example.com/ingest?header_Authorization=Splunk%20x",
    "https://hec.example.com/services/collector/event",
])
def test_a_hec_url_used_as_an_http_destination_is_named(conf):
    outcome = judge_job({**jobdata.TF_GATEWAY_DNS, "destination_conf": conf}, NOW)
    destination = outcome["job.destination"]
    assert destination.status is Status.WARN and "splunk://" in destination.summary
    assert destination.data["hec_as_http"] is True


def test_an_ordinary_http_destination_is_not_taken_for_a_hec():
    outcome = judge_job({**jobdata.TF_GATEWAY_DNS,
                         "destination_conf": "https://logs.example.com/ingest?header_X-Key=k"},
                        NOW)
    assert outcome["job.destination"].status is Status.SKIP


def test_a_credential_in_the_error_message_stays_out_of_the_result():
    # Not the job's own token (the last scrub knows that one): one only its shape gives away,
    # in Go's url.Error wording (`Post "URL": inner`, net/http client.go).
    other = "abcd1234abcd1234abcd"
    message = f'Post "https://hec.example.com/services/collector/raw?token={other}": EOF'
    judged = judge_job(jobdata.job(last_error="2026-11-27T11:00:00Z", error_message=message),
                       NOW)
    explained = judged["job.error_message"]
    assert explained.data["class"] == "net.reset"
    shown = json.dumps(dict(explained.data)) + explained.summary
    assert other not in shown and other[:12] not in shown
    assert explained.data["url"] == ("https://hec.example.com/services/collector/raw?"
                                     "token=<token …abcd>")


def test_a_token_typed_after_a_space_in_a_quoted_url_is_hidden_in_the_summary():
    other = "abcd1234abcd1234abcd"
    message = (f'Post "https://hec.example.com/services/collector/raw?Authorization=Splunk {other}'
               '": EOF')
    judged = judge_job(jobdata.job(last_error="2026-11-27T11:00:00Z", error_message=message),
                       NOW)
    summary = judged["job.error_message"].summary
    assert other not in summary and "Authorization=Splunk <token …abcd>" in summary


@pytest.mark.parametrize("size", [float("inf"), float("nan"), 5_000_000.5])
def test_a_non_finite_upload_size_is_not_a_whole_number(size):
    # Python's json reads a number too large for a float (1e400) as infinity, and NaN as NaN.
    judged = judge_job(jobdata.job(max_upload_bytes=size), NOW)
    assert judged["job.upload"].status is Status.WARN
    assert "is not a whole number" in judged["job.upload"].summary


def test_a_non_finite_upload_size_read_from_json_is_a_warning_not_an_error(tmp_path):
    listing = tmp_path / "job.json"
    listing.write_text(json.dumps({"result": jobdata.job()})[:-2] + ', "max_upload_bytes": 1e400}}')
    result = invoke("job", str(listing), "--format", "json")
    assert result.exit_code in (0, 1) and "internal error" not in result.output
    assert "max_upload_bytes Infinity is not a whole number" in result.stdout


def test_a_credential_shaped_dataset_is_not_echoed_by_the_backfill_advice():
    guid = "5f1c2a9e-0b7d-4c33-9e61-d2a8b4c7e999"
    judged = judge_job(jobdata.job(dataset=guid, last_error="2026-11-27T11:00:00Z",
                                   error_message="EOF"), NOW)
    for outcome in judged.values():
        assert guid not in f"{outcome.summary} {outcome.detail} {outcome.remediation}"
