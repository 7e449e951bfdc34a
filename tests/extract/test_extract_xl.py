"""The button "Tạo file cho cơ quan" (kehoach.xl.make_extracts) through xlwings' remote engine."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from kehoach import xl
from kehoach.cli import main
from kehoach.extract.signing import key_id, master_key, verify
from kehoach.sheets import extract_layout as ex
from kehoach.sheets.sheetdata import workbook_values
from kehoach.state.master import state_from_values
from xlharness import run_entry


def manifest_rows(path: Path) -> list[list[Any]]:
    ws = load_workbook(path)[ex.MANIFEST_SHEET]
    return [[c.value for c in row] for row in ws.iter_rows(min_row=ex.HEADER_ROW)]


def test_button_writes_files_key_manifest_and_alerts(
    master_xlsm: Path, tmp_path: Path, xl_remote: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str | None] = []
    real_status = xl._status

    def spy(book: Any, text: str | None) -> None:
        shown.append(text)
        real_status(book, text)  # the remote engine has no status bar: must not fail

    monkeypatch.setattr(xl, "_status", spy)
    folder = tmp_path / ex.DEFAULT_FOLDER
    result = run_entry(master_xlsm, lambda book: xl.make_extracts(book, out_dir=str(folder)))
    alert = result.alert
    assert alert.title == "Tạo file cho cơ quan"
    assert alert.text.startswith("Đã tạo 42 tệp cho 42 cơ quan (2300 lượt chủ trì")
    assert str(folder) in alert.text and ex.MANIFEST_SHEET in alert.text
    assert shown[0] == "Đang tạo tệp cho cơ quan 1/42: Sở Nội vụ"
    assert shown[-2] == "Đang tạo tệp cho cơ quan 42/42: Bệnh viện đa khoa tỉnh"
    assert shown[-1] is None
    funcs = [a["func"] for a in result.actions]
    assert "save" in funcs and funcs.index("save") < funcs.index("alert")
    # The key went into the workbook (hidden: Office.js knows no "very hidden") ...
    wb = load_workbook(result.path, keep_vba=True)
    assert wb[ex.KEY_SHEET].sheet_state == "hidden"
    key = master_key(state_from_values(workbook_values(result.path)))
    assert key is not None
    # ... and signed every file listed on the manifest sheet and in manifest.json.
    manifest = json.loads((folder / ex.MANIFEST_FILE).read_text(encoding="utf-8"))
    assert manifest["key_id"] == key_id(key)
    rows = manifest_rows(result.path)
    assert rows[0] == [c.header for c in ex.MANIFEST_COLUMNS]
    assert [r[3] for r in rows[1:]] == [f["file"] for f in manifest["files"]]
    for entry in manifest["files"]:
        assert verify(folder / entry["file"], key).agency_code == entry["agency"]


def test_button_reuses_the_key_and_matches_the_cli(
    master_xlsm: Path, tmp_path: Path, xl_remote: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """After `kehoach extract` made the key, the button signs with it and lists the same files."""
    assert main(["extract", str(master_xlsm), "--out", str(tmp_path / "cli")]) == 0
    capsys.readouterr()
    key = master_key(state_from_values(workbook_values(master_xlsm)))
    folder = tmp_path / "button"
    result = run_entry(master_xlsm, lambda book: xl.make_extracts(book, out_dir=str(folder)))
    assert not any(a["func"] == "addSheet" and ex.KEY_SHEET in a["args"] for a in result.actions)
    assert master_key(state_from_values(workbook_values(result.path))) == key
    cli = [r[:6] for r in manifest_rows(master_xlsm)[1:]]
    button = [r[:6] for r in manifest_rows(result.path)[1:]]
    assert cli == button
    for p in folder.glob("*.xlsx"):
        assert verify(p, key).ok


def test_damaged_key_alerts_and_writes_nothing(
    master_xlsm: Path, tmp_path: Path, xl_remote: Any
) -> None:
    wb = load_workbook(master_xlsm, keep_vba=True)
    ws = wb.create_sheet(ex.KEY_SHEET)
    ws.append([ex.KEY_LABEL, "not a key"])
    wb.save(master_xlsm)
    folder = tmp_path / "out"
    result = run_entry(master_xlsm, lambda book: xl.make_extracts(book, out_dir=str(folder)))
    assert [a["func"] for a in result.actions] == ["alert"]
    assert result.alert.mode == "critical"
    assert f"trang tính '{ex.KEY_SHEET}', ô B1" in result.alert.text
    assert not folder.exists()


def test_a_folder_that_cannot_be_made_alerts_and_writes_nothing(
    master_xlsm: Path, tmp_path: Path, xl_remote: Any
) -> None:
    """The book opened from a read-only place (a mail attachment, a shared folder): the folder
    for the agencies' files cannot be made; an alert names it, no traceback."""
    blocker = tmp_path / "chi-doc"
    blocker.write_text("một tệp, không phải thư mục", encoding="utf-8")
    folder = blocker / ex.DEFAULT_FOLDER
    result = run_entry(master_xlsm, lambda book: xl.make_extracts(book, out_dir=str(folder)))
    assert result.alert.title == "Lỗi" and result.alert.mode == "critical"
    assert f"Không tạo được thư mục «{folder}»" in result.alert.text
    assert "thư mục có quyền ghi" in result.alert.text
