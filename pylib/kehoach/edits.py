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

from kehoach.housestyle import FONT_NAME, apply_house_font
from kehoach.sheetorder import insert_position, style_tab

FORMULA_STARTS = ("=", "+", "-", "@")
LINK_FONT = Font(name=FONT_NAME, color="0563C1", underline="single")


@dataclass(frozen=True)
class EnsureSheet:
    """The sheet exists (created in its place of ``kehoach.sheetorder`` when missing, with its
    tab colour); its contents are left alone."""

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
class HideSheet:
    """Hide ``sheet`` so that Excel's Unhide does not list it ("very hidden") where the applier
    can say so; xlwings' remote engines (Office.js) only know plain hidden."""

    sheet: str


Edit = EnsureSheet | ClearRows | WriteValues | Fill | Link | HideSheet


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


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
        elif isinstance(edit, Link):
            cell = ws[edit.cell]
            cell.value = edit.text
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=edit.target)
            cell.font = LINK_FONT
