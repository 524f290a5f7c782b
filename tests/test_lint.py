"""``hec-doctor lint`` and the pre-commit hook: destination_conf literals in Terraform files and
destination lists, offline; interpolated values named, never guessed."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from hec_doctor.cloudflare.hcl import destinations, json_destinations
from hec_doctor.errors import InputError
from tests.helpers import good_conf, invoke

ROOT = Path(__file__).parent.parent
TOKEN = "f6a1c5e2-7d3b-4e8a-9c1f-2b3d4e5f6a7b"
GOOD = good_conf()
BAD_PORT = GOOD.replace(":8088", ":8089")


def _resource(name: str, body: str) -> str:
    return f'resource "cloudflare_logpush_job" "{name}" {{\n{body}\n}}\n'


# --- the HCL reader (pure, table-driven) --------------------------------------------------------

@pytest.mark.parametrize(("body", "value", "outline"), [
    (f'  destination_conf = "{GOOD}"', GOOD, ""),
    (f'  destination_conf = "{GOOD}" # prod', GOOD, ""),
    (f'  destination_conf = "{GOOD}" // prod', GOOD, ""),
    ('  destination_conf = "a\\"b\\\\c\\u00e9\\n"', 'a"b\\cé\n', ""),
    ('  destination_conf = "literal $${not} %%{a}"', "literal ${not} %{a}", ""),
    ('  destination_conf = "splunk://${var.host}:8088/x"', None,
     "a string built from var.host"),
    ('  destination_conf = "x${format("%s", var.t)}y${local.a.b}"', None,
     "a string built from var.t, local.a.b"),
    ("  destination_conf = local.conf", None, "an expression built from local.conf"),
    ('  destination_conf = format("splunk://%s", var.host)', None,
     "an expression built from var.host"),
    # A heredoc is a literal (with its last line break, as Terraform gives it: hclsyntax
    # spec.md); with <<- the least indentation goes; with ${...} it is interpolated.
    ("  destination_conf = <<EOT\nsplunk://h:8088/x\nEOT", "splunk://h:8088/x\n", ""),
    ("  destination_conf = <<-EOT\n    splunk://h:8088/x\n      y\n\n  EOT", "splunk://h:8088/x\n  y\n\n",
     ""),
    ("  destination_conf = <<EOT\nsplunk://${var.h}:8088/x\nEOT", None, "a heredoc built from var.h"),
    ("  destination_conf = <<EOT\nliteral $${x} \\n\nEOT", "literal ${x} \\n\n", ""),
    ('  destination_conf = "a" == "b" ? "c" : "d"', None, "an expression"),
    ('  destination_conf = each.value.conf', None, "an expression built from each.value.conf"),
    ("  dataset = \"http_requests\"", None, "(no destination_conf)"),
])
def test_destination_conf_literal_or_what_it_is_built_from(body, value, outline):
    [found] = destinations(_resource("j", body))
    assert (found.value, found.expression) == (value, outline)
    assert found.address == "cloudflare_logpush_job.j"


# HCL's one-line block (hclsyntax spec.md, "Structural Elements": OneLineBlock = Identifier
# (StringLit|Identifier)* "{" (Identifier "=" Expression)? "}" Newline), which terraform fmt
# leaves as it is.
@pytest.mark.parametrize(("text", "value", "outline"), [
    (f'resource "cloudflare_logpush_job" "j" {{ destination_conf = "{GOOD}" }}\n', GOOD, ""),
    (f'resource "cloudflare_logpush_job" "j" {{destination_conf="{GOOD}"}}\n', GOOD, ""),
    ('resource "cloudflare_logpush_job" "j" { destination_conf = var.conf }\n', None,
     "an expression built from var.conf"),
    ('resource "cloudflare_logpush_job" "j" { dataset = "http_requests" }\n', None,
     "(no destination_conf)"),
    # Not the block's own attribute: a nested block's, on its own line.
    ('resource "cloudflare_logpush_job" "j" {\n  x { destination_conf = "n" }\n}\n', None,
     "(no destination_conf)"),
])
def test_a_one_line_block_is_read(text, value, outline):
    [found] = destinations(text)
    assert (found.value, found.expression, found.line) == (value, outline, 1)


@pytest.mark.parametrize(("body", "words"), [
    ('  destination_conf = "splunk://h:8088/x', "the quoted string is never closed on its line "
     "(Terraform: Unterminated template string)"),
    ("  destination_conf = <<EOT\nsplunk://h:8088/x\n", "the heredoc <<EOT is never closed"),
])
def test_an_unclosed_value_is_an_error_with_its_line(body, words):
    with pytest.raises(InputError, match=re.escape(f"line 2: {words}")):
        destinations(_resource("j", body))


def test_a_heredoc_line_break_is_a_finding_not_stripped(tmp_path):
    tf = tmp_path / "main.tf"
    tf.write_text(_resource("j", f"  destination_conf = <<-EOT\n    {GOOD}\n  EOT"))
    result = invoke("lint", "--format", "json", str(tf))
    [report] = json.loads(result.stdout)["reports"]
    parse = next(c for c in report["checks"] if c["id"] == "dest.parse")
    assert parse["status"] == "fail" and "'\\n' around it" in parse["summary"]
    assert "chomp()" in parse["remediation"]
    assert result.exit_code == 1


def test_only_the_resource_level_attribute_in_code_counts():
    text = (
        "# resource \"cloudflare_logpush_job\" \"commented\" {\n"
        "/* resource \"cloudflare_logpush_job\" \"blocked\" { destination_conf = \"x\" } */\n"
        'resource "cloudflare_record" "r" {\n  destination_conf = "not a job"\n}\n'
        + _resource("real", '  # destination_conf = "commented"\n'
                            '  output_options {\n    destination_conf = "nested"\n  }\n'
                            '  filter = "{\\"where\\":{}}"\n'
                            f'  destination_conf = "{GOOD}"')
        + 'locals {\n  s = <<EOT\nresource "cloudflare_logpush_job" "in_heredoc" {\nEOT\n}\n')
    found = destinations(text)
    assert [(d.address, d.value, d.line) for d in found] == [
        ("cloudflare_logpush_job.real", GOOD, 12)]


def test_a_literal_token_never_appears_in_an_outline():
    [found] = destinations(_resource(
        "t", f'  destination_conf = "splunk://${{var.host}}:8088/x?header_Authorization='
             f'Splunk%20{TOKEN}"'))
    assert found.value is None and TOKEN not in found.expression


# --- the command --------------------------------------------------------------------------------

def _tf(tmp_path: Path) -> Path:
    path = tmp_path / "logpush.tf"
    path.write_text(_resource("prod", f'  destination_conf = "{GOOD}"')
                    + _resource("staging", f'  destination_conf = "{BAD_PORT}"')
                    + _resource("templated", '  destination_conf = "splunk://${var.h}:8088/x"')
                    + _resource("s3", '  destination_conf = "s3://bucket/logs?region=eu-west-1"'))
    return path


def test_lint_a_terraform_file(tmp_path):
    result = invoke("lint", str(_tf(tmp_path)), "--format", "json")
    assert result.exit_code == 1, result.stderr
    reports = json.loads(result.stdout)["reports"]
    assert [(r["label"].split(" ", 1)[1], r["verdict"]) for r in reports] == [
        ("cloudflare_logpush_job.prod", "pass"), ("cloudflare_logpush_job.staging", "fail"),
        ("cloudflare_logpush_job.templated", "pass"), ("cloudflare_logpush_job.s3", "pass")]
    templated = reports[2]["checks"][0]
    assert templated["status"] == "skip" and "interpolated" in templated["summary"]
    assert reports[1]["label"] == f"{tmp_path / 'logpush.tf'}:5 cloudflare_logpush_job.staging"
    assert all(c["id"] != "net.tcp" or c["status"] == "skip" for r in reports
               for c in r["checks"])  # offline


def test_lint_a_destination_list_and_files_without_destinations(tmp_path):
    listing = tmp_path / "hec-destinations.txt"
    listing.write_text(f"# ours\n{GOOD}\n")
    other = tmp_path / "network.tf"
    other.write_text('resource "cloudflare_record" "r" {\n  name = "x"\n}\n')
    result = invoke("lint", str(listing), str(other), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert [r["label"].split(" ")[0] for r in json.loads(result.stdout)["reports"]] == [
        f"{listing}:2"]
    empty = invoke("lint", str(other))
    assert empty.exit_code == 0 and "no destination found" in empty.stderr


def test_lint_never_prints_the_token(tmp_path):
    for fmt in ("text", "json", "github"):
        result = invoke("lint", str(_tf(tmp_path)), "--format", fmt)
        assert "e6d94e8c-5792-4ad1-be3c-29bcaee0197d" not in result.stdout + result.stderr
        assert good_conf().split("Splunk%20")[1][:36] not in result.stdout


def test_unreadable_file_is_exit_2(tmp_path):
    result = invoke("lint", str(tmp_path / "missing.tf"))
    assert result.exit_code == 2 and "cannot read" in result.stderr


# --- pre-commit ----------------------------------------------------------------------------------

def test_hook_definition_is_valid():
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "hec-doctor-lint" and hook["entry"] == "hec-doctor lint"
    assert hook["language"] == "python"  # pre-commit installs this repository for the hook
    import re

    pattern = re.compile(hook["files"])
    assert pattern.search("infra/logpush.tf") and pattern.search("hec-destinations.txt")
    assert pattern.search("ops/hec-destinations-prod.txt") and pattern.search("cdk.tf.json")
    assert not pattern.search("README.md") and not pattern.search("main.tf.bak")
    assert not pattern.search("plan.json") and not pattern.search("main.tf.json.bak")


def test_pre_commit_runs_the_hook_on_a_sample_repository(tmp_path):
    # The hook as .pre-commit-hooks.yaml defines it, run by pre-commit itself. Only the
    # language differs: "system" runs the hec-doctor installed here, where "python" would
    # build a virtualenv from PyPI (this suite needs no network).
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump({"repos": [{
        "repo": "local", "hooks": [{**hook, "language": "system"}]}]}))
    (repo / "logpush.tf").write_text(_resource("prod", f'  destination_conf = "{BAD_PORT}"'))
    (repo / "README.md").write_text("not linted\n")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(args, cwd=repo, env=env, capture_output=True, text=True,
                              timeout=120)

    run("git", "init", "-q")
    run("git", "add", ".")
    failing = run(sys.executable, "-m", "pre_commit", "run", "--all-files")
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "port 8089 is Splunk's management (REST) port" in failing.stdout
    assert "cloudflare_logpush_job.prod" in failing.stdout
    (repo / "logpush.tf").write_text(_resource("prod", f'  destination_conf = "{GOOD}"'))
    run("git", "add", ".")
    passing = run(sys.executable, "-m", "pre_commit", "run", "--all-files")
    assert passing.returncode == 0, passing.stdout + passing.stderr


# Terraform's JSON syntax (hashicorp/hcl json/spec.md): a body, and each level of labels, is
# an object or an array of objects; "//" in a body is a comment; an argument's string is a
# native template.
def _json_job(body: object, name: str = "j") -> str:
    return json.dumps({"//": "generated", "resource": {"cloudflare_logpush_job": {name: body}}},
                      indent=2)


@pytest.mark.parametrize(("text", "found"), [
    (_json_job({"destination_conf": GOOD}), [(GOOD, "")]),
    (_json_job({"//": "a comment", "destination_conf": "literal $${not} %%{a}"}),
     [("literal ${not} %{a}", "")]),
    (_json_job({"destination_conf": "splunk://${var.host}:8088/x"}),
     [(None, "a string built from var.host")]),
    (_json_job({"destination_conf": "${local.conf}"}), [(None, "a string built from local.conf")]),
    (_json_job({"destination_conf": 5}), [(None, "an expression")]),
    (_json_job({"dataset": "http_requests"}), [(None, "(no destination_conf)")]),
    # Two blocks with the same labels, as an array of bodies; labels as an array of objects.
    (_json_job([{"destination_conf": GOOD}, {"destination_conf": BAD_PORT}]),
     [(GOOD, ""), (BAD_PORT, "")]),
    (json.dumps({"resource": [{"cloudflare_logpush_job": [{"a": {"destination_conf": GOOD}},
                                                          {"b": {"destination_conf": BAD_PORT}}]}],
                 "variable": {"destination_conf": {"default": "not a job"}}}),
     [(GOOD, ""), (BAD_PORT, "")]),
    (json.dumps({"resource": {"cloudflare_record": {"r": {"destination_conf": "x"}}}}), []),
])
def test_terraform_json_syntax_is_read(text, found):
    assert [(d.value, d.expression) for d in json_destinations(text)] == found


def test_terraform_json_points_at_the_line_of_each_destination(tmp_path):
    text = json.dumps({"resource": {"cloudflare_logpush_job": {
        "a": {"dataset": "http_requests", "destination_conf": GOOD},
        "none": {"dataset": "http_requests"},
        "b": {"destination_conf": BAD_PORT}}}}, indent=2)
    lines = text.splitlines()
    assert [d.line for d in json_destinations(text)] == [
        next(n for n, line in enumerate(lines, 1) if GOOD.split("?")[0] in line),
        next(n for n, line in enumerate(lines, 1) if '"none"' in line),
        next(n for n, line in enumerate(lines, 1) if BAD_PORT.split("?")[0] in line)]
    tf = tmp_path / "cdk.tf.json"
    tf.write_text(text)
    result = invoke("lint", str(tf), "--format", "concise")
    assert result.exit_code == 1
    assert f"cdk.tf.json:{json_destinations(text)[2].line}:1: dest.port [fail]" in result.stdout
    assert GOOD.split("Splunk%20")[1][:12] not in result.output


@pytest.mark.parametrize(("text", "words"), [
    ("{", "not valid JSON"), ("[]", "must be an object")])
def test_terraform_json_that_is_not_is_exit_2(tmp_path, text, words):
    tf = tmp_path / "main.tf.json"
    tf.write_text(text)
    result = invoke("lint", str(tf))
    assert result.exit_code == 2 and words in result.stderr


def test_a_resource_without_destination_conf_says_so(tmp_path):
    tf = tmp_path / "main.tf"
    tf.write_text(_resource("j", '  dataset = "http_requests"'))
    result = invoke("lint", str(tf), "--color", "never")
    assert "no destination_conf in this resource" in result.stdout
    assert "interpolated" not in result.stdout


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "concise"])
def test_a_credential_shaped_resource_name_is_hidden(tmp_path, fmt):
    tf = tmp_path / "main.tf"
    tf.write_text(_resource(f"n{TOKEN}", f'  destination_conf = "{BAD_PORT}"'))
    result = invoke("lint", str(tf), "--format", fmt)
    assert result.exit_code == 1
    assert TOKEN not in result.output and TOKEN[:12] not in result.output
    # The location stays whole: editors and code scanning find the finding by it.
    assert ('"startLine": 2' if fmt == "sarif" else "main.tf:2") in result.output
