"""The checker on the embedded Plan 365: every finding, each read against the plan text
(docs/design.md, "Findings on the embedded plan"), the button through xlwings' remote engine, and
`kehoach check`."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kehoach.checks.findings import Finding
from kehoach.checks.run import CHECK_ALERT_TITLE, check_workbook
from kehoach.cli import main
from kehoach.sheets import layout
from kehoach.sheets.sheetdata import workbook_values
from kehoach.sheets.sheetstyle import LINE_POINTS
from kehoach.state.master import state_from_values
from kehoach.workbook.master import fill_master
from kehoach.workbook.xlsm import build_xlsm, save_xlsm, vba_modules
from lo_support import SOFFICE, soffice_convert
from sample_plans import cell_of, clean_plan, clean_workbook
from xlharness import cell_link, run_entry, shown

ROOT = Path(__file__).resolve().parents[2]

TASKS = layout.TASKS_SHEET
TIMELINE = layout.column_letter(layout.TASK_COLUMNS, "timeline")

# Every error on the embedded plan: (rule, sheet, cell, code).
REAL_ERRORS = [
    ("MA-THUOC-MUC", "PL1", "C23", "TCTP 3.4.3"),  # under section IV
    ("MA-LIEN-PHU-LUC", "PL2", "C5", "TC 1.2"),  # "Công tác kiểm tra CCHC" in PL1
    ("MA-LIEN-PHU-LUC", "PL2", "D30", "V"),  # "CÁI CÁCH CHẾ ĐỘ CÔNG VỤ"
    ("PHAN-CAP", "PL3", "F60", "4"),  # group II "Kết quả dịch vụ": 74,48 vs mean 74,467
    ("PHAN-CAP", "PL3", "G60", "4"),
    ("PHAN-CAP", "PL4", "G5", "1"),  # index 1 target 9,63 vs 7,39
    ("PHAN-CAP", "PL4", "F43", "6"),  # 7,14 vs 7,08
    ("PHAM-VI", "PL4", "G44", "6.1"),  # target 2,51 > max 2,50
    ("PHAN-CAP", "PL4", "F48", "7"),  # 3,36 vs 3,32
    ("MT-PAPI", "PL4", "G54", "8.2"),  # 2,55 vs 2,03 + 0,50
    ("NV-CHU-TRI", TASKS, "G22", "TCTP 6.1.2"),
    ("NV-CHU-TRI", TASKS, "G23", "TCTP 6.2.2"),
    ("NV-CHU-TRI", TASKS, "G24", "TCTP 6.3.3"),
    ("NV-CHU-TRI", TASKS, "G76", "TCTP 6.1.4"),
    ("NV-LECH-COT", TASKS, f"{TIMELINE}76", "TCTP 6.1.4"),  # timeline holds agencies
    ("NV-CHU-TRI", TASKS, "G81", "TCTP 7.1.4"),
    ("NV-LECH-COT", TASKS, f"{TIMELINE}81", "TCTP 7.1.4"),
]
REAL_WARNINGS = {
    "NV-O-GOP": 73,
    "TIEU-CHI-LAP": 2,
    "NV-NOI-DUNG": 3,
    "NV-THOI-GIAN": 3,
    "NV-THOI-HAN": 2,  # the two timelines holding agencies (NV-LECH-COT above)
}


@pytest.fixture(scope="module")
def real(_built_master: Path) -> list[Finding]:
    return check_workbook(state_from_values(workbook_values(_built_master))).findings


def test_errors_on_the_embedded_plan(real: list[Finding]) -> None:
    errors = [(f.rule, f.sheet, f.cell, f.code) for f in real if f.severity == "error"]
    assert errors == REAL_ERRORS


def test_warnings_on_the_embedded_plan(real: list[Finding]) -> None:
    assert Counter(f.rule for f in real if f.severity == "warning") == REAL_WARNINGS
    # Tasks that name a group nobody has given members yet ("Các sở, ngành liên quan"…).
    assert Counter(f.rule for f in real if f.severity == "info") == {"NV-CO-QUAN-NHOM": 27}
    assert not [f for f in real if f.rule == "NV-CO-QUAN"]  # every name is in the directory
    cells = {(f.rule, f.sheet, f.cell) for f in real}
    assert {
        ("TIEU-CHI-LAP", "PL2", "D64"),  # TC 8.5 "HDND" / "HĐND"
        ("TIEU-CHI-LAP", "PL2", "G64"),
        ("NV-THOI-GIAN", TASKS, f"{TIMELINE}82"),  # TCTP 7.3.3
        ("NV-THOI-HAN", TASKS, f"{TIMELINE}76"),  # agencies in the timeline column
        ("NV-THOI-HAN", TASKS, f"{TIMELINE}81"),
        ("NV-NOI-DUNG", TASKS, "F22"),  # TCTP 6.1.2 has no task text
        ("NV-O-GOP", "PL2", "G14"),  # TCTP 2.4.2's target from the cell above
    } <= cells


def test_real_messages_state_expected_and_found(real: list[Finding]) -> None:
    by_cell = {(f.sheet, f.cell, f.rule): f.message for f in real}
    assert "= 7,39" in by_cell[("PL4", "G5", "PHAN-CAP")]
    assert "đang là 9,63" in by_cell[("PL4", "G5", "PHAN-CAP")]
    assert "= 2,53" in by_cell[("PL4", "G54", "MT-PAPI")]
    assert "mục III" in by_cell[("PL1", "C23", "MA-THUOC-MUC")]
    assert "mục IV" in by_cell[("PL1", "C23", "MA-THUOC-MUC")]
    assert "Công tác kiểm tra CCHC" in by_cell[("PL2", "C5", "MA-LIEN-PHU-LUC")]


def test_the_design_doc_shows_the_result_for_the_embedded_plan(real: list[Finding]) -> None:
    readme = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    errors = sum(f.severity == "error" for f in real)
    warnings = sum(f.severity == "warning" for f in real)
    infos = sum(f.severity == "info" for f in real)
    assert f"{errors} errors, {warnings} warnings, {infos} info" in readme
    for rule in {f.rule for f in real}:
        assert f"| {rule} |" in readme, rule


# --- the button ---------------------------------------------------------------------------


def check_data(book: Any) -> None:
    from kehoach.xl import check_data

    check_data(book)


def _fill(ws: Any, cell: str) -> str | None:
    fill = ws[cell].fill
    return str(fill.fgColor.rgb)[-6:] if fill.fill_type == "solid" else None


def test_button_writes_kiemtra_links_and_highlights(xl_remote: Any, master_xlsm: Path) -> None:
    result = run_entry(master_xlsm, check_data)
    assert result.alert.title == CHECK_ALERT_TITLE
    assert "17 lỗi, 83 cảnh báo, 27 thông tin" in result.alert.text
    wb = openpyxl.load_workbook(result.path)
    ws = wb[layout.CHECK_SHEET]
    assert ws["A1"].value == layout.CHECK_TITLE
    assert "17 lỗi, 83 cảnh báo" in ws["A2"].value
    assert [c.value for c in ws[layout.HEADER_ROW]] == [c.header for c in layout.CHECK_COLUMNS]
    first = [c.value for c in ws[layout.FIRST_DATA_ROW]]
    assert first[:5] == [1, "lỗi", "MA-THUOC-MUC", "PL1", "TCTP 3.4.3"]
    assert first[7].startswith("Mã tiêu chí thuộc đúng lĩnh vực")  # what the rule checks
    link = ws.cell(layout.FIRST_DATA_ROW, layout.column_index(layout.CHECK_COLUMNS, "cell"))
    assert cell_link(link) == ("'PL1'!C23", "'PL1'!C23")
    assert str(link.value).startswith("=HYPERLINK(")  # one formula per run of links
    assert ws.max_row == layout.FIRST_DATA_ROW + 127 - 1
    errors, warnings = layout.SEVERITY_FILL_COLORS["error"], layout.SEVERITY_FILL_COLORS["warning"]
    assert _fill(wb["PL1"], "C23") == errors
    assert _fill(wb["PL4"], "G5") == errors
    assert _fill(wb[TASKS], f"{TIMELINE}82") == warnings
    assert _fill(wb["PL1"], "C22") is None  # untouched


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_shows_the_buttons_links_and_keeps_their_places(
    xl_remote: Any, master_xlsm: Path, tmp_path: Path
) -> None:
    """The button's links are HYPERLINK formulas: recalculated by LibreOffice, an independent
    reader, each cell shows its place and still links to it."""
    result = run_entry(master_xlsm, check_data, dst=tmp_path / "checked.xlsm")
    (xlsx,) = soffice_convert([result.path], "xlsx", tmp_path / "lo", tmp_path / "profile")
    col = layout.column_index(layout.CHECK_COLUMNS, "cell")
    values = openpyxl.load_workbook(xlsx, data_only=True)[layout.CHECK_SHEET]
    formulas = openpyxl.load_workbook(xlsx)[layout.CHECK_SHEET]
    rows = range(layout.FIRST_DATA_ROW, layout.FIRST_DATA_ROW + 127)
    shown_by_lo = [values.cell(r, col).value for r in rows]
    assert shown_by_lo[0] == "'PL1'!C23" and all(shown_by_lo)
    assert [cell_link(formulas.cell(r, col)) for r in rows] == [(v, v) for v in shown_by_lo]


def test_second_run_after_a_fix_removes_finding_and_highlight(
    xl_remote: Any, master_xlsm: Path, tmp_path: Path
) -> None:
    first = run_entry(master_xlsm, check_data, dst=tmp_path / "first.xlsm")
    wb = openpyxl.load_workbook(first.path, keep_vba=True)
    wb["PL4"]["G54"] = 2.53  # 8.2 target as the plan's rule gives it
    wb["PL4"]["G5"] = 7.39  # index 1 target as the sum of its sub-contents (a section row)
    wb["PL4"]["G4"] = 56.33  # and the total follows
    wb.save(first.path)
    second = run_entry(first.path, check_data, dst=tmp_path / "second.xlsm")
    assert "15 lỗi" in second.alert.text
    after = openpyxl.load_workbook(second.path)
    assert _fill(after["PL4"], "G54") is None  # a criterion row: no base fill
    assert _fill(after["PL4"], "G5") == layout.ROW_FILL_COLORS["section"]  # base fill back
    assert _fill(after["PL1"], "C23") == layout.SEVERITY_FILL_COLORS["error"]
    refs = [shown(c) for c in after[layout.CHECK_SHEET]["F"][layout.FIRST_DATA_ROW - 1 :]]
    assert "'PL4'!G54" not in refs and "'PL4'!G5" not in refs
    assert "'PL1'!C23" in refs
    assert len([r for r in refs if r]) == 125


def test_the_command_line_after_the_button_clears_its_highlights(
    xl_remote: Any, master_xlsm: Path, tmp_path: Path
) -> None:
    """The button's links are formulas; ``kehoach check --write`` reads formulas as their text
    and still finds the cells the last run highlighted."""
    first = run_entry(master_xlsm, check_data, dst=tmp_path / "first.xlsm")
    wb = openpyxl.load_workbook(first.path, keep_vba=True)
    wb["PL4"]["G54"] = 2.53  # 8.2 target as the plan's rule gives it
    wb.save(first.path)
    assert main(["check", str(first.path), "--write"]) == 1
    after = openpyxl.load_workbook(first.path)
    assert _fill(after["PL4"], "G54") is None
    assert _fill(after["PL1"], "C23") == layout.SEVERITY_FILL_COLORS["error"]


def test_button_on_a_damaged_workbook_alerts_and_changes_nothing(
    xl_remote: Any, master_xlsm: Path
) -> None:
    wb = openpyxl.load_workbook(master_xlsm, keep_vba=True)
    wb["PL3"].insert_rows(1)
    wb.save(master_xlsm)
    before = master_xlsm.read_bytes()
    result = run_entry(master_xlsm, check_data)
    assert [a["func"] for a in result.actions] == ["alert"]
    assert "trang tính 'PL3', ô A3" in result.alert.text
    assert result.alert.mode == "critical"
    assert result.path.read_bytes() == before


# --- the command line ---------------------------------------------------------------------


def test_cli_json_shape_and_exit_status(
    master_xlsm: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = master_xlsm.read_bytes()
    assert main(["check", str(master_xlsm), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert len(data) == 127
    assert set(data[0]) >= {"rule", "severity", "appendix", "code", "sheet", "cell", "message"}
    assert {d["severity"] for d in data} == {"error", "warning", "info"}
    assert data[0]["cell"] == "C23" and data[0]["sheet"] == "PL1"
    assert master_xlsm.read_bytes() == before  # without --write nothing is written


def test_cli_exit_zero_without_errors_and_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "sach.xlsm"
    build_xlsm(path, lambda wb: fill_master(wb, clean_plan()), ROOT / "macros")
    assert main(["check", str(path)]) == 0
    assert "0 lỗi, 0 cảnh báo, 0 thông tin" in capsys.readouterr().out
    wb = openpyxl.load_workbook(path, keep_vba=True)
    cell = cell_of(wb, TASKS, "PL4-1.1/1", "timeline")
    wb[TASKS][cell] = None
    save_xlsm(wb, path)
    assert main(["check", str(path), "--write"]) == 0  # a warning only
    written = openpyxl.load_workbook(path)
    report = written[layout.CHECK_SHEET]
    assert report["C4"].value == "NV-THOI-GIAN"
    assert report["H4"].value == "Mỗi nhiệm vụ có thời gian thực hiện"
    # The new row takes the builder's column formats: long texts wrap.
    assert report["G4"].alignment.wrap_text and report["H4"].alignment.wrap_text
    assert report["G4"].font.name == "Times New Roman"
    # The summary wraps within the printed columns A–H (running past them, it would widen what
    # prints and shrink every page): its cell spans them, its row two lines tall.
    row = layout.CHECK_SUMMARY_ROW
    assert "1 cảnh báo" in report.cell(row, 1).value
    assert f"A{row}:H{row}" in {str(r) for r in report.merged_cells.ranges}
    assert report.cell(row, 1).alignment.wrap_text
    assert report.row_dimensions[row].height == 2 * LINE_POINTS
    assert written[TASKS][cell].fill.fgColor.rgb.endswith(layout.SEVERITY_FILL_COLORS["warning"])
    assert vba_modules(path)  # the macros survive the write


def test_cli_damaged_workbook_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wb = clean_workbook()
    del wb["PL2"]
    path = tmp_path / "hong.xlsx"
    wb.save(path)
    before = path.read_bytes()
    assert main(["check", str(path)]) == 2
    assert "Thiếu trang tính 'PL2'" in capsys.readouterr().err
    assert main(["check", str(path), "--write"]) == 2  # not a macro workbook: refused first
    assert "không còn mã VBA" in capsys.readouterr().err
    assert path.read_bytes() == before
