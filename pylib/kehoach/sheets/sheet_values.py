"""The values of the master's sheets read with python-calamine.

After a province's round of returns, TienDo holds one row per task and agency: hundreds of
thousands of cells that the summary, the checks and collect itself read; the appendices, the
tasks and the directory are read by every verb. openpyxl's read-only reader makes them at
about ten microseconds a cell; python-calamine (Rust, the reader of the returns) at a
fifteenth of that. ``sheet_values`` gives the same values as openpyxl's reader, which
``sheetdata.workbook_contents`` gives (rows of cells from A1, blank cells None, formulas as
their text or, with ``data_only``, as Excel last computed them), read by calamine when a
sheet's part allows it and by openpyxl otherwise:

- calamine builds one dense rectangle from A1 to a sheet's last cell and aborts the process
  when it cannot (``xlsx_scan``): a part is given to it only when every cell tag is written as
  spreadsheet programs write them, within columns A–Z (``xlsx_scan.odd_cell``), and the part
  is at most ``PART_LIMIT`` bytes;
- calamine gives a formula's last value and reads an error value as a blank: a part with a
  formula (unless ``data_only``) or an error cell goes to openpyxl;
- calamine gives every number as a float and a date without time as a ``date``: a whole
  number is given as an ``int`` and a date as a ``datetime``, as openpyxl gives them (it reads
  "100" as 100 and a date as a datetime); a blank cell ("") as None.

calamine's rectangle ends with the last row holding a value, where openpyxl's reader goes on to
the part's ``<dimension>`` with rows of blank (formatted) cells: no reader of a sheet counts
its blank rows. Any other sheet, any sheet calamine fails on, and every sheet of a package
whose parts cannot be located are read by openpyxl. Pure core: no xlwings.

Excel writes a control character as an escape ("_x000B_", a line break pasted from Word),
which calamine reads as the character and openpyxl as it is written: a sheet whose part (or
the shared strings) holds one is read as openpyxl reads it (the escapes written back), or,
with ``shown``, as Excel shows it made fit for a workbook (``untrusted_text.pasted_text``),
what ``untrusted_text.shown_text`` makes of openpyxl's reading.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Collection, Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from kehoach.common.untrusted_text import pasted_text
from kehoach.sheets.carried import package_sheets, shared_strings_part
from kehoach.sheets.xlsx_scan import odd_cell

# A part larger than this (decompressed) is read by openpyxl, which streams it: calamine holds
# the part and its rectangle (TienDo of 650 agencies and 2,000 tasks: about 150 MB).
PART_LIMIT = 256 << 20
_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
_ERROR = re.compile(rb"""\st\s*=\s*["']e["']""")
# The control characters Excel writes as escapes ("_x000B_"; the carriage return too), and
# such an escape in a file.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f]")
_CONTROL_ESCAPE = re.compile(rb"_x00[01][0-9A-Fa-f]_")
_LARGEST_INT = 2**53  # floats beyond hold only whole numbers: openpyxl reads "1E+20" as a float

Rows = list[list[Any]]


def sheet_values(
    path: Path, sheets: Collection[str], *, data_only: bool = False, shown: bool = False
) -> tuple[dict[str, Rows], list[str]]:
    """The values of those of ``sheets`` that calamine can read (see the module's docstring),
    and the names of the others, for openpyxl. ``path`` is an existing workbook. Texts as
    openpyxl reads them, or with ``shown`` as Excel shows them, made fit for a workbook."""
    wanted = list(dict.fromkeys(sheets))
    plain, escaped = _plain_sheets(path, wanted, data_only=data_only)
    if not plain:
        return {}, wanted
    values = _read(path, plain, escaped, shown=shown)
    return values, [name for name in wanted if name not in values]


def _plain_sheets(
    path: Path, sheets: Sequence[str], *, data_only: bool
) -> tuple[list[str], set[str]]:
    """Those of ``sheets`` whose part calamine may be given, and those of them whose texts
    may hold a control character written as an escape (``_x000B_``)."""
    try:
        with zipfile.ZipFile(path) as z:
            parts = package_sheets(z)
            strings = shared_strings_part(z)
            shared_escapes = strings is not None and _has_escape(z, strings)
            plain, escaped = [], set()
            for name in sheets:
                part = parts.get(name)
                if part is None or z.getinfo(part).file_size > PART_LIMIT:
                    continue
                xml = z.read(part)
                if _plain(xml, data_only=data_only):
                    plain.append(name)
                    if shared_escapes or _CONTROL_ESCAPE.search(xml) is not None:
                        escaped.add(name)
            return plain, escaped
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return [], set()  # openpyxl reads them, and names what is wrong


def _has_escape(z: zipfile.ZipFile, part: str) -> bool:
    """Whether ``part`` holds a control character's escape, read a megabyte at a time."""
    tail = b""
    with z.open(part) as entry:
        while chunk := entry.read(1 << 20):
            if _CONTROL_ESCAPE.search(tail + chunk) is not None:
                return True
            tail = chunk[-6:]
    return False


def _plain(xml: bytes, *, data_only: bool) -> bool:
    if odd_cell(xml, master=True) is not None or _ERROR.search(xml) is not None:
        return False
    return data_only or _FORMULA.search(xml) is None


def _read(
    path: Path, sheets: Sequence[str], escaped: Collection[str] = (), *, shown: bool = False
) -> dict[str, Rows]:
    from python_calamine import CalamineWorkbook

    out: dict[str, Rows] = {}
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception:  # CalamineError and the like: openpyxl reads the file and says why
        return out
    try:
        for name in sheets:
            try:
                rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            except Exception:  # this sheet only goes to openpyxl
                continue
            if name in escaped:
                text = _fit if shown else _escaped
                out[name] = [[text(_as_openpyxl(v)) for v in row] for row in rows]
            else:
                out[name] = [[_as_openpyxl(v) for v in row] for row in rows]
    finally:
        book.close()
    return out


def _escaped(value: Any) -> Any:
    """A text with a control character, as openpyxl reads it: the escape the file holds
    (calamine decodes "_x000B_", a line break pasted from Word, to the character)."""
    if type(value) is not str or _CONTROL.search(value) is None:
        return value
    return _CONTROL.sub(lambda m: f"_x{ord(m[0]):04X}_", value)


def _fit(value: Any) -> Any:
    """A text as Excel shows it (as calamine reads it) made fit for a workbook."""
    return pasted_text(value) if type(value) is str else value


def _as_openpyxl(value: Any) -> Any:
    """A value as calamine gives it → as openpyxl gives the same cell."""
    kind = type(value)
    if kind is float:
        if value.is_integer() and -_LARGEST_INT < value < _LARGEST_INT:
            return int(value)
        return value
    if kind is str:
        return value if value else None
    if kind is date:
        return datetime.combine(value, time())
    return value
