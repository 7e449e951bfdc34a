"""The verbs that read the master read only the sheets they need (``SHEETS_READ``): on a master
with collected progress and a previous check report, the results are those of every sheet."""

from __future__ import annotations

from pathlib import Path

from kehoach.checks.run import SHEETS_READ as CHECK_SHEETS
from kehoach.checks.run import check_workbook
from kehoach.cli import main
from kehoach.gaps.compute import SHEETS_READ as GAP_SHEETS
from kehoach.gaps.compute import compute_gaps
from kehoach.sheets.sheetdata import workbook_values
from kehoach.state.master import state_from_values
from kehoach.summary.compute import SHEETS_READ as SUMMARY_SHEETS
from kehoach.summary.compute import summarize
from summary_support import AS_OF, write_progress


def test_the_sheets_read_give_the_results_of_every_sheet(master_xlsm: Path) -> None:
    write_progress(master_xlsm)
    assert main(["check", str(master_xlsm), "--write"]) == 1  # KiemTra and highlights to clear
    every = workbook_values(master_xlsm)
    for sheets in (CHECK_SHEETS, GAP_SHEETS, SUMMARY_SHEETS):
        assert set(sheets) < set(every)  # names of real sheets, fewer than all
    assert "TienDo" not in CHECK_SHEETS and "Nhiệm vụ" not in GAP_SHEETS

    full = check_workbook(state_from_values(every, file=master_xlsm))
    part = check_workbook(
        state_from_values(workbook_values(master_xlsm, sheets=CHECK_SHEETS), file=master_xlsm)
    )
    assert part.findings == full.findings and part.edits == full.edits
    assert full.findings
    gaps = compute_gaps(
        state_from_values(workbook_values(master_xlsm, sheets=GAP_SHEETS), file=master_xlsm)
    )
    assert gaps.to_dict() == compute_gaps(state_from_values(every, file=master_xlsm)).to_dict()
    summary = summarize(
        state_from_values(workbook_values(master_xlsm, sheets=SUMMARY_SHEETS)), AS_OF
    )
    assert summary.to_dict() == summarize(state_from_values(every), AS_OF).to_dict()
    assert summary.to_dict()["overall"]["done_on_time"] > 0
