"""The runner with fake checks: order, gating into skips, exceptions into errors, exit codes."""

from __future__ import annotations

import pytest

from hec_doctor.checks import CHECKS, CheckSpec
from hec_doctor.engine.run import run, summarise
from hec_doctor.models import CheckResult, ExitCode, Options, Outcome, Report, Status, exit_code_for
from hec_doctor.target import build_target
from tests.helpers import TOKEN, good_conf


def fixed(status: Status):
    return lambda ctx: Outcome(status, f"said {status.value}")


def test_run_keeps_registry_order_and_skips_dependents_with_reason():
    checks = (
        CheckSpec("a.one", "One", fixed(Status.PASS)),
        CheckSpec("a.two", "Two", fixed(Status.FAIL), requires=("a.one",)),
        CheckSpec("a.three", "Three", fixed(Status.PASS), requires=("a.two",)),
        CheckSpec("a.four", "Four", fixed(Status.WARN), requires=("a.one",)),
        CheckSpec("a.five", "Five", fixed(Status.PASS), requires=("a.four",)),
    )
    report = run(build_target(good_conf()), Options(), checks)
    assert [c.id for c in report.checks] == ["a.one", "a.two", "a.three", "a.four", "a.five"]
    assert [c.status for c in report.checks] == [
        Status.PASS, Status.FAIL, Status.SKIP, Status.WARN, Status.PASS]
    assert report.checks[2].summary == "requires a.two (fail)"


def test_run_turns_an_exception_into_an_error_result_and_goes_on():
    def boom(ctx):
        raise RuntimeError(f"kaboom with {TOKEN}\nsecond line")

    checks = (
        CheckSpec("a.boom", "Boom", boom),
        CheckSpec("a.after", "After", fixed(Status.PASS)),
        CheckSpec("a.needs", "Needs", fixed(Status.PASS), requires=("a.boom",)),
    )
    report = run(build_target(good_conf()), Options(), checks)
    boom_result = report.checks[0]
    assert boom_result.status is Status.ERROR
    assert boom_result.summary.startswith("internal error: RuntimeError: kaboom with <token")
    assert TOKEN not in boom_result.summary and "second line" not in boom_result.summary
    assert report.checks[1].status is Status.PASS
    assert report.checks[2].summary == "requires a.boom (error)"


def test_run_offline_skips_live_checks():
    checks = (CheckSpec("net.x", "X", fixed(Status.PASS), live=True),)
    report = run(build_target(good_conf()), Options(offline=True), checks)
    assert report.checks[0].status is Status.SKIP
    assert report.checks[0].summary == "not run: --offline"


def test_registry_ids_are_unique_dotted_and_prerequisites_come_first():
    seen: set[str] = set()
    for spec in CHECKS:
        assert "." in spec.id and spec.id not in seen
        assert all(req in seen for req in spec.requires), spec.id
        seen.add(spec.id)


def _report(*statuses: Status) -> Report:
    checks = tuple(CheckResult(f"x.{i}", "X", s, "") for i, s in enumerate(statuses))
    return Report(summarise(build_target(good_conf())), checks)


@pytest.mark.parametrize(
    ("statuses", "verdict", "code", "strict_code"),
    [
        ((Status.PASS, Status.SKIP), Status.PASS, ExitCode.OK, ExitCode.OK),
        ((Status.PASS, Status.WARN), Status.WARN, ExitCode.OK, ExitCode.CHECKS_FAILED),
        ((Status.WARN, Status.FAIL), Status.FAIL, ExitCode.CHECKS_FAILED, ExitCode.CHECKS_FAILED),
        ((Status.ERROR, Status.WARN), Status.ERROR, ExitCode.INCOMPLETE, ExitCode.CHECKS_FAILED),
        ((Status.ERROR, Status.FAIL), Status.FAIL, ExitCode.CHECKS_FAILED,
         ExitCode.CHECKS_FAILED),
        ((Status.ERROR,), Status.ERROR, ExitCode.INCOMPLETE, ExitCode.INCOMPLETE),
        ((), Status.PASS, ExitCode.OK, ExitCode.OK),
    ],
)
def test_verdict_and_exit_code(statuses, verdict, code, strict_code):
    report = _report(*statuses)
    assert report.verdict is verdict
    assert exit_code_for(report) is code
    assert exit_code_for(report, strict=True) is strict_code


def test_offline_failure_predicts_no_delivery_and_suggests_a_conf():
    report = run(build_target(good_conf(sourcetype=None)), Options(offline=True))
    assert report.logpush.would_deliver is None
    assert report.suggested_destination_conf is not None
    report = run(build_target(good_conf().replace(":8088", ":8089")), Options(offline=True))
    assert report.logpush.would_deliver is False and "dest.port" in report.logpush.basis


def test_clean_destination_has_no_suggestion():
    report = run(build_target(good_conf()), Options(offline=True))
    assert report.suggested_destination_conf is None
    assert {c.status for c in report.checks if c.id.startswith("dest.")} == {Status.PASS}


def test_every_public_name_resolves():
    import hec_doctor

    for name in hec_doctor.__all__:
        assert getattr(hec_doctor, name) is not None, name
    with pytest.raises(AttributeError):
        hec_doctor.no_such_name  # noqa: B018


def test_a_result_crosses_processes_whole_and_read_only():
    # Fleets send reports back from worker processes pickled; the last scrub pickles them too.
    import pickle
    from types import MappingProxyType

    from hec_doctor.models import ConnectFacts

    result = CheckResult("net.tcp", "TCP", Status.PASS, "ok", data={"attempts": [{"a": 1}]},
                         facts=ConnectFacts(connected="192.0.2.1"))
    back = pickle.loads(pickle.dumps(result))
    assert back == result and back.facts == result.facts
    assert isinstance(back.data, MappingProxyType)
    with pytest.raises(TypeError):
        back.data["attempts"] = []  # type: ignore[index]


def test_the_last_scrub_still_sees_a_secret_inside_data():
    # _may_hold decides from the pickle: a secret in a result's data must be in it.
    from hec_doctor.redact import scrub_value

    secret = "5f1c2a9e-0b7d-4c33-9e61-d2a8b4c7e910"
    result = CheckResult("x.y", "X", Status.PASS, "ok", data={"echo": f"got {secret}"})
    clean = scrub_value(result, (secret,))
    assert secret not in clean.data["echo"] and "…e910" in clean.data["echo"]
    untouched = CheckResult("x.y", "X", Status.PASS, "ok", data={"echo": "nothing here"})
    assert scrub_value(untouched, (secret,)) is untouched
