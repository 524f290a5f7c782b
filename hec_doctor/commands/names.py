"""The commands and their one-line descriptions, without click: ``hec-doctor --help`` is printed
from here before click loads (``hec_doctor.cli``), and the click group lists the same."""

from __future__ import annotations

SUMMARY = "Check a Splunk HEC destination before Cloudflare Logpush (or anything else) uses it."
# Each command's module is imported only when that command runs.
COMMANDS: dict[str, str] = {
    "check": "Check HEC destinations: URL, destination_conf or host[:port].",
    "job": "Explain Logpush jobs from JSON (file, stdin or the Cloudflare API).",
    "terraform": "Check the Logpush jobs a Terraform plan creates or changes.",
    "lint": "Lint destination files and Terraform files offline (pre-commit).",
    "watch": "Keep checking destinations; export Prometheus metrics.",
    "explain": "Explain a topic, or an error message from a job's error_message.",
    "demo": "Check built-in HEC look-alikes on loopback (no Splunk needed).",
    "serve": "Run a local Splunk HEC look-alike until Ctrl-C.",
}


def top_level_help() -> str:
    """What ``hec-doctor --help`` prints (identical to click's rendering at width 80)."""
    import textwrap

    width = max(len(name) for name in COMMANDS)
    lines = [
        "Usage: hec-doctor [OPTIONS] COMMAND [ARGS]...",
        "",
        *textwrap.wrap(SUMMARY, 78, initial_indent="  ", subsequent_indent="  "),
        "",
        "Options:",
        "  -V, --version  Show the version and exit.",
        "  -h, --help     Show this message and exit.",
        "",
        "Commands:",
    ]
    lines += [f"  {name.ljust(width)}  {text}" for name, text in COMMANDS.items()]
    return "\n".join(lines) + "\n"
