"""reader.read_plan_values: the plan from sheet values and defined names (what the buttons see)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from kehoach.plan.reader import read_plan, read_plan_values
from kehoach.sheets.sheetdata import workbook_values


def names_of(path: Path) -> dict[str, str]:
    wb = load_workbook(path)
    return {name: "=" + dn.attr_text for name, dn in wb.defined_names.items()}


def without_comment_words(data: dict[str, Any]) -> dict[str, Any]:
    """A numeric target's words live in a cell comment, which values do not carry."""
    for appendix in data["appendices"]:
        for section in appendix["sections"]:
            for criterion in section["criteria"]:
                if criterion["target"] is not None:
                    criterion["target_text"] = ""
    return data


def test_values_give_the_plan_read_from_the_file(master_xlsm: Path) -> None:
    from_values = read_plan_values(workbook_values(master_xlsm), names_of(master_xlsm))
    from_file = read_plan(master_xlsm)
    assert from_values.number == "365/KH-UBND" and from_values.date == "2023-06-08"
    assert without_comment_words(from_values.to_dict()) == without_comment_words(
        from_file.to_dict()
    )
    assert len(from_values.iter_tasks()) == 193
