"""One meaning per flag name across commands (issue #28): a flag that appears in several commands
has the same help, value and default everywhere, and every command that judges a certificate
takes --expiry-warn-days."""

from __future__ import annotations

from collections import defaultdict

import click

from hec_doctor.cli import cli

# --format offers what each command can write (explain: text and json only).
PER_COMMAND = {"--format"}
# serve is the HEC side of the same token: --token there is a token the look-alike accepts.
SERVER_SIDE = {("serve", "--token")}


def _options() -> dict[str, list[tuple[str, click.Option]]]:
    found: dict[str, list[tuple[str, click.Option]]] = defaultdict(list)
    context = click.Context(cli)
    for name in cli.list_commands(context):
        command = cli.get_command(context, name)
        assert command is not None
        for param in command.params:
            if isinstance(param, click.Option):
                found[param.opts[0]].append((name, param))
    return found


def test_a_shared_flag_means_the_same_everywhere():
    differing = {}
    for flag, uses in _options().items():
        if len(uses) < 2 or flag in PER_COMMAND:
            continue
        shapes = {(p.help, p.metavar, repr(p.default), p.is_flag, p.type.name)
                  for name, p in uses if (name, flag) not in SERVER_SIDE}
        if len(shapes) > 1:
            differing[flag] = sorted(name for name, _ in uses)
    assert differing == {}


def test_the_cloudflare_scope_flags_are_shared_by_check_and_job():
    uses = _options()
    for flag in ("--zone", "--account", "--api-base", "--api-ca-file"):
        assert {name for name, _ in uses[flag]} == {"check", "job"}, flag


def test_every_command_that_judges_a_certificate_takes_expiry_warn_days():
    uses = _options()
    judging = {name for name, _ in uses["--ca-file"]}
    assert judging >= {"check", "job", "terraform", "watch"}
    assert {name for name, _ in uses["--expiry-warn-days"]} >= judging
