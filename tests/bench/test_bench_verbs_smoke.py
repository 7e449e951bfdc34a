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
import extract_floor  # noqa: E402

from collect_support import sheet_rows  # noqa: E402
from kehoach.sheets import extract_layout as ex  # noqa: E402
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
    # The extract floor wrote one workbook per agency file, with the same values.
    assert "| `extract` |" in printed and "(extract) |" in printed
    ours = sorted(p.name for p in (tmp_path / "GuiCoQuan").glob("*.xlsx"))
    floor = sorted(p.name for p in (tmp_path / "extract-floor").glob("*.xlsx"))
    assert floor == ours and len(ours) > 1
    (ours_book,) = extract_floor.cells_of_file(tmp_path / "GuiCoQuan" / ours[0])
    (floor_book,) = extract_floor.cells_of_file(tmp_path / "extract-floor" / ours[0])
    assert floor_book == ours_book
    sheets = dict(ours_book[1])
    assert len(sheets) > 1 and sum(v is not None for r in sheets[ex.TASKS_SHEET] for v in r) > 50
    # collect is also measured against its own floor, whose collected copy holds the returns,
    # and every floor also on lxml.
    assert "| `collect` |" in printed and "(collect) |" in printed and "on lxml" in printed
    collected = sheet_rows(tmp_path / "collected" / "KeHoach2023.xlsm", pl.PROGRESS_SHEET)
    assert len(collected) == len(
        sheet_rows(tmp_path / "run" / "KeHoach2023.xlsm", pl.PROGRESS_SHEET)
    )


def test_the_collect_floor_loads_what_collect_reads_and_saves_what_it_writes() -> None:
    medians = {
        "read floor": 0.5,
        "collected read floor": 0.9,
        "collected write floor": 1.6,
        "read floor (lxml)": 0.4,
        "collected read floor (lxml)": 0.7,
        "collected write floor (lxml)": 1.2,
        "write floor": 0.8,
    }
    assert bench_verbs._floor(medians, bench_verbs.COLLECT, "") == pytest.approx(0.5 + 0.7)
    assert bench_verbs._floor(medians, bench_verbs.COLLECT, " (lxml)") == pytest.approx(0.4 + 0.5)
    assert bench_verbs._floor(medians, bench_verbs.WRITE, "") == 0.8


def test_the_floors_run_openpyxl_as_kehoach_does_and_on_lxml(tmp_path: Path) -> None:
    code = "import openpyxl.xml as x; print(x.LXML)"
    seen = {}
    for suffix, env in bench_verbs.floor_envs(tmp_path).items():
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        )
        seen[suffix] = done.stdout.strip()
    assert seen == {"": "False", bench_verbs.LXML: "True"}


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
    assert (
        "| *collected write floor: load keep_vba + save, after a round of returns* | 1.20 | | | |"
        in text
    )
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


def test_the_readme_table_gives_each_verb_against_its_own_floor() -> None:
    report = {
        "verbs": [
            {"verb": "export", "kind": "read", "seconds": 0.6, "floor": 0.5, "ratio": 1.2,
             "goal": 1.3},
            {"verb": "collect", "kind": "write", "seconds": 3.0, "floor": 1.0, "ratio": 3.0,
             "goal": 1.5},
            {"verb": "collect", "kind": "collect", "seconds": 3.0, "floor": 2.0, "ratio": 1.5,
             "goal": 1.5},
        ],
    }  # fmt: skip
    lines = bench_verbs.readme_table(report).splitlines()
    assert lines[2:] == [
        "| `export` | 0.60 | load (0.50) | 1.20 | ≤ 1.3: met |",
        "| `collect` | 3.00 | load + save of the master written (2.00) | 1.50 | ≤ 1.5: met |",
    ]


def test_the_readme_shows_every_verb_in_the_benchmarks_table() -> None:
    readme = (BENCH.parent / "README.md").read_text(encoding="utf-8")
    header = bench_verbs.readme_table({"verbs": []}).splitlines()[0]
    assert header in readme
    table = readme[readme.index(header) :].split("\n\n", 1)[0]
    for verb in bench_verbs.VERBS:
        assert f"| `{verb}` |" in table, verb
