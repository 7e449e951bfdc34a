"""How many calls the ribbon's entry points make to Excel: a few per sheet, not one per row.

Each range write of an entry point is one action of xlwings' remote engine (one call into
Excel through COM). The buttons run on a synthetic plan and on one with three times its
agencies and tasks (``bench/synthetic.py``); the calls that depend on the plan's size are
only those Excel has no bulk form for: one hyperlink per linked cell and one row height per
run of rows of the same height.
"""

from __future__ import annotations

import sys
from collections import Counter
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from kehoach import xl
from kehoach.checks.run import SHEETS_READ, check_workbook
from kehoach.sheets import layout
from kehoach.sheets.edits import Fill, Link, RowHeights
from kehoach.state.master import read_state
from kehoach.summary.compute import SHEETS_READ as SUMMARY_READ
from kehoach.summary.compute import summarize
from kehoach.summary.sheet import summary_edits
from kehoach.workbook.master import fill_master
from kehoach.workbook.xlsm import build_xlsm
from xlharness import run_entry

ROOT = Path(__file__).resolve().parents[2]
# Actions Excel must get once per cell or run of rows; every other count must not grow.
PER_LINK = "addHyperlink"
PER_HEIGHT_RUN = "setRowHeight"
PER_SHEET = "setRangeColors"  # the highlights: one call per sheet that has some


@pytest.fixture(scope="module")
def masters(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """Masters of a synthetic plan: 12 agencies and 16 tasks, and 3× both."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from synthetic import synthetic_province
    finally:
        sys.path.remove(str(ROOT / "bench"))
    folder = tmp_path_factory.mktemp("calls")
    out: dict[int, Path] = {}
    for scale in (1, 3):
        plan, directory = synthetic_province(12 * scale, 16 * scale, seed=7)
        path = folder / f"master-{scale}.xlsm"
        build_xlsm(path, partial(fill_master, plan=plan, directory=directory), ROOT / "macros")
        out[scale] = path
    return out


def _counts(actions: list[dict[str, Any]]) -> Counter[str]:
    return Counter(a["func"] for a in actions)


def _fixed(counts: Counter[str]) -> Counter[str]:
    """The counts that must not depend on the plan's size."""
    sized = (PER_LINK, PER_HEIGHT_RUN, PER_SHEET)
    return Counter({k: n for k, n in counts.items() if k not in sized})


def test_check_button_fills_each_sheet_in_one_call(
    masters: dict[int, Path], tmp_path: Path, xl_remote: Any
) -> None:
    results = {
        s: run_entry(p, xl.check_data, dst=tmp_path / f"{s}.xlsm") for s, p in masters.items()
    }
    edits = {s: check_workbook(read_state(p, sheets=SHEETS_READ)).edits for s, p in masters.items()}
    for scale, result in results.items():
        counts = _counts(result.actions)
        fills = [e for e in edits[scale] if isinstance(e, Fill)]
        assert len(fills) > len({f.sheet for f in fills})  # several highlights on a sheet
        assert "setRangeColor" not in counts
        assert counts[PER_SHEET] == len({f.sheet for f in fills})
        assert counts[PER_LINK] == sum(isinstance(e, Link) for e in edits[scale])
        # The highlights Excel got are the core's.
        wb = load_workbook(result.path)
        for f in fills:
            assert wb[f.sheet][f.cell].fill.fgColor.rgb[-6:] == f.color
    small, large = (_counts(results[s].actions) for s in (1, 3))
    assert len([e for e in edits[3] if isinstance(e, Fill)]) > 2 * len(
        [e for e in edits[1] if isinstance(e, Fill)]
    )
    assert _fixed(small) == _fixed(large)
    assert large[PER_SHEET] <= len(layout.APPENDIX_SHEETS) + 1


def test_summary_button_writes_values_in_one_call_per_block(
    masters: dict[int, Path], tmp_path: Path, xl_remote: Any
) -> None:
    results = {
        s: run_entry(p, xl.summarize_progress, dst=tmp_path / f"{s}.xlsm")
        for s, p in masters.items()
    }
    small, large = (_counts(results[s].actions) for s in (1, 3))
    assert _fixed(small) == _fixed(large)
    assert large["setValues"] == 2  # the note, and every row from the total down
    for scale, path in masters.items():
        state = read_state(path, sheets=SUMMARY_READ)
        heights = [
            e for e in summary_edits(summarize(state, date.today())) if isinstance(e, RowHeights)
        ]
        runs = sum(len(xl._runs(h.first_row, h.heights)) for h in heights)
        assert heights and _counts(results[scale].actions)[PER_HEIGHT_RUN] == runs
