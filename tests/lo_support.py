"""LibreOffice headless for the tests: ``SOFFICE`` (None when not installed) and
``soffice_convert``, the one way the tests have LibreOffice open and save our files."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
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


# The yardstick of printed text sizes: one line of Times New Roman at this size, printed at
# 100 % on A4. Its words' height in the PDF (poppler's box: the font's ascent to descent, about
# 1.3 times the size for Liberation Serif, LibreOffice's Times New Roman) is what 9 pt looks
# like; a page's body text is measured against it.
YARDSTICK_POINTS = 9.0
_PAGE_SIZE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')
_WORD_BOX = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</word>'
)
FOOTER_BAND = 50.0  # points above the page's bottom edge where the footer sits


def yardstick(folder: Path) -> Path:
    """The yardstick workbook (see ``YARDSTICK_POINTS``), to convert along with the files
    measured, in the same start of LibreOffice."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws["A1"] = "Cỡ chữ chuẩn để so sánh: Nhiệm vụ, giải pháp"
    ws["A1"].font = Font(name="Times New Roman", size=YARDSTICK_POINTS)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    path = folder / "yardstick.xlsx"
    wb.save(path)
    return path


def _word_pages(pdf: Path) -> list[tuple[str, list[float]]]:
    """(left part of the footer, heights of the words above the footer) of every page."""
    text = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    out: list[tuple[str, list[float]]] = []
    for chunk in text.split("<page ")[1:]:
        size = _PAGE_SIZE.search("<page " + chunk)
        assert size is not None
        width, height = float(size[1]), float(size[2])
        words = [(float(x), float(y0), float(y1), w) for x, y0, y1, w in _WORD_BOX.findall(chunk)]
        footer = sorted(
            (x, w) for x, y0, _, w in words if y0 > height - FOOTER_BAND and x < width / 3
        )
        body = [y1 - y0 for _, y0, y1, _ in words if y0 <= height - FOOTER_BAND]
        out.append((" ".join(w for _, w in footer), body))
    return out


def printed_points(pdf: Path, yardstick_pdf: Path) -> list[tuple[str, float]]:
    """(left part of the footer, printed size in points of the body text) of every page of
    ``pdf`` that has text: the most common word height, against the yardstick's."""
    ((_, reference),) = _word_pages(yardstick_pdf)
    unit = max(reference) / YARDSTICK_POINTS
    out: list[tuple[str, float]] = []
    for footer, heights in _word_pages(pdf):
        if heights:
            common = Counter(round(h, 1) for h in heights).most_common(1)[0][0]
            out.append((footer, common / unit))
    return out
