"""What Cloudflare knows: Logpush jobs, their API, their Terraform.

``facts`` holds Cloudflare's documented facts (datasets, fields, defaults), each beside its
source; ``job_checks`` judges a job with them (pure); ``jobs`` reads job listings and runs the
destination's checks through ``hec_doctor.engine``; ``api`` and ``validate`` talk to Cloudflare's
API (only when asked to); ``terraform`` and ``hcl`` read plans and ``.tf`` files.

May import: ``engine`` and everything below it (never ``commands``, ``cli``, ``watch``,
``lookalike``).

Internal: not part of the public API (that is ``hec_doctor.__all__``); it may change
between versions.
"""
