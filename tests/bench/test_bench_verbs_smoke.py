"""bench/bench_verbs.py once on the embedded plan: every verb runs and does its work, the table
has every row. Never asserts a time: that is the benchmark's to report."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import bench_verbs  # noqa: E402

from collect_support import sheet_rows  # noqa: E402
from kehoach.sheets import progress_layout as pl  # noqa: E402


def test_every_verb_runs_once_beside_the_floors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert bench_verbs.main(["--runs", "1", "--work", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    for verb in bench_verbs.VERBS:
        assert f"| `{verb}` |" in printed, verb
    assert "read floor" in printed and "write floor" in printed
    assert "collected write floor" in printed
    # The verbs "after a round" write a master whose TienDo has every agency's rows.
    collected = sheet_rows(tmp_path / "collected" / "KeHoach2023.xlsm", pl.PROGRESS_SHEET)
    assert len(collected) > 3000
    # The returns are really taken in: collect (the last verb) filled TienDo of its copy.
    intake = sheet_rows(tmp_path / "run" / "KeHoach2023.xlsm", pl.INTAKE_SHEET)
    assert len(intake) == len(list((tmp_path / "TraLoi").glob("*.xlsx"))) > 0
    assert {r[3] for r in intake} == {pl.ACCEPTED}
    assert sheet_rows(tmp_path / "run" / "KeHoach2023.xlsm", pl.PROGRESS_SHEET)


def test_report_ratios_are_against_the_floor_of_their_kind() -> None:
    report = {
        "master": "KeHoach2023.xlsm",
        "runs": 1,
        "measure": "cpu",
        "floors": {"read": 0.5, "write": 1.0, "collected write": 1.2},
        "verbs": [
            {"verb": "export", "kind": "read", "seconds": 0.6, "floor": 0.5, "ratio": 1.2,
             "goal": 1.3},
            {"verb": "collect", "kind": "write", "seconds": 2.0, "floor": 1.0, "ratio": 2.0,
             "goal": 1.5},
            {"verb": "summary --write after a round", "kind": "collected write", "seconds": 0.6,
             "floor": 1.2, "ratio": 0.5, "goal": 1.5},
        ],
    }  # fmt: skip
    text = bench_verbs.table(report)
    assert "| `export` | 0.60 | 0.50 (read) | 1.20× | ≤ 1.3×: met |" in text
    assert "| `collect` | 2.00 | 1.00 (write) | 2.00× | ≤ 1.5×: not met |" in text
    assert "| *collected write floor: the same after a round* | 1.20 | | | |" in text
    assert "| `summary --write after a round` | 0.60 | 1.20 (collected write) | 0.50× |" in text


def test_the_verbs_that_do_not_need_pandas_do_not_import_it() -> None:
    """export, extract and collect read the master without a DataFrame: pandas' import (a
    fifth of a second) is not theirs to pay."""
    code = (
        "import sys\n"
        "import kehoach.cli, kehoach.plan.reader, kehoach.workbook.master, kehoach.extract.files\n"
        "import kehoach.collect.run, kehoach.sheets.sheetdata\n"
        "import kehoach.workbook.xlsm, kehoach.workbook.leftovers\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pandas'))"
    )
    env = {**os.environ, "PYTHONPATH": str(BENCH.parent / "pylib")}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.strip() == "[]"
