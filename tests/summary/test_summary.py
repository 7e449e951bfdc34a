"""The summary core: each classification, counts per agency, rollups, not-reported list, JSON."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from kehoach.common.errors import WorkbookError
from kehoach.plan.timelines import parse_timeline
from kehoach.sheets import layout
from kehoach.sheets import progress_layout as pl
from kehoach.sheets import summary_layout as sl
from kehoach.sheets.sheetdata import workbook_values
from kehoach.state.master import state_from_values
from kehoach.summary.compute import (
    Summary,
    classify,
    deadline,
    not_reported,
    summarize,
    summary_lines,
)
from summary_support import AS_OF, HDND_EMAIL, REPORTS, write_progress

D = date


@pytest.fixture(scope="module")
def reported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from plan_workbooks import build_real_master

    path = build_real_master(tmp_path_factory.mktemp("summary") / "KeHoach2023.xlsm")
    return write_progress(path)


@pytest.fixture(scope="module")
def summary(reported: Path) -> Summary:
    return summarize(state_from_values(workbook_values(reported), file=reported), AS_OF)


@pytest.mark.parametrize(
    ("status", "reported_on", "due", "expected"),
    [
        ("Hoàn thành", D(2023, 12, 31), D(2023, 12, 31), sl.DONE_ON_TIME),  # on the day
        ("Hoàn thành", D(2024, 1, 1), D(2023, 12, 31), sl.DONE_LATE),
        ("Hoàn thành", None, None, sl.DONE_ON_TIME),  # no deadline
        ("Hoàn thành", None, D(2024, 2, 1), sl.DONE_ON_TIME),  # no date, deadline ahead
        ("Hoàn thành", None, D(2023, 12, 31), sl.DONE_LATE),  # no date, deadline passed
        ("Đang thực hiện", D(2024, 1, 1), D(2024, 1, 15), sl.IN_PROGRESS),  # due today
        ("Đang thực hiện", D(2024, 1, 1), D(2024, 1, 14), sl.OVERDUE),
        ("Chưa triển khai", None, None, sl.NOT_STARTED),
        ("Chưa triển khai", None, D(2023, 6, 30), sl.OVERDUE),
        ("Không thực hiện được", None, D(2023, 6, 30), sl.NOT_POSSIBLE),
        ("", None, None, sl.NOT_REPORTED),
        ("", None, D(2024, 3, 31), sl.NOT_REPORTED),
        ("", None, D(2023, 12, 31), sl.OVERDUE),  # nothing reported, past the deadline
    ],
)
def test_classify(status: str, reported_on: date | None, due: date | None, expected: str) -> None:
    assert classify(status, reported_on, due, AS_OF) == expected


@pytest.mark.parametrize(
    ("timeline", "as_of", "due", "counts_from"),
    [
        ("Năm 2023", D(2024, 1, 15), D(2023, 12, 31), None),
        ("Thường xuyên", D(2023, 8, 2), D(2023, 9, 30), D(2023, 7, 1)),
        ("Thường xuyên", D(2024, 1, 15), D(2024, 3, 31), D(2024, 1, 1)),
        # the 12th of the quarter's last month; the last report 12/12/2023
        ("Trước ngày 12 tháng cuối quý và ngày 12/12/2023", D(2023, 12, 20), D(2023, 12, 12),
         D(2023, 10, 1)),
        ("Trước ngày 12 tháng cuối quý và ngày 12/12/2023", D(2024, 1, 15), D(2023, 12, 12),
         D(2023, 10, 1)),
        ("Khi xây dựng các văn bản", D(2024, 1, 15), None, None),
    ],
)  # fmt: skip
def test_deadline(timeline: str, as_of: date, due: date | None, counts_from: date | None) -> None:
    assert deadline(parse_timeline(timeline, 2023), as_of) == (due, counts_from)


def test_every_case_gets_its_status(summary: Summary) -> None:
    items = summary.items.set_index(["task_id", "agency"])
    for task, agency, *_, expected in REPORTS:
        assert items.at[(task, agency), "status"] == expected, (task, agency)


def test_without_evidence_and_reported_flags(summary: Summary) -> None:
    items = summary.items.set_index(["task_id", "agency"])
    flagged = items[items["without_evidence"].astype(bool)].index.tolist()
    assert flagged == [("PL1-TC-1.2/1", "SNV")]  # done, neither document nor explanation
    assert not items.at[("PL1-TC-1.4/1", "SNV"), "reported"]  # last quarter's report
    assert items.at[("PL1-TC-1.4/1", "SNV"), "report_date"] == D(2023, 12, 20)
    assert not items.at[("PL3-I-3.1/3", "NHNN"), "reported"]


def test_assignments_are_those_of_the_agency_workbooks(summary: Summary) -> None:
    o = summary.overall
    assert (o["tasks"], o["lead"], o["coordinating"], o["agencies"]) == (3868, 2300, 1568, 42)
    snv = summary.agencies.loc["SNV"]
    assert (snv["lead"], snv["coordinating"], snv["tasks"]) == (88, 50, 138)


def test_small_agencies_count_by_count(summary: Summary) -> None:
    a = summary.agencies
    zero = dict.fromkeys(sl.STATUS_KEYS, 0)
    cthue = {k: a.at["CTHUE", k] for k in (*sl.COUNT_KEYS, "pct_done", "last_report")}
    assert cthue == {
        "lead": 0, "coordinating": 1, "tasks": 1, "reported": 1,
        **zero, sl.DONE_ON_TIME: 1, "without_evidence": 0,
        "pct_done": 1.0, "last_report": D(2023, 12, 20),
    }  # fmt: skip
    hdnd = {k: a.at["HDND", k] for k in (*sl.COUNT_KEYS, "pct_done", "last_report")}
    assert hdnd == {
        "lead": 0, "coordinating": 2, "tasks": 2, "reported": 0,
        **zero, sl.NOT_REPORTED: 2, "without_evidence": 0,
        "pct_done": 0.0, "last_report": None,
    }  # fmt: skip
    assert a.at["HDND", "emails"] == (HDND_EMAIL,)
    assert (a.at["BVDK", "files_rejected"], a.at["BVDK", "tasks"]) == (2, 3)
    assert summary.rejected_unknown == 1 and summary.overall["files_rejected"] == 3


def test_snv_counts_add_up_from_its_tasks(summary: Summary) -> None:
    snv = summary.agencies.loc["SNV"]
    items = summary.items[summary.items["agency"] == "SNV"]
    assert snv[sl.DONE_ON_TIME] == 2 and snv[sl.DONE_LATE] == 1
    assert snv[sl.IN_PROGRESS] == 1 and snv[sl.NOT_STARTED] == 1 and snv[sl.NOT_POSSIBLE] == 1
    assert snv["reported"] == 7 and snv["without_evidence"] == 1
    # Everything not reported whose deadline has passed is overdue: the reported one, the
    # periods ending 31/12/2023, the "12th of the quarter" work that ended 12/12/2023.
    passed = items[[d is not None and d < AS_OF for d in items["due"]]]
    done = {sl.DONE_ON_TIME, sl.DONE_LATE, sl.NOT_POSSIBLE}
    assert snv[sl.OVERDUE] == sum(1 for s in passed["status"] if s not in done)
    assert snv[sl.OVERDUE] > 1
    assert sum(snv[k] for k in sl.STATUS_KEYS) == snv["tasks"]
    assert snv["last_report"] == D(2024, 1, 10)


def test_rollups_add_up(summary: Summary) -> None:
    keys = list(sl.COUNT_KEYS)
    total = summary.overall
    for frame in (summary.agencies, summary.appendices, summary.sections, summary.criteria):
        assert {k: int(frame[k].sum()) for k in keys} == {k: total[k] for k in keys}
    for appendix, row in summary.appendices.iterrows():
        sections = summary.sections[summary.sections["appendix"] == appendix]
        assert {k: int(sections[k].sum()) for k in keys} == {k: row[k] for k in keys}
    for section, row in summary.sections.iterrows():
        criteria = summary.criteria[summary.criteria["section"] == section]
        assert {k: int(criteria[k].sum()) for k in keys} == {k: row[k] for k in keys}
    pl2 = summary.appendices.loc["PL2"]
    assert pl2[sl.DONE_LATE] == 1 and pl2[sl.IN_PROGRESS] == 1  # STP's 12/12, SNV's month
    tc = summary.criteria.loc["PL2-TC-1.2"]
    assert (tc["code"], tc[sl.DONE_ON_TIME], tc[sl.DONE_LATE]) == ("TC 1.2", 1, 1)


def test_not_reported_lists_agencies_without_an_accepted_file(summary: Summary) -> None:
    missing = not_reported(summary)
    codes = [m.code for m in missing]
    assert len(codes) == 42 - 4  # CTHUE, SNV, STP, NHNN have sent a file
    assert not {"CTHUE", "SNV", "STP", "NHNN"} & set(codes)
    assert "BVDK" in codes  # its only files were rejected
    hdnd = next(m for m in missing if m.code == "HDND")
    assert hdnd.to_dict() == {
        "code": "HDND",
        "name": "HĐND tỉnh",
        "emails": [HDND_EMAIL],
        "lead": 0,
        "coordinating": 2,
    }
    assert summary.overall["agencies_not_reported"] == 38


def test_as_of_moves_the_deadlines(reported: Path) -> None:
    before = summarize(state_from_values(workbook_values(reported)), D(2023, 12, 20))
    items = before.items.set_index(["task_id", "agency"])
    assert items.at[("PL1-TC-2.1/1", "SNV"), "status"] == sl.IN_PROGRESS  # due 31/12 not passed
    assert items.at[("PL1-TC-1.4/1", "SNV"), "status"] == sl.DONE_ON_TIME  # Q4's report counts
    assert (
        before.overall[sl.OVERDUE]
        < summarize(state_from_values(workbook_values(reported)), AS_OF).overall[sl.OVERDUE]
    )


def test_to_dict_is_json_with_the_documented_keys(summary: Summary) -> None:
    data = json.loads(json.dumps(summary.to_dict(), ensure_ascii=False))
    assert set(data) == {
        "as_of", "plan_year", "statuses", "overall", "appendices", "sections", "criteria",
        "agencies", "not_reported", "rejected_unknown", "items",
    }  # fmt: skip
    assert data["as_of"] == "2024-01-15" and data["plan_year"] == 2023
    assert list(data["statuses"]) == list(sl.STATUS_KEYS)
    cthue = next(a for a in data["agencies"] if a["code"] == "CTHUE")
    assert cthue["last_report"] == "2023-12-20" and cthue["emails"] == []
    assert [a["id"] for a in data["appendices"]] == ["PL1", "PL2", "PL3", "PL4"]
    item = next(i for i in data["items"] if i["task_id"] == "PL1-TC-1.2/1" and i["agency"] == "SNV")
    assert item == {
        "task_id": "PL1-TC-1.2/1", "agency": "SNV", "role": "lead", "appendix": "PL1",
        "section": "PL1-I", "criterion": "PL1-TC-1.2", "code": "TC 1.2",
        "timeline_kind": "period", "due": "2023-12-31", "report_date": "2024-01-05",
        "status": sl.DONE_LATE, "reported": True, "without_evidence": True,
    }  # fmt: skip


def test_summary_lines(summary: Summary) -> None:
    lines = summary_lines(summary)
    assert lines[0].startswith(
        "Tính đến ngày 15/1/2024: 3868 lượt giao nhiệm vụ cho 42 cơ quan (0,1% hoàn thành): "
        "hoàn thành đúng hạn: 3; hoàn thành trễ hạn: 2;"
    )
    assert [line.split(":")[0].strip() for line in lines[1:5]] == ["PL1", "PL2", "PL3", "PL4"]
    assert lines[-1].startswith("Cơ quan chưa gửi báo cáo: ")


def test_a_master_without_progress_sheets_has_no_reports(master_xlsm: Path) -> None:
    values = workbook_values(master_xlsm)
    for sheet in ("TienDo", "ThuThap", "LichSu"):
        values.pop(sheet, None)
    s = summarize(state_from_values(values), D(2023, 7, 1))
    assert s.overall["reported"] == 0 and len(not_reported(s)) == 42


def test_a_bad_report_date_names_its_cell(reported: Path) -> None:
    values = workbook_values(reported)
    values["TienDo"][3][13] = "hôm qua"  # column N, "Ngày báo cáo"
    with pytest.raises(WorkbookError, match=r"trang tính 'TienDo', ô N4: .*«hôm qua»"):
        summarize(state_from_values(values), AS_OF)


def test_a_status_typed_by_hand_counts_as_the_list_s_or_is_named(
    reported: Path, summary: Summary
) -> None:
    """A status retyped in TienDo: lower case, decomposed, with a no-break space, it is the
    list's; a word that is none of the list's is named, never counted as no report."""
    import unicodedata

    values = workbook_values(reported)
    rows = values[pl.PROGRESS_SHEET]
    column = layout.column_index(pl.PROGRESS_COLUMNS, "status") - 1
    statuses = [i for i, r in enumerate(rows) if i >= 3 and r[column]]
    for i in statuses:
        typed = unicodedata.normalize("NFD", str(rows[i][column]).lower()) + "\u00a0"
        rows[i] = (*rows[i][:column], typed, *rows[i][column + 1 :])
    retyped = summarize(state_from_values(values), AS_OF)
    assert retyped.overall == summary.overall
    first = statuses[0]
    rows[first] = (*rows[first][:column], "Xong", *rows[first][column + 1 :])
    with pytest.raises(WorkbookError) as err:
        summarize(state_from_values(values), AS_OF)
    letter = get_column_letter(column + 1)
    assert (err.value.sheet, err.value.cell) == (pl.PROGRESS_SHEET, f"{letter}{first + 1}")
    assert "«Xong» không có trong danh sách" in str(err.value)
    assert "«Hoàn thành»" in str(err.value)


def test_a_moved_header_names_its_cell(reported: Path) -> None:
    values = workbook_values(reported)
    values["ThuThap"][2][3] = "Kết quả?"
    with pytest.raises(WorkbookError, match=r"trang tính 'ThuThap', ô D3"):
        summarize(state_from_values(values), AS_OF)


def test_the_core_does_not_import_xlwings() -> None:
    code = (
        "import sys, kehoach.summary.compute, kehoach.summary.sheet, kehoach.workbook.pdfexport; "
        "print('xlwings' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_master_with_iso_text_dates_reads_as_one_with_date_cells(
    reported: Path, summary: Summary, tmp_path: Path
) -> None:
    # Masters collected before the date cells held "2023-12-20" text in TienDo: still read.
    old = Path(shutil.copy2(reported, tmp_path / "cu.xlsm"))
    wb = load_workbook(old, keep_vba=True)
    ws = wb[pl.PROGRESS_SHEET]
    texts = 0
    for key in ("report_date", "received_at"):
        col = layout.column_index(pl.PROGRESS_COLUMNS, key)
        for row in range(pl.FIRST_DATA_ROW, ws.max_row + 1):
            cell = ws.cell(row, col)
            if isinstance(cell.value, datetime):
                cell.value = cell.value.isoformat(sep="T" if key == "received_at" else " ")[
                    : 19 if key == "received_at" else 10
                ]
                cell.number_format = "@"
                texts += 1
    wb.save(old)
    assert texts >= 2 * (len(REPORTS) - 1)
    again = summarize(state_from_values(workbook_values(old), file=old), AS_OF)
    cols = ["task_id", "agency", "status", "report_date"]
    assert again.items[cols].equals(summary.items[cols])
    assert again.overall == summary.overall
