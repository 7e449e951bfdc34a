"""Plan workbooks for tests: the real master, and small ones laid out from kehoach.sheets.layout."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import openpyxl
from openpyxl.workbook.workbook import Workbook

from kehoach.common.planyears import PlanYears
from kehoach.sheets import layout

ROOT = Path(__file__).resolve().parents[1]


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
            ws.cell(row=layout.HEADER_ROW, column=i, value=col.text(PlanYears(2022, 2023)))
    return wb


def save_layout_workbook(path: Path) -> Path:
    layout_workbook().save(path)
    return path


def build_layout_xlsm(path: Path) -> Path:
    """The same sheets in a macro workbook built by kehoach.workbook.xlsm (VBA and ribbon
    included)."""
    from kehoach.workbook.xlsm import build_xlsm

    build_xlsm(path, layout_workbook, ROOT / "macros")
    return path


_BUILT: list[Path] = []  # this process's one build of the real master, never handed out


def build_real_master(path: Path) -> Path:
    """The master workbook as `kehoach build` makes it, from the embedded plan, at ``path``.

    The build is deterministic (byte for byte, see test_xlsm), so it runs once per test process
    into a private folder and every call gets a copy of its own."""
    if not _BUILT:
        from kehoach.plan.importer import load_default_plan
        from kehoach.workbook.xlsm import build_master

        folder = Path(tempfile.mkdtemp(prefix="kehoach-master-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        built = folder / "KeHoach2023.xlsm"
        build_master(built, load_default_plan(), ROOT / "macros", ROOT / "templates")
        _BUILT.append(built)
    path.parent.mkdir(parents=True, exist_ok=True)  # as the build itself does
    return Path(shutil.copyfile(_BUILT[0], path))
