"""The ``hec-doctor`` console script.

``--version`` and the top-level ``--help`` are answered before click or any command is imported,
so they cost little more than starting Python; everything else goes to the click group in
``hec_doctor.commands.group``.
"""

from __future__ import annotations

import sys
from typing import Any


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code (the console script's entry point)."""
    args = sys.argv[1:] if argv is None else argv
    if args in (["--version"], ["-V"]):
        from hec_doctor import __version__

        sys.stdout.write(f"hec-doctor, version {__version__}\n")
        return 0
    if args in (["--help"], ["-h"]):
        from hec_doctor.commands.names import top_level_help

        sys.stdout.write(top_level_help())
        return 0
    from hec_doctor.commands.group import cli

    code: int = cli.main(args=args, prog_name="hec-doctor", standalone_mode=False)
    return code


def __getattr__(name: str) -> Any:
    if name == "cli":  # ``from hec_doctor.cli import cli`` for tests and embedding
        from hec_doctor.commands.group import cli

        return cli
    raise AttributeError(name)
