"""README's code blocks run as written (issue #28): a library example that raises is worse than
none. Python blocks with tests run under pytest (the installed plugin gives them the look-alike
fixtures); the others run as scripts. Nothing they do leaves loopback (the library example is
offline)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import hec_doctor

ROOT = Path(__file__).resolve().parent.parent
BLOCKS = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.DOTALL)


def test_readme_has_python_blocks():
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_python_block_runs(tmp_path, index):
    code = BLOCKS[index]
    if "def test_" in code:
        (tmp_path / "test_readme_block.py").write_text(code)
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                   "test_readme_block.py"]
    else:
        (tmp_path / "readme_block.py").write_text(code)
        command = [sys.executable, "readme_block.py"]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr


# The public API, pinned: adding a name is a decision, removing one a breaking change.
PUBLIC = {
    "__version__", "build_target", "parse_target", "Target", "Destination", "run", "Options",
    "ResolveOverride", "Report", "CheckResult", "Status", "ErrorReason", "ExitCode",
    "LogpushPrediction", "exit_code_for", "Batch", "make_batch", "batch_exit_code",
    "OutputFormat", "render_batch", "parse_jobs", "check_job", "explain_message", "HecServer",
    "HecConfig", "HecDoctorError", "InputError", "TargetError", "FetchError", "OutputError",
}


def test_all_is_pinned_and_every_name_resolves():
    assert set(hec_doctor.__all__) == PUBLIC
    for name in hec_doctor.__all__:
        assert getattr(hec_doctor, name) is not None, name


def test_render_batch_is_the_function_whatever_was_imported_first():
    # "render" was the export once: importing OutputFormat loads the hec_doctor.render package,
    # which then stood where the function should (README's example raised TypeError).
    from hec_doctor import OutputFormat, render_batch

    assert callable(render_batch) and OutputFormat.JSON.value == "json"


def test_build_target_speaks_library_words():
    import inspect

    parameters = inspect.signature(hec_doctor.build_target).parameters
    assert {"token", "ambient_token", "insecure_skip_verify"} <= set(parameters)
    assert not {"token_flag", "token_env", "skip_verify_flag"} & set(parameters)


def test_internal_packages_say_so_and_the_public_ones_are_named():
    import importlib
    import pkgutil

    import hec_doctor

    for module in pkgutil.iter_modules(hec_doctor.__path__):
        if not module.ispkg:
            continue
        package = importlib.import_module(f"hec_doctor.{module.name}")
        doc = package.__doc__ or ""
        if module.name == "lookalike":  # HecServer, HecConfig and the fixtures are public
            assert "HecServer" in doc
            continue
        assert "Internal: not part of the public API" in doc, module.name
