"""The floor of ``kehoach extract``: loading the master, then XlsxWriter writing the cells of
the agency files, values only, and nothing else.

    python bench/extract_floor.py MASTER CELLS OUT

``cells_of(folder)`` reads, outside the timing, every sheet's values of every agency file
``kehoach extract`` wrote (python-calamine); ``bench_verbs`` pickles them into its work folder
as CELLS. The floor, in a process of its own: ``openpyxl.load_workbook(MASTER,
keep_vba=True)``, then one workbook per agency file into OUT, the same sheet names, every
non-empty value in its cell (dates with one date format, so that they stay dates); no cell
formats, widths, validations, protection, signatures nor manifest. It takes the shortcut ours
takes inside XlsxWriter (in-memory files).
"""

from __future__ import annotations

import pickle
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path

Value = str | int | float | bool | date | datetime | time | timedelta
# one agency file: its name, then (sheet name, rows of values, None where empty) per sheet
Book = tuple[str, list[tuple[str, list[list[Value | None]]]]]


def cells_of(folder: Path) -> list[Book]:
    """Every ``.xlsx`` file of ``folder`` (in name order): each sheet's values by row, the
    empty cells as None."""
    return [book for path in sorted(folder.glob("*.xlsx")) for book in cells_of_file(path)]


def cells_of_file(path: Path) -> list[Book]:
    """The one book of ``path``, as ``cells_of`` gives it (a list, to chain)."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    sheets = []
    for name in wb.sheet_names:
        rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        sheets.append((name, [[None if v == "" else v for v in row] for row in rows]))
    wb.close()
    return [(path.name, sheets)]


def write_floor(master: Path, cells: Path, out: Path) -> None:
    """Load ``master`` as the verb does, then write the pickled ``cells`` into ``out``."""
    import openpyxl
    import xlsxwriter

    openpyxl.load_workbook(master, keep_vba=True)
    books: list[Book] = pickle.loads(cells.read_bytes())
    out.mkdir(parents=True, exist_ok=True)
    for name, sheets in books:
        wb = xlsxwriter.Workbook(str(out / name), {"in_memory": True})
        dates = wb.add_format({"num_format": "dd/mm/yyyy"})
        for sheet, rows in sheets:
            ws = wb.add_worksheet(sheet)
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    if value is None:
                        continue
                    if isinstance(value, str):
                        ws.write_string(r, c, value)
                    elif isinstance(value, bool):
                        ws.write_boolean(r, c, value)
                    elif isinstance(value, int | float):
                        ws.write_number(r, c, value)
                    else:
                        ws.write_datetime(r, c, value, dates)
        wb.close()


if __name__ == "__main__":
    write_floor(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
