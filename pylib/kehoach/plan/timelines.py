"""Task timelines ("Thời gian thực hiện") read as a kind and dates.

``parse_timeline`` turns the plan's words into a ``Timeline``:

=============  ==============================================  =====================================
kind           written                                         dates
=============  ==============================================  =====================================
``date``       "Tháng 01/2027", "Trước ngày 30/6/2026",        due: the date (a month: its last
               "Từ 01/6/2026"                                   day); "Từ …" gives a start only, and
                                                               a start is not a deadline: due None
``period``     "Năm 2026", "Quý III-IV/2026",                  start, end; due = end of the period
               "Từ 01/6/2026 đến 31/12/2026"
``recurring``  "Thường xuyên", "Hằng quý", "Trước ngày 12      due None: the reports fall due every
               tháng cuối quý và ngày 12/12/2026"              quarter (``due_dates``); end = the
                                                               final date when the text gives one
``event``      "Khi có văn bản chỉ đạo…", "Sau khi …"          none: it happens when the event does
``empty``      ""                                              none
``unparsed``   anything else                                   none: reported, never guessed
=============  ==============================================  =====================================

"Thường xuyên" (continuous work) is reported on every quarter; the plan gives no report day
for it, so its reports fall due on the quarter's last day (``report_day`` None). A text naming the
day ("Trước ngày 12 tháng cuối quý") sets it. Matching ignores case, extra spaces, Unicode
normalisation (NFC/NFD) and missing diacritics ("Thuong xuyen", "NAM 2026"); a year left out
("Quý III", "Tháng 12") is the plan's year, ``year``. Pure: no I/O.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kehoach.plan.model import Plan

KINDS: tuple[str, ...] = ("date", "period", "recurring", "event", "empty", "unparsed")
# Short Vietnamese labels of the kinds (column "Loại thời hạn" of the tasks sheet).
KIND_LABELS: dict[str, str] = {
    "date": "Ngày",
    "period": "Giai đoạn",
    "recurring": "Định kỳ",
    "event": "Theo sự kiện",
    "empty": "Chưa ghi",
    "unparsed": "Không đọc được",
}
QUARTERLY = "quarterly"

_ROMAN_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_ROMAN_LABELS = {1: "I", 2: "II", 3: "III", 4: "IV"}


@dataclass(frozen=True)
class Timeline:
    """A task's timeline: its kind, its dates and a Vietnamese description.

    ``due`` is the deadline a report is judged against (the date, or the end of the period);
    None for a start date alone, for recurring work (see ``due_dates``), events, empty and
    unparsed text. ``recurrence`` is ``"quarterly"`` for recurring work, else "";
    ``report_day`` the day of the quarter's last month its reports fall due (None: the
    quarter's last day). ``text`` is the timeline as written.
    """

    kind: str
    text: str
    label_vi: str
    start: date | None = None
    end: date | None = None
    due: date | None = None
    recurrence: str = ""
    report_day: int | None = None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


# --- the public functions ----------------------------------------------------------------


def parse_timeline(text: str, year: int) -> Timeline:
    """Read a task's timeline; ``year`` is the plan's year, for texts that leave it out.

    Never raises on odd text: what no pattern reads is a Timeline of kind ``"unparsed"``.
    """
    key = _key(text)
    if not key:
        return Timeline("empty", text, "Chưa ghi thời gian thực hiện")
    for parse in _PARSERS:
        found = parse(key, text, year)
        if found is not None:
            return found
    return Timeline("unparsed", text, f"Không đọc được thời hạn «{_clean(text)}»")


def due_dates(tl: Timeline, year: int) -> list[date]:
    """The report dates of recurring work in ``year``, one per quarter, in order.

    A final date (``tl.end``) cuts the list there; [] for a timeline that does not recur.
    """
    if tl.kind != "recurring":
        return []
    dates = [_quarter_due(year, q, tl.report_day) for q in range(1, 5)]
    return [d for d in dates if tl.end is None or d <= tl.end]


def current_period_due(tl: Timeline, as_of: date) -> date | None:
    """The deadline that applies on ``as_of``.

    Recurring work: the report date of the quarter containing ``as_of`` (None once past the
    final date). Any other timeline: its one deadline, ``tl.due`` (None when it has none).
    """
    if tl.kind != "recurring":
        return tl.due
    due = _quarter_due(as_of.year, (as_of.month - 1) // 3 + 1, tl.report_day)
    if tl.end is not None and due > tl.end:
        return None
    return due


def date_vi(d: date) -> str:
    """ "01/6/2026": day with two digits, month without a leading zero (the plan's style)."""
    return f"{d.day:02d}/{d.month}/{d.year}"


# --- matching ----------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")
_DASHES = re.compile(r"\s*[-‐‑‒–—]\s*")


def _key(text: str) -> str:
    """Lower case, no diacritics, single spaces, one kind of dash, no closing punctuation."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = _DASHES.sub("-", _SPACES.sub(" ", bare)).strip().rstrip(".;,").strip()
    return bare.lower()


def _clean(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


_DATE = r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})"
_YEAR = r"(?:/|\s+nam\s+)(\d{4})"


def _day(d: str, m: str, y: str) -> date | None:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _quarter_due(y: int, q: int, day: int | None) -> date:
    last_month = 3 * q
    if day is None:
        return _month_end(y, last_month)
    return date(y, last_month, min(day, calendar.monthrange(y, last_month)[1]))


def _year_of(found: str | None, year: int) -> int:
    return int(found) if found else year


def _parse_year(key: str, text: str, year: int) -> Timeline | None:
    m = re.fullmatch(r"(?:trong |ca )?nam (\d{4})", key)
    if not m:
        return None
    y = int(m[1])
    start, end = date(y, 1, 1), date(y, 12, 31)
    return Timeline("period", text, f"Năm {y} (hạn {date_vi(end)})", start, end, end)


def _parse_quarters(key: str, text: str, year: int) -> Timeline | None:
    quarter = r"(i{1,3}|iv|[1-4])"
    joint = r"(?:-| va | den |, ?)"
    m = re.fullmatch(rf"(?:trong )?quy {quarter}(?:{joint}{quarter})?(?:{_YEAR})?", key)
    if not m:
        return None
    first = _ROMAN_QUARTERS[m[1]]
    last = _ROMAN_QUARTERS[m[2]] if m[2] else first
    if last < first:
        return None
    y = _year_of(m[3], year)
    start, end = date(y, 3 * first - 2, 1), _month_end(y, 3 * last)
    name = _ROMAN_LABELS[first] + (f"–{_ROMAN_LABELS[last]}" if last != first else "")
    return Timeline("period", text, f"Quý {name}/{y} (hạn {date_vi(end)})", start, end, end)


def _parse_month(key: str, text: str, year: int) -> Timeline | None:
    m = re.fullmatch(rf"(?:trong )?thang (\d{{1,2}})(?:-(\d{{1,2}}))?(?:{_YEAR})?", key)
    if not m or not 1 <= int(m[1]) <= 12 or (m[2] and not int(m[1]) < int(m[2]) <= 12):
        return None
    y = _year_of(m[3], year)
    first = int(m[1])
    if m[2]:
        last = int(m[2])
        start, end = date(y, first, 1), _month_end(y, last)
        label = f"Tháng {first}–{last}/{y} (hạn {date_vi(end)})"
        return Timeline("period", text, label, start, end, end)
    start, end = date(y, first, 1), _month_end(y, first)
    label = f"Trong tháng {first:02d}/{y} (hạn {date_vi(end)})"
    return Timeline("date", text, label, start, end, end)


def _parse_dates(key: str, text: str, year: int) -> Timeline | None:
    m = re.fullmatch(rf"tu (?:ngay )?{_DATE} den (?:ngay )?{_DATE}", key)
    if m:
        start, end = _day(*m.groups()[:3]), _day(*m.groups()[3:])
        if start is None or end is None or end < start:
            return None
        label = f"Từ {date_vi(start)} đến {date_vi(end)} (hạn {date_vi(end)})"
        return Timeline("period", text, label, start, end, end)
    m = re.fullmatch(rf"tu (?:ngay )?{_DATE}", key)
    if m:
        start = _day(*m.groups())
        if start is None:
            return None
        label = f"Bắt đầu từ {date_vi(start)} (không ghi hạn hoàn thành)"
        return Timeline("date", text, label, start=start)
    m = re.fullmatch(rf"(?:truoc |han |cham nhat )?(?:ngay )?{_DATE}", key)
    if m:
        due = _day(*m.groups())
        if due is None:
            return None
        return Timeline("date", text, f"Hạn {date_vi(due)}", due=due, end=due)
    return None


def _parse_recurring(key: str, text: str, year: int) -> Timeline | None:
    # "hằng quý" and "hàng quý" are both in use; without diacritics they are one key.
    if key in ("thuong xuyen", "hang quy", "dinh ky hang quy"):
        return Timeline(
            "recurring",
            text,
            "Thường xuyên: báo cáo hằng quý, hạn ngày cuối quý",
            recurrence=QUARTERLY,
        )
    m = re.fullmatch(
        rf"truoc ngay (\d{{1,2}}) (?:cua )?thang cuoi (?:moi )?quy(?:,? va (?:ngay )?{_DATE})?",
        key,
    )
    if not m or not 1 <= int(m[1]) <= 31:
        return None
    day = int(m[1])
    final = _day(m[2], m[3], m[4]) if m[2] else None
    if m[2] and final is None:
        return None
    label = f"Định kỳ hằng quý, hạn ngày {day} tháng cuối quý"
    if final is not None:
        label += f"; lần cuối {date_vi(final)}"
    return Timeline("recurring", text, label, end=final, recurrence=QUARTERLY, report_day=day)


def _parse_event(key: str, text: str, year: int) -> Timeline | None:
    if not re.match(r"(?:khi|sau khi) \w", key):
        return None
    return Timeline("event", text, f"Theo sự kiện, không có hạn cố định: «{_clean(text)}»")


_PARSERS = (
    _parse_year,
    _parse_quarters,
    _parse_month,
    _parse_dates,
    _parse_recurring,
    _parse_event,
)


def date_text(iso: str) -> str:
    """ "2026-03-15" → "15/3/2026", the plan's own style; other text unchanged."""
    try:
        d = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{d.day:02d}/{d.month}/{d.year}"


def plan_year(plan: Plan) -> int:
    """The year of the plan's date (a timeline without a year is in it); the plan's target
    year when its date does not read as one. ValueError for a plan made without its years."""
    try:
        return date.fromisoformat(plan.date).year
    except ValueError:
        return plan.years.target


def due_value(timeline: Timeline, year: int) -> date | str | None:
    """The "Hạn" cell: the deadline, or for recurring work the year's report dates."""
    if timeline.due is not None:
        return timeline.due
    dates = due_dates(timeline, year)
    if not dates:
        return None
    days = ", ".join(f"{d.day:02d}/{d.month}" for d in dates)
    return f"Hằng quý: {days}/{year}"
