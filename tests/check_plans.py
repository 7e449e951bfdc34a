"""A small plan on which no rule of the checker fires, and helpers to damage it one cell at a time.

PL1: two sections, a numeric target at the max, a target in words, a task per criterion.
PL2: TC 1.1 named as in PL1 (one code, one criterion), a survey criterion whose target is
below its max (allowed). PL3: groups I and II each with a criterion "1.1" (numbered afresh per
group), sections the mean of their criteria, the total the mean of the sections, targets
2022 + 10. PL4: sub-contents 2022 + 0.50, sections and total the sums.
"""

from __future__ import annotations

from typing import Any

from openpyxl.workbook.workbook import Workbook

from kehoach.plan.model import Appendix, Criterion, Plan, Section, Task, Totals
from kehoach.sheets import layout
from kehoach.sheets.sheetdata import SheetValues
from kehoach.workbook.master import new_master


def _task(task_id: str, lead: str = "Sở Nội vụ") -> Task:
    return Task(
        id=task_id,
        text="Thực hiện đúng quy định",
        lead=lead,
        coordinating="Các sở, ban, ngành; UBND cấp huyện",
        timeline="Năm 2023",
    )


def _crit(cid: str, code: str, name: str, **figures: Any) -> Criterion:
    return Criterion(
        id=cid, code=code, name=name, tt=code.split()[-1], tasks=[_task(cid + "/1")], **figures
    )


def clean_plan() -> Plan:
    pl1 = Appendix(
        id="PL1",
        title="Phụ lục 1",
        sections=[
            Section(
                id="I",
                title="CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH",
                criteria=[
                    _crit("PL1-TC-1.1", "TC 1.1", "Thực hiện kế hoạch CCHC", max=1.5, target=1.5),
                    _crit(
                        "PL1-TC-1.3",
                        "TC 1.3",
                        "Công tác kiểm tra CCHC",
                        max=2.0,
                        target_text="Kiểm tra trên 30% cơ quan",
                    ),
                ],
            ),
            Section(
                id="III",
                title="CẢI CÁCH THỦ TỤC HÀNH CHÍNH",
                criteria=[
                    _crit("PL1-TCTP-3.2.3", "TCTP 3.2.3", "Công khai tiến độ", max=1.0, target=1.0)
                ],
            ),
        ],
    )
    pl2 = Appendix(
        id="PL2",
        title="Phụ lục 2",
        sections=[
            Section(
                id="I",
                title="CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH",
                criteria=[
                    _crit(
                        "PL2-TC-1.1",
                        "TC 1.1",
                        "Thực hiện kế hoạch CCHC",
                        max=0.5,
                        score_base=0.0,
                        target=0.5,
                    )
                ],
            ),
            Section(
                id="II",
                title="CẢI CÁCH THỂ CHẾ",
                criteria=[
                    Criterion(
                        id="PL2-TCTP-2.4.1",
                        code="TCTP 2.4.1",
                        name="Tính đồng bộ của các VBQPPL",
                        max=1.0,
                        score_base=0.7646,
                        target=0.9,
                        survey=True,
                        tt="1",
                        tasks=[_task("PL2-TCTP-2.4.1/1", "Sở Tư pháp")],
                    )
                ],
            ),
        ],
    )
    pl3 = Appendix(
        id="PL3",
        title="Phụ lục 3",
        total=Totals(100.0, 75.24, 85.24),
        sections=[
            Section(
                id="I.1",
                title="Trách nhiệm giải trình",
                max=100.0,
                score_base=76.15,
                target=86.15,
                group="I",
                group_title="NHÓM I",
                criteria=[
                    _crit(
                        "PL3-I-1.1",
                        "1.1",
                        "Hình thức cung cấp",
                        max=100.0,
                        score_base=75.59,
                        target=85.59,
                    ),
                    _crit(
                        "PL3-I-1.2",
                        "1.2",
                        "Chất lượng thông tin",
                        max=100.0,
                        score_base=76.71,
                        target=86.71,
                    ),
                ],
            ),
            Section(
                id="II.1",
                title="Tiếp cận dịch vụ",
                max=100.0,
                score_base=74.33,
                target=84.33,
                group="II",
                group_title="NHÓM II",
                criteria=[
                    _crit(
                        "PL3-II-1.1",
                        "1.1",
                        "Cung cấp thông tin về TTHC",
                        max=100.0,
                        score_base=74.33,
                        target=84.33,
                    ),
                ],
            ),
        ],
    )
    pl4 = Appendix(
        id="PL4",
        title="Phụ lục 4",
        total=Totals(5.0, 2.45, 3.45),
        sections=[
            Section(
                id="1",
                title="Chỉ số nội dung 1",
                max=5.0,
                score_base=2.45,
                target=3.45,
                criteria=[
                    _crit(
                        "PL4-1.1", "1.1", "Tri thức công dân", max=2.5, score_base=1.06, target=1.56
                    ),
                    _crit(
                        "PL4-1.2", "1.2", "Cơ hội tham gia", max=2.5, score_base=1.39, target=1.89
                    ),
                ],
            )
        ],
    )
    return Plan(
        "365/KH-UBND",
        "2023-06-08",
        "Kế hoạch thử",
        "UBND tỉnh",
        [pl1, pl2, pl3, pl4],
        base_year=2022,
        target_year=2023,
    )


def clean_workbook() -> Workbook:
    return new_master(clean_plan())


def values_of(wb: Workbook) -> dict[str, SheetValues]:
    """What both shells hand the core: every sheet's values from A1."""
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def row_of(wb: Workbook, sheet: str, row_id: str) -> int:
    """Excel row of the row whose first column ("id") is ``row_id``."""
    for (value,) in wb[sheet].iter_rows(min_col=1, max_col=1):
        if value.value == row_id:
            return int(value.row)
    raise KeyError(row_id)


def columns_of(sheet: str) -> tuple[layout.Column, ...]:
    return layout.expected_sheets()[sheet]


def cell_of(wb: Workbook, sheet: str, row_id: str, key: str) -> str:
    """The cell of column ``key`` in the row ``row_id`` of ``sheet`` ("G12")."""
    return f"{layout.column_letter(columns_of(sheet), key)}{row_of(wb, sheet, row_id)}"


def put(wb: Workbook, sheet: str, row_id: str, key: str, value: Any) -> str:
    """Set one cell by row id and column key; returns its address."""
    cell = cell_of(wb, sheet, row_id, key)
    wb[sheet][cell] = value
    return cell
