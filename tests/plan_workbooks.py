"""Plan workbooks for tests, laid out from kehoach.layout (until the real builder lands)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.workbook.workbook import Workbook

from kehoach import layout


def layout_workbook(wb: Workbook | None = None) -> Workbook:
    """A workbook with the cover and every plan sheet, headers in row layout.HEADER_ROW.

    Given ``wb`` (one sheet), that sheet becomes the cover.
    """
    wb = openpyxl.Workbook() if wb is None else wb
    cover = wb.active
    assert cover is not None
    cover.title = layout.COVER_SHEET
    cover["A1"] = "Kế hoạch 365/KH-UBND"
    for name, columns in layout.expected_sheets().items():
        ws = wb.create_sheet(name)
        ws.cell(row=layout.TITLE_ROW, column=1, value=f"Trang {name}")
        for i, col in enumerate(columns, start=1):
            ws.cell(row=layout.HEADER_ROW, column=i, value=col.header)
    return wb


def save_layout_workbook(path: Path) -> Path:
    layout_workbook().save(path)
    return path


def save_layout_xlsm(path: Path) -> Path:
    """The same sheets in a macro workbook (pyOpenVBA's template, VBA kept by openpyxl)."""
    from pyopenvba import ExcelFile

    ExcelFile.create_new(path)
    wb = layout_workbook(openpyxl.load_workbook(path, keep_vba=True))
    wb.save(path)
    return path
