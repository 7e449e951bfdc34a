"""Hand-made progress for the summary tests: TienDo and ThuThap rows as collection writes them
(``progress_layout``), on the real master, with known dates.

The cases, judged on ``AS_OF`` (15/01/2024: "Năm 2023" and "Quý III-IV/2023" are past their
31/12/2023 deadline; "Tháng 01/2024" is not; "Thường xuyên" is due 31/3/2024 for Q1 2024;
"Trước ngày 12 tháng cuối quý và ngày 12/12/2023" ended with its 12/12/2023 report):
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from kehoach.sheets import layout
from kehoach.sheets import progress_layout as pl
from kehoach.sheets import summary_layout as sl
from kehoach.state.master import state_from_values

AS_OF = date(2024, 1, 15)
RECEIVED = datetime(2024, 1, 12, 9, 0, 0)
EVIDENCE = "Số 12/QĐ-UBND ngày 05/12/2023"
HDND_EMAIL = "vanphong@hdnd.backan.gov.vn"

# (task, agency, status, report date, evidence, explanation) → expected status on AS_OF.
REPORTS: list[tuple[str, str, str, date | None, str, str, str]] = [
    # period, due 31/12/2023, done before it
    ("PL2-TC-8.4/1", "CTHUE", "Hoàn thành", date(2023, 12, 20), EVIDENCE, "", sl.DONE_ON_TIME),
    # period, due 31/12/2023, done after it, without evidence or explanation
    ("PL1-TC-1.2/1", "SNV", "Hoàn thành", date(2024, 1, 5), "", "", sl.DONE_LATE),
    # period, due 31/12/2023, still in progress
    ("PL1-TC-2.1/1", "SNV", "Đang thực hiện", date(2023, 12, 1), "", "", sl.OVERDUE),
    # "Tháng 01/2024", due 31/01/2024
    ("PL2-TCTP-4.1.2/1", "SNV", "Đang thực hiện", date(2024, 1, 10), "", "", sl.IN_PROGRESS),
    # "Từ 01/6/2023": a start, no deadline
    ("PL1-TC-3.3/1", "SNV", "Chưa triển khai", date(2024, 1, 10), "", "", sl.NOT_STARTED),
    # event
    ("PL3-I-2.1/1", "SNV", "Không thực hiện được", date(2024, 1, 10), "", "", sl.NOT_POSSIBLE),
    # recurring, reported in Q1 2024, explanation instead of a document
    ("PL1-TC-1.1/1", "SNV", "Hoàn thành", date(2024, 1, 10), "", "Đã gửi", sl.DONE_ON_TIME),
    # recurring, last report from Q4 2023: not this quarter's
    ("PL1-TC-1.4/1", "SNV", "Hoàn thành", date(2023, 12, 20), EVIDENCE, "", sl.NOT_REPORTED),
    # recurring on the 12th, final report 12/12/2023: on time, and late
    ("PL2-TC-1.2/1", "SNV", "Hoàn thành", date(2023, 12, 10), EVIDENCE, "", sl.DONE_ON_TIME),
    ("PL2-TC-1.2/1", "STP", "Hoàn thành", date(2023, 12, 15), EVIDENCE, "", sl.DONE_LATE),
    # a file came back with the status left empty: the agency has reported, the task not
    ("PL3-I-3.1/3", "NHNN", "", None, "", "", sl.NOT_REPORTED),
]
# ThuThap of the last collection: (file, agency, result).
INTAKE: list[tuple[str, str, str]] = [
    ("Cuc-Thue-tinh.xlsx", "CTHUE", pl.ACCEPTED),
    ("So-Noi-vu.xlsx", "SNV", pl.ACCEPTED),
    ("So-Tu-phap.xlsx", "STP", pl.UNCHANGED),
    ("Ngan-hang.xlsx", "NHNN", pl.ACCEPTED),
    ("Benh-vien-da-khoa-tinh.xlsx", "BVDK", pl.REJECTED),
    ("Benh-vien-cu.xlsx", "BVDK", pl.REJECTED),
    ("khong-ro.xlsx", "", pl.REJECTED),
]


def _sheet(wb: Any, name: str, columns: Sequence[layout.Column]) -> Any:
    if name not in wb.sheetnames:  # a master built before the progress sheets
        ws = wb.create_sheet(name)
        for i, col in enumerate(columns, start=1):
            ws.cell(pl.HEADER_ROW, i, col.header)
    return wb[name]


def write_progress(
    path: Path,
    reports: Sequence[tuple[str, str, str, date | None, str, str, str]] = REPORTS,
    intake: Sequence[tuple[str, str, str]] = INTAKE,
) -> Path:
    """Write ``reports`` into TienDo and ``intake`` into ThuThap of the master at ``path``, and
    give HĐND tỉnh an e-mail address in the directory."""
    wb = load_workbook(path, keep_vba=True)
    ws = _sheet(wb, pl.PROGRESS_SHEET, pl.PROGRESS_COLUMNS)
    keys = [c.key for c in pl.PROGRESS_COLUMNS]
    for n, (task, agency, status, day, evidence, explanation, _) in enumerate(reports):
        values = {
            "task_id": task,
            "agency": agency,
            "role": "phối hợp",
            "status": status or None,
            "percent": 100 if status == "Hoàn thành" else None,
            "evidence": evidence or None,
            "explanation": explanation or None,
            "report_date": day,
            "file": f"{agency}.xlsx",
            "received_at": RECEIVED,
        }
        for i, key in enumerate(keys, start=1):
            ws.cell(pl.FIRST_DATA_ROW + n, i, values.get(key))
    ws = _sheet(wb, pl.INTAKE_SHEET, pl.INTAKE_COLUMNS)
    for n, (file, agency, result) in enumerate(intake):
        row = [n + 1, file, agency or None, result, "" if result != pl.REJECTED else "Sai chữ ký"]
        for i, value in enumerate(row, start=1):
            ws.cell(pl.FIRST_DATA_ROW + n, i, value)
    directory = wb[layout.DIRECTORY_SHEET]
    email = layout.column_index(layout.DIRECTORY_COLUMNS, "emails")
    for row in directory.iter_rows(min_row=layout.FIRST_DATA_ROW):
        if row[0].value == "HDND":
            row[email - 1].value = HDND_EMAIL
    wb.save(path)
    return path


def write_round_of_returns(path: Path, seed: int = 7) -> Path:
    """A seeded round of returns in TienDo/ThuThap of the master at ``path``: 70 % of the
    agencies report on every task they have, with mixed statuses and dates (as of ``AS_OF``),
    the others send nothing. For the sheets' renders, not for exact counts."""
    import random

    from kehoach.sheets.sheetdata import workbook_values
    from kehoach.summary.compute import SHEETS_READ, summarize

    summary = summarize(
        state_from_values(workbook_values(path, sheets=SHEETS_READ), file=path), AS_OF
    )
    rnd = random.Random(seed)
    agencies = sorted(set(summary.items["agency"]))
    reporting = set(rnd.sample(agencies, int(len(agencies) * 0.7)))
    statuses = ["Hoàn thành", "Đang thực hiện", "Chưa triển khai", "Không thực hiện được", ""]
    reports = []
    for _, item in summary.items.iterrows():
        if item["agency"] not in reporting:
            continue
        status = rnd.choices(statuses, [5, 3, 1, 0.3, 0.5])[0]
        day = date(2024, 1, rnd.randint(2, 14)) if rnd.random() < 0.7 else date(2023, 12, 20)
        evidence = EVIDENCE if rnd.random() < 0.7 else ""
        reports.append(
            (item["task_id"], item["agency"], status, day if status else None, evidence, "", "")
        )
    intake = [(f"{a}.xlsx", a, pl.ACCEPTED) for a in sorted(reporting)]
    return write_progress(path, reports, intake)
