"""``hec-doctor lint``: destination files and Terraform files, offline (the pre-commit hook)."""

from __future__ import annotations

from dataclasses import dataclass

import click

from hec_doctor.commands.common import report_options, run_and_write
from hec_doctor.errors import InputError
from hec_doctor.files import read_text_input
from hec_doctor.models import Options, Report

MAX_FILE_BYTES = 20_000_000


@dataclass(frozen=True)
class Item:
    """One thing to lint: a destination (``text``) or a reason it cannot be linted."""

    label: str
    text: str | None
    reason: str = ""


@click.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False), metavar="FILE...")
@report_options
def lint(files: tuple[str, ...], strict: bool, fmt: str, output: str | None,
         color: str) -> int:
    """Lint the destinations in FILEs offline: no network access.

    A .tf file (or .tf.json, Terraform's JSON syntax, as CDK for Terraform writes it): the
    destination_conf of every cloudflare_logpush_job written as a plain string; one built from
    variables or functions (interpolated) is listed as not checkable until plan time (use
    `hec-doctor terraform` on the plan). Any other file: one destination per line, as
    `check --file` reads it. Files without destinations pass.

    \b
    Exit codes: as `check`: 0 no failure, 1 a check failed (or warned with --strict), 2 bad
    input.
    """
    items: list[Item] = []
    for path in files:
        items += _items(path, read_text_input(path, MAX_FILE_BYTES))
    if not items:
        click.echo("hec-doctor: no destination found in the files given", err=True)
    return run_and_write(items, _lint_one, _failed, concurrency=1, fmt=fmt, single=False,
                         output=output, color=color, strict=strict, progress_label="linting",
                         noun="destination")


def _items(path: str, text: str) -> list[Item]:
    if path.endswith((".tf", ".tf.json")):
        from hec_doctor.cloudflare.hcl import NO_ATTRIBUTE, destinations, json_destinations
        from hec_doctor.errors import InputError
        from hec_doctor.redact import escaped, render_input

        try:
            in_file = (json_destinations(text) if path.endswith(".tf.json")
                       else destinations(text))
        except InputError as exc:
            raise InputError(f"{escaped(path)}: {exc}") from None
        found = []
        for destination in in_file:
            # The path as written (editors and SARIF locate findings by it); the address as
            # free text, where a credential-shaped resource name is hidden.
            label = (f"{escaped(path)}:{destination.line} "
                     f"{render_input(destination.address, prose=True)}")
            if destination.expression == NO_ATTRIBUTE:
                found.append(Item(label, None, "no destination_conf in this resource (Terraform "
                                               "requires one): nothing to check"))
            elif destination.value is None:
                found.append(Item(label, None, f"destination_conf is interpolated "
                                               f"({destination.expression}): it can be checked "
                                               "once known, with hec-doctor terraform on a plan"))
            elif not destination.value.lower().startswith("splunk://"):
                found.append(Item(label, None, "not a Splunk destination: hec-doctor does not "
                                               "check it"))
            else:
                found.append(Item(label, destination.value))
        return found
    from hec_doctor.commands.targets import target_lines

    return [Item(origin, line) for origin, line in target_lines(text, path)]


def _lint_one(item: Item) -> Report:
    from dataclasses import replace

    from hec_doctor.engine.run import run
    from hec_doctor.target import build_target

    if item.text is None:
        return _not_checked(item)
    try:
        target = build_target(item.text, origin=item.label)
    except InputError as exc:
        return _not_checked(item, f"unreadable: {exc}", failed=True)
    report = run(target, Options(offline=True))
    return replace(report, target=replace(report.target, label=item.label))


def _not_checked(item: Item, reason: str = "", failed: bool = False) -> Report:
    from hec_doctor import __version__
    from hec_doctor.engine.run import result_of
    from hec_doctor.models import (
        NOT_READ,
        LogpushPrediction,
        Outcome,
        Status,
        TargetSummary,
        check_id,
    )

    reason = reason or item.reason
    status = Status.FAIL if failed else Status.SKIP
    check = result_of("lint.destination", check_id("lint.destination").title,
                      Outcome(status, reason))
    target = TargetSummary(input=item.label, form=NOT_READ, url="", host="", port=None, path="",
                           token=None, insecure_skip_verify=False, label=item.label)
    return Report(target=target, checks=(check,), logpush=LogpushPrediction(basis=reason),
                  version=__version__)


def _failed(item: Item, exc: BaseException) -> Report:
    from hec_doctor.engine.run_many import error_report

    return error_report(_not_checked(item), exc, "hec-doctor failed on this destination")

