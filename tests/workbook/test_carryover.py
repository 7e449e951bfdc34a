"""What officials typed in a master survives ``kehoach build --out``
(kehoach.workbook.carryover)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from kehoach.checks.rules import rules_from_values
from kehoach.cli import main
from kehoach.common.errors import BuildError
from kehoach.plan.importer import load_default_plan
from kehoach.plan.model import Plan
from kehoach.sheets import extract_layout as ex
from kehoach.sheets import layout
from kehoach.sheets.sheetdata import workbook_values
from kehoach.state.master import state_from_values
from kehoach.workbook.master import REWRITTEN_SHEETS
from kehoach.workbook.xlsm import build_master

ROOT = Path(__file__).resolve().parents[2]
RULES = layout.RULES_SHEET


def _row(ws: Any, key: str, column: int = 1) -> int:
    for row in range(layout.FIRST_DATA_ROW, ws.max_row + 1):
        if ws.cell(row, column).value == key:
            return row
    raise KeyError(key)


def _result_col(appendix: str) -> int:
    return layout.column_index(layout.APPENDIX_COLUMNS[appendix], layout.RESULT_KEY)


def _rule_col(key: str) -> int:
    return layout.column_index(layout.RULE_COLUMNS, key)


# Results typed at each level: criteria of every appendix, a PAR INDEX field (section), a SIPAS
# group, a PAPI content index (section) and the PAPI total.
TYPED: dict[tuple[str, str], float] = {
    ("PL1", "PL1-TC-1.2"): 2.0,
    ("PL2", "PL2-TC-1.2"): 0.5,
    ("PL2", "PL2-II"): 3.25,
    ("PL3", "PL3-I-1.1"): 80.5,
    ("PL3", "PL3-I"): 81.0,
    ("PL4", "PL4-1.1"): 1.2,
    ("PL4", "PL4-2"): 1.81,
    ("PL4", "PL4"): 44.0,
}


def _type_everything(path: Path) -> None:
    """What an official can type: results at every level, rule switches, severity, params; and
    the list of files sent that the button "Tạo file cho cơ quan" wrote."""
    wb = load_workbook(path, keep_vba=True)
    for (appendix, key), value in TYPED.items():
        ws = wb[layout.APPENDIX_SHEETS[appendix]]
        ws.cell(_row(ws, key), _result_col(appendix)).value = value
    ws = wb[RULES]
    ws.cell(_row(ws, "MT-PAPI"), _rule_col("enabled")).value = "Không"
    ws.cell(_row(ws, "NV-O-GOP"), _rule_col("severity")).value = "thông tin"
    ws.cell(
        _row(ws, "PHAN-CAP"), _rule_col("params")
    ).value = "tong=PL4; trung_binh=PL3; dung_sai=0.02"
    manifest = wb.create_sheet(ex.MANIFEST_SHEET)
    manifest["A1"] = ex.MANIFEST_TITLE
    manifest["A2"] = "Kế hoạch 365/KH-UBND; tạo lúc 2023-07-01T08:00:00; 1 tệp."
    manifest.append([c.header for c in ex.MANIFEST_COLUMNS])
    manifest.append([1, "SNV", "Sở Nội vụ", "SNV.xlsx", 88, 74, "ab" * 32])
    wb.save(path)


def _typed_back(path: Path) -> dict[tuple[str, str], Any]:
    return _typed_back_except(path, "")


def _typed_back_except(path: Path, gone: str) -> dict[tuple[str, str], Any]:
    wb = load_workbook(path)
    out: dict[tuple[str, str], Any] = {}
    for appendix, key in TYPED:
        if key != gone:
            ws = wb[layout.APPENDIX_SHEETS[appendix]]
            out[appendix, key] = ws.cell(_row(ws, key), _result_col(appendix)).value
    return out


def _rebuild(path: Path, plan: Plan | None = None, **kwargs: Any) -> Any:
    return build_master(
        path, plan or load_default_plan(), ROOT / "macros", ROOT / "templates", **kwargs
    )


def test_rebuild_keeps_everything_typed(master_xlsm: Path) -> None:
    _type_everything(master_xlsm)
    manifest_before = [list(r) for r in load_workbook(master_xlsm)[ex.MANIFEST_SHEET].values]
    assert _rebuild(master_xlsm) == []
    assert _typed_back(master_xlsm) == TYPED
    values = workbook_values(master_xlsm)
    rules = {r.id: r for r in rules_from_values(state_from_values(values))}
    assert rules["MT-PAPI"].enabled is False
    assert rules["NV-O-GOP"].severity == "info"
    assert rules["PHAN-CAP"].number("dung_sai") == 0.02
    assert rules["MA-TRUNG"].enabled is True  # untouched rules keep the template's
    assert [list(r) for r in load_workbook(master_xlsm)[ex.MANIFEST_SHEET].values] == (
        manifest_before
    )
    # Kept in its place of the workflow, not after the hidden sheets.
    names = load_workbook(master_xlsm).sheetnames
    assert names.index(ex.MANIFEST_SHEET) == names.index("NhatKyGui") - 1
    assert names[-1] == "DanhBaGoc"
    # A second rebuild changes nothing: the same bytes.
    first = master_xlsm.read_bytes()
    _rebuild(master_xlsm)
    assert master_xlsm.read_bytes() == first


def test_results_follow_their_criterion_when_rows_move(master_xlsm: Path) -> None:
    """A changed plan with one criterion fewer near the top: every row below moves up, the
    typed results stay with their criteria, not with their old row numbers."""
    _type_everything(master_xlsm)
    plan = load_default_plan()
    pl2 = next(a for a in plan.appendices if a.id == "PL2")
    removed = pl2.sections[0].criteria.pop(1)  # TC 1.5, no result typed for it
    assert removed.id == "PL2-TC-1.5"
    old_row = _row(load_workbook(master_xlsm)["PL2"], "PL2-II")
    _rebuild(master_xlsm, plan)
    ws = load_workbook(master_xlsm)["PL2"]
    assert _row(ws, "PL2-II") < old_row
    assert _typed_back(master_xlsm) == TYPED


def test_a_result_without_its_criterion_stops_the_build(master_xlsm: Path) -> None:
    _type_everything(master_xlsm)
    plan = load_default_plan()
    pl2 = next(a for a in plan.appendices if a.id == "PL2")
    pl2.sections[0].criteria.pop(0)  # TC 1.2, whose result 0.5 was typed
    row = _row(load_workbook(master_xlsm)["PL2"], "PL2-TC-1.2")
    cell = f"{layout.column_letter(layout.APPENDIX_COLUMNS['PL2'], layout.RESULT_KEY)}{row}"
    before = master_xlsm.read_bytes()
    with pytest.raises(BuildError) as err:
        _rebuild(master_xlsm, plan)
    text = str(err.value)
    assert f"trang tính 'PL2', ô {cell} (PL2-TC-1.2): «0.5»" in text
    assert "kế hoạch mới không còn dòng có mã định danh này" in text
    assert "--drop-unmatched" in text
    assert master_xlsm.read_bytes() == before
    # With the flag the build goes on and says what it dropped; the rest is kept.
    dropped = _rebuild(master_xlsm, plan, drop_unmatched=True)
    assert [(d.sheet, d.cell, d.key, d.value) for d in dropped] == [
        ("PL2", cell, "PL2-TC-1.2", 0.5)
    ]
    kept = {k: v for k, v in TYPED.items() if k != ("PL2", "PL2-TC-1.2")}
    assert _typed_back_except(master_xlsm, "PL2-TC-1.2") == kept


def test_a_sheet_added_by_an_official_stops_the_build(master_xlsm: Path) -> None:
    wb = load_workbook(master_xlsm, keep_vba=True)
    wb.create_sheet("Ghi chú")["B3"] = "Họp ngày 12/7"
    wb.create_sheet("Trống")  # nothing typed: nothing lost
    wb.save(master_xlsm)
    with pytest.raises(BuildError) as err:
        _rebuild(master_xlsm)
    assert "trang tính 'Ghi chú', ô B3: «Họp ngày 12/7»" in str(err.value)
    assert "Trống" not in str(err.value)


def test_a_column_a_row_or_a_setting_added_by_an_official_stops_the_build(
    master_xlsm: Path,
) -> None:
    """What officials add to the sheets the build writes anew, beside the program's cells: a
    note column on an appendix, the directory or the rules, a row inserted in an appendix, a
    setting row of their own. Each has no place in the new workbook: named, nothing written;
    with the flag each is listed as dropped and the rest is kept."""
    from kehoach.sheets import mail_layout as ml

    wb = load_workbook(master_xlsm, keep_vba=True)
    ws = wb["PL1"]
    spare = get_column_letter(len(layout.APPENDIX_COLUMNS["PL1"]) + 1)
    ws[f"{spare}3"] = "Ghi chú riêng"
    ws[f"{spare}6"] = "hỏi lại Sở"
    ws.insert_rows(7)
    ws["D7"] = "Tiêu chí mới"
    ws["I7"] = "Làm thêm"
    wb[layout.DIRECTORY_SHEET]["L9"] = "gọi trước khi gửi"
    wb[RULES]["F5"] = "đã hỏi Bộ"
    settings = wb[ml.SETTINGS_SHEET]
    settings.append(["Điện thoại", "0209 3870 000"])
    extra_row = settings.max_row
    settings.append([ml.SETTINGS[1].label, "vanthu@backan.gov.vn"])  # a second sender
    first_sender = next(
        r for r in range(1, extra_row) if settings.cell(r, 1).value == ml.SETTINGS[1].label
    )
    settings.cell(first_sender, 2).value = "snv@backan.gov.vn"
    wb.save(master_xlsm)
    before = master_xlsm.read_bytes()
    with pytest.raises(BuildError) as err:
        _rebuild(master_xlsm)
    text = str(err.value)
    assert f"trang tính 'PL1', ô {spare}3: «Ghi chú riêng»: cột {spare} không phải cột" in text
    assert "(2 ô có dữ liệu)" in text
    assert "trang tính 'PL1', ô D7: «Tiêu chí mới»: dòng không có «Mã định danh»" in text
    assert f"trang tính '{layout.DIRECTORY_SHEET}', ô L9: «gọi trước khi gửi»" in text
    assert f"trang tính '{RULES}', ô F5: «đã hỏi Bộ»" in text
    assert (
        f"trang tính '{ml.SETTINGS_SHEET}', ô B{extra_row}: «0209 3870 000»: chương trình "
        "không có thiết lập «Điện thoại»"
    ) in text
    assert (
        f"ô B{first_sender}: «snv@backan.gov.vn»: thiết lập «{ml.SETTINGS[1].label}» ghi hai "
        f"lần; workbook mới giữ giá trị ở dòng {extra_row + 1}"
    ) in text
    assert master_xlsm.read_bytes() == before
    dropped = _rebuild(master_xlsm, drop_unmatched=True)
    assert {(d.sheet, d.cell) for d in dropped} == {
        ("PL1", f"{spare}3"),
        ("PL1", "D7"),
        (layout.DIRECTORY_SHEET, "L9"),
        (RULES, "F5"),
        (ml.SETTINGS_SHEET, f"B{extra_row}"),
        (ml.SETTINGS_SHEET, f"B{first_sender}"),
    }
    assert _rebuild(master_xlsm) == []  # the rebuilt master has nothing of its own to drop


def test_a_note_an_official_added_to_a_cell_stops_the_build(master_xlsm: Path) -> None:
    """Excel's notes (comments) an official added: named, not lost; the program's own notes
    (cells taken from a merged cell above) are the program's."""
    from openpyxl.comments import Comment

    wb = load_workbook(master_xlsm, keep_vba=True)
    ws = wb["PL1"]
    cell = ws.cell(_row(ws, "PL1-TC-1.1"), _result_col("PL1"))
    cell.value = 1.5
    cell.comment = Comment("Theo số liệu Bộ Nội vụ công bố", "Nguyễn Văn A")
    wb[layout.DIRECTORY_SHEET]["D5"].comment = Comment("Hộp thư mới từ tháng 9", "A")
    wb.save(master_xlsm)
    before = master_xlsm.read_bytes()
    with pytest.raises(BuildError) as err:
        _rebuild(master_xlsm)
    text = str(err.value)
    assert (
        f"trang tính 'PL1', ô {cell.coordinate}: «Theo số liệu Bộ Nội vụ công bố»: ghi chú" in text
    )
    assert f"trang tính '{layout.DIRECTORY_SHEET}', ô D5: «Hộp thư mới từ tháng 9»" in text
    assert "2 giá trị" in text  # the program's notes are not listed
    assert master_xlsm.read_bytes() == before
    dropped = _rebuild(master_xlsm, drop_unmatched=True)
    assert {(d.sheet, d.cell) for d in dropped} == {
        ("PL1", cell.coordinate),
        (layout.DIRECTORY_SHEET, "D5"),
    }
    assert _rebuild(master_xlsm) == []


def test_the_sheets_a_rebuild_does_not_read_are_written_anew(master_xlsm: Path) -> None:
    """A rebuild skips reading the sheets the build writes anew from the plan alone: each is
    in every rebuilt master, and what was typed on one is neither carried nor a refusal."""
    fresh = workbook_values(master_xlsm)
    wb = load_workbook(master_xlsm, keep_vba=True)
    for name in REWRITTEN_SHEETS:
        wb[name]["Z90"] = "gõ thêm"
    wb.save(master_xlsm)
    assert _rebuild(master_xlsm) == []
    rebuilt = workbook_values(master_xlsm)
    assert set(REWRITTEN_SHEETS) <= set(rebuilt)
    assert {n: rebuilt[n] for n in REWRITTEN_SHEETS} == {n: fresh[n] for n in REWRITTEN_SHEETS}


def test_a_rule_the_program_no_longer_knows_is_named(master_xlsm: Path) -> None:
    wb = load_workbook(master_xlsm, keep_vba=True)
    ws = wb[RULES]
    row = _row(ws, "MA-TRUNG")
    ws.cell(row, 1).value = "MA-CU"  # as if the program had dropped the rule
    wb.save(master_xlsm)
    with pytest.raises(BuildError) as err:
        _rebuild(master_xlsm)
    assert f"trang tính '{RULES}', ô C{row} (MA-CU): «Có»: chương trình không còn" in str(err.value)


def test_cli_refuses_then_drops_and_lists(
    master_xlsm: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wb = load_workbook(master_xlsm, keep_vba=True)
    ws = wb["PL4"]
    row = _row(ws, "PL4-1.1")
    ws.cell(row, 1).value = "PL4-9.9"  # an id no plan has
    ws.cell(row, _result_col("PL4")).value = 2.1
    wb.save(master_xlsm)
    cell = f"{layout.column_letter(layout.APPENDIX_COLUMNS['PL4'], layout.RESULT_KEY)}{row}"
    capsys.readouterr()
    assert main(["build", "--out", str(master_xlsm)]) == 2
    err = capsys.readouterr().err
    assert f"ô {cell} (PL4-9.9): «2.1»" in err and "Traceback" not in err
    assert main(["build", "--out", str(master_xlsm), "--drop-unmatched"]) == 0
    out = capsys.readouterr().out
    assert f"Đã bỏ (không còn chỗ trong workbook mới): trang tính 'PL4', ô {cell}" in out
    ws = load_workbook(master_xlsm)["PL4"]
    assert ws.cell(_row(ws, "PL4-1.1"), _result_col("PL4")).value is None


def test_a_rule_deleted_from_the_sheet_stays_deleted(master_xlsm: Path) -> None:
    """ "A rule deleted from the sheet does not run": a rebuild keeps it so; a rule the template
    adds later still comes in (it was not offered before)."""
    wb = load_workbook(master_xlsm, keep_vba=True)
    ws = wb[RULES]
    ws.delete_rows(_row(ws, "MA-TRUNG"))
    offered = wb.defined_names[layout.RULES_OFFERED_NAME].attr_text
    assert "MA-TRUNG" in offered and "NV-O-GOP" in offered
    # As if NV-O-GOP were new in the template: the old build did not offer it.
    wb.defined_names[layout.RULES_OFFERED_NAME].attr_text = offered.replace(",NV-O-GOP", "")
    ws.delete_rows(_row(ws, "NV-O-GOP"))
    wb.save(master_xlsm)
    _rebuild(master_xlsm)
    ids = [r.id for r in rules_from_values(state_from_values(workbook_values(master_xlsm)))]
    assert "MA-TRUNG" not in ids
    assert "NV-O-GOP" in ids
    _rebuild(master_xlsm)  # and again: still deleted
    assert "MA-TRUNG" not in [
        r.id for r in rules_from_values(state_from_values(workbook_values(master_xlsm)))
    ]
    # A master built before the name existed: its missing rules come back.
    wb = load_workbook(master_xlsm, keep_vba=True)
    del wb.defined_names[layout.RULES_OFFERED_NAME]
    wb.save(master_xlsm)
    _rebuild(master_xlsm)
    assert "MA-TRUNG" in [
        r.id for r in rules_from_values(state_from_values(workbook_values(master_xlsm)))
    ]
