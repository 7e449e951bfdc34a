"""The text of the "Kiểm tra cài đặt" (check setup) button.

Pure: the xlwings entry point ``kehoach.xl.check_setup`` runs the checks of
``kehoach.install.doctor`` (the same as ``kehoach doctor``), reads the plan sheets' headers, and
shows
what ``setup_message`` returns.
"""

from __future__ import annotations

from collections.abc import Sequence

from kehoach.install.doctor import Check, report_text

TITLE = "Kiểm tra cài đặt"
SHEETS_INTACT = "Các trang tính của kế hoạch còn nguyên vẹn."


def setup_message(checks: Sequence[Check], *, workbook: str, problems: Sequence[str]) -> str:
    """The message shown by the check-setup button, in Vietnamese.

    ``checks`` are the links of the chain (``doctor.run_checks``), one line each with what to
    do when broken, then the verdict; ``problems`` are the findings of
    ``layout.sheet_problems`` (empty when the plan sheets are intact), one bulleted line each.
    """
    lines = [f"Sổ làm việc: {workbook}", "", report_text(checks), ""]
    if problems:
        lines.append(f"Các trang tính của kế hoạch có {len(problems)} vấn đề:")
        lines.extend(f"- {p}" for p in problems)
    else:
        lines.append(SHEETS_INTACT)
    return "\n".join(lines)
