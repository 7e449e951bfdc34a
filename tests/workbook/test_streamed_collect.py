"""``collect`` writes TienDo and LichSu streamed (``kehoach.sheets.streamed``, spliced by
``kehoach.workbook.splice``) instead of loading and saving them through openpyxl's objects:
on the real master, a first round and a second round over an official's own edits give the
workbook the full load gives, cell by cell and style by style, row heights, validations and
the rest of each sheet included, and LibreOffice reads it."""

from __future__ import annotations

import shutil
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.styles import Alignment, PatternFill

from carried_support import (
    BENCH,
    RECEIVED_AT,
    assert_kept_or_rewritten_alike,
    cells,
    collected_round,
    sheet_parts,
    slow_path,
    with_excel_rows,
    with_shared_strings,
)
from kehoach.cli import main
from kehoach.sheets import extract_layout as ex
from kehoach.sheets import progress_layout as pl
from kehoach.workbook.xlsm import package_problems, save_xlsm
from lo_support import SOFFICE, soffice_convert

STREAMED = {pl.PROGRESS_SHEET, pl.HISTORY_SHEET}
NOTE = "Ghi chú của chuyên viên: đã gọi điện nhắc cơ quan, hẹn gửi lại báo cáo trong tuần sau"
LATER_RESULTS = "Đã hoàn thành toàn bộ nội dung, có báo cáo tổng kết gửi Sở Nội vụ kèm theo"


@pytest.fixture(scope="module")
def rounds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path, Path]:
    """(the master before any return, the first round's returns, the master after it with an
    official's edits, a second round of later returns from three agencies)."""
    folder = tmp_path_factory.mktemp("streamed")
    collected = collected_round(folder)
    work = folder / "work"
    before = work / "master" / collected.name
    wb = load_workbook(collected, keep_vba=True)
    progress = wb[pl.PROGRESS_SHEET]
    note = progress.cell(pl.FIRST_DATA_ROW + 2, len(pl.PROGRESS_COLUMNS) + 1, NOTE)
    note.alignment = Alignment(wrap_text=True, vertical="top")
    progress.cell(pl.FIRST_DATA_ROW + 4, 3).fill = PatternFill("solid", fgColor="FFFF00")
    for cell in progress[pl.FIRST_DATA_ROW + 1]:  # a row the official cleared
        cell.value = None
    history = wb[pl.HISTORY_SHEET]
    history.cell(pl.FIRST_DATA_ROW + 1, len(pl.HISTORY_COLUMNS) + 2, "đã kiểm tra")
    save_xlsm(wb, collected, backup_dir=folder / "backup")
    later = folder / "round2"
    later.mkdir()
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    import bench_collect

    reports = tuple(
        {
            **r,
            ex.RESULTS_KEY: LATER_RESULTS,
            ex.REPORT_DATE_KEY: bench_collect.REPORT_DAY.replace(month=11),
        }
        for r in bench_collect.REPORTS
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bench_collect, "REPORTS", reports)
        for extract in sorted((work / "GuiCoQuan").glob("*.xlsx"))[:3]:
            data = bench_collect.fill_returned(extract.read_bytes())
            (later / f"{extract.stem} (lan 2).xlsx").write_bytes(data)
    return before, work / "TraLoi", collected, later


@pytest.fixture
def streamed_sheets(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[set[str]]]:
    """The sheets each save wrote streamed, one set per save."""
    import kehoach.sheets.streamed as streamed

    real = streamed.write_streamed
    saves: list[set[str]] = []

    def spy(wb: Any) -> Any:
        rows = real(wb)
        saves.append(set(rows))
        return rows

    monkeypatch.setattr(streamed, "write_streamed", spy)
    yield saves


def collect(master: Path, returns: Path) -> None:
    args = ["collect", str(master), "--from", str(returns), "--received-at", RECEIVED_AT]
    assert main(args) == 0


def both_ways(
    master: Path, returns: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Path]:
    """``collect`` on two copies of ``master``: streamed (the other sheets carried), and
    loaded and saved in full."""
    fast = folder / "fast" / master.name
    slow = folder / "slow" / master.name
    for path in (fast, slow):
        path.parent.mkdir()
        shutil.copy2(master, path)
    collect(fast, returns)
    with slow_path(monkeypatch):
        collect(slow, returns)
    return fast, slow


def sheet_settings(path: Path, sheet: str) -> dict[str, Any]:
    """Everything of ``sheet`` beside its cells: row heights and visibility, column widths,
    validations, conditional formats, panes, filter, print setup, extent."""
    ws = load_workbook(path)[sheet]
    return {
        "rows": {
            r: (d.height, d.hidden, d.customHeight)
            for r, d in ws.row_dimensions.items()
            if d.height is not None or d.hidden
        },
        "columns": {k: (d.width, d.hidden, repr(d.font)) for k, d in ws.column_dimensions.items()},
        "validations": [repr(v) for v in ws.data_validations.dataValidation],
        "formats": [repr(r) for c in ws.conditional_formatting for r in c.rules],
        "panes": ws.freeze_panes,
        "filter": ws.auto_filter.ref,
        "print": (ws.print_title_rows, repr(ws.page_setup)),
        "extent": (ws.max_row, ws.max_column),
    }


def assert_same_workbook(original: Path, fast: Path, slow: Path) -> None:
    assert cells(fast) == cells(slow)  # every sheet, every cell's value and look
    for sheet in STREAMED:
        assert sheet_settings(fast, sheet) == sheet_settings(slow, sheet), sheet
    fast_parts, slow_parts = sheet_parts(fast), sheet_parts(slow)
    assert list(fast_parts) == list(slow_parts)
    for sheet in set(fast_parts) - STREAMED - {pl.INTAKE_SHEET}:  # its run's note: the time
        assert_kept_or_rewritten_alike(sheet_parts(original), fast_parts, slow_parts, sheet)
    with zipfile.ZipFile(fast) as f, zipfile.ZipFile(slow) as s:
        # The original's shared strings go over with the rows kept (openpyxl writes none).
        assert sorted(set(f.namelist()) - {"xl/sharedStrings.xml"}) == sorted(s.namelist())
        assert f.read("xl/vbaProject.bin") == s.read("xl/vbaProject.bin")
    assert package_problems(fast) == []


def test_a_first_round_streamed_is_the_full_load_s_workbook(
    rounds: tuple[Path, Path, Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    streamed_sheets: list[set[str]],
) -> None:
    before, returns, _, _ = rounds
    fast, slow = both_ways(before, returns, tmp_path, monkeypatch)
    assert streamed_sheets == [STREAMED, set()]  # TienDo and LichSu had no data rows yet
    assert_same_workbook(before, fast, slow)
    rows = load_workbook(fast, read_only=True)[pl.PROGRESS_SHEET].max_row
    assert rows > 3000


@pytest.mark.parametrize("saved_by", ["openpyxl", "Excel"])
def test_a_second_round_keeps_what_the_official_typed_as_the_full_load_does(
    saved_by: str,
    rounds: tuple[Path, Path, Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    streamed_sheets: list[set[str]],
) -> None:
    """Saved by Excel, TienDo's and LichSu's strings (the note beside the table included) are
    indices into the shared strings table, which the rows kept and the note's row refer to."""
    _, _, collected, later = rounds
    if saved_by == "Excel":
        (tmp_path / "excel").mkdir()
        collected = with_shared_strings(
            collected, tmp_path / "excel" / collected.name, sorted(STREAMED)
        )
    fast, slow = both_ways(collected, later, tmp_path, monkeypatch)
    assert streamed_sheets == [STREAMED, set()]
    assert_same_workbook(collected, fast, slow)
    if saved_by == "Excel":  # LichSu's rows above the receipts still refer to the table
        assert b't="s"' in sheet_parts(fast)[pl.HISTORY_SHEET]
    wb = load_workbook(fast)
    progress = wb[pl.PROGRESS_SHEET]
    column = len(pl.PROGRESS_COLUMNS) + 1
    assert progress.cell(pl.FIRST_DATA_ROW + 2, column).value == NOTE  # beside the table
    assert progress.row_dimensions[pl.FIRST_DATA_ROW + 2].height  # grown to the note
    assert progress.cell(pl.FIRST_DATA_ROW + 4, 3).fill.fgColor.rgb == "00FFFF00"
    old = load_workbook(collected, read_only=True)[pl.PROGRESS_SHEET]
    last = max(r for r, row in enumerate(old.iter_rows(values_only=True), 1) if any(row))
    keys = [c.key for c in pl.PROGRESS_COLUMNS]
    rows = progress.iter_rows(min_row=pl.FIRST_DATA_ROW, max_col=len(keys), values_only=True)
    table = [dict(zip(keys, row, strict=False)) for row in rows if any(v is not None for v in row)]
    assert len(table) == last - pl.FIRST_DATA_ROW  # one row shorter: the cleared one
    assert progress.cell(last, 1).value is None  # the row below the table cleared
    assert sum(LATER_RESULTS in str(row.values()) for row in table) > 10
    history = wb[pl.HISTORY_SHEET]
    assert history.cell(pl.FIRST_DATA_ROW + 1, len(pl.HISTORY_COLUMNS) + 2).value == "đã kiểm tra"
    files = [c.value for c in history["B"][pl.FIRST_DATA_ROW - 1 :] if c.value]
    assert sum("(lan 2)" in f for f in files) == 3  # appended below the first round's


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_reads_the_streamed_sheets(
    rounds: tuple[Path, Path, Path, Path], tmp_path: Path
) -> None:
    _, _, collected, later = rounds
    path = tmp_path / "m" / collected.name
    path.parent.mkdir()
    shutil.copy2(collected, path)
    collect(path, later)
    source = Path(shutil.copy2(path, tmp_path / "streamed.xlsx"))
    (out := tmp_path / "lo").mkdir()
    (converted,) = soffice_convert([source], "xlsx", out, tmp_path / "profile")
    for sheet in sorted(STREAMED):
        assert _values(converted, sheet) == _values(path, sheet), sheet


def _values(path: Path, sheet: str) -> list[list[Any]]:
    ws = load_workbook(path, read_only=True)[sheet]
    return [
        list(row)
        for row in ws.iter_rows(min_row=pl.FIRST_DATA_ROW, values_only=True)
        if any(v is not None for v in row)
    ]


def test_a_round_into_a_master_saved_by_excel_keeps_it_a_workbook(
    rounds: tuple[Path, Path, Path, Path], tmp_path: Path
) -> None:
    """Excel writes ``x14ac:dyDescent`` on every row: the rows kept as they were (LichSu's
    first round) still have it, and every part still declares it."""
    _, _, collected, later = rounds
    (tmp_path / "m").mkdir()
    path = with_excel_rows(collected, tmp_path / "m" / collected.name)
    collect(path, later)
    parts = sheet_parts(path)
    assert b'x14ac:dyDescent="0.25"' in parts[pl.HISTORY_SHEET]
    wb = load_workbook(path)  # every part is XML again
    files = [c.value for c in wb[pl.HISTORY_SHEET]["B"][pl.FIRST_DATA_ROW - 1 :] if c.value]
    assert sum("(lan 2)" in f for f in files) == 3
    assert package_problems(path) == []
