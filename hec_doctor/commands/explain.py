"""``hec-doctor explain``: a topic, or a pasted error message, explained offline."""

from __future__ import annotations

import re

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
    from hec_doctor.messages.topics import TOPICS
    from hec_doctor.render.explanation import render_topic, render_topics

    text = " ".join(words).strip()
    if not text:
        click.echo(render_topics(TOPICS.values(), fmt), nl=False)
        return 0
    topic = TOPICS.get(text.lower())
    if topic is not None:
        click.echo(render_topic(topic, fmt), nl=False)
        return 0
    # A message needs the catalog; a topic does not (start-up is what a user pays).
    from hec_doctor.errors import InputError
    from hec_doctor.messages.classify import explain_message
    from hec_doctor.render.explanation import render_explanation

    explanation = explain_message(text)
    if explanation.matched is None and re.fullmatch(r"[a-z][a-z0-9-]*", text):
        raise InputError(f"unknown topic {text!r}; topics: {', '.join(TOPICS)} (or paste a "
                         "whole error message)")
    use_color = fmt == "text" and want_color(color)
    click.echo(render_explanation(explanation, fmt, color=use_color), nl=False, color=use_color)
    return 0
