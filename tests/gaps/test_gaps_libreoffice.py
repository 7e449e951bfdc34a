"""LibreOffice recalculates the built workbook: every gap formula gives the core's number.

The built master (and a copy with 2023 results typed in) goes through
``soffice --headless --convert-to xlsx``, which recalculates; each formula cell of the gap
columns and of the sheet "Chênh lệch" is then compared with kehoach.gaps.compute, to 1e-9.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from gap_support import LEVEL_RESULTS, type_levels, type_results
from kehoach.gaps.compute import GapsReport, compute_gaps
from kehoach.gaps.sheet import field_rows, summary_rows
from kehoach.sheets import layout
from kehoach.sheets.sheetdata import workbook_values
from kehoach.state.master import state_from_values
from lo_support import SOFFICE, soffice_convert

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed"),
]


def recalculated(sources: list[Path], outdir: Path, profile: Path) -> list[Path]:
    """soffice --convert-to xlsx of every source at once (one start of LibreOffice)."""
    return soffice_convert(sources, "xlsx", outdir, profile)


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """(source, recalculated) of the plain built master, of one with criteria results typed in,
    and of that one with results typed on section, group and total rows too."""
    from plan_workbooks import build_real_master

    src = tmp_path_factory.mktemp("lo-gaps-src")
    plain = build_real_master(src / "plain.xlsm")
    typed = type_results(plain, src / "typed.xlsm")
    levels = type_levels(typed, src / "levels.xlsm", LEVEL_RESULTS)
    out = recalculated(
        [plain, typed, levels],
        tmp_path_factory.mktemp("lo-gaps-out"),
        tmp_path_factory.mktemp("prof"),
    )
    return {"plain": (plain, out[0]), "typed": (typed, out[1]), "levels": (levels, out[2])}


def same(found: Any, expected: Any, where: str) -> None:
    if expected is None or expected == "":
        assert found in (None, ""), f"{where}: {found!r}, core: {expected!r}"
    elif isinstance(expected, str):
        assert found == expected, f"{where}: {found!r}, core: {expected!r}"
    else:
        assert isinstance(found, int | float) and not isinstance(found, bool), (where, found)
        assert abs(found - float(expected)) <= 1e-9, f"{where}: {found!r}, core: {expected!r}"


def check_every_formula(source: Path, calc: Path) -> int:
    report: GapsReport = compute_gaps(state_from_values(workbook_values(source)))
    formulas = load_workbook(source)
    values = load_workbook(calc, data_only=True)
    checked = 0
    for appendix_id, gaps in report.appendices.items():
        sheet = layout.APPENDIX_SHEETS[appendix_id]
        columns = layout.APPENDIX_COLUMNS[appendix_id]
        keys = [k for k in layout.GAP_KEYS if k in layout.GAP_HEADERS[appendix_id]]
        for row, figures in gaps.rows.iterrows():
            for key in keys:
                cell = f"{layout.column_letter(columns, key)}{row}"
                text = formulas[sheet][cell].value
                if isinstance(text, str) and text.startswith("="):
                    same(values[sheet][cell].value, figures[key], f"{sheet}!{cell}")
                    checked += 1
    summary_f, summary_v = formulas[layout.GAPS_SHEET], values[layout.GAPS_SHEET]
    for appendix_id, row in summary_rows().items():
        totals = report.appendices[appendix_id].totals
        for col in layout.SUMMARY_COLUMNS:
            cell = f"{layout.column_letter(layout.SUMMARY_COLUMNS, col.key)}{row}"
            if col.key in totals:
                assert summary_f[cell].value is not None or totals[col.key] is None, cell
                same(summary_v[cell].value, totals[col.key], f"{layout.GAPS_SHEET}!{cell}")
                checked += 1
    fields = report.appendices[layout.FIELDS_APPENDIX].fields
    for section_row, out_row in field_rows(formulas).items():
        for col in layout.FIELD_COLUMNS:
            if col.key in ("tt", "name"):
                continue
            cell = f"{layout.column_letter(layout.FIELD_COLUMNS, col.key)}{out_row}"
            same(summary_v[cell].value, fields.loc[section_row, col.key], cell)
            checked += 1
    return checked


@pytest.mark.parametrize("case", ["plain", "typed", "levels"])
def test_every_formula_gives_the_cores_number(
    books: dict[str, tuple[Path, Path]], case: str
) -> None:
    source, calc = books[case]
    assert check_every_formula(source, calc) > 500


def test_typed_results_reach_the_summary(books: dict[str, tuple[Path, Path]]) -> None:
    _, calc = books["typed"]
    ws = load_workbook(calc, data_only=True)[layout.GAPS_SHEET]
    row = summary_rows()["PL2"]
    col = {
        c.key: layout.column_letter(layout.SUMMARY_COLUMNS, c.key) for c in layout.SUMMARY_COLUMNS
    }
    assert [ws[f"{col[k]}{row}"].value for k in ("results", "achieved", "not_achieved")] == [
        5,
        2,
        2,
    ]
    pl1 = summary_rows()["PL1"]
    assert ws[f"{col['results']}{pl1}"].value == 4
    assert ws[f"{col['lost_base_other']}{row}"].value == pytest.approx(12.2397, abs=1e-9)


def test_typed_levels_reach_the_summary(books: dict[str, tuple[Path, Path]]) -> None:
    """The workbook's own formulas follow a typed level: PAPI's total as typed, PL2's field
    II typed without criteria and the check for the rest."""
    source, calc = books["levels"]
    ws = load_workbook(calc, data_only=True)[layout.GAPS_SHEET]
    col = layout.column_letter(layout.SUMMARY_COLUMNS, "result_target")
    assert ws[f"{col}{summary_rows()['PL4']}"].value == 44.0
    report = compute_gaps(state_from_values(workbook_values(source)))
    assert report.appendices["PL2"].totals["result_target"] is None  # fields III… not typed
    pl2 = load_workbook(calc, data_only=True)["PL2"]
    rows = {pl2.cell(r, 1).value: r for r in range(layout.FIRST_DATA_ROW, pl2.max_row + 1)}
    achieved = layout.column_letter(layout.APPENDIX_COLUMNS["PL2"], "achieved")
    assert pl2[f"{achieved}{rows['PL2-II']}"].value == "Chưa đạt"
