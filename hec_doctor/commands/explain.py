"""``hec-doctor explain``: a topic, or a pasted error message, explained offline."""

from __future__ import annotations

import click

from hec_doctor.commands.common import color_option, want_color


@click.command()
@click.argument("words", nargs=-1, metavar="TOPIC|MESSAGE")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
@color_option
def explain(words: tuple[str, ...], fmt: str, color: str) -> int:
    """Explain a TOPIC, or an error MESSAGE from a job's error_message (quote it or not).

    \b
    Topics: insecure-skip-verify, channel, token-encoding, ports, splunk-default-cert,
    logpush-versions, backfill. Without an argument, the topics are listed.
    """
    from hec_doctor.render.explanation import explain_text

    text = " ".join(words).strip()
    use_color = fmt == "text" and want_color(color)
    answer = explain_text(text, fmt, color=use_color)
    if answer is None:
        from hec_doctor.errors import InputError
        from hec_doctor.messages.topics import TOPICS
        from hec_doctor.redact import render_input

        raise InputError(f"unknown topic '{render_input(text)}'; topics: {', '.join(TOPICS)} "
                         "(or paste a whole error message)")
    click.echo(answer, nl=False, color=use_color)
    return 0
