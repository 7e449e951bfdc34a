"""How many calls the ribbon's entry points make to Excel: a few per sheet, not one per row.

Each range write of an entry point is one action of xlwings' remote engine (one call into
Excel through COM). The buttons run on a synthetic plan and on one with three times its
agencies and tasks (``bench/synthetic.py``); the calls that depend on the plan's size are
only those Excel has no bulk form for: one row height per run of rows of the same height, on
this engine (Excel itself gets one call per height, ``test_row_heights_in_excel``). Links are
``HYPERLINK`` formulas, one call per run of linked cells in a column.
"""

from __future__ import annotations

import sys
from collections import Counter
from datetime import date
from functools import partial
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils.cell import coordinate_to_tuple

from kehoach import xl
from kehoach.checks.run import SHEETS_READ, check_workbook
from kehoach.sheets import layout
from kehoach.sheets.edits import ClearRows, Fill, Link, RowHeights
from kehoach.state.master import read_state
from kehoach.summary.compute import SHEETS_READ as SUMMARY_READ
from kehoach.summary.compute import summarize
from kehoach.summary.sheet import summary_edits
from kehoach.workbook.master import fill_master
from kehoach.workbook.xlsm import build_xlsm
from xlharness import cell_link, run_entry

ROOT = Path(__file__).resolve().parents[2]
# Actions Excel must get once per cell or run of rows; every other count must not grow.
PER_LINK_RUN = "setFormula"  # with its colour, one setFontProperty
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
    sized = (PER_LINK_RUN, "setFontProperty", PER_HEIGHT_RUN, PER_SHEET)
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
        links = [e for e in edits[scale] if isinstance(e, Link)]
        assert "addHyperlink" not in counts
        assert counts[PER_LINK_RUN] == counts["setFontProperty"] == _link_runs(links)
        assert 0 < _link_runs(links) <= 2  # the findings' cells, one column: a run or two
        # Each link Excel got is the core's.
        ws = load_workbook(result.path)[layout.CHECK_SHEET]
        for link in links:
            assert cell_link(ws[link.cell]) == (link.target, link.text)
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


def _link_runs(links: list[Link]) -> int:
    """Runs of consecutive rows among the links' cells, column by column."""
    cells = {(c, r) for link in links for r, c in [coordinate_to_tuple(link.cell)]}
    return sum((c, r - 1) not in cells for c, r in cells)


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


def test_links_go_to_excel_one_call_per_run_in_a_column(tmp_path: Path, xl_remote: Any) -> None:
    """Two runs of links in a column, one link in another column, and one whose text no formula
    can hold: three formula calls, one hyperlink; each cell links where the core said."""
    path = tmp_path / "links.xlsx"
    wb = Workbook()
    wb.active.title = "T"
    wb.save(path)
    long_text = "x" * 300
    links = [
        *(Link("T", f"B{r}", f"'T'!A{r}", f"'T'!A{r}") for r in (3, 4, 5, 8, 9)),
        Link("T", "D4", "'T'!A1", 'tên "trong ngoặc"'),
        Link("T", "E2", "'T'!A2", long_text),
    ]
    result = run_entry(path, lambda book: xl.apply_edits(book, list(links)))
    counts = _counts(result.actions)
    assert counts["setFormula"] == 3 and counts["addHyperlink"] == 1
    ws = load_workbook(result.path)["T"]
    for link in links:
        assert cell_link(ws[link.cell]) == (link.target, link.text)
    assert ws["B3"].font.color.rgb[-6:] == "0563C1"


class _ExcelSheet:
    """What ``apply_edits`` asks of a sheet of Excel itself, recorded: ranges' row heights, and
    what clearing rows does (a used range to row 20, column 5)."""

    def __init__(self, calls: list[tuple[str, Any]]) -> None:
        self.calls = calls
        last = type("Cell", (), {"row": 20, "column": 5})()
        self.used_range = type("Used", (), {"last_cell": last})()

    def range(self, address: Any, end: Any = None) -> Any:
        calls = self.calls
        if end is not None:
            where = f"{address}:{end}"
            hyperlinks = type("Links", (), {"Delete": lambda _: calls.append(("delete", where))})
            api = type("Api", (), {"Hyperlinks": hyperlinks()})()
            return type(
                "Cells",
                (),
                {
                    "api": api,
                    "clear_contents": lambda _: calls.append(("clear_contents", where)),
                    "clear": lambda _: calls.append(("clear", where)),
                },
            )()

        class _Range:
            @property
            def row_height(self) -> float:
                raise AssertionError("not read")

            @row_height.setter
            def row_height(self, value: float) -> None:
                calls.append((address, value))

        return _Range()


def _excel_book(calls: list[tuple[str, Any]]) -> Any:
    sheet = _ExcelSheet(calls)
    engine = type("Engine", (), {"name": "excel"})()
    app = type("App", (), {"engine": engine})()
    return type("Book", (), {"app": app, "sheets": {"TongHop": sheet}})()


def test_row_heights_in_excel_take_one_call_per_height(masters: dict[int, Path]) -> None:
    """In Excel, the rows of each height are one range of many areas: the calls grow with the
    heights the text needs, not with the rows (COM's Range takes 255 characters: a few more)."""
    for scale, path in masters.items():
        state = read_state(path, sheets=SUMMARY_READ)
        (edit, *_) = [
            e for e in summary_edits(summarize(state, date.today())) if isinstance(e, RowHeights)
        ]
        calls: list[tuple[str, Any]] = []
        xl.apply_edits(_excel_book(calls), [edit])
        got: dict[int, float] = {}
        for address, height in calls:
            assert len(address) <= 255
            for area in address.split(","):
                top, bottom = map(int, area.split(":"))
                for row in range(top, bottom + 1):
                    assert row not in got
                    got[row] = height
        assert got == {edit.first_row + i: h for i, h in enumerate(edit.heights)}
        text = sum(len(f"{t}:{b},") for t, b, _ in xl._runs(edit.first_row, edit.heights))
        assert len(calls) <= len(set(edit.heights)) + text // 255
        assert len(calls) < len(xl._runs(edit.first_row, edit.heights)) or scale == 1


def test_clearing_rows_in_excel_deletes_their_hyperlinks() -> None:
    """Excel's ClearContents leaves a cell's hyperlink behind (a link of a run of the command
    line, under a button's link formula): the button deletes them too, as openpyxl's applier
    does; clearing with the formats is Excel's Clear, which takes them."""
    calls: list[tuple[str, Any]] = []
    xl.apply_edits(_excel_book(calls), [ClearRows("TongHop", 6), ClearRows("TongHop", 6, True)])
    assert calls == [
        ("clear_contents", "(6, 1):(20, 5)"),
        ("delete", "(6, 1):(20, 5)"),
        ("clear", "(6, 1):(20, 5)"),
    ]


def test_height_groups_split_long_addresses() -> None:
    """600 rows alternating between two heights: each height's areas packed into as few
    addresses of at most 255 characters as they fit in, in row order."""
    heights = [10.0, 20.0] * 300
    groups = xl.height_groups(5, heights)
    for height, first in ((10.0, 5), (20.0, 6)):
        addresses = [a for a, h in groups if h == height]
        areas = [area for a in addresses for area in a.split(",")]
        assert areas == [f"{r}:{r}" for r in range(first, 605, 2)]
        assert all(len(a) <= 255 for a in addresses)
        for address, after in pairwise(addresses):
            assert len(address) + 1 + len(after.split(",")[0]) > 255  # the next did not fit
        assert 9 <= len(addresses) <= 10  # ~2,200 characters of areas, 255 a call
