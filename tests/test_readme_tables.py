"""README's generated tables are the data's own: the message families and the datasets."""

from __future__ import annotations

import re
from pathlib import Path

from hec_doctor.commands.readme_tables import command_options, datasets, message_families

README = Path(__file__).resolve().parent.parent / "README.md"


def _block(name: str) -> str:
    text = README.read_text(encoding="utf-8")
    found = re.search(rf"<!-- {name}:start -->\n(.*?)<!-- {name}:end -->", text, re.S)
    assert found, f"README has no {name} table"
    return found.group(1)


def test_the_message_families_table_is_the_catalog():
    assert _block("message-families") == message_families(), (
        "README's message families differ: paste python -m hec_doctor.commands.readme_tables")


def test_the_datasets_table_is_the_list_job_reads():
    assert _block("datasets") == datasets(), (
        "README's datasets differ: paste python -m hec_doctor.commands.readme_tables")


def test_the_tables_name_their_sources():
    assert "last updated 2026-04-23" in _block("datasets")
    assert all(row.count("|") == 5 and row.split("|")[4].strip()
               for row in _block("message-families").splitlines()[2:])


def test_the_check_options_table_is_the_commands_own():
    table = _block("check-options")
    assert table == command_options("check"), (
        "README's check options differ: paste python -m hec_doctor.commands.readme_tables")
    for option in ("--file", "--concurrency", "--workers", "--cloudflare-validate", "--zone",
                   "--account", "--api-base", "--api-ca-file", "--go-probe", "--also"):
        assert f"`{option}" in table


def test_one_version_from_one_place_with_a_changelog():
    from click.testing import CliRunner

    from hec_doctor import __version__
    from hec_doctor.cli import cli

    changelog = (README.parent / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(r"^## (\S+)", changelog, re.M).group(1) == __version__
    assert CliRunner().invoke(cli, ["--version"]).output == f"hec-doctor, version {__version__}\n"
    assert "What changed in 0.2" not in README.read_text(encoding="utf-8")
