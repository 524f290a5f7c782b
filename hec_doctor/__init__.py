"""hec-doctor: checks a Splunk HEC destination (above all for Cloudflare Logpush) and says exactly
what will go wrong and how to fix it.

The public API::

    from hec_doctor import build_target, run, Options, exit_code_for
    report = run(build_target("splunk://hec.example.com:8088/services/collector/raw?...",
                              token="..."))
    print(report.verdict, report.logpush.predicted_error)
"""

from __future__ import annotations

__version__ = "0.4.1"  # the one place; CHANGELOG.md says what each version changed

# Imported lazily (PEP 562) so `hec-doctor --version` does not pay for the whole engine.
_EXPORTS = {
    "build_target": "hec_doctor.target",
    "parse_target": "hec_doctor.target",
    "Target": "hec_doctor.target",
    "Destination": "hec_doctor.target",
    "run": "hec_doctor.engine.run",
    "Options": "hec_doctor.models",
    "ResolveOverride": "hec_doctor.models",
    "Report": "hec_doctor.models",
    "CheckResult": "hec_doctor.models",
    "Status": "hec_doctor.models",
    "ErrorReason": "hec_doctor.models",
    "ExitCode": "hec_doctor.exitcodes",
    "LogpushPrediction": "hec_doctor.models",
    "exit_code_for": "hec_doctor.models",
    "Batch": "hec_doctor.models",
    "make_batch": "hec_doctor.models",
    "batch_exit_code": "hec_doctor.models",
    "OutputFormat": "hec_doctor.render",
    # Not "render": that name is the hec_doctor.render package, which replaces any lazy export
    # of the same name as soon as it is imported (as OutputFormat's import does).
    "render_batch": "hec_doctor.render",
    "parse_jobs": "hec_doctor.cloudflare.jobs",
    "check_job": "hec_doctor.cloudflare.jobs",
    "explain_message": "hec_doctor.messages.classify",
    "HecServer": "hec_doctor.lookalike.server",
    "HecConfig": "hec_doctor.lookalike.server",
    "HecDoctorError": "hec_doctor.errors",
    "InputError": "hec_doctor.errors",
    "TargetError": "hec_doctor.errors",
    "FetchError": "hec_doctor.errors",
    "OutputError": "hec_doctor.errors",
}

__all__ = ["__version__", *_EXPORTS]


_RENAMED = {"render_batch": "render"}


def __getattr__(name: str) -> object:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'hec_doctor' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module_name), _RENAMED.get(name, name))
