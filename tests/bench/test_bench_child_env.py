"""The benchmarks' children import from bytecode cached in the bench's work folder, never
compiling at every start nor writing into the source tree (bench/child_env.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import child_env  # noqa: E402


def test_the_env_lets_children_write_bytecode_under_the_work_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    env = child_env.child_env(tmp_path)
    assert "PYTHONDONTWRITEBYTECODE" not in env
    assert env["PYTHONPYCACHEPREFIX"] == str(tmp_path.resolve() / "pycache")
    assert env["PYTHONPATH"] == str(BENCH.parent / "pylib")


def test_a_child_started_with_it_caches_its_modules_under_the_prefix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    source = tmp_path / "src"
    source.mkdir()
    (source / "bench_probe_module.py").write_text("VALUE = 42\n")
    work = tmp_path / "work"
    code = (
        f"import sys; sys.path.insert(0, {str(source)!r})\n"
        "import bench_probe_module, kehoach.common.untrusted_text\n"
        "print(bench_probe_module.VALUE)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=child_env.child_env(work),
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "42"
    cached = {p.name for p in (work / "pycache").rglob("*.pyc")}
    tag = sys.implementation.cache_tag
    assert f"bench_probe_module.{tag}.pyc" in cached
    assert f"untrusted_text.{tag}.pyc" in cached  # ours, from PYTHONPATH
    assert not list(source.rglob("__pycache__"))  # the source folder gets none


def test_warm_up_runs_the_command_once_and_fills_the_cache(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / "bench_probe_warm.py").write_text("open(__file__ + '.ran', 'a').write('x')\n")
    child_env.warm_up(
        [sys.executable, "-c", "import bench_probe_warm"], tmp_path / "work", cwd=source
    )
    assert (source / "bench_probe_warm.py.ran").read_text() == "x"
    tag = sys.implementation.cache_tag
    assert list((tmp_path / "work" / "pycache").rglob(f"bench_probe_warm.{tag}.pyc"))
