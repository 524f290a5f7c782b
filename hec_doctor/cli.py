"""The ``hec-doctor`` console script.

``--version``, the top-level ``--help`` and ``explain TOPIC|MESSAGE`` without options are
answered before click or any command is imported, so they cost little more than starting Python;
everything else goes to the click group in ``hec_doctor.commands.group``. Each fast answer is
byte for byte what the click path prints (tests/test_cli.py compares them), and anything the
fast path does not answer as the click path would (an error, an option) goes to click.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code (the console script's entry point).

    A stdout that cannot be written (a full disk, a closed pipe, an I/O error) ends the run with
    one line on stderr and exit code 3, never a traceback.
    """
    from hec_doctor.errors import OUTPUT_ERRNOS

    try:
        code = _main(argv)
        sys.stdout.flush()
    except OSError as exc:
        if exc.errno not in OUTPUT_ERRNOS:
            raise
        _silence_stdout()
        sys.stderr.write(f"hec-doctor: error: cannot write to stdout: {exc.strerror}\n")
        return 3
    return code




def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's last flush cannot fail again."""
    import os

    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError):
        pass


def _main(argv: list[str] | None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args in (["--version"], ["-V"]):
        from hec_doctor import __version__

        sys.stdout.write(f"hec-doctor, version {__version__}\n")
        return 0
    if args in (["--help"], ["-h"]):
        from hec_doctor.commands.names import top_level_help

        sys.stdout.write(top_level_help())
        return 0
    if len(args) > 1 and args[0] == "explain" and not any(a.startswith("-") for a in args):
        try:
            answer = _explain(" ".join(args[1:]).strip())
        except Exception:  # a bug: click's path reports it in one line, never a traceback
            answer = None
        if answer is not None:
            sys.stdout.write(answer)
            return 0
    from hec_doctor.commands.group import cli

    code: int = cli.main(args=args, prog_name="hec-doctor", standalone_mode=False)
    return code


def _explain(text: str) -> str | None:
    """What ``explain TEXT`` prints in text format, or None where click must answer (an empty
    or unknown topic: a usage error)."""
    if not text:
        return None
    from hec_doctor.render.explanation import explain_text
    from hec_doctor.term import want_color

    # None for an unknown topic: click reports it
    return explain_text(text, "text", color=want_color("auto"))


def __getattr__(name: str) -> object:
    if name == "cli":  # ``from hec_doctor.cli import cli`` for tests and embedding
        from hec_doctor.commands.group import cli

        return cli
    raise AttributeError(name)
