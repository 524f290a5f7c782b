"""The pytest plugin: used here directly, and run in a separate test session with pytester."""

from __future__ import annotations

import ssl

import httpx
import pytest

from tests.helpers import invoke


def _client(ca_file: str) -> httpx.Client:
    return httpx.Client(verify=ssl.create_default_context(cafile=ca_file), trust_env=False,
                        timeout=3)


def test_hec_server_passes_hec_doctor_check(hec_server):
    result = invoke("check", "--ca-file", hec_server.ca_file, "--send-event", "--timeout", "2",
                    f"{hec_server.destination_conf}")
    assert result.exit_code == 0, result.output
    assert "Logpush: would deliver" in result.stdout
    assert len(hec_server.events) == 1
    assert hec_server.events[0]["channel"] == hec_server.channel


@pytest.mark.hec_server(fault="unhealthy")
def test_marker_injects_a_fault(hec_server):
    result = invoke("check", "--ca-file", hec_server.ca_file, hec_server.destination_conf)
    assert result.exit_code == 1
    assert "FAIL  hec.health" in result.stdout


def test_fault_can_change_mid_test(hec_server):
    with _client(hec_server.ca_file) as client:
        auth = {"Authorization": f"Splunk {hec_server.token}"}
        assert client.post(hec_server.url, headers=auth, content=b"a").json()["code"] == 0
        hec_server.set_fault("busy")
        busy = client.post(hec_server.url, headers=auth, content=b"b")
    # Splunk's busy reply, as real ones read: 503, code 9, invalid-event-number; no Retry-After
    # unless asked for (Splunk documents none).
    assert busy.status_code == 503 and "Retry-After" not in busy.headers
    assert busy.json() == {"text": "Server is busy", "code": 9, "invalid-event-number": 0}
    assert [e["event"] for e in hec_server.events] == ["a"]
    with pytest.raises(ValueError, match="unknown fault 'bogus'"):
        hec_server.set_fault("bogus")


PLUGIN_TESTS = '''
import ssl

import httpx
import pytest


def client(server):
    context = ssl.create_default_context(cafile=server.ca_file)
    return httpx.Client(verify=context, trust_env=False, timeout=3)


def test_raw_event_is_received(hec_server):
    with client(hec_server) as c:
        reply = c.post(hec_server.url, content=b"line one\\nline two",
                       headers={"Authorization": f"Splunk {hec_server.token}"})
    assert reply.json() == {"text": "Success", "code": 0}
    assert [e["event"] for e in hec_server.events] == ["line one", "line two"]


@pytest.mark.hec_server(indexes=["web"])
def test_event_endpoint_takes_concatenated_json(hec_server):
    body = b'{"event": "a", "sourcetype": "st"}{"event": {"b": 1}, "index": "web"}'
    with client(hec_server) as c:
        reply = c.post(hec_server.event_url, content=body,
                       headers={"Authorization": f"Splunk {hec_server.token}"})
    assert reply.json()["code"] == 0
    assert [(e["event"], e["index"]) for e in hec_server.events] == [("a", "main"),
                                                                    ({"b": 1}, "web")]


@pytest.mark.hec_server(ack=True)
def test_ack_token(hec_server):
    with client(hec_server) as c:
        reply = c.post(hec_server.url + "?channel=" + hec_server.channel, content=b"x",
                       headers={"Authorization": f"Splunk {hec_server.token}"})
    assert reply.json()["ackId"] == 0


@pytest.mark.hec_server(tokens={"t-disabled": "disabled"})
def test_disabled_token(hec_server):
    with client(hec_server) as c:
        reply = c.post(hec_server.url, content=b"x",
                       headers={"Authorization": "Splunk t-disabled"})
    assert reply.status_code == 403 and reply.json()["code"] == 1


def test_factory_gives_independent_servers(hec_server_factory):
    first, second = hec_server_factory(), hec_server_factory(fault="unhealthy")
    assert first.port != second.port and first.ca_file == second.ca_file
    with client(first) as c:
        assert c.get(first.base_url + "/services/collector/health").status_code == 200
        assert c.get(second.base_url + "/services/collector/health").status_code == 503


def test_a_shipper_bug_is_caught(hec_server):
    with client(hec_server) as c:
        reply = c.post(hec_server.url, content=b"x",
                       headers={"Authorization": f"Bearer {hec_server.token}"})
    assert reply.json()["code"] == 0  # fails: the look-alike refuses a non-Splunk scheme
'''


def test_plugin_in_a_users_test_session(pytester):
    pytester.makepyfile(test_shipper=PLUGIN_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=5, failed=1)
    result.stdout.fnmatch_lines(["*test_a_shipper_bug_is_caught*"])
    result.stdout.fnmatch_lines(["*assert 3 == 0*"])


def test_plugin_is_registered_by_entry_point(pytester):
    pytester.makepyfile(test_it="def test_fixture(hec_server):\n    assert hec_server.port\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--fixtures", "-q")
    result.stdout.fnmatch_lines(["*fixtures defined from hec_doctor.lookalike.pytest_plugin*",
                                 "hec_ca_file *", "hec_server_factory *", "hec_server *"])
    disabled = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:hec_doctor")
    disabled.assert_outcomes(errors=1)  # without the plugin the fixture does not exist
