"""What an agency's report on one task must satisfy, as data: ``completion_problems``.

The agency workbook shows the same rules as a warning (a formula column and a red fill, see
``kehoach.extract.book``); the collection step enforces them with this function. PAR INDEX scoring
counts a task as done only with the document that proves it (its number and date), so a task
marked "Hoàn thành" needs such evidence or a written explanation of why there is none.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from kehoach.common.celltext import cell_text
from kehoach.sheets import extract_layout as ex

# "Số 12/QĐ-UBND", "123/KH-SNV", "45/2026/NQ-HĐND": a number, a slash, then a symbol.
_DOCUMENT_NUMBER = re.compile(r"\b\d+\s*/\s*(?:\d{4}\s*/\s*)?[A-ZĐ][\w-]*", re.UNICODE)
# "ngày 12/5/2026", "12/05/2026", "12-5-2026", "12.5.2026".
_DOCUMENT_DATE = re.compile(r"\b\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}\b")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a report row: the input column (a key) and a Vietnamese message."""

    field: str
    message: str


def _text(value: Any) -> str:
    return cell_text(value).strip()


def cites_document(evidence: str) -> bool:
    """Whether ``evidence`` names a document by number and date ("Số 12/QĐ-UBND ngày 5/6/2026")."""
    return bool(_DOCUMENT_NUMBER.search(evidence)) and bool(_DOCUMENT_DATE.search(evidence))


def done_problems(row: Mapping[str, Any], percent: float | None) -> list[Problem]:
    """What a row marked "Hoàn thành" must also satisfy, its values already valid one by one
    (``percent``: the row's % as a number, None when blank): 100 %, and a document cited by
    number and date or an explanation."""
    problems: list[Problem] = []
    if percent is not None and percent < 100:
        problems.append(
            Problem(
                ex.PERCENT_KEY,
                f"Nhiệm vụ «Hoàn thành» nhưng % hoàn thành là {percent:g}, phải là 100.",
            )
        )
    evidence = _text(row.get(ex.EVIDENCE_KEY))
    explanation = _text(row.get(ex.EXPLANATION_KEY))
    if not explanation and not cites_document(evidence):
        message = (
            "Nhiệm vụ «Hoàn thành» cần văn bản chứng minh ghi rõ số và ngày "
            "(ví dụ «Số 12/QĐ-UBND ngày … tháng … năm …»), hoặc lời giải trình."
        )
        if evidence:
            message += f" «{evidence}» thiếu số hoặc ngày văn bản."
        problems.append(Problem(ex.EVIDENCE_KEY, message))
    return problems


def completion_problems(row: Mapping[str, Any], *, plan_date: date | None = None) -> list[Problem]:
    """The problems of one report row, keyed by ``extract_layout.INPUT_COLUMNS`` keys.

    - the status is one of ``STATUSES`` (or blank: not reported yet);
    - "% hoàn thành" is a number from 0 to 100, and 100 for a completed task;
    - a completed task cites a document by number and date, or is explained;
    - the report date is a date, not before ``plan_date`` when given.

    An empty list means the row is acceptable. Never raises on odd values.
    """
    problems: list[Problem] = []
    status = _text(row.get(ex.STATUS_KEY))
    if status and status not in ex.STATUSES:
        allowed = ", ".join(f"«{s}»" for s in ex.STATUSES)
        problems.append(
            Problem(ex.STATUS_KEY, f"Tình trạng «{status}» không hợp lệ (chọn {allowed}).")
        )
    percent = row.get(ex.PERCENT_KEY)
    number: float | None = None
    if percent is not None and _text(percent):
        if isinstance(percent, bool) or not isinstance(percent, int | float):
            problems.append(
                Problem(ex.PERCENT_KEY, f"% hoàn thành phải là số, đang là «{percent}».")
            )
        elif not 0 <= percent <= 100:
            problems.append(
                Problem(ex.PERCENT_KEY, f"% hoàn thành phải từ 0 đến 100, đang là {percent}.")
            )
        else:
            number = float(percent)
    if status == ex.STATUS_DONE:
        problems += done_problems(row, number)
    reported = row.get(ex.REPORT_DATE_KEY)
    if reported is not None and _text(reported):
        day = reported.date() if isinstance(reported, datetime) else reported
        if not isinstance(day, date):
            problems.append(
                Problem(ex.REPORT_DATE_KEY, f"Ngày báo cáo phải là ngày, đang là «{reported}».")
            )
        elif plan_date is not None and day < plan_date:
            problems.append(
                Problem(
                    ex.REPORT_DATE_KEY,
                    f"Ngày báo cáo {day:%d/%m/%Y} trước ngày ban hành Kế hoạch "
                    f"{plan_date:%d/%m/%Y}.",
                )
            )
    return problems
