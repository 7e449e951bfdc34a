"""The master's sheets read by python-calamine (``kehoach.sheets.sheet_values``) give the
values openpyxl gives, through ``sheetdata.workbook_contents``; a part calamine must not be
given, or that it would read otherwise, is read by openpyxl."""

from __future__ import annotations

import zipfile
from datetime import datetime, time
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from carried_support import collected_round
from kehoach.sheets import progress_layout as pl
from kehoach.sheets.carried import package_sheets
from kehoach.sheets.sheet_values import sheet_values
from kehoach.sheets.sheetdata import workbook_contents

REGISTERS = list(pl.COLLECTED_SHEETS)


def _trimmed(rows: Any) -> list[list[Any]]:
    """Rows without their trailing blank cells and the sheet without its trailing empty rows:
    the two readers may stop at different ends of an empty area."""
    out = []
    for row in rows:
        cells = list(row)
        while cells and cells[-1] is None:
            cells.pop()
        out.append(cells)
    while out and not out[-1]:
        out.pop()
    return out


def _typed(rows: list[list[Any]]) -> list[list[tuple[str, Any]]]:
    return [[(type(v).__name__, v) for v in row] for row in rows]


def _by_openpyxl(path: Path, *, data_only: bool) -> dict[str, list[list[Any]]]:
    wb = load_workbook(path, read_only=True, data_only=data_only)
    try:
        return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    finally:
        wb.close()


def _assert_same(path: Path, *, data_only: bool) -> None:
    ours, _ = workbook_contents(path, data_only=data_only)
    theirs = _by_openpyxl(path, data_only=data_only)
    assert list(ours) == list(theirs)
    for name in theirs:
        assert _typed(_trimmed(ours[name])) == _typed(_trimmed(theirs[name])), name


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return collected_round(tmp_path_factory.mktemp("round"))


@pytest.mark.parametrize("data_only", [False, True])
def test_a_collected_master_reads_as_openpyxl_reads_it(collected: Path, data_only: bool) -> None:
    values, left = sheet_values(collected, REGISTERS, data_only=data_only)
    assert left == [] and sorted(values) == sorted(REGISTERS)  # calamine read all three
    rows = _trimmed(values[pl.PROGRESS_SHEET])
    assert len(rows) >= 3_868 + pl.FIRST_DATA_ROW - 1  # one row per task and agency
    _assert_same(collected, data_only=data_only)


@pytest.mark.parametrize("data_only", [False, True])
def test_every_sheet_of_the_built_master_reads_as_openpyxl_reads_it(
    master_xlsm: Path, data_only: bool
) -> None:
    """The appendices hold formulas: read as their text, they go to openpyxl; as Excel's last
    values (what extract and collect read), to calamine like every other sheet."""
    names = load_workbook(master_xlsm, read_only=True).sheetnames
    _, left = sheet_values(master_xlsm, names, data_only=data_only)
    appendices = ["PL1", "PL2", "PL3", "PL4"]
    assert (set(appendices) <= set(left)) is not data_only
    assert len(left) <= 5  # the appendices, «Chênh lệch» with its formulas
    _assert_same(master_xlsm, data_only=data_only)


def _register_book(path: Path, extra: dict[str, Any] | None = None) -> Path:
    """TienDo, LichSu and ThuThap holding every kind of value a register may hold."""
    wb = Workbook()
    wb.active.title = "Giới thiệu"
    for name in REGISTERS:
        ws = wb.create_sheet(name)
        ws.append(["Tiêu đề"])
        ws.append([None, "  lề trái", "dòng\nhai", "", "Việt «ký tự» & <thẻ>", "dán\r\ntừ Word"])
        ws.append([0, 1, -7, 1.5, 100.0, 1e20, 2.5e-7, True, False])
        ws.append([datetime(2023, 9, 30), datetime(2023, 9, 30, 14, 5, 0), time(8, 30)])
        ws["A4"].number_format = "dd/mm/yyyy"
        ws["B4"].number_format = "dd/mm/yyyy hh:mm"
        ws["C4"].number_format = "hh:mm"
        ws.cell(9, 2, "sau dòng trống")
        ws["D4"] = CellRichText(["Quan ", TextBlock(InlineFont(b=True), "trọng")])  # bold runs
        for ref, value in (extra or {}).items():
            ws[ref] = value
    wb.save(path)
    return path


def test_every_kind_of_value_reads_as_openpyxl_reads_it(tmp_path: Path) -> None:
    path = _register_book(tmp_path / "so.xlsx")
    values, left = sheet_values(path, REGISTERS)
    assert left == []
    assert _trimmed(values[pl.PROGRESS_SHEET])[2] == [0, 1, -7, 1.5, 100, 1e20, 2.5e-7, True, False]
    for data_only in (False, True):
        _assert_same(path, data_only=data_only)


@pytest.mark.parametrize(
    ("extra", "calamine_when_data_only"),
    [
        ({"D6": "=1+2"}, True),  # a formula: its text, unless the last values are asked for
        ({"D6": "#N/A"}, False),  # an error value: calamine reads it as a blank
        ({"AA2": "ghi chú"}, False),  # a column past Z: calamine is not given the part
    ],
    ids=["formula", "error", "past-Z"],
)
def test_a_part_calamine_would_misread_is_read_by_openpyxl(
    tmp_path: Path, extra: dict[str, Any], calamine_when_data_only: bool
) -> None:
    path = _register_book(tmp_path / "so.xlsx", extra)
    if "D6" in extra and extra["D6"] == "#N/A":  # openpyxl writes "#N/A" as a string: an error
        _as_error_cells(path)
    assert sheet_values(path, REGISTERS)[1] == REGISTERS
    left = sheet_values(path, REGISTERS, data_only=True)[1]
    assert left == ([] if calamine_when_data_only else REGISTERS)
    for data_only in (False, True):
        _assert_same(path, data_only=data_only)
    values, _ = workbook_contents(path)
    if "D6" in extra:
        assert values[pl.PROGRESS_SHEET][5][3] == extra["D6"]


def _as_error_cells(path: Path) -> None:
    """Rewrite the inline string "#N/A" of each sheet as an error cell, as Excel writes one."""
    with zipfile.ZipFile(path) as z:
        parts = {info.filename: z.read(info) for info in z.infolist()}
        sheets = package_sheets(z)
    for name in REGISTERS:
        xml = parts[sheets[name]]
        start = xml.index(b'<c r="D6"')
        end = xml.index(b"</c>", start) + 4
        parts[sheets[name]] = xml[:start] + b'<c r="D6" t="e"><v>#N/A</v></c>' + xml[end:]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)


def test_a_damaged_part_falls_back_to_openpyxl(tmp_path: Path) -> None:
    """A shared-string index past the table: calamine refuses the sheet, openpyxl's reading
    is what the caller gets (here, its own error), never an abort."""
    path = _register_book(tmp_path / "so.xlsx")
    with zipfile.ZipFile(path) as z:
        parts = {info.filename: z.read(info) for info in z.infolist()}
        part = package_sheets(z)[pl.PROGRESS_SHEET]
    inline = '<c r="B9" t="inlineStr"><is><t>sau dòng trống</t></is></c>'.encode()
    assert inline in parts[part]
    parts[part] = parts[part].replace(inline, b'<c r="B9" t="s"><v>99</v></c>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    values, left = sheet_values(path, REGISTERS)
    assert pl.PROGRESS_SHEET in left
    assert sorted(values) == sorted(n for n in REGISTERS if n != pl.PROGRESS_SHEET)


@pytest.mark.parametrize("strings", ["inline", "shared"])
def test_a_control_character_s_escape_reads_as_openpyxl_reads_it(
    tmp_path: Path, strings: str
) -> None:
    """A line break pasted from Word is kept by Excel as the escape "_x000B_", which calamine
    decodes to the character (one XML cannot hold, nor openpyxl write) and openpyxl leaves as
    it is: the sheet reads as openpyxl reads it, whichever way the file keeps its strings."""
    from carried_support import with_shared_strings

    path = _register_book(tmp_path / "so.xlsx", {"B7": "Dòng một@dòng hai"})
    with zipfile.ZipFile(path) as z:
        parts = {info.filename: z.read(info) for info in z.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data.replace("một@dòng".encode(), "một_x000B_dòng".encode()))
    if strings == "shared":
        path = with_shared_strings(path, tmp_path / "shared.xlsx", REGISTERS)
    values, left = sheet_values(path, REGISTERS)
    assert left == []
    assert values[pl.PROGRESS_SHEET][6][1] == "Dòng một_x000B_dòng hai"
    _assert_same(path, data_only=False)
