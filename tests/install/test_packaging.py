"""kehoach as users get it: the wheel built, installed (not editable) into a new virtualenv,
and the officials' whole round run there: build → check → extract → collect → summary."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import tempfile
import zipfile
import zlib
from pathlib import Path

import pytest

from collect_support import write_returns
from mail_support import prepare_master

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.packaging


def _run(cmd: list[str | Path], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(c) for c in cmd],
        capture_output=True,
        text=True,
        check=False,
        **kwargs,  # type: ignore[call-overload]
    )


def build_wheel(out: Path) -> Path:
    """The kehoach wheel as ``pip wheel`` builds it from the checkout (no dependencies).

    pip builds in the checkout (its build/ folder and egg-info), so two test processes
    (pytest-xdist) take turns."""
    lock = Path(tempfile.gettempdir()) / f"kehoach-wheel-{zlib.crc32(bytes(ROOT)):08x}.lock"
    with lock.open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # released when the file closes
        result = _run([sys.executable, "-m", "pip", "wheel", ROOT, "--no-deps", "-q", "-w", out])
    assert result.returncode == 0, result.stderr
    (wheel,) = out.glob("kehoach-*.whl")
    return wheel


def files_under(folder: Path) -> set[str]:
    return {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("wheel"))


def test_the_wheel_carries_every_file_of_macros_templates_and_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder, inside in (
        (ROOT / "macros", "kehoach/macros/"),
        (ROOT / "templates", "kehoach/templates/"),
        (ROOT / "pylib" / "kehoach" / "data", "kehoach/data/"),
    ):
        expected = {inside + name for name in files_under(folder)}
        assert expected <= names, sorted(expected - names)
    assert "kehoach/macros/vendor/xlwings-0.37.8/xlwings.bas" in names
    assert "kehoach/__main__.py" in names
    assert not [n for n in names if n.startswith(("workbook/", "tests/")) or n.endswith(".xlsm")]


def test_the_installed_wheel_runs_the_whole_round(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    assert _run([sys.executable, "-m", "venv", venv]).returncode == 0
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / "python"
    # Dependencies as pip resolves them for a user (the pip cache makes this quick).
    result = _run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check", wheel])
    assert result.returncode == 0, result.stderr

    work = tmp_path / "work"  # far from the checkout: nothing may be found through it
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}

    def kehoach(*args: str | Path, script: bool = False) -> subprocess.CompletedProcess[str]:
        cmd: list[str | Path] = [bindir / "kehoach"] if script else [python, "-m", "kehoach"]
        return _run([*cmd, *args], cwd=work, env=env)

    where = _run([python, "-c", "import kehoach; print(kehoach.__file__)"], cwd=work, env=env)
    assert str(venv) in where.stdout, where.stdout  # the installed copy, not pylib/

    master = work / "KeHoach2023.xlsm"
    built = kehoach("build", script=True)  # default output: the current folder
    assert built.returncode == 0, built.stderr
    assert master.is_file()
    names = zipfile.ZipFile(master).namelist()
    assert "xl/vbaProject.bin" in names
    assert "customUI/customUI.xml" in names
    # The same sources give the same bytes as the checkout's build.
    here = tmp_path / "checkout.xlsm"
    from kehoach.cli import main

    assert main(["build", "--out", str(here)]) == 0
    assert master.read_bytes() == here.read_bytes()

    checked = kehoach("check", master, "--json")
    assert checked.returncode in (0, 1), checked.stderr
    assert isinstance(json.loads(checked.stdout), list)

    out = work / "GuiCoQuan"
    extracted = kehoach("extract", master, "--out", out, "--generated-at", "2023-07-01T09:30:00")
    assert extracted.returncode == 0, extracted.stderr
    assert (out / "manifest.json").is_file()

    returns = work / "TraLoi"
    write_returns(out, returns)
    collected = kehoach("collect", master, "--from", returns, "--json")
    assert collected.returncode == 1, collected.stderr  # the tampered file is refused
    counts = json.loads(collected.stdout)["counts"]
    assert counts["rejected"] == 1
    assert counts["accepted"] >= 2

    summary = kehoach("summary", master, "--as-of", "2023-12-31", "--write", "--json")
    assert summary.returncode == 0, summary.stderr
    assert json.loads(summary.stdout)["as_of"] == "2023-12-31"

    prepare_master(master)
    mail = kehoach("mail", master, "--files", out, "--eml-dir", work / "ThuGui")
    assert mail.returncode == 0, mail.stderr  # reads the packaged e-mail templates
    assert len(list((work / "ThuGui").glob("*.eml"))) == 2  # the two agencies with addresses

    version = kehoach("--version")
    assert version.stdout.strip().startswith("kehoach ")
