"""Reading the plan back from the master workbook: round trips and damaged workbooks."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from kehoach.common.errors import WorkbookError
from kehoach.plan.model import Plan
from kehoach.plan.reader import read_plan
from kehoach.sheets import layout
from kehoach.workbook.master import new_master
from sample_plans import lines, small_plan


def saved(wb: Workbook, path: Path) -> Path:
    wb.save(path)
    return path


def reloaded(wb: Workbook) -> Workbook:
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return load_workbook(out)


def assert_same_plan(got: Plan, want: Plan) -> None:
    assert got.to_dict() == want.to_dict()
    assert lines(got) == lines(want)


# --- round trips ----------------------------------------------------------------------------


def test_round_trip_small_plan_from_a_file(tmp_path: Path) -> None:
    plan = small_plan()
    assert_same_plan(read_plan(saved(new_master(plan), tmp_path / "m.xlsx")), plan)


def test_round_trip_small_plan_from_a_workbook_in_memory() -> None:
    plan = small_plan()
    assert_same_plan(read_plan(new_master(plan)), plan)
    assert_same_plan(read_plan(reloaded(new_master(plan))), plan)


def test_round_trip_keeps_the_shapes_that_matter() -> None:
    got = read_plan(reloaded(new_master(small_plan())))
    pl1, pl3 = got.appendix("PL1"), got.appendix("PL3")
    c12 = pl1.criteria[1]
    assert c12.survey and c12.inherited == ["target_text"]
    assert [(v.field, v.value, v.line) for v in c12.variants] == [
        ("name", "Công tác kiểm tra cải cách hành chính", 14),
        ("target_text", "Hoàn thành 100%: đúng hạn", 14),
    ]
    assert [(v.field, v.value) for v in pl1.criteria[3].variants] == [
        ("target", "0,75"),
        ("max", "1,00"),
    ]
    both = pl1.criteria[2]
    assert (both.target, both.target_text) == (1.5, "Xử lý 100% văn bản")
    assert pl1.criteria[0].tasks[1].text == "=Tổng hợp kết quả"
    assert pl1.criteria[0].tasks[0].text == "Theo dõi, đôn đốc\nthực hiện kế hoạch"
    assert c12.tasks[0].misplaced == ["lead", "timeline"]
    assert [(s.id, s.group, s.group_title) for s in pl3.sections] == [
        ("I.1", "I", "NHÓM TIÊU CHÍ XÂY DỰNG CHÍNH SÁCH"),
        ("I.2", "I", "NHÓM TIÊU CHÍ XÂY DỰNG CHÍNH SÁCH"),
        ("II.1", "II", "NHÓM TIÊU CHÍ CUNG ỨNG DỊCH VỤ HÀNH CHÍNH CÔNG"),
    ]
    assert got.appendix("PL4").total.to_dict() == {
        "max": 80.0,
        "score_base": 42.41,
        "target": 58.57,
    }
    assert isinstance(got.appendix("PL4").total.max, float)
    assert got.date == "2023-06-08"


def test_round_trip_real_plan(tmp_path: Path) -> None:
    from kehoach.plan.importer import load_default_plan

    plan = load_default_plan()
    got = read_plan(saved(new_master(plan), tmp_path / "m.xlsx"))
    assert got.to_dict()["plan"] == plan.to_dict()["plan"]
    for want_a, got_a in zip(plan.appendices, got.appendices, strict=True):
        assert got_a.to_dict() | {"sections": None} == want_a.to_dict() | {"sections": None}
        assert [s.to_dict() | {"criteria": None} for s in got_a.sections] == [
            s.to_dict() | {"criteria": None} for s in want_a.sections
        ]
        for want_c, got_c in zip(want_a.criteria, got_a.criteria, strict=True):
            assert got_c.to_dict() == want_c.to_dict(), want_c.id
    assert [t.to_dict() for *_, t in got.iter_tasks()] == [
        t.to_dict() for *_, t in plan.iter_tasks()
    ]
    assert_same_plan(got, plan)


def test_read_plan_of_an_xlsm_built_by_the_packager(master_xlsm: Path) -> None:
    from kehoach.plan.importer import load_default_plan

    assert_same_plan(read_plan(master_xlsm), load_default_plan())


def test_values_a_user_typed_as_numbers_read_as_text() -> None:
    wb = new_master(small_plan())
    wb["PL1"]["B5"] = 1  # TT typed as a number
    wb["PL1"]["P5"] = 11.0
    got = read_plan(wb)
    assert got.appendix("PL1").criteria[0].tt == "1"
    assert got.appendix("PL1").criteria[0].line == 11


def test_blank_rows_are_skipped() -> None:
    wb = new_master(small_plan())
    wb["PL1"].insert_rows(6)
    wb["Nhiệm vụ"].insert_rows(5, amount=2)
    assert_same_plan(read_plan(wb), small_plan())


# Text as a cell can hold it: XML 1.0 has no control characters but tab and newline.
cell_text = st.text(
    st.characters(blacklist_categories=("Cc", "Cs")) | st.sampled_from(["\n", "\t", " ", "="]),
    max_size=30,
)


@settings(max_examples=60, deadline=None)
@given(task_text=cell_text, lead=cell_text, name=cell_text, tt=cell_text, target_text=cell_text)
def test_round_trip_any_text(
    task_text: str, lead: str, name: str, tt: str, target_text: str
) -> None:
    plan = small_plan()
    criterion = plan.appendices[0].criteria[0]
    criterion.name, criterion.tt, criterion.target_text = name, tt, target_text
    criterion.tasks[0].text, criterion.tasks[0].lead = task_text, lead
    assert_same_plan(read_plan(reloaded(new_master(plan))), plan)


# --- damaged workbooks ----------------------------------------------------------------------


def rename_sheet(wb: Workbook) -> None:
    wb["PL2"].title = "Phụ lục 2"


def delete_tasks_sheet(wb: Workbook) -> None:
    del wb["Nhiệm vụ"]


def move_header_row(wb: Workbook) -> None:
    wb["PL1"].insert_rows(1)


def change_header(wb: Workbook) -> None:
    wb["Nhiệm vụ"]["G3"] = "Chủ trì"


def empty_sheet(wb: Workbook) -> None:
    ws = wb["PL3"]
    ws.delete_rows(1, ws.max_row)


def no_data_rows(wb: Workbook) -> None:
    ws = wb["PL4"]
    ws.delete_rows(4, ws.max_row)


def text_in_number_cell(wb: Workbook) -> None:
    wb["PL1"]["E5"] = "hai điểm"


def text_in_total(wb: Workbook) -> None:
    wb["PL4"]["F4"] = "42,41"


def _task_cell(key: str, row: int) -> str:
    return f"{layout.column_letter(layout.TASK_COLUMNS, key)}{row}"


def text_in_line_cell(wb: Workbook) -> None:
    wb["Nhiệm vụ"][_task_cell("line", 6)] = "dòng 13"


def unknown_criterion(wb: Workbook) -> None:
    wb["Nhiệm vụ"]["C5"] = "PL1-TC-9.9"


def criterion_of_another_appendix(wb: Workbook) -> None:
    wb["Nhiệm vụ"]["B4"] = "PL2"


def _cell(appendix: str, key: str, row: int) -> str:
    return f"{layout.column_letter(layout.APPENDIX_COLUMNS[appendix], key)}{row}"


def unknown_kind(wb: Workbook) -> None:
    wb["PL2"][_cell("PL2", "kind", 5)] = "Tiêu chuẩn"


def bad_survey_mark(wb: Workbook) -> None:
    wb["PL1"]["H5"] = "có"


def bad_inherited_label(wb: Workbook) -> None:
    wb["Nhiệm vụ"][_task_cell("inherited", 5)] = "chủ trì; phối hợp"


def bad_variant(wb: Workbook) -> None:
    wb["PL1"][_cell("PL1", "variants", 7)] = "tên: Công tác kiểm tra"


def duplicate_task_id(wb: Workbook) -> None:
    wb["Nhiệm vụ"]["A5"] = "PL1-TC-1.1/1"


def duplicate_criterion_id(wb: Workbook) -> None:
    wb["PL1"]["A7"] = "PL1-TC-1.1"


def criterion_before_section(wb: Workbook) -> None:
    wb["PL1"][_cell("PL1", "kind", 4)] = "Tiêu chí"


def section_id_without_prefix(wb: Workbook) -> None:
    wb["PL4"]["A5"] = "1"


def missing_plan_name(wb: Workbook) -> None:
    del wb.defined_names["KH_SoKeHoach"]


DAMAGE: list[tuple[Callable[[Workbook], None], str | None, str | None, str]] = [
    # (damage, sheet named, cell named, words of the message)
    (rename_sheet, "PL2", None, "Thiếu trang tính"),
    (delete_tasks_sheet, "Nhiệm vụ", None, "Thiếu trang tính"),
    (move_header_row, "PL1", "A3", "tiêu đề cột phải là «Mã định danh»"),
    (change_header, "Nhiệm vụ", "G3", "«Cơ quan chủ trì (như văn bản)»"),
    (empty_sheet, "PL3", "A3", "tiêu đề cột"),
    (no_data_rows, "PL4", "A4", "không có dòng dữ liệu"),
    (text_in_number_cell, "PL1", "E5", "phải là số, đang là «hai điểm»"),
    (text_in_total, "PL4", "F4", "«Điểm đạt được năm 2022» phải là số"),
    (text_in_line_cell, "Nhiệm vụ", _task_cell("line", 6), "«Dòng trong văn bản» phải là số"),
    (unknown_criterion, "Nhiệm vụ", "C5", "Không có tiêu chí «PL1-TC-9.9»"),
    (criterion_of_another_appendix, "Nhiệm vụ", "C4", "trong phụ lục «PL2»"),
    (unknown_kind, "PL2", _cell("PL2", "kind", 5), "Loại dòng «Tiêu chuẩn»"),
    (bad_survey_mark, "PL1", "H5", "Điều tra XHH"),
    (bad_inherited_label, "Nhiệm vụ", _task_cell("inherited", 5), "Nhãn «chủ trì; phối hợp»"),
    (bad_variant, "PL1", _cell("PL1", "variants", 7), "nhãn: giá trị (dòng N)"),
    (duplicate_task_id, "Nhiệm vụ", "A5", "trùng với ô A4"),
    (duplicate_criterion_id, "PL1", "A7", "trùng với ô A5"),
    (criterion_before_section, "PL1", "A4", "trước mọi dòng lĩnh vực"),
    (section_id_without_prefix, "PL4", "A5", "phải bắt đầu bằng «PL4-»"),
    (missing_plan_name, "Giới thiệu", None, "Thiếu tên 'KH_SoKeHoach' chỉ tới ô số hiệu của"),
]


@pytest.mark.parametrize(
    ("damage", "sheet", "cell", "words"), DAMAGE, ids=[d[0].__name__ for d in DAMAGE]
)
def test_damaged_workbook(
    tmp_path: Path,
    damage: Callable[[Workbook], None],
    sheet: str | None,
    cell: str | None,
    words: str,
) -> None:
    wb = reloaded(new_master(small_plan()))
    damage(wb)
    path = saved(wb, tmp_path / "hong.xlsx")
    with pytest.raises(WorkbookError) as err:
        read_plan(path)
    message = str(err.value)
    assert words in message
    assert str(path) in message
    if sheet is not None:
        assert f"'{sheet}'" in message
    if cell is not None:
        assert f"ô {cell}" in message
    if err.value.cell is not None:
        assert err.value.sheet is not None and err.value.file == str(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(WorkbookError, match="Không tìm thấy tệp") as err:
        read_plan(tmp_path / "khong-co.xlsm")
    assert "khong-co.xlsm" in str(err.value)


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "ke-hoach.xlsx"
    path.write_text("không phải workbook", encoding="utf-8")
    with pytest.raises(WorkbookError, match="Không mở được tệp") as err:
        read_plan(path)
    assert "ke-hoach.xlsx" in str(err.value)
