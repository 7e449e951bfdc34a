"""The environment of the benchmarks' child processes, ours and the floors alike.

An installed ``kehoach`` imports its modules from their compiled ``.pyc`` files; a child that
compiles ~60 modules of ours at every start (as it does where ``PYTHONDONTWRITEBYTECODE`` is
set) pays a tenth of a second the floors, which import little of ours, do not. So every child
may write bytecode, into a cache folder inside the bench's work folder
(``PYTHONPYCACHEPREFIX``: the source tree gets no ``__pycache__``), and each script runs every
command once, untimed, before its timed runs (``warm_up``), so the caches exist when timing
starts.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE_FOLDER = "pycache"  # inside the bench's work folder


def child_env(work: Path) -> dict[str, str]:
    """This process's environment for a benchmark child: ``PYTHONPATH`` at ``pylib``, no
    ``PYTHONDONTWRITEBYTECODE``, bytecode cached under ``work/pycache``."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT / "pylib")
    env["PYTHONPYCACHEPREFIX"] = str(Path(work).resolve() / CACHE_FOLDER)
    return env


def warm_up(cmd: Sequence[str], work: Path, cwd: Path = ROOT) -> None:
    """Run ``cmd`` once with ``child_env(work)``, untimed and whatever its exit code, so that
    the bytecode of what it imports is cached before the timed runs."""
    subprocess.run(list(cmd), cwd=cwd, env=child_env(work), capture_output=True, check=False)
