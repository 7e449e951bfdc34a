"""Build step of the wheel: copy the top-level macros/ and templates/ into the package.

macros/ and templates/ stay at the top of the checkout, their one source (the workbook build,
the tests and the docs name them there); the wheel carries them as ``kehoach/macros`` and
``kehoach/templates``, every file, recursively, so a file added there needs no change here.
Everything else about the package is in pyproject.toml. ``kehoach.common.resources`` finds them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
RESOURCE_FOLDERS = ("macros", "templates")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "~$*", ".*")


class BuildPyWithResources(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout's folders directly
        for name in RESOURCE_FOLDERS:
            target = Path(self.build_lib) / "kehoach" / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(HERE / name, target, ignore=IGNORED)


setup(cmdclass={"build_py": BuildPyWithResources})
