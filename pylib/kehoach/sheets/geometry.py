"""Where things sit on a sheet, in pixels at 96 dpi: column widths and row heights measured
from the sheet, charts placed into a box of cells that is known to be empty.

Excel stores a column's width in characters of the default font's widest digit, padding
included; with the 11 pt fonts we use (Times New Roman, Calibri) a digit is 7 px wide, so a
width ``w`` is ``round(7 * w)`` px, and a column without a width is 64 px. A row's height is in
points (``pt * 96 / 72`` px); a row without one is the sheet's default height.

A chart is anchored at the top-left cell of its box (``oneCellAnchor``) with an extent equal to
the box minus a margin, so it never reaches a cell outside the box whatever the fonts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from openpyxl.chart._chart import ChartBase
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, OneCellAnchor, TwoCellAnchor
from openpyxl.drawing.xdr import XDRPositiveSize2D
from openpyxl.utils import get_column_letter
from openpyxl.utils.units import EMU_to_pixels, pixels_to_EMU
from openpyxl.worksheet.worksheet import Worksheet

DIGIT_PX = 7
DEFAULT_COLUMN_PX = 64
DEFAULT_ROW_POINTS = 15.0
MARGIN_PX = 6


@dataclass(frozen=True)
class Box:
    """A rectangle in pixels from the sheet's top-left corner (right and bottom exclusive)."""

    left: int
    top: int
    right: int
    bottom: int

    def overlaps(self, other: Box) -> bool:
        return (
            self.left < other.right
            and other.left < self.right
            and self.top < other.bottom
            and other.top < self.bottom
        )


def column_px(ws: Worksheet, col: int) -> int:
    """Width of column ``col`` (1-based) in pixels."""
    dim = ws.column_dimensions.get(get_column_letter(col))
    if dim is None or not dim.customWidth or dim.width is None:
        return DEFAULT_COLUMN_PX
    return round(DIGIT_PX * float(dim.width))


def row_px(ws: Worksheet, row: int) -> int:
    """Height of row ``row`` (1-based) in pixels."""
    dim = ws.row_dimensions.get(row)
    points = dim.height if dim is not None and dim.height is not None else None
    if points is None:
        points = ws.sheet_format.defaultRowHeight or DEFAULT_ROW_POINTS
    return round(float(points) * 96 / 72)


def cell_box(ws: Worksheet, first_row: int, first_col: int, last_row: int, last_col: int) -> Box:
    """The rectangle of cells first_row..last_row × first_col..last_col (inclusive)."""
    left = sum(column_px(ws, c) for c in range(1, first_col))
    top = sum(row_px(ws, r) for r in range(1, first_row))
    width = sum(column_px(ws, c) for c in range(first_col, last_col + 1))
    height = sum(row_px(ws, r) for r in range(first_row, last_row + 1))
    return Box(left, top, left + width, top + height)


def place_chart(
    ws: Worksheet,
    chart: ChartBase,
    first_row: int,
    first_col: int,
    last_row: int,
    last_col: int,
    margin: int = MARGIN_PX,
) -> Box:
    """Add ``chart`` to ``ws`` filling the cells first_row..last_row × first_col..last_col,
    less ``margin`` px on every side; returns the chart's rectangle."""
    box = cell_box(ws, first_row, first_col, last_row, last_col)
    width, height = box.right - box.left - 2 * margin, box.bottom - box.top - 2 * margin
    marker = AnchorMarker(
        col=first_col - 1,
        colOff=pixels_to_EMU(margin),
        row=first_row - 1,
        rowOff=pixels_to_EMU(margin),
    )
    size = XDRPositiveSize2D(cx=pixels_to_EMU(width), cy=pixels_to_EMU(height))
    chart.anchor = OneCellAnchor(_from=marker, ext=size)
    # openpyxl also writes the size in cm into the chart part; keep the two equal.
    chart.width, chart.height = width * 2.54 / 96, height * 2.54 / 96
    ws.add_chart(chart)
    return Box(box.left + margin, box.top + margin, box.right - margin, box.bottom - margin)


def chart_boxes(ws: Worksheet) -> list[Box]:
    """The rectangle of every chart of ``ws`` (as written, or as read back by openpyxl)."""
    out: list[Box] = []
    for chart in ws._charts:
        anchor = chart.anchor
        if isinstance(anchor, str):  # ws.add_chart(chart, "A1"): the size comes from the chart
            from openpyxl.utils.cell import coordinate_to_tuple

            row, col = coordinate_to_tuple(anchor)
            start = cell_box(ws, row, col, row, col)
            w, h = round(chart.width * 96 / 2.54), round(chart.height * 96 / 2.54)
            out.append(Box(start.left, start.top, start.left + w, start.top + h))
            continue
        start = cell_box(ws, anchor._from.row + 1, anchor._from.col + 1, 1, 1)
        left = start.left + EMU_to_pixels(anchor._from.colOff)
        top = start.top + EMU_to_pixels(anchor._from.rowOff)
        if isinstance(anchor, TwoCellAnchor):
            end = cell_box(ws, anchor.to.row + 1, anchor.to.col + 1, 1, 1)
            right = end.left + EMU_to_pixels(anchor.to.colOff)
            bottom = end.top + EMU_to_pixels(anchor.to.rowOff)
        else:
            right = left + EMU_to_pixels(anchor.ext.width)
            bottom = top + EMU_to_pixels(anchor.ext.height)
        out.append(Box(left, top, right, bottom))
    return out


def used_boxes(ws: Worksheet) -> list[Box]:
    """The rectangle of every cell that holds a value (merged cells: their whole range)."""
    merged = {(r.min_row, r.min_col): r for r in ws.merged_cells.ranges}
    out: list[Box] = []
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None or cell.value == "":
                continue
            rng = merged.get((cell.row, cell.column))
            if rng is not None:
                out.append(cell_box(ws, rng.min_row, rng.min_col, rng.max_row, rng.max_col))
            else:
                out.append(cell_box(ws, cell.row, cell.column, cell.row, cell.column))
    return out


# How many lines a wrapped text takes: one estimate for every sheet (row heights, header rows,
# notes). Letters of 11 pt text per unit of column width: CHARS_PER_WIDTH for the plan's
# figures and notes (Times New Roman, a bit low), CHARS_PER_WIDTH_UNIT for running text,
# BOLD_CHARS_PER_WIDTH_UNIT for bold headers.
LINE_POINTS = 15.0  # one line of 11 pt text
CHARS_PER_WIDTH = 1.45
CHARS_PER_WIDTH_UNIT = 1.05
BOLD_CHARS_PER_WIDTH_UNIT = 0.95
HEADER_PADDING_POINTS = 3.0  # a header row's room above and below its lines


def wrapped_lines(
    text: str, width: float, chars_per_unit: float = CHARS_PER_WIDTH, *, whole_words: bool = False
) -> int:
    """Lines that ``text`` takes wrapped in a column ``width`` wide, at ``chars_per_unit``
    letters per unit of width; every line break of the text starts a line. By letters (an
    estimate on the safe side: word breaks cost a little room), or with ``whole_words`` as
    Excel wraps: a word that does not fit goes down, a word longer than a line breaks."""
    per_line = max(1, int(width * chars_per_unit))
    parts = str(text).split("\n")
    if not whole_words:
        return sum(max(1, -(-len(part) // per_line)) for part in parts)
    return sum(_word_lines(part, per_line) for part in parts)


def _word_lines(part: str, per_line: int) -> int:
    count, line = 1, 0
    for word in part.split():
        need = len(word) if line == 0 else line + 1 + len(word)
        if line and need > per_line:
            count, need = count + 1, len(word)
        while need > per_line:  # a word longer than a line breaks
            count, need = count + 1, need - per_line
        line = need
    return count


def header_lines(headers: Iterable[tuple[str, float]]) -> int:
    """Lines of the tallest of ``headers`` (text, column width): bold, wrapped at whole words,
    a unit of width left for the cell's padding."""
    return max(
        (
            wrapped_lines(text, width - 1, BOLD_CHARS_PER_WIDTH_UNIT, whole_words=True)
            for text, width in headers
        ),
        default=1,
    )


def header_height(lines: int) -> float:
    """The height in points of a header row of ``lines`` lines."""
    return lines * LINE_POINTS + HEADER_PADDING_POINTS


def row_height(values: Sequence[object], widths: Sequence[float | None]) -> float:
    """The height in points of a row whose cells hold ``values``, wrapped at ``widths``
    (None: the cell is not wrapped)."""
    lines = 1
    for value, width in zip(values, widths, strict=False):
        if width is not None and isinstance(value, str) and value:
            lines = max(lines, wrapped_lines(value, width))
    return LINE_POINTS * lines + 1
