"""2023 results typed where the indexes publish them: on section, group and total rows.

PAPI publishes eight content-index scores and a total; PAR INDEX per field; SIPAS per group.
An official types them over the row's formula; the typed value is the row's result, the total
follows, and the checker (KQ-PHAN-CAP) says when typed children disagree beyond rounding.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from gap_support import type_levels
from kehoach import xl
from kehoach.checks.run import check_workbook
from kehoach.cli import main
from kehoach.gaps.compute import compute_gaps
from kehoach.sheets import layout
from kehoach.sheets.sheetdata import workbook_values
from kehoach.state.master import state_from_values
from xlharness import run_entry, shown

# PAPI 2023 content-index scores for Bắc Kạn: plausible values, not the official ones (the
# provincial table was not at hand); index 5 reaches its target (8.88), the others do not.
PAPI_2023: dict[str, float] = {
    "PL4-1": 4.95,
    "PL4-2": 5.21,
    "PL4-3": 4.29,
    "PL4-4": 6.80,
    "PL4-5": 8.90,
    "PL4-6": 7.60,
    "PL4-7": 3.40,
    "PL4-8": 3.30,
}
PAPI_TOTAL = 44.45  # their sum; the target is 58.57


@pytest.fixture
def papi(master_xlsm: Path, tmp_path: Path) -> Path:
    return type_levels(master_xlsm, tmp_path / "papi.xlsm", {"PL4": PAPI_2023})


def _by_id(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in records}


def test_papi_content_scores_typed_on_section_rows(papi: Path) -> None:
    pl4 = compute_gaps(state_from_values(workbook_values(papi))).appendices["PL4"]
    sections = _by_id(pl4.to_dict()["sections"])
    for key, value in PAPI_2023.items():
        assert sections[key]["result_target"] == value
        assert sections[key]["result_typed"] is True
        expected = "Đạt" if key == "PL4-5" else "Chưa đạt"
        assert sections[key]["achieved"] == expected, key
    assert sections["PL4-1"]["shortfall"] == pytest.approx(9.63 - 4.95)
    assert sections["PL4-1"]["change_base"] == pytest.approx(4.95 - 5.39)
    # The total follows from the typed level: no criterion was typed.
    assert pl4.totals["results"] == 0
    assert pl4.totals["result_target"] == pytest.approx(PAPI_TOTAL)
    assert pl4.totals["result_achieved"] == "Chưa đạt"
    assert pl4.totals["typed_levels"] == 8
    assert sections["PL4"]["result_typed"] is False  # the total row keeps its formula


def test_cli_json_and_sheet_agree(
    papi: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["gaps", str(papi), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    pl4 = next(a for a in data["appendices"] if a["id"] == "PL4")
    assert pl4["totals"]["result_target"] == pytest.approx(PAPI_TOTAL)
    assert _by_id(pl4["sections"])["PL4-5"]["achieved"] == "Đạt"
    assert main(["gaps", str(papi), "--write"]) == 0
    out = capsys.readouterr().out
    assert "Kết quả 2023 cả phụ lục: 44,45 điểm (chưa đạt mục tiêu)" in out
    ws = load_workbook(papi)[layout.GAPS_SHEET]
    block = [[shown(c) for c in row] for row in ws.iter_rows(min_row=layout.GAPS_BLOCK_ROW)]
    start = next(i for i, r in enumerate(block) if str(r[0]).startswith("Kết quả năm 2023 theo"))
    levels = {r[2]: r for r in block[start + 2 :] if r[0] == "PL4"}
    assert levels["PL4-5"][3:10] == ["Có", 10, 7.38, 8.88, 8.9, "Đạt", 0.0]
    assert levels["PL4-1"][7:9] == [4.95, "Chưa đạt"]
    assert levels["PL4"][3] == "Không" and levels["PL4"][7] == pytest.approx(PAPI_TOTAL)
    assert levels["PL4"][8] == "Chưa đạt"


def test_button_agrees_with_the_cli(papi: Path, tmp_path: Path, xl_remote: Any) -> None:
    """The button reads values (Excel has computed the formulas); a typed number and a formula's
    result must still come out the same as the CLI, which reads the formulas."""
    result = run_entry(papi, xl.compute_gaps, dst=tmp_path / "button.xlsm")
    assert "Kết quả 2023 cả phụ lục: 44,45 điểm (chưa đạt mục tiêu)" in result.alert.text
    assert "Kết quả 2023 nhập ở 8 dòng chỉ số nội dung/tổng" in result.alert.text
    ws = load_workbook(result.path)[layout.GAPS_SHEET]
    block = [[shown(c) for c in row] for row in ws.iter_rows(min_row=layout.GAPS_BLOCK_ROW)]
    levels = {r[2]: r for r in block if r[0] == "PL4" and r[3] in ("Có", "Không")}
    assert levels["PL4-5"][8] == "Đạt" and levels["PL4-1"][8] == "Chưa đạt"
    assert levels["PL4"][7] == pytest.approx(PAPI_TOTAL)


def test_values_equal_to_the_formula_are_not_typed(papi: Path) -> None:
    """What the button sees in Excel: every section's cached value (no formula). A value equal
    to its children's sum reads as the formula's, a different one as typed."""
    values = workbook_values(papi)
    report = compute_gaps(state_from_values(values))
    rows = values["PL4"]
    col = layout.column_index(layout.APPENDIX_COLUMNS["PL4"], layout.RESULT_KEY) - 1
    total_row = next(r for r, c in report.appendices["PL4"].rows.iterrows() if c["id"] == "PL4")
    rows[int(str(total_row)) - 1][col] = PAPI_TOTAL  # the total's formula, as computed
    again = compute_gaps(state_from_values(values)).appendices["PL4"]
    assert int(str(total_row)) not in again.typed
    assert again.totals["result_target"] == pytest.approx(PAPI_TOTAL)
    rows[int(str(total_row)) - 1][col] = 45.0  # typed over it: the published total wins
    again = compute_gaps(state_from_values(values)).appendices["PL4"]
    assert int(str(total_row)) in again.typed
    assert again.totals["result_target"] == 45.0


def test_a_typed_field_wins_and_the_total_follows(master_xlsm: Path, tmp_path: Path) -> None:
    """PL1 (no total row): every field typed gives the appendix's total; a PL2 field typed
    without its criteria is judged against their targets, survey criteria held at 2022."""
    values = workbook_values(master_xlsm)
    ids = {r[0]: r for r in values["PL1"][layout.FIRST_DATA_ROW - 1 :] if r and r[0]}
    fields = [
        k
        for k, r in ids.items()
        if r[layout.column_index(layout.APPENDIX_COLUMNS["PL1"], "kind") - 1]
        == layout.ROW_KINDS["section"]
    ]
    pl1 = compute_gaps(state_from_values(values)).appendices["PL1"]
    maxes = {str(c["id"]): c["max"] for _, c in pl1.rows.iterrows()}
    typed = {k: maxes[k] for k in fields}
    typed[fields[0]] = maxes[fields[0]] - 0.25  # one field a quarter point short
    path = type_levels(
        master_xlsm, tmp_path / "fields.xlsx", {"PL1": typed, "PL2": {"PL2-IV": 5.0}}
    )
    report = compute_gaps(state_from_values(workbook_values(path)))
    pl1 = report.appendices["PL1"]
    assert pl1.totals["result_target"] == pytest.approx(sum(typed.values()))
    assert pl1.totals["result_achieved"] == "Chưa đạt"
    sections = _by_id(pl1.to_dict()["sections"])
    assert sections[fields[0]]["achieved"] == "Chưa đạt"
    assert sections[fields[0]]["shortfall"] == pytest.approx(0.25)
    assert sections[fields[1]]["achieved"] == "Đạt"
    # PL2 field IV: TCTP 4.1.2 and 4.1.3 at full marks (1.5 + 1.0), the four survey criteria as
    # in 2022 (0.6963 + 0.7139 + 0.7201 + 0.6966): 5.3269.
    pl2 = _by_id(report.appendices["PL2"].to_dict()["sections"])["PL2-IV"]
    assert pl2["result_target"] == 5.0 and pl2["shortfall"] == pytest.approx(0.3269)
    assert pl2["achieved"] == "Chưa đạt"


def test_checker_reports_typed_levels_that_disagree(master_xlsm: Path, tmp_path: Path) -> None:
    """PAPI index 1 typed 5.95 over sub-contents typed 1.6 + 2.3 + 2.0 + 1.5 = 7.40: reported.
    Index 8 typed 3.31 over 1.10 + 1.20 + 1.00 = 3.30: within the rounding of four two-decimal
    figures (0.02), not reported."""
    typed = {
        "PL4": {
            "PL4-1.1": 1.6,
            "PL4-1.2": 2.3,
            "PL4-1.3": 2.0,
            "PL4-1.4": 1.5,
            "PL4-1": 5.95,
            "PL4-8.1": 1.10,
            "PL4-8.2": 1.20,
            "PL4-8.3": 1.00,
            "PL4-8": 3.31,
        }
    }
    path = type_levels(master_xlsm, tmp_path / "both.xlsx", typed)
    found = [
        f
        for f in check_workbook(state_from_values(workbook_values(path))).findings
        if f.rule == "KQ-PHAN-CAP"
    ]
    assert len(found) == 1
    finding = found[0]
    col = layout.column_letter(layout.APPENDIX_COLUMNS["PL4"], layout.RESULT_KEY)
    assert finding.sheet == "PL4" and finding.cell == f"{col}5" and finding.severity == "warning"
    assert "nhập 5,95, khác tổng kết quả của 4 dòng con (1.1, 1.2, 1.3, 1.4) = 7,40" in (
        finding.message
    )
    assert "sai số cho phép 0,025" in finding.message
    # The typed value is the section's result all the same.
    pl4 = compute_gaps(state_from_values(workbook_values(path))).appendices["PL4"]
    assert _by_id(pl4.to_dict()["sections"])["PL4-1"]["result_target"] == 5.95


def test_check_button_reports_the_same(master_xlsm: Path, tmp_path: Path, xl_remote: Any) -> None:
    """The button "Kiểm tra dữ liệu" reads values, not formulas: the same single finding."""
    typed = {"PL4": {"PL4-1.1": 1.6, "PL4-1.2": 2.3, "PL4-1.3": 2.0, "PL4-1.4": 1.5, "PL4-1": 5.95}}
    path = type_levels(master_xlsm, tmp_path / "both.xlsm", typed)
    result = run_entry(path, xl.check_data, dst=tmp_path / "checked.xlsm")
    ws = load_workbook(result.path)[layout.CHECK_SHEET]
    rule_col = layout.column_index(layout.CHECK_COLUMNS, "rule")
    cell_col = layout.column_index(layout.CHECK_COLUMNS, "cell")
    found = [
        shown(ws.cell(r, cell_col))
        for r in range(layout.FIRST_DATA_ROW, ws.max_row + 1)
        if ws.cell(r, rule_col).value == "KQ-PHAN-CAP"
    ]
    col = layout.column_letter(layout.APPENDIX_COLUMNS["PL4"], layout.RESULT_KEY)
    assert found == [f"'PL4'!{col}5"]


def test_section_result_cells_are_input_cells(master_xlsm: Path) -> None:
    wb = load_workbook(master_xlsm)
    for appendix in ("PL1", "PL2", "PL3", "PL4"):
        ws = wb[layout.APPENDIX_SHEETS[appendix]]
        columns = layout.APPENDIX_COLUMNS[appendix]
        kind_col = layout.column_index(columns, "kind")
        col = layout.column_index(columns, layout.RESULT_KEY)
        for r in range(layout.FIRST_DATA_ROW, ws.max_row + 1):
            kind = layout.KIND_ROWS.get(str(ws.cell(r, kind_col).value))
            cell = ws.cell(r, col)
            if kind in ("total", "group", "section"):
                assert str(cell.value).startswith("="), (appendix, r)
                assert cell.fill.fgColor.rgb.endswith(layout.INPUT_FILL), (appendix, r)
                assert cell.protection.locked is False, (appendix, r)
    # PAPI content index 1 (max 10) and the total (max 80) refuse a typed 12.5 / 81.
    ws = wb["PL4"]
    col = layout.column_letter(layout.APPENDIX_COLUMNS["PL4"], layout.RESULT_KEY)
    ranges = {
        cell: dv.formula2
        for dv in ws.data_validations.dataValidation
        for cell in str(dv.sqref).split()
    }
    assert ranges[f"{col}5"] == "10.0" and ranges[f"{col}4"] == "80.0"


def test_a_highlight_on_a_result_cell_gives_back_the_input_fill(master_xlsm: Path) -> None:
    """KQ-PHAN-CAP highlights a section's result cell; the next check restores it yellow."""
    from kehoach.checks.report import base_fill

    values = workbook_values(master_xlsm)
    col = layout.column_letter(layout.APPENDIX_COLUMNS["PL4"], layout.RESULT_KEY)
    assert (
        base_fill(state_from_values(values), "PL4", f"{col}5") == layout.INPUT_FILL
    )  # content index 1
    assert (
        base_fill(state_from_values(values), "PL4", f"{col}6") == layout.INPUT_FILL
    )  # sub-content 1.1
    assert base_fill(state_from_values(values), "PL4", "E5") == layout.ROW_FILL_COLORS["section"]
    assert base_fill(state_from_values(values), "PL4", f"{col}7") is None  # a task row


def test_a_typed_level_out_of_range_is_listed(master_xlsm: Path, tmp_path: Path) -> None:
    from kehoach.gaps.compute import gap_edits
    from kehoach.sheets.edits import Link, WriteValues

    path = type_levels(master_xlsm, tmp_path / "over.xlsx", {"PL4": {"PL4-1": 12.5}})
    edits = gap_edits(compute_gaps(state_from_values(workbook_values(path))))
    texts = [str(v) for e in edits if isinstance(e, WriteValues) for r in e.rows for v in r]
    assert "Kết quả năm 2023 cần xem lại: 1" in texts
    assert "Kết quả năm 2023 (12,5000) nằm ngoài khoảng 0..10,0000." in texts
    col = layout.column_letter(layout.APPENDIX_COLUMNS["PL4"], layout.RESULT_KEY)
    assert any(isinstance(e, Link) and e.target == f"'PL4'!{col}5" for e in edits)
