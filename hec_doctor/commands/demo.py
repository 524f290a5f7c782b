"""``hec-doctor demo``: the engine against look-alikes of the usual broken HEC set-ups."""

from __future__ import annotations

import click

from hec_doctor.commands.common import color_option, want_color


@click.command()
@color_option
@click.option("--full", is_flag=True, help="Print every scenario's whole report after the table.")
@click.option("--summary-only", is_flag=True, help="Print only the summary table.")
def demo(color: str, full: bool, summary_only: bool) -> int:
    """Check built-in HEC look-alikes on loopback; no Splunk, DNS or trust store involved.

    \b
    Scenarios: a healthy HEC, Splunk's default certificate, a CN-only certificate, a missing
    intermediate, a wrong token, and a token with indexer acknowledgement on. The summary table
    comes first, then the one report worth reading (Splunk's default certificate, the classic
    Logpush failure); --full prints every report. Exit code 0 when every scenario got the
    diagnosis it should.
    """
    from hec_doctor.lookalike.demo import run_demo, summary_table
    from hec_doctor.models import ExitCode
    from hec_doctor.render.text import render

    use_color = want_color(color)
    click.echo("hec-doctor demo: starting HEC look-alikes on 127.0.0.1 ...", err=True)
    outcomes = run_demo()
    click.echo(summary_table(outcomes), nl=False)
    if not summary_only:
        shown = outcomes if full else [o for o in outcomes if o.scenario.name == FEATURED][:1]
        for outcome in shown:
            scenario = outcome.scenario
            click.echo(f"\n=== {scenario.name}: {scenario.story} ===")
            click.echo(render(outcome.report, color=use_color), color=use_color, nl=False)
        if not full:
            click.echo("\nEvery scenario's whole report: hec-doctor demo --full")
    wrong = [o for o in outcomes if not o.as_expected]
    for outcome in wrong:
        click.echo(f"{outcome.scenario.name}: " + "; ".join(outcome.problems), err=True)
    if wrong:
        return ExitCode.CHECKS_FAILED
    click.echo(f"all {len(outcomes)} scenarios diagnosed as expected", err=True)
    return ExitCode.OK


# The scenario shown whole by default: the failure the FAQ opens with.
FEATURED = "splunk-default-cert"
