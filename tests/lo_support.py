"""LibreOffice headless for the tests: ``SOFFICE`` (None when not installed) and
``soffice_convert``, the one way the tests have LibreOffice open and save our files."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

SOFFICE = shutil.which("soffice")


def soffice_convert(
    sources: Sequence[Path], to: str, outdir: Path, profile: Path, *, timeout: float = 300
) -> list[Path]:
    """``soffice --headless --convert-to TO`` of every source in one start of LibreOffice,
    with a profile of its own (tests share none); the converted files, in source order.
    ``to`` is a format ("ods", "xlsx") or a format and filter ("xlsx:Calc MS Excel 2007 XML").
    Fails the test, with LibreOffice's output, when a file did not come out."""
    assert SOFFICE is not None
    result = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            to,
            "--outdir",
            str(outdir),
            *map(str, sources),
        ],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    suffix = "." + to.split(":", 1)[0]
    out = [outdir / (s.stem + suffix) for s in sources]
    missing = [p.name for p in out if not p.is_file()]
    assert not missing, f"soffice made no {missing}:\n{result.stdout}\n{result.stderr}"
    return out


def sheet_alone(workbook: Path, sheet: str, out: Path) -> Path:
    """A copy of ``workbook`` as .xlsx where only ``sheet`` is visible, to print it alone: the
    other sheets stay, hidden, so that its formulas keep their values. LibreOffice prints a
    hidden sheet that has a print area, so theirs are dropped."""
    from openpyxl import load_workbook
    from openpyxl.worksheet.print_settings import PrintArea

    wb = load_workbook(workbook)
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws.title == sheet
        if ws.title != sheet:
            ws.sheet_state = "hidden"
            ws._print_area = PrintArea()  # openpyxl has no public way to unset it
    wb[sheet].sheet_state = "visible"
    wb.active = wb.sheetnames.index(sheet)
    wb.save(out)
    return out
