"""The ``hec-doctor`` click group: every command, and one-line errors for bad input.

Commands parse options, run the engine, render to stdout (or ``--output``) and write summaries
and notices to stderr. Bad input is one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from hec_doctor import __version__
from hec_doctor.commands.names import COMMANDS, SUMMARY

# A fixed width, so the help reads the same everywhere and hec_doctor.cli can print the
# top-level help without loading click (a test compares the two).
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "terminal_width": 80,
                    "max_content_width": 80}


class _OneLineErrors(click.Group):
    """A group whose usage errors are one line on stderr with exit code 2, and whose commands
    load on demand."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        import importlib

        module = importlib.import_module(f"hec_doctor.commands.{name}")
        command: click.Command = getattr(module, name)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl(list(COMMANDS.items()))

    def main(self, args: Any = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        from hec_doctor.errors import FetchError, InputError, OutputError
        from hec_doctor.exitcodes import ExitCode

        try:
            code = super().main(args, prog_name or "hec-doctor", complete_var,
                                standalone_mode=False, **extra)
        except click.UsageError as exc:
            hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
            click.echo(f"hec-doctor: error: {exc.format_message()}{hint}", err=True)
            code = ExitCode.USAGE
        except InputError as exc:
            click.echo(f"hec-doctor: error: {exc}", err=True)
            code = ExitCode.USAGE
        except (FetchError, OutputError) as exc:
            click.echo(f"hec-doctor: error: {exc}", err=True)
            code = ExitCode.INCOMPLETE
        except click.Abort:
            click.echo("hec-doctor: interrupted", err=True)
            code = ExitCode.INTERRUPTED
        except OSError as exc:
            from hec_doctor.errors import OUTPUT_ERRNOS

            if exc.errno in OUTPUT_ERRNOS:
                click.echo(f"hec-doctor: error: cannot write to stdout: {exc.strerror}",
                           err=True)
                code = ExitCode.INCOMPLETE
            else:
                code = _internal_error(exc)
        except Exception as exc:
            code = _internal_error(exc)
        code = int(code or 0)
        if standalone_mode:
            sys.exit(code)
        return code


def _internal_error(exc: Exception) -> int:
    """A bug: one line, and no message text that could hold a secret (exit code 3)."""
    from hec_doctor.exitcodes import ExitCode

    if os.environ.get("HEC_DOCTOR_DEBUG"):
        raise exc
    import traceback

    frame = traceback.extract_tb(exc.__traceback__)[-1]
    click.echo(f"hec-doctor: internal error: {type(exc).__name__} at "
               f"{os.path.basename(frame.filename)}:{frame.lineno} (set "
               "HEC_DOCTOR_DEBUG=1 to see the traceback)", err=True)
    return ExitCode.INCOMPLETE


@click.group(cls=_OneLineErrors, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", prog_name="hec-doctor")
def cli() -> None:
    pass


cli.help = SUMMARY
