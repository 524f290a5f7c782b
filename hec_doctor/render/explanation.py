"""What ``hec-doctor explain`` prints: a topic, the list of topics, or an explained message, as
text or JSON. Pure: data in, text out."""

from __future__ import annotations

# Not imported from typing, which explain would otherwise load for nothing (type checkers read
# any TYPE_CHECKING as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

    from hec_doctor.messages.classify import Explanation
    from hec_doctor.messages.topics import Topic


def _json(document: object) -> str:
    import json

    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_topics(topics: Iterable[Topic], fmt: str) -> str:
    """The list of topics."""
    topics = list(topics)
    if fmt == "json":
        return _json({"topics": [{"name": t.name, "title": t.title} for t in topics]})
    listing = [f"{t.name:22} {t.title.split(': ', 1)[-1]}" for t in topics]
    return ("Topics (hec-doctor explain TOPIC), or paste an error message:\n  "
            + "\n  ".join(listing) + "\n")


def render_topic(topic: Topic, fmt: str) -> str:
    """One topic."""
    if fmt == "json":
        return _json({"topic": topic.name, "title": topic.title, "text": topic.text})
    return f"{topic.title}\n\n{topic.text}\n"


# Detail names that read better spelt out.
_LABELS = {"go_example": "in Go", "api_code": "API code"}


def render_explanation(explanation: Explanation, fmt: str, *, color: bool = False) -> str:
    """An explained message: its kind, what was read from it, cause and fix."""
    matched = explanation.matched
    if fmt == "json":
        return _json({
            "message": explanation.message,
            "class": matched.id if matched else None,
            "nearest_family": explanation.nearest_family or None,
            "title": explanation.title, "cause": explanation.cause, "fix": explanation.fix,
            "details": dict(explanation.details), "topic": matched.topic if matched else None,
            "producer": explanation.producer or None, "context": list(explanation.context),
        })

    def label(name: str) -> str:
        padded = f"{name + ':':9}"
        return f"\x1b[1m{padded}\x1b[0m" if color else padded

    kind = explanation.title + (f" ({matched.id})" if matched else "")
    if color:
        kind = f"\x1b[{'33' if matched else '35'}m{kind}\x1b[0m"
    lines = [f"{label('message')} {explanation.message}", f"{label('kind')} {kind}"]
    if explanation.producer:
        lines.append(f"{label('said by')} {explanation.producer}")
    lines += [f"{label('within')} {layer}" for layer in explanation.context]
    lines += [f"{label(_LABELS.get(name, name))} {value}" for name, value in explanation.details]
    lines += [f"{label('cause')} {explanation.cause}", f"{label('fix')} {explanation.fix}"]
    if matched and matched.topic:
        lines.append(f"{label('more')} hec-doctor explain {matched.topic}")
    return "\n".join(lines) + "\n"


def explain_text(text: str, fmt: str, *, color: bool = False) -> str | None:
    """What ``explain TEXT`` prints: the list of topics (no text), a topic, or the message
    explained; None for a word that is neither a topic nor a recognised message (the caller
    reports an unknown topic). The one path: the command and the start-up fast path in
    ``cli.main`` both call it."""
    from hec_doctor.messages.topics import TOPICS

    if not text:
        return render_topics(TOPICS.values(), fmt)
    topic = TOPICS.get(text.lower())
    if topic is not None:
        return render_topic(topic, fmt)
    # A message needs the catalog; a topic does not (start-up is what a user pays).
    import re

    from hec_doctor.messages.classify import explain_message

    explanation = explain_message(text)
    if explanation.matched is None and re.fullmatch(r"[a-z][a-z0-9-]*", text):
        return None
    return render_explanation(explanation.rendered(), fmt, color=color)
