"""The package guard both Office readers share (``kehoach.common.zipguard``): the caps on what a
zip declares, in their order, names held twice, entries whose CRC fails, and the words for a
damaged package, through the Word reader too."""

from __future__ import annotations

import io
import zipfile

import pytest

from kehoach.common.errors import PlanTextError
from kehoach.common.zipguard import (
    DAMAGE_ERRORS,
    ZipCaps,
    damage_detail,
    first_excess,
    read_entries,
    twice_named,
)
from kehoach.plan.docx_reader import render_docx


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def _encrypted(data: bytes) -> bytes:
    """``data`` (one entry) with the entry flagged as encrypted (bit 0 of the flags, in the
    local header at byte 6 and in the central directory at byte 8)."""
    out = bytearray(data)
    out[6] |= 0x1
    central = data.index(b"PK\x01\x02")
    out[central + 8] |= 0x1
    return bytes(out)


def _open(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


SMALL = _zip([("a.xml", b"<a/>"), ("word/document.xml", b"x" * 5000)])


@pytest.mark.parametrize(
    ("caps", "cap", "value", "limit"),
    [
        (ZipCaps(2, 10_000), None, 0, 0),
        (ZipCaps(1, 10_000), "entries", 2, 1),
        (ZipCaps(1, 1000), "unpacked", 5004, 1000),  # the size is said before the count
        (ZipCaps(1, 1000, max_entry={"word/document.xml": 100}), "entry", 5000, 100),
    ],
)
def test_first_cap_exceeded(caps: ZipCaps, cap: str | None, value: float, limit: float) -> None:
    excess = first_excess(_open(SMALL), caps)
    if cap is None:
        assert excess is None
    else:
        assert excess is not None
        assert (excess.cap, excess.value, excess.limit) == (cap, value, limit)


def test_ratio_counts_only_from_a_megabyte() -> None:
    bomb = _zip([("x.xml", b"\0" * (2 * 1024 * 1024))])
    excess = first_excess(_open(bomb), ZipCaps(10, 10**9, max_ratio=200))
    assert excess is not None and excess.cap == "ratio" and excess.entry == "x.xml"
    assert excess.value > 200
    small = _zip([("x.xml", b"\0" * 500_000)])
    assert first_excess(_open(small), ZipCaps(10, 10**9, max_ratio=200)) is None


def test_a_name_held_twice() -> None:
    with pytest.warns(UserWarning, match="Duplicate name"):
        data = _zip([("a.xml", b"<a/>"), ("a.xml", b"<b/>")])
    assert twice_named(_open(data)) == "a.xml"
    assert twice_named(_open(SMALL)) is None


def test_entries_read_and_the_first_bad_crc() -> None:
    parts, bad = read_entries(_open(SMALL))
    assert bad is None and parts["a.xml"] == b"<a/>"
    assert read_entries(_open(SMALL), keep=False) == ({}, None)
    stored = io.BytesIO()
    with zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("a.xml", b"<aaaa/>")
    damaged = stored.getvalue().replace(b"<aaaa/>", b"<bbbb/>")
    assert read_entries(_open(damaged)) == ({}, "a.xml")


def test_an_encrypted_entry_is_damage_with_words_for_it() -> None:
    data = _encrypted(_zip([("word/document.xml", b"<w:document/>")]))
    with pytest.raises(DAMAGE_ERRORS) as caught:
        read_entries(_open(data))
    assert damage_detail(caught.value) == "kiểu nén hoặc mã hóa thành phần không hỗ trợ"
    # The Word reader says the file is damaged, in Vietnamese, rather than failing.
    with pytest.raises(PlanTextError, match="bị hỏng"):
        render_docx(data, "ke-hoach.docx")
