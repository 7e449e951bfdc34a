"""The master workbook's sheets, checked by meaning: values at addresses, formats, views, print."""

from __future__ import annotations

import io
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from kehoach.common.errors import BuildError
from kehoach.common.planyears import PlanYears
from kehoach.common.resources import templates_dir
from kehoach.plan.timelines import parse_timeline
from kehoach.sheets import layout
from kehoach.sheets.geometry import header_height, header_lines, wrapped_lines
from kehoach.sheets.spec import DATE_FORMAT
from kehoach.workbook import master
from kehoach.workbook.master import date_text, fill_master, new_master, render_cover
from sample_plans import small_plan

BUTTONS = [
    ("Kiểm tra cài đặt", "Hiện phiên bản Python, xlwings, kehoach"),
    ("Xuất kế hoạch", "Ghi kế hoạch ra JSON"),
]


@pytest.fixture(scope="module")
def wb() -> Workbook:
    """Built, saved and loaded again, so the checks see what a file holds."""
    out = io.BytesIO()
    new_master(small_plan(), BUTTONS).save(out)
    out.seek(0)
    return load_workbook(out)


def row_values(ws: Worksheet, row: int) -> list[Any]:
    return [c.value for c in ws[row]]


def plan_values(ws: Worksheet, row: int) -> list[Any]:
    """The row without the gap columns (kehoach.gaps.sheet fills those; tested in test_gaps*)."""
    columns = layout.APPENDIX_COLUMNS[ws.title]
    return [ws.cell(row, i).value for i, c in enumerate(columns, 1) if c.key not in layout.GAP_KEYS]


def col_of(ws: Worksheet, key: str) -> str:
    return layout.column_letter(layout.APPENDIX_COLUMNS[ws.title], key)


def cover_rows(ws: Worksheet) -> list[tuple[Any, Any]]:
    return [(ws.cell(r, 2).value, ws.cell(r, 3).value) for r in range(1, ws.max_row + 1)]


# --- sheets ---------------------------------------------------------------------------------


def test_sheets_in_order(wb: Workbook) -> None:
    # The officials' workflow: read, the plan, agencies, analyses, rounds, then rarely used;
    # hidden last. Tabs coloured by kind.
    assert wb.sheetnames == [
        "Giới thiệu",
        "TongHop",
        "PL1",
        "PL2",
        "PL3",
        "PL4",
        "Nhiệm vụ",
        "Danh bạ cơ quan",
        "Cơ quan chưa xác định",
        "Chênh lệch",
        "KiemTra",
        "TienDo",
        "ThuThap",
        "NhatKyGui",
        "Quy tắc",
        "Cài đặt",
        "LichSu",
        "DanhBaGoc",
    ]
    assert wb["DanhBaGoc"].sheet_state == "hidden"
    assert wb.active.title == "Giới thiệu"
    tabs = {ws.title: ws.sheet_properties.tabColor.rgb[-6:] for ws in wb.worksheets}
    assert tabs["Giới thiệu"] == tabs["TongHop"] == "1F4E78"
    assert {tabs[f"PL{i}"] for i in range(1, 5)} == {tabs["Nhiệm vụ"]} == {"5B9BD5"}
    assert tabs["Quy tắc"] == tabs["Cài đặt"] == tabs["LichSu"] == "A6A6A6"
    assert len(set(tabs.values())) == 6


def test_every_font_and_style_is_times_new_roman() -> None:
    out = io.BytesIO()
    new_master(small_plan(), BUTTONS).save(out)
    styles = ET.fromstring(zipfile.ZipFile(out).read("xl/styles.xml"))
    ns = {"s": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    fonts = styles.findall("s:fonts/s:font", ns)
    assert fonts
    names = [f.find("s:name", ns) for f in fonts]
    assert [n.get("val") if n is not None else None for n in names] == ["Times New Roman"] * len(
        fonts
    )
    assert all(f.find("s:scheme", ns) is None for f in fonts)
    assert all(f.find("s:sz", ns) is not None for f in fonts)
    # The default font (the Normal style's) is the first.
    normal = styles.find("s:cellStyleXfs/s:xf", ns)
    assert normal is not None and normal.get("fontId") == "0"


def test_progress_sheets_are_laid_out_and_empty(wb: Workbook) -> None:
    from kehoach.sheets import progress_layout as pl

    for name, columns, title in (
        (pl.PROGRESS_SHEET, pl.PROGRESS_COLUMNS, pl.PROGRESS_TITLE),
        (pl.HISTORY_SHEET, pl.HISTORY_COLUMNS, pl.HISTORY_TITLE),
        (pl.INTAKE_SHEET, pl.INTAKE_COLUMNS, pl.INTAKE_TITLE),
    ):
        ws = wb[name]
        assert ws["A1"].value == title
        assert [c.value for c in ws[pl.HEADER_ROW]] == [c.header for c in columns]
        assert ws.max_row == pl.HEADER_ROW, name
        assert ws.freeze_panes == f"A{pl.FIRST_DATA_ROW}"
        assert ws.page_setup.orientation == "landscape"
    ws = wb[pl.INTAKE_SHEET]
    assert ws[pl.FOLDER_LABEL_CELL].value == pl.FOLDER_LABEL and ws[pl.FOLDER_CELL].value is None
    assert ws[pl.RUN_NOTE_CELL].value == pl.INTAKE_NOT_RUN
    assert wb.defined_names[pl.FOLDER_NAME].attr_text == "'ThuThap'!$B$2"
    date_col = [c.key for c in pl.PROGRESS_COLUMNS].index("report_date") + 1
    letter = chr(ord("A") + date_col - 1)
    assert wb[pl.PROGRESS_SHEET].column_dimensions[letter].number_format == DATE_FORMAT


def test_check_sheet_is_ready_before_the_first_check(wb: Workbook) -> None:
    ws = wb["KiemTra"]
    assert ws["A1"].value == layout.CHECK_TITLE
    assert "Kiểm tra dữ liệu" in ws["A2"].value
    assert [ws.cell(3, i).value for i in range(1, 9)] == [c.header for c in layout.CHECK_COLUMNS]
    assert ws["A3"].font.b
    assert ws.column_dimensions["G"].width == 60
    # The findings the button writes wrap their message and what the rule checks.
    assert ws.column_dimensions["G"].alignment.wrap_text
    assert ws.column_dimensions["H"].alignment.wrap_text
    assert not ws.column_dimensions["B"].alignment.wrap_text
    # Severity coloured with the checks' shared colours.
    rules = {
        r.formula[0]: r.dxf.fill.fgColor.rgb[-6:]
        for cf in ws.conditional_formatting
        if str(cf.sqref).startswith("B4:")
        for r in cf.rules
    }
    assert rules == {'"lỗi"': "FFC7CE", '"cảnh báo"': "FFEB9C", '"thông tin"': "DDEBF7"}
    assert ws.freeze_panes == "A4"
    assert ws.page_setup.orientation == "landscape"
    assert wb.active.title == "Giới thiệu"


def test_first_sheet_object_is_kept_as_cover() -> None:
    book = Workbook()
    first = book.worksheets[0]
    fill_master(book, small_plan())
    assert book.worksheets[0] is first
    assert first.title == layout.COVER_SHEET


def test_plan_must_have_the_four_appendices() -> None:
    plan = small_plan()
    plan.appendices = plan.appendices[:2]
    with pytest.raises(BuildError, match="PL1, PL2, PL3, PL4"):
        new_master(plan)


def test_existing_sheet_with_a_plan_name_is_refused() -> None:
    book = Workbook()
    book.create_sheet("PL2")
    with pytest.raises(BuildError, match="'PL2'"):
        fill_master(book, small_plan())


def test_cell_contents_are_deterministic() -> None:
    def cells(book: Workbook) -> list[tuple[str, str, Any, str]]:
        return [
            (ws.title, c.coordinate, c.value, c.number_format)
            for ws in book.worksheets
            for row in ws.iter_rows()
            for c in row
        ]

    assert cells(new_master(small_plan(), BUTTONS)) == cells(new_master(small_plan(), BUTTONS))


# --- cover ----------------------------------------------------------------------------------


def test_date_text() -> None:
    assert date_text("2023-06-08") == "08/6/2023"
    assert date_text("2023-12-31") == "31/12/2023"
    assert date_text("không rõ") == "không rõ"


def test_cover_plan_header_in_named_cells(wb: Workbook) -> None:
    ws = wb["Giới thiệu"]
    found = {}
    for key, name in layout.PLAN_NAMES.items():
        ((sheet, ref),) = wb.defined_names[name].destinations
        assert sheet == "Giới thiệu"
        found[key] = ws[ref.replace("$", "")].value
    assert found == {
        "number": "365/KH-UBND",
        "date": "08/6/2023",
        "issuer": "UBND tỉnh Bắc Kạn",
        "title": "Khắc phục những tồn tại, hạn chế các chỉ số năm 2022",
    }
    labels = {b: c for b, c in cover_rows(ws)}
    assert labels["Số kế hoạch"] == "365/KH-UBND"
    assert labels["Ngày ban hành"] == "08/6/2023"


def test_cover_title_and_sheet_descriptions(wb: Workbook) -> None:
    ws = wb["Giới thiệu"]
    assert ws["B1"].value == "Kế hoạch số 365/KH-UBND: theo dõi thực hiện"
    assert ws["B1"].font.b and ws["B1"].font.sz == 16
    labels = [b for b, _ in cover_rows(ws)]
    for name in wb.sheetnames:
        if wb[name].sheet_state == "visible":
            assert name in labels, name
    descriptions = {b: c for b, c in cover_rows(ws)}
    assert descriptions["PL3"].startswith("Phụ lục 3. CHỈ SỐ HÀI LÒNG.")


def test_cover_lists_the_buttons(wb: Workbook) -> None:
    rows = cover_rows(wb["Giới thiệu"])
    heading = rows.index(('Các nút trên tab "Kế hoạch CCHC"', None))
    assert rows[heading + 1 : heading + 3] == BUTTONS


def test_cover_without_buttons_says_so() -> None:
    ws = new_master(small_plan())["Giới thiệu"]
    assert (None, "Chưa có nút nào.") in cover_rows(ws)


def test_cover_macro_box_is_visible_and_complete(wb: Workbook) -> None:
    ws = wb["Giới thiệu"]
    boxed = [r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).fill.fgColor.rgb == "00FFF2CC"]
    assert boxed == list(range(boxed[0], boxed[-1] + 1)), "one box"
    assert boxed[0] <= 3, "near the top of the cover"
    text = "\n".join(f"{ws.cell(r, 2).value} {ws.cell(r, 3).value}" for r in boxed)
    for needed in ("macro", "Unblock", "Mark of the Web", "Trusted Location", "Enable Content"):
        assert needed in text
    assert "Python" in text and "HUONG-DAN-IT" in text and "Kiểm tra cài đặt" in text
    top, bottom = ws.cell(boxed[0], 2), ws.cell(boxed[-1], 3)
    assert top.border.top.style == "medium" and top.border.left.style == "medium"
    assert bottom.border.bottom.style == "medium" and bottom.border.right.style == "medium"
    assert ws.cell(boxed[0], 2).font.color.rgb == "00C00000"


def test_cover_view_and_print(wb: Workbook) -> None:
    ws = wb["Giới thiệu"]
    assert ws.sheet_view.showGridLines is False
    assert ws.column_dimensions["C"].width == 88  # A4 portrait at 9 pt or more
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.page_setup.orientation == "portrait"


def test_cover_template_is_required(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match="Không đọc được mẫu") as err:
        new_master(small_plan(), templates=tmp_path)
    assert "gioi-thieu.txt" in str(err.value)


def test_cover_template_must_keep_plan_header_lines(tmp_path: Path) -> None:
    source = (templates_dir() / "gioi-thieu.txt").read_text(encoding="utf-8")
    (tmp_path / "gioi-thieu.txt").write_text(
        source.replace("@number Số kế hoạch\n", ""), encoding="utf-8"
    )
    with pytest.raises(BuildError, match="@number"):
        new_master(small_plan(), templates=tmp_path)


def test_cover_template_unknown_field_leaves_the_workbook_alone(tmp_path: Path) -> None:
    source = (templates_dir() / "gioi-thieu.txt").read_text(encoding="utf-8")
    (tmp_path / "gioi-thieu.txt").write_text(source + "@signer Người ký\n", encoding="utf-8")
    book = Workbook()
    with pytest.raises(BuildError, match="@signer"):
        fill_master(book, small_plan(), templates=tmp_path)
    assert book.sheetnames == ["Sheet"]


def test_cover_template_errors_name_the_file(tmp_path: Path) -> None:
    (tmp_path / "gioi-thieu.txt").write_text("# {{ plan.nothing_here }}\n", encoding="utf-8")
    with pytest.raises(BuildError, match=r"gioi-thieu\.txt"):
        new_master(small_plan(), templates=tmp_path)


def test_render_cover_line_kinds() -> None:
    lines = render_cover(templates_dir() / "gioi-thieu.txt", small_plan(), BUTTONS)
    assert {line.style for line in lines} >= {"title", "heading", "field", "pair", "blank"}
    boxed = [line for line in lines if line.boxed]
    assert boxed[0].style == "title" and all(line.style == "pair" for line in boxed[1:])
    assert [line.text for line in lines if line.style == "field"] == [
        "number",
        "date",
        "issuer",
        "title",
    ]


# --- appendix sheets ------------------------------------------------------------------------


def test_appendix_heading_rows(wb: Workbook) -> None:
    ws = wb["PL1"]
    assert ws["A1"].value == "Phụ lục 1. MỤC TIÊU DUY TRÌ"
    assert ws["A1"].font.b
    assert (
        ws["A2"].value == "(Kèm theo Kế hoạch số 365/KH-UBND ngày 08/6/2023 của UBND tỉnh Bắc Kạn)"
    )
    assert row_values(ws, 3) == [
        c.text(PlanYears(2022, 2023)) for c in layout.APPENDIX_COLUMNS["PL1"]
    ]
    assert ws["E3"].value == "Điểm tối đa" and wb["PL3"]["E3"].value == "Tỷ lệ tối đa (%)"
    assert ws["A3"].font.b and ws["A3"].alignment.wrap_text


def test_appendix_pl1_rows(wb: Workbook) -> None:
    ws = wb["PL1"]
    # A id, B TT, C code, D name, E max, F 2022, G target, H survey, I task, J lead,
    # K coordinating, L timeline, (gap columns), kind, inherited, variants, line
    assert plan_values(ws, 4) == [
        "PL1-I", "I", None, "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", None, None, None, None,
        None, None, None, None, "Lĩnh vực", None, None, 10,
    ]  # fmt: skip
    assert plan_values(ws, 5) == [
        "PL1-TC-1.1", "1", "TC 1.1", "Thực hiện kế hoạch CCHC", 1.5, None,
        "100% nhiệm vụ được hoàn thành", None, "Theo dõi, đôn đốc\nthực hiện kế hoạch",
        "Sở Nội vụ", "Các sở, ban, ngành; UBND cấp huyện", "Năm 2023", "Tiêu chí",
        None, None, 11,
    ]  # fmt: skip
    assert plan_values(ws, 6) == [
        "PL1-TC-1.1/2", None, None, None, None, None, None, None, "=Tổng hợp kết quả",
        "Sở Nội vụ", "Các sở, ban, ngành; UBND cấp huyện", "Tháng 12/2023", "Nhiệm vụ",
        None, None, 12,
    ]  # fmt: skip
    assert ws["I6"].data_type == "s", "text starting with '=' is not a formula"
    assert ws["H7"].value == "x"
    assert ws[f"{col_of(ws, 'inherited')}7"].value == "mục tiêu"
    assert ws[f"{col_of(ws, 'variants')}7"].value == (
        "tên tiêu chí: Công tác kiểm tra cải cách hành chính (dòng 14)\n"
        "mục tiêu: Hoàn thành 100%: đúng hạn (dòng 14)"
    )
    assert [ws[f"A{r}"].value for r in range(8, 11)] == ["PL1-II", "PL1-TC-2.3", "PL1-TC-2.4"]
    assert ws["G9"].value == 1.5 and ws["G9"].comment.text == "Xử lý 100% văn bản"
    assert (
        ws[f"{col_of(ws, 'variants')}10"].value
        == "mục tiêu (số): 0,75 (dòng 23)\nđiểm tối đa: 1,00 (dòng 23)"
    )
    assert ws.max_row == 10


def test_appendix_pl3_totals_groups_sections(wb: Workbook) -> None:
    ws = wb["PL3"]
    ids = [ws[f"A{r}"].value for r in range(4, ws.max_row + 1)]
    kinds = [ws[f"{col_of(ws, 'kind')}{r}"].value for r in range(4, ws.max_row + 1)]
    assert ids == [
        "PL3", "PL3-I", "PL3-I.1", "PL3-I-1.1", "PL3-I.2", "PL3-II", "PL3-II.1", "PL3-II-1.1",
    ]  # fmt: skip
    assert kinds == [
        "Tổng", "Nhóm tiêu chí", "Lĩnh vực", "Tiêu chí", "Lĩnh vực", "Nhóm tiêu chí",
        "Lĩnh vực", "Tiêu chí",
    ]  # fmt: skip
    assert [ws["D4"].value, ws["E4"].value, ws["F4"].value, ws["G4"].value] == [
        "Tổng", 100, 75.24, 85.24,
    ]  # fmt: skip
    assert [ws["B5"].value, ws["D5"].value] == ["I", "NHÓM TIÊU CHÍ XÂY DỰNG CHÍNH SÁCH"]
    assert [ws["B6"].value, ws["D6"].value, ws["F6"].value] == [
        "1",
        "Trách nhiệm giải trình",
        76.15,
    ]


def test_appendix_pl4_totals_first(wb: Workbook) -> None:
    ws = wb["PL4"]
    assert [ws["A4"].value, ws["E4"].value, ws["F4"].value, ws["G4"].value] == [
        "PL4", 80, 42.41, 58.57,
    ]  # fmt: skip
    assert ws["A5"].value == "PL4-1" and ws["G5"].value == 9.63


def test_pl1_pl2_have_no_totals_row(wb: Workbook) -> None:
    assert wb["PL1"]["A4"].value == "PL1-I"
    assert wb["PL2"]["A4"].value == "PL2-VII"


def test_number_formats_have_the_plans_decimals(wb: Workbook) -> None:
    assert wb["PL1"]["E5"].number_format == "0.00"
    assert wb["PL2"]["F5"].number_format == "0.0000"
    assert wb["PL2"]["F6"].value == 0.1234
    assert wb["PL3"]["G7"].number_format == "0.00"
    assert wb["PL4"]["G4"].number_format == "0.00"
    assert wb["PL1"][f"{col_of(wb['PL1'], 'line')}5"].number_format == "0"
    assert wb["PL1"]["D5"].number_format == "General"


def test_section_rows_bold_and_filled(wb: Workbook) -> None:
    ws = wb["PL3"]
    for cell in ("A4", "D4", "A5", "P5", "A6", "D6"):  # total, group, section
        assert ws[cell].font.b, cell
        assert ws[cell].fill.fill_type == "solid", cell
    assert not ws["A7"].font.b and ws["A7"].fill.fill_type is None  # criterion
    assert {ws["A4"].fill.fgColor.rgb, ws["A5"].fill.fgColor.rgb, ws["A6"].fill.fgColor.rgb} == {
        "00FCE4D6",
        "00BDD7EE",
        "00DDEBF7",
    }


def test_inherited_cells_are_italic_grey(wb: Workbook) -> None:
    ws = wb["PL1"]
    for cell in ("J6", "K6", "G7"):  # task lead/coordinating, criterion target words
        assert ws[cell].font.i and ws[cell].font.color.rgb == "00808080", cell
    for cell in ("I6", "L6", "J5", "G5"):
        assert not ws[cell].font.i, cell


@pytest.mark.parametrize("sheet", ["PL1", "PL2", "PL3", "PL4"])
def test_appendix_view_and_print(wb: Workbook, sheet: str) -> None:
    ws = wb[sheet]
    assert ws.freeze_panes == "E4"  # below the header row, right of the name column
    last = col_of(ws, "line")
    assert ws.auto_filter.ref == f"A3:{last}{ws.max_row}"
    assert ws.print_title_rows == "$3:$3"
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    columns = layout.APPENDIX_COLUMNS[sheet]
    for col in columns:
        letter = layout.column_letter(columns, col.key)
        assert ws.column_dimensions[letter].width == col.width, letter
    assert ws.column_dimensions["D"].width == 25
    assert ws.column_dimensions["I"].width == 36
    # The gap figures and the reader's columns are folded away (outline level 1, hidden);
    # the plan's table, the typed result and "Đạt mục tiêu 2023?" stay side by side.
    folded = {
        c.key for c in columns if ws.column_dimensions[layout.column_letter(columns, c.key)].hidden
    }
    assert folded == set(layout.FOLDED_APPENDIX_KEYS) & {c.key for c in columns}
    assert {"result_target", "achieved", "kind", "line"} <= {c.key for c in columns}
    for key in folded:
        assert ws.column_dimensions[layout.column_letter(columns, key)].outline_level == 1
    # One legend in row 2: a sample cell per colour, each in the colour it explains.
    legend = {
        c.value: (c.fill.fgColor.rgb[-6:] if c.fill.fill_type else None, bool(c.font.i))
        for c in ws[2][1:]
        if c.value
    }
    assert legend == {
        "Chú thích: dòng tổng": ("FCE4D6", False),
        "Chữ nghiêng xám: giá trị lấy từ ô gộp phía trên, không ghi ở dòng này": (None, True),
        "Nhóm tiêu chí": ("BDD7EE", False),
        "Lĩnh vực": ("DDEBF7", False),
        "Đỏ: lỗi; vàng: cảnh báo": ("FFC7CE", False),
        "Ô nhập kết quả": ("FFF2CC", False),
    }
    data = ws["D5"]
    assert data.alignment.wrap_text and data.alignment.vertical == "top"
    assert data.border.left.style == "thin" and data.border.bottom.style == "thin"
    # The printout is the plan's table (A:L), not the gap or technical columns.
    assert ws.print_area == f"'{sheet}'!$A$1:$L${ws.max_row}"


def test_rows_are_tall_enough_for_their_wrapped_text(wb: Workbook) -> None:
    ws = wb["PL1"]
    for row in range(layout.FIRST_DATA_ROW, ws.max_row + 1):
        task = ws.cell(row, layout.column_index(layout.APPENDIX_COLUMNS["PL1"], "task")).value
        if task and len(task) > 200:  # at least four lines in a 60-wide column
            height = ws.row_dimensions[row].height
            assert height is not None and height >= 4 * 15, (row, height)
    short = ws.row_dimensions[layout.FIRST_DATA_ROW]  # section row "I CÔNG TÁC CHỈ ĐẠO…"
    assert short.height == 2 * 15  # its name on two lines of column D, nothing taller


def test_wrapped_lines() -> None:
    assert wrapped_lines("", 10, 1.05) == 1
    assert wrapped_lines("x" * 10, 10, 1.05) == 1
    assert wrapped_lines("x" * 11, 10, 1.05) == 2
    assert wrapped_lines("a\nb\nc", 60, 1.05) == 3


@pytest.mark.parametrize(
    ("text", "by_letters", "by_words"),
    [
        ("aaaaa bb ccccc", 2, 3),  # 7 letters a line: "aaaaa" / "bb" / "ccccc"
        ("aaa bbb ccc", 2, 2),  # "aaa bbb" fills a line exactly
        ("x" * 15, 3, 3),  # a word longer than a line breaks
        ("a\n\nb", 3, 3),  # every line break starts a line, an empty one too
    ],
)
def test_wrapped_lines_by_letters_or_whole_words(text: str, by_letters: int, by_words: int) -> None:
    assert wrapped_lines(text, 7, 1.0) == by_letters
    assert wrapped_lines(text, 7, 1.0, whole_words=True) == by_words


def test_header_lines_is_the_tallest_bold_header() -> None:
    # 9 wide: 8 units of text at 0.95 bold letters a unit, 7 letters a line.
    assert header_lines([("Mã", 10), ("Số nhiệm vụ phối hợp", 9)]) == 4  # Số/nhiệm/vụ phối/hợp
    assert header_lines([]) == 1
    assert header_height(4) == 4 * 15 + 3


# --- tasks and agencies ---------------------------------------------------------------------


def test_tasks_sheet(wb: Workbook) -> None:
    ws = wb["Nhiệm vụ"]
    assert ws["A1"].value == layout.TASKS_TITLE
    assert row_values(ws, 3) == [c.header for c in layout.TASK_COLUMNS]
    assert ws.max_row == 3 + len(small_plan().iter_tasks())
    assert row_values(ws, 5) == [
        "PL1-TC-1.1/2", "PL1", "PL1-TC-1.1", "TC 1.1", "Thực hiện kế hoạch CCHC",
        "=Tổng hợp kết quả", "Sở Nội vụ", "Các sở, ban, ngành; UBND cấp huyện",
        "SNV", "Các sở, ban, ngành: " + ", ".join(DEPARTMENTS) + "\nUBND cấp huyện: "
        + ", ".join(DISTRICTS),
        "Tháng 12/2023", "Ngày", datetime(2023, 12, 31), "chủ trì, phối hợp", None, 12,
    ]  # fmt: skip
    col = {c.key: layout.column_letter(layout.TASK_COLUMNS, c.key) for c in layout.TASK_COLUMNS}
    assert ws[f"{col['due']}5"].number_format == "dd/mm/yyyy"
    assert [ws["G6"].value, ws[f"{col['timeline']}6"].value, ws[f"{col['misplaced']}6"].value] == [
        "Thường xuyên", "Văn phòng UBND tỉnh", "chủ trì, thời gian",
    ]  # fmt: skip
    assert ws[f"{col['lead_resolved']}6"].value == "«Thường xuyên»: chưa xác định"
    # a timeline holding an agency is not read; the first task's is a period
    kind_due = [f"{col['timeline_kind']}{{}}", f"{col['due']}{{}}"]
    assert [ws[c.format(6)].value for c in kind_due] == ["Không đọc được", None]
    assert [ws[c.format(4)].value for c in kind_due] == ["Giai đoạn", datetime(2023, 12, 31)]
    assert ws["G5"].font.i and not ws["F5"].font.i
    # Frozen: task id and code (the appendix and the criterion's identifier are folded away).
    assert ws.freeze_panes == "E4"
    assert ws.auto_filter.ref == f"A3:{col['line']}{ws.max_row}"
    assert ws.print_title_rows == "$3:$3"
    assert ws.column_dimensions["F"].width == 36
    hidden = [k for k, letter in col.items() if ws.column_dimensions[letter].hidden]
    assert hidden == ["appendix", "criterion_id", "inherited", "misplaced", "line"]
    frozen = [c for c in layout.TASK_COLUMNS[:4] if c.key not in hidden]
    assert sum(c.width for c in frozen) * 7 < 1366 / 3  # px: a third of a laptop screen
    # The resolved lists do not wrap: the row is as tall as its texts, not as its lists.
    assert not ws[f"{col['coordinating_resolved']}5"].alignment.wrap_text
    assert ws[f"{col['text']}5"].alignment.wrap_text
    heights = [ws.row_dimensions[r].height or 15 for r in range(4, ws.max_row + 1)]
    assert max(heights) <= 8 * 15


DEPARTMENTS = [
    "SNV", "STP", "STC", "SKHDT", "STTTT", "SCT", "SLDTBXH", "STNMT", "SGDDT", "SYT", "SGTVT",
    "SNNPTNT", "SVHTTDL", "SXD", "SKHCN", "VPUBND", "TTRA", "BDT",
]  # fmt: skip
DISTRICTS = [
    "UBND-BACKAN", "UBND-BABE", "UBND-BACHTHONG", "UBND-CHODON", "UBND-CHOMOI", "UBND-NARI",
    "UBND-NGANSON", "UBND-PACNAM",
]  # fmt: skip


def test_directory_sheet(wb: Workbook) -> None:
    ws = wb[layout.DIRECTORY_SHEET]
    assert ws["A1"].value == layout.DIRECTORY_TITLE
    assert ws["A2"].value == layout.DIRECTORY_HINT
    assert row_values(ws, 3) == [c.header for c in layout.DIRECTORY_COLUMNS]
    assert row_values(ws, 4) == [
        "SNV", "Sở Nội vụ", "Sở, ban, ngành", None, None, None, None, None,
        "Cơ quan thường trực về CCHC của tỉnh", 4, 3,
    ]  # fmt: skip
    rows = {r[0]: r for r in (row_values(ws, n) for n in range(4, ws.max_row + 1))}
    assert rows["NHOM-XA"][6:8] == ["kind:district", "Có"]
    assert rows["NHOM-SBN"][9:] == [2, 3]  # tasks whose text names the group
    assert rows["UBND-BABE"][9:] == [3, 3]  # through "UBND cấp huyện", "UBND cấp xã"…
    assert ws["J4"].number_format == "0"
    assert ws.auto_filter.ref == f"A3:K{ws.max_row}"
    assert ws.freeze_panes == "C4"
    base = wb[layout.DIRECTORY_BASE_SHEET]
    assert [row_values(base, n)[:9] for n in range(3, base.max_row + 1)] == [
        row_values(ws, n)[:9] for n in range(3, ws.max_row + 1)
    ]


def test_unresolved_sheet(wb: Workbook) -> None:
    ws = wb[layout.UNRESOLVED_SHEET]
    assert ws["A1"].value == layout.UNRESOLVED_TITLE
    assert str(ws["A2"].value).startswith("1 tên chưa xác định, 0 nhóm cần quyết định")
    assert row_values(ws, 3) == [c.header for c in layout.UNRESOLVED_COLUMNS]
    assert row_values(ws, 4) == [
        1, "Chưa xác định", "PL1-TC-1.2/1", "TC 1.2", "chủ trì", "Thường xuyên", None,
        "'Nhiệm vụ'!G6",
    ]  # fmt: skip
    assert ws["H4"].hyperlink.location == "'Nhiệm vụ'!G6"


# --- the real plan --------------------------------------------------------------------------


def test_real_plan_sheets() -> None:
    from kehoach.plan.importer import load_default_plan

    plan = load_default_plan()
    book = new_master(plan, BUTTONS)
    for appendix in plan.appendices:
        ws = book[appendix.id]
        kinds = [ws[f"{col_of(ws, 'kind')}{r}"].value for r in range(4, ws.max_row + 1)]
        assert kinds.count("Tiêu chí") == len(appendix.criteria)
        assert kinds.count("Lĩnh vực") == len(appendix.sections)
        assert kinds.count("Tiêu chí") + kinds.count("Nhiệm vụ") == len(appendix.criteria) + sum(
            max(len(c.tasks) - 1, 0) for c in appendix.criteria
        )
        assert ws.cell(4, 1).value == (
            appendix.id if appendix.id in ("PL3", "PL4") else f"{appendix.id}-I"
        )
    assert book["PL3"]["A5"].value == "PL3-I"
    assert book["PL4"]["E4"].value == 80 and book["PL4"]["G4"].value == 58.57
    assert book["Nhiệm vụ"].max_row == 3 + len(plan.iter_tasks())
    codes = [c.value for c in book[layout.DIRECTORY_SHEET]["A"][3:]]
    assert codes[:3] == ["SNV", "STP", "STC"] and "NHOM-SBN" in codes
    unresolved = book[layout.UNRESOLVED_SHEET]
    statuses = [c.value for c in unresolved["B"][3:]]
    assert statuses == ["Cần quyết định"] * 27


# --- layering -------------------------------------------------------------------------------


def test_importing_master_and_reader_leaves_xlwings_out() -> None:
    code = (
        "import sys, kehoach.workbook.master, kehoach.plan.reader, kehoach.agencies.names; "
        "print('xlwings' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


@pytest.mark.parametrize(
    ("timeline", "value"),
    [
        ("Năm 2023", date(2023, 12, 31)),
        ("Tháng 01/2024", date(2024, 1, 31)),
        ("Từ 01/6/2023", None),  # a start is not a deadline
        ("Thường xuyên", "Hằng quý: 31/3, 30/6, 30/9, 31/12/2023"),
        (
            "Trước ngày 12 tháng cuối quý và ngày 12/12/2023",
            "Hằng quý: 12/3, 12/6, 12/9, 12/12/2023",
        ),
        ("Khi xây dựng các văn bản", None),
        ("Sở Nội vụ", None),
    ],
)
def test_due_cell(timeline: str, value: object) -> None:
    assert master.due_value(parse_timeline(timeline, 2023), 2023) == value


def test_plan_year_from_the_plans_date() -> None:
    plan = small_plan()
    assert master.plan_year(plan) == int(plan.date[:4])
    plan.date = "không rõ"
    assert master.plan_year(plan) == 2023


@pytest.mark.parametrize(
    "sheet",
    ["PL1", "PL2", "PL3", "PL4", "Nhiệm vụ", "KiemTra", "TienDo", "ThuThap", "LichSu", "Quy tắc"],
)
def test_printed_columns_fit_a_page_wide_at_a_readable_scale(wb: Workbook, sheet: str) -> None:
    from kehoach.sheets.sheetstyle import MIN_PRINTED_POINTS, effective_points

    ws = wb[sheet]
    assert ws.page_setup.paperSize == 9 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert effective_points(ws) >= MIN_PRINTED_POINTS
    assert ws.oddFooter.center.text == "Kế hoạch số 365/KH-UBND — Trang &P/&N"
    assert ws.oddFooter.left.text == "&A"
