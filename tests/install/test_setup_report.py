"""The text of the "Kiểm tra cài đặt" alert (pure; the button itself is in test_xl_check_setup)."""

from __future__ import annotations

from kehoach.install.doctor import ERROR, NOT_APPLICABLE, OK, Check
from kehoach.install.setup_report import SHEETS_INTACT, setup_message

WORKBOOK = "C:\\KeHoach\\KeHoach2023.xlsm"
SOUND = [
    Check("Python", OK, "3.11.7 (C:\\KeHoach\\python\\python.exe)"),
    Check("Mark of the Web", NOT_APPLICABLE, "không áp dụng"),
]


def test_intact() -> None:
    assert setup_message(SOUND, workbook=WORKBOOK, problems=[]) == (
        "Sổ làm việc: C:\\KeHoach\\KeHoach2023.xlsm\n"
        "\n"
        "[Đạt] Python: 3.11.7 (C:\\KeHoach\\python\\python.exe)\n"
        "[Không áp dụng] Mark of the Web: không áp dụng\n"
        "\n"
        "Không có lỗi: các nút bấm của sổ làm việc chạy được Python.\n"
        "\n" + SHEETS_INTACT
    )


def test_a_broken_link_is_named_with_what_to_do() -> None:
    broken = Check("xlwings", ERROR, "chưa cài (cần ==0.37.8)", "cài lại từ bộ cài")
    text = setup_message([*SOUND, broken], workbook=WORKBOOK, problems=[])
    assert "[Lỗi] xlwings: chưa cài (cần ==0.37.8)\n    → cài lại từ bộ cài\n" in text
    assert "Có 1 lỗi: xlwings." in text


def test_problems_are_listed_one_per_line() -> None:
    text = setup_message(
        SOUND, workbook=WORKBOOK, problems=["Thiếu trang tính 'PL2'.", "Trang tính 'PL3', ô A3: …"]
    )
    assert text.endswith(
        "Các trang tính của kế hoạch có 2 vấn đề:\n"
        "- Thiếu trang tính 'PL2'.\n"
        "- Trang tính 'PL3', ô A3: …"
    )
    assert SHEETS_INTACT not in text
