"""Renderers against golden files, from a hand-built report (regenerate: UPDATE_GOLDEN=1)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hec_doctor.models import make_batch
from hec_doctor.render import OutputFormat, render
from hec_doctor.render import json as json_renderer
from hec_doctor.render import text as text_renderer
from tests.render.sample import sample_report

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def golden(name: str, actual: str) -> None:
    path = FIXTURES / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"{name} changed; UPDATE_GOLDEN=1 to accept"


def test_render_json_matches_golden():
    golden("report.json", json_renderer.render(sample_report()))


def test_render_json_shape_is_the_documented_schema():
    document = json.loads((FIXTURES / "report.json").read_text(encoding="utf-8"))
    assert document["schema"] == "hec-doctor.report/1"
    assert list(document) == ["schema", "version", "verdict", "label", "target", "checks", "logpush",
                              "suggested_destination_conf", "notices", "job", "clients"]
    assert list(document["checks"][0]) == ["id", "title", "status", "summary", "detail",
                                           "remediation", "duration_ms", "data", "error_reason"]
    assert list(document["logpush"]) == ["would_deliver", "predicted_error", "legacy_error",
                                         "basis", "evidence"]
    assert document["verdict"] == "fail"


def test_render_text_matches_golden():
    golden("report.txt", text_renderer.render(sample_report()))


def test_render_text_colour_only_when_asked():
    plain = text_renderer.render(sample_report())
    coloured = text_renderer.render(sample_report(), color=True)
    assert "\x1b[" not in plain
    assert "\x1b[31mFAIL\x1b[0m" in coloured


@pytest.mark.parametrize("fmt", list(OutputFormat))
@pytest.mark.parametrize("single", [True, False])
def test_every_output_format_renders(fmt, single):
    assert render(fmt, make_batch([sample_report()]), single=single).strip()



# Any JSON value to_dict can make: string keys, every scalar, non-finite floats and the
# characters JSON must escape included.
_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner) | st.tuples(inner, inner) | st.dictionaries(st.text(), inner),
    max_leaves=30)


@given(_json_values, st.integers(min_value=0, max_value=3))
def test_fast_indented_json_is_exactly_what_json_dumps_writes(value, level):
    expected = json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + "  " * level)
    assert json_renderer.dumps_indented(value, level) == expected


def test_fast_indented_json_falls_back_on_keys_json_converts():
    value = {"a": {1: [2.5], None: "x"}}
    assert json_renderer.dumps_indented(value) == json.dumps(value, indent=2)
