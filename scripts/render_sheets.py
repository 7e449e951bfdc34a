"""Render sheets of our workbooks through LibreOffice to PDF and PNG (the screenshots under
docs/screens/). One function per workbook or group of sheets; each one is reproducible:

    .venv/bin/python scripts/render_sheets.py analysis [--out docs/screens] [--keep DIR]

``analysis``: a master built from the embedded plan, a seeded round of returns collected into
TienDo (as tests/summary_support.py writes them), ``kehoach summary --write`` on 15/01/2024 and
``kehoach gaps --write``; then the sheets "TongHop" and "Chênh lệch", each alone.

Needs ``soffice`` and ``pdftoppm`` (poppler-utils).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCREENS = ROOT / "docs" / "screens"
RESOLUTION = 60  # dpi of the PNGs


def to_pdf(sources: list[Path], outdir: Path) -> list[Path]:
    """Every source converted to PDF in one start of LibreOffice, with a profile of its own."""
    soffice = shutil.which("soffice")
    if soffice is None:
        raise SystemExit("soffice (LibreOffice) is not installed")
    profile = outdir / "lo-profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            *map(str, sources),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return [outdir / (s.stem + ".pdf") for s in sources]


def to_png(pdf: Path, out: Path, pages: int = 1) -> list[Path]:
    """The first ``pages`` pages of ``pdf`` as PNGs ``out``-1.png, ``out``-2.png…"""
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(RESOLUTION), "-l", str(pages), str(pdf), str(out)],
        check=True,
    )
    return sorted(out.parent.glob(out.name + "-*.png"))


def kehoach(*args: str) -> None:
    exe = Path(sys.executable).with_name("kehoach")
    subprocess.run([str(exe), *args], check=True, capture_output=True)


def render_master_analysis(out: Path, work: Path) -> dict[str, Path]:
    """TongHop and "Chênh lệch" of a master with a round of returns: PDF per sheet in
    ``work``, PNGs of their pages in ``out``. Returns the PDFs by sheet name."""
    sys.path.insert(0, str(ROOT / "tests"))
    from lo_support import sheet_alone
    from summary_support import write_round_of_returns

    master = work / "master.xlsm"
    kehoach("build", "--out", str(master))
    write_round_of_returns(master)
    kehoach("summary", str(master), "--write", "--as-of", "2024-01-15")
    kehoach("gaps", str(master), "--write")
    sheets = {"TongHop": "tonghop", "Chênh lệch": "chenh-lech"}
    copies = [sheet_alone(master, sheet, work / f"{stem}.xlsx") for sheet, stem in sheets.items()]
    pdfs = dict(zip(sheets, to_pdf(copies, work), strict=True))
    out.mkdir(parents=True, exist_ok=True)
    for sheet, stem in sheets.items():
        for old in out.glob(f"{stem}-*.png"):
            old.unlink()
        to_png(pdfs[sheet], out / stem, pages=2)
    return pdfs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["analysis"])
    parser.add_argument("--out", type=Path, default=SCREENS)
    parser.add_argument("--keep", type=Path, help="keep the workbooks and PDFs in this folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kehoach-render-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        if args.what == "analysis":
            for sheet, pdf in render_master_analysis(args.out, work).items():
                print(sheet, pdf)


if __name__ == "__main__":
    main()
