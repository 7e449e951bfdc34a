"""tests/xlharness.py itself: payloads, and each action the remote engine emits applied to a copy.

The actions come from xlwings' real remote engine (the book API the entry points use), so
these tests also pin the action format of the installed xlwings.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.workbook.workbook import Workbook

from xlharness import (
    SUPPORTED_ACTIONS,
    UnsupportedActionError,
    apply_actions,
    remote_book,
    remote_payload,
    run_entry,
)


def base_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "S"
    ws["A1"], ws["B1"], ws["C1"] = "Mã", "Tên", "Ngày"
    ws["A2"], ws["B2"], ws["C2"] = 1, "một", dt.datetime(2023, 6, 8)
    ws["A3"], ws["B3"] = 2.5, None
    ws["D2"] = "=A2*2"
    ws["E2"].number_format = "@"
    second = wb.create_sheet("T")
    second["A1"] = "khác"
    wb.defined_names["Dau"] = openpyxl.workbook.defined_name.DefinedName(
        "Dau", attr_text="'S'!$A$1:$B$2"
    )
    wb.active = 1
    wb.save(path)
    return path


def run(tmp_path: Path, ops: Callable[[Any], None]) -> tuple[Workbook, Any]:
    src = base_workbook(tmp_path / "src.xlsx")
    result = run_entry(src, ops)
    return openpyxl.load_workbook(result.path), result


def test_payload_reads_like_excel(xl_remote: Any, tmp_path: Path) -> None:
    book = remote_book(base_workbook(tmp_path / "src.xlsx"))
    assert xl_remote.Book.caller().name == "src.xlsx"
    assert [s.name for s in book.sheets] == ["S", "T"]
    assert book.sheets.active.name == "T"
    s = book.sheets["S"]
    assert s["A1:C3"].value == [
        ["Mã", "Tên", "Ngày"],
        [1, "một", dt.datetime(2023, 6, 8)],
        [2.5, None, None],
    ]
    # Formulas arrive as their cached values; openpyxl-written files have none.
    assert s["D2"].value is None
    assert book.names["Dau"].refers_to_range.address == "$A$1:$B$2"
    assert s.used_range.address == "$A$1:$E$3"


def test_payload_of_an_empty_sheet(tmp_path: Path) -> None:
    path = tmp_path / "e.xlsx"
    openpyxl.Workbook().save(path)
    payload = remote_payload(path)
    assert payload["sheets"][0]["values"] == [[""]]
    assert payload["client"] == "Office.js"


def test_set_values(xl_remote: Any, tmp_path: Path) -> None:
    def ops(book: Any) -> None:
        s = book.sheets["S"]
        s["B3"].value = [[10, "x"], [None, 2.5]]
        s["A5"].value = ["1.2", "'007", "2023-06-08", "văn bản", True]
        s["E2"].value = "1.2"  # cell formatted as text keeps it text

    wb, result = run(tmp_path, ops)
    ws = wb["S"]
    assert [a["func"] for a in result.actions] == ["setValues"] * 3
    assert [ws["B3"].value, ws["C3"].value, ws["B4"].value, ws["C4"].value] == [10, "x", None, 2.5]
    # Excel parses written text like typed input.
    assert [c.value for c in ws[5][:5]] == [1.2, "007", dt.datetime(2023, 6, 8), "văn bản", True]
    assert ws["C5"].number_format == "yyyy-mm-dd"
    assert ws["E2"].value == "1.2"
    assert ws["A1"].value == "Mã"


def test_set_formula(xl_remote: Any, tmp_path: Path) -> None:
    def ops(book: Any) -> None:
        s = book.sheets["S"]
        s["F1"].formula = "=1+1"
        s["G1:G3"].formula = "=A1*2"

    wb, _ = run(tmp_path, ops)
    ws = wb["S"]
    assert [ws["F1"].value, ws["G1"].value, ws["G2"].value, ws["G3"].value] == [
        "=1+1",
        "=A1*2",
        "=A2*2",
        "=A3*2",
    ]


def test_clear_contents_keeps_formats(xl_remote: Any, tmp_path: Path) -> None:
    def ops(book: Any) -> None:
        s = book.sheets["S"]
        s["C2"].number_format = "dd/mm/yyyy"
        s["A2:C2"].clear_contents()
        book.sheets["T"].clear_contents()

    wb, result = run(tmp_path, ops)
    ws = wb["S"]
    assert [a["func"] for a in result.actions] == [
        "setNumberFormat",
        "rangeClearContents",
        "sheetClearContents",
    ]
    assert [c.value for c in ws[2][:3]] == [None, None, None]
    assert ws["C2"].number_format == "dd/mm/yyyy"
    assert ws["A3"].value == 2.5
    assert wb["T"]["A1"].value is None


def test_clear_removes_formats(xl_remote: Any, tmp_path: Path) -> None:
    def ops(book: Any) -> None:
        s = book.sheets["S"]
        s["A1"].color = (255, 0, 0)
        s["A1:B1"].clear()

    wb, _ = run(tmp_path, ops)
    ws = wb["S"]
    assert ws["A1"].value is None
    assert ws["A1"].fill.fill_type is None


def test_sheets_add_rename_delete_activate(xl_remote: Any, tmp_path: Path) -> None:
    def ops(book: Any) -> None:
        new = book.sheets.add("Mới", after=book.sheets["S"])
        new["A1"].value = "ở trang mới"
        book.sheets["T"].name = "T2"
        book.sheets.add("Bỏ")
        book.sheets["Bỏ"].delete()
        book.sheets["S"].activate()

    wb, result = run(tmp_path, ops)
    assert [a["func"] for a in result.actions] == [
        "addSheet",
        "setValues",
        "setSheetName",
        "addSheet",
        "sheetDelete",
        "activateSheet",
    ]
    assert wb.sheetnames == ["S", "Mới", "T2"]
    assert wb["Mới"]["A1"].value == "ở trang mới"
    assert wb.active is not None and wb.active.title == "S"


def test_formats(xl_remote: Any, tmp_path: Path) -> None:
    def ops(book: Any) -> None:
        s = book.sheets["S"]
        s["A1:C1"].color = "#FFC000"
        s["A1:C1"].font.bold = True
        s["A1"].font.color = (255, 0, 0)
        s["A2:A3"].number_format = "0.00"
        s["B1"].wrap_text = True
        s["C1"].horizontal_alignment = "center"
        s["C1"].vertical_alignment = "top"
        s["D1:E1"].merge()
        s["B2"].column_width = 70
        s["B2"].row_height = 30

    wb, _ = run(tmp_path, ops)
    ws = wb["S"]
    assert ws["C1"].fill.start_color.rgb == "FFFFC000"
    assert ws["C1"].font.b and not ws["A2"].font.b
    assert ws["A1"].font.color.rgb == "FFFF0000"
    assert ws["A3"].number_format == "0.00"
    assert ws["B1"].alignment.wrap_text
    assert (ws["C1"].alignment.horizontal, ws["C1"].alignment.vertical) == ("center", "top")
    assert [str(r) for r in ws.merged_cells.ranges] == ["D1:E1"]
    assert ws.column_dimensions["B"].width == pytest.approx(10)
    assert ws.row_dimensions[2].height == 30


def test_hyperlink_note_freeze_validation_names(xl_remote: Any, tmp_path: Path) -> None:
    def ops(book: Any) -> None:
        s = book.sheets["S"]
        s["F2"].add_hyperlink("#'T'!A1", "Sang T", "mở trang T")
        s["F3"].add_hyperlink("https://example.org/kh365", "Văn bản")
        s["A2"].add_note("ghi chú")
        s.freeze_panes.freeze_at("A1:B1")
        s["B2:B3"].data_validation.set_list(["Đạt", "Chưa đạt"])
        book.names.add("Ten", "='S'!$B$2:$B$3")

    wb, _ = run(tmp_path, ops)
    ws = wb["S"]
    assert ws["F2"].value == "Sang T"
    assert ws["F2"].hyperlink.location == "'T'!A1"
    assert ws["F3"].hyperlink.target == "https://example.org/kh365"
    assert ws["A2"].comment.text == "ghi chú"
    assert ws.freeze_panes == "C2"
    [dv] = ws.data_validations.dataValidation
    assert (dv.type, dv.formula1, str(dv.sqref)) == ("list", '"Đạt,Chưa đạt"', "B2:B3")
    assert wb.defined_names["Ten"].attr_text == "'S'!$B$2:$B$3"


def test_alerts_are_recorded_and_the_copy_is_untouched(xl_remote: Any, tmp_path: Path) -> None:
    src = base_workbook(tmp_path / "src.xlsx")

    def ops(book: Any) -> None:
        book.app.alert("Xong.", title="Tiêu đề", mode="info")
        book.app.alert("Lần hai", title="Hai", buttons="ok_cancel")

    result = run_entry(src, ops)
    assert [(a.title, a.text, a.buttons, a.mode) for a in result.alerts] == [
        ("Tiêu đề", "Xong.", "ok", "info"),
        ("Hai", "Lần hai", "ok_cancel", ""),
    ]
    assert result.path.read_bytes() == src.read_bytes()
    with pytest.raises(AssertionError, match="expected one alert"):
        _ = result.alert


def test_unknown_action_fails_loudly(xl_remote: Any, tmp_path: Path) -> None:
    src = base_workbook(tmp_path / "src.xlsx")

    def ops(book: Any) -> None:
        book.sheets["S"]["A2"].insert("down", "format_from_left_or_above")

    with pytest.raises(UnsupportedActionError, match="rangeInsert"):
        run_entry(src, ops, dst=tmp_path / "out.xlsx")
    assert not (tmp_path / "out.xlsx").exists()
    with pytest.raises(UnsupportedActionError, match="frobnicate"):
        apply_actions([{"func": "frobnicate", "args": []}], src, tmp_path / "out.xlsx")


def test_every_supported_action_is_one_the_engine_emits() -> None:
    """Guards against typos: the names come from the installed engine's source."""
    import importlib.util

    spec = importlib.util.find_spec("xlwings.pro._xlremote")
    assert spec is not None and spec.origin is not None
    source = Path(spec.origin).read_text(encoding="utf-8")
    emitted = set(re.findall(r'func="([A-Za-z]+)"', source))
    assert SUPPORTED_ACTIONS - emitted == set()


def test_xlsm_keeps_its_vba_and_ribbon(xl_remote: Any, tmp_path: Path) -> None:
    from kehoach.workbook.xlsm import package_problems, ribbon_xml, vba_modules
    from plan_workbooks import build_layout_xlsm

    src = build_layout_xlsm(tmp_path / "k.xlsm")

    def ops(book: Any) -> None:
        book.sheets[0]["B1"].value = "ghi"

    result = run_entry(src, ops)
    wb = openpyxl.load_workbook(result.path, keep_vba=True)
    assert wb.worksheets[0]["B1"].value == "ghi"
    assert package_problems(result.path, reference=src) == []
    assert ribbon_xml(result.path) == ribbon_xml(src)
    assert vba_modules(result.path) == vba_modules(src)
