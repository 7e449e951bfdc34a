"""Rewriting a package openpyxl saved: the parts it dropped, the data rows it never loaded.

``kehoach.workbook.xlsm.save_xlsm`` lets openpyxl write the workbook, then calls ``rewrite``
when the package needs more than openpyxl wrote: parts to put back or replace (the ribbon, its
relationship) and the sheets loaded without their data rows
(:func:`kehoach.sheets.carried.load_carrying`). For each of those, the part openpyxl wrote (the
rows above the data, everything around them) gets the original part's data rows back before
its ``</sheetData>``, and the original's ``<dimension>``: a splice of bytes, streamed from the
original package into the new one, never held whole. The original's shared strings part, which
those rows may refer to by index, is copied over with its relationship and content type
(openpyxl writes its strings inline and no such part). Every other part is copied as it is.

A carried sheet the verb writes streamed (:mod:`kehoach.sheets.streamed`: collect's TienDo and
LichSu) gets the original's data rows up to the first row its edits touch, then the rows
written for it (a temporary file, streamed in), and the ``<dimension>`` of the result.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import IO
from xml.etree import ElementTree
from xml.parsers import expat

from kehoach.common.errors import WorkbookError
from kehoach.sheets.carried import (
    CHUNK,
    DIMENSION,
    PACKAGE_RELS_NS,
    ROOT_TAG,
    SHARED_STRINGS_REL,
    Carried,
    CarriedSheet,
    copy_range,
    file_stamp,
    package_sheets,
    shared_strings_part,
)
from kehoach.sheets.streamed import StreamedRows

__all__ = ["rewrite"]

_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)
_STRINGS_REL_ID = "rIdKeHoachStrings"
_ZIP64_FROM = 1 << 30  # bytes of an entry copied: above, written with zip64 headers
_WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
_CONTENT_TYPES = "[Content_Types].xml"
_SHEET_DATA = re.compile(rb"<sheetData\s*/>|</sheetData>")
_ROW_NUMBER = re.compile(rb'<row\b[^>]*\sr="(\d+)"')
_XMLNS = re.compile(rb'\sxmlns:([\w.-]+)\s*=\s*"([^"]*)"')
_IGNORABLE = re.compile(rb'\smc:Ignorable\s*=\s*"[^"]*"')


def rewrite(
    saved: Path,
    out: Path,
    changed: Mapping[str, bytes],
    carried: Carried | None,
    streamed: Mapping[str, StreamedRows] | None = None,
) -> None:
    """Write to ``out`` the package ``saved`` with the parts of ``changed`` (name → bytes)
    put in or replacing theirs and the data rows of ``carried`` spliced back in, those of the
    sheets of ``streamed`` as written there.

    Raises WorkbookError when the original has changed since it was loaded, or when a part
    openpyxl wrote for a carried sheet has rows where the data rows go back (an edit wrote
    into them: they would be overwritten)."""
    sheets = carried.sheets if carried is not None else ()
    changed = dict(changed)
    with zipfile.ZipFile(saved) as new:
        by_part: dict[str, CarriedSheet] = {}
        if sheets:
            assert carried is not None
            if file_stamp(carried.source) != carried.stamp:
                raise WorkbookError(
                    "Workbook đã bị thay đổi từ lúc đọc (có chương trình khác vừa ghi): không "
                    "ghi gì. Hãy chạy lại lệnh.",
                    file=carried.source,
                )
            saved_parts = package_sheets(new)
            for sheet in sheets:
                part = saved_parts.get(sheet.name)
                if part is None:  # the verb removed the sheet: nothing to put back
                    continue
                by_part[part] = sheet
        with contextlib.ExitStack() as stack:
            dst = stack.enter_context(zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, True))
            old = None
            strings = None
            if by_part:
                assert carried is not None
                old = stack.enter_context(zipfile.ZipFile(carried.source))
                strings = _add_strings(old, new, changed)
            for info in new.infolist():
                if info.is_dir():
                    continue
                name = info.filename
                if name in changed:
                    dst.writestr(_entry(name), changed.pop(name))
                elif name in by_part:
                    assert old is not None and carried is not None
                    sheet = by_part[name]
                    rows = (streamed or {}).get(sheet.name)
                    _splice(new.read(info), old, sheet, dst, name, carried.source, rows)
                else:
                    big = info.file_size > _ZIP64_FROM
                    sink = dst.open(_entry(name), "w", force_zip64=big)
                    with new.open(info) as src, sink:
                        shutil.copyfileobj(src, sink, CHUNK)
            for name, data in changed.items():
                dst.writestr(_entry(name), data)
            if old is not None and strings is not None:
                with old.open(strings) as src, dst.open(_entry(strings), "w") as sink:
                    shutil.copyfileobj(src, sink, CHUNK)


def _entry(name: str) -> zipfile.ZipInfo:
    """A deflated entry (zlib's default level, as openpyxl's), dated as ``xlsm`` dates them."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    return info


def _splice(
    part: bytes,
    old: zipfile.ZipFile,
    sheet: CarriedSheet,
    dst: zipfile.ZipFile,
    name: str,
    source: Path,
    streamed: StreamedRows | None = None,
) -> None:
    """Write ``part`` (openpyxl's, without the data rows) with the data rows and dimension of
    the original ``old`` (the file ``source``) into ``dst`` as ``name``; with ``streamed``,
    the original's rows up to ``streamed.keep``, then the rows written, and their
    dimension."""
    close = _SHEET_DATA.search(part)
    if close is None:
        raise WorkbookError(
            f"Không tìm thấy vùng dữ liệu của trang «{sheet.name}» khi ghi: không ghi gì.",
            file=source,
        )
    head, tail = part[: close.start()], part[close.end() :]
    opened = close[0] != b"</sheetData>"  # <sheetData/>: openpyxl wrote no row
    for row in _ROW_NUMBER.finditer(head):
        if int(row[1]) >= sheet.first_row:
            raise WorkbookError(
                f"Lệnh vừa chạy đã ghi vào dòng {int(row[1])} của trang «{sheet.name}», trang "
                "này được giữ nguyên khi ghi: không ghi gì (lỗi chương trình, xin báo lại).",
                file=source,
            )
    dimension = sheet.dimension if streamed is None else streamed.dimension
    head = _with_namespaces(DIMENSION.sub(lambda _: dimension, head, count=1), sheet.root)
    with dst.open(_entry(name), "w", force_zip64=True) as entry:
        sink = _WellFormed(entry, sheet.name, source)
        sink.write(head + (b"<sheetData>" if opened else b""))
        with old.open(sheet.part) as src:
            if streamed is None:
                after = copy_range(src, sheet.start, sheet.end, sink)
            else:  # the rows' end was checked when they were written
                copy_range(src, sheet.start, streamed.keep, sink)
                shutil.copyfileobj(streamed.rows, sink, CHUNK)
                after = b"</sheetData>"
        if after != b"</sheetData>":
            raise WorkbookError(
                f"Trang «{sheet.name}» của workbook đã khác lúc đọc: không ghi gì. Hãy chạy lại "
                "lệnh.",
                file=source,
            )
        sink.write(b"</sheetData>" + tail)
        sink.close()


def _with_namespaces(head: bytes, original: bytes) -> bytes:
    """``head`` (openpyxl's part up to its data rows) with its root element declaring every
    namespace prefix the original root (``original``, its start tag) declared, and the
    original's ``mc:Ignorable``: a spreadsheet program's rows carry attributes such as Excel's
    ``x14ac:dyDescent``, which the data rows put back still use."""
    root = ROOT_TAG.search(head)
    if root is None or not original:
        return head
    tag = root[0]
    declared = {prefix for prefix, _ in _XMLNS.findall(tag)}
    extra = [
        b' xmlns:%s="%s"' % (prefix, uri)
        for prefix, uri in _XMLNS.findall(original)
        if prefix not in declared
    ]
    ignorable = _IGNORABLE.search(original)
    if ignorable is not None and b"mc:Ignorable" not in tag:
        extra.append(b" " + ignorable[0].strip())
    if not extra:
        return head
    end = len(tag) - (2 if tag.endswith(b"/>") else 1)
    new_tag = tag[:end] + b"".join(extra) + tag[end:]
    return head[: root.start()] + new_tag + head[root.end() :]


class _WellFormed:
    """Writes a spliced part to ``out`` and parses it on the way (expat, namespaces bound):
    bytes copied from the original must still be XML in the part they went into. A part that
    is not raises WorkbookError (the save writes nothing)."""

    def __init__(self, out: IO[bytes], sheet: str, source: Path) -> None:
        self._out = out
        self._sheet = sheet
        self._source = source
        self._parser = expat.ParserCreate(namespace_separator=" ")

    def write(self, data: bytes) -> int:
        self._parse(data, final=False)
        return self._out.write(data)

    def close(self) -> None:
        self._parse(b"", final=True)

    def _parse(self, data: bytes, *, final: bool) -> None:
        try:
            self._parser.Parse(data, final)
        except expat.ExpatError as err:
            raise WorkbookError(
                f"Trang «{self._sheet}» ghi ra không còn là XML hợp lệ ({err}): không ghi gì "
                "(lỗi chương trình, xin báo lại).",
                file=self._source,
            ) from err


def _add_strings(
    old: zipfile.ZipFile, new: zipfile.ZipFile, changed: dict[str, bytes]
) -> str | None:
    """The original's shared strings part, for the caller to copy, its workbook relationship
    and content type put into ``changed``; None when it has none."""
    strings = shared_strings_part(old)
    if strings is None:
        return None
    if shared_strings_part(new) is not None or strings in new.namelist():
        raise WorkbookError(
            "Bản ghi mới đã có bảng chuỗi dùng chung riêng; không ghép được các dòng giữ "
            "nguyên (lỗi chương trình, xin báo lại). Không ghi gì.",
            file=old.filename,
        )
    rels = changed.get(_WORKBOOK_RELS) or new.read(_WORKBOOK_RELS)
    types = changed.get(_CONTENT_TYPES) or new.read(_CONTENT_TYPES)
    changed[_WORKBOOK_RELS] = _with_relationship(rels, "/" + strings)
    changed[_CONTENT_TYPES] = _with_override(types, "/" + strings)
    return strings


def _with_relationship(rels: bytes, target: str) -> bytes:
    ElementTree.register_namespace("", PACKAGE_RELS_NS)
    root = ElementTree.fromstring(rels)
    ElementTree.SubElement(
        root,
        f"{{{PACKAGE_RELS_NS}}}Relationship",
        {"Type": SHARED_STRINGS_REL, "Target": target, "Id": _STRINGS_REL_ID},
    )
    data: bytes = ElementTree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return data


def _with_override(types: bytes, part: str) -> bytes:
    ElementTree.register_namespace("", _CT_NS)
    root = ElementTree.fromstring(types)
    ElementTree.SubElement(
        root, f"{{{_CT_NS}}}Override", {"PartName": part, "ContentType": SHARED_STRINGS_TYPE}
    )
    data: bytes = ElementTree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return data
