"""Texts typed or pasted into a master's cells as Excel stores them: ``paste_as_excel``.

Excel writes a control character (Word's manual line break U+000B, a bell) as the escape
"_x000B_", the underscore of a text that looks like an escape as "_x005F_", and keeps the
spaces at either end with ``xml:space="preserve"``. openpyxl cannot write such a cell (it
refuses the control characters), so the sheet's XML is patched inside the package.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from xml.sax.saxutils import escape

from kehoach.sheets.carried import package_sheets


def excel_escaped(text: str) -> str:
    """``text`` as Excel writes it between ``<t>`` and ``</t>``."""
    text = re.sub(r"(_x[0-9A-Fa-f]{4}_)", r"_x005F\1", text)
    text = re.sub(r"[\x00-\x08\x0b-\x1f]", lambda m: f"_x{ord(m[0]):04X}_", text)
    return escape(text)


def paste_as_excel(path: Path, cells: Mapping[tuple[str, str], str]) -> None:
    """Put each text into its (sheet, cell) of the workbook at ``path``, in place, as an inline
    string stored as Excel stores it; the cell must exist (its style is kept)."""
    with zipfile.ZipFile(path) as z:
        parts = {info.filename: z.read(info) for info in z.infolist()}
        names = package_sheets(z)
    for (sheet, ref), text in cells.items():
        part = names[sheet]
        xml = parts[part].decode()
        found = re.search(rf'<c r="{ref}"([^>]*?)(/>|>.*?</c>)', xml)
        assert found is not None, f"no cell {sheet}!{ref}"
        attrs = re.sub(r'\s+t="[^"]*"', "", found[1])
        cell = (
            f'<c r="{ref}"{attrs} t="inlineStr"><is>'
            f'<t xml:space="preserve">{excel_escaped(text)}</t></is></c>'
        )
        parts[part] = (xml[: found.start()] + cell + xml[found.end() :]).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
