"""Text cells written by XlsxWriter exactly as given (``kehoach.sheets.xlsx_text``): a text
XlsxWriter would take for rich-text XML of its own is written as runs, the same text in the
cell's look; any other text as ``write_string`` writes it."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from kehoach.sheets.xlsx_text import taken_for_runs, write_text

TEXTS = ["<r>a & b</r>", "<r></r>", "<r>x</r> ", "<r>", "kết quả <r>a</r>", "thường"]


@pytest.mark.parametrize("constant_memory", [False, True])
def test_every_text_reads_back_as_written(tmp_path: Path, constant_memory: bool) -> None:
    path = tmp_path / "t.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": constant_memory})
    ws = wb.add_worksheet("So")
    look = wb.add_format({"font_name": "Times New Roman", "bold": True, "text_wrap": True})
    plain = wb.add_format()
    for r, text in enumerate(TEXTS):
        write_text(ws, r, 0, text, look, plain)
        write_text(ws, r, 1, text, None, plain)
    wb.close()
    full = load_workbook(path)["So"]
    read_only = load_workbook(path, read_only=True)["So"]
    calamine = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("So").to_python()
    expected = [[t, t] for t in TEXTS]
    assert [[c.value for c in row] for row in full.iter_rows()] == expected
    assert [list(row) for row in read_only.iter_rows(values_only=True)] == expected
    assert calamine == expected
    assert full["A1"].font.b and full["A1"].font.name == "Times New Roman"  # the cell's look
    part = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    if constant_memory:  # the runs carry the cell's font; a plain text has none
        assert b'<rFont val="Times New Roman"/>' in part
        assert part.count(b"<r>") == 2 * 2 * sum(map(taken_for_runs, TEXTS))


def test_only_a_text_xlsxwriter_would_take_for_xml_is_written_as_runs() -> None:
    assert [t for t in TEXTS if taken_for_runs(t)] == ["<r>a & b</r>", "<r></r>"]
