"""Shared by the gap tests: typing 2023 results into a master workbook as officials would."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from kehoach.gaps.compute import compute_gaps
from kehoach.sheets import layout
from kehoach.sheets.sheetdata import workbook_values
from kehoach.state.master import state_from_values

# Results typed on section, group and total rows too (over their formulas), on top of RESULTS:
# PL1 field II; PL2 field I over its three typed criteria (3.5) and field II without any; SIPAS
# group II and section I.1 over its typed criteria; PAPI indexes 2 and 3 and the total.
LEVEL_RESULTS: dict[str, dict[str, Any]] = {
    "PL1": {"PL1-II": 7.5},
    "PL2": {"PL2-I": 3.25, "PL2-II": 3.0},
    "PL3": {"PL3-II": 80.0, "PL3-I.1": 84.0},
    "PL4": {"PL4-2": 5.21, "PL4-3": 4.29, "PL4": 44.0},
}

# 2023 results typed in by criterion id: a few PL2 criteria (one section complete, a survey
# criterion), PAPI content index 1 complete, SIPAS group I complete, PL1 section I complete.
RESULTS: dict[str, dict[str, Any]] = {
    "PL1": {"PL1-TC-1.1": 1.5, "PL1-TC-1.2": 1.75, "PL1-TC-1.4": 1, "PL1-TC-1.6": 1},
    "PL2": {
        "PL2-TC-1.2": 0.5,  # max 0.5, 2022 0: reached
        "PL2-TC-1.5": 1.5,  # max 2, 2022 1: 0.5 short
        "PL2-TC-1.7": 1.5,  # max 1.5: reached
        "PL2-TCTP-2.4.1": 0.8,  # survey: no numeric target
        "PL2-TC-3.4": 4.9,  # below 2022 (4.9928)
    },
    "PL3": {
        "PL3-I-1.1": 90,
        "PL3-I-1.2": 80,
        "PL3-I-2.1": 85,
        "PL3-I-2.2": 86.5,
        **{f"PL3-I-3.{i}": 88 for i in range(1, 9)},
        "PL3-I-4.1": 70,
        "PL3-I-4.2": 95,
    },
    "PL4": {"PL4-1.1": 1.6, "PL4-1.2": 2.3, "PL4-1.3": 2.0, "PL4-1.4": 1.5, "PL4-8.1": 0.2},
}


def criterion_rows(path: Path) -> dict[str, dict[str, int]]:
    """Excel row of every criterion, by appendix and criterion id."""
    report = compute_gaps(state_from_values(workbook_values(path)))
    return {
        a.id: {str(c["id"]): int(str(row)) for row, c in a.criteria.iterrows()}
        for a in report.appendices.values()
    }


def type_results(src: Path, dst: Path, results: Mapping[str, Mapping[str, Any]] = RESULTS) -> Path:
    """A copy of ``src`` with ``results`` typed into "Kết quả năm 2023" (saved by openpyxl)."""
    rows = criterion_rows(src)
    xlsm = dst.suffix.lower() == ".xlsm"
    wb = load_workbook(src, keep_vba=xlsm)
    for appendix_id, values in results.items():
        ws = wb[layout.APPENDIX_SHEETS[appendix_id]]
        col = layout.column_letter(layout.APPENDIX_COLUMNS[appendix_id], layout.RESULT_KEY)
        for criterion_id, value in values.items():
            ws[f"{col}{rows[appendix_id][criterion_id]}"] = value
    wb.save(dst)
    return dst


def result_cell(path: Path, appendix_id: str, criterion_id: str) -> str:
    col = layout.column_letter(layout.APPENDIX_COLUMNS[appendix_id], layout.RESULT_KEY)
    return f"{col}{criterion_rows(path)[appendix_id][criterion_id]}"


def row_ids(ws: Any, appendix: str) -> dict[str, int]:
    col = layout.column_index(layout.APPENDIX_COLUMNS[appendix], "id")
    return {
        str(ws.cell(r, col).value): r
        for r in range(layout.FIRST_DATA_ROW, ws.max_row + 1)
        if ws.cell(r, col).value
    }


def type_levels(src: Path, dst: Path, typed: dict[str, dict[str, Any]]) -> Path:
    """A copy of ``src`` with ``typed`` (appendix → row id → value) in "Kết quả năm 2023",
    over the formula where the row has one, as an official types it in Excel."""
    wb = load_workbook(src, keep_vba=dst.suffix == ".xlsm")
    for appendix, values in typed.items():
        ws = wb[layout.APPENDIX_SHEETS[appendix]]
        col = layout.column_index(layout.APPENDIX_COLUMNS[appendix], layout.RESULT_KEY)
        rows = row_ids(ws, appendix)
        for key, value in values.items():
            ws.cell(rows[key], col).value = value
    wb.save(dst)
    return dst
