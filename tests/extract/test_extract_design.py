"""The agency workbook as an official sees it: filled on a 1366×768 laptop screen without
scrolling back and forth, rows of bounded height, headers that fit, one legend, fonts named,
dates dd/mm/yyyy, and a printout that is readable (rendered through LibreOffice: page budget,
no "###", the plan's number and page x/y on every page, the guide whole on A4 portrait)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import textwrap
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from extract_support import AT, KEY
from kehoach.agencies.directory import read_seed
from kehoach.agencies.resolve import resolve_plan
from kehoach.common.planyears import PlanYears
from kehoach.extract.book import FONT, LEGEND_CHECK, LEGEND_INPUT, LEGEND_LOCKED, extract_bytes
from kehoach.extract.select import AgencyExtract, agency_extracts
from kehoach.plan.importer import load_default_plan
from kehoach.plan.model import Plan
from kehoach.sheets import extract_layout as ex
from kehoach.sheets import layout
from kehoach.sheets.sheetstyle import MIN_PRINTED_POINTS, effective_points
from lo_support import SOFFICE, printed_points, soffice_convert, yardstick

ROOT = Path(__file__).resolve().parents[2]
SCREEN_WIDTH = 1366
# Excel's window on a 1366-pixel screen: the row numbers (about 30 px) and the vertical
# scroll bar (about 20 px) take the rest.
VISIBLE_WIDTH = SCREEN_WIDTH - 50
# 11 pt Times New Roman as LibreOffice draws a wrapped line.
LINE_PT = 12.6
# The design's print budget for Sở Y tế's file (137 tasks, 11 pt text printed at 9 pt or more):
# pages of each sheet (26 measured).
PAGE_BUDGET = {ex.TASKS_SHEET: 27, ex.GUIDE_SHEET: 1}


def pixels(width: float) -> int:
    """A column's width in pixels at 100 % zoom (Excel: 7 px a character of the default font,
    plus 5 px of padding)."""
    return int(width * 7 + 5)


@pytest.fixture(scope="module")
def real() -> tuple[Plan, dict[str, AgencyExtract]]:
    plan = load_default_plan()
    directory = read_seed(ROOT / "templates" / "co-quan.tsv", PlanYears(2022, 2023))
    assignments = resolve_plan(plan, directory).assignments
    return plan, {e.agency.code: e for e in agency_extracts(plan, directory, assignments)}


@pytest.fixture(scope="module")
def syt(real: tuple[Plan, dict[str, AgencyExtract]]) -> bytes:
    plan, extracts = real
    return extract_bytes(plan, extracts["SYT"], KEY, generated_at=AT)


def tasks_sheet(data: bytes) -> Worksheet:
    ws = load_workbook(io.BytesIO(data))[ex.TASKS_SHEET]
    assert isinstance(ws, Worksheet)
    return ws


def left_edge(ws: Worksheet, letter: str) -> int:
    """Pixels from the sheet's left edge to the left of column ``letter``, with the frozen
    columns in view and the sheet scrolled no further (the widths the file sets)."""
    return sum(
        pixels(ws.column_dimensions[get_column_letter(i)].width)
        for i in range(1, column_index_from_string(letter))
    )


def test_the_task_text_and_its_inputs_fit_a_laptop_screen(syt: bytes) -> None:
    ws = tasks_sheet(syt)
    assert ws.freeze_panes == "C4"  # only STT and the task id are frozen
    frozen = left_edge(ws, "C")
    assert frozen <= 200  # was about 700 px (columns A–E)
    task = ex.CURRENT.letter("task")
    status = ex.CURRENT.letter(ex.STATUS_KEY)
    results = ex.CURRENT.letter(ex.RESULTS_KEY)
    assert ws[f"{task}{ex.HEADER_ROW}"].value == "Nhiệm vụ, giải pháp"
    # The inputs start within about 1 000 px, the task text just before them, and the
    # text, the status, the percent and the results are on screen together.
    assert left_edge(ws, status) <= 1000, left_edge(ws, status)
    assert column_index_from_string(status) - column_index_from_string(task) <= 2
    right_of_results = left_edge(ws, results) + pixels(ws.column_dimensions[results].width)
    assert right_of_results <= VISIBLE_WIDTH, right_of_results
    assert ws.column_dimensions[task].width >= 35
    assert all(ws[f"{task}{r}"].alignment.wrap_text for r in range(ex.FIRST_DATA_ROW, 20))
    # Reference columns sit to the right of the check column.
    check = column_index_from_string(ex.CURRENT.letter("check"))
    for key in ("appendix", "code", "criterion", "max", "score_base", "target", "others", "via"):
        assert column_index_from_string(ex.CURRENT.letter(key)) > check, key


def test_rows_have_bounded_heights_and_the_header_fits(syt: bytes) -> None:
    ws = tasks_sheet(syt)
    heights = [ws.row_dimensions[r].height or 15 for r in range(ex.FIRST_DATA_ROW, ws.max_row + 1)]
    assert max(heights) <= 200  # the plan's longest texts once made 360 pt rows
    # A row is tall enough for its task text and its long reference texts (up to the cap).
    for key in ("task", "target", "criterion", "others"):
        letter = ex.CURRENT.letter(key)
        width = ws.column_dimensions[letter].width
        assert width >= (35 if key == "task" else 40), key
        for r in range(ex.FIRST_DATA_ROW, ws.max_row + 1):
            lines = len(textwrap.wrap(str(ws[f"{letter}{r}"].value or ""), int(width * 1.1)))
            height = ws.row_dimensions[r].height or 15
            assert height >= min(lines * LINE_PT, 190), (key, r, lines, height)
    header = ws.row_dimensions[ex.HEADER_ROW].height
    assert header is not None
    for cell in ws[ex.HEADER_ROW]:
        col_width = ws.column_dimensions[cell.column_letter].width
        lines = len(textwrap.wrap(str(cell.value), int(col_width * 0.95)))
        assert header >= lines * LINE_PT, (cell.coordinate, cell.value, lines, header)


def test_one_legend_explains_the_colours(syt: bytes) -> None:
    ws = tasks_sheet(syt)
    row = {str(c.value): c for c in ws[ex.SUBTITLE_ROW] if isinstance(c.value, str)}
    assert row[LEGEND_INPUT].fill.fgColor.rgb.endswith(layout.INPUT_FILL)
    first = ex.FIRST_DATA_ROW
    status = ws[f"{ex.CURRENT.letter(ex.STATUS_KEY)}{first}"]
    locked = ws[f"{ex.CURRENT.letter('task')}{first}"]
    assert status.fill.fgColor.rgb == row[LEGEND_INPUT].fill.fgColor.rgb
    assert not status.protection.locked and locked.protection.locked
    assert locked.fill.fgColor.rgb == row[LEGEND_LOCKED].fill.fgColor.rgb != "00000000"
    check = ws[f"{ex.CURRENT.letter('check')}{first}"]
    assert check.font.color.rgb == row[LEGEND_CHECK].font.color.rgb
    assert "Lưu ý" in LEGEND_CHECK
    # Every legend prints whole: its merged cells end within the print area.
    printed = column_index_from_string(str(ws.print_area).split(":")[-1].strip("$0123456789"))
    legends = [r for r in ws.merged_cells.ranges if r.min_row == ex.SUBTITLE_ROW]
    assert legends and all(r.max_col <= printed for r in legends)


def test_every_font_is_named_and_dates_are_day_first(syt: bytes) -> None:
    wb = load_workbook(io.BytesIO(syt))
    fonts = {f.name for f in wb._fonts}  # every font of every style
    assert fonts == {FONT}
    ws = wb[ex.TASKS_SHEET]
    for key in ("due", ex.REPORT_DATE_KEY):
        cell = ws[f"{ex.CURRENT.letter(key)}{ex.FIRST_DATA_ROW}"]
        assert cell.number_format == "dd/mm/yyyy", key
    styles = zipped(syt, "xl/styles.xml")
    assert "Calibri" not in styles and "Aptos" not in styles


def zipped(data: bytes, part: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(part).decode()


def pdf_pages(pdf: Path) -> list[str]:
    count = int(
        re.search(
            r"Pages:\s+(\d+)",
            subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout,
        ).group(1)  # type: ignore[union-attr]
    )
    return [
        subprocess.run(
            ["pdftotext", "-layout", "-f", str(p), "-l", str(p), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for p in range(1, count + 1)
    ]


@pytest.mark.libreoffice
@pytest.mark.skipif(
    SOFFICE is None or shutil.which("pdftotext") is None, reason="no soffice or pdftotext"
)
def test_the_agency_file_prints_readably(syt: bytes, tmp_path: Path) -> None:
    source = tmp_path / "So-Y-te.xlsx"
    source.write_bytes(syt)
    pdf, ruler = soffice_convert([source, yardstick(tmp_path)], "pdf", tmp_path, tmp_path / "p")
    pages = pdf_pages(pdf)
    guide = [i for i, text in enumerate(pages) if "HƯỚNG DẪN ĐIỀN BÁO CÁO" in text]
    assert len(guide) == 1
    counts = {ex.TASKS_SHEET: guide[0], ex.GUIDE_SHEET: len(pages) - guide[0]}
    for sheet, budget in PAGE_BUDGET.items():
        assert 0 < counts[sheet] <= budget, (sheet, counts)
    assert counts[ex.TASKS_SHEET] >= 10  # one page wide at a readable scale, not shrunk
    total = len(pages)
    for number, text in enumerate(pages, start=1):
        assert "###" not in text, number
        assert "Kế hoạch số 365/KH-UBND" in text and f"Trang {number}/{total}" in text
    for text in pages[: guide[0]]:
        # rows 1–3 on every page: title, legend, headers
        assert "SỞ Y TẾ" in text and "Nền vàng: ô điền vào" in text
        assert "Nhiệm vụ, giải pháp" in text and "Tình trạng" in text
        assert "Mục tiêu năm 2023" not in text  # reference columns are not printed
    # The guide keeps its right edge: the deadline at the end of its last line.
    assert "trước ngày 15/07/2023." in pages[guide[0]]
    # 11 pt text printed at 9 pt or more: as designed (the printed columns fitted one page
    # wide) and as LibreOffice prints it (every page's body text against 9 pt at 100 %).
    wb = load_workbook(source)
    assert effective_points(wb[ex.TASKS_SHEET]) >= MIN_PRINTED_POINTS
    assert effective_points(wb[ex.GUIDE_SHEET]) >= MIN_PRINTED_POINTS
    sizes = [points for _, points in printed_points(pdf, ruler)]
    assert len(sizes) == total
    assert min(sizes) >= 0.98 * MIN_PRINTED_POINTS, [round(p, 2) for p in sizes]
