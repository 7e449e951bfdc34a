"""Write templates/bao-cao.docx, the Word template of the report "Báo cáo kết quả".

Usage: .venv/bin/python scripts/make_report_template.py [OUT]
The template is built by kehoach.report.template (python-docx); the same code, the same bytes.
A test checks that the committed template is what this script makes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from kehoach.report.template import write_template

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else ROOT / "templates" / "bao-cao.docx"
    write_template(out)
    print(f"Đã tạo {out}.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
