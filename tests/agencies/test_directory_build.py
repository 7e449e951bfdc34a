"""The directory in the master workbook: built, resolved, refreshed, kept across rebuilds."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from kehoach.agencies.agency_report import refresh_resolution
from kehoach.agencies.directory import ENTRY_KEYS, load_base, load_directory, read_seed
from kehoach.common.errors import WorkbookError
from kehoach.common.planyears import PlanYears
from kehoach.plan.importer import load_default_plan
from kehoach.sheets import layout
from kehoach.sheets.edits import apply_to_workbook
from kehoach.sheets.sheetdata import workbook_values
from kehoach.state.master import state_from_values
from kehoach.workbook.xlsm import build_master

ROOT = Path(__file__).resolve().parents[2]
SEED = read_seed(ROOT / "templates" / "co-quan.tsv", PlanYears(2022, 2023))
DIR = layout.DIRECTORY_SHEET


def _col(key: str) -> int:
    return layout.column_index(layout.DIRECTORY_COLUMNS, key)


def _row_of(ws: object, code: str) -> int:
    for row in range(layout.FIRST_DATA_ROW, ws.max_row + 1):  # type: ignore[attr-defined]
        if ws.cell(row, 1).value == code:  # type: ignore[attr-defined]
            return row
    raise KeyError(code)


def test_built_directory_is_the_seed_with_counts(master_xlsm: Path) -> None:
    values = workbook_values(master_xlsm)
    assert load_directory(values) == SEED
    assert load_base(values) == SEED
    wb = load_workbook(master_xlsm)
    assert wb[layout.DIRECTORY_BASE_SHEET].sheet_state == "hidden"
    ws = wb[DIR]
    snv = _row_of(ws, "SNV")
    # SNV leads tasks directly and through "Các sở, ban, ngành": every count is a number.
    lead, coordinating = (ws.cell(snv, _col(k)).value for k in ("lead_tasks", "coordinating_tasks"))
    assert (lead, coordinating) == (88, 74)
    tasks = wb[layout.TASKS_SHEET]
    headers = [c.value for c in tasks[layout.HEADER_ROW]]
    lead_col = headers.index("Cơ quan chủ trì (như văn bản)")
    assert headers[lead_col + 2] == "Cơ quan chủ trì (đã xác định)"
    assert headers[lead_col + 3] == "Cơ quan phối hợp (đã xác định)"
    unresolved = wb[layout.UNRESOLVED_SHEET]
    assert [c.value for c in unresolved[layout.HEADER_ROW]] == [
        c.header for c in layout.UNRESOLVED_COLUMNS
    ]
    statuses = {
        unresolved.cell(r, 2).value for r in range(layout.FIRST_DATA_ROW, unresolved.max_row + 1)
    }
    assert statuses == {layout.UNRESOLVED_STATUS["undecided"]}
    first_link = unresolved.cell(layout.FIRST_DATA_ROW, len(layout.UNRESOLVED_COLUMNS))
    assert first_link.hyperlink is not None
    assert first_link.hyperlink.location.startswith("'Nhiệm vụ'!")


def _edit_directory(path: Path) -> None:
    """What an official does: an email, a contact, members for a group, an alias, a new row,
    a typo in a task (a spelling nobody knows)."""
    wb = load_workbook(path, keep_vba=True)
    ws = wb[DIR]
    snv = _row_of(ws, "SNV")
    ws.cell(snv, _col("emails")).value = "vanthu.snv@backan.gov.vn"
    ws.cell(snv, _col("contact")).value = "Nguyễn Thị Lan"
    group = _row_of(ws, "NHOM-LIENQUAN")
    ws.cell(group, _col("members")).value = "STP; STC"
    syt = _row_of(ws, "SYT")
    ws.cell(syt, _col("aliases")).value = "Phòng Y tế tỉnh"
    new = ws.max_row + 1
    for key, value in {
        "code": "KBNN",
        "name": "Kho bạc Nhà nước tỉnh",
        "kind": "Cơ quan Trung ương trên địa bàn",
        "emails": "kbnn@backan.gov.vn",
    }.items():
        ws.cell(new, ENTRY_KEYS.index(key) + 1).value = value
    wb.save(path)


def test_rebuild_keeps_the_officials_edits(master_xlsm: Path) -> None:
    _edit_directory(master_xlsm)
    build_master(master_xlsm, load_default_plan(), ROOT / "macros", ROOT / "templates")
    values = workbook_values(master_xlsm)
    directory = load_directory(values).index()
    assert directory["SNV"].emails == ("vanthu.snv@backan.gov.vn",)
    assert directory["SNV"].contact == "Nguyễn Thị Lan"
    assert directory["NHOM-LIENQUAN"].members == ("STP", "STC")
    assert directory["SYT"].aliases == ("Phòng Y tế tỉnh",)
    assert directory["KBNN"].name == "Kho bạc Nhà nước tỉnh"
    assert load_base(values) == SEED
    # The groups they decided are no longer listed as needing a decision.
    rows = values[layout.UNRESOLVED_SHEET][layout.FIRST_DATA_ROW - 1 :]
    assert not any(
        r[layout.column_index(layout.UNRESOLVED_COLUMNS, "entry") - 1] == "NHOM-LIENQUAN"
        for r in rows
    )
    # Deterministic: building again over the result gives the same bytes.
    first = master_xlsm.read_bytes()
    build_master(master_xlsm, load_default_plan(), ROOT / "macros", ROOT / "templates")
    assert master_xlsm.read_bytes() == first
    # And --new-directory starts again from the seed.
    build_master(
        master_xlsm,
        load_default_plan(),
        ROOT / "macros",
        ROOT / "templates",
        keep_directory=False,
    )
    assert load_directory(workbook_values(master_xlsm)) == SEED


def test_rebuild_over_a_damaged_directory_stops(master_xlsm: Path) -> None:
    wb = load_workbook(master_xlsm, keep_vba=True)
    ws = wb[DIR]
    ws.cell(_row_of(ws, "STP"), 1).value = "SNV"
    wb.save(master_xlsm)
    before = master_xlsm.read_bytes()
    with pytest.raises(WorkbookError) as err:
        build_master(master_xlsm, load_default_plan(), ROOT / "macros", ROOT / "templates")
    assert err.value.sheet == DIR and "trùng" in str(err.value)
    assert master_xlsm.read_bytes() == before


def test_refresh_after_editing_the_directory(master_xlsm: Path) -> None:
    _edit_directory(master_xlsm)
    wb = load_workbook(master_xlsm, keep_vba=True)
    tasks = wb[layout.TASKS_SHEET]
    lead = layout.column_index(layout.TASK_COLUMNS, "lead")
    tasks.cell(
        layout.FIRST_DATA_ROW, lead
    ).value = "Phòng Y tế tỉnh; Sở Nội vu; Kho bạc Nhà nước tỉnh"
    wb.save(master_xlsm)
    values = workbook_values(master_xlsm)
    directory, resolution, edits = refresh_resolution(values, file=master_xlsm)
    task_id = tasks.cell(layout.FIRST_DATA_ROW, 1).value
    assert [a.agency for a in resolution.of_task(task_id, "lead")] == ["SYT", "KBNN"]
    assert [u.text for u in resolution.unresolved] == ["Sở Nội vu"]  # a typo stays listed
    apply_to_workbook(wb, edits)
    resolved = layout.column_index(layout.TASK_COLUMNS, "lead_resolved")
    assert (
        tasks.cell(layout.FIRST_DATA_ROW, resolved).value == "SYT\n«Sở Nội vu»: chưa xác định\nKBNN"
    )
    ws = wb[DIR]
    kbnn = _row_of(ws, "KBNN")
    assert ws.cell(kbnn, _col("lead_tasks")).value == 1
    unresolved = wb[layout.UNRESOLVED_SHEET]
    assert unresolved.cell(layout.FIRST_DATA_ROW, 2).value == layout.UNRESOLVED_STATUS["unresolved"]
    assert unresolved.cell(layout.FIRST_DATA_ROW, 6).value == "Sở Nội vu"
    assert directory.index()["KBNN"].emails == ("kbnn@backan.gov.vn",)


def test_check_uses_the_directory(master_xlsm: Path) -> None:
    from kehoach.checks.run import check_workbook

    wb = load_workbook(master_xlsm, keep_vba=True)
    tasks = wb[layout.TASKS_SHEET]
    lead = layout.column_index(layout.TASK_COLUMNS, "lead")
    tasks.cell(layout.FIRST_DATA_ROW, lead).value = "Sở Nội vu; Sở Tư pháp"
    wb.save(master_xlsm)
    findings = check_workbook(state_from_values(workbook_values(master_xlsm))).findings
    mine = [f for f in findings if f.rule == "NV-CO-QUAN"]
    assert len(mine) == 1
    assert mine[0].cell == f"G{layout.FIRST_DATA_ROW}" and "«Sở Nội vu»" in mine[0].message
    groups = [f for f in findings if f.rule == "NV-CO-QUAN-NHOM"]
    assert len(groups) == 27 and {f.severity for f in groups} == {"info"}
