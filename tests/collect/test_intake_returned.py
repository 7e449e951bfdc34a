"""Returns as agencies really send them back, beyond the corpus: a sheet sorted once its
protection was lifted, a file the folder lists but the system will not give, another office
format under an Excel name, a status pasted from Word, values Excel shows in its own way."""

from __future__ import annotations

import errno
import io
import os
import warnings
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from extract_support import KEY
from kehoach.collect import intake, return_book
from kehoach.collect.intake import intake_bytes, intake_file
from kehoach.collect.values import ValueProblem, input_value
from kehoach.sheets import extract_layout as ex
from lo_support import SOFFICE, soffice_convert
from returns_corpus import COL, PLAN_ID, TASKS_XML, edit, extracts, good_snv, set_input_xml


@pytest.fixture(scope="module")
def snv(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return good_snv(extracts(tmp_path_factory.mktemp("extracts")))


# --- rows sorted -----------------------------------------------------------------------------


def _sort_descending(wb: Workbook) -> None:
    """Rows 4 and 5 swapped whole, as sorting the unprotected sheet does."""
    ws = wb[ex.TASKS_SHEET]
    for col in range(1, len(ex.CURRENT.columns) + 1):
        top, below = ws.cell(4, col), ws.cell(5, col)
        top.value, below.value = below.value, top.value


def test_sorted_rows_are_called_sorted_with_the_way_back(snv: bytes) -> None:
    out = intake_bytes(edit(snv, _sort_descending), "f.xlsx", KEY, PLAN_ID)
    task_column = ex.CURRENT.letter("task_id")
    assert not out.accepted
    assert out.reason.startswith(f"Các dòng nhiệm vụ đã bị sắp xếp lại: dòng 4 (ô {task_column}4)")
    assert "sắp xếp lại theo cột A (STT) từ nhỏ đến lớn" in out.reason
    assert out.agency == "SNV"  # after the signature: the agency is named


def test_an_edited_locked_cell_is_still_an_edit_not_a_sort(snv: bytes) -> None:
    def retype(wb: Workbook) -> None:
        wb[ex.TASKS_SHEET][f"{ex.CURRENT.letter('task')}5"] = "Nhiệm vụ đã sửa"

    out = intake_bytes(edit(snv, retype), "f.xlsx", KEY, PLAN_ID)
    assert not out.accepted and "sắp xếp" not in out.reason
    assert out.reason.startswith("Các dòng nhiệm vụ đã bị sửa")


@pytest.mark.parametrize("typed", ["PL1-TC-1.2/1 (sửa)", None], ids=["retyped", "cleared"])
def test_a_task_id_typed_over_is_an_edited_row_not_a_deleted_one(
    snv: bytes, typed: str | None
) -> None:
    def retype(wb: Workbook) -> None:
        wb[ex.TASKS_SHEET][f"{ex.CURRENT.letter('task_id')}5"] = typed

    out = intake_bytes(edit(snv, retype), "f.xlsx", KEY, PLAN_ID)
    assert not out.accepted
    assert out.reason == "Các dòng nhiệm vụ đã bị sửa (các cột không được sửa): dòng 5."


def test_a_deleted_row_is_still_called_deleted(snv: bytes) -> None:
    out = intake_bytes(
        edit(snv, lambda wb: wb[ex.TASKS_SHEET].delete_rows(5)), "f.xlsx", KEY, PLAN_ID
    )
    assert not out.accepted and out.reason.startswith("Đã xóa dòng:")


@pytest.mark.parametrize("name", ["Nhiệm vụ (đã điền)", "Nhiệm vụ ", "Nhiem vu"])
def test_a_renamed_tasks_sheet_is_called_renamed_with_its_new_name(snv: bytes, name: str) -> None:
    def rename(wb: Workbook) -> None:
        wb[ex.TASKS_SHEET].title = name

    out = intake_bytes(edit(snv, rename), "f.xlsx", KEY, PLAN_ID)
    assert not out.accepted
    assert out.reason == (
        f"Trang tính «{ex.TASKS_SHEET}» đã bị đổi tên thành «{name}»: đề nghị cơ quan đổi lại "
        f"đúng tên «{ex.TASKS_SHEET}» rồi gửi lại (không cần điền lại)."
    )
    back = edit(edit(snv, rename), lambda wb: setattr(wb[name], "title", ex.TASKS_SHEET))
    assert intake_bytes(back, "f.xlsx", KEY, PLAN_ID).accepted


def test_a_deleted_sheet_with_another_added_is_not_called_renamed_twice(snv: bytes) -> None:
    def swap(wb: Workbook) -> None:
        del wb[ex.GUIDE_SHEET]
        wb.create_sheet("Ghi chú")
        wb.create_sheet("Ghi chú 2")

    out = intake_bytes(edit(snv, swap), "f.xlsx", KEY, PLAN_ID)
    assert out.reason.startswith(f"Thiếu trang tính «{ex.GUIDE_SHEET}»")


@pytest.mark.parametrize("reader", ["calamine", "openpyxl"])
def test_a_note_typed_right_of_the_table_is_not_dropped_without_a_word(
    snv: bytes, reader: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the sheet's protection lifted, an agency types a note beside a task, right of
    the last column: nothing collects it, so the file is refused naming the cell."""
    if reader == "openpyxl":
        monkeypatch.setattr(return_book, "_plain", lambda parts: False)
    beside = get_column_letter(len(ex.CURRENT.columns) + 2)

    def note(wb: Workbook) -> None:
        wb[ex.TASKS_SHEET][f"{beside}5"] = "Ghi chú: đã xin gia hạn"

    out = intake_bytes(edit(snv, note), "f.xlsx", KEY, PLAN_ID)
    assert not out.accepted
    assert out.reason.startswith(
        f"Có dữ liệu ngoài bảng: ô {beside}5, bên phải cột cuối "
        f"{get_column_letter(len(ex.CURRENT.columns))} của bảng nhiệm vụ, không được thu thập"
    )
    assert out.agency == "SNV"


def test_a_formatted_empty_cell_right_of_the_table_is_no_data(snv: bytes) -> None:
    def widen(wb: Workbook) -> None:
        cell = wb[ex.TASKS_SHEET][f"{get_column_letter(len(ex.CURRENT.columns) + 1)}5"]
        cell.number_format = "0.00"
        cell.value = " "

    assert intake_bytes(edit(snv, widen), "f.xlsx", KEY, PLAN_ID).accepted


# --- files the system does not give ------------------------------------------------------------


@pytest.mark.skipif(os.name != "posix", reason="symbolic links need privileges on Windows")
def test_a_link_to_a_file_gone_is_named_in_vietnamese(tmp_path: Path) -> None:
    (tmp_path / "So-Noi-vu.xlsx").symlink_to(tmp_path / "da-xoa.xlsx")
    out = intake_file(tmp_path / "So-Noi-vu.xlsx", tmp_path, KEY, PLAN_ID)
    assert not out.accepted
    assert out.reason.startswith("Không đọc được tệp (không tìm thấy tệp)")
    assert "No such file" not in out.reason


def test_a_file_another_program_holds_is_named_in_vietnamese(
    snv: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On Windows a file another program holds cannot be opened (a sharing violation, which
    Python raises as PermissionError); as does a file without the right to read it."""
    path = tmp_path / "So-Noi-vu.xlsx"
    path.write_bytes(snv)

    def held(*args: Any, **kwargs: Any) -> int:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(intake.os, "open", held)
    out = intake_file(path, tmp_path, KEY, PLAN_ID)
    assert not out.accepted
    assert out.reason.startswith("Không đọc được tệp (không có quyền đọc/ghi")
    assert "Permission" not in out.reason and "workbook" not in out.reason


# --- other formats under an Excel name -------------------------------------------------------


def _package(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in entries.items():
            archive.writestr(name, body)
    return out.getvalue()


ODS = _package(
    {
        "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
        "META-INF/manifest.xml": b"<manifest:manifest/>",
        "content.xml": b"<office:document-content/>",
        "styles.xml": b"<office:document-styles/>",
    }
)
DOCX = _package(
    {
        "[Content_Types].xml": b"<Types/>",
        "_rels/.rels": b"<Relationships/>",
        "word/document.xml": b"<w:document/>",
    }
)


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (DOCX, "(là tệp Word .docx)"),
        ("STT;Ghi chú\r\n1;Đúng ha\u0323n\r\n".encode("cp1258"), "(là tệp văn bản)"),
        ("STT\tTình trạng\r\n1\tĐang\r\n".encode("utf-16"), "(là tệp văn bản)"),
    ],
    ids=["docx", "csv-windows-ansi", "unicode-text"],
)
def test_another_format_renamed_xlsx_is_called_what_it_is(data: bytes, what: str) -> None:
    out = intake_bytes(data, "So-Noi-vu.xlsx", KEY, PLAN_ID)
    assert not out.accepted
    assert out.reason.startswith(f"Không phải tệp Excel {what}")


def test_an_ods_renamed_xlsx_is_told_to_be_saved_back_as_xlsx() -> None:
    out = intake_bytes(ODS, "So-Noi-vu.xlsx", KEY, PLAN_ID)
    assert not out.accepted
    assert out.reason.startswith("Tệp bảng tính dạng .ods, không đọc được")
    assert "lưu lại dạng «Sổ làm việc Excel (.xlsx)»" in out.reason


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_a_return_saved_as_xls_or_ods_is_told_how_to_come_back_and_does(
    snv: bytes, tmp_path: Path
) -> None:
    """The file sent, saved as .xls or .ods: the reason says to save it back as .xlsx, not to
    type it all again, and that file is accepted with the same rows."""
    (tmp_path / "So-Noi-vu.xlsx").write_bytes(snv)
    saved = [
        soffice_convert([tmp_path / "So-Noi-vu.xlsx"], to, tmp_path / to, tmp_path / "p")[0]
        for to in ("xls", "ods")
    ]
    expected = intake_bytes(snv, "f.xlsx", KEY, PLAN_ID).rows
    for path in saved:
        out = intake_file(path, tmp_path, KEY, PLAN_ID)
        assert not out.accepted
        assert "lưu lại dạng «Sổ làm việc Excel (.xlsx)» rồi gửi lại (không cần điền lại)" in (
            out.reason
        )
        back = soffice_convert(
            [path], "xlsx:Calc MS Excel 2007 XML", tmp_path / f"back{path.suffix}", tmp_path / "p"
        )[0]
        again = intake_file(back, tmp_path, KEY, PLAN_ID)
        assert again.accepted, again.reason
        assert again.rows == expected


def _rewritten(data: bytes, change: dict[str, list[tuple[str, str]]]) -> bytes:
    """``data`` with the text of some parts replaced (part → [(old, new)])."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            for old, new in change.get(info.filename, []):
                body = body.replace(old.encode(), new.encode())
            dst.writestr(info, body)
    return out.getvalue()


STRICT = {  # Excel's Strict Open XML names for the transitional namespaces
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main": (
        "http://purl.oclc.org/ooxml/spreadsheetml/main"
    ),
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships": (
        "http://purl.oclc.org/ooxml/officeDocument/relationships"
    ),
}


def test_a_return_saved_as_strict_open_xml_is_told_to_be_saved_back(snv: bytes) -> None:
    parts = zipfile.ZipFile(io.BytesIO(snv)).namelist()
    swaps = [*STRICT.items(), ("<workbook ", '<workbook conformance="strict" ')]
    strict = _rewritten(
        snv, {p: swaps for p in parts if p.endswith((".xml", ".rels")) and "Content" not in p}
    )
    out = intake_bytes(strict, "So-Noi-vu.xlsx", KEY, PLAN_ID)
    assert not out.accepted
    assert out.reason.startswith("Tệp lưu dạng «Bảng tính Open XML Strict», không đọc được")
    assert "lưu lại dạng «Sổ làm việc Excel (.xlsx)»" in out.reason


def test_what_openpyxl_drops_from_a_return_is_not_warned_in_english(snv: bytes) -> None:
    """A return Excel 365 saved (a cell with a metadata attribute sends it to openpyxl, with
    a conditional-format extension openpyxl drops): read without a word on stderr."""
    ext = (
        '<extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}" xmlns:x14="http://schemas.'
        'microsoft.com/office/spreadsheetml/2009/9/main"><x14:conditionalFormattings/></ext>'
        "</extLst></worksheet>"
    )
    excel365 = _rewritten(
        snv,
        {TASKS_XML: [('<c r="A1"', '<c cm="1" r="A1"'), ("</worksheet>", ext)]},
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = intake_bytes(excel365, "So-Noi-vu.xlsx", KEY, PLAN_ID)
    assert out.accepted, out.reason
    assert [str(w.message) for w in caught] == []


# --- values as pasted or as Excel shows them ---------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["Đang\u00a0thực hiện", "Đang  thực hiện", " đang\u00a0 thực\thiện\u00a0"],
    ids=["no-break-space", "two-spaces", "mixed"],
)
def test_a_status_pasted_with_other_spaces_is_the_listed_status(snv: bytes, typed: str) -> None:
    assert input_value(ex.STATUS_KEY, typed) == ex.STATUS_IN_PROGRESS
    out = intake_bytes(
        edit(snv, lambda wb: _type(wb, f"{COL[ex.STATUS_KEY]}5", typed)), "f.xlsx", KEY, PLAN_ID
    )
    assert out.accepted, out.reason
    assert out.rows[1].values[ex.STATUS_KEY] == ex.STATUS_IN_PROGRESS


def _type(wb: Workbook, cell: str, value: Any) -> None:
    wb[ex.TASKS_SHEET][cell] = value
    wb[ex.TASKS_SHEET][cell].data_type = "s"


@pytest.mark.parametrize("reader", ["calamine", "openpyxl"])
def test_word_line_breaks_pasted_in_a_text_are_line_feeds(
    snv: bytes, reader: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A text pasted from Word keeps its manual line and page breaks (U+000B, U+000C), which
    Excel stores as "_x000B_", "_x000C_" and shows as line breaks: read as line feeds, as the
    master holds them, not as «�» with a note about characters a workbook cannot hold;
    a control character that is no break still is one."""
    if reader == "openpyxl":
        monkeypatch.setattr(return_book, "_plain", lambda parts: False)
    pasted = set_input_xml(
        snv,
        f"{COL[ex.DIFFICULTIES_KEY]}5",
        ' t="inlineStr"><is><t>Số 12/QĐ-UBND;_x000B_Số 15/KH-UBND_x000C_Trang 2</t></is>',
    )
    out = intake_bytes(pasted, "f.xlsx", KEY, PLAN_ID)
    assert out.accepted, out.reason
    assert out.rows[1].values[ex.DIFFICULTIES_KEY] == "Số 12/QĐ-UBND;\nSố 15/KH-UBND\nTrang 2"
    assert out.note == ""
    bell = set_input_xml(
        snv, f"{COL[ex.DIFFICULTIES_KEY]}5", ' t="inlineStr"><is><t>Chuông_x0007_ reo</t></is>'
    )
    out = intake_bytes(bell, "f.xlsx", KEY, PLAN_ID)
    assert out.rows[1].values[ex.DIFFICULTIES_KEY] == "Chuông\ufffd reo"
    assert f"(ô {COL[ex.DIFFICULTIES_KEY]}5)" in out.note


@pytest.mark.parametrize(
    ("number_format", "typed", "read"),
    [
        ('0"%"', 80, 80.0),  # a custom format showing "80%" for 80: not a percentage
        ("0\\%", 80, 80.0),
        ('#,##0.0" %"', 80.5, 80.5),
        ("0%", 0.8, 80.0),  # a real percentage: 0.8 shows as 80%
        ("[Blue]0.0%", 0.805, 80.5),
    ],
)
@pytest.mark.parametrize("reader", ["calamine", "openpyxl"])
def test_a_percent_sign_shown_as_text_does_not_multiply_the_value(
    snv: bytes,
    number_format: str,
    typed: float,
    read: float,
    reader: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if reader == "openpyxl":
        monkeypatch.setattr(return_book, "_plain", lambda parts: False)

    def shown(wb: Workbook) -> None:
        cell = wb[ex.TASKS_SHEET][f"{COL[ex.PERCENT_KEY]}5"]
        cell.value = typed
        cell.number_format = number_format

    out = intake_bytes(edit(snv, shown), "f.xlsx", KEY, PLAN_ID)
    assert out.accepted, out.reason
    assert out.rows[1].values[ex.PERCENT_KEY] == read


@pytest.mark.parametrize("reader", ["calamine", "openpyxl"])
def test_a_formula_saved_without_its_value_is_refused_not_read_as_blank(
    snv: bytes, reader: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A return filled by a program (openpyxl writes a formula with "<v/>"): the % the formula
    computes would be read as blank and the task's % silently dropped."""
    if reader == "openpyxl":
        monkeypatch.setattr(return_book, "_plain", lambda parts: False)

    def computed(wb: Workbook) -> None:
        wb[ex.TASKS_SHEET][f"{COL[ex.PERCENT_KEY]}5"] = "=40+40"

    out = intake_bytes(edit(snv, computed), "f.xlsx", KEY, PLAN_ID)
    assert not out.accepted
    assert out.reason.startswith(
        f"Ô {COL[ex.PERCENT_KEY]}5 (% hoàn thành (0–100)): ô có công thức nhưng tệp không lưu "
        "kết quả của nó"
    )


def test_a_status_with_an_invisible_character_is_still_refused() -> None:
    with pytest.raises(ValueProblem, match=r"«Đang\[U\+200B\] thực hiện»"):
        input_value(ex.STATUS_KEY, "Đang\u200b thực hiện")


@pytest.mark.parametrize(
    ("key", "value", "shown"),
    [
        (ex.PERCENT_KEY, True, "«TRUE»"),
        (ex.PERCENT_KEY, datetime(2023, 11, 15), "«15/11/2023»"),
        (ex.STATUS_KEY, False, "«FALSE»"),
        (ex.REPORT_DATE_KEY, 1e9, "«1000000000»"),
    ],
)
def test_a_refused_value_is_quoted_as_excel_shows_it(key: str, value: Any, shown: str) -> None:
    with pytest.raises(ValueProblem) as caught:
        input_value(key, value)
    assert shown in str(caught.value)


def test_a_date_with_a_time_typed_in_a_text_column_reads_as_vietnamese() -> None:
    assert input_value(ex.RESULTS_KEY, datetime(2023, 11, 15, 14, 30)) == "15/11/2023 14:30:00"


def test_a_status_cell_holding_true_is_refused_naming_it(snv: bytes) -> None:
    def boolean(wb: Workbook) -> None:
        wb[ex.TASKS_SHEET][f"{COL[ex.STATUS_KEY]}5"] = True

    out = intake_bytes(edit(snv, boolean), "f.xlsx", KEY, PLAN_ID)
    assert not out.accepted
    assert out.reason.startswith(f"Ô {COL[ex.STATUS_KEY]}5 (Tình trạng): tình trạng «TRUE»")
