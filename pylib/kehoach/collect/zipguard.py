"""Look at a returned file's bytes before any spreadsheet reader does: ``unpack``.

An .xlsx is a zip of XML parts. Before a spreadsheet reader is allowed near it, the bytes must
be a zip (not an OLE2 compound file: a password-protected workbook or a legacy .xls), readable
(every entry's CRC checks out), of a sane size once decompressed (a zip bomb declares
gigabytes in a few kilobytes), and without a VBA project. The declared sizes can be trusted as
caps: Python's ``zipfile`` never returns more bytes than an entry declares and fails on the
CRC when the data disagrees, so every entry is decompressed (and kept: ``Package``) only
after the caps. A reader that decompresses on its own (python-calamine's zip crate bounds an
entry by its compressed size only) then reads exactly these bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass

from kehoach.collect import reasons as why
from kehoach.collect.returns import Limits
from kehoach.common.untrusted_text import excerpt

# An OLE2 / Compound File Binary: legacy .xls, .doc, and every password-protected Office file.
CFB_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
# A password-protected OOXML file is a CFB holding the encrypted zip in a stream of this name
# (MS-OFFCRYPTO 2.3.4.4); directory entries store their names in UTF-16LE.
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
ZIP_SIGNATURE = b"PK\x03\x04"
# Below this size an entry cannot be a bomb, whatever its ratio (a sheet of empty styled
# cells compresses 100:1 and more).
RATIO_MIN_BYTES = 1024 * 1024
_MB = 1024 * 1024


def _what(data: bytes) -> str:
    """A few words on what a non-Excel file seems to be, for the reason."""
    head = data[:512].lstrip()
    if head.startswith(b"%PDF"):
        return " (là tệp PDF)"
    if head[:5].lower() in (b"<html", b"<!doc") or head.startswith(b"<?xml"):
        return " (là trang HTML/XML, có thể do phần mềm khác xuất ra)"
    try:
        data[:4096].decode("utf-8")
    except UnicodeDecodeError:
        return ""
    return " (là tệp văn bản)"


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

    Checks, in order: empty, too big, OLE2 (encrypted or legacy), not a zip, too many
    entries, declared total or one entry's ratio over the caps (zip bomb), corrupted
    (bad CRC, truncated), VBA project present (macros), a document type declaration in any
    part (XML entities).
    """
    if not data:
        return why.EMPTY
    if len(data) > limits.max_file_bytes:
        return why.TOO_BIG.format(size=len(data) / _MB, limit=limits.max_file_bytes / _MB)
    if data.startswith(CFB_SIGNATURE):
        return why.ENCRYPTED if ENCRYPTED_STREAM in data else why.LEGACY_XLS
    if not data.startswith(ZIP_SIGNATURE):
        return why.NOT_EXCEL.format(what=_what(data))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _check_archive(archive, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError):
        return why.CORRUPTED.format(detail="cấu trúc tệp nén sai hoặc tệp bị cắt cụt")
    except zlib.error:
        return why.CORRUPTED.format(detail="dữ liệu nén sai")
    except UnicodeDecodeError:  # an entry flagged UTF-8 whose name is not
        return why.CORRUPTED.format(detail="tên thành phần sai mã")
    except ValueError:  # a negative offset or size in a damaged directory
        return why.CORRUPTED.format(detail="cấu trúc tệp nén sai")
    except (NotImplementedError, RuntimeError):  # unknown compression, encrypted entry
        return why.CORRUPTED.format(detail="kiểu nén hoặc mã hóa thành phần không hỗ trợ")


def _check_archive(archive: zipfile.ZipFile, limits: Limits) -> Package | str:
    entries = archive.infolist()
    if len(entries) > limits.max_entries:
        return why.TOO_MANY_ENTRIES.format(count=len(entries), limit=limits.max_entries)
    total = sum(e.file_size for e in entries)
    if total > limits.max_uncompressed_bytes:
        return why.BOMB_TOTAL.format(size=total / _MB, limit=limits.max_uncompressed_bytes / _MB)
    for entry in entries:
        if entry.file_size < RATIO_MIN_BYTES:
            continue
        ratio = entry.file_size / max(entry.compress_size, 1)
        if ratio > limits.max_ratio:
            return why.BOMB_RATIO.format(
                entry=excerpt(entry.filename, 60), ratio=ratio, limit=limits.max_ratio
            )
    names = [e.filename for e in entries]
    if len(set(names)) != len(names):
        # Two readers could pick different copies: the one checked and the one read.
        twice = next(n for n in names if names.count(n) > 1)
        return why.CORRUPTED.format(detail=f"thành phần «{excerpt(twice, 60)}» có hai lần")
    parts: dict[str, bytes] = {}
    for entry in entries:
        try:
            parts[entry.filename] = archive.read(entry)
        except zipfile.BadZipFile:
            return why.CORRUPTED.format(
                detail=f"thành phần «{excerpt(entry.filename, 60)}» sai mã kiểm tra CRC"
            )
    if any(e.filename.lower().rsplit("/", 1)[-1] == "vbaproject.bin" for e in entries):
        return why.MACROS
    for name, part in parts.items():
        # Excel never writes a document type declaration: one in a returned file declares XML
        # entities (expanded by some readers, an entity bomb, or dropped silently by others).
        if _DOCTYPE.search(part) is not None:
            return why.UNREADABLE.format(
                detail=f"thành phần «{excerpt(name, 60)}» có khai báo DOCTYPE (thực thể XML), "
                "điều Excel không bao giờ ghi"
            )
    return Package(parts)
