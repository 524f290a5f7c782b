"""The GitHub Action (action.yml): its run step executed as a runner executes a composite step
(bash -eo pipefail, inputs through the step's env, GITHUB_ACTION_PATH and GITHUB_STEP_SUMMARY
set), against HEC look-alikes and a Terraform plan, without GitHub."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.helpers import good_conf

ROOT = Path(__file__).parent.parent
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
PLAN_V4 = ROOT / "fixtures" / "terraform" / "plan-v4.json"


def _step(name: str) -> dict:
    return next(s for s in ACTION["runs"]["steps"] if s["name"] == name)


def _expand(value: str, inputs: dict[str, str]) -> str:
    """GitHub's ${{ inputs.NAME }} substitution, defaults included."""
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        return inputs.get(name, ACTION["inputs"][name].get("default", ""))
    return re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", one, value)


def run_action(tmp_path: Path, inputs: dict[str, str]) -> tuple[subprocess.CompletedProcess, str]:
    step = _step("Run hec-doctor")
    summary = tmp_path / "step-summary.md"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("INPUT_", "GITHUB_")) or k == "GITHUB_OUTPUT"}
    env.pop("HEC_TOKEN", None)
    env.update({name: _expand(str(value), inputs) for name, value in step["env"].items()})
    env.update({"GITHUB_ACTIONS": "true", "GITHUB_ACTION_PATH": str(ROOT),
                "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_WORKSPACE": str(tmp_path),
                "RUNNER_TEMP": str(tmp_path),
                # What the install step leaves in GITHUB_ENV: the installed command.
                "HEC_DOCTOR": str(Path(sys.executable).parent / "hec-doctor")})
    result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c",
                             step["run"]], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=120)
    return result, summary.read_text() if summary.exists() else ""


def test_inputs_the_issue_names_exist_with_their_defaults():
    inputs = ACTION["inputs"]
    assert {"destinations", "file", "terraform-plan", "format", "strict"} <= set(inputs)
    assert inputs["format"]["default"] == "github" and inputs["strict"]["default"] == "false"
    assert ACTION["runs"]["using"] == "composite"
    install = _step("Install hec-doctor")["run"]
    assert '"$GITHUB_ACTION_PATH"' in install  # from the action's own checkout
    assert "GITHUB_ENV" in install


def test_a_good_destination_passes_and_writes_the_step_summary(tmp_path):
    result, summary = run_action(tmp_path, {"destinations": good_conf(), "offline": "true"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert summary.startswith("## hec-doctor: ") and "fail" not in summary.splitlines()[0]


def test_failures_become_annotations_and_the_exit_code(tmp_path):
    bad = good_conf().replace(":8088", ":8089")
    result, summary = run_action(tmp_path, {"destinations": f"{good_conf()}\n{bad}",
                                            "offline": "true"})
    assert result.returncode == 1
    assert re.search(r"^::error .*8089", result.stdout, re.M), result.stdout
    assert "8089" in summary
    assert good_conf().split("Splunk%20")[1] not in result.stdout + result.stderr + summary


def test_strict_turns_warnings_into_failure(tmp_path):
    plan = {"terraform-plan": str(PLAN_V4), "offline": "true"}
    relaxed, _ = run_action(tmp_path, plan)
    strict, _ = run_action(tmp_path, {**plan, "strict": "true"})
    assert (relaxed.returncode, strict.returncode) == (0, 1), relaxed.stdout
    assert "::warning" in relaxed.stdout


def test_destinations_file_and_plan_together_give_the_worst_code(tmp_path):
    listing = tmp_path / "hec-destinations.txt"
    listing.write_text(good_conf().replace(":8088", ":8089") + "\n")
    result, summary = run_action(tmp_path, {"file": str(listing),
                                            "terraform-plan": str(PLAN_V4), "offline": "true"})
    assert result.returncode == 1
    assert r"cloudflare\_logpush\_job.http\_requests" in summary  # Markdown-escaped


@pytest.mark.parametrize(("inputs", "words"), [
    ({}, "give at least one of the inputs"),
    ({"destinations": good_conf(), "strict": "yes"}, "strict must be true or false"),
])
def test_bad_inputs_exit_2_with_an_error_annotation(tmp_path, inputs, words):
    result, _ = run_action(tmp_path, inputs)
    assert result.returncode == 2 and words in result.stdout


def test_live_destination_in_the_action(hec_server_factory, tmp_path):
    # Live by default: the look-alike's CA is trusted through --ca-file, which the Action does
    # not pass, so the check must fail on trust, as it would for a private CA on GitHub.
    server = hec_server_factory()
    result, summary = run_action(tmp_path, {"destinations": server.destination_conf})
    assert result.returncode == 1
    assert "tls.verify" in result.stdout and "unknown authority" in result.stdout
    assert server.token not in result.stdout + summary
