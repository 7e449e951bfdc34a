"""What a workbook's XML says, read with regular expressions before python-calamine reads it:
``odd_cell``, ``sheet_parts``, ``percent_styles``, ``number_formats``, ``error_cells``. Intake
scans a returned agency workbook with them (``kehoach.collect.return_book``), and
``sheet_values`` the master's sheets.

python-calamine gives cell values only, and it trusts the cells' addresses: it builds one dense
rectangle from the first to the last cell of a sheet, so two cells far apart (A1 and
XFD1048576) make it ask for hundreds of gigabytes and abort the whole process, beyond any
``except`` (calamine issue #693). ``odd_cell`` lets ``kehoach.collect.return_book`` hand it only
sheets whose every cell is addressed, first thing, within A1:Z99999 (a rectangle of at most
2.6 million cells); anything else goes to openpyxl, which stores cells sparsely. The patterns
are conservative: a cell tag they cannot read makes the sheet odd; they never make an odd
sheet look plain.

What calamine does not give, read here from the same parts: which part holds which sheet (as
calamine finds them: ``xl/workbook.xml`` and its relationships), the number formats that
matter (a percentage typed as "50%" is stored as 0.5 with a percent format), and the error
values (calamine reads #N/A as a blank). Parts are parsed with openpyxl's XML functions,
which use defusedxml. Pure core: no xlwings, no printing.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping

from openpyxl.styles.numbers import BUILTIN_FORMATS
from openpyxl.xml.functions import fromstring

WORKBOOK_PART = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
STYLES_PART = "xl/styles.xml"
SHARED_STRINGS_PART = "xl/sharedStrings.xml"

_NAME = rb"(?:[A-Za-z_][\w.-]*:)?"  # an optional namespace prefix
# A1 … Z99999: a calamine rectangle of at most 2.6 million cells (~83 MB); an agency
# workbook uses columns A–V and, at the task cap, about 10,000 rows.
_REF = rb"[A-Z][1-9][0-9]{0,4}"
# A cell tag not written as Excel, LibreOffice, WPS, Google Sheets and openpyxl write them: its
# address first, then only the schema's other attributes in double quotes (so never a second
# "r", which calamine would take), then ">" or "/>". Checked with one pattern that starts with
# a literal ("<c"), the fastest kind for Python's re, and never backtracks (possessive
# repeats); a prefixed tag ("<x:c") is looked for only when the part holds ":c" at all.


def _odd_cell_pattern(ref: bytes) -> re.Pattern[bytes]:
    return re.compile(
        rb'<c(?![^\s/>])(?! r="' + ref + rb'"(?: (?:s|t|cm|vm|ph)="[^"<>]*+")*+\s*+/?>)'
    )


_ODD_CELL = _odd_cell_pattern(_REF)
# A sheet of the master (TienDo of a province the largest): columns A–Z, rows up to 1,049,999
# (Excel has 1,048,576): a rectangle of at most 27 million cells.
_ODD_MASTER_CELL = _odd_cell_pattern(rb"[A-Z](?:[1-9][0-9]{0,5}|10[0-4][0-9]{4})")
_PREFIXED_CELL = re.compile(rb"<[A-Za-z_][\w.-]*:c[\s/>]")
_CELL = re.compile(rb"<" + _NAME + rb"c\s+r\s*=\s*[\"'](" + _REF + rb")[\"']([^>]*)>")
_STYLE = re.compile(rb"\ss\s*=\s*[\"']([0-9]+)[\"']")
_IS_ERROR = re.compile(rb"\st\s*=\s*[\"']e[\"']")
_VALUE = re.compile(rb"<" + _NAME + rb"v>([^<]*)<")
_CELL_END = re.compile(rb"</" + _NAME + rb"c>|/>")
_PERCENT_IDS = re.compile(rb"numFmtId\s*=\s*[\"'](?:9|10)[\"']")
_ANY_CELL = re.compile(rb"<" + _NAME + rb"c(?=[\s/>])([^>]*)>")
_SHARED_AS_WRITTEN = re.compile(rb' t="s"(?:\s[^>]*)?><v>([0-9]{1,9})</v>')
_SHARED_ANY = re.compile(rb"\bt\s*=\s*[\"']s[\"']")
_SHARED_TYPE = re.compile(rb"\st\s*=\s*[\"']s[\"']")
_REF_ATTR = re.compile(rb"\sr\s*=\s*[\"']([^\"']{0,20})[\"']")
_STRING_ITEM = re.compile(rb"<" + _NAME + rb"si[\s/>]")
# The end of every shared-string type attribute, as written or not: '"s"', "'s'" and mixed.
_QUOTED_S = (b'"s"', b"'s'", b"\"s'", b"'s\"")
_INDEX = re.compile(rb"[0-9]{1,9}")
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def odd_cell(xml: bytes, *, master: bool = False) -> str | None:
    """The first cell tag of a sheet part that python-calamine must not be given (without an
    address first, beyond Z99999, with a second address…), or None when there is none. With
    ``master``, rows up to Excel's last are plain (a sheet of the master, not a return)."""
    found = (_ODD_MASTER_CELL if master else _ODD_CELL).search(xml)
    if found is None and b":c" in xml:
        found = _PREFIXED_CELL.search(xml)
    return (
        None if found is None else xml[found.start() : found.start() + 80].decode(errors="replace")
    )


def is_sheet_part(xml: bytes) -> bool:
    """Whether a part may hold cells (any part calamine could be pointed at as a sheet)."""
    return b"sheetData" in xml


def sheet_parts(parts: Mapping[str, bytes]) -> dict[str, str] | None:
    """Sheet name → its part, from ``xl/workbook.xml`` and its relationships as calamine reads
    them; None when they are missing or a sheet's part is not in the package."""
    workbook, rels = parts.get(WORKBOOK_PART), parts.get(WORKBOOK_RELS)
    if workbook is None or rels is None:
        return None
    targets: dict[str, str] = {}
    for rel in fromstring(rels).iter(f"{_RELS}Relationship"):
        target = rel.get("Target", "")
        path = target[1:] if target.startswith("/") else posixpath.join("xl", target)
        targets[rel.get("Id", "")] = posixpath.normpath(path)
    found: dict[str, str] = {}
    for sheet in fromstring(workbook).iter(f"{_MAIN}sheet"):
        part = targets.get(sheet.get(_R_ID, ""))
        if part is None or part not in parts:
            return None
        found[sheet.get("name", "")] = part
    return found


def percent_styles(styles: bytes | None) -> dict[int, str]:
    """Cell style index → number format, for the styles whose format is a percentage."""
    if styles is None or (b"%" not in styles and _PERCENT_IDS.search(styles) is None):
        return {}
    root = fromstring(styles)
    custom = {
        int(f.get("numFmtId", "-1")): f.get("formatCode", "") for f in root.iter(f"{_MAIN}numFmt")
    }
    found: dict[int, str] = {}
    cell_xfs = root.find(f"{_MAIN}cellXfs")
    for index, xf in enumerate(() if cell_xfs is None else cell_xfs.iter(f"{_MAIN}xf")):
        number = int(xf.get("numFmtId", "0"))
        code = custom.get(number, BUILTIN_FORMATS.get(number, ""))
        if "%" in code:
            found[index] = code
    return found


def _split(ref: bytes) -> tuple[int, int]:
    return int(ref[1:]), ord(ref[:1]) - ord("A") + 1


def number_formats(
    xml: bytes, columns: Iterable[int], styles: Mapping[int, str]
) -> dict[tuple[int, int], str]:
    """(row, column) → number format of the cells of ``columns`` whose style is in
    ``styles`` (``percent_styles``); the other cells are General as far as intake cares."""
    if not styles:
        return {}
    letters = b"".join(bytes([ord("A") + c - 1]) for c in columns if 1 <= c <= 26)
    found: dict[tuple[int, int], str] = {}
    for match in _CELL.finditer(xml):
        ref = match[1]
        if ref[:1] not in letters:
            continue
        style = _STYLE.search(match[2])
        if style is not None and int(style[1]) in styles:
            found[_split(ref)] = styles[int(style[1])]
    return found


def shared_string_count(parts: Mapping[str, bytes]) -> int:
    """How many strings the shared-string table holds (0 when there is none)."""
    table = parts.get(SHARED_STRINGS_PART)
    if table is None:
        table = next(
            (body for name, body in parts.items() if name.lower() == SHARED_STRINGS_PART.lower()),
            b"",
        )
    # As written ("<si>" every one, none prefixed): counting bytes, not matching a pattern.
    if b":si" not in table:
        items = table.count(b"<si>")
        if items == table.count(b"<si"):
            return items
    return len(_STRING_ITEM.findall(table))


def bad_shared_string(xml: bytes, count: int) -> tuple[str, str] | None:
    """(cell address, index) of the first cell of a sheet part pointing outside a
    shared-string table of ``count`` strings (negative, too large, not a number), or None.
    Readers differ on such a cell (one reads another string, one refuses the file): the
    file is damaged."""
    if b"s'" not in xml and b's"' not in xml:
        return None
    # The common case in one pass: every shared-string cell written as spreadsheet programs
    # write it, its index in range. Anything else is looked at cell by cell.
    values = _SHARED_AS_WRITTEN.findall(xml)
    # Every type attribute _SHARED_ANY finds ends in one of _QUOTED_S, and each one written
    # as _SHARED_AS_WRITTEN finds it is one of them: when those are as many as the ones
    # written, there is no other (counting bytes is a tenth of the pattern's time).
    quoted = xml.count(b'"s"') if b"'" not in xml else sum(map(xml.count, _QUOTED_S))
    every_one_written = len(values) == quoted or len(values) == len(_SHARED_ANY.findall(xml))
    if every_one_written and max(map(int, set(values)), default=-1) < count:
        return None
    for match in _ANY_CELL.finditer(xml):
        attrs = match[1]
        if _SHARED_TYPE.search(attrs) is None or attrs.endswith(b"/"):
            continue
        end = _CELL_END.search(xml, match.end())
        body = xml[match.end() : end.start()] if end else b""
        value = _VALUE.search(body)
        if value is None:
            continue
        text = value[1].strip()
        if _INDEX.fullmatch(text) is None or int(text) >= count:
            ref = _REF_ATTR.search(b" " + attrs)
            cell = ref[1].decode(errors="replace") if ref else "?"
            return cell, text[:20].decode(errors="replace")
    return None


_CLOSE_CELL = re.compile(rb"</" + _NAME + rb"c>")
_FORMULA_FIRST = re.compile(rb"><" + _NAME + rb"f[\s/>]")  # a formula right after its cell tag
_IS_STRING_RESULT = re.compile(rb"\st\s*=\s*[\"']str[\"']")


def _formula_starts(xml: bytes) -> Iterator[int]:
    """Where a formula follows a cell's start tag (at its ">"): found as plain bytes in the
    usual file without namespace prefixes, by ``_FORMULA_FIRST`` otherwise."""
    if b"<c " not in xml:
        yield from (m.start() for m in _FORMULA_FIRST.finditer(xml))
        return
    at = xml.find(b"><f")
    while at >= 0:
        if xml[at + 3 : at + 4] in (b">", b" ", b"/"):
            yield at
        at = xml.find(b"><f", at + 3)


def uncached_formulas(xml: bytes, columns: Iterable[int]) -> frozenset[tuple[int, int]]:
    """(row, column) of the cells of ``columns`` (within ``A1:Z99999``) holding a formula saved
    without its value: a file written by a program that does not calculate (openpyxl writes
    "<v/>"; Excel and LibreOffice always save the value, an empty text as an empty
    ``t="str"`` value). Such a cell reads as blank with ``data_only``, whatever it computes.
    The formula is looked for where every writer puts it, first in the cell."""
    wanted = frozenset(c for c in columns if 1 <= c <= 26)
    found: set[tuple[int, int]] = set()
    for at in _formula_starts(xml):
        tag = xml.rfind(b"<", 0, at)
        cell = _CELL.match(xml, tag) if tag >= 0 else None
        if cell is None or cell.end() != at + 1:
            continue
        where = _split(cell[1])
        if where[1] not in wanted:
            continue
        end = _CLOSE_CELL.search(xml, cell.end())
        body = xml[cell.end() : end.start()] if end else b""
        value = _VALUE.search(body)
        if (value is None or not value[1]) and _IS_STRING_RESULT.search(cell[2]) is None:
            found.add(where)
    return frozenset(found)


def error_cells(xml: bytes) -> dict[tuple[int, int], str]:
    """(row, column) → the error value (#N/A, #REF!…) of every cell holding one."""
    if b'"e"' not in xml and b"'e'" not in xml:
        return {}
    found: dict[tuple[int, int], str] = {}
    for match in _CELL.finditer(xml):
        if _IS_ERROR.search(match[2]) is None:
            continue
        end = None if match[2].endswith(b"/") else _CELL_END.search(xml, match.end())
        body = xml[match.end() : end.start()] if end else b""  # "<c … t="e"/>": no value
        value = _VALUE.search(body)
        found[_split(match[1])] = value[1].decode(errors="replace") if value else "#N/A"
    return found
