"""The sheet TongHop: laid out by the build, rewritten by summary_edits, checked cell by cell."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from kehoach.sheets import layout
from kehoach.sheets import summary_layout as sl
from kehoach.sheets.edits import apply_to_workbook
from kehoach.sheets.sheetdata import workbook_values
from kehoach.state.master import state_from_values
from kehoach.summary.compute import summarize
from kehoach.summary.sheet import agency_order, formatted_last_row, summary_edits
from summary_support import AS_OF, HDND_EMAIL, write_progress

COL = {c.key: i for i, c in enumerate(sl.COLUMNS)}


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real master with the hand-made progress, its TongHop written as the CLI does."""
    from plan_workbooks import build_real_master

    path = build_real_master(tmp_path_factory.mktemp("sheet") / "KeHoach2023.xlsm")
    write_progress(path)
    summary = summarize(state_from_values(workbook_values(path)), AS_OF)
    wb = load_workbook(path, keep_vba=True)
    apply_to_workbook(wb, summary_edits(summary))
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def sheet(written: Path) -> Worksheet:
    return load_workbook(written)[sl.SUMMARY_SHEET]


def rows(ws: Worksheet) -> list[list[Any]]:
    return [list(r) for r in ws.iter_rows(max_col=len(sl.COLUMNS), values_only=True)]


def row_of(ws: Worksheet, level: str, code: str) -> list[Any]:
    found = [r for r in rows(ws) if r[0] == level and r[1] == code]
    assert len(found) == 1, (level, code, found)
    return found[0]


def counts(**nonzero: int) -> list[int]:
    return [nonzero.get(k, 0) for k in sl.STATUS_KEYS]


def test_build_lays_out_an_empty_sheet(master_xlsm: Path) -> None:
    ws = load_workbook(master_xlsm)[sl.SUMMARY_SHEET]
    assert ws["A1"].value == sl.SUMMARY_TITLE and ws["A2"].value == sl.NOT_RUN_NOTE
    for row in (sl.HEADER_ROW, sl.AGENCY_HEADER_ROW):
        assert [c.value for c in ws[row]][: len(sl.COLUMNS)] == [c.header for c in sl.COLUMNS]
    overdue = ws.cell(sl.HEADER_ROW, COL[sl.OVERDUE] + 1)
    assert overdue.fill.fgColor.rgb == "00" + sl.STATUS_FILLS[sl.OVERDUE]
    assert ws.cell(sl.TOTAL_ROW, 1).value is None
    assert ws.freeze_panes == f"D{sl.FIRST_DATA_ROW}"
    assert ws.print_title_rows == f"${sl.HEADER_ROW}:${sl.HEADER_ROW}"
    setup = ws.page_setup
    assert (int(setup.paperSize), setup.orientation, setup.fitToWidth, setup.fitToHeight) == (
        int(ws.PAPERSIZE_A4),
        "landscape",
        1,
        0,
    )
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    widths = [ws.column_dimensions[chr(65 + i)].width for i in range(len(sl.COLUMNS))]
    assert widths == [c.width for c in sl.COLUMNS]


def test_colour_code_is_conditional_formatting_on_the_status_columns(master_xlsm: Path) -> None:
    wb = load_workbook(master_xlsm)
    ws = wb[sl.SUMMARY_SHEET]
    last = formatted_last_row(ws)
    found: dict[str, str] = {}
    for cf in ws.conditional_formatting:
        for rule in cf.rules:
            if rule.type == "expression":
                found[str(cf.sqref)] = wb._differential_styles[rule.dxfId].fill.fgColor.rgb
    expected = {}
    for key, color in sl.STATUS_FILLS.items():
        letter = layout.column_letter(sl.COLUMNS, key)
        expected[f"{letter}{sl.TOTAL_ROW}:{letter}{last}"] = "00" + color
    assert found == expected
    assert set(sl.STATUS_FILLS) == {
        sl.DONE_ON_TIME,
        sl.DONE_LATE,
        sl.IN_PROGRESS,
        sl.OVERDUE,
        sl.NOT_STARTED,
        sl.NOT_POSSIBLE,
    }
    # Formatting stops near the data: agencies twice, every plan node, a few spares.
    assert sl.AGENCY_FIRST_ROW + 150 < last < sl.AGENCY_FIRST_ROW + 400
    assert ws.max_row == last


def test_charts_read_fixed_ranges_of_the_sheet(master_xlsm: Path) -> None:
    ws = load_workbook(master_xlsm)[sl.SUMMARY_SHEET]
    charts = ws._charts
    assert len(charts) == 2
    by_agency, by_appendix = charts
    sheet = f"'{sl.SUMMARY_SHEET}'"
    first, last = sl.AGENCY_FIRST_ROW, sl.AGENCY_FIRST_ROW + sl.CHART_AGENCIES - 1
    a_rows = list(sl.APPENDIX_ROWS.values())
    for chart, (top, bottom), grouping in (
        (by_agency, (first, last), "stacked"),
        (by_appendix, (min(a_rows), max(a_rows)), "percentStacked"),
    ):
        assert chart.grouping == grouping
        refs = [s.val.numRef.f for s in chart.series]
        letters = [layout.column_letter(sl.COLUMNS, k) for k in sl.CHART_STATUS_KEYS]
        assert refs == [f"{sheet}!${c}${top}:${c}${bottom}" for c in letters]
        titles = [s.tx.v for s in chart.series]
        assert titles == [sl.STATUS_LABELS[k] for k in sl.CHART_STATUS_KEYS]
        assert sl.STATUS_LABELS[sl.NOT_REPORTED] not in titles  # it would hide the rest
        colors = [s.graphicalProperties.solidFill.srgbClr for s in chart.series]
        assert colors == [sl.STATUS_CHART_COLORS[k] for k in sl.CHART_STATUS_KEYS]
        # Categories: the names (agencies, indexes), every one of them.
        name = layout.column_letter(sl.COLUMNS, "name")
        assert chart.series[0].cat.numRef.f == f"{sheet}!${name}${top}:${name}${bottom}"
        assert chart.x_axis.tickLblSkip == 1 and chart.x_axis.delete is False


def test_total_and_appendix_rows(sheet: Worksheet) -> None:
    total = rows(sheet)[sl.TOTAL_ROW - 1]
    assert total[:7] == [sl.LEVEL_TOTAL, None, "Toàn bộ Kế hoạch", 2300, 1568, 3868, 9]
    assert total[COL["files_rejected"]] == 3
    assert total[COL["last_report"]] == datetime(2024, 1, 10)
    assert [rows(sheet)[r - 1][1] for r in sl.APPENDIX_ROWS.values()] == list(sl.APPENDIX_ROWS)
    assert sheet["A2"].value.startswith("Tính đến ngày 15/1/2024: 3868 lượt")


def test_agency_rows_cell_by_cell(sheet: Worksheet) -> None:
    cthue = row_of(sheet, sl.LEVEL_AGENCY, "CTHUE")
    assert cthue == [
        sl.LEVEL_AGENCY, "CTHUE", "Cục Thuế tỉnh", 0, 1, 1, 1,
        *counts(done_on_time=1), 0, 1, datetime(2023, 12, 20), 0, None,
    ]  # fmt: skip
    hdnd = row_of(sheet, sl.LEVEL_AGENCY, "HDND")
    assert hdnd == [
        sl.LEVEL_AGENCY, "HDND", "HĐND tỉnh", 0, 2, 2, 0,
        *counts(not_reported=2), 0, 0, None, 0, HDND_EMAIL,
    ]  # fmt: skip
    bvdk = row_of(sheet, sl.LEVEL_AGENCY, "BVDK")
    assert bvdk == [
        sl.LEVEL_AGENCY, "BVDK", "Bệnh viện đa khoa tỉnh", 1, 2, 3, 0,
        *counts(not_reported=3), 0, 0, None, 2, None,
    ]  # fmt: skip
    stp = row_of(sheet, sl.LEVEL_AGENCY, "STP")
    assert stp[COL[sl.DONE_LATE]] == 1 and stp[COL["last_report"]] == datetime(2023, 12, 15)
    snv = row_of(sheet, sl.LEVEL_AGENCY, "SNV")
    assert snv[:7] == [sl.LEVEL_AGENCY, "SNV", "Sở Nội vụ", 88, 50, 138, 7]
    statuses = dict(zip(sl.STATUS_KEYS, snv[COL[sl.DONE_ON_TIME] :], strict=False))
    assert {k: statuses[k] for k in (sl.DONE_ON_TIME, sl.DONE_LATE, sl.IN_PROGRESS)} == {
        sl.DONE_ON_TIME: 2,
        sl.DONE_LATE: 1,
        sl.IN_PROGRESS: 1,
    }
    assert (statuses[sl.NOT_STARTED], statuses[sl.NOT_POSSIBLE]) == (1, 1)
    assert sum(statuses.values()) == 138
    assert snv[COL["without_evidence"]] == 1
    assert snv[COL["pct_done"]] == pytest.approx(3 / 138)
    assert snv[COL["last_report"]] == datetime(2024, 1, 10)


def test_agencies_start_at_the_fixed_row_most_overdue_first(sheet: Worksheet) -> None:
    all_rows = rows(sheet)
    assert all_rows[sl.AGENCY_TITLE_ROW - 1][0] == sl.AGENCY_TITLE
    assert all_rows[sl.AGENCY_HEADER_ROW - 1] == [c.header for c in sl.COLUMNS]
    agencies = [r for r in all_rows if r[0] == sl.LEVEL_AGENCY]
    assert all_rows[sl.AGENCY_FIRST_ROW - 1] == agencies[0]
    overdue = [r[COL[sl.OVERDUE]] for r in agencies]
    assert overdue == sorted(overdue, reverse=True) and overdue[0] > 0
    assert len(agencies) == 42


def test_not_reported_block_and_hierarchy(sheet: Worksheet, written: Path) -> None:
    all_rows = rows(sheet)
    labels = [r[0] for r in all_rows]
    start = labels.index(sl.NOT_REPORTED_TITLE)
    block = [r for r in all_rows[start + 1 :] if r[0] == sl.LEVEL_NOT_REPORTED]
    assert len(block) == 38
    hdnd = next(r for r in block if r[1] == "HDND")
    assert hdnd[2] == "HĐND tỉnh" and hdnd[COL["emails"]] == HDND_EMAIL
    hierarchy = all_rows[labels.index(sl.HIERARCHY_TITLE) + 1 :]
    assert [r[1] for r in hierarchy if r[0] == sl.LEVEL_APPENDIX] == ["PL1", "PL2", "PL3", "PL4"]
    assert hierarchy[0][0] == sl.LEVEL_APPENDIX and hierarchy[1][:2] == [sl.LEVEL_SECTION, "PL1 I"]
    tc = next(r for r in hierarchy if r[0] == sl.LEVEL_CRITERION and r[1] == "PL1 TC 1.2")
    assert tc[COL[sl.DONE_LATE]] == 1  # PL1's TC 1.2 comes first: SNV done late
    summary = summarize(state_from_values(workbook_values(written)), AS_OF)
    assert sum(1 for r in hierarchy if r[0] == sl.LEVEL_CRITERION) == len(summary.criteria)
    assert sum(1 for r in hierarchy if r[0] == sl.LEVEL_SECTION) == len(summary.sections)
    assert agency_order(summary)[0] == next(r for r in all_rows if r[0] == sl.LEVEL_AGENCY)[1]


def test_rewriting_with_less_leaves_nothing_behind(written: Path, tmp_path: Path) -> None:
    later = summarize(state_from_values(workbook_values(written)), date(2023, 7, 1))
    wb = load_workbook(written, keep_vba=True)
    before = wb[sl.SUMMARY_SHEET].max_row
    values = workbook_values(written)
    values["TienDo"] = values["TienDo"][:3]  # no reports at all
    apply_to_workbook(wb, summary_edits(summarize(state_from_values(values), date(2023, 7, 1))))
    ws = wb[sl.SUMMARY_SHEET]
    texts = [r[0] for r in rows(ws)]
    assert "Mọi cơ quan đã gửi báo cáo." not in [r[2] for r in rows(ws)]
    assert texts.count(sl.LEVEL_NOT_REPORTED) == 42 - 4  # ThuThap still has accepted files
    assert ws.cell(sl.TOTAL_ROW, COL["reported"] + 1).value == 0
    assert later.overall["tasks"] == 3868 and before >= ws.max_row - 1
