"""Findings where reviewers look (issue #27): SARIF validated against the published 2.1.0
schema, JUnit against Jenkins' junit-10.xsd, GitHub annotations parsed as the runner parses
them (a .tf finding lands on its line), the concise one-line format the pre-commit hook prints,
and the Action's outputs."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from tests.helpers import good_conf, invoke
from tests.test_action import run_action

ROOT = Path(__file__).resolve().parent.parent
SARIF_SCHEMA = ROOT / ".test-tools" / "sarif-2.1.0-rtm.5.json"
BAD = good_conf().replace(":8088", ":8089")
TF = ('resource "cloudflare_logpush_job" "splunk" {\n'
      '  dataset          = "http_requests"\n'
      f'  destination_conf = "{BAD}"\n}}\n')


@pytest.fixture(scope="module")
def sarif_schema():
    assert SARIF_SCHEMA.is_file(), (f"{SARIF_SCHEMA} is missing: scripts/install-test-tools "
                                    "fetches it (npm)")
    return json.loads(SARIF_SCHEMA.read_text())


def _inputs(tmp_path: Path) -> dict[str, list[str]]:
    listing = tmp_path / "hec-destinations.txt"
    listing.write_text("# prod\n" + good_conf() + "\n" + BAD + "\n")
    tf = tmp_path / "main.tf"
    tf.write_text(TF)
    plan = ROOT / "fixtures" / "terraform" / "plan-v5.json"
    return {"check --file": ["check", "--offline", "--file", str(listing)],
            "lint .tf": ["lint", str(tf)], "lint list": ["lint", str(listing)],
            "terraform": ["terraform", str(plan)], "one target": ["check", "--offline", BAD]}


# --- SARIF ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", ["check --file", "lint .tf", "lint list", "terraform",
                                  "one target"])
def test_sarif_validates_against_the_published_schema(sarif_schema, tmp_path, case):
    import jsonschema

    args = _inputs(tmp_path)[case]
    result = invoke(args[0], "--format", "sarif", *args[1:])
    document = json.loads(result.stdout)
    jsonschema.Draft4Validator(sarif_schema).validate(document)
    [run] = document["runs"]
    rules = {rule["id"]: index for index, rule in enumerate(run["tool"]["driver"]["rules"])}
    assert run["results"] and all(r["ruleId"] in rules for r in run["results"])
    for result in run["results"]:
        assert rules[result["ruleId"]] == result["ruleIndex"]
        assert result["level"] in ("error", "warning")
        assert result["partialFingerprints"]["hecDoctorFinding/v1"]
    rule = run["tool"]["driver"]["rules"][0]
    assert rule["helpUri"].startswith("https://") and "#" in rule["helpUri"]


def test_sarif_locations_point_at_the_file_and_line(tmp_path):
    inputs = _inputs(tmp_path)
    tf = json.loads(invoke("lint", "--format", "sarif", inputs["lint .tf"][1]).stdout)
    physical = tf["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"].endswith("main.tf")
    assert physical["region"]["startLine"] == 3  # the destination_conf line
    listing = json.loads(invoke(*inputs["check --file"][:1], "--format", "sarif",
                                *inputs["check --file"][1:]).stdout)
    lines = {r["locations"][0]["physicalLocation"]["region"]["startLine"]
             for r in listing["runs"][0]["results"]}
    assert lines == {3}  # the bad destination's line; the good one has no finding
    plan = json.loads(invoke("terraform", "--format", "sarif",
                             inputs["terraform"][1]).stdout)
    logical = plan["runs"][0]["results"][0]["locations"][0]["logicalLocations"][0]
    assert logical["name"].startswith("cloudflare_logpush_job.")


def test_sarif_fingerprints_are_stable_across_runs(tmp_path):
    args = _inputs(tmp_path)["check --file"]
    runs = [json.loads(invoke(args[0], "--format", "sarif", *args[1:]).stdout)
            for _ in range(2)]
    prints = [[r["partialFingerprints"] for r in doc["runs"][0]["results"]] for doc in runs]
    assert prints[0] == prints[1]
    # ... and a fresh GUID in a fix (the channel suggestion) does not enter it.
    assert len({json.dumps(p) for p in prints[0]}) == len(prints[0])


# --- JUnit ---------------------------------------------------------------------------------------
# Jenkins' junit-10.xsd (jenkinsci/xunit-plugin, src/main/resources/org/jenkinsci/plugins/xunit/
# types/model/xsd/junit-10.xsd), as pytest keeps it to validate its own xunit2 output; checked
# by libxml2's xmllint, as kubeconform's acceptance tests check theirs.
JUNIT_XSD = ROOT / ".test-tools" / "junit-10.xsd"


def _xmllint(xsd: Path, document: Path) -> subprocess.CompletedProcess[str]:
    xmllint = shutil.which("xmllint")
    assert xmllint, "xmllint is missing: install Debian's libxml2-utils (scripts/install-test-tools)"
    assert xsd.is_file(), f"{xsd} is missing: scripts/install-test-tools fetches it (pip)"
    return subprocess.run([xmllint, "--noout", "--schema", str(xsd), str(document)],
                          capture_output=True, text=True, timeout=60)


def test_the_xsd_refuses_what_jenkins_refused(tmp_path):
    # The report: skipped= on <testsuites> made Jenkins reject the whole file.
    refused = tmp_path / "refused.xml"
    refused.write_text('<testsuites skipped="1"><testsuite name="a" tests="0" failures="0" '
                       'errors="0"/></testsuites>')
    lint = _xmllint(JUNIT_XSD, refused)
    assert lint.returncode != 0 and "skipped" in lint.stderr, lint.stderr


@pytest.mark.parametrize("case", ["check --file", "lint .tf", "terraform", "one target"])
def test_junit_is_what_jenkins_junit_10_xsd_accepts(tmp_path, case):
    args = _inputs(tmp_path)[case]
    report = tmp_path / "junit.xml"
    report.write_text(invoke(args[0], "--format", "junit", *args[1:]).stdout)
    lint = _xmllint(JUNIT_XSD, report)
    assert lint.returncode == 0, lint.stderr
    root = ET.parse(report).getroot()
    assert root.tag == "testsuites"
    assert "skipped" not in root.attrib  # the attribute Jenkins refused


def test_junit_classnames_do_not_split_host_names_into_packages(tmp_path):
    args = _inputs(tmp_path)["check --file"]
    root = ET.fromstring(invoke(args[0], "--format", "junit", *args[1:]).stdout)
    for case in root.iter("testcase"):
        package, _, cls = case.get("classname").rpartition(".")
        assert package == "hec-doctor" and "hec_example_com" in cls, case.get("classname")


# --- GitHub annotations, parsed as the runner parses them --------------------------------------

def parse_workflow_command(line: str) -> tuple[str, dict[str, str], str] | None:
    """The GitHub runner's parsing of ``::command key=value,...::message``
    (actions/runner, src/Runner.Worker/ActionCommandManager.cs and ActionCommand.TryParseV2):
    properties split at ',' and at each first '=', then unescaped (%25 %0D %0A %3A %2C in
    values; %25 %0D %0A in the message)."""
    if not line.startswith("::"):
        return None
    end = line.find("::", 2)
    if end < 0:
        return None
    head, message = line[2:end], line[end + 2:]
    command, _, props = head.partition(" ")

    def unescape(text: str, property_value: bool) -> str:
        pairs = [("%0D", "\r"), ("%0A", "\n")]
        if property_value:
            pairs += [("%3A", ":"), ("%2C", ",")]
        for code, char in pairs + [("%25", "%")]:
            text = text.replace(code, char)
        return text

    properties = {}
    for pair in props.split(","):
        if "=" in pair:
            key, _, value = pair.partition("=")
            properties[key] = unescape(value, True)
    return command, properties, unescape(message, False)


def test_an_annotation_from_a_tf_finding_lands_on_its_line(tmp_path):
    tf = _inputs(tmp_path)["lint .tf"][1]
    result = invoke("lint", "--format", "github", tf)
    commands = [parse_workflow_command(line) for line in result.stdout.splitlines()]
    errors = [c for c in commands if c and c[0] == "error"]
    assert errors
    for _, properties, _message in errors:
        assert properties["file"] == tf and properties["line"] == "3"
        assert properties["title"].startswith("hec-doctor ")
    assert any("port 8089" in message for _, _, message in errors)


def test_annotations_of_a_target_list_name_its_file_and_line(tmp_path):
    args = _inputs(tmp_path)["check --file"]
    result = invoke(args[0], "--format", "github", *args[1:])
    placed = {(p["file"], p["line"]) for c, p, _ in filter(None, map(
        parse_workflow_command, result.stdout.splitlines())) if c in ("error", "warning")}
    assert placed == {(args[-1], "3")}


# --- concise, and the pre-commit hook ---------------------------------------------------------

def test_concise_is_one_line_per_finding(tmp_path):
    tf = _inputs(tmp_path)["lint .tf"][1]
    lines = invoke("lint", "--format", "concise", tf).stdout.splitlines()
    assert lines
    for line in lines:
        assert re.fullmatch(rf"{re.escape(tf)}:3:1: [a-z]+\.[a-z_]+ \[(fail|warn|error)\] .+",
                            line), line


def test_the_pre_commit_hook_prints_concise_lines():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hooks[0]["args"] == ["--format", "concise"]


# --- the Action's outputs ----------------------------------------------------------------------

def test_the_action_declares_and_sets_its_outputs(tmp_path):
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert {"verdict", "counts", "would-deliver", "report", "sarif"} <= set(action["outputs"])
    upload = next(s for s in action["runs"]["steps"] if "upload-sarif" in s.get("uses", ""))
    assert "inputs.sarif == 'true'" in upload["if"] and "always()" in upload["if"]
    output = tmp_path / "github-output"
    listing = tmp_path / "dests.txt"
    listing.write_text(BAD + "\n")
    import os

    os.environ["GITHUB_OUTPUT"] = str(output)
    try:
        result, _ = run_action(tmp_path, {"file": str(listing), "offline": "true",
                                          "sarif": "true"})
    finally:
        del os.environ["GITHUB_OUTPUT"]
    assert result.returncode == 1, result.stderr
    said = dict(line.split("=", 1) for line in output.read_text().splitlines())
    assert said["verdict"] == "fail"
    assert json.loads(said["counts"]) == {"pass": 0, "warn": 0, "fail": 1, "error": 0}
    assert said["would-deliver"] == "false"
    merged = json.loads(Path(said["report"]).read_text())
    assert merged["verdict"] == "fail"
    from importlib import resources

    import jsonschema

    schema = json.loads(resources.files("hec_doctor").joinpath("report.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(merged)
    assert json.loads(Path(said["sarif"]).read_text())["version"] == "2.1.0"
