"""The "Kiểm tra cài đặt" button, run through xlwings' remote engine (no Excel)."""

from __future__ import annotations

import platform
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import kehoach
from kehoach.common.errors import WorkbookError
from kehoach.install.setup_report import SHEETS_INTACT, TITLE
from kehoach.sheets import layout
from kehoach.workbook.xlsm import save_xlsm
from plan_workbooks import save_layout_workbook
from xlharness import run_entry


def sheet_values(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}


def check_setup(book: Any) -> None:
    from kehoach.xl import check_setup

    check_setup(book)


def check_setup_at(path: Path) -> Callable[[Any], None]:
    """The button as RunPython runs it: the workbook's full path is known."""

    def run(book: Any) -> None:
        from kehoach.xl import check_setup

        check_setup(book, path=str(path))

    return run


def test_real_master_is_intact(xl_remote: Any, master_xlsm: Path) -> None:
    before = master_xlsm.read_bytes()
    result = run_entry(master_xlsm, check_setup)
    alert = result.alert
    assert alert.title == TITLE
    assert alert.buttons == "ok"
    assert f"[Đạt] Python: {platform.python_version()}" in alert.text
    assert f"[Đạt] xlwings: {xl_remote.__version__}" in alert.text
    assert f"[Đạt] python-calamine: {version('python-calamine')}" in alert.text
    assert f"[Đạt] Gói kehoach: {kehoach.__version__}" in alert.text
    # The remote engine knows only the file name; under RunPython this is the full path.
    assert f"Sổ làm việc: {master_xlsm.name}" in alert.text
    assert "[Không áp dụng] Sổ làm việc: không kiểm tra" in alert.text
    assert (
        "[Không áp dụng] Mark of the Web: không áp dụng (máy này không chạy Windows)" in alert.text
    )
    assert alert.text.endswith(SHEETS_INTACT)
    assert [a["func"] for a in result.actions] == ["alert"]
    assert result.path.read_bytes() == before == master_xlsm.read_bytes()


def test_with_the_workbook_s_path_its_vba_and_xlwings_are_checked(
    xl_remote: Any, master_xlsm: Path
) -> None:
    text = run_entry(master_xlsm, check_setup_at(master_xlsm)).alert.text
    assert "[Đạt] Mã VBA và ribbon của sổ làm việc: đủ" in text
    assert f"[Đạt] xlwings của sổ làm việc: VBA và Python cùng là {xl_remote.__version__}" in text


def test_layout_workbook_is_intact(xl_remote: Any, tmp_path: Path) -> None:
    result = run_entry(save_layout_workbook(tmp_path / "k.xlsx"), check_setup)
    assert result.alert.text.endswith(SHEETS_INTACT)


def delete_sheet(wb: Any) -> None:
    del wb["PL2"]


def rename_sheet(wb: Any) -> None:
    wb[layout.TASKS_SHEET].title = "Nhiem vu"


def move_header_row(wb: Any) -> None:
    wb["PL3"].insert_rows(1)


def change_header(wb: Any) -> None:
    wb[layout.AGENCIES_SHEET]["B3"] = "Số nhiệm vụ"


DAMAGE = [
    (delete_sheet, ["Thiếu trang tính 'PL2'."]),
    (rename_sheet, [f"Thiếu trang tính '{layout.TASKS_SHEET}'."]),
    (move_header_row, ["Trang tính 'PL3', ô A3"]),
    (change_header, [f"Trang tính '{layout.AGENCIES_SHEET}', ô B3", "«Số nhiệm vụ»"]),
]


@pytest.mark.parametrize(("damage", "expected"), DAMAGE, ids=[d.__name__ for d, _ in DAMAGE])
def test_damaged_workbook_names_sheet_and_cell(
    xl_remote: Any,
    master_xlsm: Path,
    tmp_path: Path,
    damage: Callable[[Any], None],
    expected: list[str],
) -> None:
    path = master_xlsm
    wb = openpyxl.load_workbook(path, keep_vba=True)
    damage(wb)
    save_xlsm(wb, path, backup_dir=tmp_path / "backup")
    before = sheet_values(path)

    result = run_entry(path, check_setup)

    text = result.alert.text
    assert SHEETS_INTACT not in text
    assert "Các trang tính của kế hoạch có 1 vấn đề:" in text
    for part in expected:
        assert part in text
    assert sheet_values(result.path) == before


def test_user_error_is_an_alert_not_a_traceback(
    xl_remote: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(_rows: Any) -> list[str]:
        raise WorkbookError("Không đọc được.", sheet="PL1", cell="A3")

    monkeypatch.setattr(layout, "sheet_problems", fail)
    result = run_entry(save_layout_workbook(tmp_path / "k.xlsx"), check_setup)
    assert result.alert.title == "Lỗi"
    assert result.alert.mode == "critical"
    assert result.alert.text == "trang tính 'PL1', ô A3: Không đọc được."


def test_unexpected_error_propagates(
    xl_remote: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(_rows: Any) -> list[str]:
        raise ValueError("bug")

    monkeypatch.setattr(layout, "sheet_problems", boom)
    with pytest.raises(ValueError, match="bug"):
        run_entry(save_layout_workbook(tmp_path / "k.xlsx"), check_setup)
