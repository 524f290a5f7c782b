"""Whether to colour output: a choice (``--color``), ``NO_COLOR``, and whether stdout is a
terminal. Apart from the commands so that the fast paths of ``hec_doctor.cli`` can use it
without loading click."""

from __future__ import annotations

import os
import sys


def want_color(choice: str) -> bool:
    """``always``, ``never``, or ``auto``: colour on a terminal unless NO_COLOR is set
    (no-color.org)."""
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()
