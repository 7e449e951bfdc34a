"""A real master with its signed agency files, and returns filled in as agencies would.

``returned_master(folder)`` copies the session's master-with-key (``kehoach extract`` run once
on the real plan) into ``folder`` and writes a return folder: Sở Nội vụ twice (a September
report, then a November one that changes one task), Sở Tư pháp once, and one tampered file.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from kehoach.cli import main
from kehoach.sheets import extract_layout as ex
from kehoach.sheets import progress_layout as pl
from returns_corpus import DONE, GOING, edit, fill

GENERATED_AT = "2023-07-01T09:30:00"
RECEIVED_AT = datetime(2023, 12, 1, 8, 0, 0)
LATER = {
    **GOING,
    ex.PERCENT_KEY: 80,
    ex.REPORT_DATE_KEY: datetime(2023, 11, 15),
    ex.RESULTS_KEY: "0123",  # text Excel would read as a number if written as typed
}
PROGRESS_KEYS = [c.key for c in pl.PROGRESS_COLUMNS]


@dataclass(frozen=True)
class Returned:
    master: Path
    returns: Path  # the return folder


def make_source(folder: Path) -> tuple[Path, Path]:
    """Once per session: the real master (``master`` fixture's build) given a key by
    ``kehoach extract``, and the generated files. Returns (master, extracts folder)."""
    from plan_workbooks import build_real_master

    master = build_real_master(folder / "KeHoach2023.xlsm")
    out = folder / "GuiCoQuan"
    code = main(["extract", str(master), "--out", str(out), "--generated-at", GENERATED_AT])
    assert code == 0
    return master, out


def write_returns(extracts: Path, returns: Path) -> None:
    returns.mkdir(parents=True, exist_ok=True)
    snv = (extracts / "So-Noi-vu.xlsx").read_bytes()
    stp = (extracts / "So-Tu-phap.xlsx").read_bytes()
    (returns / "So-Noi-vu.xlsx").write_bytes(fill(snv, {4: DONE, 5: GOING}))
    (returns / "So-Noi-vu (thang 11).xlsx").write_bytes(fill(snv, {4: DONE, 5: LATER}))
    (returns / "So-Tu-phap.xlsx").write_bytes(fill(stp, {6: GOING}))

    def tamper(wb: Any) -> None:
        wb[ex.TASKS_SHEET][f"{ex.CURRENT.letter('task')}4"].value = "Nhiệm vụ đã bị sửa"

    (returns / "So-Tu-phap (sua).xlsx").write_bytes(edit(fill(stp, {4: GOING}), tamper))


def returned_master(source: tuple[Path, Path], folder: Path) -> Returned:
    master = Path(shutil.copy2(source[0], folder / source[0].name))
    returns = folder / "TraLoi"
    write_returns(source[1], returns)
    return Returned(master, returns)


def sheet_rows(path: Path, sheet: str) -> list[list[Any]]:
    ws = load_workbook(path, data_only=True)[sheet]
    rows = ws.iter_rows(min_row=pl.FIRST_DATA_ROW, values_only=True)
    return [list(r) for r in rows if any(v is not None for v in r)]


def changes(path: Path) -> list[list[Any]]:
    """The cell-level history of the master at ``path``: the rows of every history workbook its
    LichSu names, in LichSu's order (each file once)."""
    from kehoach.collect.history_file import read_history

    details = pl.HISTORY_COLUMNS.index(next(c for c in pl.HISTORY_COLUMNS if c.key == "details"))
    names = dict.fromkeys(r[details] for r in sheet_rows(path, pl.HISTORY_SHEET) if r[details])
    return [list(r) for name in names for r in read_history(path.parent / name)]


def progress(path: Path) -> list[dict[str, Any]]:
    return [dict(zip(PROGRESS_KEYS, r, strict=False)) for r in sheet_rows(path, pl.PROGRESS_SHEET)]


def extract_task_ids(path: Path) -> list[str]:
    """Task ids of an agency workbook, in row order."""
    ws = load_workbook(path, read_only=True)[ex.TASKS_SHEET]
    column = [c.key for c in ex.TASK_COLUMNS].index("task_id")
    return [
        str(r[column])
        for r in ws.iter_rows(min_row=ex.FIRST_DATA_ROW, values_only=True)
        if r[column] is not None
    ]
