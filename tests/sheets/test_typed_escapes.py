"""A text typed in Excel that looks like an escape survives a verb that rewrites its sheet."""

from __future__ import annotations

from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from carried_support import with_shared_strings
from kehoach.cli import main
from pasted_support import paste_as_excel

TYPED = {
    ("PL1", "D5"): "_x0041_ giống mã",  # Excel keeps it as "_x005F_x0041_"
    ("PL1", "D6"): "Dòng một\x0bdòng hai",  # Word's line break: "_x000B_"
}


@pytest.mark.parametrize("strings", ["inline", "shared"])
def test_check_write_keeps_what_was_typed_in_the_sheet_it_highlights(
    master_xlsm: Path, tmp_path: Path, strings: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """check --write rewrites PL1 (its highlights): the texts read back as Excel shows them,
    whichever way the file keeps its strings (Excel: shared)."""
    paste_as_excel(master_xlsm, TYPED)
    path = master_xlsm
    if strings == "shared":
        path = with_shared_strings(master_xlsm, tmp_path / "KeHoach2023.xlsm", ["PL1"])
    assert main(["check", str(path), "--write"]) == 1  # the plan's own findings
    capsys.readouterr()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("PL1").to_python()
    assert rows[4][3] == "_x0041_ giống mã"
    assert rows[5][3] == "Dòng một\x0bdòng hai"
