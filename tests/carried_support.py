"""Masters whose collected sheets are worth carrying, and the slow path to compare with.

``collected_round(folder)``: the real master after a full round of returns (every agency file
filled in as an agency would, ``bench_collect.fill_returned``, then ``kehoach collect``), with
e-mail addresses, so every verb runs on it. ``with_shared_strings``: a copy whose sheets keep
their strings in a shared strings table, as Excel saves them (openpyxl writes them inline).
``cells``: every cell's value and look, to compare two files.
"""

from __future__ import annotations

import re
import shutil
import sys
import zipfile
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from kehoach.cli import main
from kehoach.sheets.carried import package_sheets

BENCH = Path(__file__).resolve().parents[1] / "bench"
RECEIVED_AT = "2023-12-01T08:00:00"


def collected_round(folder: Path) -> Path:
    """The real master with a full round of returns collected, in ``folder``."""
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    import bench_verbs

    from plan_workbooks import build_real_master

    built = build_real_master(folder / "built" / "KeHoach2023.xlsm")
    work = bench_verbs.prepare(built, folder / "work")
    master = folder / "KeHoach2023.xlsm"
    shutil.copy2(work.master, master)
    code = main(["collect", str(master), "--from", str(work.returns), "--received-at", RECEIVED_AT])
    assert code == 0
    shutil.rmtree(folder / "backup", ignore_errors=True)
    return master


@contextmanager
def slow_path(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Within: every verb loads the master in full (no sheet carried, none written streamed)."""
    import kehoach.state.master as state

    real = state.load_for_writing

    def in_full(path: Path, **kwargs: Any) -> Any:
        return real(path)

    with monkeypatch.context() as patch:
        patch.setattr(state, "load_for_writing", in_full)
        yield


def sheet_parts(path: Path) -> dict[str, bytes]:
    """Sheet name → the bytes of its part."""
    with zipfile.ZipFile(path) as z:
        return {name: z.read(part) for name, part in package_sheets(z).items()}


def data_rows(part: bytes, first_row: int = 4) -> bytes:
    """A sheet part's rows from ``first_row`` (the data sheets' first data row) to
    ``</sheetData>``."""
    start = part.index(b'<row r="%d"' % first_row)
    return part[start : part.index(b"</sheetData>")]


def assert_kept_or_rewritten_alike(
    original: dict[str, bytes], fast: dict[str, bytes], slow: dict[str, bytes], sheet: str
) -> None:
    """``sheet``'s part after the carrying save (``fast``) is the full save's (``slow``), or it
    was carried: its data rows are the original's, byte for byte (a full load maps two equal
    cell styles to one index; the carried rows keep theirs)."""
    if fast[sheet] != slow[sheet]:
        assert data_rows(fast[sheet]) == data_rows(original[sheet]), sheet


def cells(path: Path, sheets: Collection[str] | None = None) -> dict[str, list[tuple[Any, ...]]]:
    """Sheet → every cell as (coordinate, value, font, fill, number format, alignment,
    border), read back by openpyxl."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    return {
        ws.title: [
            (
                c.coordinate,
                c.value,
                repr(c.font),
                repr(c.fill),
                c.number_format,
                repr(c.alignment),
                repr(c.border),
            )
            for row in ws.iter_rows()
            for c in row
        ]
        for ws in wb.worksheets
        if sheets is None or ws.title in sheets
    }


_INLINE = re.compile(
    rb'<c ([^>]*?)t="inlineStr"([^>]*)><is><t(?: xml:space="preserve")?>([^<]*)</t></is></c>'
)
_STRINGS = "xl/sharedStrings.xml"
_STRINGS_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_STRINGS_REL = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def with_shared_strings(src: Path, dst: Path, sheets: Collection[str]) -> Path:
    """A copy of ``src`` at ``dst`` whose ``sheets`` refer to their strings by index into a
    shared strings table (the same texts), as Excel saves a workbook."""
    table: dict[bytes, int] = {}

    def shared(match: re.Match[bytes]) -> bytes:
        index = table.setdefault(match[3], len(table))
        return b"<c " + match[1] + b't="s"' + match[2] + b"><v>%d</v></c>" % index

    with zipfile.ZipFile(src) as z:
        parts = {info.filename: z.read(info) for info in z.infolist()}
        names = package_sheets(z)
    assert _STRINGS not in parts
    for sheet in sheets:
        parts[names[sheet]] = _INLINE.sub(shared, parts[names[sheet]])
    items = b"".join(b'<si><t xml:space="preserve">' + text + b"</t></si>" for text in table)
    parts[_STRINGS] = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main" count="%d" uniqueCount="%d">'
        % (len(table), len(table))
        + items
        + b"</sst>"
    )
    rels = "xl/_rels/workbook.xml.rels"
    parts[rels] = parts[rels].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdStrings" Type="' + _STRINGS_REL + b'" Target="sharedStrings.xml"/>'
        b"</Relationships>",
    )
    types = "[Content_Types].xml"
    parts[types] = parts[types].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="'
        + _STRINGS_TYPE
        + b'"/></Types>',
    )
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    return dst


# What Excel declares on a sheet's root element, and the attribute it writes on every row.
_EXCEL_ROOT = (
    b' xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    b' mc:Ignorable="x14ac xr xr2 xr3"'
    b' xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"'
    b' xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision"'
    b' xmlns:xr2="http://schemas.microsoft.com/office/spreadsheetml/2015/revision2"'
    b' xmlns:xr3="http://schemas.microsoft.com/office/spreadsheetml/2016/revision3"'
    b' xr:uid="{00000000-0001-0000-0000-000000000000}"'
)
_WORKSHEET = re.compile(rb'<worksheet xmlns="[^"]+"')
_ROW = re.compile(rb'<row r="(\d+)"')


def with_excel_rows(src: Path, dst: Path) -> Path:
    """A copy of ``src`` at ``dst`` whose sheets are written as Excel writes them: the root
    element declares Excel's namespaces (``mc:Ignorable``), every row has
    ``x14ac:dyDescent``."""
    with zipfile.ZipFile(src) as z:
        parts = {info.filename: z.read(info) for info in z.infolist()}
        names = package_sheets(z)
    for part in names.values():
        xml = _WORKSHEET.sub(lambda m: m[0] + _EXCEL_ROOT, parts[part], count=1)
        parts[part] = _ROW.sub(rb'<row r="\1" x14ac:dyDescent="0.25"', xml)
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    return dst
