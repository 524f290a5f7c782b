"""Secrets hidden by shape, not by parse (issue #23): a property test over every command.

hypothesis plants a token in a destination in the shapes real typos give it (after a scheme
word, after a credential's name with any separator, GUID-shaped on its own), at any position
(query, ``&`` or ``;`` where ``?`` belongs, path, fragment, userinfo), in any letter case and
encoding, then runs every command in every format on a batch of them: ``check``, ``lint`` (a
list and a ``.tf`` file), ``job``, ``terraform`` (sensitive and not), ``watch --once`` (the
exposition and the textfile), with the GitHub step summary and the JUnit file. No token may
appear in any output in any spelling, nor any 12 characters of it in a row.

Each example is a batch of ``BATCH`` destinations with a token each; ``EXAMPLES`` batches make at
least 2,000 generated inputs per run.
"""

from __future__ import annotations

import json
import string
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from hec_doctor.cli import cli
from tests.helpers import examples

BATCH = 100
EXAMPLES = examples(20, 2)
FORMATS = ("text", "json", "junit", "github", "markdown")
WINDOW = 12

HEX = "0123456789abcdef"
NAMES = ("header_Authorization", "header_authorization", "HEADER_AUTHORIZATION", "Authorization",
         "authorization", "token", "Token", "hec_token", "x-splunk-token", "header_X-Api-Key",
         "apikey", "password", "header%5FAuthorization", "Authorisation")
SEPARATORS = ("=", ":", "%3D", "%3A", "%3d", "%253D", "=%20", ":%20", "%20")
SCHEMES = ("Splunk", "splunk", "SPLUNK", "Bearer", "bearer", "Basic", "")
SPACES = ("%20", "+", "%2520", "%09", "%20%20", "++")
POSITIONS = ("query", "ampersand", "semicolon", "path", "fragment", "userinfo")
FILLER = ("channel=0f8c3ab4-1b7c-4c1e-9d2a-5b6f7e8d9c0a", "sourcetype=cloudflare:json",
          "insecure-skip-verify=false", "index=main", "foo=bar")


def _guid(draw) -> str:
    digits = draw(st.text(HEX, min_size=32, max_size=32))
    return "-".join((digits[:8], digits[8:12], digits[12:16], digits[16:20], digits[20:]))


@st.composite
def tokens(draw) -> str:
    kind = draw(st.sampled_from(("guid", "GUID", "hex32", "word")))
    if kind == "guid":
        return _guid(draw)
    if kind == "GUID":
        return _guid(draw).upper()
    if kind == "hex32":
        return draw(st.text(HEX, min_size=32, max_size=32))
    letters = draw(st.text(string.ascii_letters, min_size=4, max_size=20))
    digits = draw(st.text(string.digits, min_size=len(letters), max_size=len(letters)))
    # Letters and digits interleaved, as generated secrets are: never three letters in a row,
    # so no window of it can be a word a report says ("Authorization7" was once drawn).
    return "".join(a + b for a, b in zip(letters, digits, strict=False))


@st.composite
def planted(draw, token: str) -> str:
    """One destination with ``token`` planted in a credential shape somewhere in it."""
    guid_like = all(c in HEX + "-" for c in token.lower())
    shape = draw(st.sampled_from(("named", "scheme", "bare") if guid_like else ("named", "scheme")))
    if shape == "named":
        scheme = draw(st.sampled_from(SCHEMES))
        piece = (draw(st.sampled_from(NAMES)) + draw(st.sampled_from(SEPARATORS))
                 + (scheme + draw(st.sampled_from(SPACES)) if scheme else "") + token)
    elif shape == "scheme":
        piece = (draw(st.sampled_from(SCHEMES[:-1])) + draw(st.sampled_from(SPACES)) + token)
    else:
        piece = token
    if draw(st.booleans()) and shape != "bare":
        piece = quote(piece, safe="") if draw(st.booleans()) else piece.replace("=", "%3D")
    scheme = draw(st.sampled_from(("splunk", "https", "SPLUNK")))
    port = draw(st.sampled_from((":8088", ":443", "", ":9")))
    base = f"{scheme}://127.0.0.1{port}/services/collector/raw"
    others = list(draw(st.lists(st.sampled_from(FILLER), max_size=4, unique=True)))
    at = draw(st.integers(0, len(others)))
    position = draw(st.sampled_from(POSITIONS))
    if position == "query":
        return base + "?" + "&".join(others[:at] + [piece] + others[at:])
    if position == "ampersand":
        return base + "&" + "&".join(others[:at] + [piece] + others[at:])
    if position == "semicolon":
        return base + ";" + ";".join(others[:at] + [piece] + others[at:])
    if position == "path":
        return base + "/" + piece + ("?" + "&".join(others) if others else "")
    if position == "fragment":
        return base + "?" + "&".join(others or ["foo=bar"]) + "#" + piece
    return (f"{scheme}://splunk:{quote(token, safe='')}@127.0.0.1{port}/services/collector/raw?"
            + "&".join(others))


@st.composite
def batches(draw) -> list[tuple[str, str]]:
    chosen = draw(st.lists(tokens(), min_size=BATCH, max_size=BATCH, unique_by=str.lower))
    return [(draw(planted(token)), token) for token in chosen]


def leaks(token: str) -> set[str]:
    """Every spelling of ``token`` that must not appear, lower-cased, and every 12 characters of
    each (the tokens are letters, digits and dashes: URL and JSON encoding leave them as they
    are, so these cover every encoding)."""
    forms = {token.lower(), token.lower().replace("-", "")}
    windows = {f[i:i + WINDOW] for f in forms for i in range(max(1, len(f) - WINDOW + 1))}
    return {f for f in forms | windows if f}


def leaked(batch: list[tuple[str, str]], seen: dict[str, str]) -> list[tuple[str, str, str]]:
    """(where, destination, spelling) for every token of the batch found in any output.

    Searching every spelling in every output costs minutes a run; instead each output is cut
    into its runs of letters, digits and dashes (where any of these tokens would stand), and
    the runs' 12-character windows are put in one set.
    """
    import re

    runs: dict[str, str] = {}
    for where, text in seen.items():
        for run in re.findall(r"[a-z0-9-]{8,}", text.lower()):
            runs.setdefault(run, where)
    windows: dict[str, str] = {}
    for run, where in runs.items():
        for i in range(max(1, len(run) - WINDOW + 1)):
            windows.setdefault(run[i:i + WINDOW], where)
    found = []
    for conf, token in batch:
        for form in leaks(token):
            if len(form) >= WINDOW and form[:WINDOW] in windows:
                found.append((windows[form[:WINDOW]], conf, form))
            elif len(form) < WINDOW:
                found += [(where, conf, form) for run, where in runs.items() if form in run]
    return found


def _hcl(text: str) -> str:
    return (text.replace("\\", "\\\\").replace('"', '\\"').replace("${", "$${")
            .replace("%{", "%%{"))


def _plan(confs: list[str], sensitive: bool) -> dict:
    changes = []
    for number, conf in enumerate(confs):
        after = {"account_id": None, "zone_id": "0" * 32, "dataset": "http_requests",
                 "destination_conf": conf, "enabled": True, "name": f"job{number}",
                 "output_options": None}
        changes.append({
            "address": f'cloudflare_logpush_job.splunk["{number}"]',
            "mode": "managed", "type": "cloudflare_logpush_job", "name": "splunk",
            "index": str(number), "provider_name": "registry.terraform.io/cloudflare/cloudflare",
            "change": {"actions": ["create"], "before": None, "after": after,
                       "after_unknown": {"id": True},
                       "after_sensitive": {"destination_conf": True} if number % 2 or sensitive
                       else {}}})
    return {"format_version": "1.2", "terraform_version": "1.11.0",
            "resource_changes": changes}


def _run(args: list[str], env: dict[str, str] | None = None, stdin: str | None = None) -> str:
    result = CliRunner().invoke(cli, args, env=env, input=stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        args[:3], result.output[-2000:])
    assert result.exit_code in (0, 1, 2, 3), (args[:3], result.exit_code)
    return result.stdout + result.stderr


def _outputs(batch: list[tuple[str, str]], folder: Path, draw_format) -> dict[str, str]:
    """Every command's output on the batch, each command in formats drawn for this example (so
    that a run covers every format of every command): ``check`` (through ``--output`` too, and
    from stdin), ``lint`` of a list and of a ``.tf`` file, ``job``, ``terraform``, and
    ``watch --once``."""
    confs = [conf for conf, _ in batch]
    seen: dict[str, str] = {}
    listing = folder / "hec-destinations.txt"
    listing.write_text("\n".join(confs) + "\n", encoding="utf-8")
    terraform_file = folder / "main.tf"
    terraform_file.write_text("".join(
        f'resource "cloudflare_logpush_job" "j{i}" {{\n  dataset = "http_requests"\n'
        f'  destination_conf = "{_hcl(conf)}"\n}}\n' for i, conf in enumerate(confs)),
        encoding="utf-8")
    jobs = folder / "jobs.json"
    jobs.write_text(json.dumps([{"id": i, "enabled": True, "dataset": "http_requests",
                                 "destination_conf": conf,
                                 "error_message": f"error validating destination: {conf}"}
                                for i, conf in enumerate(confs)]), encoding="utf-8")
    plan = folder / "plan.json"
    plan.write_text(json.dumps(_plan(confs, draw_format(st.booleans()))), encoding="utf-8")
    to_file = draw_format(st.sampled_from(FORMATS))
    check_formats = draw_format(st.lists(st.sampled_from(FORMATS), min_size=2, max_size=2,
                                         unique=True))
    for fmt in sorted(set(check_formats) | {to_file}):
        summary = folder / f"summary-{fmt}.md"
        env = {"GITHUB_STEP_SUMMARY": str(summary)}
        output = ["--output", str(folder / f"report-{fmt}")] if fmt == to_file else []
        seen[f"check {fmt}"] = _run(["check", "--offline", "--format", fmt, *output, *confs],
                                    env)
        if output:
            seen[f"check {fmt} file"] = Path(output[1]).read_text(encoding="utf-8")
        seen[f"summary {fmt}"] = summary.read_text(encoding="utf-8") if summary.exists() else ""
    commands = {"check stdin": ["check", "--offline", "-"],
                "lint list": ["lint", str(listing)], "lint tf": ["lint", str(terraform_file)],
                "job": ["job", str(jobs)], "terraform": ["terraform", str(plan)]}
    for name, args in commands.items():
        fmt = draw_format(st.sampled_from(FORMATS))
        summary = folder / f"summary-{name}.md"
        seen[f"{name} {fmt}"] = _run([args[0], "--format", fmt, *args[1:]],
                                     {"GITHUB_STEP_SUMMARY": str(summary)},
                                     stdin="\n".join(confs) if args[-1] == "-" else None)
        seen[f"{name} {fmt} summary"] = (summary.read_text(encoding="utf-8")
                                         if summary.exists() else "")
    textfile = folder / "hec.prom"
    seen["watch"] = _run(["watch", "--once", "--timeout", "0.2", "--concurrency", "64",
                          "--textfile", str(textfile), *confs])
    seen["watch textfile"] = textfile.read_text(encoding="utf-8") if textfile.exists() else ""
    return seen


# Shrinking a batch of 100 destinations through every command takes minutes and says little
# more than the failing (where, destination, spelling) the assertion already names.
@settings(max_examples=EXAMPLES, deadline=None, database=None,
          phases=[Phase.explicit, Phase.generate],
          # A batch of 100 destinations is large by design; every health check about size or
          # speed is beside the point (their set grows with hypothesis' versions).
          suppress_health_check=list(HealthCheck))
@given(batch=batches(), data=st.data())
def test_a_token_shaped_like_a_credential_never_appears(batch, data, tmp_path_factory):
    folder = tmp_path_factory.mktemp("shapes")
    seen = _outputs(batch, folder, data.draw)
    assert any("<token" in text for text in seen.values())  # the planted tokens were found
    assert leaked(batch, seen) == []


# --- examples that failed on main before #23: each typo printed the token ------------------

TOKEN = "7e57a0d1-5ec2-4e7a-9d1e-c0ffee5ec2e7"
SHORT = "sh0rtT0k"


@pytest.mark.parametrize("conf", [
    f"splunk://127.0.0.1:8088/services/collector/raw&channel=x&header_Authorization=Splunk%20{TOKEN}",
    f"splunk://127.0.0.1:8088/services/collector/raw;channel=x;header_Authorization=Splunk%20{TOKEN}",
    f"splunk://127.0.0.1:8088/services/collector/raw?channel=x&header_Authorization:Splunk%20{TOKEN}",
    f"splunk://127.0.0.1:8088/services/collector/raw?channel=x&header_Authorization%3DSplunk%20{SHORT}",
    f"splunk://127.0.0.1:8088/services/collector/raw?channel=x&Splunk%20{SHORT}",
    f"splunk://127.0.0.1:8088/services/collector/raw/Splunk%20{SHORT}?channel=x",
    f"splunk://127.0.0.1:8088/services/collector/raw?channel=x&mystery={SHORT}",
], ids=["ampersand", "semicolon", "colon", "encoded-equals", "bare", "path", "unknown-param"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_ordinary_typos_never_print_the_token(conf, fmt, tmp_path):
    summary = tmp_path / "summary.md"
    seen = _run(["check", "--offline", "--format", fmt, conf],
                {"GITHUB_STEP_SUMMARY": str(summary)})
    seen += summary.read_text() if summary.exists() else ""
    for secret in (TOKEN, SHORT):
        assert secret not in seen and secret.lower() not in seen.lower()
