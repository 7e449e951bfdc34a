"""The buttons on texts pasted from Word: Excel gives a script the control characters as they
are (a manual line break U+000B, a bell), where a file holds their escapes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import xlharness
from kehoach import xl
from pasted_support import paste_as_excel
from xlharness import run_entry

PASTED = {
    ("PL2", "D5"): "Dòng một\x0bdòng hai",  # a criterion's name
    ("Nhiệm vụ", "F4"): "Chuông\x07 reo",  # a task's text
}


def _as_excel_gives(value: Any) -> Any:
    """A cell's value in the payload as Excel sends it: the characters the escapes stand for."""
    if isinstance(value, str) and "_x" in value:
        return re.sub(r"_x([0-9A-F]{4})_", lambda m: chr(int(m[1], 16)), value)
    return value


@pytest.fixture
def pasted(master_xlsm: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    paste_as_excel(master_xlsm, PASTED)
    payload_value = xlharness._payload_value
    monkeypatch.setattr(xlharness, "_payload_value", lambda v: _as_excel_gives(payload_value(v)))
    return master_xlsm


def _texts(result: xlharness.Result) -> list[str]:
    from openpyxl import load_workbook

    wb = load_workbook(result.path)
    return [
        v
        for ws in wb.worksheets
        for row in ws.iter_rows(values_only=True)
        for v in row
        if isinstance(v, str)
    ]


@pytest.mark.parametrize("button", [xl.compute_gaps, xl.check_data, xl.summarize_progress])
def test_a_button_writes_a_pasted_text_as_a_workbook_holds_it(
    pasted: Path, tmp_path: Path, xl_remote: Any, button: Any
) -> None:
    """The gaps, the checks and the summary quote the criterion's name: with a line feed for
    Word's line break, as the master shows it; nothing stops."""
    result = run_entry(pasted, button, dst=tmp_path / "after.xlsm")
    assert result.alert.title != "Lỗi"
    texts = _texts(result)
    assert any("Dòng một\ndòng hai" in t for t in texts)
    assert not any(re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", t) for t in texts)


def test_the_extract_button_gives_the_agency_the_text_fit_for_a_workbook(
    pasted: Path, tmp_path: Path, xl_remote: Any
) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "GuiCoQuan"
    run_entry(pasted, lambda book: xl.make_extracts(book, str(out)), dst=tmp_path / "after.xlsm")
    rows = load_workbook(out / "So-Noi-vu.xlsx")["Nhiệm vụ"].iter_rows(values_only=True)
    assert any(v == "Chuông\ufffd reo" for row in rows for v in row)
