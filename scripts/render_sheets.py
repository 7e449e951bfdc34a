"""Screenshots of the key sheets for the README, under docs/screens/ (reproducible: fixed plan,
directory, key and dates).

Usage: .venv/bin/python scripts/render_sheets.py [agency|master|analysis|all] [--out DIR]

- ``agency``: Sở Y tế's agency workbook, a few rows filled in;
- ``master``: the master's key sheets (PL2, Nhiệm vụ, KiemTra, TienDo, Tệp gửi cơ quan) after a
  build, a collection of sample returns and a check, each told apart by its footer;
- ``analysis``: a master built from the embedded plan, a seeded round of returns collected into
  TienDo (as tests/summary_support.py writes them), ``kehoach summary --write`` on 15/01/2024
  and ``kehoach gaps --write``; then the sheets "TongHop" and "Chênh lệch", each alone.

Needs LibreOffice (soffice) and poppler-utils (pdftoppm, pdftotext): each workbook is
converted to PDF as it would print, and chosen pages to PNG. One function per workbook.
"""

from __future__ import annotations

import argparse
import io
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

from kehoach.agencies.directory import read_seed
from kehoach.agencies.resolve import resolve_plan
from kehoach.extract.book import extract_bytes
from kehoach.extract.select import agency_extracts
from kehoach.plan.importer import load_default_plan
from kehoach.sheets import extract_layout as ex

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from lo_support import sheet_alone, soffice_convert  # noqa: E402

RESOLUTION = 60  # dpi: an A4 landscape page of about 700 x 495 pixels
KEY = bytes(32)  # a demonstration key: these files are pictures, never sent
GENERATED_AT = datetime(2023, 7, 1, 9, 30)
# A few rows filled in as an agency would, so the picture shows what a reply looks like.
SAMPLE_INPUTS = {
    ex.FIRST_DATA_ROW: {
        ex.STATUS_KEY: ex.STATUS_DONE,
        ex.PERCENT_KEY: 100,
        ex.RESULTS_KEY: "Đã kiểm tra 12 đơn vị; báo cáo quý gửi Sở Nội vụ đúng hạn",
        ex.EVIDENCE_KEY: "Số 125/BC-SYT ngày 28/9/2023",
        ex.REPORT_DATE_KEY: datetime(2023, 9, 30),
    },
    ex.FIRST_DATA_ROW + 1: {
        ex.STATUS_KEY: ex.STATUS_IN_PROGRESS,
        ex.PERCENT_KEY: 60,
        ex.RESULTS_KEY: "Đã tổ chức 2 hội nghị tuyên truyền",
        ex.DIFFICULTIES_KEY: "Chưa bố trí được kinh phí cho chuyên mục truyền hình",
        ex.REPORT_DATE_KEY: datetime(2023, 9, 30),
    },
    ex.FIRST_DATA_ROW + 2: {ex.STATUS_KEY: ex.STATUS_DONE, ex.PERCENT_KEY: 100},
}


def _tools() -> tuple[str, str]:
    """pdftoppm and pdftotext, once LibreOffice is known to be there."""
    soffice, pdftoppm, pdftotext = (shutil.which(t) for t in ("soffice", "pdftoppm", "pdftotext"))
    if soffice is None or pdftoppm is None or pdftotext is None:
        raise SystemExit("Cần LibreOffice (soffice) và poppler-utils (pdftoppm, pdftotext).")
    return pdftoppm, pdftotext


def _to_pdf(source: Path, folder: Path) -> Path:
    return soffice_convert([source], "pdf", folder, folder / "profile")[0]


def _page_png(pdftoppm: str, pdf: Path, page: int, out: Path) -> Path:
    pages = ["-f", str(page), "-l", str(page)]
    stem = str(out.with_suffix(""))
    args = [pdftoppm, "-png", "-r", str(RESOLUTION), *pages, "-singlefile", str(pdf), stem]
    subprocess.run(args, check=True)
    return out


def _find_page(pdftotext: str, pdf: Path, text: str) -> int:
    pages = subprocess.run(
        [pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout.split("\f")
    return next(i for i, page in enumerate(pages, start=1) if text in page)


def render_agency_file(out: Path) -> list[Path]:
    """Sở Y tế's agency workbook, a few rows filled in: the first printed page of «Nhiệm vụ»
    and the page of «Hướng dẫn»."""
    pdftoppm, pdftotext = _tools()
    plan = load_default_plan()
    directory = read_seed(ROOT / "templates" / "co-quan.tsv")
    assignments = resolve_plan(plan, directory).assignments
    syt = next(e for e in agency_extracts(plan, directory, assignments) if e.agency.code == "SYT")
    wb = load_workbook(io.BytesIO(extract_bytes(plan, syt, KEY, generated_at=GENERATED_AT)))
    ws = wb[ex.TASKS_SHEET]
    for row, values in SAMPLE_INPUTS.items():
        for key, value in values.items():
            ws[f"{ex.CURRENT.letter(key)}{row}"] = value
    with tempfile.TemporaryDirectory(prefix="kehoach-screens-") as tmp:
        folder = Path(tmp)
        source = folder / "So-Y-te.xlsx"
        wb.save(source)
        pdf = _to_pdf(source, folder)
        guide = _find_page(pdftotext, pdf, "HƯỚNG DẪN ĐIỀN BÁO CÁO")
        return [
            _page_png(pdftoppm, pdf, 1, out / "tep-co-quan-nhiem-vu.png"),
            _page_png(pdftoppm, pdf, guide, out / "tep-co-quan-huong-dan.png"),
        ]


_PAGE = re.compile(r'<page width="[\d.]+" height="([\d.]+)">')
_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">(.*?)</word>'
)


def first_pages(pdftotext: str, pdf: Path) -> dict[str, int]:
    """The first page (1-based) of each sheet, read from the footer's left part ("&A")."""
    text = subprocess.run(
        [pdftotext, "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    out: dict[str, int] = {}
    for number, chunk in enumerate(text.split("<page ")[1:], start=1):
        found = _PAGE.search("<page " + chunk)
        height = float(found[1]) if found else 842.0
        words = [(float(x), float(y), w) for x, y, w in _WORD.findall(chunk)]
        footer = sorted((x, w) for x, y, w in words if y > height - 50 and x < 200)
        out.setdefault(" ".join(w for _, w in footer), number)
    return out


def render_master_sheets(out: Path) -> list[Path]:
    """The master's key sheets after a build, a collection of sample returns and a check."""
    pdftoppm, pdftotext = _tools()
    from collect_support import make_source, write_returns

    shots = {
        "PL2": "master-PL2.png",
        "Nhiệm vụ": "master-nhiem-vu.png",
        "KiemTra": "master-kiemtra.png",
        "TienDo": "master-tiendo.png",
        "Tệp gửi cơ quan": "master-tep-gui.png",
    }
    with tempfile.TemporaryDirectory(prefix="kehoach-screens-") as tmp:
        folder = Path(tmp)
        master, extracts = make_source(folder)
        write_returns(extracts, folder / "TraLoi")
        _kehoach("collect", str(master), "--from", str(folder / "TraLoi"))
        _kehoach("check", str(master), "--write")
        pdf = _to_pdf(master, folder)
        pages = first_pages(pdftotext, pdf)
        return [_page_png(pdftoppm, pdf, pages[s], out / name) for s, name in shots.items()]


def _kehoach(*args: str) -> None:
    exe = Path(sys.executable).with_name("kehoach")
    # 1: a rejected file or an error-level finding, results the pictures show
    done = subprocess.run([str(exe), *args], capture_output=True)
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr.decode(errors="replace"))


def render_master_analysis(out: Path) -> list[Path]:
    """TongHop and "Chênh lệch" of a master with a round of returns: their first two printed
    pages each."""
    pdftoppm, _ = _tools()
    from summary_support import write_round_of_returns

    made: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="kehoach-screens-") as tmp:
        work = Path(tmp)
        master = work / "master.xlsm"
        _kehoach("build", "--out", str(master))
        write_round_of_returns(master)
        _kehoach("summary", str(master), "--write", "--as-of", "2024-01-15")
        _kehoach("gaps", str(master), "--write")
        for sheet, stem in {"TongHop": "tonghop", "Chênh lệch": "chenh-lech"}.items():
            pdf = _to_pdf(sheet_alone(master, sheet, work / f"{stem}.xlsx"), work)
            for old in out.glob(f"{stem}-*.png"):
                old.unlink()
            for page in (1, 2):
                made.append(_page_png(pdftoppm, pdf, page, out / f"{stem}-{page}.png"))
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "what", nargs="?", choices=["agency", "master", "analysis", "all"], default="all"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screens")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    made: list[Path] = []
    if args.what in ("agency", "all"):
        made += render_agency_file(args.out)
    if args.what in ("master", "all"):
        made += render_master_sheets(args.out)
    if args.what in ("analysis", "all"):
        made += render_master_analysis(args.out)
    for path in made:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


if __name__ == "__main__":
    main()
