"""Text that comes from a returned file, made fit for the master and for a reason:
``storable`` (``all_storable``), ``excerpt``, ``is_printable``; and text pasted into the
master, made fit for a workbook: ``pasted_text``, and ``shown_text`` for such text as a file
holds it (escapes) and openpyxl reads it.

Whatever a returned file holds (a cell, a hidden-data value, a zip entry's name, the file's
own name, an exception's message about it) is hostile text until shown otherwise:

- ``storable``: what an XLSX can hold. XML 1.0 has no place for the control characters but
  tab, line feed and carriage return, for a lone surrogate (Python's stand-in for a file
  name's bytes that are not UTF-8) or for U+FFFE and U+FFFF: openpyxl refuses them when the
  master is saved (``IllegalCharacterError``; its ``ILLEGAL_CHARACTERS_RE`` covers the
  control characters only) and a history workbook could not encode them. Each is replaced
  by U+FFFD, so that the change shows, and counted, so that it is recorded. Line ends
  become line feeds, as an XML reader reads them back anyway (so a text is stored as it will
  read, and a second collection finds it unchanged).
- ``excerpt``: a short, printable quotation of such text for a Vietnamese reason: at most
  ``EXCERPT_LENGTH`` characters, every invisible or format character (a zero-width space in
  "Đang thực hiện", a byte-order mark, a bidirectional control, a line break) written out
  as ``[U+200B]``, so that a value that looks right shows why it is not.

Pure core: no xlwings, no printing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

REPLACEMENT = "\ufffd"
EXCERPT_LENGTH = 80
# What XML 1.0 cannot hold: C0 controls but tab, LF and CR; surrogates; U+FFFE, U+FFFF.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# What ``storable`` changes: the above and the carriage return (\x0d), in one class, so that a
# text already fit (nearly every one) is known so from one search.
_NOT_AS_STORED = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")
# Categories that show nothing (or not what they are): controls, format characters (zero-
# width spaces and joiners, bidi controls, the byte-order mark), surrogates, private use,
# unassigned, line and paragraph separators.
# How Excel writes a control character into a file (U+000B: "_x000B_"), and the underscore
# of a typed text that looks like an escape ("_x0041_" typed: "_x005F_x0041_"). openpyxl
# reads a control character's escape as it is written, and "_x005F_" too in an inline string
# (in a shared string, where Excel puts typed text, it reads it as "_").
_ESCAPE = re.compile("_x(00[01][0-9A-Fa-f]|005[Ff])_")
_HIDDEN_CATEGORIES = frozenset(("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"))


def storable(text: str) -> tuple[str, int]:
    """``text`` with every character an XLSX cannot hold replaced by U+FFFD, with line feeds for
    its line ends, and how many characters were replaced (line ends are not counted)."""
    if _NOT_AS_STORED.search(text) is None:
        return text, 0
    cleaned, count = _ILLEGAL.subn(REPLACEMENT, text)
    if "\r" in cleaned:  # what an XML reader makes of it: the workbook's own line end
        cleaned = cleaned.replace("\r\n", "\n").replace("\r", "\n")
    return cleaned, count


def word_breaks(text: str) -> str:
    """``text`` with Word's manual line and page breaks (U+000B, U+000C, which Excel keeps in
    a pasted text and shows as line breaks) as line feeds."""
    if "\x0b" not in text and "\x0c" not in text:
        return text
    return text.replace("\x0b", "\n").replace("\x0c", "\n")


def pasted_text(text: str) -> str:
    """``text`` as typed or pasted into the master in Excel, fit for an XLSX: Word's manual line
    and page breaks as line feeds (``word_breaks``), every other character ``storable``
    replaces as it replaces it."""
    if _NOT_AS_STORED.search(text) is None:
        return text
    return storable(word_breaks(text))[0]


def unescaped(stored: str) -> str:
    """``stored``, a text as openpyxl reads it from a file Excel wrote, with each escape
    ``_ESCAPE`` as the character it stands for ("_x000B_", "_x005F_x0041_": U+000B,
    "_x0041_"), as python-calamine reads it."""
    if "_x" not in stored:
        return stored
    return _ESCAPE.sub(lambda m: chr(int(m[1], 16)), stored)


def shown_text(stored: str) -> str:
    """``stored``, a text as openpyxl reads it from a file Excel wrote, as Excel shows it and
    made fit (``pasted_text``): an escape ``_ESCAPE`` is the character it stands for
    (``unescaped``: "_x000B_", a line break pasted from Word, a line feed)."""
    return pasted_text(unescaped(stored))


def all_storable(texts: Iterable[str]) -> bool:
    """Whether ``storable`` leaves every one of ``texts`` as it is: one search of them all
    (joined by line feeds, which it keeps)."""
    return _NOT_AS_STORED.search("\n".join(texts)) is None


def _is_hidden(char: str) -> bool:
    if char == " ":
        return False
    category = unicodedata.category(char)
    # Spaces other than the plain one (no-break, em, ideographic…) look like it but differ.
    return category in _HIDDEN_CATEGORIES or category == "Zs"


def is_printable(text: str) -> bool:
    """Whether ``text`` holds only characters that show as themselves (no ``_is_hidden``)."""
    return not any(_is_hidden(c) for c in text)


def excerpt(text: str, limit: int = EXCERPT_LENGTH) -> str:
    """A quotation of ``text`` for a reason: hidden characters written as ``[U+XXXX]``, cut to
    about ``limit`` characters with "…" and the whole length when longer."""
    shown: list[str] = []
    size = 0
    for char in text:
        piece = f"[U+{ord(char):04X}]" if _is_hidden(char) else char
        if size + len(piece) > limit:
            return "".join(shown) + f"… ({len(text)} ký tự)"
        shown.append(piece)
        size += len(piece)
    return "".join(shown)
