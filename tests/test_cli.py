"""The command line: exit codes, stdout versus stderr, colour, --output, and no token anywhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from hec_doctor.cli import cli
from tests.helpers import TOKEN, good_conf, invoke


def test_check_offline_clean_destination_exits_0():
    result = invoke("check", good_conf(), "--offline")
    assert result.exit_code == 0, result.output
    assert "Verdict: PASS" in result.stdout
    assert result.stderr == ""


def test_check_offline_failure_exits_1():
    result = invoke("check", good_conf().replace(":8088", ":8089"), "--offline")
    assert result.exit_code == 1
    assert "FAIL  dest.port" in result.stdout


def test_check_strict_makes_warnings_fail():
    target = good_conf(sourcetype=None)
    assert invoke("check", target, "--offline").exit_code == 0
    assert invoke("check", target, "--offline", "--strict").exit_code == 1


@pytest.mark.parametrize(
    "args",
    [
        ["check", "https://[::1"],
        ["check", ""],
        ["check", "https://hec.example.com:70000/"],
        ["check", "x", "--bogus"],
        ["check"],
        ["check", "x", "--format", "yaml"],
        ["nope"],
        # NaN passes every range check click makes (each comparison with it is false).
        ["check", "https://127.0.0.1:1/services/collector/raw", "--timeout", "nan"],
        ["check", "https://127.0.0.1:1/services/collector/raw", "--timeout", "inf"],
        ["watch", "https://127.0.0.1:1/services/collector/raw", "--interval", "nan"],
        ["watch", "https://127.0.0.1:1/services/collector/raw", "--interval", "inf"],
        ["watch", "https://127.0.0.1:1/services/collector/raw", "--interval", "1e300"],
        ["serve", "--slow-seconds", "NaN"],
    ],
)
def test_bad_input_is_one_line_and_exit_2(args):
    result = invoke(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("hec-doctor: error: ")


def test_the_float_flags_take_their_bounds():
    assert invoke("check", good_conf(), "--offline", "--timeout", "300").exit_code == 0
    assert invoke("check", good_conf(), "--offline", "--timeout", "0.1").exit_code == 0
    result = invoke("watch", "https://127.0.0.1:1/services/collector/raw", "--once",
                    "--timeout", "0.5", "--interval", str(7 * 86400))
    # Accepted: one round, whose refused target fails (1), not a usage error (2).
    assert result.exit_code == 1 and 'probe_success{target="127.0.0.1:1"} 0.0' in result.stdout


def test_json_goes_to_stdout_alone_and_summary_to_stderr():
    result = invoke("check", good_conf(), "--offline", "--format", "json-report",
                    "--token", "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee")
    document = json.loads(result.stdout)
    assert document["schema"] == "hec-doctor.report/1"
    assert document["target"]["token"] == {"source": "header_Authorization",
                                           "fingerprint": "…197d"}
    assert "verdict: pass" in result.stderr
    assert "notice: token: header_Authorization in the destination" in result.stderr


def test_output_file_gets_the_report_and_stdout_stays_empty(tmp_path):
    path = tmp_path / "report.json"
    result = invoke("check", good_conf(), "--offline", "--format", "json-report", "--output", str(path))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert json.loads(path.read_text())["verdict"] == "pass"
    assert f"report written to {path}" in result.stderr


def test_output_to_unwritable_path_is_exit_3(tmp_path):
    # A report that cannot be written is an output failure (#23): exit 3, one line.
    result = invoke("check", good_conf(), "--offline", "--output", str(tmp_path / "no" / "x.txt"))
    assert result.exit_code == 3 and "cannot write" in result.stderr


def test_colour_always_honoured_and_never_by_default_off_a_tty():
    bad = good_conf().replace(":8088", ":8089")
    assert "\x1b[" not in invoke("check", bad, "--offline").stdout
    assert "\x1b[31m" in invoke("check", bad, "--offline", "--color", "always").stdout
    assert "\x1b[" not in invoke("check", bad, "--offline", "--color", "never").stdout


def test_no_color_disables_auto_colour(monkeypatch):
    from hec_doctor.commands import common

    monkeypatch.setattr(common.sys.stdout, "isatty", lambda: True, raising=False)
    assert common.want_color("auto") is True
    monkeypatch.setenv("NO_COLOR", "1")
    assert common.want_color("auto") is False
    assert common.want_color("always") is True


@pytest.mark.parametrize("fmt", ["text", "json"])
@pytest.mark.parametrize(
    "target",
    [
        good_conf(),
        good_conf(header_Authorization=f"Splunk {TOKEN}"),
        good_conf(header_Authorization=TOKEN),
        good_conf(header_Authorization=f"Splunk%2520{TOKEN}"),
        f"https://hec.example.com/services/collector/raw?token={TOKEN}",
    ],
)
def test_token_never_printed(fmt, target):
    result = invoke("check", target, "--offline", "--format", fmt, "--token", TOKEN,
                    env={"HEC_TOKEN": TOKEN})
    everything = result.stdout + result.stderr
    assert TOKEN not in everything and TOKEN.upper() not in everything
    assert "…197d" in everything


def test_hec_token_from_environment_is_used():
    result = invoke("check", "https://hec.example.com/services/collector/raw", "--offline",
                    "--format", "json-report", env={"HEC_TOKEN": TOKEN})
    assert json.loads(result.stdout)["target"]["token"]["source"] == "HEC_TOKEN"


def test_version_and_module_entry_point():
    result = subprocess.run([sys.executable, "-m", "hec_doctor", "--version"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0 and "hec-doctor, version" in result.stdout
    result = subprocess.run([sys.executable, "-m", "hec_doctor", "check", "https://[::1"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_every_listed_command_loads_and_help_lists_them_all():
    import click

    from hec_doctor.commands.group import COMMANDS
    from hec_doctor.commands.group import cli as group

    for name in COMMANDS:
        command = group.get_command(click.Context(group), name)
        assert isinstance(command, click.Command) and command.name == name
    listing = invoke("--help").stdout
    assert all(f"  {name} " in listing for name in COMMANDS)


def test_version_answers_without_loading_click():
    code = ("import sys; from hec_doctor.cli import main; main(['--version']); "
            "assert 'click' not in sys.modules, 'click was imported'")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("hec-doctor, version ")


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_fast_top_level_help_is_exactly_clicks(flag, capsys):
    from hec_doctor.cli import main

    assert main([flag]) == 0
    fast = capsys.readouterr().out
    slow = CliRunner().invoke(cli, [flag], prog_name="hec-doctor").stdout
    assert fast == slow


@pytest.mark.parametrize("words", [
    ["insecure-skip-verify"], ["token-encoding"], ["Channel"], [" backfill "],
    ["x509: certificate signed by unknown authority"],
    ["tls:", "failed", "to", "verify", "certificate:", "x509:", "certificate", "is", "valid",
     "for", "SplunkServerDefaultCert,", "not", "hec.example.com"],
    ['{"errors":[{"code":1002,"message":"error validating destination: config string must '
     'match"}]}'],
    ["something nobody has ever printed"],
])
def test_fast_explain_is_exactly_clicks(words, capsys, monkeypatch):
    from hec_doctor import cli as entry

    def no_click(*args: object, **kwargs: object) -> None:
        raise AssertionError("the fast path must not reach click")

    monkeypatch.setattr("hec_doctor.commands.group._OneLineErrors.main", no_click)
    assert entry.main(["explain", *words]) == 0
    fast = capsys.readouterr().out
    monkeypatch.undo()
    slow = CliRunner().invoke(cli, ["explain", *words], prog_name="hec-doctor")
    assert slow.exit_code == 0 and fast == slow.stdout


@pytest.mark.parametrize("args", [["explain", "no-such-topic"], ["explain", "--format", "json",
                                                                  "channel"]])
def test_what_the_fast_path_does_not_answer_goes_to_click(args, capsys):
    from hec_doctor import cli as entry

    code = entry.main(args)
    said = capsys.readouterr()
    if args[1] == "no-such-topic":
        assert code == 2 and "unknown topic" in said.err
    else:
        assert code == 0 and json.loads(said.out)["topic"] == "channel"


BUGGY_RUN = f"""
import sys
from hec_doctor.commands import check

def broken(*args, **kwargs):
    raise RuntimeError("boom {TOKEN}")

check.run_and_write = broken
from hec_doctor.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_bug_is_one_line_without_the_message():
    result = subprocess.run([sys.executable, "-c", BUGGY_RUN, "check", "--offline", "h.example"],
                            capture_output=True, text=True)
    assert result.returncode == 3
    assert result.stderr.startswith("hec-doctor: internal error: RuntimeError at <string>:6 ")
    assert TOKEN not in result.stderr and "Traceback" not in result.stderr
    debug = subprocess.run([sys.executable, "-c", BUGGY_RUN, "check", "--offline", "h.example"],
                           capture_output=True, text=True,
                           env={**os.environ, "HEC_DOCTOR_DEBUG": "1"})
    assert "Traceback" in debug.stderr


def test_a_bug_on_the_fast_path_is_still_one_line(capsys, monkeypatch):
    from hec_doctor import cli as entry

    def broken(text: str) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("hec_doctor.messages.classify.explain_message", broken)
    code = entry.main(["explain", "x509: certificate signed by unknown authority"])
    said = capsys.readouterr()
    assert code == 3 and "internal error: RuntimeError" in said.err
    assert "Traceback" not in said.err and len(said.err.strip().splitlines()) == 1
