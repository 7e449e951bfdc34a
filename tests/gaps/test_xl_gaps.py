"""The button "Tính chênh lệch" (kehoach.xl.compute_gaps) through xlwings' remote engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from gap_support import type_results
from kehoach import xl
from kehoach.gaps.compute import compute_gaps, gap_edits
from kehoach.sheets import layout
from kehoach.sheets.edits import apply_to_workbook
from kehoach.sheets.sheetdata import workbook_values
from kehoach.state.master import state_from_values
from xlharness import cell_link, run_entry, shown


def block(path: Path) -> list[list[Any]]:
    ws = load_workbook(path)[layout.GAPS_SHEET]
    return [
        [shown(c) for c in row]
        for row in ws.iter_rows(min_row=layout.GAPS_BLOCK_ROW, max_col=11)
        if any(c.value is not None for c in row)
    ]


def links(path: Path) -> list[tuple[str, str]]:
    ws = load_workbook(path)[layout.GAPS_SHEET]
    return [
        (c.coordinate, link[0])
        for row in ws.iter_rows(min_row=layout.GAPS_BLOCK_ROW)
        for c in row
        if (link := cell_link(c)) is not None
    ]


def test_button_writes_the_block_and_alerts(master_xlsm: Path, xl_remote: Any) -> None:
    result = run_entry(master_xlsm, xl.compute_gaps)
    alert = result.alert
    assert alert.title == "Chênh lệch so với mục tiêu"
    assert "PL2: năm 2022 đạt 35,08/53,25 điểm" in alert.text
    assert "5,93 ở tiêu chí điều tra XHH và 12,24 ở tiêu chí khác" in alert.text
    assert f"trang '{layout.GAPS_SHEET}' từ dòng {layout.GAPS_BLOCK_ROW}" in alert.text
    rows = block(result.path)
    assert rows[0][0].startswith("Kết quả bấm nút")
    ranked = [r for r in rows if r[0] == "PL2" and isinstance(r[6], float)]
    assert ranked[0][1:7] == [ranked[0][1], "TC 5.7", "x", 4, 2.6994, ranked[0][6]]
    assert abs(ranked[0][6] - 1.3006) < 1e-9
    tc57 = next(
        i + 1 for i, r in enumerate(workbook_values(master_xlsm)["PL2"]) if r[0] == "PL2-TC-5.7"
    )
    ws = load_workbook(result.path)[layout.GAPS_SHEET]
    cell = next(c.coordinate for c in ws["C"] if shown(c) == "TC 5.7")
    assert (cell, f"'PL2'!A{tc57}") in links(result.path)


def test_button_equals_cli_write(master_xlsm: Path, tmp_path: Path, xl_remote: Any) -> None:
    """The xlwings applier and the openpyxl applier (CLI --write) give the same block."""
    typed = type_results(master_xlsm, tmp_path / "typed.xlsm")
    by_button = run_entry(typed, xl.compute_gaps, dst=tmp_path / "button.xlsm").path
    wb = load_workbook(typed, keep_vba=True)
    apply_to_workbook(wb, gap_edits(compute_gaps(state_from_values(workbook_values(typed)))))
    wb.save(tmp_path / "cli.xlsm")
    assert block(by_button) == block(tmp_path / "cli.xlsm")
    assert [t for _, t in links(by_button)] == [t for _, t in links(tmp_path / "cli.xlsm")]
    assert any(r[0].startswith("Các tiêu chí chưa đạt mục tiêu 2023") for r in block(by_button))
    # The same look: the rows' heights (wrapped names) and number formats (SIPAS in percent).
    assert looks(by_button) == looks(tmp_path / "cli.xlsm")
    formats = {f for _, _, f in looks(by_button)}
    assert {"0.00", '0.00" %"'} <= formats


def looks(path: Path) -> list[tuple[int, float | None, str]]:
    ws = load_workbook(path)[layout.GAPS_SHEET]
    return [
        (row[0].row, ws.row_dimensions[row[0].row].height, row[4].number_format)
        for row in ws.iter_rows(min_row=layout.GAPS_BLOCK_ROW, max_col=11)
        if row[0].value is not None
    ]


def test_damaged_workbook_alerts_and_changes_nothing(master_xlsm: Path, xl_remote: Any) -> None:
    wb = load_workbook(master_xlsm, keep_vba=True)
    col = layout.column_letter(layout.APPENDIX_COLUMNS["PL4"], layout.RESULT_KEY)
    wb["PL4"][f"{col}6"] = "abc"
    wb.save(master_xlsm)
    result = run_entry(master_xlsm, xl.compute_gaps)
    assert [a["func"] for a in result.actions] == ["alert"]
    assert result.alert.title == "Lỗi" and result.alert.mode == "critical"
    assert f"trang tính 'PL4', ô {col}6" in result.alert.text
    assert "đang là chữ «abc»" in result.alert.text


def test_missing_sheet_alerts(master_xlsm: Path, xl_remote: Any) -> None:
    wb = load_workbook(master_xlsm, keep_vba=True)
    wb["PL2"].title = "PL2 (cũ)"
    wb.save(master_xlsm)
    result = run_entry(master_xlsm, xl.compute_gaps)
    assert [a["func"] for a in result.actions] == ["alert"]
    assert "Thiếu trang tính 'PL2'" in result.alert.text
