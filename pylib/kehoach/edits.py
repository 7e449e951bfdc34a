"""What a button changes in the master workbook, as data.

A core function (gaps, checks, …) returns a list of edits; a shell applies them:
``kehoach.xl.apply_edits`` through xlwings (the open workbook in Excel), and
``apply_to_workbook`` here through openpyxl (the CLI, which then saves with
``kehoach.xlsm.save_xlsm``). One description, two appliers, the same result.

Text is always written as text: a string that starts like a formula ("=", "+", "-",
"@") never becomes one. Workbook formulas are written at build time, not here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import coordinate_to_tuple
from openpyxl.worksheet.hyperlink import Hyperlink

FORMULA_STARTS = ("=", "+", "-", "@")
LINK_FONT = Font(name="Times New Roman", size=11, color="0563C1", underline="single")


@dataclass(frozen=True)
class EnsureSheet:
    """The sheet exists (created at the end when missing); its contents are left alone."""

    sheet: str


@dataclass(frozen=True)
class ClearRows:
    """Clear the values of rows ``first_row``.. of ``sheet`` (formats stay).

    With ``formats``, clear everything like Excel's Clear: values, formats and links (Excel's
    ClearContents leaves a cell's hyperlink behind).
    """

    sheet: str
    first_row: int
    formats: bool = False


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


Edit = EnsureSheet | ClearRows | WriteValues | Fill | Link | RowHeights | NumberFormat | HideSheet


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def apply_to_workbook(wb: Workbook, edits: Sequence[Edit]) -> None:
    """Apply ``edits`` to an openpyxl workbook, in order."""
    for edit in edits:
        if isinstance(edit, EnsureSheet):
            if edit.sheet not in wb.sheetnames:
                wb.create_sheet(edit.sheet)
            continue
        ws = wb[edit.sheet]
        if isinstance(edit, HideSheet):
            ws.sheet_state = "veryHidden"
        elif isinstance(edit, ClearRows):
            for row in ws.iter_rows(min_row=edit.first_row, max_row=max(ws.max_row, 1)):
                for cell in row:
                    cell.value = None
                    cell.hyperlink = None
                    if edit.formats:
                        cell.style = "Normal"
        elif isinstance(edit, WriteValues):
            top, left = coordinate_to_tuple(edit.cell)
            for r, values in enumerate(edit.rows):
                for c, value in enumerate(values):
                    cell = ws.cell(top + r, left + c)
                    cell.value = value
                    if looks_like_formula(value):
                        cell.data_type = "s"  # openpyxl would take "=…" for a formula
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
