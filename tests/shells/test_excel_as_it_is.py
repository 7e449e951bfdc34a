"""The buttons on a workbook as Excel hands it to Python: error cells as Excel shows them, and a
book that is in no folder of the computer (never saved, or opened from the web)."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from gap_support import result_cell
from kehoach import xl
from kehoach.sheets import layout
from xlharness import run_entry


@pytest.fixture
def failed_formula(master_xlsm: Path) -> tuple[Path, str]:
    """The master with a PL2 result cell showing #DIV/0! (a formula typed there that failed)."""
    cell = result_cell(master_xlsm, "PL2", "PL2-TC-1.5")
    wb = load_workbook(master_xlsm, keep_vba=True)
    wb["PL2"][cell] = "#DIV/0!"
    assert wb["PL2"][cell].data_type == "e"
    wb.save(master_xlsm)
    return master_xlsm, cell


def test_the_gaps_button_names_an_error_cell_instead_of_taking_it_for_blank(
    failed_formula: tuple[Path, str], tmp_path: Path, xl_remote: Any
) -> None:
    path, cell = failed_formula
    result = run_entry(path, xl.compute_gaps, dst=tmp_path / "after.xlsm")
    assert result.alert.title == xl.ERROR_TITLE
    assert f"trang tính 'PL2', ô {cell}" in result.alert.text
    assert "lỗi công thức «#DIV/0!» của Excel" in result.alert.text


def test_the_check_button_lists_an_error_cell_like_the_command_line(
    failed_formula: tuple[Path, str], tmp_path: Path, xl_remote: Any
) -> None:
    path, cell = failed_formula
    result = run_entry(path, xl.check_data, dst=tmp_path / "after.xlsm")
    assert result.alert.title != xl.ERROR_TITLE
    ws = load_workbook(result.path)[layout.CHECK_SHEET]
    texts = [str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    assert any("#DIV/0!" in t for t in texts)
    assert any(f"'PL2'!{cell}" in t for t in texts)


def _no_folder(alert: Any) -> None:
    assert alert.title == xl.ERROR_TITLE and alert.mode == "critical"
    assert "không nằm trong một thư mục trên máy" in alert.text
    assert "Lưu Như" in alert.text


@pytest.mark.parametrize(
    "button",
    [
        xl.make_extracts,
        xl.write_report,
        xl.send_mail,
        lambda book: xl.collect_returns(book, folder=str(Path.cwd())),
    ],
    ids=["extract", "report", "mail", "collect"],
)
def test_a_book_in_no_folder_alerts_and_writes_no_file_where_python_runs(
    master_xlsm: Path,
    tmp_path: Path,
    xl_remote: Any,
    monkeypatch: pytest.MonkeyPatch,
    button: Any,
) -> None:
    """xlwings' remote engine knows the book's name only, as Excel does of a book never
    saved ("Book1"): the buttons that write beside the book say so, and write nothing in the
    folder Python happens to run in."""
    cwd = tmp_path / "python-chay-o-day"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    result = run_entry(master_xlsm, button, dst=tmp_path / "after.xlsm")
    _no_folder(result.alert)
    assert [a["func"] for a in result.actions] == ["alert"]
    assert list(cwd.iterdir()) == []


def test_agency_names_pasted_decomposed_are_the_same_agencies(
    master_xlsm: Path, tmp_path: Path, xl_remote: Any
) -> None:
    """A lead or coordinating text pasted as NFD (from a Mac, a web page): Excel shows it as
    the same letters and gives Python the decomposed characters; the summary and the check
    count the same assignments as for the text typed in Excel."""
    typed = run_entry(master_xlsm, xl.summarize_progress, dst=tmp_path / "typed.xlsm").alert
    checked = run_entry(master_xlsm, xl.check_data, dst=tmp_path / "typed-check.xlsm").alert
    wb = load_workbook(master_xlsm, keep_vba=True)
    ws = wb[layout.TASKS_SHEET]
    changed = 0
    for key in ("lead", "coordinating"):
        col = layout.column_index(layout.TASK_COLUMNS, key)
        for row in range(layout.FIRST_DATA_ROW, ws.max_row + 1):
            value = ws.cell(row, col).value
            if isinstance(value, str) and unicodedata.normalize("NFD", value) != value:
                ws.cell(row, col).value = unicodedata.normalize("NFD", value)
                changed += 1
    assert changed > 100
    pasted = tmp_path / "nfd.xlsm"
    wb.save(pasted)
    assert run_entry(pasted, xl.summarize_progress, dst=tmp_path / "a.xlsm").alert == typed
    assert run_entry(pasted, xl.check_data, dst=tmp_path / "b.xlsm").alert == checked


def test_the_summary_pdf_of_a_book_never_saved_is_not_printed_where_python_runs() -> None:
    """In Excel, a book never saved is named "Book1", no folder: the summary button prints no
    PDF into the folder Python runs in, and its alert says why."""
    printed: list[str] = []
    sheet = type("Sheet", (), {"to_pdf": lambda _self, path: printed.append(path)})()
    engine = type("Engine", (), {"name": "excel"})()
    app = type("App", (), {"engine": engine})()
    book = type("Book", (), {"app": app, "fullname": "Book1", "sheets": {"TongHop": sheet}})()
    note = xl.sheet_pdf(book, "TongHop", "TongHop_2026-12-04.pdf")
    assert printed == []
    assert note == "Không in trang «TongHop» ra PDF: sổ chưa được lưu vào một thư mục trên máy."


class _ComError(Exception):
    """What pywin32 raises when Excel refuses a call (``pywintypes.com_error``)."""


@pytest.mark.parametrize("button", ["extract", "mail"])
def test_a_book_excel_cannot_save_alerts_and_keeps_the_changes_in_the_open_book(
    master_xlsm: Path,
    tmp_path: Path,
    xl_remote: Any,
    monkeypatch: pytest.MonkeyPatch,
    button: str,
) -> None:
    """A copy opened read-only (a mail attachment): Excel refuses the Save at the end. The
    official reads why and what to do, not a traceback; the changes are in the open book."""
    from kehoach.sheets import mail_layout as ml
    from mail_support import make_folder, prepare_master

    def refuse(_book: Any, *_args: Any, **_kwargs: Any) -> None:
        raise _ComError(-2147352567, "Exception occurred.", None, None)

    monkeypatch.setattr(xl_remote.Book, "save", refuse)
    run = {
        "extract": lambda book: xl.make_extracts(book, out_dir=str(tmp_path / "GuiCoQuan")),
        "mail": lambda book: xl.send_mail(
            book,
            files_dir=str(make_folder(tmp_path / "Gui")),
            out_dir=str(tmp_path / ml.DRAFT_FOLDER),
        ),
    }[button]
    path = prepare_master(master_xlsm) if button == "mail" else master_xlsm
    result = run_entry(path, run, dst=tmp_path / "after.xlsm")
    assert result.alert.title == xl.ERROR_TITLE and result.alert.mode == "critical"
    assert f"không lưu được sổ «{path.name}» (_ComError)" in result.alert.text
    assert "Tệp > Lưu Như" in result.alert.text
    assert "setValues" in [a["func"] for a in result.actions]  # the book holds the changes


@pytest.mark.parametrize("button", [xl.compute_gaps, xl.make_extracts], ids=["gaps", "extract"])
def test_a_stray_cell_far_below_a_plan_sheet_is_named(
    master_xlsm: Path, tmp_path: Path, xl_remote: Any, button: Any
) -> None:
    """A note typed far below the table of PL2 (the sheet's used range then runs to row 5000):
    the alert names the cell typed, not only the blank row-kind cell beside it; one call."""
    wb = load_workbook(master_xlsm, keep_vba=True)
    wb["PL2"]["B5000"] = "ghi chú"
    wb.save(master_xlsm)
    result = run_entry(master_xlsm, button, dst=tmp_path / "after.xlsm")
    assert [a["func"] for a in result.actions] == ["alert"]
    assert result.alert.title == xl.ERROR_TITLE
    assert "trang tính 'PL2'" in result.alert.text
    assert "Dòng 5000 có nội dung (ô B5000) nhưng để trống loại dòng" in result.alert.text
