"""The built master rendered by LibreOffice to PDF: pages per sheet within the design's budget,
no number shown as "###", every header row as tall as its wrapped text.

Each page's footer names its sheet (left, "&A") and the plan (centre), so the pages of one PDF
of the whole workbook are told apart by their footer.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kehoach.cli import main
from kehoach.common.planyears import PlanYears
from kehoach.sheets import extract_layout as ex
from kehoach.sheets import layout
from kehoach.sheets import mail_layout as ml
from kehoach.sheets import progress_layout as pl
from kehoach.sheets.geometry import LINE_POINTS, header_lines
from kehoach.sheets.sheetstyle import MIN_PRINTED_POINTS, effective_points
from lo_support import SOFFICE, printed_points, soffice_convert, yardstick
from plan_workbooks import build_real_master

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(
        SOFFICE is None or shutil.which("pdftotext") is None,
        reason="LibreOffice (soffice) and poppler-utils (pdftotext) are needed",
    ),
]

# The design's page budget per sheet of the master built from the embedded plan (A4, after
# "Kiểm tra dữ liệu", every body text printed at 9 pt or more): measured, with a page or two
# of slack for LibreOffice's line breaks. TongHop and "Chênh lệch" belong to the summary's and
# the gaps' designs: budgeted in test_analysis_sheets.
PAGE_BUDGET: dict[str, int] = {
    layout.COVER_SHEET: 2,
    "PL1": 14,
    "PL2": 19,
    "PL3": 8,
    "PL4": 9,
    layout.TASKS_SHEET: 38,
    layout.DIRECTORY_SHEET: 7,
    layout.UNRESOLVED_SHEET: 2,
    layout.CHECK_SHEET: 14,
    pl.PROGRESS_SHEET: 1,
    pl.INTAKE_SHEET: 1,
    ml.LOG_SHEET: 1,
    layout.RULES_SHEET: 2,
    ml.SETTINGS_SHEET: 1,
    pl.HISTORY_SHEET: 1,
}
_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">(.*?)</word>'
)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    folder = tmp_path_factory.mktemp("render")
    master = build_real_master(folder / "KeHoach2023.xlsm")
    assert main(["check", str(master), "--write"]) in (0, 1)
    profile = tmp_path_factory.mktemp("lo-profile")
    pdf, ruler = soffice_convert([master, yardstick(folder)], "pdf", folder, profile)
    return master, pdf, ruler


_PAGE = re.compile(r'width="([\d.]+)" height="([\d.]+)"')
_WORD_Y = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">(.*?)</word>'
)
Word = tuple[float, float, float, str]  # xMin, yMin, xMax, text


def _pages(pdf: Path) -> list[tuple[str, list[Word]]]:
    """(sheet named in the page's left footer, words) of every page."""
    text = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    out: list[tuple[str, list[Word]]] = []
    for chunk in text.split("<page ")[1:]:
        found = _PAGE.search(chunk)
        assert found
        width, height = float(found[1]), float(found[2])
        words = [(float(a), float(b), float(c), w) for a, b, c, w in _WORD_Y.findall(chunk)]
        footer = [w for w in words if w[1] > height - 50 and w[2] < width / 3]
        out.append((" ".join(w[3] for w in sorted(footer)), words))
    return out


@pytest.fixture(scope="module")
def pages(rendered: tuple[Path, Path, Path]) -> list[tuple[str, list[Word]]]:
    return _pages(rendered[1])


def test_every_sheet_prints_within_its_page_budget(pages: list[tuple[str, list[Word]]]) -> None:
    counts = Counter(sheet for sheet, _ in pages)
    over = {s: (counts[s], budget) for s, budget in PAGE_BUDGET.items() if counts[s] > budget}
    assert not over, f"pages (printed, budget): {over}"
    assert set(PAGE_BUDGET) <= set(counts), counts
    # Hidden sheets do not print.
    assert layout.DIRECTORY_BASE_SHEET not in counts


def test_every_printed_sheet_reads_at_9_points_or_more(
    rendered: tuple[Path, Path, Path],
) -> None:
    wb = load_workbook(rendered[0])
    # TongHop and "Chênh lệch" are measured with their data (test_analysis_sheets).
    visible = [
        ws.title
        for ws in wb.worksheets
        if ws.sheet_state == "visible" and ws.title not in ("TongHop", layout.GAPS_SHEET)
    ]
    # As designed: the columns printed, fitted one page wide, scale 11 pt text to 9 pt or more.
    small = {s: round(effective_points(wb[s]), 2) for s in visible}
    assert all(v >= MIN_PRINTED_POINTS for v in small.values()), small
    # As LibreOffice prints it: the body text of every page, against 9 pt printed at 100 %.
    measured: dict[str, float] = {}
    for sheet, points in printed_points(rendered[1], rendered[2]):
        measured[sheet] = min(points, measured.get(sheet, points))
    assert set(visible) <= set(measured), measured
    low = {s: round(measured[s], 2) for s in visible if measured[s] < MIN_PRINTED_POINTS}
    assert not low, f"body text printed below 9 pt: {low}"


def test_no_number_shows_as_hashes(pages: list[tuple[str, list[Word]]]) -> None:
    # LibreOffice draws a folded (hidden, zero-wide) number column that borders the print
    # area as "###" clipped to nothing, at the table's right edge; Excel draws nothing there.
    # Any "###" left of the printed table's right edge is a number too wide for its column.
    shown: list[str] = []
    for number, (sheet, words) in enumerate(pages, start=1):
        right = max((c for _, _, c, w in words if "#" not in w), default=0.0)
        shown += [
            f"page {number} ({sheet}): {w} at x={a:.0f}"
            for a, _, _, w in words
            if "##" in w and a < right - 40
        ]
    assert not shown


def test_header_rows_are_tall_enough_for_their_wrapped_headers(
    rendered: tuple[Path, Path, Path],
) -> None:
    wb = load_workbook(rendered[0])
    tables = {
        **{layout.APPENDIX_SHEETS[a]: c for a, c in layout.APPENDIX_COLUMNS.items()},
        layout.TASKS_SHEET: layout.TASK_COLUMNS,
        layout.DIRECTORY_SHEET: layout.DIRECTORY_COLUMNS,
        layout.UNRESOLVED_SHEET: layout.UNRESOLVED_COLUMNS,
        layout.RULES_SHEET: layout.RULE_COLUMNS,
        layout.CHECK_SHEET: layout.CHECK_COLUMNS,
        pl.PROGRESS_SHEET: pl.PROGRESS_COLUMNS,
        pl.HISTORY_SHEET: pl.HISTORY_COLUMNS,
        pl.INTAKE_SHEET: pl.INTAKE_COLUMNS,
    }
    short: list[str] = []
    for sheet, columns in tables.items():
        ws = wb[sheet]
        height = ws.row_dimensions[layout.HEADER_ROW].height or LINE_POINTS
        for i, col in enumerate(columns, start=1):
            assert ws.cell(layout.HEADER_ROW, i).alignment.wrap_text, (sheet, col.header)
            need = header_lines([(col.text(PlanYears(2022, 2023)), col.width)]) * LINE_POINTS
            if height < need:
                short.append(f"{sheet} «{col.header}»: {height} < {need}")
    assert not short
    assert ex.MANIFEST_SHEET not in wb.sheetnames  # made by the first extract (test_extract_cli)
