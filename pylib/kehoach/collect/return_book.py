"""A returned agency workbook's sheets and cells, as intake reads them: ``open_return``.

Two readers give one result, a ``ReturnedBook``:

- python-calamine (Rust), about twenty times faster than openpyxl on these files, for a
  package whose sheet parts ``xlsx_scan.odd_cell`` finds plain (every cell addressed, within
  A1:Z99999, written as spreadsheet programs write it): calamine densifies the rectangle a
  sheet's cells span and aborts the process when that is too big (calamine issue #693). The
  number formats and error values it does not give come from ``xlsx_scan``;
- openpyxl in normal mode (cells stored sparsely, a forged dimension record ignored), with
  ``keep_vba=False, keep_links=False, data_only=True`` (a formula's cached value, never the
  formula; external links never followed), for every other package and for any package
  calamine cannot read, so that an unusual file is read slowly rather than refused.

Neither runs macros or follows links; both read only the bytes ``zipguard.unpack`` checked.
Values are as openpyxl gives them with ``data_only=True`` (calamine: a number is a float, a
blank cell may be ""); ``kehoach.collect.intake`` treats both alike. Pure core: no xlwings.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from kehoach.collect.zipguard import Package
from kehoach.common.untrusted_text import excerpt, unescaped
from kehoach.sheets import extract_layout as ex
from kehoach.sheets import xlsx_scan

CALAMINE = "calamine"
OPENPYXL = "openpyxl"
# The sheets whose cells intake reads; the guide sheet is only looked at in the sheet list.
READ_SHEETS = (ex.TASKS_SHEET, ex.META_SHEET)
# The columns whose number format matters: a percentage typed as "50%" is stored as 0.5.
# (Where each format version puts it.)
FORMAT_COLUMNS = tuple(sorted({s.position(ex.PERCENT_KEY) for s in ex.LAYOUTS.values()}))
# The input columns of every format: where a formula saved without its value is looked for.
INPUT_COLUMNS = tuple(sorted({c for s in ex.LAYOUTS.values() for c in s.input_positions}))


class UnreadableReturn(Exception):
    """The package cannot be read as a workbook; the message says why (for the reason)."""


class Grid(Protocol):
    """The cells of one sheet, 1-based, read at the addresses asked for."""

    def extent(self) -> tuple[int, int]:
        """The last row and column holding a cell (0, 0 for an empty sheet)."""
        ...

    def block(self, first_row: int, last_row: int, last_col: int) -> list[list[Any]]:
        """Values of rows ``first_row``…``last_row``, columns 1…``last_col``, missing cells
        blank; an error cell gives its text ("#N/A")."""
        ...

    def number_format(self, row: int, col: int) -> str:
        """The cell's number format (exact for ``FORMAT_COLUMNS``; "General" elsewhere may
        stand for any format that is not a percentage)."""
        ...


@dataclass(frozen=True)
class SheetEntry:
    name: str
    worksheet: bool  # False for a chartsheet (or a dialog or macro sheet)
    state: str  # "visible", "hidden" or "veryHidden"


@dataclass(frozen=True)
class ReturnedBook:
    reader: str  # CALAMINE or OPENPYXL
    sheets: tuple[SheetEntry, ...]
    grids: dict[str, Grid] = field(default_factory=dict)  # READ_SHEETS that are worksheets
    # The tasks sheet → its input cells (row, column) holding a formula saved without its
    # value, which both readers give as blank (``xlsx_scan.uncached_formulas``).
    uncached: dict[str, frozenset[tuple[int, int]]] = field(default_factory=dict)


def open_return(data: bytes, package: Package) -> ReturnedBook:
    """The returned workbook ``data`` (already through ``zipguard.unpack``: ``package``).

    Raises UnreadableReturn when no reader can open it, or when its parts say it is damaged
    in a way readers take differently (``damage``).
    """
    problem = damage(package)
    if problem is not None:
        raise UnreadableReturn(problem)
    book = _read(data, package)
    part = (xlsx_scan.sheet_parts(package.parts) or {}).get(ex.TASKS_SHEET)
    xml = package.parts.get(part, b"") if part else b""
    cells = xlsx_scan.uncached_formulas(xml, INPUT_COLUMNS)
    return replace(book, uncached={ex.TASKS_SHEET: cells}) if cells else book


def _read(data: bytes, package: Package) -> ReturnedBook:
    try:
        from python_calamine import CalamineError
    except ImportError:  # an installation without it reads every return, only slower
        return _read_openpyxl(data)
    if _plain(package.parts):
        try:
            return _read_calamine(data, package.parts)
        except (CalamineError, UnreadableReturn, ValueError, SyntaxError):
            pass  # defusedxml refusing a part, XML syntax…: openpyxl will say why, or read it
        except BaseException as exc:
            # A Rust panic reaches Python as pyo3's PanicException, a BaseException.
            if type(exc).__name__ != "PanicException":
                raise
    return _read_openpyxl(data)


def damage(package: Package) -> str | None:
    """What makes the package damaged before any reader looks at it (Vietnamese), or None:
    no styles part (dates would read as numbers, and every row as edited), a cell pointing
    outside the shared-string table (calamine reads some other string)."""
    parts = package.parts
    if xlsx_scan.STYLES_PART not in parts:
        return f"thiếu thành phần định dạng «{xlsx_scan.STYLES_PART}»"
    count: int | None = None
    for name, xml in parts.items():
        if not xlsx_scan.is_sheet_part(xml):
            continue
        if count is None:
            count = xlsx_scan.shared_string_count(parts)
        bad = xlsx_scan.bad_shared_string(xml, count)
        if bad is not None:
            cell, index = (excerpt(t, 20) for t in bad)
            return (
                f"ô {cell} của thành phần «{excerpt(name, 40)}» trỏ tới chuỗi số «{index}», "
                f"bảng chuỗi dùng chung chỉ có {count} chuỗi"
            )
    return None


def _plain(parts: Mapping[str, bytes]) -> bool:
    return all(
        xlsx_scan.odd_cell(xml) is None for xml in parts.values() if xlsx_scan.is_sheet_part(xml)
    )


# --- python-calamine ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _ValueGrid:
    rows: list[list[Any]]  # from A1, rectangular
    errors: dict[tuple[int, int], str]
    formats: dict[tuple[int, int], str]

    def extent(self) -> tuple[int, int]:
        return (len(self.rows), len(self.rows[0])) if self.rows else (0, 0)

    def block(self, first_row: int, last_row: int, last_col: int) -> list[list[Any]]:
        out: list[list[Any]] = []
        for row in self.rows[first_row - 1 : last_row]:
            missing = last_col - len(row)
            out.append(row[:last_col] if missing <= 0 else [*row, *[None] * missing])
        out += [[None] * last_col for _ in range(last_row - first_row + 1 - len(out))]
        for (row_number, col), text in self.errors.items():
            if first_row <= row_number <= last_row and col <= last_col:
                out[row_number - first_row][col - 1] = text
        return out

    def number_format(self, row: int, col: int) -> str:
        return self.formats.get((row, col), "General")


def _read_calamine(data: bytes, parts: Mapping[str, bytes]) -> ReturnedBook:
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    states = (  # its enums are not hashable
        (SheetVisibleEnum.Visible, "visible"),
        (SheetVisibleEnum.Hidden, "hidden"),
        (SheetVisibleEnum.VeryHidden, "veryHidden"),
    )
    located = xlsx_scan.sheet_parts(parts)
    if located is None:
        raise UnreadableReturn("sheet parts not found as calamine finds them")
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        sheets = tuple(
            SheetEntry(
                m.name,
                m.typ == SheetTypeEnum.WorkSheet,
                next(text for state, text in states if state == m.visible),
            )
            for m in book.sheets_metadata
        )
        if any(s.name not in located for s in sheets):
            raise UnreadableReturn("a sheet calamine lists is not in xl/workbook.xml")
        styles = xlsx_scan.percent_styles(parts.get(xlsx_scan.STYLES_PART))
        grids: dict[str, Grid] = {}
        for entry in sheets:
            if entry.name not in READ_SHEETS or not entry.worksheet or entry.name in grids:
                continue
            xml = parts[located[entry.name]]
            grids[entry.name] = _ValueGrid(
                book.get_sheet_by_name(entry.name).to_python(skip_empty_area=False),
                xlsx_scan.error_cells(xml),
                xlsx_scan.number_formats(xml, FORMAT_COLUMNS, styles),
            )
    finally:
        book.close()
    return ReturnedBook(CALAMINE, sheets, grids)


# --- openpyxl ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _SheetGrid:
    ws: Worksheet

    def extent(self) -> tuple[int, int]:
        return self.ws.max_row, self.ws.max_column

    def block(self, first_row: int, last_row: int, last_col: int) -> list[list[Any]]:
        rows = self.ws.iter_rows(
            min_row=first_row, max_row=last_row, max_col=last_col, values_only=True
        )
        # openpyxl keeps Excel's escape of a control character ("_x000B_", Word's line break)
        # as text; python-calamine gives the character: both readers give the same texts.
        return [[unescaped(v) if type(v) is str else v for v in r] for r in rows]

    def number_format(self, row: int, col: int) -> str:
        return str(self.ws.cell(row, col).number_format)


def _read_openpyxl(data: bytes) -> ReturnedBook:
    try:
        # openpyxl warns, in English on stderr, of what it drops from a file (Excel's own
        # extensions, a damaged defined name): nothing an official can act on, and nothing
        # intake reads.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(
                io.BytesIO(data), read_only=False, keep_vba=False, keep_links=False, data_only=True
            )
    except Exception as exc:  # openpyxl raises many kinds for a malformed package; the edge
        # Its messages are English and may span lines: the reason names the kind only.
        raise UnreadableReturn(
            f"cấu trúc bên trong bị hỏng hoặc không hợp lệ, lỗi {type(exc).__name__}"
        ) from exc
    sheets = tuple(
        SheetEntry(name, isinstance(wb[name], Worksheet), wb[name].sheet_state)
        for name in wb.sheetnames
    )
    grids: dict[str, Grid] = {
        name: _SheetGrid(wb[name])
        for name in READ_SHEETS
        if name in wb.sheetnames and isinstance(wb[name], Worksheet)
    }
    return ReturnedBook(OPENPYXL, sheets, grids)
