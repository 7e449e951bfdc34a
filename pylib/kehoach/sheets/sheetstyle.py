"""Formats shared by the master's sheets: colours by value, wrapped columns, header heights
that fit their text, and the page setup of every printed sheet.

Colours mean the same everywhere: the status colours of the summary, the severity colours of
the checks. They are conditional formats over whole columns, so they follow the values the
buttons write (the buttons write values only).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kehoach.sheets import extract_layout as ex
from kehoach.sheets import mail_layout as ml
from kehoach.sheets import progress_layout as pl
from kehoach.sheets.housestyle import FONT_NAME
from kehoach.sheets.layout import Column

# The summary's status colours, by the status an agency reports.
STATUS_COLORS: dict[str, str] = {
    ex.STATUS_DONE: "C6EFCE",
    ex.STATUS_IN_PROGRESS: "DDEBF7",
    ex.STATUS_NOT_STARTED: "FCE4D6",
    ex.STATUS_CANNOT: "D9D9D9",
}
# What happened to a returned file or a letter: accepted green, refused red, set aside grey.
RESULT_COLORS: dict[str, str] = {
    pl.ACCEPTED: "C6EFCE",
    pl.REJECTED: "FFC7CE",
    pl.SUPERSEDED: "D9D9D9",
    pl.UNCHANGED: "EDEDED",
    ml.SENT: "C6EFCE",
    ml.DRAFTED: "E2EFDA",
    ml.FAILED: "FFC7CE",
}
LAST_STYLED_ROW = 5000  # colour rules and wrapping reach this far (beyond any real table)
LINE_POINTS = 15.0  # height of one line of 11 pt text
CHARS_PER_WIDTH_UNIT = 1.05  # characters of 11 pt text per unit of column width
BOLD_CHARS_PER_WIDTH_UNIT = 0.95
TOP_WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
FOOTER = "Kế hoạch số {number} — Trang &P/&N"
MIN_SCALE = 60  # percent: nothing printed below about 9 pt effective


def lines_of(text: str, width: float, chars_per_unit: float = CHARS_PER_WIDTH_UNIT) -> int:
    """Lines ``text`` takes wrapped in a column ``width`` units wide (whole words go down)."""
    per_line = max(1, int(width * chars_per_unit))
    total = 0
    for part in text.split("\n"):
        count, line = 1, 0
        for word in part.split():
            need = len(word) if line == 0 else line + 1 + len(word)
            if line and need > per_line:
                count, need = count + 1, len(word)
            while need > per_line:  # a word longer than a line breaks
                count, need = count + 1, need - per_line
            line = need
        total += count
    return total


def fit_header(ws: Worksheet, row: int, columns: Sequence[Column]) -> None:
    """Row ``row`` holds the headers of ``columns``: wrap them and give the row the height of
    its tallest wrapped header (bold text)."""
    lines = 1
    for i, col in enumerate(columns, start=1):
        cell = ws.cell(row, i)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        lines = max(lines, lines_of(col.header, col.width - 1, BOLD_CHARS_PER_WIDTH_UNIT))
    ws.row_dimensions[row].height = lines * LINE_POINTS + 3


def wrap_columns(ws: Worksheet, columns: Sequence[Column], keys: Sequence[str]) -> None:
    """Every column of ``columns`` aligned to the top; those of ``keys`` wrap their text too.
    Column styles: the cells the buttons write later take them (Excel and our applier)."""
    for i, col in enumerate(columns, start=1):
        dim = ws.column_dimensions[get_column_letter(i)]
        dim.alignment = TOP_WRAP if col.key in keys else TOP
        dim.font = Font(name=FONT_NAME, size=11)


def color_by_value(
    ws: Worksheet, columns: Sequence[Column], key: str, first_row: int, colors: Mapping[str, str]
) -> None:
    """Fill the cells of column ``key`` whose value is one of ``colors``' keys with its colour."""
    letter = get_column_letter([c.key for c in columns].index(key) + 1)
    ref = f"{letter}{first_row}:{letter}{LAST_STYLED_ROW}"
    for value, color in colors.items():
        text = value.replace('"', '""')
        ws.conditional_formatting.add(
            ref,
            CellIsRule(
                operator="equal",
                formula=[f'"{text}"'],
                fill=PatternFill("solid", fgColor=color, bgColor=color),
            ),
        )


def estimated_pages_wide(widths: Sequence[float], landscape: bool) -> float:
    """How many A4 pages wide columns of ``widths`` are at 100%."""
    usable_mm = 277 - 20 if landscape else 190 - 20
    return sum(widths) * 1.95 / usable_mm


def print_setup(ws: Worksheet, number: str, *, landscape: bool | None = None) -> None:
    """A4, the orientation given (or the one its printed columns fit best), one page wide at a
    scale no lower than ``MIN_SCALE``, the footer with the plan's number and page x/y."""
    if landscape is not None:
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
    elif ws.page_setup.orientation not in ("landscape", "portrait"):
        ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.footer = 0.3
    if not ws.oddFooter.center.text:
        ws.oddFooter.center.text = FOOTER.format(number=number)
        ws.oddFooter.center.font = FONT_NAME
        ws.oddFooter.center.size = 9
    if not ws.oddFooter.left.text:
        ws.oddFooter.left.text = "&A"  # the sheet's name
        ws.oddFooter.left.font = FONT_NAME
        ws.oddFooter.left.size = 9


def finish_printing(wb: Workbook, number: str) -> None:
    """Page setup of every visible sheet (see ``print_setup``)."""
    for ws in wb.worksheets:
        if ws.sheet_state == "visible":
            print_setup(ws, number)


def printed_widths(ws: Worksheet) -> list[float]:
    """Widths of the columns ``ws`` prints: those of its print area (else all used), hidden
    ones left out."""
    first, last = 1, ws.max_column
    area = ws.print_area
    if area:
        ref = str(area[0] if isinstance(area, list | tuple) else area).split("!")[-1]
        start, _, end = ref.replace("$", "").partition(":")
        first = column_index_from_string("".join(ch for ch in start if ch.isalpha()))
        last = column_index_from_string("".join(ch for ch in end or start if ch.isalpha()))
    out: list[float] = []
    for i in range(first, last + 1):
        dim = ws.column_dimensions.get(get_column_letter(i))
        if dim is not None and dim.hidden:
            continue
        out.append(dim.width if dim is not None and dim.width else 8.43)
    return out


def fit_scale(ws: Worksheet) -> float:
    """The scale (percent) at which ``ws``'s printed columns fit one page wide, at most 100."""
    landscape = ws.page_setup.orientation == "landscape"
    return min(100.0, 100.0 / estimated_pages_wide(printed_widths(ws), landscape))


def page_setup(ws: Worksheet, title_rows: str, plan_number: str) -> None:
    """A4 landscape, one page wide, ``title_rows`` repeated, the plan's number and the page in
    the footer (a sheet as wide as ours prints at about 60 %)."""
    ws.print_title_rows = title_rows
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top, ws.page_margins.bottom = 0.5, 0.6
    ws.print_options.horizontalCentered = True
    footer = FOOTER.format(number=plan_number) if plan_number else "Trang &P/&N"
    ws.oddFooter.center.text = footer
    ws.oddFooter.center.font = f"{FONT_NAME},Regular"
    ws.oddFooter.center.size = 10
