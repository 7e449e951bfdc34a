"""The data rows of a carried sheet the caller writes, written streamed at the save.

``collect`` rewrites TienDo (its whole table, the rows below it cleared) and appends receipts
to LichSu: at a province's scale a million cells, which openpyxl would make an object of at
the load and write back one by one at the save. Instead the master is loaded with those sheets
carried (``carried.load_carrying(..., streamed=...)``: no data row loaded), their edits are
kept for the save (``edits.defer``), and the save (``kehoach.workbook.xlsm.save_xlsm``) calls
``write_streamed`` before openpyxl writes the package. For each such sheet the original part's
data rows are read as a stream:

- the rows above the first row an edit touches stay as they are: the splice
  (``kehoach.workbook.splice``) copies their bytes (LichSu's receipts go after them);
- each row from there on is rebuilt as a full load would have it: its cells with their style
  indices (and, for a cell no edit writes or clears, its value, read by openpyxl's own parser),
  its row attributes (height, style, hidden), then the edits applied by the same code as
  ``apply_to_workbook`` (``edits.write_value``: column styles, date formats, text kept text;
  the row grown to its wrapped text; cleared cells keep their format), and serialised by
  openpyxl's cell writer (``openpyxl.cell._writer.etree_write_cell``) and the XML library
  openpyxl writes with, into a temporary file;
- rows an edit writes that the sheet did not have are written in their place.

New styles (a date format on a cell without one) are added to the workbook's own style table
before openpyxl writes it, so every ``s="N"`` written refers to it. The rows are never held
whole: one row's cells at a time, and the elements of at most 512 rows until they are
serialised together.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from openpyxl.cell._writer import etree_write_cell
from openpyxl.cell.cell import Cell
from openpyxl.utils import column_index_from_string, coordinate_to_tuple, get_column_letter
from openpyxl.worksheet.dimensions import RowDimension
from openpyxl.xml.functions import Element, SubElement, fromstring, tostring

from kehoach.common.errors import WorkbookError
from kehoach.sheets.carried import (
    CHUNK,
    Carried,
    CarriedSheet,
    carried_of,
    file_stamp,
    shared_strings_part,
)
from kehoach.sheets.edits import (
    ClearRows,
    ColumnStyles,
    RowGrower,
    WriteValues,
    deferred,
    grow_height,
    write_value,
)

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["StreamedRows", "write_streamed"]

_ROW = re.compile(rb"<row\b[^>]*?(?:/>|>.*?</row>)", re.S)
_SPACE = re.compile(rb"\s*")
_ROW_START = re.compile(rb"<row\b[^>]*?/?>")
_ROW_NUMBER = re.compile(rb'\sr="(\d+)"')
_ATTRIBUTE = re.compile(rb'\s([\w:]+)="([^"]*)"')
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>.*?</c>)", re.S)
_CELL_REF = re.compile(rb'\sr="([A-Z]{1,3})\d+"')
_CELL_STYLE = re.compile(rb'\ss="(\d+)"')
_ANY_REF = re.compile(rb"\sr=")

Edit = WriteValues | ClearRows


@dataclass(frozen=True)
class StreamedRows:
    """A carried sheet's data rows as the save writes them: the original part's bytes from
    the sheet's first data row up to ``keep`` stay as they are, then come the bytes of
    ``rows`` (a temporary file, at its start); ``dimension`` is the part's new
    ``<dimension>`` element."""

    sheet: CarriedSheet
    keep: int
    rows: IO[bytes]
    dimension: bytes


def write_streamed(wb: Workbook) -> dict[str, StreamedRows]:
    """The data rows of every sheet of ``wb`` with edits kept for the save (``edits.defer``),
    written (see the module's docstring); the caller closes the files. Raises WorkbookError
    when the original file changed since the load or its rows are not as the load found them.
    """
    pending = deferred(wb)
    carried = carried_of(wb)
    if not pending or carried is None:
        return {}
    if file_stamp(carried.source) != carried.stamp:
        raise WorkbookError(
            "Workbook đã bị thay đổi từ lúc đọc (có chương trình khác vừa ghi): không ghi gì. "
            "Hãy chạy lại lệnh.",
            file=carried.source,
        )
    out: dict[str, StreamedRows] = {}
    try:
        with zipfile.ZipFile(carried.source) as z:
            for sheet in carried.sheets:
                edits = pending.get(sheet.name)
                if edits:
                    out[sheet.name] = _Writer(wb, z, carried, sheet, edits).write()
    except BaseException:
        for rows in out.values():
            rows.rows.close()
        raise
    return out


class _Writer:
    """One sheet's rows: the original's read, the edits applied, openpyxl's serialisation."""

    def __init__(
        self,
        wb: Workbook,
        z: zipfile.ZipFile,
        carried: Carried,
        sheet: CarriedSheet,
        edits: Sequence[Edit],
    ) -> None:
        self.wb = wb
        self.z = z
        self.carried = carried
        self.sheet = sheet
        self.edits = edits
        self.ws: Worksheet = wb[sheet.name]
        self.styles = ColumnStyles(self.ws)
        self.grower = RowGrower(self.ws, 0)
        self.parser: Any = None
        self.max_row = 0
        self.max_column = 0
        self.writes: list[tuple[int, int, Sequence[Sequence[Any]]]] = []
        for edit in edits:
            if isinstance(edit, WriteValues):
                top, left = coordinate_to_tuple(edit.cell)
                self.writes.append((top, left, edit.rows))
        starts = [
            coordinate_to_tuple(e.cell)[0] if isinstance(e, WriteValues) else e.first_row
            for e in edits
        ]
        self.first_touched = min(starts)
        written = {top + i for top, _, rows in self.writes for i in range(len(rows))}
        self.new_rows = sorted(written)

    def write(self) -> StreamedRows:
        out = tempfile.TemporaryFile()  # noqa: SIM115 (the caller closes it)
        try:
            keep = self.sheet.end
            pending = iter(self.new_rows)
            upcoming = next(pending, None)
            with _Sink(out) as sink:
                for number, offset, data in self._original_rows():
                    if number < self.first_touched:
                        continue
                    if keep == self.sheet.end:
                        keep = offset
                    while upcoming is not None and upcoming < number:
                        self._write_row(sink, upcoming, {}, None)
                        upcoming = next(pending, None)
                    if upcoming == number:
                        upcoming = next(pending, None)
                    if self._touches(number):
                        cells, dimension = self._cells(number, data)
                        self._write_row(sink, number, cells, dimension)
                    else:  # below every edit: as it was
                        sink.raw(data)
                        self._extend(number, data)
                while upcoming is not None:
                    self._write_row(sink, upcoming, {}, None)
                    upcoming = next(pending, None)
            out.seek(0)
            return StreamedRows(self.sheet, keep, out, self._dimension(keep))
        except BaseException:
            out.close()
            raise

    # --- reading the original rows --------------------------------------------------------

    def _original_rows(self) -> Iterator[tuple[int, int, bytes]]:
        """(row number, offset in the part, the row element's bytes) of each original data
        row, in order."""
        sheet = self.sheet
        with self.z.open(sheet.part) as entry:
            skip = sheet.start
            while skip:
                got = entry.read(min(skip, CHUNK))
                if not got:
                    raise self._changed()
                skip -= len(got)
            left = sheet.end - sheet.start
            buffer = b""
            base = sheet.start  # the part's offset of buffer[0]
            pos = 0
            previous = sheet.first_row - 1
            while True:
                pos = _SPACE.match(buffer, pos).end()  # type: ignore[union-attr]
                match = _ROW.match(buffer, pos)
                if match is None:
                    if not left:
                        if pos != len(buffer):
                            raise self._changed()
                        break
                    got = entry.read(min(left, CHUNK))
                    if not got:
                        raise self._changed()
                    left -= len(got)
                    base += pos
                    buffer = buffer[pos:] + got
                    pos = 0
                    continue
                data = match[0]
                start = _ROW_START.match(data)
                assert start is not None
                found = _ROW_NUMBER.search(start[0])
                number = int(found[1]) if found is not None else previous + 1
                if number <= previous:
                    raise WorkbookError(
                        f"Các dòng của trang «{sheet.name}» không theo thứ tự: không ghi gì.",
                        file=self.carried.source,
                    )
                previous = number
                yield number, base + pos, data
                pos = match.end()
            if entry.read(len(b"</sheetData>")) != b"</sheetData>":
                raise self._changed()

    def _changed(self) -> WorkbookError:
        return WorkbookError(
            f"Trang «{self.sheet.name}» của workbook đã khác lúc đọc: không ghi gì. Hãy chạy "
            "lại lệnh.",
            file=self.carried.source,
        )

    def _touches(self, row: int) -> bool:
        for edit in self.edits:
            if isinstance(edit, ClearRows) and row >= edit.first_row:
                return True
        return any(top <= row < top + len(rows) for top, _, rows in self.writes)

    def _covered(self, row: int) -> tuple[set[int], tuple[int, int | None] | None]:
        """The columns the edits write in ``row``, and the columns they clear (first, last)."""
        written: set[int] = set()
        for top, left, rows in self.writes:
            if top <= row < top + len(rows):
                written.update(range(left, left + len(rows[row - top])))
        cleared: tuple[int, int | None] | None = None
        for edit in self.edits:
            if isinstance(edit, ClearRows) and row >= edit.first_row:
                first, last = cleared or (edit.first_column, edit.last_column)
                first = min(first, edit.first_column)
                if last is not None:
                    last = None if edit.last_column is None else max(last, edit.last_column)
                cleared = (first, last)
        return written, cleared

    def _cells(self, row: int, data: bytes) -> tuple[dict[int, Cell], RowDimension | None]:
        """The cells of the original row ``row`` (``data``) and its attributes, as a full load
        has them; a cell whose value the edits replace or clear is read for its style only."""
        start = _ROW_START.match(data)
        assert start is not None
        written, cleared = self._covered(row)
        styles = self.wb._cell_styles
        cells: dict[int, Cell] = {}
        column = 0
        for match in _CELL.finditer(data, start.end()):
            ref = _CELL_REF.search(match[1])
            if ref is None and _ANY_REF.search(match[1]):  # a reference written otherwise
                return self._parsed(row, data), self._dimension_of(start[0])
            column = column_index_from_string(ref[1].decode()) if ref else column + 1
            if not _is_covered(column, written, cleared):
                return self._parsed(row, data), self._dimension_of(start[0])
            style = _CELL_STYLE.search(match[1])
            cells[column] = Cell(self.ws, row, column, None, styles[int(style[1]) if style else 0])
        return cells, self._dimension_of(start[0])

    def _parsed(self, row: int, data: bytes) -> dict[int, Cell]:
        """Every cell of the row ``data`` as openpyxl's reader binds it (value, type, style)."""
        if self.parser is None:
            from openpyxl.worksheet._reader import WorkSheetParser

            self.parser = WorkSheetParser(
                None,
                self._shared_strings(),
                False,
                self.wb.epoch,
                self.wb._date_formats,
                self.wb._timedelta_formats,
            )
        root = self.sheet.root or b'<worksheet xmlns="%s">' % _MAIN_NS.encode()
        element = fromstring(root + data + b"</worksheet>")[0]
        self.parser.row_counter = row - 1
        _, found = self.parser.parse_row(element)
        styles = self.wb._cell_styles
        cells: dict[int, Cell] = {}
        for value in found:
            cell = Cell(self.ws, row, value["column"], None, styles[value["style_id"]])
            cell._value = value["value"]
            cell.data_type = value["data_type"]
            cells[value["column"]] = cell
        return cells

    def _shared_strings(self) -> list[Any]:
        from openpyxl.reader.strings import read_string_table

        part = shared_strings_part(self.z)
        if part is None:
            return []
        with self.z.open(part) as src:
            strings: list[Any] = read_string_table(src)
        return strings

    def _dimension_of(self, start: bytes) -> RowDimension | None:
        """The row's attributes as openpyxl's reader keeps them (None: only its number)."""
        attrs: dict[str, Any] = {k.decode(): v.decode() for k, v in _ATTRIBUTE.findall(start)}
        if not set(attrs) - {"r", "spans"}:
            return None
        if "s" in attrs:
            attrs["s"] = self.wb._cell_styles[int(attrs["s"])]
        return RowDimension(self.ws, **attrs)

    # --- writing --------------------------------------------------------------------------

    def _write_row(
        self, sink: _Sink, row: int, cells: dict[int, Cell], dimension: RowDimension | None
    ) -> None:
        for edit in self.edits:
            if isinstance(edit, WriteValues):
                top, left = coordinate_to_tuple(edit.cell)
                if not top <= row < top + len(edit.rows):
                    continue
                for c, value in enumerate(edit.rows[row - top]):
                    column = left + c
                    cell = cells.get(column)
                    if cell is None:
                        cell = cells[column] = Cell(self.ws, row, column)
                    write_value(cell, value, self.styles)
                lines = self.grower.lines(cells.values())
                if lines > 1:
                    if dimension is None:
                        dimension = RowDimension(self.ws, index=row)
                    grow_height(dimension, lines)
            elif row >= edit.first_row:
                last = edit.last_column
                for column, cell in cells.items():
                    if column >= edit.first_column and (last is None or column <= last):
                        cell.value = None
                        cell.hyperlink = None
        attrs = {"r": f"{row}"}
        if dimension is not None:
            attrs.update(dimension)
        shown = [
            cells[c] for c in sorted(cells) if cells[c]._value is not None or cells[c].has_style
        ]
        if not shown and len(attrs) == 1:
            return
        sink.row(attrs, shown, self.ws)
        self.max_row = max(self.max_row, row)
        if shown:
            self.max_column = max(self.max_column, shown[-1].column)

    def _extend(self, row: int, data: bytes) -> None:
        """Count an original row copied as it is in the sheet's extent."""
        self.max_row = max(self.max_row, row)
        refs = _CELL_REF.findall(data)
        if refs:
            self.max_column = max(self.max_column, column_index_from_string(refs[-1].decode()))

    def _dimension(self, keep: int) -> bytes:
        """The part's ``<dimension>``: from the rows above the data (openpyxl's) to the last
        row and column written or kept (the original's extent for the rows kept as they
        were)."""
        from openpyxl.worksheet.dimensions import SheetDimension

        top, left, bottom, right = 1, 1, self.max_row, self.max_column
        header = self.ws.calculate_dimension()
        first, _, last = header.partition(":")
        if first:
            top, left = coordinate_to_tuple(first)
        last_row, last_col = coordinate_to_tuple(last or first)
        bottom, right = max(bottom, last_row), max(right, last_col)
        if keep > self.sheet.start:  # rows kept as they were: the original's extent
            original = _DIMENSION_REF.search(self.sheet.dimension)
            if original is not None:
                end = original[1].decode().partition(":")[2]
                if end:
                    kept_row, kept_col = coordinate_to_tuple(end)
                    bottom, right = max(bottom, kept_row), max(right, kept_col)
        ref = f"{get_column_letter(left)}{top}:{get_column_letter(right)}{bottom}"
        data: bytes = tostring(SheetDimension(ref=ref).to_tree())
        return data


_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_DIMENSION_REF = re.compile(rb'\sref="([^"]+)"')


def _is_covered(column: int, written: set[int], cleared: tuple[int, int | None] | None) -> bool:
    if column in written:
        return True
    if cleared is None:
        return False
    first, last = cleared
    return column >= first and (last is None or column <= last)


class _Sink:
    """Where the rows go, in order: each row element built by openpyxl's cell writer and
    serialised by the XML library openpyxl writes with (``openpyxl.xml.functions``), and rows
    copied as they were in between; encoded and written to ``out`` a batch at a time."""

    _BATCH = 512  # rows serialised in one call, inside a <sheetData> element left out

    def __init__(self, out: IO[bytes]) -> None:
        self._out = out
        self._rows = Element("sheetData")
        self._count = 0

    def row(self, attrs: dict[str, str], cells: Sequence[Cell], ws: Worksheet) -> None:
        element = SubElement(self._rows, "row", attrs)
        collector = _Children(element)
        for cell in cells:
            etree_write_cell(collector, ws, cell, cell.has_style)
        self._count += 1
        if self._count >= self._BATCH:
            self._flush()

    def raw(self, data: bytes) -> None:
        self._flush()
        self._out.write(data)

    def _flush(self) -> None:
        if not self._count:
            return
        text: str = tostring(self._rows, encoding="unicode")
        opened, closed = "<sheetData>", "</sheetData>"
        if not (text.startswith(opened) and text.endswith(closed)):
            raise AssertionError("the rows' container is not where it was put")
        self._out.write(text[len(opened) : -len(closed)].encode("utf-8", "xmlcharrefreplace"))
        self._rows = Element("sheetData")
        self._count = 0

    def __enter__(self) -> _Sink:
        return self

    def __exit__(self, *exc: object) -> None:
        self._flush()


class _Children:
    """The writer openpyxl's cell writer is given: each cell element it writes becomes a child
    of the row's."""

    def __init__(self, element: Any) -> None:
        self.write = element.append
