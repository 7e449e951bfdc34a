"""Edits as data: the openpyxl applier and the xlwings applier give the same workbook; text is
written as text by both (Excel would read "0123" as a number, "2023-09-30" as a date, drop a
leading apostrophe)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from kehoach import xl
from kehoach.sheets.edits import ClearRows, EnsureSheet, Fill, Link, WriteValues, apply_to_workbook
from kehoach.workbook.xlsm import save_xlsm
from xlharness import cell_link, run_entry, shown

EDITS = [
    EnsureSheet("Thử"),
    WriteValues(
        "Thử",
        "A1",
        [
            ["Tiêu đề", None],
            ["=1+1", 2.5],
            ["- gạch đầu dòng", "@x"],
            ["0123", "2023-09-30"],
            ["'trích dẫn", "TRUE"],
        ],
    ),
    # A link's column cleared with its formats first, as the check rewrites its links: the
    # button's link is a formula, and xlwings' remote engine cannot delete a hyperlink of an
    # earlier run otherwise (in Excel, ClearRows deletes them).
    ClearRows("Thử", 1, True, 3, 3),
    Link("Thử", "C1", "'PL2'!F12", "Tới PL2"),
    Fill("PL2", "F12", "FFC7CE"),
    Fill("PL2", "A4", None),
    WriteValues("PL4", "Q4", [["a"], ["b"], ["c"]]),
    ClearRows("PL4", 5),
    WriteValues("Thử", "A6", [["giữ", "xóa", "giữ"]]),
    ClearRows("Thử", 6, first_column=2, last_column=2),
]


def snapshot(path: Path) -> dict[str, Any]:
    wb = load_workbook(path)
    ws = wb["Thử"]
    return {
        "values": [[shown(c) for c in row] for row in ws.iter_rows(max_row=5, max_col=3)],
        "types": [ws["A2"].data_type, ws["A3"].data_type, ws["B3"].data_type],
        # a hyperlink from openpyxl, a HYPERLINK formula from the button
        "link": cell_link(ws["C1"]),
        "fill": wb["PL2"]["F12"].fill.fgColor.rgb[-6:],
        "unfilled": wb["PL2"]["A4"].fill.fill_type,
        "q4": wb["PL4"]["Q4"].value,
        "q5": wb["PL4"]["Q5"].value,
        "pl4_a5": wb["PL4"]["A5"].value,
        "row6": [c.value for c in ws[6][:3]],
    }


def test_both_appliers_give_the_same_workbook(master_xlsm: Path, xl_remote: Any) -> None:
    wb = load_workbook(master_xlsm, keep_vba=True)
    apply_to_workbook(wb, EDITS)
    save_xlsm(wb, master_xlsm)
    by_openpyxl = snapshot(master_xlsm)

    assert by_openpyxl["row6"] == ["giữ", None, "giữ"]
    result = run_entry(master_xlsm, lambda book: xl.apply_edits(book, EDITS))
    by_xlwings = snapshot(result.path)

    assert by_openpyxl["values"] == [
        ["Tiêu đề", None, "Tới PL2"],
        ["=1+1", 2.5, None],
        ["- gạch đầu dòng", "@x", None],
        ["0123", "2023-09-30", None],
        ["'trích dẫn", "TRUE", None],
    ]
    assert by_openpyxl["types"] == ["s", "s", "s"]  # text that looks like a formula stays text
    assert by_openpyxl["link"] == ("'PL2'!F12", "Tới PL2")
    assert by_openpyxl["fill"] == "FFC7CE"
    assert by_openpyxl["unfilled"] is None
    assert (by_openpyxl["q4"], by_openpyxl["q5"], by_openpyxl["pl4_a5"]) == ("a", None, None)
    assert by_xlwings == by_openpyxl


def test_ensure_sheet_puts_a_new_sheet_in_its_place_of_the_workflow() -> None:
    wb = Workbook()
    wb.active.title = "Giới thiệu"
    for name in ("PL1", "KiemTra", "Quy tắc", "DanhBaGoc"):
        wb.create_sheet(name)
    wb["DanhBaGoc"].sheet_state = "hidden"
    wb.create_sheet("_khoa").sheet_state = "veryHidden"
    apply_to_workbook(
        wb,
        [
            EnsureSheet("Tệp gửi cơ quan"),
            EnsureSheet("TongHop"),
            EnsureSheet("Trang của tôi"),
            EnsureSheet("LichSu"),
            EnsureSheet("TongHop"),  # already there: stays where it is
        ],
    )
    assert wb.sheetnames == [
        "Giới thiệu",
        "TongHop",
        "PL1",
        "KiemTra",
        "Tệp gửi cơ quan",
        "Trang của tôi",
        "Quy tắc",
        "LichSu",
        "DanhBaGoc",
        "_khoa",
    ]
    assert wb["Tệp gửi cơ quan"].sheet_properties.tabColor.rgb.endswith("7030A0")
    assert wb["Trang của tôi"].sheet_properties.tabColor is None
    assert wb["LichSu"].sheet_properties.tabColor.rgb.endswith("A6A6A6")


def test_dates_are_date_cells_in_the_columns_format_or_dd_mm_yyyy(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "TienDo"
    ws.column_dimensions["B"].number_format = "dd/mm/yyyy hh:mm:ss"  # as the build sets it
    ws.column_dimensions["C"].number_format = "0"
    when = datetime(2023, 12, 1, 8, 30)
    apply_to_workbook(
        wb,
        [WriteValues("TienDo", "A4", [[date(2023, 9, 30), when, 80, when, datetime(2023, 9, 1)]])],
    )
    wb.save(tmp_path / "d.xlsx")
    row = load_workbook(tmp_path / "d.xlsx")["TienDo"][4]
    assert [(c.value, c.number_format) for c in row] == [
        (datetime(2023, 9, 30), "dd/mm/yyyy"),
        (when, "dd/mm/yyyy hh:mm:ss"),
        (80, "0"),
        (when, "dd/mm/yyyy hh:mm"),
        (datetime(2023, 9, 1), "dd/mm/yyyy"),
    ]


def test_written_rows_grow_in_one_pass_over_the_sheet(monkeypatch: Any) -> None:
    """Each written row grows to its wrapped text, and the sheet's extent (openpyxl counts it
    over every cell) is measured once per edit, not once per row: collecting a province writes
    hundreds of thousands of TienDo rows."""
    from openpyxl.styles import Alignment
    from openpyxl.worksheet.worksheet import Worksheet

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.column_dimensions["B"].width = 10
    for row in range(2, 402):
        ws.cell(row, 2).alignment = Alignment(wrap_text=True)
    asked: list[int] = []
    extent = Worksheet.max_column

    def counted(self: Worksheet) -> int:
        asked.append(1)
        return int(extent.fget(self))  # type: ignore[attr-defined]

    monkeypatch.setattr(Worksheet, "max_column", property(counted))
    rows = [[n, "một hai ba bốn năm sáu bảy tám" if n % 2 else "ngắn"] for n in range(400)]
    apply_to_workbook(wb, [WriteValues(ws.title, "A2", rows)])
    assert len(asked) <= 2
    heights = [ws.row_dimensions[r].height for r in range(2, 402)]
    assert heights[0] is None and heights[1] is not None and heights[1] > 15
    assert heights[1::2] == [heights[1]] * 200


def test_a_row_grows_to_every_wrapped_text_in_it_and_new_cells_take_their_columns_style() -> None:
    """A written row grows to the tallest wrapped text of the whole row: a new cell wraps when
    its column does, and a wrapped cell beside the written block counts too. Each new cell gets
    a style of its own: the date format given to one is not given to its neighbours."""
    from openpyxl.styles import Alignment

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "TienDo"
    for letter in "BCE":
        ws.column_dimensions[letter].width = 10
    ws.column_dimensions["B"].number_format = "0"
    ws.column_dimensions["C"].alignment = Alignment(wrap_text=True)
    long = "một hai ba bốn năm sáu bảy tám chín mười mười một mười hai"
    ws["E5"] = long
    ws["E5"].alignment = Alignment(wrap_text=True)
    rows = [["x", date(2023, 9, 30), long], ["x", 7, "ngắn"], ["x", 8, "ngắn"]]
    apply_to_workbook(wb, [WriteValues("TienDo", "A4", rows)])
    heights = [ws.row_dimensions[r].height for r in (4, 5, 6)]
    assert heights[0] is not None and heights[0] >= 4 * 15  # C4 wraps as its column does
    assert heights[1] == heights[0]  # E5, beside the block, is as long
    assert heights[2] is None  # nothing wraps in row 6
    assert ws["B4"].number_format == "dd/mm/yyyy"
    assert [ws[f"B{r}"].number_format for r in (5, 6)] == ["0", "0"]
    assert ws["C5"].alignment.wrap_text and not ws["A5"].alignment.wrap_text
