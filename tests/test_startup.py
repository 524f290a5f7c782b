"""What each command loads: an offline lint and a topic must not pay for TLS, x509, HTTP or the
message catalog (#17: start-up is what a user pays for every command). Checked in a fresh
interpreter, by module, not by timing."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.helpers import good_conf

HEAVY = ("hec_doctor.gox509.parse", "hec_doctor.gox509.verify", "hec_doctor.checks.tls",
         "hec_doctor.net.http", "hec_doctor.gox509.roots", "ssl", "h11")


def loaded_after(*args: str) -> set[str]:
    script = ("import sys\nfrom hec_doctor.cli import main\n"
              f"try:\n    main({list(args)!r})\nexcept SystemExit:\n    pass\n"
              "import json\nprint(json.dumps(sorted(sys.modules)), file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, check=False)
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize("args", [("check", "--offline", good_conf()),
                                  ("explain", "channel")])
def test_offline_commands_do_not_load_tls_or_http(args):
    loaded = loaded_after(*args)
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_explain_topic_does_not_load_the_message_catalog():
    assert "hec_doctor.messages.catalog" not in loaded_after("explain", "channel")
    assert "hec_doctor.messages.catalog" in loaded_after("explain", "x509: certificate signed "
                                                                   "by unknown authority")
