"""The text of the "Kiểm tra cài đặt" (check setup) button.

Pure: the xlwings entry point ``kehoach.xl.check_setup`` gathers the versions,
the workbook path and the sheet problems, and shows what ``setup_message`` returns.
"""

from __future__ import annotations

from collections.abc import Sequence

TITLE = "Kiểm tra cài đặt"
SHEETS_INTACT = "Các trang tính của kế hoạch còn nguyên vẹn."
NO_CALAMINE = "chưa cài (thu thập báo cáo vẫn chạy nhưng chậm hơn nhiều lần)"


def setup_message(
    *,
    python_version: str,
    xlwings_version: str,
    kehoach_version: str,
    workbook: str,
    problems: Sequence[str],
    calamine_version: str | None = None,
) -> str:
    """The message shown by the check-setup button, in Vietnamese.

    ``problems`` are the findings of ``layout.sheet_problems`` (empty when the
    plan sheets are intact); each becomes one bulleted line. ``calamine_version`` is None
    when python-calamine is not installed (collecting falls back to openpyxl).
    """
    lines = [
        f"Python: {python_version}",
        f"xlwings: {xlwings_version}",
        f"kehoach: {kehoach_version}",
        f"python-calamine: {calamine_version or NO_CALAMINE}",
        f"Sổ làm việc: {workbook}",
        "",
    ]
    if problems:
        lines.append(f"Các trang tính của kế hoạch có {len(problems)} vấn đề:")
        lines.extend(f"- {p}" for p in problems)
    else:
        lines.append(SHEETS_INTACT)
    return "\n".join(lines)
