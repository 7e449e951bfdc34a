"""Sheets a save carries over unchanged: loading a workbook without their data rows.

A verb writes a few sheets of the master (TongHop, KiemTra, the send log, the key, collect's
registers); the others (the appendices, the tasks, the directory, a province's progress sheets
of hundreds of thousands of cells) it only needs to keep. openpyxl would make an object of
every one of their cells at the load and write each back at the save, most of the verb's
time. Instead, ``load_carrying`` loads an in-memory copy of the package in which each such
sheet keeps the rows above its data (title, note, headers) and everything around its
``<sheetData>`` (columns, views, filters, print setup, conditional formats), but not its data
rows; a save (``kehoach.workbook.splice``) then puts the original data rows back, byte for
byte, into the part openpyxl wrote for that sheet.

Only the bytes of the data rows travel unchanged, so what they refer to must mean the same
after the save: cell styles are indices into ``cellXfs``, which openpyxl writes back in the
order it read them (new styles appended); shared strings are indices into the original's
string table, which the save copies over unchanged (openpyxl writes its own strings inline and
no table). A sheet whose data rows openpyxl needs is loaded in full instead, the reason kept in
``Carried.refused``: a hyperlink, a comment or a table (openpyxl attaches those to cells), a
merged range reaching its data rows (openpyxl makes cells of it), data rows with an outline
level (openpyxl derives the sheet's outline from its rows), a cell with Excel's cell or value
metadata (``cm``, ``vm``: a dynamic array, a data type; openpyxl drops the part they refer to,
and a full load drops them too), a row without its number, a part
that names its elements with a prefix (no ``<sheetData``), more than 16 MB before the data
rows, or no data rows at all. The decompression of a sheet's part is streamed; a part is never
held whole.

A sheet named in ``load_carrying``'s ``streamed`` is one the caller writes (``collect``:
TienDo, LichSu): its edits to the data rows are not applied to openpyxl's objects but kept for
the save, which writes the rows they touch streamed (``kehoach.sheets.streamed``); such a
sheet is carried even without data rows (the rows are then written where they go).
"""

from __future__ import annotations

import io
import posixpath
import re
import shutil
import zipfile
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING
from weakref import WeakKeyDictionary
from xml.etree import ElementTree

if TYPE_CHECKING:
    from _typeshed import SupportsWrite
    from openpyxl.workbook.workbook import Workbook

__all__ = [
    "Carried",
    "CarriedSheet",
    "CellNote",
    "carried_of",
    "cell_notes",
    "copy_range",
    "load_carrying",
    "package_sheets",
    "shared_strings_part",
    "sheet_names",
]

CHUNK = 1 << 20
PACKAGE_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
OFFICE_DOCUMENT_REL = _DOC_REL + "/officeDocument"
WORKSHEET_REL = _DOC_REL + "/worksheet"
SHARED_STRINGS_REL = _DOC_REL + "/sharedStrings"
COMMENTS_REL = _DOC_REL + "/comments"

# What comes before the data rows (the sheet's settings, title, note and header rows) is a few
# kilobytes; a part that has not reached them after this many bytes is not carried.
_HEAD_LIMIT = 1 << 24
_SHEET_DATA = b"<sheetData"
_SHEET_DATA_END = b"</sheetData>"
_ROW_TAG = re.compile(rb"<row\b[^>]*>")
_ROW_NUMBER = re.compile(rb'\sr="(\d+)"')
DIMENSION = re.compile(rb"<dimension\b[^>]*/>")
ROOT_TAG = re.compile(rb"<worksheet\b[^>]*>")
_MERGE_REF = re.compile(rb'<mergeCell\b[^>]*\sref="([^"]+)"')
# Elements after <sheetData> that openpyxl binds to cells: the cells would be created.
_CELL_BOUND = (b"<hyperlinks", b"<legacyDrawing ", b"<legacyDrawing>", b"<tableParts")


@dataclass(frozen=True)
class CarriedSheet:
    """A sheet loaded without its data rows: its name, the first row carried, its part in the
    original package, where its data rows lie in that part (byte offsets of the decompressed
    part: the first carried ``<row`` and the ``</sheetData>`` after the last; equal when it
    has none), the part's ``<dimension …/>`` element and its root element's start tag,
    verbatim."""

    name: str
    first_row: int
    part: str
    start: int
    end: int
    dimension: bytes
    root: bytes = b""


@dataclass(frozen=True)
class Carried:
    """What ``load_carrying`` left out of a load: the original file (with its size and
    modification time then, so a save can tell it has not changed since), its sheets carried,
    the sheets asked for that were loaded in full, with why, and the carried sheets whose
    data rows the caller writes streamed."""

    source: Path
    stamp: tuple[int, int]
    sheets: tuple[CarriedSheet, ...]
    refused: Mapping[str, str] = field(default_factory=dict)
    streamed: frozenset[str] = frozenset()


_CARRIED: WeakKeyDictionary[Workbook, Carried] = WeakKeyDictionary()


def carried_of(wb: Workbook) -> Carried | None:
    """What was left out of ``wb``'s load (``load_carrying``); None for a workbook loaded in
    full, or when no sheet could be carried."""
    return _CARRIED.get(wb)


def file_stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def load_carrying(
    path: Path, carry: Mapping[str, int], *, streamed: Collection[str] = ()
) -> tuple[Workbook, Carried]:
    """The workbook at ``path`` loaded with openpyxl (VBA kept) without the data rows of the
    sheets of ``carry`` (sheet name → first data row) that can be carried (see the module's
    docstring), and what was left out. The sheets of ``carry`` named in ``streamed`` are
    written by the caller, streamed at the save. Raises what ``openpyxl.load_workbook``
    raises."""
    from openpyxl import load_workbook

    stamp = file_stamp(path)
    with zipfile.ZipFile(path) as z:
        parts = package_sheets(z)
        sheets: list[CarriedSheet] = []
        refused: dict[str, str] = {}
        stubs: dict[str, bytes] = {}
        for name, first_row in carry.items():
            part = parts.get(name)
            if part is None:
                continue
            with z.open(part) as entry:
                found = _scan(entry, first_row, empty_ok=name in streamed)
            if isinstance(found, str):
                refused[name] = found
                continue
            head, start, end, tail, dimension = found
            root = ROOT_TAG.search(head)
            tag = root[0] if root is not None else b""
            sheets.append(CarriedSheet(name, first_row, part, start, end, dimension, tag))
            stubs[part] = head + tail
        kept = frozenset(s.name for s in sheets)
        carried = Carried(path, stamp, tuple(sheets), refused, kept & frozenset(streamed))
        if not stubs:
            wb = load_workbook(path, keep_vba=True)
            return wb, carried
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as out:
            for info in z.infolist():
                if info.is_dir():
                    continue
                if info.filename in stubs:
                    out.writestr(info.filename, stubs[info.filename])
                    continue
                with z.open(info) as src, out.open(info.filename, "w", force_zip64=True) as dst:
                    shutil.copyfileobj(src, dst, CHUNK)
    buffer.seek(0)
    wb = load_workbook(buffer, keep_vba=True)
    _CARRIED[wb] = carried
    return wb, carried


def _scan(
    entry: IO[bytes], first_row: int, *, empty_ok: bool = False
) -> tuple[bytes, int, int, bytes, bytes] | str:
    """(the part up to its first data row, that row's offset, the offset of ``</sheetData>``,
    the part from there on, the ``<dimension>`` element), or why the sheet cannot be carried.
    With ``empty_ok``, a sheet without data rows is carried: its first data row's offset is
    that of ``</sheetData>``."""
    head = bytearray()
    start = -1
    while start < 0:  # the head: a few rows, read until the first data row's tag
        chunk = entry.read(CHUNK)
        if not chunk:
            has_rows = head.find(_SHEET_DATA) >= 0
            return "không có dòng dữ liệu" if has_rows else "không thấy phần tử sheetData"
        if len(head) > _HEAD_LIMIT:
            return "phần trước các dòng dữ liệu quá dài"
        head += chunk
        opened = head.find(_SHEET_DATA)
        if opened < 0:
            continue
        closed = head.find(b">", opened)
        if closed < 0:
            continue
        if head[closed - 1 : closed] == b"/":
            return "không có dòng dữ liệu"
        for match in _ROW_TAG.finditer(head, closed):
            number = _ROW_NUMBER.search(match[0])
            if number is None:
                return "có dòng không ghi số dòng"
            if int(number[1]) >= first_row:
                start = match.start()
                break
        else:
            closing = head.find(_SHEET_DATA_END, closed)
            if closing >= 0:
                if not empty_ok:
                    return "không có dòng dữ liệu"
                start = closing
    dimension = DIMENSION.search(head, 0, head.find(_SHEET_DATA))
    if dimension is None:
        return "không có phần tử dimension"
    # The data rows: streamed through, looking for their end and for outline levels.
    window = bytes(head[start:])
    offset = start
    end = -1
    while True:
        found = window.find(_SHEET_DATA_END)
        scanned = window if found < 0 else window[:found]
        if b"outlineLevel" in scanned:
            return "dòng dữ liệu có cấp phân nhóm (outline)"
        if b' cm="' in scanned or b' vm="' in scanned:  # openpyxl drops the part they refer to
            return "có ô dùng siêu dữ liệu của Excel (mảng động, kiểu dữ liệu)"
        if found >= 0:
            end = offset + found
            tail = window[found:] + entry.read()
            break
        keep = len(_SHEET_DATA_END) + len(b"outlineLevel")
        chunk = entry.read(CHUNK)
        if not chunk:
            return "thiếu thẻ đóng sheetData"
        offset += max(len(window) - keep, 0)
        window = window[-keep:] + chunk if len(window) > keep else window + chunk
    why = _tail_problem(tail, first_row)
    if why is not None:
        return why
    return bytes(head[:start]), start, end, tail, dimension[0]


def _tail_problem(tail: bytes, first_row: int) -> str | None:
    """Why the elements after ``<sheetData>`` keep the data rows from being carried, or None."""
    from openpyxl.utils.cell import range_boundaries

    for tag in _CELL_BOUND:
        if tag in tail:
            return f"có phần tử {tag.decode().strip('< >')} gắn vào ô"
    for match in _MERGE_REF.finditer(tail):
        try:
            bottom = range_boundaries(match[1].decode())[3]
        except ValueError:
            return "có vùng gộp ô không đọc được"
        if bottom is None or bottom >= first_row:
            return "có vùng gộp ô trong các dòng dữ liệu"
    return None


def copy_range(entry: IO[bytes], start: int, end: int, out: SupportsWrite[bytes]) -> bytes:
    """Copy bytes ``start``..``end`` of ``entry`` to ``out``, streamed; returns the bytes that
    follow ``end`` (as many as ``</sheetData>``), for the caller to check where it stopped."""
    skip = start
    while skip:
        got = entry.read(min(skip, CHUNK))
        if not got:
            raise EOFError("the part is shorter than it was")
        skip -= len(got)
    left = end - start
    while left:
        got = entry.read(min(left, CHUNK))
        if not got:
            raise EOFError("the part is shorter than it was")
        out.write(got)
        left -= len(got)
    return entry.read(len(_SHEET_DATA_END))


def _rel_targets(z: zipfile.ZipFile, rels_part: str, base: str) -> Iterator[tuple[str, str, str]]:
    """(type, part name, id) of every relationship of ``rels_part``, targets resolved."""
    if rels_part not in z.namelist():
        return
    for rel in ElementTree.fromstring(z.read(rels_part)).iter(f"{{{PACKAGE_RELS_NS}}}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        name = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
        yield rel.get("Type", ""), posixpath.normpath(name), rel.get("Id", "")


def _workbook_part(z: zipfile.ZipFile) -> str | None:
    for rel_type, name, _ in _rel_targets(z, "_rels/.rels", ""):
        if rel_type == OFFICE_DOCUMENT_REL:
            return name
    return None


def _rels_of(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def package_sheets(z: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet name → its part in the package ``z`` (through workbook.xml and its rels), for
    the sheets whose part is there."""
    book = _workbook_part(z)
    if book is None or book not in z.namelist():
        return {}
    parts = {
        rid: name
        for rel_type, name, rid in _rel_targets(z, _rels_of(book), posixpath.dirname(book))
        if rel_type == WORKSHEET_REL
    }
    out: dict[str, str] = {}
    rid_attr = f"{{{_DOC_REL}}}id"
    present = set(z.namelist())
    for sheet in ElementTree.fromstring(z.read(book)).iter(f"{{{_MAIN_NS}}}sheet"):
        part = parts.get(sheet.get(rid_attr, ""))
        if part is not None and part in present:  # openpyxl skips a sheet without its part
            out[sheet.get("name", "")] = part
    return out


@dataclass(frozen=True)
class CellNote:
    """A note (Excel's comment) on a cell of a worksheet."""

    sheet: str
    cell: str
    author: str
    text: str


def cell_notes(path: Path) -> list[CellNote]:
    """Every note of the workbook at ``path``, sheet by sheet in the package's order; [] when
    it has none or cannot be read as a package. Only the comment parts are parsed: a master
    without notes costs a look at its part names."""
    try:
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
            if not any(posixpath.basename(n).startswith("comment") for n in names):
                return []
            out: list[CellNote] = []
            for sheet, part in package_sheets(z).items():
                base = posixpath.dirname(part)
                for rel_type, target, _ in _rel_targets(z, _rels_of(part), base):
                    if rel_type == COMMENTS_REL and target in names:
                        out.extend(_notes_of(sheet, z.read(target)))
            return out
    except (OSError, zipfile.BadZipFile, ElementTree.ParseError, KeyError):
        return []


def _notes_of(sheet: str, xml: bytes) -> Iterator[CellNote]:
    root = ElementTree.fromstring(xml)
    authors = [a.text or "" for a in root.iter(f"{{{_MAIN_NS}}}author")]
    for comment in root.iter(f"{{{_MAIN_NS}}}comment"):
        index = int(comment.get("authorId", "0") or 0)
        author = authors[index] if 0 <= index < len(authors) else ""
        text = "".join(t.text or "" for t in comment.iter(f"{{{_MAIN_NS}}}t"))
        yield CellNote(sheet, comment.get("ref", ""), author, text)


def sheet_names(path: Path) -> list[str]:
    """The worksheets of the workbook at ``path``, in its order; [] when it cannot be read
    as a package (the load that follows says why)."""
    try:
        with zipfile.ZipFile(path) as z:
            return list(package_sheets(z))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, ElementTree.ParseError):
        return []


def shared_strings_part(z: zipfile.ZipFile) -> str | None:
    """The shared strings part of the package ``z``, or None when it has none."""
    book = _workbook_part(z)
    if book is None:
        return None
    for rel_type, name, _ in _rel_targets(z, _rels_of(book), posixpath.dirname(book)):
        if rel_type == SHARED_STRINGS_REL and name in z.namelist():
            return name
    return None


def carried_names(carried: Carried | None) -> Collection[str]:
    return () if carried is None else tuple(s.name for s in carried.sheets)
