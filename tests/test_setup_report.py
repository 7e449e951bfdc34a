"""The text of the "Kiểm tra cài đặt" alert (pure; the button itself is in test_xl_check_setup)."""

from __future__ import annotations

from kehoach.setup_report import NO_CALAMINE, SHEETS_INTACT, setup_message

VERSIONS = {
    "python_version": "3.11.7",
    "xlwings_version": "0.37.8",
    "kehoach_version": "0.1.0",
    "workbook": "C:\\KeHoach\\workbook\\KeHoach2023.xlsm",
}


def test_intact() -> None:
    assert setup_message(**VERSIONS, problems=[], calamine_version="0.9.1") == (
        "Python: 3.11.7\n"
        "xlwings: 0.37.8\n"
        "kehoach: 0.1.0\n"
        "python-calamine: 0.9.1\n"
        "Sổ làm việc: C:\\KeHoach\\workbook\\KeHoach2023.xlsm\n"
        "\n" + SHEETS_INTACT
    )


def test_without_python_calamine_the_official_is_told_collecting_is_slower() -> None:
    text = setup_message(**VERSIONS, problems=[])
    assert f"python-calamine: {NO_CALAMINE}\n" in text


def test_problems_are_listed_one_per_line() -> None:
    text = setup_message(
        **VERSIONS, problems=["Thiếu trang tính 'PL2'.", "Trang tính 'PL3', ô A3: …"]
    )
    assert text.endswith(
        "Các trang tính của kế hoạch có 2 vấn đề:\n"
        "- Thiếu trang tính 'PL2'.\n"
        "- Trang tính 'PL3', ô A3: …"
    )
    assert SHEETS_INTACT not in text
