"""The JSON output as a contract (issue #28): every command's JSON, in both shapes, validates
against the published JSON Schema (hec_doctor/report.schema.json, shipped in the wheel), and the
schema itself refuses what it should."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from tests.helpers import good_conf, invoke

ROOT = Path(__file__).resolve().parent.parent
BAD = good_conf().replace(":8088", ":8089")


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = json.loads(resources.files("hec_doctor").joinpath("report.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _outputs(tmp_path: Path, hec_server) -> dict[str, list[str]]:
    listing = tmp_path / "destinations.txt"
    listing.write_text(good_conf() + "\n" + BAD + "\n")
    mixed = tmp_path / "mixed.txt"
    mixed.write_text(good_conf() + "\nnot a destination at all\n")
    tf = tmp_path / "main.tf"
    tf.write_text('resource "cloudflare_logpush_job" "s" {\n'
                  f'  destination_conf = "{BAD}"\n}}\n')
    jobs = tmp_path / "jobs.json"
    jobs.write_text(json.dumps({"success": True, "result": [
        {"id": 1, "dataset": "http_requests", "enabled": True, "destination_conf": BAD},
        {"id": 2, "dataset": "http_requests", "enabled": True,
         "destination_conf": "s3://bucket/logs?region=us-east-1"}]}))
    live = hec_server.destination_conf
    return {
        "check one": ["check", "--offline", BAD],
        "check many": ["check", "--offline", good_conf(), BAD],
        "check --file": ["check", "--offline", "--file", str(listing)],
        "check live": ["check", "--ca-file", hec_server.ca_file, live],
        "check live clients": ["check", "--ca-file", hec_server.ca_file, "--clients",
                               "go,curl,python,node", live],
        "check live fault": ["check", "--ca-file", hec_server.ca_file,
                             hec_server.destination_conf.replace("/raw", "/raw/x")],
        "job": ["job", str(jobs)],
        "lint": ["lint", str(mixed), str(tf)],
        "terraform": ["terraform", str(ROOT / "fixtures" / "terraform" / "plan-v5.json")],
    }


@pytest.mark.parametrize("case", ["check one", "check many", "check --file", "check live",
                                  "check live clients", "check live fault", "job", "lint",
                                  "terraform"])
def test_every_json_output_validates(validator, tmp_path, hec_server, case):
    args = _outputs(tmp_path, hec_server)[case]
    result = invoke(args[0], "--format", "json", *args[1:])
    assert result.exit_code in (0, 1), (case, result.stderr)
    document = json.loads(result.stdout)
    validator.validate(document)
    assert document["schema"] == "hec-doctor.batch/1" and document["reports"]


def test_json_report_validates_and_is_the_batchs_one_report(validator):
    one = json.loads(invoke("check", "--offline", "--format", "json-report", BAD).stdout)
    validator.validate(one)
    batch = json.loads(invoke("check", "--offline", "--format", "json", BAD).stdout)

    def timeless(report: dict) -> dict:
        return {**report, "checks": [{**c, "duration_ms": 0} for c in report["checks"]]}

    assert timeless(one) == timeless(batch["reports"][0])


def test_a_report_about_no_splunk_destination_says_not_read(validator, tmp_path):
    listing = tmp_path / "list.txt"
    listing.write_text("not a destination at all\n")
    document = json.loads(invoke("lint", "--format", "json", str(listing)).stdout)
    validator.validate(document)
    target = document["reports"][0]["target"]
    assert target["form"] == "not_read" and target["port"] is None


@pytest.mark.parametrize("breakage", [
    lambda d: d.pop("job"),                                   # absent, not null
    lambda d: d["target"].update(form="other"),               # an undocumented form
    lambda d: d["checks"][0].update(status="passed"),         # a status that does not exist
    lambda d: d["checks"][0].pop("error_reason"),
    lambda d: d["logpush"].update(would_deliver="yes"),
])
def test_the_schema_refuses_what_it_should(validator, breakage):
    document = json.loads(invoke("check", "--offline", "--format", "json-report", BAD).stdout)
    validator.validate(document)
    breakage(document)
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(document)
