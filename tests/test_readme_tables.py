"""README's generated tables are the data's own: the message families and the datasets."""

from __future__ import annotations

import re
from pathlib import Path

from hec_doctor.docs_tables import datasets, message_families

README = Path(__file__).resolve().parent.parent / "README.md"


def _block(name: str) -> str:
    text = README.read_text(encoding="utf-8")
    found = re.search(rf"<!-- {name}:start -->\n(.*?)<!-- {name}:end -->", text, re.S)
    assert found, f"README has no {name} table"
    return found.group(1)


def test_the_message_families_table_is_the_catalog():
    assert _block("message-families") == message_families(), (
        "README's message families differ: paste python -m hec_doctor.docs_tables")


def test_the_datasets_table_is_the_list_job_reads():
    assert _block("datasets") == datasets(), (
        "README's datasets differ: paste python -m hec_doctor.docs_tables")


def test_the_tables_name_their_sources():
    assert "last updated 2026-04-23" in _block("datasets")
    assert all(row.count("|") == 5 and row.split("|")[4].strip()
               for row in _block("message-families").splitlines()[2:])
