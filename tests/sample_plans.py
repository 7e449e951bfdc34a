"""The small hand-built plans of the tests, built by one set of helpers, and the helpers to
read and damage a master built from them one cell at a time.

``small_plan``: every shape the master workbook must carry. PL1: sections without groups, a
criterion with words as target, survey mark, an inherited target, variants (of a number
target and of words), tasks with inherited and misplaced fields, a criterion without tasks,
a criterion with both a number and words as target, a task whose text starts with "=". PL2:
four decimals. PL3: totals, groups I and II. PL4: totals and section figures.

``clean_plan``: no rule of the checker fires on it. PL1: two sections, a numeric target at
the max, a target in words, a task per criterion. PL2: TC 1.1 named as in PL1 (one code, one
criterion), a survey criterion whose target is below its max (allowed). PL3: groups I and II
each with a criterion "1.1" (numbered afresh per group), sections the mean of their criteria,
the total the mean of the sections, targets 2022 + 10. PL4: sub-contents 2022 + 0.50,
sections and total the sums.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl.workbook.workbook import Workbook

from kehoach.plan.model import Appendix, Criterion, Plan, Section, Task, Totals, Variant
from kehoach.sheets import layout
from kehoach.sheets.sheetdata import SheetValues
from kehoach.workbook.master import new_master

ALL_AGENCIES = "Các sở, ban, ngành, UBND cấp huyện, UBND cấp xã"
DEPARTMENTS_AND_DISTRICTS = "Các sở, ban, ngành; UBND cấp huyện"

# --- builders -----------------------------------------------------------------------------

Figures = tuple[float, float, float]  # max, base-year score, target


def _figures(figures: Figures | None) -> dict[str, Any]:
    return dict(zip(("max", "score_base", "target"), figures, strict=True)) if figures else {}


def task(
    task_id: str,
    text: str = "Thực hiện đúng quy định",
    lead: str = "Sở Nội vụ",
    coordinating: str = DEPARTMENTS_AND_DISTRICTS,
    timeline: str = "Năm 2023",
    **fields: Any,
) -> Task:
    """A task; ``fields``: the model's other fields (inherited, misplaced, line)."""
    return Task(
        id=task_id, text=text, lead=lead, coordinating=coordinating, timeline=timeline, **fields
    )


def criterion(
    cid: str,
    code: str,
    name: str,
    *,
    tt: str | None = None,
    tasks: Sequence[Task] | None = None,
    figures: Figures | None = None,
    **fields: Any,
) -> Criterion:
    """A criterion; ``tt`` the last word of its code unless given, ``tasks`` one default task
    ``<cid>/1`` unless given; ``fields``: max, target, target_text, survey, variants, line…"""
    return Criterion(
        id=cid,
        code=code,
        name=name,
        tt=code.split()[-1] if tt is None else tt,
        tasks=[task(cid + "/1")] if tasks is None else list(tasks),
        **_figures(figures),
        **fields,
    )


def section(
    sid: str, title: str, *criteria: Criterion, figures: Figures | None = None, **fields: Any
) -> Section:
    """A section of ``criteria``; ``fields``: group, group_title, line."""
    return Section(id=sid, title=title, criteria=list(criteria), **_figures(figures), **fields)


def appendix(aid: str, title: str, *sections: Section, total: Totals | None = None) -> Appendix:
    """An appendix of ``sections``; ``total``: its total row (PL3, PL4)."""
    return Appendix(id=aid, title=title, sections=list(sections), total=total or Totals())


def plan(appendices: list[Appendix], **fields: Any) -> Plan:
    """A plan of 2023 (base year 2022), number 365/KH-UBND of 08/06/2023."""
    base: dict[str, Any] = {"number": "365/KH-UBND", "date": "2023-06-08"}
    return Plan(appendices=appendices, base_year=2022, target_year=2023, **{**base, **fields})


# --- the plans ----------------------------------------------------------------------------


def small_plan() -> Plan:
    pl1 = appendix(
        "PL1",
        "Phụ lục 1. MỤC TIÊU DUY TRÌ",
        section(
            "I",
            "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH",
            criterion(
                "PL1-TC-1.1",
                "TC 1.1",
                "Thực hiện kế hoạch CCHC",
                max=1.5,
                target_text="100% nhiệm vụ được hoàn thành",
                tt="1",
                line=11,
                tasks=[
                    task("PL1-TC-1.1/1", "Theo dõi, đôn đốc\nthực hiện kế hoạch", line=11),
                    task(
                        "PL1-TC-1.1/2",
                        "=Tổng hợp kết quả",
                        timeline="Tháng 12/2023",
                        inherited=["lead", "coordinating"],
                        line=12,
                    ),
                ],
            ),
            criterion(
                "PL1-TC-1.2",
                "TC 1.2",
                "Công tác kiểm tra CCHC",
                max=2.0,
                target_text="100% nhiệm vụ được hoàn thành",
                tt="2",
                survey=True,
                inherited=["target_text"],
                variants=[
                    Variant("name", "Công tác kiểm tra cải cách hành chính", 14),
                    Variant("target_text", "Hoàn thành 100%: đúng hạn", 14),
                ],
                line=13,
                tasks=[
                    task(
                        "PL1-TC-1.2/1",
                        "Kiểm tra tại các đơn vị",
                        lead="Thường xuyên",
                        coordinating="",
                        timeline="Văn phòng UBND tỉnh",
                        misplaced=["lead", "timeline"],
                        line=13,
                    )
                ],
            ),
            line=10,
        ),
        section(
            "II",
            "CẢI CÁCH THỂ CHẾ",
            criterion(
                "PL1-TC-2.3",
                "TC 2.3",
                "Xử lý văn bản trái pháp luật",
                max=1.5,
                target=1.5,
                target_text="Xử lý 100% văn bản",
                tt="1",
                line=21,
                tasks=[],
            ),
            criterion(
                "PL1-TC-2.4",
                "TC 2.4",
                "Tiêu chí có biến thể số",
                max=1.0,
                target=1.0,
                tt="2",
                variants=[Variant("target", "0,75", 23), Variant("max", "1,00", 23)],
                line=22,
                tasks=[],
            ),
            line=20,
        ),
    )
    pl2 = appendix(
        "PL2",
        "Phụ lục 2. KHẮC PHỤC",
        section(
            "VII",
            "XÂY DỰNG CHÍNH QUYỀN ĐIỆN TỬ",
            criterion(
                "PL2-TCTP-7.1.4",
                "TCTP 7.1.4",
                "Tỷ lệ dịch vụ dữ liệu",
                figures=(1.0, 0.6, 1.0),
                tt="2",
                line=31,
                tasks=[
                    task(
                        "PL2-TCTP-7.1.4/1",
                        "Đảm bảo 100% dịch vụ dữ liệu",
                        lead="Sở Thông tin và Truyền thông",
                        coordinating=ALL_AGENCIES,
                        timeline="Thường xuyên",
                        line=31,
                    )
                ],
            ),
            criterion(
                "PL2-TC-7.2",
                "TC 7.2",
                "Tiêu chí bốn chữ số thập phân",
                figures=(0.5, 0.1234, 0.5),
                tt="3",
                line=32,
                tasks=[],
            ),
            line=30,
        ),
    )
    group_i = {"group": "I", "group_title": "NHÓM TIÊU CHÍ XÂY DỰNG CHÍNH SÁCH"}
    group_ii = {"group": "II", "group_title": "NHÓM TIÊU CHÍ CUNG ỨNG DỊCH VỤ HÀNH CHÍNH CÔNG"}
    pl3 = appendix(
        "PL3",
        "Phụ lục 3. CHỈ SỐ HÀI LÒNG",
        section(
            "I.1",
            "Trách nhiệm giải trình",
            criterion(
                "PL3-I-1.1",
                "1.1",
                "Hình thức cung cấp thông tin",
                figures=(100.0, 75.59, 85.59),
                line=41,
                tasks=[
                    task(
                        "PL3-I-1.1/1",
                        "Cung cấp thông tin đầy đủ",
                        lead=ALL_AGENCIES,
                        coordinating="Văn phòng UBND tỉnh",
                        timeline="Thường xuyên",
                        line=41,
                    )
                ],
            ),
            figures=(100.0, 76.15, 86.15),
            line=40,
            **group_i,
        ),
        section(
            "I.2",
            "Cơ hội tham gia",
            figures=(100.0, 73.85, 83.85),
            line=42,
            **group_i,
        ),
        section(
            "II.1",
            "Tiếp cận dịch vụ",
            criterion(
                "PL3-II-1.1",
                "1.1",
                "Cung cấp thông tin về giải quyết TTHC",
                figures=(100.0, 74.98, 84.98),
                line=51,
                tasks=[
                    task(
                        "PL3-II-1.1/1",
                        "Cung cấp thông tin chính xác",
                        lead=ALL_AGENCIES,
                        coordinating="Văn phòng UBND tỉnh",
                        timeline="Thường xuyên",
                        inherited=["lead", "coordinating", "timeline"],
                        line=52,
                    )
                ],
            ),
            figures=(100.0, 76.21, 86.21),
            line=50,
            **group_ii,
        ),
        total=Totals(100.0, 75.24, 85.24),
    )
    pl4 = appendix(
        "PL4",
        "Phụ lục 4. CHỈ SỐ PAPI",
        section(
            "1",
            "Chỉ số nội dung “Tham gia của người dân ở cấp cơ sở”",
            criterion(
                "PL4-1.1",
                "1.1",
                "Tri thức công dân",
                figures=(2.5, 1.06, 1.56),
                line=61,
                tasks=[
                    task(
                        "PL4-1.1/1",
                        "Đẩy mạnh tuyên truyền",
                        lead="Sở Tư pháp; UBND cấp huyện, cấp xã",
                        coordinating="Sở Văn hóa, Thể thao và Du lịch",
                        timeline="Thường xuyên",
                        line=61,
                    )
                ],
            ),
            figures=(10.0, 5.39, 9.63),
            line=60,
        ),
        total=Totals(80.0, 42.41, 58.57),
    )
    return plan(
        [pl1, pl2, pl3, pl4],
        title="Khắc phục những tồn tại, hạn chế các chỉ số năm 2022",
        issuer="UBND tỉnh Bắc Kạn",
        province="Bắc Kạn",
    )


def clean_plan() -> Plan:
    pl1 = appendix(
        "PL1",
        "Phụ lục 1",
        section(
            "I",
            "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH",
            criterion("PL1-TC-1.1", "TC 1.1", "Thực hiện kế hoạch CCHC", max=1.5, target=1.5),
            criterion(
                "PL1-TC-1.3",
                "TC 1.3",
                "Công tác kiểm tra CCHC",
                max=2.0,
                target_text="Kiểm tra trên 30% cơ quan",
            ),
        ),
        section(
            "III",
            "CẢI CÁCH THỦ TỤC HÀNH CHÍNH",
            criterion("PL1-TCTP-3.2.3", "TCTP 3.2.3", "Công khai tiến độ", max=1.0, target=1.0),
        ),
    )
    pl2 = appendix(
        "PL2",
        "Phụ lục 2",
        section(
            "I",
            "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH",
            criterion("PL2-TC-1.1", "TC 1.1", "Thực hiện kế hoạch CCHC", figures=(0.5, 0.0, 0.5)),
        ),
        section(
            "II",
            "CẢI CÁCH THỂ CHẾ",
            criterion(
                "PL2-TCTP-2.4.1",
                "TCTP 2.4.1",
                "Tính đồng bộ của các VBQPPL",
                figures=(1.0, 0.7646, 0.9),
                survey=True,
                tt="1",
                tasks=[task("PL2-TCTP-2.4.1/1", lead="Sở Tư pháp")],
            ),
        ),
    )
    pl3 = appendix(
        "PL3",
        "Phụ lục 3",
        section(
            "I.1",
            "Trách nhiệm giải trình",
            criterion("PL3-I-1.1", "1.1", "Hình thức cung cấp", figures=(100.0, 75.59, 85.59)),
            criterion("PL3-I-1.2", "1.2", "Chất lượng thông tin", figures=(100.0, 76.71, 86.71)),
            figures=(100.0, 76.15, 86.15),
            group="I",
            group_title="NHÓM I",
        ),
        section(
            "II.1",
            "Tiếp cận dịch vụ",
            criterion(
                "PL3-II-1.1", "1.1", "Cung cấp thông tin về TTHC", figures=(100.0, 74.33, 84.33)
            ),
            figures=(100.0, 74.33, 84.33),
            group="II",
            group_title="NHÓM II",
        ),
        total=Totals(100.0, 75.24, 85.24),
    )
    pl4 = appendix(
        "PL4",
        "Phụ lục 4",
        section(
            "1",
            "Chỉ số nội dung 1",
            criterion("PL4-1.1", "1.1", "Tri thức công dân", figures=(2.5, 1.06, 1.56)),
            criterion("PL4-1.2", "1.2", "Cơ hội tham gia", figures=(2.5, 1.39, 1.89)),
            figures=(5.0, 2.45, 3.45),
        ),
        total=Totals(5.0, 2.45, 3.45),
    )
    return plan([pl1, pl2, pl3, pl4], title="Kế hoạch thử", issuer="UBND tỉnh")


def lines(plan: Plan) -> list[tuple[str, int]]:
    """Every section, criterion and task with its line (``to_dict`` leaves lines out)."""
    out: list[tuple[str, int]] = []
    for a in plan.appendices:
        for s in a.sections:
            out.append((f"{a.id}-{s.id}", s.line))
            for c in s.criteria:
                out.append((c.id, c.line))
                out.extend((t.id, t.line) for t in c.tasks)
    return out


# --- a master of the clean plan, damaged one cell at a time -------------------------------


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
