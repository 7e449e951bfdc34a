"""The history workbook of a collection (kehoach.collect.history_file, collect.save_history): where
it
goes, what it holds, text kept as text, sheets continued at the row limit, never overwritten,
a clear error when it cannot be written."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from kehoach.collect.history_file import HistoryError, history_dir, read_history, write_history
from kehoach.collect.returns import FileOutcome, ReportRow
from kehoach.collect.run import plan_collection, save_history
from kehoach.sheets import progress_layout as pl
from kehoach.sheets.edits import WriteValues
from kehoach.sheets.spec import TIME_FORMAT
from kehoach.state.master import state_from_values

WHEN = datetime(2023, 12, 1, 8, 0, 0)


def change(n: int, new: Any = 50) -> list[Any]:
    return [WHEN, "So-Noi-vu.xlsx", "ab" * 32, "SNV", f"PL1-NV{n}", "% hoàn thành", None, new]


def test_rows_go_to_a_workbook_named_by_the_run_beside_the_master(tmp_path: Path) -> None:
    master = tmp_path / "KeHoach2023.xlsm"
    rows = [change(1), change(2, "30/09/2023"), change(3, True)]
    name = write_history(rows, master, WHEN)
    assert name == "KeHoach2023_LichSu/LichSu_2023-12-01_080000.xlsx"
    path = tmp_path / name
    assert path.parent == history_dir(master)
    assert read_history(path) == [tuple(r) for r in rows]
    ws = load_workbook(path)[pl.CHANGES_SHEET]
    assert (
        ws["A1"].value
        == "Lịch sử thay đổi của lần thu thập 01/12/2023 08:00 (workbook KeHoach2023.xlsm)"
    )
    assert [c.value for c in ws[pl.HEADER_ROW]] == [c.header for c in pl.CHANGES_COLUMNS]
    assert ws.cell(pl.FIRST_DATA_ROW, 1).number_format == TIME_FORMAT
    assert ws.freeze_panes == f"A{pl.FIRST_DATA_ROW}"
    assert not list(path.parent.glob(".*.tmp.xlsx"))  # the temporary file is gone


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    name = write_history(
        [change(1, "=HYPERLINK(1)"), change(2, "+84 912")], tmp_path / "m.xlsm", WHEN
    )
    ws = load_workbook(tmp_path / name)[pl.CHANGES_SHEET]
    new = len(pl.CHANGES_COLUMNS)
    cells = [ws.cell(row, new) for row in (pl.FIRST_DATA_ROW, pl.FIRST_DATA_ROW + 1)]
    assert [(c.value, c.data_type) for c in cells] == [("=HYPERLINK(1)", "s"), ("+84 912", "s")]


def test_no_rows_no_file(tmp_path: Path) -> None:
    assert write_history([], tmp_path / "m.xlsm", WHEN) == ""
    assert list(tmp_path.iterdir()) == []


def test_a_second_run_in_the_same_second_never_overwrites(tmp_path: Path) -> None:
    master = tmp_path / "m.xlsm"
    first = write_history([change(1)], master, WHEN)
    second = write_history([change(2)], master, WHEN)
    assert second == "m_LichSu/LichSu_2023-12-01_080000_2.xlsx" != first
    assert read_history(tmp_path / first) == [tuple(change(1))]
    assert read_history(tmp_path / second) == [tuple(change(2))]


def test_rows_beyond_a_sheet_go_on_in_the_next_sheet_with_the_same_heading(
    tmp_path: Path,
) -> None:
    rows = [change(n) for n in range(5)]
    name = write_history(rows, tmp_path / "m.xlsm", WHEN, rows_per_sheet=2)
    wb = load_workbook(tmp_path / name)
    assert wb.sheetnames == ["LichSu", "LichSu (2)", "LichSu (3)"]
    assert [wb[s].max_row - pl.FIRST_DATA_ROW + 1 for s in wb.sheetnames] == [2, 2, 1]
    assert all(wb[s].cell(pl.HEADER_ROW, 1).value == "Thời điểm thu thập" for s in wb.sheetnames)
    assert read_history(tmp_path / name) == [tuple(r) for r in rows]


def test_a_folder_that_cannot_be_made_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "m_LichSu").write_text("a file, not a folder")
    with pytest.raises(HistoryError) as err:
        write_history([change(1)], tmp_path / "m.xlsm", WHEN)
    assert "Không ghi được tệp lịch sử chi tiết" in str(err.value)
    assert "m_LichSu" in str(err.value)


def test_save_history_names_the_workbook_on_the_rows_of_files_that_changed_cells(
    tmp_path: Path,
) -> None:
    def outcome(name: str, agency: str, percent: float | None) -> FileOutcome:
        values = {"status": "Đang thực hiện" if percent else None, "percent": percent}
        return FileOutcome(
            name=name,
            sha256=name.ljust(64, "0"),
            accepted=True,
            agency=agency,
            report_date=date(2023, 9, 30),
            rows=(ReportRow(task_id="PL1-NV1", row=4, values=values),),
        )

    planned = plan_collection(
        state_from_values({}), [outcome("a.xlsx", "SNV", 40), outcome("b.xlsx", "STC", None)], WHEN
    )
    saved = save_history(planned, tmp_path / "m.xlsm")
    assert saved.history_file == "m_LichSu/LichSu_2023-12-01_080000.xlsx"
    assert read_history(tmp_path / saved.history_file) == [
        tuple(c.cells()) for c in planned.changes
    ]
    rows = [r.row(saved.history_file) for r in saved.receipts]
    assert WriteValues(pl.HISTORY_SHEET, f"A{pl.FIRST_DATA_ROW}", rows) in saved.edits()
    assert [(r[1], r[6], r[7], r[8]) for r in rows] == [
        ("a.xlsx", 1, 2, saved.history_file),
        ("b.xlsx", 0, 0, None),  # taken in (its SHA-256 is known next time), changed nothing
    ]
    assert "(chi tiết: m_LichSu/LichSu_2023-12-01_080000.xlsx)" in saved.summary()
