"""Look at a returned file's bytes before any spreadsheet reader does: ``unpack``.

An .xlsx is a zip of XML parts. Before a spreadsheet reader is allowed near it, the bytes must
be a zip (not an OLE2 compound file: a password-protected workbook or a legacy .xls), readable
(every entry's CRC checks out), of a sane size once decompressed (a zip bomb declares
gigabytes in a few kilobytes: ``kehoach.common.zipguard`` caps the declaration before any
entry is decompressed), and without a VBA project. Every entry is kept (``Package``): a
reader that decompresses on its own (python-calamine's zip crate bounds an entry by its
compressed size only) then reads exactly these bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from kehoach.collect import reasons as why
from kehoach.collect.returns import Limits
from kehoach.common.untrusted_text import excerpt
from kehoach.common.zipguard import (
    CFB_SIGNATURE,
    DAMAGE_ERRORS,
    MB,
    ZIP_SIGNATURE,
    ZipCaps,
    damage_detail,
    first_excess,
    is_encrypted_office,
    read_entries,
    twice_named,
)


def _what(data: bytes) -> str:
    """A few words on what a non-Excel file seems to be, for the reason."""
    head = data[:512].lstrip()
    if head.startswith(b"%PDF"):
        return " (là tệp PDF)"
    if head[:5].lower() in (b"<html", b"<!doc") or head.startswith(b"<?xml"):
        return " (là trang HTML/XML, có thể do phần mềm khác xuất ra)"
    sample = data[:4096]
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError:
        # Text in an 8-bit code page (a CSV saved on Windows is in its ANSI code page, not
        # UTF-8): no control character but tab, line and page ends; or UTF-16 with its byte
        # order mark (Excel's "Unicode text").
        eight_bit = not any(b < 0x20 and b not in _TEXT_CONTROLS for b in sample)
        if not eight_bit and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
            return ""
    return " (là tệp văn bản)"


_TEXT_CONTROLS = frozenset(b"\t\r\n\x0c")
# Office packages of other kinds, told by a part only they have: the reason says what the
# file is instead of what an Excel reader misses in it.
_OTHER_PACKAGES = (
    ("word/document.xml", " (là tệp Word .docx)"),
    ("ppt/presentation.xml", " (là tệp PowerPoint .pptx)"),
)
_ODF_MIMETYPE = b"application/vnd.oasis.opendocument."


# Excel's "Strict Open XML Spreadsheet" (a choice of its Save As list next to the usual
# workbook): the same parts in other namespaces, which the readers do not know.
_STRICT_NAMESPACE = b"http://purl.oclc.org/ooxml/spreadsheetml/main"


def _other_package(parts: dict[str, bytes]) -> str | None:
    """The reason a package that is not a workbook gives (what it is), or None."""
    workbook = parts.get("xl/workbook.xml")
    if workbook is not None:
        return why.STRICT_XLSX if _STRICT_NAMESPACE in workbook[:4096] else None
    what: str | None
    mimetype = parts.get("mimetype", b"")
    if mimetype.startswith(_ODF_MIMETYPE):
        kind = mimetype[len(_ODF_MIMETYPE) :].decode("ascii", "replace")
        if kind == "spreadsheet":
            return why.OTHER_SPREADSHEET.format(ext=".ods")
        suffix = ".odt" if kind == "text" else excerpt(kind, 30)
        what = f" (là tệp OpenDocument {suffix} của LibreOffice hoặc WPS)"
    else:
        what = next((w for part, w in _OTHER_PACKAGES if part in parts), None)
    return None if what is None else why.NOT_EXCEL.format(what=what)


@dataclass(frozen=True)
class Package:
    """The entries of a workbook that passed ``unpack``: name → decompressed bytes."""

    parts: dict[str, bytes]


def classify(data: bytes, limits: Limits) -> str | None:
    """The Vietnamese reason ``data`` must not be opened as a workbook, or None when it may
    (``unpack`` without keeping the parts)."""
    result = unpack(data, limits)
    return result if isinstance(result, str) else None


_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)


def unpack(data: bytes, limits: Limits) -> Package | str:
    """The workbook's entries, decompressed and checked, or the Vietnamese reason it must not
    be opened.

    Checks, in order: empty, too big, OLE2 (encrypted or legacy), not a zip, declared total
    or one entry's ratio over the caps (zip bomb), too many entries, corrupted (an entry
    twice, bad CRC, truncated), VBA project present (macros), a document type declaration in any
    part (XML entities).
    """
    if not data:
        return why.EMPTY
    if len(data) > limits.max_file_bytes:
        return why.TOO_BIG.format(size=len(data) / MB, limit=limits.max_file_bytes / MB)
    if data.startswith(CFB_SIGNATURE):
        return why.ENCRYPTED if is_encrypted_office(data) else why.LEGACY_XLS
    if not data.startswith(ZIP_SIGNATURE):
        return why.NOT_EXCEL.format(what=_what(data))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _check_archive(archive, limits)
    except DAMAGE_ERRORS as err:
        return why.CORRUPTED.format(detail=damage_detail(err))


def _check_archive(archive: zipfile.ZipFile, limits: Limits) -> Package | str:
    caps = ZipCaps(
        max_entries=limits.max_entries,
        max_unpacked=limits.max_uncompressed_bytes,
        max_ratio=limits.max_ratio,
    )
    excess = first_excess(archive, caps)
    if excess is not None and excess.cap == "entries":
        return why.TOO_MANY_ENTRIES.format(count=int(excess.value), limit=limits.max_entries)
    if excess is not None and excess.cap == "unpacked":
        return why.BOMB_TOTAL.format(size=excess.value / MB, limit=excess.limit / MB)
    if excess is not None:
        return why.BOMB_RATIO.format(
            entry=excerpt(excess.entry, 60), ratio=excess.value, limit=limits.max_ratio
        )
    twice = twice_named(archive)
    if twice is not None:
        return why.CORRUPTED.format(detail=f"thành phần «{excerpt(twice, 60)}» có hai lần")
    parts, bad = read_entries(archive)
    if bad is not None:
        return why.CORRUPTED.format(detail=f"thành phần «{excerpt(bad, 60)}» sai mã kiểm tra CRC")
    if any(name.lower().rsplit("/", 1)[-1] == "vbaproject.bin" for name in parts):
        return why.MACROS
    other = _other_package(parts)
    if other is not None:
        return other
    for name, part in parts.items():
        # Excel never writes a document type declaration: one in a returned file declares XML
        # entities (expanded by some readers, an entity bomb, or dropped silently by others).
        if b"<!" in part and _DOCTYPE.search(part) is not None:
            return why.UNREADABLE.format(
                detail=f"thành phần «{excerpt(name, 60)}» có khai báo DOCTYPE (thực thể XML), "
                "điều Excel không bao giờ ghi"
            )
    return Package(parts)
