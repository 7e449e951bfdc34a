"""The rules table: the default file, the "Quy tắc" sheet, and every way a row can be unreadable;
damaged plan sheets stop the checker with a message naming sheet and cell."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl.workbook.workbook import Workbook

from kehoach.checks.rules import RULE_PARAMS, default_rules, rule_table, rules_from_values
from kehoach.checks.run import check_workbook, run_checks
from kehoach.common.errors import BuildError, WorkbookError
from kehoach.common.planyears import PlanYears
from kehoach.sheets import layout
from kehoach.state.master import state_from_values
from sample_plans import clean_workbook, put, values_of

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "templates" / "quy-tac.tsv"


def test_default_table_is_the_rules_sheet_of_a_new_workbook() -> None:
    wb = clean_workbook()
    assert rules_from_values(state_from_values(values_of(wb))) == default_rules(
        TEMPLATE, PlanYears(2022, 2023)
    )
    ws = wb[layout.RULES_SHEET]
    assert [c.value for c in ws[layout.HEADER_ROW]] == [c.header for c in layout.RULE_COLUMNS]
    validations = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert '"Có,Không"' in validations.values()
    assert '"lỗi,cảnh báo,thông tin"' in validations.values()


def test_default_parameters_are_the_plans_targeting_rules() -> None:
    by_id = {r.id: r for r in default_rules(TEMPLATE)}
    assert by_id["MT-SIPAS"].number("muc_tieu_cong") == 10.0
    assert by_id["MT-SIPAS"].appendices("phu_luc") == ("PL3",)
    assert by_id["MT-PAPI"].number("muc_tieu_cong") == 0.5
    assert by_id["MT-PAPI"].word("cap") == "tieu_chi"
    assert by_id["MT-TOI-DA-PL2"].flag("tru_dieu_tra_xhh") is True
    assert by_id["MT-TOI-DA-PL1"].flag("tru_dieu_tra_xhh") is False
    assert by_id["PHAN-CAP"].appendices("tong") == ("PL4",)
    assert by_id["PHAN-CAP"].appendices("trung_binh") == ("PL3",)
    assert by_id["PHAN-CAP"].number("dung_sai") is None  # derived from printed decimals


def _rule_row(wb: Workbook, rule_id: str) -> int:
    ws = wb[layout.RULES_SHEET]
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == rule_id)


BAD_ROWS = [
    ("rule", "PHAN-CAPP", "A", "không có quy tắc «PHAN-CAPP»"),
    ("enabled", "có", "C", "Có hoặc Không"),
    ("severity", "nghiêm trọng", "D", "lỗi, cảnh báo, thông tin"),
    ("params", "tong=PL5", "E", "không có phụ lục «PL5»"),
    ("params", "tong PL4", "E", "tên=giá trị"),
    ("params", "tong=PL4; sai_so=1", "E", "không có tham số «sai_so»"),
    ("params", "tong=PL4; dung_sai=nửa", "E", "phải là một số"),
]


@pytest.mark.parametrize(("key", "value", "column", "text"), BAD_ROWS)
def test_an_unreadable_rules_row_names_its_cell(
    key: str, value: str, column: str, text: str
) -> None:
    wb = clean_workbook()
    row = _rule_row(wb, "PHAN-CAP")
    wb[layout.RULES_SHEET].cell(row, layout.column_index(layout.RULE_COLUMNS, key), value)
    with pytest.raises(WorkbookError) as err:
        check_workbook(state_from_values(values_of(wb), file="k.xlsm"))
    assert err.value.sheet == layout.RULES_SHEET
    assert err.value.cell == f"{column}{row}"
    assert text in str(err.value)


def test_required_parameter_missing_and_duplicate_rule() -> None:
    wb = clean_workbook()
    ws = wb[layout.RULES_SHEET]
    row = _rule_row(wb, "MT-PAPI")
    ws.cell(row, 5, "phu_luc=PL4")
    with pytest.raises(WorkbookError, match="cần tham số «muc_tieu_cong»"):
        rules_from_values(state_from_values(values_of(wb)))
    ws.cell(row, 5, "phu_luc=PL4; muc_tieu_cong=0,50")
    assert (
        next(
            r for r in rules_from_values(state_from_values(values_of(wb))) if r.id == "MT-PAPI"
        ).number("muc_tieu_cong")
        == 0.5
    )
    ws.cell(row, 1, "MT-SIPAS")
    with pytest.raises(WorkbookError, match="đã có ở dòng") as err:
        rules_from_values(state_from_values(values_of(wb)))
    assert err.value.cell == f"A{row}"


def test_a_rule_deleted_from_the_sheet_does_not_run() -> None:
    wb = clean_workbook()
    put(wb, "PL4", "PL4-1.1", "target", 1.58)
    wb[layout.RULES_SHEET].delete_rows(_rule_row(wb, "MT-PAPI"))
    rules = rules_from_values(state_from_values(values_of(wb)))
    assert "MT-PAPI" not in {r.id for r in rules}
    assert {f.rule for f in run_checks(state_from_values(values_of(wb)), rules)} == {"PHAN-CAP"}


def test_a_rules_sheet_with_no_rule_left_is_named() -> None:
    wb = clean_workbook()
    ws = wb[layout.RULES_SHEET]
    ws.delete_rows(layout.FIRST_DATA_ROW, ws.max_row)
    with pytest.raises(WorkbookError, match="không có dòng dữ liệu nào") as err:
        rules_from_values(state_from_values(values_of(wb)))
    assert (err.value.sheet, err.value.cell) == (layout.RULES_SHEET, f"A{layout.FIRST_DATA_ROW}")


def test_a_bad_default_file_names_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "quy-tac.tsv"
    lines = TEMPLATE.read_text(encoding="utf-8").splitlines()
    lineno = next(i for i, ln in enumerate(lines, 1) if ln.startswith("MT-PAPI\t"))
    lines[lineno - 1] = lines[lineno - 1].replace("\tlỗi\t", "\tnặng\t")
    bad.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(BuildError) as err:
        rule_table(bad)
    assert err.value.line == lineno
    assert set(RULE_PARAMS) == {row[0] for row in rule_table(TEMPLATE)}


# --- damaged plan sheets: a message naming sheet and cell, no findings, nothing written ---


def delete_sheet(wb: Workbook) -> None:
    del wb["PL2"]


def rename_sheet(wb: Workbook) -> None:
    wb[layout.TASKS_SHEET].title = "Nhiem vu"


def move_header_row(wb: Workbook) -> None:
    wb["PL3"].insert_rows(1)


def empty_sheet(wb: Workbook) -> None:
    ws = wb["PL4"]
    ws.delete_rows(layout.FIRST_DATA_ROW, ws.max_row)


def delete_rules_sheet(wb: Workbook) -> None:
    del wb[layout.RULES_SHEET]


DAMAGE = [
    (delete_sheet, "PL2", None, "Thiếu trang tính 'PL2'"),
    (rename_sheet, layout.TASKS_SHEET, None, "Thiếu trang tính"),
    (move_header_row, "PL3", "A3", "hàng tiêu đề phải là hàng 3"),
    (empty_sheet, "PL4", "A4", "không có dòng dữ liệu"),
    (delete_rules_sheet, layout.RULES_SHEET, None, "Thiếu trang tính 'Quy tắc'"),
]


@pytest.mark.parametrize(
    ("damage", "sheet", "cell", "text"), DAMAGE, ids=[d[0].__name__ for d in DAMAGE]
)
def test_damaged_workbook_is_an_error_naming_sheet_and_cell(
    damage: object, sheet: str, cell: str | None, text: str
) -> None:
    wb = clean_workbook()
    damage(wb)  # type: ignore[operator]
    with pytest.raises(WorkbookError) as err:
        check_workbook(state_from_values(values_of(wb), file="k.xlsm"))
    assert err.value.sheet == sheet
    assert err.value.cell == cell
    assert text in str(err.value)
    assert "k.xlsm" in str(err.value)


def test_text_in_number_cells_is_a_finding_not_a_failure() -> None:
    wb = clean_workbook()
    put(wb, "PL4", "PL4-1.1", "score_base", "1,06")
    put(wb, "PL4", "PL4-1.2", "max", "#VALUE!")
    put(wb, "PL3", "PL3-I-1.1", "target", "85,59")
    result = check_workbook(state_from_values(values_of(wb)))
    assert {(f.rule, f.code) for f in result.findings} == {
        ("SO-HOP-LE", "1.1"),
        ("SO-HOP-LE", "1.2"),
    }
    assert len(result.findings) == 3
    messages = " ".join(f.message for f in result.findings)
    assert "số lưu dạng văn bản «1,06»" in messages
    assert "phải là một số, đang là «#VALUE!»" in messages
