"""Agency workbooks of both format versions: a file made before the columns moved (format
"1", ``tests/data/extract-format-1-STP.xlsx``: Sở Tư pháp's file of ``small_plan``, made by the
code of that format with ``extract_support.KEY`` and ``AT``) is still verified and collected at
its own addresses; a file of the current format goes generate → fill → collect → TienDo with
the values typed; a version nobody wrote is refused with a reason an official can act on."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from extract_support import AT, KEY, small_assignments, small_directory
from kehoach.collect.intake import intake_bytes
from kehoach.collect.returns import FileOutcome
from kehoach.collect.run import plan_collection, row_context
from kehoach.common.planyears import PlanYears
from kehoach.extract.book import extract_bytes
from kehoach.extract.select import agency_extracts
from kehoach.extract.signing import verify
from kehoach.sheets import extract_layout as ex
from kehoach.sheets import progress_layout as pl
from kehoach.sheets.edits import apply_to_workbook
from kehoach.state.master import state_from_values
from kehoach.workbook.master import write_progress_sheets
from returns_corpus import PLAN_ID
from sample_plans import small_plan

V1_FILE = Path(__file__).parents[1] / "data" / "extract-format-1-STP.xlsx"
FILLED = {
    ex.STATUS_KEY: ex.STATUS_DONE,
    ex.PERCENT_KEY: 100,
    ex.RESULTS_KEY: "Đã ban hành kế hoạch tuyên truyền",
    ex.EVIDENCE_KEY: "Số 12/QĐ-UBND ngày 05/6/2023",
    ex.DIFFICULTIES_KEY: "Thiếu kinh phí",
    ex.REPORT_DATE_KEY: datetime(2023, 9, 30),
}
GOING = {
    ex.STATUS_KEY: ex.STATUS_IN_PROGRESS,
    ex.PERCENT_KEY: 40,
    ex.REPORT_DATE_KEY: datetime(2023, 9, 30),
}


def fill_at(data: bytes, sheet: ex.SheetLayout, rows: dict[int, dict[str, Any]]) -> bytes:
    """Type ``rows`` (Excel row → input key → value) where ``sheet`` puts the inputs."""
    wb = load_workbook(io.BytesIO(data))
    ws = wb[ex.TASKS_SHEET]
    for row, values in rows.items():
        for key, value in values.items():
            cell = ws[f"{sheet.letter(key)}{row}"]
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def with_version(data: bytes, version: str) -> bytes:
    """``data`` with the hidden format version replaced (its signature left as it was)."""
    wb = load_workbook(io.BytesIO(data))
    meta = wb[ex.META_SHEET]
    assert meta["A1"].value == ex.META_FORMAT
    meta["B1"].value = version
    meta["B1"].data_type = "s"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def collected(outcome: FileOutcome) -> list[dict[str, Any]]:
    """TienDo of an empty master after collecting ``outcome`` (the small plan's context)."""
    plan = small_plan()
    wb = Workbook()
    write_progress_sheets(wb)
    values = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb}
    context = row_context(plan, small_directory(), small_assignments(plan))
    collection = plan_collection(
        state_from_values(values), [outcome], datetime(2023, 10, 2, 9), context=context
    )
    apply_to_workbook(wb, collection.edits())
    keys = [c.key for c in pl.PROGRESS_COLUMNS]
    rows = wb[pl.PROGRESS_SHEET].iter_rows(min_row=pl.FIRST_DATA_ROW, values_only=True)
    return [dict(zip(keys, r, strict=False)) for r in rows if any(r)]


def as_stored(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    out[ex.REPORT_DATE_KEY] = values[ex.REPORT_DATE_KEY].date()
    return out


def test_the_fixture_is_a_format_1_file() -> None:
    wb = load_workbook(V1_FILE)
    meta = {r[0]: r[1] for r in wb[ex.META_SHEET].iter_rows(max_row=10, values_only=True)}
    assert meta[ex.META_FORMAT] == "1" and meta[ex.META_AGENCY] == "STP"
    headers = [c.value for c in wb[ex.TASKS_SHEET][ex.HEADER_ROW]]
    assert headers == [c.text(PlanYears(2022, 2023)) for c in ex.LAYOUT_1.columns]
    assert ex.LAYOUT_1.letter(ex.STATUS_KEY) == "O" and ex.CURRENT.letter(ex.STATUS_KEY) == "F"


def test_a_format_1_file_still_verifies_and_is_collected_at_its_own_addresses() -> None:
    data = fill_at(V1_FILE.read_bytes(), ex.LAYOUT_1, {4: FILLED, 5: GOING})
    assert verify(load_workbook(io.BytesIO(data)), KEY).ok
    outcome = intake_bytes(data, "So-Tu-phap.xlsx", KEY, PLAN_ID)
    assert outcome.accepted, outcome.reason
    assert outcome.format_version == "1"
    first = outcome.rows[0]
    assert {k: first.values[k] for k in FILLED} == as_stored(FILLED)
    progress = collected(outcome)
    got = {(r["task_id"], r["agency"]): r for r in progress}
    row = got[(first.task_id, "STP")]
    assert {k: row[k] for k in FILLED} == as_stored(FILLED)
    assert row["role"] == "chủ trì" or row["role"] == "phối hợp"


def test_a_format_1_file_filled_at_the_new_addresses_is_refused() -> None:
    """Values typed where format 2 puts the inputs land in format 1's signed columns."""
    data = fill_at(V1_FILE.read_bytes(), ex.CURRENT, {4: GOING})
    outcome = intake_bytes(data, "So-Tu-phap.xlsx", KEY, PLAN_ID)
    assert not outcome.accepted
    assert "Các dòng nhiệm vụ đã bị sửa" in outcome.reason and "dòng 4" in outcome.reason


def test_a_format_1_file_with_its_input_headers_moved_names_the_cell() -> None:
    wb = load_workbook(V1_FILE)
    wb[ex.TASKS_SHEET].insert_cols(ex.LAYOUT_1.position(ex.RESULTS_KEY))
    out = io.BytesIO()
    wb.save(out)
    data = fill_at(out.getvalue(), ex.LAYOUT_1, {4: GOING})
    outcome = intake_bytes(data, "x.xlsx", KEY, PLAN_ID)
    assert not outcome.accepted and "ô Q3" in outcome.reason, outcome.reason


@pytest.mark.parametrize("version", ["3", "0"])
def test_an_unknown_format_version_is_refused_with_a_reason(version: str) -> None:
    data = fill_at(with_version(V1_FILE.read_bytes(), version), ex.LAYOUT_1, {4: GOING})
    outcome = intake_bytes(data, "x.xlsx", KEY, PLAN_ID)
    assert not outcome.accepted
    assert f"Phiên bản định dạng «{version}» không nhận ra" in outcome.reason, outcome.reason
    assert "hãy gửi lại tệp mới tạo" in outcome.reason


def test_the_version_is_signed() -> None:
    """Claiming format 1 for a format 2 file would move the signed columns: the signature
    covers the version."""
    plan = small_plan()
    stp = next(
        e
        for e in agency_extracts(plan, small_directory(), small_assignments(plan))
        if e.agency.code == "STP"
    )
    data = with_version(extract_bytes(plan, stp, KEY, generated_at=AT), "1")
    outcome = intake_bytes(data, "x.xlsx", KEY, PLAN_ID)
    assert not outcome.accepted and "Chữ ký không khớp" in outcome.reason


def test_a_format_2_round_trip_reaches_tien_do() -> None:
    plan = small_plan()
    stp = next(
        e
        for e in agency_extracts(plan, small_directory(), small_assignments(plan))
        if e.agency.code == "STP"
    )
    data = extract_bytes(plan, stp, KEY, generated_at=AT)
    meta = load_workbook(io.BytesIO(data))[ex.META_SHEET]
    assert meta["B1"].value == ex.FORMAT_VERSION == "2"
    filled = fill_at(data, ex.CURRENT, {4: FILLED, 6: GOING})
    outcome = intake_bytes(filled, "So-Tu-phap.xlsx", KEY, PLAN_ID)
    assert outcome.accepted, outcome.reason
    assert outcome.format_version == "2"
    by_id = {r.task_id: r for r in outcome.rows}
    ids = [row.task_id for row in stp.rows]
    progress = {(r["task_id"], r["agency"]): r for r in collected(outcome)}
    assert {k: progress[(ids[0], "STP")][k] for k in FILLED} == as_stored(FILLED)
    going = progress[(ids[2], "STP")]
    assert (going["status"], going["percent"]) == (ex.STATUS_IN_PROGRESS, 40)
    assert by_id[ids[1]].values[ex.STATUS_KEY] is None
    assert (ids[1], "STP") not in progress  # a blank row is not a report
    assert date(2023, 9, 30) == outcome.report_date
