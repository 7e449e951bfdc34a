"""Render the first page of a sample report «Báo cáo kết quả» to docs/bao-cao-trang-1.png.

Usage: .venv/bin/python scripts/render_report_page.py [--workbook FILE] [--as-of YYYY-MM-DD]
           [--out PNG]
Default: a copy of workbook/KeHoach2023.xlsm given the hand-made reports of the tests
(tests/summary_support.py), as of 15/01/2024. Needs LibreOffice (soffice, with Writer) and
poppler-utils (pdftoppm): the report is converted to PDF, its first page to PNG.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from kehoach.cli import main as kehoach  # noqa: E402
from lo_support import soffice_convert  # noqa: E402
from summary_support import AS_OF, write_progress  # noqa: E402

RESOLUTION = 80  # dpi: an A4 page of about 660 x 935 pixels


def render(workbook: Path | None, as_of: date, out: Path) -> Path:
    soffice, pdftoppm = shutil.which("soffice"), shutil.which("pdftoppm")
    if soffice is None or pdftoppm is None:
        raise SystemExit("Cần LibreOffice (soffice) và poppler-utils (pdftoppm).")
    with tempfile.TemporaryDirectory(prefix="kehoach-report-png-") as tmp:
        folder = Path(tmp)
        if workbook is None:
            workbook = write_progress(
                Path(shutil.copy2(ROOT / "workbook" / "KeHoach2023.xlsm", folder / "m.xlsm"))
            )
        docx = folder / "bao-cao.docx"
        args = [str(workbook), "--as-of", as_of.isoformat(), "--out", str(docx)]
        if kehoach(["report", *args]) != 0:
            raise SystemExit(1)
        soffice_convert([docx], "pdf", folder, folder / "profile")
        subprocess.run(
            [
                pdftoppm,
                "-png",
                "-r",
                str(RESOLUTION),
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(folder / "bao-cao.pdf"),
                str(folder / "page"),
            ],
            check=True,
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(folder / "page.png", out)
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workbook", type=Path)
    parser.add_argument("--as-of", type=date.fromisoformat, default=AS_OF)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "bao-cao-trang-1.png")
    args = parser.parse_args(argv)
    print(f"Đã tạo {render(args.workbook, args.as_of, args.out)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
