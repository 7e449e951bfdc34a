"""Screenshots of the key sheets, for the README: docs/screens/<name>.png.

Usage: .venv/bin/python scripts/render_sheets.py [--out DIR]
Needs LibreOffice (soffice) and poppler-utils (pdftoppm, pdftotext). Each workbook is printed
to PDF by LibreOffice as an official would print it (A4, the sheets' page setup); the first page
of each key sheet, told apart by the footer naming its sheet, becomes a PNG. One function per
workbook.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("OPENPYXL_LXML", "False")  # openpyxl reads returned files via defusedxml

from kehoach.cli import main as kehoach  # noqa: E402

RESOLUTION = 60  # dpi: an A4 landscape page of about 700 x 495 pixels
_PAGE = re.compile(r'<page width="[\d.]+" height="([\d.]+)">')
_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">(.*?)</word>'
)


def _tools() -> tuple[str, str]:
    soffice, pdftoppm = shutil.which("soffice"), shutil.which("pdftoppm")
    if soffice is None or pdftoppm is None or shutil.which("pdftotext") is None:
        raise SystemExit("Cần LibreOffice (soffice) và poppler-utils (pdftoppm, pdftotext).")
    return soffice, pdftoppm


def _pdf(soffice: str, workbook: Path, folder: Path) -> Path:
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(workbook),
        ],
        check=True,
        capture_output=True,
    )
    return folder / (workbook.stem + ".pdf")


def first_pages(pdf: Path) -> dict[str, int]:
    """The first page (1-based) of each sheet, read from the footer's left part ("&A")."""
    text = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    out: dict[str, int] = {}
    for number, chunk in enumerate(text.split("<page ")[1:], start=1):
        found = _PAGE.search("<page " + chunk)
        height = float(found[1]) if found else 842.0
        words = [(float(x), float(y), w) for x, y, w in _WORD.findall(chunk)]
        footer = sorted((x, w) for x, y, w in words if y > height - 50 and x < 200)
        name = " ".join(w for _, w in footer)
        out.setdefault(name, number)
    return out


def _png(pdftoppm: str, pdf: Path, page: int, out: Path) -> Path:
    stem = out.with_suffix("")
    subprocess.run(
        [pdftoppm, "-png", "-r", str(RESOLUTION), "-f", str(page), "-l", str(page),
         "-singlefile", str(pdf), str(stem)],
        check=True,
    )  # fmt: skip
    return out


def master_sheets(out: Path) -> list[Path]:
    """The master's key sheets after a build, a check and a collection of sample returns."""
    from collect_support import make_source, write_returns

    soffice, pdftoppm = _tools()
    shots = {
        "PL2": "master-PL2.png",
        "Nhiệm vụ": "master-nhiem-vu.png",
        "KiemTra": "master-kiemtra.png",
        "TienDo": "master-tiendo.png",
        "Tệp gửi cơ quan": "master-tep-gui.png",
    }
    with tempfile.TemporaryDirectory(prefix="kehoach-sheets-png-") as tmp:
        folder = Path(tmp)
        master, extracts = make_source(folder)
        write_returns(extracts, folder / "TraLoi")
        kehoach(["collect", str(master), "--from", str(folder / "TraLoi")])
        kehoach(["check", str(master), "--write"])
        pdf = _pdf(soffice, master, folder)
        pages = first_pages(pdf)
        out.mkdir(parents=True, exist_ok=True)
        return [_png(pdftoppm, pdf, pages[s], out / name) for s, name in shots.items()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screens")
    args = parser.parse_args()
    for path in master_sheets(args.out):
        print(path)


if __name__ == "__main__":
    main()
