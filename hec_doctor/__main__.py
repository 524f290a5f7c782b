"""Entry point for ``python -m hec_doctor``."""

from hec_doctor.cli import main

raise SystemExit(main())
