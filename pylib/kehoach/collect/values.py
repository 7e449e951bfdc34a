"""One input cell of a returned agency workbook, turned into a checked value: ``input_value``.

Excel's data validation only checks what is typed: pasting, LibreOffice, or a sheet whose
protection was removed let anything through, so every value is checked again here:

- status: one of ``extract_layout.STATUSES`` as ``extract_layout.listed_status`` matches it
  (Unicode NFC, as Vietnamese typed with another input method may come decomposed; every run
  of spaces, a no-break space pasted from Word too, counted once; case ignored); stored as
  the list spells it;
- percent: a number from 0 to 100. A cell formatted as a percentage holds a fraction
  (typing "50%" in Excel stores 0.5 and changes the format), so it is multiplied by 100; a
  custom format that only shows the sign (``0"%"``) is no percentage (``scales_by_100``);
  text is accepted when it is a number, with a decimal comma and a "%" allowed ("50", "50,5",
  "50 %");
- report date: an Excel date; text "dd/mm/yyyy" (also with "-" or ".") as Vietnamese write
  it; a bare number as Excel's date serial (a paste that lost the date format). Not before
  the plan's date, not after 31 December of the year after the plan's;
- free texts: at most ``MAX_TEXT_LENGTH`` characters; a number or a date typed there becomes
  its text; Word's manual line and page breaks pasted with a text are line feeds, as the
  master holds them (``untrusted_text.word_breaks``). Text is kept as it came: a string
  starting with "=", "+", "-", "@", a tab or a carriage return stays a string here; the
  master's writers (``kehoach.sheets.edits``: openpyxl with ``data_type = "s"``, xlwings with
  a leading apostrophe) store such strings as text, since openpyxl turns any string starting
  with "=" into a formula; ``looks_like_formula`` says which.

A cell showing an Excel error (#REF!, #N/A…) is a problem in any column. Values arrive as
openpyxl reads them with ``data_only=True``: a formula's cached result, never the formula.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from openpyxl.utils.datetime import from_excel

from kehoach.collect import reasons as why
from kehoach.common.celltext import EXCEL_ERRORS
from kehoach.common.untrusted_text import excerpt, word_breaks
from kehoach.sheets import extract_layout as ex
from kehoach.sheets.edits import FORMULA_STARTS

# What the master's writers already store as text (kehoach.sheets.edits), and the tab and carriage
# return that CSV exports and some spreadsheets also read as the start of a formula.
FORMULA_PREFIXES = (*FORMULA_STARTS, "\t", "\r")
TEXT_KEYS = (ex.RESULTS_KEY, ex.EVIDENCE_KEY, ex.EXPLANATION_KEY, ex.DIFFICULTIES_KEY)
_STATUS_AS_LISTED = frozenset(ex.STATUSES)
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)")
_DATE = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})")
# Excel's serials of 1 January 1900 and 31 December 9999.
_SERIALS = (1, 2_958_465)
_FIRST_DAY = date(1900, 1, 1)


class ValueProblem(ValueError):
    """An input value that cannot be accepted; the message is Vietnamese, without the cell."""


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet would take ``text`` for a formula: store it explicitly as text."""
    return text.startswith(FORMULA_PREFIXES)


# What a number format shows as it is: a quoted text ("%"), an escaped character (\%), a
# bracketed colour or condition; a "%" outside them multiplies the value by 100 for display.
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def scales_by_100(number_format: str) -> bool:
    """Whether ``number_format`` is a percentage (Excel shows the value times 100): a "%" not
    quoted or escaped (``0"%"``, a custom format some officials use to show a sign after the
    number as it is, is not one)."""
    return "%" in number_format and "%" in _FORMAT_LITERALS.sub("", number_format)


def latest_report_date(plan_date: date) -> date:
    """The latest report date accepted for a plan dated ``plan_date``."""
    return date(plan_date.year + 1, 12, 31)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def input_value(
    key: str, value: Any, *, number_format: str = "General", plan_date: date | None = None
) -> Any:
    """The checked value of input column ``key`` (see the module's description).

    Blank gives None (status, percent, report date) or "" (texts). Raises ValueProblem.
    """
    if value is None or value == "":
        return "" if key in TEXT_KEYS else None
    return filled_check(key)(value, number_format, plan_date)


# (value, number format, plan date) -> the checked value; for a value neither None nor "".
FilledCheck = Callable[[Any, str, date | None], Any]


def filled_check(key: str) -> FilledCheck:
    """``input_value`` of column ``key`` for a cell that is not blank (neither None nor ""),
    arguments by position: what a caller reading many rows looks up once per column."""
    return _FILLED_CHECKS.get(key, _filled_text)


def _excel_error(value: Any) -> None:
    if isinstance(value, str) and value in EXCEL_ERRORS:
        raise ValueProblem(why.VALUE_ERROR.format(error=value))


def _filled_status(value: Any, number_format: str, plan_date: date | None) -> Any:
    if value in _STATUS_AS_LISTED:
        return value  # the common case: chosen from the list (no status is an error value)
    _excel_error(value)
    return _status(value)


def _filled_percent(value: Any, number_format: str, plan_date: date | None) -> Any:
    if type(value) is float and 0 <= value <= 100 and not scales_by_100(number_format):
        return value  # the common case, already a plain number in range
    _excel_error(value)
    return _percent(value, number_format)


def _filled_date(value: Any, number_format: str, plan_date: date | None) -> Any:
    _excel_error(value)
    return _report_date(value, plan_date)


def _filled_text(value: Any, number_format: str, plan_date: date | None) -> Any:
    if type(value) is str and value not in EXCEL_ERRORS and len(value) <= ex.MAX_TEXT_LENGTH:
        return word_breaks(value)  # the common case: text that fits
    _excel_error(value)
    return word_breaks(_text(value))


_FILLED_CHECKS: dict[str, FilledCheck] = {
    ex.STATUS_KEY: _filled_status,
    ex.PERCENT_KEY: _filled_percent,
    ex.REPORT_DATE_KEY: _filled_date,
}


def _status(value: Any) -> str | None:
    if value in _STATUS_AS_LISTED:
        return value  # type: ignore[no-any-return]  # the common case: chosen from the list
    if is_blank(value):
        return None
    found = unicodedata.normalize("NFC", _as_text(value)).strip()
    status = ex.listed_status(found)
    if status is None:
        allowed = ", ".join(f"«{s}»" for s in ex.STATUSES)
        raise ValueProblem(why.VALUE_STATUS.format(found=excerpt(found), allowed=allowed))
    return status


def _percent(value: Any, number_format: str) -> float | None:
    if type(value) is float and 0 <= value <= 100 and not scales_by_100(number_format):
        return value  # the common case, already a plain number in range
    if is_blank(value):
        return None
    if isinstance(value, bool | datetime | date):
        raise ValueProblem(why.VALUE_PERCENT_TYPE.format(found=_as_text(value)))
    if isinstance(value, int | float):
        number = float(value) * (100 if scales_by_100(number_format) else 1)
    else:
        text = str(value).strip().removesuffix("%").strip()
        if not _NUMBER.fullmatch(text):
            raise ValueProblem(why.VALUE_PERCENT_TYPE.format(found=excerpt(str(value).strip())))
        number = float(text.replace(",", "."))
    number = round(number, 10)  # 0.07 * 100 is 7.000000000000001
    if not 0 <= number <= 100:
        raise ValueProblem(why.VALUE_PERCENT_RANGE.format(found=number))
    return number


def _report_date(value: Any, plan_date: date | None) -> date | None:
    if type(value) is date and (
        plan_date is None or plan_date <= value <= latest_report_date(plan_date)
    ):
        return value  # the common case: a date cell (as calamine gives it) in range
    if is_blank(value):
        return None
    day: date
    if isinstance(value, time | timedelta):
        # A negative number or a bare time in a date cell: no day to show.
        raise ValueProblem(why.VALUE_DATE_NO_DAY)
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not _SERIALS[0] <= value <= _SERIALS[1]:
            raise ValueProblem(why.VALUE_DATE_TYPE.format(found=_as_text(value)))
        day = from_excel(value).date()
    else:
        text = str(value).strip()
        match = _DATE.fullmatch(text)
        if match is None:
            raise ValueProblem(why.VALUE_DATE_TYPE.format(found=excerpt(text)))
        dd, mm, yyyy = (int(g) for g in match.groups())
        try:
            day = date(yyyy, mm, dd)
        except ValueError:
            raise ValueProblem(why.VALUE_DATE_TYPE.format(found=text)) from None
    if day < _FIRST_DAY:  # a serial of 0 or less, as openpyxl reads it (calamine: a time)
        raise ValueProblem(why.VALUE_DATE_NO_DAY)
    if plan_date is not None:
        if day < plan_date:
            raise ValueProblem(why.VALUE_DATE_EARLY.format(found=day, limit=plan_date))
        latest = latest_report_date(plan_date)
        if day > latest:
            raise ValueProblem(why.VALUE_DATE_LATE.format(found=day, limit=latest))
    return day


def _as_text(value: Any) -> str:
    """``value`` as Excel shows it in a cell of general format, Vietnamese dates: what a
    free text becomes, and how a reason quotes a value that is not text."""
    if value is None:
        return ""
    if type(value) is str:  # the common case first
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return f"{value:%d/%m/%Y}"
        return f"{value:%d/%m/%Y %H:%M:%S}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def _text(value: Any) -> str:
    text = _as_text(value)
    if len(text) > ex.MAX_TEXT_LENGTH:
        raise ValueProblem(why.VALUE_TOO_LONG.format(length=len(text), limit=ex.MAX_TEXT_LENGTH))
    return text
