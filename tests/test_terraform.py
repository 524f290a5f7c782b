"""``hec-doctor terraform``: Logpush jobs in Terraform plans of both provider majors.

The plans (fixtures/terraform, see its README) follow Terraform's JSON output format and the
cloudflare_logpush_job schemas of terraform-provider-cloudflare 5.x and 4.x.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hec_doctor.cloudflare.terraform import parse_plan, planned_jobs
from hec_doctor.errors import InputError
from tests.helpers import invoke

PLANS = Path(__file__).parent.parent / "fixtures" / "terraform"
V5 = PLANS / "plan-v5.json"
V4 = PLANS / "plan-v4.json"
HEC_TOKEN_V5 = "f6a1c5e2-7d3b-4e8a-9c1f-2b3d4e5f6a7b"
HEC_TOKEN_V4 = "7c4d2e1f-9a8b-4c3d-b2e1-0f9e8d7c6b5a"


def _jobs(path: Path):
    return planned_jobs(parse_plan(path.read_text()))


def _batch(*args: str):
    result = invoke("terraform", *args, "--format", "json")
    return result, json.loads(result.stdout)


def _check(report: dict, check_id: str) -> dict:
    return next(c for c in report["checks"] if c["id"] == check_id)


# --- reading plans (pure) ---------------------------------------------------------------------

def test_v5_plan_jobs_created_and_updated_not_deleted_or_other_types():
    jobs = _jobs(V5)
    assert [(j.address, j.action) for j in jobs] == [
        ('cloudflare_logpush_job.splunk["prod"]', "created"),
        ('cloudflare_logpush_job.splunk["staging"]', "updated"),
        ("module.edge.cloudflare_logpush_job.this[0]", "created"),
    ]
    # The third has no output_options: its computed 5.x-only attributes (error_message,
    # last_complete, last_error, unknown until apply) still say which schema planned it.
    assert [j.schema for j in jobs] == ["5.x", "5.x", "5.x"]


def test_v4_plan_block_output_options_become_the_api_object():
    jobs = _jobs(V4)
    assert [(j.address, j.action, j.schema) for j in jobs] == [
        ("cloudflare_logpush_job.http_requests", "created", "4.x"),
        ("cloudflare_logpush_job.firewall", "replaced", "4.x"),
    ]
    options = jobs[0].job["output_options"]
    assert options["cve_2021_44228"] is False and "cve20214428" not in options
    assert options["timestamp_format"] == "unixnano"
    assert "output_options" not in jobs[1].job  # an empty block is no options at all


def test_unknown_values_are_listed_and_left_out_of_the_job():
    edge = _jobs(V5)[2]
    assert "destination_conf" in edge.unknown and "destination_conf" not in edge.job
    assert edge.scope == ("accounts", "01a7362d577a6c3019a474fd6f485823")


def test_sensitive_values_are_secrets():
    prod = _jobs(V5)[0]
    assert prod.sensitive == ("destination_conf", "ownership_challenge")
    assert any(HEC_TOKEN_V5 in secret for secret in prod.secrets)


def test_provider_defaults_are_not_read_as_choices_but_configured_values_are():
    prod = _jobs(V5)[0]
    assert set(prod.defaults) == {"frequency", "max_upload_records",
                                  "max_upload_interval_seconds"}
    assert "frequency" not in prod.job
    firewall = _jobs(V4)[1]  # its configuration sets frequency = "low"
    assert firewall.job["frequency"] == "low" and firewall.defaults == ("kind",)


@pytest.mark.parametrize(("text", "words"), [
    ("{", "not valid JSON"),
    ('{"resources": []}', "not a Terraform plan"),
    ('{"format_version": "2.0", "resource_changes": []}', "plan format 2.0"),
    ('{"format_version": "1.0", "values": {}}', "a Terraform state, not a plan"),
])
def test_what_is_not_a_plan_is_said(text, words):
    with pytest.raises(InputError, match=words):
        parse_plan(text)


# --- the command ------------------------------------------------------------------------------

def test_v5_plan_reports_by_address_with_unknown_and_sensitive_values():
    result, batch = _batch(str(V5))
    assert result.exit_code == 1, result.stderr  # staging points at 8089 and /event
    labels = [r["label"] for r in batch["reports"]]
    assert labels == ['cloudflare_logpush_job.splunk["prod"]',
                      'cloudflare_logpush_job.splunk["staging"]',
                      "module.edge.cloudflare_logpush_job.this[0]"]
    prod, staging, edge = batch["reports"]
    assert prod["verdict"] == "pass"
    assert _check(prod, "tf.resource")["data"]["sensitive"] == ["destination_conf",
                                                                 "ownership_challenge"]
    assert {_check(staging, c)["status"] for c in ("dest.port", "dest.path")} == {"fail"}
    assert _check(staging, "job.output")["status"] == "skip"  # output_options unknown
    assert _check(edge, "job.destination")["summary"] == (
        "not judged: destination_conf known only after apply")
    assert edge["verdict"] == "pass" and edge["target"]["input"] == "(known after apply)"
    assert edge["logpush"]["would_deliver"] is None
    assert {_check(r, "job.health")["status"] for r in batch["reports"]} == {"skip"}
    assert "cloudflare_logpush_job.old" not in result.stdout + result.stderr


def test_v4_plan_findings():
    result, batch = _batch(str(V4))
    assert result.exit_code == 0, result.stderr  # warnings only
    http, firewall = batch["reports"]
    assert _check(http, "job.output")["status"] == "warn"  # unixnano, not rfc3339
    assert _check(http, "dest.insecure_skip_verify")["status"] == "warn"
    assert _check(firewall, "job.enabled")["summary"].startswith("the plan sets enabled = false")
    assert _check(firewall, "job.options")["status"] == "warn"  # frequency, logpull_options
    assert invoke("terraform", str(V4), "--strict").exit_code == 1


@pytest.mark.parametrize("fmt", ["json", "text", "junit", "github", "markdown"])
@pytest.mark.parametrize("plan", [V5, V4])
def test_sensitive_and_token_values_never_printed(plan, fmt):
    result = invoke("terraform", str(plan), "--format", fmt)
    printed = result.stdout + result.stderr
    for token in (HEC_TOKEN_V5, HEC_TOKEN_V4):
        assert token not in printed
    assert result.exit_code in (0, 1)


def test_a_plan_without_logpush_jobs_exits_0_and_says_so(tmp_path):
    plan = json.loads(V5.read_text())
    plan["resource_changes"] = [c for c in plan["resource_changes"]
                                if c["type"] != "cloudflare_logpush_job"
                                or c["change"]["actions"] == ["delete"]]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    result = invoke("terraform", str(path))
    assert result.exit_code == 0
    assert "creates or changes no cloudflare_logpush_job" in result.stderr
    assert "Summary: no jobs" in result.stdout + result.stderr


def test_plan_from_stdin():
    result = invoke("terraform", "-", "--format", "json", input_text=V4.read_text())
    assert [r["label"] for r in json.loads(result.stdout)["reports"]] == [
        "cloudflare_logpush_job.http_requests", "cloudflare_logpush_job.firewall"]


@pytest.mark.parametrize(("content", "words"), [
    (b"not json", "is not valid JSON"), (b"\xff\xfe", "not UTF-8"), (b"[]", "not a Terraform plan")])
def test_bad_plans_are_one_line_and_exit_2(tmp_path, content, words):
    path = tmp_path / "plan.json"
    path.write_bytes(content)
    result = invoke("terraform", str(path))
    assert result.exit_code == 2 and words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_live_plan_checks_the_known_destination(hec_server_factory, tmp_path):
    server = hec_server_factory()
    plan = json.loads(V5.read_text())
    prod = plan["resource_changes"][0]["change"]["after"]
    prod["destination_conf"] = server.destination_conf
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    result, batch = _batch(str(path), "--live", "--ca-file", server.ca_file)
    report = batch["reports"][0]
    assert report["logpush"]["would_deliver"] is True, result.stdout
    assert _check(report, "hec.token")["status"] == "pass"
    assert server.token not in result.stdout + result.stderr


def _scoped_plan(dataset: str, scope_field: str) -> dict:
    after = {"zone_id": None, "account_id": None, "dataset": dataset, "enabled": True,
             "destination_conf": "splunk://hec.example.com:8088/services/collector/raw?"
                                 "channel=0f8c3ab4-1b7c-4c1e-9d2a-5b6f7e8d9c0a&sourcetype="
                                 "cloudflare:json&header_Authorization=Splunk%20x",
             "output_options": None}
    after[scope_field] = "0" * 32
    return {"format_version": "1.2", "resource_changes": [{
        "address": "cloudflare_logpush_job.j", "type": "cloudflare_logpush_job",
        "change": {"actions": ["create"], "before": None, "after": after,
                   "after_unknown": {"id": True}, "after_sensitive": {}}}]}


@pytest.mark.parametrize(("dataset", "field", "status"), [
    ("nel_reports", "account_id", "fail"), ("nel_reports", "zone_id", "pass"),
    ("gateway_http", "zone_id", "fail"), ("gateway_http", "account_id", "pass"),
])
def test_the_plans_scope_is_judged_against_the_dataset(tmp_path, dataset, field, status):
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(_scoped_plan(dataset, field)))
    result = invoke("terraform", "--format", "json", str(plan))
    report = json.loads(result.stdout)["reports"][0]
    assert _check(report, "job.dataset")["status"] == status


def test_the_defaults_of_provider_5_13_and_later_are_not_read_as_choices(tmp_path):
    # terraform-provider-cloudflare v5.13.0+ schema.go: max_upload_* default 0, and filter,
    # name, logpull_options default "": a plan shows them for a configuration that sets none.
    after = {"zone_id": "0" * 32, "dataset": "http_requests", "enabled": True,
             "destination_conf": "splunk://hec.example.com:8088/services/collector/raw?channel="
                                 "0f8c3ab4-1b7c-4c1e-9d2a-5b6f7e8d9c0a&sourcetype=cloudflare:json"
                                 "&header_Authorization=Splunk%20x", "filter": "", "name": "",
             "logpull_options": "", "max_upload_bytes": 0, "max_upload_records": 0,
             "max_upload_interval_seconds": 0, "frequency": "high", "kind": ""}
    plan = {"format_version": "1.2", "resource_changes": [{
        "address": "cloudflare_logpush_job.j", "type": "cloudflare_logpush_job",
        "change": {"actions": ["create"], "before": None, "after": after,
                   "after_unknown": {"id": True, "error_message": True, "output_options": True},
                   "after_sensitive": {"destination_conf": True}}}],
        "configuration": {"root_module": {"resources": [{
            "address": "cloudflare_logpush_job.j", "type": "cloudflare_logpush_job",
            "name": "j", "expressions": {"zone_id": {}, "dataset": {}, "enabled": {},
                                         "destination_conf": {}}}]}}}
    planned = planned_jobs(parse_plan(json.dumps(plan)))[0]
    assert set(planned.defaults) == {"filter", "name", "logpull_options", "max_upload_bytes",
                                     "max_upload_records", "max_upload_interval_seconds",
                                     "frequency", "kind"}
    assert planned.schema == "5.x"
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    report = json.loads(invoke("terraform", "--format", "json", str(path)).stdout)["reports"][0]
    # Neither a 0 read as "batching disabled" nor an empty logpull_options as a deprecated field
    # in use: no finding, where the plan knows the values.
    for check_id in ("job.upload", "job.options"):
        assert _check(report, check_id)["status"] in ("pass", "skip"), _check(report, check_id)


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "junit", "concise"])
def test_a_credential_shaped_address_is_hidden_and_a_plain_one_shown(tmp_path, fmt):
    guid = "5f1c2a9e-0b7d-4c33-9e61-d2a8b4c7e977"
    document = _scoped_plan("http_requests", "zone_id")
    plain = dict(document["resource_changes"][0], address="module.logs.cloudflare_logpush_job.prod")
    hidden = dict(plain, address=f'cloudflare_logpush_job.each["{guid}"]')
    document["resource_changes"] = [plain, hidden]
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(document))
    result = invoke("terraform", str(plan), "--format", fmt)
    assert guid not in result.output and guid[9:23] not in result.output
    assert "module.logs.cloudflare_logpush_job.prod" in result.output
