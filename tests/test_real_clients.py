"""Real HEC client libraries from PyPI against the look-alike, so it is held to what shippers
expect and not only to hec-doctor's own requests: ``splunk-handler`` (batches to /event,
retries 5xx) and ``splunk-hec-handler`` (one /event request per record, raises on refusal)."""

from __future__ import annotations

import logging
import uuid

import pytest
import requests
from splunk_handler import SplunkHandler
from splunk_hec_handler import SplunkHecHandler


def _logger(handler: logging.Handler) -> logging.Logger:
    logger = logging.getLogger(f"hec-doctor-test-{uuid.uuid4()}")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    return logger


def _batch_handler(server, *, token: str | None = None, retry_count: int = 0,
                   index: str = "main") -> SplunkHandler:
    return SplunkHandler(host="127.0.0.1", port=server.port, token=token or server.token,
                         index=index, verify=server.ca_file, flush_interval=0.05,
                         retry_count=retry_count, retry_backoff=0, timeout=5,
                         sourcetype="shipper:test")


def _flush(handler: SplunkHandler) -> None:
    handler.force_flush()
    handler.close()


def test_splunk_handler_batch_is_indexed(hec_server):
    handler = _batch_handler(hec_server)
    logger = _logger(handler)
    for n in range(3):
        logger.info("line %d", n)
    _flush(handler)
    assert [e["event"] for e in hec_server.events] == ["line 0", "line 1", "line 2"]
    assert {(e["index"], e["sourcetype"]) for e in hec_server.events} == {("main",
                                                                            "shipper:test")}


def test_splunk_handler_wrong_token_delivers_nothing(hec_server):
    handler = _batch_handler(hec_server, token=str(uuid.uuid4()))
    _logger(handler).info("refused")
    _flush(handler)
    assert hec_server.events == []
    assert any(r.body for r in hec_server.received)  # it did try


@pytest.mark.hec_server(fault="busy")
def test_splunk_handler_retries_a_busy_hec(hec_server):
    # The client retries 5xx: the look-alike's busy reply is a 503 as Splunk's is.
    handler = _batch_handler(hec_server, retry_count=2)
    _logger(handler).info("busy")
    _flush(handler)
    posts = [r for r in hec_server.received if r.method == "POST"]
    assert len(posts) == 3 and hec_server.events == []


def test_splunk_hec_handler_event_and_index_refusal(hec_server):
    good = SplunkHecHandler("127.0.0.1", hec_server.token, port=hec_server.port,
                            ssl_verify=hec_server.ca_file, sourcetype="shipper:json")
    _logger(good).info({"user": "alice", "action": "login"})
    assert hec_server.events[-1]["event"]["user"] == "alice"
    assert hec_server.events[-1]["sourcetype"] == "shipper:json"
    bad_index = SplunkHecHandler("127.0.0.1", hec_server.token, port=hec_server.port,
                                 ssl_verify=hec_server.ca_file, index="no_such_index")
    with pytest.raises(requests.exceptions.HTTPError, match="400") as refused:
        _logger(bad_index).info("lost")
    assert refused.value.response.json() == {"text": "Incorrect index", "code": 7,
                                             "invalid-event-number": 0}
    assert len(hec_server.events) == 1


@pytest.mark.hec_server(ack=True)
def test_splunk_hec_handler_without_a_channel_meets_an_ack_token(hec_server):
    # The library sends no channel: a useACK token answers code 10, as Splunk does.
    handler = SplunkHecHandler("127.0.0.1", hec_server.token, port=hec_server.port,
                               ssl_verify=hec_server.ca_file)
    with pytest.raises(requests.exceptions.HTTPError, match="400") as refused:
        _logger(handler).info("no channel")
    assert refused.value.response.json() == {"text": "Data channel is missing", "code": 10}
