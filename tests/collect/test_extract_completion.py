"""completion_problems: the rules a report row must satisfy (collect enforces them)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from kehoach.collect.completion import cites_document, completion_problems
from kehoach.sheets import extract_layout as ex

DONE = ex.STATUS_DONE
DOC = "Số 12/QĐ-UBND ngày 05/6/2023"


def fields(row: dict[str, Any], **kwargs: Any) -> list[str]:
    return [p.field for p in completion_problems(row, **kwargs)]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({}, []),  # not reported yet
        ({ex.STATUS_KEY: ex.STATUS_IN_PROGRESS, ex.PERCENT_KEY: 40}, []),
        ({ex.STATUS_KEY: DONE, ex.PERCENT_KEY: 100, ex.EVIDENCE_KEY: DOC}, []),
        ({ex.STATUS_KEY: DONE, ex.EVIDENCE_KEY: "Kế hoạch 45/KH-SNV ngày 1/7/2023"}, []),
        (
            {ex.STATUS_KEY: DONE, ex.EXPLANATION_KEY: "Việc thường xuyên, không ban hành văn bản"},
            [],
        ),
        ({ex.STATUS_KEY: DONE}, [ex.EVIDENCE_KEY]),
        ({ex.STATUS_KEY: DONE, ex.EVIDENCE_KEY: "   ", ex.EXPLANATION_KEY: " "}, [ex.EVIDENCE_KEY]),
        ({ex.STATUS_KEY: DONE, ex.EVIDENCE_KEY: "Quyết định 12/QĐ-UBND"}, [ex.EVIDENCE_KEY]),
        ({ex.STATUS_KEY: DONE, ex.EVIDENCE_KEY: "ngày 05/6/2023"}, [ex.EVIDENCE_KEY]),
        ({ex.STATUS_KEY: DONE, ex.PERCENT_KEY: 90, ex.EVIDENCE_KEY: DOC}, [ex.PERCENT_KEY]),
        ({ex.STATUS_KEY: "Xong"}, [ex.STATUS_KEY]),
        ({ex.PERCENT_KEY: 101}, [ex.PERCENT_KEY]),
        ({ex.PERCENT_KEY: -1}, [ex.PERCENT_KEY]),
        ({ex.PERCENT_KEY: "nửa"}, [ex.PERCENT_KEY]),
        ({ex.PERCENT_KEY: True}, [ex.PERCENT_KEY]),
        ({ex.PERCENT_KEY: 0}, []),
        ({ex.PERCENT_KEY: 100.0}, []),
        ({ex.REPORT_DATE_KEY: "hôm qua"}, [ex.REPORT_DATE_KEY]),
        ({ex.REPORT_DATE_KEY: datetime(2023, 9, 30)}, []),
        ({ex.REPORT_DATE_KEY: date(2023, 9, 30)}, []),
    ],
)
def test_rules(row: dict[str, Any], expected: list[str]) -> None:
    assert fields(row) == expected


def test_report_date_not_before_the_plan() -> None:
    row = {ex.REPORT_DATE_KEY: datetime(2023, 6, 7)}
    problems = completion_problems(row, plan_date=date(2023, 6, 8))
    assert [p.field for p in problems] == [ex.REPORT_DATE_KEY]
    assert "07/06/2023" in problems[0].message and "08/06/2023" in problems[0].message
    assert (
        completion_problems({ex.REPORT_DATE_KEY: date(2023, 6, 8)}, plan_date=date(2023, 6, 8))
        == []
    )


def test_messages_say_what_to_do() -> None:
    (problem,) = completion_problems({ex.STATUS_KEY: DONE, ex.EVIDENCE_KEY: "Đã họp"})
    assert "số và ngày" in problem.message and "giải trình" in problem.message
    assert "«Đã họp» thiếu số hoặc ngày" in problem.message
    (problem,) = completion_problems({ex.STATUS_KEY: "Xong"})
    assert all(s in problem.message for s in ex.STATUSES)


@pytest.mark.parametrize(
    ("text", "cites"),
    [
        (DOC, True),
        ("Nghị quyết số 45/2023/NQ-HĐND ngày 12.7.2023", True),
        ("Báo cáo 7/BC-SNV, 30-9-2023", True),
        ("Công văn số 123/SNV-CCHC", False),
        ("ngày 12/7/2023", False),
        ("", False),
    ],
)
def test_cites_document(text: str, cites: bool) -> None:
    assert cites_document(text) is cites
