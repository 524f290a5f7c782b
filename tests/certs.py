"""The test-time view of ``hec_doctor.lookalike.pki``: one fixed "now" for a whole run."""

from __future__ import annotations

import datetime as dt

from hec_doctor.lookalike.pki import Issued, make_cert, server_context, splunk_default, write_pem

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)

__all__ = ["NOW", "Issued", "make_cert", "server_context", "splunk_default", "write_pem"]
