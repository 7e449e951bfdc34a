"""`kehoach summary WORKBOOK [--as-of] [--json] [--write] [--pdf OUT]` and the button
"Tổng hợp tiến độ" (kehoach.xl.summarize_progress) through xlwings' remote engine."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from kehoach import xl
from kehoach.cli import main
from kehoach.sheets import summary_layout as sl
from kehoach.sheets.edits import apply_to_workbook
from kehoach.sheets.sheetdata import workbook_values
from kehoach.state.master import state_from_values
from kehoach.summary.compute import summarize
from kehoach.summary.sheet import summary_edits
from kehoach.workbook.xlsm import package_problems
from summary_support import write_progress
from xlharness import run_entry


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["summary", *args])
    out, err = capsys.readouterr()
    return code, out, err


def sheet_rows(path: Path) -> list[list[Any]]:
    ws = load_workbook(path)[sl.SUMMARY_SHEET]
    return [list(r) for r in ws.iter_rows(max_col=len(sl.COLUMNS), values_only=True)]


@pytest.fixture
def reported(master_xlsm: Path) -> Path:
    return write_progress(master_xlsm)


def test_json_with_as_of(reported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, str(reported), "--json", "--as-of", "2024-01-15")
    assert code == 0, err
    data = json.loads(out)
    assert data["as_of"] == "2024-01-15" and data["overall"]["tasks"] == 3868
    assert data["overall"]["agencies_not_reported"] == 38
    hdnd = next(a for a in data["not_reported"] if a["code"] == "HDND")
    assert hdnd["emails"] == ["vanphong@hdnd.backan.gov.vn"]
    earlier = json.loads(run(capsys, str(reported), "--json", "--as-of", "2023-12-20")[1])
    assert earlier["overall"]["overdue"] < data["overall"]["overdue"]


def test_text_and_write(reported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = reported.read_bytes()
    code, out, _ = run(capsys, str(reported), "--as-of", "2024-01-15")
    assert code == 0 and reported.read_bytes() == before  # without --write, untouched
    assert out.startswith("Tính đến ngày 15/1/2024: 3868 lượt")
    code, out, _ = run(capsys, str(reported), "--as-of", "2024-01-15", "--write")
    assert code == 0 and f"Đã ghi trang '{sl.SUMMARY_SHEET}'" in out
    assert package_problems(reported) == []  # VBA and ribbon kept
    rows = sheet_rows(reported)
    assert rows[sl.TOTAL_ROW - 1][5] == 3868
    assert len(load_workbook(reported)[sl.SUMMARY_SHEET]._charts) == 2  # charts survive


def test_bad_as_of_is_a_usage_error(reported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["summary", str(reported), "--as-of", "15/01/2024"])
    assert exc.value.code == 2
    assert "không phải ngày YYYY-MM-DD" in capsys.readouterr().err


def test_damaged_directory_is_a_clear_message(
    reported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wb = load_workbook(reported, keep_vba=True)
    wb["Danh bạ cơ quan"]["A3"] = "Mã"
    wb.save(reported)
    code, _, err = run(capsys, str(reported))
    assert code == 2 and "trang tính 'Danh bạ cơ quan', ô A3" in err


def test_pdf_without_libreoffice_says_what_to_do(
    reported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    monkeypatch.setattr("kehoach.workbook.pdfexport.find_soffice", lambda: None)
    code, _, err = run(capsys, str(reported), "--pdf", str(tmp_path / "tong-hop.pdf"))
    assert code == 2 and "Không tìm thấy LibreOffice" in err
    assert not (tmp_path / "tong-hop.pdf").exists()


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_pdf_of_the_summary_sheet(
    reported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = reported.read_bytes()
    out = tmp_path / "pdf" / "tong-hop.pdf"
    code, text, err = run(capsys, str(reported), "--as-of", "2024-01-15", "--pdf", str(out))
    assert code == 0, err
    assert out.read_bytes().startswith(b"%PDF") and f"Đã tạo {out}" in text
    assert reported.read_bytes() == before  # the PDF shows the summary; the master is untouched
    pages = len(re.findall(rb"/Type\s*/Page[^s]", out.read_bytes()))
    # the summary sheet alone (19 pages on A4 at 9 pt), not the whole workbook (over 100)
    assert 1 <= pages <= 21


def test_button_writes_tonghop_and_alerts(reported: Path, tmp_path: Path, xl_remote: Any) -> None:
    result = run_entry(reported, xl.summarize_progress, dst=tmp_path / "button.xlsm")
    alert = result.alert
    assert alert.title == sl.ALERT_TITLE
    assert alert.text.startswith("Tính đến ngày ") and "3868 lượt giao nhiệm vụ" in alert.text
    assert f"trang «{sl.SUMMARY_SHEET}»" in alert.text
    # The same sheet as the CLI's --write (openpyxl applier), for the same day.
    summary = summarize(state_from_values(workbook_values(reported)), date.today())
    wb = load_workbook(reported, keep_vba=True)
    apply_to_workbook(wb, summary_edits(summary))
    wb.save(tmp_path / "cli.xlsm")
    assert sheet_rows(result.path) == sheet_rows(tmp_path / "cli.xlsm")
    ws = load_workbook(result.path)[sl.SUMMARY_SHEET]
    assert len(ws._charts) == 2 and ws.conditional_formatting


def test_button_on_a_damaged_workbook_alerts_and_writes_nothing(
    reported: Path, xl_remote: Any
) -> None:
    wb = load_workbook(reported, keep_vba=True)
    wb["TienDo"]["N4"] = "hôm qua"
    wb.save(reported)
    result = run_entry(reported, xl.summarize_progress)
    assert [a["func"] for a in result.actions] == ["alert"]
    assert result.alert.title == "Lỗi" and "trang tính 'TienDo', ô N4" in result.alert.text
