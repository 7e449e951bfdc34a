"""Agency workbooks on a small hand-built plan and directory: which tasks, the workbook's
sheets, protection, validation, print setup, signature, file names, determinism, manifest."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from extract_support import (
    AT,
    KEY,
    open_extract,
    small_assignments,
    small_directory,
    task_rows,
)
from kehoach.agencies.directory import Agency, Assignment, Directory
from kehoach.common.planyears import PlanYears
from kehoach.extract import files as extract_files
from kehoach.extract.book import ExtractOptions, extract_bytes
from kehoach.extract.files import file_names, generate_extracts
from kehoach.extract.select import AgencyExtract, ExtractError, Selection, agency_extracts
from kehoach.extract.signing import verify
from kehoach.plan.model import Plan
from kehoach.sheets import extract_layout as ex
from sample_plans import small_plan


@pytest.fixture(scope="module")
def extracts() -> dict[str, bytes]:
    plan = small_plan()
    chosen = agency_extracts(plan, small_directory(), small_assignments(plan))
    return {e.agency.code: extract_bytes(plan, e, KEY, generated_at=AT) for e in chosen}


# --- which tasks -------------------------------------------------------------------------------


def test_every_agency_with_a_task_and_only_those() -> None:
    plan = small_plan()
    chosen = agency_extracts(plan, small_directory(), small_assignments(plan))
    assert [e.agency.code for e in chosen] == ["SNV", "STP", "UBND-BABE", "CON"]
    all_tasks = [t.id for *_, t in plan.iter_tasks()]
    snv, stp, babe, con = chosen
    assert [r.task_id for r in snv.rows] == all_tasks  # plan order, once each
    assert {r.role for r in snv.rows} == {"lead"}  # lead and, through the group, coordinator
    assert (snv.lead_tasks, snv.coordinating_tasks) == (len(all_tasks), 0)
    assert [r.role for r in stp.rows] == ["coordinating", "lead"] + ["coordinating"] * (
        len(all_tasks) - 2
    )
    assert [r.task_id for r in babe.rows] == [t for t in all_tasks if t.startswith("PL3")]
    assert [r.task_id for r in con.rows] == all_tasks[:1]


def test_row_values() -> None:
    plan = small_plan()
    chosen = {
        e.agency.code: e for e in agency_extracts(plan, small_directory(), small_assignments(plan))
    }
    first = chosen["STP"].rows[0]
    cells = dict(zip([c.key for c in ex.TASK_COLUMNS], first.cells(1), strict=True))
    _, _, criterion, task = plan.iter_tasks()[0]
    assert cells["number"] == 1
    assert cells["task_id"] == task.id and cells["role"] == "phối hợp"
    assert cells["appendix"] == "PL1" and cells["code"] == criterion.code
    assert cells["criterion"] == criterion.name and cells["task"] == task.text
    assert cells["target"] == criterion.target_text  # words when there is no number
    assert cells["timeline"] == task.timeline == "Năm 2023"
    assert cells["due"] == date(2023, 12, 31)
    assert cells["via"] == "Các sở, ban, ngành"
    assert cells["others"] == "Chủ trì: Sở Nội vụ. Phối hợp: Các sở, ban, ngành; Con"
    second = dict(
        zip([c.key for c in ex.TASK_COLUMNS], chosen["STP"].rows[1].cells(2), strict=True)
    )
    assert second["via"] == "Các sở, ban, ngành; trực tiếp"
    assert second["others"] == "Chủ trì: Sở Nội vụ. Phối hợp: Các sở, ban, ngành"
    snv = dict(zip([c.key for c in ex.TASK_COLUMNS], chosen["SNV"].rows[1].cells(2), strict=True))
    assert snv["others"] == "Chủ trì: Sở Tư pháp. Phối hợp: Các sở, ban, ngành"  # not itself
    babe = chosen["UBND-BABE"].rows[0].values
    assert babe["via"] == "UBND cấp xã (cấp xã trên địa bàn)"


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        (Assignment("PL1-TC-1.1/1", "XYZ", "lead"), "«XYZ», mã này không có trong danh mục"),
        (Assignment("PL1-TC-1.1/1", "SO-NGANH", "lead"), "không phải một cơ quan nhận"),
        (Assignment("PL9-X/1", "SNV", "lead"), "Kế hoạch không có nhiệm vụ «PL9-X/1»"),
    ],
)
def test_bad_assignments_are_errors(assignment: Assignment, message: str) -> None:
    with pytest.raises(ExtractError, match=message):
        agency_extracts(small_plan(), small_directory(), [assignment])


# --- the workbook ------------------------------------------------------------------------------


def test_sheets_and_hidden_metadata(extracts: dict[str, bytes]) -> None:
    wb = open_extract(extracts["STP"])
    assert wb.sheetnames == [ex.TASKS_SHEET, ex.GUIDE_SHEET, ex.META_SHEET]
    assert wb.active.title == ex.TASKS_SHEET
    assert [wb[s].sheet_state for s in wb.sheetnames] == ["visible", "visible", "veryHidden"]
    assert wb.security is not None and wb.security.lockStructure
    meta = {r[0]: r[1] for r in wb[ex.META_SHEET].iter_rows(max_row=10, values_only=True)}
    assert meta[ex.META_PLAN] == "365/KH-UBND" and meta[ex.META_AGENCY] == "STP"
    assert meta[ex.META_GENERATED_AT] == "2023-07-01T09:30:00"
    assert len(meta[ex.META_SIGNATURE]) == 64
    ids = [
        r[0] for r in wb[ex.META_SHEET].iter_rows(min_row=ex.META_TASKS_ROW + 1, values_only=True)
    ]
    assert ids == [r["task_id"] for r in task_rows(wb)]
    assert KEY.hex() not in extracts["STP"].hex()  # the key never travels
    with zipfile.ZipFile(io.BytesIO(extracts["STP"])) as z:
        assert not any("vba" in n.lower() for n in z.namelist())
        assert all(KEY.hex().encode() not in z.read(n) for n in z.namelist())


def test_title_and_headers(extracts: dict[str, bytes]) -> None:
    ws = open_extract(extracts["UBND-BABE"])[ex.TASKS_SHEET]
    assert ws["A1"].value == (
        "NHIỆM VỤ THỰC HIỆN KẾ HOẠCH SỐ 365/KH-UBND NGÀY 08/6/2023 CỦA UBND TỈNH BẮC KẠN: "
        "UBND HUYỆN BA BỂ"
    )
    assert "phối hợp 2 nhiệm vụ" in ws["A2"].value and "15/07/2023" in ws["A2"].value
    assert [c.value for c in ws[ex.HEADER_ROW]] == [
        c.text(PlanYears(2022, 2023)) for c in ex.COLUMNS
    ]


def test_locked_and_unlocked_cells(extracts: dict[str, bytes]) -> None:
    wb = open_extract(extracts["SNV"])
    ws = wb[ex.TASKS_SHEET]
    assert ws.protection.sheet and not ws.protection.password
    assert ws.protection.formatColumns is False and ws.protection.autoFilter is False
    assert wb[ex.GUIDE_SHEET].protection.sheet and wb[ex.META_SHEET].protection.sheet
    inputs = {c.key for c in ex.INPUT_COLUMNS}
    n = len(task_rows(wb))
    for row in ws.iter_rows(min_row=ex.FIRST_DATA_ROW, max_row=ex.FIRST_DATA_ROW + n - 1):
        for col, cell in zip(ex.COLUMNS, row, strict=True):
            assert cell.protection.locked is (col.key not in inputs), (cell.coordinate, col.key)
    for row in ws.iter_rows(max_row=ex.HEADER_ROW):
        assert all(c.protection.locked for c in row)


def test_validations(extracts: dict[str, bytes]) -> None:
    ws = open_extract(extracts["SNV"])[ex.TASKS_SHEET]
    n = len(task_rows(open_extract(extracts["SNV"])))
    last = ex.FIRST_DATA_ROW + n - 1
    letter = {c.key: chr(ord("A") + i) for i, c in enumerate(ex.COLUMNS)}
    found = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}

    def rule(key: str):  # type: ignore[no-untyped-def]
        return found[f"{letter[key]}{ex.FIRST_DATA_ROW}:{letter[key]}{last}"]

    status = rule(ex.STATUS_KEY)
    assert status.type == "list" and status.formula1 == '"' + ",".join(ex.STATUSES) + '"'
    pct = rule(ex.PERCENT_KEY)
    # "between" is the schema's default operator: XlsxWriter leaves it out.
    assert (pct.type, pct.operator or "between") == ("decimal", "between")
    assert (pct.formula1, pct.formula2) == ("0", "100")
    day = rule(ex.REPORT_DATE_KEY)
    assert (day.type, day.operator) == ("date", "greaterThanOrEqual")
    assert float(day.formula1) == (date(2023, 6, 8) - date(1899, 12, 30)).days
    for key in (ex.RESULTS_KEY, ex.EVIDENCE_KEY, ex.EXPLANATION_KEY, ex.DIFFICULTIES_KEY):
        text = rule(key)
        assert (text.type, text.operator, text.formula1) == (
            "textLength",
            "lessThanOrEqual",
            "4000",
        )
    assert all(dv.showErrorMessage and dv.error for dv in found.values())
    assert len(found) == 7


def test_completion_warning(extracts: dict[str, bytes]) -> None:
    ws = open_extract(extracts["SNV"])[ex.TASKS_SHEET]
    letter = {c.key: chr(ord("A") + i) for i, c in enumerate(ex.COLUMNS)}
    row = ex.FIRST_DATA_ROW
    formula = ws[f"{letter['check']}{row}"].value
    assert formula.startswith('=IF(AND($F4="Hoàn thành",LEN(TRIM($I4))=0,LEN(TRIM($J4))=0)')
    assert ex.CHECK_MESSAGE_EVIDENCE in formula and ex.CHECK_MESSAGE_PERCENT in formula
    (rng,) = list(ws.conditional_formatting)
    assert str(rng.sqref).startswith(f"{letter[ex.EVIDENCE_KEY]}{row}:{letter[ex.EXPLANATION_KEY]}")
    assert rng.rules[0].formula == ['AND($F4="Hoàn thành",LEN(TRIM($I4))=0,LEN(TRIM($J4))=0)']


def test_print_setup(extracts: dict[str, bytes]) -> None:
    wb = open_extract(extracts["SNV"])
    ws = wb[ex.TASKS_SHEET]
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.page_setup.fitToWidth in (1, None) and int(ws.page_setup.fitToHeight) == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$3"
    assert ws.freeze_panes == "C4"  # STT and the task id
    assert ws.print_area == f"'{ex.TASKS_SHEET}'!$A$1:$L$10"  # to the report date
    assert ws.oddFooter.left.text == "Kế hoạch số 365/KH-UBND"
    assert ws.oddFooter.right.text == "Trang &P/&N"
    guide = wb[ex.GUIDE_SHEET]
    assert guide.page_setup.orientation == "portrait" and int(guide.page_setup.paperSize) == 9
    assert guide.oddFooter.left.text == "Kế hoạch số 365/KH-UBND"
    text = "\n".join(str(c.value) for c in guide["A"])
    assert "Gửi lại tệp cho Sở Nội vụ tỉnh Bắc Kạn" in text and "15/07/2023" in text
    assert all(s in text for s in ex.STATUSES)


def test_options_change_whom_and_when() -> None:
    plan = small_plan()
    (snv, *_) = agency_extracts(plan, small_directory(), small_assignments(plan))
    options = ExtractOptions(return_to="Phòng CCHC, Sở Nội vụ", reply_by=date(2023, 10, 5))
    wb = open_extract(extract_bytes(plan, snv, KEY, generated_at=AT, options=options))
    text = "\n".join(str(c.value) for c in wb[ex.GUIDE_SHEET]["A"])
    assert "Gửi lại tệp cho Phòng CCHC, Sở Nội vụ trước ngày 05/10/2023" in text


def test_task_text_that_looks_like_a_formula_stays_text(extracts: dict[str, bytes]) -> None:
    rows = task_rows(open_extract(extracts["SNV"]))
    texts = [r["task"] for r in rows if isinstance(r["task"], str) and r["task"].startswith("=")]
    assert texts, "small_plan has a task starting with '='"


# --- signature -----------------------------------------------------------------------------------


def test_signature_verifies(extracts: dict[str, bytes]) -> None:
    for code, data in extracts.items():
        result = verify(open_extract(data), KEY)
        assert result.ok, result.problems
        assert result.agency_code == code and result.plan_id == "365/KH-UBND"


def test_filled_in_inputs_still_verify(extracts: dict[str, bytes], tmp_path: Path) -> None:
    wb = open_extract(extracts["SNV"])
    ws = wb[ex.TASKS_SHEET]
    for i, col in enumerate(ex.COLUMNS, start=1):
        if col.key == ex.STATUS_KEY:
            ws.cell(ex.FIRST_DATA_ROW, i, ex.STATUS_DONE)
        elif col.key == ex.EVIDENCE_KEY:
            ws.cell(ex.FIRST_DATA_ROW, i, "Số 1/QĐ-UBND ngày 01/7/2023")
    wb.save(tmp_path / "filled.xlsx")
    assert verify(tmp_path / "filled.xlsx", KEY).ok


def test_a_changed_task_cell_is_found(extracts: dict[str, bytes], tmp_path: Path) -> None:
    wb = open_extract(extracts["SNV"])
    ws = wb[ex.TASKS_SHEET]
    ws.cell(ex.FIRST_DATA_ROW + 2, 3, "phối hợp")  # role
    wb.save(tmp_path / "t.xlsx")
    result = verify(tmp_path / "t.xlsx", KEY)
    assert not result.ok and result.changed_rows == (ex.FIRST_DATA_ROW + 2,)
    assert any("dòng 6" in p for p in result.problems)


def test_a_swapped_agency_code_fails(extracts: dict[str, bytes]) -> None:
    wb = open_extract(extracts["STP"])
    ws = wb[ex.META_SHEET]
    row = next(r for r in ws.iter_rows() if r[0].value == ex.META_AGENCY)
    row[1].value = "SNV"
    result = verify(wb, KEY)
    assert not result.ok and result.agency_code == "SNV"
    assert any("Chữ ký không khớp" in p for p in result.problems)
    assert result.changed_rows == ()


def test_rows_copied_from_another_agency_fail(extracts: dict[str, bytes]) -> None:
    """STP's metadata over SNV's rows: same tasks, other roles."""
    stp, snv = open_extract(extracts["STP"]), open_extract(extracts["SNV"])
    for src, dst in zip(
        snv[ex.TASKS_SHEET].iter_rows(min_row=ex.FIRST_DATA_ROW),
        stp[ex.TASKS_SHEET].iter_rows(min_row=ex.FIRST_DATA_ROW),
        strict=False,
    ):
        for s, d in zip(src, dst, strict=True):
            d.value = s.value
    result = verify(stp, KEY)
    assert not result.ok and result.changed_rows


def test_another_key_fails(extracts: dict[str, bytes]) -> None:
    result = verify(open_extract(extracts["SNV"]), bytes(32))
    assert not result.ok and "khóa khác" in result.problems[0]


def test_a_file_without_metadata(tmp_path: Path) -> None:
    from openpyxl import Workbook

    Workbook().save(tmp_path / "x.xlsx")
    result = verify(tmp_path / "x.xlsx", KEY)
    assert not result.ok and result.meta is None and "dữ liệu ẩn" in result.problems[0]


# --- files, determinism, manifest ---------------------------------------------------------------


def test_same_inputs_same_bytes(extracts: dict[str, bytes]) -> None:
    plan = small_plan()
    again = {
        e.agency.code: extract_bytes(plan, e, KEY, generated_at=AT)
        for e in agency_extracts(plan, small_directory(), small_assignments(plan))
    }
    assert again == extracts
    (snv, *_) = agency_extracts(plan, small_directory(), small_assignments(plan))
    later = extract_bytes(plan, snv, KEY, generated_at=datetime(2023, 7, 2))
    assert later != extracts["SNV"]


def test_rows_are_built_one_agency_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each agency's rows are built just before its file is written and dropped after, so
    hundreds of agencies never hold every row at once (the extract benchmark's memory)."""
    plan = small_plan()
    events: list[str] = []
    build, write = Selection.extract, extract_files.extract_bytes

    def built(self: Selection, agency: Agency) -> AgencyExtract:
        events.append(f"rows {agency.code}")
        return build(self, agency)

    def written(plan: Plan, extract: AgencyExtract, *args: Any, **kwargs: Any) -> bytes:
        events.append(f"file {extract.agency.code}")
        return write(plan, extract, *args, **kwargs)

    monkeypatch.setattr(Selection, "extract", built)
    monkeypatch.setattr(extract_files, "extract_bytes", written)
    generate_extracts(
        plan, small_directory(), small_assignments(plan), tmp_path, KEY, generated_at=AT
    )
    codes = [a.code for a in Selection(plan, small_directory(), small_assignments(plan)).agencies]
    assert codes == ["SNV", "STP", "UBND-BABE", "CON"]
    assert events == [f"{what} {code}" for code in codes for what in ("rows", "file")]


def test_generate_writes_files_and_manifest(tmp_path: Path) -> None:
    plan = small_plan()
    calls: list[tuple[int, int, str]] = []
    manifest = generate_extracts(
        plan,
        small_directory(),
        small_assignments(plan),
        tmp_path / "out",
        KEY,
        generated_at=AT,
        progress=lambda d, t, n: calls.append((d, t, n)),
    )
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert files == sorted(
        ["So-Noi-vu.xlsx", "So-Tu-phap.xlsx", "UBND-huyen-Ba-Be.xlsx", "Con_.xlsx", "manifest.json"]
    )
    assert calls == [
        (1, 4, "Sở Nội vụ"),
        (2, 4, "Sở Tư pháp"),
        (3, 4, "UBND huyện Ba Bể"),
        (4, 4, "Con"),
    ]
    data = json.loads((tmp_path / "out" / ex.MANIFEST_FILE).read_text(encoding="utf-8"))
    assert data == manifest.to_dict()
    assert data["plan_id"] == "365/KH-UBND" and data["generated_at"] == "2023-07-01T09:30:00"
    for entry in data["files"]:
        content = (tmp_path / "out" / entry["file"]).read_bytes()
        assert hashlib.sha256(content).hexdigest() == entry["sha256"]
        assert verify(tmp_path / "out" / entry["file"], KEY).agency_code == entry["agency"]
    assert [(e["agency"], e["lead_tasks"], e["coordinating_tasks"]) for e in data["files"]] == [
        ("SNV", 7, 0),
        ("STP", 1, 6),
        ("UBND-BABE", 0, 2),
        ("CON", 0, 1),
    ]


def test_generating_again_leaves_files_alone(tmp_path: Path) -> None:
    plan = small_plan()
    args = (plan, small_directory(), small_assignments(plan), tmp_path, KEY)
    generate_extracts(*args, generated_at=AT)
    before = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in tmp_path.iterdir()}
    generate_extracts(*args, generated_at=AT)
    after = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in tmp_path.iterdir()}
    assert after == before


def test_one_agency(tmp_path: Path) -> None:
    plan = small_plan()
    manifest = generate_extracts(
        plan,
        small_directory(),
        small_assignments(plan),
        tmp_path,
        KEY,
        generated_at=AT,
        agencies=["STP"],
    )
    assert [e.file for e in manifest.entries] == ["So-Tu-phap.xlsx"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["So-Tu-phap.xlsx", "manifest.json"]


@pytest.mark.parametrize(
    ("code", "message"),
    [("XYZ", "Không có cơ quan mã «XYZ»"), ("IDLE", "không được giao nhiệm vụ nào")],
)
def test_unknown_or_idle_agency(tmp_path: Path, code: str, message: str) -> None:
    plan = small_plan()
    with pytest.raises(ExtractError, match=message):
        generate_extracts(
            plan,
            small_directory(),
            small_assignments(plan),
            tmp_path / "o",
            KEY,
            generated_at=AT,
            agencies=[code],
        )
    assert not (tmp_path / "o").exists()


def test_clashing_file_names_are_an_error(tmp_path: Path) -> None:
    plan = small_plan()
    directory = Directory(
        [Agency("A", "Sở Nội vụ", "department"), Agency("B", "SO NOI VU", "department")]
    )
    task = plan.iter_tasks()[0][3].id
    assignments = [Assignment(task, "A", "lead"), Assignment(task, "B", "coordinating")]
    with pytest.raises(ExtractError) as err:
        generate_extracts(plan, directory, assignments, tmp_path / "o", KEY, generated_at=AT)
    assert "«So-Noi-vu.xlsx»" in str(err.value) or "«SO-NOI-VU.xlsx»" in str(err.value)
    assert "mã A" in str(err.value) and "mã B" in str(err.value)
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("name", "file"),
    [
        ("Sở Văn hóa, Thể thao và Du lịch", "So-Van-hoa-The-thao-va-Du-lich.xlsx"),
        ("AUX", "AUX_.xlsx"),
        ("Đài Phát thanh và Truyền hình Bắc Kạn.", "Dai-Phat-thanh-va-Truyen-hinh-Bac-Kan.xlsx"),
        ('Công ty A/B: "điện" ', "Cong-ty-A-B-dien.xlsx"),
    ],
)
def test_file_names_are_windows_safe(name: str, file: str) -> None:
    (got,) = file_names([Agency("X", name, "other")]).values()
    assert got == file
    assert got.isascii() and not any(ch in got for ch in '<>:"/\\|?* ')
    assert not got[: -len(".xlsx")].endswith((".", " "))


def test_extract_files_read_back_with_openpyxl_from_disk(tmp_path: Path) -> None:
    plan = small_plan()
    generate_extracts(
        plan, small_directory(), small_assignments(plan), tmp_path, KEY, generated_at=AT
    )
    wb = load_workbook(tmp_path / "So-Noi-vu.xlsx")
    assert wb[ex.TASKS_SHEET]["B4"].value == plan.iter_tasks()[0][3].id
