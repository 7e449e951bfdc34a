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


def test_a_task_text_pasted_from_word_is_read_fit_for_a_workbook(master_xlsm: Path) -> None:
    """Excel keeps Word's manual line break (U+000B) in a cell, and a bell (U+0007) as pasted,
    as the buttons read them: the plan has a line feed and U+FFFD instead, which a workbook
    can hold, and nothing stops."""
    from kehoach.sheets import layout
    from kehoach.state.master import state_from_values

    values = {name: [list(r) for r in rows] for name, rows in workbook_values(master_xlsm).items()}
    column = layout.column_index(layout.TASK_COLUMNS, "text") - 1
    row = values[layout.TASKS_SHEET][layout.FIRST_DATA_ROW - 1]
    before = row[column]
    row[column] = f"Dòng một\x0bdòng hai\x07 {before}"
    plan = state_from_values(values, names_of(master_xlsm)).plan
    texts = [task.text for *_, task in plan.iter_tasks()]
    assert f"Dòng một\ndòng hai\ufffd {before}" in texts
