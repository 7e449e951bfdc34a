"""The embedded plan moved three years on and renumbered: a plan of another year.

Every year 20xx of the text becomes 20xx + 3 (2022 → 2025, 2023 → 2026, the dates with them), the
number 365/KH-UBND becomes 512/KH-UBND and the date 08/6/2023 becomes 15/3/2026. Built into a
master, nothing an official sees may then say 2022, 2023 or 365 but the plan's own text.
"""

from __future__ import annotations

import re
from pathlib import Path

from kehoach.plan.importer import default_plan_path

YEAR_SHIFT = 3
SHIFTED_NUMBER = "512/KH-UBND"
SHIFTED_DATE = "2026-03-15"
OLD_MARKS = ("2022", "2023", "365")

_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


def shifted_plan_text(text: str) -> str:
    """``text`` with its number, date and every year moved as described above."""
    text = text.replace("Số: 365 /KH-UBND", "Số: 512 /KH-UBND")
    text = text.replace("ngày 08 tháng 6 năm 2023", "ngày 15 tháng 3 năm 2023")
    text = text.replace("ngày tháng 6 năm 2023", "ngày tháng 3 năm 2023")
    return _YEAR.sub(lambda m: str(int(m[1]) + YEAR_SHIFT), text)


def write_shifted_plan(folder: Path) -> Path:
    """The shifted plan as a UTF-8 text file in ``folder``."""
    text = default_plan_path().read_text(encoding="utf-8")
    path = folder / "ke-hoach-512.txt"
    path.write_text(shifted_plan_text(text), encoding="utf-8")
    return path
