"""Timelines: every timeline of the real plan, the forms around them, and unparsed text."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kehoach.plan.importer import load_default_plan
from kehoach.plan.timelines import (
    KIND_LABELS,
    KINDS,
    QUARTERLY,
    Timeline,
    current_period_due,
    date_vi,
    due_dates,
    parse_timeline,
)

D = date
# (text, kind, start, end, due, report_day): every distinct timeline of Plan 365 as imported.
REAL: list[tuple[str, str, date | None, date | None, date | None, int | None]] = [
    ("Thường xuyên", "recurring", None, None, None, None),
    ("Năm 2023", "period", D(2023, 1, 1), D(2023, 12, 31), D(2023, 12, 31), None),
    ("Quý III-IV/2023", "period", D(2023, 7, 1), D(2023, 12, 31), D(2023, 12, 31), None),
    ("Tháng 01/2024", "date", D(2024, 1, 1), D(2024, 1, 31), D(2024, 1, 31), None),
    # A start date is not a deadline: the task runs from then, with no due date.
    ("Từ 01/6/2023", "date", D(2023, 6, 1), None, None, None),
    (
        "Trước ngày 12 tháng cuối quý và ngày 12/12/2023",
        "recurring",
        None,
        D(2023, 12, 12),
        None,
        12,
    ),
    ("Khi xây dựng các văn bản", "event", None, None, None, None),
    ("Khi xây dựng hoặc triển khai các chính sách", "event", None, None, None, None),
    (
        "Khi có văn bản chỉ đạo, hướng dẫn của Bộ Thông tin và Truyền thông",
        "event",
        None,
        None,
        None,
        None,
    ),
    ("", "empty", None, None, None, None),
    # Agencies in the timeline column (PL2 TCTP 6.1.4, 7.1.4): not a timeline.
    ("Các sở, ban, ngành, UBND cấp huyện, UBND cấp xã", "unparsed", None, None, None, None),
    (
        "Các cơ quan, đơn vị, địa phương; đơn vị cung cấp phần mềm",
        "unparsed",
        None,
        None,
        None,
        None,
    ),
]


@pytest.mark.parametrize(
    ("text", "kind", "start", "end", "due", "day"), REAL, ids=[c[0][:30] or "empty" for c in REAL]
)
def test_real_timelines(
    text: str,
    kind: str,
    start: date | None,
    end: date | None,
    due: date | None,
    day: int | None,
) -> None:
    tl = parse_timeline(text, 2023)
    assert (tl.kind, tl.start, tl.end, tl.due, tl.report_day) == (kind, start, end, due, day)
    assert tl.recurrence == (QUARTERLY if kind == "recurring" else "")
    assert tl.text == text
    assert tl.label_vi


def test_table_covers_every_timeline_of_the_plan() -> None:
    found = {t.timeline for *_, t in load_default_plan().iter_tasks()}
    assert found == {case[0] for case in REAL}


def test_labels_of_the_real_timelines() -> None:
    labels = {text: parse_timeline(text, 2023).label_vi for text, *_ in REAL}
    assert labels["Năm 2023"] == "Năm 2023 (hạn 31/12/2023)"
    assert labels["Quý III-IV/2023"] == "Quý III–IV/2023 (hạn 31/12/2023)"
    assert labels["Tháng 01/2024"] == "Trong tháng 01/2024 (hạn 31/1/2024)"
    assert labels["Từ 01/6/2023"] == "Bắt đầu từ 01/6/2023 (không ghi hạn hoàn thành)"
    assert labels["Thường xuyên"] == "Thường xuyên: báo cáo hằng quý, hạn ngày cuối quý"
    assert labels["Trước ngày 12 tháng cuối quý và ngày 12/12/2023"] == (
        "Định kỳ hằng quý, hạn ngày 12 tháng cuối quý; lần cuối 12/12/2023"
    )
    assert labels[""] == "Chưa ghi thời gian thực hiện"
    assert labels["Khi xây dựng các văn bản"].startswith("Theo sự kiện")
    assert labels["Các sở, ban, ngành, UBND cấp huyện, UBND cấp xã"] == (
        "Không đọc được thời hạn «Các sở, ban, ngành, UBND cấp huyện, UBND cấp xã»"
    )


# (text, kind, start, end, due): the same forms written otherwise, and their neighbours.
VARIANTS: list[tuple[str, str, date | None, date | None, date | None]] = [
    ("THƯỜNG XUYÊN", "recurring", None, None, None),
    ("thường xuyên.", "recurring", None, None, None),
    ("Thuong xuyen", "recurring", None, None, None),
    ("  Thường   xuyên  ", "recurring", None, None, None),
    ("Hằng quý", "recurring", None, None, None),
    ("Hàng quý", "recurring", None, None, None),
    ("Định kỳ hằng quý", "recurring", None, None, None),
    ("NĂM 2023", "period", D(2023, 1, 1), D(2023, 12, 31), D(2023, 12, 31)),
    ("Nam 2024", "period", D(2024, 1, 1), D(2024, 12, 31), D(2024, 12, 31)),
    ("Trong năm 2023", "period", D(2023, 1, 1), D(2023, 12, 31), D(2023, 12, 31)),
    ("Quý I/2023", "period", D(2023, 1, 1), D(2023, 3, 31), D(2023, 3, 31)),
    ("Quý II/2023", "period", D(2023, 4, 1), D(2023, 6, 30), D(2023, 6, 30)),
    ("Quý III/2023", "period", D(2023, 7, 1), D(2023, 9, 30), D(2023, 9, 30)),
    ("Quý IV/2023", "period", D(2023, 10, 1), D(2023, 12, 31), D(2023, 12, 31)),
    ("quý iv năm 2023", "period", D(2023, 10, 1), D(2023, 12, 31), D(2023, 12, 31)),
    ("Quý 3/2023", "period", D(2023, 7, 1), D(2023, 9, 30), D(2023, 9, 30)),
    ("Quý III – IV/2023", "period", D(2023, 7, 1), D(2023, 12, 31), D(2023, 12, 31)),
    ("Quý III và IV năm 2023", "period", D(2023, 7, 1), D(2023, 12, 31), D(2023, 12, 31)),
    ("Quý I-II/2024", "period", D(2024, 1, 1), D(2024, 6, 30), D(2024, 6, 30)),
    ("Quy III-IV/2023", "period", D(2023, 7, 1), D(2023, 12, 31), D(2023, 12, 31)),
    ("Quý III", "period", D(2023, 7, 1), D(2023, 9, 30), D(2023, 9, 30)),  # the plan's year
    ("Tháng 1/2024", "date", D(2024, 1, 1), D(2024, 1, 31), D(2024, 1, 31)),
    ("tháng 02/2024", "date", D(2024, 2, 1), D(2024, 2, 29), D(2024, 2, 29)),  # leap year
    ("Tháng 12 năm 2023", "date", D(2023, 12, 1), D(2023, 12, 31), D(2023, 12, 31)),
    ("Tháng 6-9/2023", "period", D(2023, 6, 1), D(2023, 9, 30), D(2023, 9, 30)),
    ("Từ ngày 01/6/2023", "date", D(2023, 6, 1), None, None),
    ("từ 1/6/2023", "date", D(2023, 6, 1), None, None),
    ("Từ 01/6/2023 đến 31/12/2023", "period", D(2023, 6, 1), D(2023, 12, 31), D(2023, 12, 31)),
    ("Trước ngày 30/6/2023", "date", None, D(2023, 6, 30), D(2023, 6, 30)),
    ("Trước 20/6/2023", "date", None, D(2023, 6, 20), D(2023, 6, 20)),
    ("Chậm nhất ngày 15/11/2023", "date", None, D(2023, 11, 15), D(2023, 11, 15)),
    ("30.6.2023", "date", None, D(2023, 6, 30), D(2023, 6, 30)),
    ("Sau khi có hướng dẫn của Bộ Nội vụ", "event", None, None, None),
    ("khi có yêu cầu", "event", None, None, None),
    ("   ", "empty", None, None, None),
]


@pytest.mark.parametrize(
    ("text", "kind", "start", "end", "due"), VARIANTS, ids=[c[0] for c in VARIANTS]
)
def test_variants(
    text: str, kind: str, start: date | None, end: date | None, due: date | None
) -> None:
    tl = parse_timeline(text, 2023)
    assert (tl.kind, tl.start, tl.end, tl.due) == (kind, start, end, due)


def test_decomposed_unicode_reads_like_composed() -> None:
    for text, *_ in REAL:
        nfd = unicodedata.normalize("NFD", text)
        assert parse_timeline(nfd, 2023).kind == parse_timeline(text, 2023).kind


def test_year_fills_in_only_where_the_text_has_none() -> None:
    assert parse_timeline("Quý III", year=2024).due == D(2024, 9, 30)
    assert parse_timeline("Tháng 12", year=2024).due == D(2024, 12, 31)
    assert parse_timeline("Quý III/2023", year=2024).due == D(2023, 9, 30)
    assert parse_timeline("Năm 2023", year=2030).due == D(2023, 12, 31)


UNPARSED = [
    "2023",
    "Năm",
    "Năm 23",
    "Quý V/2023",
    "Quý IV-III/2023",  # backwards
    "Tháng 13/2023",
    "Tháng 0/2023",
    "Tháng 9-6/2023",
    "Trước ngày 31/02/2023",  # no such day
    "Từ 01/6/2023 đến 01/5/2023",  # ends before it starts
    "Trước ngày 40 tháng cuối quý",
    "Trước ngày 12 tháng cuối quý và ngày 31/13/2023",
    "Đầu năm 2023",
    "Sớm",
    "Theo kế hoạch",
    "Khi",
    "Sở Nội vụ",
    "Năm 2023; Thường xuyên",
]


@pytest.mark.parametrize("text", UNPARSED)
def test_unparsed_is_reported_never_guessed(text: str) -> None:
    tl = parse_timeline(text, 2023)
    assert tl == Timeline("unparsed", text, f"Không đọc được thời hạn «{text}»")


@given(st.text(max_size=40))
def test_any_text_gives_a_timeline(text: str) -> None:
    tl = parse_timeline(text, 2023)
    assert tl.kind in KINDS
    assert tl.text == text
    assert tl.kind_label == KIND_LABELS[tl.kind]
    if tl.due is not None:
        assert tl.kind in ("date", "period")
        assert tl.start is None or tl.start <= tl.due


def test_quarterly_due_dates() -> None:
    assert due_dates(parse_timeline("Thường xuyên", 2023), 2023) == [
        D(2023, 3, 31),
        D(2023, 6, 30),
        D(2023, 9, 30),
        D(2023, 12, 31),
    ]
    report = parse_timeline("Trước ngày 12 tháng cuối quý và ngày 12/12/2023", 2023)
    assert due_dates(report, 2023) == [
        D(2023, 3, 12),
        D(2023, 6, 12),
        D(2023, 9, 12),
        D(2023, 12, 12),
    ]
    assert due_dates(report, 2024) == []  # its last report is 12/12/2023
    open_ended = parse_timeline("Trước ngày 12 tháng cuối quý", 2023)
    assert open_ended.end is None
    assert due_dates(open_ended, 2024)[0] == D(2024, 3, 12)
    assert due_dates(parse_timeline("Năm 2023", 2023), 2023) == []
    assert due_dates(parse_timeline("Khi xây dựng các văn bản", 2023), 2023) == []


def test_report_day_past_a_short_month_is_its_last_day() -> None:
    tl = parse_timeline("Trước ngày 31 tháng cuối quý", 2023)
    assert due_dates(tl, 2023) == [D(2023, 3, 31), D(2023, 6, 30), D(2023, 9, 30), D(2023, 12, 31)]


@pytest.mark.parametrize(
    ("text", "as_of", "due"),
    [
        ("Thường xuyên", D(2023, 1, 1), D(2023, 3, 31)),
        ("Thường xuyên", D(2023, 3, 31), D(2023, 3, 31)),
        ("Thường xuyên", D(2023, 4, 1), D(2023, 6, 30)),
        ("Thường xuyên", D(2023, 8, 15), D(2023, 9, 30)),
        ("Thường xuyên", D(2024, 2, 1), D(2024, 3, 31)),
        ("Trước ngày 12 tháng cuối quý và ngày 12/12/2023", D(2023, 8, 15), D(2023, 9, 12)),
        # After the 12th of the quarter's last month: still that quarter's (missed) report.
        ("Trước ngày 12 tháng cuối quý và ngày 12/12/2023", D(2023, 9, 20), D(2023, 9, 12)),
        ("Trước ngày 12 tháng cuối quý và ngày 12/12/2023", D(2023, 12, 31), D(2023, 12, 12)),
        ("Trước ngày 12 tháng cuối quý và ngày 12/12/2023", D(2024, 1, 5), None),
        ("Năm 2023", D(2023, 8, 15), D(2023, 12, 31)),
        ("Tháng 01/2024", D(2023, 8, 15), D(2024, 1, 31)),
        ("Từ 01/6/2023", D(2023, 8, 15), None),
        ("Khi xây dựng các văn bản", D(2023, 8, 15), None),
        ("", D(2023, 8, 15), None),
        ("Sở Nội vụ", D(2023, 8, 15), None),
    ],
)
def test_current_period_due(text: str, as_of: date, due: date | None) -> None:
    assert current_period_due(parse_timeline(text, 2023), as_of) == due


def test_date_vi_is_the_plans_style() -> None:
    assert date_vi(D(2023, 6, 1)) == "01/6/2023"
    assert date_vi(D(2023, 12, 12)) == "12/12/2023"


def test_timeline_is_frozen() -> None:
    tl = parse_timeline("Năm 2023", 2023)
    with pytest.raises(AttributeError):
        tl.kind = "date"  # type: ignore[misc]
