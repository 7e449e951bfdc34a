"""Look at an Office package's bytes before its reader does: what it declares, capped, and
every entry read once.

An .xlsx or a .docx is a zip of XML parts; a zip bomb declares gigabytes in a few kilobytes.
The declared sizes can be trusted as caps: Python's ``zipfile`` never returns more bytes than
an entry declares and fails on the CRC when the data disagrees, so an entry is decompressed
(``read_entries``) only after the caps (``first_excess``). The callers word what went wrong:
``kehoach.collect.zipguard`` for a returned workbook, ``kehoach.plan.docx_reader`` for the
plan's Word file.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

# An OLE2 / Compound File Binary: legacy .xls, .doc, and every password-protected Office file.
CFB_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
# A password-protected OOXML file is a CFB holding the encrypted zip and how it is encrypted
# in streams of these names (MS-OFFCRYPTO 2.3.4.4); directory entries store their names in
# UTF-16LE.
ENCRYPTED_STREAMS = tuple(n.encode("utf-16-le") for n in ("EncryptedPackage", "EncryptionInfo"))
ZIP_SIGNATURE = b"PK\x03\x04"
# Below this size an entry cannot be a bomb, whatever its ratio (a sheet of empty styled
# cells compresses 100:1 and more).
RATIO_MIN_BYTES = 1024 * 1024
MB = 1024 * 1024

# What ``zipfile`` raises on a damaged package, at opening or reading an entry.
DAMAGE_ERRORS: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    EOFError,
    OSError,
    zlib.error,
    UnicodeDecodeError,
    ValueError,
    NotImplementedError,
    RuntimeError,
)


def is_encrypted_office(data: bytes) -> bool:
    """Whether ``data`` is a password-protected Office file (an encrypted OOXML package)."""
    return data.startswith(CFB_SIGNATURE) and any(n in data for n in ENCRYPTED_STREAMS)


def damage_detail(err: Exception) -> str:
    """What is wrong with a package ``zipfile`` failed on with ``err`` (one of
    ``DAMAGE_ERRORS``), in a few Vietnamese words."""
    if isinstance(err, zlib.error):
        return "dữ liệu nén sai"
    if isinstance(err, UnicodeDecodeError):  # an entry flagged UTF-8 whose name is not
        return "tên thành phần sai mã"
    if isinstance(err, ValueError):  # a negative offset or size in a damaged directory
        return "cấu trúc tệp nén sai"
    if isinstance(err, NotImplementedError | RuntimeError):  # unknown compression, encryption
        return "kiểu nén hoặc mã hóa thành phần không hỗ trợ"
    return "cấu trúc tệp nén sai hoặc tệp bị cắt cụt"


@dataclass(frozen=True)
class ZipCaps:
    """The most a package may declare: entries, bytes unpacked in all, the bytes of a named
    entry, and one entry's compression ratio (None: not capped)."""

    max_entries: int
    max_unpacked: int
    max_ratio: float | None = None
    max_entry: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Excess:
    """A cap a package's declaration goes over: ``cap`` "entry" (a named entry's bytes),
    "unpacked" (every entry's), "ratio" (one entry's) or "entries" (their number)."""

    cap: Literal["entry", "unpacked", "ratio", "entries"]
    value: float
    limit: float
    entry: str = ""


def first_excess(archive: zipfile.ZipFile, caps: ZipCaps) -> Excess | None:
    """The first cap ``archive`` goes over, checked in this order: a named entry, all
    entries unpacked, one entry's ratio (entries of ``RATIO_MIN_BYTES`` or more), the number
    of entries; None within every cap. Reads the directory only."""
    entries = archive.infolist()
    sizes = {e.filename: e.file_size for e in entries}
    for name, limit in caps.max_entry.items():
        if sizes.get(name, 0) > limit:
            return Excess("entry", sizes[name], limit, name)
    total = sum(e.file_size for e in entries)
    if total > caps.max_unpacked:
        return Excess("unpacked", total, caps.max_unpacked)
    if caps.max_ratio is not None:
        for entry in entries:
            if entry.file_size < RATIO_MIN_BYTES:
                continue
            ratio = entry.file_size / max(entry.compress_size, 1)
            if ratio > caps.max_ratio:
                return Excess("ratio", ratio, caps.max_ratio, entry.filename)
    if len(entries) > caps.max_entries:
        return Excess("entries", len(entries), caps.max_entries)
    return None


def twice_named(archive: zipfile.ZipFile) -> str | None:
    """An entry name the package holds twice (two readers could pick different copies: the
    one checked and the one read), or None."""
    seen: set[str] = set()
    for entry in archive.infolist():
        if entry.filename in seen:
            return entry.filename
        seen.add(entry.filename)
    return None


def read_entries(
    archive: zipfile.ZipFile, *, keep: bool = True
) -> tuple[dict[str, bytes], str | None]:
    """Every entry of ``archive`` decompressed and its CRC checked: (name → bytes, kept when
    ``keep``; the first entry whose CRC fails, None when none). Call it after
    ``first_excess``: the bytes read are the bytes declared. Raises ``DAMAGE_ERRORS``."""
    parts: dict[str, bytes] = {}
    for entry in archive.infolist():
        try:
            data = archive.read(entry)
        except zipfile.BadZipFile:
            return parts, entry.filename
        if keep:
            parts[entry.filename] = data
    return parts, None
