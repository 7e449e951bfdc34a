"""The shortcuts intake takes for the common case give the answers of the full checks: the
shared-string count and scan (``xlsx_scan``), the storable texts (``untrusted_text``), one
input value (``values.filled_check``) and a row's signed cells (``SheetLayout.task_values``)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from kehoach.collect.values import ValueProblem, filled_check, input_value
from kehoach.common.untrusted_text import all_storable, storable
from kehoach.sheets import extract_layout as ex
from kehoach.sheets.xlsx_scan import bad_shared_string, shared_string_count

SST = "xl/sharedStrings.xml"


@pytest.mark.parametrize(
    ("table", "count"),
    [
        (b"<sst><si><t>a</t></si><si><t>b</t></si></sst>", 2),
        (b'<sst><si><t>a</t></si><si xml:space="x"><t>b</t></si><si/></sst>', 3),
        (b"<x:sst><x:si><x:t>a</x:t></x:si><x:si><x:t>b</x:t></x:si></x:sst>", 2),
        (b"<sst><si><t>a</t></si><sizzle/></sst>", 1),  # another tag starting "si"
        (b"<sst/>", 0),
    ],
)
def test_shared_strings_are_counted_as_items(table: bytes, count: int) -> None:
    assert shared_string_count({SST: table}) == count


def _sheet(*cells: bytes) -> bytes:
    row = b'<row r="5">' + b"".join(cells) + b"</row>"
    return b"<worksheet><sheetData>" + row + b"</sheetData></worksheet>"


@pytest.mark.parametrize(
    ("xml", "found"),
    [
        (_sheet(b'<c r="A5" t="s"><v>0</v></c>', b'<c r="B5" t="s"><v>2</v></c>'), None),
        (_sheet(b'<c r="A5" t="s"><v>0</v></c>', b'<c r="B5" t="s"><v>3</v></c>'), ("B5", "3")),
        # Not as written: single quotes, spaces around "=", a leading zero past the table.
        (_sheet(b'<c r="A5" t="s"><v>1</v></c>', b"<c r='C5' t='s'><v>7</v></c>"), ("C5", "7")),
        (_sheet(b'<c r="A5" t="s"><v>1</v></c>', b'<c r="D5" t = "s"><v>9</v></c>'), ("D5", "9")),
        (_sheet(b'<c r="E5" t="s"><v>0003</v></c>'), ("E5", "0003")),
        (_sheet(b'<c r="E5" t="s"><v>0002</v></c>'), None),
        # '"s"' in a text that is no attribute: the full scan decides, and finds nothing.
        (
            _sheet(
                b'<c r="A5" t="s"><v>2</v></c>',
                b'<c r="F5" t="inlineStr"><is><t>"s"</t></is></c>',
            ),
            None,
        ),
        (_sheet(b'<c r="G5" t="s"><v>x</v></c>'), ("G5", "x")),
    ],
)
def test_a_cell_outside_the_shared_strings_is_found(
    xml: bytes, found: tuple[str, str] | None
) -> None:
    assert bad_shared_string(xml, 3) == found


def test_storable_texts_are_known_in_one_search() -> None:
    assert all_storable(["Đang thực hiện", "a\tb\nc", ""])
    assert storable("Đang thực hiện\n") == ("Đang thực hiện\n", 0)
    assert not all_storable(["ok", "dòng 1\r\ndòng 2"])  # a line end to make a line feed
    assert storable("dòng 1\r\ndòng 2") == ("dòng 1\ndòng 2", 0)
    assert not all_storable(["ok", "a\x00b"])
    assert storable("a\x00b") == ("a\ufffdb", 1)


PLAN_DAY = date(2023, 6, 8)


@pytest.mark.parametrize(
    ("key", "value", "number_format"),
    [
        (ex.STATUS_KEY, ex.STATUS_DONE, "General"),
        (ex.STATUS_KEY, "  hoàn thành ", "General"),
        (ex.STATUS_KEY, "#N/A", "General"),
        (ex.STATUS_KEY, "Xong", "General"),
        (ex.PERCENT_KEY, 50.0, "General"),
        (ex.PERCENT_KEY, 0.5, "0%"),
        (ex.PERCENT_KEY, "#DIV/0!", "General"),
        (ex.PERCENT_KEY, 101.0, "General"),
        (ex.REPORT_DATE_KEY, date(2023, 10, 5), "General"),
        (ex.REPORT_DATE_KEY, "#VALUE!", "General"),
        (ex.REPORT_DATE_KEY, date(2023, 6, 7), "General"),
        (ex.RESULTS_KEY, "Đã ban hành", "General"),
        (ex.RESULTS_KEY, "#REF!", "General"),
        (ex.RESULTS_KEY, 12.0, "General"),
        (ex.RESULTS_KEY, "ư" * (ex.MAX_TEXT_LENGTH + 1), "General"),
        ("other", "văn bản", "General"),
    ],
)
def test_a_filled_check_gives_what_input_value_gives(
    key: str, value: Any, number_format: str
) -> None:
    check = filled_check(key)
    try:
        expected = input_value(key, value, number_format=number_format, plan_date=PLAN_DAY)
    except ValueProblem as problem:
        with pytest.raises(ValueProblem) as raised:
            check(value, number_format, PLAN_DAY)
        assert str(raised.value) == str(problem)
    else:
        assert check(value, number_format, PLAN_DAY) == expected


@pytest.mark.parametrize("width", [0, 3, len(ex.CURRENT.columns) - 2, len(ex.CURRENT.columns)])
def test_task_values_are_the_signed_cells(width: int) -> None:
    row = [f"v{i}" for i in range(width)]
    assert ex.CURRENT.task_values(row) == tuple(ex.CURRENT.task_cells(row))
    assert ex.CURRENT.task_values(tuple(row)) == tuple(ex.CURRENT.task_cells(row))
