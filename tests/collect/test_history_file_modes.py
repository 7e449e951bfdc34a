"""The history workbook's two ways of writing (kehoach.collect.history_file): XlsxWriter's
default mode for a run of at most ``DEFAULT_MODE_MAX_ROWS`` rows, constant memory beyond; the
same cells either way, continuation sheets included, and the mode the one expected."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from kehoach.collect import history_file
from kehoach.collect.history_file import read_history, write_history
from kehoach.sheets import extract_layout as ex
from kehoach.sheets import progress_layout as pl
from kehoach.sheets.spec import TIME_FORMAT

WHEN = datetime(2023, 12, 1, 8, 0, 0)

# Texts that look like something else, or that XML must escape, and the longest an agency types.
TEXTS: tuple[Any, ...] = (
    "=HYPERLINK(1)",
    "=1+1",
    "+84 912",
    "007",
    "1e5",
    "30/09/2023",
    "TRUE",
    "http://example.vn",
    " có khoảng trắng ",
    "a\x01b\x1f",
    "a & b < c > d",
    "<r>a & b</r>",  # what XlsxWriter would take for rich-text XML of its own
    "<r></r>",
    "dòng 1\ndòng 2",
    "\ufffd",
    "ư" * ex.MAX_TEXT_LENGTH,
    50,
    0.125,
    True,
    False,
    None,
)


def rows(n: int) -> list[list[Any]]:
    """``n`` rows of the history's shape, the last two columns cycling through ``TEXTS``."""
    out = []
    for i in range(n):
        file = f"Co-quan-{i % 3}.xlsx"
        old, new = TEXTS[i % len(TEXTS)], TEXTS[(i + 1) % len(TEXTS)]
        out.append([WHEN, file, f"{i % 3:x}" * 64, f"CQ{i % 3}", f"PL1-NV{i}", "Cột", old, new])
    return out


def written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: list[list[Any]], limit: int, **kw: Any
) -> Path:
    """The workbook ``data`` makes, given as a generator, with ``DEFAULT_MODE_MAX_ROWS`` at
    ``limit``, in a folder of its own."""
    monkeypatch.setattr(history_file, "DEFAULT_MODE_MAX_ROWS", limit)
    master = tmp_path / f"limit{limit}" / "m.xlsm"
    master.parent.mkdir()
    generated: Iterator[list[Any]] = (list(r) for r in data)
    return master.parent / write_history(generated, master, WHEN, **kw)


def cells(path: Path) -> dict[str, list[tuple[str, Any, str, str]]]:
    """Every cell of every sheet: coordinate, value, type and number format; with each sheet's
    column widths and frozen panes."""
    wb = load_workbook(path)
    out: dict[str, list[tuple[str, Any, str, str]]] = {}
    for ws in wb.worksheets:
        found = [
            (c.coordinate, c.value, c.data_type, c.number_format)
            for row in ws.iter_rows()
            for c in row
        ]
        widths = [(k, d.width) for k, d in sorted(ws.column_dimensions.items())]
        layout = [("widths", str(widths), "", ""), ("panes", ws.freeze_panes, "", "")]
        out[ws.title] = [*found, *layout]
    return out


def values(path: Path) -> list[list[Any]]:
    """The data rows of every sheet as calamine reads them (a blank cell None). openpyxl does
    not undo the XML's "_xHHHH_" escapes of control characters."""
    wb = CalamineWorkbook.from_path(path)
    return [
        [None if v == "" else v for v in row]
        for name in wb.sheet_names
        for row in wb.get_sheet_by_name(name).to_python()[pl.FIRST_DATA_ROW - 1 :]
    ]


def string_cells(path: Path) -> set[str]:
    """How the sheets' XML stores their texts: "s" (shared strings), "inlineStr"."""
    with zipfile.ZipFile(path) as z:
        xml = "".join(
            z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")
        )
    return set(re.findall(r'<c [^>]*t="(s|inlineStr|str)"', xml))


def test_a_small_run_is_written_with_shared_strings(tmp_path: Path) -> None:
    data = rows(3)
    path = tmp_path / write_history(data, tmp_path / "m.xlsm", WHEN)
    assert string_cells(path) == {"s"}
    assert read_history(path) == [tuple(r) for r in data]


@pytest.mark.parametrize("per_sheet", [4, pl.EXCEL_MAX_ROWS - pl.FIRST_DATA_ROW + 1])
def test_at_the_limit_and_one_over_the_cells_are_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, per_sheet: int
) -> None:
    data = rows(len(TEXTS) + 3)
    at = written(tmp_path, monkeypatch, data, len(data), rows_per_sheet=per_sheet)
    over = written(tmp_path, monkeypatch, data, len(data) - 1, rows_per_sheet=per_sheet)
    assert string_cells(at) == {"s"}
    assert string_cells(over) == {"inlineStr"}
    assert cells(at) == cells(over)
    sheets = load_workbook(at).sheetnames
    assert len(sheets) == (6 if per_sheet == 4 else 1)
    assert sheets[1:3] == ["LichSu (2)", "LichSu (3)"][: len(sheets) - 1]
    assert read_history(at) == read_history(over)
    assert values(at) == values(over) == data


@pytest.mark.parametrize("limit", [0, 1, 5])
def test_rows_past_the_limit_are_written_first_then_the_rest_streamed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    data = rows(len(TEXTS) + 1)
    small = written(tmp_path, monkeypatch, data, len(data) + 1, rows_per_sheet=3)
    streamed = written(tmp_path, monkeypatch, data, limit, rows_per_sheet=3)
    assert string_cells(small) == {"s"}
    assert string_cells(streamed) == {"inlineStr"}
    assert cells(small) == cells(streamed)
    assert values(streamed) == data


def test_both_ways_keep_text_as_text_and_dates_with_their_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = rows(len(TEXTS))
    for limit in (len(data), 0):
        path = written(tmp_path, monkeypatch, data, limit)
        ws = load_workbook(path)[pl.CHANGES_SHEET]
        last = range(pl.FIRST_DATA_ROW, ws.max_row + 1)
        types = {ws.cell(r, len(pl.CHANGES_COLUMNS)).data_type for r in last}
        assert types == {"s", "n", "b"}  # texts, numbers and None, True and False
        texts = [row[-1] for row in values(path) if isinstance(row[-1], str)]
        assert texts == [t for t in TEXTS[1:] + TEXTS[:1] if isinstance(t, str)]
        received = [ws.cell(r, 1) for r in last]
        assert {(c.value, c.number_format) for c in received} == {(WHEN, TIME_FORMAT)}


def test_text_like_an_xml_escape_is_the_same_text_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Written "_x005F_x0041_" in the XML either way. openpyxl undoes that escape in shared
    # strings but not in inline ones, so the cells are compared as calamine reads them.
    data = rows(2)
    data[0][-1], data[1][-1] = "_x0041_", "a_x005F_b"
    at, over = (written(tmp_path, monkeypatch, data, limit) for limit in (2, 1))
    assert values(at) == values(over) == data
