"""The merge of returned reports (kehoach.collect.run.plan_collection), cell by cell, on outcomes
made by hand: which report wins, what the history gets (the cell-level changes of the run's
history workbook, LichSu's row per file), idempotence, what ThuThap says."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from weakref import WeakKeyDictionary

import pytest
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from kehoach.collect import run as collect
from kehoach.collect.returns import FileOutcome, ReportRow
from kehoach.collect.run import Collection, RowContext, plan_collection
from kehoach.common.errors import WorkbookError
from kehoach.sheets import extract_layout as ex
from kehoach.sheets import progress_layout as pl
from kehoach.sheets.edits import WriteValues, apply_to_workbook
from kehoach.state.master import state_from_values
from kehoach.workbook.master import write_progress_sheets

T0 = datetime(2023, 10, 2, 9, 0, 0)
T1 = datetime(2023, 10, 9, 9, 0, 0)
PROGRESS_KEYS = [c.key for c in pl.PROGRESS_COLUMNS]
HISTORY_KEYS = [c.key for c in pl.HISTORY_COLUMNS]
_CHANGES: WeakKeyDictionary[Workbook, list[list[Any]]] = WeakKeyDictionary()
CONTEXT = {
    ("PL1-NV1", "SNV"): RowContext("Sở Nội vụ", "chủ trì", "PL1", "TC 1.1", date(2023, 12, 31), 0),
    ("PL1-NV2", "SNV"): RowContext("Sở Nội vụ", "phối hợp", "PL1", "TC 1.2", None, 1),
    ("PL1-NV1", "STC"): RowContext("Sở Tài chính", "phối hợp", "PL1", "TC 1.1", None, 0),
}


def report(
    task_id: str,
    status: str | None = ex.STATUS_IN_PROGRESS,
    percent: float | None = 50.0,
    day: date | None = date(2023, 9, 30),
    **more: Any,
) -> ReportRow:
    values: dict[str, Any] = {k: "" for k in ("results", "evidence", "explanation", "difficulties")}
    values.update(status=status, percent=percent, report_date=day, **more)
    return ReportRow(task_id=task_id, row=4, values=values)


def outcome(
    name: str,
    agency: str,
    rows: Sequence[ReportRow],
    *,
    day: date | None = date(2023, 9, 30),
    mtime: float = 1_000.0,
    sha: str | None = None,
) -> FileOutcome:
    return FileOutcome(
        name=name,
        sha256=sha or f"{abs(hash((name, agency, tuple(map(repr, rows)), day, mtime))):064x}"[:64],
        accepted=True,
        agency=agency,
        generated_at="2023-09-01T08:00:00",
        report_date=day,
        mtime=mtime,
        rows=tuple(rows),
    )


def rejected(name: str, reason: str = "Chữ ký không khớp: tệp đã bị sửa.") -> FileOutcome:
    return FileOutcome(name=name, sha256="ab" * 32, accepted=False, reason=reason)


def empty_master() -> Workbook:
    wb = Workbook()
    write_progress_sheets(wb)
    return wb


def values_of(wb: Workbook) -> dict[str, list[list[Any]]]:
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def run(
    wb: Workbook, outcomes: Sequence[FileOutcome], when: datetime = T0, **kw: Any
) -> Collection:
    """Plan on the workbook's values, apply the edits to it (as the CLI does) and keep the
    run's changed cells as its history workbook would get them (``history``)."""
    collection = plan_collection(
        state_from_values(values_of(wb)), outcomes, when, context=CONTEXT, **kw
    )
    apply_to_workbook(wb, collection.edits())
    _CHANGES.setdefault(wb, []).extend(c.cells() for c in collection.changes)
    return collection


def progress(wb: Workbook) -> list[dict[str, Any]]:
    rows = wb[pl.PROGRESS_SHEET].iter_rows(min_row=pl.FIRST_DATA_ROW, values_only=True)
    return [dict(zip(PROGRESS_KEYS, r, strict=False)) for r in rows if any(r)]


def history(wb: Workbook) -> list[list[Any]]:
    """Every changed cell of the runs on ``wb`` so far (the rows of their history workbooks)."""
    return list(_CHANGES.get(wb, []))


def receipts(wb: Workbook) -> list[list[Any]]:
    """LichSu: a row per file taken in."""
    rows = wb[pl.HISTORY_SHEET].iter_rows(min_row=pl.FIRST_DATA_ROW, values_only=True)
    return [list(r) for r in rows if any(v is not None for v in r)]


def intake(wb: Workbook) -> list[list[Any]]:
    rows = wb[pl.INTAKE_SHEET].iter_rows(min_row=pl.FIRST_DATA_ROW, values_only=True)
    return [list(r) for r in rows if any(v is not None for v in r)]


# --- the first report -------------------------------------------------------------------------


def test_first_report_fills_progress_cell_by_cell_with_context() -> None:
    wb = empty_master()
    a = outcome(
        "So-Noi-vu.xlsx",
        "SNV",
        [
            report("PL1-NV1", ex.STATUS_DONE, 100, evidence="Số 12/QĐ-UBND ngày 05/6/2023"),
            report("PL1-NV2", None, None, None),  # left blank: not a report
        ],
    )
    c = run(wb, [a])
    assert progress(wb) == [
        {
            "task_id": "PL1-NV1",
            "agency": "SNV",
            "agency_name": "Sở Nội vụ",
            "role": "chủ trì",
            "appendix": "PL1",
            "code": "TC 1.1",
            "due": date(2023, 12, 31),
            "status": ex.STATUS_DONE,
            "percent": 100,
            "results": None,
            "evidence": "Số 12/QĐ-UBND ngày 05/6/2023",
            "explanation": None,
            "difficulties": None,
            "report_date": date(2023, 9, 30),
            "file": "So-Noi-vu.xlsx",
            "sha256": a.sha256,
            "received_at": T0,
        }
    ]
    assert history(wb) == [
        [T0, "So-Noi-vu.xlsx", a.sha256, "SNV", "PL1-NV1", "Tình trạng", None, ex.STATUS_DONE],
        [T0, "So-Noi-vu.xlsx", a.sha256, "SNV", "PL1-NV1", "% hoàn thành (0–100)", None, 100],
        [
            T0,
            "So-Noi-vu.xlsx",
            a.sha256,
            "SNV",
            "PL1-NV1",
            "Văn bản chứng minh (số, ngày văn bản)",
            None,
            "Số 12/QĐ-UBND ngày 05/6/2023",
        ],
        [T0, "So-Noi-vu.xlsx", a.sha256, "SNV", "PL1-NV1", "Ngày báo cáo", None, "30/09/2023"],
    ]
    # LichSu names the file, its rows and cells; the history workbook is not written yet.
    assert receipts(wb) == [
        [T0, "So-Noi-vu.xlsx", a.sha256, "SNV", date(2023, 9, 30), pl.ACCEPTED, 1, 4, None]
    ]
    assert intake(wb) == [[1, "So-Noi-vu.xlsx", "SNV", pl.ACCEPTED, "4 ô thay đổi.", a.sha256]]
    assert c.counts["accepted"] == 1 and c.counts["changes"] == 4


def test_two_agencies_on_one_task_are_two_rows_in_plan_order() -> None:
    wb = empty_master()
    run(
        wb,
        [
            outcome("Tai-chinh.xlsx", "STC", [report("PL1-NV1", percent=10)]),
            outcome("Noi-vu.xlsx", "SNV", [report("PL1-NV2"), report("PL1-NV1")]),
        ],
    )
    assert [(r["task_id"], r["agency"], r["role"]) for r in progress(wb)] == [
        ("PL1-NV1", "SNV", "chủ trì"),
        ("PL1-NV1", "STC", "phối hợp"),
        ("PL1-NV2", "SNV", "phối hợp"),
    ]


def test_text_that_looks_like_a_formula_is_stored_as_text() -> None:
    wb = empty_master()
    run(wb, [outcome("a.xlsx", "SNV", [report("PL1-NV1", results="=HYPERLINK(1)")])])
    cell = wb[pl.PROGRESS_SHEET].cell(pl.FIRST_DATA_ROW, PROGRESS_KEYS.index("results") + 1)
    assert cell.value == "=HYPERLINK(1)" and cell.data_type == "s"


# --- several files of one agency --------------------------------------------------------------


def test_later_report_date_wins_and_the_older_file_stays_in_history() -> None:
    wb = empty_master()
    june = outcome(
        "Noi-vu-thang6.xlsx",
        "SNV",
        [report("PL1-NV1", percent=20, day=date(2023, 6, 30))],
        day=date(2023, 6, 30),
        mtime=5_000.0,  # copied later, but reports on an earlier date
    )
    sept = outcome("Noi-vu-thang9.xlsx", "SNV", [report("PL1-NV1", percent=70)], mtime=1_000.0)
    run(wb, [sept, june])
    (row,) = progress(wb)
    assert (row["percent"], row["report_date"], row["file"]) == (
        70,
        date(2023, 9, 30),
        "Noi-vu-thang9.xlsx",
    )
    changes = [(h[1], h[5], h[6], h[7]) for h in history(wb)]
    assert changes == [
        ("Noi-vu-thang6.xlsx", "Tình trạng", None, ex.STATUS_IN_PROGRESS),
        ("Noi-vu-thang6.xlsx", "% hoàn thành (0–100)", None, 20),
        ("Noi-vu-thang6.xlsx", "Ngày báo cáo", None, "30/06/2023"),
        ("Noi-vu-thang9.xlsx", "% hoàn thành (0–100)", 20, 70),
        ("Noi-vu-thang9.xlsx", "Ngày báo cáo", "30/06/2023", "30/09/2023"),
    ]
    by_file = {r[1]: r for r in intake(wb)}
    assert by_file["Noi-vu-thang9.xlsx"][3] == pl.ACCEPTED
    assert by_file["Noi-vu-thang6.xlsx"][3] == pl.SUPERSEDED
    assert "Noi-vu-thang9.xlsx" in by_file["Noi-vu-thang6.xlsx"][4]
    assert "3 thay đổi của tệp này vẫn được ghi" in by_file["Noi-vu-thang6.xlsx"][4]
    assert [(r[1], r[5], r[6], r[7]) for r in receipts(wb)] == [
        ("Noi-vu-thang6.xlsx", pl.SUPERSEDED, 1, 3),
        ("Noi-vu-thang9.xlsx", pl.ACCEPTED, 1, 2),
    ]


def test_same_report_date_the_later_file_wins() -> None:
    wb = empty_master()
    first = outcome("b-sang.xlsx", "SNV", [report("PL1-NV1", percent=30)], mtime=1_000.0)
    second = outcome("a-chieu.xlsx", "SNV", [report("PL1-NV1", percent=40)], mtime=2_000.0)
    run(wb, [first, second])
    assert progress(wb)[0]["percent"] == 40
    assert progress(wb)[0]["file"] == "a-chieu.xlsx"


def test_same_date_and_time_the_name_breaks_the_tie_in_any_input_order() -> None:
    a = outcome("a.xlsx", "SNV", [report("PL1-NV1", percent=30)])
    b = outcome("b.xlsx", "SNV", [report("PL1-NV1", percent=40)])
    for order in ([a, b], [b, a]):
        wb = empty_master()
        run(wb, order)
        assert progress(wb)[0]["percent"] == 40


def test_older_report_arriving_after_a_newer_one_changes_nothing() -> None:
    wb = empty_master()
    run(wb, [outcome("thang9.xlsx", "SNV", [report("PL1-NV1", percent=70)])])
    late = outcome(
        "thang6.xlsx",
        "SNV",
        [report("PL1-NV1", percent=20, day=date(2023, 6, 30))],
        day=date(2023, 6, 30),
    )
    c = run(wb, [late], T1)  # the September file is no longer in the folder
    assert progress(wb)[0]["percent"] == 70
    assert len(history(wb)) == 3
    assert c.files[0].result == pl.SUPERSEDED and not c.progress_changed


def test_a_report_without_any_date_is_not_called_older() -> None:
    """The agency forgot the report date: its file cannot be put after the dated report
    already collected, and the reason says why, not that it is older."""
    wb = empty_master()
    run(wb, [outcome("thang9.xlsx", "SNV", [report("PL1-NV1", percent=70)])])
    undated = outcome(
        "moi.xlsx",
        "SNV",
        [report("PL1-NV1", percent=90, day=None), report("PL1-NV2", percent=10, day=None)],
        day=None,
        mtime=2_000.0,
    )
    c = run(wb, [undated], T1)
    assert [r["percent"] for r in progress(wb)] == [70, 10]
    assert c.files[0].result == pl.ACCEPTED
    assert c.files[0].reason == (
        "2 ô thay đổi. Tệp không ghi ngày báo cáo nào (cột «Ngày báo cáo» trống): 1 nhiệm vụ "
        "đã có báo cáo có ngày trước đó nên không được cập nhật; đề nghị cơ quan ghi ngày báo "
        "cáo rồi gửi lại."
    )
    only_known = outcome(
        "moi2.xlsx", "SNV", [report("PL1-NV1", percent=95, day=None)], day=None, mtime=3_000.0
    )
    c = run(wb, [only_known], T1)
    assert c.files[0].result == pl.SUPERSEDED
    assert c.files[0].reason.startswith("Tệp không ghi ngày báo cáo nào")
    assert "cũ hơn" not in c.files[0].reason


def test_an_undated_file_beside_a_dated_one_is_told_why_it_lost() -> None:
    wb = empty_master()
    dated = outcome("thang9.xlsx", "SNV", [report("PL1-NV1", percent=70)])
    undated = outcome(
        "moi.xlsx", "SNV", [report("PL1-NV1", percent=90, day=None)], day=None, mtime=2_000.0
    )
    c = run(wb, [dated, undated])
    by_file = {f.file: f for f in c.files}
    assert by_file["moi.xlsx"].result == pl.SUPERSEDED
    assert by_file["moi.xlsx"].reason.startswith(
        "Tệp không ghi ngày báo cáo nào (cột «Ngày báo cáo» trống), tệp «thang9.xlsx» (ngày "
        "báo cáo 30/09/2023) có ghi: tiến độ lấy theo tệp đó"
    )


def test_a_newer_report_in_a_later_run_updates_only_what_changed() -> None:
    wb = empty_master()
    run(wb, [outcome("thang6.xlsx", "SNV", [report("PL1-NV1", percent=20, day=date(2023, 6, 30))])])
    n = len(history(wb))
    b = outcome("thang9.xlsx", "SNV", [report("PL1-NV1", percent=20, day=date(2023, 9, 30))])
    run(wb, [b], T1)
    new = history(wb)[n:]
    assert [(h[0], h[5], h[6], h[7]) for h in new] == [
        (T1, "Ngày báo cáo", "30/06/2023", "30/09/2023")
    ]
    assert progress(wb)[0]["received_at"] == T1 and progress(wb)[0]["sha256"] == b.sha256


def test_blank_row_in_a_later_file_does_not_erase_an_earlier_report() -> None:
    wb = empty_master()
    run(wb, [outcome("a.xlsx", "SNV", [report("PL1-NV1", percent=60)])])
    run(wb, [outcome("b.xlsx", "SNV", [report("PL1-NV1", None, None, None)], mtime=9e9)], T1)
    assert progress(wb)[0]["percent"] == 60


# --- idempotence ------------------------------------------------------------------------------


def test_second_run_on_the_same_files_changes_neither_progress_nor_history() -> None:
    files = [
        outcome("a.xlsx", "SNV", [report("PL1-NV1", percent=30)], mtime=1.0),
        outcome("b.xlsx", "SNV", [report("PL1-NV1", percent=40)], mtime=1.0),  # same date, time
        outcome("c.xlsx", "STC", [report("PL1-NV1", None, None, None)]),  # no change at all
        rejected("d.xlsx"),
    ]
    wb = empty_master()
    run(wb, files)
    before = (progress(wb), history(wb), receipts(wb))
    assert [r[1] for r in before[2]] == ["a.xlsx", "b.xlsx", "c.xlsx"]  # c changed nothing
    again = run(wb, files, T1)
    assert (progress(wb), history(wb), receipts(wb)) == before
    assert not again.progress_changed and again.changes == () and again.receipts == ()
    assert not any(isinstance(e, WriteValues) and e.sheet != pl.INTAKE_SHEET for e in again.edits())
    results = {f.file: f.result for f in again.files}
    assert results == {
        "a.xlsx": pl.UNCHANGED,
        "b.xlsx": pl.UNCHANGED,
        "c.xlsx": pl.UNCHANGED,
        "d.xlsx": pl.REJECTED,
    }


def test_the_same_bytes_under_two_names_count_once() -> None:
    wb = empty_master()
    a = outcome("a.xlsx", "SNV", [report("PL1-NV1")], sha="1" * 64)
    b = outcome("copy of a.xlsx", "SNV", [report("PL1-NV1")], sha="1" * 64)
    c = run(wb, [b, a])
    assert [(f.file, f.result) for f in c.files] == [
        ("a.xlsx", pl.ACCEPTED),
        ("copy of a.xlsx", pl.UNCHANGED),
    ]
    assert "a.xlsx" in c.files[1].reason


# --- ThuThap ----------------------------------------------------------------------------------


def test_rejections_are_listed_with_their_reason_and_the_last_run_only() -> None:
    wb = empty_master()
    run(wb, [rejected("x.xlsx"), rejected("y.xlsx"), rejected("z.xlsx")])
    c = run(wb, [rejected("x.xlsx", "Không phải tệp Excel (.xlsx).")], T1, folder="/tmp/ve")
    assert intake(wb) == [
        [1, "x.xlsx", None, pl.REJECTED, "Không phải tệp Excel (.xlsx).", "ab" * 32]
    ]
    ws = wb[pl.INTAKE_SHEET]
    assert ws[pl.FOLDER_CELL].value == "/tmp/ve"
    assert ws[pl.RUN_NOTE_CELL].value == c.note()
    assert c.note().startswith("Lần thu thập 09/10/2023 09:00: 1 tệp: nhận 0, từ chối 1")
    assert "x.xlsx: Không phải tệp Excel" in c.alert_text()


def test_a_note_typed_beside_the_report_is_kept() -> None:
    wb = empty_master()
    run(wb, [rejected("x.xlsx"), rejected("y.xlsx")])
    beside = f"{get_column_letter(len(pl.INTAKE_COLUMNS) + 1)}{pl.FIRST_DATA_ROW}"
    wb[pl.INTAKE_SHEET][beside] = "Đã gọi điện nhắc cơ quan"
    run(wb, [rejected("z.xlsx")], T1)
    assert wb[pl.INTAKE_SHEET][beside].value == "Đã gọi điện nhắc cơ quan"
    assert [r[1] for r in intake(wb)] == ["z.xlsx"]


def test_an_empty_folder_writes_only_the_report_sheet() -> None:
    wb = empty_master()
    c = run(wb, [])
    assert {e.sheet for e in c.edits()} == {pl.INTAKE_SHEET}
    assert c.counts == {
        "files": 0,
        "accepted": 0,
        "rejected": 0,
        "superseded": 0,
        "unchanged": 0,
        "changes": 0,
        "progress_rows": 0,
    }


# --- the master's sheets ----------------------------------------------------------------------


def test_a_master_without_the_progress_sheets_gets_them() -> None:
    wb = Workbook()
    c = run(wb, [outcome("a.xlsx", "SNV", [report("PL1-NV1")])])
    assert set(c.create_sheets) == {pl.PROGRESS_SHEET, pl.HISTORY_SHEET, pl.INTAKE_SHEET}
    header = [v.value for v in wb[pl.PROGRESS_SHEET][pl.HEADER_ROW]]
    assert header == [col.header for col in pl.PROGRESS_COLUMNS]
    assert progress(wb)[0]["percent"] == 50
    assert len(history(wb)) == 3


def test_a_damaged_progress_header_names_the_cell_and_plans_nothing() -> None:
    wb = empty_master()
    wb[pl.PROGRESS_SHEET]["C3"] = "Cơ quan"
    with pytest.raises(WorkbookError) as err:
        plan_collection(state_from_values(values_of(wb)), [], T0)
    assert err.value.sheet == pl.PROGRESS_SHEET and err.value.cell == "C3"


def test_a_progress_row_copied_by_hand_stops_the_run_naming_both_rows() -> None:
    """Two rows for one task of one agency: writing the table back would keep only one (the
    other's values, an official's note among them, silently gone)."""
    wb = empty_master()
    run(wb, [outcome("a.xlsx", "SNV", [report("PL1-NV1"), report("PL1-NV2")])])
    ws = wb[pl.PROGRESS_SHEET]
    first, below = pl.FIRST_DATA_ROW + 1, pl.FIRST_DATA_ROW + 3  # a blank row between
    for col in range(1, len(pl.PROGRESS_COLUMNS) + 1):
        ws.cell(below, col).value = ws.cell(first, col).value
    ws.cell(below, PROGRESS_KEYS.index("difficulties") + 1).value = "Ghi chú của chuyên viên"
    with pytest.raises(WorkbookError) as err:
        run(wb, [outcome("b.xlsx", "STC", [report("PL1-NV1")])], T1)
    assert err.value.sheet == pl.PROGRESS_SHEET and err.value.cell == f"A{below}"
    assert f"dòng {below} và dòng {first} cùng là nhiệm vụ «PL1-NV2» của cơ quan SNV" in str(
        err.value
    )
    assert ws.cell(below, PROGRESS_KEYS.index("difficulties") + 1).value == (
        "Ghi chú của chuyên viên"
    )


def test_rows_an_official_typed_without_task_or_agency_are_kept() -> None:
    wb = empty_master()
    wb[pl.PROGRESS_SHEET]["E4"] = "ghi chú tay"
    run(wb, [outcome("a.xlsx", "SNV", [report("PL1-NV1")])])
    rows = progress(wb)
    assert rows[0]["task_id"] == "PL1-NV1" and rows[1]["appendix"] == "ghi chú tay"


def test_a_run_that_would_overflow_a_worksheet_writes_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """TienDo gets a row per task and agency: a province of thousands of agencies can need
    more rows than a worksheet has. The run stops before any edit, saying so."""
    wb = empty_master()
    run(wb, [outcome("a.xlsx", "SNV", [report("PL1-NV1", ex.STATUS_IN_PROGRESS, 40)])])
    used = pl.FIRST_DATA_ROW - 1 + len(progress(wb))
    monkeypatch.setattr(collect, "EXCEL_MAX_ROWS", used + 1)
    more = outcome("b.xlsx", "STP", [report("PL1-NV1"), report("PL1-NV2")])
    with pytest.raises(collect.CollectError) as caught:
        plan_collection(state_from_values(values_of(wb)), [more], T0, context=CONTEXT)
    message = str(caught.value)
    assert pl.PROGRESS_SHEET in message and f"sẽ cần {used + 2} dòng" in message
    assert f"({used + 1})" in message and "không ghi gì" in message
    monkeypatch.setattr(collect, "EXCEL_MAX_ROWS", used + 2)
    assert (
        len(plan_collection(state_from_values(values_of(wb)), [more], T0, context=CONTEXT).progress)
        == 3
    )
