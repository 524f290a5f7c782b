"""``hec-doctor terraform`` on plans the real ``terraform`` binary made (issue #25).

Terraform plans each configuration against the stand-in provider (tests/tfstandin.py), which
serves the Cloudflare provider's own ``cloudflare_logpush_job`` schema at 5.22.0, 5.12.0 and
4.52.8 (fixtures/terraform/provider-schemas.json, read from the provider's Go source). The plan
JSON, what it marks sensitive and unknown, and the configuration section are Terraform's.
Nothing leaves 127.0.0.1: the provider is reattached on loopback and Terraform's version check
is turned off (CHECKPOINT_DISABLE).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from hec_doctor.cloudflare.terraform import parse_plan, planned_jobs
from tests.helpers import invoke
from tests.tfstandin import serving

HEC_TOKEN = "79f8d2aa-4c1e-4f0b-8d3a-5e6f7a8b9c0d"
CHANNEL = "4b2a3c8e-1f0d-4e6b-9a7c-2d5e8f1a3b6c"
ZONE = "023e105f4ecef8ad9ca31a8372d0c353"  # the API documentation's example ids
ACCOUNT = "01a7362d577a6c3019a474fd6f485823"
SPLUNK = (f"splunk://hec.example.com:8088/services/collector/raw?channel={CHANNEL}"
          f"&insecure-skip-verify=false&sourcetype=cloudflare:json"
          f"&header_Authorization=Splunk%20{HEC_TOKEN}")
HEADER = """terraform {
  required_providers {
    cloudflare = { source = "cloudflare/cloudflare" }
  }
}
provider "cloudflare" {}
"""


def _terraform() -> str:
    found = shutil.which("terraform")
    if found is None:
        # A test never skips for a missing tool: the machines CI runs on have terraform.
        pytest.fail("missing tool: terraform (scripts/install-test-tools checks for it)")
    return found


def real_plan(tmp_path: Path, version: str, resources: str) -> Path:
    """``terraform plan`` then ``terraform show -json`` of ``resources``, planned by the
    stand-in serving the provider's schema at ``version``; the plan JSON's path."""
    (tmp_path / "main.tf").write_text(HEADER + resources)
    (tmp_path / "cli.tfrc").write_text("")
    with serving(version) as (stand_in, reattach):
        env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path),
               # Any HTTP Terraform tried (a registry, a version check) would fail on this dead
               # proxy: the plans below are made with nothing leaving 127.0.0.1 (Go never
               # proxies loopback, so the reattached provider is reached directly).
               "HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9",
               "TF_REATTACH_PROVIDERS": reattach, "CHECKPOINT_DISABLE": "1",
               "TF_IN_AUTOMATION": "1", "TF_CLI_CONFIG_FILE": str(tmp_path / "cli.tfrc"),
               "TF_DATA_DIR": str(tmp_path / ".terraform")}
        for command in (["plan", "-out=tfplan", "-input=false", "-lock=false", "-no-color"],
                        ["show", "-json", "tfplan"]):
            done = subprocess.run([_terraform(), *command], cwd=tmp_path, env=env,
                                  capture_output=True, text=True, timeout=120, check=False)
            assert done.returncode == 0, done.stderr + done.stdout
        assert stand_in.plans, "terraform did not ask the stand-in to plan"
    plan = tmp_path / "plan.json"
    plan.write_text(done.stdout)
    return plan


def _report(plan: Path, *args: str) -> tuple[dict, str]:
    result = invoke("terraform", str(plan), "--format", "json", *args)
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)["reports"][0], result.stdout + result.stderr


def _check(report: dict, check_id: str) -> dict:
    return next(c for c in report["checks"] if c["id"] == check_id)


def _job(name: str, body: str) -> str:
    return f'resource "cloudflare_logpush_job" "{name}" {{\n{body}\n}}\n'


def test_the_stand_in_serves_what_the_provider_declares():
    from tests.tfstandin import versions

    schemas = versions()
    # terraform-provider-cloudflare schema.go: destination_conf is sensitive from 5.19.0; the
    # 5.13.0+ defaults (max_upload_* 0, filter "") are absent at 5.12.0; 4.x is SDKv2.
    assert schemas["5.22.0"]["attributes"]["destination_conf"]["sensitive"] is True
    assert schemas["5.12.0"]["attributes"]["destination_conf"]["sensitive"] is False
    assert schemas["5.22.0"]["attributes"]["max_upload_records"]["default"] == 0
    assert "default" not in schemas["5.12.0"]["attributes"]["max_upload_records"]
    assert schemas["4.52.8"]["blocks"]["output_options"]["max_items"] == 1


@pytest.mark.parametrize("version", ["5.22.0", "5.12.0", "4.52.8"])
def test_a_real_plan_is_read_and_no_secret_printed(tmp_path, version):
    options = ("output_options = { field_names = [\"ClientIP\", \"EdgeStartTimestamp\"], "
               "timestamp_format = \"rfc3339\" }" if version.startswith("5.") else
               "output_options {\n field_names = [\"ClientIP\"]\n timestamp_format = "
               "\"rfc3339\"\n}")
    plan = real_plan(tmp_path, version, _job("splunk", f"""
  zone_id          = "{ZONE}"
  dataset          = "http_requests"
  destination_conf = "{SPLUNK}"
  enabled          = true
  {options}"""))
    [job] = planned_jobs(parse_plan(plan.read_text()))
    assert job.schema == ("4.x" if version.startswith("4.") else "5.x")
    assert job.job["output_options"]["timestamp_format"] == "rfc3339"
    # Terraform writes the sensitive value in clear in the plan (after and configuration).
    assert HEC_TOKEN in plan.read_text()
    sensitive_from = version.startswith("5.22")
    assert ("destination_conf" in job.sensitive) is sensitive_from
    for fmt in ("json", "text", "sarif", "github", "junit"):
        result = invoke("terraform", str(plan), "--format", fmt)
        printed = result.stdout + result.stderr
        assert result.exit_code in (0, 1), printed
        assert HEC_TOKEN not in printed and HEC_TOKEN[:12] not in printed
        assert CHANNEL not in printed
    report, _ = _report(plan)
    assert report["label"] == "cloudflare_logpush_job.splunk"
    assert _check(report, "dest.path")["status"] == "pass"
    assert _check(report, "job.output")["status"] == "pass"


def test_provider_defaults_in_a_real_5_22_plan_are_not_the_users_choices(tmp_path):
    plan = real_plan(tmp_path, "5.22.0", _job("splunk", f"""
  zone_id          = "{ZONE}"
  dataset          = "http_requests"
  destination_conf = "{SPLUNK}"
  enabled          = true"""))
    [job] = planned_jobs(parse_plan(plan.read_text()))
    # The provider planned 0 and "" for what the configuration left out (schema.go 5.13.0+).
    assert {"max_upload_records", "max_upload_bytes", "max_upload_interval_seconds", "filter",
            "name", "logpull_options", "frequency", "kind"} <= set(job.defaults)
    assert job.schema == "5.x"  # no output_options: the computed 5.x-only fields tell
    report, _ = _report(plan)
    for check_id in ("job.upload", "job.options"):
        assert _check(report, check_id)["status"] in ("pass", "skip"), _check(report, check_id)


def test_the_same_configuration_planned_by_5_12_holds_nulls_not_defaults(tmp_path):
    plan = real_plan(tmp_path, "5.12.0", _job("splunk", f"""
  zone_id          = "{ZONE}"
  destination_conf = "{SPLUNK}"
  enabled          = true
  max_upload_records = 5000"""))
    [job] = planned_jobs(parse_plan(plan.read_text()))
    after = json.loads(plan.read_text())["resource_changes"][0]["change"]["after"]
    assert after["max_upload_bytes"] is None and after["filter"] is None
    assert after["dataset"] == "http_requests"  # the provider's default, planned
    assert job.job["max_upload_records"] == 5000  # configured: the user's choice
    assert "max_upload_records" not in job.defaults


@pytest.mark.parametrize(("version", "dataset", "scope", "status"), [
    ("5.22.0", "nel_reports", "account_id", "fail"),
    ("5.22.0", "nel_reports", "zone_id", "pass"),
    ("4.52.8", "gateway_http", "zone_id", "fail"),
    ("5.12.0", "gateway_http", "account_id", "pass"),
])
def test_a_real_plans_scope_is_judged_against_the_dataset(tmp_path, version, dataset, scope,
                                                          status):
    owner = ZONE if scope == "zone_id" else ACCOUNT
    plan = real_plan(tmp_path, version, _job("scoped", f"""
  {scope} = "{owner}"
  dataset = "{dataset}"
  destination_conf = "{SPLUNK}"
  enabled = true"""))
    report, _ = _report(plan)
    assert _check(report, "job.dataset")["status"] == status


def test_a_heredoc_destination_keeps_its_line_break_and_fails(tmp_path):
    # A heredoc ends in a line break; Terraform keeps it in the value (a real plan shows it), and
    # Logpush would send a token ending in one.
    plan = real_plan(tmp_path, "5.22.0", _job("heredoc", f"""
  zone_id = "{ZONE}"
  dataset = "http_requests"
  enabled = true
  destination_conf = <<-EOT
    {SPLUNK}
  EOT"""))
    after = json.loads(plan.read_text())["resource_changes"][0]["change"]["after"]
    assert after["destination_conf"].endswith("\n")
    report, printed = _report(plan)
    assert report["verdict"] == "fail"
    failing = {c["id"] for c in report["checks"] if c["status"] == "fail"}
    assert failing & {"dest.token", "dest.query", "dest.parse"}, failing
    assert HEC_TOKEN not in printed


def test_a_hec_url_used_as_an_http_destination_is_named(tmp_path):
    plan = real_plan(tmp_path, "5.22.0", _job("http", f"""
  zone_id = "{ZONE}"
  dataset = "http_requests"
  enabled = true
  destination_conf = "https://hec.example.com:8088/services/collector/raw?header_Authorization=Splunk%20{HEC_TOKEN}"
"""))
    report, printed = _report(plan)
    words = " ".join(c["summary"] + " " + c["detail"] for c in report["checks"])
    assert "generic HTTP destination" in words or "HTTP destination" in words, words
    assert HEC_TOKEN not in printed


def test_a_one_line_block_is_read_by_lint_as_terraform_plans_it(tmp_path):
    # HCL's one-line block holds one attribute; from 5.x the only one the resource requires is
    # destination_conf (provider-schemas.json), so this is a whole, valid job.
    from hec_doctor.cloudflare.hcl import destinations

    one_line = f'resource "cloudflare_logpush_job" "one" {{ destination_conf = "{SPLUNK}" }}\n'
    plan = real_plan(tmp_path, "5.22.0", one_line)
    [planned] = planned_jobs(parse_plan(plan.read_text(), str(plan)))
    [read] = destinations((tmp_path / "main.tf").read_text())
    assert read.value == planned.job["destination_conf"] == SPLUNK
    # terraform fmt keeps the block on its one line (it would rewrite it otherwise).
    formatted = subprocess.run([_terraform(), "fmt", "-check", "-no-color", str(tmp_path)],
                               capture_output=True, text=True, timeout=60,
                               env={"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path),
                                    "CHECKPOINT_DISABLE": "1"})
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr


def test_a_json_syntax_job_is_read_by_lint_as_terraform_plans_it(tmp_path):
    # Terraform reads *.tf.json beside *.tf (JSON syntax, as CDK for Terraform writes it); the
    # string is a template, so $${ is a literal ${ for Terraform as for lint.
    from hec_doctor.cloudflare.hcl import json_destinations

    conf = SPLUNK + "&x=$${literal}"
    (tmp_path / "jobs.tf.json").write_text(json.dumps({
        "//": "generated",
        "resource": {"cloudflare_logpush_job": {
            "generated": [{"destination_conf": conf, "dataset": "http_requests",
                           "zone_id": ZONE}]}}}, indent=2))
    plan = real_plan(tmp_path, "5.22.0", "")
    [planned] = planned_jobs(parse_plan(plan.read_text(), str(plan)))
    [read] = json_destinations((tmp_path / "jobs.tf.json").read_text())
    assert planned.address == read.address == "cloudflare_logpush_job.generated"
    assert read.value == planned.job["destination_conf"] == SPLUNK + "&x=${literal}"
