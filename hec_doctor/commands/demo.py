"""``hec-doctor demo``: the engine against look-alikes of the usual broken HEC set-ups."""

from __future__ import annotations

import click

from hec_doctor.commands.common import color_option, want_color


@click.command()
@color_option
@click.option("--summary-only", is_flag=True, help="Print only the closing summary table.")
def demo(color: str, summary_only: bool) -> int:
    """Check built-in HEC look-alikes on loopback; no Splunk, DNS or trust store involved.

    \b
    Scenarios: a healthy HEC, Splunk's default certificate, a CN-only certificate, a missing
    intermediate, a wrong token, and a token with indexer acknowledgement on. Each report is
    printed, then a summary. Exit code 0 when every scenario got the diagnosis it should.
    """
    from hec_doctor.lookalike.demo import DemoOutcome, run_demo, summary_table
    from hec_doctor.models import ExitCode
    from hec_doctor.render.text import render

    use_color = want_color(color)
    click.echo("hec-doctor demo: starting HEC look-alikes on 127.0.0.1 ...", err=True)

    def show(outcome: DemoOutcome) -> None:
        if summary_only:
            return
        scenario = outcome.scenario
        click.echo(f"=== {scenario.name}: {scenario.story} ===")
        click.echo(render(outcome.report, color=use_color), color=use_color)

    outcomes = run_demo(on_report=show)
    click.echo(summary_table(outcomes), nl=False)
    wrong = [o for o in outcomes if not o.as_expected]
    for outcome in wrong:
        click.echo(f"{outcome.scenario.name}: " + "; ".join(outcome.problems), err=True)
    if wrong:
        return ExitCode.CHECKS_FAILED
    click.echo(f"all {len(outcomes)} scenarios diagnosed as expected", err=True)
    return ExitCode.OK
