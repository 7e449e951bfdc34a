"""What a button changes in the master workbook, as data.

A core function (gaps, checks, …) returns a list of edits; a shell applies them:
``kehoach.xl.apply_edits`` through xlwings (the open workbook in Excel), and
``apply_to_workbook`` here through openpyxl (the CLI, which then saves with
``kehoach.workbook.xlsm.save_xlsm``). One description, two appliers, the same result.

Text is always written as text: a string that starts like a formula ("=", "+", "-",
"@") never becomes one. Workbook formulas are written at build time, not here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from weakref import WeakKeyDictionary

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.numbers import is_date_format
from openpyxl.utils import column_index_from_string, coordinate_to_tuple, get_column_letter
from openpyxl.worksheet.dimensions import RowDimension
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from kehoach.sheets.carried import carried_of
from kehoach.sheets.geometry import (
    CHARS_PER_WIDTH_UNIT,
    LINE_POINTS,
    header_height,
    wrapped_lines,
)
from kehoach.sheets.geometry import header_lines as _header_lines
from kehoach.sheets.housestyle import FONT_NAME, apply_house_font
from kehoach.sheets.sheetorder import insert_position, style_tab
from kehoach.sheets.sheetstyle import print_setup
from kehoach.sheets.spec import DATE_FORMAT, Column

FORMULA_STARTS = ("=", "+", "-", "@")
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
LINK_FONT = Font(name=FONT_NAME, size=11, color="0563C1", underline="single")


@dataclass(frozen=True)
class EnsureSheet:
    """The sheet exists (created in its place of ``kehoach.sheets.sheetorder`` when missing, with
    its
    tab colour); its contents are left alone."""

    sheet: str


@dataclass(frozen=True)
class ClearRows:
    """Clear the values of rows ``first_row``.. of ``sheet`` (formats stay), in columns
    ``first_column``..``last_column`` (1-based; None: to the last used column).

    With ``formats``, clear everything like Excel's Clear: values, formats and links (Excel's
    ClearContents leaves a cell's hyperlink behind).
    """

    sheet: str
    first_row: int
    formats: bool = False
    first_column: int = 1
    last_column: int | None = None


@dataclass(frozen=True)
class WriteValues:
    """Write a block of values whose top-left cell is ``cell`` ("A4")."""

    sheet: str
    cell: str
    rows: Sequence[Sequence[Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Fill:
    """Set (color "RRGGBB") or remove (None) the fill of one cell."""

    sheet: str
    cell: str
    color: str | None


@dataclass(frozen=True)
class Link:
    """Write ``text`` into ``cell`` as a link to a place in the workbook, e.g. "'PL2'!F12"."""

    sheet: str
    cell: str
    target: str
    text: str


def hyperlink_formula(link: Link) -> str:
    """``=HYPERLINK("#'PL2'!F12","PL2!F12")``: ``link`` as the formula the buttons write (Excel
    adds many hyperlinks only as formulas)."""
    target = f"#{link.target}".replace('"', '""')
    text = link.text.replace('"', '""')
    return f'=HYPERLINK("{target}","{text}")'


_HYPERLINK_PLACE = re.compile(r'=HYPERLINK\("#((?:[^"]|"")*)"', re.IGNORECASE)


def formula_link_place(value: Any) -> str | None:
    """The place a ``hyperlink_formula`` links to ("'PL2'!F12"), as a reader given the formula
    rather than its value (openpyxl, the command line) finds it; None for anything else."""
    found = _HYPERLINK_PLACE.match(value.strip()) if isinstance(value, str) else None
    return None if found is None else found[1].replace('""', '"')


@dataclass(frozen=True)
class RowHeights:
    """Set the heights, in points, of rows ``first_row``, ``first_row`` + 1… (values written by
    a script do not make a row taller, in Excel as in a file: wrapped text needs its height)."""

    sheet: str
    first_row: int
    heights: Sequence[float] = field(default_factory=list)


@dataclass(frozen=True)
class NumberFormat:
    """Set the number format of the cells ``cells`` ("E5:K5")."""

    sheet: str
    cells: str
    number_format: str


@dataclass(frozen=True)
class HideSheet:
    """Hide ``sheet`` so that Excel's Unhide does not list it ("very hidden") where the applier
    can say so; xlwings' remote engines (Office.js) only know plain hidden."""

    sheet: str


@dataclass(frozen=True)
class FormatTable:
    """Lay out a table of ``columns`` whose headers are in ``header_row``: widths, the columns'
    number formats, wrapped text in ``wrapped`` columns, headers bold on grey, wrapped and as
    tall as their text, the rows above them frozen, A4 landscape one page wide with the header
    repeated. For sheets a button creates (the build lays out its own sheets itself)."""

    sheet: str
    header_row: int
    columns: tuple[Column, ...]
    wrapped: tuple[str, ...] = ()


Edit = (
    EnsureSheet
    | ClearRows
    | WriteValues
    | Fill
    | Link
    | RowHeights
    | NumberFormat
    | HideSheet
    | FormatTable
)


def edited_sheets(edits: Iterable[Edit]) -> frozenset[str]:
    """The sheets ``edits`` write into, create, hide or lay out: the only ones a save needs
    loaded in full."""
    return frozenset(edit.sheet for edit in edits)


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


# The formats openpyxl gives a date or datetime written into a cell without a date format.
_ISO_FORMATS = ("yyyy-mm-dd", "yyyy-mm-dd h:mm:ss", "h:mm:ss")


def date_format(value: date) -> str:
    """The house format of a date cell: dd/mm/yyyy, with the time when it has one."""
    if isinstance(value, datetime) and value.time() != time():
        return DATETIME_FORMAT
    return DATE_FORMAT


class ColumnStyles:
    """A new cell takes its column's style, as in Excel, where a value written into an empty
    cell shows in the column's number format (openpyxl writes it with the default style)."""

    def __init__(self, ws: Worksheet) -> None:
        self._spans: list[tuple[int, int, StyleArray]] = []
        for dim in ws.column_dimensions.values():
            if dim.has_style:
                # min/max come from a loaded file; a dimension made in memory has its letter.
                first = dim.min or column_index_from_string(dim.index)
                self._spans.append((first, dim.max or first, dim._style))
        self._by_column: dict[int, StyleArray | None] = {}

    def give(self, cell: Cell) -> None:
        column = cell.column
        if column not in self._by_column:
            self._by_column[column] = next(
                (style for first, last, style in self._spans if first <= column <= last), None
            )
        style = self._by_column[column]
        if style is not None:
            cell._style = StyleArray(style)  # each cell its own: a later format changes one


HEADER_FILL = "D9D9D9"
_THIN = Side(style="thin", color="808080")


def header_lines(edit: FormatTable) -> int:
    """Lines of the tallest header of ``edit`` once wrapped (bold text)."""
    return _header_lines((c.header, c.width) for c in edit.columns)


def _format_table(ws: Worksheet, edit: FormatTable) -> None:
    border = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
    for i, col in enumerate(edit.columns, start=1):
        letter = get_column_letter(i)
        dim = ws.column_dimensions[letter]
        dim.width = col.width
        dim.number_format = col.number_format
        dim.alignment = Alignment(wrap_text=col.key in edit.wrapped, vertical="top")
        dim.font = Font(name=FONT_NAME, size=11)
        cell = ws.cell(edit.header_row, i)
        cell.font = Font(name=FONT_NAME, size=11, bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = border
    ws.row_dimensions[edit.header_row].height = header_height(header_lines(edit))
    ws.cell(1, 1).font = Font(name=FONT_NAME, size=14, bold=True)
    ws.freeze_panes = f"A{edit.header_row + 1}"
    print_setup(ws, landscape=True, title_rows=f"{edit.header_row}:{edit.header_row}")


def grow_row(ws: Worksheet, row: int, last_column: int | None = None) -> None:
    """Make ``row`` tall enough for the wrapped text in it, as Excel does when a value is typed
    into a wrapped cell (openpyxl leaves the height; LibreOffice would not grow it either).

    ``last_column``: the sheet's ``max_column``, when the caller grows many rows (openpyxl
    counts it over every cell of the sheet each time it is asked)."""
    RowGrower(ws, ws.max_column if last_column is None else last_column).grow(row)


class RowGrower:
    """``grow_row`` for many rows of one sheet: the columns' widths and which alignments wrap
    are looked up once, and the row's cells are read without creating the empty ones."""

    def __init__(self, ws: Worksheet, last_column: int) -> None:
        self._ws = ws
        self._columns = range(1, last_column + 1)
        self._widths: dict[int, float] = {}
        self._wraps: dict[int, bool] = {}

    def _width(self, column: int) -> float:
        if column not in self._widths:
            dim = self._ws.column_dimensions.get(get_column_letter(column))
            self._widths[column] = dim.width if dim is not None and dim.width else 8.43
        return self._widths[column]

    def wraps_text(self, cell: Cell) -> bool:
        if cell._style is None:  # a merged cell's covered part
            return bool(cell.alignment.wrap_text)
        alignment_id = cell._style.alignmentId
        if alignment_id not in self._wraps:
            self._wraps[alignment_id] = bool(cell.alignment.wrap_text)
        return self._wraps[alignment_id]

    def lines(self, cells: Iterable[Cell]) -> int:
        """Lines of the tallest wrapped text of ``cells`` (one row's), at least 1."""
        lines = 1
        for cell in cells:
            value = cell.value
            if isinstance(value, str) and value and self.wraps_text(cell):
                width = self._width(cell.column) - 1
                wrapped = wrapped_lines(value, width, CHARS_PER_WIDTH_UNIT, whole_words=True)
                lines = max(lines, wrapped)
        return lines

    def grow(self, row: int) -> None:
        cells = self._ws._cells
        present = (cells.get((row, column)) for column in self._columns)
        grow_height(self._ws.row_dimensions[row], self.lines(c for c in present if c))


def grow_height(dimension: RowDimension, lines: int) -> None:
    """A row as tall as ``lines`` of text, when it is not already."""
    height = dimension.height
    if lines > 1 and (height is None or height < lines * LINE_POINTS):
        dimension.height = lines * LINE_POINTS


def write_value(cell: Cell, value: Any, styles: ColumnStyles) -> None:
    """Write ``value`` into ``cell`` as ``WriteValues`` does: an unstyled cell takes its
    column's style, a date a date format, text that looks like a formula stays text."""
    if not cell.has_style:
        styles.give(cell)
    cell.value = value
    if isinstance(value, date) and (
        cell.number_format in _ISO_FORMATS or not is_date_format(cell.number_format)
    ):
        cell.number_format = date_format(value)
    if looks_like_formula(value):
        cell.data_type = "s"  # openpyxl would take "=…" for a formula


# Edits to the data rows of sheets loaded to be written streamed, kept for the save.
_DEFERRED: WeakKeyDictionary[Workbook, dict[str, list[WriteValues | ClearRows]]] = (
    WeakKeyDictionary()
)


def defer(wb: Workbook, edit: Edit) -> bool:
    """Keep ``edit`` for the save instead of applying it, when it writes values into or clears
    the data rows of a sheet ``wb`` was loaded to write streamed (``load_carrying``'s
    ``streamed``): the save writes them (``kehoach.sheets.streamed``). False otherwise."""
    if not isinstance(edit, WriteValues | ClearRows):
        return False
    if isinstance(edit, ClearRows) and edit.formats:
        return False
    carried = carried_of(wb)
    if carried is None or edit.sheet not in carried.streamed:
        return False
    first_row = next(s.first_row for s in carried.sheets if s.name == edit.sheet)
    top = coordinate_to_tuple(edit.cell)[0] if isinstance(edit, WriteValues) else edit.first_row
    if top < first_row:
        return False
    _DEFERRED.setdefault(wb, {}).setdefault(edit.sheet, []).append(edit)
    return True


def deferred(wb: Workbook) -> dict[str, list[WriteValues | ClearRows]]:
    """The edits ``defer`` kept for ``wb``, by sheet, in order."""
    return _DEFERRED.get(wb, {})


def apply_to_workbook(wb: Workbook, edits: Sequence[Edit]) -> None:
    """Apply ``edits`` to an openpyxl workbook, in order; then name the house font in every
    style (the fonts the edits added included)."""
    _apply(wb, edits)
    apply_house_font(wb)


def _apply(wb: Workbook, edits: Sequence[Edit]) -> None:
    for edit in edits:
        if isinstance(edit, EnsureSheet):
            if edit.sheet not in wb.sheetnames:
                existing = [(ws.title, ws.sheet_state != "visible") for ws in wb.worksheets]
                style_tab(wb.create_sheet(edit.sheet, insert_position(existing, edit.sheet)))
            continue
        if defer(wb, edit):  # a sheet written streamed at the save
            continue
        ws = wb[edit.sheet]
        if isinstance(edit, HideSheet):
            ws.sheet_state = "veryHidden"
        elif isinstance(edit, ClearRows):
            for row in ws.iter_rows(
                min_row=edit.first_row,
                max_row=max(ws.max_row, 1),
                min_col=edit.first_column,
                max_col=edit.last_column or max(ws.max_column, edit.first_column),
            ):
                for cell in row:
                    cell.value = None
                    cell.hyperlink = None
                    if edit.formats:
                        cell.style = "Normal"
        elif isinstance(edit, WriteValues):
            top, left = coordinate_to_tuple(edit.cell)
            styles = ColumnStyles(ws)
            for r, values in enumerate(edit.rows):
                for c, value in enumerate(values):
                    write_value(ws.cell(top + r, left + c), value, styles)
            grower = RowGrower(ws, ws.max_column)
            for r in range(len(edit.rows)):
                grower.grow(top + r)
        elif isinstance(edit, FormatTable):
            _format_table(ws, edit)
        elif isinstance(edit, Fill):
            ws[edit.cell].fill = (
                PatternFill("solid", fgColor=edit.color) if edit.color else PatternFill()
            )
        elif isinstance(edit, RowHeights):
            for i, height in enumerate(edit.heights):
                ws.row_dimensions[edit.first_row + i].height = height
        elif isinstance(edit, NumberFormat):
            for row in ws[edit.cells]:
                for cell in row:
                    cell.number_format = edit.number_format
        elif isinstance(edit, Link):
            cell = ws[edit.cell]
            cell.value = edit.text
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=edit.target)
            cell.font = LINK_FONT
