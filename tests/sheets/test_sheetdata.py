"""Plan sheets as DataFrames of raw values, indexed by Excel row."""

from __future__ import annotations

from pathlib import Path

import pytest

from kehoach.cli import default_workbook
from kehoach.common.errors import WorkbookError
from kehoach.sheets import layout
from kehoach.sheets.sheetdata import (
    appendix_table,
    cell_ref,
    load_for_writing,
    workbook_contents,
    workbook_values,
)


@pytest.fixture(scope="module")
def values() -> dict[str, list[list[object]]]:
    return workbook_values(default_workbook())


def test_rows_are_indexed_by_excel_row_and_keep_raw_values(values: dict) -> None:
    frame = appendix_table(values, "PL2")
    row = frame.index[frame["id"] == "PL2-TC-1.2"][0]
    assert values["PL2"][row - 1][0] == "PL2-TC-1.2"
    assert frame.loc[row, "code"] == "TC 1.2"
    assert frame.loc[row, "max"] == 0.5
    assert frame.loc[row, "score_base"] == 0
    assert list(frame.columns[:3]) == ["id", "tt", "code"]
    assert frame.index.min() == layout.FIRST_DATA_ROW


def test_text_typed_in_a_number_cell_stays_text(values: dict) -> None:
    damaged = {k: [list(r) for r in v] for k, v in values.items()}
    damaged["PL4"][5][layout.column_index(layout.APPENDIX_COLUMNS["PL4"], "max") - 1] = "2,50"
    frame = appendix_table(damaged, "PL4")
    assert frame.loc[6, "max"] == "2,50"


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (lambda v: v.pop("PL3"), "Thiếu trang tính 'PL3'"),
        (lambda v: v["PL3"].insert(0, []), "trang tính 'PL3', ô A3"),
        (lambda v: v.__setitem__("PL3", v["PL3"][:3]), "trang tính 'PL3', ô A4"),
        (lambda v: v.__setitem__("PL3", []), "trang tính 'PL3', ô A3"),
    ],
    ids=["deleted", "header-moved", "no-data", "empty"],
)
def test_damaged_sheets_name_the_sheet_and_cell(values: dict, damage, expected: str) -> None:
    damaged = {k: [list(r) for r in v] for k, v in values.items()}
    damage(damaged)
    with pytest.raises(WorkbookError) as err:
        appendix_table(damaged, "PL3", file="KeHoach2023.xlsm")
    assert expected in str(err.value)
    assert "KeHoach2023.xlsm" in str(err.value)


def test_missing_and_non_workbook_files(tmp_path: Path) -> None:
    with pytest.raises(WorkbookError, match="Không tìm thấy"):
        workbook_values(tmp_path / "x.xlsm")
    junk = tmp_path / "junk.xlsx"
    junk.write_text("không phải workbook", encoding="utf-8")
    with pytest.raises(WorkbookError, match="Không mở được"):
        workbook_values(junk)


def test_cell_ref_quotes_sheet_names() -> None:
    assert cell_ref("PL2", "F", 12) == "'PL2'!F12"  # PL2 alone would be a cell address
    assert cell_ref("Nhiệm vụ", "B", 4) == "'Nhiệm vụ'!B4"


def test_load_for_writing_names_a_file_that_is_not_a_workbook(tmp_path: Path) -> None:
    from kehoach.common.errors import WorkbookError

    bad = tmp_path / "KeHoach.xlsm"
    bad.write_text("không phải workbook")
    with pytest.raises(WorkbookError) as info:
        load_for_writing(bad)
    assert "Không mở được workbook" in str(info.value) and "KeHoach.xlsm" in str(info.value)


def test_skipped_sheets_are_not_read_and_the_others_are_as_read_in_full(
    master_xlsm: Path,
) -> None:
    skip = (layout.TASKS_SHEET, layout.GAPS_SHEET)
    values, names = workbook_contents(master_xlsm, skip=skip)
    full, full_names = workbook_contents(master_xlsm)
    assert set(values) == set(full) - set(skip)
    assert values == {name: rows for name, rows in full.items() if name not in skip}
    assert names == full_names
