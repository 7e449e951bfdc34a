"""The button "Tạo thư nháp" (kehoach.xl.send_mail) through xlwings' remote engine, drafts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kehoach import xl
from kehoach.sheets import mail_layout as ml
from kehoach.sheets.sheetdata import workbook_values
from mail_support import make_folder, parse, prepare_master
from xlharness import run_entry


def test_button_drafts_logs_saves_and_alerts(
    master_xlsm: Path, tmp_path: Path, xl_remote: Any
) -> None:
    master = prepare_master(master_xlsm)
    files = make_folder(tmp_path / "GuiCoQuan")
    out = tmp_path / ml.DRAFT_FOLDER
    result = run_entry(
        master, lambda book: xl.send_mail(book, files_dir=str(files), out_dir=str(out))
    )
    alert = result.alert
    assert alert.title == "Tạo thư nháp email"
    assert "2 đã tạo bản nháp" in alert.text and "1 không có địa chỉ email" in alert.text
    assert str(out) in alert.text
    assert "Sở Tư pháp (STP): không có địa chỉ email" in alert.text
    assert sorted(p.name for p in out.glob("*.eml")) == ["HDND-tinh.eml", "So-Noi-vu.eml"]
    assert parse((out / "So-Noi-vu.eml").read_bytes())["X-Unsent"] == "1"
    funcs = [a["func"] for a in result.actions]
    assert "save" in funcs and funcs.index("save") < funcs.index("alert")
    log = workbook_values(result.path)[ml.LOG_SHEET][ml.FIRST_DATA_ROW - 1 :]
    result_col = [c.key for c in ml.LOG_COLUMNS].index("result")
    assert [r[result_col] for r in log if r[0] is not None] == [
        ml.DRAFTED,
        ml.NO_ADDRESS,
        ml.DRAFTED,
    ]


def test_button_without_manifest_alerts_the_error(
    master_xlsm: Path, tmp_path: Path, xl_remote: Any
) -> None:
    master = prepare_master(master_xlsm)
    result = run_entry(
        master, lambda book: xl.send_mail(book, files_dir=str(tmp_path / "khong-co"))
    )
    assert result.alert.title == xl.ERROR_TITLE and "manifest.json" in result.alert.text


def test_a_draft_folder_that_cannot_be_written_says_why_for_each_agency(
    master_xlsm: Path, tmp_path: Path, xl_remote: Any
) -> None:
    """The book opened from a read-only place: no draft can be written. The alert says why
    for each agency, naming the folder, not a bare «Lỗi»; the log keeps the reason too."""
    master = prepare_master(master_xlsm)
    files = make_folder(tmp_path / "GuiCoQuan")
    blocker = tmp_path / "chi-doc"
    blocker.write_text("một tệp, không phải thư mục", encoding="utf-8")
    out = blocker / ml.DRAFT_FOLDER
    result = run_entry(
        master, lambda book: xl.send_mail(book, files_dir=str(files), out_dir=str(out))
    )
    alert = result.alert
    assert alert.title == "Tạo thư nháp email"
    line = next(ln for ln in alert.text.splitlines() if ln.startswith("- Sở Nội vụ (SNV)"))
    assert line.startswith(f"- Sở Nội vụ (SNV): {ml.FAILED} (không ghi được bản nháp So-Noi-vu.eml")
    assert f"vào thư mục «{out}»" in line
    assert "Error" not in alert.text  # no Python exception name
    log = workbook_values(result.path)[ml.LOG_SHEET][ml.FIRST_DATA_ROW - 1 :]
    assert any(f"«{out}»" in str(v) for row in log for v in row)
