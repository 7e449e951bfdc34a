"""The history workbook of one collection: every changed cell of TienDo, old → new.

One workbook per run that changed anything, in ``<master stem>_LichSu/`` beside the master,
named by the run's time (``LichSu_2026-10-01_080000.xlsx``; ``_2``, ``_3`` … when that name is
taken), created once and never rewritten. The master's LichSu names it on every row of the run.

XlsxWriter writes it, text as text: a value such as "=1+1" an agency typed stays a string,
never a formula. A worksheet holds 1,048,576 rows, so a run that changed more cells goes on in
"LichSu (2)", "LichSu (3)" …, each with the same heading.

Two ways to the same cells. A run of at most ``DEFAULT_MODE_MAX_ROWS`` changed cells (the
embedded plan's full round of returns: 18,383) is written in XlsxWriter's default mode: every
cell held until the workbook is closed, the texts that repeat on every row (file, agency,
column) written once in the shared-string table. A larger run (a province's first collection
changes millions of cells) is streamed in constant-memory mode: each row written as it comes,
its texts inline, escaped on every row: about a third more CPU time (the embedded plan's
18,383 rows: 0.76 s against 0.58 s). The rows are taken from the iterator up to one past the
limit, so the choice needs no count and no second pass; past it, those are written first and
the rest streamed behind them. The default mode's price is memory, measured on a 2-core machine
(docs/benchmarks.md) on 2026-12-04: about 1.1 KB a row more than constant memory, however
long the texts (the collection holds them already). 50,000 rows (the embedded plan's, thrice
over with their task codes made distinct) peak at 55.5 MB against 2.9 MB under tracemalloc and
raise the peak RSS by 53 MB; hence the limit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from itertools import chain, islice
from pathlib import Path
from typing import Any

from kehoach.common.atomic import replaced_on_success
from kehoach.common.errors import KeHoachError
from kehoach.sheets import progress_layout as pl
from kehoach.sheets.xlsx_text import write_text

# A run of at most this many changed cells is written in XlsxWriter's default mode, every cell
# held until the workbook is closed (see the module's docstring for the measure); a larger one
# in constant-memory mode.
DEFAULT_MODE_MAX_ROWS = 50_000
_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}


class HistoryError(KeHoachError):
    """The history workbook cannot be written (folder not writable, disk full)."""


def history_dir(master: Path) -> Path:
    """The folder of ``master``'s history workbooks: ``<folder>/<stem>_LichSu``."""
    return master.parent / f"{master.stem}{pl.HISTORY_DIR_SUFFIX}"


def _free_name(folder: Path, received_at: datetime) -> Path:
    base = f"LichSu_{received_at:%Y-%m-%d_%H%M%S}"
    path, n = folder / f"{base}.xlsx", 1
    while path.exists():
        n += 1
        path = folder / f"{base}_{n}.xlsx"
    return path


def write_history(
    rows: Iterable[Sequence[Any]],
    master: Path,
    received_at: datetime,
    *,
    rows_per_sheet: int = pl.EXCEL_MAX_ROWS - pl.FIRST_DATA_ROW + 1,
) -> str:
    """Write ``rows`` (``CHANGES_COLUMNS`` order) to a new history workbook beside ``master``;
    return its path relative to the master's folder, with "/" (what LichSu shows), or "" when
    there are no rows (no file is made). Written to a temporary file first, then renamed:
    a history workbook is whole or absent. HistoryError when the folder cannot be written."""
    iterator = iter(rows)
    head = list(islice(iterator, DEFAULT_MODE_MAX_ROWS + 1))
    if not head:
        return ""
    streamed = len(head) > DEFAULT_MODE_MAX_ROWS
    folder = history_dir(master)
    try:
        folder.mkdir(exist_ok=True)
        path = _free_name(folder, received_at)
        with replaced_on_success(path, ".tmp.xlsx") as tmp:
            rest = chain(head, iterator) if streamed else head
            _write(str(tmp), rest, master.name, received_at, rows_per_sheet, streamed)
    except OSError as err:
        raise HistoryError(
            "Không ghi được tệp lịch sử chi tiết của lần thu thập này; workbook chưa bị thay "
            f"đổi gì. ({err.strerror or err})",
            file=folder,
        ) from err
    return f"{folder.name}/{path.name}"


def _write(
    path: str,
    rows: Iterable[Sequence[Any]],
    master: str,
    received_at: datetime,
    rows_per_sheet: int,
    streamed: bool,
) -> None:
    import xlsxwriter  # only a collection writes one; the build and the saves need history_dir

    wb = xlsxwriter.Workbook(path, {**_OPTIONS, "constant_memory": streamed})
    bold = wb.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    title_format = wb.add_format({"bold": True, "font_size": 13})
    plain = wb.add_format()  # the runs of a text XlsxWriter would take for its own XML
    formats = {
        i: wb.add_format({"num_format": c.number_format})
        for i, c in enumerate(pl.CHANGES_COLUMNS)
        if c.number_format != "General"
    }
    title = pl.CHANGES_TITLE.format(when=received_at, master=master)
    ws, used, sheets = None, rows_per_sheet, 0
    for row in rows:
        if used == rows_per_sheet:
            sheets += 1
            name = pl.CHANGES_SHEET if sheets == 1 else f"{pl.CHANGES_SHEET} ({sheets})"
            ws = wb.add_worksheet(name)
            ws.write_string(pl.TITLE_ROW - 1, 0, title, title_format)
            ws.write_string(pl.NOTE_ROW - 1, 0, pl.CHANGES_NOTE)
            for c, col in enumerate(pl.CHANGES_COLUMNS):
                ws.set_column(c, c, col.width)
                ws.write_string(pl.HEADER_ROW - 1, c, col.header, bold)
            ws.freeze_panes(pl.FIRST_DATA_ROW - 1, 0)
            used = 0
        assert ws is not None
        r = pl.FIRST_DATA_ROW - 1 + used
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, datetime):
                ws.write_datetime(r, c, value, formats.get(c))
            elif isinstance(value, str):
                write_text(ws, r, c, value, formats.get(c), plain)
            else:
                ws.write(r, c, value, formats.get(c))
        used += 1
    wb.close()


def read_history(path: Path) -> list[tuple[Any, ...]]:
    """The data rows of a history workbook, every sheet in order (for tests and tools)."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    try:
        return [
            tuple(row)
            for ws in wb.worksheets
            for row in ws.iter_rows(min_row=pl.FIRST_DATA_ROW, values_only=True)
        ]
    finally:
        wb.close()
