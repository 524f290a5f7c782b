"""Target lists: what ``check``, ``watch`` and ``lint`` read their destinations from (the
arguments, ``--file``, ``-`` for stdin), one way for all three."""

from __future__ import annotations

import re
from typing import Any

import click

from hec_doctor.errors import InputError

target_file_option = click.option(
    "--file", "target_file", metavar="FILENAME",
    help="Read targets from FILE, one per line ('#' starts a comment; '-' is stdin).")


def gather_targets(targets: tuple[str, ...], target_file: Any) -> list[tuple[str, str]]:
    """(origin, text) for every target: arguments, then --file lines; '-' reads stdin."""
    from hec_doctor.files import open_stdin

    gathered: list[tuple[str, str]] = []
    for position, target in enumerate(targets, 1):
        if target == "-":
            gathered += _stream_lines(open_stdin().buffer, "stdin")
        else:
            gathered.append((f"arg {position}", target))
    if target_file is not None:
        if target_file == "-":
            gathered += _stream_lines(open_stdin().buffer, "stdin")
        else:
            try:
                with open(target_file, "rb") as stream:
                    gathered += _stream_lines(stream, target_file)
            except OSError as exc:
                from hec_doctor.redact import escaped

                raise InputError(f"cannot read {escaped(target_file)}: "
                                 f"{exc.strerror or exc}") from None
    if not gathered:
        raise InputError("no target given (pass TARGET, --file FILE, or - for stdin)")
    return gathered


def _stream_lines(stream: Any, name: str) -> list[tuple[str, str]]:
    """(``name:LINE``, target) for each target line of a stream (text or binary)."""
    from hec_doctor.files import decode_text
    from hec_doctor.redact import escaped

    name = escaped(name)
    try:
        data = stream.read(MAX_LIST_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read {name}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InputError(f"{name} is not UTF-8 text") from None
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    if len(data) > MAX_LIST_BYTES:
        raise InputError(f"{name} is larger than {MAX_LIST_BYTES // 1_000_000} MB")
    return target_lines(decode_text(data, name), name)


def target_lines(text: str, name: str) -> list[tuple[str, str]]:
    """(``name:LINE``, target) for each line of a target list that holds one ('#' starts a
    comment; lines are numbered as an editor numbers them)."""
    from hec_doctor.redact import escaped

    name = escaped(name)
    found = []
    for number, line in enumerate(text.split("\n"), 1):
        entry = ("" if line.lstrip().startswith("#")
                 else re.split(r"\s#", line, maxsplit=1)[0].strip())
        if entry:
            found.append((f"{name}:{number}", entry))
    return found


# A list of targets: 100 MB is some million destinations, far beyond any fleet.
MAX_LIST_BYTES = 100_000_000
