"""`kehoach collect WORKBOOK --from DIR [--json]` on the real master with real signed returns:
the merged progress cell by cell, rejections, a second run that changes nothing, Excel's lock
file, a process killed while saving, and LibreOffice opening the result."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from collect_support import (
    RECEIVED_AT,
    Returned,
    changes,
    extract_task_ids,
    make_source,
    progress,
    returned_master,
    sheet_rows,
)
from kehoach.cli import main
from kehoach.collect.history_file import read_history
from kehoach.sheets import extract_layout as ex
from kehoach.sheets import progress_layout as pl
from kehoach.workbook.xlsm import package_problems, save_xlsm
from lo_support import SOFFICE, soffice_convert

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_source(tmp_path_factory.mktemp("collect-src"))


@pytest.fixture
def returned(source: tuple[Path, Path], tmp_path: Path) -> Returned:
    return returned_master(source, tmp_path)


def collect(r: Returned, *more: str) -> int:
    return main(
        [
            "collect",
            str(r.master),
            "--from",
            str(r.returns),
            "--received-at",
            RECEIVED_AT.isoformat(),
            *more,
        ]
    )


def test_collect_merges_the_latest_report_cell_by_cell(
    returned: Returned, source: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert collect(returned) == 1  # one file rejected
    out = capsys.readouterr().out
    snv_tasks = extract_task_ids(source[1] / "So-Noi-vu.xlsx")
    stp_tasks = extract_task_ids(source[1] / "So-Tu-phap.xlsx")
    rows = {(r["task_id"], r["agency"]): r for r in progress(returned.master)}
    assert set(rows) == {(snv_tasks[0], "SNV"), (snv_tasks[1], "SNV"), (stp_tasks[2], "STP")}
    done = rows[(snv_tasks[0], "SNV")]
    assert {k: done[k] for k in ("agency_name", "status", "percent", "results", "evidence")} == {
        "agency_name": "Sở Nội vụ",
        "status": ex.STATUS_DONE,
        "percent": 100,
        "results": "Đã ban hành kế hoạch",
        "evidence": "Số 12/QĐ-UBND ngày 05/6/2023",
    }
    assert done["role"] in ("chủ trì", "phối hợp") and done["appendix"] in ("PL1", "PL2")
    going = rows[(snv_tasks[1], "SNV")]
    # The November file wins: later report date.
    assert (going["status"], going["percent"], going["report_date"], going["file"]) == (
        ex.STATUS_IN_PROGRESS,
        80,
        datetime(2023, 11, 15),
        "So-Noi-vu (thang 11).xlsx",
    )
    assert going["difficulties"] == "Thiếu kinh phí" and going["received_at"] == RECEIVED_AT
    # LichSu: a row per file taken in, naming the run's history workbook beside the master.
    name = f"KeHoach2023_LichSu/LichSu_{RECEIVED_AT:%Y-%m-%d_%H%M%S}.xlsx"
    receipts = sheet_rows(returned.master, pl.HISTORY_SHEET)
    assert [(r[1], r[3], r[5], r[8]) for r in receipts] == [
        ("So-Noi-vu.xlsx", "SNV", pl.SUPERSEDED, name),  # in the order the changes were made
        ("So-Noi-vu (thang 11).xlsx", "SNV", pl.ACCEPTED, name),
        ("So-Tu-phap.xlsx", "STP", pl.ACCEPTED, name),
    ]
    assert sum(r[7] for r in receipts) == len(changes(returned.master))
    assert f"Lịch sử từng ô thay đổi: {returned.master.parent / name}" in out
    # The September file's report stays in the history, then the November change.
    history = changes(returned.master)
    percent = [(h[1], h[6], h[7]) for h in history if h[4] == snv_tasks[1] and h[5].startswith("%")]
    assert percent == [("So-Noi-vu.xlsx", None, 40), ("So-Noi-vu (thang 11).xlsx", 40, 80)]
    intake = {r[1]: r for r in sheet_rows(returned.master, pl.INTAKE_SHEET)}
    assert intake["So-Noi-vu (thang 11).xlsx"][3] == pl.ACCEPTED
    assert intake["So-Noi-vu.xlsx"][3] == pl.SUPERSEDED
    assert intake["So-Tu-phap.xlsx"][3] == pl.ACCEPTED
    tampered = intake["So-Tu-phap (sua).xlsx"]
    assert tampered[3] == pl.REJECTED and tampered[4]
    # The CLI says the same, one line per file, then the totals.
    assert f"[{pl.REJECTED}] So-Tu-phap (sua).xlsx" in out and tampered[4] in out
    assert "4 tệp: nhận 2, từ chối 1, cũ hơn 1, đã nhận trước đó 0" in out
    folder = load_workbook(returned.master)[pl.INTAKE_SHEET][pl.FOLDER_CELL].value
    assert folder == str(returned.returns.resolve())


def test_second_collect_changes_neither_progress_nor_history(
    returned: Returned, capsys: pytest.CaptureFixture[str]
) -> None:
    collect(returned)
    capsys.readouterr()
    folder = returned.master.parent / "KeHoach2023_LichSu"
    history_files = sorted(p.name for p in folder.iterdir())
    before = (
        sheet_rows(returned.master, pl.PROGRESS_SHEET),
        sheet_rows(returned.master, pl.HISTORY_SHEET),
    )
    assert collect(returned, "--json") == 1
    report = json.loads(capsys.readouterr().out)
    after = (
        sheet_rows(returned.master, pl.PROGRESS_SHEET),
        sheet_rows(returned.master, pl.HISTORY_SHEET),
    )
    assert after == before
    assert report["history_file"] == ""  # nothing changed: no history workbook
    assert sorted(p.name for p in folder.iterdir()) == history_files
    assert report["counts"] == {
        "files": 4,
        "accepted": 0,
        "rejected": 1,
        "superseded": 0,
        "unchanged": 3,
        "changes": 0,
        "progress_rows": 3,
    }
    assert {f["result"] for f in report["files"]} == {pl.UNCHANGED, pl.REJECTED}


def test_json_lists_every_file_with_its_outcome(
    returned: Returned, capsys: pytest.CaptureFixture[str]
) -> None:
    collect(returned, "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["received_at"] == RECEIVED_AT.isoformat()
    assert [f["file"] for f in report["files"]] == sorted(f["file"] for f in report["files"])
    assert report["counts"]["changes"] == sum(f["changes"] for f in report["files"])


def test_master_open_in_excel_is_refused_and_left_alone(
    returned: Returned, capsys: pytest.CaptureFixture[str]
) -> None:
    (returned.master.parent / f"~${returned.master.name}").write_bytes(b"\x00" * 165)
    before = returned.master.read_bytes()
    assert collect(returned) == 2
    err = capsys.readouterr().err
    assert "đang mở trong Excel" in err and f"~${returned.master.name}" in err
    assert returned.master.read_bytes() == before
    assert not (returned.master.parent / "backup").exists()


def test_missing_folder_or_key_changes_nothing(
    returned: Returned, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = returned.master.read_bytes()
    code = main(["collect", str(returned.master), "--from", str(tmp_path / "khong-co")])
    assert code == 2 and "Không tìm thấy thư mục" in capsys.readouterr().err
    fresh = tmp_path / "fresh" / "KeHoach2023.xlsm"
    fresh.parent.mkdir()
    shutil.copy2(ROOT / "workbook" / "KeHoach2023.xlsm", fresh)
    fresh_bytes = fresh.read_bytes()
    assert main(["collect", str(fresh), "--from", str(returned.returns)]) == 2
    assert "chưa có khóa ký" in capsys.readouterr().err
    assert returned.master.read_bytes() == before and fresh.read_bytes() == fresh_bytes


def test_history_folder_that_cannot_be_made_changes_nothing(
    returned: Returned, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file where the history folder should be: the run stops before the master is written."""
    (returned.master.parent / "KeHoach2023_LichSu").write_text("not a folder")
    before = returned.master.read_bytes()
    assert collect(returned) == 2
    err = capsys.readouterr().err
    assert "Không ghi được tệp lịch sử chi tiết" in err and "KeHoach2023_LichSu" in err
    assert "workbook chưa bị thay đổi gì" in err
    assert returned.master.read_bytes() == before


# --- a process killed while saving ------------------------------------------------------------


def _run_and_kill(master: Path, returns: Path, delay: float) -> bytes:
    """Start `kehoach collect`, wait until it starts writing, SIGKILL it after ``delay``."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "kehoach.cli", "collect", str(master), "--from", str(returns)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT / "pylib")},
    )
    assert proc.stderr is not None
    proc.stderr.readline()  # "Đang ghi …": everything is read and checked, the save begins
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    return master.read_bytes()


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL")
def test_killed_during_the_save_the_master_is_old_or_new_never_partial(
    returned: Returned,
) -> None:
    old = returned.master.read_bytes()
    start = time.monotonic()
    assert collect(returned) == 1
    duration = time.monotonic() - start
    new_progress = progress(returned.master)
    outcomes = {"old": 0, "new": 0}
    for fraction in (0.0, 0.05, 0.1, 0.2, 0.3, 0.45, 0.6, 0.8):
        returned.master.write_bytes(old)
        shutil.rmtree(returned.master.parent / "backup", ignore_errors=True)
        data = _run_and_kill(returned.master, returned.returns, duration * fraction)
        if data == old:
            outcomes["old"] += 1
            continue
        assert package_problems(returned.master) == [], fraction
        with zipfile.ZipFile(returned.master) as z:
            assert z.testzip() is None
        got = progress(returned.master)
        assert [{k: v for k, v in r.items() if k != "received_at"} for r in got] == [
            {k: v for k, v in r.items() if k != "received_at"} for r in new_progress
        ]
        outcomes["new"] += 1
    leftovers = [p.name for p in returned.master.parent.glob(".KeHoach2023-*.tmp.xlsm")]
    # A killed save may leave its temporary file behind, never a damaged master.
    assert outcomes["old"] >= 1, outcomes
    assert all(n.endswith(".tmp.xlsm") for n in leftovers)


# --- LibreOffice --------------------------------------------------------------------------------


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_collected_master(returned: Returned, tmp_path: Path) -> None:
    assert collect(returned) == 1
    expected = progress(returned.master)
    (history,) = (returned.master.parent / "KeHoach2023_LichSu").iterdir()
    converted, history_lo = soffice_convert(
        [returned.master, history], "xlsx", tmp_path / "lo", tmp_path / "p"
    )
    assert read_history(history_lo) == read_history(history)  # the history workbook opens too
    assert len(read_history(history)) == len(changes(returned.master)) > 0
    got = progress(converted)
    assert len(got) == len(expected) == 3
    for mine, theirs in zip(expected, got, strict=True):
        for key, value in mine.items():
            other = theirs[key]
            if isinstance(value, datetime | date) and isinstance(other, datetime | date):
                assert value == other, key
            else:
                assert value == other, (key, value, other)


def test_rebuilding_the_master_keeps_what_was_collected(
    returned: Returned, capsys: pytest.CaptureFixture[str]
) -> None:
    assert collect(returned) == 1
    before = {
        s: sheet_rows(returned.master, s)
        for s in (pl.PROGRESS_SHEET, pl.HISTORY_SHEET, pl.INTAKE_SHEET)
    }
    folder = load_workbook(returned.master)[pl.INTAKE_SHEET][pl.FOLDER_CELL].value
    assert main(["build", "--out", str(returned.master)]) == 0
    capsys.readouterr()
    for sheet, rows in before.items():
        assert sheet_rows(returned.master, sheet) == rows, sheet
    assert changes(returned.master)  # LichSu still names the history workbook
    assert load_workbook(returned.master)[pl.INTAKE_SHEET][pl.FOLDER_CELL].value == folder
    assert collect(returned) == 1  # and collecting again still changes nothing
    assert sheet_rows(returned.master, pl.HISTORY_SHEET) == before[pl.HISTORY_SHEET]


def test_rebuild_refuses_collected_rows_under_other_headers(
    returned: Returned, capsys: pytest.CaptureFixture[str]
) -> None:
    """A master whose LichSu holds rows under an earlier layout's headers (one row per cell):
    the build names the cell and leaves the master as it was, rather than garble the rows."""
    assert collect(returned) == 1
    wb = load_workbook(returned.master, keep_vba=True)
    wb[pl.HISTORY_SHEET]["E3"] = "Mã nhiệm vụ"
    save_xlsm(wb, returned.master)
    before = returned.master.read_bytes()
    capsys.readouterr()
    assert main(["build", "--out", str(returned.master)]) == 2
    err = capsys.readouterr().err
    assert pl.HISTORY_SHEET in err and "E3" in err and "Ngày báo cáo" in err
    assert returned.master.read_bytes() == before


def _clear_row_then_collect_a_later_file(
    r: Returned, source: tuple[Path, Path], sheet: str, row: int
) -> None:
    """The official clears ``row`` of ``sheet``; then Sở Tư pháp's November file arrives and
    is collected."""
    from collect_support import LATER
    from returns_corpus import fill

    wb = load_workbook(r.master, keep_vba=True)
    for cell in wb[sheet][row]:
        cell.value = None
    save_xlsm(wb, r.master)
    stp = (source[1] / "So-Tu-phap.xlsx").read_bytes()
    (r.returns / "So-Tu-phap (thang 11).xlsx").write_bytes(fill(stp, {6: LATER}))
    collect(r)


def test_a_progress_row_an_official_cleared_leaves_no_stale_row_behind(
    returned: Returned, source: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """TienDo is rewritten from its non-blank rows: when an official cleared a row, the table
    written back is one row shorter than the sheet was, and the row below it must not keep a
    copy of a report (the same task and agency twice)."""
    collect(returned)
    before = progress(returned.master)
    assert len(before) == 3
    _clear_row_then_collect_a_later_file(returned, source, pl.PROGRESS_SHEET, pl.FIRST_DATA_ROW)
    after = progress(returned.master)
    pairs = [(r["task_id"], r["agency"]) for r in after]
    assert len(pairs) == len(set(pairs)) == 2
    kept = {(r["task_id"], r["agency"]) for r in before[1:]}
    assert set(pairs) == kept
    rows = sheet_rows(returned.master, pl.PROGRESS_SHEET)
    assert len(rows) == 2  # nothing left below the table
    stp_row = next(r for r in after if r["agency"] == "STP")
    assert stp_row["percent"] == 80 and stp_row["file"] == "So-Tu-phap (thang 11).xlsx"


def test_a_receipt_an_official_cleared_in_lichsu_does_not_get_the_next_one_written_over_another(
    returned: Returned, source: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """LichSu is appended to below its last row: a row cleared in the middle does not move
    the next run's receipts up over the last one (the register that makes a file known)."""
    collect(returned)
    before = sheet_rows(returned.master, pl.HISTORY_SHEET)
    assert len(before) == 3
    _clear_row_then_collect_a_later_file(returned, source, pl.HISTORY_SHEET, pl.FIRST_DATA_ROW + 1)
    after = sheet_rows(returned.master, pl.HISTORY_SHEET)
    assert [r[1] for r in after] == [
        before[0][1],
        before[2][1],
        "So-Tu-phap (thang 11).xlsx",
    ]
    ws = load_workbook(returned.master)[pl.HISTORY_SHEET]
    assert ws.cell(pl.FIRST_DATA_ROW + 3, 2).value == "So-Tu-phap (thang 11).xlsx"  # below
