"""README's generated tables: the check ids, the message families ``explain`` knows, the datasets
``job`` knows (each with its source) and the options of ``check``, written from the data itself so
the README cannot drift (a test compares; ``python -m hec_doctor.commands.readme_tables`` prints
them)."""

from __future__ import annotations


def message_families() -> str:
    """One row per message class: id, kind, who writes it, where the example comes from."""
    from hec_doctor.messages.catalog import CLASSES

    rows = ["| class | kind | written by | example's source |", "|---|---|---|---|"]
    for cls in CLASSES:
        rows.append(f"| `{cls.id}` | {cls.title} | {cls.producer} | {cls.source} |")
    return "\n".join(rows) + "\n"


def datasets() -> str:
    """Every dataset and its scope, and where the list comes from."""
    from hec_doctor.cloudflare import facts as cf

    names = sorted(cf.ZONE_DATASETS | cf.ACCOUNT_DATASETS)
    rows = [f"Source: {cf.DATASETS_SOURCE} ({cf.SOURCES['DOC-datasets']}).", "",
            "| dataset | scope | Zero Trust: PII Read needed |", "|---|---|---|"]
    for name in names:
        scopes = " and ".join(s for s in ("zone", "account")
                              if name in (cf.ZONE_DATASETS if s == "zone" else cf.ACCOUNT_DATASETS))
        rows.append(f"| `{name}` | {scopes} | {'yes' if name in cf.ZERO_TRUST_DATASETS else ''} |")
    return "\n".join(rows) + "\n"


# What each maker of results is, as README names it.
_MADE_BY = {
    "check": "every destination checked (`check`, `lint`, `watch`, ...), in this order",
    "job": "`job`, and `terraform` for each planned job",
    "terraform": "`terraform`: what the plan does with the resource",
    "cloudflare": "`check --cloudflare-validate`: Cloudflare's own verdict",
    "lint": "`lint`: a file entry that holds no destination to check",
    "run": "any command: hec-doctor could not complete the run for this target",
}


def check_ids() -> str:
    """Every check id a report can hold, from the one registry (``models.CHECK_IDS``)."""
    from hec_doctor.models import CHECK_IDS

    rows = ["| id | title | made by |", "|---|---|---|"]
    for entry in CHECK_IDS:
        rows.append(f"| `{entry.id}` | {entry.title} | {_MADE_BY[entry.made_by]} |")
    return "\n".join(rows) + "\n"


def command_options(name: str) -> str:
    """Every option of a command, from the command itself: its flags (with the value it takes),
    its help, its default."""
    import importlib

    import click

    command = getattr(importlib.import_module(f"hec_doctor.commands.{name}"), name)
    rows = ["| option | meaning |", "|---|---|"]
    for param in command.params:
        if not isinstance(param, click.Option) or param.hidden:
            continue
        if param.secondary_opts:
            flags = " / ".join(f"`{flag}`" for flag in param.opts + param.secondary_opts)
        else:
            value = "" if param.is_flag else " " + (
                param.metavar or param.make_metavar(click.Context(command)))
            flags = ", ".join([f"`{param.opts[0]}{value}`".replace("|", "\\|")]
                              + [f"`{other}`" for other in param.opts[1:]])
        help_text = " ".join((param.help or "").split()).replace("|", "\\|")
        shown = param.default is not None and param.show_default and not param.is_flag
        if shown and not callable(param.default):
            help_text += f" (default: {param.default})"
        rows.append(f"| {flags} | {help_text} |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(check_ids())
    print(message_families())
    print(datasets())
    print(command_options("check"))
