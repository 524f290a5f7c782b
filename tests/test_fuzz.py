"""Property-based tests over every parser: a report or a one-line error, never a traceback.

Thousands of generated inputs per run: free text, and text shaped like what users paste
(schemes, IDN and IPv6 hosts, ports, percent-encodings, repeated parameters, controls).
"""

from __future__ import annotations

import json
import string
import xml.etree.ElementTree as ET
from urllib.parse import quote

import click
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hec_doctor.checks import CHECKS
from hec_doctor.cloudflare.jobs import check_job, parse_jobs
from hec_doctor.commands.common import parse_resolve
from hec_doctor.errors import InputError
from hec_doctor.messages.classify import explain_message
from hec_doctor.models import Options, ResolveOverride, Status, make_batch
from hec_doctor.render import OutputFormat, render
from hec_doctor.target import build_target
from tests.helpers import TOKEN, examples

MANY = settings(max_examples=examples(1500, 40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
SOME = settings(max_examples=examples(300, 20), deadline=None, suppress_health_check=[HealthCheck.too_slow])
OFFLINE = Options(offline=True)

# --- strategies ---------------------------------------------------------------------------

hosts = st.one_of(
    st.sampled_from(["hec.example.com", "http-inputs-acme.splunkcloud.com", "localhost",
                     "bücher.example", "xn--bcher-kva.example", "127.0.0.1", "10.0.0.1",
                     "[::1]", "[fe80::1%25eth0]", "fe80::1", "[::ffff:1.2.3.4]", "", "a..b",
                     "-x.example", "HEC.EXAMPLE.COM.", "[bad", "exa mple.com"]),
    st.text(alphabet=string.ascii_letters + string.digits + "-.[]:%_~", max_size=40),
    st.text(max_size=20),
)
ports = st.one_of(st.just(""), st.integers(-2, 70000).map(lambda n: f":{n}"),
                  st.text(alphabet=":0123456789abc ", max_size=8))
paths = st.one_of(
    st.sampled_from(["/services/collector/raw", "/services/collector", "/services/collector/event",
                     "/services/collector/raw/1.0", "/", "", "/services%2Fcollector/raw",
                     "/services/collector/raw/", "/en-US/app", "/services/collector/health"]),
    st.text(max_size=30).map(lambda t: "/" + t),
)
pct = st.sampled_from(["%20", "%2520", "%0D%0A", "%00", "%zz", "%", "%2", "%E2%80%8B", "+",
                       "%2B", "%25", "&", "=", "#", "\r\n", "\x00", " "])
values = st.lists(st.one_of(st.text(max_size=12), pct), max_size=4).map("".join)
names = st.one_of(st.sampled_from(["channel", "insecure-skip-verify", "sourcetype",
                                   "header_Authorization", "index", "token", "Channel", ""]),
                  st.text(max_size=8))
queries = st.lists(st.tuples(names, values), max_size=6).map(
    lambda pairs: "&".join(f"{k}={v}" for k, v in pairs))
userinfo = st.one_of(st.just(""), st.sampled_from(["user@", "user:pw@", f"x:{TOKEN}@", "@"]))


@st.composite
def targets(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["https://", "splunk://", "http://", "HTTPS://", "ftp://",
                                   "", "splunk:/", "https:///"]))
    text = (scheme + draw(userinfo) + draw(hosts) + draw(ports) + draw(paths))
    query = draw(queries)
    if query or draw(st.booleans()):
        text += "?" + query
    if draw(st.booleans()):
        text += "#" + draw(st.text(max_size=10))
    return text


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
              st.text(max_size=30)),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.text(max_size=10), children, max_size=4)),
    max_leaves=20)
job_fields = {
    "id": st.one_of(st.integers(), st.text(max_size=8), json_values),
    "name": st.one_of(st.text(max_size=20), json_values),
    "dataset": st.one_of(st.sampled_from(["http_requests", "firewall_events"]), json_values),
    "enabled": st.one_of(st.booleans(), json_values),
    "logstream": st.one_of(st.booleans(), json_values),
    "kind": st.one_of(st.sampled_from(["", "edge", "other"]), json_values),
    "frequency": json_values,
    "logpull_options": json_values,
    "output_options": json_values,
    "destination_conf": st.one_of(targets(), json_values),
    "last_complete": st.one_of(st.sampled_from(["2026-11-27T11:00:00Z", "2021-03-17T20:50:00Z",
                                                "2026-13-45T99:00:00Z", "", "yesterday"]),
                               json_values),
    "last_error": st.one_of(st.sampled_from(["2026-11-27T11:30:00Z", "2026-11-27T11:30:00+02:00",
                                             "2026-11-27"]), json_values),
    "error_message": st.one_of(st.text(max_size=200), json_values),
}
jobs = st.fixed_dictionaries({}, optional=job_fields).map(lambda d: {"id": 1, **d})


# --- properties ---------------------------------------------------------------------------

def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(k) + _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def assert_report_or_one_line_error(text: str, **kwargs: object) -> None:
    try:
        target = build_target(text, **kwargs)
    except InputError as exc:
        message = str(exc)
        assert message and "\n" not in message and "\r" not in message
        return
    from hec_doctor.engine.run import run

    report = run(target, OFFLINE)
    assert [c.id for c in report.checks] == [spec.id for spec in CHECKS]
    errors = [(c.id, c.summary) for c in report.checks if c.status is Status.ERROR]
    assert not errors, errors


@MANY
@given(st.text(max_size=200))
def test_any_text_as_a_target(text):
    assert_report_or_one_line_error(text)


@MANY
@given(targets())
def test_url_shaped_targets(text):
    assert_report_or_one_line_error(text)


@MANY
@given(st.text(min_size=1, max_size=60))
def test_any_token(token):
    assert_report_or_one_line_error("https://hec.example.com:8088/services/collector/raw",
                                    token=token)


@SOME
@given(st.text(min_size=6, max_size=40).map(lambda t: "Qz7" + t), targets())
def test_a_token_never_reaches_any_output_format(token, text):
    try:
        target = build_target(text, token=token)
    except InputError as exc:
        assert token not in str(exc)
        return
    from hec_doctor.engine.run import run

    # No scrub of the rendered text any more: reports leave the engine redacted.
    batch = make_batch([run(target, OFFLINE)])
    spellings = {token, quote(token, safe=""), quote(token)}
    for fmt in OutputFormat:
        text_out = render(fmt, batch, single=True)
        if fmt is OutputFormat.JSON:
            found = _strings(json.loads(text_out))
        elif fmt is OutputFormat.JUNIT:
            root = ET.fromstring(text_out)
            found = [t for e in root.iter() for t in [e.text or "", *e.attrib.values()]]
        else:
            found = [text_out]
        assert not any(s in f for s in spellings for f in found), fmt


@MANY
@given(st.one_of(st.text(max_size=60),
                 st.tuples(st.text(max_size=10), st.text(max_size=6), st.text(max_size=20))
                 .map(":".join)))
def test_resolve_values(value):
    try:
        pin = parse_resolve(value)
    except click.BadParameter as exc:
        assert "\n" not in exc.format_message()
        return
    assert isinstance(pin, ResolveOverride) and 0 < pin.port < 65536


@settings(max_examples=examples(600, 20), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=300), json_values.map(json.dumps),
                 st.lists(jobs, max_size=3).map(json.dumps),
                 st.lists(jobs, max_size=2).map(lambda j: json.dumps({"result": j,
                                                                      "success": True})),
                 st.fixed_dictionaries({"result": json_values, "success": json_values,
                                        "errors": json_values}).map(json.dumps)))
def test_job_json_is_read_or_refused(text):
    try:
        found = parse_jobs(text)
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    assert all(isinstance(job, dict) for job in found)


@SOME
@given(jobs)
def test_any_job_gets_a_report_in_every_format(job):
    report = check_job(job, OFFLINE)
    assert not [c.id for c in report.checks if c.status is Status.ERROR]
    batch = make_batch([report])
    for fmt in OutputFormat:
        assert render(fmt, batch)
    ET.fromstring(render(OutputFormat.JUNIT, batch))
    json.loads(render(OutputFormat.JSON, batch))


@MANY
@given(st.one_of(st.text(max_size=500), json_values.map(json.dumps),
                 st.text(max_size=100).map(lambda t: json.dumps(json.dumps(t)))),
       st.sampled_from(["splunk", "s3", "datadog", ""]))
def test_any_message_is_explained(message, destination):
    # Messages come quoted, in envelopes, and in envelopes quoted again: unwrapping any of it
    # never fails and never loses the message.
    explanation = explain_message(message, destination=destination)
    assert explanation.message == message and explanation.cause and explanation.fix


@SOME
@given(st.binary(max_size=2000))
def test_event_files(tmp_path_factory, data):
    from click.testing import CliRunner

    from hec_doctor.cli import cli

    path = tmp_path_factory.mktemp("event") / "event.bin"
    path.write_bytes(data)
    result = CliRunner().invoke(cli, ["check", "--offline", "--event-file", str(path),
                                      "hec.example.com:8088"])
    assert result.exit_code in (0, 1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    if result.exit_code == 2:
        assert len(result.stderr.splitlines()) == 1


@SOME
@given(st.one_of(targets(), st.text(max_size=100)))
def test_the_command_line_never_shows_a_traceback(text):
    from click.testing import CliRunner

    from hec_doctor.cli import cli

    result = CliRunner().invoke(cli, ["check", "--offline", "--", text])
    assert result.exit_code in (0, 1, 2), (text, result.output)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert result.stderr.startswith("hec-doctor: error: ")
        assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("text", [
    "https://" + "a" * 1_000_000,
    "splunk://h.example:8088/services/collector/raw?" + "channel=x&" * 100_000,
    "\x00" * 1_000_000,
    "é" * 1_000_000,
    "splunk://h.example:8088/services/collector/raw?" + "channel=x&" * 800,  # under the cap
    "https://" + "é" * 8000 + ".example/services/collector/raw",
], ids=["long-host", "long-query", "nul", "unicode", "many-params", "long-idn"])
def test_a_megabyte_of_anything_ends_quickly(text):
    import time

    started = time.monotonic()
    assert_report_or_one_line_error(text)
    assert time.monotonic() - started < 2


def test_a_megabyte_token_is_refused_in_one_line():
    with pytest.raises(InputError, match="1000000 characters long"):
        build_target("hec.example.com", token="a" * 1_000_000)


# --- certificates: Go's parser and verifier, ported, on anything a server could send ---------

def _seed_certificates() -> list[bytes]:
    from tests import derforge as f

    r = f.ca("Fuzz Root")
    i = f.ca("Fuzz Intermediate", r, extra=(f.name_constraints((f.subtree("dns", "test"),)),
                                            f.policies("1.2.3.4"), f.policy_constraints(0, 0)))
    return [r.der, i.der, f.leaf("hec.test", i, names=f.san(
        dns=("hec.test",), ips=("127.0.0.1",), emails=("a@hec.test",),
        uris=("https://hec.test/x",))).der]


SEEDS = _seed_certificates()


@st.composite
def mutated_certificates(draw):
    der = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        where = draw(st.integers(0, len(der) - 1))
        kind = draw(st.sampled_from(["flip", "set", "cut", "insert"]))
        if kind == "flip":
            der[where] ^= 1 << draw(st.integers(0, 7))
        elif kind == "set":
            der[where] = draw(st.integers(0, 255))
        elif kind == "cut":
            del der[where:where + draw(st.integers(1, 8))]
        else:
            der[where:where] = draw(st.binary(min_size=1, max_size=8))
        if not der:
            break
    return bytes(der)


@MANY
@given(st.one_of(mutated_certificates(), st.binary(max_size=300)))
def test_any_certificate_bytes_parse_or_are_refused_with_go_words(der):
    from hec_doctor.gox509.parse import GoParseError, parse_certificate

    try:
        cert = parse_certificate(der)
    except GoParseError as exc:
        text = str(exc)
        assert text and "\n" not in text
        return
    assert cert.raw == der


@SOME
@given(st.lists(mutated_certificates(), min_size=1, max_size=3))
def test_any_parsed_chain_gets_a_verdict_and_a_cause(ders):
    import datetime as dt

    from hec_doctor.checks.tls import evaluate_chain, evaluate_hostname, evaluate_strength
    from hec_doctor.gox509.parse import GoParseError, parse_certificate
    from hec_doctor.gox509.verify import CertPool, verify

    chain = []
    for der in ders:
        try:
            chain.append(parse_certificate(der))
        except GoParseError:
            return
    roots = CertPool([parse_certificate(SEEDS[0])])
    now = dt.datetime.now(dt.UTC)
    error = verify(chain, "hec.test", roots, now)
    assert error is None or error.startswith(("x509: ", "crypto/rsa: "))
    for outcome in (evaluate_chain(chain, roots, now, True), evaluate_hostname(chain, "hec.test"),
                    evaluate_strength(chain)):
        assert outcome.summary
