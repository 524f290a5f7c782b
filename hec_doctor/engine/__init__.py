"""Running the checks: one target (``run``), many on both cores (``run_many``), and what Logpush's
Go pusher will report, folded from the check results (``predict``).

May import: ``checks``, ``render``, ``messages`` and everything below them (never ``cloudflare``,
``watch``, ``lookalike``, ``commands``, ``cli``).

Internal: not part of the public API (that is ``hec_doctor.__all__``); it may change
between versions.
"""
