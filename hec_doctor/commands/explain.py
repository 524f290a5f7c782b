"""``hec-doctor explain``: a topic, or a pasted error message, explained offline."""

from __future__ import annotations

import json
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
    logpush-versions. Without an argument, the topics are listed.
    """
    from hec_doctor.errors import InputError
    from hec_doctor.error_messages import explain_message
    from hec_doctor.topics import TOPICS

    text = " ".join(words).strip()
    if not text:
        listing = [f"{t.name:22} {t.title.split(': ', 1)[-1]}" for t in TOPICS.values()]
        if fmt == "json":
            click.echo(json.dumps({"topics": [{"name": t.name, "title": t.title}
                                              for t in TOPICS.values()]}, indent=2))
        else:
            click.echo("Topics (hec-doctor explain TOPIC), or paste an error message:\n  "
                       + "\n  ".join(listing))
        return 0
    topic = TOPICS.get(text.lower())
    if topic is not None:
        if fmt == "json":
            click.echo(json.dumps({"topic": topic.name, "title": topic.title,
                                   "text": topic.text}, indent=2, ensure_ascii=False))
        else:
            click.echo(f"{topic.title}\n\n{topic.text}")
        return 0
    explanation = explain_message(text)
    if explanation.matched is None and re.fullmatch(r"[a-z][a-z0-9-]*", text):
        raise InputError(f"unknown topic {text!r}; topics: {', '.join(TOPICS)} (or paste a "
                         "whole error message)")
    matched = explanation.matched
    if fmt == "json":
        click.echo(json.dumps({
            "message": explanation.message,
            "class": matched.id if matched else None,
            "nearest_family": explanation.nearest_family or None,
            "title": explanation.title, "cause": explanation.cause, "fix": explanation.fix,
            "details": dict(explanation.details), "topic": matched.topic if matched else None,
        }, indent=2, ensure_ascii=False))
        return 0
    use_color = want_color(color)

    def label(name: str) -> str:
        padded = f"{name + ':':8}"
        return f"\x1b[1m{padded}\x1b[0m" if use_color else padded

    kind = explanation.title + (f" ({matched.id})" if matched else "")
    if use_color:
        kind = f"\x1b[{'33' if matched else '35'}m{kind}\x1b[0m"
    lines = [f"{label('message')} {explanation.message}", f"{label('kind')} {kind}"]
    lines += [f"{label(name)} {value}" for name, value in explanation.details]
    lines += [f"{label('cause')} {explanation.cause}", f"{label('fix')} {explanation.fix}"]
    if matched and matched.topic:
        lines.append(f"{label('more')} hec-doctor explain {matched.topic}")
    click.echo("\n".join(lines), color=use_color)
    return 0
