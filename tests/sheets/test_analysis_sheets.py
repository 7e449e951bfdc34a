"""The design of the two analysis sheets of the master, "TongHop" and "Chênh lệch", after a
round of returns, ``kehoach summary --write`` and ``kehoach gaps --write``: charts placed
from measured sizes (never over each other or over used cells), headers tall enough for their
wrapped text, fonts named, page setup; then printed through LibreOffice, within the pages the
design budgets, with no "###" and with the plan's number in the footer."""

from __future__ import annotations

import shutil
import statistics
import subprocess
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from kehoach.cli import main
from kehoach.common.planyears import PlanYears, render
from kehoach.gaps.sheet import block_last_row, field_rows
from kehoach.sheets import layout
from kehoach.sheets import summary_layout as sl
from kehoach.sheets.geometry import Box, cell_box, chart_boxes, row_height, used_boxes
from kehoach.sheets.housestyle import FONT_NAME
from kehoach.sheets.sheetstyle import MIN_PRINTED_POINTS, effective_points
from kehoach.summary.sheet import formatted_last_row
from lo_support import SOFFICE, printed_points, sheet_alone, soffice_convert, yardstick
from summary_support import write_round_of_returns

SHEETS = (sl.SUMMARY_SHEET, layout.GAPS_SHEET)
# The design's budget of A4 landscape pages, with the seeded round of returns on the embedded
# plan (42 agencies, 128 criteria): TongHop's table of agencies and plan nodes, "Chênh lệch"
# the tables and charts on page 1, the button's blocks on page 2.
# «Chênh lệch»: the tables on page 1, the charts on page 2 (page breaks), the button's block
# from page 3.
# Pages at 9 pt or more (TongHop, 16 measured: totals, charts, some 350 rows of agencies and
# criteria, each from a page of its own).
PAGE_BUDGET = {sl.SUMMARY_SHEET: 17, layout.GAPS_SHEET: 4}
PLAN_NUMBER = "365/KH-UBND"


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from plan_workbooks import build_real_master

    path = build_real_master(tmp_path_factory.mktemp("analysis") / "KeHoach2023.xlsm")
    write_round_of_returns(path)
    assert main(["summary", str(path), "--write", "--as-of", "2024-01-15"]) == 0
    assert main(["gaps", str(path), "--write"]) == 0
    return path


@pytest.fixture(scope="module")
def book(written: Path) -> dict[str, Worksheet]:
    wb = load_workbook(written)
    return {name: wb[name] for name in SHEETS}


@pytest.mark.parametrize("sheet", SHEETS)
def test_charts_overlap_neither_each_other_nor_used_cells(
    book: dict[str, Worksheet], sheet: str
) -> None:
    ws = book[sheet]
    charts = chart_boxes(ws)
    assert len(charts) == 2
    for i, a in enumerate(charts):
        for b in charts[i + 1 :]:
            assert not a.overlaps(b), (a, b)
    for chart in charts:
        hits = [u for u in used_boxes(ws) if chart.overlaps(u)]
        assert not hits, (sheet, chart, hits[:3])
        # Within the table's width, so the page is as wide as the table, no wider.
        columns = sl.COLUMNS if sheet == sl.SUMMARY_SHEET else layout.SUMMARY_COLUMNS
        assert chart.right <= cell_box(ws, 1, 1, 1, len(columns)).right
        assert chart.bottom - chart.top >= 380  # room for 15 agency names, 8 field names


def test_geometry_sees_an_overlap() -> None:
    """The check above can fail: a chart anchored over cells with values is caught."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart

    ws = Workbook().active
    ws["C3"] = 1
    ws.column_dimensions["A"].width = 10
    ws.add_chart(BarChart(), "B2")  # 15 × 7.5 cm from B2
    (chart,) = chart_boxes(ws)
    assert chart.left == 70 and chart.top == 20  # measured: column A is 10 × 7 px
    assert any(chart.overlaps(u) for u in used_boxes(ws))
    assert not Box(0, 0, 10, 10).overlaps(Box(10, 0, 20, 10))


def axis_format(axis: Any) -> str:
    """An axis' number format as openpyxl reads it back (an object) or holds it (text)."""
    return str(getattr(axis.number_format, "formatCode", axis.number_format))


def test_chart_labels_formats_and_colours(book: dict[str, Worksheet]) -> None:
    by_agency, by_appendix = book[sl.SUMMARY_SHEET]._charts
    assert axis_format(by_appendix.y_axis) == "0%"
    for chart in (by_agency, by_appendix):
        titles = [s.tx.v for s in chart.series]
        assert "Chưa báo cáo" not in titles
        assert chart.x_axis.tickLblSkip == 1
    pct, lost = book[layout.GAPS_SHEET]._charts
    assert (axis_format(pct.y_axis), axis_format(lost.y_axis)) == ("0%", "0.00")
    index = layout.column_letter(layout.SUMMARY_COLUMNS, "index")
    for chart in (pct, lost):  # names (the indexes, PL2's fields), not PL1… or I, II…
        assert f"!${index}$" in chart.series[0].cat.numRef.f
    ws = book[layout.GAPS_SHEET]
    fields = sorted(field_rows(ws.parent).values())
    assert lost.series[0].cat.numRef.f.endswith(f"!$B${fields[0]}:$B${fields[-1]}")
    assert all(ws[f"B{r}"].value.startswith("='PL2'!") for r in fields)  # the fields' names


def test_header_rows_fit_their_wrapped_text(book: dict[str, Worksheet]) -> None:
    ws = book[sl.SUMMARY_SHEET]
    widths = [c.width for c in sl.COLUMNS]
    for row in (sl.HEADER_ROW, sl.AGENCY_HEADER_ROW):
        values = [c.value for c in ws[row]][: len(widths)]
        assert ws.row_dimensions[row].height >= row_height(values, widths)
    ws = book[layout.GAPS_SHEET]
    widths = [c.width for c in layout.SUMMARY_COLUMNS]
    header = [c.value for c in ws[layout.SUMMARY_HEADER_ROW]][: len(widths)]
    assert ws.row_dimensions[layout.SUMMARY_HEADER_ROW].height >= row_height(header, widths)
    # The button's headers and names: every row it wrote has the height of its wrapped text.
    block = [1 + i for i in range(layout.GAPS_BLOCK_ROW - 1, ws.max_row)]
    headers = [r for r in block if ws[f"A{r}"].value == "Phụ lục"]
    assert headers  # without typed results: the top criteria lost in 2022 only
    for r in block:
        values = [None, *(ws.cell(r, c).value for c in range(2, 12))]
        if ws.cell(r, 1).value is None and not any(values):
            continue
        need = row_height(values, [None, *widths[1:11]])
        assert ws.row_dimensions[r].height is not None and ws.row_dimensions[r].height >= need


def test_top_criteria_block_codes_and_decimals(book: dict[str, Worksheet]) -> None:
    ws = book[layout.GAPS_SHEET]
    rows = list(ws.iter_rows(min_row=layout.GAPS_BLOCK_ROW, max_col=11))
    pl3 = [r for r in rows if r[0].value == "PL3" and r[2].hyperlink is not None]
    codes = [r[2].value for r in pl3]
    assert codes and all(c.split(".")[0] in ("I", "II") for c in codes)  # "II.3.5", not "3.5"
    assert len(codes) == len(set(codes))
    assert {r[4].number_format for r in pl3} == {'0.00" %"'}
    pl2 = [r for r in rows if r[0].value == "PL2" and isinstance(r[4].value, int | float)]
    assert pl2 and {c.number_format for r in pl2 for c in r[4:9]} == {"0.00"}
    # Styled through the build: a rule for header rows, one for table rows, one for titles.
    rules = [str(cf.sqref) for cf in ws.conditional_formatting]
    assert any(s.startswith(f"A{layout.GAPS_BLOCK_ROW}:") for s in rules)
    assert ws.max_row <= block_last_row(ws.parent)


@pytest.mark.parametrize("sheet", SHEETS)
def test_fonts_page_setup_and_bounded_formatting(book: dict[str, Worksheet], sheet: str) -> None:
    ws = book[sheet]
    unnamed = [
        c.coordinate
        for row in ws.iter_rows()
        for c in row
        if c.value is not None and c.font.name != FONT_NAME
    ]
    assert not unnamed, unnamed[:5]
    setup = ws.page_setup
    assert (int(setup.paperSize), setup.orientation, setup.fitToWidth) == (
        int(ws.PAPERSIZE_A4),
        "landscape",
        1,
    )
    assert ws.print_title_rows
    assert ws.oddFooter.center.text == f"Kế hoạch số {PLAN_NUMBER} — Trang &P/&N"
    last = formatted_last_row(ws) if sheet == sl.SUMMARY_SHEET else block_last_row(ws.parent)
    assert ws.max_row <= last < 400  # not row 835


@pytest.mark.libreoffice
@pytest.mark.skipif(
    SOFFICE is None or shutil.which("pdftotext") is None, reason="no soffice or poppler"
)
def _pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_printed_through_libreoffice(written: Path, tmp_path: Path) -> None:
    copies = [
        sheet_alone(written, sheet, tmp_path / f"sheet{i}.xlsx") for i, sheet in enumerate(SHEETS)
    ]
    *pdfs, ruler = soffice_convert(
        [*copies, yardstick(tmp_path)], "pdf", tmp_path, tmp_path / "profile"
    )
    for sheet, pdf in zip(SHEETS, pdfs, strict=True):
        # 11 pt text printed at 9 pt or more, as designed and as LibreOffice prints it: the
        # tables' page and most pages (a page of charts has mostly their smaller labels).
        wb = load_workbook(written)
        assert effective_points(wb[sheet]) >= MIN_PRINTED_POINTS, sheet
        sizes = [points for _, points in printed_points(pdf, ruler)]
        assert sizes[0] >= 0.98 * MIN_PRINTED_POINTS, (sheet, sizes)
        assert statistics.median(sizes) >= 0.98 * MIN_PRINTED_POINTS, (sheet, sizes)
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
        pages = int(next(x for x in info.stdout.splitlines() if x.startswith("Pages:")).split()[1])
        assert 1 <= pages <= PAGE_BUDGET[sheet], (sheet, pages)
        if sheet == layout.GAPS_SHEET:  # no chart cut by a page break: page 2 is the charts'
            charts_page = text.split("\f")[1] if (text := _pdf_text(pdf)) else ""
            # (the chart's title may wrap before "2023")
            assert "% điểm tối đa: năm 2022 và mục tiêu" in charts_page
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "###" not in text, sheet
        assert f"Kế hoạch số {PLAN_NUMBER} — Trang 1/{pages}" in text
        title = (
            sl.SUMMARY_TITLE
            if sheet == sl.SUMMARY_SHEET
            else render(layout.GAPS_TITLE, PlanYears(2022, 2023))
        )
        assert title in text


def test_the_summary_note_wraps_across_the_printed_table(written: Path) -> None:
    from openpyxl.utils import get_column_letter

    from kehoach.summary.sheet import NOTE_HEIGHT

    ws = load_workbook(written)[sl.SUMMARY_SHEET]
    assert str(ws[f"A{sl.NOTE_ROW}"].value).startswith("Tính đến ngày ")  # the button's
    right = get_column_letter(sl.PRINTED_COLUMNS)
    assert f"A{sl.NOTE_ROW}:{right}{sl.NOTE_ROW}" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.print_area == f"'{sl.SUMMARY_SHEET}'!$A$1:${right}${ws.print_area.split('$')[-1]}"
    # as tall as its two lines, not grown as if the note were in column A alone
    assert ws.row_dimensions[sl.NOTE_ROW].height == NOTE_HEIGHT
