"""One registry for every check id (issue #28): pinned here, the schema and README made from it,
and every command's reports hold only its ids."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

from click.testing import CliRunner

from hec_doctor.checks import CHECKS
from hec_doctor.cli import cli
from hec_doctor.cloudflare.job_checks import JOB_CHECKS, judge_job
from hec_doctor.models import CHECK_IDS, check_id
from tests.helpers import good_conf

ROOT = Path(__file__).resolve().parent.parent

# The public ids, in report order. Changing this list changes pipelines' inputs: add, never rename.
PINNED = [
    "dest.parse", "dest.scheme", "dest.port", "dest.path", "dest.host", "dest.query",
    "dest.channel", "dest.sourcetype", "dest.insecure_skip_verify", "dest.token",
    "net.dns", "net.tcp", "tls.handshake", "tls.validity", "tls.hostname", "tls.chain",
    "tls.strength", "tls.verify", "hec.health", "hec.token", "hec.ack", "hec.event",
    "hec.addresses", "hec.body_limit", "logpush.push",
    "job.enabled", "job.version", "job.dataset", "job.kind", "job.options", "job.upload",
    "job.output", "job.health", "job.error_message", "job.destination",
    "tf.resource", "cloudflare.validate", "lint.destination", "run",
]


def test_the_registry_is_the_pinned_list():
    assert [entry.id for entry in CHECK_IDS] == PINNED
    assert len({entry.title for entry in CHECK_IDS}) == len(CHECK_IDS)


def test_the_check_and_job_registries_take_ids_and_titles_from_it():
    assert [(s.id, s.title) for s in CHECKS] == [
        (e.id, e.title) for e in CHECK_IDS if e.made_by == "check"]
    assert list(JOB_CHECKS) == [(e.id, e.title) for e in CHECK_IDS if e.made_by == "job"]
    # the job checks are paired with their ids by name, not by position
    judged = judge_job({"dataset": "http_requests", "enabled": True,
                        "destination_conf": good_conf()}, None, None)
    assert list(judged) == [check for check, _ in JOB_CHECKS]


def test_an_id_outside_the_registry_is_refused():
    try:
        check_id("dest.typo")
    except KeyError:
        pass
    else:
        raise AssertionError("an unknown id was accepted")


def test_the_schema_allows_exactly_the_registrys_ids():
    schema = json.loads(resources.files("hec_doctor").joinpath("report.schema.json").read_text())
    assert schema["$defs"]["check"]["properties"]["id"]["enum"] == PINNED


def test_readmes_table_is_the_registry():
    from hec_doctor.commands.readme_tables import check_ids

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- check-ids:start -->\n(.*?)<!-- check-ids:end -->", text, re.S)
    assert block and block.group(1) == check_ids(), (
        "README's check ids differ: paste python -m hec_doctor.commands.readme_tables")
    # the hand-written tables that describe the checks describe exactly the registered ones
    # (the generated tables left out: the message families' ids are message classes)
    checks_text = re.sub(r"<!-- (message-families|check-ids):start -->.*?<!-- \1:end -->", "",
                         text, flags=re.S)
    described = set(re.findall(r"^\| `((?:dest|net|tls|hec|logpush|job)\.[a-z_]+)` \|",
                               checks_text, re.M))
    assert described == {e.id for e in CHECK_IDS if e.made_by in ("check", "job")}


def test_every_commands_reports_hold_only_registered_ids(tmp_path):
    jobs = tmp_path / "jobs.json"
    jobs.write_text(json.dumps([{"id": 1, "dataset": "http_requests", "enabled": True,
                                 "destination_conf": good_conf()}]))
    listing = tmp_path / "list.txt"
    listing.write_text(good_conf() + "\nnot a destination\n")
    seen: set[str] = set()
    for args in (["check", "--offline", good_conf()], ["job", str(jobs)],
                 ["lint", str(listing)],
                 ["terraform", str(ROOT / "fixtures" / "terraform" / "plan-v5.json")]):
        result = CliRunner().invoke(cli, [args[0], "--format", "json", *args[1:]])
        assert result.exit_code in (0, 1), (args, result.output)
        for report in json.loads(result.stdout)["reports"]:
            seen |= {check["id"] for check in report["checks"]}
    assert seen <= set(PINNED)
    assert {"dest.parse", "job.enabled", "lint.destination", "tf.resource"} <= seen
