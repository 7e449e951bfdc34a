"""Formats shared by the master's sheets: colours by value, wrapped columns, header heights
that fit their text, and the page setup of every printed sheet.

Colours mean the same everywhere: the status colours of the summary, the severity colours of
the checks. They are conditional formats over whole columns, so they follow the values the
buttons write (the buttons write values only).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from copy import copy
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kehoach.sheets import extract_layout as ex
from kehoach.sheets import mail_layout as ml
from kehoach.sheets import progress_layout as pl
from kehoach.sheets.geometry import (
    BOLD_CHARS_PER_WIDTH_UNIT,
    LINE_POINTS,
    header_height,
    header_lines,
    wrapped_lines,
)
from kehoach.sheets.housestyle import FONT_NAME
from kehoach.sheets.spec import Column, column_letter

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
TOP_WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
FOOTER = "Kế hoạch số {number} — Trang &P/&N"
MIN_PRINTED_POINTS = 9.0  # no body text printed smaller (11 pt text at 82 % or more)


class CellStyles:
    """Styles many cells of one workbook alike, at the cost of a copy per cell.

    Each style attribute openpyxl sets on a cell (``cell.font = …``) looks the style object up
    in the workbook's list of styles by hashing it field by field, the bulk of building a
    master. ``apply(cell, ("font", f), ("border", b), …)`` sets the attributes in that order
    the first time a combination is seen on a cell styled like this one, remembers the cell's
    resulting style record (openpyxl's ``StyleArray``: the indexes into those lists), and gives
    the next cells a copy of it, as openpyxl's own worksheet copier does. The workbook's lists
    grow in the same order as setting every attribute on every cell would, so the file saved is
    the same byte for byte. One instance per workbook; style objects are told apart by identity
    (``number_format`` by value), so share them (module constants) to profit.
    """

    def __init__(self) -> None:
        # key -> (the style record, the attributes, kept alive so that their ids stay theirs)
        self._known: dict[tuple[Any, ...], tuple[Any, tuple[tuple[str, Any], ...]]] = {}

    def apply(self, cell: Cell, *attributes: tuple[str, Any]) -> None:
        """Set ``attributes`` (name, value) on ``cell``, in order; a value None is skipped."""
        style = cell._style  # None until a first attribute is set: as all zeros
        key: list[Any] = [None if style is None else style.tobytes()]
        for name, value in attributes:  # a loop: a generator per cell costs more than the look-up
            if value is not None:
                key.append((name, value if type(value) is str else id(value)))
        known = self._known.get(tuple(key))
        if known is not None:
            cell._style = copy(known[0])
            return
        wanted = tuple(a for a in attributes if a[1] is not None)
        for name, value in wanted:
            setattr(cell, name, value)
        self._known[tuple(key)] = (copy(cell._style), wanted)


def fit_header(ws: Worksheet, row: int, columns: Sequence[Column]) -> None:
    """Row ``row`` holds the headers of ``columns``: wrap them and give the row the height of
    its tallest wrapped header (bold text), as written there (years rendered)."""
    shown: list[tuple[str, float]] = []
    for i, col in enumerate(columns, start=1):
        cell = ws.cell(row, i)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        shown.append((col.header if cell.value is None else str(cell.value), col.width))
    ws.row_dimensions[row].height = header_height(header_lines(shown))


def fit_note(ws: Worksheet, row: int, columns: Sequence[Column], points: float = 11) -> None:
    """The text in column A of ``row`` (``points`` in size), when longer than the printed
    table is wide: merged across the printed columns, wrapped, the row as tall as its lines.
    An unwrapped text running past the table would be cut at the print area's edge, or widen
    what prints and shrink every page. Only for a row whose other cells nothing writes (a
    button may rewrite A)."""
    text = ws.cell(row, 1).value
    printed = [c for c in columns if c.printed]
    # Folded columns may sit inside: count on the text columns being a little narrower.
    width = 0.85 * sum(c.width for c in printed) - 1
    per_unit = BOLD_CHARS_PER_WIDTH_UNIT * 11 / points
    need = wrapped_lines(text, width, per_unit, whole_words=True) if isinstance(text, str) else 1
    if len(printed) < 2 or need < 2:
        return
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(printed))
    ws.cell(row, 1).alignment = TOP_WRAP
    ws.row_dimensions[row].height = need * LINE_POINTS * points / 11


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
    letter = column_letter(columns, key)
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


# Page margins in inches: Excel's "narrow" left and right, room for the footer at the bottom.
SIDE_MARGIN = 0.25
TOP_MARGIN = 0.5
BOTTOM_MARGIN = 0.6
FOOTER_MARGIN = 0.3
MM_PER_WIDTH_UNIT = 1.95  # printed width of one unit of column width at 100 % (measured)
_A4_MM = (210.0, 297.0)  # short and long side
_SAFETY_MM = 6.0  # grid lines, rounding of column widths in pixels


def estimated_pages_wide(
    widths: Sequence[float], landscape: bool, side_margin: float = SIDE_MARGIN
) -> float:
    """How many A4 pages wide columns of ``widths`` are at 100%, with ``side_margin`` inches
    left and right."""
    paper = _A4_MM[1] if landscape else _A4_MM[0]
    usable_mm = paper - 2 * side_margin * 25.4 - _SAFETY_MM
    return sum(widths) * MM_PER_WIDTH_UNIT / usable_mm


def print_setup(
    ws: Worksheet,
    number: str | None = None,
    *,
    landscape: bool | None = None,
    title_rows: str | None = None,
) -> None:
    """The page setup of every printed sheet: A4, the orientation given (else the one the sheet
    has, else landscape), one page wide and as many tall as needed, ``title_rows`` (e.g.
    "3:3") repeated on every page, centred between narrow margins; the footer names the sheet
    (left) and the plan's ``number`` with page x/y (centre; without a number, page x/y unless
    the sheet already has a footer)."""
    if title_rows:
        ws.print_title_rows = title_rows
    if landscape is not None:
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
    elif ws.page_setup.orientation not in ("landscape", "portrait"):
        ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = SIDE_MARGIN
    ws.page_margins.top, ws.page_margins.bottom = TOP_MARGIN, BOTTOM_MARGIN
    ws.page_margins.footer = FOOTER_MARGIN
    ws.print_options.horizontalCentered = True
    center = FOOTER.format(number=number) if number else "Trang &P/&N"
    for part, text in ((ws.oddFooter.left, "&A"), (ws.oddFooter.center, center)):
        if part.text and not (number and part is ws.oddFooter.center):
            continue  # a footer the sheet has stays, but the plan's number is the truth
        part.text = text
        part.font = FONT_NAME
        part.size = 9


def finish_printing(wb: Workbook, number: str) -> None:
    """Page setup of every visible sheet, its footer with the plan's ``number`` (see
    ``print_setup``)."""
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
    side = float(ws.page_margins.left + ws.page_margins.right) / 2
    return min(100.0, 100.0 / estimated_pages_wide(printed_widths(ws), landscape, side))


def effective_points(ws: Worksheet, points: float = 11.0) -> float:
    """The printed size of ``points`` text of ``ws`` once its columns are fit one page wide."""
    return points * fit_scale(ws) / 100
