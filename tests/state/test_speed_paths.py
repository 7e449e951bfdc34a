"""What keeps the verbs fast without changing what they produce: cells styled through one
shared style record, the rebuilt master read once, the read-only verbs free of pandas."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

from kehoach.plan.importer import load_default_plan
from kehoach.sheets.sheetstyle import CellStyles
from kehoach.workbook.xlsm import build_master
from plan_workbooks import ROOT

_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_BOLD = Font(name="Times New Roman", bold=True)
_GREY = Font(name="Times New Roman", italic=True, color="808080")
_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")


def _styles(row: int, col: int) -> list[tuple[str, Any]]:
    """A mix of combinations, new style objects appearing part way down, a font set twice."""
    out: list[tuple[str, Any]] = [
        ("number_format", "0.00" if col % 2 else "dd/mm/yyyy"),
        ("alignment", _WRAP),
        ("border", _BORDER if row % 3 else None),
        ("font", _BOLD if row % 4 == 0 else None),
        ("font", _GREY if col == 3 else None),
        ("fill", _FILL if row > 20 else None),
    ]
    if row > 30:
        out.append(("protection", Protection(locked=False)))  # a new object each time
    return out


def _saved_parts(wb: Workbook) -> dict[str, bytes]:
    buffer = io.BytesIO()
    wb.save(buffer)
    with zipfile.ZipFile(buffer) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


def _grid(style: Any) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.cell(2, 2).font = Font(size=14)  # a cell styled before: the rest of its style stays
    for row in range(1, 41):
        for col in range(1, 6):
            cell = ws.cell(row, col, row * col)
            style(cell, _styles(row, col))
    return wb


def test_cell_styles_save_the_same_file_as_setting_each_attribute() -> None:
    def one_by_one(cell: Any, attributes: list[tuple[str, Any]]) -> None:
        for name, value in attributes:
            if value is not None:
                setattr(cell, name, value)

    styles = CellStyles()
    expected = _saved_parts(_grid(one_by_one))
    got = _saved_parts(_grid(lambda cell, attributes: styles.apply(cell, *attributes)))
    assert got == expected
    wb = _grid(lambda cell, attributes: CellStyles().apply(cell, *attributes))
    ws = wb.active
    assert ws.cell(2, 2).font.size == 14 and ws.cell(2, 2).border.left.style == "thin"
    assert ws.cell(24, 3).font.italic and ws.cell(24, 3).fill.fgColor.rgb == "00DDEBF7"
    assert ws.cell(24, 2).font.bold and ws.cell(35, 1).protection.locked is False


def test_a_rebuild_reads_the_master_it_replaces_once(
    master_xlsm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kehoach.extract.signing as signing
    import kehoach.sheets.sheetdata as sheetdata

    opened: list[Path] = []
    for module in (sheetdata, signing):

        def counting(path: Any, *args: Any, _load: Any = module.load_workbook, **kw: Any) -> Any:
            opened.append(Path(path))
            return _load(path, *args, **kw)

        monkeypatch.setattr(module, "load_workbook", counting)
    before = master_xlsm.read_bytes()
    build_master(master_xlsm, load_default_plan(), ROOT / "macros", ROOT / "templates")
    assert opened == [master_xlsm]
    assert master_xlsm.read_bytes() == before  # nothing changed: the same bytes


_NO_PANDAS = """
import sys
from datetime import date
from pathlib import Path

from kehoach.checks.run import SHEETS_READ as CHECKED, check_workbook
from kehoach.gaps.compute import SHEETS_READ as GAPS, appendix_figures, compute_gaps
from kehoach.gaps.compute import summary_lines as gap_lines
from kehoach.state.master import read_state
from kehoach.summary.compute import SHEETS_READ, summarize, summary_lines

path = Path(sys.argv[1])
result = check_workbook(read_state(path, sheets=CHECKED))
summary = summarize(read_state(path, sheets=SHEETS_READ), date(2023, 12, 31))
lines = summary_lines(summary)
figures = appendix_figures(read_state(path, sheets=CHECKED), "PL2")
lines += gap_lines(compute_gaps(read_state(path, sheets=GAPS)))
print(len(result.findings), summary.overall["tasks"], len(figures.rows), "pandas" in sys.modules)
"""


def test_check_and_the_texts_of_gaps_and_summary_do_not_import_pandas(master_xlsm: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _NO_PANDAS, str(master_xlsm)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    findings, tasks, rows, pandas = done.stdout.split()
    assert int(findings) > 0 and int(tasks) > 1000 and int(rows) > 40
    assert pandas == "False"


_BUILD_IMPORTS = """
import sys
from pathlib import Path

from kehoach.cli import main

code = main(["build", "--out", sys.argv[1]])
print(code, "docx" in sys.modules, "xlsxwriter" in sys.modules)
"""


def test_a_build_from_the_text_plan_imports_neither_python_docx_nor_xlsxwriter(
    master_xlsm: Path,
) -> None:
    """python-docx reads a Word plan and XlsxWriter writes a collection's history: a build
    from the embedded text plan, over a master, needs neither, and does not pay for their import."""
    before = master_xlsm.read_bytes()
    done = subprocess.run(
        [sys.executable, "-c", _BUILD_IMPORTS, str(master_xlsm)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert done.stdout.split()[-3:] == ["0", "False", "False"]
    assert master_xlsm.read_bytes() == before
